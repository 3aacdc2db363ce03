// lupe-index: parse the command line, run lupe::index_sources, report. Exit status:
// 0 every document indexed, 1 some documents failed (all others are indexed and
// committed), 2 nothing could be done (bad arguments, index cannot be opened or written).
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "../cli/help_options.hpp"
#include "../cli/option_names.hpp"
#include "../cli/option_values.hpp"
#include "../cli/parse_errors.hpp"
#include "lupe/app/index_run.hpp"
#include "lupe/app/output.hpp"
#include "lupe/lupe.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitError = 2;

std::string counts_line(const std::map<std::string, std::size_t>& counts) {
    if (counts.empty()) return "0";
    std::string s;
    for (const auto& [lang, n] : counts) s += (s.empty() ? "" : ", ") + lang + " " + std::to_string(n);
    return s;
}

std::size_t total(const std::map<std::string, std::size_t>& counts) {
    std::size_t n = 0;
    for (const auto& [lang, count] : counts) n += count;
    return n;
}

// "1 document", "2 documents".
std::string count_of(std::size_t n, const char* noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// Library messages name the API's options; a lupe-index user needs its flags.
std::string in_cli_terms(std::string message) {
    static const lupe::apps::OptionFlag kFlags[] = {
        {"IndexWriterOptions::lock_wait_seconds", "lupe-index --wait SECONDS"},
        {"IndexWriterOptions::rebuild", "lupe-index --full"},
        {"IndexRunOptions::allow_mass_delete", "lupe-index --allow-mass-delete"},
        {"IndexRunOptions::max_delete_share", "lupe-index's limit"},
        {"IndexWriterOptions::german_word_list", "lupe-index --german-word-list FILE"},
        {"IndexWriterOptions::decompound = false", "lupe-index --no-decompound"},
        {"IndexRunOptions::encoding", "lupe-index --encoding"},
        {"IndexRunOptions::mirror_feeds", "lupe-index --mirror-feeds"},
        {"IndexRunOptions::pdf_seconds", "lupe-index --pdf-seconds"},
        {"IndexRunOptions::pdf_memory_bytes", "lupe-index --pdf-memory"},
    };
    return lupe::apps::with_flags(std::move(message), kFlags);
}

// Whether stderr goes to the systemd journal: JOURNAL_STREAM ("DEV:INODE", set by
// systemd for a service's stdout/stderr) names stderr's own device and inode (see
// systemd.exec(5)). Then each line gets a syslog priority prefix ("<3>" error, "<4>"
// warning), which the journal reads (SyslogLevelPrefix=, on by default), so that
// `journalctl -p warning` and monitoring see failed files, not just the summary.
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream) return false;
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) != 0) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    return dev == static_cast<unsigned long long>(st.st_dev) &&
           ino == static_cast<unsigned long long>(st.st_ino);
}

// sd-daemon(3) priority prefixes.
constexpr const char* kJournalError = "<3>";
constexpr const char* kJournalWarning = "<4>";

// Local time as ISO 8601 with the UTC offset, for the --oneline log line.
std::string iso_now() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[40];
    if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S%z", &local) == 0) return "";
    return text;
}

// The ETA is shown once the run has gone on this long and done this share of its work:
// earlier, start-up costs (opening the index, the first batches) would make it wild.
constexpr double kEtaMinSeconds = 3.0;
constexpr double kEtaMinShareDone = 0.02;

// "1:05:09", "4:09": a duration for the progress line.
std::string clock_text(double seconds) {
    const auto s = static_cast<unsigned long long>(seconds + 0.5);
    char text[32];
    if (s >= 3600) {
        std::snprintf(text, sizeof text, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(text, sizeof text, "%llu:%02llu", s / 60, s % 60);
    }
    return text;
}

// How far a run is, for the progress line: "120/4000 files (35%), ETA 2:10" (bytes decide
// the share done when known, as files differ in size). Empty while the totals are
// unknown (IndexRunSummary::files_total 0).
std::string how_far(const lupe::IndexRunSummary& s, double elapsed) {
    if (s.files_total == 0) return "";
    std::string text = std::to_string(s.files_done) + "/" + std::to_string(s.files_total) + " files";
    const double done = s.bytes_total > 0
                            ? static_cast<double>(s.bytes_done) / static_cast<double>(s.bytes_total)
                            : static_cast<double>(s.files_done) / static_cast<double>(s.files_total);
    char percent[16];
    std::snprintf(percent, sizeof percent, " (%.0f%%)", 100.0 * std::min(done, 1.0));
    text += percent;
    if (elapsed >= kEtaMinSeconds && done >= kEtaMinShareDone && done < 1.0) {
        text += ", ETA " + clock_text(elapsed * (1.0 - done) / done);
    }
    return text + ", ";
}

// Progress on a terminal: one line, rewritten at most every 200 ms.
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
    void update(const lupe::IndexRunSummary& s, const std::string& path) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        const std::string safe = lupe::terminal_safe(path);
        std::size_t from = safe.size() > 50 ? safe.size() - 49 : 0;
        while (from < safe.size() && (static_cast<unsigned char>(safe[from]) & 0xC0) == 0x80) {
            ++from;  // not in the middle of a character
        }
        const std::string shown = from ? "…" + safe.substr(from) : safe;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "\r\x1b[K%s%zu documents (%.0f/s), %zu failed  %s",
                     how_far(s, elapsed).c_str(), s.indexed(),
                     elapsed > 0 ? static_cast<double>(s.indexed()) / elapsed : 0.0, s.failed,
                     shown.c_str());
        shown_ = true;
    }
    void clear() {
        if (shown_) std::fputs("\r\x1b[K", stderr);
        shown_ = false;
    }

private:
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_{};
};

// Failed files or notes for --json: file, line (left out when not applicable), message.
nlohmann::json warnings_json(const std::vector<lupe::IndexWarning>& warnings) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& w : warnings) {
        nlohmann::json item = {{"file", w.path}};
        if (w.line) item["line"] = w.line;
        item["message"] = w.message;
        list.push_back(std::move(item));
    }
    return list;
}

}  // namespace

// "0", or "3 (.docx 2, .xml 1; --verbose names them)".
std::string skipped_line(const lupe::IndexRunSummary& s) {
    std::string line = std::to_string(s.files_skipped);
    if (s.files_skipped_by_extension.empty()) return line;
    line += " (";
    bool first = true;
    for (const auto& [extension, count] : s.files_skipped_by_extension) {
        line += (first ? "" : ", ") + lupe::terminal_safe(extension) + " " + std::to_string(count);
        first = false;
    }
    return line + "; --verbose names them)";
}

// --dry-run: the sources read as a run would read them, no index touched. With --jsonl
// each document goes to stdout as a JSONL line (the schema the JSONL reader takes);
// otherwise (or with --json) a summary of what was read.
int dry_run_sources(const std::vector<std::string>& sources, const lupe::IndexRunObserver& observer,
                    const lupe::IndexRunOptions& run_options, bool jsonl, bool json,
                    const std::vector<lupe::IndexWarning>& failures,
                    const std::vector<lupe::IndexWarning>& notes) {
    std::size_t documents = 0;
    const lupe::IndexRunSummary s = lupe::extract_sources(
        sources,
        [&](const lupe::Document& doc, const std::string&, std::size_t) {
            ++documents;
            if (!jsonl) return;
            nlohmann::ordered_json line = {{"id", doc.id}};
            const std::pair<const char*, const std::string*> fields[] = {
                {"title", &doc.title}, {"body", &doc.body},     {"lang", &doc.lang},
                {"date", &doc.date},   {"url", &doc.url},       {"source", &doc.source},
                {"author", &doc.author}, {"duplicate_key", &doc.duplicate_key}};
            for (const auto& [name, value] : fields) {
                if (!value->empty()) line[name] = *value;
            }
            if (!doc.categories.empty()) line["categories"] = doc.categories;
            std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << '\n';
        },
        observer, run_options);
    if (json && !jsonl) {
        const nlohmann::json out = {{"documents", documents},
                                    {"files_read", s.files_read},
                                    {"files_skipped", s.files_skipped},
                                    {"files_skipped_by_extension", s.files_skipped_by_extension},
                                    {"failed", s.failed},
                                    {"warnings", s.warnings},
                                    {"failures", warnings_json(failures)},
                                    {"notes", warnings_json(notes)}};
        std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else if (!jsonl) {
        std::printf("Dry run, no index touched: %s read from %s\n"
                    "  skipped: %s\n  failed: %zu, notes: %zu\n",
                    count_of(documents, "document").c_str(), count_of(s.files_read, "file").c_str(),
                    skipped_line(s).c_str(), s.failed, notes.size());
    }
    std::cout.flush();
    return s.failed ? kExitSomeFailed : kExitOk;
}

int main(int argc, char** argv) {
    CLI::App app{"Index English and German documents for lupe-search.\n"
                 "SOURCE: files or directories. Formats: .txt, .md/.markdown/.mdown (optional\n"
                 "front matter), .jsonl/.jsonl.gz (one {\"id\",\"title\",\"body\",...} object per\n"
                 "line), .html/.htm/.xhtml pages, .rss/.atom/.xml feeds (one document per item;\n"
                 "kept when they leave the feed), .pdf."};
    std::string index;
    std::vector<std::string> sources;
    lupe::IndexWriterOptions options;
    bool json = false;
    bool quiet = false;
    app.add_option("-i,--index", index,
                   "Index directory (created if it does not exist); required unless --dry-run")
        ->type_name("DIR");
    app.add_option("SOURCE", sources,
                   "Files and directories to index. With several SOURCEs, a directory's "
                   "files get ids beginning with its name (home/todo.md); NAME=DIR names it "
                   "(and always gives its files ids NAME/...)")
        ->type_name("PATH")
        ->required()
        ->check(CLI::Validator(
            [](const std::string& source) {
                // NAME=DIR: the whole text is no path, the part after the first '=' is.
                const std::string whole = CLI::ExistingPath(source);
                const std::size_t eq = source.find('=');
                if (whole.empty() || eq == std::string::npos) return whole;
                return CLI::ExistingPath(source.substr(eq + 1)).empty() ? std::string() : whole;
            },
            "", "PATH or NAME=DIR"));
    app.add_option("--lang", options.default_lang,
                   "Language of documents that do not name one: en or de (default: detect "
                   "with CLD2)")
        ->type_name("LANG")
        ->check(lupe::apps::one_of({"en", "de"}));
    app.add_option("--batch-size", options.batch_size,
                   "Documents per commit, 1 to 10000000 (bounds memory and the work a crash "
                   "loses)")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(std::size_t{1}, std::size_t{10000000}));
    app.add_option("--title-weight", options.title_weight,
                   "How many times a title word counts against a body word, 1 to 20")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(1u, 20u));
    app.add_flag("--no-fold", [&](std::int64_t) { options.fold = false; },
                 "Do not fold diacritics (Strasse/Straße meet only in German)");
    app.add_flag("--no-decompound", [&](std::int64_t) { options.decompound = false; },
                 "Do not split German compounds (no word list needed)");
    app.add_option("--compound-levels", options.compound_levels,
                   "How deep German compounds are split: 0 every level (Verfassung finds "
                   "Bundesverfassungsgericht), 1 the first only, as lupe 0.5")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0u, 4u));
    app.add_option("--german-word-list", options.german_word_list,
                   "German word list for compound splitting, read at the first German document "
                   "(default: $LUPE_GERMAN_WORDLIST, else /usr/share/dict/ngerman)")
        ->type_name("FILE");
    app.add_flag("--full", options.rebuild,
                 "Rebuild from scratch beside the published index, then publish it atomically");
    std::size_t shards = 0;
    app.add_option("--shards", shards,
                   "Split the index into N shards, 2 to " + std::to_string(lupe::kMaxShards) +
                       " (DIR/shard-K, and DIR/shards.list for lupe-search); later runs on DIR "
                       "keep its number of shards")
        ->type_name("N")
        ->check(lupe::apps::in_range(std::size_t{2}, lupe::kMaxShards));
    app.add_option("-j,--jobs", options.jobs,
                   "Worker threads for analysis and writing, 1 to " +
                       std::to_string(lupe::kMaxJobs) + " (default: one per core, at most 8)")
        ->type_name("N")
        ->check(lupe::apps::in_range(std::size_t{1}, lupe::kMaxJobs));
    app.add_option("--wait", options.lock_wait_seconds,
                   "Wait up to SECONDS (at most 86400, a day) for another lupe-index on the "
                   "same index (default: fail)")
        ->type_name("SECONDS")
        ->check(lupe::apps::in_range(0.0, 86400.0));
    lupe::IndexRunOptions run_options;
    app.add_flag("--allow-mass-delete", run_options.allow_mass_delete,
                 "Allow a run to delete all documents of a SOURCE, or more than half of the "
                 "index (without it such a run changes nothing and exits with status 2)");
    app.add_flag("--follow-symlinks", run_options.follow_symlinks,
                 "Follow symbolic links inside SOURCE directories, also those leading out of "
                 "them (each file is then read once); without it, only a SOURCE that is "
                 "itself a link is followed");
    app.add_flag("--mirror-feeds", run_options.mirror_feeds,
                 "Delete the items that left a feed file (default: feeds are archives, and "
                 "items that scrolled out of the feed stay indexed)");
    app.add_option("--encoding", run_options.encoding,
                   "Character encoding of every text, Markdown, HTML and feed file of this run "
                   "(ISO-8859-15, windows-1252, UTF-16, ...: any name iconv -l lists); default: "
                   "each file's BOM or declaration, else UTF-8, else Windows-1252 with a note")
        ->type_name("NAME");
    app.add_option("--pdf-seconds", run_options.pdf_seconds,
                   "Wall time one PDF's text extraction may take, 1 to 3600; past it the file "
                   "is skipped with an error")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(1.0, 3600.0));
    std::uint64_t pdf_memory_mib = run_options.pdf_memory_bytes >> 20;
    app.add_option("--pdf-memory", pdf_memory_mib,
                   "Memory (address space) one PDF's text extraction may use, in MiB, 64 to "
                   "65536")
        ->type_name("MIB")
        ->capture_default_str()
        ->check(lupe::apps::in_range(std::uint64_t{64}, std::uint64_t{65536}));
    bool dry_run = false, jsonl = false, verbose = false;
    app.add_flag("--dry-run", dry_run,
                 "Read the SOURCEs as a run would and touch no index (--index not needed); "
                 "prints what would be read, or with --jsonl the documents themselves");
    app.add_flag("--jsonl", jsonl,
                 "With --dry-run: write each document to stdout as one JSON object per line "
                 "(id, title, body, lang, date, url, source, author, categories, "
                 "duplicate_key), in source "
                 "order: to check what lupe extracts, or to convert files to JSONL");
    app.add_flag("-v,--verbose", verbose,
                 "Name each file that is skipped, with the reason (a format lupe does not "
                 "read, an .xml file that is no feed)");
    bool oneline = false;
    app.add_flag("--oneline", oneline,
                 "Print the summary as one line, starting with the local time (for logs)");
    app.add_flag("--json", json,
                 "Print the summary as one JSON object on stdout, failed files and notes included");
    app.add_flag("-q,--quiet", quiet,
                 "No progress line and no notes on stderr; errors (documents or files that "
                 "could not be indexed) are always printed");
    app.set_version_flag("--version", LUPE_VERSION_STRING);
    const lupe::apps::ToolManual manual{
        "lupe-index",
        {{std::to_string(kExitOk), "Every document was indexed (or nothing had changed)."},
         {std::to_string(kExitSomeFailed),
          "Some documents failed, each named on stderr; all others are indexed and committed."},
         {std::to_string(kExitError),
          "Nothing could be done: bad arguments, or the index cannot be opened or written "
          "(another lupe-index holds it, see --wait), or the run would delete too much (see "
          "--allow-mass-delete)."}},
        {{"LUPE_GERMAN_WORDLIST",
          "The German word list for compound splitting when --german-word-list is not given."},
         {"JOURNAL_STREAM",
          "Set by systemd for a service's output: when it names stderr, each error and warning "
          "line starts with a syslog priority (<3>, <4>) for the journal."}},
        {{"/usr/share/dict/ngerman",
          "The German word list (Debian's wngerman) when neither --german-word-list nor "
          "LUPE_GERMAN_WORDLIST names one."},
         {".lupeignore",
          "In a SOURCE directory: shell globs, one per line, of names not to index (names that "
          "start with '.' are skipped too)."},
         {"DIR/shards.list", "With --shards: the index's shards (DIR/shard-K), for lupe-search."}},
        {{"lupe-index --index ~/lupe ~/notes",
          "Index the folder ~/notes into ~/lupe; run it again to index only what changed."},
         {"lupe-index --index ~/lupe --full ~/notes",
          "Rebuild the index from scratch beside the published one, then publish it."},
         {"lupe-index --index /srv/lupe --oneline --quiet news=/srv/news mail=/srv/mail",
          "Two sources, their ids beginning news/ and mail/; one summary line for a log."}},
        {"lupe-search(1)"}};
    lupe::apps::add_help_outputs(app, manual, LUPE_VERSION_STRING);
    lupe::apps::name_parse_errors(app, "lupe-index", argc, argv,
                                  [](const std::string&) { return std::string(); });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitError;
    }

    run_options.pdf_memory_bytes = pdf_memory_mib << 20;
    if (jsonl && !dry_run) {
        std::cerr << "lupe-index: --jsonl goes with --dry-run (it prints documents instead of "
                     "indexing them)\nRun with --help for more information.\n";
        return kExitError;
    }
    if (index.empty() && !dry_run) {
        std::cerr << "lupe-index: --index is required (the index directory to write), unless "
                     "--dry-run\nRun with --help for more information.\n";
        return kExitError;
    }
    const bool journal = stderr_is_journal();
    const char* error_prefix = journal ? kJournalError : "";
    try {
        Progress progress(!quiet && ::isatty(STDERR_FILENO));
        // For --json, and to count notes apart from failures.
        std::vector<lupe::IndexWarning> failures, notes;
        lupe::IndexRunObserver observer;
        observer.on_warning = [&](const lupe::IndexWarning& w) {
            (w.document_failed ? failures : notes).push_back(w);
            // A failure is never silenced: a nightly run must say which file it lost.
            if (quiet && !w.document_failed) return;
            progress.clear();
            if (journal) std::cerr << (w.document_failed ? kJournalError : kJournalWarning);
            std::cerr << "lupe-index: " << (w.document_failed ? "error" : "warning") << ": "
                      << lupe::terminal_safe(w.path);
            if (w.line) std::cerr << ':' << w.line;
            std::cerr << ": " << lupe::terminal_safe(w.message) << '\n';
        };
        observer.on_progress = [&](const lupe::IndexRunSummary& s, const std::string& path) {
            progress.update(s, path);
        };
        if (verbose) {
            observer.on_skipped = [&](const std::string& path, const std::string& reason) {
                progress.clear();
                std::cerr << "lupe-index: skipped: " << lupe::terminal_safe(path) << ": "
                          << lupe::terminal_safe(reason) << '\n';
            };
        }
        if (dry_run) {
            progress.clear();
            return dry_run_sources(sources, observer, run_options, jsonl, json, failures, notes);
        }
        const bool sharded = shards > 0 || lupe::is_sharded_index(index);
        const lupe::IndexRunSummary s =
            sharded ? lupe::index_sources_sharded(index, options, shards, sources, observer,
                                                  run_options)
                    : [&] {
                          // A new index is built like a full rebuild (open_index_writer).
                          lupe::IndexWriter writer = lupe::open_index_writer(index, options);
                          return lupe::index_sources(writer, sources, observer, run_options);
                      }();
        progress.clear();

        if (json) {
            nlohmann::json out = {{"index", index},
                                  {"added", s.added},
                                  {"updated", s.updated},
                                  {"added_total", total(s.added)},
                                  {"updated_total", total(s.updated)},
                                  {"unchanged", s.unchanged},
                                  {"deleted", s.deleted},
                                  {"files_read", s.files_read},
                                  {"files_unchanged", s.files_unchanged},
                                  {"files_skipped", s.files_skipped},
                                  {"files_skipped_by_extension", s.files_skipped_by_extension},
                                  {"failed", s.failed},
                                  {"warnings", s.warnings},
                                  {"failures", warnings_json(failures)},
                                  {"notes", warnings_json(notes)},
                                  {"seconds", s.seconds},
                                  {"documents_per_second", s.documents_per_second()},
                                  {"documents_in_index", s.documents_total}};
            // Paths need not be UTF-8 (a Latin-1 file name): replaced, not a crash.
            std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        } else if (oneline) {
            std::printf("%s lupe-index %s: added %zu, updated %zu, unchanged %zu, deleted %zu, "
                        "failed %zu, notes %zu, %s, %.2f s\n",
                        iso_now().c_str(), index.c_str(), total(s.added), total(s.updated),
                        s.unchanged, s.deleted, s.failed, notes.size(),
                        count_of(s.documents_total, "document").c_str(), s.seconds);
        } else {
            if (s.indexed() == 0 && s.deleted == 0 && s.failed == 0) {
                std::printf("Nothing changed in %s: %s unchanged (%.2f s)\n", index.c_str(),
                            count_of(s.unchanged, "document").c_str(), s.seconds);
            } else if (s.indexed() == 0) {
                std::printf("No documents indexed into %s (%.2f s)\n", index.c_str(), s.seconds);
            } else {
                std::printf("Indexed %s into %s in %.2f s (%.0f documents/s)\n",
                            count_of(s.indexed(), "document").c_str(), index.c_str(), s.seconds,
                            s.documents_per_second());
            }
            std::printf("  added:   %s\n  updated: %s\n  unchanged: %zu, deleted: %zu\n"
                        "  files read: %zu, unchanged: %zu, skipped: %s\n"
                        "  failed: %zu, notes: %zu\n  documents in the index: %zu\n",
                        counts_line(s.added).c_str(), counts_line(s.updated).c_str(), s.unchanged,
                        s.deleted, s.files_read, s.files_unchanged, skipped_line(s).c_str(),
                        s.failed, notes.size(), s.documents_total);
        }
        return s.failed ? kExitSomeFailed : kExitOk;
    } catch (const lupe::Error& e) {
        std::cerr << error_prefix << "lupe-index: " << lupe::terminal_safe(in_cli_terms(e.what()))
                  << '\n';
        return kExitError;
    }
}

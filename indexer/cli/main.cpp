// lupe-index: parse the command line, run lupe::index_sources, report. Exit status:
// 0 every document indexed, 1 some documents failed (all others are indexed and
// committed), 2 nothing could be done (bad arguments, index cannot be opened or written).
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

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

// Progress on a terminal: one line, rewritten at most every 200 ms.
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled) {}
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
        std::fprintf(stderr, "\r\x1b[K%zu documents (%.0f/s), %zu failed  %s", s.indexed(),
                     s.documents_per_second(), s.failed, shown.c_str());
        shown_ = true;
    }
    void clear() {
        if (shown_) std::fputs("\r\x1b[K", stderr);
        shown_ = false;
    }

private:
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Index English and German documents for lupe-search.\n"
                 "SOURCE: .txt/.md files (optional front matter), .jsonl/.jsonl.gz files\n"
                 "(one {\"id\",\"title\",\"body\",...} object per line), or directories."};
    std::string index;
    std::vector<std::string> sources;
    lupe::IndexWriterOptions options;
    bool json = false;
    bool quiet = false;
    app.add_option("-i,--index", index, "Index directory (created if it does not exist)")
        ->required();
    app.add_option("SOURCE", sources,
                   "Files and directories to index. With several SOURCEs, a directory's "
                   "files get ids beginning with its name (home/todo.md); NAME=DIR names it "
                   "(and always gives its files ids NAME/...)")
        ->required()
        ->check(CLI::Validator(
            [](const std::string& source) {
                // NAME=DIR: the whole text is no path, the part after the first '=' is.
                const std::string whole = CLI::ExistingPath(source);
                const std::size_t eq = source.find('=');
                if (whole.empty() || eq == std::string::npos) return whole;
                return CLI::ExistingPath(source.substr(eq + 1)).empty() ? std::string() : whole;
            },
            "PATH or NAME=DIR"));
    app.add_option("--lang", options.default_lang,
                   "Language of documents that do not name one (default: detect with CLD2)")
        ->check(CLI::IsMember({"en", "de"}));
    app.add_option("--batch-size", options.batch_size,
                   "Documents per commit (bounds memory and the work a crash loses)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{10000000}));
    app.add_option("--title-weight", options.title_weight,
                   "How many times a title word counts against a body word")
        ->capture_default_str()
        ->check(CLI::Range(1u, 20u));
    app.add_flag("--no-fold", [&](std::int64_t) { options.fold = false; },
                 "Do not fold diacritics (Strasse/Straße meet only in German)");
    app.add_flag("--no-decompound", [&](std::int64_t) { options.decompound = false; },
                 "Do not split German compounds (no word list needed)");
    app.add_flag("--full", options.rebuild,
                 "Rebuild from scratch beside the published index, then publish it atomically");
    std::size_t shards = 0;
    app.add_option("--shards", shards,
                   "Split the index into N shards (DIR/shard-K, and DIR/shards.list for "
                   "lupe-search); later runs on DIR keep its number of shards")
        ->check(CLI::Range(std::size_t{2}, lupe::kMaxShards));
    app.add_option("-j,--jobs", options.jobs,
                   "Worker threads for analysis and writing (default: one per core, at most 8)")
        ->check(CLI::Range(std::size_t{1}, lupe::kMaxJobs));
    app.add_option("--wait", options.lock_wait_seconds,
                   "Wait up to SECONDS for another lupe-index on the same index (default: fail)")
        ->check(CLI::Range(0.0, 86400.0));
    lupe::IndexRunOptions run_options;
    app.add_flag("--follow-symlinks", run_options.follow_symlinks,
                 "Follow symbolic links inside SOURCE directories, also those leading out of "
                 "them (each file is then read once); without it, only a SOURCE that is "
                 "itself a link is followed");
    bool oneline = false;
    app.add_flag("--oneline", oneline, "Print the summary as one line (for logs)");
    app.add_flag("--json", json, "Print the summary as one JSON object on stdout");
    app.add_flag("-q,--quiet", quiet, "No progress line and no warnings on stderr");
    app.set_version_flag("--version", LUPE_VERSION_STRING);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitError;
    }

    try {
        // A new index is built like a full rebuild: in parallel shards, merged and
        // compacted at the end, published atomically (an incremental run would commit
        // batches into one database as it goes, which is slower and leaves it less dense).
        options.rebuild_if_new = true;
        Progress progress(!quiet && ::isatty(STDERR_FILENO));
        lupe::IndexRunObserver observer;
        observer.on_warning = [&](const lupe::IndexWarning& w) {
            if (quiet) return;
            progress.clear();
            std::cerr << "lupe-index: " << (w.document_failed ? "error" : "warning") << ": "
                      << lupe::terminal_safe(w.path);
            if (w.line) std::cerr << ':' << w.line;
            std::cerr << ": " << lupe::terminal_safe(w.message) << '\n';
        };
        observer.on_progress = [&](const lupe::IndexRunSummary& s, const std::string& path) {
            progress.update(s, path);
        };
        std::error_code ec;
        const bool sharded = shards > 0 || (std::filesystem::exists(index + "/shards.list", ec) &&
                                            !std::filesystem::exists(index + "/XAPIANDB", ec));
        const lupe::IndexRunSummary s =
            sharded ? lupe::index_sources_sharded(index, options, shards, sources, observer,
                                                  run_options)
                    : [&] {
                          lupe::IndexWriter writer(index, options);
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
                                  {"failed", s.failed},
                                  {"warnings", s.warnings},
                                  {"seconds", s.seconds},
                                  {"documents_per_second", s.documents_per_second()},
                                  {"documents_in_index", s.documents_total}};
            std::cout << out.dump(2) << '\n';
        } else if (oneline) {
            std::printf("lupe-index %s: added %zu, updated %zu, unchanged %zu, deleted %zu, "
                        "failed %zu, %zu documents, %.2f s\n",
                        index.c_str(), total(s.added), total(s.updated), s.unchanged, s.deleted,
                        s.failed, s.documents_total, s.seconds);
        } else {
            std::printf("Indexed %zu documents into %s in %.2f s (%.0f documents/s)\n"
                        "  added:   %s\n  updated: %s\n  unchanged: %zu, deleted: %zu\n"
                        "  files read: %zu, unchanged: %zu, skipped (not .txt/.md/.jsonl): %zu, "
                        "failed: %zu, warnings: %zu\n  documents in the index: %zu\n",
                        s.indexed(), index.c_str(), s.seconds, s.documents_per_second(),
                        counts_line(s.added).c_str(), counts_line(s.updated).c_str(), s.unchanged,
                        s.deleted, s.files_read, s.files_unchanged, s.files_skipped, s.failed,
                        s.warnings, s.documents_total);
        }
        return s.failed ? kExitSomeFailed : kExitOk;
    } catch (const lupe::Error& e) {
        std::cerr << "lupe-index: " << lupe::terminal_safe(e.what()) << '\n';
        return kExitError;
    }
}

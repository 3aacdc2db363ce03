// index_sources(): the indexing run behind `lupe-index`: walk the sources, read each file
// with the reader for its format, add every good document, report every bad one.
#include "lupe/app/index_run.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "../readers/readers.hpp"
#include "source_walker.hpp"
#include "lupe/error.hpp"
#include "lupe/shards.hpp"

namespace lupe {
namespace fs = std::filesystem;

std::size_t IndexRunSummary::indexed() const {
    std::size_t n = 0;
    for (const auto& [lang, count] : added) n += count;
    for (const auto& [lang, count] : updated) n += count;
    return n;
}

double IndexRunSummary::documents_per_second() const {
    return seconds > 0 ? static_cast<double>(indexed()) / seconds : 0.0;
}

namespace {

// The mass-delete guard's share rule (IndexRunOptions::max_delete_share) applies from this
// many deletions on. Deleting a few documents of a small collection (2 notes of 3: 67%)
// is ordinary housekeeping, and an index is derived data that the next run restores; what
// the guard is for, a source folder that is empty because a share is not mounted or a
// sync failed, is caught at any size by the rule that a source keeps at least one of its
// documents.
constexpr std::size_t kMassDeleteFloor = 10;

// A SOURCE as the run uses it.
struct Source {
    std::string given;   // as given ("NAME=DIR" included)
    std::string path;    // the file or directory
    std::string root;    // its canonical path
    std::string name;    // the id prefix of files under it (without "/"), or ""
};

bool path_exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

// The name of a directory SOURCE: the last component of its path as given ("home/" and
// "~/home" give "home"), or of its canonical path for "." and "..".
std::string default_name(const std::string& given) {
    fs::path p = fs::path(given).lexically_normal();
    if (!p.has_filename()) p = p.parent_path();
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..") {
        std::error_code ec;
        name = fs::weakly_canonical(given, ec).filename().string();
    }
    return indexer::id_of_name(name);
}

// The sources of a run, with the id prefix of each (see index_sources()). Refuses, before
// anything is read, names that would give two sources' files the same ids.
std::vector<Source> resolve_sources(const std::vector<std::string>& given) {
    std::vector<Source> sources;
    for (const std::string& text : given) {
        Source source{text, text, {}, {}};
        const std::size_t eq = text.find('=');
        if (eq != std::string::npos && !path_exists(text) && path_exists(text.substr(eq + 1))) {
            source.name = text.substr(0, eq);
            source.path = text.substr(eq + 1);
            if (source.name.empty() || source.name.find('/') != std::string::npos ||
                source.name == "." || source.name == ".." ||
                indexer::id_of_name(source.name) != source.name) {
                throw InvalidArgumentError(
                    "source " + text + ": the name \"" + source.name + "\" cannot begin document "
                    "ids (NAME=DIR: NAME is not empty, \".\" or \"..\", has no \"/\", and is "
                    "valid UTF-8 without control characters)");
            }
            if (!is_directory(source.path)) {
                throw InvalidArgumentError("source " + text + ": " + source.path +
                                           " is not a directory (NAME=DIR names the ids of the "
                                           "files under a directory; a file's id is its name)");
            }
        } else if (given.size() > 1 && is_directory(text)) {
            source.name = default_name(text);
            if (source.name.empty()) {
                throw InvalidArgumentError("source " + text + ": has no name to begin its files' "
                                           "ids with; give it one as NAME=DIR");
            }
        }
        std::error_code ec;
        source.root = fs::weakly_canonical(source.path, ec).string();
        sources.push_back(std::move(source));
    }
    std::map<std::string, const Source*> by_name;
    for (const Source& source : sources) {
        if (source.name.empty()) continue;
        const auto [it, inserted] = by_name.emplace(source.name, &source);
        if (!inserted) {
            throw InvalidArgumentError(
                "sources " + it->second->given + " and " + source.given + " have the same name \"" +
                source.name + "\": their files' document ids (\"" + source.name + "/...\") would "
                "clash; give them different names with the NAME=DIR form (e.g. " + source.name +
                "-2=" + source.path + ")");
        }
    }
    return sources;
}

// What the planning walk found, in walk order: the run replays it, so that the sources are
// walked once however many shards read them.
struct Entry {
    enum class Kind { File, Problem };
    Kind kind = Kind::File;
    fs::path path;
    std::string id;      // File: the id of a .txt/.md file's document
    std::string key;     // File: canonical path (the file's name in the index)
    std::string state;   // File: "<size> <mtime ns>", "" when it cannot be read
    std::uint64_t size = 0;
    indexer::Format format = indexer::Format::Unsupported;
    std::string reason;  // Problem
    indexer::Problem problem = indexer::Problem::Note;
};

struct Plan {
    std::vector<Source> sources;
    std::vector<Entry> entries;
    std::vector<std::string> roots;       // scope of deletions: sources, links followed out
    std::vector<std::string> unreadable;  // documents under these are kept
    std::unordered_map<std::string, std::uint64_t> files;  // readable files found: size
    std::size_t files_total = 0;
    std::uint64_t bytes_total = 0;
};

// "<size> <mtime in ns>": what tells a changed file without reading it.
std::string file_state(const fs::path& path, std::uint64_t& size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    size = static_cast<std::uint64_t>(st.st_size);
    return std::to_string(st.st_size) + " " +
           std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                          st.st_mtim.tv_nsec);
}

// The planning pass: walks every source (no file is read), so that the run knows what it
// will delete before it changes anything, and how much there is to read.
Plan plan_run(const std::vector<std::string>& given, const IndexRunOptions& options,
              const std::string& index_dir) {
    if (!(options.max_delete_share >= 0.0 && options.max_delete_share <= 1.0)) {
        throw InvalidArgumentError("IndexRunOptions::max_delete_share " +
                                   std::to_string(options.max_delete_share) +
                                   " is out of range 0..1");
    }
    Plan plan;
    plan.sources = resolve_sources(given);
    indexer::WalkOptions walk_options;
    walk_options.follow_symlinks = options.follow_symlinks;
    std::error_code ec;
    walk_options.skip_dirs.push_back(fs::weakly_canonical(index_dir, ec).string());
    for (const Source& source : plan.sources) {
        plan.roots.push_back(source.root);
        const std::string prefix = source.name.empty() ? std::string() : source.name + "/";
        indexer::WalkCallbacks walk;
        walk.on_file = [&](const fs::path& path, const std::string& id) {
            Entry e;
            e.path = path;
            // A directory SOURCE's files only: a file SOURCE's id stays its name.
            e.id = prefix.empty() || !is_directory(source.path) ? id : prefix + id;
            e.format = indexer::format_of(path);
            if (e.format != indexer::Format::Unsupported) {
                std::error_code ec2;
                e.key = fs::weakly_canonical(path, ec2).string();
                e.state = file_state(path, e.size);
                if (plan.files.emplace(e.key, e.size).second) {
                    ++plan.files_total;
                    plan.bytes_total += e.size;
                }
            }
            plan.entries.push_back(std::move(e));
        };
        walk.on_problem = [&](const fs::path& path, const std::string& reason,
                              indexer::Problem problem) {
            // A note (a link not followed, a loop, a second path, a broken link) hides
            // nothing: what lies behind it is walked elsewhere or out of scope. Only what
            // could not be read keeps its documents.
            if (problem != indexer::Problem::Note) {
                std::error_code ec2;
                plan.unreadable.push_back(fs::weakly_canonical(path, ec2).string());
            }
            Entry e;
            e.kind = Entry::Kind::Problem;
            e.path = path;
            e.reason = reason;
            e.problem = problem;
            plan.entries.push_back(std::move(e));
        };
        // Files reached through a followed link are in scope while the link is there.
        walk.on_link_out = [&](const fs::path& target) {
            const std::string t = target.string();
            if (std::none_of(plan.roots.begin(), plan.roots.end(),
                             [&](const std::string& r) { return indexer::path_inside(t, r); })) {
                plan.roots.push_back(t);
            }
        };
        indexer::walk_source(source.path, walk, walk_options);
    }
    return plan;
}

bool inside_any(const std::string& path, const std::vector<std::string>& dirs) {
    return std::any_of(dirs.begin(), dirs.end(),
                       [&](const std::string& d) { return indexer::path_inside(path, d); });
}

// What a run would delete, per source and in all, for the mass-delete guard.
struct Deletions {
    std::vector<std::size_t> had;   // per source: its files' documents in the index
    std::vector<std::size_t> gone;  // per source: those the run would delete
    std::size_t total = 0;          // documents the run would delete
    std::size_t documents = 0;      // documents in the index

    explicit Deletions(const Plan& plan) : had(plan.sources.size()), gone(plan.sources.size()) {}

    // The planning pass: the documents of recorded files that are gone (deleted, renamed,
    // now ignored) or now empty. (A changed file may lose some of its documents too; that
    // is known only once it is read, and is not what the guard is for.)
    void add_planned(const Plan& plan, const PublishedIndexCounts& published) {
        documents += published.documents;
        for (const auto& [file, count] : published.tag_documents) {
            if (count == 0 || !inside_any(file, plan.roots) || inside_any(file, plan.unreadable)) {
                continue;
            }
            const auto found = plan.files.find(file);
            const bool deleted = found == plan.files.end() || found->second == 0;
            if (deleted) total += count;
            for (std::size_t i = 0; i < plan.sources.size(); ++i) {
                if (!indexer::path_inside(file, plan.sources[i].root)) continue;
                had[i] += count;
                if (deleted) gone[i] += count;
            }
        }
    }
};

// Throws MassDeleteError when the deletions pass the guard (see IndexRunOptions).
void guard(const Plan& plan, const Deletions& d, const IndexRunOptions& options,
           const std::string& outcome) {
    if (options.allow_mass_delete) return;
    std::string emptied;
    for (std::size_t i = 0; i < plan.sources.size(); ++i) {
        if (d.had[i] == 0 || d.gone[i] < d.had[i]) continue;
        emptied += (emptied.empty() ? "" : ", ") + plan.sources[i].given + " (" +
                   std::to_string(d.had[i]) + (d.had[i] == 1 ? " document)" : " documents)");
    }
    const std::string allow = outcome + "; if that is meant, allow it "
                              "(IndexRunOptions::allow_mass_delete)";
    if (!emptied.empty()) {
        throw MassDeleteError("source " + emptied + ": the run would delete every document "
                              "it had (none of its files is left, or they are empty: an "
                              "unmounted share, a failed sync?); " + allow);
    }
    const double limit = options.max_delete_share * static_cast<double>(d.documents);
    if (d.total >= kMassDeleteFloor && static_cast<double>(d.total) > limit) {
        std::string per_source;
        for (std::size_t i = 0; i < plan.sources.size(); ++i) {
            if (d.gone[i] == 0) continue;
            per_source += (per_source.empty() ? " (" : ", ") + plan.sources[i].given + ": " +
                          std::to_string(d.gone[i]);
        }
        if (!per_source.empty()) per_source += ")";
        const long percent = std::lround(100.0 * static_cast<double>(d.total) /
                                         static_cast<double>(d.documents));
        throw MassDeleteError(
            "this run would delete " + std::to_string(d.total) + " of the index's " +
            std::to_string(d.documents) + " documents" + per_source + ", " +
            std::to_string(percent) + "%, more than IndexRunOptions::max_delete_share (" +
            std::to_string(std::lround(100.0 * options.max_delete_share)) + "%) allows; " + allow);
    }
}

class Run {
public:
    // shard_index and shard_count: those of the writer (which does not tell them).
    Run(IndexWriter& writer, const Plan& plan, const IndexRunObserver& observer,
        const IndexRunOptions& options, std::size_t shard_index, std::size_t shard_count)
        : writer_(writer), plan_(plan), observer_(observer), options_(options),
          shard_index_(shard_index), shard_count_(shard_count),
          start_(std::chrono::steady_clock::now()) {
        // A sharded run reads the sources once per shard: its progress counts so.
        summary_.files_total = plan.files_total * shard_count;
        summary_.bytes_total = plan.bytes_total * shard_count;
        summary_.files_done = plan.files_total * shard_index;
        summary_.bytes_done = plan.bytes_total * shard_index;
    }

    void run() {
        for (const Entry& e : plan_.entries) {
            if (e.kind == Entry::Kind::Problem) {
                warn(e.path.string(), 0, e.reason, e.problem == indexer::Problem::Fatal);
            } else {
                file(e);
            }
        }
    }

    // `guard_rebuild`: refuse to publish a rebuild that drops too much (unsharded runs; a
    // sharded run is guarded by its planning pass alone, as its shards publish in turn).
    IndexRunSummary finish(bool guard_rebuild) {
        writer_.wait();
        if (writer_.rebuilding()) {
            check_rebuild(guard_rebuild);
        } else {
            delete_vanished_files();
        }
        summary_.documents_total = writer_.document_count();
        writer_.publish();
        summary_.seconds = elapsed();
        return summary_;
    }

private:
    // A file documents come from: its key (canonical path) and its path as walked. Shared
    // by all the run's documents from it, so that remembering each id's place costs no
    // copy of the paths.
    struct File {
        std::string key;
        std::string path;
    };

    // Where a document came from, for messages: "file" or "file:line".
    struct Place {
        std::shared_ptr<const File> file;
        std::size_t line = 0;
        bool indexed_before = false;  // found in the index, from a file not read (yet)
    };

    static std::string where(const std::string& path, std::size_t line) {
        return line ? path + ":" + std::to_string(line) : path;
    }

    void file(const Entry& e) {
        const fs::path& path = e.path;
        if (e.format == indexer::Format::Unsupported) {
            ++summary_.files_skipped;
            return;
        }
        const std::string& key = e.key;
        const std::string& state = e.state;
        const bool first_path = seen_files_.insert(key).second;
        if (!state.empty() && writer_.tag_record(key) == state) {
            std::size_t count = writer_.count_tagged(key);
            const bool one_document = e.format != indexer::Format::Jsonl;
            if (!one_document || !first_path || !other_path_indexed(key, e.id, state, count)) {
                ++summary_.files_unchanged;
                summary_.unchanged += count;
                return done(e, first_path, summary_.bytes_done);
            }
        }
        ++summary_.files_read;
        current_ = path.string();
        current_key_ = key;
        current_file_ = std::make_shared<const File>(File{key, current_});
        ids_seen_.clear();
        file_failures_ = 0;
        indexer::ReadCallbacks read;
        read.on_document = [this](Document&& doc, std::size_t line) { add(doc, line); };
        read.on_error = [this](std::size_t line, const std::string& reason) {
            ++file_failures_;
            warn(current_, line, reason, true);
        };
        // Progress inside a big file; done() counts the whole file when it is read.
        const std::uint64_t bytes_before = summary_.bytes_done;
        read.on_bytes = [this, bytes_before, size = e.size](std::uint64_t bytes) {
            summary_.bytes_done = bytes_before + std::min<std::uint64_t>(bytes, size);
        };
        if (e.format == indexer::Format::Jsonl) {
            indexer::read_jsonl_file(path, read);
        } else {
            indexer::read_text_file(path, e.id, e.format == indexer::Format::Markdown, read);
        }
        // Only a file read without reader-level failures (a malformed line, an I/O error, a
        // document without id, an id another file has) tells which of its documents are
        // gone; one that failed keeps its documents, and no state, so that the next run
        // reads it. A document the writer rejected for its content still counts as seen
        // (see add()). (A rebuild holds only what this run read: nothing can be gone.)
        if (file_failures_ == 0) {
            if (writer_.rebuilding()) {
                writer_.set_tag_record(key, state);
            } else {
                summary_.deleted += delete_file_documents(
                    key, [this](const std::string& doc_id) { return ids_seen_.count(doc_id) > 0; });
                writer_.set_tag_record(key, state);
            }
        }
        done(e, first_path, bytes_before);
    }

    // A file dealt with (read, or found unchanged): counted for the progress display.
    void done(const Entry& e, bool first_path, std::uint64_t bytes_before) {
        if (!first_path) return;
        ++summary_.files_done;
        summary_.bytes_done = bytes_before + e.size;
        progress();
    }

    // A .txt or .md file has one document, under the id the walker gives it. One under
    // another id was indexed through another path to the same file, or under the id of
    // lupe 0.4, which did not prefix the ids of several sources: a symbolic link followed
    // then (--follow-symlinks, or lupe 0.3, which followed every link) and not now. Such
    // documents are deleted, and a file whose own document is missing is read again
    // although it did not change (also when another file's document took its id in a run
    // of lupe 0.4, which indexed one of "home/todo.md" and "work/todo.md"). (Only on the
    // first path that reaches the file in a run: a file that overlapping sources reach
    // twice keeps the id of the first.)
    // `count`: the file's documents in this writer; on return, those that are left.
    // @return whether to read the file again
    bool other_path_indexed(const std::string& key, const std::string& id,
                            const std::string& state, std::size_t& count) {
        // Unsharded (or not told), the file's own document is here or nowhere.
        const bool own_shard =
            shard_count_ < 2 || shard_of(id, shard_count_, writer_.shard_routing()) == shard_index_;
        // A file with a state and no document in its own shard lost it to another file's
        // document with the same id (lupe 0.4), or its document was rejected: read it.
        if (count == 0) return own_shard;
        bool own = false;
        const std::size_t deleted =
            delete_file_documents(key, [&](const std::string& doc_id) {
                if (doc_id != id) return false;
                own = true;
                return true;
            });
        summary_.deleted += deleted;
        count -= deleted;
        if (own) return false;
        if (own_shard) return true;  // its state went with its last document
        // This shard has no document of the file, as it should; keep the file's state.
        writer_.set_tag_record(key, state);
        return false;
    }

    // Deletes the documents of a recorded file whose ids `keep` does not accept, and the
    // file's state when none is kept (the file is then read again by the next run).
    std::size_t delete_file_documents(const std::string& key,
                                      const std::function<bool(const std::string&)>& keep) {
        std::size_t kept = 0;
        const std::size_t deleted = writer_.delete_tagged(key, [&](const std::string& id) {
            if (!keep(id)) return false;
            ++kept;
            return true;
        });
        if (kept == 0) writer_.set_tag_record(key, "");
        return deleted;
    }

    // Documents of recorded files that lie under this run's sources but were not found:
    // the file was deleted, renamed, or is now ignored.
    void delete_vanished_files() {
        for (const auto& file : writer_.recorded_tags()) {
            if (seen_files_.count(file)) continue;
            if (!inside_any(file, plan_.roots) || inside_any(file, plan_.unreadable)) continue;
            summary_.deleted += delete_file_documents(
                file, [](const std::string&) { return false; });
        }
    }

    // A rebuild, before it is published: what it drops of the published index is
    // deleted; a source whose documents it holds none of, or a drop past the share, is
    // refused (the published index stays as it is).
    void check_rebuild(bool guard_rebuild) {
        const PublishedIndexCounts published = writer_.published_counts(true);
        summary_.deleted = published.dropped;
        if (!guard_rebuild) return;
        Deletions d(plan_);
        d.documents = published.documents;
        d.total = published.dropped;
        for (const auto& [file, count] : published.tag_documents) {
            if (count == 0) continue;
            bool any = false;
            std::size_t kept = 0;
            for (std::size_t i = 0; i < plan_.sources.size(); ++i) {
                if (!indexer::path_inside(file, plan_.sources[i].root)) continue;
                if (!any) kept = writer_.count_tagged(file);
                any = true;
                d.had[i] += count;
                d.gone[i] += count - std::min(count, kept);
            }
        }
        guard(plan_, d, options_, "the rebuilt index was not published, the published one is "
                                  "as it was");
    }

    // Documents go to the writer's worker threads; their outcome is counted when it
    // arrives (on this thread, during a later call of the writer).
    void add(Document& doc, std::size_t line) {
        const std::string id = doc.id;
        if (!id.empty() && !first_of_id(id, line)) return progress();
        // Another shard's document (an empty id is the first shard's, which reports it).
        if (shard_count_ > 1 &&
            (id.empty() ? 0 : shard_of(id, shard_count_, writer_.shard_routing())) != shard_index_) {
            ids_seen_.insert(id);
            return;
        }
        try {
            writer_.add_document_async(
                std::move(doc), current_key_,
                [this, id, path = current_, line](const AddOutcome& outcome) {
                    counted(outcome, id, path, line);
                });
            ids_seen_.insert(id);
        } catch (const DocumentError& e) {
            // Rejected for its content (its id is known): it counts as seen, so that an
            // older good version of it stays, and the file's state is recorded. Without an
            // id, nothing tells which document of the file it is: the file stays unrecorded.
            if (id.empty()) {
                ++file_failures_;
            } else {
                ids_seen_.insert(id);
            }
            warn(current_, line, e.what(), true);
            progress();
        }
    }

    // Whether the run may index this document: the first with its id in this run, or a
    // later line of the same JSONL file (which replaces the earlier, with a warning).
    bool first_of_id(const std::string& id, std::size_t line) {
        auto it = produced_.find(id);
        if (it == produced_.end()) {
            // Not yet in this run; the index may hold it from a file that is not read
            // because it did not change (or is read later).
            const std::string other = writer_.document_tag(id, current_key_);
            if (other.empty() || other == current_key_ || !still_there(other)) {
                produced_.emplace(id, Place{current_file_, line, false});
                return true;
            }
            auto file = std::make_shared<const File>(File{other, other});
            it = produced_.emplace(id, Place{std::move(file), 0, true}).first;
        }
        Place& first = it->second;
        if (first.indexed_before && first.file->key == current_key_) {
            first = Place{current_file_, line, false};  // its own file, read now
            return true;
        }
        if (first.file->key != current_key_) {
            ++file_failures_;
            warn(current_, line,
                 "document \"" + id + "\": " + where(first.file->path, first.line) +
                     " has a document with the same id; not indexed (ids must be unique across "
                     "the sources of an index)",
                 true);
            return false;
        }
        // The same line again: the same file reached through overlapping sources.
        if (first.line != line) {
            warn(current_, line,
                 "document \"" + id + "\": the same id as line " + std::to_string(first.line) +
                     "; this later line replaces it",
                 false);
            first.line = line;
        }
        return true;
    }

    // Whether a recorded file keeps its documents after this run: found by the walk, or
    // outside the run's sources and still on disk. (A file under a source that the walk
    // did not find is gone, or now ignored: its documents go, and may move elsewhere.)
    bool still_there(const std::string& file) const {
        if (plan_.files.count(file)) return true;
        if (inside_any(file, plan_.roots)) return false;
        std::error_code ec;
        return fs::exists(file, ec);
    }

    void counted(const AddOutcome& outcome, const std::string& id, const std::string& path,
                 std::size_t line) {
        if (outcome.unchanged) {
            ++summary_.unchanged;
            return progress();
        }
        auto& counts = outcome.replaced ? summary_.updated : summary_.added;
        ++counts[outcome.lang];
        for (const auto& note : outcome.notes) {
            warn(path, line, "document \"" + id + "\": " + note, false);
        }
        progress();
    }

    void progress() {
        if (observer_.on_progress) {
            summary_.seconds = elapsed();
            observer_.on_progress(summary_, current_);
        }
    }

    // `failed` counts what was lost, `warnings` the notes that lost nothing.
    void warn(const std::string& path, std::size_t line, const std::string& message,
              bool document_failed) {
        ++(document_failed ? summary_.failed : summary_.warnings);
        if (observer_.on_warning) observer_.on_warning({path, line, message, document_failed});
    }

    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

    IndexWriter& writer_;
    const Plan& plan_;
    const IndexRunObserver& observer_;
    const IndexRunOptions& options_;
    const std::size_t shard_index_;
    const std::size_t shard_count_;
    std::chrono::steady_clock::time_point start_;
    IndexRunSummary summary_;
    std::string current_;
    std::string current_key_;
    std::unordered_set<std::string> ids_seen_;
    std::unordered_map<std::string, Place> produced_;  // each id indexed in this run
    std::shared_ptr<const File> current_file_;          // the file being read
    std::size_t file_failures_ = 0;
    std::unordered_set<std::string> seen_files_;
};

}  // namespace

IndexRunSummary index_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                              const IndexRunObserver& observer, const IndexRunOptions& run_options) {
    const Plan plan = plan_run(sources, run_options, writer.path());
    Deletions deletions(plan);
    deletions.add_planned(plan, writer.published_counts());
    guard(plan, deletions, run_options, "nothing was changed");
    Run run(writer, plan, observer, run_options, 0, 1);
    run.run();
    return run.finish(/*guard_rebuild=*/true);
}

IndexWriter open_index_writer(const std::string& path, IndexWriterOptions options) {
    if (options.rebuild || index_exists(path)) return IndexWriter(path, options);
    options.rebuild = true;
    {
        IndexWriter writer(path, options);
        // Asked again under the writer's lock: a writer that waited for another may find
        // an index now, which it brings up to date instead of replacing.
        if (!index_exists(path)) return writer;
    }
    options.rebuild = false;
    return IndexWriter(path, options);
}

IndexRunSummary index_sources_sharded(const std::string& dir, IndexWriterOptions options,
                                      std::size_t shard_count,
                                      const std::vector<std::string>& sources,
                                      const IndexRunObserver& observer,
                                      const IndexRunOptions& run_options) {
    const fs::path root(dir);
    std::error_code ec;
    const bool listed = is_sharded_index(dir);
    if (shard_count == 0 && listed) shard_count = read_shard_list(dir).size();
    if (shard_count < 2 || shard_count > kMaxShards) {
        throw InvalidArgumentError("shards: " + std::to_string(shard_count) + " is out of range 2.." +
                                   std::to_string(kMaxShards));
    }
    if (index_exists(dir)) {
        throw InvalidArgumentError("index " + dir + ": holds an unsharded index; build the "
                                   "sharded one in a new directory");
    }
    const std::vector<std::string> shards = shard_paths(dir, shard_count);
    if (listed) {
        const std::vector<std::string> names = read_shard_list(dir);
        bool same = names.size() == shard_count;
        for (std::size_t k = 0; same && k < names.size(); ++k) {
            // A remote shard's name ("tcp://HOST:PORT") is no shard directory's.
            same = names[k].rfind("tcp://", 0) != 0 &&
                   fs::path(names[k]).filename() == fs::path(shards[k]).filename();
        }
        if (!same) {
            throw InvalidArgumentError("index " + dir + ": has " + std::to_string(names.size()) +
                                       " shards, not " + std::to_string(shard_count) +
                                       "; documents would land in other shards: rebuild into a "
                                       "new directory");
        }
    }
    fs::create_directories(root, ec);
    if (ec) throw IoError("index " + dir + ": cannot create the directory: " + ec.message());

    // The sources are walked once; what the run would delete is known, over all shards,
    // before any shard is changed.
    const Plan plan = plan_run(sources, run_options, dir);
    options.shard = true;
    Deletions deletions(plan);
    for (std::size_t k = 0; k < shard_count && !run_options.allow_mass_delete; ++k) {
        if (!index_exists(shards[k])) continue;  // nothing to delete there
        const IndexWriter writer = open_index_writer(shards[k], options);
        deletions.add_planned(plan, writer.published_counts());
    }
    guard(plan, deletions, run_options, "nothing was changed");

    // Problems of the input (a malformed line) are met by every shard's run: report and
    // count each once.
    std::set<std::tuple<std::string, std::size_t, std::string>> seen;
    std::size_t failed = 0, warnings = 0;
    IndexRunObserver once = observer;
    once.on_warning = [&](const IndexWarning& w) {
        if (!seen.emplace(w.path, w.line, w.message).second) return;
        ++(w.document_failed ? failed : warnings);
        if (observer.on_warning) observer.on_warning(w);
    };
    IndexRunSummary total;
    for (std::size_t k = 0; k < shard_count; ++k) {
        IndexWriter writer = open_index_writer(shards[k], options);
        Run run(writer, plan, once, run_options, k, shard_count);
        run.run();
        const IndexRunSummary s = run.finish(/*guard_rebuild=*/false);
        for (const auto& [lang, n] : s.added) total.added[lang] += n;
        for (const auto& [lang, n] : s.updated) total.updated[lang] += n;
        total.unchanged += s.unchanged;
        total.deleted += s.deleted;
        total.seconds += s.seconds;
        total.documents_total += s.documents_total;
        total.files_total = s.files_total;
        total.bytes_total = s.bytes_total;
        total.files_done = s.files_done;
        total.bytes_done = s.bytes_done;
        if (k == 0) {
            total.files_read = s.files_read;
            total.files_unchanged = s.files_unchanged;
            total.files_skipped = s.files_skipped;
        }
    }
    total.failed = failed;
    total.warnings = warnings;
    write_shard_list(dir, shard_count);
    return total;
}

}  // namespace lupe

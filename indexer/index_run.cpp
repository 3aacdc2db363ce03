// index_sources(): the indexing run behind `lupe-index`: walk the sources, read each file
// with the reader for its format, add every good document, report every bad one.
#include "lupe/index_run.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <tuple>
#include <unordered_set>

#include "indexer/readers.hpp"
#include "indexer/source_walker.hpp"
#include "lupe/error.hpp"
#include "src/shard_list.hpp"

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

class Run {
public:
    // shard_index and shard_count: those of the writer (which does not tell them).
    Run(IndexWriter& writer, const IndexRunObserver& observer, const IndexRunOptions& options,
        std::size_t shard_index, std::size_t shard_count)
        : writer_(writer), observer_(observer), shard_index_(shard_index),
          shard_count_(shard_count), start_(std::chrono::steady_clock::now()) {
        walk_options_.follow_symlinks = options.follow_symlinks;
    }

    void source(const std::string& source) {
        std::error_code ec;
        roots_.push_back(fs::weakly_canonical(source, ec).string());
        indexer::WalkCallbacks walk;
        walk.on_file = [this](const fs::path& path, const std::string& id) { file(path, id); };
        walk.on_problem = [this](const fs::path& path, const std::string& reason,
                                 indexer::Problem problem) {
            // A note (a link not followed, a loop, a second path, a broken link) hides nothing: what lies
            // behind it is walked elsewhere or out of scope. Only what could not be read
            // keeps its documents.
            if (problem != indexer::Problem::Note) {
                std::error_code ec2;
                unreadable_.push_back(fs::weakly_canonical(path, ec2).string());
            }
            warn(path.string(), 0, reason, problem == indexer::Problem::Fatal);
        };
        // Files reached through a followed link are in scope while the link is there.
        walk.on_link_out = [this](const fs::path& target) {
            const std::string t = target.string();
            if (std::none_of(roots_.begin(), roots_.end(),
                             [&](const std::string& r) { return indexer::path_inside(t, r); })) {
                roots_.push_back(t);
            }
        };
        indexer::walk_source(source, walk, walk_options_);
    }

    IndexRunSummary finish() {
        writer_.wait();
        delete_vanished_files();
        summary_.documents_total = writer_.document_count();
        writer_.publish();
        summary_.seconds = elapsed();
        return summary_;
    }

private:
    // "<size> <mtime in ns>": what tells a changed file without reading it.
    static std::string file_state(const fs::path& path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) return {};
        return std::to_string(st.st_size) + " " +
               std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                              st.st_mtim.tv_nsec);
    }

    void file(const fs::path& path, const std::string& id) {
        const indexer::Format format = indexer::format_of(path);
        if (format == indexer::Format::Unsupported) {
            ++summary_.files_skipped;
            return;
        }
        std::error_code ec;
        const std::string key = fs::weakly_canonical(path, ec).string();
        const bool first_path = seen_files_.insert(key).second;
        const std::string state = file_state(path);
        if (!state.empty() && writer_.source_file_state(key) == state) {
            std::size_t count = writer_.count_source_file_documents(key);
            const bool one_document = format != indexer::Format::Jsonl;
            if (!one_document || !first_path || !other_path_indexed(key, id, state, count)) {
                ++summary_.files_unchanged;
                summary_.unchanged += count;
                return;
            }
        }
        ++summary_.files_read;
        current_ = path.string();
        current_key_ = key;
        ids_seen_.clear();
        file_failures_ = 0;
        indexer::ReadCallbacks read;
        read.on_document = [this](Document&& doc, std::size_t line) { add(doc, line); };
        read.on_error = [this](std::size_t line, const std::string& reason) {
            ++file_failures_;
            warn(current_, line, reason, true);
        };
        if (format == indexer::Format::Jsonl) {
            indexer::read_jsonl_file(path, read);
        } else {
            indexer::read_text_file(path, id, format == indexer::Format::Markdown, read);
        }
        // Only a file read without failures tells which of its documents are gone; one
        // that failed keeps its documents, and no state, so that the next run reads it.
        // (A rebuild holds only what this run read: nothing of the file can be gone.)
        if (file_failures_ == 0) {
            if (writer_.rebuilding()) return writer_.set_source_file_state(key, state);
            summary_.deleted += writer_.delete_source_file_documents(
                key, [this](const std::string& doc_id) { return ids_seen_.count(doc_id) > 0; });
            writer_.set_source_file_state(key, state);
        }
    }

    // A .txt or .md file has one document, under the id the walker gives it. One under
    // another id was indexed through another path to the same file: a symbolic link
    // followed then (--follow-symlinks, or lupe 0.3, which followed every link) and not
    // now. Such documents are deleted, and a file whose own document is missing is read
    // again although it did not change. (Only on the first path that reaches the file in
    // a run: a file that overlapping sources reach twice keeps the id of the first.)
    // `count`: the file's documents in this writer; on return, those that are left.
    // @return whether to read the file again
    bool other_path_indexed(const std::string& key, const std::string& id,
                            const std::string& state, std::size_t& count) {
        // Unsharded (or not told), the file's own document is here or nowhere.
        const bool own_shard = shard_count_ < 2 || writer_.document_shard(id) == shard_index_;
        // Unsharded, a file with a state has a document (files whose reading failed have no
        // state); in a shard, the document may have gone to the shard of another path.
        if (count == 0) return shard_count_ > 1 && own_shard;
        bool own = false;
        const std::size_t deleted =
            writer_.delete_source_file_documents(key, [&](const std::string& doc_id) {
                if (doc_id != id) return false;
                own = true;
                return true;
            });
        summary_.deleted += deleted;
        count -= deleted;
        if (own) return false;
        if (own_shard) return true;  // its state went with its last document
        // This shard has no document of the file, as it should; keep the file's state.
        writer_.set_source_file_state(key, state);
        return false;
    }

    // Documents of recorded files that lie under this run's sources but were not found:
    // the file was deleted, renamed, or is now ignored.
    void delete_vanished_files() {
        for (const auto& file : writer_.source_files()) {
            if (seen_files_.count(file)) continue;
            const bool in_scope = std::any_of(roots_.begin(), roots_.end(),
                                              [&](const std::string& r) { return indexer::path_inside(file, r); });
            const bool unsure = std::any_of(unreadable_.begin(), unreadable_.end(),
                                            [&](const std::string& d) { return indexer::path_inside(file, d); });
            if (!in_scope || unsure) continue;
            summary_.deleted += writer_.delete_source_file_documents(
                file, [](const std::string&) { return false; });
        }
    }

    // Documents go to the writer's worker threads; their outcome is counted when it
    // arrives (on this thread, during a later call of the writer).
    void add(Document& doc, std::size_t line) {
        try {
            std::string id = doc.id;
            writer_.add_document_async(
                std::move(doc), current_key_,
                [this, id, path = current_, line](const AddOutcome& outcome) {
                    counted(outcome, id, path, line);
                });
            ids_seen_.insert(std::move(id));
        } catch (const DocumentError& e) {
            ++file_failures_;
            warn(current_, line, e.what(), true);
            progress();
        }
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

    void warn(const std::string& path, std::size_t line, const std::string& message,
              bool document_failed) {
        ++summary_.warnings;
        if (document_failed) ++summary_.failed;
        if (observer_.on_warning) observer_.on_warning({path, line, message, document_failed});
    }

    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

    IndexWriter& writer_;
    const IndexRunObserver& observer_;
    const std::size_t shard_index_;
    const std::size_t shard_count_;
    indexer::WalkOptions walk_options_;
    std::chrono::steady_clock::time_point start_;
    IndexRunSummary summary_;
    std::string current_;
    std::string current_key_;
    std::unordered_set<std::string> ids_seen_;
    std::size_t file_failures_ = 0;
    std::unordered_set<std::string> seen_files_;
    std::vector<std::string> roots_;
    std::vector<std::string> unreadable_;
};

}  // namespace

namespace {

IndexRunSummary run_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                            const IndexRunObserver& observer, const IndexRunOptions& run_options,
                            std::size_t shard_index, std::size_t shard_count) {
    Run run(writer, observer, run_options, shard_index, shard_count);
    for (const auto& source : sources) run.source(source);
    return run.finish();
}

}  // namespace

IndexRunSummary index_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                              const IndexRunObserver& observer, const IndexRunOptions& run_options) {
    return run_sources(writer, sources, observer, run_options, 0, 1);
}

namespace {

std::string shard_name(std::size_t k) { return "shard-" + std::to_string(k); }

// The shard list of a sharded index directory, written once, atomically.
void write_shard_list(const fs::path& dir, std::size_t shard_count) {
    const fs::path list = dir / detail::kShardListName;
    if (fs::exists(list)) return;
    const fs::path tmp = dir / (std::string(detail::kShardListName) + ".tmp");
    {
        std::ofstream out(tmp);
        out << "# The shards of this index, for lupe-search --index " << dir.string()
            << " (Xapian stub format)\n";
        for (std::size_t k = 0; k < shard_count; ++k) out << "auto " << shard_name(k) << '\n';
        out.flush();
        if (!out) throw IoError("index " + dir.string() + ": cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, list, ec);
    if (ec) throw IoError("index " + dir.string() + ": cannot write " + list.string() + ": " + ec.message());
}

}  // namespace

IndexRunSummary index_sources_sharded(const std::string& dir, IndexWriterOptions options,
                                      std::size_t shard_count,
                                      const std::vector<std::string>& sources,
                                      const IndexRunObserver& observer,
                                      const IndexRunOptions& run_options) {
    const fs::path root(dir);
    std::error_code ec;
    if (shard_count == 0 && fs::exists(root / detail::kShardListName, ec)) {
        shard_count = detail::read_shard_list((root / detail::kShardListName).string()).size();
    }
    if (shard_count < 2 || shard_count > kMaxShards) {
        throw InvalidArgumentError("shards: " + std::to_string(shard_count) + " is out of range 2.." +
                                   std::to_string(kMaxShards));
    }
    if (fs::exists(root / "XAPIANDB", ec) || fs::exists(root / "iamglass", ec)) {
        throw InvalidArgumentError("index " + dir + ": holds an unsharded index; build the "
                                   "sharded one in a new directory");
    }
    if (fs::exists(root / detail::kShardListName, ec)) {
        const auto listed = detail::read_shard_list((root / detail::kShardListName).string());
        bool same = listed.size() == shard_count;
        for (std::size_t k = 0; same && k < listed.size(); ++k) {
            same = !listed[k].remote && fs::path(listed[k].path).filename() == shard_name(k);
        }
        if (!same) {
            throw InvalidArgumentError("index " + dir + ": has " + std::to_string(listed.size()) +
                                       " shards, not " + std::to_string(shard_count) +
                                       "; documents would land in other shards: rebuild into a "
                                       "new directory");
        }
    }
    fs::create_directories(root, ec);
    if (ec) throw IoError("index " + dir + ": cannot create the directory: " + ec.message());

    // Problems of the input (a malformed line) are met by every shard's run: report and
    // count each once.
    std::set<std::tuple<std::string, std::size_t, std::string>> seen;
    std::size_t failed = 0, warnings = 0;
    IndexRunObserver once = observer;
    once.on_warning = [&](const IndexWarning& w) {
        if (!seen.emplace(w.path, w.line, w.message).second) return;
        ++warnings;
        if (w.document_failed) ++failed;
        if (observer.on_warning) observer.on_warning(w);
    };
    IndexRunSummary total;
    options.shard_count = shard_count;
    for (std::size_t k = 0; k < shard_count; ++k) {
        options.shard_index = k;
        IndexWriter writer((root / shard_name(k)).string(), options);
        const IndexRunSummary s = run_sources(writer, sources, once, run_options, k, shard_count);
        for (const auto& [lang, n] : s.added) total.added[lang] += n;
        for (const auto& [lang, n] : s.updated) total.updated[lang] += n;
        total.unchanged += s.unchanged;
        total.deleted += s.deleted;
        total.seconds += s.seconds;
        total.documents_total += s.documents_total;
        if (k == 0) {
            total.files_read = s.files_read;
            total.files_unchanged = s.files_unchanged;
            total.files_skipped = s.files_skipped;
        }
    }
    total.failed = failed;
    total.warnings = warnings;
    write_shard_list(root, shard_count);
    return total;
}

}  // namespace lupe

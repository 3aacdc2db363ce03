// index_sources_sharded(): the indexing run of a sharded index. The sources are walked
// once and each file is read once: every document goes to the writer of its shard, by the
// routing the shards recorded (lupe 0.3-0.4 routed by another hash than 0.5: see
// shards.hpp). Each shard keeps its own FileSync (file states, deletions, counts) as if it
// had read the file alone, so that a shard in which a file is unchanged passes it over
// while another reads it, and a document goes wherever its shard's recorded routing puts
// it (shards that disagree, which no lupe writes, each take what theirs assigns them).
#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

#include "file_sync.hpp"
#include "lupe/app/index_run.hpp"
#include "lupe/error.hpp"
#include "lupe/shards.hpp"
#include "mass_delete_guard.hpp"
#include "run_plan.hpp"

namespace lupe {
namespace fs = std::filesystem;

namespace {

using Runs = std::vector<std::unique_ptr<sync::FileSync>>;

// The counts of all shards together. Files are counted by the first shard: every shard
// deals with every file (reads it, or finds it unchanged), and a file counts once.
IndexRunSummary combined(const Runs& runs) {
    IndexRunSummary total;
    for (const auto& run : runs) {
        const IndexRunSummary& s = run->summary();
        for (const auto& [lang, n] : s.added) total.added[lang] += n;
        for (const auto& [lang, n] : s.updated) total.updated[lang] += n;
        total.unchanged += s.unchanged;
        total.deleted += s.deleted;
        total.documents_total += s.documents_total;
    }
    const IndexRunSummary& first = runs.front()->summary();
    total.files_read = first.files_read;
    total.files_unchanged = first.files_unchanged;
    total.files_skipped = first.files_skipped;
    total.files_skipped_by_extension = first.files_skipped_by_extension;
    total.files_total = first.files_total;
    total.bytes_total = first.bytes_total;
    total.files_done = first.files_done;
    total.bytes_done = first.bytes_done;
    return total;
}

// A document of the file being read, given to the shards that read it: added by the
// shard its routing assigns it to, passed over by the others.
void route(const Runs& runs, const std::vector<std::size_t>& reading, Document& doc,
           std::size_t line) {
    const std::string id = doc.id;
    // Which reading shards own the id, worked out once (each shard may route by the
    // routing it recorded, so more than one can own it when their routings differ).
    std::vector<bool> owns(reading.size());
    std::size_t takers = 0;
    for (std::size_t i = 0; i < reading.size(); ++i) {
        owns[i] = runs[reading[i]]->owns(id);
        takers += owns[i] ? 1 : 0;
    }
    for (std::size_t i = 0; i < reading.size(); ++i) {
        const std::size_t k = reading[i];
        if (!owns[i]) {
            runs[k]->pass_over(id, line);
        } else if (--takers == 0) {
            runs[k]->add(doc, line);  // the last (as a rule the only) shard takes it as it is
        } else {
            Document copy = doc;
            runs[k]->add(copy, line);
        }
    }
}

}  // namespace

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
    const sync::Plan plan = sync::plan_run(sources, run_options, dir);
    options.shard = true;
    sync::Deletions deletions(plan);
    for (std::size_t k = 0; k < shard_count && !run_options.allow_mass_delete; ++k) {
        if (!index_exists(shards[k])) continue;  // nothing to delete there
        const IndexWriter writer = open_index_writer(shards[k], options);
        deletions.add_planned(plan, writer.published_counts());
    }
    sync::guard(plan, deletions, run_options, "nothing was changed");

    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };

    // Problems of the input (a malformed line) are met by every shard that reads the file:
    // report and count each once.
    std::set<std::tuple<std::string, std::size_t, std::string>> seen;
    std::size_t failed = 0, warnings = 0;
    Runs runs;
    IndexRunObserver once;
    once.on_warning = [&](const IndexWarning& w) {
        if (!seen.emplace(w.path, w.line, w.message).second) return;
        ++(w.document_failed ? failed : warnings);
        if (observer.on_warning) observer.on_warning(w);
    };
    std::set<std::string> skipped;
    if (observer.on_skipped) {
        once.on_skipped = [&](const std::string& path, const std::string& reason) {
            if (skipped.insert(path).second) observer.on_skipped(path, reason);
        };
    }
    if (observer.on_progress) {
        once.on_progress = [&](const IndexRunSummary&, const std::string& path) {
            IndexRunSummary total = combined(runs);
            total.failed = failed;
            total.warnings = warnings;
            total.seconds = elapsed();
            observer.on_progress(total, path);
        };
    }

    // Every shard's writer is open for the one pass over the sources.
    std::vector<IndexWriter> writers;
    writers.reserve(shard_count);
    for (std::size_t k = 0; k < shard_count; ++k) {
        writers.push_back(open_index_writer(shards[k], options));
        runs.push_back(std::make_unique<sync::FileSync>(writers[k], plan, once, run_options, k,
                                                        shard_count));
    }
    std::vector<std::size_t> reading;  // the shards that read the current file
    for (const sync::Entry& e : plan.entries) {
        if (e.kind == sync::Entry::Kind::Problem) {
            for (const auto& run : runs) run->problem(e);
            continue;
        }
        reading.clear();
        for (std::size_t k = 0; k < shard_count; ++k) {
            if (runs[k]->begin_file(e)) reading.push_back(k);
        }
        if (reading.empty()) continue;
        sync::FileSync::read_file(
            e, run_options,
            [&](Document&& doc, std::size_t line) { route(runs, reading, doc, line); },
            [&](std::size_t line, const std::string& reason) {
                for (const std::size_t k : reading) runs[k]->read_error(line, reason);
            },
            [&](std::uint64_t bytes) {
                for (const std::size_t k : reading) runs[k]->read_bytes(bytes);
            },
            [&](std::size_t line, const std::string& note) {
                runs[reading.front()]->read_note(line, note);
            });
        for (const std::size_t k : reading) runs[k]->end_file(e);
    }
    // Published in turn (a sharded run is guarded by its planning pass, and for feed
    // archives on every shard before the first publishes).
    for (const auto& run : runs) run->guard_feed_archives();
    for (const auto& run : runs) run->finish_writing(/*guard_rebuild=*/false);

    IndexRunSummary total = combined(runs);
    total.failed = failed;
    total.warnings = warnings;
    total.seconds = elapsed();
    write_shard_list(dir, shard_count);
    return total;
}

}  // namespace lupe

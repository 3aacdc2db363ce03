// index_sources(): the indexing run behind `lupe-index`: walk the sources, read each file
// with the reader for its format, add every good document, report every bad one. The
// steps have their own files: the planning walk (run_plan), the mass-delete guard
// (mass_delete_guard), the sync of one writer (file_sync.hpp), sharded runs (sharded_run).
#include "lupe/app/index_run.hpp"

#include <unordered_set>

#include "file_sync.hpp"
#include "mass_delete_guard.hpp"
#include "run_plan.hpp"

namespace lupe {

std::size_t IndexRunSummary::indexed() const {
    std::size_t n = 0;
    for (const auto& [lang, count] : added) n += count;
    for (const auto& [lang, count] : updated) n += count;
    return n;
}

double IndexRunSummary::documents_per_second() const {
    return seconds > 0 ? static_cast<double>(indexed()) / seconds : 0.0;
}

IndexRunSummary index_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                              const IndexRunObserver& observer, const IndexRunOptions& run_options) {
    const sync::Plan plan = sync::plan_run(sources, run_options, writer.path());
    sync::Deletions deletions(plan);
    deletions.add_planned(plan, writer.published_counts());
    sync::guard(plan, deletions, run_options, "nothing was changed");
    sync::FileSync run(writer, plan, observer, run_options, 0, 1);
    run.run();
    return run.finish(/*guard_rebuild=*/true);
}

IndexRunSummary extract_sources(
    const std::vector<std::string>& sources,
    const std::function<void(const Document&, const std::string&, std::size_t)>& on_document,
    const IndexRunObserver& observer, const IndexRunOptions& run_options) {
    const sync::Plan plan = sync::plan_run(sources, run_options, "");
    IndexRunSummary summary;
    summary.files_total = plan.files_total;
    summary.bytes_total = plan.bytes_total;
    const auto warn = [&](const IndexWarning& w) {
        ++(w.document_failed ? summary.failed : summary.warnings);
        if (observer.on_warning) observer.on_warning(w);
    };
    std::unordered_set<std::string> read;  // a file reached twice is read once, as in a run
    for (const sync::Entry& e : plan.entries) {
        if (e.kind == sync::Entry::Kind::Problem) {
            warn({e.path.string(), 0, e.reason, e.problem == sync::Problem::Fatal});
            continue;
        }
        if (e.format == sync::Format::Unsupported) {
            sync::FileSync::skip(e, summary, observer, warn);
            continue;
        }
        if (!read.insert(e.key).second) continue;
        ++summary.files_read;
        const std::string path = e.path.string();
        sync::FileSync::read_file(
            e, run_options,
            [&](Document&& doc, std::size_t line) {
                ++summary.added[""];
                on_document(doc, path, line);
            },
            [&](std::size_t line, const std::string& reason) { warn({path, line, reason, true}); },
            [](std::uint64_t) {},
            [&](std::size_t line, const std::string& note) { warn({path, line, note, false}); });
        ++summary.files_done;
        summary.bytes_done += e.size;
    }
    return summary;
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

}  // namespace lupe

// index_sources(): the indexing run behind `lupe-index`: walk the sources, read each file
// with the reader for its format, add every good document, report every bad one. The
// steps have their own files: the planning walk (run_plan), the mass-delete guard
// (mass_delete_guard), the sync of one writer (file_sync.hpp), sharded runs (sharded_run).
#include "lupe/app/index_run.hpp"

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

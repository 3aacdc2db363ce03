#include "mass_delete_guard.hpp"

#include <cmath>

#include "lupe/error.hpp"

namespace lupe::sync {

namespace {

// The mass-delete guard's share rule (IndexRunOptions::max_delete_share) applies from this
// many deletions on. Deleting a few documents of a small collection (2 notes of 3: 67%)
// is ordinary housekeeping, and an index is derived data that the next run restores; what
// the guard is for, a source folder that is empty because a share is not mounted or a
// sync failed, is caught at any size by the rule that a source keeps at least one of its
// documents.
constexpr std::size_t kMassDeleteFloor = 10;

}  // namespace

void Deletions::add_planned(const Plan& plan, const PublishedIndexCounts& published) {
    documents += published.documents;
    for (const auto& [file, count] : published.tag_documents) {
        if (count == 0 || !inside_any(file, plan.roots) || inside_any(file, plan.unreadable)) {
            continue;
        }
        const auto found = plan.files.find(file);
        const bool deleted = found == plan.files.end() || found->second == 0;
        if (deleted) total += count;
        for (std::size_t i = 0; i < plan.sources.size(); ++i) {
            if (!path_inside(file, plan.sources[i].root)) continue;
            had[i] += count;
            if (deleted) gone[i] += count;
        }
    }
}

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

}  // namespace lupe::sync

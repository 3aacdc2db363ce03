// The mass-delete guard of an indexing run (IndexRunOptions::allow_mass_delete,
// max_delete_share): what a run would delete, per source and in all, and the refusal when
// that is too much. Internal to lupe::app.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lupe/app/index_run.hpp"
#include "run_plan.hpp"

namespace lupe::sync {

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
    void add_planned(const Plan& plan, const PublishedIndexCounts& published);
};

// Throws MassDeleteError when the deletions pass the guard (see IndexRunOptions);
// `outcome` says what became of the index.
void guard(const Plan& plan, const Deletions& d, const IndexRunOptions& options,
           const std::string& outcome);

}  // namespace lupe::sync

// Facets (SearchOptions::facets): the matching documents counted by language, source and
// year, with Xapian's ValueCountMatchSpy on the value slots the indexer writes
// (schema::kLangSlot, kSourceSlot, kDateSlot). A spy is serialised to remote shards and
// its counts merged back, which a spy of lupe's own would not be (xapian-tcpsrv knows
// only Xapian's).
//
// Design note. A spy counts the documents the matcher looks at, and only those: once the
// page is full, Xapian skips documents that cannot enter it, unless check_at_least asks it
// to look at more. So the search asks for at least SearchOptions::facet_documents, and
// the counts are exact when the matcher looked at every match (its lower and upper bounds
// agree, and the spy counted that many). The spy sees every document the matcher
// considers, whatever weight the two tiers (ranking.hpp) give it, and it sees each copy
// of a story before collapsing (Xapian calls spies before it collapses), so facets count
// documents, copies included. Spies are attached to the final match only: pseudo-
// relevance feedback's first match and the count after a time limit run without them.
#pragma once

#include <cstddef>

#include <xapian.h>

#include "lupe/results.hpp"

namespace lupe::searcher {

/// The spies of one search: attach() before the match, facets() after it.
class FacetCounter {
public:
    FacetCounter();
    FacetCounter(const FacetCounter&) = delete;
    FacetCounter& operator=(const FacetCounter&) = delete;

    /// Count the documents `enquire`'s next match looks at.
    void attach(Xapian::Enquire& enquire);

    /// The counts, exact or scaled (see Facets).
    /// @param mset the match the spies watched
    /// @param check_at_least what the match was asked to look at, at least
    /// @param time_limited the match stopped at the deadline (the counts cover only the
    ///        documents considered before it)
    /// @param estimate the matching documents, copies included, for scaling
    /// @param max_sources most sources listed (SearchOptions::facet_values)
    Facets facets(const Xapian::MSet& mset, std::size_t check_at_least, bool time_limited,
                  std::size_t estimate, std::size_t max_sources) const;

private:
    Xapian::ValueCountMatchSpy lang_, source_, date_;
    bool attached_ = false;
};

}  // namespace lupe::searcher

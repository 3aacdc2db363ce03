// Pseudo-relevance feedback (SearchOptions::feedback_documents): the query expanded by
// the best terms of its top documents, Rocchio-style, through Xapian's RSet and ESet.
#pragma once

#include <string>

#include <xapian.h>

#include "lupe/searcher.hpp"
#include "searcher/deadline.hpp"

namespace lupe::searcher {

/// Expand terms worth searching for: only stem terms of the body field ("ZE...", "ZD...",
/// "ZX..."); title terms ("S...") repeat them, and boolean terms (id, language, source,
/// duplicate key) mean nothing.
class StemTermsOnly : public Xapian::ExpandDecider {
public:
    bool operator()(const std::string& term) const override;
};

/// The query or'ed with the best terms of its top documents (SearchOptions::feedback_terms
/// of the top SearchOptions::feedback_documents), scaled by SearchOptions::feedback_weight.
/// Only stem terms of the body count: title terms repeat them, and boolean terms (id,
/// language) mean nothing. `query` unchanged when it matches nothing or no term is found.
/// @param enquire set up for the search (database, weighting, sort); its query is replaced
/// @param matcher the top documents' match stops at the deadline as the search's does
/// @throws Xapian::Error (callers translate at the library boundary)
Xapian::Query expand_query(Xapian::Enquire& enquire, const Xapian::Query& query,
                           const SearchOptions& options, const MatcherDeadline& matcher);

}  // namespace lupe::searcher

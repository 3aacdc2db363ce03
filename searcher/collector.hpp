// Result collection: a page of Xapian's matches turned into lupe Results, from each
// document's stored fields (format/stored_document), with a snippet of its text in which
// the query's words are highlighted.
#pragma once

#include <cstddef>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "lupe/results.hpp"
#include "lupe/searcher.hpp"
#include "searcher/deadline.hpp"
#include "searcher/snippet.hpp"

namespace lupe::searcher {

/// Appends the hits of `mset` to `out.results`, numbered from `first_rank`, and their
/// Xapian document ids to `docids`. Snippets (SearchOptions::snippet_length) stop at the
/// deadline: the hits from there on have none, and a notice in `out.notices` says which.
/// @param highlights the query's words, highlighted in snippets
/// @param analyzer the index's analysis, which finds the words in the text
/// @throws Xapian::Error (callers translate at the library boundary)
void collect_results(const Xapian::MSet& mset, std::size_t first_rank,
                     const SearchOptions& options, const HighlightTerms& highlights,
                     analysis::Analyzer& analyzer, const Deadline& deadline,
                     SearchResults& out, std::vector<Xapian::docid>& docids);

}  // namespace lupe::searcher

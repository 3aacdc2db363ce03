// Result collection: a page of Xapian's matches turned into lupe Results, from each
// document's stored fields (format/stored_document), with a snippet of its text in which
// the query's words are highlighted; and one document's stored fields by its id.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "lupe/document.hpp"
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

/// The stored fields of the document with id `id` (Searcher::document), its stored text
/// as the body; nullopt when no document has this id.
/// @throws Xapian::Error (callers translate at the library boundary)
std::optional<Document> stored_document(const Xapian::Database& db, std::string_view id);

}  // namespace lupe::searcher

/// @file output.hpp
/// @brief The output formats of lupe-search, for programs that print results the same way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lupe/export.hpp"
#include "lupe/results.hpp"

namespace lupe {

/// @brief Readable text: one block per hit (rank, title, id, language, date, score,
/// snippet, URL), a "Did you mean" line when there is a suggestion, and a closing count.
/// @param results what Searcher::search returned
/// @param offset the SearchOptions::offset used, for the closing "Results 11-20" line
/// @param color bold titles and matching words with ANSI escapes, for a terminal
/// @return the text, ending in a newline
/// @since 0.2
LUPE_API std::string format_text(const SearchResults& results, std::size_t offset, bool color);

/// @brief One JSON object (followed by a newline): query, total_estimate, results (rank,
/// id, title, lang, score, snippet, highlights as [begin, end) byte offsets into the
/// snippet, and date, url, source when known), plus syntax_error and suggestion when set.
/// @param results what Searcher::search returned
/// @return the JSON text, pretty-printed
/// @since 0.2
LUPE_API std::string format_json(const SearchResults& results);

/// @brief TREC run lines, "qid Q0 docid rank score run_tag", one per hit; scores are
/// written exactly (shortest round-trip form), so that ties are real ties.
/// @param qid the query's id, first column
/// @param results what Searcher::search returned
/// @param run_tag the last column
/// @return one line per hit, each ending in a newline
/// @since 0.2
LUPE_API std::string format_trec(std::string_view qid, const SearchResults& results,
                                 std::string_view run_tag = "lupe");

}  // namespace lupe

// Output formats of search results: readable text, JSON, and TREC run lines. They return
// strings; printing is the command-line tool's job.
#pragma once

#include <string>
#include <string_view>

#include "lupe/results.hpp"

namespace lupe::searcher {

/// Readable text: one block per hit. With `color`, the title and the matching words are
/// bold (ANSI escapes), for a terminal.
std::string format_text(const SearchResults& results, std::size_t offset, bool color);

/// One JSON object: query, total_estimate, results (rank, id, title, lang, score, snippet,
/// highlights, and date, url, source when known), and syntax_error when the query was
/// retried as plain words.
std::string format_json(const SearchResults& results);

/// TREC run lines, "qid Q0 docid rank score run_tag", one per hit.
std::string format_trec(std::string_view qid, const SearchResults& results,
                        std::string_view run_tag = "lupe");

}  // namespace lupe::searcher

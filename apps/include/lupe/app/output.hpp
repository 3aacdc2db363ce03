/// @file output.hpp
/// @brief The output formats of lupe-search, for programs that print results the same way.
///
/// Part of lupe's application library, lupe::app (liblupe-app; CMake target lupe::app),
/// built on the engine's public API alone (lupe::lupe). Since 0.5 (before, in lupe::lupe
/// as <lupe/output.hpp>).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lupe/export.hpp"
#include "lupe/results.hpp"

namespace lupe {

/// @brief Readable text: one block per hit (rank, title, id, language, date, score,
/// snippet, URL), a "Did you mean" line when there is a suggestion, a "Note:" line per
/// notice, and a closing count. Every field is printed through terminal_safe().
/// @param results what Searcher::search returned
/// @param offset the SearchOptions::offset used, for the closing "Results 11-20" line
/// @param color bold the matching words of titles and snippets with ANSI escapes, for a
/// terminal (before 0.6 the whole title was bold, which left its matching words unseen)
/// @return the text, ending in a newline
/// @since 0.2
LUPE_API std::string format_text(const SearchResults& results, std::size_t offset, bool color);

/// @brief One JSON object (followed by a newline): query, total_estimate, ranked (since
/// 0.5: false for a query that only filters, whose scores are all 0), results (rank, id,
/// title, lang, score: Result::score, the weight, not always decreasing with rank;
/// matched_all (since 0.5), snippet, highlights as [begin, end) byte offsets into the
/// snippet, title_highlights (since 0.6) as [begin, end) byte offsets into the title,
/// snippet_marked and title_marked (since 0.6) when markers were asked for, and date,
/// url, source when known), plus syntax_error, suggestion,
/// missing_shards, time_limited and notices when set. Text is written exactly (JSON
/// escapes control characters); bytes that are not UTF-8 (possible only in a query) are
/// replaced by U+FFFD.
/// @param results what Searcher::search returned
/// @return the JSON text, pretty-printed
/// @since 0.2
LUPE_API std::string format_json(const SearchResults& results);

/// @brief How format_json lays out its text.
/// @since 0.6
enum class JsonLayout {
    Pretty,   ///< indented by two spaces, one member a line, ending in a newline (lupe-search)
    Compact,  ///< one line without spaces between tokens and without a final newline
};

/// @brief format_json's object, laid out as asked: JsonLayout::Pretty gives exactly
/// format_json(results); JsonLayout::Compact the same object in fewer bytes, for programs
/// that send it on (lupe-serve's /api/search).
/// @param results what Searcher::search returned
/// @param layout the layout of the text
/// @return the JSON text
/// @since 0.6
LUPE_API std::string format_json(const SearchResults& results, JsonLayout layout);

/// @brief TREC run lines, "qid Q0 docid rank score run_tag", one per hit; scores are
/// written exactly (shortest round-trip form), so that ties are real ties.
///
/// trec_eval orders a run by score, so the score column must decrease with rank, which
/// Result::score does not do across the two tiers. The column is derived (since 0.5): a
/// hit without all the words (Result::matched_all false) has its weight; a hit with all
/// of them has its weight plus the highest weight of a hit without them in `results`, so
/// every first-tier score lies at or above every second-tier one and each tier keeps its
/// order (a tie only where a first-tier weight is 0 or weights tie). Equal to the weight
/// when all hits are in one tier, or when the list was not ranked in tiers
/// (SearchOptions::all_words_first false). For a list in date order (a query that only
/// filters, SearchResults::ranked false, or SortOrder::NewestFirst/OldestFirst), the
/// score is the number of hits minus the hit's position (n, n-1, ..., 1), so that
/// trec_eval keeps lupe's order.
/// @param qid the query's id, first column
/// @param results what Searcher::search returned
/// @param run_tag the last column
/// @return one line per hit, each ending in a newline
/// @since 0.2
LUPE_API std::string format_trec(std::string_view qid, const SearchResults& results,
                                 std::string_view run_tag = "lupe");

/// @brief Text made safe to print on a terminal, on one line: document fields and file
/// names come from untrusted input, and an escape sequence in a title could recolour,
/// retitle or clear the user's terminal.
///
/// Tab, line feed, carriage return and the Unicode line and paragraph separators (U+0085,
/// U+2028, U+2029) become a space; other control characters (U+0000-U+001F, U+007F) and
/// bytes that are not valid UTF-8 become `\xHH`; C1 controls (U+0080-U+009F) and the
/// bidirectional overrides and isolates that can make text read differently from what it
/// is (U+202A-U+202E, U+2066-U+2069) become `\uHHHH`. Everything else is kept as it is.
/// format_text() applies it to every field it prints.
/// @param text any bytes
/// @return valid UTF-8 without control characters
/// @since 0.4
LUPE_API std::string terminal_safe(std::string_view text);

}  // namespace lupe

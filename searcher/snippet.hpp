// Snippets: the passage of a document that best shows why it matched, with the matching
// words marked; and the matching words of a title. Words are matched through the shared
// analysis (same tokenizer, same stemmer, same compound parts and folded spellings as the
// index: Analyzer::word_terms), so "Drohnen" highlights "Drohne" in a German document,
// "Sicht" highlights "Rundumsicht" and "Muenchen" highlights "München". Snippet and title
// are matched by one function, so that they cannot disagree on what matched.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "analysis/analyzer.hpp"
#include "lupe/results.hpp"

namespace lupe::searcher {

/// The positive words of a query, as the snippet generator looks for them.
struct HighlightTerms {
    std::unordered_set<std::string> words;  ///< exact normalised words (one-word phrases)
    /// phrases of two or more normalised words: highlighted only where they occur in order
    std::vector<std::vector<std::string>> phrases;
    /// stem terms of plain query words and of their compound parts, with their family
    /// prefix ("ZDdrohn"): a document word matches when one of its own terms is here
    std::unordered_set<std::string> stem_terms;
    std::vector<std::string> prefixes;      ///< wildcard prefixes

    bool empty() const;
};

/// Build a snippet of about `length` bytes of `text` (a document in `family`).
/// The window with the most distinct matching words wins; with no match, the start.
Snippet make_snippet(std::string_view text, analysis::Family family,
                     const HighlightTerms& terms, analysis::Analyzer& analyzer,
                     std::size_t length);

/// The words of `text` (a document in `family`) that match, as byte ranges into `text`
/// itself, in order, not overlapping: all of them, with no window and nothing left out
/// (for a title, which is short). Empty when nothing matches.
std::vector<Highlight> highlight_words(std::string_view text, analysis::Family family,
                                       const HighlightTerms& terms, analysis::Analyzer& analyzer);

/// `text` with each of `highlights` (byte ranges into it, in order) wrapped in `open` and
/// `close`; nothing is escaped.
std::string mark_highlights(std::string_view text, const std::vector<Highlight>& highlights,
                            const std::string& open, const std::string& close);

}  // namespace lupe::searcher

// Snippets: the passage of a document that best shows why it matched, with the matching
// words marked. Words are matched through the shared analysis (same tokenizer, same
// stemmer as the index), so "Drohnen" highlights "Drohne" in a German document.
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

}  // namespace lupe::searcher

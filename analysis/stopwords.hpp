// Stopwords: function words that carry little meaning for ranking ("the", "of", "die", "und").
//
// lupe never removes them from the index: phrases such as "to be or not to be" and queries
// made only of stopwords ("die Zeit" has one content word, "the who" none) must still work.
// The query side drops them from the ranked part of a free-text query, per stemming
// family: "die" is a German stopword but an English verb, so a language-free query "die"
// keeps its English term and drops its German one.
#pragma once

#include <cstddef>
#include <string_view>

#include "analysis/stemmer.hpp"

namespace lupe::analysis {

/// Is this normalised (lower-case) word a stopword in the family's language?
/// Unstemmed documents have no stopword list.
bool is_stopword(Family family, std::string_view word);

/// Number of stopwords of a family (for documentation and tests).
std::size_t stopword_count(Family family);

}  // namespace lupe::analysis

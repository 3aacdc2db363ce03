// The analysis chain as both sides use it: tokenize, normalise, stem, and name the terms.
//
// The indexer calls index_text() to put a field's words into a Xapian::Document; the
// searcher calls word_terms() to turn a query word into the same terms. Both go through
// the same tokenizer and the same stemmers, so that what was indexed is what is looked up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/stemmer.hpp"
#include "analysis/tokenizer.hpp"

namespace lupe::analysis {

/// The terms one query word maps to in one family.
struct FamilyTerm {
    Family family;
    std::string term;  ///< field prefix + family prefix + stem
};

/// Not thread-safe (it owns Stemmers and a token buffer): one per thread.
class Analyzer {
public:
    /// Add the words of `text` to `doc`: the raw word with a position under `field`, and
    /// its stem in `family` under `field`. `position` is advanced past the last word.
    /// Each occurrence adds `wdf` to the terms' within-document frequency.
    void index_text(Xapian::Document& doc, std::string_view text, Family family,
                    std::string_view field, Xapian::termcount wdf, Xapian::termpos& position);

    /// The raw term of a normalised word in a field: "training", "Sdrohne".
    static std::string raw_term(std::string_view field, std::string_view word);

    /// The stemmed term of a normalised word: "ZEtrain", "SZDdrohn".
    std::string stem_term(Family family, std::string_view field, const std::string& word) const;

    /// Stem a normalised word in a family.
    std::string stem(Family family, const std::string& word) const {
        return stemmers_.stem(family, word);
    }

    /// Tokenize with the shared tokenizer (see tokenizer.hpp).
    static void tokenize(std::string_view text, std::vector<Token>& out) {
        analysis::tokenize(text, out);
    }

private:
    Stemmers stemmers_;
    std::vector<Token> tokens_;
};

}  // namespace lupe::analysis

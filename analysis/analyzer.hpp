// The analysis chain as both sides use it: tokenize, normalise, fold, split compounds,
// stem, and name the terms.
//
// The indexer calls index_text() to put a field's words into a Xapian::Document; the
// searcher calls word_terms() to turn a query word into the same terms. Both go through
// the same tokenizer, folding, compound splitter and stemmers, so that what was indexed is
// what is looked up.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "analysis/stemmer.hpp"
#include "analysis/tokenizer.hpp"

namespace lupe::analysis {

class Decompounder;

/// Which optional steps of the chain run. An index records the settings it was built with
/// (schema::kAnalysisKey) and the query side follows them.
struct AnalysisConfig {
    bool fold = true;  ///< fold diacritics (see fold.hpp)
    /// German compound splitter, or null for none (see decompounder.hpp)
    std::shared_ptr<const Decompounder> decompounder;
};

/// The terms one word maps to in one family.
struct WordTerms {
    /// Stem terms of the whole word: one, or two when folding gives a second spelling.
    std::vector<std::string> whole;
    /// Stem terms of its compound parts (German family only), empty for a simple word.
    std::vector<std::string> parts;
};

/// Not thread-safe (it owns Stemmers, a token buffer and a cache of compound splits): one
/// per thread.
class Analyzer {
public:
    explicit Analyzer(AnalysisConfig config = {});
    ~Analyzer();

    /// Add the words of `text` to `doc`: each raw word with a position under `field`, and
    /// its WordTerms in `family` under `field`. `position` is advanced past the last word.
    /// Each occurrence adds `wdf` to the terms' within-document frequency.
    void index_text(Xapian::Document& doc, std::string_view text, Family family,
                    std::string_view field, Xapian::termcount wdf, Xapian::termpos& position);

    /// The terms of a normalised word in a family and field ("training" in English body
    /// text: whole = {"ZEtrain"}).
    void word_terms(Family family, std::string_view field, const std::string& word,
                    WordTerms& out);

    /// The raw term of a normalised word in a field: "training", "Sdrohne".
    static std::string raw_term(std::string_view field, std::string_view word);

    /// Stem a normalised word in a family (folding included), as the stem terms hold it.
    std::string stem(Family family, const std::string& word) const;

    /// Tokenize with the shared tokenizer (see tokenizer.hpp).
    static void tokenize(std::string_view text, std::vector<Token>& out) {
        analysis::tokenize(text, out);
    }

private:
    const std::vector<std::string>& compound_parts(const std::string& word);

    AnalysisConfig config_;
    Stemmers stemmers_;
    std::vector<Token> tokens_;
    WordTerms scratch_;
    std::unordered_map<std::string, std::vector<std::string>> split_cache_;
};

}  // namespace lupe::analysis

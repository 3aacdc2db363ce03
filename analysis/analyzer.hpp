// The analysis chain as both sides use it: tokenize, normalise, fold, split compounds,
// stem, and name the terms.
//
// The indexer calls index_text() to put a field's words into a Xapian::Document; the
// searcher calls word_terms() to turn a query word into the same terms. Both go through
// the same tokenizer, folding, compound splitter and stemmers, so that what was indexed is
// what is looked up.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "analysis/decompounder.hpp"
#include "analysis/stemmer.hpp"
#include "analysis/tokenizer.hpp"

namespace lupe::analysis {


/// Which optional steps of the chain run. An index records the settings it was built with
/// (schema::kAnalysisKey) and the query side follows them.
struct AnalysisConfig {
    bool fold = true;  ///< fold diacritics (see fold.hpp)
    /// German compound splitter, or null for none (see decompounder.hpp)
    std::shared_ptr<const Decompounder> decompounder;
    /// How deep compounds are split (Decompounder::split_levels): 0 every level, 1 the
    /// first only (lupe 0.5). The query side ANDs the first level's parts either way.
    std::size_t compound_levels = 0;
};

/// The terms one word maps to in one family.
struct WordTerms {
    /// Stem terms of the whole word: one, or two when folding gives a second spelling.
    std::vector<std::string> whole;
    /// Stem terms of its compound parts (German family only), empty for a simple word:
    /// the first level, whose AND a query word's parts ask for.
    std::vector<std::string> parts;
    /// Stem terms of the deeper levels and sub-compounds (CompoundParts::deeper), none in
    /// `whole` or `parts`: indexed with wdf 0 (found by, weighing nothing), highlighted,
    /// but never ANDed by a query.
    std::vector<std::string> deeper;
};

/// The words of the documents indexed so far, each with the number of documents that
/// use it: the vocabulary that spelling suggestions and wildcards are looked up in (the
/// index itself holds stems only). Memory grows with the number of distinct words, not
/// with the number of documents.
class Vocabulary {
public:
    /// Start counting words for the next document.
    void begin_document() { ++stamp_; }
    /// Count a normalised word for the current document (once per document).
    void add(const std::string& word) { count(slot(word)); }
    /// word -> number of documents, since the last clear().
    template <typename Fn>
    void for_each(Fn fn) const {
        for (const auto& [word, count] : words_) fn(word, count.documents);
    }
    std::size_t size() const { return words_.size(); }
    void clear() { words_.clear(); }

    /// A word's counter; stays valid until clear().
    struct Count {
        std::uint32_t documents = 0;
        std::uint32_t last_document = 0;
    };
    Count& slot(const std::string& word) { return words_[word]; }
    /// Count a word, given its counter, for the current document (once per document).
    void count(Count& c) const {
        if (c.last_document != stamp_) {
            ++c.documents;
            c.last_document = stamp_;
        }
    }

private:
    std::unordered_map<std::string, Count> words_;
    std::uint32_t stamp_ = 1;
};

/// Positions skipped at a paragraph break (a blank line between two words): more than
/// the window of any positional query lupe builds from one query word or phrase
/// (a split word's near-match allows its words plus two).
inline constexpr unsigned kParagraphPositionGap = 10;

/// Not thread-safe (it owns Stemmers, a token buffer and caches of compound splits and
/// word terms): one per thread.
class Analyzer {
public:
    explicit Analyzer(AnalysisConfig config = {});
    ~Analyzer();

    /// Add the words of `text` to `doc`: each word's whole-word stem terms in `family`
    /// under `field` with its position, and its compound-part terms without. `position`
    /// is advanced past the last word, and by kParagraphPositionGap more at each blank
    /// line between two words (a paragraph break: phrases do not span it). Each occurrence adds `wdf` to the terms'
    /// within-document frequency. With `count_words`, each word is counted in
    /// vocabulary() for the current document.
    void index_text(Xapian::Document& doc, std::string_view text, Family family,
                    std::string_view field, Xapian::termcount wdf, Xapian::termpos& position,
                    bool count_words = false);

    /// The words counted by index_text() since the last clear_vocabulary().
    Vocabulary& vocabulary() { return vocabulary_; }
    /// Forget the counted words (after they were written to the index).
    void clear_vocabulary();

    /// The terms of a normalised word in a family and field ("training" in English body
    /// text: whole = {"ZEtrain"}).
    void word_terms(Family family, std::string_view field, const std::string& word,
                    WordTerms& out);

    /// Stem a normalised word in a family (folding included), as the stem terms hold it.
    std::string stem(Family family, const std::string& word) const;

    /// The optional steps this analyzer runs (its German splitter, null for none).
    const AnalysisConfig& config() const { return config_; }

    /// Tokenize with the shared tokenizer (see tokenizer.hpp).
    static void tokenize(std::string_view text, std::vector<Token>& out) {
        analysis::tokenize(text, out);
    }

private:
    const CompoundParts& compound_parts(const std::string& word);
    /// A word's terms in a family (without a field prefix) and its vocabulary counter.
    struct CachedWord {
        WordTerms terms;
        Vocabulary::Count* count = nullptr;  // null until the word is counted
    };
    /// The terms of a word in a family, cached.
    CachedWord& cached(Family family, const std::string& word);

    AnalysisConfig config_;
    Stemmers stemmers_;
    std::vector<Token> tokens_;
    std::unordered_map<std::string, CompoundParts> split_cache_;
    std::array<std::unordered_map<std::string, CachedWord>, kAllFamilies.size()> term_cache_;
    Vocabulary vocabulary_;
};

}  // namespace lupe::analysis

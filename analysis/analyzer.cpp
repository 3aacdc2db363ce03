#include "analysis/analyzer.hpp"

#include <algorithm>

#include "analysis/decompounder.hpp"
#include "analysis/fold.hpp"

namespace lupe::analysis {
namespace {

/// Entries kept in an Analyzer's cache of compound splits before it is emptied: the
/// vocabulary is Zipfian, so a bounded cache answers nearly every lookup, and the bound
/// keeps a long indexing run's memory flat.
constexpr std::size_t kSplitCacheEntries = 200000;

void add_unique(std::vector<std::string>& terms, std::string term) {
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(std::move(term));
}

}  // namespace

Analyzer::Analyzer(AnalysisConfig config) : config_(std::move(config)) {}
Analyzer::~Analyzer() = default;

std::string Analyzer::raw_term(std::string_view field, std::string_view word) {
    std::string term;
    term.reserve(field.size() + word.size());
    term.append(field).append(word);
    return term;
}

std::string Analyzer::stem(Family family, const std::string& word) const {
    if (!config_.fold) return stemmers_.stem(family, word);
    return stemmers_.stem(family, fold_word(family, word).primary);
}

const std::vector<std::string>& Analyzer::compound_parts(const std::string& word) {
    auto it = split_cache_.find(word);
    if (it != split_cache_.end()) return it->second;
    if (split_cache_.size() >= kSplitCacheEntries) split_cache_.clear();
    return split_cache_.emplace(word, config_.decompounder->split(word)).first->second;
}

void Analyzer::word_terms(Family family, std::string_view field, const std::string& word,
                          WordTerms& out) {
    out.whole.clear();
    out.parts.clear();
    std::string prefix(field);
    prefix.append(family_prefix(family));
    if (config_.fold) {
        const FoldedWord folded = fold_word(family, word);
        out.whole.push_back(prefix + stemmers_.stem(family, folded.primary));
        if (!folded.digraph.empty()) {
            add_unique(out.whole, prefix + stemmers_.stem(family, folded.digraph));
        }
    } else {
        out.whole.push_back(prefix + stemmers_.stem(family, word));
    }
    if (family == Family::German && config_.decompounder) {
        for (const auto& part : compound_parts(word)) {
            std::string term = prefix + stem(family, part);
            if (std::find(out.whole.begin(), out.whole.end(), term) == out.whole.end()) {
                add_unique(out.parts, std::move(term));
            }
        }
    }
}

void Analyzer::index_text(Xapian::Document& doc, std::string_view text, Family family,
                          std::string_view field, Xapian::termcount wdf,
                          Xapian::termpos& position) {
    tokenize(text, tokens_);
    std::string raw(field);
    for (const Token& token : tokens_) {
        raw.resize(field.size());
        raw += token.text;
        doc.add_posting(raw, ++position, wdf);
        word_terms(family, field, token.text, scratch_);
        for (const auto& term : scratch_.whole) doc.add_term(term, wdf);
        for (const auto& term : scratch_.parts) doc.add_term(term, wdf);
    }
}

}  // namespace lupe::analysis

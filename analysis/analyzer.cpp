#include "analysis/analyzer.hpp"

#include <algorithm>

#include "analysis/decompounder.hpp"
#include "analysis/fold.hpp"

namespace lupe::analysis {
namespace {

/// Entries kept in each of an Analyzer's caches (compound splits, the terms of a word in
/// a family) before the cache is emptied: the vocabulary is Zipfian, so a bounded cache
/// answers nearly every lookup, and the bound keeps a long indexing run's memory flat.
constexpr std::size_t kCacheEntries = 200000;

void add_unique(std::vector<std::string>& terms, std::string term) {
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(std::move(term));
}

std::size_t family_index(Family family) { return static_cast<std::size_t>(family); }

}  // namespace

Analyzer::Analyzer(AnalysisConfig config) : config_(std::move(config)) {}
Analyzer::~Analyzer() = default;

std::string Analyzer::stem(Family family, const std::string& word) const {
    if (!config_.fold) return stemmers_.stem(family, word);
    return stemmers_.stem(family, fold_word(family, word).primary);
}

const CompoundParts& Analyzer::compound_parts(const std::string& word) {
    auto it = split_cache_.find(word);
    if (it != split_cache_.end()) return it->second;
    if (split_cache_.size() >= kCacheEntries) split_cache_.clear();
    return split_cache_.emplace(word, config_.decompounder->split_levels(word, config_.compound_levels))
        .first->second;
}

void Analyzer::clear_vocabulary() {
    // The caches point into the vocabulary's counters.
    for (auto& cache : term_cache_) cache.clear();
    vocabulary_.clear();
}

Analyzer::CachedWord& Analyzer::cached(Family family, const std::string& word) {
    auto& cache = term_cache_[family_index(family)];
    auto it = cache.find(word);
    if (it != cache.end()) return it->second;
    if (cache.size() >= kCacheEntries) cache.clear();

    CachedWord entry;
    WordTerms& out = entry.terms;
    const std::string_view prefix = family_prefix(family);
    const auto term = [&](const std::string& stem) {
        std::string t;
        t.reserve(prefix.size() + stem.size());
        t.append(prefix).append(stem);
        return t;
    };
    if (config_.fold) {
        const FoldedWord folded = fold_word(family, word);
        out.whole.push_back(term(stemmers_.stem(family, folded.primary)));
        if (!folded.digraph.empty()) {
            add_unique(out.whole, term(stemmers_.stem(family, folded.digraph)));
        }
    } else {
        out.whole.push_back(term(stemmers_.stem(family, word)));
    }
    if (family == Family::German && config_.decompounder) {
        const CompoundParts& split = compound_parts(word);
        const auto listed = [](const std::vector<std::string>& terms, const std::string& t) {
            return std::find(terms.begin(), terms.end(), t) != terms.end();
        };
        for (const auto& part : split.parts) {
            std::string t = term(stem(family, part));
            if (!listed(out.whole, t)) add_unique(out.parts, std::move(t));
        }
        for (const auto& part : split.deeper) {
            std::string t = term(stem(family, part));
            if (!listed(out.whole, t) && !listed(out.parts, t)) add_unique(out.deeper, std::move(t));
        }
    }
    return cache.emplace(word, std::move(entry)).first->second;
}

void Analyzer::word_terms(Family family, std::string_view field, const std::string& word,
                          WordTerms& out) {
    const WordTerms& terms = cached(family, word).terms;
    const auto with_field = [&](const std::vector<std::string>& from, std::vector<std::string>& to) {
        to.clear();
        for (const auto& t : from) {
            std::string s;
            s.reserve(field.size() + t.size());
            s.append(field).append(t);
            to.push_back(std::move(s));
        }
    };
    with_field(terms.whole, out.whole);
    with_field(terms.parts, out.parts);
    with_field(terms.deeper, out.deeper);
}

namespace {

// Whether the text between two words holds an empty line: two line ends with only
// spaces and tabs (and a "\r" of a CRLF) between them.
bool has_blank_line(std::string_view gap) {
    const std::size_t first = gap.find('\n');
    if (first == std::string_view::npos) return false;
    for (std::size_t i = first + 1; i < gap.size(); ++i) {
        const char c = gap[i];
        if (c == '\n') return true;
        if (c != ' ' && c != '\t' && c != '\r') {
            const std::size_t next = gap.find('\n', i);
            if (next == std::string_view::npos) return false;
            i = next;
        }
    }
    return false;
}

}  // namespace

void Analyzer::index_text(Xapian::Document& doc, std::string_view text, Family family,
                          std::string_view field, Xapian::termcount wdf,
                          Xapian::termpos& position, bool count_words) {
    tokenize(text, tokens_);
    std::string term(field);
    const auto with_field = [&](const std::string& t) -> const std::string& {
        if (field.empty()) return t;
        term.resize(field.size());
        term += t;
        return term;
    };
    std::size_t previous_end = 0;
    for (const Token& token : tokens_) {
        // A paragraph ends where a blank line separates two words (readers give block
        // elements of HTML and feed items such a line): the next word starts further on,
        // so that no phrase, and no split word's near-match, runs across the boundary.
        if (previous_end && has_blank_line(text.substr(previous_end, token.begin - previous_end))) {
            position += kParagraphPositionGap;
        }
        previous_end = token.end;
        CachedWord& word = cached(family, token.text);
        if (count_words) {
            if (!word.count) word.count = &vocabulary_.slot(token.text);
            vocabulary_.count(*word.count);
        }
        const WordTerms& terms = word.terms;
        ++position;
        for (const auto& t : terms.whole) doc.add_posting(with_field(t), position, wdf);
        for (const auto& t : terms.parts) doc.add_term(with_field(t), wdf);
        // The deeper levels make the compound findable by them, but weigh nothing (wdf 0):
        // they neither lengthen the document nor count as the word itself in BM25. With the
        // word's wdf they cost xquad-r-de 0.0018 nDCG@10 (13 questions worse, 3 better);
        // with wdf 0 it is as with the first level only (0.7847 / 0.7848).
        for (const auto& t : terms.deeper) doc.add_term(with_field(t), 0);
    }
}

}  // namespace lupe::analysis

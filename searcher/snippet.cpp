#include "searcher/snippet.hpp"

#include <algorithm>
#include <unordered_map>

#include "analysis/utf8.hpp"

namespace lupe::searcher {

bool HighlightTerms::empty() const {
    return words.empty() && phrases.empty() && prefixes.empty() && stem_terms.empty();
}

namespace {

struct Match {
    std::size_t token;   // index into tokens
    std::string key;     // what it matched, for counting distinct words
};

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Every token of `tokens` that matches `terms`: phrases where their words stand in order,
// then exact words, then stem terms (the document word's own, whole and compound parts,
// as the index has them), then wildcard prefixes.
std::vector<Match> find_matches(const std::vector<analysis::Token>& tokens,
                                analysis::Family family, const HighlightTerms& terms,
                                analysis::Analyzer& analyzer) {
    std::vector<Match> matches;
    if (terms.empty()) return matches;
    // Whether a document word's stem terms meet the query's, memoised per distinct word:
    // analysis (folding, compound splitting, stemming) is the costly part of a snippet.
    std::unordered_map<std::string_view, const std::string*> stem_match;
    analysis::WordTerms word_terms;
    const auto matching_stem = [&](const std::string& w) -> const std::string* {
        if (terms.stem_terms.empty()) return nullptr;
        const auto [it, fresh] = stem_match.try_emplace(w, nullptr);
        if (!fresh) return it->second;
        analyzer.word_terms(family, "", w, word_terms);
        for (const auto* list : {&word_terms.whole, &word_terms.parts, &word_terms.deeper}) {
            for (const auto& t : *list) {
                const auto hit = terms.stem_terms.find(t);
                if (hit != terms.stem_terms.end()) return it->second = &*hit;
            }
        }
        return nullptr;
    };
    std::size_t phrase_end = 0;  // tokens before this belong to a phrase already matched
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& w = tokens[i].text;
        if (i < phrase_end) {
            matches.push_back({i, matches.back().key});
            continue;
        }
        const auto phrase = std::find_if(terms.phrases.begin(), terms.phrases.end(),
                                         [&](const std::vector<std::string>& p) {
            if (i + p.size() > tokens.size()) return false;
            for (std::size_t k = 0; k < p.size(); ++k) {
                if (tokens[i + k].text != p[k]) return false;
            }
            return true;
        });
        if (phrase != terms.phrases.end()) {
            std::string key = "\x03";
            for (const auto& part : *phrase) key += part + ' ';
            matches.push_back({i, std::move(key)});
            phrase_end = i + phrase->size();
            continue;
        }
        if (terms.words.count(w)) {
            matches.push_back({i, w});
            continue;
        }
        if (const std::string* stem = matching_stem(w)) {
            matches.push_back({i, *stem});
            continue;
        }
        for (const auto& prefix : terms.prefixes) {
            if (w.compare(0, prefix.size(), prefix) == 0) {
                matches.push_back({i, "\x02" + prefix});
                break;
            }
        }
    }
    return matches;
}

}  // namespace

Snippet make_snippet(std::string_view text, analysis::Family family,
                     const HighlightTerms& terms, analysis::Analyzer& analyzer,
                     std::size_t length) {
    Snippet snippet;
    if (text.empty() || length == 0) return snippet;

    std::vector<analysis::Token> tokens;
    analysis::tokenize(text, tokens);
    const std::vector<Match> matches = find_matches(tokens, family, terms, analyzer);

    // Choose the window start: each match is a candidate, with up to a quarter of the
    // length of lead-in before it, snapped to a word start.
    std::size_t best_start = 0;
    std::size_t best_score = 0;
    std::size_t first_token = 0;
    for (std::size_t m = 0; m < matches.size(); ++m) {
        const std::size_t anchor = tokens[matches[m].token].begin;
        std::size_t t = matches[m].token;
        while (t > 0 && anchor - tokens[t - 1].begin <= length / 4) --t;
        const std::size_t start = tokens[t].begin;
        std::unordered_set<std::string_view> distinct;
        std::size_t count = 0;
        for (std::size_t k = m; k < matches.size(); ++k) {
            if (tokens[matches[k].token].end > start + length) break;
            distinct.insert(matches[k].key);
            ++count;
        }
        const std::size_t score = distinct.size() * 1000 + count;
        if (score > best_score) {
            best_score = score;
            best_start = start;
            first_token = t;
        }
    }

    // The window ends at the last whole word that fits.
    std::size_t end = std::min(text.size(), best_start + length);
    if (end < text.size()) {
        std::size_t last_end = best_start;
        for (std::size_t t = first_token; t < tokens.size() && tokens[t].end <= end; ++t) {
            last_end = tokens[t].end;
        }
        end = last_end > best_start ? last_end : std::string_view(analysis::truncate_utf8(text, end)).size();
    }

    // Copy the window, folding runs of white space into one space, and map highlights.
    std::string& out = snippet.text;
    if (best_start > 0) out += "… ";
    std::size_t m = 0;
    while (m < matches.size() && tokens[matches[m].token].begin < best_start) ++m;
    bool in_space = false;
    for (std::size_t i = best_start; i < end;) {
        if (m < matches.size() && tokens[matches[m].token].begin == i) {
            const auto& tok = tokens[matches[m].token];
            if (tok.end > end) break;
            if (in_space) out += ' ';
            in_space = false;
            const std::size_t b = out.size();
            out.append(text.substr(tok.begin, tok.end - tok.begin));
            snippet.highlights.push_back({b, out.size()});
            i = tok.end;
            ++m;
            continue;
        }
        if (is_ascii_space(text[i])) {
            in_space = !out.empty() && out.back() != ' ';
            ++i;
            continue;
        }
        if (in_space) out += ' ';
        in_space = false;
        out += text[i++];
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (end < text.size()) out += " …";
    return snippet;
}

std::vector<Highlight> highlight_words(std::string_view text, analysis::Family family,
                                       const HighlightTerms& terms, analysis::Analyzer& analyzer) {
    std::vector<Highlight> highlights;
    if (text.empty() || terms.empty()) return highlights;
    std::vector<analysis::Token> tokens;
    analysis::tokenize(text, tokens);
    for (const Match& m : find_matches(tokens, family, terms, analyzer)) {
        highlights.push_back({tokens[m.token].begin, tokens[m.token].end});
    }
    return highlights;
}

std::string mark_highlights(std::string_view text, const std::vector<Highlight>& highlights,
                            const std::string& open, const std::string& close) {
    std::string out;
    out.reserve(text.size() + highlights.size() * (open.size() + close.size()));
    std::size_t at = 0;
    for (const auto& h : highlights) {
        out.append(text.substr(at, h.begin - at)).append(open);
        out.append(text.substr(h.begin, h.end - h.begin)).append(close);
        at = h.end;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace lupe::searcher

namespace lupe {

std::string Snippet::marked(const std::string& open, const std::string& close) const {
    return searcher::mark_highlights(text, highlights, open, close);
}

}  // namespace lupe

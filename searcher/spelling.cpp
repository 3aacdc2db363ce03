#include "searcher/spelling.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <unordered_map>

#include <xapian/unicode.h>

#include "analysis/tokenizer.hpp"
#include "analysis/utf8.hpp"
#include "searcher/query_lexer.hpp"

namespace lupe::searcher {
namespace {

using analysis::decode_utf8;

void decode_all(std::string_view text, std::u32string& out) {
    out.clear();
    for (std::size_t pos = 0; pos < text.size();) out.push_back(decode_utf8(text, pos));
}

bool is_number_char(char32_t cp) {
    if (cp < 0x80) return cp >= U'0' && cp <= U'9';
    if (cp == analysis::kInvalidCodePoint) return false;
    switch (Xapian::Unicode::get_category(static_cast<unsigned>(cp))) {
        case Xapian::Unicode::DECIMAL_DIGIT_NUMBER:
        case Xapian::Unicode::LETTER_NUMBER:
        case Xapian::Unicode::OTHER_NUMBER: return true;
        default: return false;
    }
}

bool has_number_char(std::u32string_view word) {
    return std::any_of(word.begin(), word.end(), is_number_char);
}

/// Documents a word must occur in to be left alone (see SpellingOptions).
Xapian::doccount rare_threshold(const Xapian::Database& db, const SpellingOptions& options) {
    const double scaled = std::floor(options.rare_doc_fraction * db.get_doccount());
    const auto from_fraction = static_cast<Xapian::doccount>(std::max(0.0, scaled));
    return std::max(options.rare_min_doc_freq, from_fraction);
}

/// Whether documents of `family` use `word`: its stem exists in the family. (The stem
/// term is shared by the word's inflections, which is what "used" should mean here.)
bool used_in_family(const Xapian::Database& db, const std::string& word, analysis::Family family,
                    const analysis::Analyzer& stemmers) {
    std::string term(analysis::family_prefix(family));
    term += stemmers.stem(family, word);
    return db.term_exists(term);
}

/// Whether a search for `word` finds anything in the families in scope: a word of the
/// vocabulary may have left the index with its documents (the vocabulary keeps words until
/// the next full build), and a suggestion that finds nothing is no help.
bool used_anywhere(const Xapian::Database& db, const std::string& word,
                   std::optional<analysis::Family> family, const analysis::Analyzer& stemmers) {
    if (family) return used_in_family(db, word, *family, stemmers);
    return std::any_of(analysis::kAllFamilies.begin(), analysis::kAllFamilies.end(),
                       [&](analysis::Family f) { return used_in_family(db, word, f, stemmers); });
}

/// How many documents a search for `word` finds, as far as spelling is concerned: the
/// documents of its stem in the families in scope, or of the word itself. A word the
/// search finds through its stem is not misspelt: "strasse" finds German "Straße" (german2
/// folds ß to ss) although the word "strasse" is not in the vocabulary.
Xapian::doccount found_in(const Xapian::Database& db, const format::VocabularyReader& vocabulary,
                          const std::string& word, std::optional<analysis::Family> family,
                          const analysis::Analyzer& stemmers) {
    const auto stem_freq = [&](analysis::Family f) {
        std::string term(analysis::family_prefix(f));
        term += stemmers.stem(f, word);
        return db.get_termfreq(term);
    };
    if (family) return stem_freq(*family);
    Xapian::doccount freq = vocabulary.count(word);
    for (const analysis::Family f : analysis::kAllFamilies) freq = std::max(freq, stem_freq(f));
    return freq;
}

struct ByteRange {
    std::size_t begin;
    std::size_t end;
};

/// The parts of a query whose words may be corrected, in query order: words (not the
/// operators AND, OR, NOT), the inside of phrases, and the value of title:. Everything
/// else is syntax, or a value that is a code, a publisher's name or a date rather than a
/// word of the text: field names with their colon (a corrected field name would break the
/// query) and the values of lang:, source: and date:. The query is cut as the parser cuts
/// it (query_lexer.hpp); after a quote never closed, the words are corrected as the words
/// that the retry after the syntax error searches.
std::vector<ByteRange> correctable_ranges(std::string_view q) {
    std::vector<ByteRange> out;
    for (const QueryToken& t : lex_query(q)) {
        switch (t.kind) {
            case QueryTokenKind::Word:
            case QueryTokenKind::Phrase: out.push_back({t.text_begin, t.text_end}); break;
            case QueryTokenKind::Field:
                if (t.field == "title") out.push_back({t.text_begin, t.text_end});
                break;
            default: break;
        }
    }
    return out;
}

/// Whether the token [begin, end) lies in one of `ranges` (sorted, disjoint).
bool is_correctable(const std::vector<ByteRange>& ranges, std::size_t begin, std::size_t end) {
    const auto after = std::upper_bound(
        ranges.begin(), ranges.end(), begin,
        [](std::size_t offset, const ByteRange& r) { return offset < r.begin; });
    return after != ranges.begin() && end <= std::prev(after)->end;
}

bool is_upper(char32_t cp) {
    if (cp == analysis::kInvalidCodePoint) return false;
    const auto category = Xapian::Unicode::get_category(static_cast<unsigned>(cp));
    return category == Xapian::Unicode::UPPERCASE_LETTER ||
           category == Xapian::Unicode::TITLECASE_LETTER;
}
bool is_lower(char32_t cp) {
    return cp != analysis::kInvalidCodePoint &&
           Xapian::Unicode::get_category(static_cast<unsigned>(cp)) ==
               Xapian::Unicode::LOWERCASE_LETTER;
}

/// `suggestion` (lower case) written in the case of `typed`: all capitals when `typed` is
/// written in capitals, a capital first letter when `typed` has one, else as it is.
std::string match_case(std::string_view typed, const std::string& suggestion) {
    std::u32string cps;
    decode_all(typed, cps);
    const auto upper = std::count_if(cps.begin(), cps.end(), is_upper);
    const auto lower = std::count_if(cps.begin(), cps.end(), is_lower);
    const bool all_caps = upper >= 2 && lower == 0;
    const bool capitalised = !cps.empty() && is_upper(cps.front());
    if (!all_caps && !capitalised) return suggestion;

    std::string out;
    out.reserve(suggestion.size());
    bool first = true;
    for (std::size_t pos = 0; pos < suggestion.size();) {
        const char32_t cp = decode_utf8(suggestion, pos);
        const bool raise = all_caps || first;
        first = false;
        analysis::append_utf8(
            out, raise ? static_cast<char32_t>(Xapian::Unicode::toupper(static_cast<unsigned>(cp)))
                       : cp);
    }
    return out;
}

}  // namespace

unsigned edit_distance(std::u32string_view a, std::u32string_view b, unsigned max_distance) {
    const unsigned over = max_distance + 1;
    const std::size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (diff > max_distance) return over;
    if (a.empty() || b.empty()) return static_cast<unsigned>(diff);

    // Three rows of the (|a|+1) x (|b|+1) table: the swap of two neighbours looks two
    // rows back. The words are at most kMaxTokenBytes long, so this stays small; one
    // allocation per call is noise next to reading the term from the index.
    const std::size_t width = b.size() + 1;
    std::vector<unsigned> rows(3 * width);
    unsigned* before = rows.data();           // row i-2
    unsigned* previous = before + width;      // row i-1
    unsigned* current = previous + width;     // row i
    for (std::size_t j = 0; j < width; ++j) previous[j] = static_cast<unsigned>(j);

    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = static_cast<unsigned>(i);
        unsigned row_min = current[0];
        for (std::size_t j = 1; j < width; ++j) {
            const unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d = std::min(d, before[j - 2] + 1);
            }
            current[j] = d;
            row_min = std::min(row_min, d);
        }
        // A cell is never cheaper than the cheapest of the row above (a swap costs one
        // on top of a cell two rows up, which is no cheaper than its diagonal neighbour),
        // so once a whole row is over the limit, so is the result.
        if (row_min > max_distance) return over;
        std::swap(before, previous);  // the old row i-2 is recycled as the next row
        std::swap(previous, current);
    }
    return std::min(previous[b.size()], over);
}

std::string suggest_word(const Xapian::Database& db, const std::string& word,
                         std::optional<analysis::Family> family,
                         const analysis::Analyzer& stemmers, const SpellingOptions& options) {
    return suggest_word(db, format::VocabularyReader({db}), word, family, stemmers, options);
}

std::string suggest_word(const Xapian::Database& db, const format::VocabularyReader& vocabulary,
                         const std::string& word, std::optional<analysis::Family> family,
                         const analysis::Analyzer& stemmers, const SpellingOptions& options) {
    std::u32string target;
    decode_all(word, target);
    if (target.size() < options.min_word_chars || has_number_char(target)) return {};

    const Xapian::doccount word_freq = found_in(db, vocabulary, word, family, stemmers);
    if (word_freq >= rare_threshold(db, options)) return {};
    // An absent word takes any word of the index; a rare one only a far more common word.
    const Xapian::doccount min_candidate_freq =
        word_freq == 0 ? 1 : word_freq * options.min_frequency_ratio;

    unsigned limit = target.size() <= options.short_word_chars
                         ? options.short_word_max_edit_distance
                         : options.max_edit_distance;
    if (word_freq > 0) limit = std::min(limit, options.rare_word_max_edit_distance);
    std::size_t first_bytes = 0;
    decode_utf8(word, first_bytes);

    std::string best;
    unsigned best_distance = limit + 1;
    Xapian::doccount best_freq = 0;
    std::u32string candidate;
    std::size_t scanned = 0;
    bool timed_out = false;
    // The vocabulary's words starting with the word's first character.
    vocabulary.for_each_word(word.substr(0, first_bytes), [&](const std::string& term) {
        if (++scanned > options.max_terms_scanned) return false;
        // The clock now and then (it costs more than a word), first at once.
        if (options.deadline && scanned % kDeadlineCheckInterval == 1 &&
            options.deadline->passed()) {
            timed_out = true;
            return false;
        }
        // A code point takes 1 to 4 bytes: rule out most terms by their byte length alone.
        if (term.size() + limit < target.size() || term.size() > 4 * (target.size() + limit)) {
            return true;
        }
        decode_all(term, candidate);
        const std::size_t diff = candidate.size() > target.size()
                                     ? candidate.size() - target.size()
                                     : target.size() - candidate.size();
        if (diff > limit || has_number_char(candidate)) return true;
        const unsigned distance = edit_distance(target, candidate, limit);
        if (distance == 0 || distance > limit) return true;
        const Xapian::doccount freq = vocabulary.count(term);
        if (freq < min_candidate_freq || freq <= word_freq) return true;
        if (distance == best_distance && freq <= best_freq) return true;  // ties: first in order
        if (!used_anywhere(db, term, family, stemmers)) return true;
        best = term;
        best_distance = distance;
        best_freq = freq;
        limit = distance;  // from now on only as close or closer candidates can win
        return true;
    });
    // A slice cut by the deadline may have missed a better candidate: no guess.
    if (timed_out) return {};
    return best;
}

std::optional<Suggestion> suggest_query(const Xapian::Database& db, std::string_view query_text,
                                        std::optional<analysis::Family> family,
                                        const analysis::Analyzer& stemmers,
                                        const SpellingOptions& options) {
    return suggest_query(db, format::VocabularyReader({db}), query_text, family, stemmers, options);
}

std::optional<Suggestion> suggest_query(const Xapian::Database& db,
                                        const format::VocabularyReader& vocabulary,
                                        std::string_view query_text,
                                        std::optional<analysis::Family> family,
                                        const analysis::Analyzer& stemmers,
                                        const SpellingOptions& options) {
    std::vector<analysis::Token> tokens;
    analysis::tokenize(query_text, tokens);
    const std::vector<ByteRange> ranges = correctable_ranges(query_text);

    Suggestion out;
    std::size_t copied = 0;  // bytes of query_text already in out.query
    std::size_t looked_up = 0;
    std::unordered_map<std::string, std::string> suggestions;  // word -> suggestion or ""
    for (const analysis::Token& token : tokens) {
        const std::string_view typed = query_text.substr(token.begin, token.end - token.begin);
        if (!is_correctable(ranges, token.begin, token.end)) continue;
        if (token.end < query_text.size() && query_text[token.end] == '*') continue;  // wildcard

        auto found = suggestions.find(token.text);
        if (found == suggestions.end()) {
            if (looked_up == options.max_query_words) break;
            if (options.deadline && options.deadline->passed()) break;
            ++looked_up;
            found = suggestions
                        .emplace(token.text,
                                 suggest_word(db, vocabulary, token.text, family, stemmers,
                                              options))
                        .first;
        }
        if (found->second.empty()) continue;

        std::string replacement = match_case(typed, found->second);
        out.query.append(query_text.substr(copied, token.begin - copied));
        out.query += replacement;
        copied = token.end;
        std::pair<std::string, std::string> correction(std::string(typed), std::move(replacement));
        if (std::find(out.corrections.begin(), out.corrections.end(), correction) ==
            out.corrections.end()) {
            out.corrections.push_back(std::move(correction));
        }
    }
    if (out.corrections.empty()) return std::nullopt;
    out.query.append(query_text.substr(copied));
    return out;
}

}  // namespace lupe::searcher

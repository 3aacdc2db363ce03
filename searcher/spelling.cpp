#include "searcher/spelling.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

#include <xapian/unicode.h>

#include "analysis/decompounder.hpp"
#include "analysis/fold.hpp"
#include "analysis/stopwords.hpp"
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

/// Lines of wamerican (104,334): the set is sized once.
constexpr std::size_t kEnglishWordListSizeHint = 110000;

/// The English word list (kEnglishWordListPath), lower case, read once per process on
/// first use; empty when the file is missing (see SpellingOptions::use_word_lists).
const std::unordered_set<std::string>& english_words() {
    static const std::unordered_set<std::string> words = [] {
        std::unordered_set<std::string> out;
        std::ifstream in{std::string(kEnglishWordListPath)};
        out.reserve(kEnglishWordListSizeHint);
        std::string line;
        std::string lower;
        while (std::getline(in, line)) {
            // lower case, code point by code point, as the tokenizer makes query words
            // (one word a line: running the tokenizer itself over the list took 0.3 s)
            lower.clear();
            bool ascii = true;
            for (std::size_t pos = 0; pos < line.size();) {
                const char32_t cp = decode_utf8(line, pos);
                ascii = ascii && cp < 0x80;
                analysis::append_utf8(
                    lower, static_cast<char32_t>(Xapian::Unicode::tolower(static_cast<unsigned>(cp))));
            }
            // English writes loan words with or without their accents: "cafe" is as
            // English as the list's "café".
            if (!ascii) out.insert(analysis::fold_diacritics(lower));
            out.insert(std::move(lower));
        }
        return out;
    }();
    return words;
}

/// Whether `word` is a word of a language in scope, whether or not the index uses it:
/// a stopword, a word of the English list, or a word of the German list the index splits
/// compounds with, or a compound of its words. Such a word is not corrected.
bool is_language_word(const std::string& word, std::optional<analysis::Family> family,
                      const analysis::Analyzer& analyzer) {
    const bool english = !family || *family == analysis::Family::English;
    const bool german = !family || *family == analysis::Family::German;
    if (english && analysis::is_stopword(analysis::Family::English, word)) return true;
    if (german) {
        if (analysis::is_stopword(analysis::Family::German, word)) return true;
        // Only a list already loaded (mapped from the index, mostly): the search loads it
        // when it analyses German words, and an index without them has no use for it.
        const auto& splitter = analyzer.config().decompounder;
        const analysis::Decompounder* list = splitter ? splitter->if_loaded() : nullptr;
        if (list && (list->contains(word) || !list->split(word).empty())) return true;
    }
    // Last, as it is parsed on first use, which the cheaper lists above often spare.
    return english && english_words().contains(word);
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


/// The letters tried in place of, or before, a word's first letter (see lookup_word):
/// those of English and German words.
constexpr std::u32string_view kFirstLetters = U"abcdefghijklmnopqrstuvwxyzäöü";

/// Keys next to each other on a QWERTY or a QWERTZ keyboard, one letter with and without
/// its diacritic, or two vowels: a substitution between them is a slip of the finger (or
/// of the shift to an English keyboard) or a vowel misremembered ("huawey"), not a
/// different word. Rows are staggered: a key touches the two keys above it (same column
/// and one right) and the two below (one left and same column).
bool near_keys(char32_t a, char32_t b) {
    static constexpr std::u32string_view kVowels = U"aeiouy";
    if (kVowels.find(a) != kVowels.npos && kVowels.find(b) != kVowels.npos) return true;
    static constexpr std::u32string_view kQwerty[] = {U"qwertyuiop", U"asdfghjkl", U"zxcvbnm"};
    static constexpr std::u32string_view kQwertz[] = {U"qwertzuiopü", U"asdfghjklöä", U"yxcvbnm"};
    static constexpr std::pair<char32_t, char32_t> kDiacritics[] = {
        {U'a', U'ä'}, {U'o', U'ö'}, {U'u', U'ü'}, {U's', U'ß'}, {U'e', U'é'}};
    for (const auto& [plain, marked] : kDiacritics) {
        if ((a == plain && b == marked) || (a == marked && b == plain)) return true;
    }
    const auto touches = [&](const std::u32string_view (&rows)[3]) {
        for (std::size_t r = 0; r < 3; ++r) {
            const std::size_t c = rows[r].find(a);
            if (c == std::u32string_view::npos) continue;
            const auto at = [&](std::size_t row, std::size_t col) {
                return col < rows[row].size() && rows[row][col] == b;
            };
            if ((c > 0 && at(r, c - 1)) || at(r, c + 1)) return true;
            if (r > 0 && (at(r - 1, c) || at(r - 1, c + 1))) return true;
            if (r < 2 && ((c > 0 && at(r + 1, c - 1)) || at(r + 1, c))) return true;
        }
        return false;
    };
    return touches(kQwerty) || touches(kQwertz);
}

/// Whether a candidate one edit from the typed word differs from it by a substitution of
/// keys that are not near each other (near_keys): of two candidates one edit away, the one
/// that a slip of the finger explains is the better guess ("uset" is "user", r beside t,
/// rather than the more frequent "used").
bool far_substitution(std::u32string_view typed, std::u32string_view candidate) {
    if (typed.size() != candidate.size()) return false;  // a letter dropped or doubled
    std::size_t first = typed.size(), count = 0;
    for (std::size_t i = 0; i < typed.size(); ++i) {
        if (typed[i] != candidate[i]) {
            if (count++ == 0) first = i;
        }
    }
    return count == 1 && !near_keys(typed[first], candidate[first]);  // two: a swap
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

namespace {

/// suggest_word(), and whether the vocabulary was scanned for it (what
/// SpellingOptions::max_query_words counts).
struct WordLookup {
    std::string suggestion;
    bool scanned = false;
};

WordLookup lookup_word(const Xapian::Database& db, const format::VocabularyReader& vocabulary,
                       const std::string& word, std::optional<analysis::Family> family,
                       const analysis::Analyzer& stemmers, const SpellingOptions& options) {
    std::u32string target;
    decode_all(word, target);
    if (target.size() < options.min_word_chars || has_number_char(target)) return {};

    // How often the word is written so in the index, not what its stem finds: "typee"
    // finds "type" through the English stem and "religiosen" finds "religiösen" through
    // folding, and both are still typos worth showing corrected.
    const Xapian::doccount word_freq = vocabulary.count(word);
    if (word_freq >= rare_threshold(db, options)) return {};
    // An absent word takes a word of the index; a rare one only a far more common word.
    const Xapian::doccount min_candidate_freq = word_freq == 0
                                                    ? options.min_candidate_doc_freq
                                                    : word_freq * options.min_frequency_ratio;

    unsigned limit = target.size() <= options.short_word_chars
                         ? options.short_word_max_edit_distance
                         : options.max_edit_distance;
    if (word_freq > 0) limit = std::min(limit, options.rare_word_max_edit_distance);
    std::size_t first_bytes = 0;
    decode_utf8(word, first_bytes);

    std::string best;
    unsigned best_distance = limit + 1;
    bool best_far = true;  // far_substitution() of the best
    Xapian::doccount best_freq = 0;
    std::u32string candidate;
    // Makes `term` (decoded in `candidate`, `distance` edits away) the best if it is.
    const auto consider = [&](const std::string& term, unsigned distance) {
        const Xapian::doccount freq = vocabulary.count(term);
        if (freq < min_candidate_freq || freq <= word_freq) return;
        // Closest first; then a slip of the finger before another substitution; then the
        // most frequent; ties go to the first found.
        const bool far = far_substitution(target, candidate);
        if (far && !options.far_substitutions) return;
        if (distance > best_distance ||
            (distance == best_distance &&
             (far > best_far || (far == best_far && freq <= best_freq)))) {
            return;
        }
        if (!used_anywhere(db, term, family, stemmers)) return;
        best = term;
        best_distance = distance;
        best_far = far;
        best_freq = freq;
        limit = distance;  // from now on only as close or closer candidates can win
    };
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
        consider(term, distance);
        return true;
    });
    // A slice cut by the deadline may have missed a better candidate: no guess.
    if (timed_out) return {.suggestion = {}, .scanned = true};

    // A mistake in the first letter: the words one edit there, looked up one by one
    // (about sixty lookups, against a scan of the whole vocabulary). A quarter of the
    // typos of bench/spelling.sh that went uncorrected were of this kind ("lagorithms",
    // "vringing", "ational").
    if (limit >= 1 && target.size() >= 2) {
        const std::u32string rest = target.substr(1);
        const auto try_edit = [&](const std::u32string& cps) {
            if (cps.size() < options.min_word_chars) return;
            std::string term;
            for (const char32_t cp : cps) analysis::append_utf8(term, cp);
            candidate = cps;
            consider(term, 1);
        };
        try_edit(rest);                                             // an extra first letter
        try_edit(std::u32string{target[1], target[0]} + target.substr(2));  // first two swapped
        for (const char32_t letter : kFirstLetters) {
            if (letter == target[0]) continue;
            try_edit(letter + rest);    // the first letter mistyped
            try_edit(letter + target);  // the first letter dropped
        }
    }
    // A real word of its language is never corrected. Asked last, only of a word that has
    // a correction: the English list is parsed on first use (wamerican: about 150 million
    // instructions, 30 ms), which a query whose words all stand needs never pay.
    if (!best.empty() && options.use_word_lists && is_language_word(word, family, stemmers)) {
        best.clear();
    }
    return {.suggestion = std::move(best), .scanned = true};
}

}  // namespace

std::string suggest_word(const Xapian::Database& db, const format::VocabularyReader& vocabulary,
                         const std::string& word, std::optional<analysis::Family> family,
                         const analysis::Analyzer& stemmers, const SpellingOptions& options) {
    return lookup_word(db, vocabulary, word, family, stemmers, options).suggestion;
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
            WordLookup lookup = lookup_word(db, vocabulary, token.text, family, stemmers, options);
            if (lookup.scanned) ++looked_up;
            found = suggestions.emplace(token.text, std::move(lookup.suggestion)).first;
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

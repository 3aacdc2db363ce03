// Spelling suggestions ("did you mean"), computed at query time from the index's own
// vocabulary.
//
// Design note. Xapian can keep a spelling table (TermGenerator::FLAG_SPELLING and
// Database::get_spelling_suggestion), but that table is written at index time: every
// word of every document updates a frequency entry and every new word adds its n-gram
// fragments, which costs indexing time whether or not anyone ever misspells a query.
// lupe indexes fast and pays for suggestions only when a query asks for them, the way
// Lucene's DirectSpellChecker does: the candidates come straight from the term
// dictionary. A query word's candidates are the raw (unprefixed, lower-case) terms that
// begin with the same character; each within the edit distance limit is scored by its
// optimal-string-alignment distance (Damerau-Levenshtein where a transposed pair is not
// edited again), then by its document frequency. Fixing the first character is what keeps
// this fast (one slice of the dictionary instead of all of it) and it is what Lucene does
// too (minPrefix 1); a mistake in the first letter is then found apart, by looking up the
// sixty-odd words one edit away there ("lagorithms", "ational", "vringing").
//
// Suggest only when the evidence says so (measured with bench/spelling.sh, see
// docs/spelling.md):
//  - a word of the language is never corrected, whether or not the index has it: a
//    stopword, a word of the English list (Debian's wamerican) or of the German list the
//    index splits compounds with, or a compound of its words. On lupe's small corpus,
//    "weather" had become "water", "last" "list" and "Fazit" "fast";
//  - one edit, and a substituted letter must be a near key, the letter with or without its
//    diacritic, or another vowel: a finger slips to a neighbouring key; a word one far
//    letter from a frequent one is more often a name or a term the index lacks ("ogive" ->
//    "olive");
//  - a word in the index is corrected only when it is rare (SpellingOptions::
//    rare_doc_fraction) and into a word far more frequent (min_frequency_ratio): typos
//    recur in a large collection ("goverment" in 8 Reuters documents).
// How often a word "exists" is how often it is written so in the index (the vocabulary),
// not what its stem or folded form finds: "typee" finds "type" through the English stem,
// and is still a typo worth showing corrected.
//
// Thread safety: the functions keep no state; the Stemmers passed in are not thread-safe
// (one per thread, as everywhere in lupe).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "searcher/deadline.hpp"
#include "format/vocabulary.hpp"

namespace lupe::searcher {

/// Most vocabulary words looked at for one word: bounds the time of one lookup on a
/// huge vocabulary, where the slice of words sharing a first letter can be large.
/// Scanning runs at about 11 million words a second (measured on a synthetic index with
/// 893,000 terms under "s"), so this is about 45 ms; in Reuters-21578 the largest slice of
/// a letter, "s", has 4,600 words. The words come in byte order, so a slice cut short
/// loses its last words, not random ones: a word whose correction lies beyond the limit
/// gets no suggestion (the search itself is not affected).
inline constexpr std::size_t kMaxSpellingWordsScanned = 500000;
/// Most query words whose correction a suggestion searches the vocabulary for (words absent
/// or rare in the index and no word of the language: the others cost a count lookup
/// each); after them the rest of a longer query is left as it is. Typed queries have a
/// handful of such words; this bounds the work for a pasted paragraph (queries may be up
/// to kMaxQueryBytes long).
inline constexpr std::size_t kMaxSpellingQueryWords = 16;

/// Where Debian's wamerican package installs its English word list: a word listed there is
/// English even when the index lacks it, and is not corrected (see
/// SpellingOptions::use_word_lists). Without the file, absent English words are corrected
/// like typos.
inline constexpr std::string_view kEnglishWordListPath = "/usr/share/dict/american-english";

/// The limits of the suggester. The defaults are what lupe uses; tests and tuning may
/// change them.
struct SpellingOptions {
    /// Most edits (insert, delete, substitute, swap two neighbours) between a word and its
    /// suggestion. Damerau's 1964 study found over 80% of typing mistakes one edit away;
    /// measured with bench/spelling.sh (docs/spelling.md, half A of its query sets), two
    /// edits restored 5 to 8 points fewer typo queries, not more, and suggested something
    /// for twice as many clean ones ("laminar" -> "lacina", "convective" ->
    /// "consecutive"), because a second edit reaches far more unrelated words than typos.
    unsigned max_edit_distance = 1;
    /// Words of at most this many characters get `short_word_max_edit_distance` instead:
    /// two edits of a four-letter word leave only two letters in common, and nearly any
    /// other short word is that close ("musk" -> "must", "mask", "mark", ...).
    std::size_t short_word_chars = 4;
    /// The edit limit for short words (see `short_word_chars`).
    unsigned short_word_max_edit_distance = 1;
    /// Words of fewer characters are never corrected: at one edit from a three-letter word
    /// lies a large part of the vocabulary, and such words are mostly abbreviations and
    /// names ("tss" -> "tass", "udo" -> "udf"); measured, 4 rather than 3 cut the clean
    /// queries with a suggestion by a quarter on Reuters and gesetze-de for under a point
    /// of typos restored.
    std::size_t min_word_chars = 4;
    /// A word is "rare" when it occurs in fewer documents than the larger of
    /// `rare_min_doc_freq` and `rare_doc_fraction` of the index. Only absent and rare words
    /// are corrected; a word in at least that many documents is part of the collection's
    /// language, misspelt or not. The fraction lets the threshold grow with the index
    /// (typos recur: Reuters-21578 has "goverment" in 8 of its 21,578 documents); Lucene's
    /// DirectSpellChecker uses 1% (maxQueryFrequency), lupe a more careful 0.1%.
    double rare_doc_fraction = 0.001;
    /// Floor of the rare threshold (see `rare_doc_fraction`). 1 means that in an index of
    /// under 2,000 documents no word that occurs at all is "rare": there, frequencies are
    /// too small to tell a typo from a rare real word (lupe's own corpus has "Cafe" in 2
    /// documents, one edit from "came" in 51).
    Xapian::doccount rare_min_doc_freq = 1;
    /// A rare word (present, but below the rare threshold) is only corrected into a word
    /// in at least this many times as many documents: "well below the suggestion's", so
    /// that two rare real words are not turned into one another.
    Xapian::doccount min_frequency_ratio = 10;
    /// The edit limit for a rare word that is in the index. That the word occurs at all is
    /// evidence that it is real, and two edits from a real rare word often lead to a common
    /// unrelated one: in Reuters-21578, "senegal" -> "several", "startup" -> "start",
    /// "granite" -> "granted", while the typos found there ("workders", "initally",
    /// "gulity", "semiconducter") are one edit from their word.
    unsigned rare_word_max_edit_distance = 1;
    /// Leave alone the words of the languages in scope (English for Family::English,
    /// German for Family::German, both without a family) even when the index lacks them:
    /// stopwords, the English list (kEnglishWordListPath) and the German list the index
    /// splits compounds with, with the compounds of its words. Without the lists, "weather"
    /// became "water" and "Fazit" "fast" on lupe's own corpus, which has neither word.
    bool use_word_lists = true;
    /// Accept a suggestion that differs from the word by one substituted letter whose key is
    /// not near the typed one (see near_keys in spelling.cpp). Slips of the finger hit a
    /// neighbouring key; a word one far letter from a frequent one is more often a name
    /// or a term the index lacks ("ogive" -> "olive", "navier" -> "napier").
    /// Off by measurement: on half A of bench/spelling.sh's sets it cut the clean queries
    /// with a suggestion by 7 to 33% and restored as many typos or more (docs/spelling.md
    /// says how far the typo sets' own keyboard model favours this).
    bool far_substitutions = false;
    /// Fewest documents a suggestion for an absent word must occur in.
    Xapian::doccount min_candidate_doc_freq = 1;
    /// Most vocabulary words looked at for one word (see kMaxSpellingWordsScanned).
    std::size_t max_terms_scanned = kMaxSpellingWordsScanned;
    /// Most query words looked up by suggest_query() (see kMaxSpellingQueryWords).
    std::size_t max_query_words = kMaxSpellingQueryWords;
    /// The search's deadline, or null: at it, the word being looked up gets no suggestion
    /// and suggest_query() looks up no further words (Deadline::reached() tells).
    const Deadline* deadline = nullptr;
};

/// @brief Suggest a correction for one normalised (lower-case, as the tokenizer makes it)
/// word.
///
/// The word is corrected only when it is absent from the index's vocabulary or rare there,
/// and is no word of the languages in scope (SpellingOptions::use_word_lists; the German
/// list is the one `stemmers` splits with, once loaded). "strasse" is a word (the German
/// list has each "ß" word with "ss" too), "typee" is not, although a search for it finds
/// "type" through the English stem. The English list is read on first need, once per
/// process (about 0.1 s); a query whose words are all in the index never needs it.
///
/// The family check stems words through the index's own analysis (Analyzer::stem, folding
/// included), so "café" in an English document is found as "ZEcafe".
/// @param db the index whose vocabulary is searched
/// @param word the word, as analysis::tokenize returns it
/// @param family only suggest words used in documents of this stemming family (that is,
///        whose stem term exists in the family, "ZD" + german2 stem for German); with
///        nullopt, words of any family
/// @param stemmers the index's analysis (folding and stemming), for the family check
/// @param options the limits
/// @return the suggestion (a word of the index's vocabulary, schema::kVocabularyPrefix:
///         lower-case), or "" when there is none:
///         the word is frequent enough to be left alone, shorter than
///         SpellingOptions::min_word_chars, contains a digit (codes, model names, years:
///         "r2", "a320", "1987" are not words to correct), or no candidate qualifies.
///         Candidates with digits are never suggested either.
/// @throws Xapian::Error reading the index failed (callers translate at the library
///         boundary, see common/xapian_error.hpp)
std::string suggest_word(const Xapian::Database& db, const std::string& word,
                         std::optional<analysis::Family> family,
                         const analysis::Analyzer& stemmers, const SpellingOptions& options = {});

/// @brief suggest_word() for an index of several shards: `db` combines them, `vocabulary`
/// reads each one's vocabulary (Xapian reads metadata of the first database only).
std::string suggest_word(const Xapian::Database& db, const format::VocabularyReader& vocabulary,
                         const std::string& word, std::optional<analysis::Family> family,
                         const analysis::Analyzer& stemmers, const SpellingOptions& options = {});

/// @brief A corrected query.
struct Suggestion {
    /// The query text with the corrected words replaced and everything else kept byte for
    /// byte. A replacement follows the case of the word it replaces: "Goverment" ->
    /// "Government", "COMPNAY" -> "COMPANY", otherwise lower case.
    std::string query;
    /// (word as typed in the query, its replacement as written into `query`), in query
    /// order, each pair once.
    std::vector<std::pair<std::string, std::string>> corrections;
};

/// @brief Suggest a corrected query ("did you mean").
///
/// The query is cut as the parser cuts it (query_lexer.hpp) and its words are found with
/// the shared tokenizer; these are left alone: the upper-case operators AND, OR, NOT
/// (inside a phrase they are words); field names ("title:", "lang:", "source:", "date:",
/// in any case); the values of lang:, source: and date: (quoted values too); wildcard
/// prefixes ("huawe*"); words with a digit; and words shorter than
/// SpellingOptions::min_word_chars. Every other word goes through suggest_word(), up to
/// SpellingOptions::max_query_words of them. The query need not be valid syntax (a
/// suggestion is most useful when it is not).
/// @param db the index whose vocabulary is searched
/// @param query_text the query as the user typed it (UTF-8; invalid bytes separate words)
/// @param family as for suggest_word()
/// @param stemmers the shared stemmers
/// @param options the limits
/// @return the corrected query and its corrections, or nullopt when no word is corrected
///         (an empty index never suggests anything)
/// @throws Xapian::Error reading the index failed (callers translate)
std::optional<Suggestion> suggest_query(const Xapian::Database& db, std::string_view query_text,
                                        std::optional<analysis::Family> family,
                                        const analysis::Analyzer& stemmers,
                                        const SpellingOptions& options = {});

/// @brief suggest_query() for an index of several shards (see suggest_word()).
std::optional<Suggestion> suggest_query(const Xapian::Database& db,
                                        const format::VocabularyReader& vocabulary,
                                        std::string_view query_text,
                                        std::optional<analysis::Family> family,
                                        const analysis::Analyzer& stemmers,
                                        const SpellingOptions& options = {});

/// @brief Optimal string alignment distance (Damerau-Levenshtein where no substring is
/// edited twice) between two code point sequences, counting insertions, deletions,
/// substitutions and swaps of adjacent characters as one edit each.
/// @return the distance, or `max_distance + 1` as soon as it is known to exceed
///         `max_distance` (rows of the table never get cheaper, so the computation stops
///         at the first row whose minimum is over the limit)
unsigned edit_distance(std::u32string_view a, std::u32string_view b, unsigned max_distance);

}  // namespace lupe::searcher

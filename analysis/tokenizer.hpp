// Tokenizer: splits UTF-8 text into lower-cased words with their byte offsets.
//
// Shared by the index side (terms, positions) and the query side (query words, snippet
// highlighting), so that a word is always cut and normalised the same way.
//
// Rules, in the spirit of Xapian's TermGenerator and Lucene's StandardTokenizer:
//  - a word is a run of Unicode word characters (letters, marks, digits, connector
//    punctuation, as Xapian::Unicode::is_wordchar says), lower-cased with Unicode's simple
//    case mapping (ß stays ß: folding it is the stemmer's job);
//  - an apostrophe (' ’ ʼ) between two word characters stays in the word, as "'"
//    ("don't", "Huawei’s" -> "huawei's", which the English stemmer reduces to "huawei");
//  - '.' and ',' between two digits stay in the number ("3.14", "1,000");
//  - "+" / "++" / "#" right after a letter and before a non-word character stay ("c++", "c#");
//  - a soft hyphen (U+00AD) inside a word is dropped;
//  - everything else separates words; a single hyphen between two words marks the second
//    as hyphen-joined ("E-Mail" -> "e", "mail"), which the query side turns into a phrase;
//  - invalid UTF-8 bytes separate words; words longer than kMaxTokenBytes are dropped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lupe::analysis {

/// Longest word kept, in bytes. Longer runs are nearly always junk (base64, hashes, URLs
/// without separators); Xapian's own limit is 245 bytes per term including the prefix.
/// 100 bytes still holds the longest German compounds in real use (~65 letters).
inline constexpr std::size_t kMaxTokenBytes = 100;

struct Token {
    std::string text;          ///< normalised (lower-cased) word
    std::size_t begin = 0;     ///< byte offset of its first character in the input
    std::size_t end = 0;       ///< byte offset one past its last character
    bool hyphen_joined = false;///< preceded by a single hyphen directly after the previous word
};

/// Tokenize `text` into `out` (cleared first).
void tokenize(std::string_view text, std::vector<Token>& out);

/// Convenience for tests and small inputs: just the normalised words.
std::vector<std::string> tokenize_words(std::string_view text);

}  // namespace lupe::analysis

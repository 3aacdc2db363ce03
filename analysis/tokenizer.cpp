#include "analysis/tokenizer.hpp"

#include <xapian.h>

#include "analysis/utf8.hpp"

namespace lupe::analysis {
namespace {

bool is_apostrophe(char32_t cp) { return cp == U'\'' || cp == U'\u2019' || cp == U'\u02BC'; }
bool is_hyphen(char32_t cp) { return cp == U'-' || cp == U'\u2010' || cp == U'\u2011'; }
bool is_ascii_digit(char32_t cp) { return cp >= U'0' && cp <= U'9'; }
bool is_word_char(char32_t cp) {
    return cp != kInvalidCodePoint && Xapian::Unicode::is_wordchar(static_cast<unsigned>(cp));
}

// Xapian's word-character class and lower case for each ASCII byte, looked up once: most
// letters of English and German text are ASCII, and inside a word they need neither UTF-8
// decoding nor Xapian's Unicode tables (tokenize() is a third of a snippet's cost, and a
// part of every indexed document's).
struct AsciiClasses {
    bool word[128];
    char lower[128];
    AsciiClasses() {
        for (unsigned c = 0; c < 128; ++c) {
            word[c] = Xapian::Unicode::is_wordchar(c);
            lower[c] = static_cast<char>(Xapian::Unicode::tolower(c));
        }
    }
};

const AsciiClasses& ascii_classes() {
    static const AsciiClasses classes;
    return classes;
}

char32_t peek(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return kInvalidCodePoint;
    return decode_utf8(text, pos);
}

}  // namespace

void tokenize(std::string_view text, std::vector<Token>& out) {
    out.clear();
    Token current;
    bool in_word = false;
    char32_t last_cp = 0;          // last code point appended to the current word
    std::size_t prev_end = 0;      // end of the previous emitted word
    bool have_prev = false;
    std::size_t separators = 0;    // separator code points since the previous word
    bool separator_is_hyphen = false;

    auto flush = [&] {
        if (!in_word) return;
        in_word = false;
        if (current.text.size() <= kMaxTokenBytes) {
            out.push_back(current);
            have_prev = true;
        }
        prev_end = current.end;
        separators = 0;
        separator_is_hyphen = false;
    };

    const AsciiClasses& ascii = ascii_classes();
    std::size_t pos = 0;
    while (pos < text.size()) {
        // Inside a word, an ASCII word character is appended as it is, lower-cased: what
        // the general path below does for it, without decoding.
        if (const auto byte = static_cast<unsigned char>(text[pos]);
            in_word && byte < 128 && ascii.word[byte]) {
            current.text += ascii.lower[byte];
            current.end = ++pos;
            last_cp = byte;
            continue;
        }
        const std::size_t start = pos;
        const char32_t cp = decode_utf8(text, pos);
        if (is_word_char(cp)) {
            if (!in_word) {
                in_word = true;
                current.text.clear();
                current.begin = start;
                // Joined only if the word before was kept and one hyphen lies between.
                current.hyphen_joined = have_prev && separators == 1 && separator_is_hyphen &&
                                        out.back().end == prev_end;
            }
            append_utf8(current.text, Xapian::Unicode::tolower(static_cast<unsigned>(cp)));
            current.end = pos;
            last_cp = cp;
            continue;
        }
        if (in_word) {
            const char32_t next = peek(text, pos);
            if (is_apostrophe(cp) && is_word_char(next)) {
                current.text += '\'';
                last_cp = U'\'';
                continue;
            }
            if ((cp == U'.' || cp == U',') && is_ascii_digit(last_cp) && is_ascii_digit(next)) {
                current.text += static_cast<char>(cp);
                last_cp = cp;
                continue;
            }
            if (cp == U'\u00AD' && is_word_char(next)) continue;  // soft hyphen
            if ((cp == U'+' || cp == U'#') && !is_ascii_digit(last_cp) && last_cp != U'+') {
                // "c++", "c#": the suffix must end the word.
                std::size_t after = pos;
                std::string suffix(1, static_cast<char>(cp));
                if (cp == U'+' && after < text.size() && text[after] == '+') {
                    suffix += '+';
                    ++after;
                }
                if (!is_word_char(peek(text, after))) {
                    current.text += suffix;
                    current.end = after;
                    pos = after;
                    flush();
                    continue;
                }
            }
            flush();
        }
        ++separators;
        separator_is_hyphen = separators == 1 && is_hyphen(cp);
    }
    flush();
}

std::vector<std::string> tokenize_words(std::string_view text) {
    std::vector<Token> tokens;
    tokenize(text, tokens);
    std::vector<std::string> words;
    words.reserve(tokens.size());
    for (auto& t : tokens) words.push_back(std::move(t.text));
    return words;
}

}  // namespace lupe::analysis

#include "searcher/query_lexer.hpp"

#include <algorithm>
#include <cctype>

#include "analysis/utf8.hpp"

namespace lupe::searcher {

bool is_query_space(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == U'\f' ||
           cp == U'\v' || cp == U'\u00A0';
}

bool is_query_quote(char32_t cp) {
    return cp == U'"' || cp == U'\u201C' || cp == U'\u201D' || cp == U'\u201E';
}

namespace {

using analysis::decode_utf8;
using Kind = QueryTokenKind;

// Whether `name` (before a ':') reads as a field name: an ASCII letter, then letters,
// digits, '_' or '-'. "10:30" and "Straße:" are then text, never a field.
bool field_like(std::string_view name) {
    const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (name.empty() || !alpha(name.front())) return false;
    return std::all_of(name.begin(), name.end(), [&](char c) {
        return alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

class Lexer {
public:
    explicit Lexer(std::string_view q) : q_(q) {}

    std::vector<QueryToken> run() {
        std::vector<QueryToken> out;
        for (;;) {
            skip_space();
            QueryToken t;
            t.position = char_pos();
            t.begin = pos_;
            if (pos_ >= q_.size()) {
                t.end = t.text_begin = t.text_end = pos_;
                out.push_back(t);
                return out;
            }
            std::size_t next = pos_;
            const char32_t cp = decode_utf8(q_, next);
            if (cp == U'(' || cp == U')') {
                t.kind = cp == U'(' ? Kind::LParen : Kind::RParen;
                pos_ = next;
            } else if (is_query_quote(cp)) {
                t.kind = quoted(t) ? Kind::Phrase : Kind::UnclosedQuote;
            } else if ((cp == U'+' || cp == U'-') && starts_operand(next)) {
                t.kind = cp == U'+' ? Kind::Plus : Kind::Minus;
                pos_ = next;
            } else {
                word(t);
            }
            t.end = pos_;
            if (t.kind != Kind::Phrase && t.kind != Kind::Field && t.kind != Kind::Word) {
                t.text_begin = t.begin;
                t.text_end = t.end;
            }
            out.push_back(std::move(t));
        }
    }

private:
    std::size_t char_pos() const { return analysis::count_code_points(q_.substr(0, pos_)) + 1; }

    char32_t peek(std::size_t at) const {
        if (at >= q_.size()) return 0;
        return decode_utf8(q_, at);
    }

    // Whether a '+' or '-' before byte `at` marks an operand: something other than a
    // space, ')' or another modifier follows.
    bool starts_operand(std::size_t at) const {
        const char32_t cp = peek(at);
        return cp != 0 && !is_query_space(cp) && cp != U')' && cp != U'+' && cp != U'-';
    }

    void skip_space() {
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            if (!is_query_space(decode_utf8(q_, next))) break;
            pos_ = next;
        }
    }

    // Reads a quoted phrase starting at pos_ (on the opening quote) and sets t's text to
    // what lies between the quotes. A quote never closed returns false with pos_ just
    // past it, so that the words after it are lexed as if unquoted.
    bool quoted(QueryToken& t) {
        decode_utf8(q_, pos_);
        const std::size_t start = pos_;
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            if (is_query_quote(decode_utf8(q_, next))) {
                t.text_begin = start;
                t.text_end = pos_;
                pos_ = next;
                return true;
            }
            pos_ = next;
        }
        pos_ = start;
        return false;
    }

    void word(QueryToken& t) {
        const std::size_t start = pos_;
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            const char32_t cp = decode_utf8(q_, next);
            if (is_query_space(cp) || cp == U'(' || cp == U')' || is_query_quote(cp)) break;
            pos_ = next;
        }
        t.text_begin = start;
        t.text_end = pos_;
        const std::string_view text = q_.substr(start, pos_ - start);
        if (text == "AND") t.kind = Kind::And;
        else if (text == "OR") t.kind = Kind::Or;
        else if (text == "NOT") t.kind = Kind::Not;
        else t.kind = Kind::Word;
        if (t.kind != Kind::Word) return;

        const std::size_t colon = text.find(':');
        if (colon == std::string_view::npos) return;
        std::string name(text.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(std::begin(kQueryFields), std::end(kQueryFields), name) ==
            std::end(kQueryFields)) {
            // `author:kahneman` is searched as its words, with a notice (the parser's
            // unknown_field); "Fazit:" and "http://host/..." are just text.
            const std::string_view value = text.substr(colon + 1);
            if (field_like(text.substr(0, colon)) && !value.empty() && value.front() != '/') {
                t.field = std::string(text.substr(0, colon));
            }
            return;
        }
        t.kind = Kind::Field;
        t.field = std::move(name);
        t.text_begin = start + colon + 1;
        if (t.text_begin < t.text_end) return;
        // Nothing after the colon but, perhaps, a quoted value.
        const std::size_t value_start = pos_;
        if (pos_ < q_.size() && is_query_quote(peek(pos_)) && quoted(t)) {
            t.value_quoted = true;
            return;
        }
        pos_ = value_start;  // an unclosed quote after it is a token of its own
        t.kind = Kind::EmptyField;
        t.text_begin = start;
        t.text_end = pos_;
    }

    std::string_view q_;
    std::size_t pos_ = 0;
};

}  // namespace

std::vector<QueryToken> lex_query(std::string_view query) { return Lexer(query).run(); }

}  // namespace lupe::searcher

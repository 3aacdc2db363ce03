// Query lexer: query text -> tokens with their byte ranges. The one place that knows how
// the query syntax is cut up (which characters are spaces and quotes, where a field name
// ends, when '+' and '-' are modifiers, which words are operators); the parser, the retry
// after a syntax error (recover_query) and the spelling suggester all read its tokens.
//
// Design note. The lexer never throws. What the strict syntax rejects at the lexical level
// (a quote never closed, a field name without a value) becomes a token of its own
// (UnclosedQuote, EmptyField) after which lexing goes on, as if the quote were not there
// or the field were an empty word. parse_query turns the first such token into its syntax
// error; recover_query drops it and keeps the words around it; spelling corrects those
// words. One lexer in one mode means the three cannot disagree on where a word begins:
// they used to lex the query each in their own way (with two whitespace sets, once).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lupe::searcher {

/// What a query token is.
enum class QueryTokenKind {
    Word,           ///< a run of characters up to a space, bracket or quote (also `word*`,
                    ///< "Fazit:", "10:30", and `author:x`, whose name is no field)
    Phrase,         ///< a quoted phrase, quotes included
    Field,          ///< `name:value` or `name:"value"` with name one of the query fields
    EmptyField,     ///< a field name and its colon with no value after them ("title: x")
    UnclosedQuote,  ///< a quote never closed: the token is the quote alone, and the words
                    ///< after it are lexed as if unquoted
    LParen,         ///< (
    RParen,         ///< )
    And,            ///< AND (upper case only; "and" is a Word)
    Or,             ///< OR
    Not,            ///< NOT
    Plus,           ///< '+' right before an operand: the item is required
    Minus,          ///< '-' right before an operand: the item is excluded
    End,            ///< the end of the query (always the last token, empty)
};

/// One token. Byte ranges are [begin, end) into the query string given to lex_query().
struct QueryToken {
    QueryTokenKind kind = QueryTokenKind::End;
    std::size_t begin = 0;        ///< first byte of the token
    std::size_t end = 0;          ///< one past its last byte
    /// The token's text: for a Word, all of it; for a Phrase, what lies between the
    /// quotes; for a Field, the value (between its quotes when quoted); for the other
    /// kinds, all of the token (empty for End).
    std::size_t text_begin = 0;
    std::size_t text_end = 0;
    /// Field and EmptyField: the field name, lower-case. Word: the name before the first
    /// ':' when it reads as a field name but is none (`author` in `author:kahneman`), as
    /// written; else empty.
    std::string field;
    bool value_quoted = false;    ///< Field: the value was quoted (`title:"a b"`)
    std::size_t position = 0;     ///< 1-based code point position of `begin`, for messages

    /// The token's text (see text_begin) in `query`, the string it was lexed from.
    std::string_view text(std::string_view query) const {
        return query.substr(text_begin, text_end - text_begin);
    }
};

/// The fields of the query syntax, lower-case; a name before ':' is matched in any case.
inline constexpr std::string_view kQueryFields[] = {"title", "lang", "source", "date"};

/// Whether `c` separates tokens as a space does: ASCII white space and U+00A0 (no-break
/// space, which pasted text often carries). Other Unicode spaces are part of a word.
bool is_query_space(char32_t c);

/// Whether `c` opens or closes a phrase: '"', U+201C, U+201D, U+201E (any one closes what
/// any other opened, since typed and pasted quotes mix).
bool is_query_quote(char32_t c);

/// Cut `query` into tokens, the last of them End. Never throws: invalid UTF-8 bytes are
/// characters of the word they are in. No length limit is applied here (parse_query
/// checks kMaxQueryBytes first).
std::vector<QueryToken> lex_query(std::string_view query);

}  // namespace lupe::searcher

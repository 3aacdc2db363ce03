// The query lexer: literal token lists with their byte ranges.
#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lupe/error.hpp"
#include "searcher/query_lexer.hpp"
#include "searcher/query_parser.hpp"

using namespace lupe::searcher;

namespace {

// A token as a literal: kind, [begin, end), its text, and for fields the name.
// Kinds are spelled short: W word, P phrase, F field, E empty field, Q unclosed quote,
// ( ) AND OR NOT + -; the End token is left out (checked once, below).
std::string show(const QueryToken& t, std::string_view q) {
    std::string kind;
    switch (t.kind) {
        case QueryTokenKind::Word: kind = "W"; break;
        case QueryTokenKind::Phrase: kind = "P"; break;
        case QueryTokenKind::Field: kind = t.value_quoted ? "F\"" : "F"; break;
        case QueryTokenKind::EmptyField: kind = "E"; break;
        case QueryTokenKind::UnclosedQuote: kind = "Q"; break;
        case QueryTokenKind::LParen: kind = "("; break;
        case QueryTokenKind::RParen: kind = ")"; break;
        case QueryTokenKind::And: kind = "AND"; break;
        case QueryTokenKind::Or: kind = "OR"; break;
        case QueryTokenKind::Not: kind = "NOT"; break;
        case QueryTokenKind::Plus: kind = "+"; break;
        case QueryTokenKind::Minus: kind = "-"; break;
        case QueryTokenKind::End: kind = "END"; break;
    }
    std::string out = kind + " " + std::to_string(t.begin) + "-" + std::to_string(t.end) + " [" +
                      std::string(t.text(q)) + "]";
    if (!t.field.empty()) out += " field=" + t.field;
    return out;
}

std::vector<std::string> lex(std::string_view q) {
    const std::vector<QueryToken> tokens = lex_query(q);
    REQUIRE(!tokens.empty());
    const QueryToken& end = tokens.back();
    CHECK(end.kind == QueryTokenKind::End);
    CHECK(end.end == end.begin);
    std::vector<std::string> out;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        CHECK(tokens[i].kind != QueryTokenKind::End);
        out.push_back(show(tokens[i], q));
    }
    return out;
}

using L = std::vector<std::string>;

}  // namespace

TEST_CASE("query lexer: empty and blank input is only the end") {
    CHECK(lex("").empty());
    CHECK(lex(" \t\n\r\f\v").empty());
    CHECK(lex("\xC2\xA0").empty());  // no-break space
    const auto tokens = lex_query("  ");
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].begin == 2);
    CHECK(tokens[0].position == 3);
}

TEST_CASE("query lexer: words, phrases, brackets") {
    CHECK(lex("Huawei chips") == L{"W 0-6 [Huawei]", "W 7-12 [chips]"});
    CHECK(lex("\"Rund um\" x") == L{"P 0-9 [Rund um]", "W 10-11 [x]"});
    CHECK(lex("\"\"") == L{"P 0-2 []"});
    // typographic quotes open and close phrases; any closes what any opened
    CHECK(lex("\xE2\x80\x9E" "Rund um" "\xE2\x80\x9C") == L{"P 0-13 [Rund um]"});
    CHECK(lex("((a) b)") == L{"( 0-1 [(]", "( 1-2 [(]", "W 2-3 [a]", ") 3-4 [)]",
                              "W 5-6 [b]", ") 6-7 [)]"});
    // a bracket or quote ends a word
    CHECK(lex("a(b\"c d\"e") == L{"W 0-1 [a]", "( 1-2 [(]", "W 2-3 [b]", "P 3-8 [c d]",
                                  "W 8-9 [e]"});
    CHECK(lex("huawe* chip*s") == L{"W 0-6 [huawe*]", "W 7-13 [chip*s]"});
}

TEST_CASE("query lexer: operators are upper case only") {
    CHECK(lex("a AND b OR c NOT d") == L{"W 0-1 [a]", "AND 2-5 [AND]", "W 6-7 [b]",
                                         "OR 8-10 [OR]", "W 11-12 [c]", "NOT 13-16 [NOT]",
                                         "W 17-18 [d]"});
    CHECK(lex("and or not And") == L{"W 0-3 [and]", "W 4-6 [or]", "W 7-10 [not]",
                                     "W 11-14 [And]"});
    CHECK(lex("ANDROID (OR)") == L{"W 0-7 [ANDROID]", "( 8-9 [(]", "OR 9-11 [OR]",
                                   ") 11-12 [)]"});
}

TEST_CASE("query lexer: '+' and '-' are modifiers only before an operand") {
    CHECK(lex("-word +\"a b\" -(x)") == L{"- 0-1 [-]", "W 1-5 [word]", "+ 6-7 [+]",
                                          "P 7-12 [a b]", "- 13-14 [-]", "( 14-15 [(]",
                                          "W 15-16 [x]", ") 16-17 [)]"});
    CHECK(lex("e-mail c++ - + --x a-)") == L{"W 0-6 [e-mail]", "W 7-10 [c++]", "W 11-12 [-]",
                                            "W 13-14 [+]", "W 15-18 [--x]", "W 19-21 [a-]",
                                            ") 21-22 [)]"});
    CHECK(lex("-") == L{"W 0-1 [-]"});
}

TEST_CASE("query lexer: fields") {
    CHECK(lex("title:Drohne Lang:de -source:dpa") ==
          L{"F 0-12 [Drohne] field=title", "F 13-20 [de] field=lang", "- 21-22 [-]",
            "F 22-32 [dpa] field=source"});
    CHECK(lex("title:\"Rund um\" date:2019..2020") ==
          L{"F\" 0-15 [Rund um] field=title", "F 16-31 [2019..2020] field=date"});
    CHECK(lex("(source:bundestg)") == L{"( 0-1 [(]", "F 1-16 [bundestg] field=source",
                                        ") 16-17 [)]"});
    SUBCASE("a field name with no value") {
        CHECK(lex("title: x") == L{"E 0-6 [title:] field=title", "W 7-8 [x]"});
        CHECK(lex("lang:") == L{"E 0-5 [lang:] field=lang"});
        CHECK(lex("date:)") == L{"E 0-5 [date:] field=date", ") 5-6 [)]"});
    }
    SUBCASE("a name that is no field") {
        CHECK(lex("author:kahneman") == L{"W 0-15 [author:kahneman] field=author"});
        CHECK(lex("Fazit: 10:30 http://x.de foo.lang:de") ==
              L{"W 0-6 [Fazit:]", "W 7-12 [10:30]", "W 13-24 [http://x.de]",
                "W 25-36 [foo.lang:de]"});
        // the first colon decides
        CHECK(lex("x:title:y") == L{"W 0-9 [x:title:y] field=x"});
        CHECK(lex("title:lang:de") == L{"F 0-13 [lang:de] field=title"});
    }
}

TEST_CASE("query lexer: a quote never closed") {
    CHECK(lex("a \"b c") == L{"W 0-1 [a]", "Q 2-3 [\"]", "W 3-4 [b]", "W 5-6 [c]"});
    CHECK(lex("\"a\" \"b") == L{"P 0-3 [a]", "Q 4-5 [\"]", "W 5-6 [b]"});
    CHECK(lex("-\"a b") == L{"- 0-1 [-]", "Q 1-2 [\"]", "W 2-3 [a]", "W 4-5 [b]"});
    // a field whose quoted value is never closed: the name, then the quote
    CHECK(lex("title:\"Rund um") == L{"E 0-6 [title:] field=title", "Q 6-7 [\"]",
                                      "W 7-11 [Rund]", "W 12-14 [um]"});
}

TEST_CASE("query lexer: non-ASCII text, spaces and invalid UTF-8") {
    // U+00A0 separates; other Unicode spaces (U+2003 em space) are part of a word
    CHECK(lex("Stra\xC3\x9F" "e\xC2\xA0" "B\xC3\xBC" "ro") ==
          L{"W 0-7 [Stra\xC3\x9F" "e]", "W 9-14 [B\xC3\xBC" "ro]"});
    CHECK(lex("a\xE2\x80\x83" "b") == L{"W 0-5 [a\xE2\x80\x83" "b]"});
    // invalid bytes are characters of their word
    CHECK(lex("huawey\xFF\xFE traning") == L{"W 0-8 [huawey\xFF\xFE]", "W 9-16 [traning]"});
    CHECK(lex("\xFF") == L{"W 0-1 [\xFF]"});
    CHECK(lex("\"\xE2\x80") == L{"Q 0-1 [\"]", "W 1-3 [\xE2\x80]"});
}

TEST_CASE("query lexer: positions count code points from 1") {
    const auto tokens = lex_query("\xC3\xBC" "ber \"x\" title:y");
    REQUIRE(tokens.size() == 4);
    CHECK(tokens[0].position == 1);
    CHECK(tokens[1].position == 6);
    CHECK(tokens[2].position == 10);
    CHECK(tokens[3].position == 17);  // the end
}

// The parser turns the first error token into its syntax error, before any error of the
// grammar: the strict syntax's errors come in the order the query is read.
TEST_CASE("query lexer: the parser reports the first error token") {
    const auto error_of = [](std::string_view q) -> std::pair<std::string, std::size_t> {
        try {
            parse_query(q);
        } catch (const lupe::QuerySyntaxError& e) {
            return {e.what(), e.position()};
        }
        return {"", 0};
    };
    auto [message, position] = error_of("title:\"Rund um");
    CHECK(message.find("never closed") != std::string::npos);
    CHECK(position == 7);  // the quote, not the field
    std::tie(message, position) = error_of(") title: \"x");
    CHECK(message.find("'title:' needs a value") != std::string::npos);
    CHECK(position == 3);
    std::tie(message, position) = error_of("a AND \"x");
    CHECK(message.find("never closed") != std::string::npos);
    CHECK(position == 7);
}

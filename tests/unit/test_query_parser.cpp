#include <doctest/doctest.h>

#include "lupe/error.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/query_recovery.hpp"

using namespace lupe::searcher;
using K = QueryNode::Kind;
using M = QueryNode::Modifier;

namespace {
// A compact rendering of the tree, to state expectations as literals.
std::string show(const QueryNode& n) {
    std::string mod = n.modifier == M::Required ? "+" : n.modifier == M::Excluded ? "-" : "";
    std::string t = n.title ? "title:" : "";
    switch (n.kind) {
        case K::Word: return mod + t + n.text;
        case K::Phrase: return mod + t + "\"" + n.text + "\"";
        case K::Wildcard: return mod + t + n.text + "*";
        case K::Lang: return mod + "lang:" + n.text;
        case K::Source: return mod + "source:" + n.text;
        case K::Date: return mod + "date:" + n.date_from + ".." + n.date_to;
        default: break;
    }
    const char* name = n.kind == K::And ? "AND" : n.kind == K::Or ? "OR" : n.kind == K::AndNot ? "ANDNOT" : "SEQ";
    std::string s = mod + name + "(";
    for (std::size_t i = 0; i < n.children.size(); ++i) s += (i ? " " : "") + show(n.children[i]);
    return s + ")";
}

std::string parsed(const char* q) { return show(parse_query(q)); }

void check_error(const char* q, const char* fragment, std::size_t position) {
    CAPTURE(q);
    try {
        parse_query(q);
        FAIL("no syntax error");
    } catch (const lupe::QuerySyntaxError& e) {
        CHECK(e.position() == position);
        CHECK(e.reason().find(fragment) != std::string::npos);
        CHECK(std::string(e.what()).find("at position " + std::to_string(position)) != std::string::npos);
    }
}
}  // namespace

TEST_CASE("query parser: accepted syntax") {
    CHECK(parsed("") == "SEQ()");
    CHECK(parsed("Huawei Ascend training") == "SEQ(Huawei Ascend training)");
    CHECK(parsed("\"exact phrase\" word") == "SEQ(\"exact phrase\" word)");
    CHECK(parsed("„Rund um“") == "SEQ(\"Rund um\")");
    CHECK(parsed("a AND b") == "SEQ(AND(a b))");
    CHECK(parsed("a AND b AND c") == "SEQ(AND(a b c))");
    CHECK(parsed("a b OR c") == "SEQ(a OR(b c))");
    CHECK(parsed("a NOT b") == "SEQ(ANDNOT(a b))");
    CHECK(parsed("a AND NOT b") == "SEQ(ANDNOT(a b))");
    CHECK(parsed("+a -b c") == "SEQ(+a -b c)");
    CHECK(parsed("(a OR b) c") == "SEQ(SEQ(OR(a b)) c)");
    CHECK(parsed("title:drohne") == "SEQ(title:drohne)");
    CHECK(parsed("TITLE:\"rund um\"") == "SEQ(title:\"rund um\")");
    CHECK(parsed("title:dro*") == "SEQ(title:dro*)");
    CHECK(parsed("lang:DE x") == "SEQ(lang:de x)");
    CHECK(parsed("source:golem") == "SEQ(source:golem)");
    CHECK(parsed("source:\"ars technica\"") == "SEQ(source:ars technica)");
    CHECK(parsed("date:2025-01-01..2025-12-31") == "SEQ(date:2025-01-01..2025-12-31)");
    CHECK(parsed("date:2025") == "SEQ(date:2025-01-01..2025-12-31)");
    CHECK(parsed("date:2024-06..") == "SEQ(date:2024-06-01..)");
    CHECK(parsed("date:..2024-06") == "SEQ(date:..2024-06-31)");
    CHECK(parsed("ascen*") == "SEQ(ascen*)");
    CHECK(parsed("Ascen**") == "SEQ(ascen*)");
    CHECK(parsed("and or not") == "SEQ(and or not)");  // lower case: words
    CHECK(parsed("foo:bar") == "SEQ(SEQ(foo bar))");   // unknown field: its words
    CHECK(parsed("e-mail") == "SEQ(e-mail)");
    CHECK(parsed("a - b") == "SEQ(a - b)");            // lone '-' is not an operator
}

TEST_CASE("query parser: filters are recognised") {
    const auto root = parse_query("lang:de (source:x OR date:2020) word");
    REQUIRE(root.children.size() == 3);
    CHECK(root.children[0].is_filter());
    CHECK(root.children[1].is_filter());
    CHECK_FALSE(root.children[2].is_filter());
}

TEST_CASE("query parser: syntax errors name the position") {
    check_error("(Huawei", "unbalanced '('", 1);
    check_error("Huawei)", "unbalanced ')'", 7);
    check_error("a ()", "empty parentheses", 4);
    check_error("\"open phrase", "never closed", 1);
    check_error("Huawei AND", "ends after an operator", 11);
    check_error("AND b", "has nothing before it", 1);
    check_error("NOT b", "use -word", 1);
    check_error("a AND OR b", "follows another operator", 7);
    check_error("a OR -b", "inside AND/OR use NOT", 6);
    check_error("*", "at least 2 letters", 1);
    check_error("x a*", "at least 2 letters", 3);
    check_error("title:", "needs a value", 1);
    check_error("lang:english", "language code", 1);
    check_error("date:yesterday", "YYYY[-MM[-DD]]", 1);
    check_error("date:2025..2024", "ends before it starts", 1);
    check_error("date:..", "YYYY", 1);
    check_error("Grüße (x", "unbalanced '('", 7);  // positions count characters, not bytes
}

namespace {
// The query's QueryLimitError, which must be thrown.
lupe::QueryLimitError limit_error(const std::string& q) {
    try {
        parse_query(q);
    } catch (const lupe::QueryLimitError& e) {
        return e;
    }
    FAIL("no QueryLimitError");
    return lupe::QueryLimitError("", 0);
}

std::string words(std::size_t n, const char* word = "w") {
    std::string q;
    for (std::size_t i = 0; i < n; ++i) q += (i ? " " : "") + std::string(word);
    return q;
}
}  // namespace

TEST_CASE("query parser: limits (length, terms, nesting) are QueryLimitErrors at their position") {
    // Length: the position is the first character beyond the limit.
    auto e = limit_error(std::string(kMaxQueryBytes + 1, 'a'));
    CHECK(e.position() == kMaxQueryBytes + 1);
    CHECK(e.reason() == "query is 16385 bytes long, above the limit of 16384 bytes");
    CHECK_NOTHROW(parse_query(std::string(kMaxQueryBytes, 'a')));
    // A 10,000-word query is over the length limit first.
    e = limit_error(words(10000, "a"));
    CHECK(e.reason().find("above the limit of 16384 bytes") != std::string::npos);

    // Terms: exactly the limit passes; one more is refused at that term.
    CHECK_NOTHROW(parse_query(words(kMaxQueryTerms)));
    e = limit_error(words(kMaxQueryTerms + 1));
    CHECK(e.reason().find("more than 1024 terms") != std::string::npos);
    CHECK(e.position() == 2 * kMaxQueryTerms + 1);  // "w " per word
    // Phrase words and hyphenated parts count one by one, as do fields and wildcards.
    e = limit_error("\"" + words(kMaxQueryTerms + 1) + "\"");
    CHECK(e.position() == 1);
    std::string hyphens = "a";
    for (std::size_t i = 0; i < kMaxQueryTerms; ++i) hyphens += "-a";
    CHECK(limit_error(hyphens).position() == 1);
    CHECK_THROWS_AS(parse_query(words(kMaxQueryTerms / 2, "lang:en") + " " +
                                words(kMaxQueryTerms / 2, "ab*") + " x"),
                    lupe::QueryLimitError);

    // Nesting: 32 levels pass, the 33rd '(' is refused.
    const auto nested = [](std::size_t depth) {
        return std::string(depth, '(') + "x" + std::string(depth, ')');
    };
    std::string expected = "x";
    for (std::size_t i = 0; i <= kMaxQueryNesting; ++i) expected = "SEQ(" + expected + ")";
    CHECK(parsed(nested(kMaxQueryNesting).c_str()) == expected);
    e = limit_error(nested(kMaxQueryNesting + 1));
    CHECK(e.position() == kMaxQueryNesting + 1);
    CHECK(e.reason() == "parentheses nested more than 32 deep");
    // As deep as the length limit allows: refused at once, no deep recursion.
    e = limit_error(nested(kMaxQueryBytes / 2 - 1));
    CHECK(e.position() == kMaxQueryNesting + 1);
    // Unbalanced too deep: the limit comes first.
    CHECK(limit_error(std::string(8000, '(')).position() == kMaxQueryNesting + 1);
    // Quotes do not nest: a run of quotes is a run of empty phrases, or an unclosed one.
    CHECK_NOTHROW(parse_query(std::string(8000, '"')));
    check_error(std::string(8001, '"').c_str(), "never closed", 8001);
}

TEST_CASE("recover_query: the retry after a syntax error") {
    CHECK(recover_query("(Huawei AND Ascend").text == "Huawei Ascend");
    CHECK(recover_query("title:Drohne \"Rund um").text == "title:Drohne Rund um");
    CHECK(recover_query("to be OR not to be").text == "to be not to be");
    CHECK(recover_query("*").text == "");
}

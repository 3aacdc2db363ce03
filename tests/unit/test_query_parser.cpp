#include <doctest/doctest.h>

#include "lupe/error.hpp"
#include "searcher/query_parser.hpp"

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
    CHECK(parsed("foo:bar") == "SEQ(foo:bar)");        // unknown field: text
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

TEST_CASE("query parser: over-long queries are refused") {
    const std::string q(kMaxQueryBytes + 1, 'a');
    CHECK_THROWS_AS(parse_query(q), lupe::QuerySyntaxError);
}

TEST_CASE("plain_words: the retry after a syntax error") {
    CHECK(plain_words("(Huawei AND Ascend") == "huawei ascend");
    CHECK(plain_words("title:Drohne \"Rund um") == "drohne rund um");
    CHECK(plain_words("to be OR not to be") == "to be not to be");
    CHECK(plain_words("*") == "");
}

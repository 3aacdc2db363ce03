// Query semantics that lupe 0.4.0 got wrong (issue 13, items 5 and 6):
//  - the retry after a syntax error searched for the words the query excluded
//    (`(chip NOT Huawei` ran as `chip huawei` and put the Huawei document first);
//  - a query that is only an exclusion was retried as a search for the excluded word;
//  - an unknown field (`author:kahneman`) matched nothing, without a word of why.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <xapian.h>

#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/query_recovery.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

using lupe::Searcher;
using lupe::test::has;
using namespace lupe::searcher;

namespace {

// Four documents, one of which mentions Huawei and one Kahneman.
class Fixture {
public:
    Fixture() {
        lupe::IndexWriter w(path());
        w.add_document({.id = "huawei", .title = "Huawei chip export rules",
                        .body = "Huawei builds the Ascend chip; export rules limit its sales.",
                        .lang = "en", .date = "2025-08-14"});
        w.add_document({.id = "nvidia", .title = "Nvidia chip export licence",
                        .body = "The export of the chip needs a licence.", .lang = "en",
                        .date = "2025-07-01"});
        w.add_document({.id = "kahneman", .title = "Thinking, fast and slow",
                        .body = "Daniel Kahneman describes two systems of thought.", .lang = "en",
                        .date = "2011-10-25"});
        w.add_document({.id = "drone", .title = "Eine Drohne",
                        .body = "Eine neuartige Drohne mit Rundumsicht.", .lang = "de"});
        w.commit();
    }
    std::string path() const { return dir_ / "idx"; }

private:
    lupe::test::TempDir dir_;
};

std::vector<std::string> ids(const lupe::SearchResults& r) {
    std::vector<std::string> out;
    for (const auto& hit : r.results) out.push_back(hit.id);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

// 0.4.0: plain_words() dropped '-' and NOT, so each of these searched `huawei`.
TEST_CASE("recover_query: exclusions stay exclusions, broken syntax is dropped") {
    CHECK(recover_query("(chip NOT Huawei").text == "chip -Huawei");
    CHECK(recover_query("chip -Huawei \"export").text == "chip export -Huawei");
    CHECK(recover_query("NOT Huawei").text == "-Huawei");
    CHECK(recover_query("\"chip export -Huawei").text == "chip export -Huawei");
    CHECK(recover_query("Huawei AND").text == "Huawei");
    // A balanced excluded group is kept whole; an unclosed one excludes the rest.
    CHECK(recover_query("chip NOT (Huawei OR Nvidia) AND").text == "chip -(Huawei OR Nvidia)");
    CHECK(recover_query("chip NOT (Huawei Nvidia").text == "chip -Huawei -Nvidia");
    CHECK(recover_query("chip -\"Huawei export").text == "chip -Huawei -export");
    // Valid fields and phrases are kept as written; bad field values leave their words.
    CHECK(recover_query("title:Drohne \"Rund um\" (").text == "title:Drohne \"Rund um\"");
    CHECK(recover_query("date:soon chip )").text == "soon chip");
    CHECK(recover_query("a* chip AND").text == "a chip");
    CHECK(recover_query("*").text.empty());
    // Whatever the recovered text, it is what the root holds.
    const auto r = recover_query("(chip NOT Huawei");
    REQUIRE(r.root.children.size() == 2);
    CHECK(r.root.children[1].modifier == QueryNode::Modifier::Excluded);
    CHECK(r.root.children[1].text == "Huawei");
}

TEST_CASE("recover_query: deep or unbalanced nesting stays cheap and never searches an excluded word") {
    const std::string deep = std::string(4000, '(') + "chip" + std::string(4000, ')') + " AND";
    CHECK(recover_query(deep).text == "chip");
    const std::string open = "NOT " + std::string(8000, '(') + " Huawei";
    CHECK(recover_query(open).text == "-Huawei");
}

TEST_CASE("searcher: the syntax-error retry never returns a document it was told to exclude") {
    Fixture f;
    Searcher s(f.path());
    for (const std::string query : {"(chip NOT Huawei", "chip -Huawei \"export", "NOT Huawei",
                                    "\"chip export -Huawei"}) {
        CAPTURE(query);
        const auto r = s.search(query);
        CHECK_FALSE(r.syntax_error.empty());
        CHECK(has(r.query, "-Huawei"));
        CHECK_FALSE(r.results.empty());
        for (const auto& hit : r.results) CHECK(hit.id != "huawei");
    }
    CHECK(ids(s.search("(chip NOT Huawei")) == std::vector<std::string>{"nvidia"});
}

// 0.4.0: `NOT Huawei` was retried as `huawei` and found only the Huawei document.
TEST_CASE("searcher: a query that is only an exclusion means every document but those") {
    Fixture f;
    Searcher s(f.path());
    const std::vector<std::string> others = {"drone", "kahneman", "nvidia"};
    for (const std::string query : {"NOT Huawei", "-Huawei"}) {
        CAPTURE(query);
        const auto r = s.search(query);
        CHECK(ids(r) == others);
        CHECK(r.total_estimate == others.size());
    }
    CHECK(ids(s.search("-Huawei -Drohne")) == std::vector<std::string>{"kahneman", "nvidia"});
}

// 0.4.0: `author:kahneman` was the phrase "author kahneman": no match, no notice.
TEST_CASE("searcher: an unknown field is searched as words, with a notice naming the fields") {
    Fixture f;
    Searcher s(f.path());
    const auto r = s.search("author:kahneman");
    CHECK(ids(r) == std::vector<std::string>{"kahneman"});
    REQUIRE(r.notices.size() == 1);
    CHECK(has(r.notices[0], "\"author:\" is not a field"));
    CHECK(has(r.notices[0], "title:, lang:, source:, date:"));
    // Excluded as a whole.
    CHECK(ids(s.search("chip -author:kahneman")) == std::vector<std::string>{"huawei", "nvidia"});
    // Known fields keep working, and ordinary text with a colon gets no notice.
    CHECK(ids(s.search("title:Drohne")) == std::vector<std::string>{"drone"});
    CHECK(s.search("title:Drohne").notices.empty());
    CHECK(s.search("Fazit: Drohne").notices.empty());
    CHECK(s.search("http://example.org/drohne").notices.empty());
    CHECK(s.search("10:30").notices.empty());
}

TEST_CASE("parse_query: an unknown field is a list of its name and value") {
    std::vector<std::string> notices;
    const auto root = parse_query("Author:Kahneman", &notices);
    REQUIRE(root.children.size() == 1);
    const auto& item = root.children[0];
    CHECK(item.kind == QueryNode::Kind::Seq);
    REQUIRE(item.children.size() == 2);
    CHECK(item.children[0].text == "Author");
    CHECK(item.children[1].text == "Kahneman");
    CHECK(notices.size() == 1);
}

// 0.4.0: the first tier (documents with all plain words) was matched by its own query,
// which knew nothing of exclusions, required words or --from/--to: `chip export -Huawei`
// ranked the Huawei document first (with score 1000), whatever the syntax error.
TEST_CASE("searcher: the all-words tier stays within the query's matches") {
    Fixture f;
    Searcher s(f.path());
    CHECK(ids(s.search("chip export -Huawei")) == std::vector<std::string>{"nvidia"});
    CHECK(ids(s.search("chip export -title:Huawei")) == std::vector<std::string>{"nvidia"});
    CHECK(ids(s.search("chip export +Ascend")) == std::vector<std::string>{"huawei"});
    CHECK(ids(s.search("chip export", {.date_from = "2025-08"})) ==
          std::vector<std::string>{"huawei"});
    CHECK(ids(s.search("chip export", {.date_to = "2025-07"})) ==
          std::vector<std::string>{"nvidia"});
}

// Issue 13: library messages describe the situation in the library's terms; 0.4.0 told an
// embedding program to run "lupe-index --full".
TEST_CASE("searcher: an index of another format names the library's option, not a CLI flag") {
    lupe::test::TempDir dir;
    {
        Xapian::WritableDatabase db(dir / "old", Xapian::DB_CREATE_OR_OPEN);
        db.set_metadata("lupe.format", "2");
        db.commit();
    }
    try {
        Searcher s(dir / "old");
        FAIL("opened");
    } catch (const lupe::IndexCorruptError& e) {
        const std::string what = e.what();
        CHECK(has(what, "IndexWriterOptions::rebuild"));
        CHECK_FALSE(has(what, "lupe-index"));
    }
}

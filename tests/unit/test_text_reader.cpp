#include <doctest/doctest.h>

#include <vector>

#include "apps/readers/readers.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::readers;

TEST_CASE("parse_text_document: front matter") {
    const auto doc = parse_text_document(
        "---\ntitle: \"Antigravity A1: Fliegen\"\nlang: de\ndate: 2025-08-14\n"
        "url: https://example.org/a1\nsource: Golem.de\nauthor: ignored\n---\n\nEine Drohne.\n",
        true);
    CHECK(doc.title == "Antigravity A1: Fliegen");
    CHECK(doc.lang == "de");
    CHECK(doc.date == "2025-08-14");
    CHECK(doc.url == "https://example.org/a1");
    CHECK(doc.source == "Golem.de");
    CHECK(doc.body == "Eine Drohne.");
}

TEST_CASE("parse_text_document: first non-empty line is the title") {
    auto doc = parse_text_document("\n\n  First line  \nSecond line\nThird\n", false);
    CHECK(doc.title == "First line");
    CHECK(doc.body == "Second line\nThird");
    doc = parse_text_document("# A heading\n\nText.", true);
    CHECK(doc.title == "A heading");
    CHECK(doc.body == "Text.");
    doc = parse_text_document("# Not a heading in .txt\nText.", false);
    CHECK(doc.title == "# Not a heading in .txt");
}

TEST_CASE("parse_text_document: front matter without title, CRLF, BOM") {
    auto doc = parse_text_document("\xEF\xBB\xBF---\r\nlang: en\r\n---\r\nThe title\r\nBody\r\n", true);
    CHECK(doc.lang == "en");
    CHECK(doc.title == "The title");
    CHECK(doc.body == "Body");
}

TEST_CASE("parse_text_document: an unclosed '---' is not front matter") {
    const auto doc = parse_text_document("---\ntitle: x\nno closing line\n", true);
    CHECK(doc.title == "---");
    CHECK(doc.lang.empty());
    CHECK(doc.body == "title: x\nno closing line");
}

namespace {
struct Collected {
    std::vector<lupe::Document> docs;
    std::vector<std::pair<std::size_t, std::string>> errors;
    ReadCallbacks callbacks() {
        return {[this](lupe::Document&& d, std::size_t) { docs.push_back(std::move(d)); },
                [this](std::size_t line, const std::string& r) { errors.emplace_back(line, r); }};
    }
};
}  // namespace

TEST_CASE("read_text_file: good and bad files") {
    lupe::test::TempDir dir;
    SUBCASE("good") {
        Collected c;
        read_text_file(dir.write("a.txt", "Title\nBody text"), "a.txt", false, c.callbacks());
        REQUIRE(c.docs.size() == 1);
        CHECK(c.docs[0].id == "a.txt");
        CHECK(c.docs[0].title == "Title");
        CHECK(c.errors.empty());
    }
    SUBCASE("empty") {
        Collected c;
        read_text_file(dir.write("e.txt", " \n\n"), "e.txt", false, c.callbacks());
        CHECK(c.docs.empty());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].second == "empty file");
    }
    SUBCASE("binary") {
        Collected c;
        read_text_file(dir.write("b.txt", std::string("PK\x03\x04\0\0data", 10)), "b.txt", false,
                       c.callbacks());
        CHECK(c.docs.empty());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].second.find("binary file") == 0);
    }
    SUBCASE("invalid UTF-8 names line and column") {
        Collected c;
        read_text_file(dir.write("u.txt", "Title\nok line\nbad \xFF here\n"), "u.txt", false,
                       c.callbacks());
        CHECK(c.docs.empty());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].first == 3);
        CHECK(c.errors[0].second == "invalid UTF-8 at line 3, column 5 (byte offset 18)");
    }
    SUBCASE("unreadable") {
        Collected c;
        read_text_file(dir / "missing.txt", "missing.txt", false, c.callbacks());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].second.find("cannot read") == 0);
    }
}

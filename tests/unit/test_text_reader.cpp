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
    std::vector<std::string> notes;
    ReadCallbacks callbacks() {
        ReadCallbacks c{[this](lupe::Document&& d, std::size_t) { docs.push_back(std::move(d)); },
                        [this](std::size_t line, const std::string& r) { errors.emplace_back(line, r); }};
        c.on_note = [this](std::size_t, const std::string& n) { notes.push_back(n); };
        return c;
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
    SUBCASE("not UTF-8: read as Windows-1252, with a note naming line and column") {
        Collected c;
        read_text_file(dir.write("u.txt", "Titel\nok line\nStra\xDF" "e \x93zitiert\x94\n"),
                       "u.txt", false, c.callbacks());
        CHECK(c.errors.empty());
        REQUIRE(c.docs.size() == 1);
        CHECK(c.docs[0].body == "ok line\nStra\xC3\x9F" "e \xE2\x80\x9Czitiert\xE2\x80\x9D");
        REQUIRE(c.notes.size() == 1);
        CHECK(c.notes[0] ==
              "not valid UTF-8 (first bad byte at line 3, column 5); read as Windows-1252");
    }
    SUBCASE("without on_note the file is read all the same") {
        Collected c;
        ReadCallbacks callbacks = c.callbacks();
        callbacks.on_note = nullptr;
        read_text_file(dir.write("u.txt", "Gr\xF6\xDF" "e\n"), "u.txt", false, callbacks);
        REQUIRE(c.docs.size() == 1);
        CHECK(c.docs[0].title == "Gr\xC3\xB6\xC3\x9F" "e");
    }
    SUBCASE("UTF-16 with a BOM is read, though full of NUL bytes") {
        Collected c;
        const std::string utf16("\xFF\xFE" "T\0i\0t\0e\0l\0\n\0\xE4\0", 16);
        read_text_file(dir.write("w.md", utf16), "w.md", true, c.callbacks());
        CHECK(c.errors.empty());
        REQUIRE(c.docs.size() == 1);
        CHECK(c.docs[0].title == "Titel");
        CHECK(c.docs[0].body == "\xC3\xA4");
        CHECK(c.notes.empty());
    }
    SUBCASE("UTF-16 that decodes to a NUL character is binary") {
        Collected c;
        read_text_file(dir.write("n.txt", std::string("\xFF\xFE" "a\0\0\0", 6)), "n.txt", false,
                       c.callbacks());
        CHECK(c.docs.empty());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].second ==
              "binary file (NUL character at byte offset 1 of the text decoded from UTF-16LE), "
              "not text");
    }
    SUBCASE("a forced encoding, known and unknown") {
        Collected c;
        ReadOptions options;
        options.encoding = "ISO-8859-15";
        read_text_file(dir.write("f.txt", "Preis\n5 \xA4\n"), "f.txt", false, c.callbacks(),
                       options);
        REQUIRE(c.docs.size() == 1);
        CHECK(c.docs[0].body == "5 \xE2\x82\xAC");
        CHECK(c.notes.empty());
        options.encoding = "x-klingon";
        read_text_file(dir / "f.txt", "f.txt", false, c.callbacks(), options);
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].second.find("unknown character encoding \"x-klingon\"") == 0);
        options.encoding = "UTF-8";
        read_text_file(dir / "f.txt", "f.txt", false, c.callbacks(), options);
        REQUIRE(c.errors.size() == 2);
        CHECK(c.errors[1].second == "byte sequence not valid in UTF-8 at byte offset 8");
    }
    SUBCASE("unreadable") {
        Collected c;
        read_text_file(dir / "missing.txt", "missing.txt", false, c.callbacks());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].second.find("cannot read") == 0);
    }
}

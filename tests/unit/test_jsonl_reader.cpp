#include <doctest/doctest.h>

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "apps/readers/readers.hpp"
#include "lupe/error.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::readers;

TEST_CASE("parse_jsonl_document: all fields, extra fields ignored") {
    const auto doc = parse_jsonl_document(
        R"({"id": "d1", "title": "T", "body": "B", "lang": "de", "date": "2025-01-02",)"
        R"( "url": "https://x", "source": "S", "category": "ignored", "n": 3})");
    CHECK(doc.id == "d1");
    CHECK(doc.title == "T");
    CHECK(doc.body == "B");
    CHECK(doc.lang == "de");
    CHECK(doc.date == "2025-01-02");
    CHECK(doc.url == "https://x");
    CHECK(doc.source == "S");
}

TEST_CASE("parse_jsonl_document: integer ids and null fields") {
    const auto doc = parse_jsonl_document(R"({"id": 1410, "title": null, "body": "text"})");
    CHECK(doc.id == "1410");
    CHECK(doc.title.empty());
}

TEST_CASE("parse_jsonl_document: errors say what is wrong") {
    struct Case {
        std::string line;
        std::string message_start;
    };
    const Case cases[] = {
        {R"({"title": "no id"})", "missing \"id\""},
        {R"({"id": null, "body": "x"})", "missing \"id\""},
        {R"({"id": 1.5, "body": "x"})", "field \"id\" must be a string or an integer"},
        {R"({"id": "a", "title": 42})", "field \"title\" must be a string, not number"},
        {R"({"id": "a", "body": ["x"]})", "field \"body\" must be a string, not array"},
        {R"({"id": "a", "body": "x")", "malformed JSON: "},
        {R"(["id", "a"])", "expected a JSON object, found array"},
        {"{\"id\": \"a\", \"body\": \"bad \xFF\"}", "invalid UTF-8 at byte 26"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        try {
            parse_jsonl_document(c.line);
            FAIL("no DocumentError");
        } catch (const lupe::DocumentError& e) {
            CHECK(std::string(e.what()).rfind(c.message_start, 0) == 0);
        }
    }
}

namespace {
struct Collected {
    std::vector<std::pair<std::size_t, std::string>> docs;  // line, id
    std::vector<std::pair<std::size_t, std::string>> errors;
    ReadCallbacks callbacks() {
        return {[this](lupe::Document&& d, std::size_t line) { docs.emplace_back(line, d.id); },
                [this](std::size_t line, const std::string& r) { errors.emplace_back(line, r); }};
    }
};

const char* kMixed =
    "{\"id\": \"1\", \"title\": \"one\", \"body\": \"first\"}\n"
    "not json\n"
    "\n"
    "{\"title\": \"no id\"}\r\n"
    "{\"id\": \"2\", \"title\": \"two\", \"body\": \"second\"}";  // no final newline
}  // namespace

TEST_CASE("read_jsonl_file: bad lines are reported with their line, the rest is read") {
    lupe::test::TempDir dir;
    Collected c;
    read_jsonl_file(dir.write("d.jsonl", kMixed), c.callbacks());
    CHECK(c.docs == std::vector<std::pair<std::size_t, std::string>>{{1, "1"}, {5, "2"}});
    REQUIRE(c.errors.size() == 2);
    CHECK(c.errors[0].first == 2);
    CHECK(c.errors[0].second.rfind("malformed JSON", 0) == 0);
    CHECK(c.errors[1].first == 4);
    CHECK(c.errors[1].second == "missing \"id\"");
}

TEST_CASE("read_jsonl_file: gzip") {
    lupe::test::TempDir dir;
    const std::string path = dir / "d.jsonl.gz";
    gzFile gz = gzopen(path.c_str(), "wb");
    REQUIRE(gz);
    gzputs(gz, kMixed);
    gzclose(gz);
    Collected c;
    read_jsonl_file(path, c.callbacks());
    CHECK(c.docs.size() == 2);
    CHECK(c.errors.size() == 2);
}

TEST_CASE("read_jsonl_file: damaged gzip keeps what came before") {
    lupe::test::TempDir dir;
    const std::string path = dir / "d.jsonl.gz";
    gzFile gz = gzopen(path.c_str(), "wb");
    REQUIRE(gz);
    for (int i = 0; i < 2000; ++i) {
        gzprintf(gz, "{\"id\": \"%d\", \"body\": \"document number %d with some text\"}\n", i, i);
    }
    gzclose(gz);
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size / 2);
    Collected c;
    read_jsonl_file(path, c.callbacks());
    CHECK(c.docs.size() > 0);
    CHECK(c.docs.size() < 2000);
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0].second.find("gzip") != std::string::npos);
}

TEST_CASE("read_jsonl_file: over-long line skipped without stopping") {
    lupe::test::TempDir dir;
    std::string content = "{\"id\": \"a\", \"body\": \"x\"}\n{\"id\": \"big\", \"body\": \"";
    content.append(kMaxJsonlLineBytes, 'y');
    content += "\"}\n{\"id\": \"b\", \"body\": \"z\"}\n";
    Collected c;
    read_jsonl_file(dir.write("big.jsonl", content), c.callbacks());
    CHECK(c.docs == std::vector<std::pair<std::size_t, std::string>>{{1, "a"}, {3, "b"}});
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0].first == 2);
    CHECK(c.errors[0].second.rfind("line longer than", 0) == 0);
}

TEST_CASE("read_jsonl_file: empty and missing files") {
    lupe::test::TempDir dir;
    Collected c;
    read_jsonl_file(dir.write("e.jsonl", ""), c.callbacks());
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0].second == "empty file");
    Collected m;
    read_jsonl_file(dir / "missing.jsonl", m.callbacks());
    REQUIRE(m.errors.size() == 1);
    CHECK(m.errors[0].second.rfind("cannot open", 0) == 0);
}

TEST_CASE("parse_jsonl_document: a number beyond a double is a bad document, not a crash") {
    // Found by fuzzing: nlohmann throws out_of_range (not parse_error) for "1e999".
    CHECK_THROWS_AS(parse_jsonl_document(R"({"id": "x", "body": "y", "n": 3333e3333})"),
                    lupe::DocumentError);
}

// lupe 0.4 reported progress only per file: a run over one big JSONL file showed no share
// done and no ETA until it ended. Now the bytes read (as stored, compressed for .gz) are
// reported while the file is read, never more than its size, never going back.
TEST_CASE("read_jsonl_file: reports the bytes read while a big file is read, plain and gzip") {
    lupe::test::TempDir dir;
    std::string text;
    for (int i = 0; i < 5000; ++i) {
        text += "{\"id\":\"" + std::to_string(i) + "\",\"title\":\"t\",\"body\":\"document number " +
                std::to_string(i * 7919) + " of a long file\"}\n";
    }
    const std::string plain = dir.write("big.jsonl", text);
    const std::string packed = dir / "big.jsonl.gz";
    gzFile gz = gzopen(packed.c_str(), "wb");
    REQUIRE(gz);
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    for (const std::string& path : {plain, packed}) {
        CAPTURE(path);
        const auto size = std::filesystem::file_size(path);
        std::vector<std::uint64_t> reports;
        lupe::readers::ReadCallbacks callbacks;
        std::size_t documents = 0;
        callbacks.on_document = [&](lupe::Document&&, std::size_t) { ++documents; };
        callbacks.on_error = [](std::size_t, const std::string& reason) { FAIL(reason); };
        callbacks.on_bytes = [&](std::uint64_t bytes) { reports.push_back(bytes); };
        read_jsonl_file(path, callbacks);
        CHECK(documents == 5000);
        REQUIRE(reports.size() >= 50);
        CHECK(std::is_sorted(reports.begin(), reports.end()));
        CHECK(reports.back() <= size);
        CHECK(reports.front() > 0);
    }
}

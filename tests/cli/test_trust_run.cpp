// End-to-end tests of the indexing run's trust items (issue 13, items 1 and 2, and the
// summary's counts): the real lupe-index and lupe-search as child processes, on trees
// written in temporary directories. Each test names the 0.4.0 behaviour it pins.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

// English only, no word list: the tests do not depend on the machine's dictionaries.
Run index(const std::string& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {"--index", dir, "--lang", "en", "--no-decompound", "--json"});
    return lupe_index(args);
}

std::vector<std::string> search_ids(const std::string& dir, const std::string& query) {
    const Run r = lupe_search({"--index", dir, "--json", "-n", "100", "--no-suggest",
                               "--snippet-length", "0", query});
    INFO("stderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    std::vector<std::string> ids = result_ids(parse_json(r.out));
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

// 0.4.0: `lupe-index --index I home work` indexed one document (updated: 1), exit 0.
TEST_CASE("lupe-index: two SOURCEs with the same file name keep both documents") {
    TempDir dir;
    dir.write("home/todo.md", "Groceries\n\nBuy milk for the kitchen.\n");
    dir.write("work/todo.md", "Report\n\nSend the kitchen report.\n");
    const std::string idx = dir / "idx";
    const Run r = index(idx, {dir / "home", dir / "work"});
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    const json j = parse_json(r.out);
    CHECK(j.at("added_total") == 2);
    CHECK(j.at("documents_in_index") == 2);
    CHECK(search_ids(idx, "kitchen") == std::vector<std::string>{"home/todo.md", "work/todo.md"});
}

// 0.4.0: "docs=DIR" was refused by the SOURCE check (no such path).
TEST_CASE("lupe-index: NAME=DIR names a source, the same name twice is refused") {
    TempDir dir;
    dir.write("a/notes/x.md", "Alpha\n\nZebra crossing.\n");
    dir.write("b/notes/x.md", "Beta\n\nZebra stripes.\n");
    const std::string idx = dir / "idx";
    const Run same = index(idx, {dir / "a/notes", dir / "b/notes"});
    CHECK(same.status == 2);
    CHECK(same.err.find("same name") != std::string::npos);
    CHECK(same.err.find("NAME=DIR") != std::string::npos);
    CHECK_FALSE(fs::exists(idx + "/XAPIANDB"));  // refused before anything was written

    const Run named = index(idx, {"mine=" + (dir / "a/notes"), dir / "b/notes"});
    INFO("stderr: " << named.err);
    CHECK(named.status == 0);
    CHECK(search_ids(idx, "zebra") == std::vector<std::string>{"mine/x.md", "notes/x.md"});
}

// 0.4.0: an emptied source folder deleted all of its documents, exit 0.
TEST_CASE("lupe-index: an emptied source folder changes nothing and exits 2") {
    TempDir dir;
    dir.write("home/a.md", "Apples\n\nOrchard fruit.\n");
    dir.write("share/b.md", "Bananas\n\nOrchard or plantation.\n");
    dir.write("share/c.md", "Cherries\n\nOrchard trees.\n");
    const std::string idx = dir / "idx";
    REQUIRE(index(idx, {dir / "home", dir / "share"}).status == 0);
    const auto before = search_ids(idx, "orchard");
    REQUIRE(before.size() == 3);

    fs::remove(dir / "share/b.md");
    fs::remove(dir / "share/c.md");
    const Run r = index(idx, {dir / "home", dir / "share"});
    CHECK(r.status == 2);
    CHECK(r.err.find(dir / "share") != std::string::npos);
    CHECK(r.err.find("2 documents") != std::string::npos);
    CHECK(search_ids(idx, "orchard") == before);

    // --full on the emptied folder: the rebuild is not published either.
    const Run full = index(idx, {"--full", dir / "home", dir / "share"});
    CHECK(full.status == 2);
    CHECK(search_ids(idx, "orchard") == before);
}

// 0.4.0: a malformed line gave "failed": 1 and "warnings": 1; --full reported every kept
// document as added and none as deleted.
TEST_CASE("lupe-index: the summary counts failures once, and --full against the published index") {
    TempDir dir;
    dir.write("src/log.jsonl",
              "{\"id\":\"a\",\"title\":\"A\",\"body\":\"alpha\"}\n{broken\n"
              "{\"id\":\"b\",\"title\":\"B\",\"body\":\"bravo\"}\n");
    const std::string idx = dir / "idx";
    const Run first = index(idx, {dir / "src"});
    CHECK(first.status == 1);
    json j = parse_json(first.out);
    CHECK(j.at("failed") == 1);
    CHECK(j.at("warnings") == 0);

    dir.write("src/log.jsonl", "{\"id\":\"a\",\"title\":\"A\",\"body\":\"alpha\"}\n"
                               "{\"id\":\"c\",\"title\":\"C\",\"body\":\"charlie\"}\n");
    const Run full = index(idx, {"--full", dir / "src"});
    INFO("stderr: " << full.err);
    CHECK(full.status == 0);
    j = parse_json(full.out);
    CHECK(j.at("unchanged") == 1);    // a
    CHECK(j.at("added_total") == 1);  // c
    CHECK(j.at("updated_total") == 0);
    CHECK(j.at("deleted") == 1);      // b
    CHECK(j.at("documents_in_index") == 2);
}

// End-to-end tests of what lupe-search says (issue 13, items 5 and 6 and the new-user
// trial): each pins a behaviour that lupe 0.4.0 got wrong, named in the test.
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

const std::string kCorpusDir = LUPE_CORPUS_DIR;
const std::string kHuaweiId = "news/deepseek-huawei-ascend.md";
constexpr int kOk = 0, kNoResults = 1, kError = 2;

// The corpus, indexed once for all tests, plus a document that mentions Kahneman.
struct CorpusIndex {
    TempDir dir;
    std::string path = dir / "index";
    CorpusIndex() {
        fs::copy(kCorpusDir, dir / "src", fs::copy_options::recursive);
        dir.write("src/notes/kahneman.md",
                  "# Thinking, fast and slow\n\nDaniel Kahneman describes two systems of thought.\n");
        const Run r = lupe_index({"--index", path, dir / "src"});
        if (r.status != kOk) throw std::runtime_error("lupe-index failed: " + r.err);
    }
};

const std::string& corpus_index() {
    static const CorpusIndex index;
    return index.path;
}

// lupe-search --json on the corpus index, without snippets (support/json_output.hpp's
// checks).
json search_corpus(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--index", corpus_index(), "--snippet-length", "0"};
    all.insert(all.end(), args.begin(), args.end());
    return search_json(all);
}

// Every document that contains "huawei", whatever the ranking.
std::set<std::string> huawei_documents() {
    return result_id_set(search_corpus({"--limit", "10000", "Huawei"}));
}

}  // namespace

// Item 5. 0.4.0 retried each of these as plain words *including* huawei and ranked the
// Huawei article first.
TEST_CASE("a query with a syntax error never returns a document it excludes") {
    const auto huawei = huawei_documents();
    REQUIRE(huawei.count(kHuaweiId) == 1);
    struct Case {
        std::string query, searched;
    };
    for (const Case& c : {Case{"(chip NOT Huawei", "chip -Huawei"},
                          Case{"chip -Huawei \"export", "chip export -Huawei"},
                          Case{"\"chip export -Huawei", "chip export -Huawei"},
                          Case{"NOT Huawei", "-Huawei"}}) {
        CAPTURE(c.query);
        const json j = search_corpus({"--limit", "10000", c.query});
        CHECK(j.contains("syntax_error"));
        CHECK(j.at("query") == c.searched);
        REQUIRE_FALSE(j.at("results").empty());
        for (const auto& id : result_id_set(j)) CHECK(huawei.count(id) == 0);

        const Run text = lupe_search({"--index", corpus_index(), c.query});
        CHECK(text.status == kOk);
        CHECK(has(text.out, "Note: query syntax error: "));
        CHECK(has(text.out, "; searched: " + c.searched + "\n"));
    }
}

// Item 5. 0.4.0: `NOT Huawei` found the Huawei article only.
TEST_CASE("a query that is only an exclusion lists every other document") {
    const auto huawei = huawei_documents();
    const json everything_but = search_corpus({"--limit", "10000", "--", "-Huawei"});
    const json not_form = search_corpus({"--limit", "10000", "NOT Huawei"});
    CHECK(result_id_set(everything_but) == result_id_set(not_form));
    const json other = search_corpus({"--limit", "10000", "--", "-xyzzyplugh"});  // all documents
    const auto all = result_id_set(other);
    CHECK(all.size() == other.at("total_estimate").get<std::size_t>());
    CHECK(result_id_set(everything_but).size() + huawei.size() == all.size());
    CHECK(everything_but.at("total_estimate").get<std::size_t>() == all.size() - huawei.size());
}

// Item 6. 0.4.0: "No results", exit 1, no notice.
TEST_CASE("an unknown field is searched as words, with a note naming the known fields") {
    const json j = search_corpus({"author:kahneman"});
    REQUIRE_FALSE(j.at("results").empty());
    CHECK(j["results"][0].at("id") == "notes/kahneman.md");
    REQUIRE(j.contains("notices"));
    CHECK(has(j["notices"][0].get<std::string>(), "title:, lang:, source:, date:"));
    const Run text = lupe_search({"--index", corpus_index(), "author:kahneman"});
    CHECK(text.status == kOk);
    CHECK(has(text.out, "Note: \"author:\" is not a field"));
    // A known field keeps working, without a note.
    const json title = search_corpus({"title:Kahneman"});
    CHECK(title.at("results").empty());  // the title does not name him
    CHECK_FALSE(title.contains("notices"));
}

// Trial 15. 0.4.0: `No results for "Gericht".`, as if nothing matched.
TEST_CASE("paging past the end says how many matches there are") {
    const auto total = search_corpus({"Gericht"}).at("total_estimate").get<std::size_t>();
    REQUIRE(total > 0);
    REQUIRE(total < 100);
    const std::string offset = std::to_string(total + 5);
    const Run r = lupe_search({"--index", corpus_index(), "--offset", offset, "Gericht"});
    CHECK(r.status == kNoResults);
    CHECK(has(r.out, "No results on this page (after result " + offset + "): " +
                         std::to_string(total) + " matches in all for \"Gericht\"."));
}

// Trial 13. 0.4.0: `--batch -` failed, plain and `#` lines were errors (exit 2), and
// `--json` was silently ignored (TREC lines).
TEST_CASE("--batch: standard input, plain lines, comments and JSON lines") {
    TempDir tmp;
    const std::string queries = tmp.write("queries.txt",
                                          "# one query per line\n"
                                          "Huawei Ascend\n"
                                          "\n"
                                          "q3\tDrohnen\n"
                                          "q4\tde\tDrohnen\n");
    const Run stdin_run = run({LUPE_SEARCH_BIN, "--index", corpus_index(), "--batch", "-"}, queries);
    INFO("stderr: " << stdin_run.err);
    CHECK(stdin_run.status == kOk);
    CHECK(stdin_run.err.empty());
    CHECK(has(stdin_run.out, "2 Q0 " + kHuaweiId + " 1 "));  // qid: the line number
    CHECK(has(stdin_run.out, "q3 Q0 "));
    CHECK(has(stdin_run.out, "q4 Q0 "));
    const Run file_run = lupe_search({"--index", corpus_index(), "--batch", queries});
    CHECK(file_run.out == stdin_run.out);

    const Run j = lupe_search({"--index", corpus_index(), "--batch", queries, "--json", "-n", "3"});
    CHECK(j.status == kOk);
    std::vector<std::string> qids;
    std::istringstream lines(j.out);
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        json object;
        REQUIRE_NOTHROW(object = json::parse(line));
        qids.push_back(object.at("qid").get<std::string>());
        CHECK(object.at("results").size() <= 3);
    }
    CHECK(qids == std::vector<std::string>{"2", "q3", "q4"});
}

// lupe 0.4.0 (and the first 0.5 build): a folder given to --batch read as an empty batch,
// "no results", exit 1, not a word said.
TEST_CASE("--batch with a folder instead of a file says so") {
    TempDir tmp;
    tmp.write("queries/q.txt", "Huawei\n");
    const Run r = lupe_search({"--index", corpus_index(), "--batch", tmp / "queries"});
    CHECK(r.status == kError);
    CHECK(has(r.err, "lupe-search: " + (tmp / "queries") + ": is a folder; --batch takes a file"));
}

// Trial 14. 0.4.0 suggested `xapian-check notes` for a folder of documents, and said
// `unknown kind "my"` for a text file.
TEST_CASE("a folder of documents or a text file given as --index is named for what it is") {
    TempDir tmp;
    tmp.write("notes/todo.txt", "my notes\n");
    const Run folder = lupe_search({"--index", tmp / "notes", "x"});
    CHECK(folder.status == kError);
    CHECK(has(folder.err, "lupe-search: " + (tmp / "notes") +
                              " is a folder of documents, not a lupe index: build one with "
                              "lupe-index --index DIR " + (tmp / "notes")));
    CHECK_FALSE(has(folder.err, "xapian-check"));
    const Run file = lupe_search({"--index", tmp / "notes/todo.txt", "x"});
    CHECK(file.status == kError);
    CHECK(has(file.err, tmp / "notes/todo.txt" + ": neither a lupe index nor a shard list"));
    CHECK_FALSE(has(file.err, "unknown kind"));
    const Run missing = lupe_search({"--index", tmp / "nope", "x"});
    CHECK(missing.status == kError);
    CHECK(has(missing.err, "build one with lupe-index --index " + (tmp / "nope") + " SOURCE..."));
}

// Trial 14. 0.4.0: CLI11's `Check date value in {newest->1,...} FAILED` (also in --help),
// no prefix, no "did you mean", no hint about `--`.
TEST_CASE("command-line mistakes get messages that say what to do") {
    const Run sort = lupe_search({"--index", corpus_index(), "--sort", "date", "x"});
    CHECK(sort.status == kError);
    CHECK(has(sort.err, "lupe-search: --sort: \"date\" is not one of relevance, newest, oldest"));
    CHECK(lupe_search({"--index", corpus_index(), "--sort", "Newest", "x"}).status != kError);
    const Run help = lupe_search({"--help"});
    CHECK(help.status == kOk);
    const auto sort_line = help.out.substr(help.out.find("--sort"));
    CHECK_FALSE(has(sort_line.substr(0, sort_line.find('\n')), "->"));

    const Run typo = lupe_search({"--index", corpus_index(), "--limt", "3", "x"});
    CHECK(typo.status == kError);
    CHECK(typo.err.rfind("lupe-search: ", 0) == 0);
    CHECK(has(typo.err, "did you mean --limit?"));

    const Run dash = lupe_search({"--index", corpus_index(), "-Huawei", "chip"});
    CHECK(dash.status == kError);
    CHECK(has(dash.err, "goes after '--'"));
    CHECK(lupe_search({"--index", corpus_index(), "--", "-Huawei", "chip"}).status == kOk);
}

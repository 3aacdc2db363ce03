// The German word list, end to end (issue 13, item 11): lupe-index and lupe-search with
// $LUPE_GERMAN_WORDLIST and --german-word-list pointing at missing, small and differing
// lists. lupe 0.4.0 failed an English-only run when the list was missing, named
// /usr/share/dict/ngerman instead of the path that was set and no flag, and lupe-search
// searched without compound splitting without a word. The lists are hand-made temporary
// files, so the tests do not depend on wngerman being installed.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"
#include "support/process.hpp"

namespace {

using lupe::test::Run;
using lupe::test::TempDir;
using nlohmann::json;

constexpr const char* kEnv = "/usr/bin/env";
constexpr const char* kSmallList = "Drohne\nHersteller\nFabrik\n";

// lupe-index or lupe-search with LUPE_GERMAN_WORDLIST set for that run only.
Run with_list_env(const std::string& list, const char* program, std::vector<std::string> args) {
    args.insert(args.begin(), {kEnv, "LUPE_GERMAN_WORDLIST=" + list, program});
    return lupe::test::run(args);
}

void write_sources(const TempDir& dir) {
    dir.write("en/weather.txt", "Weather in Spain\n\nThe weather in Spain is sunny and warm.\n");
    dir.write("de/fabrik.jsonl",
              R"({"id":"fabrik","lang":"de","title":"Neue Fabrik","body":"Der )"
              R"(Drohnenhersteller baut eine neue Fabrik in der Stadt."})"
              "\n");
}

}  // namespace

TEST_CASE("an English-only run does not need the German word list (0.4.0: exit 2)") {
    const TempDir dir;
    write_sources(dir);
    const Run r = with_list_env(dir / "missing", LUPE_INDEX_BIN,
                                {"--index", dir / "index", dir / "en"});
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    const Run s = with_list_env(dir / "missing", LUPE_SEARCH_BIN,
                                {"--index", dir / "index", "--json", "weather"});
    CHECK(s.status == 0);
    CHECK_FALSE(json::parse(s.out).contains("notices"));
}

TEST_CASE("a missing list names the path that was set and the flags (0.4.0: ngerman, no flag)") {
    const TempDir dir;
    write_sources(dir);
    const std::string missing = dir / "no-such-list";
    SUBCASE("from LUPE_GERMAN_WORDLIST") {
        const Run r = with_list_env(missing, LUPE_INDEX_BIN,
                                    {"--index", dir / "index", dir / "en", dir / "de"});
        INFO("stderr: " << r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(missing) != std::string::npos);
        CHECK(r.err.find("LUPE_GERMAN_WORDLIST") != std::string::npos);
        CHECK(r.err.find("--no-decompound") != std::string::npos);
        CHECK(r.err.find("--german-word-list") != std::string::npos);
        CHECK(r.err.find("/usr/share/dict/ngerman") == std::string::npos);
    }
    SUBCASE("from --german-word-list") {
        const Run r = lupe::test::lupe_index(
            {"--index", dir / "index", "--german-word-list", missing, dir / "de"});
        INFO("stderr: " << r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(missing) != std::string::npos);
        CHECK(r.err.find("--no-decompound") != std::string::npos);
    }
    // Nothing was published: the German document was not indexed without its parts.
    const Run s = lupe::test::lupe_search({"--index", dir / "index", "Fabrik"});
    CHECK(s.status != 0);
    // Without splitting the run needs no list.
    const Run plain = with_list_env(missing, LUPE_INDEX_BIN,
                                    {"--index", dir / "plain", "--no-decompound", dir / "de"});
    INFO("stderr: " << plain.err);
    CHECK(plain.status == 0);
}

TEST_CASE("lupe-search without the list says so, in text, JSON and --batch (0.4.0: silent)") {
    const TempDir dir;
    write_sources(dir);
    const std::string list = dir.write("list", kSmallList);
    const Run built = lupe::test::lupe_index(
        {"--index", dir / "index", "--german-word-list", list, dir / "en", dir / "de"});
    REQUIRE_MESSAGE(built.status == 0, built.err);
    const std::string missing = dir / "missing";

    const Run text = with_list_env(missing, LUPE_SEARCH_BIN,
                                   {"--index", dir / "index", "Drohnenhersteller"});
    INFO("text: " << text.out);
    CHECK(text.out.find("Note: German compound splitting is off") != std::string::npos);
    CHECK(text.out.find(missing) != std::string::npos);

    const Run j = lupe::test::lupe_search({"--index", dir / "index", "--json",
                                           "--german-word-list", missing, "Drohnenhersteller"});
    const json out = json::parse(j.out);
    REQUIRE(out.contains("notices"));
    CHECK(out["notices"][0].get<std::string>().find(missing) != std::string::npos);

    const std::string batch = dir.write("queries.tsv", "q1\tDrohnenhersteller\n");
    const Run b = lupe::test::lupe_search(
        {"--index", dir / "index", "--german-word-list", missing, "--batch", batch});
    INFO("batch stderr: " << b.err);
    CHECK(b.err.find("German compound splitting is off") != std::string::npos);

    // With the list the index was built with: nothing to say.
    const Run ok = lupe::test::lupe_search(
        {"--index", dir / "index", "--json", "--german-word-list", list, "Drohnenhersteller"});
    CHECK_FALSE(json::parse(ok.out).contains("notices"));
}

TEST_CASE("lupe-search with another list than the index's names both fingerprints") {
    const TempDir dir;
    write_sources(dir);
    const std::string list = dir.write("list", kSmallList);
    const std::string other = dir.write("other", "Drohne\nHersteller\n");
    REQUIRE(with_list_env(list, LUPE_INDEX_BIN, {"--index", dir / "index", dir / "de"}).status ==
            0);
    const Run r = lupe::test::lupe_search(
        {"--index", dir / "index", "--json", "--german-word-list", other, "Drohnenhersteller"});
    const json out = json::parse(r.out);
    INFO("output: " << r.out);
    REQUIRE(out.contains("notices"));
    const std::string notice = out["notices"][0].get<std::string>();
    CHECK(notice.find("differs from the one the index was built with") != std::string::npos);
    CHECK(notice.find("words=3") != std::string::npos);  // the index's list
    CHECK(notice.find("words=2") != std::string::npos);  // the searcher's
}

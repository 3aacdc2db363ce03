// End-to-end tests: the real lupe-index, lupe-search and lupe-example-embed binaries run as
// child processes (posix_spawn, never through a shell) on the shipped corpus and on the
// fixtures in tests/fixtures/cli/. Every test writes its indexes into its own temporary
// directory, so the tests run from any working directory and in parallel.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/corpus_index.hpp"
#include "support/files.hpp"
#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

const std::string kExampleBin = LUPE_EXAMPLE_BIN;
const std::string kCorpusDir = LUPE_CORPUS_DIR;
const std::string kFixturesDir = LUPE_FIXTURES_DIR;

const std::string kDeepSeekId = "news/deepseek-huawei-ascend.md";
const std::string kDroneId = "news/antigravity-a1-drohne.md";

/// lupe-search --json on `index`; requires exit status 0 or 1, valid JSON, and the status
/// to match the results (support/json_output.hpp).
json search_json(const std::string& index, const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--index", index};
    all.insert(all.end(), args.begin(), args.end());
    return lupe::test::search_json(all);
}

/// The highlighted words of a result: the byte ranges [begin, end) of its snippet, or of
/// its title (`title_highlights`) when `field` is "title".
std::vector<std::string> highlighted_words(const json& result, const std::string& field = "snippet") {
    const std::string snippet = result.at(field).get<std::string>();
    std::vector<std::string> words;
    for (const auto& h : result.at(field == "title" ? "title_highlights" : "highlights")) {
        const auto begin = h.at(0).get<std::size_t>();
        const auto end = h.at(1).get<std::size_t>();
        REQUIRE(begin < end);
        REQUIRE(end <= snippet.size());
        words.push_back(snippet.substr(begin, end - begin));
    }
    return words;
}

/// A highlighted word "spells" a query word when, case-insensitively, they share a prefix
/// of at least min(4, shorter length) bytes: "training" for "trained", "Drohne" for
/// "Drohnen", "Huawei’s" for "Huawei".
bool spells_query_word(const std::string& highlighted, const std::vector<std::string>& query) {
    const std::string h = lower_ascii(highlighted);
    return std::any_of(query.begin(), query.end(), [&](const std::string& word) {
        const std::string q = lower_ascii(word);
        const std::size_t need = std::min<std::size_t>({4, q.size(), h.size()});
        return need > 0 && h.compare(0, need, q, 0, need) == 0;
    });
}

/// One document of the corpus JSONL files, by id.
json corpus_document(const std::string& file, const std::string& id) {
    std::ifstream in(kCorpusDir + "/" + file);
    REQUIRE(in);
    for (std::string line; std::getline(in, line);) {
        json doc = json::parse(line);
        if (doc.at("id") == id) return doc;
    }
    FAIL("no document " << id << " in " << file);
    return {};
}

bool any_ansi_escape(const std::string& s) { return s.find('\x1b') != std::string::npos; }

}  // namespace

// =======================================================================================
// 1. Indexing the corpus

TEST_CASE("lupe-index indexes the corpus: counts per language, and a rerun skips what is unchanged") {
    TempDir tmp;
    const std::string index = tmp / "index";

    const Run first = lupe_index({"--index", index, kCorpusDir, "--json"});
    INFO("stderr: " << first.err);
    REQUIRE(first.status == 0);
    const json s1 = parse_json(first);
    // 3 news .md files (2 en, 1 de) + 295 Wikinews (en) + 240 XQuAD paragraphs (de) +
    // 5 written/ files (1 en, 4 de); corpus/.lupeignore keeps README.md and make_corpus.py out.
    CHECK(s1.at("added") == json({{"en", 298}, {"de", 245}}));
    CHECK(s1.at("added_total") == 543);
    CHECK(s1.at("updated_total") == 0);
    CHECK(s1.at("updated").empty());
    CHECK(s1.at("failed") == 0);
    CHECK(s1.at("warnings") == 0);
    CHECK(s1.at("files_read") == 10);
    CHECK(s1.at("files_skipped") == 0);
    CHECK(s1.at("documents_in_index") == 543);
    CHECK(s1.at("index") == index);
    CHECK(first.err.empty());

    const Run second = lupe_index({"--index", index, kCorpusDir, "--json"});
    INFO("stderr: " << second.err);
    REQUIRE(second.status == 0);
    const json s2 = parse_json(second);
    CHECK(s2.at("added_total") == 0);
    CHECK(s2.at("added").empty());
    CHECK(s2.at("updated_total") == 0);
    CHECK(s2.at("unchanged") == 543);
    CHECK(s2.at("files_unchanged") == 10);
    CHECK(s2.at("files_read") == 0);
    CHECK(s2.at("failed") == 0);
    CHECK(s2.at("documents_in_index") == 543);

    // Nothing duplicated: a document that exists once is still found once.
    const json hits = search_json(index, {"-n", "50", "Huawei"});
    CHECK(result_ids(hits) == std::vector<std::string>{kDeepSeekId});
}

// =======================================================================================
// 2.-3. Ranking

TEST_CASE("search: 'Huawei Ascend training' ranks the DeepSeek article first") {
    const json j = search_json(corpus_index(), {"Huawei Ascend training"});
    REQUIRE_FALSE(j.at("results").empty());
    CHECK(j["results"][0].at("id") == kDeepSeekId);
    CHECK(j["results"][0].at("rank") == 1);
    CHECK(j["results"][0].at("lang") == "en");
}

TEST_CASE("search: 'Drohnen Rundumsicht' ranks the drone article first") {
    // Two arguments: lupe-search joins them into one query.
    const json j = search_json(corpus_index(), {"Drohnen", "Rundumsicht"});
    CHECK(j.at("query") == "Drohnen Rundumsicht");
    REQUIRE_FALSE(j.at("results").empty());
    CHECK(j["results"][0].at("id") == kDroneId);
    CHECK(j["results"][0].at("lang") == "de");
}

// =======================================================================================
// 4. Stemming and --lang

TEST_CASE("search: stemming finds inflected forms the text does not contain") {
    SUBCASE("English: 'trained' finds the DeepSeek article, which says train/training") {
        const std::string text = lower_ascii(read_file(kCorpusDir + "/" + kDeepSeekId));
        REQUIRE_FALSE(has(text, "trained"));
        const json j = search_json(corpus_index(), {"trained"});
        REQUIRE_FALSE(j.at("results").empty());
        CHECK(j["results"][0].at("id") == kDeepSeekId);
        const auto words = highlighted_words(j["results"][0]);
        REQUIRE_FALSE(words.empty());
        for (const auto& w : words) {
            CHECK(lower_ascii(w).rfind("train", 0) == 0);
            CHECK(lower_ascii(w) != "trained");
        }
    }
    SUBCASE("German: 'Drohnen' finds the drone article, which says 'Drohne'") {
        const std::string text = read_file(kCorpusDir + "/" + kDroneId);
        REQUIRE_FALSE(has(text, "Drohnen"));
        REQUIRE(has(text, "Drohne"));
        const json j = search_json(corpus_index(), {"Drohnen"});
        REQUIRE_FALSE(j.at("results").empty());
        const auto it = std::find_if(j["results"].begin(), j["results"].end(),
                                     [](const json& r) { return r.at("id") == kDroneId; });
        REQUIRE(it != j["results"].end());
        CHECK(highlighted_words(*it) == std::vector<std::string>{"Drohne"});
    }
    SUBCASE("German: 'Kirchen' finds an XQuAD paragraph that only says 'Kirche'") {
        const std::string id = "xq-de-a46-p3";
        const json doc = corpus_document("xquad-de-paragraphs.jsonl", id);
        const std::string text = doc.at("title").get<std::string>() + " " +
                                 doc.at("body").get<std::string>();
        REQUIRE_FALSE(has(text, "Kirchen"));
        REQUIRE(has(text, "Kirche"));
        const json j = search_json(corpus_index(), {"--lang", "de", "-n", "20", "Kirchen"});
        const auto ids = result_ids(j);
        REQUIRE(contains(ids, id));
        for (const auto& r : j.at("results")) {
            if (r.at("id") != id) continue;
            const auto words = highlighted_words(r);
            REQUIRE_FALSE(words.empty());
            for (const auto& w : words) CHECK(w == "Kirche");
        }
    }
}

TEST_CASE("search: --lang de / --lang en narrow the results to one language") {
    // "Chicago" is in English Wikinews articles and in German XQuAD paragraphs.
    const json both = search_json(corpus_index(), {"-n", "50", "Chicago"});
    std::set<std::string> langs;
    for (const auto& r : both.at("results")) langs.insert(r.at("lang").get<std::string>());
    REQUIRE(langs == std::set<std::string>{"de", "en"});

    for (const std::string lang : {"de", "en"}) {
        CAPTURE(lang);
        const json j = search_json(corpus_index(), {"--lang", lang, "-n", "50", "Chicago"});
        REQUIRE_FALSE(j.at("results").empty());
        for (const auto& r : j.at("results")) CHECK(r.at("lang") == lang);
    }

    // The drone article is German: not found with --lang en, found with --lang de.
    const Run en = lupe_search({"--index", corpus_index(), "--lang", "en", "Drohnen"});
    CHECK(en.status == 1);
    const json de = search_json(corpus_index(), {"--lang", "de", "Drohnen"});
    CHECK(contains(result_ids(de), kDroneId));
    for (const auto& r : de.at("results")) CHECK(r.at("lang") == "de");
}

// =======================================================================================
// 5. Phrases

TEST_CASE("search: a phrase matches its words in order only") {
    const std::string text = read_file(kCorpusDir + "/" + kDeepSeekId);
    REQUIRE(has(text, "Ascend chips"));
    REQUIRE_FALSE(has(text, "chips Ascend"));

    const json in_order = search_json(corpus_index(), {"-n", "50", "\"Ascend chips\""});
    CHECK(contains(result_ids(in_order), kDeepSeekId));

    const json reversed = search_json(corpus_index(), {"-n", "50", "\"chips Ascend\""});
    CHECK_FALSE(contains(result_ids(reversed), kDeepSeekId));

    // The same words without quotes do find it in either order.
    const json words = search_json(corpus_index(), {"-n", "50", "chips Ascend"});
    CHECK(contains(result_ids(words), kDeepSeekId));
}

// =======================================================================================
// 6. JSON output

TEST_CASE("search --json: documented fields, and highlights spell the query words") {
    const std::vector<std::string> queries[] = {
        {"Huawei", "Ascend", "training"}, {"Drohnen", "Rundumsicht"}, {"Universitäten"},
        {"trained"}, {"Chicago", "university"}};
    for (const auto& words : queries) {
        std::string query;
        for (const auto& w : words) query += (query.empty() ? "" : " ") + w;
        CAPTURE(query);
        const json j = search_json(corpus_index(), {"-n", "5", query});
        REQUIRE(j.is_object());
        CHECK(j.at("query") == query);
        REQUIRE(j.at("total_estimate").is_number_unsigned());
        REQUIRE(j.at("results").is_array());
        REQUIRE_FALSE(j["results"].empty());
        CHECK(j["total_estimate"].get<std::size_t>() >= j["results"].size());
        CHECK_FALSE(j.contains("syntax_error"));
        std::size_t expected_rank = 1;
        std::size_t with_highlights = 0;
        double previous_score = 1e300;
        bool previous_all = true;
        for (const auto& r : j["results"]) {
            CAPTURE(r.dump());
            CHECK(r.at("rank") == expected_rank++);
            CHECK(r.at("id").is_string());
            CHECK_FALSE(r.at("id").get<std::string>().empty());
            CHECK(r.at("title").is_string());
            CHECK((r.at("lang") == "en" || r.at("lang") == "de"));
            REQUIRE(r.at("score").is_number());
            // Scores decrease within a tier (hits with all the words first, matched_all).
            const bool all = r.at("matched_all").get<bool>();
            CHECK((previous_all || !all));
            if (all == previous_all) CHECK(r["score"].get<double>() <= previous_score);
            previous_score = r["score"].get<double>();
            previous_all = all;
            CHECK(r.at("snippet").is_string());
            REQUIRE(r.at("highlights").is_array());
            // (Empty when the words match only the title: the snippet is from the body.)
            with_highlights += !r["highlights"].empty();
            std::size_t previous_end = 0;
            for (const auto& h : r["highlights"]) {
                REQUIRE((h.is_array() && h.size() == 2));
                CHECK(h[0].get<std::size_t>() >= previous_end);  // in order, no overlap
                previous_end = h[1].get<std::size_t>();
            }
            for (const auto& w : highlighted_words(r)) {
                CAPTURE(w);
                CHECK(spells_query_word(w, words));
            }
            REQUIRE(r.at("title_highlights").is_array());
            for (const auto& w : highlighted_words(r, "title")) {
                CAPTURE(w);
                CHECK(spells_query_word(w, words));
            }
        }
        CHECK(with_highlights > 0);
        CHECK_FALSE(j["results"][0].at("highlights").empty());
    }

    // Optional fields appear when the document has them.
    const json j = search_json(corpus_index(), {"-n", "1", "Huawei"});
    CHECK(j["results"][0].at("source") == "Ars Technica (Financial Times)");
    CHECK_FALSE(j["results"][0].contains("date"));
    const json wn = search_json(corpus_index(), {"-n", "1", "--lang", "en", "Chicago"});
    CHECK(wn["results"][0].contains("date"));
    CHECK(wn["results"][0].contains("url"));
}

// =======================================================================================
// 7. Exit statuses

TEST_CASE("lupe-search exit statuses") {
    SUBCASE("0 with results") {
        const Run r = lupe_search({"--index", corpus_index(), "Huawei"});
        CHECK(r.status == 0);
        CHECK(has(r.out, "Upcoming DeepSeek AI model"));
    }
    SUBCASE("1 without results") {
        const Run r = lupe_search({"--index", corpus_index(), "qwzxplorfnaxt"});
        CHECK(r.status == 1);
        CHECK(has(r.out, "No results"));
    }
    SUBCASE("2 for a missing index; stderr names the path and lupe-index") {
        TempDir tmp;
        const std::string missing = tmp / "no-such-index";
        const Run r = lupe_search({"--index", missing, "Huawei"});
        CHECK(r.status == 2);
        CHECK(has(r.err, missing));
        CHECK(has(r.err, "lupe-index"));
        CHECK(r.out.empty());
    }
    SUBCASE("2 for a bad option value (--lang fr)") {
        const Run r = lupe_search({"--index", corpus_index(), "--lang", "fr", "Huawei"});
        CHECK(r.status == 2);
        CHECK(has(r.err, "fr"));
    }
    SUBCASE("2 for an unknown option") {
        const Run r = lupe_search({"--index", corpus_index(), "--no-such-option", "Huawei"});
        CHECK(r.status == 2);
    }
    SUBCASE("2 for --limit 0") {
        const Run r = lupe_search({"--index", corpus_index(), "--limit", "0", "Huawei"});
        CHECK(r.status == 2);
    }
    SUBCASE("2 without a query") {
        const Run r = lupe_search({"--index", corpus_index()});
        CHECK(r.status == 2);
        CHECK_FALSE(r.err.empty());
    }
}

TEST_CASE("lupe-index exit status 2 for bad arguments") {
    TempDir tmp;
    CHECK(lupe_index({"--index", tmp / "i1"}).status == 2);                           // no SOURCE
    CHECK(lupe_index({"--index", tmp / "i2", "--lang", "fr", kCorpusDir}).status == 2);
    const std::string file = tmp.write("not-a-dir", "x");
    const Run r = lupe_index({"--index", file, kCorpusDir + "/news"});
    CHECK(r.status == 2);
    CHECK(has(r.err, file));
    // A SOURCE that does not exist is a usage error: nothing is indexed, no index is made.
    const Run missing = lupe_index({"--index", tmp / "i3", tmp / "no-such-source"});
    CHECK(missing.status == 2);
    CHECK(has(missing.err, "no-such-source"));
    CHECK_FALSE(std::filesystem::exists(tmp / "i3"));
}

// =======================================================================================
// 8. Text output and colour

TEST_CASE("search text output: no ANSI escapes in a pipe, bold with --color always") {
    const Run plain = lupe_search({"--index", corpus_index(), "Huawei", "Ascend"});
    REQUIRE(plain.status == 0);
    CHECK(has(plain.out, "1. Upcoming DeepSeek AI model failed to train"));
    CHECK(has(plain.out, kDeepSeekId));
    CHECK(has(plain.out, "Results 1-"));
    CHECK_FALSE(any_ansi_escape(plain.out));
    CHECK_FALSE(any_ansi_escape(plain.err));

    const Run never = lupe_search({"--index", corpus_index(), "--color", "never", "Huawei"});
    REQUIRE(never.status == 0);
    CHECK_FALSE(any_ansi_escape(never.out));

    const Run always = lupe_search({"--index", corpus_index(), "--color", "always", "Huawei"});
    REQUIRE(always.status == 0);
    CHECK(has(always.out, "\x1b[1m"));
    CHECK(has(always.out, "\x1b[1mHuawei\x1b[0m"));  // a highlighted snippet word

    const Run bad = lupe_search({"--index", corpus_index(), "--color", "sometimes", "Huawei"});
    CHECK(bad.status == 2);
}

TEST_CASE("search: a title match is highlighted, in text and in --json") {
    // As a newcomer asks the corpus: the title's matching word in bold, as a snippet's, the
    // rest of the title plain; no escape in a pipe.
    const Run color = lupe_search({"--index", corpus_index(), "--color", "always", "title:Drohne"});
    REQUIRE(color.status == 0);
    CHECK(has(color.out, "1. \x1b[1mDrohnenhersteller\x1b[0m erweitert die Fertigung\n"));
    const Run plain = lupe_search({"--index", corpus_index(), "title:Drohne"});
    REQUIRE(plain.status == 0);
    CHECK(has(plain.out, "1. Drohnenhersteller erweitert die Fertigung\n"));
    CHECK_FALSE(any_ansi_escape(plain.out));
    // --json: byte ranges into the title, at the word.
    const json j = search_json(corpus_index(), {"title:Drohne"});
    REQUIRE(j.at("results").size() == 1);
    CHECK(j["results"][0].at("title_highlights") == json::array({json::array({0, 17})}));
    CHECK(highlighted_words(j["results"][0], "title") == std::vector<std::string>{"Drohnenhersteller"});
    // A compound matched through its part, in the title whatever field matched.
    const json sicht = search_json(corpus_index(), {"-n", "1", "Sicht"});
    REQUIRE_FALSE(sicht.at("results").empty());
    CHECK(highlighted_words(sicht["results"][0], "title") == std::vector<std::string>{"Rundumsicht"});
}

// =======================================================================================
// 9. Query syntax

TEST_CASE("query syntax: a syntax error falls back to the plain words") {
    struct Case {
        std::string query;
        std::string position;
    };
    for (const Case& c : {Case{"(Huawei", "position 1"}, Case{"Huawei AND", "position 11"}}) {
        CAPTURE(c.query);
        const Run text = lupe_search({"--index", corpus_index(), c.query});
        CHECK(text.status == 0);
        CHECK(has(text.out, "syntax error"));
        CHECK(has(text.out, c.position));
        CHECK(has(text.out, "Upcoming DeepSeek AI model"));

        const json j = search_json(corpus_index(), {c.query});
        REQUIRE(j.contains("syntax_error"));
        CHECK(has(j["syntax_error"].get<std::string>(), c.position));
        CHECK(j.at("query") == "Huawei");
        REQUIRE_FALSE(j.at("results").empty());
        CHECK(j["results"][0].at("id") == kDeepSeekId);
    }
}

TEST_CASE("query syntax: title:") {
    const json t = search_json(corpus_index(), {"title:Rundumsicht"});
    CHECK(result_ids(t) == std::vector<std::string>{kDroneId});
    // "Nvidia" is in the DeepSeek article's body, not in its title.
    CHECK(contains(result_ids(search_json(corpus_index(), {"Nvidia"})), kDeepSeekId));
    CHECK_FALSE(contains(result_ids(search_json(corpus_index(), {"title:Nvidia"})), kDeepSeekId));
    const json phrase = search_json(corpus_index(), {"title:\"Fliegen im Rausch\""});
    CHECK(result_ids(phrase) == std::vector<std::string>{kDroneId});
}

TEST_CASE("query syntax: lang: and source:") {
    const json de = search_json(corpus_index(), {"-n", "1000", "lang:de"});
    CHECK(de.at("results").size() == 245);
    for (const auto& r : de["results"]) CHECK(r.at("lang") == "de");

    CHECK(result_ids(search_json(corpus_index(), {"lang:de Drohne source:golem"})) ==
          std::vector<std::string>{kDroneId});
    CHECK(search_json(corpus_index(), {"lang:de Huawei"}).at("results").empty());

    const json golem = search_json(corpus_index(), {"source:golem"});
    CHECK(result_ids(golem) == std::vector<std::string>{kDroneId});
    const json ars = search_json(corpus_index(), {"source:\"Ars Technica\""});
    const auto ars_ids = result_ids(ars);
    CHECK(std::set<std::string>(ars_ids.begin(), ars_ids.end()) ==
          std::set<std::string>{kDeepSeekId, "news/altman-musk.md"});
}

TEST_CASE("query syntax: date: range") {
    const json j = search_json(corpus_index(), {"-n", "1000", "date:2019-01-01..2019-01-31"});
    // 21 Wikinews articles are dated January 2019.
    CHECK(j.at("results").size() == 21);
    for (const auto& r : j.at("results")) {
        CAPTURE(r.at("id"));
        REQUIRE(r.contains("date"));
        const std::string date = r["date"].get<std::string>();
        CHECK(date >= "2019-01-01");
        CHECK(date <= "2019-01-31");
    }
    const json open_end = search_json(corpus_index(), {"-n", "1000", "date:2021-03.. source:wikinews"});
    CHECK(open_end.at("results").size() == 2);  // the two Wikinews test pages of March 2021
    for (const auto& r : open_end.at("results")) CHECK(r.at("date").get<std::string>() >= "2021-03");
    const json year = search_json(corpus_index(), {"-n", "1000", "date:2019"});
    CHECK(year.at("results").size() == 171);
}

// Regression: a query that only filtered by date used to report about offset+limit+1
// matches (Xapian's value-range estimate stops after the page).
TEST_CASE("query syntax: a date-only query counts its matches exactly") {
    const json all = search_json(corpus_index(), {"-n", "1000", "date:2019"});
    const std::size_t matches = all.at("results").size();
    REQUIRE(matches == 171);
    const json page = search_json(corpus_index(), {"-n", "3", "date:2019"});
    CHECK(page.at("total_estimate").get<std::size_t>() == matches);
}

TEST_CASE("query syntax: -word excludes, wildcard, OR") {
    SUBCASE("-word") {
        CHECK(contains(result_ids(search_json(corpus_index(), {"-n", "100", "train"})), kDeepSeekId));
        const json j = search_json(corpus_index(), {"-n", "100", "train -Huawei"});
        CHECK_FALSE(j.at("results").empty());
        CHECK_FALSE(contains(result_ids(j), kDeepSeekId));
        // The only document with "Huawei" also has "Nvidia".
        CHECK(search_json(corpus_index(), {"Huawei -Nvidia"}).at("results").empty());
    }
    SUBCASE("wildcard ascen*") {
        const json j = search_json(corpus_index(), {"ascen*"});
        REQUIRE_FALSE(j.at("results").empty());
        CHECK(j["results"][0].at("id") == kDeepSeekId);
        for (const auto& w : highlighted_words(j["results"][0])) {
            CHECK(lower_ascii(w).rfind("ascen", 0) == 0);
        }
        // A one-letter prefix is a syntax error (searched as its plain word).
        const json one = search_json(corpus_index(), {"a*"});
        CHECK(one.contains("syntax_error"));
    }
    SUBCASE("OR") {
        CHECK(result_ids(search_json(corpus_index(), {"Drohne -Drohnenhersteller"})) ==
              std::vector<std::string>{kDroneId});
        const json j = search_json(corpus_index(), {"Drohne OR Huawei -Drohnenhersteller"});
        const auto ids = result_ids(j);
        CHECK(std::set<std::string>(ids.begin(), ids.end()) ==
              std::set<std::string>{kDroneId, kDeepSeekId});
        CHECK(search_json(corpus_index(), {"Drohne AND Huawei"}).at("results").empty());
    }
}

// =======================================================================================
// 10. --batch

TEST_CASE("search --batch prints TREC run lines") {
    TempDir tmp;
    const std::string file = tmp.write("queries.tsv",
                                       "q1\tHuawei Ascend training\n"
                                       "q2\tde\tDrohnen\n"
                                       "\n"
                                       "q3\ten\tChicago\n"
                                       "q4\tde\tChicago\n"
                                       "q5\tChicago university\r\n");
    const Run r = lupe_search({"--index", corpus_index(), "--batch", file});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());

    std::vector<std::string> qid_order;
    std::map<std::string, std::vector<std::string>> docs;
    std::map<std::string, double> last_score;
    for (const auto& line : lines_of(r.out)) {
        CAPTURE(line);
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string field; in >> field;) f.push_back(field);
        REQUIRE(f.size() == 6);
        CHECK(f[1] == "Q0");
        CHECK(f[5] == "lupe");
        const std::string& qid = f[0];
        if (qid_order.empty() || qid_order.back() != qid) {
            CHECK_FALSE(contains(qid_order, qid));  // each query's lines are together
            qid_order.push_back(qid);
        }
        auto& ids = docs[qid];
        CHECK(std::stoul(f[3]) == ids.size() + 1);  // ranks 1..n
        CHECK_FALSE(contains(ids, f[2]));           // no document twice
        ids.push_back(f[2]);
        const double score = std::stod(f[4]);
        if (last_score.count(qid)) CHECK(score <= last_score[qid]);  // non-increasing
        last_score[qid] = score;
    }
    CHECK(qid_order == std::vector<std::string>{"q1", "q2", "q3", "q4", "q5"});
    CHECK(docs["q1"].front() == kDeepSeekId);
    CHECK(docs["q1"].size() > 10);  // --batch is not limited to 10 results
    CHECK(contains(docs["q2"], kDroneId));
    for (const auto& id : docs["q3"]) CHECK(id.rfind("wn-en-", 0) == 0);  // en only
    for (const auto& id : docs["q4"]) CHECK(id.rfind("xq-de-", 0) == 0);  // de only
    // No language given: both languages (and a CRLF line end is tolerated).
    bool q5_en = false, q5_de = false;
    for (const auto& id : docs["q5"]) {
        q5_en = q5_en || id.rfind("wn-en-", 0) == 0;
        q5_de = q5_de || id.rfind("xq-de-", 0) == 0;
    }
    CHECK(q5_en);
    CHECK(q5_de);
}

TEST_CASE("search --batch: a malformed line gives exit 2 and FILE:LINE on stderr") {
    TempDir tmp;
    const std::string file = tmp.write("queries.tsv",
                                       "q1\tHuawei\n"
                                       "\tno qid\n"
                                       "q3\ten\tHuawei\textra field\n"
                                       "q4\tDrohnen\n");
    const Run r = lupe_search({"--index", corpus_index(), "--batch", file});
    CHECK(r.status == 2);
    CHECK(has(r.err, file + ":2:"));
    CHECK(has(r.err, file + ":3:"));
    CHECK_FALSE(has(r.err, file + ":1:"));
    CHECK_FALSE(has(r.err, file + ":4:"));

    const Run missing = lupe_search({"--index", corpus_index(), "--batch", tmp / "nope.tsv"});
    CHECK(missing.status == 2);
    CHECK(has(missing.err, tmp / "nope.tsv"));

    const std::string bad_lang = tmp.write("lang.tsv", "q1\tfr\tHuawei\n");
    const Run lang = lupe_search({"--index", corpus_index(), "--batch", bad_lang});
    CHECK(lang.status == 2);
    CHECK(has(lang.err, bad_lang + ":1:"));
}

TEST_CASE("search --batch: a query with a syntax error is reported and still run") {
    TempDir tmp;
    const std::string file = tmp.write("queries.tsv", "q1\t(Huawei\n");
    const Run r = lupe_search({"--index", corpus_index(), "--batch", file});
    CHECK(r.status == 0);
    CHECK(has(r.err, file + ":1:"));
    CHECK(has(r.out, "q1 Q0 " + kDeepSeekId + " 1 "));
}

TEST_CASE("search --batch --timings: one qid<TAB>milliseconds line per query") {
    TempDir tmp;
    const std::string file = tmp.write("queries.tsv",
                                       "q1\tHuawei Ascend training\n"
                                       "\n"
                                       "q2\tde\tDrohnen\n"
                                       "q3\t(Huawei\n"
                                       "q4\ten\tChicago\n");
    const std::string timings = tmp / "timings.tsv";
    const Run timed = lupe_search({"--index", corpus_index(), "--batch", file, "--timings", timings});
    INFO("stderr: " << timed.err);
    REQUIRE(timed.status == 0);
    // The run lines are those of a batch run without --timings.
    const Run plain = lupe_search({"--index", corpus_index(), "--batch", file});
    CHECK(timed.out == plain.out);

    std::vector<std::string> qids;
    for (const auto& line : lines_of(read_file(timings))) {
        CAPTURE(line);
        const auto tab = line.find('\t');
        REQUIRE(tab != std::string::npos);
        qids.push_back(line.substr(0, tab));
        const std::string ms = line.substr(tab + 1);
        // Milliseconds with exactly three decimals, non-negative and finite.
        REQUIRE(ms.size() >= 5);
        CHECK(ms[ms.size() - 4] == '.');
        CHECK(ms.find_first_not_of("0123456789.") == std::string::npos);
        const double value = std::stod(ms);
        CHECK(value >= 0.0);
        CHECK(value < 60000.0);
    }
    // One line per query in batch order; the blank line is no query, the syntax error is one.
    CHECK(qids == std::vector<std::string>{"q1", "q2", "q3", "q4"});

    SUBCASE("the file is written anew on each run") {
        const std::string one = tmp.write("one.tsv", "q9\tDrohnen\n");
        const Run again = lupe_search({"--index", corpus_index(), "--batch", one, "--timings", timings});
        REQUIRE(again.status == 0);
        REQUIRE(lines_of(read_file(timings)).size() == 1);
        CHECK(lines_of(read_file(timings))[0].rfind("q9\t", 0) == 0);
    }
}

TEST_CASE("search --timings without --batch, or unwritable: exit 2 and a clear message") {
    TempDir tmp;
    const std::string timings = tmp / "timings.tsv";
    const Run single = lupe_search({"--index", corpus_index(), "--timings", timings, "Huawei"});
    CHECK(single.status == 2);
    CHECK(has(single.err, "--timings"));
    CHECK(has(single.err, "--batch"));
    CHECK(single.out.empty());
    CHECK_FALSE(fs::exists(timings));

    const std::string file = tmp.write("queries.tsv", "q1\tHuawei\n");
    const Run unwritable = lupe_search(
        {"--index", corpus_index(), "--batch", file, "--timings", tmp / "no-such-dir/t.tsv"});
    CHECK(unwritable.status == 2);
    CHECK(has(unwritable.err, tmp / "no-such-dir/t.tsv"));
}

// =======================================================================================
// 11. Bad input

TEST_CASE("lupe-index: bad input never stops a run") {
    TempDir tmp;
    const std::string src = tmp / "bad-input";
    fs::copy(kFixturesDir + "/cli/bad-input", src, fs::copy_options::recursive);
    // Binary and Latin-1 files are written here rather than committed. Since 0.6 a text
    // file that is not UTF-8 is read as Windows-1252 (with a note), not failed.
    tmp.write("bad-input/binary.txt", std::string("Binary\0file\x01\x02 with NUL bytes\n", 29));
    tmp.write("bad-input/latin1.txt",
              "A Latin-1 file\nThe caf\xe9 on the corner serves tea, and the people who "
              "come in every morning are friendly.\n");
    const std::string index = tmp / "index";

    const Run r = lupe_index({"--index", index, src, "--json"});
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    const json s = parse_json(r);
    // Good: good.md, good.txt, latin1.txt, 2 lines of docs.jsonl. Failed: empty.txt,
    // binary.txt, docs.jsonl lines 2 (malformed), 3 (no id), 4 (numeric title).
    // Skipped: data.csv.
    CHECK(s.at("added") == json({{"en", 3}, {"de", 2}}));
    CHECK(s.at("added_total") == 5);
    CHECK(s.at("failed") == 5);
    // 0.5: failures are no longer counted as warnings too; the one note: latin1.txt's
    // encoding, guessed.
    CHECK(s.at("warnings") == 1);
    CHECK(s.at("files_skipped") == 1);
    CHECK(s.at("files_read") == 6);
    CHECK(s.at("documents_in_index") == 5);

    // One stderr line per bad item, naming the file (and line) and the reason, and the note.
    const auto err_lines = lines_of(r.err);
    CHECK(err_lines.size() == 6);
    const auto line_with = [&](const std::string& where) -> std::string {
        for (const auto& l : err_lines) {
            if (has(l, where + ":")) return l;  // "PATH: reason" or "PATH:LINE: reason"
        }
        return {};
    };
    struct Expected {
        std::string where;
        std::string reason;
    };
    for (const Expected& e : {Expected{src + "/empty.txt", "empty"},
                              Expected{src + "/binary.txt", "binary"},
                              Expected{src + "/docs.jsonl:2", "malformed JSON"},
                              Expected{src + "/docs.jsonl:3", "missing \"id\""},
                              Expected{src + "/docs.jsonl:4", "\"title\""}}) {
        CAPTURE(e.where);
        const std::string line = line_with(e.where);
        REQUIRE_FALSE(line.empty());
        CHECK(has(line, "error"));
        CHECK(has(line, e.reason));
    }
    CHECK_FALSE(has(r.err, "data.csv"));
    CHECK_FALSE(has(r.err, "good.md"));
    CHECK_FALSE(has(r.err, "good.txt"));
    CHECK_FALSE(has(r.err, "error: " + src + "/latin1.txt"));
    CHECK(has(r.err, "warning: " + src + "/latin1.txt: not valid UTF-8 (first bad byte at line 2, "
                     "column 8); read as Windows-1252"));

    // Every good document is searchable.
    const json md = search_json(index, {"quokka"});
    REQUIRE(result_ids(md) == std::vector<std::string>{"good.md"});
    CHECK(md["results"][0].at("title") == "Quokka census: a fixture for lupe");
    CHECK(md["results"][0].at("lang") == "en");
    CHECK(md["results"][0].at("date") == "2024-05-17");
    CHECK(md["results"][0].at("source") == "Lupe Fixtures");
    CHECK(md["results"][0].at("url") == "https://example.org/quokka");
    const json txt = search_json(index, {"Zeppelinwerft"});
    REQUIRE(result_ids(txt) == std::vector<std::string>{"good.txt"});
    CHECK(txt["results"][0].at("title") == "Zeppelinwerft am Bodensee");
    CHECK(txt["results"][0].at("lang") == "de");  // detected
    const json latin1 = search_json(index, {"caf\xC3\xA9"});
    REQUIRE(result_ids(latin1) == std::vector<std::string>{"latin1.txt"});
    CHECK(latin1["results"][0].at("title") == "A Latin-1 file");
    CHECK(result_ids(search_json(index, {"axolotl"})) == std::vector<std::string>{"jsonl-good-1"});
    CHECK(result_ids(search_json(index, {"Murmeltiere"})) ==
          std::vector<std::string>{"jsonl-good-2"});
    // ... and nothing else.
    CHECK(search_json(index, {"identifier"}).at("results").empty());
    CHECK(search_json(index, {"--lang", "en", "number"}).at("results").empty());
    CHECK(search_json(index, {"csv"}).at("results").empty());

    // --quiet: the same run and exit status, no progress and no notes, but the errors
    // (lupe 0.4.0 printed nothing: issue 13 item 10).
    const Run quiet = lupe_index({"--index", tmp / "index-quiet", src, "--quiet", "--json"});
    CHECK(quiet.status == 1);
    CHECK(lines_of(quiet.err).size() == 5);
    for (const std::string& line : lines_of(quiet.err)) CHECK(has(line, "lupe-index: error: "));
    CHECK(parse_json(quiet).at("failed") == 5);
}

TEST_CASE("lupe-index reads .jsonl.gz files") {
    TempDir tmp;
    const std::string gz = tmp / "docs.jsonl.gz";
    const std::string content =
        "{\"id\": \"gz-1\", \"title\": \"Kiwi birds\", \"body\": \"The kiwi is a flightless "
        "bird of New Zealand.\", \"lang\": \"en\"}\n"
        "{\"id\": \"gz-2\", \"title\": \"Pinguine\", \"body\": \"Pinguine leben auf der "
        "Südhalbkugel und können nicht fliegen.\", \"lang\": \"de\"}\n";
    gzFile out = ::gzopen(gz.c_str(), "wb");
    REQUIRE(out != nullptr);
    REQUIRE(::gzwrite(out, content.data(), static_cast<unsigned>(content.size())) ==
            static_cast<int>(content.size()));
    REQUIRE(::gzclose(out) == Z_OK);

    const std::string index = tmp / "index";
    const Run r = lupe_index({"--index", index, gz, "--json"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const json s = parse_json(r);
    CHECK(s.at("added") == json({{"en", 1}, {"de", 1}}));
    CHECK(s.at("failed") == 0);
    CHECK(result_ids(search_json(index, {"kiwi"})) == std::vector<std::string>{"gz-1"});
    CHECK(result_ids(search_json(index, {"Pinguin"})) == std::vector<std::string>{"gz-2"});
}

// =======================================================================================
// 12. Symbolic links and file names (issue 8)

TEST_CASE("lupe-index: a symlink loop is passed over, or with --follow-symlinks reported") {
    TempDir tmp;
    const std::string src = tmp / "src";
    tmp.write("src/a/first.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    tmp.write("src/b/second.txt", "Heron report\n\nA heron waited in the reeds for fish.\n");
    fs::create_directory_symlink("..", fs::path(src) / "a" / "loop");  // src/a/loop -> src

    // Not following links, one that stays inside the tree is passed over silently.
    const Run plain = lupe_index({"--index", tmp / "plain", src, "--json"});
    INFO("stderr: " << plain.err);
    CHECK(plain.status == 0);
    CHECK(plain.err.empty());
    CHECK(parse_json(plain).at("added_total") == 2);

    const std::string index = tmp / "index";
    const Run r = lupe_index({"--index", index, src, "--json", "--follow-symlinks"});
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);  // a loop is a warning, not a failed document
    CHECK(has(r.err, "warning: " + src + "/a/loop: symbolic link loop"));
    CHECK(lines_of(r.err).size() == 1);
    const json s = parse_json(r);
    CHECK(s.at("added_total") == 2);  // each file once, not again through the loop
    CHECK(s.at("failed") == 0);
    CHECK(s.at("warnings") == 1);
    CHECK(s.at("documents_in_index") == 2);
    CHECK(result_ids(search_json(index, {"pelican"})) == std::vector<std::string>{"a/first.txt"});
    CHECK(result_ids(search_json(index, {"heron"})) == std::vector<std::string>{"b/second.txt"});
}

TEST_CASE("lupe-index: a symlink out of SOURCE is a note, --follow-symlinks follows it") {
    TempDir tmp;
    const std::string src = tmp / "src";
    tmp.write("src/a.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    tmp.write("outside/c.txt", "Heron report\n\nA heron waited in the reeds for fish.\n");
    fs::create_directory_symlink("../outside", fs::path(src) / "out");
    const std::string outside = fs::canonical(tmp / "outside").string();
    const std::string index = tmp / "index";

    const Run r = lupe_index({"--index", index, src, "--json"});
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);  // a note, not a failed document
    CHECK(lines_of(r.err) ==
          std::vector<std::string>{"lupe-index: warning: " + src + "/out: symbolic link to " +
                                   outside + " leads out of " + fs::canonical(src).string() +
                                   ", not followed (--follow-symlinks follows it)"});
    json s = parse_json(r);
    CHECK(s.at("added_total") == 1);
    CHECK(s.at("warnings") == 1);
    CHECK(s.at("failed") == 0);
    CHECK(search_json(index, {"heron"}).at("results").empty());

    const Run followed = lupe_index({"--index", index, src, "--json", "--follow-symlinks"});
    INFO("stderr: " << followed.err);
    CHECK(followed.status == 0);
    CHECK(followed.err.empty());
    CHECK(parse_json(followed).at("added_total") == 1);
    CHECK(result_ids(search_json(index, {"heron"})) == std::vector<std::string>{"out/c.txt"});

    // While the link is followed, the files behind it are in the run's scope: one deleted
    // there is deleted from the index.
    fs::remove(tmp / "outside/c.txt");
    const Run deleted = lupe_index({"--index", index, src, "--json", "--follow-symlinks"});
    CHECK(deleted.status == 0);
    CHECK(parse_json(deleted).at("deleted") == 1);
    CHECK(search_json(index, {"heron"}).at("results").empty());
}

TEST_CASE("lupe-index: a file indexed through a link gets its own id once links are not followed") {
    // With --follow-symlinks, src/alias/x.txt comes before src/sub/x.txt (the same file),
    // as it did in lupe 0.3, which followed every link. Without, the file is indexed under
    // its own path and the document under the link's path goes.
    TempDir tmp;
    const std::string src = tmp / "src";
    tmp.write("src/sub/x.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    tmp.write("src/y.txt", "Heron report\n\nA heron waited in the reeds for fish.\n");
    fs::create_directory_symlink("sub", fs::path(src) / "alias");
    const std::string index = tmp / "index";
    std::vector<std::string> shards;  // none: unsharded
    SUBCASE("unsharded") {}
    SUBCASE("in 3 shards, where the two ids belong to different shards") {
        shards = {"--shards", "3"};
    }
    std::vector<std::string> args = {"--index", index, src, "--json", "--follow-symlinks"};
    args.insert(args.end(), shards.begin(), shards.end());
    const Run first = lupe_index(args);
    INFO("stderr: " << first.err);
    REQUIRE(first.status == 0);
    CHECK(has(first.err, "already indexed as \"alias\""));
    REQUIRE(result_ids(search_json(index, {"pelican"})) == std::vector<std::string>{"alias/x.txt"});
    if (!shards.empty()) {
        // shard_of("alias/x.txt", 3) == 1 (FNV-1a 0x20893a6e50809146 % 3; shard 2 under
        // lupe 0.4's wrong offset basis), shard_of("sub/x.txt", 3) == 0.
        REQUIRE(result_ids(search_json(index + "/shard-1", {"pelican"})) ==
                std::vector<std::string>{"alias/x.txt"});
    }

    const Run second = lupe_index({"--index", index, src, "--json"});
    INFO("stderr: " << second.err);
    CHECK(second.status == 0);
    CHECK(second.err.empty());
    const json s = parse_json(second);
    CHECK(s.at("added_total") == 1);
    CHECK(s.at("deleted") == 1);
    CHECK(s.at("documents_in_index") == 2);
    CHECK(result_ids(search_json(index, {"pelican"})) == std::vector<std::string>{"sub/x.txt"});
    if (!shards.empty()) {
        CHECK(result_ids(search_json(index + "/shard-0", {"pelican"})) ==
              std::vector<std::string>{"sub/x.txt"});
    }

    const Run third = lupe_index({"--index", index, src, "--json"});
    const json t = parse_json(third);
    CHECK(t.at("files_read") == 0);
    CHECK(t.at("unchanged") == 2);
    CHECK(t.at("deleted") == 0);
}

TEST_CASE("lupe-index: file names that are not UTF-8 or hold control characters get escaped ids") {
    TempDir tmp;
    const std::string src = tmp / "src";
    tmp.write("src/caf\xE9.txt", "Latin-1 name\n\nA quokka in a cafe.\n");
    tmp.write("src/two\nlines.txt", "Newline name\n\nA wombat in two lines.\n");
    const std::string index = tmp / "index";
    const Run r = lupe_index({"--index", index, src, "--json"});
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(parse_json(r).at("added_total") == 2);
    CHECK(result_ids(search_json(index, {"quokka"})) == std::vector<std::string>{"caf%E9.txt"});
    CHECK(result_ids(search_json(index, {"wombat"})) ==
          std::vector<std::string>{"two%0Alines.txt"});
    // A rerun finds both files as they were.
    const json again = parse_json(lupe_index({"--index", index, src, "--json"}));
    CHECK(again.at("files_unchanged") == 2);
    CHECK(again.at("deleted") == 0);
}

// =======================================================================================
// 13. The embedding example

TEST_CASE("the embedding example indexes, searches and prints its hits") {
    TempDir tmp;
    const Run r = run({kExampleBin, tmp / "example-index"});
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    // Output: "QUERY:" then "  RANK. TITLE [ID] SNIPPET" lines per query.
    std::map<std::string, std::vector<std::string>> hits;
    std::string current;
    for (const auto& line : lines_of(r.out)) {
        if (line.rfind("  ", 0) == 0) {
            hits[current].push_back(line);
        } else if (!line.empty() && line.back() == ':') {
            current = line.substr(0, line.size() - 1);
            hits[current];
        }
    }
    REQUIRE(hits.count("Drohnen"));
    REQUIRE(hits.count("trained on Ascend"));
    REQUIRE_FALSE(hits["Drohnen"].empty());
    REQUIRE_FALSE(hits["trained on Ascend"].empty());
    CHECK(has(hits["Drohnen"][0], "1. Antigravity A1 [drone]"));
    CHECK(has(hits["Drohnen"][0], "[Drohne]"));
    CHECK(has(hits["trained on Ascend"][0], "1. DeepSeek and Huawei [deepseek]"));
    CHECK(has(hits["trained on Ascend"][0], "[train]"));
    CHECK(has(hits["trained on Ascend"][0], "[Ascend]"));
    CHECK(fs::is_directory(tmp / "example-index"));
}

// =======================================================================================
// 14. Relevance features (issue 3): compounds, folding, stopwords, "did you mean"

namespace {
const std::string kDrohnenherstellerId = "written/drohnenhersteller.md";
const std::string kTrainerId = "written/fussballtrainer.md";
const std::string kPaketId = "written/paketquellen.md";
const std::string kCafeDeId = "written/muenchen-cafe.md";
const std::string kCafeEnId = "written/munich-street-cafe.md";

std::vector<std::string> ids_for(const std::string& query, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-n", "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(query);
    return result_ids(search_json(corpus_index(), args));
}
}  // namespace

TEST_CASE("compounds: a part finds the German compound") {
    CHECK(contains(ids_for("Sicht"), kDroneId));               // Rundumsicht
    CHECK(contains(ids_for("Drohne"), kDrohnenherstellerId));  // Drohnenhersteller
    CHECK(contains(ids_for("Trainer"), kTrainerId));           // Fußballtrainer
    CHECK(contains(ids_for("Paket"), kPaketId));               // Paketquellen
    CHECK(contains(ids_for("Hersteller"), kDrohnenherstellerId));
    // A compound query word also finds its parts written apart, below the compound.
    CHECK(contains(ids_for("Fußballmannschaft"), kTrainerId));
}

TEST_CASE("compounds: switched off at index time, the parts no longer match") {
    TempDir tmp;
    const std::string index = tmp / "plain";
    REQUIRE(lupe_index({"--index", index, "--no-decompound", kCorpusDir + "/written"}).status == 0);
    CHECK_FALSE(contains(result_ids(search_json(index, {"Trainer"})), "fussballtrainer.md"));
    CHECK(contains(result_ids(search_json(index, {"Fußballtrainer"})), "fussballtrainer.md"));
    // An index records how it was analysed: a second run with other settings is refused.
    const Run mixed = lupe_index({"--index", index, kCorpusDir + "/written"});
    CHECK(mixed.status == 2);
    CHECK(has(mixed.err, "decompound=0"));
}

TEST_CASE("folding: spellings meet in both directions, in both languages") {
    for (const char* q : {"Strasse", "Straße", "Leopoldstrasse", "Muenchen", "München", "Munchen",
                          "Cafe", "Café"}) {
        CAPTURE(q);
        const auto ids = ids_for(q);
        CHECK(contains(ids, kCafeDeId));
        CHECK(contains(ids, kCafeEnId));
        CHECK(contains(ids_for(q, {"--lang", "en"}), kCafeEnId));
        CHECK(contains(ids_for(q, {"--lang", "de"}), kCafeDeId));
    }
}

TEST_CASE("stopwords: phrases and stopword-only queries keep them") {
    CHECK(ids_for("\"to be or not to be\"") == std::vector<std::string>{kCafeEnId});
    CHECK_FALSE(ids_for("to be or not to be").empty());  // only stopwords: searched as they are
    const json die_zeit = search_json(corpus_index(), {"-n", "50", "die Zeit"});
    CHECK(contains(result_ids(die_zeit), kCafeDeId));
    // "die" ranks, but adds no matches of its own: every hit has "Zeit" (or a compound of it).
    CHECK(die_zeit.at("results").size() == search_json(corpus_index(), {"-n", "50", "Zeit"}).at("results").size());
}

TEST_CASE("did you mean: offered, never run instead") {
    const json j = search_json(corpus_index(), {"Huawey Ascnd"});
    CHECK(j.at("suggestion") == "Huawei Ascend");
    CHECK(j.at("query") == "Huawey Ascnd");
    CHECK(j.at("results").empty());  // the query itself was run, and found nothing
    const Run text = lupe_search({"--index", corpus_index(), "Huawey Ascnd"});
    CHECK(text.status == 1);
    CHECK(has(text.out, "Did you mean: Huawei Ascend"));
    const json off = search_json(corpus_index(), {"--no-suggest", "Huawey Ascnd"});
    CHECK_FALSE(off.contains("suggestion"));
    CHECK_FALSE(search_json(corpus_index(), {"Huawei Ascend"}).contains("suggestion"));
    CHECK_FALSE(search_json(corpus_index(), {"Cafe"}).contains("suggestion"));
}

// Issue 18: words of the language that the corpus lacks ("weather", "last") or has rarely
// ("Fazit") were "corrected" into frequent neighbours ("water", "list", "fast").
TEST_CASE("did you mean: real words are left alone, typos are corrected") {
    for (const char* query : {"Fazit", "Fazit: Haushalt", "last", "weather Spain"}) {
        CAPTURE(query);
        CHECK_FALSE(search_json(corpus_index(), {query}).contains("suggestion"));
    }
    CHECK(search_json(corpus_index(), {"Huawie Ascend"}).at("suggestion") == "Huawei Ascend");
    CHECK(search_json(corpus_index(), {"Hauwei"}).at("suggestion") == "Huawei");
}

TEST_CASE("did you mean: --auto-correct runs the suggestion when nothing is found") {
    const json j = search_json(corpus_index(), {"--auto-correct", "Huawey Ascnd"});
    CHECK(j.at("query") == "Huawei Ascend");
    CHECK(j.at("corrected_from") == "Huawey Ascnd");
    CHECK_FALSE(j.contains("suggestion"));
    CHECK_FALSE(j.at("results").empty());
    const Run text = lupe_search({"--index", corpus_index(), "--auto-correct", "Huawey Ascnd"});
    CHECK(text.status == 0);
    CHECK(has(text.out, "Showing results for Huawei Ascend (no results for Huawey Ascnd)"));
    SUBCASE("a query that finds something runs as typed, with its suggestion") {
        // "Huawey" alone finds nothing, but with "Huawei" beside it the query finds
        const json found = search_json(corpus_index(), {"--auto-correct", "Huawei Ascnd"});
        CHECK(found.at("query") == "Huawei Ascnd");
        CHECK_FALSE(found.contains("corrected_from"));
        CHECK(found.at("suggestion") == "Huawei Ascend");
    }
    SUBCASE("nothing found and no suggestion: the query as typed") {
        const json none = search_json(corpus_index(), {"--auto-correct", "xyzzyq"});
        CHECK(none.at("query") == "xyzzyq");
        CHECK_FALSE(none.contains("corrected_from"));
        CHECK(none.at("results").empty());
    }
}

// =======================================================================================
// 15. Incremental runs (issue 4): add, modify, delete, rename

TEST_CASE("lupe-index is incremental: exact counts after add, modify, delete and rename") {
    TempDir tmp;
    const std::string src = tmp / "src";
    const std::string index = tmp / "index";
    fs::create_directories(src);
    tmp.write("src/a.md", "---\ntitle: Alpha\nlang: en\n---\nThe first document.\n");
    tmp.write("src/b.md", "---\ntitle: Beta\nlang: en\n---\nThe second document.\n");
    tmp.write("src/c.txt", "Gamma\nThe third document.\n");
    tmp.write("src/docs.jsonl",
              "{\"id\": \"j1\", \"title\": \"One\", \"body\": \"first line\", \"lang\": \"en\"}\n"
              "{\"id\": \"j2\", \"title\": \"Two\", \"body\": \"second line\", \"lang\": \"en\"}\n"
              "{\"id\": \"j3\", \"title\": \"Three\", \"body\": \"third line\", \"lang\": \"en\"}\n");
    const auto run_index = [&] {
        const Run r = lupe_index({"--index", index, src, "--json"});
        INFO("stderr: " << r.err);
        REQUIRE(r.status == 0);
        return parse_json(r);
    };
    json s = run_index();
    CHECK(s.at("added_total") == 6);
    CHECK(s.at("documents_in_index") == 6);

    // Nothing changed: nothing is read.
    s = run_index();
    CHECK(s.at("unchanged") == 6);
    CHECK(s.at("files_read") == 0);
    CHECK(s.at("added_total") == 0);

    // Modify b.md, delete c.txt, rename a.md, add d.md, and in the JSONL change j2,
    // drop j3 and add j4.
    tmp.write("src/b.md", "---\ntitle: Beta\nlang: en\n---\nThe second document, revised.\n");
    fs::remove(src + "/c.txt");
    fs::rename(src + "/a.md", src + "/a2.md");
    tmp.write("src/d.md", "---\ntitle: Delta\nlang: en\n---\nA new document.\n");
    tmp.write("src/docs.jsonl",
              "{\"id\": \"j1\", \"title\": \"One\", \"body\": \"first line\", \"lang\": \"en\"}\n"
              "{\"id\": \"j2\", \"title\": \"Two\", \"body\": \"second line, new\", \"lang\": \"en\"}\n"
              "{\"id\": \"j4\", \"title\": \"Four\", \"body\": \"fourth line\", \"lang\": \"en\"}\n");
    s = run_index();
    CHECK(s.at("added_total") == 3);    // a2.md, d.md, j4
    CHECK(s.at("updated_total") == 2);  // b.md, j2
    CHECK(s.at("deleted") == 3);        // a.md, c.txt, j3
    CHECK(s.at("unchanged") == 1);      // j1
    CHECK(s.at("documents_in_index") == 6);
    const auto ids = result_ids(search_json(index, {"-n", "20", "document OR line"}));
    CHECK(std::set<std::string>(ids.begin(), ids.end()) ==
          std::set<std::string>{"a2.md", "b.md", "d.md", "j1", "j2", "j4"});

    // A file that fails to read keeps its documents until it is read again.
    tmp.write("src/b.md", std::string("binary\0data", 11));
    const Run broken = lupe_index({"--index", index, src, "--json"});
    CHECK(broken.status == 1);
    CHECK(parse_json(broken).at("deleted") == 0);
    CHECK(contains(result_ids(search_json(index, {"revised"})), "b.md"));
}

TEST_CASE("lupe-index --jobs: any number of workers builds the same index") {
    TempDir tmp;
    const Run one = lupe_index({"--index", tmp / "one", kCorpusDir, "--json", "--jobs", "1"});
    const Run four = lupe_index({"--index", tmp / "four", kCorpusDir, "--json", "--jobs", "4"});
    INFO("stderr: " << one.err << four.err);
    REQUIRE(one.status == 0);
    REQUIRE(four.status == 0);
    CHECK(parse_json(one).at("added") == parse_json(four).at("added"));
    CHECK(parse_json(four).at("documents_in_index") == parse_json(one).at("documents_in_index"));
    // Same documents, same scores (the order of exact ties may differ: shards renumber).
    for (const char* q : {"Huawei Ascend training", "Drohne Rundumsicht", "\"to be or not to be\""}) {
        CAPTURE(q);
        const Run a = lupe_search({"--index", tmp / "one", "--json", "--limit", "5", q});
        const Run b = lupe_search({"--index", tmp / "four", "--json", "--limit", "5", q});
        REQUIRE(a.status == 0);
        REQUIRE(b.status == 0);
        const json ra = parse_json(a).at("results");
        const json rb = parse_json(b).at("results");
        REQUIRE(ra.size() == rb.size());
        for (std::size_t i = 0; i < ra.size(); ++i) {
            CHECK(ra[i].at("score").get<double>() == doctest::Approx(rb[i].at("score").get<double>()));
        }
        CHECK(ra.front().at("id") == rb.front().at("id"));
    }
    const Run zero = lupe_index({"--index", tmp / "zero", kCorpusDir, "--jobs", "0"});
    CHECK(zero.status == 2);
    CHECK(has(zero.err, "--jobs"));
}

TEST_CASE("search: every document with all the plain words ranks in the first tier") {
    // Regression: with Xapian's OP_AND_MAYBE for the first-tier bonus, documents whose
    // words matched through compound parts could miss the bonus (found on gesetze-de).
    for (const char* q : {"Drohne Rundumsicht", "Fußball Trainer", "Huawei Ascend training",
                          "Polizei Stadt", "Regierung Wahl", "government election"}) {
        CAPTURE(q);
        const Run all = lupe_search({"--index", corpus_index(), "--json", "--limit", "1000",
                                     "--snippet-length", "0", q});
        std::string and_query;
        std::istringstream words(q);
        for (std::string w; words >> w;) and_query += (and_query.empty() ? "" : " AND ") + w;
        const Run both = lupe_search({"--index", corpus_index(), "--json", "--limit", "1000",
                                      "--snippet-length", "0", and_query});
        REQUIRE((all.status == 0 || all.status == 1));
        REQUIRE((both.status == 0 || both.status == 1));
        std::set<std::string> first_tier, with_all;
        const json a = parse_json(all), b = parse_json(both);
        for (const auto& r : a.at("results")) {
            if (r.at("matched_all") == true) first_tier.insert(r.at("id").get<std::string>());
        }
        for (const auto& r : b.at("results")) with_all.insert(r.at("id").get<std::string>());
        CHECK(first_tier == with_all);
    }
}

TEST_CASE("search --time-limit: what it cut is said in text and JSON") {
    // The matcher finishes a match this small whatever the limit (test_trust_scores.cpp has
    // more); the stages after the deadline are skipped and say so.
    const Run text = lupe_search({"--index", corpus_index(), "--time-limit", "0.000000001", "Huawei"});
    INFO("status " << text.status << ", stdout: " << text.out << "\nstderr: " << text.err);
    CHECK(text.status <= 1);
    CHECK_FALSE(has(text.out, "reached its time limit"));
    CHECK(has(text.out, "Note: the time limit was reached"));
    const Run j = lupe_search({"--index", corpus_index(), "--json", "--time-limit", "0.000000001", "Huawei"});
    CHECK_FALSE(parse_json(j).contains("time_limited"));
    CHECK_FALSE(parse_json(j).at("notices").empty());
    const Run plain = lupe_search({"--index", corpus_index(), "--json", "Huawei"});
    CHECK_FALSE(parse_json(plain).contains("time_limited"));
    CHECK(lupe_search({"--index", corpus_index(), "--time-limit", "-1", "Huawei"}).status == 2);
}

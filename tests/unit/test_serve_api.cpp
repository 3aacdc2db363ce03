// lupe-serve's JSON API (apps/serve/api.cpp), in process: the route handlers called with
// Request objects on a small index, no HTTP. docs/api.md is the contract checked here.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "lupe/app/output.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "metrics.hpp"
#include "support/temp_dir.hpp"

using nlohmann::json;
using lupe::serve::Api;
using lupe::serve::ApiOptions;
using lupe::serve::Request;
using lupe::serve::Response;
using lupe::serve::SearchCall;

namespace {

// One index and one Api for the whole program: building an index per case would cost
// more than the cases themselves.
class Fixture {
public:
    static Fixture& get() {
        static Fixture fixture;
        return fixture;
    }
    Api& api() { return api_; }
    lupe::Searcher& searcher() { return searcher_; }
    lupe::serve::Metrics& metrics() { return metrics_; }
    static constexpr std::size_t kDocuments = 8;

private:
    static std::string build(const lupe::test::TempDir& dir) {
        const auto path = dir / "idx";
        lupe::IndexWriter w(path);
        w.add_document({.id = "deepseek", .title = "DeepSeek failed to train using Huawei chips",
                        .body = "The startup encountered technical issues during its training "
                                "process using Ascend chips.",
                        .lang = "en", .date = "2025-08-14", .source = "Ars Technica"});
        w.add_document({.id = "drone", .title = "Antigravity A1: Fliegen im Rausch der Rundumsicht",
                        .body = "Eine neuartige Drohne kombiniert Rundumsicht mit VR-Headset.",
                        .lang = "de", .date = "2025-08-01", .url = "https://golem.de/a1",
                        .source = "Golem.de", .author = "Jan Muster",
                        .categories = {"Technik", "Drohnen"}});
        w.add_document({.id = "altman", .title = "Sam Altman finally stood up to Elon Musk",
                        .body = "Elon Musk and Sam Altman are beefing over the App Store. "
                                "Training large models on chips is expensive.",
                        .lang = "en", .date = "2024-12-31", .source = "Ars Technica"});
        w.add_document({.id = "strasse", .title = "Die Straße nach München",
                        .body = "Der Verkehr auf der Straße war dicht. Drohnen überwachten ihn.",
                        .lang = "de", .date = "2023-05-02", .source = "Golem.de"});
        w.add_document({.id = "puces", .title = "Les puces de Huawei",
                        .body = "Huawei fabrique des puces pour l'entraînement des modèles.",
                        .lang = "fr", .date = "2025-02-10", .source = "Le Monde"});
        w.add_document({.id = "hamlet", .title = "Hamlet",
                        .body = "To be, or not to be, that is the question. Training of chips.",
                        .lang = "en"});
        w.add_document({.id = "rundum", .title = "Rundumsicht im Auto",
                        .body = "Kameras geben dem Fahrer Rundumsicht beim Einparken.",
                        .lang = "de", .date = "2024-03-03", .source = "Golem.de"});
        w.add_document({.id = "chips2", .title = "Chips and training budgets",
                        .body = "Training budgets for chips keep growing.", .lang = "en",
                        .date = "2025-01-20", .source = "Ars Technica"});
        w.commit();
        return path;
    }
    Fixture() : path_(build(dir_)), searcher_(path_), api_(searcher_, metrics_, ApiOptions{}) {}

    lupe::test::TempDir dir_;
    std::string path_;
    lupe::Searcher searcher_;
    lupe::serve::Metrics metrics_;
    Api api_;
};

Request request(const std::string& path,
                std::vector<std::pair<std::string, std::string>> params) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.params = std::move(params);
    return r;
}

Response call(const std::string& path, std::vector<std::pair<std::string, std::string>> params) {
    for (auto& route : Fixture::get().api().routes()) {
        if (route.path == path) return route.handler(request(path, std::move(params)));
    }
    FAIL("no route " << path);
    return {};
}

json body(const Response& r) { return json::parse(r.body); }

SearchCall parsed(std::vector<std::pair<std::string, std::string>> params) {
    auto out = Fixture::get().api().parse_search(request("/api/search", std::move(params)));
    REQUIRE(std::holds_alternative<SearchCall>(out));
    return std::get<SearchCall>(out);
}

// The error a parameter gets: its status, and the JSON error object.
json refused(std::vector<std::pair<std::string, std::string>> params, int status) {
    auto out = Fixture::get().api().parse_search(request("/api/search", std::move(params)));
    REQUIRE(std::holds_alternative<Response>(out));
    const auto& r = std::get<Response>(out);
    CHECK(r.status == status);
    CHECK(r.content_type == "application/json; charset=utf-8");
    const auto j = body(r);
    CHECK(j["api_version"] == 1);
    CHECK(j["error"]["status"] == status);
    return j["error"];
}

std::size_t sum(const json& values) {
    std::size_t n = 0;
    for (const auto& v : values) n += v["count"].get<std::size_t>();
    return n;
}

}  // namespace

TEST_CASE("api: json_error's shape") {
    const auto r = lupe::serve::json_error(404, "no such thing", R"({"parameter":"id"})");
    CHECK(r.status == 404);
    CHECK(body(r) == json::parse(R"({"api_version":1,"error":{"status":404,
                                     "message":"no such thing","parameter":"id"}})"));
    CHECK(body(lupe::serve::json_error(400, "bad")) ==
          json::parse(R"({"api_version":1,"error":{"status":400,"message":"bad"}})"));
}

TEST_CASE("api: search parameters, good values") {
    const auto d = parsed({{"q", "chips"}});
    CHECK(d.q == "chips");
    CHECK(d.options.limit == 10);
    CHECK(d.options.offset == 0);
    CHECK(d.options.facets);
    CHECK(d.options.snippet_length == 200);
    CHECK(d.options.time_limit_seconds == ApiOptions{}.time_limit_seconds);
    CHECK(d.options.facet_documents == ApiOptions{}.facet_documents);
    CHECK(d.options.highlight_open.empty());  // highlights as ranges, as lupe-search --json
    CHECK(d.options.sort == lupe::SortOrder::Relevance);
    CHECK(d.options.fields == lupe::SearchField::All);

    CHECK(parsed({{"q", "x"}, {"limit", "1"}}).options.limit == 1);
    CHECK(parsed({{"q", "x"}, {"limit", "100"}}).options.limit == 100);
    CHECK(parsed({{"q", "x"}, {"offset", "10000"}}).options.offset == 10000);
    // lang narrows by document language only (as its facet counted); query_lang stems.
    CHECK(parsed({{"q", "x"}, {"lang", "en"}}).options.filter_lang == "en");
    CHECK(parsed({{"q", "x"}, {"lang", "en"}}).options.lang.empty());
    CHECK(parsed({{"q", "x"}, {"query_lang", "de"}}).options.lang == "de");
    CHECK(parsed({{"q", "x"}, {"query_lang", "de"}}).options.filter_lang.empty());
    CHECK(parsed({{"q", ""}, {"lang", "en"}, {"query_lang", "de"}}).options.lang.empty());
    CHECK(parsed({{"q", "x"}, {"lang", "fr"}}).options.filter_lang == "fr");
    CHECK(parsed({{"q", "x"}, {"lang", "und"}}).options.filter_lang == "und");
    CHECK(parsed({{"q", "x"}, {"lang", "fr"}}).options.lang.empty());
    CHECK(parsed({{"q", ""}, {"lang", "de"}}).options.filter_lang == "de");  // nothing to stem
    CHECK(parsed({{"q", "x"}, {"sort", "newest"}}).options.sort == lupe::SortOrder::NewestFirst);
    CHECK(parsed({{"q", "x"}, {"sort", "oldest"}}).options.sort == lupe::SortOrder::OldestFirst);
    CHECK(parsed({{"q", "x"}, {"sort", "relevance"}}).options.sort == lupe::SortOrder::Relevance);
    CHECK(parsed({{"q", "x"}, {"from", "2025"}}).options.date_from == "2025");
    CHECK(parsed({{"q", "x"}, {"to", "2024-02-29"}}).options.date_to == "2024-02-29");
    CHECK(parsed({{"q", "x"}, {"source", "Golem.de"}}).options.filter_source == "Golem.de");
    CHECK(parsed({{"q", "x"}, {"title_only", "1"}}).options.fields == lupe::SearchField::Title);
    CHECK(parsed({{"q", "x"}, {"title_only", "true"}}).options.fields == lupe::SearchField::Title);
    CHECK(parsed({{"q", "x"}, {"title_only", "false"}}).options.fields == lupe::SearchField::All);
    CHECK_FALSE(parsed({{"q", "x"}, {"facets", "0"}}).options.facets);
    CHECK(parsed({{"q", "x"}, {"facets", "true"}}).options.facets);

    SUBCASE("year narrows from..to to itself") {
        const auto y = parsed({{"q", "x"}, {"year", "2025"}}).options;
        CHECK(y.date_from == "2025");
        CHECK(y.date_to == "2025");
        const auto inside = parsed({{"q", "x"}, {"year", "2025"}, {"from", "2025-03"},
                                    {"to", "2026-01-01"}}).options;
        CHECK(inside.date_from == "2025-03");
        CHECK(inside.date_to == "2025");
        const auto wider = parsed({{"q", "x"}, {"year", "2025"}, {"from", "2020"}}).options;
        CHECK(wider.date_from == "2025");
    }
    SUBCASE("unknown parameters are ignored, the first of repeated ones wins") {
        CHECK(parsed({{"q", "x"}, {"_", "1700000000"}, {"callback", "f"}}).options.limit == 10);
        const auto twice = parsed({{"q", "x"}, {"limit", "5"}, {"limit", "500"}});
        CHECK(twice.options.limit == 5);
    }
}

TEST_CASE("api: search parameters, bad values name the parameter and the range") {
    for (const char* bad : {"abc", "-1", "1e9", "999999999999999999999", "0", "101", "", " 5",
                            "+5", "5.0"}) {
        CAPTURE(bad);
        const auto e = refused({{"q", "x"}, {"limit", bad}}, 400);
        CHECK(e["parameter"] == "limit");
        CHECK(e["message"] == "parameter limit must be a whole number from 1 to 100");
    }
    for (const char* bad : {"-1", "10001", "x", "1e3"}) {
        CAPTURE(bad);
        const auto e = refused({{"q", "x"}, {"offset", bad}}, 400);
        CHECK(e["parameter"] == "offset");
        CHECK(e["message"] == "parameter offset must be a whole number from 0 to 10000");
    }
    for (const char* bad : {"EN", "english", "e", "d3", "de-DE"}) {
        CAPTURE(bad);
        CHECK(refused({{"q", "x"}, {"lang", bad}}, 400)["parameter"] == "lang");
    }
    for (const char* bad : {"fr", "EN", "und", "english"}) {
        CAPTURE(bad);
        CHECK(refused({{"q", "x"}, {"query_lang", bad}}, 400)["parameter"] == "query_lang");
    }
    CHECK(refused({{"q", "x"}, {"sort", "date"}}, 400)["message"] ==
          "parameter sort must be relevance, newest or oldest");
    for (const char* bad : {"2025-13", "2025-02-30", "2023-02-29", "20250101", "25", "x",
                            "2025-1-01"}) {
        CAPTURE(bad);
        const auto e = refused({{"q", "x"}, {"from", bad}}, 400);
        CHECK(e["parameter"] == "from");
        CHECK(e["message"] == "parameter from: date \"" + std::string(bad) +
                                  "\" is not YYYY, YYYY-MM or YYYY-MM-DD");
        CHECK(refused({{"q", "x"}, {"to", bad}}, 400)["parameter"] == "to");
    }
    for (const char* bad : {"25", "2025-01", "20x5", "02025"}) {
        CAPTURE(bad);
        CHECK(refused({{"q", "x"}, {"year", bad}}, 400)["parameter"] == "year");
    }
    const auto outside = refused({{"q", "x"}, {"year", "2023"}, {"from", "2024"}}, 400);
    CHECK(outside["parameter"] == "year");
    CHECK(outside["message"] == "parameter year 2023 lies outside the range of from and to");
    CHECK(refused({{"q", "x"}, {"year", "2025"}, {"to", "2024-12-31"}}, 400)["parameter"] ==
          "year");
    CHECK(refused({{"q", "x"}, {"title_only", "yes"}}, 400)["parameter"] == "title_only");
    CHECK(refused({{"q", "x"}, {"facets", "2"}}, 400)["parameter"] == "facets");

    const auto long_q = refused({{"q", std::string(1025, 'a')}}, 413);
    CHECK(long_q["parameter"] == "q");
    CHECK(long_q["message"] == "parameter q is longer than the limit of 1024 bytes");
    CHECK(parsed({{"q", std::string(1024, 'a')}}).q.size() == 1024);
}

TEST_CASE("api: /api/search requires q unless a filter is given") {
    for (auto params : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {}, {{"q", ""}}, {{"q", "  "}}, {{"q", ""}, {"sort", "newest"}}}) {
        const auto r = call("/api/search", params);
        CHECK(r.status == 400);
        CHECK(body(r)["error"]["parameter"] == "q");
    }

    // Dates alone are a query that only filters too, in the query syntax.
    const auto dated = parsed({{"q", ""}, {"year", "2025"}});
    CHECK(dated.q == "date:2025..2025");
    CHECK(parsed({{"from", "2024-06"}}).q == "date:2024-06..");
    const auto y = body(call("/api/search", {{"year", "2025"}}));
    CHECK(y["ranked"] == false);
    std::vector<std::string> ids;
    for (const auto& hit : y["results"]) ids.push_back(hit["id"]);
    CHECK(ids == std::vector<std::string>{"deepseek", "drone", "puces", "chips2"});  // newest first

    // A language or a source alone is one for the engine.
    const auto r = call("/api/search", {{"q", ""}, {"lang", "fr"}});
    CHECK(r.status == 200);
    const auto j = body(r);
    REQUIRE(j["results"].size() == 1);
    CHECK(j["results"][0]["id"] == "puces");
    CHECK(j["ranked"] == false);
}

TEST_CASE("api: /api/search is lupe-search --json's object plus the API's fields") {
    auto& f = Fixture::get();
    const auto r = call("/api/search", {{"q", "training chips"}, {"limit", "3"}, {"offset", "1"}});
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json; charset=utf-8");
    auto j = body(r);
    CHECK(j["api_version"] == 1);
    CHECK(j["offset"] == 1);
    CHECK(j["limit"] == 3);
    REQUIRE(j.contains("facets"));
    for (const char* key : {"exact", "counted", "lang", "source", "year"}) {
        CHECK(j["facets"].contains(key));
    }

    const auto call_options = parsed({{"q", "training chips"}, {"limit", "3"}, {"offset", "1"}});
    const auto results = f.searcher().search(call_options.q, call_options.options);
    const auto expected = json::parse(lupe::format_json(results));
    const auto compact = lupe::format_json(results, lupe::JsonLayout::Compact);
    CHECK(json::parse(compact) == expected);
    CHECK(compact.find('\n') == std::string::npos);
    for (const char* key : {"api_version", "offset", "limit", "facets"}) j.erase(key);
    CHECK(j == expected);
    CHECK(j["results"].size() == 3);
    CHECK(j["results"][0]["rank"] == 2);
    CHECK(j["results"][0].contains("highlights"));

    // The title's highlights, as byte ranges into the title, each at a word of the query
    // ("train", "Chips"); none in a title without one ("Hamlet").
    for (const auto& hit : j["results"]) {
        const std::string title = hit["title"];
        REQUIRE(hit["title_highlights"].is_array());
        const bool has_word = hit["id"] == "deepseek" || hit["id"] == "chips2";
        CHECK(hit["title_highlights"].empty() == !has_word);
        for (const auto& span : hit["title_highlights"]) {
            const std::size_t begin = span[0], end = span[1];
            REQUIRE(begin < end);
            REQUIRE(end <= title.size());
            const std::string word = title.substr(begin, end - begin);
            CHECK((word == "train" || word == "training" || word == "chips" || word == "Chips"));
        }
    }

    const auto off = body(call("/api/search", {{"q", "chips"}, {"facets", "0"}}));
    CHECK_FALSE(off.contains("facets"));
}

TEST_CASE("api: facets add up, and filtering by a value gives its count") {
    const auto j = body(call("/api/search", {{"q", "training chips huawei drohnen"}}));
    const auto& facets = j["facets"];
    REQUIRE(facets["exact"] == true);
    const auto total = j["total_estimate"].get<std::size_t>();
    CHECK(facets["counted"] == total);
    CHECK(sum(facets["lang"]) == total);
    CHECK(sum(facets["source"]) <= total);  // hamlet has no source
    CHECK(sum(facets["year"]) <= total);    // nor a date
    REQUIRE(facets["lang"].size() >= 2);

    for (const auto& [name, values] : {std::pair{"lang", facets["lang"]},
                                       std::pair{"source", facets["source"]},
                                       std::pair{"year", facets["year"]}}) {
        REQUIRE_FALSE(values.empty());
        for (const auto& v : values) {
            const auto value = v["value"].get<std::string>();
            CAPTURE(name);
            CAPTURE(value);
            const auto narrowed = body(
                call("/api/search", {{"q", "training chips huawei drohnen"}, {name, value}}));
            CHECK(narrowed["total_estimate"] == v["count"]);
            CHECK(narrowed["results"].size() == v["count"]);
        }
    }
}

TEST_CASE("api: a syntax error is answered 200 with its position, as lupe-search does") {
    const auto r = call("/api/search", {{"q", "(chips huawei"}});
    CHECK(r.status == 200);
    const auto j = body(r);
    CHECK(j["syntax_error"].get<std::string>().find("position") != std::string::npos);
    CHECK_FALSE(j["results"].empty());
}

TEST_CASE("api: a query beyond lupe's limits is 400 with its position") {
    auto& f = Fixture::get();
    ApiOptions options;
    options.max_query_bytes = 100000;
    Api api(f.searcher(), f.metrics(), options);
    const auto deep = std::string(40, '(') + "chips" + std::string(40, ')');
    auto out = api.run(std::get<SearchCall>(api.parse_search(request("/api/search", {{"q", deep}}))));
    REQUIRE(std::holds_alternative<Response>(out));
    const auto& r = std::get<Response>(out);
    CHECK(r.status == 400);
    const auto e = body(r)["error"];
    CHECK(e["parameter"] == "q");
    CHECK(e["position"].get<std::size_t>() > 0);
}

TEST_CASE("api: /api/suggest completes the last word") {
    auto j = body(call("/api/suggest", {{"q", "Rundum"}}));
    CHECK(j["api_version"] == 1);
    CHECK(j["q"] == "Rundum");
    REQUIRE_FALSE(j["completions"].empty());
    CHECK(j["completions"][0]["word"] == "rundumsicht");
    CHECK(j["completions"][0]["text"] == "rundumsicht");
    CHECK(j["completions"][0]["documents"] == 2);

    j = body(call("/api/suggest", {{"q", "fliegen im rundu"}}));
    REQUIRE_FALSE(j["completions"].empty());
    CHECK(j["completions"][0]["text"] == "fliegen im rundumsicht");

    j = body(call("/api/suggest", {{"q", "drohne title:rund"}}));
    REQUIRE_FALSE(j["completions"].empty());
    CHECK(j["completions"][0]["text"] == "drohne title:rundumsicht");

    j = body(call("/api/suggest", {{"q", "\"hamlet rund"}}));
    REQUIRE_FALSE(j["completions"].empty());
    CHECK(j["completions"][0]["text"] == "\"hamlet rundumsicht");

    CHECK(body(call("/api/suggest", {{"q", "rundum "}}))["completions"].empty());
    CHECK(body(call("/api/suggest", {{"q", ""}}))["completions"].empty());
    CHECK(body(call("/api/suggest", {{"q", "\"rundum\""}}))["completions"].empty());

    const auto one = body(call("/api/suggest", {{"q", "t"}, {"limit", "1"}}));
    CHECK(one["completions"].size() == 1);
    const auto all = body(call("/api/suggest", {{"q", "t"}}));
    CHECK(all["completions"].size() > 1);
    CHECK(all["completions"].size() <= 8);

    CHECK(call("/api/suggest", {}).status == 400);
    for (const char* bad : {"0", "21", "x"}) {
        const auto r = call("/api/suggest", {{"q", "t"}, {"limit", bad}});
        CHECK(r.status == 400);
        CHECK(body(r)["error"]["message"] == "parameter limit must be a whole number from 1 to 20");
    }
    CHECK(call("/api/suggest", {{"q", std::string(1025, 'a')}}).status == 413);
}

TEST_CASE("api: /api/doc gives the stored fields, 404 for an unknown id") {
    const auto r = call("/api/doc", {{"id", "drone"}});
    REQUIRE(r.status == 200);
    const auto j = body(r);
    CHECK(j["api_version"] == 1);
    const auto& d = j["document"];
    CHECK(d["id"] == "drone");
    CHECK(d["title"] == "Antigravity A1: Fliegen im Rausch der Rundumsicht");
    CHECK(d["lang"] == "de");
    CHECK(d["date"] == "2025-08-01");
    CHECK(d["url"] == "https://golem.de/a1");
    CHECK(d["source"] == "Golem.de");
    CHECK(d["author"] == "Jan Muster");
    CHECK(d["categories"] == json::array({"Technik", "Drohnen"}));
    CHECK(d["text"] == "Eine neuartige Drohne kombiniert Rundumsicht mit VR-Headset.");

    const auto missing = call("/api/doc", {{"id", "nope"}});
    CHECK(missing.status == 404);
    CHECK(body(missing)["error"]["parameter"] == "id");
    CHECK(call("/api/doc", {}).status == 400);
    CHECK(call("/api/doc", {{"id", ""}}).status == 400);
}

TEST_CASE("api: /api/similar is a search result without the document itself") {
    const auto r = call("/api/similar", {{"id", "chips2"}, {"limit", "5"}});
    REQUIRE(r.status == 200);
    const auto j = body(r);
    CHECK(j["api_version"] == 1);
    CHECK(j["id"] == "chips2");
    CHECK(j["limit"] == 5);
    CHECK(j.contains("facets"));
    REQUIRE_FALSE(j["results"].empty());
    for (const auto& hit : j["results"]) CHECK(hit["id"] != "chips2");

    const auto en = body(call("/api/similar", {{"id", "chips2"}, {"lang", "en"}}));
    for (const auto& hit : en["results"]) CHECK(hit["lang"] == "en");

    CHECK(call("/api/similar", {{"id", "nope"}}).status == 404);
    CHECK(call("/api/similar", {}).status == 400);
    const auto bad = call("/api/similar", {{"id", "chips2"}, {"limit", "0"}});
    CHECK(bad.status == 400);
    CHECK(body(bad)["error"]["parameter"] == "limit");
}

TEST_CASE("api: /healthz shows the index without its path") {
    const auto r = call("/healthz", {});
    REQUIRE(r.status == 200);
    const auto j = body(r);
    CHECK(j["api_version"] == 1);
    CHECK(j["status"] == "ok");
    CHECK(j["documents"] == Fixture::kDocuments);
    CHECK(j["generation"].is_string());
    REQUIRE(j["shards"].size() == 1);
    CHECK(j["shards"][0]["name"] == "idx");
    CHECK(j["shards"][0]["documents"] == Fixture::kDocuments);
    CHECK(j["shards"][0]["revision"].get<std::uint64_t>() > 0);
    CHECK(r.body.find("lupe-test-") == std::string::npos);  // no part of the temp dir's path
}

TEST_CASE("api: /metrics is Prometheus text with the index's series") {
    for (const auto& route : Fixture::get().api().routes()) {
        CHECK(route.pooled == (route.path.rfind("/api/", 0) == 0));
    }
    Fixture::get().metrics().record("search", 200, 0.003);
    const auto r = call("/metrics", {});
    REQUIRE(r.status == 200);
    CHECK(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
    CHECK(r.body.find("lupe_http_requests_total{") != std::string::npos);
    CHECK(r.body.find("endpoint=\"search\"") != std::string::npos);
    CHECK(r.body.find("lupe_index_documents " + std::to_string(Fixture::kDocuments)) !=
          std::string::npos);
    CHECK(r.body.find("lupe_search_time_limited_total") != std::string::npos);
    CHECK(r.body.back() == '\n');
    CHECK(r.body.find("lupe-test-") == std::string::npos);  // shard labels without paths
}

TEST_CASE("api: an index that cannot be read is 503 with Retry-After, without its path") {
    lupe::test::TempDir dir;
    const auto path = dir / "gone";
    {
        lupe::IndexWriter w(path);
        w.add_document({.id = "a", .title = "chips", .body = "chips and more chips", .lang = "en"});
        w.commit();
    }
    lupe::Searcher searcher(path);
    lupe::serve::Metrics metrics;
    Api api(searcher, metrics, ApiOptions{});
    std::filesystem::remove_all(path);
    for (auto& route : api.routes()) {
        CAPTURE(route.path);
        const auto r = route.handler(request(route.path, {{"q", "chips"}, {"id", "a"}}));
        if (route.path == "/metrics") {  // the counters are still served
            CHECK(r.status == 200);
            CHECK(r.body.find("lupe_search_time_limited_total") != std::string::npos);
            continue;
        }
        CHECK(r.status == 503);
        CHECK(std::find(r.headers.begin(), r.headers.end(),
                        std::pair<std::string, std::string>{"Retry-After", "2"}) != r.headers.end());
        CHECK(r.body.find(path) == std::string::npos);
        CHECK(r.body.find("lupe-test-") == std::string::npos);
    }
}

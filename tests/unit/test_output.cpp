#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "lupe/output.hpp"

using namespace lupe;

namespace {
lupe::SearchResults sample() {
    lupe::SearchResults r;
    r.query = "drohne";
    r.total_estimate = 7;
    lupe::Result hit;
    hit.rank = 1;
    hit.score = 12.5;
    hit.id = "news/a1.md";
    hit.title = "Antigravity A1";
    hit.lang = "de";
    hit.source = "Golem.de";
    hit.snippet.text = "Eine Drohne fliegt";
    hit.snippet.highlights.push_back({5, 11});
    r.results.push_back(hit);
    return r;
}
}  // namespace

TEST_CASE("format_json: the documented fields") {
    const auto j = nlohmann::json::parse(format_json(sample()));
    CHECK(j["query"] == "drohne");
    CHECK(j["total_estimate"] == 7);
    REQUIRE(j["results"].size() == 1);
    const auto& hit = j["results"][0];
    CHECK(hit["rank"] == 1);
    CHECK(hit["id"] == "news/a1.md");
    CHECK(hit["title"] == "Antigravity A1");
    CHECK(hit["lang"] == "de");
    CHECK(hit["score"] == 12.5);
    CHECK(hit["snippet"] == "Eine Drohne fliegt");
    CHECK(hit["highlights"] == nlohmann::json::array({nlohmann::json::array({5, 11})}));
    CHECK(hit["source"] == "Golem.de");
    CHECK_FALSE(hit.contains("date"));  // only when known
    CHECK_FALSE(j.contains("syntax_error"));
}

TEST_CASE("format_trec: one line per hit") {
    CHECK(format_trec("q7", sample()) == "q7 Q0 news/a1.md 1 12.5 lupe\n");
}

TEST_CASE("format_text: bold only with color") {
    const auto plain = format_text(sample(), 0, false);
    CHECK(plain.find("\x1b") == std::string::npos);
    CHECK(plain.find("1. Antigravity A1\n") == 0);
    CHECK(plain.find("Eine Drohne fliegt") != std::string::npos);
    CHECK(plain.find("Results 1-1 of about 7") != std::string::npos);
    const auto color = format_text(sample(), 0, true);
    CHECK(color.find("Eine \x1b[1mDrohne\x1b[0m fliegt") != std::string::npos);
    lupe::SearchResults none;
    none.query = "x";
    CHECK(format_text(none, 0, false) == "No results for \"x\".\n");
}

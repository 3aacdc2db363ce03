#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "lupe/app/output.hpp"

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

TEST_CASE("terminal_safe: escapes what could take over a terminal, keeps the rest") {
    CHECK(terminal_safe("Grüße, naïve café 東京 🙂") == "Grüße, naïve café 東京 🙂");
    CHECK(terminal_safe("a\tb\nc\rd") == "a b c d");
    CHECK(terminal_safe("\x1b[31mred\x07") == "\\x1B[31mred\\x07");
    CHECK(terminal_safe(std::string("nul\0!", 5)) == "nul\\x00!");
    CHECK(terminal_safe("del\x7f") == "del\\x7F");
    CHECK(terminal_safe("caf\xe9.txt") == "caf\\xE9.txt");            // Latin-1, not UTF-8
    CHECK(terminal_safe("trunc\xc3") == "trunc\\xC3");                // cut in a character
    CHECK(terminal_safe("\xed\xa0\x80") == "\\xED\\xA0\\x80");        // a surrogate
    CHECK(terminal_safe("c1\xc2\x9b" "31m") == "c1\\u009B31m");          // C1 CSI
    CHECK(terminal_safe("x\xc2\x85y\xe2\x80\xa8z") == "x y z");       // NEL, U+2028
    CHECK(terminal_safe("invoice\xe2\x80\xae" "fdp.exe") == "invoice\\u202Efdp.exe");  // RLO
}

TEST_CASE("format_text: document fields cannot inject escape sequences") {
    lupe::SearchResults r = sample();
    r.results[0].title = "evil \x1b]0;pwned\x07 title";
    r.results[0].id = "a\x1b[2Jb";
    r.results[0].url = "http://x/\x1b[31m";
    r.results[0].snippet.text = "Eine \x1b[5mDrohne fliegt";
    r.results[0].snippet.highlights = {{9, 15}};
    const auto plain = format_text(r, 0, false);
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(plain.find("evil \\x1B]0;pwned\\x07 title") != std::string::npos);
    CHECK(plain.find("Eine \\x1B[5mDrohne fliegt") != std::string::npos);
    // With color, the only escapes are lupe's own markers around the highlight.
    const auto color = format_text(r, 0, true);
    CHECK(color.find("Eine \\x1B[5m\x1b[1mDrohne\x1b[0m fliegt") != std::string::npos);
    std::size_t escapes = 0;
    for (char c : color) escapes += c == '\x1b';
    CHECK(escapes == 2);  // highlight on/off
    // A highlight in a hostile title: the title's own escapes stay escaped.
    r.results[0].title_highlights = {{0, 4}};
    const auto title_color = format_text(r, 0, true);
    CHECK(title_color.find("1. \x1b[1mevil\x1b[0m \\x1B]0;pwned\\x07 title\n") == 0);
    escapes = 0;
    for (char c : title_color) escapes += c == '\x1b';
    CHECK(escapes == 4);  // title highlight on/off, snippet highlight on/off
}

TEST_CASE("format_text and format_json: the title's highlights") {
    lupe::SearchResults r = sample();
    r.results[0].title = "Drohne mit Rundumsicht: Antigravity A1";
    r.results[0].title_highlights = {{0, 6}, {11, 22}};
    // Bold on a terminal, as the snippet's words; nothing without colour.
    const auto color = format_text(r, 0, true);
    CHECK(color.find("1. \x1b[1mDrohne\x1b[0m mit \x1b[1mRundumsicht\x1b[0m: Antigravity A1\n") == 0);
    CHECK(format_text(r, 0, false).find("1. Drohne mit Rundumsicht: Antigravity A1\n") == 0);
    // JSON: [begin, end) byte offsets into the title, beside the snippet's.
    const auto j = nlohmann::json::parse(format_json(r));
    const auto& hit = j["results"][0];
    CHECK(hit["title_highlights"] == nlohmann::json::array({nlohmann::json::array({0, 6}),
                                                            nlohmann::json::array({11, 22})}));
    const std::string title = hit["title"];
    CHECK(title.substr(11, 22 - 11) == "Rundumsicht");
    CHECK(hit["highlights"] == nlohmann::json::array({nlohmann::json::array({5, 11})}));
    CHECK_FALSE(hit.contains("title_marked"));  // only when markers were asked for
    r.results[0].title_marked = "<b>Drohne</b> mit <b>Rundumsicht</b>: Antigravity A1";
    CHECK(nlohmann::json::parse(format_json(r))["results"][0]["title_marked"] == r.results[0].title_marked);
    // A title without highlights has an empty list, always present.
    CHECK(nlohmann::json::parse(format_json(sample()))["results"][0]["title_highlights"] ==
          nlohmann::json::array());
}

TEST_CASE("format_json: a query that is not UTF-8 is replaced, not thrown") {
    lupe::SearchResults r;
    r.query = "caf\xe9";
    const auto j = nlohmann::json::parse(format_json(r));
    CHECK(j["query"] == "caf\xef\xbf\xbd");
}

TEST_CASE("format_text and format_json: notices of limits reached") {
    lupe::SearchResults r = sample();
    r.notices = {"the wildcard zq* matches more than 1000 terms: only the most frequent were searched"};
    CHECK(format_text(r, 0, false).find("Note: the wildcard zq* matches more than 1000 terms: "
                                        "only the most frequent were searched.\n") == 0);
    const auto j = nlohmann::json::parse(format_json(r));
    CHECK(j["notices"] == nlohmann::json::array({r.notices[0]}));
    CHECK_FALSE(nlohmann::json::parse(format_json(sample())).contains("notices"));
}

// The search page's HTML (apps/serve/page.cpp): html_escape, and the page rendered by the
// server for documents whose fields are hostile (markup in titles and snippets, a
// javascript: url), through Page's own routes on a small index written here.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "metrics.hpp"
#include "page.hpp"
#include "support/temp_dir.hpp"

using lupe::serve::html_escape;

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// One index, Api and Page for every case (built on first use).
struct PageFixture {
    lupe::test::TempDir dir;
    std::string path = dir / "index";
    std::vector<lupe::serve::Route> routes;
    lupe::serve::Metrics metrics;
    std::unique_ptr<lupe::Searcher> searcher;
    std::unique_ptr<lupe::serve::Api> api;
    std::unique_ptr<lupe::serve::Page> page;

    PageFixture() {
        {
            lupe::IndexWriter writer(path, {.default_lang = "en"});
            writer.add_document({.id = "hostile",
                                 .title = "<script>alert(1)</script><img src=x onerror=alert(2)>",
                                 .body = "The pelican <b>story</b> & \"quotes\" 'single' <i>pelican</i>",
                                 .lang = "en",
                                 .date = "2024-05-01",
                                 .url = "javascript:alert(3)",
                                 .source = "<Feed & Co>"});
            writer.add_document({.id = "web",
                                 .title = "Pelicans at the lake",
                                 .body = "A pelican colony nests by the lake every spring.",
                                 .lang = "en",
                                 .date = "2023-04-02",
                                 .url = "https://example.org/pelicans?a=1&b=2",
                                 .source = "Example"});
            writer.commit();
        }
        searcher = std::make_unique<lupe::Searcher>(path);
        api = std::make_unique<lupe::serve::Api>(*searcher, metrics, lupe::serve::ApiOptions{});
        page = std::make_unique<lupe::serve::Page>(*api);
        routes = page->routes();
    }

    lupe::serve::Response get(const std::string& path_name,
                              std::vector<std::pair<std::string, std::string>> params = {},
                              std::map<std::string, std::string> headers = {}) {
        lupe::serve::Request request;
        request.method = "GET";
        request.path = path_name;
        request.params = std::move(params);
        request.headers = std::move(headers);
        for (const auto& route : routes) {
            if (route.path == path_name) return route.handler(request);
        }
        FAIL("no route " << path_name);
        return {};
    }
};

PageFixture& fixture() {
    static PageFixture f;
    return f;
}

std::string header(const lupe::serve::Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return {};
}

}  // namespace

TEST_CASE("page: html_escape") {
    CHECK(html_escape("") == "");
    CHECK(html_escape("plain text, ümlaut") == "plain text, ümlaut");
    CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(html_escape("a & b") == "a &amp; b");
    CHECK(html_escape("\"double\" 'single'") == "&quot;double&quot; &#39;single&#39;");
    CHECK(html_escape("&amp;") == "&amp;amp;");  // escaped again: the text is text
    CHECK(html_escape(std::string_view("a\0b", 3)) == std::string("a\0b", 3));
}

TEST_CASE("page: hostile document fields are text, never markup") {
    auto& f = fixture();
    const auto response = f.get("/", {{"q", "pelican"}});
    REQUIRE(response.status == 200);
    const std::string& html = response.body;
    CHECK(response.content_type == "text/html; charset=utf-8");

    // The title, escaped; no element of it survives.
    CHECK(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"));
    CHECK_FALSE(contains(html, "<img"));
    CHECK_FALSE(contains(html, "<script>"));
    // The only script is the page's own, by path.
    CHECK(contains(html, "<script src=\"/assets/app.js\" defer></script>"));
    CHECK_FALSE(contains(html, "onerror=alert(2)>"));
    // A javascript: url is shown as text, not as a link.
    CHECK_FALSE(contains(html, "href=\"javascript:"));
    CHECK(contains(html, "<p class=\"url\">javascript:alert(3)</p>"));
    // An http(s) url is a link, escaped in its attribute.
    CHECK(contains(html, "<a href=\"https://example.org/pelicans?a=1&amp;b=2\""));
    // The snippet: markup in the body escaped, the highlights marked.
    CHECK(contains(html, "&lt;b&gt;story&lt;/b&gt; &amp; &quot;quotes&quot; &#39;single&#39;"));
    CHECK(contains(html, "<mark>pelican</mark>"));
    CHECK_FALSE(contains(html, "<b>story"));
    // The source, in the meta line and as a facet value.
    CHECK(contains(html, "<span class=\"source\">&lt;Feed &amp; Co&gt;</span>"));
    CHECK_FALSE(contains(html, "<Feed"));
}

TEST_CASE("page: a title's matching words are marked, the rest of it escaped") {
    auto& f = fixture();
    const auto response = f.get("/", {{"q", "pelican alert"}});
    REQUIRE(response.status == 200);
    const std::string& html = response.body;
    // The hostile title's words that match are marked inside its escaped text.
    CHECK(contains(html, "<span>&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"
                         "&lt;img src=x onerror=<mark>alert</mark>(2)&gt;</span>"));
    CHECK_FALSE(contains(html, "<script>"));
    CHECK_FALSE(contains(html, "<img"));
    // Another form of a query word, in a title that is a link.
    CHECK(contains(html, "rel=\"noopener noreferrer\"><mark>Pelicans</mark> at the lake</a>"));
    // A title with no word of the query has no mark.
    const auto lake = f.get("/", {{"q", "colony"}});
    CHECK(contains(lake.body, "rel=\"noopener noreferrer\">Pelicans at the lake</a>"));
}

TEST_CASE("page: the query and parameters are escaped wherever they appear") {
    auto& f = fixture();
    const std::string hostile = "\"><script>alert(4)</script>";
    const auto response = f.get("/", {{"q", hostile}, {"from", "\"><x>"}});
    const std::string& html = response.body;
    CHECK_FALSE(contains(html, "<script>alert(4)"));
    CHECK_FALSE(contains(html, "<x>"));
    CHECK(contains(html, "value=\"&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;\""));
}

TEST_CASE("page: facets narrow by links that keep the query") {
    auto& f = fixture();
    const auto response = f.get("/", {{"q", "pelican"}});
    REQUIRE(response.status == 200);
    CHECK(contains(response.body, "href=\"/?q=pelican&amp;year=2024\""));
    CHECK(contains(response.body, "href=\"/?q=pelican&amp;source=%3CFeed%20%26%20Co%3E\""));
    CHECK(contains(response.body, "<a class=\"similar\" href=\"/?similar=hostile\""));

    const auto narrowed = f.get("/", {{"q", "pelican"}, {"year", "2023"}});
    REQUIRE(narrowed.status == 200);
    CHECK(contains(narrowed.body, "<mark>Pelicans</mark> at the lake"));
    CHECK_FALSE(contains(narrowed.body, "&lt;script&gt;alert(1)"));
    // The active value links to the search without it, and stays in the form.
    CHECK(contains(narrowed.body, "class=\"active\" aria-current=\"true\" href=\"/?q=pelican\""));
    CHECK(contains(narrowed.body, "<input type=\"hidden\" name=\"year\" value=\"2023\">"));
}

TEST_CASE("page: errors are HTML with the API's status and message") {
    auto& f = fixture();
    const auto bad = f.get("/", {{"q", "pelican"}, {"from", "yesterday"}});
    CHECK(bad.status == 400);
    CHECK(bad.content_type == "text/html; charset=utf-8");
    CHECK(contains(bad.body, "This search cannot be run"));
    CHECK(contains(bad.body, "from"));

    const auto missing = f.get("/", {{"similar", "no-such-id"}});
    CHECK(missing.status == 404);
    CHECK(contains(missing.body, "no document has this id"));
}

TEST_CASE("page: a syntax error is shown with its position") {
    auto& f = fixture();
    const auto response = f.get("/", {{"q", "(pelican"}});
    REQUIRE(response.status == 200);
    CHECK(contains(response.body, "class=\"notice syntax\""));
    CHECK(contains(response.body, "<mark class=\"error-at\">"));
}

TEST_CASE("page: the welcome page without a query; the assets with ETag and caching") {
    auto& f = fixture();
    const auto home = f.get("/");
    CHECK(home.status == 200);
    CHECK(contains(home.body, "<link rel=\"stylesheet\" href=\"/assets/style.css\">"));
    CHECK_FALSE(contains(home.body, "<style"));
    CHECK_FALSE(contains(home.body, " style=\""));

    const auto js = f.get("/assets/app.js");
    CHECK(js.status == 200);
    CHECK(js.content_type == "text/javascript; charset=utf-8");
    CHECK(contains(js.body, "AbortController"));
    const std::string etag = header(js, "ETag");
    CHECK(etag.size() > 2);
    CHECK(contains(header(js, "Cache-Control"), "max-age="));
    const auto again = f.get("/assets/app.js", {}, {{"if-none-match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());

    const auto css = f.get("/assets/style.css");
    CHECK(css.status == 200);
    CHECK(css.content_type == "text/css; charset=utf-8");
    CHECK(contains(css.body, "prefers-color-scheme: dark"));
    CHECK(header(css, "ETag") != etag);
}

// lupe-serve's search page, rendered by the server (page.hpp). The page is whole without
// JavaScript: a GET form, results, facets as links, paging links. /assets/app.js then
// enhances the same markup (search as you type); it builds the same structure from
// /api/search, so the class names here are its contract too.
#include "page.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lupe/error.hpp"

namespace lupe::serve {

// The assets, embedded at build time by cmake/embed_assets.cmake (apps/CMakeLists.txt).
extern const unsigned char kAppJs[];
extern const std::size_t kAppJsSize;
extern const char kAppJsEtag[];
extern const unsigned char kStyleCss[];
extern const std::size_t kStyleCssSize;
extern const char kStyleCssEtag[];

namespace {

/// The assets change only with the binary, and their ETag with their content: a day is
/// long enough to save the requests, short enough that an upgrade shows within one.
constexpr std::string_view kAssetCacheControl = "public, max-age=86400";

/// Results per page; the API's default limit, so that the page and /api/search agree.
constexpr std::size_t kPageSize = 10;

/// The parameters a page link carries over (the narrowing ones and the query).
constexpr std::string_view kCarried[] = {"q", "lang", "query_lang", "source", "year", "from", "to", "sort"};

std::string url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

/// A link to "/" with the request's carried parameters, `changes` applied (an empty
/// value drops the parameter). Escaped for an attribute.
std::string page_link(const Request& request,
                      const std::vector<std::pair<std::string_view, std::string>>& changes) {
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto name : kCarried) {
        if (const auto* value = request.param(name); value && !value->empty()) {
            params.emplace_back(std::string(name), *value);
        }
    }
    for (const auto& [name, value] : changes) {
        std::erase_if(params, [&](const auto& p) { return p.first == name; });
        if (!value.empty()) params.emplace_back(std::string(name), value);
    }
    std::string link = "/";
    for (const auto& [name, value] : params) {
        link += link.size() == 1 ? '?' : '&';
        link += url_encode(name);
        link += '=';
        link += url_encode(value);
    }
    return html_escape(link);
}

/// Only http and https urls become links: a `javascript:` or `data:` url in a document
/// would run in the page's origin when clicked.
bool is_web_url(std::string_view url) {
    auto starts = [&](std::string_view scheme) {
        if (url.size() <= scheme.size()) return false;
        for (std::size_t i = 0; i < scheme.size(); ++i) {
            char c = url[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != scheme[i]) return false;
        }
        return true;
    };
    return starts("http://") || starts("https://");
}

/// A snippet's or a title's text with <mark> around its highlights; everything else
/// escaped. Highlights out of order or out of range (never from the engine) are skipped,
/// not trusted.
std::string marked_html(std::string_view text, const std::vector<Highlight>& highlights) {
    std::string out;
    std::size_t at = 0;
    for (const auto& h : highlights) {
        if (h.begin < at || h.end <= h.begin || h.end > text.size()) continue;
        out += html_escape(text.substr(at, h.begin - at));
        out += "<mark>";
        out += html_escape(text.substr(h.begin, h.end - h.begin));
        out += "</mark>";
        at = h.end;
    }
    out += html_escape(text.substr(at));
    return out;
}

/// The query with the character at `position` (1-based, in code points, as
/// QuerySyntaxError counts) marked; a position past the end marks the end.
std::string query_with_position(std::string_view query, std::size_t position) {
    std::size_t begin = query.size();
    std::size_t end = query.size();
    std::size_t count = 0;
    for (std::size_t i = 0; i < query.size(); ++i) {
        if ((static_cast<unsigned char>(query[i]) & 0xC0) == 0x80) continue;
        if (++count == position) {
            begin = i;
            end = i + 1;
            while (end < query.size() && (static_cast<unsigned char>(query[end]) & 0xC0) == 0x80) ++end;
            break;
        }
    }
    const std::string_view at = begin < end ? query.substr(begin, end - begin) : " ";
    return "<code class=\"query\">" + html_escape(query.substr(0, begin)) + "<mark class=\"error-at\">" +
           html_escape(at) + "</mark>" + html_escape(query.substr(end)) + "</code>";
}

/// "… at position 7" at the end of an engine message: 7, or nothing.
std::optional<std::size_t> trailing_position(std::string_view message) {
    constexpr std::string_view kMarker = "at position ";
    const auto at = message.rfind(kMarker);
    if (at == std::string_view::npos) return std::nullopt;
    std::size_t value = 0;
    std::size_t i = at + kMarker.size();
    if (i >= message.size()) return std::nullopt;
    for (; i < message.size() && message[i] >= '0' && message[i] <= '9'; ++i) {
        value = value * 10 + static_cast<std::size_t>(message[i] - '0');
        if (value > 1'000'000) return std::nullopt;
    }
    return value;
}

std::string_view text_param(const Request& request, std::string_view name) {
    const auto* value = request.param(name);
    return value ? std::string_view(*value) : std::string_view();
}

/// The page around `main`: head with the assets, the search form, and a footer.
std::string document_html(const Request& request, std::string_view title, const std::string& main) {
    const auto q = text_param(request, "q");
    std::string html;
    html.reserve(main.size() + 4096);
    html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"color-scheme\" content=\"light dark\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
    html += html_escape(title);
    // An empty icon: browsers otherwise ask for /favicon.ico, a 404 on every page.
    html += "</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/assets/style.css\">\n"
            "<script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n"
            "<header class=\"top\">\n<a class=\"brand\" href=\"/\" aria-label=\"lupe: new search\">"
            "lupe</a>\n<form id=\"search\" class=\"search\" role=\"search\" method=\"get\" action=\"/\">\n"
            "<div class=\"box\">\n<input id=\"q\" name=\"q\" type=\"search\" value=\"";
    html += html_escape(q);
    html += "\" placeholder=\"Search\" aria-label=\"Search\" autocomplete=\"off\" "
            "spellcheck=\"false\" autocapitalize=\"off\" enterkeyhint=\"search\" "
            "aria-autocomplete=\"list\" aria-controls=\"suggestions\" aria-expanded=\"false\">\n"
            "<ul id=\"suggestions\" class=\"suggestions\" role=\"listbox\" aria-label=\"Suggestions\" "
            "hidden></ul>\n<button type=\"submit\">Search</button>\n</div>\n"
            "<div class=\"range\">\n<label>From <input name=\"from\" value=\"";
    html += html_escape(text_param(request, "from"));
    html += "\" placeholder=\"YYYY-MM-DD\" inputmode=\"numeric\" size=\"10\" maxlength=\"10\"></label>\n"
            "<label>To <input name=\"to\" value=\"";
    html += html_escape(text_param(request, "to"));
    html += "\" placeholder=\"YYYY-MM-DD\" inputmode=\"numeric\" size=\"10\" maxlength=\"10\"></label>\n"
            "<label>Sort <select name=\"sort\">";
    const auto sort = text_param(request, "sort");
    for (const std::string_view option : {"relevance", "newest", "oldest"}) {
        html += "<option value=\"";
        html += option;
        html += '"';
        if (sort == option || (sort.empty() && option == "relevance")) html += " selected";
        html += '>';
        html += option;
        html += "</option>";
    }
    html += "</select></label>\n";
    // The narrowing facets stay on for a new query typed into the box.
    for (const std::string_view name : {"lang", "source", "year"}) {
        if (const auto value = text_param(request, name); !value.empty()) {
            html += "<input type=\"hidden\" name=\"";
            html += name;
            html += "\" value=\"" + html_escape(value) + "\">\n";
        }
    }
    html += "</div>\n</form>\n</header>\n<main id=\"main\">\n";
    html += main;
    html += "</main>\n<footer class=\"foot\"><p>Press <kbd>/</kbd> to search, <kbd>↑</kbd> "
            "<kbd>↓</kbd> to move, <kbd>Enter</kbd> to open. "
            "<a href=\"/healthz\">Status</a></p></footer>\n</body>\n</html>\n";
    return html;
}

/// An HTML response; the core adds its Content-Security-Policy (kContentSecurityPolicy) and
/// the other security headers.
Response html_response(int status, std::string body) {
    Response response;
    response.status = status;
    response.content_type = "text/html; charset=utf-8";
    response.body = std::move(body);
    return response;
}

/// A friendly page for an API error response (its JSON names the parameter or position).
Response error_page(const Request& request, const Response& error) {
    std::string message = "Something went wrong.";
    std::optional<std::size_t> position;
    try {
        const auto json = nlohmann::json::parse(error.body);
        message = json.at("error").at("message").get<std::string>();
        if (json["error"].contains("position")) position = json["error"]["position"].get<std::size_t>();
    } catch (const nlohmann::json::exception&) {
        // Not JSON: the generic message stands.
    }
    std::string main = "<section class=\"error\" role=\"alert\">\n<h1>";
    main += error.status == 503 ? "The index is not available right now"
            : error.status >= 500 ? "The search failed"
                                  : "This search cannot be run";
    main += "</h1>\n<p>" + html_escape(message) + "</p>\n";
    if (position) main += "<p>" + query_with_position(text_param(request, "q"), *position) + "</p>\n";
    main += error.status == 503 ? "<p>Please try again in a moment.</p>\n"
                                : "<p><a href=\"/\">Start a new search</a></p>\n";
    main += "</section>\n";
    auto response = html_response(error.status, document_html(request, "Error – lupe", main));
    for (const auto& header : error.headers) {
        if (header.first == "Retry-After") response.headers.push_back(header);
    }
    return response;
}

std::string facet_group(const Request& request, std::string_view name, std::string_view label,
                        const std::vector<FacetValue>& values) {
    const auto active = text_param(request, name);
    if (values.empty() && active.empty()) return {};
    std::string html = "<section class=\"facet\" data-facet=\"";
    html += name;
    html += "\">\n<h2>";
    html += label;
    html += "</h2>\n<ul>\n";
    if (!active.empty()) {
        html += "<li><a class=\"active\" aria-current=\"true\" href=\"" +
                page_link(request, {{name, ""}, {"offset", ""}}) + "\" data-param=\"";
        html += name;
        html += "\" data-value=\"\"><span class=\"value\">" + html_escape(active) +
                "</span><span class=\"remove\" aria-label=\"remove filter\">×</span></a></li>\n";
    }
    for (const auto& value : values) {
        if (value.value == active) continue;
        html += "<li><a href=\"" + page_link(request, {{name, value.value}, {"offset", ""}}) +
                "\" data-param=\"";
        html += name;
        html += "\" data-value=\"" + html_escape(value.value) + "\"><span class=\"value\">" +
                html_escape(value.value) + "</span><span class=\"count\">" +
                std::to_string(value.count) + "</span></a></li>\n";
    }
    html += "</ul>\n</section>\n";
    return html;
}

std::string result_html(const Result& result) {
    std::string html = "<li class=\"result\" data-id=\"" + html_escape(result.id) + "\">\n<h2 class=\"title\">";
    const std::string title = result.title.empty() ? html_escape(result.id)
                                                   : marked_html(result.title, result.title_highlights);
    if (is_web_url(result.url)) {
        html += "<a href=\"" + html_escape(result.url) + "\" rel=\"noopener noreferrer\">" + title + "</a>";
    } else {
        html += "<span>" + title + "</span>";
    }
    html += "</h2>\n";
    if (!result.url.empty()) html += "<p class=\"url\">" + html_escape(result.url) + "</p>\n";
    if (!result.snippet.text.empty()) html += "<p class=\"snippet\">" + marked_html(result.snippet.text, result.snippet.highlights) + "</p>\n";
    html += "<p class=\"meta\">";
    std::vector<std::string> parts;
    if (!result.date.empty()) {
        parts.push_back("<time datetime=\"" + html_escape(result.date) + "\">" + html_escape(result.date) + "</time>");
    }
    if (!result.lang.empty()) parts.push_back("<span class=\"lang\">" + html_escape(result.lang) + "</span>");
    if (!result.source.empty()) parts.push_back("<span class=\"source\">" + html_escape(result.source) + "</span>");
    if (result.duplicates > 0) {
        parts.push_back("<span class=\"dups\">+" + std::to_string(result.duplicates) + " more</span>");
    }
    for (std::size_t i = 0; i < parts.size(); ++i) html += (i ? " · " : "") + parts[i];
    html += "<a class=\"similar\" href=\"/?similar=" + html_escape(url_encode(result.id)) + "\" data-id=\"" +
            html_escape(result.id) + "\">More like this</a></p>\n</li>\n";
    return html;
}

/// The results part of the page (what app.js replaces as the user types).
std::string results_html(const Request& request, const SearchCall& call, const SearchResults& results,
                         std::string_view heading) {
    std::string html;
    if (!heading.empty()) html += "<h1 class=\"heading\">" + std::string(heading) + "</h1>\n";
    if (!results.syntax_error.empty()) {
        html += "<p class=\"notice syntax\">" + html_escape(results.syntax_error);
        if (const auto position = trailing_position(results.syntax_error)) {
            html += ": " + query_with_position(call.q, *position);
        }
        html += " — searched for <code>" + html_escape(results.query) + "</code> instead.</p>\n";
    }
    if (!results.suggestion.empty()) {
        html += "<p class=\"notice suggestion\">Did you mean <a href=\"" +
                page_link(request, {{"q", results.suggestion}, {"offset", ""}}) + "\" data-q=\"" +
                html_escape(results.suggestion) + "\">" +
                html_escape(results.suggestion) + "</a>?</p>\n";
    }
    for (const auto& notice : results.notices) {
        html += "<p class=\"notice\">" + html_escape(notice) + "</p>\n";
    }
    if (!results.missing_shards.empty()) {
        html += "<p class=\"notice\">" + std::to_string(results.missing_shards.size()) +
                " shard(s) could not be searched; results may be missing.</p>\n";
    }
    if (results.time_limited) {
        html += "<p class=\"notice\">The search stopped at its time limit; better matches may be "
                "missing.</p>\n";
    }
    const std::size_t offset = call.options.offset;
    const std::size_t total = results.total_estimate;
    html += "<p class=\"status\" role=\"status\">";
    if (results.results.empty()) {
        html += offset > 0 && total > 0 ? "No more results." : "No results.";
    } else {
        html += "Results " + std::to_string(offset + 1) + "–" +
                std::to_string(offset + results.results.size()) + " of <span class=\"total\">" +
                std::to_string(total) + "</span>";
    }
    html += "</p>\n<div class=\"layout\">\n<aside class=\"facets\" aria-label=\"Narrow the results\">\n";
    html += facet_group(request, "lang", "Language", results.facets.lang);
    html += facet_group(request, "source", "Source", results.facets.source);
    html += facet_group(request, "year", "Year", results.facets.year);
    if (!results.facets.exact && results.facets.counted > 0) {
        html += "<p class=\"approx\">Counts are estimates.</p>\n";
    }
    html += "</aside>\n<ol class=\"results\" start=\"" + std::to_string(offset + 1) + "\">\n";
    for (const auto& result : results.results) html += result_html(result);
    html += "</ol>\n</div>\n";
    const bool has_previous = offset > 0;
    const bool has_next = offset + results.results.size() < total && !results.results.empty();
    if (has_previous || has_next) {
        const std::size_t limit = call.options.limit;
        html += "<nav class=\"paging\" aria-label=\"Pages\">\n";
        if (has_previous) {
            const std::size_t previous = offset > limit ? offset - limit : 0;
            html += "<a rel=\"prev\" href=\"" +
                    page_link(request, {{"offset", previous ? std::to_string(previous) : ""}}) +
                    "\" data-offset=\"" + std::to_string(previous) + "\">← Previous</a>\n";
        }
        html += "<span class=\"page\">Page " + std::to_string(offset / limit + 1) + "</span>\n";
        if (has_next) {
            html += "<a rel=\"next\" href=\"" + page_link(request, {{"offset", std::to_string(offset + limit)}}) +
                    "\" data-offset=\"" + std::to_string(offset + limit) + "\">Next →</a>\n";
        }
        html += "</nav>\n";
    }
    return html;
}

std::string welcome_html() {
    return "<section class=\"welcome\">\n<h1>Search the index</h1>\n<p>Type words to find; "
           "<code>\"a phrase\"</code>, <code>-word</code> to leave out, <code>title:</code>, "
           "<code>date:2024</code>, <code>ascen*</code>; <code>AND</code>, <code>OR</code>, "
           "<code>NOT</code>.</p>\n</section>\n";
}

/// The call of a page request: parse_search with the page's own settings (facets on).
std::variant<SearchCall, Response> page_call(Api& api, const Request& request) {
    auto parsed = api.parse_search(request);
    if (auto* call = std::get_if<SearchCall>(&parsed)) {
        call->options.facets = true;
        if (!request.param("limit")) call->options.limit = kPageSize;
    }
    return parsed;
}

Response render_search(Api& api, const Request& request) {
    auto parsed = page_call(api, request);
    if (auto* error = std::get_if<Response>(&parsed)) return error_page(request, *error);
    const auto& call = std::get<SearchCall>(parsed);
    auto ran = api.run(call);
    if (auto* error = std::get_if<Response>(&ran)) return error_page(request, *error);
    const auto& results = std::get<SearchResults>(ran);
    return html_response(200, document_html(request, call.q + " – lupe",
                                            results_html(request, call, results, {})));
}

Response render_similar(Api& api, const Request& request, const std::string& id) {
    // The narrowing parameters apply as to a search; the page's request has no q.
    Request narrowed = request;
    std::erase_if(narrowed.params, [](const auto& p) { return p.first == "similar" || p.first == "q"; });
    auto parsed = page_call(api, narrowed);
    if (auto* error = std::get_if<Response>(&parsed)) return error_page(request, *error);
    const auto& call = std::get<SearchCall>(parsed);
    try {
        const auto document = api.searcher().document(id);
        auto results = api.searcher().similar(id, call.options);
        if (!document || !results) {
            return error_page(request, json_error(404, "no document has this id", "{\"parameter\":\"similar\"}"));
        }
        results->query.clear();  // its expand terms mean nothing to a reader
        const std::string title = document->title.empty() ? id : document->title;
        return html_response(200, document_html(narrowed, "Like " + title + " – lupe",
                                                results_html(narrowed, call, *results,
                                                             "More like “" + html_escape(title) + "”")));
    } catch (const InvalidArgumentError& e) {
        return error_page(request, json_error(400, e.what()));
    } catch (const RuntimeError&) {
        // Engine messages may name the index's path: not for a response.
        auto unavailable = json_error(503, "the index could not be read");
        unavailable.headers.emplace_back("Retry-After", std::string(kIndexRetryAfterSeconds));
        return error_page(request, unavailable);
    }
}

Response asset(std::string_view body, std::string_view content_type, std::string_view etag,
               const Request& request) {
    Response response;
    response.content_type = std::string(content_type);
    response.headers.emplace_back("ETag", std::string(etag));
    response.headers.emplace_back("Cache-Control", std::string(kAssetCacheControl));
    if (const auto* match = request.header("if-none-match"); match && match->find(etag) != std::string::npos) {
        response.status = 304;
        return response;
    }
    response.body = std::string(body);
    return response;
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

Page::Page(Api& api) : api_(api) {}

std::vector<Route> Page::routes() {
    std::vector<Route> routes;
    routes.push_back({"/", "page", true, [this](const Request& request) -> Response {
        try {
            if (const auto* id = request.param("similar"); id && !id->empty()) {
                return render_similar(api_, request, *id);
            }
            const auto* q = request.param("q");
            const bool narrowing = request.param("lang") || request.param("source") || request.param("year") ||
                                   request.param("from") || request.param("to");
            if ((!q || q->empty()) && !narrowing) {
                return html_response(200, document_html(request, "lupe", welcome_html()));
            }
            return render_search(api_, request);
        } catch (const std::exception&) {
            return error_page(request, json_error(500, "the page could not be rendered"));
        }
    }});
    routes.push_back({"/assets/app.js", "assets", false, [](const Request& request) {
        return asset({reinterpret_cast<const char*>(kAppJs), kAppJsSize}, "text/javascript; charset=utf-8", kAppJsEtag, request);
    }});
    routes.push_back({"/assets/style.css", "assets", false, [](const Request& request) {
        return asset({reinterpret_cast<const char*>(kStyleCss), kStyleCssSize}, "text/css; charset=utf-8", kStyleCssEtag, request);
    }});
    return routes;
}

}  // namespace lupe::serve

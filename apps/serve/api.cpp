#include "api.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lupe/app/output.hpp"
#include "lupe/error.hpp"

namespace lupe::serve {
namespace {

using nlohmann::json;

constexpr std::string_view kJsonType = "application/json; charset=utf-8";
constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
// /api/suggest's limit: a list under a search box, not a vocabulary dump.
constexpr std::size_t kMaxSuggestions = 20;
constexpr std::size_t kDefaultSuggestions = 8;
// The snippet length of every API answer: lupe-search's default, so that the API and
// the command line show the same passages.
constexpr std::size_t kSnippetLength = 200;

// Text for a response body: a query can hold bytes that are not UTF-8 only if the core
// let them through; they are replaced rather than thrown from a handler.
std::string dump(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response json_response(const json& value, int status = 200) {
    Response response;
    response.status = status;
    response.content_type = std::string(kJsonType);
    response.body = dump(value);
    return response;
}

Response parameter_error(int status, std::string_view parameter, const std::string& message) {
    return json_error(status, message, dump(json{{"parameter", parameter}}));
}

// 503 for an index that cannot be read. The library's message may name files on the
// server's disk: it goes to the log, the client gets a sentence without it.
Response unavailable(std::string_view what, const std::exception& error) {
    std::cerr << "lupe-serve: " << what << ": " << error.what() << '\n';
    auto response = json_error(503, "the index cannot be read at the moment; try again later");
    response.headers.emplace_back("Retry-After", std::string(kIndexRetryAfterSeconds));
    return response;
}

Response internal_error(std::string_view what, const std::exception& error) {
    std::cerr << "lupe-serve: " << what << ": " << error.what() << '\n';
    return json_error(500, "internal error");
}

// An unsigned decimal integer in [low, high]: digits only (no sign, no exponent, no
// spaces), so that "1e9", "-1" and "+5" are refused rather than read in part.
std::optional<std::size_t> parse_count(const std::string& text, std::size_t low,
                                       std::size_t high) {
    if (text.empty() || !std::all_of(text.begin(), text.end(),
                                     [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;  // overflow
    if (value < low || value > high) return std::nullopt;
    return static_cast<std::size_t>(value);
}

std::optional<bool> parse_flag(const std::string& text) {
    if (text == "1" || text == "true") return true;
    if (text == "0" || text == "false") return false;
    return std::nullopt;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a real day): what SearchOptions::date_from/date_to
// take. Checked here so that the 400 names the parameter; the engine checks it again.
bool is_iso_date(std::string_view text) {
    const auto digits = [&](std::size_t pos, std::size_t n, int& out) {
        out = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (text[i] < '0' || text[i] > '9') return false;
            out = out * 10 + (text[i] - '0');
        }
        return true;
    };
    int year = 0, month = 1, day = 1;
    if (text.size() != 4 && text.size() != 7 && text.size() != 10) return false;
    if (!digits(0, 4, year)) return false;
    if (text.size() >= 7 && (text[4] != '-' || !digits(5, 2, month) || month < 1 || month > 12)) {
        return false;
    }
    if (text.size() == 10) {
        static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (text[7] != '-' || !digits(8, 2, day) || day < 1 || day > kDays[month - 1]) return false;
        if (month == 2 && day == 29 && !is_leap(year)) return false;
    }
    return true;
}

// The first and last day a period covers, as comparable "YYYY-MM-DD" texts.
std::string first_day(const std::string& date) {
    return date.size() == 4 ? date + "-01-01" : date.size() == 7 ? date + "-01" : date;
}
std::string last_day(const std::string& date) {
    return date.size() == 4 ? date + "-12-31" : date.size() == 7 ? date + "-31" : date;
}

// A shard's name for a response: a local index by its directory's name only (a client
// has no business knowing the server's paths), a remote shard as named.
std::string public_name(const std::string& name) {
    if (name.find("://") != std::string::npos || name.find('/') == std::string::npos) return name;
    std::string_view trimmed = name;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
    const auto slash = trimmed.rfind('/');
    return std::string(slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1));
}

json facet_list(const std::vector<FacetValue>& values) {
    json out = json::array();
    for (const auto& v : values) out.push_back({{"value", v.value}, {"count", v.count}});
    return out;
}

// Whether a query text has any non-blank character.
bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// The word a search box's text ends in, as [start, end) of `q`: after the last blank,
// past query syntax that may lead a word (`"`, `(`, `+`, `-`, `field:`). Empty when the
// text ends in a blank or in syntax that closes a word (`"`, `)`, `*`).
std::pair<std::size_t, std::size_t> last_word(std::string_view q) {
    std::size_t start = q.size();
    while (start > 0 && !blank(q.substr(start - 1, 1))) --start;
    const auto colon = q.find_last_of(':');
    if (colon != std::string_view::npos && colon >= start) start = colon + 1;
    while (start < q.size() && (q[start] == '"' || q[start] == '(' || q[start] == '+' ||
                                q[start] == '-')) {
        ++start;
    }
    if (start < q.size() && (q.back() == '"' || q.back() == ')' || q.back() == '*')) {
        return {q.size(), q.size()};
    }
    return {start, q.size()};
}

// /api/search's object as text: lupe-search --json's, from its own formatter so that the
// two cannot drift apart, with the API's members (`extra`, api_version, offset, limit,
// facets) written in before its closing brace. Splicing costs a fraction of parsing the
// formatter's text into an object and writing that out again (measured: 30 against
// 200 us of CPU for ten hits).
std::string search_text(const SearchCall& call, const SearchResults& results, json extra = {}) {
    extra["api_version"] = kApiVersion;
    extra["offset"] = call.options.offset;
    extra["limit"] = call.options.limit;
    if (call.options.facets) {
        const auto& f = results.facets;
        extra["facets"] = {{"exact", f.exact},
                           {"counted", f.counted},
                           {"lang", facet_list(f.lang)},
                           {"source", facet_list(f.source)},
                           {"year", facet_list(f.year)}};
    }
    std::string text = format_json(results, JsonLayout::Compact);  // "{...}", never "{}"
    const std::string members = dump(extra);                        // "{...}"
    text.back() = ',';
    text.append(members, 1, members.size() - 2);
    text += "}";
    return text;
}

}  // namespace

Response json_error(int status, std::string_view message, std::string_view extra_json) {
    json error = {{"status", status}, {"message", message}};
    if (!extra_json.empty()) {
        const auto extra = json::parse(extra_json, nullptr, false);
        if (extra.is_object()) error.update(extra);
    }
    return json_response({{"api_version", kApiVersion}, {"error", std::move(error)}}, status);
}

Api::Api(Searcher& searcher, Metrics& metrics, ApiOptions options)
    : searcher_(searcher), metrics_(metrics), options_(options) {}

std::variant<SearchCall, Response> Api::parse_search(const Request& request) const {
    SearchCall call;
    auto& o = call.options;
    o.snippet_length = kSnippetLength;
    o.time_limit_seconds = options_.time_limit_seconds;
    o.facet_documents = options_.facet_documents;
    o.allow_partial = options_.allow_partial;
    o.facets = true;

    if (const auto* q = request.param("q")) {
        if (q->size() > options_.max_query_bytes) {
            return parameter_error(413, "q", "parameter q is longer than the limit of " +
                                                 std::to_string(options_.max_query_bytes) +
                                                 " bytes");
        }
        call.q = *q;
    }
    const auto count = [&](std::string_view name, std::size_t low, std::size_t high,
                           std::size_t& out) -> std::optional<Response> {
        const auto* text = request.param(name);
        if (!text) return std::nullopt;
        const auto value = parse_count(*text, low, high);
        if (!value) {
            return parameter_error(400, name, "parameter " + std::string(name) +
                                                  " must be a whole number from " +
                                                  std::to_string(low) + " to " +
                                                  std::to_string(high));
        }
        out = *value;
        return std::nullopt;
    };
    const auto flag = [&](std::string_view name, bool& out) -> std::optional<Response> {
        const auto* text = request.param(name);
        if (!text) return std::nullopt;
        const auto value = parse_flag(*text);
        if (!value) {
            return parameter_error(400, name, "parameter " + std::string(name) +
                                                  " must be 1, 0, true or false");
        }
        out = *value;
        return std::nullopt;
    };
    if (auto e = count("limit", 1, options_.max_limit, o.limit)) return *e;
    if (auto e = count("offset", 0, options_.max_offset, o.offset)) return *e;
    if (auto e = flag("facets", o.facets)) return *e;
    bool title_only = false;
    if (auto e = flag("title_only", title_only)) return *e;
    if (title_only) o.fields = SearchField::Title;

    // lang narrows to the documents of one language, exactly as its facet counted them
    // (so that a click on a facet value gives as many matches as it showed); query_lang
    // analyses the query as one language, as lupe-search --lang (its words stemmed for
    // it alone, and only documents in it match).
    if (const auto* lang = request.param("lang"); lang && !lang->empty()) {
        const bool code = (lang->size() == 2 || lang->size() == 3) &&
                          std::all_of(lang->begin(), lang->end(),
                                      [](char c) { return c >= 'a' && c <= 'z'; });
        if (!code) {
            return parameter_error(400, "lang",
                                   "parameter lang must be a language code of 2-3 lower-case "
                                   "letters such as \"en\", \"de\", \"fr\" or \"und\" "
                                   "(documents in that language)");
        }
        o.filter_lang = *lang;
    }
    if (const auto* lang = request.param("query_lang"); lang && !lang->empty()) {
        if (*lang != "en" && *lang != "de") {
            return parameter_error(400, "query_lang",
                                   "parameter query_lang must be \"en\" or \"de\" (the "
                                   "language the query is analysed as)");
        }
        if (!blank(call.q)) o.lang = *lang;
    }
    if (const auto* sort = request.param("sort"); sort && !sort->empty()) {
        if (*sort == "relevance") {
            o.sort = SortOrder::Relevance;
        } else if (*sort == "newest") {
            o.sort = SortOrder::NewestFirst;
        } else if (*sort == "oldest") {
            o.sort = SortOrder::OldestFirst;
        } else {
            return parameter_error(400, "sort",
                                   "parameter sort must be relevance, newest or oldest");
        }
    }
    for (const auto& [name, target] : {std::pair{"from", &o.date_from}, {"to", &o.date_to}}) {
        const auto* date = request.param(name);
        if (!date || date->empty()) continue;
        if (!is_iso_date(*date)) {
            return parameter_error(400, name, "parameter " + std::string(name) + ": date \"" +
                                                  *date +
                                                  "\" is not YYYY, YYYY-MM or YYYY-MM-DD");
        }
        *target = *date;
    }
    if (const auto* year = request.param("year"); year && !year->empty()) {
        if (year->size() != 4 || !is_iso_date(*year)) {
            return parameter_error(400, "year", "parameter year must be four digits (\"2025\")");
        }
        // Narrow from..to to the year; a range that excludes the year matches nothing,
        // which is a contradiction in the request rather than an empty answer.
        if ((!o.date_from.empty() && first_day(o.date_from) > last_day(*year)) ||
            (!o.date_to.empty() && last_day(o.date_to) < first_day(*year))) {
            return parameter_error(400, "year", "parameter year " + *year +
                                                    " lies outside the range of from and to");
        }
        if (o.date_from.empty() || first_day(o.date_from) < first_day(*year)) o.date_from = *year;
        if (o.date_to.empty() || last_day(o.date_to) > last_day(*year)) o.date_to = *year;
    }
    if (const auto* source = request.param("source"); source && !source->empty()) {
        o.filter_source = *source;
    }
    // The engine takes a language or source filter alone as a query that only filters,
    // but dates only narrow a query: dates alone are asked for in the query syntax.
    if (blank(call.q) && o.filter_lang.empty() && o.filter_source.empty() &&
        (!o.date_from.empty() || !o.date_to.empty())) {
        call.q = "date:" + o.date_from + ".." + o.date_to;
    }
    return call;
}

std::variant<SearchResults, Response> Api::run(const SearchCall& call) {
    try {
        auto results = searcher_.search(call.q, call.options);
        if (results.time_limited) metrics_.search_time_limited();
        return results;
    } catch (const QuerySyntaxError& e) {
        // With retries on only a query beyond lupe's limits gets here (QueryLimitError).
        return json_error(400, e.what(),
                          dump(json{{"parameter", "q"}, {"position", e.position()}}));
    } catch (const InvalidArgumentError& e) {
        return json_error(400, e.what());
    } catch (const RuntimeError& e) {
        return unavailable("search", e);
    } catch (const std::exception& e) {
        return internal_error("search", e);
    }
}

std::string Api::search_json(const SearchCall& call, const SearchResults& results) const {
    return search_text(call, results);
}

std::vector<Route> Api::routes() {
    std::vector<Route> out;

    out.push_back({"/api/search", "search", true, [this](const Request& request) {
        auto parsed = parse_search(request);
        if (auto* error = std::get_if<Response>(&parsed)) return std::move(*error);
        auto& call = std::get<SearchCall>(parsed);
        // (parse_search turned dates alone into a query.)
        if (blank(call.q) && call.options.filter_lang.empty() &&
            call.options.filter_source.empty()) {
            return parameter_error(400, "q",
                                   "parameter q is required (it may be empty only with a "
                                   "filter: lang, source, year, from or to)");
        }
        auto ran = run(call);
        if (auto* error = std::get_if<Response>(&ran)) return std::move(*error);
        Response response;
        response.content_type = std::string(kJsonType);
        try {
            response.body = search_json(call, std::get<SearchResults>(ran));
        } catch (const std::exception& e) {
            return internal_error("search", e);
        }
        return response;
    }});

    out.push_back({"/api/suggest", "suggest", true, [this](const Request& request) {
        const auto* q = request.param("q");
        if (!q) return parameter_error(400, "q", "parameter q is required");
        if (q->size() > options_.max_query_bytes) {
            return parameter_error(413, "q", "parameter q is longer than the limit of " +
                                                 std::to_string(options_.max_query_bytes) +
                                                 " bytes");
        }
        std::size_t limit = kDefaultSuggestions;
        if (const auto* text = request.param("limit")) {
            const auto value = parse_count(*text, 1, kMaxSuggestions);
            if (!value) {
                return parameter_error(400, "limit", "parameter limit must be a whole number "
                                                     "from 1 to " +
                                                         std::to_string(kMaxSuggestions));
            }
            limit = *value;
        }
        const auto [start, end] = last_word(*q);
        json completions = json::array();
        try {
            if (start < end) {
                for (const auto& c : searcher_.complete(std::string_view(*q).substr(start), limit)) {
                    completions.push_back({{"text", q->substr(0, start) + c.word},
                                           {"word", c.word},
                                           {"documents", c.documents}});
                }
            }
        } catch (const RuntimeError& e) {
            return unavailable("suggest", e);
        } catch (const std::exception& e) {
            return internal_error("suggest", e);
        }
        return json_response(
            {{"api_version", kApiVersion}, {"q", *q}, {"completions", std::move(completions)}});
    }});

    out.push_back({"/api/doc", "doc", true, [this](const Request& request) {
        const auto* id = request.param("id");
        if (!id || id->empty()) return parameter_error(400, "id", "parameter id is required");
        try {
            const auto doc = searcher_.document(*id);
            if (!doc) return parameter_error(404, "id", "no document has the id \"" + *id + "\"");
            json fields = {{"id", doc->id},         {"title", doc->title},
                           {"lang", doc->lang},     {"date", doc->date},
                           {"url", doc->url},       {"source", doc->source},
                           {"author", doc->author}, {"categories", doc->categories},
                           {"text", doc->body}};
            return json_response({{"api_version", kApiVersion}, {"document", std::move(fields)}});
        } catch (const RuntimeError& e) {
            return unavailable("doc", e);
        } catch (const std::exception& e) {
            return internal_error("doc", e);
        }
    }});

    out.push_back({"/api/similar", "similar", true, [this](const Request& request) {
        const auto* id = request.param("id");
        if (!id || id->empty()) return parameter_error(400, "id", "parameter id is required");
        auto parsed = parse_search(request);
        if (auto* error = std::get_if<Response>(&parsed)) return std::move(*error);
        auto& call = std::get<SearchCall>(parsed);
        // There are no query words to stem: a language is a filter here.
        if (!call.options.lang.empty()) std::swap(call.options.lang, call.options.filter_lang);
        call.q.clear();
        try {
            const auto results = searcher_.similar(*id, call.options);
            if (!results) return parameter_error(404, "id", "no document has the id \"" + *id + "\"");
            if (results->time_limited) metrics_.search_time_limited();
            Response response;
            response.content_type = std::string(kJsonType);
            response.body = search_text(call, *results, {{"id", *id}});
            return response;
        } catch (const InvalidArgumentError& e) {
            return json_error(400, e.what());
        } catch (const RuntimeError& e) {
            return unavailable("similar", e);
        } catch (const std::exception& e) {
            return internal_error("similar", e);
        }
    }});

    out.push_back({"/healthz", "healthz", false, [this](const Request&) {
        IndexStatus status;
        try {
            status = searcher_.status();
        } catch (const std::exception& e) {
            return unavailable("healthz", e);
        }
        json shards = json::array();
        std::string generation;
        for (const auto& s : status.shards) {
            shards.push_back({{"name", public_name(s.name)},
                              {"generation", s.generation},
                              {"revision", s.revision},
                              {"documents", s.documents}});
            if (!s.generation.empty() && generation.find(s.generation) == std::string::npos) {
                generation += (generation.empty() ? "" : ",") + s.generation;
            }
        }
        json body = {{"api_version", kApiVersion},
                     {"status", "ok"},
                     {"documents", status.documents},
                     {"generation", generation},
                     {"shards", std::move(shards)}};
        int code = 200;
        if (!status.missing.empty()) {
            json missing = json::array();
            for (const auto& name : status.missing) missing.push_back(public_name(name));
            body["missing"] = std::move(missing);
            // Searches fail while a shard is missing unless partial answers are allowed.
            body["status"] = options_.allow_partial ? "degraded" : "unavailable";
            if (!options_.allow_partial) code = 503;
        }
        auto response = json_response(body, code);
        if (code == 503) response.headers.emplace_back("Retry-After", std::string(kIndexRetryAfterSeconds));
        return response;
    }});

    out.push_back({"/metrics", "metrics", false, [this](const Request&) {
        IndexStatus status;
        try {
            status = searcher_.status();
        } catch (const std::exception& e) {
            // The counters are still worth scraping; the index series are left out.
            std::cerr << "lupe-serve: metrics: " << e.what() << '\n';
        }
        // Shard names become labels: no paths of the server's disk there either.
        for (auto& shard : status.shards) shard.name = public_name(shard.name);
        for (auto& name : status.missing) name = public_name(name);
        Response response;
        response.content_type = std::string(kMetricsType);
        response.body = metrics_.prometheus(status);
        return response;
    }});

    return out;
}

}  // namespace lupe::serve

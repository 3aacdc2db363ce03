// lupe-serve's HTTP core without a socket: strict query-string and path decoding, the
// Prometheus text of /metrics, and which addresses count as loopback (the warning).
#include <doctest/doctest.h>

#include <string>

#include "apps/serve/http_server.hpp"
#include "apps/serve/metrics.hpp"
#include "apps/serve/query_string.hpp"

using lupe::serve::decode_path;
using lupe::serve::decode_query_string;
using lupe::serve::is_loopback;
using lupe::serve::Metrics;

namespace {
using Params = std::vector<std::pair<std::string, std::string>>;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("query strings decode strictly") {
    SUBCASE("plus, escapes, pairs without '=' and empty pairs") {
        const auto decoded = decode_query_string("q=x+y%20z&lang=de&&flag&=v&a=1%262");
        CHECK(decoded.error.empty());
        CHECK(decoded.params == Params{{"q", "x y z"}, {"lang", "de"}, {"flag", ""}, {"", "v"},
                                       {"a", "1&2"}});
    }
    SUBCASE("empty") {
        CHECK(decode_query_string("").params.empty());
        CHECK(decode_query_string("&&").params.empty());
        CHECK(decode_query_string("&&").error.empty());
    }
    SUBCASE("UTF-8 from escapes and raw bytes, lower and upper case hex") {
        const auto decoded = decode_query_string("q=Stra%C3%9Fe&r=%c3%a4\xC3\xBC");
        CHECK(decoded.error.empty());
        CHECK(decoded.params == Params{{"q", "Straße"}, {"r", "äü"}});
    }
    SUBCASE("a '=' inside the value stays") {
        CHECK(decode_query_string("q=a=b").params == Params{{"q", "a=b"}});
    }
    SUBCASE("bad percent-encoding names the parameter and the byte") {
        for (const char* bad : {"q=ab%", "q=ab%4", "q=ab%zz", "q=ab%4g"}) {
            CAPTURE(bad);
            const auto decoded = decode_query_string(bad);
            CHECK(decoded.params.empty());
            CHECK(decoded.position == 4);
            CHECK(contains(decoded.error, "parameter \"q\""));
            CHECK(contains(decoded.error, "percent-encoding"));
            CHECK(contains(decoded.error, "byte 4"));
        }
        // Escapes are checked before UTF-8: the '%' at 12 is named, not the 0xFF at 9.
        const auto in_name = decode_query_string("limit=5&o%ff%=1");
        CHECK(in_name.position == 12);
        CHECK(contains(in_name.error, "parameter name"));
    }
    SUBCASE("bytes that are not UTF-8, and NUL") {
        struct Case {
            const char* query;
            std::size_t position;
        };
        for (const Case c : {Case{"q=%ff", 2}, Case{"q=ab%C3", 4}, Case{"q=%C0%AF", 2},  // overlong '/'
                             Case{"q=%ED%A0%80", 2},                                   // surrogate
                             Case{"q=%F4%90%80%80", 2},                                // > U+10FFFF
                             Case{"q=a\xE4", 3}, Case{"x=1&q=a%00b", 7}}) {
            CAPTURE(c.query);
            const auto decoded = decode_query_string(c.query);
            CHECK(decoded.params.empty());
            CHECK(!decoded.error.empty());
            CHECK(decoded.position == c.position);
        }
        CHECK(contains(decode_query_string("q=%00").error, "NUL"));
        CHECK(contains(decode_query_string("q=%ff").error, "UTF-8"));
    }
}

TEST_CASE("paths decode strictly, with '+' left alone") {
    CHECK(decode_path("/api/search") == std::pair<std::string, std::string>{"/api/search", ""});
    CHECK(decode_path("/a+b%20c").first == "/a+b c");
    CHECK(decode_path("/%2e%2e/etc").first == "/../etc");
    const auto [path, error] = decode_path("/api/%zz");
    CHECK(path.empty());
    CHECK(contains(error, "byte 5"));
    CHECK(!decode_path("/a%00").second.empty());
    CHECK(!decode_path("/a%ff").second.empty());
}

TEST_CASE("metrics in Prometheus text format 0.0.4") {
    Metrics metrics;
    // Durations that are exact in binary, so that their sum prints exactly.
    metrics.record("search", 200, 0.0625);
    metrics.record("search", 200, 0.25);  // on a bound: counts in it (le is "≤")
    metrics.record("search", 400, 0.000244140625);
    metrics.record("odd\"name\\\n", 404, 10);
    metrics.search_time_limited();
    metrics.rejected_busy();
    metrics.rejected_busy();
    metrics.set_gauges(7, 3);
    lupe::IndexStatus index;
    index.documents = 42;
    index.shards.push_back({"/srv/idx", "gen-000003", 17, 42});
    index.missing.push_back("remote x:1");
    const std::string text = metrics.prometheus(index);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');

    CHECK(contains(text, "# HELP lupe_http_requests_total "));
    CHECK(contains(text, "# TYPE lupe_http_requests_total counter\n"));
    CHECK(contains(text, "lupe_http_requests_total{endpoint=\"search\",status=\"200\"} 2\n"));
    CHECK(contains(text, "lupe_http_requests_total{endpoint=\"search\",status=\"400\"} 1\n"));
    CHECK(contains(text, "# TYPE lupe_http_request_duration_seconds histogram\n"));
    // cumulative buckets
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.0005\"} 1\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.05\"} 1\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.1\"} 2\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.25\"} 3\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"+Inf\"} 3\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_sum{endpoint=\"search\"} 0.312744140625\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_count{endpoint=\"search\"} 3\n"));
    // a duration beyond the last bound counts only in +Inf
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"odd\\\"name\\\\\\n\",le=\"5\"} 0\n"));
    CHECK(contains(text, "lupe_http_request_duration_seconds_bucket{endpoint=\"odd\\\"name\\\\\\n\",le=\"+Inf\"} 1\n"));
    CHECK(contains(text, "lupe_http_requests_total{endpoint=\"odd\\\"name\\\\\\n\",status=\"404\"} 1\n"));

    CHECK(contains(text, "# TYPE lupe_search_time_limited_total counter\nlupe_search_time_limited_total 1\n"));
    CHECK(contains(text, "lupe_http_rejected_busy_total 2\n"));
    CHECK(contains(text, "# TYPE lupe_http_connections_open gauge\nlupe_http_connections_open 7\n"));
    CHECK(contains(text, "lupe_http_requests_in_pool 3\n"));
    CHECK(contains(text, "lupe_index_documents 42\n"));
    CHECK(contains(text, "lupe_index_revision{shard=\"/srv/idx\",generation=\"gen-000003\"} 17\n"));
    CHECK(contains(text, "lupe_index_info{generation=\"gen-000003\"} 1\n"));
    CHECK(contains(text, "lupe_index_shards_missing 1\n"));
    CHECK(contains(text, "# TYPE lupe_start_time_seconds gauge\nlupe_start_time_seconds "));

    // Every sample line's family has HELP and TYPE before it; no line is empty.
    std::size_t start = 0;
    std::string family;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        CAPTURE(line);
        CHECK(!line.empty());
        if (line.starts_with("# TYPE ")) {
            family = line.substr(7, line.find(' ', 7) - 7);
        } else if (!line.starts_with("# HELP ")) {
            CHECK(!family.empty());
            CHECK(line.starts_with(family));
        }
        start = end + 1;
    }
}

TEST_CASE("metrics without requests or index still form a whole exposition") {
    Metrics metrics;
    const std::string text = metrics.prometheus({});
    CHECK(contains(text, "# TYPE lupe_http_requests_total counter\n"));
    CHECK(!contains(text, "lupe_http_requests_total{"));
    CHECK(contains(text, "lupe_index_documents 0\n"));
    CHECK(!contains(text, "lupe_index_info{"));
}

TEST_CASE("is_loopback") {
    CHECK(is_loopback("127.0.0.1"));
    CHECK(is_loopback("127.1.2.3"));
    CHECK(is_loopback("::1"));
    CHECK(is_loopback("::ffff:127.0.0.1"));
    CHECK_FALSE(is_loopback("0.0.0.0"));
    CHECK_FALSE(is_loopback("::"));
    CHECK_FALSE(is_loopback("192.168.1.10"));
    CHECK_FALSE(is_loopback("128.0.0.1"));
    CHECK_FALSE(is_loopback("::ffff:10.0.0.1"));
    CHECK_FALSE(is_loopback("localhost"));  // a name, not an address: lupe-serve wants one
    CHECK_FALSE(is_loopback(""));
}

// lupe-serve end to end: the real binary on a free loopback port (--listen 127.0.0.1:0 and
// the "listening on" line it prints), on the shipped corpus indexed by the real lupe-index.
// Every server a test starts is stopped by the test, by pid: SIGTERM and exit status 0, or
// SIGKILL when the test failed before (Child's destructor).
//
// Each TEST_CASE runs as a process of its own under CTest: the corpus index is built once
// per process (a function-local static), each case starts its own server on it (cheap).
// No assertion depends on how fast anything runs: waits have generous deadlines, and a
// race the test cannot control (a full queue) is retried until it shows, with only the
// statuses that are right either way accepted.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/xapian_server.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace lupe::test;
using namespace std::chrono_literals;

const std::string kServeBin = LUPE_SERVE_BIN;
const std::string kCorpusDir = LUPE_CORPUS_DIR;

// The index of the server started last: no JSON response may name it (nor /tmp).
std::string g_served_index;

// The request parameter that asks /api/search for facets.
const std::string kFacetsOn = "facets=1";

// ---------------------------------------------------------------------------------------
// The corpus index (one per process) and a lupe-serve on it

struct CorpusIndex {
    TempDir dir;
    std::string path = dir / "index";
    std::size_t documents = 0;  // as lupe-search counts them: every en and de document
    CorpusIndex() {
        const Run r = lupe_index({"--index", path, "--quiet", kCorpusDir});
        INFO("lupe-index: " << r.err);
        REQUIRE(r.status == 0);
        for (const char* lang : {"lang:en", "lang:de"}) {
            documents += search_json({"--index", path, "--limit", "1", lang})
                             .at("total_estimate")
                             .get<std::size_t>();
        }
        REQUIRE(documents > 500);
    }
};

const CorpusIndex& corpus() {
    static const CorpusIndex index;
    return index;
}

class Serve {
public:
    /// lupe-serve --index INDEX --listen 127.0.0.1:0 EXTRA..., ready for connections.
    Serve(const std::string& index, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> argv = {kServeBin, "--index", index, "--listen", "127.0.0.1:0"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        g_served_index = index;
        err_file_ = logs_ / "stderr";
        child_ = std::make_unique<Child>(argv, logs_ / "stdout", err_file_);
        const std::string marker = "lupe-serve: listening on http://127.0.0.1:";
        const auto deadline = Clock::now() + 60s;
        std::string err;
        for (;;) {
            err = read_file_if_any(err_file_);
            const auto at = err.find(marker);
            if (at != std::string::npos && err.find('\n', at) != std::string::npos) {
                port_ = static_cast<std::uint16_t>(std::stoul(err.substr(at + marker.size())));
                break;
            }
            INFO("lupe-serve " << describe(argv) << "\nstderr: " << err);
            REQUIRE_MESSAGE(!child_->poll(), "lupe-serve ended before it listened");
            REQUIRE_MESSAGE(Clock::now() < deadline, "lupe-serve did not say it listens");
            std::this_thread::sleep_for(10ms);
        }
        REQUIRE(port_ != 0);
    }
    ~Serve() {
        if (child_) child_->kill_and_wait();
    }

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return child_->pid(); }
    std::string err() const { return read_file_if_any(err_file_); }

    /// SIGTERM, then its exit status (SIGKILL after a minute: 128 + 9).
    int stop() {
        ::kill(child_->pid(), SIGTERM);
        if (auto status = child_->wait_until(Clock::now() + 60s)) return *status;
        return child_->kill_and_wait();
    }
    void require_stopped_cleanly() {
        const int status = stop();
        INFO("stderr: " << err());
        CHECK(status == 0);
    }

private:
    TempDir logs_;
    std::string err_file_;
    std::unique_ptr<Child> child_;
    std::uint16_t port_ = 0;
};

// ---------------------------------------------------------------------------------------
// Requests and what every response must be

std::string show(const HttpResponse& r) {
    std::string s = "status " + std::to_string(r.status) + (r.timed_out ? " (timed out)" : "");
    for (const auto& [name, value] : r.headers) s += "\n" + name + ": " + value;
    return s + "\n\n" + r.body.substr(0, 2000);
}

// Nothing of the server's disk in a response: not the index's path, nothing under /tmp.
void check_no_disk_paths(const HttpResponse& r, const std::string& index) {
    INFO(show(r));
    CHECK(r.body.find(index) == std::string::npos);
    CHECK(r.body.find("/tmp") == std::string::npos);
    CHECK(r.body.find(fs::path(index).parent_path().string()) == std::string::npos);
}

HttpResponse get(std::uint16_t port, const std::string& target) {
    return http_get(port, target, {}, 60);
}

json body_json(const HttpResponse& r) {
    INFO(show(r));
    json j;
    REQUIRE_NOTHROW(j = json::parse(r.body));
    REQUIRE(j.is_object());
    return j;
}

/// GET target, which must answer 200 with a JSON object of api_version 1.
json get_json(std::uint16_t port, const std::string& target) {
    const HttpResponse r = get(port, target);
    INFO("GET " << target);
    INFO(show(r));
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").find("application/json") == 0);
    check_no_disk_paths(r, g_served_index);
    json j = body_json(r);
    CHECK(j.value("api_version", 0) == 1);
    return j;
}

/// The error object of a response with this status: {"api_version":1,"error":{"status":S,
/// "message":…}}, the message not empty.
json check_error(const HttpResponse& r, int status, const std::string& what) {
    INFO(what);
    INFO(show(r));
    // not REQUIRE: a wrong status is reported, and the test goes on to the next case
    CHECK(r.status == status);
    check_no_disk_paths(r, g_served_index);
    CHECK(r.header("content-type").find("application/json") == 0);
    const json j = json::parse(r.body, nullptr, false);
    CHECK(j.is_object());
    if (r.status != status || !j.is_object()) return json::object();
    CHECK(j.value("api_version", 0) == 1);
    const bool has_error = j.contains("error") && j.at("error").is_object();
    CHECK(has_error);
    if (!has_error) return json::object();
    const json& e = j.at("error");
    CHECK(e.value("status", 0) == status);
    CHECK(!e.value("message", std::string()).empty());
    return e;
}

/// A 400 whose error names `parameter`.
void check_bad_parameter(std::uint16_t port, const std::string& target,
                         const std::string& parameter, const std::string& index) {
    const HttpResponse r = get(port, target);
    const json e = check_error(r, 400, "GET " + target);
    INFO("GET " << target << "\n" << show(r));
    CHECK(e.value("parameter", std::string()) == parameter);
    check_no_disk_paths(r, index);
}

void check_healthy(std::uint16_t port, const std::string& after) {
    INFO("after: " << after);
    const HttpResponse r = get(port, "/healthz");
    INFO(show(r));
    CHECK(r.status == 200);
    CHECK(body_json(r).value("status", std::string()) == "ok");
}

// "GET path" with `n` headers of `size` bytes each.
std::string header_flood(int n, std::size_t size) {
    std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 0; i < n; ++i) {
        request += "X-Flood-" + std::to_string(i) + ": " + std::string(size, 'a') + "\r\n";
    }
    return request + "Connection: close\r\n\r\n";
}

// ---------------------------------------------------------------------------------------
// /metrics, parsed: a sample's name with its labels sorted ("name{a=\"1\",b=\"2\"}") → value

std::map<std::string, double> parse_metrics(const std::string& text) {
    std::map<std::string, double> samples;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.rfind(' ');
        if (space == std::string::npos) continue;
        std::string key = line.substr(0, space);
        const auto brace = key.find('{');
        if (brace != std::string::npos) {
            // sort the labels so that the test does not depend on their order
            std::vector<std::string> labels;
            std::string inner = key.substr(brace + 1, key.size() - brace - 2);
            std::size_t p = 0;
            while (p < inner.size()) {
                std::size_t q = inner.find("\",", p);
                q = q == std::string::npos ? inner.size() : q + 1;
                labels.push_back(inner.substr(p, q - p));
                p = q + 1;
            }
            std::sort(labels.begin(), labels.end());
            key = key.substr(0, brace) + "{";
            for (std::size_t i = 0; i < labels.size(); ++i) key += (i ? "," : "") + labels[i];
            key += "}";
        }
        samples[key] = std::stod(line.substr(space + 1));
    }
    return samples;
}

std::map<std::string, double> metrics(std::uint16_t port) {
    const HttpResponse r = get(port, "/metrics");
    INFO(show(r));
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").find("text/plain") == 0);
    return parse_metrics(r.body);
}

double sample(const std::map<std::string, double>& m, const std::string& key) {
    const auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
}

std::string requests_key(const std::string& endpoint, int status) {
    return "lupe_http_requests_total{endpoint=\"" + endpoint + "\",status=\"" +
           std::to_string(status) + "\"}";
}

// ---------------------------------------------------------------------------------------
// /api/search against lupe-search --json

// The same JSON values; numbers within rounding (scores are printed by two programs).
void check_same_json(const json& served, const json& cli, const std::string& where) {
    INFO("at " << where);
    if (cli.is_number() && served.is_number()) {
        CHECK(served.get<double>() == doctest::Approx(cli.get<double>()).epsilon(1e-9));
    } else if (cli.is_object() && served.is_object()) {
        for (const auto& [key, value] : cli.items()) {
            INFO("member " << key);
            CHECK(served.contains(key));
            if (served.contains(key)) check_same_json(served.at(key), value, where + "." + key);
        }
        for (const auto& [key, value] : served.items()) {
            if (where == "" && (key == "api_version" || key == "offset" || key == "limit" ||
                                key == "facets")) {
                continue;
            }
            INFO("member " << key << " only in the server's answer");
            CHECK(cli.contains(key));
        }
    } else if (cli.is_array() && served.is_array()) {
        CHECK(served.size() == cli.size());
        for (std::size_t i = 0; i < std::min(served.size(), cli.size()); ++i) {
            check_same_json(served[i], cli[i], where + "[" + std::to_string(i) + "]");
        }
    } else {
        CHECK(served == cli);
    }
}

}  // namespace

// =======================================================================================

TEST_CASE("lupe-serve: every endpoint, as lupe-search --json answers on the same index") {
    const CorpusIndex& index = corpus();
    // The same time limit for the server and lupe-search, and one that a loaded machine
    // (the sanitizer build) does not reach: a stage it cuts would differ between the two.
    Serve serve(index.path, {"--time-limit", "30"});
    const auto port = serve.port();

    SUBCASE("/api/search: the same object as lupe-search --json, plus the API's fields") {
        struct Case {
            std::string params;           // besides q
            std::vector<std::string> cli;  // the same as lupe-search options
        };
        const std::vector<std::string> queries = {"Huawei Ascend training", "Drohnen Rundumsicht",
                                                  "Stadt Berlin", "football club",
                                                  "\"prime minister\"", "Huawey Ascnd",
                                                  "(chip NOT Huawei"};
        const std::vector<Case> cases = {
            {"", {}},
            {"&limit=3&offset=2", {"--limit", "3", "--offset", "2"}},
            {"&query_lang=de", {"--lang", "de"}},
            {"&sort=newest", {"--sort", "newest"}},
            {"&from=2019-01-01&to=2019-12-31", {"--from", "2019-01-01", "--to", "2019-12-31"}},
            {"&title_only=1", {"--title-only"}},
        };
        // Every query with the default options, every option with one query (each run of
        // lupe-search opens the index and reads the German word list: they add up). Two
        // at a time: more would only queue for the two cores, and a search that waits
        // long enough for one skips its snippets (its time limit).
        std::vector<std::pair<std::string, Case>> calls;
        for (const auto& q : queries) calls.emplace_back(q, cases[0]);
        for (std::size_t c = 1; c < cases.size(); ++c) calls.emplace_back("Stadt Berlin", cases[c]);
        const auto start_run = [&](std::size_t i) {
            std::vector<std::string> args = {"--json", "--index", index.path, "--time-limit",
                                             "30"};
            args.insert(args.end(), calls[i].second.cli.begin(), calls[i].second.cli.end());
            args.push_back(calls[i].first);
            return std::async(std::launch::async, [args] { return lupe_search(args); });
        };
        std::future<Run> next = start_run(0);
        for (std::size_t i = 0; i < calls.size(); ++i) {
            const auto& [q, c] = calls[i];
            const Run run = next.get();
            if (i + 1 < calls.size()) next = start_run(i + 1);
            const std::string target = "/api/search?q=" + url_encode(q) + c.params;
            CAPTURE(target);
            INFO("lupe-search stderr: " << run.err);
            REQUIRE((run.status == 0 || run.status == 1));
            const json cli = parse_json(run);
            // Facets off: counting them makes the matcher see every match, and then
            // total_estimate is exact where lupe-search's may be an estimate.
            const json served = get_json(port, target + "&facets=0");
            check_same_json(served, cli, "");
            CHECK(served.contains("offset"));
            CHECK(served.contains("limit"));
            CHECK(!served.contains("facets"));
            // with facets (the default): the same page of results
            const json faceted = get_json(port, target);
            CHECK(faceted.contains("facets"));
            check_same_json(faceted.at("results"), cli.at("results"), "results");
            CHECK(faceted.value("query", std::string()) == cli.value("query", std::string()));
        }
        // the documented default page
        const json page = get_json(port, "/api/search?q=Stadt");
        CHECK(page.value("offset", -1) == 0);
        CHECK(page.value("limit", -1) == 10);
    }

    SUBCASE("/api/suggest: completions of the last word, German compounds included") {
        const json j = get_json(port, "/api/suggest?q=Rundum");
        CHECK(j.value("q", std::string()) == "Rundum");
        bool found = false;
        for (const auto& c : j.at("completions")) {
            CHECK(c.value("documents", 0) > 0);
            if (c.value("word", std::string()) == "rundumsicht") {
                found = true;
                CHECK(c.value("text", std::string()) == "rundumsicht");
            }
        }
        CHECK_MESSAGE(found, j.dump());

        const json two = get_json(port, "/api/suggest?q=" + url_encode("Drohnen Rundum"));
        found = false;
        for (const auto& c : two.at("completions")) {
            if (c.value("word", std::string()) == "rundumsicht") {
                found = true;
                CHECK(c.value("text", std::string()) == "Drohnen rundumsicht");
            }
        }
        CHECK_MESSAGE(found, two.dump());
        CHECK(get_json(port, "/api/suggest?q=").at("completions").empty());
    }

    SUBCASE("/api/doc: the stored fields; 404 for an unknown id") {
        std::ifstream in(kCorpusDir + "/wikinews-en.jsonl");
        std::string line;
        REQUIRE(std::getline(in, line));
        const json source = json::parse(line);
        const std::string id = source.at("id");
        const json j = get_json(port, "/api/doc?id=" + url_encode(id));
        REQUIRE(j.contains("document"));
        const json& d = j.at("document");
        CHECK(d.value("id", std::string()) == id);
        for (const char* field : {"title", "lang", "date", "url", "source"}) {
            CAPTURE(field);
            CHECK(d.value(field, std::string()) == source.at(field).get<std::string>());
        }
        const std::string body = source.at("body");
        CHECK(d.value("text", std::string()).find(body.substr(0, 200)) != std::string::npos);

        const json md =
            get_json(port, "/api/doc?id=" + url_encode("news/antigravity-a1-drohne.md"));
        CHECK(md.at("document").value("title", std::string()) ==
              "Antigravity A1: Fliegen im Rausch der Rundumsicht");
        CHECK(md.at("document").value("lang", std::string()) == "de");

        const HttpResponse unknown = get(port, "/api/doc?id=no-such-document");
        check_error(unknown, 404, "unknown id");
        check_error(get(port, "/api/doc"), 400, "no id");
    }

    SUBCASE("/api/similar: other documents, never the document itself; 404 unknown") {
        for (const std::string id : {"news/deepseek-huawei-ascend.md", "wn-en-2019-0001",
                                     "news/antigravity-a1-drohne.md"}) {
            CAPTURE(id);
            const json j = get_json(port, "/api/similar?id=" + url_encode(id) + "&limit=20");
            CHECK(j.value("api_version", 0) == 1);
            REQUIRE(j.contains("results"));
            CHECK(!j.at("results").empty());
            CHECK(j.at("results").size() <= 20);
            for (const auto& r : j.at("results")) CHECK(r.value("id", std::string()) != id);
        }
        check_error(get(port, "/api/similar?id=no-such-document"), 404, "unknown id");
    }

    SUBCASE("keep-alive: several requests on one connection") {
        HttpConnection connection(port);
        for (const auto& [target, status] : std::vector<std::pair<std::string, int>>{
                 {"/healthz", 200}, {"/api/search?q=Stadt", 200}, {"/api/doc?id=x", 404},
                 {"/api/suggest?q=Rund", 200}, {"/", 200}}) {
            CAPTURE(target);
            REQUIRE(connection.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            const HttpResponse r = connection.read_response(60);
            INFO(show(r));
            CHECK(r.status == status);
            CHECK(!r.timed_out);
        }
    }

    SUBCASE("/healthz: the index's document count and generation") {
        const HttpResponse r = get(port, "/healthz");
        check_no_disk_paths(r, index.path);
        const json j = get_json(port, "/healthz");
        CHECK(j.value("status", std::string()) == "ok");
        CHECK(j.value("documents", std::size_t{0}) == index.documents);
        CHECK(j.contains("generation"));
        REQUIRE(j.contains("shards"));
        CHECK(j.at("shards").size() == 1);
    }

    SUBCASE("/metrics: counters by endpoint and status grow, histogram, index series") {
        const auto before = metrics(port);
        for (int i = 0; i < 3; ++i) get_json(port, "/api/search?q=Stadt");
        check_error(get(port, "/api/search?q=Stadt&limit=x"), 400, "bad limit");
        check_error(get(port, "/no/such/path"), 404, "unknown path");

        // A request is counted when its response is done, which may be just after the
        // client read it: wait for the counts (they must come, however slowly).
        const auto want_ok = sample(before, requests_key("search", 200)) + 3;
        const auto want_bad = sample(before, requests_key("search", 400)) + 1;
        std::map<std::string, double> after;
        const auto deadline = Clock::now() + 30s;
        do {
            after = metrics(port);
        } while ((sample(after, requests_key("search", 200)) < want_ok ||
                  sample(after, requests_key("search", 400)) < want_bad) &&
                 Clock::now() < deadline);
        CHECK(sample(after, requests_key("search", 200)) == want_ok);
        CHECK(sample(after, requests_key("search", 400)) == want_bad);
        CHECK(sample(after, requests_key("other", 404)) >= 1);

        // the latency histogram: cumulative buckets up to +Inf == _count
        double previous = 0;
        int buckets = 0;
        for (const std::string le : {"0.0005", "0.001", "0.002", "0.005", "0.01", "0.025",
                                     "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"}) {
            const std::string key =
                "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"" + le + "\"}";
            CAPTURE(key);
            if (!after.count(key)) continue;
            ++buckets;
            CHECK(after.at(key) >= previous);
            previous = after.at(key);
        }
        CHECK(buckets >= 13);  // every bucket (1 and 1.0 may be spelt either way)
        const std::string count_key =
            "lupe_http_request_duration_seconds_count{endpoint=\"search\"}";
        CHECK(after.count(count_key));
        const std::string inf_key =
            "lupe_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"+Inf\"}";
        CHECK(sample(after, inf_key) == sample(after, count_key));
        CHECK(sample(after, count_key) >= want_ok + 1);
        CHECK(after.count("lupe_http_request_duration_seconds_sum{endpoint=\"search\"}"));

        CHECK(after.count("lupe_search_time_limited_total"));
        CHECK(after.count("lupe_http_rejected_busy_total"));
        CHECK(sample(after, "lupe_index_documents") == static_cast<double>(index.documents));
        bool info = false;
        for (const auto& [key, value] : after) {
            if (key.rfind("lupe_index_info{", 0) == 0) info = true;
        }
        CHECK(info);

        const HttpResponse text = get(port, "/metrics");
        CHECK(text.body.find("# TYPE lupe_http_requests_total counter") != std::string::npos);
        CHECK(text.body.find("# TYPE lupe_http_request_duration_seconds histogram") !=
              std::string::npos);
        check_no_disk_paths(text, index.path);
    }

    SUBCASE("/metrics: a search stopped at the time limit is counted") {
        // A server of its own whose time limit every search has passed after its first
        // documents: the matcher stops after the first 256 of a query that matches more.
        Serve hasty(index.path, {"--time-limit", "0.000001"});
        const json j = get_json(hasty.port(),
                                "/api/search?q=" + url_encode("the OR der OR die OR und OR and"));
        CHECK(j.value("time_limited", false));
        CHECK(j.at("total_estimate").get<std::size_t>() > 256);
        double counted = 0;
        const auto deadline = Clock::now() + 30s;
        while (counted < 1 && Clock::now() < deadline) {
            counted = sample(metrics(hasty.port()), "lupe_search_time_limited_total");
        }
        CHECK(counted == 1);
        CHECK(sample(metrics(port), "lupe_search_time_limited_total") == 0);
        hasty.require_stopped_cleanly();
    }

    SUBCASE("/: the search page, with its security headers; /?q= works without JavaScript") {
        const HttpResponse page = get(port, "/");
        INFO(show(page));
        REQUIRE(page.status == 200);
        CHECK(page.header("content-type").find("text/html") == 0);
        const std::string csp = page.header("content-security-policy");
        CHECK(csp.find("default-src 'none'") != std::string::npos);
        CHECK(csp.find("script-src 'self'") != std::string::npos);
        CHECK(csp.find("unsafe-inline") == std::string::npos);
        CHECK(page.header("x-content-type-options") == "nosniff");
        CHECK(!page.header("referrer-policy").empty());
        CHECK(page.body.find("<script>") == std::string::npos);  // no inline script

        const HttpResponse results = get(port, "/?q=Rundumsicht");
        INFO(show(results));
        CHECK(results.status == 200);
        // The title, its matching word marked.
        CHECK(results.body.find("Antigravity A1: Fliegen im Rausch der <mark>Rundumsicht</mark>") !=
              std::string::npos);
        check_no_disk_paths(results, index.path);

        for (const std::string asset : {"/assets/app.js", "/assets/style.css"}) {
            const HttpResponse a = get(port, asset);
            CAPTURE(asset);
            CHECK(a.status == 200);
            CHECK(!a.body.empty());
        }
        CHECK(get(port, "/").header("access-control-allow-origin").empty());  // CORS off
        const HttpResponse head = http_get(port, "/healthz", {}, 60, "HEAD");
        CHECK(head.status == 200);
    }


    SUBCASE("facets add up, and each facet value as a filter counts as much") {
        for (const std::string q : {"Stadt OR city OR Regierung OR government", "Berlin",
                                    "lang:en OR lang:de"}) {
            CAPTURE(q);
            const std::string base = "/api/search?q=" + url_encode(q) + "&" + kFacetsOn;
            const json j = get_json(port, base);
            REQUIRE(j.contains("facets"));
            const json& f = j.at("facets");
            CHECK(f.value("exact", false));
            const auto total = j.at("total_estimate").get<std::size_t>();
            CHECK(total > 0);
            std::size_t lang_sum = 0;
            for (const auto& v : f.at("lang")) lang_sum += v.at("count").get<std::size_t>();
            CHECK(lang_sum == f.at("counted").get<std::size_t>());
            CHECK(lang_sum == total);
            std::size_t source_sum = 0;
            for (const auto& v : f.at("source")) source_sum += v.at("count").get<std::size_t>();
            CHECK(source_sum <= total);
            std::size_t year_sum = 0;
            for (const auto& v : f.at("year")) year_sum += v.at("count").get<std::size_t>();
            CHECK(year_sum <= total);  // undated documents are in no year

            for (const auto& [facet, parameter] :
                 std::vector<std::pair<std::string, std::string>>{
                     {"lang", "lang"}, {"source", "source"}, {"year", "year"}}) {
                CHECK(!f.at(facet).empty());
                for (const auto& v : f.at(facet)) {
                    const std::string value = v.at("value").is_string()
                                                  ? v.at("value").get<std::string>()
                                                  : v.at("value").dump();
                    const std::string target = base + "&" + parameter + "=" + url_encode(value);
                    CAPTURE(target);
                    const json narrowed = get_json(port, target);
                    CHECK(narrowed.at("total_estimate").get<std::size_t>() ==
                          v.at("count").get<std::size_t>());
                    CHECK(narrowed.at("facets").at("counted").get<std::size_t>() ==
                          v.at("count").get<std::size_t>());
                }
            }
        }
    }
    serve.require_stopped_cleanly();
}

TEST_CASE("lupe-serve: every error status as JSON, and hostile requests get theirs or are cut") {
    const CorpusIndex& index = corpus();
    Serve serve(index.path, {"--header-timeout", "2", "--idle-timeout", "2"});
    const auto port = serve.port();
    const std::string& path = index.path;

    SUBCASE("every error status, as JSON naming the parameter or position") {

        // 400
        check_bad_parameter(port, "/api/search?q=Stadt&limit=x", "limit", path);
        check_bad_parameter(port, "/api/search?q=Stadt&limit=-1", "limit", path);
        check_bad_parameter(port, "/api/search?q=Stadt&limit=101", "limit", path);
        check_bad_parameter(port, "/api/search?q=Stadt&limit=999999999999", "limit", path);
        check_bad_parameter(port, "/api/search?q=Stadt&offset=x", "offset", path);
        check_bad_parameter(port, "/api/search?q=Stadt&from=2024-13-45", "from", path);
        check_bad_parameter(port, "/api/search?q=Stadt&to=yesterday", "to", path);
        check_bad_parameter(port, "/api/search?q=Stadt&year=19x9", "year", path);
        check_bad_parameter(port, "/api/search?q=Stadt&lang=" + url_encode("<script>"), "lang",
                            path);
        check_bad_parameter(port, "/api/search?q=Stadt&sort=sideways", "sort", path);
        check_bad_parameter(port, "/api/suggest?q=Stadt&limit=x", "limit", path);
        check_bad_parameter(port, "/api/similar?id=wn-en-2019-0001&limit=x", "limit", path);
        for (const std::string bad : {"%", "%4", "%zz", "%00", "%ff%fe", "%c3%28", "%ed%a0%80"}) {
            const std::string target = "/api/search?q=Stadt" + bad;
            const HttpResponse r = get(port, target);
            const json e = check_error(r, 400, target);
            INFO(target << "\n" << show(r));
            CHECK((e.contains("parameter") || e.contains("position")));
            check_no_disk_paths(r, path);
        }

        // 404
        for (const std::string target : {"/nope", "/api/searchx", "/api", "/api/doc?id=nope",
                                         "/assets/nope.js"}) {
            const HttpResponse r = get(port, target);
            check_error(r, 404, target);
            check_no_disk_paths(r, path);
        }

        // 405 with Allow
        for (const std::string method : {"POST", "PUT", "DELETE"}) {
            const HttpResponse r = http_raw(port, method + " /api/search?q=Stadt HTTP/1.1\r\nHost: "
                                                           "127.0.0.1\r\nContent-Length: 0\r\n"
                                                           "Connection: close\r\n\r\n");
            check_error(r, 405, method);
            CHECK(r.header("allow").find("GET") != std::string::npos);
        }

        // 413: q over the limit (1,024 bytes), the request target still within its own
        const HttpResponse long_q = get(port, "/api/search?q=" + std::string(2000, 'a'));
        const json e413 = check_error(long_q, 413, "q of 2,000 bytes");
        CHECK(e413.value("parameter", std::string()) == "q");

        // 414: a request target of 20 KB
        const HttpResponse long_target = get(port, "/api/search?q=" + std::string(20000, 'a'));
        check_error(long_target, 414, "a 20 KB request target");
        check_no_disk_paths(long_target, path);

        // 431: 16 headers of 1 KB, one header of 20 KB: over --max-header-bytes (16 KiB)
        check_error(http_raw(port, header_flood(16, 1024)), 431, "16 headers of 1 KB");
        check_error(http_raw(port, header_flood(1, 20000)), 431, "a 20 KB header");
        {
            // 200 KB of headers, beyond the hard cap of libmicrohttpd's memory pool (4 x
            // 16 KiB): libmicrohttpd answers 431 itself, with its own HTML body (0.9.75
            // cannot be given another), or cuts the connection; never a 200.
            const HttpResponse flood = http_raw(port, header_flood(200, 1024));
            INFO(show(flood));
            CHECK((flood.status == 431 || flood.status == 0));
            check_no_disk_paths(flood, path);
        }

        // a query syntax error is not an error: the retry runs, as lupe-search does
        const json retry = get_json(port, "/api/search?q=" + url_encode("(chip NOT Huawei"));
        CHECK(!retry.value("syntax_error", std::string()).empty());

        check_healthy(port, "the errors");
    }

    SUBCASE("oversized, badly encoded, huge numbers") {
        const HttpResponse big = get(port, "/api/search?q=" + std::string(20 * 1024, 'x'));
        CHECK((big.status == 414 || big.status == 413 || big.status == 0));
        check_no_disk_paths(big, path);
        check_healthy(port, "a 20 KB query");
        for (const std::string bad : {"%", "%4", "%zz", "%00"}) {
            const HttpResponse r = get(port, "/api/search?q=" + bad);
            check_error(r, 400, "q=" + bad);
            check_healthy(port, "q=" + bad);
        }
        check_error(get(port, "/api/search?q=Stadt&limit=999999999999"), 400, "huge limit");
        check_error(get(port, "/api/search?q=Stadt&offset=999999999999999999999999"), 400,
                    "huge offset");
        check_healthy(port, "huge numbers");
    }

    SUBCASE("traversal: no path reads a file") {
        for (const std::string target :
             {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2fapi",
              "/assets/../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd",
              "/assets//etc/passwd", "/assets/app.js/../../../etc/passwd",
              "/assets/..%2f..%2f..%2fetc%2fpasswd", "/%2Fetc%2Fpasswd"}) {
            CAPTURE(target);
            const HttpResponse r = get(port, target);
            INFO(show(r));
            CHECK(r.status != 200);
            CHECK(r.status >= 400);
            CHECK(r.body.find("root:") == std::string::npos);
            check_no_disk_paths(r, path);
            check_healthy(port, target);
        }
    }

    SUBCASE("header floods") {
        for (const auto& [n, size] : std::vector<std::pair<int, std::size_t>>{
                 {200, 1024}, {1, 20000}, {2000, 10}}) {
            CAPTURE(n);
            CAPTURE(size);
            const HttpResponse r = http_raw(port, header_flood(n, size));
            INFO(show(r));
            CHECK((r.status == 431 || r.status == 0));
            CHECK(!r.timed_out);
            check_healthy(port, "a header flood");
        }
    }

    SUBCASE("a slowloris client is cut after the header timeout") {
        HttpConnection slow(port);
        REQUIRE(slow.send("GET /healthz HTTP/1.1\r\n"));
        const auto start = Clock::now();
        bool cut = false;
        // one header byte a second; the server must close within 2 s (its header timeout)
        // and a generous slack for a loaded machine
        while (seconds_since(start) < 30 && !cut) {
            if (!slow.send("X") || slow.closed_within(1.0)) cut = true;
        }
        CHECK(cut);
        check_healthy(port, "a slowloris client");
    }

    SUBCASE("1,000 clients that connect and send nothing: /healthz answers, they are cut") {
        std::vector<std::unique_ptr<HttpConnection>> idle;
        for (int i = 0; i < 1000; ++i) idle.push_back(std::make_unique<HttpConnection>(port));
        check_healthy(port, "opening 1,000 idle connections");
        const auto s = metrics(port);
        CHECK(sample(s, "lupe_http_connections_open") >= 1000);
        // and one that asked once and keeps its connection open: cut at the idle timeout
        HttpConnection kept(port);
        REQUIRE(kept.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        CHECK(kept.read_response(60).status == 200);
        CHECK(kept.closed_within(30));
        std::size_t cut = 0;
        for (auto& c : idle) cut += c->closed_within(30) ? 1 : 0;
        CHECK(cut == idle.size());
        check_healthy(port, "1,000 silent connections were cut");
    }

    serve.require_stopped_cleanly();
}

TEST_CASE("lupe-serve: a full queue gets 503 with Retry-After, and SIGTERM lets requests finish") {
    const CorpusIndex& index = corpus();
    Serve serve(index.path, {"--threads", "1", "--queue", "1"});
    const auto port = serve.port();
    // A query with work in it (wildcards over the vocabulary, every facet, a full page of
    // snippets), sent on many connections at once: one worker and one place in the queue
    // cannot take them all. Which ones are turned away is a race, so every response may be
    // 200 or 503; a burst with no 503 at all is repeated (a 503 must come).
    const std::string target = "/api/search?q=" + url_encode("s* t* a* e* d* m*") +
                               "&limit=100&" + kFacetsOn;
    constexpr int kConnections = 48;
    int ok = 0, busy = 0;
    for (int burst = 0; burst < 20 && busy == 0; ++burst) {
        std::vector<std::unique_ptr<HttpConnection>> connections;
        for (int i = 0; i < kConnections; ++i) {
            connections.push_back(std::make_unique<HttpConnection>(port));
        }
        const std::string request =
            "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        for (auto& c : connections) c->send(request);
        for (auto& c : connections) {
            const HttpResponse r = c->read_response(120);
            INFO(show(r));
            CHECK((r.status == 200 || r.status == 503));
            if (r.status == 200) {
                ++ok;
                CHECK(body_json(r).contains("results"));
            } else if (r.status == 503) {
                ++busy;
                check_error(r, 503, "a full queue");
                CHECK(!r.header("retry-after").empty());
            }
        }
    }
    MESSAGE(ok << " answered, " << busy << " turned away");
    CHECK(ok > 0);
    CHECK(busy > 0);
    CHECK(sample(metrics(port), "lupe_http_rejected_busy_total") == busy);
    check_healthy(port, "the bursts");

    // SIGTERM while requests are queued and running: those the server holds complete.
    std::vector<std::unique_ptr<HttpConnection>> connections;
    for (int i = 0; i < 16; ++i) connections.push_back(std::make_unique<HttpConnection>(port));
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    for (auto& c : connections) c->send(request);
    // Wait until the server holds some of them (queued or running), as /metrics says (it is
    // answered at once, not by the busy worker); then SIGTERM.
    double in_pool = 0;
    const auto deadline = Clock::now() + 30s;
    while (in_pool == 0 && Clock::now() < deadline) {
        in_pool = sample(metrics(port), "lupe_http_requests_in_pool");
    }
    ::kill(serve.pid(), SIGTERM);
    int completed = 0;
    for (auto& c : connections) {
        const HttpResponse r = c->read_response(120);
        INFO(show(r));
        // a request the server had: answered in full (or turned away, the queue being
        // full); one it had not read yet: cut, unanswered
        CHECK(!r.timed_out);
        CHECK((r.status == 200 || r.status == 503 || r.status == 0));
        if (r.status == 200) {
            ++completed;
            CHECK(body_json(r).contains("results"));
        } else if (r.status == 0) {
            CHECK(r.body.empty());
        }
    }
    MESSAGE(completed << " of 16 completed; " << in_pool << " were in the pool at SIGTERM");
    CHECK(completed >= static_cast<int>(in_pool));
    serve.require_stopped_cleanly();  // it is already stopping: this waits for its status
}

TEST_CASE("lupe-serve: the index is followed across a --full publish and a commit, no restart") {
    TempDir dir;
    const auto doc = [](const std::string& id, const std::string& title, const std::string& body) {
        return json({{"id", id}, {"title", title}, {"body", body}, {"lang", "en"},
                     {"source", "fixture"}})
                   .dump() +
               "\n";
    };
    dir.write("src/a.jsonl", doc("a1", "Harbour news", "The harbour opened a new pier.") +
                                 doc("a2", "Market day", "Farmers sold apples at the market."));
    const std::string idx = dir / "index";
    const auto index_run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"--index", idx, "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(dir / "src");
        const Run r = lupe_index(args);
        INFO("lupe-index " << describe(args) << "\n" << r.err);
        REQUIRE(r.status == 0);
    };
    index_run({"--full"});

    Serve serve(idx);
    const auto port = serve.port();
    const json first = get_json(port, "/healthz");
    CHECK(first.value("documents", 0) == 2);
    const std::string generation = first.value("generation", std::string());
    CHECK(!generation.empty());
    CHECK(get_json(port, "/api/search?q=quokka").at("results").empty());

    const auto wait_for = [&](const std::string& word) {
        json j;
        const auto deadline = Clock::now() + 60s;
        do {
            j = get_json(port, "/api/search?q=" + word);
        } while (j.at("results").empty() && Clock::now() < deadline);
        return j;
    };

    // --full: a new generation, published beside the old one
    dir.write("src/b.jsonl", doc("b1", "Quokka sighting", "A quokka was seen near the pier."));
    index_run({"--full"});
    const json full = wait_for("quokka");
    REQUIRE(full.at("results").size() == 1);
    CHECK(full.at("results")[0].value("id", std::string()) == "b1");
    const json after_full = get_json(port, "/healthz");
    CHECK(after_full.value("documents", 0) == 3);
    CHECK(after_full.value("generation", std::string()) != generation);
    check_no_disk_paths(get(port, "/healthz"), idx);

    // incremental: a commit into the published generation
    dir.write("src/c.jsonl", doc("c1", "Wombat burrow", "A wombat dug a burrow by the market."));
    index_run({});
    const json incremental = wait_for("wombat");
    REQUIRE(incremental.at("results").size() == 1);
    CHECK(incremental.at("results")[0].value("id", std::string()) == "c1");
    CHECK(get_json(port, "/healthz").value("documents", 0) == 4);
    CHECK(get_json(port, "/api/doc?id=c1").at("document").value("title", std::string()) ==
          "Wombat burrow");

    const std::string log = serve.err();
    CHECK(log.find("listening on") == log.rfind("listening on"));  // one start, no restart
    serve.require_stopped_cleanly();
}

TEST_CASE("lupe-serve: its command line") {
    TempDir dir;
    // a small index of its own: the corpus would take seconds to index
    dir.write("src/one.txt", "One small document for the command line.\n");
    const std::string index = dir / "index";
    REQUIRE(lupe_index({"--index", index, "--quiet", dir / "src"}).status == 0);

    SUBCASE("a typo'd flag: exit 2 with a suggestion") {
        const Run r = run({kServeBin, "--index", index, "--thread", "2"});
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find("--threads") != std::string::npos);
    }
    SUBCASE("a missing index: exit 2, named") {
        const std::string missing = dir / "no-such-index";
        const Run r = run({kServeBin, "--index", missing, "--listen", "127.0.0.1:0"});
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(missing) != std::string::npos);
    }
    SUBCASE("a folder that is not an index: exit 2, named") {
        const std::string folder = dir / "not-an-index";
        dir.write("not-an-index/notes.txt", "just a file\n");
        const Run r = run({kServeBin, "--index", folder, "--listen", "127.0.0.1:0"});
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(folder) != std::string::npos);
    }
    SUBCASE("--listen on a taken port: exit 2, the address named") {
        LoopbackSocket taken;
        REQUIRE(::listen(taken.fd, 1) == 0);
        const std::string address = "127.0.0.1:" + std::to_string(taken.port);
        const Run r = run({kServeBin, "--index", index, "--listen", address});
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(address) != std::string::npos);
    }
    SUBCASE("a --listen that is not loopback warns") {
        // In a network namespace of its own (unshare: a user and a network namespace, with
        // only a loopback interface that is down), so that listening on every address is
        // reachable from nowhere.
        if (run({"/usr/bin/unshare", "-rn", "/bin/true"}).status != 0) {
            MESSAGE("no user namespaces here (unshare -rn): the warning is not checked");
            return;
        }
        const std::string err_file = dir / "namespace.err";
        Child child({"/usr/bin/unshare", "-rn", kServeBin, "--index", index, "--listen",
                     "0.0.0.0:0"},
                    {}, err_file);
        const auto deadline = Clock::now() + 60s;
        while (read_file_if_any(err_file).find("listening on http://") == std::string::npos &&
               !child.poll() && Clock::now() < deadline) {
            std::this_thread::sleep_for(10ms);
        }
        const std::string err = read_file_if_any(err_file);
        INFO(err);
        REQUIRE(err.find("listening on http://0.0.0.0:") != std::string::npos);
        CHECK(err.find("warning") != std::string::npos);
        CHECK(err.find("warning") < err.find("listening on http://"));
        ::kill(child.pid(), SIGTERM);
        const auto status = child.wait_until(Clock::now() + 60s);
        REQUIRE(status);
        CHECK(*status == 0);
    }
    SUBCASE("bad values: exit 2") {
        for (const std::vector<std::string> args :
             {std::vector<std::string>{"--listen", "127.0.0.1"},
              std::vector<std::string>{"--listen", "127.0.0.1:99999"},
              std::vector<std::string>{"--listen", "nowhere:80"},
              std::vector<std::string>{"--threads", "many"}}) {
            std::vector<std::string> argv = {kServeBin, "--index", index};
            argv.insert(argv.end(), args.begin(), args.end());
            const Run r = run(argv);
            INFO(describe(argv) << "\n" << r.err);
            CHECK(r.status == 2);
            CHECK(!r.err.empty());
        }
    }
    SUBCASE("--help: exit 0") {
        const Run r = run({kServeBin, "--help"});
        CHECK(r.status == 0);
        CHECK(r.out.find("--listen") != std::string::npos);
    }
}

// lupe-serve: parse the command line, open the index with lupe::Searcher, serve the JSON API
// and the search page over HTTP until SIGTERM or SIGINT (docs/serve.md).
// Exit status: 0 stopped by a signal, 2 error (bad arguments, no index, cannot listen).
#include <signal.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "../cli/help_options.hpp"
#include "../cli/option_values.hpp"
#include "../cli/parse_errors.hpp"
#include "../serve/api.hpp"
#include "../serve/http_server.hpp"
#include "../serve/metrics.hpp"
#include "../serve/page.hpp"
#include "lupe/lupe.hpp"

namespace {

constexpr int kExitStopped = 0;
constexpr int kExitError = 2;

constexpr const char* kLimitOptions = "Limits";
constexpr const char* kShardListOptions = "Shard lists";

/// "127.0.0.1:7700" or "[::1]:7700" into address and port; false when it is neither.
bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
    const std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon + 1 == listen.size()) return false;
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return false;  // an IPv6 address needs brackets: [::1]:7700
    }
    const std::string digits = listen.substr(colon + 1);
    if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
    const unsigned long number = std::stoul(digits);
    if (number > 65535 || host.empty()) return false;
    address = host;
    port = static_cast<std::uint16_t>(number);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Serve a lupe index over HTTP: a JSON API and a search page.\n"
                 "The API: /api/search, /api/suggest, /api/doc, /api/similar, /healthz, /metrics;\n"
                 "the page: /. Read-only, on loopback unless --listen says otherwise; stops\n"
                 "gracefully on SIGTERM."};
    std::string index;
    std::string listen = "127.0.0.1:7700";
    bool quiet = false;
    lupe::serve::ServerOptions server;
    lupe::serve::ApiOptions api_options;
    lupe::SearcherOptions searcher_settings;
    app.add_option("-i,--index", index,
                   "Index directory, or a shard list file (`auto DIR` / `remote HOST:PORT` lines)")
        ->type_name("PATH")
        ->required();
    app.add_option("--listen", listen,
                   "Address and port to listen on: IPV4:PORT or [IPV6]:PORT (port 0: any free "
                   "port, printed at start)")
        ->type_name("ADDR:PORT")
        ->capture_default_str();
    app.add_option("--threads", server.threads,
                   "Worker threads for searches (0: one per core)")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0U, 1024U))
        ->group(kLimitOptions);
    app.add_option("--queue", server.queue,
                   "Requests that may wait for a worker; beyond, 503 with Retry-After")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(std::size_t{0}, std::size_t{100000}))
        ->group(kLimitOptions);
    app.add_option("--max-connections", server.max_connections,
                   "Open connections at most; beyond, new ones wait until one closes")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(std::size_t{1}, std::size_t{1000000}))
        ->group(kLimitOptions);
    app.add_option("--time-limit", api_options.time_limit_seconds,
                   "Most seconds one search may take; it then answers with the best results "
                   "found so far (0: no limit)")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0.0, 3600.0))
        ->group(kLimitOptions);
    app.add_option("--max-limit", api_options.max_limit,
                   "Largest limit= a request may ask for (more: 400)")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(std::size_t{1}, std::size_t{10000}))
        ->group(kLimitOptions);
    app.add_option("--facet-documents", api_options.facet_documents,
                   "Facets are counted exactly over up to N matches, and estimated from the "
                   "first N beyond (fewer: faster searches that match much)")
        ->type_name("N")
        ->capture_default_str()
        ->check(lupe::apps::in_range(std::size_t{1}, std::size_t{100000}))
        ->group(kLimitOptions);
    app.add_option("--idle-timeout", server.idle_timeout_seconds,
                   "Seconds a connection may stay silent (keep-alive included) before it is closed")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(1U, 3600U))
        ->group(kLimitOptions);
    app.add_option("--header-timeout", server.header_timeout_seconds,
                   "Seconds a client has, from connecting or from its last response, to send a "
                   "whole request head (cuts slow clients)")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(1U, 3600U))
        ->group(kLimitOptions);
    app.add_option("--shutdown-grace", server.shutdown_grace_seconds,
                   "On SIGTERM, seconds that requests in progress get to finish")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0.0, 3600.0))
        ->group(kLimitOptions);
    app.add_option("--cors", server.cors_origin,
                   "Allow this origin's web pages to call the API (Access-Control-Allow-Origin; "
                   "default: no CORS)")
        ->type_name("ORIGIN");
    app.add_flag("--log-queries", server.log_queries,
                 "Show query strings in the access log (default: paths only)");
    app.add_flag("--quiet", quiet, "No access log on stderr");
    app.add_flag("--allow-partial", api_options.allow_partial,
                 "With a shard list: when shards are down, answer from the others and name the "
                 "missing ones (default: 503)")
        ->group(kShardListOptions);
    app.add_option("--german-word-list", searcher_settings.german_word_list,
                   "German word list for splitting compound query words instead of the "
                   "index's copy of the one it was built with (default: "
                   "$LUPE_GERMAN_WORDLIST, else that copy, else /usr/share/dict/ngerman)")
        ->type_name("FILE");
    app.set_version_flag("--version", LUPE_VERSION_STRING);
    const lupe::apps::ToolManual manual{
        "lupe-serve",
        {{std::to_string(kExitStopped), "Stopped by SIGTERM or SIGINT, after the requests in "
                                        "progress finished (or --shutdown-grace ran out)."},
         {std::to_string(kExitError),
          "An error: bad arguments, an index it cannot open, or an address it cannot listen on."}},
        {{"LUPE_GERMAN_WORDLIST",
          "The German word list for splitting compound query words when --german-word-list "
          "is not given."}},
        {{"/usr/share/dict/ngerman",
          "The German word list (Debian's wngerman) when neither --german-word-list nor "
          "LUPE_GERMAN_WORDLIST names one and the index has no copy of its own."},
         {"DIR/gen-N/lupe-german-words",
          "The index's copy of the German word list it was built with, compiled by "
          "lupe-index; mapped, not read, when no list is named."},
         {"DIR/shards.list",
          "The shards of an index built with lupe-index --shards, served together when "
          "--index names DIR."}},
        {{"lupe-serve --index ~/lupe",
          "Serve the index on http://127.0.0.1:7700/ (the search page; the API under /api/)."},
         {"curl 'http://127.0.0.1:7700/api/search?q=drohne&limit=5'",
          "Five results as JSON, the object of lupe-search --json."},
         {"lupe-serve --index ~/lupe --listen 0.0.0.0:8080 --quiet",
          "Reachable from other machines, without an access log (it warns: there is no "
          "authentication)."}},
        {"lupe-index(1)", "lupe-search(1)"}};
    lupe::apps::add_help_outputs(app, manual, LUPE_VERSION_STRING);
    lupe::apps::name_parse_errors(app, "lupe-serve", argc, argv, [](const std::string&) {
        return std::string();
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitStopped : kExitError;
    }
    if (!split_listen(listen, server.address, server.port)) {
        std::cerr << "lupe-serve: --listen " << lupe::terminal_safe(listen)
                  << ": expected ADDRESS:PORT, e.g. 127.0.0.1:7700 or [::1]:7700\n";
        return kExitError;
    }
    server.access_log = quiet ? nullptr : &std::clog;

    // Blocked before any thread starts, so that every thread inherits the mask and the
    // signals wait for sigwait below.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    // A client that closes its connection early must not kill the server.
    signal(SIGPIPE, SIG_IGN);

    try {
        lupe::Searcher searcher(index, searcher_settings);
        lupe::serve::Metrics metrics;
        lupe::serve::Api api(searcher, metrics, api_options);
        lupe::serve::Page page(api);
        std::vector<lupe::serve::Route> routes = api.routes();
        for (auto& route : page.routes()) routes.push_back(std::move(route));
        lupe::serve::Server http(server, std::move(routes), metrics);
        http.start();
        const std::string host =
            server.address.find(':') != std::string::npos ? "[" + server.address + "]" : server.address;
        if (!lupe::serve::is_loopback(server.address)) {
            std::cerr << "lupe-serve: warning: listening on " << host << ':' << http.port()
                      << ", reachable from other machines; lupe-serve has no authentication\n";
        }
        std::cerr << "lupe-serve: listening on http://" << host << ':' << http.port() << "/"
                  << std::endl;
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        http.stop();
        return kExitStopped;
    } catch (const lupe::IndexNotFoundError& e) {
        std::error_code ec;
        if (std::filesystem::is_directory(index, ec) && !std::filesystem::is_empty(index, ec)) {
            std::cerr << "lupe-serve: " << lupe::terminal_safe(index)
                      << " is a folder of documents, not a lupe index: build one with "
                         "lupe-index --index DIR "
                      << lupe::terminal_safe(index) << '\n';
        } else {
            std::cerr << "lupe-serve: " << lupe::terminal_safe(e.what())
                      << "; build one with lupe-index --index " << lupe::terminal_safe(index)
                      << " SOURCE...\n";
        }
        return kExitError;
    } catch (const lupe::Error& e) {
        std::cerr << "lupe-serve: " << lupe::terminal_safe(e.what()) << '\n';
        return kExitError;
    } catch (const std::runtime_error& e) {  // cannot listen
        std::cerr << "lupe-serve: " << lupe::terminal_safe(e.what()) << '\n';
        return kExitError;
    }
}

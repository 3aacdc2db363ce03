// lupe-serve's HTTP/1.1 server core, on GNU libmicrohttpd (docs/serve.md says why this
// library): connections on epoll, requests checked against the limits below, searches in a
// bounded worker pool, security headers on every response, an access log line per request.
//
// The shape: libmicrohttpd's own thread reads requests (many idle connections cost only a
// socket each); a request for a pooled route is suspended and queued for the worker pool,
// which runs the handler and resumes it; a full queue answers 503 with Retry-After at
// once. Cheap routes (/healthz, /metrics, assets) are answered on the connection thread.
// A watchdog cuts connections that have not sent a whole request head within
// header_timeout (slowloris), and libmicrohttpd cuts those idle longer than idle_timeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "http.hpp"
#include "metrics.hpp"

namespace lupe::serve {

/// Every limit has a name (its option), a default, and a reason (docs/serve.md).
struct ServerOptions {
    std::string address = "127.0.0.1";  ///< IPv4 or IPv6 literal to listen on
    std::uint16_t port = 7700;           ///< 0: any free port (see Server::port)
    unsigned threads = 0;                ///< worker pool size; 0: one per core
    std::size_t queue = 64;              ///< requests waiting for a worker; beyond: 503
    std::size_t max_connections = 1024;  ///< open connections; beyond: wait in the backlog
    std::size_t max_target_bytes = 8192; ///< request target (path and query); beyond: 414
    /// Request line and headers together, about: libmicrohttpd's memory per connection is
    /// this plus room for the response's headers. Beyond, libmicrohttpd itself answers 431
    /// (or 414 for a request line longer than the whole buffer), in HTML: its error bodies
    /// cannot be replaced in 0.9.75.
    std::size_t max_header_bytes = 16384;
    unsigned idle_timeout_seconds = 15;  ///< keep-alive idle or silent client: closed
    unsigned header_timeout_seconds = 10;///< from connect (or the last response) to a whole
                                         ///< request head: closed (slowloris)
    double shutdown_grace_seconds = 10;  ///< SIGTERM: in-flight requests get this long
    std::string cors_origin;             ///< empty: no CORS headers (the default)
    bool log_queries = false;            ///< access log shows query strings
    std::ostream* access_log = nullptr;  ///< one line per request; nullptr: none
};

class Server {
public:
    /// Routes are matched by exact path; `metrics` records every request.
    Server(ServerOptions options, std::vector<Route> routes, Metrics& metrics);
    ~Server();  ///< stops (as stop()) if still running
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Bind and start serving. Throws std::runtime_error naming the address on failure
    /// ("cannot listen on 127.0.0.1:7700: Address already in use").
    void start();
    /// The port listened on (the one chosen when ServerOptions::port was 0).
    std::uint16_t port() const;
    /// Graceful stop: no new connections, requests in flight finish (up to
    /// shutdown_grace_seconds), then every connection is closed. Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Whether `address` is a loopback address (127.0.0.0/8, ::1): lupe-serve warns otherwise.
bool is_loopback(const std::string& address);

}  // namespace lupe::serve

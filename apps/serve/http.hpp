// lupe-serve's view of HTTP: a request as the server core parsed and checked it, and the
// response a handler gives back. Shared by the core (http_server.hpp), the API (api.hpp)
// and the search page (page.hpp); nothing here knows libmicrohttpd.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lupe::serve {

/// One request, after the core checked its size and decoded its query string strictly.
struct Request {
    std::string method;  ///< "GET" or "HEAD" (others never reach a handler: 405)
    std::string path;    ///< the decoded path, without the query string ("/api/search")
    std::string query_string;  ///< the raw query string after '?', as received (may be empty)
    /// Decoded query parameters in order ("+" is a space; %XX bytes; valid UTF-8 only).
    std::vector<std::pair<std::string, std::string>> params;
    std::map<std::string, std::string> headers;  ///< header names in lower case
    std::chrono::steady_clock::time_point received{};

    /// The first value of the parameter `name`, or nullptr when absent.
    const std::string* param(std::string_view name) const {
        for (const auto& [key, value] : params) {
            if (key == name) return &value;
        }
        return nullptr;
    }
    /// The first value of the header `name` (lower case), or nullptr.
    const std::string* header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? nullptr : &it->second;
    }
};

/// A response. The core adds the headers every response gets (security headers,
/// Content-Length, CORS when asked for, Connection) and sends no body for HEAD.
struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
};

/// A JSON error response: {"api_version":…, "error":{"status":S,"message":M}} plus the
/// members of `extra` when it is a JSON object text ("{\"position\":7}"). Messages name
/// parameters and positions, never a path of the server's disk.
Response json_error(int status, std::string_view message, std::string_view extra_json = {});

/// The API's version, in every JSON object the server writes ("api_version"); raised
/// when a field changes meaning or goes away (adding fields does not raise it).
inline constexpr int kApiVersion = 1;

/// One path the server answers. Paths match exactly; anything else is 404.
struct Route {
    std::string path;      ///< "/api/search"
    std::string endpoint;  ///< label in /metrics and the access log ("search")
    /// Run in the bounded worker pool (searches: may take up to the time limit), or else
    /// at once on the connection thread (cheap: /healthz, /metrics, assets), so that
    /// health checks answer even when the pool is full.
    bool pooled = true;
    std::function<Response(const Request&)> handler;  ///< must not throw
};

}  // namespace lupe::serve

// lupe-serve's HTTP core on libmicrohttpd (http_server.hpp). One libmicrohttpd thread on
// epoll owns every connection; handlers of pooled routes run in a worker pool of their
// own while their connection is suspended, so a slow search never holds up the other
// connections, and a full queue is answered 503 at once instead of piling up.
#include "http_server.hpp"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "page.hpp"
#include "query_string.hpp"

namespace lupe::serve {
namespace {

using Clock = std::chrono::steady_clock;

/// How often the watchdog looks for connections past their header deadline: the cut
/// comes at most this much after header_timeout.
constexpr std::chrono::milliseconds kWatchdogPeriod{250};

/// Room in libmicrohttpd's per-connection memory pool beyond the request head: the pool
/// also holds the response's header lines while they are sent.
constexpr std::size_t kResponseHeaderRoom = 4096;

/// libmicrohttpd's pool holds this many times max_header_bytes of request head, so that a
/// head somewhat over the limits (a 20 KB target, a 20 KB header) still reaches check()
/// and gets lupe-serve's JSON 414 or 431; only a head beyond this hard cap gets
/// libmicrohttpd's own answer (431 or 414 with an HTML body) or is cut. The pool's pages
/// are touched only as a request fills them.
constexpr std::size_t kHeadPoolFactor = 4;

/// One TCP connection (libmicrohttpd's socket context): what the header watchdog needs.
struct ConnectionState {
    int fd = -1;
    bool waiting_for_head = true;  ///< no whole request head since connect / last response
    Clock::time_point head_deadline;
};

/// A pooled request between its connection's suspension and its resumption.
struct PooledCall {
    Request request;
    const Route* route = nullptr;
    MHD_Connection* connection = nullptr;
    Response response;
    bool done = false;  ///< response set; written before MHD_resume_connection
};

/// One request (libmicrohttpd's con_cls), made in the URI log callback with the raw target.
struct RequestState {
    std::string target;  ///< the request target as received, undecoded
    Clock::time_point received = Clock::now();
    std::string method;
    std::string endpoint = "other";
    int status = 0;  ///< 0: no response of ours (libmicrohttpd answered, or the client left)
    std::size_t bytes = 0;
    bool answered = false;
    std::shared_ptr<PooledCall> call;
};

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string iso8601_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[96];  // room for any int, as the compiler checks
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    return buffer;
}

std::string client_address(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == nullptr || info->client_addr == nullptr) return "-";
    char text[INET6_ADDRSTRLEN] = "-";
    if (info->client_addr->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(info->client_addr);
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    } else if (info->client_addr->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(info->client_addr);
        inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    }
    return text;
}

// A log line must stay one line whatever a client sent: control bytes, spaces and quotes
// become %XX (the target is logged as received, so this only touches hostile input).
std::string log_safe(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F || c == '"') {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out;
}

/// Raise the soft limit on open files to the hard one: every connection is a descriptor,
/// and the usual soft limit (1024) is below what max_connections may ask for.
void raise_open_files_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace

bool is_loopback(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
        // ::ffff:127.x.y.z, an IPv4 loopback address written as IPv6
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    return false;
}

struct Server::Impl {
    ServerOptions options;
    std::vector<Route> routes;
    std::unordered_map<std::string, const Route*> by_path;
    Metrics& metrics;
    MHD_Daemon* daemon = nullptr;
    std::uint16_t bound_port = 0;
    std::string start_error;  // libmicrohttpd's message while starting
    std::atomic<bool> started{false};  // libmicrohttpd's messages: start_error, or stderr

    // Connections (the watchdog's view); guarded by connections_mutex.
    std::mutex connections_mutex;
    std::set<ConnectionState*> connections;
    std::atomic<std::size_t> open_connections{0};

    // The worker pool; guarded by pool_mutex.
    std::mutex pool_mutex;
    std::condition_variable pool_wakeup;     // a job, or the workers' end
    std::condition_variable pool_drained;    // pooled_in_flight or running fell
    std::deque<std::shared_ptr<PooledCall>> queue;
    std::size_t running = 0;
    std::size_t pooled_in_flight = 0;  // from suspension to the response's completion
    bool accepting = true;             // false once stop() began: new pooled requests 503
    bool workers_end = false;
    std::vector<std::thread> workers;

    // MHD_resume_connection after MHD_stop_daemon would touch freed memory.
    std::mutex daemon_mutex;
    bool daemon_gone = false;

    std::thread watchdog;
    std::mutex watchdog_mutex;
    std::condition_variable watchdog_wakeup;
    bool watchdog_end = false;

    std::mutex log_mutex;
    bool stopped = false;

    Impl(ServerOptions o, std::vector<Route> r, Metrics& m)
        : options(std::move(o)), routes(std::move(r)), metrics(m) {
        for (const Route& route : routes) by_path[route.path] = &route;
    }

    void update_gauges() {
        std::size_t in_pool = 0;
        {
            std::lock_guard lock(pool_mutex);
            in_pool = queue.size() + running;
        }
        metrics.set_gauges(open_connections.load(), in_pool);
    }

    // --- responses -------------------------------------------------------------------

    MHD_Result send(MHD_Connection* connection, RequestState& state, const Response& response) {
        const bool head = state.method == "HEAD";
        MHD_Response* reply = MHD_create_response_from_buffer(
            response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
        if (reply == nullptr) return MHD_NO;
        std::vector<std::pair<std::string, std::string>> headers = {
            {"Content-Type", response.content_type},
            {"X-Content-Type-Options", "nosniff"},
            {"Referrer-Policy", "no-referrer"},
            {"Cache-Control", "no-store"},
        };
        if (response.content_type.starts_with("text/html")) {
            headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
        }
        if (!options.cors_origin.empty()) {
            headers.emplace_back("Access-Control-Allow-Origin", options.cors_origin);
            headers.emplace_back("Vary", "Origin");
        }
        // The route's own headers win (an asset's Cache-Control).
        for (const auto& [name, value] : response.headers) {
            auto same = std::find_if(headers.begin(), headers.end(),
                                     [&](const auto& h) { return iequals(h.first, name); });
            if (same != headers.end()) {
                same->second = value;
            } else {
                headers.emplace_back(name, value);
            }
        }
        for (const auto& [name, value] : headers) {
            MHD_add_response_header(reply, name.c_str(), value.c_str());
        }
        const MHD_Result result =
            MHD_queue_response(connection, static_cast<unsigned>(response.status), reply);
        MHD_destroy_response(reply);
        state.status = response.status;
        state.bytes = head ? 0 : response.body.size();
        state.answered = true;
        return result;
    }

    // What the core answers by itself, before any handler: the request's size, method,
    // encoding and path. nullopt: the request goes on to its route.
    std::optional<Response> check(MHD_Connection* connection, RequestState& state, Request& request,
                                  const Route*& route) {
        if (state.target.size() > options.max_target_bytes) {
            return json_error(414, "the request target (path and query) is longer than " +
                                       std::to_string(options.max_target_bytes) + " bytes");
        }
        // The request line and headers together, as they came (": " and CRLF included).
        std::size_t head_bytes = state.method.size() + state.target.size() + 12;
        MHD_get_connection_values(
            connection, MHD_HEADER_KIND,
            [](void* cls, MHD_ValueKind, const char* key, const char* value) -> MHD_Result {
                *static_cast<std::size_t*>(cls) +=
                    std::strlen(key) + (value != nullptr ? std::strlen(value) : 0) + 4;
                return MHD_YES;
            },
            &head_bytes);
        if (head_bytes > options.max_header_bytes) {
            return json_error(431, "the request line and headers are longer than " +
                                       std::to_string(options.max_header_bytes) + " bytes");
        }
        if (state.method == "OPTIONS" && !options.cors_origin.empty()) {
            Response preflight;
            preflight.status = 204;
            preflight.content_type = "text/plain";
            preflight.headers = {{"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                                 {"Access-Control-Allow-Headers", "Content-Type"},
                                 {"Access-Control-Max-Age", "600"}};
            return preflight;
        }
        if (state.method != "GET" && state.method != "HEAD") {
            Response refused = json_error(405, "method " + log_safe(state.method) +
                                                   " is not allowed: lupe-serve is read-only "
                                                   "(GET and HEAD)");
            refused.headers.emplace_back(
                "Allow", options.cors_origin.empty() ? "GET, HEAD" : "GET, HEAD, OPTIONS");
            return refused;
        }
        const std::size_t question = state.target.find('?');
        const std::string_view raw_path = std::string_view(state.target).substr(0, question);
        auto [path, path_error] = decode_path(raw_path);
        if (!path_error.empty()) return json_error(400, path_error);
        if (path.find("/../") != std::string::npos || path.ends_with("/..") ||
            path.find('\\') != std::string::npos) {
            return json_error(400, "the path holds \"..\" or \"\\\"; lupe-serve serves no files");
        }
        if (question != std::string::npos) {
            request.query_string = state.target.substr(question + 1);
            DecodedQuery decoded = decode_query_string(request.query_string);
            if (!decoded.error.empty()) {
                return json_error(400, decoded.error,
                                  "{\"position\":" + std::to_string(decoded.position) + "}");
            }
            request.params = std::move(decoded.params);
        }
        auto found = by_path.find(path);
        if (found == by_path.end()) {
            return json_error(404, "no such path; the API is under /api/ (see /api/search)");
        }
        route = found->second;
        state.endpoint = route->endpoint;
        request.method = state.method;
        request.path = std::move(path);
        request.received = state.received;
        MHD_get_connection_values(
            connection, MHD_HEADER_KIND,
            [](void* cls, MHD_ValueKind, const char* key, const char* value) -> MHD_Result {
                std::string name = key;
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                static_cast<Request*>(cls)->headers.emplace(std::move(name), value ? value : "");
                return MHD_YES;
            },
            &request);
        return std::nullopt;
    }

    static Response run_handler(const Route& route, const Request& request) {
        try {
            return route.handler(request);
        } catch (...) {  // handlers must not throw; a bug must not take the server down
            return json_error(500, "internal error");
        }
    }

    // --- libmicrohttpd callbacks -------------------------------------------------------

    MHD_Result on_request(MHD_Connection* connection, const char* method, size_t* upload_size,
                          void** con_cls) {
        auto* state = static_cast<RequestState*>(*con_cls);
        if (state == nullptr) {  // the URI log callback makes it; never expected
            state = new RequestState;
            *con_cls = state;
        }
        if (state->call) {  // resumed: the worker's answer
            if (!state->call->done) return MHD_YES;
            Response response = std::move(state->call->response);
            state->call->done = false;
            return send(connection, *state, response);
        }
        if (state->answered) {  // a body we do not read (405): discard it
            *upload_size = 0;
            return MHD_YES;
        }
        if (state->method.empty()) {
            state->method = method;
            mark_head_received(connection);
            // libmicrohttpd keeps a connection alive only when the response comes after
            // the whole request was read, that is from the second call on; other methods
            // are refused at once (405), their body unread, and the connection closed.
            if (state->method == "GET" || state->method == "HEAD" || state->method == "OPTIONS") {
                return MHD_YES;
            }
        }
        Request request;
        const Route* route = nullptr;
        if (auto early = check(connection, *state, request, route)) {
            return send(connection, *state, *early);
        }
        if (!route->pooled) return send(connection, *state, run_handler(*route, request));

        auto call = std::make_shared<PooledCall>();
        call->request = std::move(request);
        call->route = route;
        call->connection = connection;
        bool stopping = false;
        {
            std::lock_guard lock(pool_mutex);
            stopping = !accepting;
            if (stopping || queue.size() >= options.queue) {
                call.reset();
            } else {
                queue.push_back(call);
                ++pooled_in_flight;
            }
        }
        if (!call) {
            if (!stopping) metrics.rejected_busy();
            Response busy = json_error(503, stopping ? "the server is shutting down"
                                                     : "the server is busy; try again in a second");
            busy.headers.emplace_back("Retry-After", "1");
            return send(connection, *state, busy);
        }
        state->call = call;
        MHD_suspend_connection(connection);
        pool_wakeup.notify_one();
        update_gauges();
        return MHD_YES;
    }

    void mark_head_received(MHD_Connection* connection) {
        const MHD_ConnectionInfo* info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (info == nullptr || info->socket_context == nullptr) return;
        std::lock_guard lock(connections_mutex);
        static_cast<ConnectionState*>(info->socket_context)->waiting_for_head = false;
    }

    void on_completed(MHD_Connection* connection, void** con_cls) {
        auto* state = static_cast<RequestState*>(*con_cls);
        *con_cls = nullptr;
        if (state == nullptr) return;
        const double seconds = std::chrono::duration<double>(Clock::now() - state->received).count();
        if (state->status == 0) {  // libmicrohttpd's own answer (431, 414, 400), if any
            const MHD_ConnectionInfo* info =
                MHD_get_connection_info(connection, MHD_CONNECTION_INFO_HTTP_STATUS);
            if (info != nullptr) state->status = static_cast<int>(info->http_status);
        }
        if (state->status != 0) metrics.record(state->endpoint, state->status, seconds);
        if (options.access_log != nullptr) log(connection, *state, seconds);
        if (state->call) {
            std::lock_guard lock(pool_mutex);
            --pooled_in_flight;
            pool_drained.notify_all();
        }
        // The next request head is due within header_timeout of this response.
        const MHD_ConnectionInfo* info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (info != nullptr && info->socket_context != nullptr) {
            std::lock_guard lock(connections_mutex);
            auto* connection_state = static_cast<ConnectionState*>(info->socket_context);
            connection_state->waiting_for_head = true;
            connection_state->head_deadline =
                Clock::now() + std::chrono::seconds(options.header_timeout_seconds);
        }
        delete state;
    }

    void log(MHD_Connection* connection, const RequestState& state, double seconds) {
        const std::size_t question = state.target.find('?');
        const std::string target =
            options.log_queries ? state.target : state.target.substr(0, question);
        char millis[32];
        std::snprintf(millis, sizeof millis, "%.1f", seconds * 1000);
        std::string line = iso8601_now() + ' ' + client_address(connection) + ' ' +
                           (state.method.empty() ? "-" : log_safe(state.method)) + ' ' +
                           (target.empty() ? "-" : log_safe(target)) + ' ' +
                           (state.status == 0 ? "-" : std::to_string(state.status)) + ' ' +
                           millis + "ms " + std::to_string(state.bytes) + '\n';
        std::lock_guard lock(log_mutex);
        *options.access_log << line << std::flush;
    }

    void on_connection(MHD_Connection* connection, void** socket_context,
                       MHD_ConnectionNotificationCode code) {
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
            auto* state = new ConnectionState;
            const MHD_ConnectionInfo* info =
                MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
            state->fd = info != nullptr ? info->connect_fd : -1;
            state->head_deadline = Clock::now() + std::chrono::seconds(options.header_timeout_seconds);
            {
                std::lock_guard lock(connections_mutex);
                connections.insert(state);
            }
            *socket_context = state;
            ++open_connections;
        } else {
            auto* state = static_cast<ConnectionState*>(*socket_context);
            if (state == nullptr) return;
            {
                std::lock_guard lock(connections_mutex);
                connections.erase(state);
            }
            delete state;
            *socket_context = nullptr;
            --open_connections;
        }
        update_gauges();
    }

    // --- threads -----------------------------------------------------------------------

    void work() {
        for (;;) {
            std::shared_ptr<PooledCall> call;
            {
                std::unique_lock lock(pool_mutex);
                pool_wakeup.wait(lock, [&] { return workers_end || !queue.empty(); });
                if (workers_end) return;
                call = std::move(queue.front());
                queue.pop_front();
                ++running;
            }
            update_gauges();
            Response response = run_handler(*call->route, call->request);
            finish(*call, std::move(response));
            {
                std::lock_guard lock(pool_mutex);
                --running;
            }
            pool_drained.notify_all();
            update_gauges();
        }
    }

    void finish(PooledCall& call, Response response) {
        std::lock_guard lock(daemon_mutex);
        if (daemon_gone) return;  // its connection went with the daemon
        call.response = std::move(response);
        call.done = true;
        MHD_resume_connection(call.connection);
    }

    // Shuts down connections that have not sent a whole request head in time: an idle
    // timeout alone never cuts a client that sends one byte every few seconds.
    void guard_heads() {
        std::unique_lock lock(watchdog_mutex);
        while (!watchdog_wakeup.wait_for(lock, kWatchdogPeriod, [&] { return watchdog_end; })) {
            const auto now = Clock::now();
            std::lock_guard connections_lock(connections_mutex);
            for (ConnectionState* connection : connections) {
                if (connection->waiting_for_head && now > connection->head_deadline &&
                    connection->fd >= 0) {
                    ::shutdown(connection->fd, SHUT_RDWR);
                    connection->waiting_for_head = false;  // once is enough
                }
            }
        }
    }
};

Server::Server(ServerOptions options, std::vector<Route> routes, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(routes), metrics)) {}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::start() {
    Impl& impl = *impl_;
    const ServerOptions& options = impl.options;
    const std::string where = (options.address.find(':') != std::string::npos
                                   ? "[" + options.address + "]"
                                   : options.address) +
                              ":" + std::to_string(options.port);
    sockaddr_storage address{};
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (inet_pton(AF_INET, options.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(options.port);
    } else if (inet_pton(AF_INET6, options.address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(options.port);
        flags |= MHD_USE_IPv6;
    } else {
        throw std::runtime_error("cannot listen on " + where +
                                 ": not an IPv4 or IPv6 address (give one, e.g. 127.0.0.1 or [::1])");
    }
    raise_open_files_limit();

    const unsigned threads = options.threads != 0
                                 ? options.threads
                                 : std::max(1U, std::thread::hardware_concurrency());
    const auto logger = +[](void* cls, const char* format, va_list arguments) {
        char message[512];
        std::vsnprintf(message, sizeof message, format, arguments);
        std::string text = message;
        while (!text.empty() && (text.back() == '\n' || text.back() == '.')) text.pop_back();
        auto* self = static_cast<Impl*>(cls);
        // Requests libmicrohttpd refused (a head too big, bad syntax): the access log has
        // their status already, and a message each would let a client flood the journal.
        if (text.starts_with("Error processing request")) return;
        if (!self->started) {
            self->start_error = text;  // said once, in start()'s exception
        } else {
            std::lock_guard lock(self->log_mutex);
            std::fprintf(stderr, "lupe-serve: libmicrohttpd: %s\n", text.c_str());
        }
    };
    const auto uri_log = +[](void*, const char* uri, MHD_Connection*) -> void* {
        auto* state = new RequestState;
        state->target = uri != nullptr ? uri : "";
        return state;
    };
    const auto completed = +[](void* cls, MHD_Connection* connection, void** con_cls,
                               MHD_RequestTerminationCode) {
        static_cast<Impl*>(cls)->on_completed(connection, con_cls);
    };
    const auto notify = +[](void* cls, MHD_Connection* connection, void** socket_context,
                            MHD_ConnectionNotificationCode code) {
        static_cast<Impl*>(cls)->on_connection(connection, socket_context, code);
    };
    const auto handler = +[](void* cls, MHD_Connection* connection, const char*, const char* method,
                             const char*, const char*, size_t* upload_size, void** con_cls) {
        return static_cast<Impl*>(cls)->on_request(connection, method, upload_size, con_cls);
    };
    impl.daemon = MHD_start_daemon(
        flags, options.port, nullptr, nullptr, handler, &impl,
        MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&address),
        MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(options.max_connections),
        MHD_OPTION_CONNECTION_TIMEOUT, options.idle_timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        options.max_header_bytes * kHeadPoolFactor + kResponseHeaderRoom,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, &impl,
        MHD_OPTION_NOTIFY_COMPLETED, completed, &impl,
        MHD_OPTION_NOTIFY_CONNECTION, notify, &impl,
        MHD_OPTION_EXTERNAL_LOGGER, logger, &impl,
        MHD_OPTION_END);
    if (impl.daemon == nullptr) {
        throw std::runtime_error("cannot listen on " + where + ": " +
                                 (impl.start_error.empty() ? "libmicrohttpd could not start"
                                                           : impl.start_error));
    }
    const MHD_DaemonInfo* info = MHD_get_daemon_info(impl.daemon, MHD_DAEMON_INFO_BIND_PORT);
    impl.bound_port = info != nullptr ? info->port : options.port;
    impl.started = true;
    for (unsigned i = 0; i < threads; ++i) impl.workers.emplace_back([&impl] { impl.work(); });
    impl.watchdog = std::thread([&impl] { impl.guard_heads(); });
}

void Server::stop() {
    Impl& impl = *impl_;
    if (impl.daemon == nullptr || impl.stopped) return;
    impl.stopped = true;
    // No new connections: the listening socket closes now, so that clients are refused at
    // once instead of waiting in its backlog; connections open may finish their requests.
    const MHD_socket listener = MHD_quiesce_daemon(impl.daemon);
    if (listener != MHD_INVALID_SOCKET) ::close(listener);
    std::deque<std::shared_ptr<PooledCall>> late;
    {
        std::unique_lock lock(impl.pool_mutex);
        impl.accepting = false;
        const auto grace = std::chrono::duration<double>(impl.options.shutdown_grace_seconds);
        impl.pool_drained.wait_for(lock, grace, [&] { return impl.pooled_in_flight == 0; });
        late.swap(impl.queue);
    }
    // Past the grace, requests still queued get 503 now; those running are bounded by the
    // search time limit, and their connections must be resumed before the daemon stops (a
    // suspended connection cannot be closed). Resumed without pool_mutex held, as
    // libmicrohttpd's thread takes it in its callbacks.
    for (auto& call : late) {
        Response busy = json_error(503, "the server is shutting down");
        busy.headers.emplace_back("Retry-After", "1");
        impl.finish(*call, std::move(busy));
    }
    {
        std::unique_lock lock(impl.pool_mutex);
        impl.pool_drained.wait(lock, [&] { return impl.running == 0; });
        impl.workers_end = true;
    }
    impl.pool_wakeup.notify_all();
    for (auto& worker : impl.workers) worker.join();
    {
        std::lock_guard lock(impl.watchdog_mutex);
        impl.watchdog_end = true;
    }
    impl.watchdog_wakeup.notify_all();
    impl.watchdog.join();
    {
        std::lock_guard lock(impl.daemon_mutex);
        impl.daemon_gone = true;
    }
    MHD_stop_daemon(impl.daemon);
}

}  // namespace lupe::serve

// http-libraries: the same tiny server written on the three HTTP libraries Debian offers
// for C++ (libmicrohttpd, civetweb, cpp-httplib), to choose lupe-serve's by measurement
// (bench/http_libraries.sh drives it; bench/README.md has the numbers).
//
//   http-libraries mhd|civetweb|httplib [--threads N] [--idle-timeout S]
//
// Each answers GET /search with the same ~2 KB JSON after ~0.3 ms of CPU work (the cost of
// a small search), with N request threads (default 2), and 404 elsewhere. It listens on a
// free loopback port, prints "http-libraries: listening on http://127.0.0.1:PORT/" on
// stderr, and runs until SIGTERM or SIGINT.
//
// The designs are each library's natural one:
// - mhd: lupe-serve's (apps/serve/http_server.hpp): one internal epoll thread reads every
//   connection; a /search request is suspended, handed to a pool of N workers, and resumed
//   with its response.
// - civetweb: its own model, N worker threads, each serving one connection at a time
//   (keep-alive included) while a master thread accepts into a queue.
// - httplib: its own model too, a thread pool of N taking one accepted connection each.
// Timeouts are set alike where the library has them: a connection idle (or silent) for
// --idle-timeout seconds (default 15) is closed. Everything else is the library's default,
// so the hostile cases show each library as it comes.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <civetweb.h>
#include <httplib.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {

// ---------------------------------------------------------------- the work of a "search"

std::string make_body() {
    std::string body = R"({"api_version":1,"query":"oil prices","total":1234,"results":[)";
    for (int i = 0; i < 10 && body.size() < 1900; ++i) {
        if (i) body += ',';
        body += R"({"id":"doc-)" + std::to_string(1000 + i) +
                R"(","title":"Oil prices rise as OPEC meets","date":"1987-03-0)" +
                std::to_string(i % 9 + 1) +
                R"(","lang":"en","score":12.5,"snippet":"Crude oil prices rose on Monday as )"
                R"(ministers gathered in Vienna for talks on output quotas..."})";
    }
    body += "]}";
    return body;
}

const std::string& body() {
    static const std::string b = make_body();
    return b;
}

// About 0.3 ms of CPU: hashing the body until the time is up (the volatile sink keeps the
// compiler from dropping the loop).
volatile std::uint64_t g_sink = 0;
void search_work() {
    const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(300);
    std::uint64_t h = 1469598103934665603ULL;
    do {
        for (char c : body()) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    } while (std::chrono::steady_clock::now() < end);
    g_sink = g_sink + h;
}

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

void announce(std::uint16_t port) {
    std::fprintf(stderr, "http-libraries: listening on http://127.0.0.1:%u/\n", port);
    std::fflush(stderr);
}

void wait_for_signal() {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// ---------------------------------------------------------------- libmicrohttpd

struct Job {
    MHD_Connection* connection = nullptr;
    bool queued = false;  // only the daemon's thread reads and writes it
    std::atomic<bool> done{false};
};

class WorkerPool {
public:
    explicit WorkerPool(unsigned n) {
        for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
    }
    ~WorkerPool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads_) t.join();
    }
    void push(Job* job) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(job);
        }
        cv_.notify_one();
    }

private:
    void run() {
        for (;;) {
            Job* job;
            {
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;
                job = queue_.front();
                queue_.pop_front();
            }
            search_work();
            job->done = true;
            MHD_resume_connection(job->connection);
        }
    }
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Job*> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// libmicrohttpd 0.9.75 closes the connection after a response queued in the first call for
// a request (it cannot know yet whether a body follows and would have to be discarded), so
// every route answers from the second call on: that is what keeps connections alive.
MHD_Result mhd_answer(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char*, const char*, size_t*, void** state) {
    auto* pool = static_cast<WorkerPool*>(cls);
    auto* job = static_cast<Job*>(*state);
    if (job == nullptr) {  // first call: the head is read
        job = new Job;
        job->connection = connection;
        *state = job;
        return MHD_YES;
    }
    const bool search = std::strcmp(method, "GET") == 0 && std::strcmp(url, "/search") == 0;
    if (!search) {
        static const char kNotFound[] = "{\"error\":\"not found\"}";
        MHD_Response* r = MHD_create_response_from_buffer(sizeof kNotFound - 1,
                                                          const_cast<char*>(kNotFound),
                                                          MHD_RESPMEM_PERSISTENT);
        const MHD_Result ret = MHD_queue_response(connection, MHD_HTTP_NOT_FOUND, r);
        MHD_destroy_response(r);
        return ret;
    }
    if (!job->queued) {  // the whole request is read: hand it to a worker
        job->queued = true;
        MHD_suspend_connection(connection);
        pool->push(job);
        return MHD_YES;
    }
    if (!job->done) return MHD_YES;
    MHD_Response* r = MHD_create_response_from_buffer(
        body().size(), const_cast<char*>(body().data()), MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    const MHD_Result ret = MHD_queue_response(connection, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

void mhd_completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    delete static_cast<Job*>(*state);
    *state = nullptr;
}

int run_mhd(unsigned threads, unsigned idle_timeout) {
    WorkerPool pool(threads);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MHD_Daemon* d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0,
        nullptr, nullptr, &mhd_answer, &pool, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_TIMEOUT, idle_timeout, MHD_OPTION_CONNECTION_LIMIT, 1024u,
        MHD_OPTION_NOTIFY_COMPLETED, &mhd_completed, nullptr, MHD_OPTION_END);
    if (d == nullptr) {
        std::cerr << "http-libraries: libmicrohttpd did not start\n";
        return 1;
    }
    const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    announce(info->port);
    wait_for_signal();
    MHD_stop_daemon(d);
    return 0;
}

// ---------------------------------------------------------------- civetweb

int civet_search(mg_connection* conn, void*) {
    const mg_request_info* ri = mg_get_request_info(conn);
    if (std::strcmp(ri->request_method, "GET") != 0) return 0;  // civetweb answers 405/404
    search_work();
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
              body().size());
    mg_write(conn, body().data(), body().size());
    return 200;
}

int run_civetweb(unsigned threads, unsigned idle_timeout) {
    mg_init_library(0);
    const std::string nthreads = std::to_string(threads);
    const std::string timeout_ms = std::to_string(idle_timeout * 1000);
    const char* options[] = {"listening_ports", "127.0.0.1:0",
                             "num_threads", nthreads.c_str(),
                             "enable_keep_alive", "yes",
                             "keep_alive_timeout_ms", timeout_ms.c_str(),
                             "request_timeout_ms", timeout_ms.c_str(),
                             // Off by default: headers and body go out in two writes, and
                             // Nagle with delayed ACKs then adds ~40 ms to every response.
                             "tcp_nodelay", "1",
                             nullptr};
    mg_callbacks callbacks{};
    mg_context* ctx = mg_start(&callbacks, nullptr, options);
    if (ctx == nullptr) {
        std::cerr << "http-libraries: civetweb did not start\n";
        return 1;
    }
    mg_set_request_handler(ctx, "/search$", civet_search, nullptr);
    mg_server_port ports[1];
    if (mg_get_server_ports(ctx, 1, ports) < 1) {
        std::cerr << "http-libraries: civetweb has no port\n";
        mg_stop(ctx);
        return 1;
    }
    announce(static_cast<std::uint16_t>(ports[0].port));
    wait_for_signal();
    mg_stop(ctx);
    mg_exit_library();
    return 0;
}

// ---------------------------------------------------------------- cpp-httplib

int run_httplib(unsigned threads, unsigned idle_timeout) {
    httplib::Server server;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_keep_alive_timeout(idle_timeout);
    server.set_read_timeout(idle_timeout, 0);
    // As for civetweb: without TCP_NODELAY (off in Debian's build) every response waits
    // ~40 ms for a delayed ACK. Accepted sockets inherit it from the listening socket.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    });
    // The default (5 requests per connection) would measure reconnects, not the library.
    server.set_keep_alive_max_count(1000000);
    server.Get("/search", [](const httplib::Request&, httplib::Response& res) {
        search_work();
        res.set_content(body(), "application/json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    if (port < 0) {
        std::cerr << "http-libraries: cpp-httplib did not bind\n";
        return 1;
    }
    std::thread listener([&server] { server.listen_after_bind(); });
    announce(static_cast<std::uint16_t>(port));
    wait_for_signal();
    server.stop();
    listener.join();
    return 0;
}

int usage() {
    std::cerr << "usage: http-libraries mhd|civetweb|httplib [--threads N] [--idle-timeout S]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string lib = argv[1];
    unsigned threads = 2;
    unsigned idle_timeout = 15;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--threads" || a == "--idle-timeout") && i + 1 < argc) {
            const long v = std::strtol(argv[++i], nullptr, 10);
            if (v < 1 || v > 1000) return usage();
            (a == "--threads" ? threads : idle_timeout) = static_cast<unsigned>(v);
        } else {
            return usage();
        }
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    if (lib == "mhd") return run_mhd(threads, idle_timeout);
    if (lib == "civetweb") return run_civetweb(threads, idle_timeout);
    if (lib == "httplib") return run_httplib(threads, idle_timeout);
    return usage();
}

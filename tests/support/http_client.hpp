// A small blocking HTTP/1.1 client for tests of lupe-serve: raw bytes out, one response
// in, over loopback. Raw on purpose: the hostile-request tests send what no real client
// library would (bad encodings, floods of headers, half requests).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lupe::test {

struct HttpResponse {
    int status = 0;  ///< 0: no status line came (the connection was cut or timed out)
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;
    bool timed_out = false;  ///< the timeout passed before the response was whole
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// A TCP connection to 127.0.0.1:port; closed by the destructor.
class HttpConnection {
public:
    explicit HttpConnection(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            const std::string why = std::strerror(errno);
            ::close(fd_);
            fd_ = -1;
            throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + why);
        }
    }
    ~HttpConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    int fd() const { return fd_; }

    /// Send bytes; false when the peer has closed the connection (EPIPE, ECONNRESET).
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    /// Whether the server closed the connection within `timeout_s` (reads and discards
    /// anything it sends first).
    bool closed_within(double timeout_s) {
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::duration<double>(timeout_s);
        char buffer[4096];
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
        }
    }

    /// Read one response (to Content-Length, or to the close of the connection).
    HttpResponse read_response(double timeout_s = 10, bool head = false) {
        HttpResponse response;
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::duration<double>(timeout_s);
        std::string data = std::move(pending_);
        pending_.clear();
        std::size_t head_end = std::string::npos;
        std::size_t body_length = std::string::npos;
        bool eof = false;
        char buffer[16384];
        for (;;) {
            if (head_end == std::string::npos) {
                head_end = data.find("\r\n\r\n");
                if (head_end != std::string::npos) {
                    parse_head(data.substr(0, head_end), response);
                    const auto length = response.headers.find("content-length");
                    if (head || response.status == 204 || response.status == 304) {
                        body_length = 0;
                    } else if (length != response.headers.end()) {
                        body_length = std::stoul(length->second);
                    }
                }
            }
            if (head_end != std::string::npos && body_length != std::string::npos &&
                data.size() >= head_end + 4 + body_length) {
                response.body = data.substr(head_end + 4, body_length);
                pending_ = data.substr(head_end + 4 + body_length);
                return response;
            }
            if (eof) {
                if (head_end != std::string::npos) response.body = data.substr(head_end + 4);
                return response;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) {
                response.timed_out = true;
                return response;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                eof = true;
                continue;
            }
            data.append(buffer, static_cast<std::size_t>(n));
        }
    }

private:
    static void parse_head(const std::string& head, HttpResponse& response) {
        std::size_t line_end = head.find("\r\n");
        const std::string status_line = head.substr(0, line_end);
        // "HTTP/1.1 200 OK"
        const auto space = status_line.find(' ');
        if (space != std::string::npos) response.status = std::atoi(status_line.c_str() + space + 1);
        while (line_end != std::string::npos && line_end < head.size()) {
            const std::size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            const std::string line = head.substr(start, line_end == std::string::npos
                                                            ? std::string::npos
                                                            : line_end - start);
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            response.headers[name] = value;
        }
    }

    int fd_ = -1;
    std::string pending_;
};

/// One request on a new connection: GET `target` (already encoded), with `extra_headers`
/// ("Name: value\r\n" lines), Connection: close.
inline HttpResponse http_get(std::uint16_t port, const std::string& target,
                             const std::string& extra_headers = {}, double timeout_s = 10,
                             const std::string& method = "GET") {
    HttpConnection connection(port);
    connection.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                    "Connection: close\r\n\r\n");
    return connection.read_response(timeout_s, method == "HEAD");
}

/// Raw bytes on a new connection (a request as no client library would send it), then one
/// response: status 0 when the server cut the connection instead of answering. A send the
/// server refuses midway (it closed the connection) still reads what it answered.
inline HttpResponse http_raw(std::uint16_t port, std::string_view bytes, double timeout_s = 10) {
    HttpConnection connection(port);
    connection.send(bytes);
    return connection.read_response(timeout_s);
}

/// Percent-encode a query parameter value (RFC 3986 unreserved characters kept).
inline std::string url_encode(std::string_view text) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace lupe::test

// A xapian-tcpsrv (Debian's xapian-tools) serving an index on 127.0.0.1 for the duration
// of a test, on a free port: a remote shard. Loopback only, so a test never listens on the
// network.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support/process.hpp"

namespace lupe::test {

inline const std::string kXapianTcpServer = "/usr/bin/xapian-tcpsrv";

/// A TCP socket bound to a free port of 127.0.0.1 (the kernel's choice for port 0).
struct LoopbackSocket {
    int fd = -1;
    unsigned port = 0;
    LoopbackSocket() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port = ntohs(addr.sin_port);
    }
    ~LoopbackSocket() { ::close(fd); }
    LoopbackSocket(const LoopbackSocket&) = delete;
    LoopbackSocket& operator=(const LoopbackSocket&) = delete;
};

/// A port on 127.0.0.1 that is free now.
inline unsigned free_port() { return LoopbackSocket().port; }

/// Whether something accepts connections on 127.0.0.1:`port`.
inline bool accepts(unsigned port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

/// A xapian-tcpsrv serving `index` on 127.0.0.1, ready for connections; stopped (killed
/// and reaped) by stop() or at the latest by the destructor.
struct XapianServer {
    unsigned port = 0;
    std::unique_ptr<Child> child;

    explicit XapianServer(const std::string& index) {
        for (int attempt = 0; attempt < 5 && !child; ++attempt) {
            port = free_port();
            child = std::make_unique<Child>(std::vector<std::string>{
                kXapianTcpServer, "--quiet", "--interface", "127.0.0.1", "--port",
                std::to_string(port), index});
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!accepts(port) && !child->poll() &&
                   std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (child->poll() || !accepts(port)) child.reset();  // port taken meanwhile: again
        }
        REQUIRE_MESSAGE(child, "xapian-tcpsrv did not start");
    }
    /// The server's line in a shard list.
    std::string line() const { return "remote 127.0.0.1:" + std::to_string(port) + "\n"; }
    /// The server as lupe names a remote shard in its messages.
    std::string name() const { return "tcp://127.0.0.1:" + std::to_string(port); }
    void stop() { child->kill_and_wait(); }
};

}  // namespace lupe::test

// Running the real binaries in end-to-end tests: to their end with stdout and stderr
// captured (run), or in the background (Child), always through posix_spawn, never a shell.
// Needs LUPE_INDEX_BIN and LUPE_SEARCH_BIN defined by the test target.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/files.hpp"

extern char** environ;

namespace lupe::test {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---------------------------------------------------------------------------------------
// Running a program to its end (stdout and stderr through pipes)

struct Run {
    int status = -1;  ///< exit status, or 128 + signal number when killed by a signal
    std::string out;
    std::string err;
    double seconds = 0;
};

inline std::string describe(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) s += (s.empty() ? "" : " ") + ("'" + a + "'");
    return s;
}

inline int decode_status(int wstatus) {
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

inline std::vector<char*> c_args(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    return args;
}

/// Run argv[0] with the arguments argv (no shell, no PATH lookup), stdin from `stdin_file`,
/// and collect stdout, stderr and the exit status. Thread-safe.
inline Run run(const std::vector<std::string>& argv, const std::string& stdin_file = "/dev/null") {
    const auto start = Clock::now();
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_file.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    auto args = c_args(argv);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }

    Run result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& fd : fds) {
        if (fd.fd >= 0) ::close(fd.fd);
    }
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    result.status = decode_status(wstatus);
    result.seconds = seconds_since(start);
    return result;
}

inline Run lupe_index(std::vector<std::string> args) {
    args.insert(args.begin(), LUPE_INDEX_BIN);
    return run(args);
}

inline Run lupe_search(std::vector<std::string> args) {
    args.insert(args.begin(), LUPE_SEARCH_BIN);
    return run(args);
}

// ---------------------------------------------------------------------------------------
// A child process running in the background (stdout and stderr into files), killed and
// reaped by the destructor if the test did not wait for it.

class Child {
public:
    /// `out_file`, `err_file`: where stdout and stderr go ("" for /dev/null).
    Child(const std::vector<std::string>& argv, const std::string& out_file = {},
          const std::string& err_file = {})
        : argv_(argv), out_file_(out_file), err_file_(err_file), start_(Clock::now()) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
                                         out_file.empty() ? "/dev/null" : out_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                         err_file.empty() ? "/dev/null" : err_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        auto args = c_args(argv);
        const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }
    ~Child() {
        if (!status_) kill_and_wait();
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    const std::vector<std::string>& argv() const { return argv_; }
    double seconds() const { return seconds_; }

    /// The status if the process has ended (it is then reaped), nullopt while it runs.
    std::optional<int> poll() {
        if (status_) return status_;
        int wstatus = 0;
        const pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
        if (r == pid_) set_status(wstatus);
        return status_;
    }
    int wait() {
        if (status_) return *status_;
        int wstatus = 0;
        while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
        }
        set_status(wstatus);
        return *status_;
    }
    /// Wait until `deadline`; nullopt if it still runs then.
    std::optional<int> wait_until(Clock::time_point deadline) {
        while (!poll()) {
            if (Clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return status_;
    }
    /// SIGKILL (harmless on a process that already ended but is not yet reaped: its pid
    /// is still ours), then reap. Returns the status: 128 + 9 if the kill hit it.
    int kill_and_wait() {
        if (status_) return *status_;
        ::kill(pid_, SIGKILL);
        return wait();
    }
    std::string out() const { return out_file_.empty() ? "" : read_file_if_any(out_file_); }
    std::string err() const { return err_file_.empty() ? "" : read_file_if_any(err_file_); }

private:
    void set_status(int wstatus) {
        status_ = decode_status(wstatus);
        seconds_ = seconds_since(start_);
    }

    std::vector<std::string> argv_;
    std::string out_file_;
    std::string err_file_;
    pid_t pid_ = -1;
    Clock::time_point start_;
    std::optional<int> status_;
    double seconds_ = 0;
};

}  // namespace lupe::test

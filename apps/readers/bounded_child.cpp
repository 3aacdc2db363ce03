// run_bounded() (see bounded_child.hpp).
//
// The caller may be one of several indexing threads, so between fork and exec the child
// makes only async-signal-safe calls (no malloc, no locks): everything it needs (argv,
// limits, file descriptors) is prepared before the fork. Pipes are opened close-on-exec,
// so that a child another thread starts at the same moment does not inherit them (it
// would hold the write end open and keep this reader from seeing end of file).
#include "bounded_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

namespace lupe::readers {
namespace {

// CPU seconds granted above the wall limit: the wall deadline is the real bound, this is
// the kernel's backstop should the reader itself be stopped.
constexpr rlim_t kCpuSecondsAboveWall = 2;
// How often the reader looks whether a child that closed its output has exited.
constexpr auto kExitPollInterval = std::chrono::milliseconds(2);

using Clock = std::chrono::steady_clock;

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// A started child that is killed (with its process group) and reaped unless waited for:
// whatever happens in the reader, no child outlives it and no zombie stays behind.
class Child {
public:
    explicit Child(pid_t pid) : pid_(pid) {}
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0) kill_and_reap();
    }

    // Kills the child and everything it started, and reaps it; returns its wait status.
    int kill_and_reap() {
        ::kill(-pid_, SIGKILL);  // its process group (a script's own children too)
        ::kill(pid_, SIGKILL);   // in case it died before it made its group
        return reap(0).value_or(0);
    }

    // Its wait status once it has exited; nullopt while it runs (with WNOHANG).
    std::optional<int> reap(int flags) {
        int status = 0;
        rusage usage{};
        pid_t r;
        do r = ::wait4(pid_, &status, flags, &usage);
        while (r < 0 && errno == EINTR);
        if (r == 0) return std::nullopt;
        pid_ = -1;
        cpu_seconds_ = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        return status;
    }

    // The processor time it used, once reaped.
    double cpu_seconds() const { return cpu_seconds_; }

private:
    pid_t pid_;
    double cpu_seconds_ = 0;
};

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
    return true;
}

// The child's side, between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_child(char* const argv[], int in, int out, int err, int max_fd,
                                 const rlimit& memory, const rlimit& cpu) {
    ::setpgid(0, 0);  // a group of its own, so that a kill reaches what it starts
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the caller's thread may block signals
    ::signal(SIGPIPE, SIG_DFL);
    if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(kExitCannotExec);
    if (::close_range(3, ~0U, 0) != 0) {
        for (int fd = 3; fd < max_fd; ++fd) ::close(fd);
    }
    const rlimit none_at_all{0, 0};
    ::setrlimit(RLIMIT_AS, &memory);
    ::setrlimit(RLIMIT_CPU, &cpu);
    ::setrlimit(RLIMIT_CORE, &none_at_all);
    ::setrlimit(RLIMIT_FSIZE, &none_at_all);
    ::execv(argv[0], argv);
    static constexpr char kMessage[] = "cannot start the program\n";
    [[maybe_unused]] const ssize_t ignored = ::write(2, kMessage, sizeof kMessage - 1);
    ::_exit(kExitCannotExec);
}

}  // namespace

ChildRun run_bounded(const std::vector<std::string>& args, const ChildLimits& limits) {
    ChildRun run;
    const auto fail = [&](const char* what) {
        run.start_error = std::string(what) + ": " + std::strerror(errno);
        return run;
    };
    UniqueFd out_read, out_write, err_read, err_write;
    if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write)) return fail("pipe");
    UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (null_in.get() < 0) return fail("/dev/null");

    // Everything the child needs, made before the fork.
    std::vector<std::string> strings = args;
    std::vector<char*> argv;
    for (std::string& s : strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    const rlimit memory{limits.memory_bytes, limits.memory_bytes};
    const auto cpu_seconds =
        static_cast<rlim_t>(std::ceil(limits.wall_seconds)) + kCpuSecondsAboveWall;
    const rlimit cpu{cpu_seconds, cpu_seconds + 1};  // soft: SIGXCPU; hard: SIGKILL
    run.cpu_limit = static_cast<double>(cpu_seconds);
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    const int max_fd = static_cast<int>(std::min<rlim_t>(files.rlim_cur, 65536));
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(std::max(limits.wall_seconds, 0.0)));

    const pid_t pid = ::fork();
    if (pid < 0) return fail("fork");
    if (pid == 0) {
        exec_child(argv.data(), null_in.get(), out_write.get(), err_write.get(), max_fd, memory, cpu);
    }
    run.started = true;
    Child child(pid);
    out_write.reset();
    err_write.reset();
    null_in.reset();

    // Read both pipes until both are closed, or the deadline.
    const std::size_t max_out = limits.max_stdout_bytes;
    char buffer[64 * 1024];
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            run.timed_out = true;
            break;
        }
        pollfd fds[2];
        nfds_t n = 0;
        if (out_open) fds[n++] = {out_read.get(), POLLIN, 0};
        if (err_open) fds[n++] = {err_read.get(), POLLIN, 0};
        const auto wait_ms = static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
        const int ready = ::poll(fds, n, wait_ms);
        if (ready < 0 && errno != EINTR) {
            run.start_error = std::string("poll: ") + std::strerror(errno);
            break;
        }
        for (nfds_t i = 0; i < n && ready > 0; ++i) {
            if (fds[i].revents == 0) continue;
            const bool is_out = fds[i].fd == out_read.get();
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                (is_out ? out_open : err_open) = false;
                continue;
            }
            std::string& sink = is_out ? run.out : run.err;
            const std::size_t room = is_out ? max_out : limits.max_stderr_bytes;
            const std::size_t keep = room - std::min(room, sink.size());
            sink.append(buffer, std::min(static_cast<std::size_t>(got), keep));
            if (is_out && run.out.size() >= max_out) run.too_much_output = true;
        }
        if (run.too_much_output) break;
    }

    if (run.timed_out || run.too_much_output || !run.start_error.empty()) {
        run.status = child.kill_and_reap();
        run.cpu_seconds = child.cpu_seconds();
        return run;
    }
    // Output closed: it is about to exit (or it closed its output and went on: the deadline
    // still holds).
    for (;;) {
        if (const auto status = child.reap(WNOHANG)) {
            run.status = *status;
            run.cpu_seconds = child.cpu_seconds();
            return run;
        }
        if (Clock::now() >= deadline) {
            run.timed_out = true;
            run.status = child.kill_and_reap();
            return run;
        }
        std::this_thread::sleep_for(kExitPollInterval);
    }
}

}  // namespace lupe::readers

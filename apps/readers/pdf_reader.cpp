// Reader for PDF files: lupe-pdf-extract (apps/lupe-pdf-extract/main.cpp) does the work
// in a child process; this file starts it, bounds it and turns its record into a document.
//
// Why out of process: poppler cannot be bounded in process (a flate bomb or a damaged
// font can take minutes, gigabytes or the process with it), so each PDF gets a process of
// its own with limits the kernel enforces: RLIMIT_AS (options.pdf_memory_bytes), RLIMIT_CPU
// (a little above the wall limit, in case the wall clock is not watched), no core dumps,
// no files written. The wall limit (options.pdf_seconds) is kept here: past it the child's
// process group is killed. The price is a fork and exec per PDF (a few milliseconds,
// measured in the report of issue 15), small beside poppler's own work on a real PDF.
//
// The caller may be one of several indexing threads, so between fork and exec the child
// makes only async-signal-safe calls (no malloc, no locks): everything it needs (argv,
// limits, file descriptors) is prepared before the fork. Pipes are opened close-on-exec,
// so that a child another thread starts at the same moment does not inherit them (it
// would hold the write end open and keep this reader from seeing end of file).
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
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>
#include <optional>
#include <thread>
#include <utility>

#include "lupe/utf8.hpp"
#include "pdf_reader.hpp"

namespace lupe::readers {
namespace {

constexpr const char* kExtractorName = "lupe-pdf-extract";

// The extractor's exit codes (apps/lupe-pdf-extract/main.cpp) and the shell's convention
// for a program that could not be started.
constexpr int kExitUnreadable = 1;
constexpr int kExitOutOfMemory = 3;
constexpr int kExitCannotExec = 127;

// The record's header lines: a few short lines before the text (a title is one line).
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// Standard error is for one line of reason; more is kept only up to this, then drained.
constexpr std::size_t kMaxStderrBytes = 4096;
// A title taken from the first line of text is cut here: a PDF's "first line" is
// sometimes a whole paragraph without line breaks, and a title is for a result list.
constexpr std::size_t kMaxTitleFromTextBytes = 200;
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

// What became of one run of the extractor.
struct Run {
    std::string out;
    std::string err;
    int status = 0;             // waitpid status (valid when started and not timed out)
    double cpu_seconds = 0;     // processor time it used
    double cpu_limit = 0;       // its RLIMIT_CPU (soft)
    bool started = false;
    std::string start_error;    // why it could not be started
    bool timed_out = false;
    bool too_much_output = false;
};

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
    return true;
}

// The child's side, between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_extractor(char* const argv[], int in, int out, int err, int max_fd,
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

// Runs the extractor on `path`, collecting its output within the options' limits.
Run run_extractor(const std::string& extractor, const std::string& path,
                  const ReadOptions& options) {
    Run run;
    const auto fail = [&](const char* what) {
        run.start_error = std::string(what) + ": " + std::strerror(errno);
        return run;
    };
    UniqueFd out_read, out_write, err_read, err_write;
    if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write)) return fail("pipe");
    UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (null_in.get() < 0) return fail("/dev/null");

    // Everything the child needs, made before the fork.
    std::string program = extractor;
    std::string file = path;
    char* argv[] = {program.data(), file.data(), nullptr};
    const rlimit memory{options.pdf_memory_bytes, options.pdf_memory_bytes};
    const auto cpu_seconds =
        static_cast<rlim_t>(std::ceil(options.pdf_seconds)) + kCpuSecondsAboveWall;
    const rlimit cpu{cpu_seconds, cpu_seconds + 1};  // soft: SIGXCPU; hard: SIGKILL
    run.cpu_limit = static_cast<double>(cpu_seconds);
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    const int max_fd = static_cast<int>(std::min<rlim_t>(files.rlim_cur, 65536));
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(std::max(options.pdf_seconds, 0.0)));

    const pid_t pid = ::fork();
    if (pid < 0) return fail("fork");
    if (pid == 0) {
        exec_extractor(argv, null_in.get(), out_write.get(), err_write.get(), max_fd, memory, cpu);
    }
    run.started = true;
    Child child(pid);
    out_write.reset();
    err_write.reset();
    null_in.reset();

    // Read both pipes until both are closed, or the deadline.
    const std::size_t max_out = kMaxDocumentBytes + kMaxHeaderBytes;
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
            const std::size_t room = is_out ? max_out : kMaxStderrBytes;
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

// "30", "2.5": seconds as a user wrote them.
std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}

std::string mib_text(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// The first line of the extractor's standard error, without the "FILE: " it starts with.
std::string extractor_message(const std::string& err, const std::string& path) {
    std::string_view line = std::string_view(err).substr(0, err.find('\n'));
    const std::string prefix = path + ": ";
    if (line.starts_with(prefix)) line.remove_prefix(prefix.size());
    return line.empty() ? "no reason given" : std::string(line);
}

bool says_out_of_memory(const std::string& err) {
    // Poppler's allocator ("Out of memory"), libstdc++'s terminate handler (an allocation
    // failed where nothing could catch it), the dynamic loader that could not map poppler
    // itself ("failed to map segment", "Cannot allocate memory": a very small limit).
    for (const char* sign : {"Out of memory", "out of memory", "bad_alloc", "failed to map segment",
                             "allocate memory"}) {
        if (err.find(sign) != std::string::npos) return true;
    }
    return false;
}

// The error for a run that gave no record, or "" when it exited with 0.
std::string run_error(const Run& run, const std::string& extractor, const std::string& path,
                      const ReadOptions& options) {
    const std::string memory = "PDF extraction ran out of its memory limit (" +
                               mib_text(options.pdf_memory_bytes) + ")";
    if (!run.started || !run.start_error.empty()) {
        return "cannot read PDF: cannot run " + extractor + " (" + run.start_error + ")";
    }
    if (run.timed_out) {
        return "PDF extraction took more than " + seconds_text(options.pdf_seconds) + " s; skipped";
    }
    if (run.too_much_output) {
        return "PDF extractor wrote more than the document size limit; skipped";
    }
    if (WIFSIGNALED(run.status)) {
        const int sig = WTERMSIG(run.status);
        if (sig == SIGXCPU || (sig == SIGKILL && run.cpu_seconds >= run.cpu_limit)) {
            // The CPU limit (soft, then hard): the same bound as the wall time, in CPU.
            return "PDF extraction took more than " + seconds_text(options.pdf_seconds) +
                   " s of processor time; skipped";
        }
        if (says_out_of_memory(run.err)) return memory;
        if (sig == SIGKILL) {  // not by this reader, nor by its CPU limit
            return "PDF extractor was killed (signal 9, SIGKILL), perhaps by the system for "
                   "want of memory";
        }
        const char* name = ::sigabbrev_np(sig);
        return "PDF extractor crashed (signal " + std::to_string(sig) +
               (name ? std::string(", SIG") + name : std::string()) + ")";
    }
    const int code = WEXITSTATUS(run.status);
    if (code == 0) return {};
    if (code == kExitUnreadable) return "cannot read PDF: " + extractor_message(run.err, path);
    if (code == kExitOutOfMemory || says_out_of_memory(run.err)) return memory;
    if (code == kExitCannotExec) {  // exec failed, or the loader could not start it
        return "cannot read PDF: cannot run " + extractor + " (" +
               extractor_message(run.err, path) + ")";
    }
    return "PDF extractor failed (exit code " + std::to_string(code) + ": " +
           extractor_message(run.err, path) + ")";
}

// The extractor's record (see apps/lupe-pdf-extract/main.cpp).
struct Record {
    std::string title;
    std::string date;
    std::string cut;
    std::string text;
};

bool parse_record(const std::string& out, Record& record) {
    std::string_view rest = out;
    const auto take_line = [&](std::string_view& line) {
        const std::size_t nl = rest.find('\n');
        if (nl == std::string_view::npos) return false;
        line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        return true;
    };
    std::string_view line;
    if (!take_line(line) || line != "lupe-pdf-extract 1") return false;
    while (take_line(line)) {
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos) return false;
        const std::string_view key = line.substr(0, tab);
        const std::string_view value = line.substr(tab + 1);
        if (key == "title") record.title = value;
        else if (key == "date") record.date = value;
        else if (key == "cut") record.cut = value;
        else if (key == "text") {
            std::size_t length = 0;
            for (char c : value) {
                if (c < '0' || c > '9' || length > kMaxDocumentBytes) return false;
                length = length * 10 + static_cast<std::size_t>(c - '0');
            }
            if (value.empty() || length != rest.size()) return false;
            record.text = rest;
            return true;
        }
        // Other keys ("pages", and any a later extractor adds) are not needed here.
    }
    return false;
}

// Invalid UTF-8 (which poppler should never give) as U+FFFD, so that one bad byte does not
// cost the whole document; true when something was replaced.
bool repair_utf8(std::string& text) {
    if (!find_invalid_utf8(text)) return false;
    std::string fixed;
    fixed.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t start = pos;
        if (decode_utf8(text, pos) == kInvalidCodePoint) fixed += "\xEF\xBF\xBD";
        else fixed.append(text, start, pos - start);
    }
    text = std::move(fixed);
    return true;
}

// The first non-empty line of the text, cut at a word (or character) boundary.
std::string title_from_text(std::string_view text) {
    std::string_view line;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        const std::size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos) continue;
        line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        break;
    }
    if (line.size() <= kMaxTitleFromTextBytes) return std::string(line);
    std::size_t cut = kMaxTitleFromTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    const std::size_t space = line.rfind(' ', cut);
    if (space != std::string_view::npos && space > kMaxTitleFromTextBytes / 2) cut = space;
    return std::string(line.substr(0, cut)) + "…";
}

}  // namespace

std::string pdf_extractor_path() {
    const auto executable = [](const std::string& p) {
        return !p.empty() && ::access(p.c_str(), X_OK) == 0;
    };
    if (const char* env = std::getenv("LUPE_PDF_EXTRACT"); env && *env) {
        return executable(env) ? env : "";  // set: the user means this one, or none
    }
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::string beside = (self.parent_path() / kExtractorName).string();
        if (executable(beside)) return beside;
        // Installed: bin/lupe-index and libexec/lupe/lupe-pdf-extract under one prefix,
        // wherever the prefix was moved to.
        const std::string relative =
            (self.parent_path().parent_path() / LUPE_LIBEXEC_RELATIVE / kExtractorName).string();
        if (executable(relative)) return relative;
    }
#ifdef LUPE_LIBEXEC_DIR
    const std::string installed = std::string(LUPE_LIBEXEC_DIR) + "/" + kExtractorName;
    if (executable(installed)) return installed;
#endif
    return {};
}

void read_pdf_file(const std::filesystem::path& path, const std::string& id,
                   const ReadCallbacks& callbacks, const ReadOptions& options) {
    const std::string extractor = pdf_extractor_path();
    if (extractor.empty()) {
        return callbacks.on_error(
            0, "cannot read PDF: lupe-pdf-extract not found (set LUPE_PDF_EXTRACT or install it)");
    }
    const Run run = run_extractor(extractor, path.string(), options);
    if (std::string error = run_error(run, extractor, path.string(), options); !error.empty()) {
        return callbacks.on_error(0, error);
    }
    Record record;
    if (!parse_record(run.out, record)) {
        return callbacks.on_error(0, "cannot read PDF: " + extractor + " wrote something other " +
                                         "than its record (a different version?)");
    }
    if (record.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return callbacks.on_error(0, "PDF has no text (scanned? lupe does no OCR)");
    }
    bool repaired = repair_utf8(record.text);
    repaired = repair_utf8(record.title) || repaired;
    if (repaired && callbacks.on_note) {
        callbacks.on_note(0, "invalid UTF-8 from the PDF's text replaced by U+FFFD");
    }
    if (!record.cut.empty() && callbacks.on_note) callbacks.on_note(0, "PDF " + record.cut);

    Document doc;
    doc.id = id;
    doc.title = record.title.empty() ? title_from_text(record.text) : std::move(record.title);
    doc.date = std::move(record.date);
    doc.body = std::move(record.text);
    callbacks.on_document(std::move(doc), 0);
}

}  // namespace lupe::readers

#include "format/index_layout.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lupe/error.hpp"

namespace lupe::format {
namespace fs = std::filesystem;

namespace {

void fsync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

std::optional<std::string> published_generation(const std::string& dir) {
    std::ifstream in(fs::path(dir) / kStubName);
    if (!in) return std::nullopt;
    std::string backend, generation;
    in >> backend >> generation;
    if (generation.empty()) return std::nullopt;
    return generation;
}

std::string next_generation(const std::optional<std::string>& current) {
    unsigned long n = 0;
    if (current && current->starts_with(kGenerationPrefix)) {
        n = std::stoul(current->substr(kGenerationPrefix.size()));
    }
    char digits[32];
    std::snprintf(digits, sizeof digits, "%06lu", n + 1);
    return std::string(kGenerationPrefix) + digits;
}

std::string build_directory_name(long pid) {
    return std::string(kBuildPrefix) + std::to_string(pid);
}

std::string build_shard_name(std::size_t worker) {
    return std::string(kBuildShardPrefix) + std::to_string(worker);
}

void publish_generation(const std::string& dir, const std::string& generation) {
    const std::string stub = (fs::path(dir) / kStubName).string();
    const std::string tmp = stub + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "auto " << generation << "\n";
        out.flush();
        if (!out) throw IoError("index " + dir + ": cannot write " + tmp);
    }
    fsync_path(tmp, false);
    if (std::rename(tmp.c_str(), stub.c_str()) != 0) {
        throw IoError("index " + dir + ": cannot publish " + generation + ": " +
                      std::strerror(errno));
    }
    fsync_path(dir, true);
}

int remove_unused_generations(const std::string& dir, const std::string& keep) {
    int removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const bool generation = name.starts_with(kGenerationPrefix) && name != keep;
        const bool build = name.starts_with(kBuildPrefix);
        if (!(generation || build) || !it->is_directory()) continue;
        int fd = -1;
        if (generation) {
            // Held by a searcher: leave it for a later run. The exclusive lock is kept
            // while the directory is removed, so that no searcher can take it meanwhile.
            const std::string readers = (it->path() / kReadersName).string();
            fd = ::open(readers.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0) continue;
            if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
                ::close(fd);
                continue;
            }
        }
        std::error_code rm;
        fs::remove_all(it->path(), rm);
        if (fd >= 0) ::close(fd);
        if (!rm) ++removed;
    }
    return removed;
}

GenerationReadLock::GenerationReadLock(const std::string& generation_dir) {
    const std::string readers = (fs::path(generation_dir) / kReadersName).string();
    fd_ = ::open(readers.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fd_ = ::open(readers.c_str(), O_RDONLY | O_CLOEXEC);  // read-only index
    if (fd_ >= 0) ::flock(fd_, LOCK_SH);
}

GenerationReadLock::~GenerationReadLock() {
    if (fd_ >= 0) ::close(fd_);
}

GenerationReadLock::GenerationReadLock(GenerationReadLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

GenerationReadLock& GenerationReadLock::operator=(GenerationReadLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

WriterLock::WriterLock(const std::string& dir, double wait_seconds) {
    const std::string path = (fs::path(dir) / kLockName).string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw IoError("index " + dir + ": cannot open the lock file " + path + ": " +
                      std::strerror(errno));
    }
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(wait_seconds);
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            char holder[32] = {0};
            const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
            ::close(fd_);
            fd_ = -1;
            std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
            while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
            // Library terms: the holder may be any program embedding lupe, or this one
            // (flock locks open files, so two writers in one process exclude each other).
            // lupe-index adds its own flag for waiting.
            std::string holder_text;
            if (pid == std::to_string(::getpid())) {
                holder_text = "another IndexWriter in this process (pid " + pid +
                              ") has it open; destroy that writer first";
            } else {
                holder_text = "another writer (" + (pid.empty() ? std::string("pid unknown")
                                                               : "pid " + pid) +
                              ") has it open";
            }
            char waited[32];
            std::snprintf(waited, sizeof waited, "%g", wait_seconds);
            throw IndexLockedError(
                "index " + dir + ": " + holder_text +
                (wait_seconds > 0 ? "; waited " + std::string(waited) + " s for it"
                                  : "; IndexWriterOptions::lock_wait_seconds waits for it"));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // Ours now; the pid is only for the message another run prints.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t w = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

WriterLock::~WriterLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace lupe::format

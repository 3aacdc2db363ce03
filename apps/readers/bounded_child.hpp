// A program run as a child process bounded in wall time, address space and output: the
// PDF reader's extractor (pdf_reader.cpp). Internal to lupe::app.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lupe::readers {

/// The shell's exit code for a program that could not be started (exec failed).
inline constexpr int kExitCannotExec = 127;

struct ChildLimits {
    double wall_seconds = 30.0;        ///< past it the child's process group is killed
    std::uint64_t memory_bytes = 1ull << 30;  ///< RLIMIT_AS of the child
    std::size_t max_stdout_bytes = 0;  ///< more output stops (and kills) the child
    std::size_t max_stderr_bytes = 0;  ///< more is drained, not kept
};

/// What became of one run.
struct ChildRun {
    std::string out;
    std::string err;
    int status = 0;             ///< wait status (valid when started and not timed out)
    double cpu_seconds = 0;     ///< processor time it used
    double cpu_limit = 0;       ///< its RLIMIT_CPU (soft): the wall limit and a little more
    bool started = false;
    std::string start_error;    ///< why it could not be started (or watched)
    bool timed_out = false;
    bool too_much_output = false;
};

/// Runs args[0] with args (stdin /dev/null) in a process group of its own, limited by
/// RLIMIT_AS, RLIMIT_CPU, no core files and no file writes, and collects its output until
/// it exits or a limit is reached (then the group is killed). The child is always reaped
/// and no file descriptor is left open.
ChildRun run_bounded(const std::vector<std::string>& args, const ChildLimits& limits);

}  // namespace lupe::readers

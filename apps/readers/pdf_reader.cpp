// Reader for PDF files: lupe-pdf-extract (apps/lupe-pdf-extract/main.cpp) does the work
// in a child process; this file starts it, bounds it and turns its record into a document.
//
// Why out of process: poppler cannot be bounded in process (a flate bomb or a damaged
// font can take minutes, gigabytes or the process with it), so each PDF gets a process of
// its own with limits the kernel enforces: RLIMIT_AS (options.pdf_memory_bytes), RLIMIT_CPU
// (a little above the wall limit, in case the wall clock is not watched), no core dumps,
// no files written (bounded_child.cpp). The wall limit (options.pdf_seconds) is kept
// there: past it the child's process group is killed. The price is a process per PDF:
// about 45-70 ms here (bench/readers.sh), nearly all of it the start of a program that
// loads poppler's 31 shared libraries, against about 2 ms for poppler in process; large
// beside a small PDF's text, small beside a long one's. omindex and Recoll pay the same
// for their PDF filters.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

#include "lupe/utf8.hpp"
#include "bounded_child.hpp"
#include "pdf_reader.hpp"

namespace lupe::readers {
namespace {

constexpr const char* kExtractorName = "lupe-pdf-extract";

// The extractor's exit codes (apps/lupe-pdf-extract/main.cpp; kExitCannotExec: it could
// not be started).
constexpr int kExitUnreadable = 1;
constexpr int kExitOutOfMemory = 3;

// The record's header lines: a few short lines before the text (a title is one line).
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// Standard error is for one line of reason; more is kept only up to this, then drained.
constexpr std::size_t kMaxStderrBytes = 4096;
// A title taken from the first line of text is cut here: a PDF's "first line" is
// sometimes a whole paragraph without line breaks, and a title is for a result list.
constexpr std::size_t kMaxTitleFromTextBytes = 200;

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
std::string run_error(const ChildRun& run, const std::string& extractor, const std::string& path,
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
#ifdef LUPE_LIBEXEC_RELATIVE
        // Installed: bin/lupe-index and libexec/lupe/lupe-pdf-extract under one prefix,
        // wherever the prefix was moved to.
        const std::string relative =
            (self.parent_path().parent_path() / LUPE_LIBEXEC_RELATIVE / kExtractorName).string();
        if (executable(relative)) return relative;
#endif
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
    ChildLimits limits;
    limits.wall_seconds = options.pdf_seconds;
    limits.memory_bytes = options.pdf_memory_bytes;
    limits.max_stdout_bytes = kMaxDocumentBytes + kMaxHeaderBytes;
    limits.max_stderr_bytes = kMaxStderrBytes;
    const ChildRun run = run_bounded({extractor, path.string()}, limits);
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

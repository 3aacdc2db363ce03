#include "line_source.hpp"

#include <cerrno>
#include <cstring>

#include "lupe/error.hpp"

namespace lupe::readers {
namespace {
constexpr unsigned kReadChunk = 256 * 1024;
}

LineSource::LineSource(const std::filesystem::path& path, std::size_t max_line_bytes)
    : path_(path), max_line_bytes_(max_line_bytes) {
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) {
        throw IoError(std::string("cannot open: ") +
                      (errno ? std::strerror(errno) : "out of memory"));
    }
    gzbuffer(file_, kReadChunk);
}

LineSource::~LineSource() {
    if (file_) gzclose(file_);
}

bool LineSource::fill() {
    if (eof_) return false;
    buffer_.erase(0, pos_);
    pos_ = 0;
    const std::size_t old = buffer_.size();
    buffer_.resize(old + kReadChunk);
    const int n = gzread(file_, buffer_.data() + old, kReadChunk);
    if (n < 0) {
        int code = 0;
        const char* msg = gzerror(file_, &code);
        buffer_.resize(old);
        throw IoError("read error after line " +
                      std::to_string(line_number_) + ": " +
                      (code == Z_ERRNO ? std::strerror(errno) : msg));
    }
    buffer_.resize(old + static_cast<std::size_t>(n));
    if (n == 0) {
        // gzread returns 0 both at a clean end and at a truncated gzip stream.
        int code = 0;
        const char* msg = gzerror(file_, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
            throw IoError("damaged gzip data after line " +
                          std::to_string(line_number_) + ": " + msg);
        }
        eof_ = true;
        return false;
    }
    return true;
}

LineSource::Status LineSource::next(std::string& line) {
    bool too_long = false;
    std::size_t scan_from = pos_;
    for (;;) {
        const std::size_t nl = buffer_.find('\n', scan_from);
        if (nl != std::string::npos) {
            ++line_number_;
            if (too_long || nl - pos_ > max_line_bytes_) {
                pos_ = nl + 1;
                return Status::TooLong;
            }
            std::size_t end = nl;
            if (end > pos_ && buffer_[end - 1] == '\r') --end;
            line.assign(buffer_, pos_, end - pos_);
            pos_ = nl + 1;
            return Status::Line;
        }
        if (buffer_.size() - pos_ > max_line_bytes_) {
            // Drop what we have of an over-long line and keep looking for its end.
            too_long = true;
            pos_ = buffer_.size();
        }
        scan_from = buffer_.size() - pos_;  // relative, recomputed after fill()
        if (!fill()) {
            if (pos_ >= buffer_.size()) return too_long ? (++line_number_, Status::TooLong)
                                                          : Status::End;
            ++line_number_;
            if (too_long) {
                pos_ = buffer_.size();
                return Status::TooLong;
            }
            std::size_t end = buffer_.size();
            if (end > pos_ && buffer_[end - 1] == '\r') --end;
            line.assign(buffer_, pos_, end - pos_);
            pos_ = buffer_.size();
            return Status::Line;
        }
        scan_from += pos_;
    }
}

std::uint64_t LineSource::bytes_read() const {
    const z_off_t offset = file_ ? gzoffset(file_) : -1;
    return offset < 0 ? 0 : static_cast<std::uint64_t>(offset);
}

}  // namespace lupe::readers

// Line-by-line reading of plain or gzip-compressed files (zlib reads both), with a bound
// on the line length. Error messages leave out the path: the caller reports it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include <zlib.h>

namespace lupe::readers {

class LineSource {
public:
    enum class Status { Line, TooLong, End };

    /// Opens the file. Throws lupe::IoError naming it when it cannot be opened.
    LineSource(const std::filesystem::path& path, std::size_t max_line_bytes);
    ~LineSource();
    LineSource(const LineSource&) = delete;
    LineSource& operator=(const LineSource&) = delete;

    /// Read the next line (without its "\n" or "\r\n") into `line`. TooLong: the line was
    /// longer than the limit and was skipped. Throws lupe::IoError on a read error or a
    /// damaged gzip stream.
    Status next(std::string& line);

    /// Bytes of the file as stored (compressed for gzip) read so far; read ahead of the
    /// line last returned by at most the read buffer.
    std::uint64_t bytes_read() const;
    /// 1-based number of the line last returned.
    std::size_t line_number() const { return line_number_; }

private:
    bool fill();

    std::filesystem::path path_;
    gzFile file_ = nullptr;
    std::size_t max_line_bytes_;
    std::string buffer_;
    std::size_t pos_ = 0;
    bool eof_ = false;
    std::size_t line_number_ = 0;
};

}  // namespace lupe::readers

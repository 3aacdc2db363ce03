// Reading and writing whole files in tests.
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

namespace lupe::test {

/// The bytes of `path`, or "" when it cannot be opened (a file a program has not written
/// yet, or has removed).
inline std::string read_file_if_any(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The bytes of `path`, which the test requires to be readable.
inline std::string read_file(const std::string& path) {
    INFO("reading " << path);
    REQUIRE(std::ifstream(path, std::ios::binary).good());
    return read_file_if_any(path);
}

/// Write `content` to `path` in one go, replacing it; the test requires the write to succeed.
/// (TempDir::write also creates the parent directories.)
inline void write_file(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    INFO("writing " << path);
    REQUIRE(out.good());
}

}  // namespace lupe::test

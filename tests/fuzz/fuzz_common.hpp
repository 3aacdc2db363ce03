// Shared by the fuzz targets: each defines LLVMFuzzerTestOneInput (libFuzzer's entry point),
// built either with clang's -fsanitize=fuzzer (LUPE_FUZZ=ON) to fuzz, or with replay_main.cpp
// to run the seed corpus as a normal test. A target lets lupe's own errors for bad input
// pass (they are the documented answer); anything else escaping, a crash or a sanitizer
// report is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace lupe::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A file holding `content`, private to this process, rewritten for each input.
inline std::string scratch_file(std::string_view content, const std::string& suffix) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("lupe-fuzz-" + std::to_string(::getpid()) + suffix);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return path.string();
}

}  // namespace lupe::fuzz

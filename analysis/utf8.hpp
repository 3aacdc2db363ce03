// UTF-8 decoding for the analysis chain.
//
// lupe checks UTF-8 strictly (no overlong forms, no surrogates, nothing above U+10FFFF):
// a document with invalid bytes is rejected at the door with the byte offset, and the
// tokenizer, which must never fail on a query, treats each invalid byte as a separator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lupe::analysis {

/// Code point returned for an invalid byte.
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

/// Decode the code point at `pos`; advances `pos` by its length (1 for an invalid byte,
/// which yields kInvalidCodePoint).
char32_t decode_utf8(std::string_view text, std::size_t& pos);

/// Byte offset of the first invalid sequence, or nullopt when `text` is valid UTF-8.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

/// Append the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

/// Number of code points in valid UTF-8 `text` (invalid bytes count one each).
std::size_t count_code_points(std::string_view text);

/// Largest prefix of `text` of at most `max_bytes` bytes that does not cut a character.
std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

/// 1-based line number and column of byte `offset` (for error messages).
struct LineColumn {
    std::size_t line;
    std::size_t column;
};
LineColumn line_column(std::string_view text, std::size_t offset);

}  // namespace lupe::analysis

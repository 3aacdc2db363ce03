/// @file utf8.hpp
/// @brief Strict UTF-8 checks for programs that hand text to lupe: the same rules
/// IndexWriter applies to a document's fields (no overlong forms, no surrogates, nothing
/// above U+10FFFF), so that a reader can reject or report bad input before the writer does.
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace lupe {

/// Code point decode_utf8() returns for an invalid byte.
/// @since 0.5
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

/// @brief Decode the code point at byte `pos` of `text` and advance `pos` past it.
/// @param text UTF-8 text (may be invalid)
/// @param pos a byte offset below text.size(); advanced by the character's length, or by
///        one byte for an invalid byte, which yields kInvalidCodePoint
/// @return the code point, or kInvalidCodePoint
/// @since 0.5
LUPE_API char32_t decode_utf8(std::string_view text, std::size_t& pos);

/// @brief The byte offset of the first invalid UTF-8 sequence in `text`, or nullopt when
/// it is valid UTF-8 (as IndexWriter::add_document() requires of every field).
/// @param text the bytes to check
/// @since 0.5
LUPE_API std::optional<std::size_t> find_invalid_utf8(std::string_view text);

/// @brief A position in a text, for messages: 1-based line and column (counted in bytes).
/// @since 0.5
struct TextPosition {
    std::size_t line = 1;    ///< 1-based line number
    std::size_t column = 1;  ///< 1-based byte column within the line
};

/// @brief The line and column of byte `offset` in `text`.
/// @param text the text
/// @param offset a byte offset, at most text.size()
/// @since 0.5
LUPE_API TextPosition text_position(std::string_view text, std::size_t offset);

}  // namespace lupe

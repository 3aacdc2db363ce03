// Character encodings: every reader hands the engine UTF-8; this is where other encodings
// become UTF-8 (glibc's iconv). Internal to lupe::app.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lupe::readers {

/// Bytes turned into UTF-8, and how.
struct Decoded {
    std::string text;     ///< UTF-8, without a BOM
    std::string charset;  ///< the encoding read ("UTF-8", "UTF-16LE", "windows-1252", ...)
    /// Empty, or a note for the user when the encoding was guessed (not valid UTF-8 and no
    /// declaration: "not valid UTF-8 (first bad byte at line 3, column 7); read as
    /// Windows-1252").
    std::string note;
};

/// The byte-order mark at the start of `bytes`: "UTF-8", "UTF-16LE", "UTF-16BE",
/// "UTF-32LE", "UTF-32BE", or nullopt.
std::optional<std::string> bom_charset(std::string_view bytes);

/// A charset name as given (by a user, or read from a file), for a message: printable
/// ASCII only (every charset name is), at most 40 bytes, so that the message is valid UTF-8
/// and one short line.
std::string printable_charset(std::string_view name);

/// Whether iconv can convert from `charset` to UTF-8.
bool known_charset(const std::string& charset);

/// `bytes` in `charset` converted to UTF-8 (a BOM of that charset dropped). Throws
/// lupe::DocumentError naming the charset when it is unknown, or the byte offset of the
/// first sequence that is invalid in it.
std::string to_utf8(std::string_view bytes, const std::string& charset);

/// Plain text (.txt, .md): `forced` if not empty; else the BOM's encoding; else UTF-8 if
/// valid; else Windows-1252 (a superset of ISO-8859-1 that decodes every byte lupe
/// accepts), with a note. Throws lupe::DocumentError when the bytes are invalid in a
/// forced or BOM-declared encoding.
Decoded decode_text(std::string_view bytes, const std::string& forced = "");

}  // namespace lupe::readers

// Language tags and detection (CLD2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lupe::analysis {

/// Bytes of a document given to CLD2: enough for a confident guess, and bounded so that
/// detection costs the same for a 10 KB and a 10 MB document.
inline constexpr std::size_t kDetectionSampleBytes = 16 * 1024;

/// Normalise a language tag to its lower-case primary subtag: "de-AT" -> "de", "EN" -> "en".
/// nullopt when the tag is not 2-3 ASCII letters optionally followed by "-" or "_" and more.
std::optional<std::string> normalize_language_tag(std::string_view tag);

/// Detect the language of valid UTF-8 text with CLD2. Returns the ISO 639-1 code ("en",
/// "de", "fr", ...) or an empty string when CLD2 cannot tell (too little text, unknown
/// language). A guess CLD2 itself marks unreliable is accepted only for "en" and "de".
std::string detect_language(std::string_view text);

}  // namespace lupe::analysis

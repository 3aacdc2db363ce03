// How an index records input files for incremental sync, and the content hash that tells
// an unchanged document (index format 3).
//
// Design note. A document that came from an input file carries a boolean term naming the
// file by hash (schema::kSourceFilePrefix + 16 hex digits), and the file's recorded state
// is one metadata record per file (schema::kFileStatePrefix + the same 16 hex digits) whose
// value is "<state> <path>", the state being "<size> <mtime ns>" as the sync writes it.
// The path is kept in the value, not the key, so that keys stay short and of one length;
// the state never holds a space after its second field, so the path starts after the
// second space.
//
// All three (file term, state key, content hash) use format3_hash(): the FNV-1a loop from
// the offset basis lupe 0.1-0.4 used by mistake (FNV-1a's with its last digit dropped).
// It is part of index format 3, so it stays as it is: changing it would make every
// existing index lose its incremental state and re-index every document. It is not
// FNV-1a, and nothing documented promises that it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash.hpp"
#include "lupe/document.hpp"

namespace lupe::format {

/// The starting value of format3_hash() (see the design note).
inline constexpr std::uint64_t kFormat3HashBasis = 1469598103934665603ull;

/// Index format 3's stable hash: the FNV-1a loop from kFormat3HashBasis, or continued
/// from `h`.
constexpr std::uint64_t format3_hash(std::string_view data,
                                     std::uint64_t h = kFormat3HashBasis) noexcept {
    return hash::fnv1a64(data, h);
}

/// A 64-bit hash as the format writes it: 16 lower-case hex digits.
std::string hex64(std::uint64_t value);

/// The boolean term tagging the documents of an input file (schema::kSourceFilePrefix).
std::string file_term(std::string_view file);

/// The metadata key of an input file's recorded state (schema::kFileStatePrefix).
std::string file_state_key(std::string_view file);

/// The metadata key of the file a file term names (the same hash under the other prefix);
/// empty when `term` is no file term.
std::string file_state_key_of_term(std::string_view term);

/// The recorded value of an input file's state: "<state> <path>".
std::string file_state_value(std::string_view state, std::string_view file);

/// A recorded file state value taken apart; nullopt when it is malformed (fewer than two
/// spaces).
struct FileState {
    std::string state;  ///< "<size> <mtime ns>"
    std::string file;   ///< the file's path
};
std::optional<FileState> parse_file_state(std::string_view value);

/// The content hash of a document (schema::kContentHashSlot): what decides whether it must
/// be indexed again: its fields as given, the writer settings that shape its terms
/// (`default_lang`, `title_weight`), and the file it came from. 16 hex digits.
std::string content_hash(const Document& doc, std::string_view default_lang,
                         std::string_view source_file, unsigned title_weight);

}  // namespace lupe::format

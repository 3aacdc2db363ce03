// FNV-1a, 64 bit: the one non-cryptographic hash of lupe, wherever a hash must be stable
// across runs, builds and machines (std::hash need not be).
//
// Design note. FNV-1a is short, needs no setup and is good enough for what lupe hashes:
// ids, paths, list lines and hash-table keys, never anything an attacker could use to
// collide on purpose with a gain. The loop takes its starting value as a parameter, so that
// a hash can be continued over several pieces (a word list line by line, a document field
// by field) and so that index format 3's hash, which is this loop from another starting
// value, is not a second implementation (format/tag_records.hpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace lupe::hash {

/// FNV-1a's 64-bit prime (http://www.isthe.com/chongo/tech/comp/fnv/).
inline constexpr std::uint64_t kFnv1a64Prime = 1099511628211ull;
/// FNV-1a's 64-bit offset basis: the hash of no bytes.
inline constexpr std::uint64_t kFnv1a64OffsetBasis = 14695981039346656037ull;

/// FNV-1a 64 of `data`, continued from `h` (the hash of what came before; the offset basis
/// for a hash that starts here).
constexpr std::uint64_t fnv1a64(std::string_view data,
                                std::uint64_t h = kFnv1a64OffsetBasis) noexcept {
    for (const char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= kFnv1a64Prime;
    }
    return h;
}

}  // namespace lupe::hash

// How an index records tags and their records (the engine's primitives on which the file
// sync is built), and the content hash that tells an unchanged document (index format 3).
//
// Design note. A tagged document carries a boolean term naming its tag by hash
// (schema::kSourceFilePrefix + 16 hex digits: a tag may be longer than a term may be), and
// a tag's record is one metadata entry (schema::kFileStatePrefix + the same 16 hex digits)
// whose value is "<record> <tag>", so that the tag's name is known from its key alone.
// Index format 3 calls tags "source files" and records "file states" ("<size> <mtime ns>
// <path>" as the file sync writes them): the prefixes say so, and the values are those
// format 3 always had. Both record and tag may hold spaces: the tag is the tail after a
// space whose hash is the key's (barring a 64-bit collision).
//
// Tag terms, record keys and the content hash use format3_hash(): the FNV-1a loop from the
// offset basis lupe 0.1-0.4 used by mistake (FNV-1a's with its last digit dropped). It is
// part of index format 3, so it stays as it is: changing it would make every existing
// index lose its records and re-index every document. It is not FNV-1a, and nothing
// documented promises that it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

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

/// The boolean term of the documents tagged `tag` (schema::kSourceFilePrefix).
std::string tag_term(std::string_view tag);

/// The metadata key of `tag`'s record (schema::kFileStatePrefix).
std::string tag_record_key(std::string_view tag);

/// The stored value of a tag's record: "<record> <tag>".
std::string encode_tag_record(std::string_view tag, std::string_view record);

/// The record stored under a known tag's key: the value without " <tag>"; empty when the
/// value does not end so.
std::string decode_tag_record(std::string_view tag, std::string_view value);

/// The tag a stored record belongs to, found by the hash in its key (`key_hash`: the key
/// without its prefix); empty when no tail of the value hashes to it.
std::string tag_of_record(std::string_view key_hash, std::string_view value);

/// The tags with a record in `db`, in the order of their keys. Throws Xapian::Error.
std::vector<std::string> recorded_tags(const Xapian::Database& db);

/// Each tag with a record in `db`, with the number of documents tagged with it. Throws
/// Xapian::Error.
std::map<std::string, std::size_t> tagged_document_counts(const Xapian::Database& db);

/// The content hash of a document (schema::kContentHashSlot): what decides whether it must
/// be indexed again: its fields as given, the writer settings that shape its terms
/// (`default_lang`, `title_weight`), and its tag. 16 hex digits.
std::string content_hash(const Document& doc, std::string_view default_lang,
                         std::string_view tag, unsigned title_weight);

}  // namespace lupe::format

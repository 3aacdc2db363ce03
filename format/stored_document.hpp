// What a lupe index stores with each document besides its terms, and how.
//
// Design note. The document data (Xapian's per-document blob) holds the display fields:
// id, title, lang, date, url, source, each as a varint byte length followed by the bytes;
// since lupe 0.6, when a document has an author or categories, then the author and the
// number of categories and each category the same way (data without them, as every older
// index has, reads as none: older readers stop after the source).
// The start of the body, for snippets (schema::kMaxStoredTextBytes), goes into its own
// value slot (schema::kTextSlot), compressed by lupe with zlib at level 1. Measured on
// Reuters-21578 (issue 6): the body in the document data as JSON cost 26% of the
// indexing time of a one-thread build, most of it in the zlib compression that Xapian
// applies to document data at its default level; in a value slot compressed at level 1 it
// costs 6%, and the index is no bigger. A search then decodes the display fields without
// a JSON parser, and decompresses the text only for the hits that get a snippet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lupe::format {

/// The display fields of a document, as stored in its document data.
struct StoredFields {
    std::string id;
    std::string title;
    std::string lang;
    std::string date;
    std::string url;
    std::string source;
    std::string author;                   ///< since lupe 0.6; written only when set
    std::vector<std::string> categories;  ///< since lupe 0.6; written only when set
};

/// The document data for `fields`.
std::string encode_fields(const StoredFields& fields);

/// The fields of document data written by encode_fields(). Data that ends early (or was
/// not written by lupe) gives the fields read so far and empty ones after them.
StoredFields decode_fields(std::string_view data);

/// The text slot's value for `text` (already cut to schema::kMaxStoredTextBytes).
std::string compress_text(std::string_view text);

/// The text stored by compress_text(); "" for a value that is empty or not lupe's.
std::string decompress_text(std::string_view stored);

}  // namespace lupe::format

#include "format/tag_records.hpp"

#include "format/schema.hpp"

namespace lupe::format {

namespace {

// The content hash's version tag: its first input, so that a change of what is hashed
// (a new field) would change every hash rather than collide with the old ones.
constexpr std::string_view kContentHashTag = "lupe-doc-v1";

}  // namespace

std::string hex64(std::uint64_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (std::size_t i = out.size(); i-- > 0; value >>= 4) out[i] = kDigits[value & 15];
    return out;
}

std::string tag_term(std::string_view tag) {
    return std::string(schema::kSourceFilePrefix) + hex64(format3_hash(tag));
}

std::string tag_record_key(std::string_view tag) {
    return std::string(schema::kFileStatePrefix) + hex64(format3_hash(tag));
}

std::string encode_tag_record(std::string_view tag, std::string_view record) {
    std::string value(record);
    value += ' ';
    value += tag;
    return value;
}

std::string decode_tag_record(std::string_view tag, std::string_view value) {
    if (value.size() < tag.size() + 1 || !value.ends_with(tag) ||
        value[value.size() - tag.size() - 1] != ' ') {
        return {};
    }
    return std::string(value.substr(0, value.size() - tag.size() - 1));
}

std::string tag_of_record(std::string_view key_hash, std::string_view value) {
    for (std::size_t space = value.find(' '); space != std::string_view::npos;
         space = value.find(' ', space + 1)) {
        const std::string_view tail = value.substr(space + 1);
        if (hex64(format3_hash(tail)) == key_hash) return std::string(tail);
    }
    return {};
}

std::vector<std::string> recorded_tags(const Xapian::Database& db) {
    std::vector<std::string> tags;
    const std::string prefix(schema::kFileStatePrefix);
    for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
        const std::string& key = *it;
        std::string tag = tag_of_record(std::string_view(key).substr(prefix.size()),
                                        db.get_metadata(key));
        if (!tag.empty()) tags.push_back(std::move(tag));
    }
    return tags;
}

std::map<std::string, std::size_t> tagged_document_counts(const Xapian::Database& db) {
    std::map<std::string, std::size_t> counts;
    for (const std::string& tag : recorded_tags(db)) counts[tag] = db.get_termfreq(tag_term(tag));
    return counts;
}

std::string content_hash(const Document& doc, std::string_view default_lang,
                         std::string_view tag, unsigned title_weight) {
    std::uint64_t h = format3_hash(kContentHashTag);
    for (const std::string_view field : {std::string_view(doc.id), std::string_view(doc.title),
                                         std::string_view(doc.body), std::string_view(doc.lang),
                                         std::string_view(doc.date), std::string_view(doc.url),
                                         std::string_view(doc.source), default_lang, tag}) {
        h = format3_hash(field, h);
        h = format3_hash(std::string_view("\0", 1), h);  // ends each field
    }
    h = format3_hash(std::to_string(title_weight), h);
    // Since lupe 0.6; a document without them keeps the hash it had.
    if (!doc.duplicate_key.empty()) {
        h = format3_hash(std::string_view("duplicate_key\0", 14), h);
        h = format3_hash(doc.duplicate_key, h);
    }
    if (!doc.author.empty() || !doc.categories.empty()) {
        h = format3_hash(std::string_view("author\0", 7), h);
        h = format3_hash(doc.author, h);
        for (const std::string& category : doc.categories) {
            h = format3_hash(std::string_view("\0", 1), h);
            h = format3_hash(category, h);
        }
    }
    return hex64(h);
}

}  // namespace lupe::format

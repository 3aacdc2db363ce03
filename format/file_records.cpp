#include "format/file_records.hpp"

#include "format/schema.hpp"

namespace lupe::format {

namespace schema = analysis::schema;

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

std::string file_term(std::string_view file) {
    return std::string(schema::kSourceFilePrefix) + hex64(format3_hash(file));
}

std::string file_state_key(std::string_view file) {
    return std::string(schema::kFileStatePrefix) + hex64(format3_hash(file));
}

std::string file_state_key_of_term(std::string_view term) {
    if (!term.starts_with(schema::kSourceFilePrefix)) return {};
    return std::string(schema::kFileStatePrefix) +
           std::string(term.substr(schema::kSourceFilePrefix.size()));
}

std::string file_state_value(std::string_view state, std::string_view file) {
    std::string value(state);
    value += ' ';
    value += file;
    return value;
}

std::optional<FileState> parse_file_state(std::string_view value) {
    const std::size_t path_at = value.find(' ', value.find(' ') + 1);
    if (path_at == std::string_view::npos) return std::nullopt;
    return FileState{std::string(value.substr(0, path_at)),
                     std::string(value.substr(path_at + 1))};
}

std::string content_hash(const Document& doc, std::string_view default_lang,
                         std::string_view source_file, unsigned title_weight) {
    std::uint64_t h = format3_hash(kContentHashTag);
    for (const std::string_view field : {std::string_view(doc.id), std::string_view(doc.title),
                                         std::string_view(doc.body), std::string_view(doc.lang),
                                         std::string_view(doc.date), std::string_view(doc.url),
                                         std::string_view(doc.source), default_lang,
                                         source_file}) {
        h = format3_hash(field, h);
        h = format3_hash(std::string_view("\0", 1), h);  // ends each field
    }
    h = format3_hash(std::to_string(title_weight), h);
    return hex64(h);
}

}  // namespace lupe::format

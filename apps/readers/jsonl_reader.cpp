// Reader for .jsonl and .jsonl.gz: one JSON object per line, as in ../shared/data:
// {"id", "title", "body", "lang", "date", "url", "source", "author", "categories",
// "duplicate_key", ...};
// unknown keys are ignored.
#include <optional>

#include <nlohmann/json.hpp>

#include "lupe/utf8.hpp"
#include "line_source.hpp"
#include "readers.hpp"
#include "lupe/error.hpp"

namespace lupe::readers {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, ";
// keep the part a user can act on.
std::string json_reason(const nlohmann::json::exception& e) {
    std::string msg = e.what();
    if (const auto p = msg.find("] "); p != std::string::npos) msg.erase(0, p + 2);
    if (const auto p = msg.find("at line 1, "); p != std::string::npos) msg.erase(p, 11);
    return msg;
}

void take_string(const nlohmann::json& object, const char* key, std::string& out) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    if (!it->is_string()) {
        throw DocumentError(std::string("field \"") + key + "\" must be a string, not " +
                            it->type_name());
    }
    out = it->get<std::string>();
}

// A string, or a list of strings: into `list` when given (one entry each), else joined
// into `out` with ", " (several authors).
void take_string_or_list(const nlohmann::json& object, const char* key, std::string& out,
                         std::vector<std::string>* list) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    if (it->is_string()) {
        if (list) {
            if (!it->get_ref<const std::string&>().empty()) list->push_back(it->get<std::string>());
        } else {
            out = it->get<std::string>();
        }
        return;
    }
    if (!it->is_array()) {
        throw DocumentError(std::string("field \"") + key +
                            "\" must be a string or a list of strings, not " + it->type_name());
    }
    for (const auto& item : *it) {
        if (!item.is_string()) {
            throw DocumentError(std::string("field \"") + key +
                                "\" must hold strings only, not " + item.type_name());
        }
        if (list) {
            list->push_back(item.get<std::string>());
        } else {
            out += (out.empty() ? "" : ", ") + item.get<std::string>();
        }
    }
}

}  // namespace

Document parse_jsonl_document(std::string_view line) {
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
        if (const auto bad = find_invalid_utf8(line)) {
            throw DocumentError("invalid UTF-8 at byte " + std::to_string(*bad + 1));
        }
        throw DocumentError("malformed JSON: " + json_reason(e));
    } catch (const nlohmann::json::exception& e) {
        // Valid syntax nlohmann cannot hold, e.g. a number beyond a double ("1e999"):
        // found by fuzzing (tests/fuzz/seeds/jsonl/number-overflow).
        throw DocumentError(std::string("unreadable JSON: ") + e.what());
    }
    if (!object.is_object()) {
        throw DocumentError(std::string("expected a JSON object, found ") + object.type_name());
    }
    Document doc;
    const auto id = object.find("id");
    if (id == object.end() || id->is_null()) throw DocumentError("missing \"id\"");
    if (id->is_string()) {
        doc.id = id->get<std::string>();
    } else if (id->is_number_integer()) {
        doc.id = id->dump();
    } else {
        throw DocumentError(std::string("field \"id\" must be a string or an integer, not ") +
                            id->type_name());
    }
    take_string(object, "title", doc.title);
    take_string(object, "body", doc.body);
    take_string(object, "lang", doc.lang);
    take_string(object, "date", doc.date);
    take_string(object, "url", doc.url);
    take_string(object, "source", doc.source);
    take_string(object, "duplicate_key", doc.duplicate_key);
    take_string_or_list(object, "author", doc.author, nullptr);
    take_string_or_list(object, "categories", doc.author, &doc.categories);
    return doc;
}

void read_jsonl_file(const std::filesystem::path& path, const ReadCallbacks& callbacks) {
    std::optional<LineSource> source;
    try {
        source.emplace(path, kMaxJsonlLineBytes);
    } catch (const Error& e) {
        return callbacks.on_error(0, e.what());
    }
    std::string line;
    std::size_t documents = 0;
    // Lines between two reports of the bytes read: often enough for a progress display
    // that redraws a few times a second, rare enough to cost nothing.
    constexpr std::size_t kBytesReportLines = 64;
    try {
        for (;;) {
            const auto status = source->next(line);
            if (status == LineSource::Status::End) break;
            const std::size_t n = source->line_number();
            if (callbacks.on_bytes && n % kBytesReportLines == 0) callbacks.on_bytes(source->bytes_read());
            if (status == LineSource::Status::TooLong) {
                callbacks.on_error(n, "line longer than the limit of " +
                                          std::to_string(kMaxJsonlLineBytes >> 20) + " MiB");
                continue;
            }
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            if (n == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
            try {
                Document doc = parse_jsonl_document(line);
                ++documents;
                callbacks.on_document(std::move(doc), n);
            } catch (const DocumentError& e) {
                callbacks.on_error(n, e.what());
            }
        }
    } catch (const IoError& e) {
        // Damaged or unreadable from here on: what was read before is kept.
        return callbacks.on_error(source->line_number() + 1, e.what());
    }
    if (documents == 0 && source->line_number() == 0) callbacks.on_error(0, "empty file");
}

}  // namespace lupe::readers

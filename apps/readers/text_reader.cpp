// Reader for .txt and .md files: one file, one document.
//
// Front matter is the Jekyll/Hugo convention: a first line "---", then "key: value" lines,
// then a closing "---" (or "..."). Without a closing line the file has no front matter
// (a Markdown file may well start with a horizontal rule). Bytes become UTF-8 first
// (encoding.hpp): a file that is not valid UTF-8 is read as Windows-1252, with a note.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "encoding.hpp"
#include "lupe/error.hpp"
#include "readers.hpp"

namespace lupe::readers {
namespace {

std::string_view trim(std::string_view s) {
    const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

std::string unquote(std::string_view value) {
    value = trim(value);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
}

// Splits off the next line (without "\n" / "\r\n") from `rest`.
std::string_view take_line(std::string_view& rest) {
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// Parses front matter if `content` starts with one; on success `content` is left at the
// text after it.
bool parse_front_matter(std::string_view& content, Document& doc) {
    std::string_view rest = content;
    if (trim(take_line(rest)) != "---") return false;
    std::string_view body = rest;
    while (!body.empty()) {
        const std::string_view line = take_line(body);
        if (line == "---" || line == "...") {
            std::string_view fields = rest.substr(0, rest.size() - body.size());
            while (!fields.empty()) {
                const std::string_view field = take_line(fields);
                const std::size_t colon = field.find(':');
                if (colon == std::string_view::npos) continue;
                std::string key(trim(field.substr(0, colon)));
                std::transform(key.begin(), key.end(), key.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                std::string value = unquote(field.substr(colon + 1));
                if (key == "title") doc.title = std::move(value);
                else if (key == "date") doc.date = std::move(value);
                else if (key == "lang" || key == "language") doc.lang = std::move(value);
                else if (key == "url") doc.url = std::move(value);
                else if (key == "source") doc.source = std::move(value);
            }
            content = body;
            return true;
        }
    }
    return false;  // never closed: not front matter
}

}  // namespace

Document parse_text_document(std::string_view content, bool markdown) {
    Document doc;
    if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);  // UTF-8 BOM
    const bool has_front_matter = parse_front_matter(content, doc);
    if (!has_front_matter || doc.title.empty()) {
        // The first non-empty line is the title (a Markdown heading loses its '#'s).
        std::string_view rest = content;
        while (!rest.empty()) {
            std::string_view line = trim(take_line(rest));
            if (line.empty()) continue;
            if (markdown) {
                while (!line.empty() && line.front() == '#') line.remove_prefix(1);
                line = trim(line);
            }
            doc.title = std::string(line);
            content = rest;
            break;
        }
    }
    doc.body = std::string(trim(content));
    return doc;
}

bool read_whole_file(const std::filesystem::path& path, std::uint64_t limit, std::string& content,
                     const ReadCallbacks& callbacks) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return callbacks.on_error(0, "cannot read: " + ec.message()), false;
    if (size > limit) {
        callbacks.on_error(0, "file is " + std::to_string(size >> 20) +
                                  " MiB, above the limit of " + std::to_string(limit >> 20) +
                                  " MiB");
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return callbacks.on_error(0, std::string("cannot open: ") + std::strerror(errno)), false;
    content.assign(static_cast<std::size_t>(size), '\0');
    in.read(content.data(), static_cast<std::streamsize>(size));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) return callbacks.on_error(0, std::string("read error: ") + std::strerror(errno)), false;
    if (trim(content).empty()) return callbacks.on_error(0, "empty file"), false;
    return true;
}

void read_text_file(const std::filesystem::path& path, const std::string& id, bool markdown,
                    const ReadCallbacks& callbacks, const ReadOptions& options) {
    std::string content;
    if (!read_whole_file(path, kMaxTextFileBytes, content, callbacks)) return;
    const auto binary = [&](const std::string& where) {
        callbacks.on_error(0, "binary file (NUL " + where + "), not text");
    };
    // UTF-16 and UTF-32 text is full of NUL bytes: only bytes that are not declared (by a
    // BOM or --encoding) as such are checked before decoding.
    if (options.encoding.empty() && !bom_charset(content)) {
        if (const auto nul = content.find('\0'); nul != std::string::npos) {
            return binary("byte at offset " + std::to_string(nul));
        }
    }
    Decoded decoded;
    try {
        decoded = decode_text(content, options.encoding);
    } catch (const DocumentError& e) {
        return callbacks.on_error(0, e.what());
    }
    if (const auto nul = decoded.text.find('\0'); nul != std::string::npos) {
        return binary("character at byte offset " + std::to_string(nul) + " of the text decoded from " + decoded.charset);
    }
    if (!decoded.note.empty() && callbacks.on_note) callbacks.on_note(0, decoded.note);
    Document doc = parse_text_document(decoded.text, markdown);
    doc.id = id;
    callbacks.on_document(std::move(doc), 0);
}

}  // namespace lupe::readers

#include "format/stored_document.hpp"

#include <zlib.h>

#include <cstdint>

namespace lupe::format {
namespace {

// zlib level: 1 is about three times as fast as the default (6) and, on news text,
// within 15% of its size.
constexpr int kTextCompressionLevel = 1;

// Largest text decompress_text() accepts, against corrupt or foreign values (the writer
// stores at most schema::kMaxStoredTextBytes).
constexpr std::uint64_t kMaxTextBytes = 16u << 20;

void put_varint(std::string& out, std::uint64_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>((n & 0x7F) | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

// Reads a varint at `pos`; false when the data ends first or the number is too long.
bool get_varint(std::string_view in, std::size_t& pos, std::uint64_t& n) {
    n = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (pos >= in.size()) return false;
        const auto byte = static_cast<unsigned char>(in[pos++]);
        n |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return true;
    }
    return false;
}

}  // namespace

std::string encode_fields(const StoredFields& f) {
    std::string out;
    out.reserve(f.id.size() + f.title.size() + f.lang.size() + f.date.size() + f.url.size() +
                f.source.size() + 12);
    for (const std::string* field : {&f.id, &f.title, &f.lang, &f.date, &f.url, &f.source}) {
        put_varint(out, field->size());
        out += *field;
    }
    if (!f.author.empty() || !f.categories.empty()) {
        put_varint(out, f.author.size());
        out += f.author;
        put_varint(out, f.categories.size());
        for (const std::string& category : f.categories) {
            put_varint(out, category.size());
            out += category;
        }
    }
    return out;
}

StoredFields decode_fields(std::string_view data) {
    StoredFields f;
    std::size_t pos = 0;
    const auto field = [&](std::string& out) {
        std::uint64_t n = 0;
        if (!get_varint(data, pos, n) || n > data.size() - pos) return false;
        out.assign(data.substr(pos, n));
        pos += n;
        return true;
    };
    for (std::string* each : {&f.id, &f.title, &f.lang, &f.date, &f.url, &f.source}) {
        if (!field(*each)) return f;
    }
    std::uint64_t count = 0;
    if (!field(f.author) || !get_varint(data, pos, count)) return f;
    // Each category takes at least one byte: a count beyond the data is not lupe's.
    for (std::uint64_t i = 0; i < count && i <= data.size(); ++i) {
        std::string category;
        if (!field(category)) break;
        f.categories.push_back(std::move(category));
    }
    return f;
}

namespace {

// zlib streams kept per thread: deflateInit allocates and clears about 256 KiB, which for
// a text of a few KiB costs more than compressing it. Raw deflate (no zlib header or
// checksum: the value is lupe's own format, and Xapian checks its blocks).
constexpr int kRawDeflate = -15;

struct Deflater {
    z_stream z{};
    bool ok = deflateInit2(&z, kTextCompressionLevel, Z_DEFLATED, kRawDeflate, 8,
                           Z_DEFAULT_STRATEGY) == Z_OK;
    ~Deflater() {
        if (ok) deflateEnd(&z);
    }
};

struct Inflater {
    z_stream z{};
    bool ok = inflateInit2(&z, kRawDeflate) == Z_OK;
    ~Inflater() {
        if (ok) inflateEnd(&z);
    }
};

}  // namespace

std::string compress_text(std::string_view text) {
    if (text.empty()) return {};
    thread_local Deflater deflater;
    if (!deflater.ok || deflateReset(&deflater.z) != Z_OK) return {};
    std::string out;
    put_varint(out, text.size());
    const std::size_t header = out.size();
    out.resize(header + deflateBound(&deflater.z, static_cast<uLong>(text.size())));
    z_stream& z = deflater.z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data() + header);
    z.avail_out = static_cast<uInt>(out.size() - header);
    // One call with a deflateBound() buffer always finishes; otherwise no snippet text.
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) return {};
    out.resize(out.size() - z.avail_out);
    return out;
}

std::string decompress_text(std::string_view stored) {
    std::size_t pos = 0;
    std::uint64_t n = 0;
    if (!get_varint(stored, pos, n) || n == 0 || n > kMaxTextBytes) return {};
    thread_local Inflater inflater;
    if (!inflater.ok || inflateReset(&inflater.z) != Z_OK) return {};
    std::string out(n, '\0');
    z_stream& z = inflater.z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data() + pos));
    z.avail_in = static_cast<uInt>(stored.size() - pos);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(n);
    if (inflate(&z, Z_FINISH) != Z_STREAM_END || z.avail_out != 0) return {};
    return out;
}

}  // namespace lupe::format

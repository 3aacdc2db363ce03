// Strict percent-decoding (query_string.hpp). A request whose encoding is broken is
// answered 400 with the position, not decoded by guessing: a guess here would make the
// same URL mean different things to lupe-serve and to a proxy or log reader in front of it.
#include "query_string.hpp"

#include <cstdint>
#include <vector>

namespace lupe::serve {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The length of the valid UTF-8 sequence at text[i], or 0 when it is not one (overlong
// forms, surrogates and code points beyond U+10FFFF are not valid).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    std::uint8_t low = 0x80, high = 0xBF;  // range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return length;
}

struct Decoded {
    std::string text;
    std::string error;  // what is wrong, without where
    std::size_t position = 0;  // offset in the encoded text
};

// Decodes one encoded component (a name, a value or a path). Positions are offsets in
// `encoded`; the UTF-8 check maps a bad decoded byte back to the escape it came from.
Decoded decode(std::string_view encoded, bool plus_is_space) {
    Decoded out;
    std::vector<std::size_t> source;  // for each decoded byte, its offset in `encoded`
    source.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '%') {
            const int hi = i + 1 < encoded.size() ? hex_value(encoded[i + 1]) : -1;
            const int lo = i + 2 < encoded.size() ? hex_value(encoded[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                out.error = "bad percent-encoding (\"%\" must be followed by two hex digits)";
                out.position = i;
                return out;
            }
            out.text.push_back(static_cast<char>(hi * 16 + lo));
            source.push_back(i);
            i += 2;
        } else {
            out.text.push_back(plus_is_space && c == '+' ? ' ' : c);
            source.push_back(i);
        }
    }
    for (std::size_t i = 0; i < out.text.size();) {
        if (out.text[i] == '\0') {
            out.error = "a NUL byte";
            out.position = source[i];
            out.text.clear();
            return out;
        }
        const std::size_t length = utf8_sequence(out.text, i);
        if (length == 0) {
            out.error = "bytes that are not UTF-8";
            out.position = source[i];
            out.text.clear();
            return out;
        }
        i += length;
    }
    return out;
}

}  // namespace

DecodedQuery decode_query_string(std::string_view query) {
    DecodedQuery result;
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        const std::string_view pair = query.substr(start, end - start);
        if (!pair.empty()) {
            const std::size_t equals = pair.find('=');
            const std::string_view name = pair.substr(0, equals);
            const std::string_view value =
                equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
            Decoded decoded_name = decode(name, true);
            if (!decoded_name.error.empty()) {
                result.params.clear();
                result.position = start + decoded_name.position;
                result.error = "a parameter name has " + decoded_name.error + " at byte " +
                               std::to_string(result.position) + " of the query string";
                return result;
            }
            Decoded decoded_value = decode(value, true);
            if (!decoded_value.error.empty()) {
                result.params.clear();
                result.position = start + equals + 1 + decoded_value.position;
                result.error = "parameter \"" + decoded_name.text + "\" has " +
                               decoded_value.error + " at byte " +
                               std::to_string(result.position) + " of the query string";
                return result;
            }
            result.params.emplace_back(std::move(decoded_name.text), std::move(decoded_value.text));
        }
        start = end + 1;
    }
    return result;
}

std::pair<std::string, std::string> decode_path(std::string_view path) {
    Decoded decoded = decode(path, false);
    if (!decoded.error.empty()) {
        return {{}, "the path has " + decoded.error + " at byte " +
                        std::to_string(decoded.position)};
    }
    return {std::move(decoded.text), {}};
}

}  // namespace lupe::serve

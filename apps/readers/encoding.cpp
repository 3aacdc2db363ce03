// Character encodings through glibc's iconv.
//
// Design: iconv converts into a fixed-size buffer that is appended to the result each
// time it fills (E2BIG), so the output grows by amortised doubling of one std::string and
// the work is linear in the input, whatever the ratio of output to input (UTF-16 to UTF-8
// can grow by half, Windows-1252 to UTF-8 up to three times).
//
// Windows-1252 is read as browsers read it (WHATWG Encoding Standard): glibc's
// WINDOWS-1252 refuses the five bytes the code page leaves undefined (0x81, 0x8D, 0x8F,
// 0x90, 0x9D); WHATWG maps them to the C1 controls U+0081.. so that every byte decodes,
// and so do we, which makes Windows-1252 a fallback that never fails. For the same reason
// an ISO-8859-1 or US-ASCII declaration is read as Windows-1252: pages that say
// "iso-8859-1" nearly always hold cp1252 quotes (0x93/0x94), and browsers show them so.
#include "encoding.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iconv.h>

#include "lupe/error.hpp"
#include "lupe/utf8.hpp"

namespace lupe::readers {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Size of the buffer iconv writes into before it is appended to the result: large enough
// that a page is converted in a few calls, small enough to live on the stack.
constexpr std::size_t kConvertChunk = 16 * 1024;
constexpr std::string_view kWindows1252 = "windows-1252";

// The longest charset name printable_charset() shows.
constexpr std::size_t kMaxNameInMessage = 40;

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    });
    return out;
}

// The name iconv is given for `charset`: the usual aliases folded to one name, ISO-8859-1
// and US-ASCII read as Windows-1252 (see the top of the file).
std::string canonical_charset(std::string_view charset) {
    while (!charset.empty() && (charset.front() == ' ' || charset.front() == '"' ||
                                charset.front() == '\'')) charset.remove_prefix(1);
    while (!charset.empty() && (charset.back() == ' ' || charset.back() == '"' ||
                                charset.back() == '\'')) charset.remove_suffix(1);
    const std::string name = lower_ascii(charset);
    struct Alias {
        std::string_view name;
        std::string_view canonical;
    };
    static constexpr std::array kAliases = {
        Alias{"utf-8", "UTF-8"},           Alias{"utf8", "UTF-8"},
        Alias{"unicode-1-1-utf-8", "UTF-8"},
        Alias{"windows-1252", kWindows1252}, Alias{"cp1252", kWindows1252},
        Alias{"x-cp1252", kWindows1252},   Alias{"win-1252", kWindows1252},
        Alias{"iso-8859-1", kWindows1252}, Alias{"iso8859-1", kWindows1252},
        Alias{"iso_8859-1", kWindows1252}, Alias{"iso88591", kWindows1252},
        Alias{"latin1", kWindows1252},     Alias{"latin-1", kWindows1252},
        Alias{"l1", kWindows1252},         Alias{"cp819", kWindows1252},
        Alias{"ibm819", kWindows1252},     Alias{"us-ascii", kWindows1252},
        Alias{"ascii", kWindows1252},      Alias{"iso-8859-15", "ISO-8859-15"},
        Alias{"iso8859-15", "ISO-8859-15"}, Alias{"iso_8859-15", "ISO-8859-15"},
        Alias{"latin9", "ISO-8859-15"},    Alias{"latin-9", "ISO-8859-15"},
        Alias{"utf-16", "UTF-16"},         Alias{"utf16", "UTF-16"},
        Alias{"utf-16le", "UTF-16LE"},     Alias{"utf-16be", "UTF-16BE"},
        Alias{"utf-32", "UTF-32"},         Alias{"utf-32le", "UTF-32LE"},
        Alias{"utf-32be", "UTF-32BE"},
    };
    for (const Alias& alias : kAliases) {
        if (alias.name == name) return std::string(alias.canonical);
    }
    return std::string(charset);
}

// An iconv descriptor, closed on every path.
class Converter {
public:
    explicit Converter(const std::string& from) : cd_(iconv_open("UTF-8", from.c_str())) {}
    ~Converter() {
        if (ok()) iconv_close(cd_);
    }
    Converter(const Converter&) = delete;
    Converter& operator=(const Converter&) = delete;
    bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
    iconv_t get() const { return cd_; }

private:
    iconv_t cd_;
};

bool is_windows_1252(const std::string& canonical) { return canonical == kWindows1252; }

bool undefined_in_windows_1252(unsigned char c) {
    return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

// `bytes` in iconv charset `from` appended to `out` as UTF-8. `shown` is the name used in
// messages.
void convert(std::string_view bytes, const std::string& from, const std::string& shown,
             std::string& out) {
    const Converter converter(from);
    if (!converter.ok()) throw DocumentError("unknown character encoding \"" + shown + "\"");
    const bool windows_1252 = is_windows_1252(from);
    std::array<char, kConvertChunk> buffer;
    char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write
    std::size_t in_left = bytes.size();
    out.reserve(out.size() + bytes.size() + bytes.size() / 4);
    while (true) {
        char* put = buffer.data();
        std::size_t put_left = buffer.size();
        // The final call with a null input flushes a stateful encoding's shift sequence.
        const std::size_t rc = in_left > 0 ? iconv(converter.get(), &in, &in_left, &put, &put_left)
                                           : iconv(converter.get(), nullptr, nullptr, &put, &put_left);
        const int error = errno;
        out.append(buffer.data(), buffer.size() - put_left);
        if (rc != static_cast<std::size_t>(-1)) {
            if (in_left == 0) return;
            continue;
        }
        if (error == E2BIG) continue;
        const std::size_t offset = bytes.size() - in_left;
        if (error == EILSEQ && windows_1252 &&
            undefined_in_windows_1252(static_cast<unsigned char>(*in))) {
            // U+0081..U+009D as UTF-8: C2 81..C2 9D.
            out += '\xC2';
            out += *in;
            ++in;
            --in_left;
            continue;
        }
        if (error == EINVAL) {
            throw DocumentError("text ends inside a character in " + shown + " (at byte offset " +
                                std::to_string(offset) + ")");
        }
        throw DocumentError("byte sequence not valid in " + shown + " at byte offset " +
                            std::to_string(offset));
    }
}

}  // namespace

std::string printable_charset(std::string_view name) {
    std::string out;
    for (const char c : name.substr(0, kMaxNameInMessage)) out += c >= ' ' && c <= '~' ? c : '?';
    if (name.size() > kMaxNameInMessage) out += "...";
    return out;
}

std::optional<std::string> bom_charset(std::string_view bytes) {
    // UTF-32LE's BOM starts with UTF-16LE's: look at four bytes first.
    if (bytes.substr(0, 4) == std::string_view("\xFF\xFE\0\0", 4)) return "UTF-32LE";
    if (bytes.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4)) return "UTF-32BE";
    if (bytes.substr(0, 3) == kUtf8Bom) return "UTF-8";
    if (bytes.substr(0, 2) == "\xFF\xFE") return "UTF-16LE";
    if (bytes.substr(0, 2) == "\xFE\xFF") return "UTF-16BE";
    return std::nullopt;
}

bool known_charset(const std::string& charset) {
    // iconv reads "" as the locale's charset: no name is not a charset.
    if (charset.find_first_not_of(" \"'") == std::string::npos) return false;
    return Converter(canonical_charset(charset)).ok();
}

std::string to_utf8(std::string_view bytes, const std::string& charset) {
    const std::string from = canonical_charset(charset);
    std::string out;
    if (from == "UTF-8") {
        // No conversion: check with the writer's own rules instead (iconv's UTF-8 decoder
        // is laxer about surrogates than IndexWriter).
        const std::size_t bom = bytes.substr(0, 3) == kUtf8Bom ? kUtf8Bom.size() : 0;
        bytes.remove_prefix(bom);
        if (const auto bad = find_invalid_utf8(bytes)) {
            throw DocumentError("byte sequence not valid in UTF-8 at byte offset " +
                                std::to_string(*bad + bom));
        }
        return std::string(bytes);
    }
    convert(bytes, from, printable_charset(charset), out);
    // UTF-16LE/BE and UTF-32LE/BE keep a BOM as U+FEFF; "UTF-16" consumes it.
    if (std::string_view(out).substr(0, 3) == kUtf8Bom) out.erase(0, 3);
    if (const auto bad = find_invalid_utf8(out)) {
        // iconv produced something IndexWriter would refuse (should not happen with glibc).
        throw DocumentError("text in " + printable_charset(charset) + " does not convert to valid UTF-8 (at byte " +
                            std::to_string(*bad) + " of the converted text)");
    }
    return out;
}

Decoded decode_text(std::string_view bytes, const std::string& forced) {
    Decoded decoded;
    if (!forced.empty()) {
        decoded.charset = canonical_charset(forced);
        if (!known_charset(decoded.charset)) {
            throw DocumentError("unknown character encoding \"" + printable_charset(forced) +
                                "\" (any name iconv knows, such as UTF-8, windows-1252, "
                                "ISO-8859-15 or UTF-16; `iconv --list` shows them all)");
        }
        decoded.text = to_utf8(bytes, decoded.charset);
        return decoded;
    }
    if (auto bom = bom_charset(bytes)) {
        decoded.charset = std::move(*bom);
        decoded.text = to_utf8(bytes, decoded.charset);
        return decoded;
    }
    if (const auto bad = find_invalid_utf8(bytes)) {
        const TextPosition at = text_position(bytes, *bad);
        decoded.charset = kWindows1252;
        decoded.text = to_utf8(bytes, decoded.charset);
        decoded.note = "not valid UTF-8 (first bad byte at line " + std::to_string(at.line) +
                       ", column " + std::to_string(at.column) + "); read as Windows-1252";
        return decoded;
    }
    decoded.charset = "UTF-8";
    decoded.text = std::string(bytes);
    return decoded;
}

}  // namespace lupe::readers

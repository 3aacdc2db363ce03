// Fuzz target: decoding bytes to UTF-8 (BOMs, the UTF-8 check, Windows-1252 fallback,
// iconv conversions). Every answer must be valid UTF-8; the fallback must never fail.
#include "tests/fuzz/fuzz_common.hpp"

#include "apps/readers/encoding.hpp"
#include "lupe/error.hpp"
#include "lupe/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = lupe::fuzz::bytes(data, size);
    // Without a BOM, decoding cannot fail: UTF-8 or else Windows-1252, every byte of it.
    const bool bom = lupe::readers::bom_charset(input).has_value();
    try {
        const auto decoded = lupe::readers::decode_text(input);
        if (lupe::find_invalid_utf8(decoded.text)) __builtin_trap();
        if (decoded.note.empty() == (decoded.charset == "windows-1252") && !bom) __builtin_trap();
    } catch (const lupe::DocumentError&) {
        if (!bom) __builtin_trap();
    }
    for (const char* charset : {"windows-1252", "ISO-8859-15", "UTF-16", "UTF-16BE", "UTF-32LE",
                                "UTF-8", "SHIFT_JIS", "ISO-2022-JP"}) {
        try {
            if (lupe::find_invalid_utf8(lupe::readers::to_utf8(input, charset))) __builtin_trap();
        } catch (const lupe::DocumentError&) {
            // invalid in that charset: the documented answer
        }
    }
    // Windows-1252 decodes every byte.
    try {
        (void)lupe::readers::decode_text(input, "cp1252");
    } catch (const lupe::DocumentError&) {
        __builtin_trap();
    }
    return 0;
}

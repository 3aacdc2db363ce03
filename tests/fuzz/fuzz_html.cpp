// Fuzz target: HTML pages and fragments (charset prescan, libxml2's recovery from tag soup,
// the tree walk). Every answer must be valid UTF-8, as IndexWriter requires.
#include "tests/fuzz/fuzz_common.hpp"

#include "apps/readers/html_reader.hpp"
#include "lupe/error.hpp"
#include "lupe/utf8.hpp"

namespace {
void check(const lupe::Document& doc) {
    for (const std::string* field : {&doc.title, &doc.body, &doc.lang, &doc.date, &doc.url}) {
        if (lupe::find_invalid_utf8(*field)) __builtin_trap();
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = lupe::fuzz::bytes(data, size);
    for (const char* forced : {"", "windows-1252", "UTF-16LE"}) {
        std::vector<std::string> notes;
        try {
            check(lupe::readers::parse_html_document(input, forced, notes));
        } catch (const lupe::DocumentError&) {
            // the documented answer for a page without text or bytes invalid in `forced`
        }
        for (const auto& note : notes) {
            if (lupe::find_invalid_utf8(note)) __builtin_trap();
        }
    }
    if (!lupe::find_invalid_utf8(input)) {
        if (lupe::find_invalid_utf8(lupe::readers::html_fragment_to_text(input))) __builtin_trap();
    }
    return 0;
}

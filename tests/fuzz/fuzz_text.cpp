// Fuzz target: the .txt and .md reader (front matter, titles, binary and invalid UTF-8).
#include "tests/fuzz/fuzz_common.hpp"

#include "apps/readers/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = lupe::fuzz::scratch_file(lupe::fuzz::bytes(data, size), ".md");
    lupe::readers::ReadCallbacks callbacks;
    std::size_t documents = 0;
    callbacks.on_document = [&](lupe::Document&& doc, std::size_t) {
        ++documents;
        if (doc.id != "fuzz") __builtin_trap();  // the reader must keep the id given
    };
    callbacks.on_error = [](std::size_t, const std::string&) {};
    for (const bool markdown : {false, true}) {
        lupe::readers::read_text_file(path, "fuzz", markdown, callbacks);
    }
    if (documents > 2) __builtin_trap();  // one file is at most one document
    return 0;
}

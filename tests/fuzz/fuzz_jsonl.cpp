// Fuzz target: the JSONL reader, plain and gzip (an input that starts with gzip's magic
// bytes is read as .jsonl.gz).
#include "tests/fuzz/fuzz_common.hpp"

#include "apps/readers/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = lupe::fuzz::bytes(data, size);
    const bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    const std::string path = lupe::fuzz::scratch_file(input, gz ? ".jsonl.gz" : ".jsonl");
    lupe::readers::ReadCallbacks callbacks;
    // (An empty id passes here: IndexWriter refuses it, naming the line.)
    callbacks.on_document = [](lupe::Document&&, std::size_t line) {
        if (line == 0) __builtin_trap();  // every document comes with its line
    };
    callbacks.on_error = [](std::size_t, const std::string& reason) {
        if (reason.empty()) __builtin_trap();  // every problem says what it is
    };
    lupe::readers::read_jsonl_file(path, callbacks);
    return 0;
}

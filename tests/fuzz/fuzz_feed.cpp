// Fuzz target: the RSS/Atom reader (parse_feed) and the feed date parser (feed_date_to_iso).
// Every document must have valid UTF-8 fields and an id under the prefix without control
// characters; a date must come back empty or in one of its two shapes.
#include "tests/fuzz/fuzz_common.hpp"

#include <cctype>

#include "apps/readers/feed_reader.hpp"
#include "lupe/utf8.hpp"

namespace {

bool valid_id(const std::string& id, const std::string& prefix) {
    if (id.compare(0, prefix.size(), prefix) != 0 || id.size() > 200) return false;
    for (const char c : id) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) return false;
    }
    return true;
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ".
bool date_shape(const std::string& d) {
    const std::string_view date_mask = "dddd-dd-dd", time_mask = "dddd-dd-ddTdd:dd:ddZ";
    if (d.size() != date_mask.size() && d.size() != time_mask.size()) return false;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const char m = time_mask[i];
        if (m == 'd' ? !std::isdigit(static_cast<unsigned char>(d[i])) : d[i] != m) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = lupe::fuzz::bytes(data, size);
    const std::string prefix = "feed.xml#";
    lupe::readers::ReadCallbacks callbacks;
    callbacks.on_document = [&](lupe::Document&& doc, std::size_t) {
        if (!valid_id(doc.id, prefix)) __builtin_trap();
        for (const std::string* field : {&doc.title, &doc.body, &doc.url, &doc.author, &doc.date,
                                         &doc.lang, &doc.source}) {
            if (lupe::find_invalid_utf8(*field)) __builtin_trap();
        }
        for (const auto& category : doc.categories) {
            if (lupe::find_invalid_utf8(category)) __builtin_trap();
        }
    };
    callbacks.on_error = [](std::size_t, const std::string&) {};
    callbacks.on_note = [](std::size_t, const std::string&) {};
    for (const char* forced : {"", "windows-1252"}) {
        lupe::readers::parse_feed(input, "feed.xml", forced, callbacks);
    }
    (void)lupe::readers::looks_like_feed(input);
    const std::string date = lupe::readers::feed_date_to_iso(input);
    if (!date.empty() && !date_shape(date)) __builtin_trap();
    return 0;
}

#include <doctest/doctest.h>

#include "analysis/utf8.hpp"

using namespace lupe::analysis;

TEST_CASE("find_invalid_utf8 accepts valid text") {
    CHECK_FALSE(find_invalid_utf8(""));
    CHECK_FALSE(find_invalid_utf8("plain ASCII"));
    CHECK_FALSE(find_invalid_utf8("Grüße aus München, 360°, € and 😀"));
}

TEST_CASE("find_invalid_utf8 reports the first bad byte") {
    CHECK(find_invalid_utf8("ab\xFF") == 2u);
    CHECK(find_invalid_utf8("\xC0\xAF") == 0u);          // overlong '/'
    CHECK(find_invalid_utf8("x\xED\xA0\x80") == 1u);     // UTF-16 surrogate
    CHECK(find_invalid_utf8("\xF4\x90\x80\x80") == 0u);  // above U+10FFFF
    CHECK(find_invalid_utf8("ok \xE2\x82") == 3u);       // truncated sequence
    CHECK(find_invalid_utf8("\x80") == 0u);              // lone continuation byte
}

TEST_CASE("decode_utf8 steps over invalid bytes one at a time") {
    const std::string s = "a\xFF\xC3\xA4";
    std::size_t pos = 0;
    CHECK(decode_utf8(s, pos) == U'a');
    CHECK(decode_utf8(s, pos) == kInvalidCodePoint);
    CHECK(pos == 2);
    CHECK(decode_utf8(s, pos) == U'ä');
    CHECK(pos == 4);
}

TEST_CASE("append_utf8 round trips") {
    std::string s;
    for (char32_t cp : {U'A', U'ß', U'€', U'😀'}) append_utf8(s, cp);
    CHECK(s == "Aß€😀");
    CHECK(count_code_points(s) == 4);
}

TEST_CASE("truncate_utf8 never cuts a character") {
    CHECK(truncate_utf8("Grüße", 3) == "Gr");  // 'ü' is bytes 2-3
    CHECK(truncate_utf8("Grüße", 4) == "Grü");
    CHECK(truncate_utf8("abc", 10) == "abc");
    CHECK(truncate_utf8("", 0) == "");
}

TEST_CASE("line_column counts lines and columns from 1") {
    const std::string text = "one\ntwo\nthree";
    CHECK(line_column(text, 0).line == 1);
    CHECK(line_column(text, 5).line == 2);
    CHECK(line_column(text, 5).column == 2);
    CHECK(line_column(text, 8).line == 3);
}

// Tests of apps/readers/encoding: BOMs, the UTF-8 check, Windows-1252 as browsers read it,
// charset names and iconv's conversions, and the errors for bad bytes.
#include <doctest/doctest.h>

#include <string>

#include "apps/readers/encoding.hpp"
#include "lupe/error.hpp"

using namespace lupe::readers;

TEST_CASE("encoding: bom_charset") {
    CHECK(bom_charset("\xEF\xBB\xBFx") == "UTF-8");
    CHECK(bom_charset("\xFF\xFEx\0") == "UTF-16LE");
    CHECK(bom_charset("\xFE\xFF\0x") == "UTF-16BE");
    CHECK(bom_charset(std::string_view("\xFF\xFE\0\0x\0\0\0", 8)) == "UTF-32LE");
    CHECK(bom_charset(std::string_view("\0\0\xFE\xFF\0\0\0x", 8)) == "UTF-32BE");
    CHECK_FALSE(bom_charset("plain"));
    CHECK_FALSE(bom_charset(""));
    CHECK_FALSE(bom_charset("\xEF\xBB"));
}

TEST_CASE("encoding: decode_text of valid UTF-8 is the bytes, without a note") {
    const auto d = decode_text("Stra\xC3\x9F" "e");
    CHECK(d.text == "Stra\xC3\x9F" "e");
    CHECK(d.charset == "UTF-8");
    CHECK(d.note.empty());
}

TEST_CASE("encoding: Latin-1 German text is read as Windows-1252, with a note") {
    const auto d = decode_text("Titel\nDie Stra\xDF" "e und die Gr\xF6\xDF" "e\n");
    CHECK(d.text == "Titel\nDie Stra\xC3\x9F" "e und die Gr\xC3\xB6\xC3\x9F" "e\n");
    CHECK(d.charset == "windows-1252");
    CHECK(d.note == "not valid UTF-8 (first bad byte at line 2, column 9); read as Windows-1252");
}

TEST_CASE("encoding: Windows-1252 quotes, euro and the five undefined bytes") {
    CHECK(decode_text("\x93quoted\x94 \x80").text ==
          "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC");
    // glibc refuses 0x81 0x8D 0x8F 0x90 0x9D; WHATWG maps them to U+0081... so do we.
    CHECK(decode_text("a\x81" "b\x8D" "c\x8F" "d\x90" "e\x9D").text ==
          "a\xC2\x81" "b\xC2\x8D" "c\xC2\x8F" "d\xC2\x90" "e\xC2\x9D");
    // Every byte but NUL decodes (NUL is the text reader's "binary" test).
    std::string all;
    for (int b = 1; b < 256; ++b) all += static_cast<char>(b);
    const auto d = decode_text(all, "windows-1252");
    CHECK(d.text.size() > all.size());
}

TEST_CASE("encoding: UTF-16 and UTF-32 with a BOM") {
    const std::string le("\xFF\xFE" "S\0t\0r\0a\0\xDF\0" "e\0", 14);
    const std::string be("\xFE\xFF\0S\0t\0r\0a\0\xDF\0e", 14);
    for (const std::string& bytes : {le, be}) {
        const auto d = decode_text(bytes);
        CHECK(d.text == "Stra\xC3\x9F" "e");  // the BOM is dropped
        CHECK(d.note.empty());
    }
    CHECK(decode_text(le).charset == "UTF-16LE");
    CHECK(decode_text(be).charset == "UTF-16BE");
    CHECK(decode_text(std::string("\xFF\xFE\0\0" "a\0\0\0", 8)).text == "a");
    CHECK(decode_text("\xEF\xBB\xBFmit BOM").text == "mit BOM");
    // A lone surrogate is invalid UTF-16: an error with its offset.
    CHECK_THROWS_WITH_AS(decode_text(std::string("\xFF\xFE" "a\0\x00\xD8" "b\0", 8)),
                         "byte sequence not valid in UTF-16LE at byte offset 4",
                         lupe::DocumentError);
    // An odd number of bytes ends inside a character.
    CHECK_THROWS_WITH_AS(decode_text(std::string("\xFF\xFE" "a\0b", 5)),
                         doctest::Contains("ends inside a character"), lupe::DocumentError);
}

TEST_CASE("encoding: a forced encoding wins") {
    // Valid UTF-8, but forced: "Ã¤" is what Latin-1 makes of it.
    CHECK(decode_text("\xC3\xA4", "latin1").text == "\xC3\x83\xC2\xA4");
    CHECK(decode_text("\xA4", "ISO-8859-15").text == "\xE2\x82\xAC");
    CHECK(decode_text("\xA4", "iso_8859-15").charset == "ISO-8859-15");
    CHECK(decode_text("\xA4", "windows-1252").text == "\xC2\xA4");
    CHECK(decode_text(std::string("a\0", 2), "utf-16le").text == "a");
    CHECK(decode_text("x", "UTF8").charset == "UTF-8");
    SUBCASE("ISO-8859-1 and US-ASCII are read as Windows-1252 (WHATWG)") {
        for (const char* name : {"ISO-8859-1", "iso8859-1", "latin1", "US-ASCII", "cp1252"}) {
            CAPTURE(name);
            CHECK(decode_text("\x93x\x94", name).text == "\xE2\x80\x9Cx\xE2\x80\x9D");
        }
    }
    SUBCASE("an unknown name is an error naming it") {
        CHECK_THROWS_WITH_AS(decode_text("x", "x-klingon"),
                             doctest::Contains("unknown character encoding \"x-klingon\""),
                             lupe::DocumentError);
    }
    SUBCASE("invalid bytes in the forced encoding: an error naming the offset") {
        CHECK_THROWS_WITH_AS(decode_text("ok \xFF", "UTF-8"),
                             "byte sequence not valid in UTF-8 at byte offset 3",
                             lupe::DocumentError);
        CHECK_THROWS_WITH_AS(decode_text("abc\x82\xFF", "SHIFT_JIS"),
                             doctest::Contains("at byte offset 3"), lupe::DocumentError);
    }
}

TEST_CASE("encoding: known_charset and to_utf8") {
    CHECK(known_charset("UTF-8"));
    CHECK(known_charset("latin1"));
    CHECK(known_charset("KOI8-R"));
    CHECK_FALSE(known_charset("x-klingon"));
    CHECK_FALSE(known_charset(""));
    CHECK(to_utf8("\xC1\xD7", "KOI8-R") == "\xD0\xB0\xD0\xB2");
    CHECK(to_utf8("", "UTF-16LE").empty());
    // Output many times the input's size converts without loss (the buffer grows).
    const std::string big(100000, '\x80');
    std::string expected;
    for (std::size_t i = 0; i < big.size(); ++i) expected += "\xE2\x82\xAC";
    CHECK(to_utf8(big, "cp1252") == expected);
}

// format/stored_document: the display fields in a document's data and the compressed start
// of the body in its text slot. Round trips, and literal blobs as index format 3 stores
// them, so that a change of the encoding (which would make existing indexes unreadable)
// fails here and not only in a search.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "format/duplicate_key.hpp"
#include "lupe/document.hpp"
#include "format/schema.hpp"
#include "format/stored_document.hpp"

using lupe::format::compress_text;
using lupe::format::decode_fields;
using lupe::format::decompress_text;
using lupe::format::encode_fields;
using lupe::format::StoredFields;

namespace {

void check_equal(const StoredFields& a, const StoredFields& b) {
    CHECK(a.id == b.id);
    CHECK(a.title == b.title);
    CHECK(a.lang == b.lang);
    CHECK(a.date == b.date);
    CHECK(a.url == b.url);
    CHECK(a.source == b.source);
    CHECK(a.author == b.author);
    CHECK(a.categories == b.categories);
}

std::string bytes(std::initializer_list<unsigned char> list) {
    return {list.begin(), list.end()};
}

// A document's data as format 3 stores it: each field (id, title, lang, date, url, source)
// as a varint byte length and the bytes; here the url is empty.
const std::string kFormat3Data = bytes({5, 'd', 'o', 'c', '-', '1',
                                        7, 'S', 't', 'r', 'a', 0xc3, 0x9f, 'e',
                                        2, 'd', 'e',
                                        10, '2', '0', '2', '5', '-', '0', '8', '-', '1', '4',
                                        0,
                                        8, 'G', 'o', 'l', 'e', 'm', '.', 'd', 'e'});

const StoredFields kFormat3Fields = {.id = "doc-1", .title = "Straße", .lang = "de",
                                     .date = "2025-08-14", .url = "", .source = "Golem.de"};

// The text slot as format 3 stores it: a varint of the text's byte length (49), then the
// text as raw deflate (no zlib header), written at level 1.
const std::string kFormat3Text = "Die Straße nach München. Der Verkehr war dicht.";
const std::string kFormat3TextSlot = bytes(
    {0x31, 0x73, 0xc9, 0x4c, 0x55, 0x08, 0x2e, 0x29, 0x4a, 0x3c, 0x3c, 0x3f, 0x55, 0x21, 0x2f,
     0x31, 0x39, 0x43, 0xc1, 0xf7, 0xf0, 0x9e, 0xbc, 0xe4, 0x8c, 0xd4, 0x3c, 0x3d, 0x05, 0x97,
     0xd4, 0x22, 0x85, 0xb0, 0xd4, 0xa2, 0xec, 0xd4, 0x8c, 0x22, 0x85, 0xf2, 0xc4, 0x22, 0x85,
     0x94, 0xcc, 0xe4, 0x8c, 0x12, 0x3d, 0x00});

}  // namespace

TEST_CASE("stored fields: every field round-trips") {
    const StoredFields fields = {.id = "news/deepseek-huawei-ascend.md",
                                 .title = "DeepSeek failed to train using Huawei chips",
                                 .lang = "en",
                                 .date = "2025-08-14",
                                 .url = "https://arstechnica.com/ai/2025/08/deepseek",
                                 .source = "Ars Technica"};
    check_equal(decode_fields(encode_fields(fields)), fields);
}

TEST_CASE("stored fields: empty fields, in any place, stay empty and keep the others in place") {
    check_equal(decode_fields(encode_fields({})), {});
    CHECK(encode_fields({}) == std::string(6, '\0'));  // six lengths of zero
    const StoredFields only_source = {.id = "", .title = "", .lang = "", .date = "", .url = "",
                                      .source = "Golem.de"};
    check_equal(decode_fields(encode_fields(only_source)), only_source);
    const StoredFields only_id = {.id = "x"};
    check_equal(decode_fields(encode_fields(only_id)), only_id);
}

TEST_CASE("stored fields: non-ASCII, NUL bytes and invalid UTF-8 are stored as bytes") {
    const StoredFields fields = {.id = "caf\xE9.txt",  // a Latin-1 file name
                                 .title = "Größenwahn in München — ein Bericht",
                                 .lang = "de",
                                 .date = "",
                                 .url = std::string("a\0b", 3),
                                 .source = "日本経済新聞"};
    check_equal(decode_fields(encode_fields(fields)), fields);
}

TEST_CASE("stored fields: a field of 128 bytes or more takes a two-byte length") {
    const StoredFields fields = {.id = "i", .title = std::string(300, 't')};
    const std::string data = encode_fields(fields);
    // id: 1 + 1 byte; title: varint 300 = 0xAC 0x02, then 300 bytes; four empty fields.
    REQUIRE(data.size() == 2 + 2 + 300 + 4);
    CHECK(static_cast<unsigned char>(data[2]) == 0xAC);
    CHECK(static_cast<unsigned char>(data[3]) == 0x02);
    check_equal(decode_fields(data), fields);
}

TEST_CASE("stored fields: format 3 document data decodes, and is what is written today") {
    check_equal(decode_fields(kFormat3Data), kFormat3Fields);
    CHECK(encode_fields(kFormat3Fields) == kFormat3Data);
}

TEST_CASE("stored fields: data that ends early or is not lupe's gives the fields read so far") {
    // Cut inside the title: the id survives, everything after it is empty.
    const StoredFields cut = decode_fields(kFormat3Data.substr(0, 9));
    CHECK(cut.id == "doc-1");
    CHECK(cut.title.empty());
    CHECK(cut.source.empty());
    // Cut after the date: the url and the source are missing.
    const StoredFields no_tail = decode_fields(kFormat3Data.substr(0, 6 + 8 + 3 + 11));
    CHECK(no_tail.date == "2025-08-14");
    CHECK(no_tail.url.empty());
    CHECK(no_tail.source.empty());
    // A length beyond the end, a varint that never ends, nothing at all.
    check_equal(decode_fields(bytes({200, 'a', 'b'})), {});
    check_equal(decode_fields(std::string(12, '\xff')), {});
    check_equal(decode_fields(""), {});
    // Format 2's document data (JSON), or another program's.
    const StoredFields json = decode_fields(R"({"id":"a","title":"b"})");
    CHECK(json.id.empty());  // '{' is a length of 123, longer than the rest
}

TEST_CASE("stored text: round trip, and the empty text is stored as nothing") {
    const std::string text = "Eine neuartige Drohne kombiniert Rundumsicht mit VR-Headset.";
    const std::string stored = compress_text(text);
    CHECK(static_cast<std::size_t>(static_cast<unsigned char>(stored.front())) == text.size());  // the length first
    CHECK(decompress_text(stored) == text);
    CHECK(compress_text("").empty());
    CHECK(decompress_text("").empty());
}

TEST_CASE("stored text: the largest text the writer stores round-trips") {
    std::string text;
    for (std::size_t i = 0; text.size() < lupe::format::schema::kMaxStoredTextBytes; ++i) {
        text += "wort" + std::to_string(i) + " Größe ";
    }
    text.resize(lupe::format::schema::kMaxStoredTextBytes);
    const std::string stored = compress_text(text);
    CHECK(stored.size() < text.size());
    CHECK(decompress_text(stored) == text);
}

TEST_CASE("stored text: a format 3 text slot decodes") {
    CHECK(decompress_text(kFormat3TextSlot) == kFormat3Text);
    CHECK(decompress_text(compress_text(kFormat3Text)) == kFormat3Text);
}

TEST_CASE("stored text: a corrupt or foreign value gives no text instead of an error") {
    // The length says more or fewer bytes than the stream holds.
    std::string longer = kFormat3TextSlot;
    longer[0] = 0x32;
    CHECK(decompress_text(longer).empty());
    std::string shorter = kFormat3TextSlot;
    shorter[0] = 0x30;
    CHECK(decompress_text(shorter).empty());
    // The stream cut short, or damaged.
    CHECK(decompress_text(kFormat3TextSlot.substr(0, 20)).empty());
    std::string damaged = kFormat3TextSlot;
    damaged[1] = '\xff';
    CHECK(decompress_text(damaged).empty());
    // A length of zero, a length over the 16 MiB sanity limit, a varint that never ends.
    CHECK(decompress_text(bytes({0x00, 0x03, 0x00})).empty());
    CHECK(decompress_text(bytes({0x81, 0x80, 0x80, 0x10, 0x03, 0x00})).empty());  // 32 MiB + 1
    CHECK(decompress_text(std::string(11, '\x80')).empty());
    // Plain text where the compressed text belongs (a value another program wrote).
    CHECK(decompress_text("Hello world").empty());
}

TEST_CASE("stored fields: author and categories (lupe 0.6) round-trip, and only they add bytes") {
    StoredFields fields = kFormat3Fields;
    // Without them, the data is format 3's, byte for byte (older indexes and readers).
    CHECK(encode_fields(fields) == kFormat3Data);
    fields.author = "Peter Steinlechner";
    fields.categories = {"Drohnen", "", "Kameras"};
    const std::string data = encode_fields(fields);
    CHECK(data.substr(0, kFormat3Data.size()) == kFormat3Data);
    check_equal(decode_fields(data), fields);
    // An older reader's view: the six fields, then nothing it knows.
    StoredFields older = decode_fields(kFormat3Data);
    CHECK(older.author.empty());
    CHECK(older.categories.empty());
    // Categories alone, and a count beyond the data (not lupe's), which stops the list.
    StoredFields only_categories = {.id = "x", .categories = {"a"}};
    check_equal(decode_fields(encode_fields(only_categories)), only_categories);
    std::string broken = encode_fields({.id = "x", .author = "A"});
    broken.back() = static_cast<char>(0x7F);  // 127 categories announced, none there
    CHECK(decode_fields(broken).categories.empty());
    CHECK(decode_fields(broken).author == "A");
}

TEST_CASE("story key: the same story in two feeds shares one; other stories do not") {
    using lupe::story_key;
    const std::string key = story_key("Fliegen im Rausch der Rundumsicht", "2025-08-14T08:00:00Z",
                                      "https://www.golem.de/news/a.html");
    CHECK(key.substr(0, 1) == "t");
    // Case, spaces and punctuation; later the same day; another link.
    CHECK(story_key("Fliegen im Rausch der  RUNDUMSICHT!", "2025-08-14T21:30:00Z",
                    "https://golem.de/news/other.html") == key);
    CHECK(story_key("Fliegen im Rausch der Rundumsicht", "2025-08-15", "") != key);
    CHECK(story_key("Fliegen im Rausch der Geschwindigkeit", "2025-08-14", "") != key);
    // Without a date with a day: the url, whatever its scheme, "www." or trailing "/".
    const std::string a = story_key("A", "", "http://www.example.org/story/");
    CHECK(a.substr(0, 1) == "u");
    CHECK(story_key("B", "2025-08", "https://example.org/story#comments") == a);
    CHECK(story_key("T", "", "").empty());  // nothing to go by: never collapsed
    // What the index stores: any key, bounded.
    CHECK(lupe::format::duplicate_key_value("").empty());
    CHECK(lupe::format::duplicate_key_value(std::string(10000, 'x')).size() == 17);
    CHECK(lupe::format::duplicate_key_value(key) != lupe::format::duplicate_key_value(a));
}

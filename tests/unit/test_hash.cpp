// The one hash (common/hash.hpp) against FNV-1a's published test vectors, and index format
// 3's hash (format/tag_records.hpp) against values that existing indexes hold.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/hash.hpp"
#include "format/tag_records.hpp"
#include "format/schema.hpp"

using lupe::format::format3_hash;
using lupe::hash::fnv1a64;

namespace {

struct Vector {
    std::string_view bytes;
    std::uint64_t hash;
};

}  // namespace

// From the FNV reference test suite (fnv_test.c, FNV-1a 64-bit,
// http://www.isthe.com/chongo/tech/comp/fnv/).
TEST_CASE("hash: FNV-1a 64 gives the published test vectors") {
    using namespace std::string_view_literals;
    const Vector vectors[] = {
        {""sv, 0xcbf29ce484222325ull},
        {"a"sv, 0xaf63dc4c8601ec8cull},
        {"b"sv, 0xaf63df4c8601f1a5ull},
        {"c"sv, 0xaf63de4c8601eff2ull},
        {"d"sv, 0xaf63d94c8601e773ull},
        {"e"sv, 0xaf63d84c8601e5c0ull},
        {"f"sv, 0xaf63db4c8601ead9ull},
        {"fo"sv, 0x08985907b541d342ull},
        {"foo"sv, 0xdcb27518fed9d577ull},
        {"foob"sv, 0xdd120e790c2512afull},
        {"fooba"sv, 0xcac165afa2fef40aull},
        {"foobar"sv, 0x85944171f73967e8ull},
        {"\0"sv, 0xaf63bd4c8601b7dfull},
        {"chongo was here!\n"sv, 0x46810940eff5f915ull},
    };
    for (const Vector& v : vectors) {
        INFO("bytes \"" << std::string(v.bytes) << "\" (" << v.bytes.size() << ")");
        CHECK(fnv1a64(v.bytes) == v.hash);
    }
    CHECK(lupe::hash::kFnv1a64OffsetBasis == 0xcbf29ce484222325ull);
    CHECK(lupe::hash::kFnv1a64Prime == 0x100000001b3ull);
}

TEST_CASE("hash: a hash continued over pieces equals the hash of the whole") {
    CHECK(fnv1a64("bar", fnv1a64("foo")) == fnv1a64("foobar"));
    CHECK(fnv1a64("", fnv1a64("foobar")) == fnv1a64("foobar"));
    static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cull, "usable at compile time");
}

// Index format 3's hash is the FNV-1a loop from another starting value (lupe 0.1-0.4's
// offset basis with a digit dropped). Existing indexes hold its values in terms, metadata
// keys and the content hash slot: it must never change.
TEST_CASE("hash: format 3's hash keeps the values existing indexes hold") {
    CHECK(lupe::format::kFormat3HashBasis == 1469598103934665603ull);
    CHECK(format3_hash("") == 0x14650fb0739d0383ull);
    CHECK(format3_hash("a") == 0x44bd8ad473cd9906ull);
    CHECK(format3_hash("foobar") == 0x88fad7c0a8ff07f2ull);
    CHECK(format3_hash("bar", format3_hash("foo")) == format3_hash("foobar"));
    CHECK(format3_hash("foobar") != fnv1a64("foobar"));
    CHECK(lupe::format::hex64(0x0123456789abcdefull) == "0123456789abcdef");
    CHECK(lupe::format::hex64(0) == "0000000000000000");

    // A file of an index built by lupe 0.5.0 before this hash moved.
    const std::string file = "/tmp/writer-check/work/src/written/munich-street-cafe.md";
    CHECK(lupe::format::tag_term(file) == "XF3ad541258c30228b");
    CHECK(lupe::format::tag_record_key(file) == "lupe.file:3ad541258c30228b");
}

TEST_CASE("hash: the content hash covers every field, the settings and the tag") {
    const lupe::Document doc{.id = "doc-1",
                             .title = "Title",
                             .body = "Body text",
                             .lang = "en",
                             .date = "2025-08-14",
                             .url = "https://example.org/1",
                             .source = "Example"};
    const std::string hash = lupe::format::content_hash(doc, "", "/data/news.jsonl", 2);
    // The FNV-1a loop from kFormat3HashBasis over "lupe-doc-v1", each field and a NUL,
    // the default language and the file each with a NUL, and the title weight in decimal
    // (computed with Python).
    CHECK(hash == "07ad1b7fe6ed6554");

    SUBCASE("each input changes it") {
        auto changed = [&](lupe::Document other) {
            return lupe::format::content_hash(other, "", "/data/news.jsonl", 2) != hash;
        };
        lupe::Document d = doc;
        d.id += "x";
        CHECK(changed(d));
        d = doc;
        d.title += "x";
        CHECK(changed(d));
        d = doc;
        d.body += "x";
        CHECK(changed(d));
        d = doc;
        d.lang = "de";
        CHECK(changed(d));
        d = doc;
        d.date = "2025-08";
        CHECK(changed(d));
        d = doc;
        d.url += "x";
        CHECK(changed(d));
        d = doc;
        d.source += "x";
        CHECK(changed(d));
        CHECK(lupe::format::content_hash(doc, "en", "/data/news.jsonl", 2) != hash);
        CHECK(lupe::format::content_hash(doc, "", "/data/other.jsonl", 2) != hash);
        CHECK(lupe::format::content_hash(doc, "", "/data/news.jsonl", 3) != hash);
    }
    SUBCASE("a field's end is part of it: text moved between fields changes it") {
        lupe::Document d = doc;
        d.title = "TitleB";
        d.body = "ody text";
        CHECK(lupe::format::content_hash(d, "", "/data/news.jsonl", 2) != hash);
    }
}

// The writer's promises of issue 13: a throwing callback loses no document (item 3),
// shard_of is the FNV-1a it says it is while shards written by lupe 0.3-0.4 keep their
// routing (item 9), and the lock error speaks in the library's terms (item 12).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>

#include "format/index_layout.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "support/temp_dir.hpp"

using lupe::Document;
using lupe::IndexWriter;
using lupe::IndexWriterOptions;

namespace {

// Enough documents for several batches per worker (the writer hands workers batches of
// 128), so that finished batches wait in the writer while a callback throws.
constexpr std::size_t kDocs = 1500;
constexpr std::size_t kJobs = 4;
// The callback throws on this outcome (the 5th, as a user cancelling early would).
constexpr std::size_t kThrowOn = 5;

Document numbered(std::size_t i) {
    return {.id = "doc-" + std::to_string(i),
            .title = "Report " + std::to_string(i),
            .body = "A quokka was seen near the harbour, sighting number " + std::to_string(i) + ".",
            .lang = "en"};
}

struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("cancelled by the callback") {}
};

// Queues documents until a callback throws (as index_sources is cancelled), then stops.
// Returns how many documents add_document_async accepted; `calls` counts callbacks.
std::size_t add_until_cancelled(IndexWriter& writer, std::size_t& calls) {
    auto callback = [&calls](const lupe::AddOutcome&) {
        if (++calls == kThrowOn) throw Cancelled();
    };
    for (std::size_t i = 0; i < kDocs; ++i) {
        try {
            writer.add_document_async(numbered(i), {}, callback);
        } catch (const Cancelled&) {
            return i + 1;  // this document was queued before the delivery that threw
        }
    }
    // No delivery before the end: the throw comes from waiting for the queue.
    CHECK_THROWS_AS(writer.wait(), Cancelled);
    return kDocs;
}

std::size_t quokka_matches(const std::string& path) {
    lupe::Searcher searcher(path);
    lupe::SearchOptions options;
    options.limit = kDocs + 10;
    return searcher.search("quokka", options).results.size();
}

}  // namespace

// lupe 0.4.0: deliver() wrote each finished batch and called its callbacks in one loop;
// the 5th callback's throw dropped the rest of that batch and every other finished batch,
// and the commit() after it committed without them (fewer than `accepted` documents).
TEST_CASE("a throwing callback loses no accepted document (incremental run)") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    IndexWriterOptions options;
    options.jobs = kJobs;
    options.batch_size = 0;  // only our commit() commits
    IndexWriter writer(path, options);
    std::size_t calls = 0;
    const std::size_t accepted = add_until_cancelled(writer, calls);
    REQUIRE(calls == kThrowOn);
    REQUIRE(accepted > kThrowOn);

    // The writer is usable: commit() writes and commits everything accepted, and calls
    // none of the callbacks of documents accepted before the throw.
    writer.commit();
    CHECK(calls == kThrowOn);
    CHECK(writer.document_count() == accepted);
    CHECK(Xapian::Database(path).get_doccount() == accepted);
    CHECK(quokka_matches(path) == accepted);

    // Documents accepted after the throw get their callbacks again.
    bool called = false;
    writer.add_document_async(numbered(kDocs), {}, [&](const lupe::AddOutcome& o) {
        called = true;
        CHECK(o.lang == "en");
    });
    writer.commit();
    CHECK(called);
    CHECK(quokka_matches(path) == accepted + 1);
}

TEST_CASE("a throwing callback loses no accepted document (rebuild)") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    IndexWriterOptions options;
    options.jobs = kJobs;
    options.rebuild = true;
    IndexWriter writer(path, options);
    std::size_t calls = 0;
    const std::size_t accepted = add_until_cancelled(writer, calls);
    REQUIRE(calls == kThrowOn);
    writer.publish();
    CHECK(calls == kThrowOn);
    CHECK(quokka_matches(path) == accepted);
}

TEST_CASE("a callback that throws for an unchanged document cuts the callbacks, loses nothing") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        IndexWriter writer(path);
        writer.add_document(numbered(0));
        writer.commit();
    }
    IndexWriterOptions options;
    options.jobs = kJobs;
    IndexWriter writer(path, options);
    std::size_t later_calls = 0;
    for (std::size_t i = 1; i < kDocs; ++i) {
        writer.add_document_async(numbered(i), {}, [&](const lupe::AddOutcome&) { ++later_calls; });
    }
    // doc-0 is unchanged: its callback runs at once, inside add_document_async.
    CHECK_THROWS_AS(writer.add_document_async(numbered(0), {},
                                              [](const lupe::AddOutcome& o) {
                                                  CHECK(o.unchanged);
                                                  throw Cancelled();
                                              }),
                    Cancelled);
    const std::size_t before = later_calls;
    writer.commit();
    CHECK(later_calls == before);  // cut: the thrower's earlier documents get no callback
    CHECK(quokka_matches(path) == kDocs);
}

// Reference values of FNV-1a 64, computed independently of lupe (Python:
//   h = 0xcbf29ce484222325; for b in s.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64).
TEST_CASE("shard_of is FNV-1a 64 of the id's bytes modulo the shard count") {
    struct Reference {
        const char* id;
        std::uint64_t fnv1a;
    };
    const std::vector<Reference> references = {
        {"", 0xcbf29ce484222325ull},
        {"a", 0xaf63dc4c8601ec8cull},
        {"foobar", 0x85944171f73967e8ull},
        {"alias/x.txt", 0x20893a6e50809146ull},
        {"sub/x.txt", 0x83da2b1c853a4384ull},
    };
    for (const auto& r : references) {
        INFO("id \"" << r.id << "\"");
        for (std::size_t n : {2u, 3u, 7u, 16u, 1000u, 1024u}) {
            INFO(n << " shards");
            CHECK(lupe::shard_of(r.id, n) == r.fnv1a % n);
        }
        CHECK(lupe::shard_of(r.id, 1) == 0);
    }
    // lupe 0.4.0's offset basis (a digit short) put these elsewhere.
    CHECK(lupe::shard_of("", 3) == 2);
    CHECK(lupe::shard_of("a", 3) == 1);
    CHECK(lupe::shard_of("foobar", 3) == 0);
}

namespace {

// Ids whose shard (of 3) differs between FNV-1a and lupe 0.3-0.4's hash (the FNV-1a loop
// from offset basis 1469598103934665603), computed with Python as above.
struct Routed {
    const char* id;
    std::size_t fnv1a;   // shard_of(id, 3)
    std::size_t legacy;  // lupe 0.3-0.4
};
const std::vector<Routed> kRouted = {
    {"bravo", 2, 0}, {"charlie", 1, 0}, {"foxtrot", 2, 1}, {"hotel", 2, 0}};
constexpr std::size_t kShards = 3;

// Writes shard `k` of 3 at `path` with every id of kRouted offered; returns the ids it kept.
std::vector<std::string> write_shard(const std::string& path, std::size_t k, bool rebuild) {
    IndexWriterOptions options;
    options.shard = true;
    options.rebuild = rebuild;
    IndexWriter writer(path, options);
    for (const auto& r : kRouted) {
        if (lupe::shard_of(r.id, kShards, writer.shard_routing()) != k) continue;  // another shard's
        writer.add_document({.id = r.id, .title = r.id, .body = "the quokka shard test", .lang = "en"});
    }
    writer.publish();
    std::vector<std::string> ids;
    Xapian::Database db(path);
    for (const auto& r : kRouted) {
        if (db.term_exists(std::string("Q") + r.id)) ids.push_back(r.id);
    }
    return ids;
}

std::vector<std::string> expected_ids(std::size_t k, bool legacy) {
    std::vector<std::string> ids;
    for (const auto& r : kRouted) {
        if ((legacy ? r.legacy : r.fnv1a) == k) ids.push_back(r.id);
    }
    return ids;
}

// Makes a shard look as lupe 0.3-0.4 left it: no recorded routing.
void remove_routing_marker(const std::string& path) {
    std::string generation;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(lupe::format::kGenerationPrefix)) generation = entry.path().string();
    }
    REQUIRE_FALSE(generation.empty());
    Xapian::WritableDatabase db(generation, Xapian::DB_OPEN);
    REQUIRE(db.get_metadata("lupe.shard-routing") == "fnv1a64");
    db.set_metadata("lupe.shard-routing", "");
    db.commit();
}

}  // namespace

TEST_CASE("a new sharded index routes by shard_of and records it") {
    lupe::test::TempDir dir;
    for (std::size_t k = 0; k < kShards; ++k) {
        const std::string path = dir / ("shard-" + std::to_string(k));
        CHECK(write_shard(path, k, false) == expected_ids(k, false));
        IndexWriterOptions options;
        options.shard = true;
        IndexWriter writer(path, options);
        for (const auto& r : kRouted) CHECK(lupe::shard_of(r.id, kShards, writer.shard_routing()) == r.fnv1a);
    }
}

// lupe 0.4.0 routed by the wrong basis; a shard it wrote (no routing recorded) keeps that
// routing in incremental runs and in rebuilds, so no document lands in a second shard.
TEST_CASE("a shard written by lupe 0.3-0.4 keeps its routing") {
    lupe::test::TempDir dir;
    const std::size_t k = 0;
    const std::string path = dir / "shard-0";
    write_shard(path, k, false);
    remove_routing_marker(path);
    IndexWriterOptions options;
    options.shard = true;
    {
        IndexWriter writer(path, options);
        for (const auto& r : kRouted) CHECK(lupe::shard_of(r.id, kShards, writer.shard_routing()) == r.legacy);
    }
    SUBCASE("incremental") {
        CHECK(write_shard(path, k, false) == expected_ids(k, true));
    }
    SUBCASE("rebuild") {
        CHECK(write_shard(path, k, true) == expected_ids(k, true));
        IndexWriter writer(path, options);  // the rebuilt shard recorded the old routing
        for (const auto& r : kRouted) CHECK(lupe::shard_of(r.id, kShards, writer.shard_routing()) == r.legacy);
    }
}

TEST_CASE("an unknown recorded routing is refused, naming the index") {
    lupe::test::TempDir dir;
    const std::string path = dir / "shard-1";
    write_shard(path, 1, false);
    {
        std::string generation;
        for (const auto& entry : std::filesystem::directory_iterator(path)) {
            if (entry.path().filename().string().starts_with(lupe::format::kGenerationPrefix)) {
                generation = entry.path().string();
            }
        }
        Xapian::WritableDatabase db(generation, Xapian::DB_OPEN);
        db.set_metadata("lupe.shard-routing", "crc32");
        db.commit();
    }
    IndexWriterOptions options;
    options.shard = true;
    try {
        IndexWriter writer(path, options);
        FAIL("opened");
    } catch (const lupe::IndexCorruptError& e) {
        const std::string what = e.what();
        CHECK(what.find(path) != std::string::npos);
        CHECK(what.find("crc32") != std::string::npos);
    }
}

// lupe 0.4.0: "another lupe-index (pid N) is writing it; use --wait SECONDS", where N is
// this very program and it has no --wait.
TEST_CASE("two IndexWriters in one program: the lock error names no command-line flag") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    IndexWriter first(path);
    try {
        IndexWriter second(path);
        FAIL("second writer opened");
    } catch (const lupe::IndexLockedError& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find(path) != std::string::npos);
        CHECK(what.find("another IndexWriter in this process (pid " + std::to_string(::getpid()) +
                        ")") != std::string::npos);
        CHECK(what.find("IndexWriterOptions::lock_wait_seconds") != std::string::npos);
        CHECK(what.find("--") == std::string::npos);
        CHECK(what.find("lupe-index") == std::string::npos);
    }
}

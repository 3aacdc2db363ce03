#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "format/index_layout.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::format;
namespace fs = std::filesystem;

TEST_CASE("generations: names, stub, atomic publish") {
    lupe::test::TempDir dir;
    CHECK(next_generation(std::nullopt) == "gen-000001");
    CHECK(next_generation(std::string("gen-000041")) == "gen-000042");
    CHECK_FALSE(published_generation(dir.path().string()));
    publish_generation(dir.path().string(), "gen-000007");
    CHECK(published_generation(dir.path().string()) == "gen-000007");
    std::ifstream stub(dir.path() / kStubName);
    std::string line;
    std::getline(stub, line);
    CHECK(line == "auto gen-000007");
    CHECK_FALSE(fs::exists(dir.path() / "XAPIANDB.tmp"));
}

TEST_CASE("generations: one that a searcher holds is not removed") {
    lupe::test::TempDir dir;
    for (const char* g : {"gen-000001", "gen-000002", "gen-000003", "build-12345"}) {
        fs::create_directories(dir.path() / g);
    }
    {
        GenerationReadLock held((dir.path() / "gen-000001").string());
        CHECK(remove_unused_generations(dir.path().string(), "gen-000003") == 2);
        CHECK(fs::exists(dir.path() / "gen-000001"));   // held
        CHECK_FALSE(fs::exists(dir.path() / "gen-000002"));
        CHECK_FALSE(fs::exists(dir.path() / "build-12345"));  // a dead run's leftovers
        CHECK(fs::exists(dir.path() / "gen-000003"));   // published
    }
    CHECK(remove_unused_generations(dir.path().string(), "gen-000003") == 1);
    CHECK_FALSE(fs::exists(dir.path() / "gen-000001"));
}

TEST_CASE("writer lock: exclusive, with a wait, and never stale") {
    lupe::test::TempDir dir;
    {
        WriterLock first(dir.path().string(), 0);
        try {
            WriterLock second(dir.path().string(), 0);
            FAIL("second lock taken");
        } catch (const lupe::IndexLockedError& e) {
            const std::string what = e.what();
            CHECK(what.find(dir.path().string()) != std::string::npos);
            CHECK(what.find("pid " + std::to_string(::getpid())) != std::string::npos);
            // Library terms (issue 13 item 12): this process is the holder, and no
            // lupe-index flag is named.
            CHECK(what.find("another IndexWriter in this process") != std::string::npos);
            CHECK(what.find("IndexWriterOptions::lock_wait_seconds") != std::string::npos);
            CHECK(what.find("--wait") == std::string::npos);
        }
        const auto start = std::chrono::steady_clock::now();
        CHECK_THROWS_AS(WriterLock(dir.path().string(), 0.3), lupe::IndexLockedError);
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
    }
    // The lock file a killed run leaves behind (its pid in it) does not block anyone.
    std::ofstream(dir.path() / "lock") << "999999\n";
    CHECK_NOTHROW(WriterLock(dir.path().string(), 0));
}

TEST_CASE("rebuild: searchers keep the old index until publish, then follow") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        w.add_document({.id = "old", .body = "the old index", .lang = "en"});
        w.commit();
    }
    lupe::Searcher searcher(path);
    CHECK(searcher.search("old").results.size() == 1);
    const auto first = published_generation(path);
    REQUIRE(first);
    {
        lupe::IndexWriter w(path, {.rebuild = true});
        w.add_document({.id = "new", .body = "the new index", .lang = "en"});
        w.commit();
        CHECK(searcher.search("new").results.empty());  // committed, not published
        CHECK(searcher.search("old").results.size() == 1);
        w.publish();
        CHECK_THROWS_AS(w.commit(), lupe::LogicError);
    }
    CHECK(published_generation(path) != first);
    CHECK(fs::exists(fs::path(path) / *first));  // still held by the searcher
    CHECK(searcher.search("new").results.size() == 1);  // follows the new generation
    CHECK(searcher.search("old").results.empty());
    CHECK(remove_unused_generations(path, *published_generation(path)) == 1);
    CHECK_FALSE(fs::exists(fs::path(path) / *first));
}

TEST_CASE("rebuild: a writer dropped before publish changes nothing") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        w.add_document({.id = "kept", .body = "kept", .lang = "en"});
        w.commit();
    }
    const auto before = published_generation(path);
    {
        lupe::IndexWriter w(path, {.rebuild = true});
        w.add_document({.id = "lost", .body = "lost", .lang = "en"});
        w.commit();
    }
    CHECK(published_generation(path) == before);
    lupe::Searcher s(path);
    CHECK(s.search("kept").results.size() == 1);
    CHECK(s.search("lost").results.empty());
}

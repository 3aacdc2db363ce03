// The writer's general primitives the file sync is built on (issue 14): tagged documents,
// tag records, application metadata, index_exists, and sharded indexes (shard list,
// routing). The on-disk form of tags and records is index format 3's "source files" and
// "file states", pinned here too, so that indexes of lupe 0.4-0.5 keep syncing.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/shards.hpp"
#include "support/temp_dir.hpp"

using lupe::Document;
using lupe::IndexWriter;
using lupe::IndexWriterOptions;
using lupe::test::TempDir;

namespace {

Document doc(const std::string& id) {
    return {.id = id, .title = "Note " + id, .body = "a quokka near the harbour", .lang = "en"};
}

IndexWriterOptions rebuild_options() {
    IndexWriterOptions options;
    options.rebuild = true;
    options.jobs = 2;
    return options;
}

std::set<std::string> ids(const std::string& index) {
    std::set<std::string> out;
    Xapian::Database db(index);
    for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) out.insert((*t).substr(1));
    return out;
}

const auto keep_none = [](const std::string&) { return false; };

}  // namespace

TEST_CASE("tagged documents: counted and deleted by tag, keep decides, the record stays") {
    TempDir dir;
    IndexWriter writer(dir / "idx");
    writer.add_document(doc("a1"), "/notes/a.md");
    writer.add_document(doc("a2"), "/notes/a.md");
    writer.add_document(doc("b1"), "/notes/b.md");
    writer.add_document(doc("free"));
    writer.set_tag_record("/notes/a.md", "12 345");
    CHECK(writer.count_tagged("/notes/a.md") == 2);
    CHECK(writer.count_tagged("/notes/b.md") == 1);
    CHECK(writer.count_tagged("/notes/none.md") == 0);

    std::vector<std::string> asked;
    const std::size_t deleted = writer.delete_tagged("/notes/a.md", [&](const std::string& id) {
        asked.push_back(id);
        return id == "a2";
    });
    CHECK(deleted == 1);
    std::sort(asked.begin(), asked.end());
    CHECK(asked == std::vector<std::string>{"a1", "a2"});
    CHECK(writer.count_tagged("/notes/a.md") == 1);
    // Only the tag's documents go; its record is the caller's to remove.
    CHECK(writer.tag_record("/notes/a.md") == "12 345");
    CHECK(writer.delete_tagged("/notes/a.md", keep_none) == 1);
    CHECK(writer.tag_record("/notes/a.md") == "12 345");
    writer.commit();
    CHECK(ids(dir / "idx") == std::set<std::string>{"b1", "free"});
}

TEST_CASE("a document's tag is part of what makes it unchanged") {
    TempDir dir;
    IndexWriter writer(dir / "idx");
    CHECK_FALSE(writer.add_document(doc("x"), "/a").replaced);
    CHECK(writer.add_document(doc("x"), "/a").unchanged);
    const lupe::AddOutcome moved = writer.add_document(doc("x"), "/b");
    CHECK(moved.replaced);
    CHECK_FALSE(moved.unchanged);
    CHECK(writer.count_tagged("/a") == 0);
    CHECK(writer.count_tagged("/b") == 1);
}

TEST_CASE("document_tag: with and without the likely tag, only for recorded tags") {
    TempDir dir;
    IndexWriter writer(dir / "idx");
    // Tags and records may hold spaces: the name is told by the tag's hash.
    const std::string tag = "/my notes/a b.md";
    writer.add_document(doc("a1"), tag);
    writer.add_document(doc("b1"), "/b.md");
    writer.add_document(doc("free"));
    writer.set_tag_record(tag, "record with spaces");
    CHECK(writer.document_tag("a1") == tag);
    CHECK(writer.document_tag("a1", tag) == tag);
    CHECK(writer.document_tag("a1", "/b.md") == tag);  // a wrong guess costs time only
    CHECK(writer.document_tag("b1", tag).empty());     // its tag has no record
    CHECK(writer.document_tag("free").empty());
    CHECK(writer.document_tag("missing", tag).empty());
    writer.set_tag_record("/b.md", "r");
    CHECK(writer.document_tag("b1", tag) == "/b.md");
}

TEST_CASE("document_tag answers nothing in a rebuild") {
    TempDir dir;
    {
        IndexWriter writer(dir / "idx");
        writer.add_document(doc("a1"), "/a.md");
        writer.set_tag_record("/a.md", "1 2");
        writer.publish();
    }
    IndexWriter rebuild(dir / "idx", rebuild_options());
    CHECK(rebuild.document_tag("a1", "/a.md").empty());
}

TEST_CASE("tag records: kept across commit, removed by \"\", listed, and on disk as format 3") {
    TempDir dir;
    {
        IndexWriter writer(dir / "idx");
        CHECK(writer.tag_record("/a.md").empty());
        writer.set_tag_record("/a.md", "10 1700000000000000000");
        writer.set_tag_record("/b c.md", "20 5");
        writer.set_tag_record("/gone.md", "1 1");
        writer.set_tag_record("/gone.md", "");
        CHECK_THROWS_AS(writer.set_tag_record("", "x"), lupe::InvalidArgumentError);
        writer.commit();
    }
    IndexWriter writer(dir / "idx");
    CHECK(writer.tag_record("/a.md") == "10 1700000000000000000");
    CHECK(writer.tag_record("/b c.md") == "20 5");
    CHECK(writer.tag_record("/gone.md").empty());
    std::vector<std::string> tags = writer.recorded_tags();
    std::sort(tags.begin(), tags.end());
    CHECK(tags == std::vector<std::string>{"/a.md", "/b c.md"});

    // Format 3 (lupe 0.4-0.5's "file state"): key "lupe.file:" + 16 hex digits of the
    // path's hash, value "<size> <mtime ns> <path>".
    Xapian::Database db(dir / "idx");
    std::vector<std::string> values;
    for (auto k = db.metadata_keys_begin("lupe.file:"); k != db.metadata_keys_end("lupe.file:"); ++k) {
        CHECK((*k).size() == std::string("lupe.file:").size() + 16);
        values.push_back(db.get_metadata(*k));
    }
    std::sort(values.begin(), values.end());
    CHECK(values == std::vector<std::string>{"10 1700000000000000000 /a.md", "20 5 /b c.md"});
}

TEST_CASE("tag records and metadata in a rebuild: its own, published with it") {
    TempDir dir;
    {
        IndexWriter writer(dir / "idx");
        writer.add_document(doc("old"), "/old.md");
        writer.set_tag_record("/old.md", "1 1");
        writer.set_metadata("app.kept", "before");
        writer.publish();
    }
    {
        IndexWriter rebuild(dir / "idx", rebuild_options());
        CHECK(rebuild.recorded_tags().empty());
        CHECK(rebuild.tag_record("/old.md").empty());
        CHECK(rebuild.metadata("app.kept").empty());
        for (int i = 0; i < 6; ++i) rebuild.add_document(doc("n" + std::to_string(i)), "/new.md");
        rebuild.set_tag_record("/new.md", "2 2");
        rebuild.set_tag_record("/dropped.md", "3 3");
        rebuild.set_tag_record("/dropped.md", "");
        rebuild.set_metadata("app.run", "rebuilt");
        CHECK(rebuild.tag_record("/new.md") == "2 2");
        CHECK(rebuild.recorded_tags() == std::vector<std::string>{"/new.md"});
        CHECK(rebuild.metadata("app.run") == "rebuilt");
        CHECK(rebuild.metadata_keys("app.") == std::vector<std::string>{"app.run"});
        CHECK(rebuild.count_tagged("/new.md") == 6);
        const lupe::PublishedIndexCounts published = rebuild.published_counts(true);
        CHECK(published.documents == 1);
        CHECK(published.tag_documents == std::map<std::string, std::size_t>{{"/old.md", 1}});
        CHECK(published.dropped == 1);
        rebuild.publish();
    }
    IndexWriter writer(dir / "idx");
    CHECK(writer.recorded_tags() == std::vector<std::string>{"/new.md"});
    CHECK(writer.tag_record("/new.md") == "2 2");
    CHECK(writer.count_tagged("/new.md") == 6);
    CHECK(writer.document_tag("n3") == "/new.md");
    CHECK(writer.metadata("app.run") == "rebuilt");
    CHECK(writer.metadata("app.kept").empty());
    const lupe::PublishedIndexCounts counts = writer.published_counts();
    CHECK(counts.documents == 6);
    CHECK(counts.tag_documents == std::map<std::string, std::size_t>{{"/new.md", 6}});
}

TEST_CASE("application metadata: get, set, remove, list, and the engine's keys refused") {
    TempDir dir;
    {
        IndexWriter writer(dir / "idx");
        CHECK(writer.metadata("app.a").empty());
        writer.set_metadata("app.a", "1");
        writer.set_metadata("app.b", "2");
        writer.set_metadata("other", "3");
        writer.set_metadata("other", "");
        CHECK(writer.metadata("app.a") == "1");
        writer.commit();
    }
    IndexWriter writer(dir / "idx");
    CHECK(writer.metadata("app.b") == "2");
    CHECK(writer.metadata("other").empty());
    CHECK(writer.metadata_keys("app.") == std::vector<std::string>{"app.a", "app.b"});
    // The engine's own keys (format, analysis, tag records) are not listed.
    CHECK(writer.metadata_keys() == std::vector<std::string>{"app.a", "app.b"});
    CHECK(writer.metadata_keys("lupe.").empty());
    for (const std::string key : {"lupe.format", "lupe.mine", "lupe.file:0000000000000000"}) {
        CAPTURE(key);
        CHECK_THROWS_AS(writer.set_metadata(key, "x"), lupe::InvalidArgumentError);
        CHECK_THROWS_AS(writer.metadata(key), lupe::InvalidArgumentError);
    }
    CHECK_THROWS_AS(writer.set_metadata("", "x"), lupe::InvalidArgumentError);
    CHECK_THROWS_AS(writer.set_metadata(std::string(lupe::kMaxMetadataKeyBytes + 1, 'k'), "x"),
                    lupe::InvalidArgumentError);
    writer.set_metadata(std::string(lupe::kMaxMetadataKeyBytes, 'k'), "longest");
    CHECK(writer.metadata(std::string(lupe::kMaxMetadataKeyBytes, 'k')) == "longest");
    try {
        writer.set_metadata("lupe.format", "4");
        FAIL("set");
    } catch (const lupe::InvalidArgumentError& e) {
        CHECK(std::string(e.what()).find("lupe.format") != std::string::npos);
    }
}

TEST_CASE("index_exists: a published index, not an empty or missing directory") {
    TempDir dir;
    CHECK_FALSE(lupe::index_exists(dir / "missing"));
    std::filesystem::create_directories(dir / "empty");
    CHECK_FALSE(lupe::index_exists(dir / "empty"));
    {
        IndexWriter rebuild(dir / "new", rebuild_options());
        rebuild.add_document(doc("a"));
        CHECK_FALSE(lupe::index_exists(dir / "new"));  // nothing published yet
        rebuild.publish();
    }
    CHECK(lupe::index_exists(dir / "new"));
    {
        IndexWriter writer(dir / "incremental");  // an incremental writer publishes at once
    }
    CHECK(lupe::index_exists(dir / "incremental"));
    // A single-database index of lupe 0.1.
    Xapian::WritableDatabase(dir / "plain", Xapian::DB_CREATE).commit();
    CHECK(lupe::index_exists(dir / "plain"));
}

TEST_CASE("shard list: written once, read back, paths named alike") {
    TempDir dir;
    const std::string index = dir / "sharded";
    std::filesystem::create_directories(index);
    CHECK_FALSE(lupe::is_sharded_index(index));
    const std::vector<std::string> paths = lupe::shard_paths(index, 3);
    REQUIRE(paths.size() == 3);
    CHECK(paths[0] == (std::filesystem::path(index) / "shard-0").string());
    CHECK_THROWS_AS(lupe::write_shard_list(index, 0), lupe::InvalidArgumentError);
    CHECK_THROWS_AS(lupe::write_shard_list(index, lupe::kMaxShards + 1), lupe::InvalidArgumentError);
    lupe::write_shard_list(index, 3);
    CHECK(lupe::is_sharded_index(index));
    CHECK(lupe::read_shard_list(index) == paths);
    lupe::write_shard_list(index, 2);  // an existing list is left as it is
    CHECK(lupe::read_shard_list(index).size() == 3);
    // Searchers and Xapian's own tools read it as a stub file: one shard per line.
    for (const auto& path : paths) {
        IndexWriter writer(path);
        writer.add_document(doc(path.substr(path.size() - 1)));
        writer.commit();
    }
    CHECK(Xapian::Database(index + "/shards.list").get_doccount() == 3);

    SUBCASE("a remote shard is named as lupe names it") {
        std::filesystem::create_directories(dir / "mixed");
        std::ofstream(dir / "mixed/shards.list") << "# two\nauto a\nremote example.org:3333\n";
        CHECK(lupe::read_shard_list(dir / "mixed") ==
              std::vector<std::string>{(std::filesystem::path(dir / "mixed") / "a").string(),
                                       "tcp://example.org:3333"});
    }
    SUBCASE("an unsharded index is not a sharded one, list or not") {
        IndexWriter(dir / "both").add_document(doc("x"));
        std::ofstream(dir / "both/shards.list") << "auto x\n";
        CHECK_FALSE(lupe::is_sharded_index(dir / "both"));
    }
    SUBCASE("a malformed list names itself") {
        std::filesystem::create_directories(dir / "bad");
        std::ofstream(dir / "bad/shards.list") << "auto a\nflying b\n";
        CHECK_THROWS_AS(lupe::read_shard_list(dir / "bad"), lupe::IndexCorruptError);
    }
}

TEST_CASE("routing: a new shard records FNV-1a, a 0.4-style shard keeps lupe 0.3's") {
    TempDir dir;
    IndexWriterOptions shard;
    shard.shard = true;
    {
        IndexWriter writer(dir / "new", shard);
        CHECK(writer.shard_routing() == lupe::ShardRouting::fnv1a64);
    }
    {
        IndexWriter unsharded(dir / "plain-writer");
        CHECK(unsharded.shard_routing() == lupe::ShardRouting::fnv1a64);
    }
    // lupe 0.4 recorded no routing: a shard it wrote is a lupe index without the key.
    {
        IndexWriter writer(dir / "old");
        writer.add_document(doc("a"));
        writer.commit();
    }
    CHECK(Xapian::Database(dir / "old").get_metadata("lupe.shard-routing").empty());
    {
        IndexWriter writer(dir / "old", shard);
        CHECK(writer.shard_routing() == lupe::ShardRouting::lupe03);
        writer.commit();
    }
    CHECK(Xapian::Database(dir / "old").get_metadata("lupe.shard-routing") == "lupe-0.3");
    CHECK(Xapian::Database(dir / "new").get_metadata("lupe.shard-routing") == "fnv1a64");
    {
        IndexWriterOptions rebuild = rebuild_options();
        rebuild.shard = true;
        IndexWriter writer(dir / "old", rebuild);
        CHECK(writer.shard_routing() == lupe::ShardRouting::lupe03);
        writer.add_document(doc("b"));
        writer.publish();
    }
    CHECK(Xapian::Database(dir / "old").get_metadata("lupe.shard-routing") == "lupe-0.3");

    // The two routings differ (ids and shards computed with Python: FNV-1a 64 from the
    // offset basis 14695981039346656037, and from lupe 0.3-0.4's 1469598103934665603).
    CHECK(lupe::shard_of("bravo", 3, lupe::ShardRouting::fnv1a64) == 2);
    CHECK(lupe::shard_of("bravo", 3, lupe::ShardRouting::lupe03) == 0);
    CHECK(lupe::shard_of("foxtrot", 3, lupe::ShardRouting::lupe03) == 1);
    CHECK(lupe::shard_of("bravo", 3) == 2);
    CHECK(lupe::shard_of("bravo", 1, lupe::ShardRouting::lupe03) == 0);
}

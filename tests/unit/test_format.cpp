// The index format's records and its one compatibility check (format/compatibility.hpp,
// format/tag_records.hpp, format/shard_routing.hpp, format/index_layout.hpp's names).
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>

#include <xapian.h>

#include "format/compatibility.hpp"
#include "format/tag_records.hpp"
#include "format/index_layout.hpp"
#include "format/schema.hpp"
#include "format/shard_list.hpp"
#include "format/shard_routing.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "support/temp_dir.hpp"

namespace schema = lupe::format::schema;
using lupe::format::AnalysisPeer;
using lupe::format::check_compatibility;
using lupe::format::ExpectedAnalysis;
using lupe::format::IndexRecord;

namespace {

constexpr std::string_view kFolded = "fold=1 decompound=1";
constexpr std::string_view kUnfolded = "fold=0 decompound=1";

IndexRecord record(std::string format, std::string analysis, Xapian::doccount documents) {
    return IndexRecord{std::move(format), std::move(analysis), "", documents};
}

const std::string kFormat(schema::kFormatValue);

// The message of the error check_compatibility throws, checked to be of class E.
template <typename E>
std::string refusal(const IndexRecord& r, const std::optional<ExpectedAnalysis>& expected) {
    try {
        check_compatibility(r, "index /srv/idx", expected);
    } catch (const E& e) {
        return e.what();
    }
    FAIL("accepted");
    return {};
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("format: compatible indexes are accepted, and what a writer records is said") {
    const ExpectedAnalysis writer{kFolded, AnalysisPeer::kWriterOptions};
    const ExpectedAnalysis shards{kFolded, AnalysisPeer::kOtherShards};
    SUBCASE("this format, the same analysis") {
        for (const Xapian::doccount documents : {0u, 5u}) {
            for (const auto& expected : {std::optional(writer), std::optional(shards)}) {
                const auto c = check_compatibility(record(kFormat, std::string(kFolded), documents),
                                                   "index /srv/idx", expected);
                CHECK_FALSE(c.record_format);
                CHECK_FALSE(c.record_analysis);
            }
        }
    }
    SUBCASE("a new database: no format and no documents") {
        const auto c = check_compatibility(record("", "", 0), "index /srv/idx", writer);
        CHECK(c.record_format);
        CHECK(c.record_analysis);
    }
    SUBCASE("a writer takes an index without documents whatever its analysis") {
        const auto c = check_compatibility(record(kFormat, std::string(kUnfolded), 0),
                                           "index /srv/idx", writer);
        CHECK_FALSE(c.record_format);
        CHECK(c.record_analysis);
    }
    SUBCASE("the first shard a searcher opens sets the analysis: any will do") {
        const auto c = check_compatibility(record(kFormat, std::string(kUnfolded), 9),
                                           "shard a", std::nullopt);
        CHECK_FALSE(c.record_format);
        CHECK_FALSE(c.record_analysis);
    }
}

TEST_CASE("format: each way an index can be incompatible is refused, naming it") {
    const ExpectedAnalysis writer{kFolded, AnalysisPeer::kWriterOptions};
    const ExpectedAnalysis shards{kFolded, AnalysisPeer::kOtherShards};
    SUBCASE("documents but no format: a Xapian database that is not a lupe index") {
        for (const auto& expected : {std::optional(writer), std::optional(shards),
                                     std::optional<ExpectedAnalysis>()}) {
            const std::string what =
                refusal<lupe::IndexCorruptError>(record("", std::string(kFolded), 1), expected);
            CHECK(contains(what, "index /srv/idx: a Xapian database, but not a lupe index"));
            CHECK(contains(what, schema::kFormatKey));
        }
    }
    SUBCASE("another format, with documents or without") {
        for (const Xapian::doccount documents : {0u, 3u}) {
            const std::string what =
                refusal<lupe::IndexCorruptError>(record("2", std::string(kFolded), documents), writer);
            CHECK(contains(what, "lupe index format 2, this lupe reads format " + kFormat));
            CHECK(contains(what, "IndexWriterOptions::rebuild"));
            CHECK_FALSE(contains(what, "--"));  // library terms, no command-line flags
        }
    }
    SUBCASE("a writer's options against documents analysed otherwise: the world, not the call") {
        const IndexRecord other = record(kFormat, std::string(kUnfolded), 4);
        const std::string what = refusal<lupe::RuntimeError>(other, writer);
        CHECK(contains(what, "index /srv/idx: its documents were analysed with \"fold=0 "
                             "decompound=1\", this run asks for \"fold=1 decompound=1\""));
        CHECK_THROWS_AS(check_compatibility(other, "index /srv/idx", writer), lupe::RuntimeError);
        bool logic_error = false;
        try {
            check_compatibility(other, "index /srv/idx", writer);
        } catch (const lupe::LogicError&) {
            logic_error = true;
        } catch (const lupe::Error&) {
        }
        CHECK_FALSE(logic_error);
    }
    SUBCASE("a shard analysed otherwise than the others, with documents or without") {
        for (const Xapian::doccount documents : {0u, 4u}) {
            const std::string what = refusal<lupe::IndexCorruptError>(
                record(kFormat, std::string(kUnfolded), documents), shards);
            CHECK(contains(what, "analysed with \"fold=0 decompound=1\", other shards with "
                                 "\"fold=1 decompound=1\""));
        }
    }
}

TEST_CASE("format: a database's record is read from its metadata") {
    lupe::test::TempDir dir;
    Xapian::WritableDatabase db(dir / "db", Xapian::DB_CREATE);
    IndexRecord r = lupe::format::read_index_record(db);
    CHECK(r.format.empty());
    CHECK(r.analysis.empty());
    CHECK(r.word_list.empty());
    CHECK(r.documents == 0);
    db.set_metadata(std::string(schema::kFormatKey), kFormat);
    db.set_metadata(std::string(schema::kAnalysisKey), std::string(kFolded));
    db.set_metadata(std::string(schema::kGermanWordListKey), "fnv1a64=0123456789abcdef words=2");
    db.add_document(Xapian::Document());
    db.commit();
    r = lupe::format::read_index_record(db);
    CHECK(r.format == kFormat);
    CHECK(r.analysis == kFolded);
    CHECK(r.word_list == "fnv1a64=0123456789abcdef words=2");
    CHECK(r.documents == 1);
}

TEST_CASE("format: the writer applies the check when it opens an index") {
    lupe::test::TempDir dir;
    {
        lupe::IndexWriter writer(dir / "idx", {.default_lang = "en", .fold = false});
        writer.add_document({.id = "a", .body = "pelicans"});
        writer.commit();
    }
    CHECK_THROWS_AS(lupe::IndexWriter(dir / "idx", {.default_lang = "en", .fold = true}),
                    lupe::RuntimeError);
    CHECK_NOTHROW(lupe::IndexWriter(dir / "idx", {.default_lang = "en", .fold = false}));
    {
        Xapian::WritableDatabase plain(dir / "plain", Xapian::DB_CREATE);
        plain.set_metadata(std::string(schema::kFormatKey), "2");
        plain.commit();
    }
    CHECK_THROWS_AS(lupe::IndexWriter(dir / "plain"), lupe::IndexCorruptError);
    // A lupe 0.1 single-database index cannot be rebuilt in place: what is on disk, not
    // the call, is in the way.
    CHECK_THROWS_AS(lupe::IndexWriter(dir / "plain", {.rebuild = true}), lupe::RuntimeError);
}

TEST_CASE("format: tag records") {
    const std::string tag = "/a b/c.txt";
    const std::string value = lupe::format::encode_tag_record(tag, "12 345");
    CHECK(value == "12 345 /a b/c.txt");  // format 3's "<size> <mtime ns> <path>"
    CHECK(lupe::format::decode_tag_record(tag, value) == "12 345");
    CHECK(lupe::format::decode_tag_record("c.txt", value).empty());  // not " c.txt" alone
    CHECK(lupe::format::decode_tag_record(tag, "").empty());
    // The tag is found by the hash in the record's key, spaces in record and tag alike.
    const std::string key = lupe::format::tag_record_key(tag);
    REQUIRE(key.starts_with(schema::kFileStatePrefix));
    const std::string hash = key.substr(schema::kFileStatePrefix.size());
    CHECK(lupe::format::tag_of_record(hash, value) == tag);
    CHECK(lupe::format::tag_of_record(hash, "a record with spaces " + tag) == tag);
    CHECK(lupe::format::tag_of_record(hash, "12 345 /other").empty());
    CHECK(lupe::format::tag_term(tag) == std::string(schema::kSourceFilePrefix) + hash);
}

TEST_CASE("format: shard routing records") {
    using lupe::ShardRouting;
    CHECK(lupe::format::parse_shard_routing("", false, "/i") == ShardRouting::fnv1a64);  // new
    CHECK(lupe::format::parse_shard_routing("", true, "/i") == ShardRouting::lupe03);  // 0.3-0.4
    CHECK(lupe::format::parse_shard_routing("fnv1a64", true, "/i") == ShardRouting::fnv1a64);
    CHECK(lupe::format::parse_shard_routing("lupe-0.3", false, "/i") == ShardRouting::lupe03);
    CHECK_THROWS_AS(lupe::format::parse_shard_routing("crc32", true, "/i"), lupe::IndexCorruptError);
    for (const auto routing : {ShardRouting::fnv1a64, ShardRouting::lupe03}) {
        CHECK(lupe::format::parse_shard_routing(lupe::format::shard_routing_value(routing), true,
                                                "/i") == routing);
    }
    // "" hashes to 0xcbf29ce484222325 (FNV-1a) and 0x14650fb0739d0383 (format 3).
    CHECK(lupe::shard_of("", 3, ShardRouting::fnv1a64) == 0xcbf29ce484222325ull % 3);
    CHECK(lupe::shard_of("", 3, ShardRouting::lupe03) == 0x14650fb0739d0383ull % 3);
    CHECK(lupe::shard_of("x", 1, ShardRouting::lupe03) == 0);
}

TEST_CASE("format: layout names") {
    CHECK(lupe::format::next_generation(std::nullopt) ==
          std::string(lupe::format::kGenerationPrefix) + "000001");
    CHECK(lupe::format::build_directory_name(4711).starts_with(lupe::format::kBuildPrefix));
    CHECK(lupe::format::build_shard_name(3) == std::string(lupe::format::kBuildShardPrefix) + "3");
    CHECK(lupe::format::shard_directory_name(2) ==
          std::string(lupe::format::kShardDirectoryPrefix) + "2");
}

TEST_CASE("format: a rebuild refused when it opens the index leaves no build directory") {
    lupe::test::TempDir dir;
    const std::string path = dir / "shard";
    {
        lupe::IndexWriter writer(path, {.default_lang = "en", .shard = true});
        writer.add_document({.id = "a", .body = "pelicans"});
        writer.commit();
    }
    const auto generation = lupe::format::published_generation(path);
    REQUIRE(generation);
    {
        Xapian::WritableDatabase db(path + "/" + *generation, Xapian::DB_OPEN);
        db.set_metadata(std::string(lupe::format::kShardRoutingKey), "crc32");
        db.commit();
    }
    CHECK_THROWS_AS(lupe::IndexWriter(path, {.default_lang = "en", .rebuild = true, .shard = true}),
                    lupe::IndexCorruptError);
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
        CHECK_FALSE(entry.path().filename().string().starts_with(lupe::format::kBuildPrefix));
    }
    CHECK(lupe::format::published_generation(path) == generation);
}

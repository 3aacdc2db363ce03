// The shard set: a shard list of local shards opened as one database, refreshed when a
// shard publishes a new generation, and the errors of shards that cannot be opened.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "format/index_layout.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "searcher/shard_set.hpp"
#include "support/temp_dir.hpp"

using lupe::searcher::ShardSet;

namespace {

// A lupe index at `path` with `n` documents whose ids start with `prefix`.
void write_index(const std::string& path, const std::string& prefix, int n,
                 lupe::IndexWriterOptions options = {}) {
    lupe::IndexWriter w(path, options);
    for (int i = 0; i < n; ++i) {
        w.add_document({.id = prefix + std::to_string(i), .title = "Huawei chips",
                        .body = "Huawei trains its models on Ascend chips.", .lang = "en"});
    }
    w.commit();
    if (options.rebuild) w.publish();
}

void write_list(const std::string& file, const std::string& text) {
    std::ofstream(file) << text;
}

struct TwoShards {
    lupe::test::TempDir dir;
    std::string list = dir / "shards.txt";
    TwoShards() {
        write_index(dir / "a", "a", 1);
        write_index(dir / "b", "b", 2);
        write_list(list, "# two local shards\nauto a\nauto b\n");
    }
};

}  // namespace

TEST_CASE("shard set: a list of two local shards reads as one database") {
    TwoShards f;
    ShardSet set(f.list, {});
    CHECK(set.path() == f.list);
    CHECK(set.db().get_doccount() == 3);
    CHECK(set.db().term_exists("Qa0"));
    CHECK(set.db().term_exists("Qb1"));
    CHECK(set.all_local());
    CHECK(set.missing().empty());
    CHECK(set.describe_missing().empty());
    CHECK_FALSE(set.drop_dead_shards());  // no remote shard to lose
    CHECK_FALSE(set.analysis().record().empty());
}

TEST_CASE("shard set: refresh follows a newly published generation and new commits") {
    TwoShards f;
    ShardSet set(f.list, {});
    REQUIRE(set.db().get_doccount() == 3);
    const auto before = lupe::format::published_generation(f.dir / "b");
    REQUIRE(before);

    SUBCASE("a rebuilt shard") {
        lupe::IndexWriterOptions rebuild;
        rebuild.rebuild = true;
        write_index(f.dir / "b", "new-b", 5, rebuild);
        REQUIRE(lupe::format::published_generation(f.dir / "b") != before);
        CHECK(set.db().get_doccount() == 3);  // until refreshed
        set.refresh();
        CHECK(set.db().get_doccount() == 6);
        CHECK(set.db().term_exists("Qnew-b4"));
        CHECK_FALSE(set.db().term_exists("Qb0"));
    }
    SUBCASE("a commit to the same generation") {
        write_index(f.dir / "a", "more-a", 2);
        REQUIRE(lupe::format::published_generation(f.dir / "b") == before);
        set.refresh();
        CHECK(set.db().get_doccount() == 5);
    }
}

TEST_CASE("shard set: shards that cannot be opened") {
    lupe::test::TempDir dir;
    write_index(dir / "a", "a", 1);
    SUBCASE("a missing shard is named; the others are read") {
        write_list(dir / "list", "auto a\nauto gone\n");
        ShardSet set(dir / "list", {});
        CHECK(set.db().get_doccount() == 1);
        REQUIRE(set.missing().size() == 1);
        CHECK(set.missing()[0].find("gone") != std::string::npos);
        CHECK(set.describe_missing().find("not found") != std::string::npos);
    }
    SUBCASE("no shard can be opened") {
        write_list(dir / "list", "auto gone\nauto lost\n");
        CHECK_THROWS_AS(ShardSet(dir / "list", {}), lupe::ShardUnavailableError);
        try {
            ShardSet set(dir / "list", {});
        } catch (const lupe::ShardUnavailableError& e) {
            const std::string message = e.what();
            CHECK(message.find("no shard can be opened") != std::string::npos);
            CHECK(message.find("gone") != std::string::npos);
            CHECK(message.find("lost") != std::string::npos);
        }
    }
    SUBCASE("a shard analysed otherwise is left out, saying why") {
        lupe::IndexWriterOptions other;
        other.fold = false;
        write_index(dir / "b", "b", 1, other);
        write_list(dir / "list", "auto a\nauto b\n");
        ShardSet set(dir / "list", {});
        CHECK(set.db().get_doccount() == 1);
        CHECK(set.describe_missing().find("build all shards with the same settings") !=
              std::string::npos);
    }
    SUBCASE("an unsharded index that is missing throws its own error") {
        CHECK_THROWS_AS(ShardSet(dir / "nothing", {}), lupe::IndexNotFoundError);
    }
}

TEST_CASE("shard set: status, state key and completions over a shard list") {
    lupe::test::TempDir dir;
    write_index(dir / "a", "a", 1, {.rebuild = true});
    write_index(dir / "b", "b", 2);
    write_list(dir / "list", "auto a\nauto b\nauto gone\n");
    ShardSet set(dir / "list", {});
    const lupe::IndexStatus status = set.status();
    CHECK(status.documents == 3);
    REQUIRE(status.shards.size() == 2);
    CHECK(status.shards[0].name.find('a') != std::string::npos);
    CHECK(status.shards[0].generation.starts_with("gen-"));
    CHECK(status.shards[0].revision > 0);
    CHECK(status.shards[0].documents == 1);
    CHECK(status.shards[1].documents == 2);
    REQUIRE(status.missing.size() == 1);
    CHECK(status.missing[0].find("gone") != std::string::npos);

    // A commit to one shard changes the key the completion vocabulary is kept by.
    const std::string key = set.state_key();
    lupe::Searcher searcher(dir / "list");
    // The vocabulary of every shard, counts added up (Xapian reads the first one's only).
    const auto huawei = searcher.complete("Hua");
    REQUIRE(huawei.size() == 1);
    CHECK(huawei[0].word == "huawei");
    CHECK(huawei[0].documents == 3);
    write_index(dir / "b", "c", 1);
    set.refresh();
    CHECK(set.state_key() != key);
    CHECK(searcher.complete("Hua")[0].documents == 4);
}

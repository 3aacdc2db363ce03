// The vocabulary record (format/vocabulary.hpp): written by writers, merged across a
// rebuild's shards by compaction, read across an index's shards.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "format/schema.hpp"
#include "format/vocabulary.hpp"
#include "support/temp_dir.hpp"

namespace schema = lupe::format::schema;
using lupe::analysis::Vocabulary;
using lupe::format::VocabularyReader;

namespace {

// The vocabulary of some documents, each given as its words.
Vocabulary counted(const std::vector<std::vector<std::string>>& documents) {
    Vocabulary words;
    for (const auto& document : documents) {
        words.begin_document();
        for (const auto& word : document) words.add(word);
    }
    return words;
}

std::string recorded(const Xapian::Database& db, const std::string& word) {
    return db.get_metadata(std::string(schema::kVocabularyPrefix) + word);
}

std::vector<std::string> words_from(const VocabularyReader& reader, const std::string& prefix) {
    std::vector<std::string> words;
    reader.for_each_word(prefix, [&](const std::string& word) {
        words.push_back(word);
        return true;
    });
    return words;
}

}  // namespace

TEST_CASE("vocabulary: written as documents per word, added to what is recorded") {
    lupe::test::TempDir dir;
    Xapian::WritableDatabase db(dir / "db", Xapian::DB_CREATE);
    // "drone" twice in one document counts once.
    lupe::format::write_vocabulary(db, counted({{"drone", "drone", "pelican"}, {"drone"}}),
                                   /*fresh_database=*/true);
    CHECK(recorded(db, "drone") == "2");
    CHECK(recorded(db, "pelican") == "1");
    lupe::format::write_vocabulary(db, counted({{"drone"}, {"quokka"}}), false);
    CHECK(recorded(db, "drone") == "3");
    CHECK(recorded(db, "quokka") == "1");
    CHECK(recorded(db, "pelican") == "1");

    SUBCASE("a fresh database's counts are written as they are") {
        db.set_metadata(std::string(schema::kVocabularyPrefix) + "pelican", "40");
        lupe::format::write_vocabulary(db, counted({{"pelican"}}), true);
        CHECK(recorded(db, "pelican") == "1");
    }
    SUBCASE("a key longer than Xapian takes is left out") {
        const std::string longest(
            lupe::format::kMaxVocabularyKeyBytes - schema::kVocabularyPrefix.size(), 'x');
        lupe::format::write_vocabulary(db, counted({{longest, longest + "y"}}), false);
        CHECK(recorded(db, longest) == "1");
        CHECK(recorded(db, longest + "y").empty());
    }
}

TEST_CASE("vocabulary: merged across shards by compaction, other metadata kept") {
    lupe::test::TempDir dir;
    {
        Xapian::WritableDatabase first(dir / "first", Xapian::DB_CREATE);
        Xapian::WritableDatabase second(dir / "second", Xapian::DB_CREATE);
        lupe::format::write_vocabulary(first, counted({{"drone", "pelican"}, {"drone"}}), true);
        lupe::format::write_vocabulary(second, counted({{"drone", "quokka"}}), true);
        first.set_metadata(std::string(schema::kFormatKey), std::string(schema::kFormatValue));
        first.set_metadata("lupe.both", "same");
        second.set_metadata("lupe.both", "same");
        second.set_metadata("lupe.second-only", "second");
        first.commit();
        second.commit();
    }
    Xapian::Database shards;
    shards.add_database(Xapian::Database(dir / "first"));
    shards.add_database(Xapian::Database(dir / "second"));
    lupe::format::ShardCompactor compactor;
    shards.compact(dir / "merged", 0, 0, compactor);

    const Xapian::Database merged(dir / "merged");
    CHECK(recorded(merged, "drone") == "3");
    CHECK(recorded(merged, "pelican") == "1");
    CHECK(recorded(merged, "quokka") == "1");
    CHECK(merged.get_metadata(std::string(schema::kFormatKey)) == schema::kFormatValue);
    CHECK(merged.get_metadata("lupe.both") == "same");
    CHECK(merged.get_metadata("lupe.second-only") == "second");
}

TEST_CASE("vocabulary: merged counts ignore what is no number") {
    const std::string values[] = {"2", "", "40", "x"};
    CHECK(lupe::format::merge_vocabulary_counts(4, values) == "42");
    CHECK(lupe::format::merge_vocabulary_counts(0, values) == "0");
}

TEST_CASE("vocabulary: read across shards, counts added, words once in byte order") {
    lupe::test::TempDir dir;
    {
        Xapian::WritableDatabase first(dir / "first", Xapian::DB_CREATE);
        Xapian::WritableDatabase second(dir / "second", Xapian::DB_CREATE);
        lupe::format::write_vocabulary(first, counted({{"drone", "drohne"}, {"drone"}}), true);
        lupe::format::write_vocabulary(second, counted({{"drone", "dromedar", "pelican"}}), true);
        first.set_metadata("lupe.other", "x");  // not a vocabulary key
        first.commit();
        second.commit();
    }
    const VocabularyReader reader({Xapian::Database(dir / "first"), Xapian::Database(dir / "second")});
    CHECK(reader.count("drone") == 3);
    CHECK(reader.count("drohne") == 1);
    CHECK(reader.count("pelican") == 1);
    CHECK(reader.count("quokka") == 0);
    CHECK(words_from(reader, "dr") == std::vector<std::string>{"drohne", "dromedar", "drone"});
    CHECK(words_from(reader, "") ==
          std::vector<std::string>{"drohne", "dromedar", "drone", "pelican"});
    CHECK(words_from(reader, "x").empty());

    SUBCASE("listing stops when asked to") {
        std::vector<std::string> seen;
        reader.for_each_word("", [&](const std::string& word) {
            seen.push_back(word);
            return seen.size() < 2;
        });
        CHECK(seen == std::vector<std::string>{"drohne", "dromedar"});
    }
    SUBCASE("an index without shards has no words") {
        const VocabularyReader empty;
        CHECK(empty.count("drone") == 0);
        CHECK(words_from(empty, "").empty());
    }
}

#include <doctest/doctest.h>

#include <xapian.h>

#include "analysis/schema.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "temp_dir.hpp"

using lupe::Document;
using lupe::IndexWriter;

TEST_CASE("IndexWriter: add, replace, delete, count") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    IndexWriter writer(path);
    auto out = writer.add_document({.id = "a", .title = "Drohnen", .body = "Eine Drohne fliegt.", .lang = "de"});
    CHECK_FALSE(out.replaced);
    CHECK(out.lang == "de");
    CHECK(out.stemmed);
    out = writer.add_document({.id = "b", .title = "Training", .body = "Models need training.", .lang = "en-GB"});
    CHECK(out.lang == "en");
    out = writer.add_document({.id = "a", .title = "Drohnen", .body = "Neu.", .lang = "de"});
    CHECK(out.replaced);
    CHECK(writer.document_count() == 2);
    CHECK(writer.delete_document("b"));
    CHECK_FALSE(writer.delete_document("b"));
    writer.commit();

    Xapian::Database db(path);
    CHECK(db.get_doccount() == 1);
    CHECK(db.term_exists("Qa"));
    CHECK(db.term_exists("Lde"));
    CHECK(db.term_exists("ZDneu"));
    CHECK_FALSE(db.term_exists("ZDflieg"));  // replaced text is gone
    CHECK(db.get_metadata("lupe.format") == "3");
}

TEST_CASE("IndexWriter: language from default, detection, or unstemmed") {
    lupe::test::TempDir dir;
    SUBCASE("default language") {
        IndexWriter writer(dir / "idx", {.default_lang = "de"});
        CHECK(writer.add_document({.id = "x", .body = "the quick brown fox"}).lang == "de");
    }
    SUBCASE("detected") {
        IndexWriter writer(dir / "idx");
        CHECK(writer.add_document({.id = "x", .body = "Die Bundesregierung hat am Mittwoch "
                                                      "beschlossen, die Förderung zu erhöhen."})
                  .lang == "de");
        const auto fr = writer.add_document({.id = "y", .body = "Le gouvernement a décidé mercredi "
                                                                "d'augmenter les aides aux familles."});
        CHECK(fr.lang == "fr");
        CHECK_FALSE(fr.stemmed);
        CHECK(writer.add_document({.id = "z", .body = "12345"}).lang == "und");
    }
    SUBCASE("malformed tag: detected, with a note") {
        IndexWriter writer(dir / "idx");
        const auto out = writer.add_document({.id = "x", .body = "The quick brown fox jumps over "
                                                                 "the lazy dog near the river bank.",
                                              .lang = "english"});
        CHECK(out.lang == "en");
        REQUIRE(out.notes.size() == 1);
        CHECK(out.notes[0].find("\"english\"") != std::string::npos);
    }
    SUBCASE("unsupported default") {
        CHECK_THROWS_AS(IndexWriter(dir / "idx", {.default_lang = "fr"}), lupe::InvalidArgumentError);
    }
}

TEST_CASE("IndexWriter: invalid documents are rejected and the index is unchanged") {
    lupe::test::TempDir dir;
    IndexWriter writer(dir / "idx");
    const auto rejects = [&](const Document& d, const char* fragment) {
        CAPTURE(fragment);
        try {
            writer.add_document(d);
            FAIL("accepted");
        } catch (const lupe::DocumentError& e) {
            CHECK(std::string(e.what()).find(fragment) != std::string::npos);
        }
    };
    rejects({.body = "x"}, "no id");
    rejects({.id = std::string(lupe::analysis::schema::kMaxIdBytes + 1, 'i'), .body = "x"}, "above the limit");
    rejects({.id = "a", .title = " ", .body = "\n"}, "document \"a\": no text");
    rejects({.id = "b", .body = "bad \xC3("}, "invalid UTF-8 in field \"body\" at byte 5");
    rejects({.id = "c", .body = "x", .url = "\xFF"}, "field \"url\"");
    CHECK(writer.document_count() == 0);
}

TEST_CASE("IndexWriter: a date that is not ISO 8601 is kept for display, with a note") {
    lupe::test::TempDir dir;
    IndexWriter writer(dir / "idx");
    auto out = writer.add_document({.id = "a", .body = "text", .lang = "en", .date = "9-APR-1987"});
    REQUIRE(out.notes.size() == 1);
    CHECK(out.notes[0].find("not ISO 8601") != std::string::npos);
    out = writer.add_document({.id = "b", .body = "text", .lang = "en", .date = "1987-04-09T10:00"});
    CHECK(out.notes.empty());
    writer.commit();
    Xapian::Database db(dir / "idx");
    Xapian::PostingIterator p = db.postlist_begin("Qb");
    CHECK(db.get_document(*p).get_value(lupe::analysis::schema::kDateSlot) == "1987-04-09");
}

TEST_CASE("IndexWriter: one writer at a time") {
    lupe::test::TempDir dir;
    IndexWriter first(dir / "idx");
    try {
        IndexWriter second(dir / "idx");
        FAIL("second writer opened");
    } catch (const lupe::IndexLockedError& e) {
        CHECK(std::string(e.what()).find(dir / "idx") != std::string::npos);
    }
}

TEST_CASE("IndexWriter: refuses directories that are not an index") {
    lupe::test::TempDir dir;
    dir.write("docs/notes.txt", "my notes");
    CHECK_THROWS_AS(IndexWriter(dir / "docs"), lupe::IndexCorruptError);
    dir.write("file", "x");
    CHECK_THROWS_AS(IndexWriter(dir / "file"), lupe::IndexCorruptError);
    {
        Xapian::WritableDatabase foreign(dir / "foreign", Xapian::DB_CREATE);
        Xapian::Document d;
        d.add_term("x");
        foreign.add_document(d);
        foreign.commit();
    }
    try {
        IndexWriter writer(dir / "foreign");
        FAIL("opened a foreign database");
    } catch (const lupe::IndexCorruptError& e) {
        CHECK(std::string(e.what()).find("not a lupe index") != std::string::npos);
    }
}

TEST_CASE("IndexWriter: creates missing parent directories") {
    lupe::test::TempDir dir;
    IndexWriter writer(dir / "a/b/idx");
    writer.add_document({.id = "x", .body = "text", .lang = "en"});
    writer.commit();
    CHECK(std::filesystem::exists(dir.path() / "a/b/idx"));
}

TEST_CASE("IndexWriter: only commit() makes changes durable") {
    lupe::test::TempDir dir;
    {
        IndexWriter writer(dir / "idx");
        writer.add_document({.id = "kept", .body = "committed text", .lang = "en"});
        writer.commit();
        writer.add_document({.id = "lost", .body = "never committed", .lang = "en"});
        CHECK(writer.document_count() == 2);
    }
    Xapian::Database db(dir / "idx");
    CHECK(db.get_doccount() == 1);
    CHECK(db.term_exists("Qkept"));
    CHECK_FALSE(db.term_exists("Qlost"));
}

TEST_CASE("IndexWriter: batch_size commits on its own") {
    lupe::test::TempDir dir;
    {
        IndexWriter writer(dir / "idx", {.batch_size = 2});
        for (const char* id : {"a", "b", "c"}) writer.add_document({.id = id, .body = "x", .lang = "en"});
    }
    CHECK(Xapian::Database(dir / "idx").get_doccount() == 2);  // "c" was after the last batch
}

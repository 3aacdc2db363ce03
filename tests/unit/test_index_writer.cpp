#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include <xapian.h>

#include "format/schema.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "support/temp_dir.hpp"

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
    rejects({.id = std::string(lupe::format::schema::kMaxIdBytes + 1, 'i'), .body = "x"}, "above the limit");
    rejects({.id = "a", .title = " ", .body = "\n"}, "document \"a\": no text");
    rejects({.id = "b", .body = "bad \xC3("}, "invalid UTF-8 in field \"body\" at byte 5");
    rejects({.id = "c", .body = "x", .url = "\xFF"}, "field \"url\"");
    rejects({.id = std::string("x\0y", 3), .body = "x"}, "control character (U+0000) at byte 2");
    rejects({.id = "two\nlines", .body = "x"}, "control character (U+000A) at byte 4");
    rejects({.id = "\x1b[31mred", .body = "x"}, "control character (U+001B) at byte 1");
    rejects({.id = "big", .title = "t", .body = std::string(lupe::kMaxDocumentBytes, 'x')},
            "document \"big\": 67108868 bytes in all fields, above the limit of 64 MiB");
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
    CHECK(db.get_document(*p).get_value(lupe::format::schema::kDateSlot) == "1987-04-09");
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

namespace {

// Every term of a database with its document frequency, and the vocabulary metadata.
struct Contents {
    std::map<std::string, Xapian::doccount> terms;
    std::map<std::string, std::string> vocabulary;
    Xapian::doccount documents = 0;
    bool operator==(const Contents&) const = default;
};

Contents contents(const std::string& path) {
    Xapian::Database db(path);
    Contents c;
    c.documents = db.get_doccount();
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) c.terms[*it] = it.get_termfreq();
    const std::string prefix(lupe::format::schema::kVocabularyPrefix);
    for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
        c.vocabulary[*it] = db.get_metadata(*it);
    }
    return c;
}

// 300 documents in English and German, with repeated words, compounds and one id given
// twice (the second version wins).
void add_corpus(IndexWriter& w) {
    const char* en[] = {"training", "models", "chips", "boundary", "value", "layer"};
    const char* de[] = {"Drohnen", "Rundumsicht", "Straße", "Fußballtrainer", "Paketquellen"};
    for (int i = 0; i < 300; ++i) {
        Document d;
        d.id = "doc-" + std::to_string(i);
        const bool german = i % 3 == 0;
        d.lang = german ? "de" : "en";
        for (int k = 0; k < 6; ++k) {
            d.body += german ? de[(i + k) % 5] : en[(i * 7 + k) % 6];
            d.body += ' ';
        }
        d.title = "Title " + std::to_string(i % 17);
        w.add_document_async(d, "", nullptr);
    }
    w.add_document_async({.id = "doc-5", .body = "replaced version", .lang = "en"}, "", nullptr);
}

}  // namespace

TEST_CASE("IndexWriter: a rebuild in parallel shards equals the same rebuild in one") {
    lupe::test::TempDir dir;
    for (const std::size_t jobs : {1u, 3u}) {
        IndexWriter w(dir / ("idx" + std::to_string(jobs)), {.rebuild = true, .jobs = jobs});
        add_corpus(w);
        w.publish();
    }
    const Contents one = contents(dir / "idx1");
    const Contents three = contents(dir / "idx3");
    CHECK(one.documents == 300);
    CHECK(one == three);
    // The vocabulary counts documents, added up across shards; the replaced version of
    // doc-5 counts its own words (a full build's counts are exact).
    CHECK(three.vocabulary.at("lupe.w:replaced") == "1");
    CHECK(three.vocabulary.at("lupe.w:title") == "300");
    CHECK(three.vocabulary.at("lupe.w:drohnen") == std::to_string(three.terms.at("ZDdrohn")));
    // Stems only, with positions: no unstemmed word is a term.
    CHECK(three.terms.count("training") == 0);
    CHECK(three.terms.count("ZEtrain") == 1);
}

TEST_CASE("IndexWriter: add_document_async reports every outcome, in order for one id") {
    lupe::test::TempDir dir;
    IndexWriter w(dir / "idx", {.jobs = 2});
    std::vector<std::string> seen;
    for (int i = 0; i < 500; ++i) {
        const std::string id = "d" + std::to_string(i % 250);
        w.add_document_async({.id = id, .body = "version " + std::to_string(i), .lang = "en"}, "",
                             [&seen, id](const lupe::AddOutcome& o) {
                                 CHECK(o.lang == "en");
                                 seen.push_back(id);
                             });
    }
    // An invalid document is refused at once, and nothing is queued for it.
    CHECK_THROWS_AS(w.add_document_async({.id = "bad", .body = "\xff", .lang = "en"}, "", nullptr),
                    lupe::DocumentError);
    w.wait();
    CHECK(seen.size() == 500);
    w.commit();
    CHECK(w.document_count() == 250);
    Xapian::Database db(dir / "idx");
    // The later version of each id won.
    const Xapian::docid did = *db.postlist_begin("Qd7");
    bool later = false;
    for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) later |= *t == "ZE257";
    CHECK(later);
}

TEST_CASE("IndexWriter: incremental runs add to the vocabulary") {
    lupe::test::TempDir dir;
    {
        IndexWriter w(dir / "idx", {.rebuild = true});
        w.add_document({.id = "a", .body = "Drohnen fliegen", .lang = "de"});
        w.publish();
    }
    {
        IndexWriter w(dir / "idx");
        w.add_document({.id = "b", .body = "Drohnen landen", .lang = "de"});
        w.publish();
    }
    const Contents c = contents(dir / "idx");
    CHECK(c.vocabulary.at("lupe.w:drohnen") == "2");
    CHECK(c.vocabulary.at("lupe.w:landen") == "1");
    CHECK(c.vocabulary.at("lupe.w:fliegen") == "1");
}

TEST_CASE("IndexWriter: jobs out of range") {
    lupe::test::TempDir dir;
    CHECK_THROWS_AS(IndexWriter(dir / "idx", {.jobs = lupe::kMaxJobs + 1}), lupe::InvalidArgumentError);
}

TEST_CASE("IndexWriter: a published writer takes no more documents") {
    lupe::test::TempDir dir;
    IndexWriter w(dir / "idx", {.rebuild = true, .jobs = 2});
    w.add_document({.id = "a", .body = "x", .lang = "en"});
    w.publish();
    CHECK_THROWS_AS(w.add_document({.id = "b", .body = "y", .lang = "en"}), lupe::LogicError);
    CHECK_THROWS_AS(w.add_document_async({.id = "b", .body = "y", .lang = "en"}, "", nullptr),
                    lupe::LogicError);
    CHECK_THROWS_AS(w.commit(), lupe::LogicError);
    CHECK(Xapian::Database(dir / "idx").get_doccount() == 1);
}

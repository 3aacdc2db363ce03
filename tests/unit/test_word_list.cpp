// The German word list as an explicit, recorded, reported dependency (issue 13, item 11).
//
// lupe 0.4.0 read the list through a process-wide static chosen by $LUPE_GERMAN_WORDLIST:
// an IndexWriter with decompound on failed in its constructor when the list was missing,
// even for English-only runs, with a message naming /usr/share/dict/ngerman whatever was
// set; the static cached the failure for the life of the process; a Searcher whose list
// was missing searched without splitting and said nothing; the index recorded only
// "decompound=1", not which list. These tests use small hand-made lists in temporary
// files, so they do not depend on wngerman being installed.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "format/analysis_config.hpp"
#include "analysis/decompounder.hpp"
#include "format/index_layout.hpp"
#include "format/schema.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "support/temp_dir.hpp"

using lupe::analysis::Decompounder;
using lupe::analysis::WordListFingerprint;
using lupe::test::TempDir;
using Words = std::vector<std::string>;

namespace {

constexpr const char* kSmallList = "Drohne\nHersteller\nFabrik\n";

// FNV-1a 64 written out again from its definition (offset basis 14695981039346656037,
// prime 1099511628211), so that the fingerprint is checked against the published
// algorithm and not against the code under test.
std::uint64_t reference_fnv1a(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex16(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

lupe::Document english(const std::string& id) {
    lupe::Document d;
    d.id = id;
    d.lang = "en";
    d.title = "Weather report";
    d.body = "The weather in Spain is mostly sunny and warm this week.";
    return d;
}

lupe::Document german(const std::string& id) {
    lupe::Document d;
    d.id = id;
    d.lang = "de";
    d.title = "Neue Fabrik";
    d.body = "Der Drohnenhersteller baut eine neue Fabrik in der Stadt.";
    return d;
}

lupe::IndexWriterOptions writer_options(const std::string& list) {
    lupe::IndexWriterOptions o;
    o.german_word_list = list;
    o.jobs = 1;
    return o;
}

lupe::SearcherOptions searcher_options(const std::string& list) {
    lupe::SearcherOptions o;
    o.german_word_list = list;
    return o;
}

std::string recorded_word_list(const std::string& index) {
    return Xapian::Database(index).get_metadata(
        std::string(lupe::format::schema::kGermanWordListKey));
}

bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& line : lines) {
        if (line.find(text) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

// --- The list and its fingerprint ------------------------------------------------------

TEST_CASE("word list: the fingerprint is FNV-1a 64 of the lines and their number") {
    const TempDir dir;
    const Decompounder from_file = Decompounder::load(dir.write("list", kSmallList));
    const WordListFingerprint expected{reference_fnv1a(kSmallList), 3};
    CHECK(from_file.fingerprint() == expected);
    CHECK(from_file.fingerprint().to_string() ==
          "fnv1a64=" + hex16(reference_fnv1a(kSmallList)) + " words=3");
    // The same words from a vector, or with "\r\n" line ends and blank lines, are the same
    // list; another word is another list.
    CHECK(Decompounder(Words{"Drohne", "Hersteller", "Fabrik"}).fingerprint() == expected);
    CHECK(Decompounder::load(dir.write("crlf", "Drohne\r\n\r\nHersteller\r\nFabrik"))
              .fingerprint() == expected);
    CHECK_FALSE(Decompounder(Words{"Drohne", "Hersteller", "Fabriken"}).fingerprint() == expected);
}

TEST_CASE("word list: the index records its list as fingerprint and path, and reads it back") {
    const lupe::format::WordListRecord record{{0x0123456789abcdefull, 42}, "/x/my list"};
    const std::string value = lupe::format::describe(record);
    CHECK(value == "fnv1a64=0123456789abcdef words=42 levels=1 path=/x/my list");
    const auto back = lupe::format::parse_word_list_record(value);
    REQUIRE(back);
    CHECK(back->fingerprint == record.fingerprint);
    CHECK(back->path == record.path);
    // lupe 0.5 recorded no levels: it split one level deep.
    const auto old = lupe::format::parse_word_list_record("fnv1a64=0123456789abcdef words=42 path=/y");
    REQUIRE(old);
    CHECK(old->compound_levels == 1);
    CHECK(old->path == "/y");
    const auto every = lupe::format::parse_word_list_record(
        lupe::format::describe(lupe::format::WordListRecord{{1, 2}, "/z", 0}));
    REQUIRE(every);
    CHECK(every->compound_levels == 0);
    CHECK(every->path == "/z");
    CHECK_FALSE(lupe::format::parse_word_list_record(""));
    CHECK_FALSE(lupe::format::parse_word_list_record("fnv1a64=12 words=3"));
}

TEST_CASE("word list: the path comes from the option, then $LUPE_GERMAN_WORDLIST, then the default") {
    const auto chosen = lupe::analysis::german_word_list_source("/opt/words", "Options::list");
    CHECK(chosen.path == "/opt/words");
    CHECK(chosen.describe() == "/opt/words (set by Options::list)");
}

TEST_CASE("word list: a failed load is not remembered (0.4.0 cached the failure for the process)") {
    const TempDir dir;
    const std::string path = dir / "later";
    const auto lazy = Decompounder::lazy({path, "a test"});
    CHECK_THROWS_AS(lazy->ensure_loaded(), lupe::WordListError);
    CHECK_THROWS_WITH(lazy->split("drohnenhersteller"),
                      doctest::Contains(("the German word list " + path + " (set by a test) "
                                         "cannot be read")
                                            .c_str()));
    CHECK(lazy->if_loaded() == nullptr);
    dir.write("later", kSmallList);
    CHECK_NOTHROW(lazy->ensure_loaded());
    CHECK(lazy->split("drohnenhersteller") == Words{"drohne", "hersteller"});
}

TEST_CASE("word list: lists are shared while unchanged, and read again when changed") {
    const TempDir dir;
    const std::string path = dir.write("list", kSmallList);
    const auto first = Decompounder::load_shared(path);
    CHECK(first == Decompounder::load_shared(path));
    dir.write("list", "Drohne\nHersteller\nFabrik\nStadt\n");  // another size
    const auto changed = Decompounder::load_shared(path);
    CHECK(changed != first);
    CHECK(changed->fingerprint().words == 4);
}

TEST_CASE("word list: a lazy list is loaded once when threads need it at the same time") {
    const TempDir dir;
    const auto lazy = Decompounder::lazy({dir.write("list", kSmallList), "a test"});
    std::vector<std::thread> threads;
    std::vector<Words> parts(4);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        threads.emplace_back([&, i] { parts[i] = lazy->split("drohnenhersteller"); });
    }
    for (auto& t : threads) t.join();
    for (const auto& p : parts) CHECK(p == Words{"drohne", "hersteller"});
}

// --- The writer ---------------------------------------------------------------------------

TEST_CASE("word list: a missing list does not stop an English-only run (0.4.0 failed to open)") {
    const TempDir dir;
    const std::string index = dir / "index";
    {
        lupe::IndexWriter writer(index, writer_options(dir / "missing"));
        CHECK_NOTHROW(writer.add_document(english("a")));
        writer.commit();
    }
    lupe::Searcher searcher(index, searcher_options(dir / "missing"));
    const auto results = searcher.search("weather");
    CHECK(results.results.size() == 1);
    CHECK(results.notices.empty());  // an index without German documents never needs the list
    CHECK(recorded_word_list(index).empty());
}

TEST_CASE("word list: a German document fails clearly, naming the path, its origin and the way out") {
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string missing = dir / "missing";
    {
        lupe::IndexWriter writer(index, writer_options(missing));
        writer.add_document(english("en-1"));
        writer.commit();
        try {
            writer.add_document(german("de-1"));
            FAIL("a German document was indexed without its word list");
        } catch (const lupe::WordListError& e) {
            const std::string message = e.what();
            CHECK(message.find(missing) != std::string::npos);
            CHECK(message.find("IndexWriterOptions::german_word_list") != std::string::npos);
            CHECK(message.find("IndexWriterOptions::decompound = false") != std::string::npos);
            CHECK(message.find("\"de-1\"") != std::string::npos);
            CHECK(message.find("/usr/share/dict/ngerman") == std::string::npos);
        }
        // The writer stays failed: nothing more is written by it.
        CHECK_THROWS_AS(writer.commit(), lupe::WordListError);
    }
    // The German document was not indexed without its parts; the English one stays.
    lupe::Searcher searcher(index);
    CHECK(searcher.document_count() == 1);

    // The same process, the list now present: the next writer reads it (0.4.0 kept the
    // failure in a process-wide static).
    dir.write("missing", kSmallList);
    {
        lupe::IndexWriter writer(index, writer_options(missing));
        CHECK_NOTHROW(writer.add_document(german("de-1")));
        writer.commit();
    }
    lupe::Searcher after(index, searcher_options(missing));
    CHECK(after.document_count() == 2);
    CHECK(after.search("Hersteller").results.size() == 1);  // a compound part
}

TEST_CASE("word list: the index records the list's fingerprint, also when a rebuild merges shards") {
    const TempDir dir;
    const std::string list = dir.write("list", kSmallList);
    const std::string expected =
        "fnv1a64=" + hex16(reference_fnv1a(kSmallList)) + " words=3 levels=0 path=" + list;
    SUBCASE("incremental") {
        lupe::IndexWriter writer(dir / "index", writer_options(list));
        writer.add_document(german("de-1"));
        writer.commit();
    }
    SUBCASE("rebuild in parallel shards") {
        lupe::IndexWriterOptions options = writer_options(list);
        options.rebuild = !lupe::index_exists(dir / "index");  // a new index, built as a rebuild
        options.jobs = 3;
        lupe::IndexWriter writer(dir / "index", options);
        for (int i = 0; i < 12; ++i) writer.add_document(german("de-" + std::to_string(i)));
        writer.add_document(english("en"));
        writer.publish();
    }
    CHECK(recorded_word_list(dir / "index") == expected);
}

TEST_CASE("word list: adding with another list notes it once and keeps the recorded list") {
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string first = dir.write("first", kSmallList);
    const std::string second = dir.write("second", "Drohne\nHersteller\nFabrik\nStadt\n");
    {
        lupe::IndexWriter writer(index, writer_options(first));
        writer.add_document(german("de-1"));
        writer.commit();
    }
    const std::string recorded = recorded_word_list(index);
    lupe::IndexWriter writer(index, writer_options(second));
    const lupe::AddOutcome one = writer.add_document(german("de-2"));
    const lupe::AddOutcome two = writer.add_document(german("de-3"));
    writer.commit();
    INFO("notes: " << (one.notes.empty() ? std::string() : one.notes.front()));
    REQUIRE(one.notes.size() == 1);
    CHECK(one.notes.front().find("fnv1a64=" + hex16(reference_fnv1a(kSmallList))) !=
          std::string::npos);
    CHECK(one.notes.front().find(second) != std::string::npos);
    CHECK(one.notes.front().find("IndexWriterOptions::rebuild") != std::string::npos);
    CHECK(two.notes.empty());
    CHECK(recorded_word_list(index) == recorded);
}

TEST_CASE("word list: adding with other compound levels notes it once (a lupe 0.5 index)") {
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string list = dir.write("list", kSmallList);
    {
        auto options = writer_options(list);
        options.compound_levels = 1;  // what lupe 0.5 did, and recorded no levels for
        lupe::IndexWriter writer(index, options);
        writer.add_document(german("de-1"));
        writer.commit();
    }
    const std::string recorded = recorded_word_list(index);
    CHECK(recorded.find(" levels=1 ") != std::string::npos);
    {
        lupe::IndexWriter same(index, [&] { auto o = writer_options(list); o.compound_levels = 1; return o; }());
        CHECK(same.add_document(german("de-2")).notes.empty());
        same.commit();
    }
    lupe::IndexWriter writer(index, writer_options(list));  // every level, the default
    const lupe::AddOutcome one = writer.add_document(german("de-3"));
    const lupe::AddOutcome two = writer.add_document(german("de-4"));
    writer.commit();
    INFO("notes: " << (one.notes.empty() ? std::string() : one.notes.front()));
    REQUIRE(one.notes.size() == 1);
    CHECK(one.notes.front().find("one level deep, new ones at every level") != std::string::npos);
    CHECK(one.notes.front().find("IndexWriterOptions::rebuild") != std::string::npos);
    CHECK(two.notes.empty());
    CHECK(recorded_word_list(index) == recorded);
    CHECK_THROWS_AS(lupe::IndexWriter(dir / "other", [&] {
                        auto o = writer_options(list);
                        o.compound_levels = 5;
                        return o;
                    }()),
                    lupe::InvalidArgumentError);
}

// --- The searcher -------------------------------------------------------------------------

TEST_CASE("word list: a searcher without its list says so in notices (0.4.0 said nothing)") {
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string list = dir.write("list", kSmallList);
    {
        lupe::IndexWriter writer(index, writer_options(list));
        writer.add_document(german("de-1"));
        writer.commit();
    }
    const std::string missing = dir / "missing";
    lupe::Searcher searcher(index, searcher_options(missing));
    const auto results = searcher.search("Drohnenhersteller");
    INFO("notices: " << (results.notices.empty() ? std::string() : results.notices.front()));
    CHECK(any_contains(results.notices, "German compound splitting is off"));
    CHECK(any_contains(results.notices, missing));
    CHECK(any_contains(results.notices, "SearcherOptions::german_word_list"));
    CHECK(results.results.size() == 1);  // still found by the whole word

    // The list appears: the same searcher's next search splits, without a notice.
    dir.write("missing", kSmallList);
    const auto later = searcher.search("Drohnenhersteller");
    CHECK(later.notices.empty());
    // The query's parts are searched now: "Fabrikhersteller" shares "hersteller" with it.
    CHECK(searcher.search("Fabrikhersteller").results.size() == 1);
}

TEST_CASE("word list: a searcher with another list than the index's names both fingerprints") {
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string list = dir.write("list", kSmallList);
    const std::string other_words = "Drohne\nHersteller\n";
    const std::string other = dir.write("other", other_words);
    {
        lupe::IndexWriter writer(index, writer_options(list));
        writer.add_document(german("de-1"));
        writer.commit();
    }
    lupe::Searcher same(index, searcher_options(list));
    CHECK(same.search("Drohnenhersteller").notices.empty());
    lupe::Searcher differs(index, searcher_options(other));
    const auto results = differs.search("Drohnenhersteller");
    INFO("notices: " << (results.notices.empty() ? std::string() : results.notices.front()));
    CHECK(any_contains(results.notices, "differs from the one the index was built with"));
    CHECK(any_contains(results.notices, "fnv1a64=" + hex16(reference_fnv1a(kSmallList))));
    CHECK(any_contains(results.notices, "fnv1a64=" + hex16(reference_fnv1a(other_words))));
    // An English-language search does not analyse German, so it has nothing to say.
    lupe::SearchOptions en;
    en.lang = "en";
    CHECK(differs.search("factory", en).notices.empty());
}

// --- The index's compiled copy (issue 17) ---------------------------------------------------

namespace {

std::string compiled_copy(const std::string& index) {
    return index + "/gen-000001/" + lupe::format::kCompiledWordListName;
}

// $LUPE_GERMAN_WORDLIST unset for one test: the searcher then names no list of its own.
struct NoListInEnvironment {
    std::string saved;
    bool was_set = false;
    NoListInEnvironment() {
        if (const char* v = std::getenv(lupe::analysis::kGermanWordListEnv)) {
            saved = v;
            was_set = true;
        }
        ::unsetenv(lupe::analysis::kGermanWordListEnv);
    }
    ~NoListInEnvironment() {
        if (was_set) ::setenv(lupe::analysis::kGermanWordListEnv, saved.c_str(), 1);
    }
};

}  // namespace

TEST_CASE("word list: a searcher that names no list splits with the index's own copy") {
    const NoListInEnvironment no_env;
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string list = dir.write("list", kSmallList);
    {
        lupe::IndexWriter writer(index, writer_options(list));
        writer.add_document(german("de-1"));
        writer.add_document(english("en-1"));
        writer.commit();
    }
    REQUIRE(std::filesystem::exists(compiled_copy(index)));
    const auto copy = Decompounder::map_compiled(
        compiled_copy(index), Decompounder::load(list).fingerprint());
    REQUIRE(copy != nullptr);
    CHECK(copy->split("fabrikhersteller") == Words{"fabrik", "hersteller"});
    std::filesystem::remove(list);  // the index no longer needs the list it was built with

    // The host's default list (wngerman, or none) is not the index's list: a searcher that
    // read it would say so. With the copy it splits as the index did, and says nothing.
    lupe::Searcher searcher(index, lupe::SearcherOptions{});
    const auto results = searcher.search("Fabrikhersteller");
    INFO("notices: " << (results.notices.empty() ? std::string() : results.notices.front()));
    CHECK(results.notices.empty());
    REQUIRE(results.results.size() == 1);  // through its part "hersteller"
    CHECK(results.results[0].id == "de-1");

    // A list the searcher names wins over the copy.
    const std::string other = dir.write("other", "Drohne\nHersteller\n");
    lupe::Searcher named(index, searcher_options(other));
    CHECK(any_contains(named.search("Fabrikhersteller").notices,
                       "differs from the one the index was built with"));
}

TEST_CASE("word list: without a usable copy the searcher reads the list, and the next run writes it") {
    const NoListInEnvironment no_env;
    const TempDir dir;
    const std::string index = dir / "index";
    const std::string list = dir.write("list", kSmallList);
    {
        lupe::IndexWriter writer(index, writer_options(list));
        writer.add_document(german("de-1"));
        writer.commit();
    }
    SUBCASE("missing (an index of lupe 0.5)") { std::filesystem::remove(compiled_copy(index)); }
    SUBCASE("damaged") { dir.write("index/gen-000001/lupe-german-words", "LUPEWRD\nrest"); }
    SUBCASE("of another list") {
        Decompounder(Words{"Drohne", "Hersteller"}).write_compiled(compiled_copy(index));
    }
    lupe::Searcher fallback(index, searcher_options(list));
    CHECK(fallback.search("Fabrikhersteller").notices.empty());  // the named list is the index's
    CHECK(fallback.search("Fabrikhersteller").results.size() == 1);

    // An incremental run with no German document still writes the copy of the recorded list.
    {
        lupe::IndexWriter writer(index, writer_options(list));
        writer.add_document(english("en-1"));
        writer.commit();
    }
    CHECK(Decompounder::map_compiled(compiled_copy(index), Decompounder::load(list).fingerprint()) !=
          nullptr);
}

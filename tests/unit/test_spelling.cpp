#include <doctest/doctest.h>

#include <xapian.h>

#include "lupe/index_writer.hpp"
#include "searcher/spelling.hpp"
#include "support/temp_dir.hpp"

using lupe::analysis::Family;
using lupe::searcher::edit_distance;
using lupe::searcher::SpellingOptions;
using lupe::searcher::Suggestion;
using lupe::searcher::suggest_query;
using lupe::searcher::suggest_word;
using Corrections = std::vector<std::pair<std::string, std::string>>;

namespace {

// A small bilingual index. Document frequencies: huawei 2, training 3, drohne 2,
// drohnen 1, bundestag 1, regierung 1, straße 1, now 1 ("not" is absent). With
// `with_rare_words`, the real word "drohen" and the typos "huaewy" and "trainign" are in
// one document each.
class Fixture {
public:
    explicit Fixture(bool with_rare_words = false) {
        lupe::IndexWriter w(path());
        w.add_document({.id = "deepseek", .title = "DeepSeek failed to train using Huawei chips",
                        .body = "The startup encountered persistent technical issues during its "
                                "R2 training process using Ascend chips.",
                        .lang = "en"});
        w.add_document({.id = "phones", .title = "Huawei sells more phones",
                        .body = "Huawei now shipped phones with Ascend chips. Training staff was "
                                "expensive.",
                        .lang = "en"});
        w.add_document({.id = "altman", .title = "Sam Altman finally stood up to Elon Musk",
                        .body = "Elon Musk and Sam Altman are beefing over the App Store. "
                                "Training large models is expensive.",
                        .lang = "en"});
        w.add_document({.id = "drone", .title = "Antigravity A1: Fliegen im Rausch der Rundumsicht",
                        .body = "Eine neuartige Drohne kombiniert Rundumsicht mit VR-Headset.",
                        .lang = "de"});
        w.add_document({.id = "bundestag", .title = "Eine Drohne über dem Bundestag",
                        .body = "Der Bundestag berät über die Regierung.", .lang = "de"});
        w.add_document({.id = "strasse", .title = "Die Straße nach München",
                        .body = "Der Verkehr auf der Straße war dicht. Drohnen überwachten ihn.",
                        .lang = "de"});
        if (with_rare_words) {
            w.add_document({.id = "sanktionen", .title = "Neue Sanktionen",
                            .body = "Den Firmen drohen Strafen.", .lang = "de"});
            w.add_document({.id = "typos", .title = "Notes",
                            .body = "Huaewy trainign notes.", .lang = "en"});
        }
        w.commit();
        db_ = Xapian::Database(path());
    }
    std::string path() const { return dir_ / "idx"; }
    const Xapian::Database& db() const { return db_; }

    std::string word(const std::string& w, std::optional<Family> family = std::nullopt,
                     const SpellingOptions& options = {}) const {
        return suggest_word(db_, w, family, stemmers_, options);
    }
    std::optional<Suggestion> query(std::string_view q,
                                    std::optional<Family> family = std::nullopt,
                                    const SpellingOptions& options = {}) const {
        return suggest_query(db_, q, family, stemmers_, options);
    }

private:
    lupe::test::TempDir dir_;
    Xapian::Database db_;
    lupe::analysis::Analyzer stemmers_;
};

}  // namespace

TEST_CASE("spelling: edit distance counts code points, with swaps as one edit") {
    CHECK(edit_distance(U"huawey", U"huawei", 2) == 1);
    CHECK(edit_distance(U"trainign", U"training", 2) == 1);  // swap
    CHECK(edit_distance(U"drohen", U"drohne", 2) == 1);      // swap
    CHECK(edit_distance(U"traning", U"training", 2) == 1);   // insertion
    CHECK(edit_distance(U"über", U"uber", 2) == 1);          // one character, two bytes
    CHECK(edit_distance(U"", U"ab", 2) == 2);
    CHECK(edit_distance(U"same", U"same", 0) == 0);
    // Optimal string alignment: a swapped pair is not edited again ("ca" -> "ac" -> "abc"
    // would be 2 in unrestricted Damerau-Levenshtein).
    CHECK(edit_distance(U"ca", U"abc", 5) == 3);
    SUBCASE("over the limit: limit + 1, early") {
        CHECK(edit_distance(U"kitten", U"sitting", 2) == 3);
        CHECK(edit_distance(U"kitten", U"sitting", 3) == 3);
        CHECK(edit_distance(U"abcdef", U"uvwxyz", 1) == 2);
        CHECK(edit_distance(U"a", U"abcd", 2) == 3);  // length difference alone
    }
}

TEST_CASE("spelling: words absent from the index are corrected") {
    Fixture f;
    CHECK(f.word("huawey") == "huawei");
    CHECK(f.word("trainign") == "training");
    CHECK(f.word("traning") == "training");
    CHECK(f.word("bundestg") == "bundestag");
    CHECK(f.word("regirung") == "regierung");
    SUBCASE("lowest distance first, then the most documents") {
        // "drohnne" is one edit from "drohne" (2 documents) and "drohnen" (1)
        CHECK(f.word("drohnne") == "drohne");
    }
    SUBCASE("one edit by default, two when asked") {
        CHECK(f.word("huaewy") == "");  // swap + substitution
        CHECK(f.word("huaewy", std::nullopt, {.max_edit_distance = 2}) == "huawei");
        CHECK(f.word("trxning", std::nullopt, {.max_edit_distance = 2,
                                               .far_substitutions = true}) == "training");
        CHECK(f.word("trxxxing", std::nullopt, {.max_edit_distance = 2}) == "");  // three edits
    }
    SUBCASE("a substitution must be of a near key, a diacritic or a vowel") {
        CHECK(f.word("huawey") == "huawei");    // two vowels
        CHECK(f.word("trainibg") == "training");  // b beside n
        CHECK(f.word("trainipg") == "");          // p is far from n
        CHECK(f.word("trainipg", std::nullopt, {.far_substitutions = true}) == "training");
        CHECK(f.word("drohme") == "drohne");      // m beside n
    }
    SUBCASE("a mistake in the first letter") {
        CHECK(f.word("guawei") == "huawei");  // g beside h
        CHECK(f.word("uawei") == "huawei");   // dropped
        CHECK(f.word("uhawei") == "huawei");  // swapped with the second
        CHECK(f.word("jhuawei") == "huawei");  // one too many
    }
}

TEST_CASE("spelling: correct, short, numeric and first-letter words get nothing") {
    Fixture f;
    CHECK(f.word("training") == "");
    CHECK(f.word("huawei") == "");
    CHECK(f.word("drohne") == "");
    CHECK(f.word("sma") == "");      // under min_word_chars, though "sam" is one edit away
    CHECK(f.word("sma", std::nullopt, {.min_word_chars = 3}) == "sam");
    CHECK(f.word("muks") == "musk"); // four letters: one edit (a swap)
    CHECK(f.word("huawey5") == "");  // words with digits are codes, not typos
    CHECK(f.word("") == "");
}

TEST_CASE("spelling: drohen is a word: corrected only when absent or rare") {
    SUBCASE("absent: drohne") {
        Fixture f;
        CHECK(f.word("drohen") == "drohne");
    }
    SUBCASE("in the index: left alone, drohne is not ten times as frequent") {
        Fixture f(/*with_rare_words=*/true);
        CHECK(f.word("drohen") == "");
        CHECK(f.query("Drohen") == std::nullopt);
        // in a large index (a rare threshold of 3 documents here) and with a lower bar for
        // "well below", the rare word is corrected
        CHECK(f.word("drohen", std::nullopt, {.rare_min_doc_freq = 3, .min_frequency_ratio = 2}) ==
              "drohne");
        // and with the default threshold of 1 document in a small index, no present word is rare
        CHECK(f.word("drohen", std::nullopt, {.rare_min_doc_freq = 1, .min_frequency_ratio = 2}) ==
              "");
    }
    SUBCASE("a rare word in the index is corrected one edit away, not two") {
        Fixture f(/*with_rare_words=*/true);
        const lupe::searcher::SpellingOptions large{.rare_min_doc_freq = 3, .min_frequency_ratio = 2};
        CHECK(f.word("trainign", std::nullopt, large) == "training");
        CHECK(f.word("huaewy", std::nullopt, large) == "");
        CHECK(f.word("huaewy", std::nullopt,
                     {.max_edit_distance = 2, .rare_min_doc_freq = 3, .min_frequency_ratio = 2,
                      .rare_word_max_edit_distance = 2}) == "huawei");
        CHECK(f.word("trainign") == "");  // 3 documents are not 10 times 1
    }
}

TEST_CASE("spelling: a word the search finds through its stem is not corrected") {
    Fixture f;
    // german2 folds ß to ss: "strasse" finds "Straße" although the raw term is absent
    CHECK(f.word("strasse") == "");
    CHECK(f.word("strasse", Family::German) == "");
    CHECK(f.query("Strasse") == std::nullopt);
    // under a family that does not have it, it is absent; no English word is near
    CHECK(f.word("strasse", Family::English) == "");
}

TEST_CASE("spelling: a family restricts suggestions to words of its documents") {
    Fixture f;
    CHECK(f.word("drohnne", Family::German) == "drohne");
    CHECK(f.word("drohnne", Family::English) == "");  // German-only word
    CHECK(f.word("huawey", Family::English) == "huawei");
    CHECK(f.word("huawey", Family::German) == "");    // English-only word
    CHECK(f.word("bundestg", Family::German) == "bundestag");
    CHECK(f.word("bundestg", Family::Unstemmed) == "");
}

TEST_CASE("spelling: the corrected query keeps everything else byte for byte") {
    Fixture f;
    SUBCASE("operators and quotes") {
        const auto s = f.query("\"huawey ascend\" AND traning");
        REQUIRE(s);
        CHECK(s->query == "\"huawei ascend\" AND training");
        CHECK(s->corrections == Corrections{{"huawey", "huawei"}, {"traning", "training"}});
    }
    SUBCASE("brackets, modifiers, OR, NOT; lower-case and/or/not are words") {
        const auto s = f.query("(huawey OR +trainign) NOT -drohnne and  chips");
        REQUIRE(s);
        CHECK(s->query == "(huawei OR +training) NOT -drohne and  chips");
        CHECK(f.query("chips NOT huawey")->query == "chips NOT huawei");
    }
    SUBCASE("the case of the typed word is kept") {
        const auto s = f.query("Huawey TRAINIGN Bundestg Regirung");
        REQUIRE(s);
        CHECK(s->query == "Huawei TRAINING Bundestag Regierung");
        CHECK(s->corrections == Corrections{{"Huawey", "Huawei"},
                                            {"TRAINIGN", "TRAINING"},
                                            {"Bundestg", "Bundestag"},
                                            {"Regirung", "Regierung"}});
    }
    SUBCASE("a repeated word is corrected everywhere, listed once") {
        const auto s = f.query("huawey, huawey!");
        REQUIRE(s);
        CHECK(s->query == "huawei, huawei!");
        CHECK(s->corrections == Corrections{{"huawey", "huawei"}});
    }
    SUBCASE("title: is corrected inside, its name is not") {
        const auto s = f.query("title:huawey Title:\"Bundestg\"");
        REQUIRE(s);
        CHECK(s->query == "title:huawei Title:\"Bundestag\"");
    }
    SUBCASE("invalid UTF-8 stays as it is") {
        const auto s = f.query("huawey\xff\xfe traning");
        REQUIRE(s);
        CHECK(s->query == "huawei\xff\xfe training");
    }
    SUBCASE("with a family") {
        const auto s = f.query("drohnne huawey", Family::German);
        REQUIRE(s);
        CHECK(s->query == "drohne huawey");
        CHECK(s->corrections == Corrections{{"drohnne", "drohne"}});
    }
}

TEST_CASE("spelling: field values, wildcards and numbers are left alone") {
    Fixture f;
    const auto s = f.query("lang:de source:huawey date:2025-08 LANG:traning -source:huawey "
                           "source:\"Huawey Trainign\" (source:bundestg) date:..2024 huawe* "
                           "huawey5 trainign");
    REQUIRE(s);
    CHECK(s->query == "lang:de source:huawey date:2025-08 LANG:traning -source:huawey "
                      "source:\"Huawey Trainign\" (source:bundestg) date:..2024 huawe* "
                      "huawey5 training");
    CHECK(s->corrections == Corrections{{"trainign", "training"}});
    SUBCASE("a field name glued to a word is no field") {
        const auto t = f.query("foo.source:huawey");
        REQUIRE(t);
        CHECK(t->query == "foo.source:huawei");
    }
}

TEST_CASE("spelling: nothing to suggest is nullopt") {
    Fixture f;
    CHECK(f.query("huawei training") == std::nullopt);
    CHECK(f.query("\"Huawei Ascend\" AND Drohne") == std::nullopt);
    CHECK(f.query("") == std::nullopt);
    CHECK(f.query("AND OR NOT ( ) \"\"") == std::nullopt);
    CHECK(f.query("lang:de") == std::nullopt);
    CHECK(f.query("xyzzyq") == std::nullopt);  // no near word at all
    SUBCASE("only the first max_query_words words are looked up") {
        const auto s = f.query("huawey traning", std::nullopt, {.max_query_words = 1});
        REQUIRE(s);
        CHECK(s->query == "huawei traning");
    }
}

TEST_CASE("spelling: an empty index suggests nothing") {
    lupe::test::TempDir dir;
    {
        lupe::IndexWriter w(dir / "idx");
        w.commit();
    }
    const Xapian::Database db(dir / "idx");
    const lupe::analysis::Analyzer stemmers;
    CHECK(suggest_word(db, "huawey", std::nullopt, stemmers) == "");
    CHECK(suggest_query(db, "\"huawey ascend\" AND traning", std::nullopt, stemmers) ==
          std::nullopt);
    CHECK(suggest_query(db, "huawey", Family::German, stemmers) == std::nullopt);
}

// Spelling cuts the query with the parser's lexer (query_lexer.hpp): inside a phrase every
// word is a phrase word, as the parser searches it. (When spelling had its own scanner, a
// field name inside a phrase, "source:" here, kept the word after it from being
// corrected, and AND, OR and NOT were never corrected, even as phrase words.)
TEST_CASE("spelling: inside a phrase, field names and operators are words") {
    Fixture f;
    const auto s = f.query("\"huawey source:traning\"");
    REQUIRE(s);
    CHECK(s->query == "\"huawei source:training\"");
    SUBCASE("outside a phrase they stay syntax") {
        const auto t = f.query("huawey source:traning AND trainign");
        REQUIRE(t);
        CHECK(t->query == "huawei source:traning AND training");
    }
    SUBCASE("a field value whose quote is never closed: its words are corrected as the "
            "retry after the syntax error searches them") {
        const auto t = f.query("source:\"Huawey Trainign");
        REQUIRE(t);
        CHECK(t->query == "source:\"Huawei Training");
    }
}

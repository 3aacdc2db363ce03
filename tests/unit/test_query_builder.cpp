// searcher/query_builder: the Xapian query built from a parsed query, pinned through
// Xapian::Query::get_description(). The terms are the index's (format/schema.hpp): a
// family prefix per stemmer (ZE English, ZD German, ZX unstemmed), "S" before it for the
// title field, L<lang> and XS<word> filters, the date in value slot 0. A change here
// changes what every search matches or how it ranks, so each shape is spelled out.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "analysis/decompounder.hpp"
#include "format/schema.hpp"
#include "format/vocabulary.hpp"
#include "searcher/query_builder.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::searcher;
using lupe::analysis::Analyzer;
using lupe::analysis::Family;
using lupe::format::VocabularyReader;

namespace {

namespace schema = lupe::format::schema;

// One analyzer for the whole program, as a searcher thread keeps one, with a hand-made
// German word list (independent of wngerman) for the compound cases.
Analyzer& analyzer() {
    static Analyzer a([] {
        lupe::analysis::AnalysisConfig config;
        config.decompounder = std::make_shared<lupe::analysis::Decompounder>(
            std::vector<std::string>{"Drohne", "Hersteller"});
        return config;
    }());
    return a;
}

BuiltQuery build(const std::string& text, const QueryOptions& options = {}) {
    return build_query(parse_query(text), options, analyzer());
}

QueryOptions in(const char* lang) {
    QueryOptions o;
    o.lang = lang;
    return o;
}

std::string describe(const std::optional<Xapian::Query>& q) {
    return q ? q->get_description() : "(none)";
}

// The query `text` builds, as Xapian describes it.
std::string query(const std::string& text, const QueryOptions& options = {}) {
    return describe(build(text, options).query);
}

// The all-words tier `text` builds.
std::string all_words(const std::string& text, const QueryOptions& options = {}) {
    return describe(build(text, options).all_words);
}

// A word's three family terms without a language, as OP_SYNONYM.
std::string any_family(const std::string& en, const std::string& de, const std::string& x) {
    return "(ZE" + en + " SYNONYM ZD" + de + " SYNONYM ZX" + x + ")";
}

}  // namespace

TEST_CASE("query builder: a word is its stem in every family, one synonym group") {
    CHECK(query("training") == "Query(" + any_family("train", "training", "training") + ")");
    // Where the stemmer does not fold ü itself (german2 does), both spellings, u and ue.
    CHECK(query("Müller") ==
          "Query((ZEmuller SYNONYM ZEmueller SYNONYM ZDmull SYNONYM ZXmuller SYNONYM ZXmueller))");
    CHECK(query("café") == "Query(" + any_family("cafe", "caf", "cafe") + ")");
    CHECK(query("Straße") == "Query(" + any_family("strass", "strass", "strasse") + ")");
}

TEST_CASE("query builder: a language narrows the families and filters by the language") {
    CHECK(query("training", in("en")) == "Query((ZEtrain FILTER Len))");
    CHECK(query("training", in("de")) == "Query((ZDtraining FILTER Lde))");
    CHECK(query("Müller", in("de")) == "Query((ZDmull FILTER Lde))");
    // A language not stemmed: the unstemmed family.
    CHECK(query("training", in("fr")) == "Query((ZXtraining FILTER Lfr))");

    // The searcher turns the filter off when every document is in that language.
    QueryOptions unfiltered = in("en");
    unfiltered.lang_filter = false;
    CHECK(query("training", unfiltered) == "Query(ZEtrain)");

    // Without a language, the searcher can narrow the families to those the index holds.
    QueryOptions families;
    families.families = {Family::English, Family::German};
    CHECK(query("training", families) == "Query((ZEtrain SYNONYM ZDtraining))");
    families.families = {Family::German};
    CHECK(query("training", families) == "Query(ZDtraining)");  // no language filter
}

TEST_CASE("query builder: title: and title_only look in the title field") {
    CHECK(query("title:training") == "Query((SZEtrain SYNONYM SZDtraining SYNONYM SZXtraining))");
    QueryOptions title_only = in("en");
    title_only.title_only = true;
    CHECK(query("training", title_only) == "Query((SZEtrain FILTER Len))");
    CHECK(query("\"prime minister\"", title_only) ==
          "Query(((SZEprime PHRASE 2 SZEminist) FILTER Len))");
    // Highlights are body-text terms whatever the field.
    const BuiltQuery b = build("title:training", in("en"));
    CHECK(b.highlights.stem_terms.count("ZEtrain") == 1);
    CHECK(b.highlights.stem_terms.count("SZEtrain") == 0);
}

TEST_CASE("query builder: phrases are stem phrases in each family, one family at a time") {
    CHECK(query("\"prime minister\"") ==
          "Query(((ZEprime PHRASE 2 ZEminist) OR (ZDprim PHRASE 2 ZDminist) OR "
          "(ZXprime PHRASE 2 ZXminister)))");
    CHECK(query("\"prime minister\"", in("en")) ==
          "Query(((ZEprime PHRASE 2 ZEminist) FILTER Len))");
    CHECK(query("title:\"prime minister\"", in("de")) ==
          "Query(((SZDprim PHRASE 2 SZDminist) FILTER Lde))");
    // A one-word phrase is the word's stems (without the folded second spellings).
    CHECK(query("\"one\"") == "Query(" + any_family("one", "one", "one") + ")");
    CHECK(query("\"\"") == "(none)");

    const BuiltQuery phrase = build("\"prime minister\"");
    REQUIRE(phrase.highlights.phrases.size() == 1);
    CHECK(phrase.highlights.phrases.front() == std::vector<std::string>{"prime", "minister"});
    CHECK(phrase.highlights.stem_terms.empty());
    CHECK(build("\"one\"").highlights.words.count("one") == 1);
}

TEST_CASE("query builder: a word the tokenizer splits is a NEAR of its stems with slack") {
    // Two words + kSplitWordSlack = a window of 4.
    CHECK(query("E-Mail") ==
          "Query(((ZEe NEAR 4 ZEmail) OR (ZDe NEAR 4 ZDmail) OR (ZXe NEAR 4 ZXmail)))");
    CHECK(query("boundary-value-problem", in("en")) ==
          "Query(((ZEboundari NEAR 5 ZEvalu NEAR 5 ZEproblem) FILTER Len))");
}

TEST_CASE("query builder: German compounds add their parts at a quarter of the weight") {
    CHECK(query("Drohnenhersteller", in("de")) ==
          "Query(((ZDdrohnenherstell OR 0.25 * (ZDdrohn AND ZDherstell)) FILTER Lde))");
    // Parts only in the German family, also without a language.
    CHECK(query("Drohnenhersteller") ==
          "Query(((ZEdrohnenherstel SYNONYM ZDdrohnenherstell SYNONYM ZXdrohnenhersteller) OR "
          "0.25 * (ZDdrohn AND ZDherstell)))");
    QueryOptions whole = in("de");
    whole.decompound = false;
    CHECK(query("Drohnenhersteller", whole) == "Query((ZDdrohnenherstell FILTER Lde))");
    // The parts are not highlighted as words of their own.
    CHECK(build("Drohnenhersteller", in("de")).highlights.stem_terms ==
          std::unordered_set<std::string>{"ZDdrohnenherstell"});
}

TEST_CASE("query builder: words are any-of, with all of them as the first tier") {
    const std::string chip = any_family("chip", "chip", "chip");
    const std::string xport = any_family("export", "export", "export");
    CHECK(query("chip export") == "Query((" + chip + " OR " + xport + "))");
    CHECK(all_words("chip export") == "Query((" + chip + " AND " + xport + "))");
    CHECK(query("chip export", in("en")) == "Query(((ZEchip OR ZEexport) FILTER Len))");
    CHECK(all_words("chip export", in("en")) == "Query(((ZEchip AND ZEexport) FILTER Len))");
    // One word: no tier.
    CHECK(all_words("chip") == "(none)");
    // kMaxAllWordsTier (8) items at most.
    CHECK(all_words("a b c d e f g h", in("de")) ==
          "Query(((ZDa AND ZDb AND ZDc AND ZDd AND ZDe AND ZDf AND ZDg AND ZDh) FILTER Lde))");
    CHECK(all_words("a b c d e f g h i", in("de")) == "(none)");
    // A group counts as one item.
    CHECK(all_words("chip (export OR import)", in("de")) ==
          "Query(((ZDchip AND (ZDexport OR ZDimport)) FILTER Lde))");
}

TEST_CASE("query builder: boolean operators") {
    CHECK(query("chip AND export", in("en")) == "Query(((ZEchip AND ZEexport) FILTER Len))");
    CHECK(query("chip OR export", in("en")) == "Query(((ZEchip OR ZEexport) FILTER Len))");
    CHECK(query("chip NOT huawei", in("en")) == "Query(((ZEchip AND_NOT ZEhuawei) FILTER Len))");
    CHECK(query("huawei NOT (chip OR export)", in("en")) ==
          "Query(((ZEhuawei AND_NOT (ZEchip OR ZEexport)) FILTER Len))");
    CHECK(query("(chip OR export) huawei", in("en")) ==
          "Query((((ZEchip OR ZEexport) OR ZEhuawei) FILTER Len))");
}

TEST_CASE("query builder: required and excluded items") {
    CHECK(query("+chip export", in("en")) == "Query(((ZEchip AND_MAYBE ZEexport) FILTER Len))");
    CHECK(query("chip -huawei", in("en")) == "Query(((ZEchip AND_NOT ZEhuawei) FILTER Len))");
    // The required item is no part of the tier (it is required anyway) but filters it.
    CHECK(all_words("+chip export import", in("en")) ==
          "Query((((ZEexport AND ZEimport) FILTER ZEchip) FILTER Len))");
    // Excluded words are not highlighted.
    const BuiltQuery b = build("chip -huawei", in("en"));
    CHECK(b.highlights.stem_terms == std::unordered_set<std::string>{"ZEchip"});
    CHECK_FALSE(b.unranked);
}

TEST_CASE("query builder: a query of exclusions only matches everything else, unranked") {
    const BuiltQuery b = build("-huawei", in("en"));
    CHECK(describe(b.query) == "Query(((<alldocuments> AND_NOT ZEhuawei) FILTER Len))");
    CHECK(b.unranked);
    CHECK(b.highlights.empty());
    CHECK(query("-\"prime minister\"", in("en")) ==
          "Query(((<alldocuments> AND_NOT (ZEprime PHRASE 2 ZEminist)) FILTER Len))");
}

TEST_CASE("query builder: filters weigh nothing and apply to the tier") {
    CHECK(query("lang:de") == "Query((<alldocuments> FILTER 0 * Lde))");
    CHECK(build("lang:de").unranked);
    CHECK(query("chip source:golem", in("en")) ==
          "Query(((ZEchip FILTER 0 * XSgolem) FILTER Len))");
    // The words of a source all apply.
    CHECK(query("source:\"Ars Technica\"", in("en")) ==
          "Query(((<alldocuments> FILTER 0 * (XSars AND XStechnica)) FILTER Len))");
    // Filters and exclusions also narrow the all-words tier (0.4.0 ranked an excluded
    // document first when it had all the other words).
    CHECK(query("chip export lang:en -huawei", in("de")) ==
          "Query(((((ZDchip OR ZDexport) FILTER 0 * Len) AND_NOT ZDhuawei) FILTER Lde))");
    CHECK(all_words("chip export lang:en -huawei", in("de")) ==
          "Query(((((ZDchip AND ZDexport) FILTER 0 * Len) AND_NOT ZDhuawei) FILTER Lde))");
}

TEST_CASE("query builder: the date filter is a range on the date slot, open at either end") {
    REQUIRE(schema::kDateSlot == 0);
    CHECK(query("date:2024..2025") ==
          "Query((<alldocuments> FILTER VALUE_RANGE 0 2024-01-01 2025-12-31))");
    // A month ends on its "31st": an upper bound that compares correctly as a string.
    CHECK(query("date:..2024-06") == "Query((<alldocuments> FILTER VALUE_LE 0 2024-06-31))");
    CHECK(query("date:2024-02-03..") == "Query((<alldocuments> FILTER VALUE_GE 0 2024-02-03))");
    CHECK(build("date:2024..2025").unranked);
    // With words: a filter of weight zero, the words rank.
    const BuiltQuery b = build("chip date:2024..", in("en"));
    CHECK(describe(b.query) == "Query(((ZEchip FILTER VALUE_GE 0 2024-01-01) FILTER Len))");
    CHECK_FALSE(b.unranked);
}

TEST_CASE("query builder: stopwords rank at half weight, never match on their own") {
    const BuiltQuery b = build("the training", in("en"));
    CHECK(describe(b.query) == "Query(((ZEtrain AND_MAYBE 0.5 * ZEthe) FILTER Len))");
    // They count for the all-words tier.
    CHECK(describe(b.all_words) == "Query(((ZEtrain AND ZEthe) FILTER Len))");
    CHECK(b.highlights.stem_terms == std::unordered_set<std::string>{"ZEtrain"});

    QueryOptions dropped = in("en");
    dropped.stopword_weight = 0;
    CHECK(query("the training", dropped) == "Query((ZEtrain FILTER Len))");
    QueryOptions plain = in("en");
    plain.stopwords = false;
    CHECK(query("the training", plain) == "Query(((ZEthe OR ZEtrain) FILTER Len))");

    // Without a language, a stopword of either language counts, even where the index holds
    // English only: "die" is German for "the".
    QueryOptions english_index;
    english_index.families = {Family::English};
    CHECK(query("die training", english_index) == "Query((ZEtrain AND_MAYBE 0.5 * ZEdie))");
    // With a language, only that language's list applies.
    CHECK(query("die training", in("en")) == "Query(((ZEdie OR ZEtrain) FILTER Len))");
    CHECK(query("the a", in("de")) == "Query(((ZDthe OR ZDa) FILTER Lde))");
}

TEST_CASE("query builder: a query of stopwords only searches them, and highlights them") {
    const BuiltQuery b = build("the a", in("en"));
    CHECK(describe(b.query) == "Query(((ZEthe OR ZEa) FILTER Len))");
    CHECK(b.highlights.stem_terms == std::unordered_set<std::string>{"ZEthe", "ZEa"});
}

TEST_CASE("query builder: nothing searchable builds no query") {
    const BuiltQuery b = build("!!!");
    CHECK_FALSE(b.query.has_value());
    CHECK_FALSE(b.all_words.has_value());
    CHECK(b.highlights.empty());
}

TEST_CASE("query builder: a wildcard expands over the stems with its prefix, in each family") {
    CHECK(query("train*") ==
          "Query((WILDCARD SYNONYM ZEtrain SYNONYM WILDCARD SYNONYM ZDtrain SYNONYM WILDCARD "
          "SYNONYM ZXtrain))");
    CHECK(query("train*", in("en")) == "Query((WILDCARD SYNONYM ZEtrain FILTER Len))");
    CHECK(query("title:train*", in("en")) == "Query((WILDCARD SYNONYM SZEtrain FILTER Len))");
    const BuiltQuery b = build("train*", in("en"));
    CHECK(b.highlights.prefixes == std::vector<std::string>{"train"});
    CHECK(b.notices.empty());  // without a vocabulary nothing is counted
}

// An index of its own for the wildcard's vocabulary and limits: documents with the given
// terms, and the vocabulary words given (as lupe-index records them).
struct WildcardIndex {
    lupe::test::TempDir dir;
    Xapian::Database db;

    WildcardIndex(const std::vector<std::string>& terms, const std::vector<std::string>& words) {
        Xapian::WritableDatabase w(dir / "db", Xapian::DB_CREATE);
        for (const auto& t : terms) {
            Xapian::Document doc;
            doc.add_term(t);
            doc.add_term("Len");
            w.add_document(doc);
        }
        for (const auto& word : words) {
            w.set_metadata(std::string(schema::kVocabularyPrefix) + word, "1");
        }
        w.commit();
        db = Xapian::Database(dir / "db");
    }
};

TEST_CASE("query builder: a wildcard also finds the words whose stem is shorter than it") {
    // "traini*": no stem starts with "traini", but the word "training" (stem "train") does.
    WildcardIndex index({"ZEtrain", "ZEtrainer"}, {"trainer", "training", "trainings"});
    const VocabularyReader vocabulary({index.db});
    QueryOptions o = in("en");
    o.vocabulary = &vocabulary;
    o.database = &index.db;
    const BuiltQuery b = build("traini*", o);
    // "trainings" stems to "train" too: listed once. Stems that the wildcard covers, or
    // that are not in the index, are not added.
    CHECK(describe(b.query) == "Query(((WILDCARD SYNONYM ZEtraini SYNONYM ZEtrain) FILTER Len))");
    CHECK(b.notices.empty());

    Xapian::Enquire enquire(index.db);
    enquire.set_query(*b.query);
    CHECK(enquire.get_mset(0, 10).size() == 1);  // the document with ZEtrain
}

TEST_CASE("query builder: a wildcard of more than 1000 terms keeps the most frequent, and says so") {
    REQUIRE(kMaxWildcardExpansion == 1000);
    std::vector<std::string> terms;
    for (int i = 0; i < 1001; ++i) terms.push_back("ZExy" + std::to_string(10000 + i));
    terms.push_back("ZExy10000");  // the most frequent term: in two documents
    WildcardIndex index(terms, {"xy10000"});
    const VocabularyReader vocabulary({index.db});
    QueryOptions o = in("en");
    o.vocabulary = &vocabulary;
    o.database = &index.db;
    const BuiltQuery b = build("xy*", o);
    REQUIRE(b.notices.size() == 1);
    CHECK(b.notices.front() ==
          "the wildcard xy* matches more than 1000 terms: only the most frequent were searched");
    Xapian::Enquire enquire(index.db);
    enquire.set_query(*b.query);
    const Xapian::MSet matches = enquire.get_mset(0, 2000);
    CHECK(matches.size() == 1000 + 1);  // 1000 terms, one of them in two documents

    // At the limit: no notice.
    terms.resize(1000);
    WildcardIndex exact(terms, {"xy10000"});
    const VocabularyReader exact_vocabulary({exact.db});
    o.vocabulary = &exact_vocabulary;
    o.database = &exact.db;
    CHECK(build("xy*", o).notices.empty());
}

TEST_CASE("query builder: a wildcard's vocabulary scan stops at the deadline, and says so") {
    WildcardIndex index({"ZEtrain"}, {"training"});
    const VocabularyReader vocabulary({index.db});
    const Deadline passed(Deadline::Clock::now() - std::chrono::seconds(10), 1.0);
    REQUIRE(passed.passed());
    QueryOptions o = in("en");
    o.vocabulary = &vocabulary;
    o.database = &index.db;
    o.deadline = &passed;
    const BuiltQuery b = build("traini*", o);
    CHECK(describe(b.query) == "Query((WILDCARD SYNONYM ZEtraini FILTER Len))");  // not expanded
    REQUIRE(b.notices.size() == 1);
    CHECK(b.notices.front() ==
          "the time limit was reached while expanding the wildcard traini*: words whose stem "
          "is shorter than traini were not all searched");
}

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "analysis/analyzer.hpp"
#include "format/schema.hpp"

using namespace lupe::analysis;
namespace schema = lupe::format::schema;

TEST_CASE("stemmers: English and German literal pairs") {
    const Stemmers s;
    struct Case {
        Family family;
        const char* word;
        const char* stem;
    };
    const Case cases[] = {
        {Family::English, "training", "train"},
        {Family::English, "trained", "train"},
        {Family::English, "huawei's", "huawei"},
        {Family::English, "chips", "chip"},
        {Family::German, "drohnen", "drohn"},
        {Family::German, "drohne", "drohn"},
        {Family::German, "häuser", "haus"},
        {Family::German, "straße", "strass"},  // german2 folds ß ...
        {Family::German, "strasse", "strass"},
        {Family::German, "müller", "mull"},    // ... and ue/ü
        {Family::German, "mueller", "mull"},
        {Family::Unstemmed, "drohnen", "drohnen"},
        {Family::Unstemmed, "", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.word);
        CHECK(s.stem(c.family, c.word) == c.stem);
    }
}

TEST_CASE("family_of maps languages to stemmer families") {
    CHECK(family_of("en") == Family::English);
    CHECK(family_of("de") == Family::German);
    CHECK(family_of("fr") == Family::Unstemmed);
    CHECK(family_of("und") == Family::Unstemmed);
    CHECK(family_prefix(Family::English) == "ZE");
    CHECK(family_prefix(Family::German) == "ZD");
    CHECK(family_prefix(Family::Unstemmed) == "ZX");
}

namespace {
std::set<std::string> terms_of(const Xapian::Document& doc) {
    std::set<std::string> out;
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) out.insert(*it);
    return out;
}
}  // namespace

TEST_CASE("index_text writes family stems with positions, and no unstemmed words") {
    Analyzer analyzer;
    Xapian::Document doc;
    Xapian::termpos pos = 0;
    analyzer.index_text(doc, "Die Drohnen fliegen", Family::German, schema::kBodyField, 1, pos);
    CHECK(pos == 3);
    CHECK(terms_of(doc) == std::set<std::string>{"ZDdie", "ZDdrohn", "ZDflieg"});
    auto positions = doc.termlist_begin();
    positions.skip_to("ZDdrohn");
    REQUIRE(positions != doc.termlist_end());
    CHECK(*positions.positionlist_begin() == 2);
}

TEST_CASE("index_text counts each word once per document in the vocabulary") {
    Analyzer analyzer;
    const auto counts = [&] {
        std::map<std::string, std::uint32_t> out;
        analyzer.vocabulary().for_each(
            [&](const std::string& w, std::uint32_t n) { out[w] = n; });
        return out;
    };
    Xapian::Document a, b, c;
    Xapian::termpos pos = 0;
    analyzer.vocabulary().begin_document();
    analyzer.index_text(a, "Drohnen Drohnen fliegen", Family::German, schema::kBodyField, 1, pos, true);
    analyzer.index_text(a, "Drohnen", Family::German, schema::kTitleField, 1, pos, true);
    analyzer.vocabulary().begin_document();
    analyzer.index_text(b, "Drohnen landen", Family::English, schema::kBodyField, 1, pos, true);
    analyzer.vocabulary().begin_document();
    analyzer.index_text(c, "nicht gezählt", Family::German, schema::kBodyField, 1, pos);
    CHECK(counts() == std::map<std::string, std::uint32_t>{{"drohnen", 2}, {"fliegen", 1}, {"landen", 1}});
    analyzer.clear_vocabulary();
    CHECK(counts().empty());
    analyzer.vocabulary().begin_document();
    analyzer.index_text(c, "Drohnen", Family::German, schema::kBodyField, 1, pos, true);
    CHECK(counts() == std::map<std::string, std::uint32_t>{{"drohnen", 1}});
}

TEST_CASE("index_text: title field and wdf") {
    Analyzer analyzer;
    Xapian::Document doc;
    Xapian::termpos pos = 0;
    analyzer.index_text(doc, "Training training", Family::English, schema::kTitleField, 3, pos);
    auto it = doc.termlist_begin();
    it.skip_to("SZEtrain");
    REQUIRE(it != doc.termlist_end());
    CHECK(*it == "SZEtrain");
    CHECK(it.get_wdf() == 6);
    CHECK(terms_of(doc) == std::set<std::string>{"SZEtrain"});
}

TEST_CASE("index_text: empty and invalid input") {
    Analyzer analyzer;
    Xapian::Document doc;
    Xapian::termpos pos = 0;
    analyzer.index_text(doc, "", Family::English, schema::kBodyField, 1, pos);
    analyzer.index_text(doc, "\xFF\xFE", Family::English, schema::kBodyField, 1, pos);
    CHECK(doc.termlist_count() == 0);
    CHECK(pos == 0);
}

TEST_CASE("query side and index side name terms alike") {
    Analyzer analyzer;
    WordTerms terms;
    analyzer.word_terms(Family::German, schema::kBodyField, "drohnen", terms);
    CHECK(terms.whole == std::vector<std::string>{"ZDdrohn"});
    analyzer.word_terms(Family::English, schema::kTitleField, "trained", terms);
    CHECK(terms.whole == std::vector<std::string>{"SZEtrain"});
}

TEST_CASE("analyzer: a blank line is a paragraph break that phrases do not cross") {
    lupe::analysis::Analyzer analyzer;
    const auto positions_of = [&](std::string_view text) {
        Xapian::Document doc;
        Xapian::termpos pos = 0;
        analyzer.index_text(doc, text, lupe::analysis::Family::German, "", 1, pos);
        std::vector<Xapian::termpos> drohne, sicht;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            if (*t == "ZDdrohn") drohne.assign(t.positionlist_begin(), t.positionlist_end());
            if (*t == "ZDrundumsicht") sicht.assign(t.positionlist_begin(), t.positionlist_end());
        }
        REQUIRE(drohne.size() == 1);
        REQUIRE(sicht.size() == 1);
        return sicht.front() - drohne.front();
    };
    CHECK(positions_of("Eine Drohne Rundumsicht") == 1);
    CHECK(positions_of("Eine Drohne\nRundumsicht") == 1);  // a line break inside a paragraph
    CHECK(positions_of("Eine Drohne\n\nRundumsicht") == 1 + lupe::analysis::kParagraphPositionGap);
    CHECK(positions_of("Eine Drohne.\r\n \t\r\nRundumsicht") ==
          1 + lupe::analysis::kParagraphPositionGap);
    CHECK(positions_of("Eine Drohne\nx\nRundumsicht") == 2);  // no blank line: a word between
}

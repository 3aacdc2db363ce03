#include <doctest/doctest.h>

#include <set>

#include "analysis/analyzer.hpp"
#include "analysis/schema.hpp"

using namespace lupe::analysis;

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

TEST_CASE("index_text writes raw positional terms and family stems") {
    Analyzer analyzer;
    Xapian::Document doc;
    Xapian::termpos pos = 0;
    analyzer.index_text(doc, "Die Drohnen fliegen", Family::German, schema::kBodyField, 1, pos);
    CHECK(pos == 3);
    CHECK(terms_of(doc) == std::set<std::string>{"die", "drohnen", "fliegen", "ZDdie",
                                                 "ZDdrohn", "ZDflieg"});
    auto positions = doc.termlist_begin();
    positions.skip_to("drohnen");
    REQUIRE(positions != doc.termlist_end());
    CHECK(*positions.positionlist_begin() == 2);
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
    CHECK(terms_of(doc).count("Straining") == 1);
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
    CHECK(Analyzer::raw_term(schema::kTitleField, "drohne") == "Sdrohne");
}

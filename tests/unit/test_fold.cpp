#include <doctest/doctest.h>

#include <algorithm>

#include "analysis/analyzer.hpp"
#include "analysis/fold.hpp"

using namespace lupe::analysis;

TEST_CASE("fold_diacritics: literal pairs") {
    CHECK(fold_diacritics("münchen") == "munchen");
    CHECK(fold_diacritics("straße") == "strasse");
    CHECK(fold_diacritics("café") == "cafe");
    CHECK(fold_diacritics("crème brûlée") == "creme brulee");
    CHECK(fold_diacritics("smørrebrød") == "smorrebrod");
    CHECK(fold_diacritics("œuvre") == "oeuvre");
    CHECK(fold_diacritics("łódź") == "lodz");
    CHECK(fold_diacritics("plain") == "plain");
    CHECK(fold_diacritics("") == "");
    CHECK(fold_diacritics("ελληνικά") == "ελληνικά");  // not Latin: left alone
    CHECK(fold_diacritics("müller", /*keep_german_letters=*/true) == "müller");
    CHECK(fold_diacritics("café", /*keep_german_letters=*/true) == "cafe");
}

TEST_CASE("fold_word: German keeps umlauts for german2, others get a digraph variant") {
    auto f = fold_word(Family::German, "münchen");
    CHECK(f.primary == "münchen");
    CHECK(f.digraph.empty());
    f = fold_word(Family::English, "münchen");
    CHECK(f.primary == "munchen");
    CHECK(f.digraph == "muenchen");
    f = fold_word(Family::Unstemmed, "größe");
    CHECK(f.primary == "grosse");
    CHECK(f.digraph == "groesse");
    f = fold_word(Family::English, "straße");
    CHECK(f.primary == "strasse");
    CHECK(f.digraph.empty());
    f = fold_word(Family::English, "poet");  // digraphs are not folded in English
    CHECK(f.primary == "poet");
    CHECK(f.digraph.empty());
}

namespace {
// Do two spellings share a stem term in a family?
bool meet(Family family, const std::string& a, const std::string& b) {
    Analyzer analyzer;
    WordTerms ta, tb;
    analyzer.word_terms(family, "", a, ta);
    analyzer.word_terms(family, "", b, tb);
    return std::any_of(ta.whole.begin(), ta.whole.end(), [&](const std::string& t) {
        return std::find(tb.whole.begin(), tb.whole.end(), t) != tb.whole.end();
    });
}
}  // namespace

TEST_CASE("folding: the spellings meet in both directions") {
    for (Family family : kAllFamilies) {
        CAPTURE(static_cast<int>(family));
        CHECK(meet(family, "strasse", "straße"));
        CHECK(meet(family, "straße", "strasse"));
        CHECK(meet(family, "münchen", "muenchen"));
        CHECK(meet(family, "muenchen", "münchen"));
        CHECK(meet(family, "münchen", "munchen"));
        CHECK(meet(family, "munchen", "münchen"));
        CHECK(meet(family, "cafe", "café"));
        CHECK(meet(family, "café", "cafe"));
    }
    // Digraphs are folded only by german2, in German text (where "poet" is rare).
    CHECK_FALSE(meet(Family::English, "poet", "pot"));
    CHECK_FALSE(meet(Family::Unstemmed, "poet", "pot"));
    // "Muenchen" and "Munchen" meet through the German stemmer only: in English text the
    // digraph is not folded (it would make "poet" a "pot").
    CHECK(meet(Family::German, "muenchen", "munchen"));
    CHECK_FALSE(meet(Family::English, "muenchen", "munchen"));
}

TEST_CASE("folding can be switched off") {
    Analyzer analyzer(AnalysisConfig{.fold = false});
    WordTerms terms;
    analyzer.word_terms(Family::English, "", "café", terms);
    CHECK(terms.whole == std::vector<std::string>{"ZEcafé"});
}

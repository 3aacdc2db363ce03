#include <doctest/doctest.h>

#include "searcher/snippet.hpp"

using namespace lupe::searcher;
using lupe::analysis::Family;

namespace {
std::vector<std::string> marked_words(const lupe::Snippet& s) {
    std::vector<std::string> out;
    for (const auto& h : s.highlights) out.push_back(s.text.substr(h.begin, h.end - h.begin));
    return out;
}
}  // namespace

TEST_CASE("snippet: stems, exact words and prefixes are highlighted") {
    lupe::analysis::Analyzer analyzer;
    HighlightTerms terms;
    terms.stem_terms.insert("ZDdrohn");
    terms.words.insert("rundumsicht");
    terms.prefixes.push_back("headse");
    const auto s = make_snippet("Eine neuartige Drohne kombiniert 360°-Rundumsicht mit VR-Headset.",
                                Family::German, terms, analyzer, 200);
    CHECK(s.text == "Eine neuartige Drohne kombiniert 360°-Rundumsicht mit VR-Headset.");
    CHECK(marked_words(s) == std::vector<std::string>{"Drohne", "Rundumsicht", "Headset"});
    CHECK(s.marked("[", "]") == "Eine neuartige [Drohne] kombiniert 360°-[Rundumsicht] mit VR-[Headset].");
}

TEST_CASE("snippet: the window with the most distinct words wins, with ellipses") {
    lupe::analysis::Analyzer analyzer;
    HighlightTerms terms;
    terms.stem_terms = {"ZEhuawei", "ZEascend"};
    std::string text = "Huawei is mentioned here. ";
    for (int i = 0; i < 20; ++i) text += "Filler words without any interest at all. ";
    text += "Later Huawei Ascend chips appear together. ";
    for (int i = 0; i < 20; ++i) text += "More filler text follows. ";
    const auto s = make_snippet(text, Family::English, terms, analyzer, 80);
    CHECK(s.text.rfind("… ", 0) == 0);
    CHECK(s.text.size() >= 8);
    CHECK(s.text.substr(s.text.size() - 4) == " …");
    CHECK(marked_words(s) == std::vector<std::string>{"Huawei", "Ascend"});
    CHECK(s.text.size() <= 80 + 8);
}

TEST_CASE("snippet: no match gives the start, white space is folded") {
    lupe::analysis::Analyzer analyzer;
    const auto s = make_snippet("First  line\n\nsecond\tline", Family::English, {}, analyzer, 200);
    CHECK(s.text == "First line second line");
    CHECK(s.highlights.empty());
    CHECK(make_snippet("", Family::English, {}, analyzer, 200).text.empty());
    CHECK(make_snippet("text", Family::English, {}, analyzer, 0).text.empty());
}

TEST_CASE("snippet: the family decides which stems match") {
    lupe::analysis::Analyzer analyzer;
    HighlightTerms terms;
    terms.stem_terms.insert("ZEtrain");
    CHECK(make_snippet("training", Family::English, terms, analyzer, 100).highlights.size() == 1);
    CHECK(make_snippet("training", Family::German, terms, analyzer, 100).highlights.empty());
}

TEST_CASE("snippet: a phrase is highlighted only where its words stand in order") {
    lupe::analysis::Analyzer analyzer;
    HighlightTerms terms;
    terms.phrases.push_back({"ascend", "chips"});
    const auto s = make_snippet("Chips matter. Ascend chips failed; ascend alone, chips alone.",
                                Family::English, terms, analyzer, 200);
    CHECK(marked_words(s) == std::vector<std::string>{"Ascend", "chips"});
    CHECK(s.marked("[", "]") == "Chips matter. [Ascend] [chips] failed; ascend alone, chips alone.");
}

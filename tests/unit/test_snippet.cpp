#include <doctest/doctest.h>

#include "analysis/decompounder.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/snippet.hpp"

using namespace lupe::searcher;
using lupe::analysis::Family;

namespace {
std::vector<std::string> marked_words(std::string_view text, const std::vector<lupe::Highlight>& highlights) {
    std::vector<std::string> out;
    for (const auto& h : highlights) {
        REQUIRE(h.begin < h.end);
        REQUIRE(h.end <= text.size());
        out.emplace_back(text.substr(h.begin, h.end - h.begin));
    }
    return out;
}
std::vector<std::string> marked_words(const lupe::Snippet& s) { return marked_words(s.text, s.highlights); }

// The highlight terms of a query, as a search builds them.
HighlightTerms terms_of(std::string_view query, lupe::analysis::Analyzer& analyzer) {
    return build_query(parse_query(query), {}, analyzer).highlights;
}

// The words of a title that `query` highlights, with the default German word list (as an
// index has it): compounds are split.
std::vector<std::string> title_words(std::string_view title, Family family, std::string_view query) {
    static const auto german = lupe::analysis::Decompounder::german();
    REQUIRE(german != nullptr);
    lupe::analysis::Analyzer analyzer({.decompounder = german});
    return marked_words(title, highlight_words(title, family, terms_of(query, analyzer), analyzer));
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

TEST_CASE("title highlights: every matching word, as byte ranges into the title as given") {
    lupe::analysis::Analyzer analyzer;
    // Byte offsets into the title itself: white space is not collapsed, as a snippet's is.
    const std::string title = "Drohnen  über\tder Stadt: die Drohne fliegt";
    const auto h = highlight_words(title, Family::German, terms_of("Drohne", analyzer), analyzer);
    REQUIRE(h.size() == 2);
    CHECK(h[0].begin == 0);
    CHECK(h[0].end == 7);
    CHECK(title.substr(h[1].begin, h[1].end - h[1].begin) == "Drohne");
    CHECK(h[1].begin == title.find("Drohne fliegt"));
    CHECK(mark_highlights(title, h, "[", "]") == "[Drohnen]  über\tder Stadt: die [Drohne] fliegt");
}

TEST_CASE("title highlights: compound parts, folded spellings, phrases, prefixes") {
    // A compound that matched through its part, and the part's other forms.
    CHECK(title_words("Antigravity A1: Fliegen im Rausch der Rundumsicht", Family::German, "Sicht") ==
          std::vector<std::string>{"Rundumsicht"});
    // Folded spellings, either way round.
    CHECK(title_words("Die Straße nach München", Family::German, "Muenchen") ==
          std::vector<std::string>{"München"});
    CHECK(title_words("Die Strasse nach Muenchen", Family::German, "Straße München") ==
          std::vector<std::string>{"Strasse", "Muenchen"});
    // A phrase only where its words stand in order; a wildcard by its prefix.
    CHECK(title_words("Huawei chips, and chips by Huawei", Family::English, "\"huawei chips\"") ==
          std::vector<std::string>{"Huawei", "chips"});
    CHECK(title_words("DeepSeek failed to train", Family::English, "deeps*") ==
          std::vector<std::string>{"DeepSeek"});
    // The field the query names does not matter: the title's words are marked.
    CHECK(title_words("Die Straße nach München", Family::German, "title:München") ==
          std::vector<std::string>{"München"});
}

TEST_CASE("title highlights: none for a title that does not match, an excluded word, no title") {
    CHECK(title_words("Sam Altman finally stood up to Elon Musk", Family::English, "Drohne").empty());
    CHECK(title_words("Sam Altman finally stood up to Elon Musk", Family::English, "chips -Musk").empty());
    CHECK(title_words("", Family::English, "Musk").empty());
    lupe::analysis::Analyzer analyzer;
    CHECK(highlight_words("Elon Musk", Family::English, {}, analyzer).empty());
    CHECK(mark_highlights("Elon Musk", {}, "[", "]") == "Elon Musk");
}

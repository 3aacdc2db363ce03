#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>

#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "support/temp_dir.hpp"

using lupe::Searcher;
using lupe::SearchOptions;

namespace {

// A small bilingual index, built once per test case.
class Fixture {
public:
    Fixture() {
        lupe::IndexWriter w(path());
        w.add_document({.id = "deepseek", .title = "DeepSeek failed to train using Huawei chips",
                        .body = "The startup encountered persistent technical issues during its "
                                "R2 training process using Ascend chips.",
                        .lang = "en", .date = "2025-08-14", .source = "Ars Technica"});
        w.add_document({.id = "drone", .title = "Antigravity A1: Fliegen im Rausch der Rundumsicht",
                        .body = "Eine neuartige Drohne kombiniert Rundumsicht mit VR-Headset. "
                                "Die E-Mail-Adresse steht im Impressum.",
                        .lang = "de", .date = "2025-08-01", .url = "https://golem.de/a1",
                        .source = "Golem.de"});
        w.add_document({.id = "altman", .title = "Sam Altman finally stood up to Elon Musk",
                        .body = "Elon Musk and Sam Altman are beefing over the App Store. "
                                "Training large models is expensive.",
                        .lang = "en", .date = "2024-12-31", .source = "Ars Technica"});
        w.add_document({.id = "strasse", .title = "Die Straße nach München",
                        .body = "Der Verkehr auf der Straße war dicht. Drohnen überwachten ihn.",
                        .lang = "de", .date = "2023"});
        w.add_document({.id = "hamlet", .title = "Hamlet",
                        .body = "To be, or not to be, that is the question.", .lang = "en"});
        w.commit();
    }
    std::string path() const { return dir_ / "idx"; }

private:
    lupe::test::TempDir dir_;
};

std::vector<std::string> ids(const lupe::SearchResults& r) {
    std::vector<std::string> out;
    for (const auto& hit : r.results) out.push_back(hit.id);
    return out;
}

bool has(const lupe::SearchResults& r, const std::string& id) {
    const auto v = ids(r);
    return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

TEST_CASE("searcher: bilingual stemming without a language") {
    Fixture f;
    Searcher s(f.path());
    CHECK(ids(s.search("Drohnen")) == std::vector<std::string>{"strasse", "drone"});
    CHECK(s.search("trained").results.front().id == "deepseek");
    CHECK(has(s.search("TRAINING"), "altman"));  // capitalised words are stemmed too
    CHECK(has(s.search("Strasse"), "strasse"));  // german2 folds ß and ss
}

TEST_CASE("searcher: --lang narrows language and stemming") {
    Fixture f;
    Searcher s(f.path());
    const auto de = s.search("Drohnen", {.lang = "de"});
    CHECK(de.results.size() == 2);
    CHECK(s.search("Drohnen", {.lang = "en"}).results.empty());
    for (const auto& hit : s.search("training", {.lang = "en"}).results) CHECK(hit.lang == "en");
}

TEST_CASE("searcher: documents with all words rank first") {
    Fixture f;
    Searcher s(f.path());
    const auto r = s.search("Huawei Ascend training");
    REQUIRE(r.results.size() == 2);
    CHECK(r.results[0].id == "deepseek");
    CHECK(r.results[0].score > r.results[1].score);
    CHECK(r.total_estimate == 2);
    // The drone document has both words of the query: first, although "Drohnen" alone
    // weighs more in the other.
    CHECK(s.search("Drohnen Rundumsicht").results.front().id == "drone");
}

TEST_CASE("searcher: paging is consistent across the two tiers") {
    Fixture f;
    Searcher s(f.path());
    const auto all = ids(s.search("Huawei training Musk", {.limit = 10}));
    REQUIRE(all.size() >= 2);
    std::vector<std::string> paged;
    for (std::size_t off = 0; off < all.size(); ++off) {
        const auto page = s.search("Huawei training Musk", {.limit = 1, .offset = off});
        REQUIRE(page.results.size() == 1);
        CHECK(page.results[0].rank == off + 1);
        paged.push_back(page.results[0].id);
    }
    CHECK(paged == all);
}

TEST_CASE("searcher: phrases, operators, fields, wildcards, dates") {
    Fixture f;
    Searcher s(f.path());
    CHECK(ids(s.search("\"Ascend chips\"")) == std::vector<std::string>{"deepseek"});
    CHECK(s.search("\"chips Ascend\"").results.empty());
    CHECK(ids(s.search("\"to be or not to be\"")) == std::vector<std::string>{"hamlet"});
    CHECK(ids(s.search("E-Mail")) == std::vector<std::string>{"drone"});
    // Hyphenated compounds: the tokenizer splits "E-Mail-Adresse", so its last part is a
    // word of its own, and a written-together "Mailadresse" is split by the decompounder.
    CHECK(ids(s.search("Adresse")) == std::vector<std::string>{"drone"});
    CHECK(ids(s.search("Mailadresse")) == std::vector<std::string>{"drone"});
    CHECK(ids(s.search("Musk AND Altman")) == std::vector<std::string>{"altman"});
    CHECK(ids(s.search("training -Huawei")) == std::vector<std::string>{"altman"});
    CHECK(ids(s.search("training NOT Huawei")) == std::vector<std::string>{"altman"});
    CHECK(ids(s.search("+Huawei training")) == std::vector<std::string>{"deepseek"});
    CHECK(s.search("Huawei OR Musk").results.size() == 2);
    CHECK(ids(s.search("title:Rundumsicht")) == std::vector<std::string>{"drone"});
    CHECK(s.search("title:Drohne").results.empty());  // the drone's title has no "Drohne"
    CHECK(ids(s.search("lang:de Straße")) == std::vector<std::string>{"strasse"});
    CHECK(ids(s.search("source:golem Drohne")) == std::vector<std::string>{"drone"});
    CHECK(s.search("source:\"ars technica\"").results.size() == 2);
    CHECK(ids(s.search("ascen*")) == std::vector<std::string>{"deepseek"});
    CHECK(ids(s.search("date:2025-08-01..2025-08-31 lang:de")) == std::vector<std::string>{"drone"});
    CHECK(s.search("date:2025").results.size() == 2);
    CHECK(ids(s.search("date:..2024-12-31 Straße")) == std::vector<std::string>{"strasse"});
    CHECK(s.search("date:2024-12").results.front().id == "altman");
}

TEST_CASE("searcher: results carry the stored fields and a highlighted snippet") {
    Fixture f;
    Searcher s(f.path());
    const auto r = s.search("Drohnen", {.limit = 1, .offset = 1, .lang = "de"});
    REQUIRE(r.results.size() == 1);
    const auto& hit = r.results[0];
    CHECK(hit.rank == 2);
    CHECK(hit.id == "drone");
    CHECK(hit.title == "Antigravity A1: Fliegen im Rausch der Rundumsicht");
    CHECK(hit.lang == "de");
    CHECK(hit.date == "2025-08-01");
    CHECK(hit.url == "https://golem.de/a1");
    CHECK(hit.source == "Golem.de");
    REQUIRE(hit.snippet.highlights.size() == 1);
    const auto& h = hit.snippet.highlights[0];
    CHECK(hit.snippet.text.substr(h.begin, h.end - h.begin) == "Drohne");
}

TEST_CASE("searcher: syntax errors fall back to plain words, or throw when asked") {
    Fixture f;
    Searcher s(f.path());
    const auto r = s.search("(Huawei AND");
    CHECK(r.syntax_error.find("at position") != std::string::npos);
    CHECK(r.query == "Huawei");  // the retry as searched, in the query's spelling
    CHECK(ids(r) == std::vector<std::string>{"deepseek"});
    CHECK_THROWS_AS(s.search("(Huawei", {.retry_plain_on_syntax_error = false}),
                    lupe::QuerySyntaxError);
}

TEST_CASE("searcher: nothing to search for, nothing found") {
    Fixture f;
    Searcher s(f.path());
    CHECK(s.search("").results.empty());
    CHECK(s.search("°").results.empty());
    CHECK(s.search("xyzzyplugh").results.empty());
    CHECK(s.search("xyzzyplugh").total_estimate == 0);
}

TEST_CASE("searcher: bad options") {
    Fixture f;
    Searcher s(f.path());
    CHECK_THROWS_AS(s.search("x", {.lang = "fr"}), lupe::InvalidArgumentError);
    CHECK_THROWS_AS(s.search("x", {.limit = 0}), lupe::InvalidArgumentError);
}

TEST_CASE("searcher: missing, foreign and damaged indexes") {
    lupe::test::TempDir dir;
    try {
        Searcher s(dir / "nope");
        FAIL("opened");
    } catch (const lupe::IndexNotFoundError& e) {
        // Issue 13: the library names the path in its own terms, not lupe-index's flags.
        CHECK(std::string(e.what()).find(dir / "nope") != std::string::npos);
        CHECK(std::string(e.what()).find("lupe-index") == std::string::npos);
    }
    dir.write("garbage/iamglass", "this is not a database");
    try {
        Searcher s(dir / "garbage");
        FAIL("opened");
    } catch (const lupe::IndexCorruptError& e) {
        CHECK(std::string(e.what()).find("xapian-check") != std::string::npos);
    }
    dir.write("plain/file.txt", "x");
    // A directory of other files holds no index (0.4.0: IndexCorruptError, "xapian-check").
    CHECK_THROWS_AS(Searcher(dir / "plain"), lupe::IndexNotFoundError);
}

TEST_CASE("searcher: reopen sees new commits") {
    Fixture f;
    Searcher s(f.path());
    CHECK(s.search("Zeppelin").results.empty());
    {
        lupe::IndexWriter w(f.path());
        w.add_document({.id = "zep", .title = "Zeppelin", .body = "Ein Luftschiff.", .lang = "de"});
        w.commit();
    }
    s.reopen();
    CHECK(ids(s.search("Zeppelin")) == std::vector<std::string>{"zep"});
    CHECK(s.document_count() == 6);
}

TEST_CASE("searcher: stopwords rank, but add no matches") {
    Fixture f;
    Searcher s(f.path());
    // "the" is in every English document here; it must not make "the Hamlet" match them.
    CHECK(ids(s.search("the Hamlet")) == std::vector<std::string>{"hamlet"});
    // Treated as an ordinary word, it does.
    CHECK(s.search("the Hamlet", {.stopwords = false}).results.size() > 1);
    // A query of stopwords only is searched as it is.
    CHECK(has(s.search("to be or not"), "hamlet"));
    // "die" is a German stopword: "die Straße" finds the street, not every German text.
    CHECK(ids(s.search("die Straße", {.lang = "de"})) == std::vector<std::string>{"strasse"});
}

TEST_CASE("searcher: every weighting scheme and feedback give results") {
    Fixture f;
    Searcher s(f.path());
    for (auto w : {lupe::Weighting::BM25, lupe::Weighting::BM25Plus, lupe::Weighting::DPH,
                   lupe::Weighting::PL2, lupe::Weighting::InL2, lupe::Weighting::LM}) {
        CAPTURE(static_cast<int>(w));
        const auto r = s.search("Huawei chips", {.weighting = w});
        REQUIRE_FALSE(r.results.empty());
        CHECK(r.results.front().id == "deepseek");
    }
    const auto fb = s.search("Huawei", {.feedback_documents = 1});
    REQUIRE_FALSE(fb.results.empty());
    CHECK(fb.results.front().id == "deepseek");
}

TEST_CASE("searcher: a spelling suggestion is offered, not run") {
    Fixture f;
    Searcher s(f.path());
    const auto r = s.search("Huawey");
    CHECK(r.suggestion == "Huawei");
    CHECK(r.results.empty());
    CHECK(s.search("Huawey", {.suggest = false}).suggestion.empty());
    CHECK(s.search("Huawei").suggestion.empty());
}

TEST_CASE("searcher: sort by date, date range, title only, highlight markers") {
    Fixture f;
    Searcher s(f.path());
    // Dated: deepseek 2025-08-14, drone 2025-08-01, altman 2024-12-31, strasse 2023; hamlet none.
    const auto all = "lang:de OR lang:en";
    CHECK(ids(s.search(all, {.sort = lupe::SortOrder::NewestFirst})) ==
          std::vector<std::string>{"deepseek", "drone", "altman", "strasse", "hamlet"});
    CHECK(ids(s.search(all, {.sort = lupe::SortOrder::OldestFirst})) ==
          std::vector<std::string>{"strasse", "altman", "drone", "deepseek", "hamlet"});
    CHECK(ids(s.search(all, {.sort = lupe::SortOrder::NewestFirst, .date_from = "2024",
                             .date_to = "2025-08-10"})) ==
          std::vector<std::string>{"drone", "altman"});
    CHECK_THROWS_AS(s.search("x", {.date_from = "last week"}), lupe::InvalidArgumentError);
    CHECK(ids(s.search("Rundumsicht", {.fields = lupe::SearchField::Title})) ==
          std::vector<std::string>{"drone"});
    CHECK(s.search("Drohne", {.fields = lupe::SearchField::Title}).results.empty());
    const auto marked = s.search("Drohne", {.highlight_open = "<b>", .highlight_close = "</b>"});
    REQUIRE_FALSE(marked.results.empty());
    CHECK(marked.results.front().snippet_marked.find("<b>Drohne") != std::string::npos);
    CHECK(marked.results.front().snippet_marked.find("</b>") != std::string::npos);
    CHECK(s.search("Drohne").results.front().snippet_marked.empty());
}

TEST_CASE("searcher: title highlights, whether the hit matched through its title or not") {
    Fixture f;
    Searcher s(f.path());
    const SearchOptions marked{.highlight_open = "[", .highlight_close = "]"};
    const auto title_words = [](const lupe::Result& r) {
        std::vector<std::string> out;
        for (const auto& h : r.title_highlights) out.push_back(r.title.substr(h.begin, h.end - h.begin));
        return out;
    };
    // A title match through a compound's part: the compound is marked.
    const auto sicht = s.search("title:Sicht", marked);
    REQUIRE(ids(sicht) == std::vector<std::string>{"drone"});
    CHECK(title_words(sicht.results[0]) == std::vector<std::string>{"Rundumsicht"});
    CHECK(sicht.results[0].title_marked == "Antigravity A1: Fliegen im Rausch der [Rundumsicht]");
    // A folded spelling.
    const auto muenchen = s.search("Muenchen", marked);
    REQUIRE(ids(muenchen) == std::vector<std::string>{"strasse"});
    CHECK(title_words(muenchen.results[0]) == std::vector<std::string>{"München"});
    CHECK(muenchen.results[0].title_marked == "Die Straße nach [München]");
    // A hit found through its body only: its title has no word of the query.
    const auto drohne = s.search("Drohne", marked);
    REQUIRE(has(drohne, "drone"));
    for (const auto& r : drohne.results) {
        CHECK(r.title_highlights.empty());
        CHECK(r.title_marked == r.title);
    }
    // Through its body and its title: the title's words are marked all the same.
    const auto chips = s.search("Ascend chips");
    REQUIRE(has(chips, "deepseek"));
    CHECK(title_words(chips.results[0]) == std::vector<std::string>{"chips"});
    CHECK(chips.results[0].title_marked.empty());  // no markers asked for
    // No snippets, no title highlights.
    CHECK(s.search("Muenchen", {.snippet_length = 0}).results[0].title_highlights.empty());
}

TEST_CASE("searcher: stems carry the positions (index format 3)") {
    lupe::test::TempDir dir;
    {
        lupe::IndexWriter w(dir / "idx");
        w.add_document({.id = "models", .body = "Training models costs money.", .lang = "en"});
        w.add_document({.id = "reversed", .body = "Model training for dogs.", .lang = "en"});
        w.add_document({.id = "boundary", .body = "The value of the boundary is fixed.", .lang = "en"});
        w.add_document({.id = "far", .body = "The value is set long before we reach any boundary.",
                        .lang = "en"});
        w.add_document({.id = "gruss", .body = "Viele Grüße aus der Müller-Straße", .lang = "de"});
        w.commit();
    }
    Searcher s(dir / "idx");
    // A phrase matches inflected forms in the same order, and only in that order.
    CHECK(ids(s.search("\"trained model\"")) == std::vector<std::string>{"models"});
    CHECK(ids(s.search("\"model training\"")) == std::vector<std::string>{"reversed"});
    // A hyphenated word: its words near one another, in any order; not far apart.
    CHECK(ids(s.search("boundary-value")) == std::vector<std::string>{"boundary"});
    // ... in every family at once (Xapian takes only terms under OP_NEAR), umlauts and
    // their digraph spelling included.
    CHECK(ids(s.search("Müller-Straße")) == std::vector<std::string>{"gruss"});
    CHECK(ids(s.search("Mueller-Strasse")) == std::vector<std::string>{"gruss"});
    // A wildcard longer than a word's stem still finds the word, through the vocabulary
    // ("training" is indexed as "train").
    CHECK(ids(s.search("traini*")) == std::vector<std::string>{"models", "reversed"});
    CHECK(ids(s.search("Grü*")) == std::vector<std::string>{"gruss"});
    CHECK(s.search("trainx*").results.empty());
}

TEST_CASE("searcher: a one-language index gives the same answers without needless lookups") {
    lupe::test::TempDir dir;
    {
        lupe::IndexWriter w(dir / "idx");
        w.add_document({.id = "a", .body = "Training models", .lang = "en"});
        w.add_document({.id = "b", .body = "Trained dogs", .lang = "en"});
        w.commit();
    }
    Searcher s(dir / "idx");
    CHECK(ids(s.search("trains")) == std::vector<std::string>{"a", "b"});
    CHECK(s.search("trains", {.lang = "en"}).results.size() == 2);  // filter left out
    CHECK(s.search("trains", {.lang = "de"}).results.empty());      // filter kept
    {
        lupe::IndexWriter w(dir / "idx");
        w.add_document({.id = "c", .body = "Das Training der Modelle", .lang = "de"});
        w.commit();
    }
    // The searcher follows the commit, and the German family joins the scope.
    CHECK(ids(s.search("Modelle", {.lang = "de"})) == std::vector<std::string>{"c"});
    CHECK(ids(s.search("Modellen")) == std::vector<std::string>{"c"});
    CHECK(s.search("trains", {.lang = "en"}).results.size() == 2);
}

TEST_CASE("searcher: a compound is found, and highlighted, by its parts at every level") {
    lupe::test::TempDir dir;
    const auto build = [&](const std::string& name, unsigned levels) {
        lupe::IndexWriter w(dir / name, {.compound_levels = levels});
        w.add_document({.id = "court", .title = "Urteil aus Karlsruhe",
                        .body = "Das Bundesverfassungsgericht hat heute entschieden.",
                        .lang = "de"});
        w.add_document({.id = "other", .title = "Wetter", .body = "Morgen regnet es.", .lang = "de"});
        w.commit();
        return dir / name;
    };
    Searcher every(build("every", 0));
    for (const char* query : {"Verfassungsgericht", "Verfassung", "Bundesverfassung", "Gericht"}) {
        INFO(query);
        const auto r = every.search(query);
        REQUIRE(ids(r) == std::vector<std::string>{"court"});
        const auto& snippet = r.results[0].snippet;
        REQUIRE(snippet.highlights.size() == 1);
        const auto& h = snippet.highlights[0];
        CHECK(snippet.text.substr(h.begin, h.end - h.begin) == "Bundesverfassungsgericht");
    }
    // lupe 0.5's one level: Bundesverfassung|s|gericht only.
    Searcher one(build("one", 1));
    CHECK(ids(one.search("Bundesverfassung")) == std::vector<std::string>{"court"});
    CHECK(one.search("Verfassung").results.empty());
    CHECK(one.search("Verfassungsgericht").results.empty());
}

TEST_CASE("searcher: every document with all the words is in the first tier (compound parts)") {
    // Regression: Xapian's OP_AND_MAYBE for the first-tier bonus let documents that matched
    // a word through its compound parts miss the bonus (found on gesetze-de).
    lupe::test::TempDir dir;
    const char* filler[] = {"Gesetz", "Verordnung", "Absatz", "Behörde", "Antrag", "Frist",
                            "Bund", "Land", "Gemeinde", "Verfahren", "Entscheidung", "Recht"};
    const char* topics[] = {"Steuergebiet", "Steuergegenstand", "Gebiet der Steuer",
                            "Gegenstand der Steuer", "Steuer", "Gebiet", "Gegenstand"};
    {
        lupe::IndexWriter w(dir / "idx", {.jobs = 2});
        std::uint32_t x = 12345;
        const auto next = [&x] { x = x * 1103515245u + 12345u; return (x >> 16) & 0x7fff; };
        for (int i = 0; i < 3000; ++i) {
            std::string body;
            const int words = 5 + static_cast<int>(next() % 40);
            for (int k = 0; k < words; ++k) {
                body += (next() % 6 == 0 ? topics[next() % 7] : filler[next() % 12]);
                body += ' ';
            }
            w.add_document({.id = "d" + std::to_string(i), .title = filler[next() % 12],
                            .body = body, .lang = "de"});
        }
        w.commit();
    }
    Searcher s(dir / "idx");
    for (const char* q : {"Steuergebiet Steuergegenstand", "Steuergebiet Gegenstand",
                          "Steuer Steuergegenstand Gebiet"}) {
        CAPTURE(q);
        std::string and_query;
        std::istringstream in(q);
        for (std::string word; in >> word;) and_query += (and_query.empty() ? "" : " AND ") + word;
        std::set<std::string> with_all, first_tier;
        for (const auto& hit : s.search(and_query, {.limit = 10000}).results) with_all.insert(hit.id);
        REQUIRE(!with_all.empty());
        REQUIRE(with_all.size() < 10000);
        const auto r = s.search(q, {.limit = with_all.size() + 10});
        for (const auto& hit : r.results) {
            if (hit.matched_all) first_tier.insert(hit.id);
        }
        CHECK(first_tier == with_all);
    }
}

// Since 0.6 a search without facets matches the two tiers apart (the first, then the
// second only for a page the first does not fill); with facets in one pass, with the bonus.
// Both must give the same page, scores and tiers, at every offset.
TEST_CASE("searcher: the tiers matched apart give the page of one pass, at every offset") {
    lupe::test::TempDir dir;
    const char* words[] = {"Steuer", "Gebiet", "Gegenstand", "Steuergebiet", "Antrag", "Frist",
                           "Behörde", "Verfahren", "die", "der"};
    {
        lupe::IndexWriter w(dir / "idx", {.jobs = 2});
        std::uint32_t x = 4242;
        const auto next = [&x] { x = x * 1103515245u + 12345u; return (x >> 16) & 0x7fff; };
        for (int i = 0; i < 1500; ++i) {
            std::string body;
            const int n = 3 + static_cast<int>(next() % 12);
            for (int k = 0; k < n; ++k) body += std::string(words[next() % 10]) + ' ';
            w.add_document({.id = "d" + std::to_string(i), .title = words[next() % 10],
                            .body = body, .lang = "de"});
        }
        w.commit();
    }
    Searcher s(dir / "idx");
    // Plain words, compounds, stopwords (ranked at stopword_weight), a required and an
    // excluded word, and stopwords alone: each shape of the first tier's own query.
    for (const char* q : {"Steuer Gebiet Gegenstand", "Steuergebiet Frist", "Antrag Behörde",
                          "Gegenstand Verfahren Frist Antrag", "die Steuer der Gebiet",
                          "+Frist Steuer Gebiet", "Steuer Gebiet -Antrag", "die der"}) {
        CAPTURE(q);
        // The whole ranking, in one pass (facets on) and apart (facets off).
        const auto one = s.search(q, {.limit = 2000, .facets = true});
        const auto apart = s.search(q, {.limit = 2000});
        REQUIRE(one.results.size() == apart.results.size());
        REQUIRE(one.results.size() > 100);
        std::size_t first_tier = 0;
        for (std::size_t i = 0; i < one.results.size(); ++i) {
            CAPTURE(i);
            CHECK(one.results[i].id == apart.results[i].id);
            CHECK(one.results[i].rank == apart.results[i].rank);
            CHECK(one.results[i].matched_all == apart.results[i].matched_all);
            CHECK(one.results[i].score == doctest::Approx(apart.results[i].score).epsilon(1e-9));
            first_tier += apart.results[i].matched_all ? 1 : 0;
        }
        REQUIRE(first_tier > 0);
        REQUIRE(first_tier < apart.results.size());  // both tiers are there
        CHECK(apart.total_estimate == apart.results.size());  // the matcher saw every match
        // Pages of 7 before, across and after the tier boundary.
        for (const std::size_t offset : {std::size_t{0}, first_tier - 3, first_tier, first_tier + 11}) {
            CAPTURE(offset);
            const auto page = s.search(q, {.limit = 7, .offset = offset});
            REQUIRE(page.results.size() == 7);
            for (std::size_t i = 0; i < 7; ++i) {
                CHECK(page.results[i].id == apart.results[offset + i].id);
                CHECK(page.results[i].rank == offset + i + 1);
                CHECK(page.results[i].matched_all == apart.results[offset + i].matched_all);
            }
            CHECK(page.total_estimate > offset + 7);
        }
        // Past the end: nothing, and the count of every match.
        const auto past = s.search(q, {.limit = 5, .offset = apart.results.size()});
        CHECK(past.results.empty());
        CHECK(past.total_estimate == apart.results.size());
    }
}

TEST_CASE("searcher: time_limited is only set when the matcher stopped early") {
    Fixture f;
    Searcher s(f.path());
    const auto normal = s.search("Huawei training");
    CHECK_FALSE(normal.time_limited);  // the default limit (seconds) is far off
    // A limit that passes before the match: the matcher still finishes a match this small
    // (fewer documents than it considers between looks at the clock), so the results are
    // complete and not flagged (0.4.0 flagged them). A matcher that stops: test_scores.cpp.
    const auto limited = s.search("Huawei training", {.time_limit_seconds = 1e-9});
    CHECK_FALSE(limited.time_limited);
    CHECK(ids(limited) == ids(normal));
    CHECK_FALSE(s.search("Huawei training", {.time_limit_seconds = 0}).time_limited);  // none
    CHECK_THROWS_AS(s.search("x", {.time_limit_seconds = -1}), lupe::InvalidArgumentError);
}

TEST_CASE("searcher: a wildcard cut to its most frequent terms says so, over-limit queries throw") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        // 1,100 distinct English words "zq" + three letters; "zqa..." are only 26*26 = 676.
        std::string body;
        for (int i = 0; i < 1100; ++i) {
            body += std::string("zq") + char('a' + i / 676) + char('a' + i / 26 % 26) +
                    char('a' + i % 26) + "x ";
        }
        w.add_document({.id = "many", .body = body, .lang = "en"});
        w.add_document({.id = "other", .body = "zqaaax plain words", .lang = "en"});
        w.commit();
    }
    Searcher s(path);
    const auto cut = s.search("zq*");
    REQUIRE(cut.notices.size() == 1);
    CHECK(cut.notices[0] ==
          "the wildcard zq* matches more than 1000 terms: only the most frequent were searched");
    CHECK(has(cut, "other"));  // "zqaaax" is in two documents: among the most frequent
    CHECK(s.search("zqa*").notices.empty());
    CHECK(s.search("plain").notices.empty());
    // Twice in one query, said once.
    CHECK(s.search("zq* OR (zq* words)").notices.size() == 1);

    // A query over a limit is an error, never retried as plain words.
    std::string long_query;
    for (int i = 0; i < 1025; ++i) long_query += "plain ";
    CHECK_THROWS_AS(s.search(long_query), lupe::QueryLimitError);
    CHECK_THROWS_AS(s.search(std::string(40, '(') + "x" + std::string(40, ')')),
                    lupe::QueryLimitError);
    // Other syntax errors still fall back to the plain words.
    const auto retried = s.search("(plain words");
    CHECK_FALSE(retried.syntax_error.empty());
    CHECK(has(retried, "other"));
}

// Issue 15: the same story from two feeds is one hit that counts the other copies; the
// library's Document::duplicate_key, SearchOptions::collapse_duplicates and
// Result::duplicates, author, categories.
TEST_CASE("searcher: copies of one story collapse into one hit with an exact count") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        const lupe::Document story{.id = "ars.rss#1", .title = "Drone with all-round view",
                                   .body = "A drone with an all-round view and a VR headset.",
                                   .lang = "en", .date = "2025-08-14", .author = "Peter",
                                   .categories = {"Drones", "Cameras"},
                                   .duplicate_key = "story-1"};
        w.add_document(story);
        lupe::Document copy = story;  // another feed
        copy.id = "tech.rss#9";
        copy.title = "Drone: all-round view";
        w.add_document(copy);
        lupe::Document third = story;
        third.id = "wire.rss#x";
        w.add_document(third);
        // Same title and day, no key: never collapsed (the engine derives no keys).
        lupe::Document keyless = story;
        keyless.id = "section";
        keyless.duplicate_key = "";
        w.add_document(keyless);
        w.commit();
    }
    Searcher s(path);
    SearchOptions options;
    const auto collapsed = s.search("drone view", options);
    REQUIRE(collapsed.results.size() == 2);
    CHECK(collapsed.total_estimate == 2);
    for (const auto& r : collapsed.results) {
        CHECK(r.author == "Peter");
        CHECK(r.categories == std::vector<std::string>{"Drones", "Cameras"});
        CHECK(r.duplicates == (r.id == "section" ? 0u : 2u));
    }
    CHECK(ids(collapsed) != std::vector<std::string>{});
    options.collapse_duplicates = false;
    const auto all = s.search("drone view", options);
    CHECK(all.results.size() == 4);
    CHECK(all.total_estimate == 4);
    for (const auto& r : all.results) CHECK(r.duplicates == (r.id == "section" ? 0u : 2u));
}

namespace {

std::size_t count_of(const std::vector<lupe::FacetValue>& values, const std::string& value) {
    for (const auto& v : values) {
        if (v.value == value) return v.count;
    }
    return 0;
}

std::size_t sum(const std::vector<lupe::FacetValue>& values) {
    std::size_t n = 0;
    for (const auto& v : values) n += v.count;
    return n;
}

std::vector<std::string> words(const std::vector<lupe::Completion>& completions) {
    std::vector<std::string> out;
    for (const auto& c : completions) out.push_back(c.word);
    return out;
}

}  // namespace

TEST_CASE("searcher: facets count the matches exactly by language, source and year") {
    Fixture f;
    Searcher s(f.path());
    CHECK(s.search("-xyzzyplugh").facets.counted == 0);  // only when asked for
    const auto all = s.search("-xyzzyplugh", {.facets = true});
    const lupe::Facets& facets = all.facets;
    CHECK(facets.exact);
    CHECK(facets.counted == 5);
    CHECK(sum(facets.lang) == facets.counted);
    CHECK(all.total_estimate == facets.counted);
    REQUIRE(facets.lang.size() == 2);
    CHECK(facets.lang[0].value == "en");
    CHECK(facets.lang[0].count == 3);
    CHECK(count_of(facets.lang, "de") == 2);
    REQUIRE(facets.source.size() == 2);  // two documents have no source
    CHECK(facets.source[0].value == "Ars Technica");
    CHECK(facets.source[0].count == 2);
    CHECK(count_of(facets.source, "Golem.de") == 1);
    std::vector<std::string> years;
    for (const auto& y : facets.year) years.push_back(y.value + "=" + std::to_string(y.count));
    CHECK(years == std::vector<std::string>{"2025=2", "2024=1", "2023=1"});  // hamlet undated

    // A ranked query of two tiers (all words first): every match is counted.
    const auto ranked = s.search("Drohnen Rundumsicht training", {.facets = true});
    CHECK(ranked.facets.exact);
    CHECK(ranked.facets.counted == ranked.total_estimate);
    CHECK(sum(ranked.facets.lang) == ranked.facets.counted);
    CHECK(count_of(ranked.facets.lang, "de") == 2);
    // facet_values limits the sources listed, the most frequent first.
    const auto one = s.search("-xyzzyplugh", {.facets = true, .facet_values = 1});
    REQUIRE(one.facets.source.size() == 1);
    CHECK(one.facets.source[0].value == "Ars Technica");
}

TEST_CASE("searcher: a facet value used as a filter gives exactly its count") {
    Fixture f;
    Searcher s(f.path());
    const auto all = s.search("-xyzzyplugh", {.facets = true});
    for (const auto& source : all.facets.source) {
        const auto narrowed = s.search("-xyzzyplugh", {.filter_source = source.value});
        CHECK(narrowed.total_estimate == source.count);
        for (const auto& hit : narrowed.results) CHECK(hit.source == source.value);
    }
    for (const auto& lang : all.facets.lang) {
        CHECK(s.search("-xyzzyplugh", {.filter_lang = lang.value}).total_estimate == lang.count);
    }
    // Filters narrow ranked queries too, and the first tier with them.
    CHECK(ids(s.search("Drohnen", {.filter_source = "Golem.de"})) ==
          std::vector<std::string>{"drone"});
    CHECK(ids(s.search("training chips", {.filter_lang = "en", .filter_source = "Ars Technica"}))
              .size() == 2);
    CHECK(s.search("Drohnen", {.filter_lang = "en"}).results.empty());
    CHECK(s.search("training", {.filter_source = "Ars"}).results.empty());  // exact only
    // A query with nothing to search for and a filter: the filter alone, unranked.
    const auto only = s.search("", {.filter_lang = "de"});
    CHECK(!only.ranked);
    CHECK(ids(only) == std::vector<std::string>{"drone", "strasse"});  // newest first
    const auto dated = s.search("", {.date_from = "2025", .filter_source = "Ars Technica"});
    CHECK(ids(dated) == std::vector<std::string>{"deepseek"});
}

TEST_CASE("searcher: facets beyond facet_documents are scaled estimates") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        // 20 documents with both words, which fill the page and outweigh any with one:
        // the matcher stops looking at the others once it has seen facet_documents.
        for (int i = 0; i < 20; ++i) {
            w.add_document({.id = "both" + std::to_string(i), .body = "alpha beta alpha",
                            .lang = i % 2 ? "en" : "de", .date = "2020-01-01"});
        }
        for (int i = 0; i < 200; ++i) {
            w.add_document({.id = "beta" + std::to_string(i), .body = "beta and more words",
                            .lang = i % 2 ? "en" : "de", .date = "2021"});
        }
        for (int i = 0; i < 300; ++i) {
            w.add_document({.id = "other" + std::to_string(i), .body = "gamma", .lang = "en"});
        }
        w.commit();
    }
    Searcher s(path);
    const auto exact = s.search("alpha beta", {.facets = true});
    CHECK(exact.facets.exact);
    CHECK(exact.facets.counted == 220);
    CHECK(sum(exact.facets.lang) == 220);
    CHECK(count_of(exact.facets.year, "2020") == 20);

    for (const bool collapse : {true, false}) {
        const auto r = s.search("alpha beta", {.collapse_duplicates = collapse, .facets = true,
                                               .facet_documents = 30});
        CHECK_FALSE(r.facets.exact);
        CHECK(r.facets.counted >= 30);
        CHECK(r.facets.counted < 220);
        CHECK(sum(r.facets.lang) > r.facets.counted);  // scaled up
        if (!collapse) {
            // Scaled to the estimate of matching documents (total_estimate when nothing is
            // collapsed): they add up to it, give or take rounding.
            const double total = static_cast<double>(r.total_estimate);
            CHECK(std::abs(static_cast<double>(sum(r.facets.lang)) - total) <= 2.0);
        }
    }
}

TEST_CASE("searcher: facets count each copy of a collapsed story") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        const lupe::Document story{.id = "a", .title = "Drone with all-round view",
                                   .body = "A drone.", .lang = "en", .date = "2025-08-14",
                                   .source = "Ars", .duplicate_key = "story-1"};
        w.add_document(story);
        lupe::Document copy = story;
        copy.id = "b";
        copy.source = "Wire";
        w.add_document(copy);
        w.add_document({.id = "c", .title = "Another drone", .body = "Drone.", .lang = "de"});
        w.commit();
    }
    Searcher s(path);
    const auto r = s.search("drone", {.facets = true});
    CHECK(r.results.size() == 2);  // collapsed
    CHECK(r.facets.exact);
    CHECK(r.facets.counted == 3);  // copies included
    CHECK(count_of(r.facets.lang, "en") == 2);
    CHECK(count_of(r.facets.source, "Ars") == 1);
    CHECK(count_of(r.facets.source, "Wire") == 1);
}

TEST_CASE("searcher: complete() gives vocabulary words, most used first") {
    Fixture f;
    Searcher s(f.path());
    // German compounds are whole words of the vocabulary; the prefix is lower-cased.
    const auto rundum = s.complete("Rundum");
    REQUIRE(!rundum.empty());
    CHECK(rundum[0].word == "rundumsicht");
    CHECK(rundum[0].documents == 1);
    // "training" is in two documents, "train" in one.
    const auto tr = s.complete("tr", 10);
    REQUIRE(tr.size() >= 2);
    CHECK(tr[0].word == "training");
    CHECK(tr[0].documents == 2);
    const auto d = s.complete("d", 100);
    REQUIRE(d.size() > 3);
    for (std::size_t i = 1; i < d.size(); ++i) {
        CHECK(d[i].word.starts_with("d"));
        const bool ordered = d[i - 1].documents > d[i].documents ||
                             (d[i - 1].documents == d[i].documents && d[i - 1].word < d[i].word);
        CHECK(ordered);
    }
    CHECK(s.complete("d", 2).size() == 2);
    CHECK(words(s.complete("d", 2)) == std::vector<std::string>{d[0].word, d[1].word});
    CHECK(s.complete("").empty());
    CHECK(s.complete("the ").empty());  // no word being typed
    CHECK(s.complete("xyzzyq").empty());
    CHECK(words(s.complete("Elon Mu")) == std::vector<std::string>{"musk"});  // the last word
    // A new commit is seen.
    {
        lupe::IndexWriter w(f.path());
        w.add_document({.id = "zep", .title = "Zeppelin", .body = "Ein Luftschiff.", .lang = "de"});
        w.commit();
    }
    CHECK(words(s.complete("zepp")) == std::vector<std::string>{"zeppelin"});
}

TEST_CASE("searcher: document() gives the stored fields and text") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path);
        w.add_document({.id = "ars#1", .title = "Drone with all-round view",
                        .body = "A drone with an all-round view.\n\nAnd a VR headset.",
                        .lang = "en", .date = "2025-08-14", .url = "https://ars.example/1",
                        .source = "Ars Technica", .author = "Peter",
                        .categories = {"Drones", "Cameras"}, .duplicate_key = "story-1"});
        w.commit();
    }
    Searcher s(path);
    const auto doc = s.document("ars#1");
    REQUIRE(doc.has_value());
    CHECK(doc->id == "ars#1");
    CHECK(doc->title == "Drone with all-round view");
    CHECK(doc->body == "A drone with an all-round view.\n\nAnd a VR headset.");
    CHECK(doc->lang == "en");
    CHECK(doc->date == "2025-08-14");
    CHECK(doc->url == "https://ars.example/1");
    CHECK(doc->source == "Ars Technica");
    CHECK(doc->author == "Peter");
    CHECK(doc->categories == std::vector<std::string>{"Drones", "Cameras"});
    CHECK(doc->duplicate_key.empty());
    CHECK_FALSE(s.document("ars#2").has_value());
    CHECK_FALSE(s.document("").has_value());
}

TEST_CASE("searcher: similar() finds the near-duplicate first and leaves the document out") {
    Fixture f;
    {
        lupe::IndexWriter w(f.path());
        w.add_document({.id = "deepseek-copy", .title = "DeepSeek could not train on Huawei chips",
                        .body = "The startup had persistent technical issues during its R2 "
                                "training process on Ascend chips.",
                        .lang = "en", .date = "2025-08-15", .source = "Wire"});
        w.commit();
    }
    Searcher s(f.path());
    const auto r = s.similar("deepseek", {.highlight_open = "[", .highlight_close = "]"});
    REQUIRE(r.has_value());
    REQUIRE(!r->results.empty());
    CHECK(r->results[0].id == "deepseek-copy");
    CHECK_FALSE(has(*r, "deepseek"));
    CHECK(r->query.find("ascend") != std::string::npos);
    CHECK(r->results[0].snippet_marked.find('[') != std::string::npos);
    // The options apply: filters, facets.
    const auto wire = s.similar("deepseek", {.facets = true, .filter_source = "Wire"});
    REQUIRE(wire.has_value());
    CHECK(ids(*wire) == std::vector<std::string>{"deepseek-copy"});
    CHECK(wire->facets.counted == 1);
    CHECK(s.similar("deepseek", {.filter_lang = "de"})->results.empty());
    CHECK_FALSE(s.similar("nope").has_value());
    CHECK_THROWS_AS(s.similar("deepseek", {.limit = 0}), lupe::InvalidArgumentError);
}

TEST_CASE("searcher: status() names the generation, and follows a rebuild") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    {
        lupe::IndexWriter w(path, {.rebuild = true});
        w.add_document({.id = "a", .body = "Drohnen fliegen", .lang = "de"});
        w.publish();
    }
    Searcher s(path);
    const lupe::IndexStatus before = s.status();
    CHECK(before.documents == 1);
    REQUIRE(before.shards.size() == 1);
    CHECK(before.shards[0].name == path);
    CHECK(before.shards[0].generation.starts_with("gen-"));
    CHECK(before.shards[0].revision > 0);
    CHECK(before.shards[0].documents == 1);
    CHECK(before.missing.empty());
    {
        lupe::IndexWriter w(path, {.rebuild = true});
        w.add_document({.id = "a", .body = "Drohnen fliegen", .lang = "de"});
        w.add_document({.id = "b", .body = "Drohnen landen", .lang = "de"});
        w.publish();
    }
    const lupe::IndexStatus after = s.status();
    CHECK(after.documents == 2);
    REQUIRE(after.shards.size() == 1);
    CHECK(after.shards[0].generation != before.shards[0].generation);
    CHECK(after.shards[0].generation.starts_with("gen-"));
}

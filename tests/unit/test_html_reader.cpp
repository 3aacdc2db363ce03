// Tests of apps/readers/html_reader and html_text: real-looking pages from
// tests/fixtures/html/ with the quirks of real ones.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "apps/readers/html_reader.hpp"
#include "lupe/error.hpp"
#include "lupe/utf8.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::readers;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(LUPE_FIXTURES_DIR) + "/html/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

lupe::Document page(const std::string& name, std::vector<std::string>* notes_out = nullptr,
                    const std::string& forced = "") {
    std::vector<std::string> notes;
    lupe::Document doc = parse_html_document(fixture(name), forced, notes);
    if (notes_out != nullptr) *notes_out = notes;
    CHECK_FALSE(lupe::find_invalid_utf8(doc.title));
    CHECK_FALSE(lupe::find_invalid_utf8(doc.body));
    return doc;
}

lupe::Document html(const std::string& text) {
    std::vector<std::string> notes;
    return parse_html_document(text, "", notes);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("html: an article page with <main>: fields and text without boilerplate") {
    const auto doc = page("golem-article.html");
    CHECK(doc.title == "Antigravity A1: Fliegen mit Rundumsicht & 8K");  // og:title wins
    CHECK(doc.lang == "de-AT");
    CHECK(doc.date == "2025-08-14T08:00:00Z");  // in UTC, as feed dates  // article:published_time wins
    CHECK(doc.url == "https://www.golem.de/news/antigravity-a1-2508-199.html");  // canonical
    CHECK(doc.body ==
          "Antigravity A1: Fliegen mit Rundumsicht\n\n"
          "Von Jan am 13. August 2025\n\n"
          "Die Drohne\n\n"
          "Rundumsicht bietet die Kamera mit 360 Grad \xE2\x80\x93 \xE2\x80\x9E"
          "Rundumsicht\xE2\x80\x9C, sagt der Hersteller\xE2\x80\x99s Sprecher\xE2\x80\x99.\n\n"
          "Preis: 1.599 \xE2\x82\xAC & mehr.\nZweite Zeile.");
    // Block boundaries: the two paragraphs never give the phrase "Drohne Rundumsicht".
    CHECK_FALSE(has(doc.body, "Drohne Rundumsicht"));
    CHECK_FALSE(has(doc.body, "DrohneRundumsicht"));
    // Nothing from around <main>, nor from script, style, noscript, template, svg.
    for (const char* boilerplate : {"Golem.de", "Specials", "Anzeige", "Impressum", "Werbeskript",
                                    "display", "JavaScript", "Vorlage", "Skripttext", "Icon",
                                    "Grafik"}) {
        CAPTURE(boilerplate);
        CHECK_FALSE(has(doc.body, boilerplate));
    }
}

TEST_CASE("html: a page without <main> or <article> keeps all of its body") {
    const auto doc = page("no-main.html");
    CHECK(doc.title == "Quokka census results");  // " | Example News" is the site
    CHECK(doc.lang == "en");                      // from Content-Language
    CHECK(doc.date == "2024-05-17");              // meta name=date
    CHECK(doc.url == "https://example.org/quokka");  // og:url without a canonical link
    CHECK(doc.body ==
          "Home \xC2\xB7 World \xC2\xB7 Science\n\nQuokka census results\n\n"
          "Rottnest Island counted more quokkas than ever.\n\nThe census ran for two weeks.\n\n"
          "2023\n\n12000\n\n2024\n\n12500\n\nCopyright Example News");
}

TEST_CASE("html: with several <article>s, the largest is the content") {
    const auto doc = page("articles.html");
    CHECK(doc.body ==
          "The story\n\nThe story itself is much longer than the teasers around it, with "
          "several sentences of text.\n\nA comment inside the story.");
}

TEST_CASE("html: title") {
    SUBCASE("a site suffix after ' - ', ' | ', ' :: ', ' \xE2\x80\x93 ' is dropped") {
        CHECK(html("<title>Story of the day - Golem.de</title><p>x").title == "Story of the day");
        CHECK(html("<title>Story of the day | Ars Technica</title><p>x").title == "Story of the day");
        CHECK(html("<title>Story of the day \xE2\x80\x93 heise online</title><p>x").title ==
              "Story of the day");
        CHECK(page("title-markup.html").title == "Breaking: Rust & C++ \xE2\x80\x94 a \"truce\"");
    }
    SUBCASE("a suffix that is not clearly a site is kept") {
        // A part number, not a site.
        CHECK(page("title-html.html").title == "Fazit: Haushalt - Teil 2");
        CHECK(html("<title>Haushalt 2025 - 3</title><p>x").title == "Haushalt 2025 - 3");
        // As long as the rest: "A - B" could be either.
        CHECK(html("<title>Bund - Länder</title><p>x").title == "Bund - Länder");
        // Too long for a site's name.
        CHECK(html("<title>Kurz - eine sehr lange Fortsetzung des Titels, kein Name</title>"
                   "<p>x").title == "Kurz - eine sehr lange Fortsetzung des Titels, kein Name");
    }
    SUBCASE("HTML inside <title> and og:title becomes text") {
        CHECK(page("title-markup.html").title.find('<') == std::string::npos);
        CHECK(html("<meta property=og:title content=\"&lt;b&gt;Bold&lt;/b&gt; news\"><p>x")
                  .title == "Bold news");
        // Entities are decoded once: "&amp;amp;" is "&amp;" to a reader.
        CHECK(html("<title>Fish &amp;amp; Chips</title><p>x").title == "Fish &amp; Chips");
    }
    SUBCASE("without og:title or <title>: the first <h1>") {
        const auto doc = page("h1-only.html");
        CHECK(doc.title == "The only heading");
        CHECK(doc.date == "2022-02-22T22:22:00Z");  // <time datetime>
    }
}

TEST_CASE("html: language") {
    CHECK(html("<html lang=\"de-AT\"><p>x").lang == "de-AT");  // kept; the engine reads "de"
    CHECK(html("<html xml:lang=\"de\"><p>x").lang == "de");    // XHTML
    CHECK(html("<html lang=en><meta http-equiv=content-language content=de><p>x").lang == "en");
    CHECK(html("<meta http-equiv=Content-Language content=\"de, en\"><p>x").lang == "de");
    CHECK(html("<p>x").lang.empty());  // left to the engine's detection
}

TEST_CASE("html: dates from each source, in order") {
    CHECK(page("title-markup.html").date == "2023-11-30");           // dcterms.date
    CHECK(page("iso-8859-1-http-equiv.html").date == "2019-03-04");  // DC.date
    // <time datetime> in the content comes before DC.date and date.
    CHECK(html("<meta name=DC.date content=2001-01-01><meta name=date content=2002-02-02>"
               "<p><time datetime=2020-02-02>x</time>")
              .date == "2020-02-02");
    CHECK(html("<meta name=date content=2002-02-02><p>x").date == "2002-02-02");
    CHECK(html("<p>x").date.empty());
}

TEST_CASE("html: charsets") {
    std::vector<std::string> notes;
    SUBCASE("meta charset=windows-1252") {
        const auto doc = page("windows-1252-meta.html", &notes);
        CHECK(doc.title ==
              "Stra\xC3\x9F" "enbau: \xE2\x80\x9CGr\xC3\xB6\xC3\x9F" "e z\xC3\xA4hlt\xE2\x80\x9D");
        CHECK(doc.body == "Die Stra\xC3\x9F" "e ist 3\xE2\x80\x93spurig \xE2\x80\x9E" "breit\xE2\x80\x9C.");
        CHECK(notes.empty());
    }
    SUBCASE("http-equiv ISO-8859-1 is read as windows-1252, as browsers do") {
        const auto doc = page("iso-8859-1-http-equiv.html", &notes);
        CHECK(doc.title == "M\xC3\xBCnchen \xE2\x80\x9Cheute\xE2\x80\x9D");
        CHECK(doc.body == "Gr\xC3\xBC\xC3\x9F" "e aus M\xC3\xBCnchen \xE2\x82\xAC 5");
        CHECK(notes.empty());
    }
    SUBCASE("meta charset=iso-8859-15: 0xA4 is the euro sign") {
        CHECK(page("iso-8859-15-meta.html").body == "Kostet 5 \xE2\x82\xAC.");
    }
    SUBCASE("a UTF-8 BOM wins over a meta charset") {
        const auto doc = page("utf8-bom.html", &notes);
        CHECK(doc.title == "BOM wins");
        CHECK(doc.body == "Stra\xC3\x9F" "e");
    }
    SUBCASE("UTF-16 with a BOM, little- and big-endian") {
        for (const char* name : {"utf16le-bom.html", "utf16be-bom.html"}) {
            CAPTURE(name);
            const auto doc = page(name);
            CHECK(doc.title == "UTF-16 Seite");
            CHECK(doc.body == "Stra\xC3\x9F" "e und Gr\xC3\xB6\xC3\x9F" "e");
        }
    }
    SUBCASE("undeclared and not UTF-8: Windows-1252, with a note naming the line") {
        const auto doc = page("undeclared-latin1.html", &notes);
        CHECK(doc.body == "Gr\xC3\xB6\xC3\x9F" "e\n\nsecond line \xE2\x80\x9Cx\xE2\x80\x9D");
        REQUIRE(notes.size() == 1);
        CHECK(notes[0] == "not valid UTF-8 (first bad byte at line 1, column 56); read as "
                          "Windows-1252");
    }
    SUBCASE("a forced encoding wins over the declaration") {
        const auto doc = page("windows-1252-meta.html", &notes, "ISO-8859-15");
        CHECK(has(doc.body, "Stra\xC3\x9F" "e"));
        CHECK_FALSE(has(doc.body, "\xE2\x80\x9E"));  // 0x84 is a control in ISO-8859-15
    }
    SUBCASE("a declared charset past the first 1024 bytes is not seen") {
        const std::string padding(1100, ' ');
        const auto doc = html("<html><head>" + padding +
                              "<meta charset=\"koi8-r\"></head><body><p>\xE4</p></body></html>");
        CHECK(doc.body == "\xC3\xA4");  // Windows-1252, not KOI8-R
    }
    SUBCASE("a declared charset the bytes do not fit: guessed, with a note") {
        notes.clear();
        const auto doc = parse_html_document("<meta charset=utf-8><p>Gr\xF6\xDF" "e</p>", "", notes);
        CHECK(doc.body == "Gr\xC3\xB6\xC3\x9F" "e");
        REQUIRE(notes.size() == 2);
        CHECK(has(notes[0], "declares utf-8 but is not"));
    }
    SUBCASE("an unknown declared charset is ignored, with a note") {
        notes.clear();
        const auto doc = parse_html_document("<meta charset=x-klingon><p>ok</p>", "", notes);
        CHECK(doc.body == "ok");
        REQUIRE(notes.size() == 1);
        CHECK(has(notes[0], "unknown character encoding \"x-klingon\""));
        // A name with bytes no charset name has is shown as printable ASCII (fuzzing found
        // a note that was not valid UTF-8).
        notes.clear();
        parse_html_document("<meta charset=\"iso\x94-8859\"><p>ok</p>", "", notes);
        REQUIRE(notes.size() == 2);  // and the page is not UTF-8
        CHECK(has(notes[0], "\"iso?-8859\""));
    }
    SUBCASE("an unknown forced encoding is an error naming it") {
        CHECK_THROWS_WITH_AS(parse_html_document("<p>x</p>", "x-klingon", notes),
                             doctest::Contains("\"x-klingon\""), lupe::DocumentError);
    }
}

TEST_CASE("html: block and inline elements") {
    CHECK(html("<p>a</p><p>b</p>").body == "a\n\nb");
    CHECK(html("<p>Drohne</p><p>Rundumsicht</p>").body == "Drohne\n\nRundumsicht");
    CHECK(html("<p>Rund<b>um</b>sicht</p>").body == "Rundumsicht");
    CHECK(html("<p>x<span>y</span> <a href=#>z</a></p>").body == "xy z");
    CHECK(html("<ul><li>one<li>two</ul><div>three</div>four").body == "one\n\ntwo\n\nthree\n\nfour");
    CHECK(html("<dl><dt>term<dd>meaning</dl><blockquote>q</blockquote><h2>h</h2>").body ==
          "term\n\nmeaning\n\nq\n\nh");
    CHECK(html("<p>line<br>break</p>").body == "line\nbreak");
    CHECK(html("<p>a<hr>b").body == "a\n\nb");
    CHECK(html("<pre>  keep\n    this</pre>").body == "  keep\n    this");
    CHECK(html("<p>  many \n\t spaces  </p>").body == "many spaces");
    CHECK(html("<figure><img src=x><figcaption>cap</figcaption></figure>text").body ==
          "cap\n\ntext");
    // Tag soup: unclosed and misnested elements lose no word.
    CHECK(html("<p>unclosed <b>bold <i>both</b> italic</i><p>next").body ==
          "unclosed bold both italic\n\nnext");
}

TEST_CASE("html: entities and numeric references") {
    CHECK(html("<p>&amp; &lt; &gt; &quot; &eacute; &#8217; &#x2019; &euro; &nbsp;x</p>").body ==
          "& < > \" \xC3\xA9 \xE2\x80\x99 \xE2\x80\x99 \xE2\x82\xAC x");
}

TEST_CASE("html: a page without text is an error") {
    CHECK_THROWS_WITH_AS(html(fixture("empty.html")), "no text", lupe::DocumentError);
    CHECK_THROWS_AS(html("   "), lupe::DocumentError);
}

TEST_CASE("html: deep nesting costs no stack") {
    // Within libxml2's depth limit (256) everything is read, by a walk without recursion.
    std::string deep;
    for (int i = 0; i < 120; ++i) deep += "<div><b>";
    CHECK(html(deep + "bottom").body == "bottom");
    // Beyond it, libxml2 stops building the tree: the text before that point is kept,
    // and nothing crashes however deep the page goes.
    for (int i = 0; i < 100000; ++i) deep += "<div><b>";
    CHECK(html("<p>top</p>" + deep + "bottom").body == "top");
}

TEST_CASE("html_fragment_to_text") {
    CHECK(html_fragment_to_text("Plain text, as it is.\n  Spaces too.") ==
          "Plain text, as it is.\n  Spaces too.");
    CHECK(html_fragment_to_text("Fish &amp; chips") == "Fish & chips");
    CHECK(html_fragment_to_text("<p>One</p><p>Two <b>bold</b></p><script>x()</script>") ==
          "One\n\nTwo bold");
    CHECK(html_fragment_to_text("") == "");
    // Not UTF-8 after all (a mis-declared feed): read as Windows-1252, never an error.
    CHECK(html_fragment_to_text("\xFF\xFE<p>Gr\xF6\xDF" "e</p>") ==
          "\xC3\xBF\xC3\xBE\n\nGr\xC3\xB6\xC3\x9F" "e");
    CHECK(html_fragment_to_text("<br>") == "");
}

TEST_CASE("read_html_file: a document, notes, and an error naming the reason") {
    lupe::test::TempDir dir;
    std::vector<lupe::Document> docs;
    std::vector<std::string> errors, notes;
    ReadCallbacks callbacks;
    callbacks.on_document = [&](lupe::Document&& d, std::size_t) { docs.push_back(std::move(d)); };
    callbacks.on_error = [&](std::size_t, const std::string& r) { errors.push_back(r); };
    callbacks.on_note = [&](std::size_t, const std::string& n) { notes.push_back(n); };
    read_html_file(dir.write("a.html", fixture("undeclared-latin1.html")), "a.html", callbacks);
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].id == "a.html");
    CHECK(docs[0].title == "Undeclared");
    CHECK(notes.size() == 1);
    read_html_file(dir.write("e.html", fixture("empty.html")), "e.html", callbacks);
    CHECK(docs.size() == 1);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "no text");
    ReadOptions options;
    options.encoding = "no-such-charset";
    read_html_file(dir / "a.html", "a.html", callbacks, options);
    REQUIRE(errors.size() == 2);
    CHECK(has(errors[1], "\"no-such-charset\""));
}

// Tests of apps/readers/feed_reader (RSS and Atom) and feed_date (feed dates), on the real
// files in tests/fixtures/feeds/.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <string>
#include <utility>
#include <vector>

#include "apps/readers/feed_reader.hpp"
#include "lupe/utf8.hpp"

using namespace lupe::readers;

namespace {

struct Feed {
    std::vector<lupe::Document> docs;
    std::vector<std::size_t> lines;
    std::vector<std::pair<std::size_t, std::string>> errors;
    std::vector<std::pair<std::size_t, std::string>> notes;

    ReadCallbacks callbacks() {
        ReadCallbacks cb;
        cb.on_document = [this](lupe::Document&& d, std::size_t line) {
            docs.push_back(std::move(d));
            lines.push_back(line);
        };
        cb.on_error = [this](std::size_t line, const std::string& r) { errors.emplace_back(line, r); };
        cb.on_note = [this](std::size_t line, const std::string& n) { notes.emplace_back(line, n); };
        return cb;
    }
    const lupe::Document& doc(std::size_t i) const {
        REQUIRE(i < docs.size());
        return docs[i];
    }
};

std::string fixture(const std::string& name) { return std::string(LUPE_FIXTURES_DIR) + "/feeds/" + name; }

Feed read(const std::string& name, const std::string& prefix = "f", const std::string& encoding = "") {
    Feed feed;
    ReadOptions options;
    options.encoding = encoding;
    read_feed_file(fixture(name), prefix, feed.callbacks(), options);
    return feed;
}

Feed parse(std::string_view bytes, const std::string& forced = "") {
    Feed feed;
    parse_feed(bytes, "p", forced, feed.callbacks());
    return feed;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("feed_date_to_iso: RFC 822 and RFC 2822") {
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 +0200") == "2025-08-05T08:00:00Z");
    CHECK(feed_date_to_iso("Tue, 5 Aug 2025 10:00:00 -0500") == "2025-08-05T15:00:00Z");
    CHECK(feed_date_to_iso("5 Aug 2025 10:00 GMT") == "2025-08-05T10:00:00Z");
    CHECK(feed_date_to_iso("05 Aug 25 10:00:00 UT") == "2025-08-05T10:00:00Z");
    CHECK(feed_date_to_iso("05 Aug 99 10:00:00 UTC") == "1999-08-05T10:00:00Z");
    CHECK(feed_date_to_iso("Thursday, 14 August 2025 20:34:51 Z") == "2025-08-14T20:34:51Z");
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 EST") == "2025-08-05T15:00:00Z");
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 EDT") == "2025-08-05T14:00:00Z");
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 PDT") == "2025-08-05T17:00:00Z");
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 CST") == "2025-08-05T16:00:00Z");
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 MDT") == "2025-08-05T16:00:00Z");
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 A") == "2025-08-05T10:00:00Z");  // military: UTC
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 +0200 (CEST)") == "2025-08-05T08:00:00Z");
}

TEST_CASE("feed_date_to_iso: the broken forms of German feeds") {
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 CEST") == "2025-08-05T08:00:00Z");
    CHECK(feed_date_to_iso("Di, 05 Aug 2025 10:00:00 MESZ") == "2025-08-05T08:00:00Z");
    CHECK(feed_date_to_iso("Mo, 03 M\xC3\xA4r 2025 10:00:00 MEZ") == "2025-03-03T09:00:00Z");
    CHECK(feed_date_to_iso("03 Mrz 2025 10:00:00 CET") == "2025-03-03T09:00:00Z");
    CHECK(feed_date_to_iso("Mi, 14. Mai 2025 12:00:00 +0200") == "2025-05-14T10:00:00Z");
    CHECK(feed_date_to_iso("01 Okt 2025") == "2025-10-01");
    CHECK(feed_date_to_iso("Freitag, 24. Dezember 2025") == "2025-12-24");
}

TEST_CASE("feed_date_to_iso: RFC 3339 and ISO 8601") {
    CHECK(feed_date_to_iso("2025-08-05T10:00:00Z") == "2025-08-05T10:00:00Z");
    CHECK(feed_date_to_iso("2025-08-05T10:00:00+02:00") == "2025-08-05T08:00:00Z");
    CHECK(feed_date_to_iso("2025-08-05t10:00:00.123456-07:00") == "2025-08-05T17:00:00Z");
    CHECK(feed_date_to_iso("2025-08-05T10:00+0200") == "2025-08-05T08:00:00Z");
    CHECK(feed_date_to_iso("2025-08-05 10:00:00") == "2025-08-05T10:00:00Z");
    CHECK(feed_date_to_iso("2025-08-05 10:00:00 UTC") == "2025-08-05T10:00:00Z");
    CHECK(feed_date_to_iso("  2025-08-05  ") == "2025-08-05");
    CHECK(feed_date_to_iso("2016-12-31T23:59:60Z") == "2016-12-31T23:59:59Z");  // leap second
}

TEST_CASE("feed_date_to_iso: offsets roll the date over") {
    CHECK(feed_date_to_iso("2025-01-01T01:00:00+02:00") == "2024-12-31T23:00:00Z");
    CHECK(feed_date_to_iso("Fri, 31 Dec 2027 22:30:00 -0200") == "2028-01-01T00:30:00Z");
    CHECK(feed_date_to_iso("2024-03-01T00:30:00+01:00") == "2024-02-29T23:30:00Z");  // leap year
    CHECK(feed_date_to_iso("2023-03-01T00:30:00+01:00") == "2023-02-28T23:30:00Z");
    CHECK(feed_date_to_iso("2000-02-28T23:00:00-02:00") == "2000-02-29T01:00:00Z");  // 400-year rule
    CHECK(feed_date_to_iso("2025-04-30T23:00:00-01:00") == "2025-05-01T00:00:00Z");
}

TEST_CASE("feed_date_to_iso: what is not a date") {
    CHECK(feed_date_to_iso("") == "");
    CHECK(feed_date_to_iso("sometime last week") == "");
    CHECK(feed_date_to_iso("2025-02-30") == "");                       // no such day
    CHECK(feed_date_to_iso("2023-02-29T10:00:00Z") == "");             // not a leap year
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 25:00:00 GMT") == "");    // no such hour
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:61:00 GMT") == "");
    CHECK(feed_date_to_iso("Tue, 05 Foo 2025 10:00:00 GMT") == "");    // no such month
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 XYZ") == "");    // unknown zone: not guessed
    CHECK(feed_date_to_iso("Tue, 05 Aug 2025 10:00:00 +2500") == "");
    CHECK(feed_date_to_iso("2025-08-05T10:00:00Z trailing") == "");
    CHECK(feed_date_to_iso("2025-8-5") == "");
    CHECK(feed_date_to_iso(std::string(200, '1')) == "");
}

TEST_CASE("looks_like_feed: the root element decides, after the prolog") {
    CHECK(looks_like_feed("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>"));
    CHECK(looks_like_feed("\xEF\xBB\xBF<?xml version=\"1.0\"?><!-- <html> --><feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    CHECK(looks_like_feed("<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?>"
                          "<!DOCTYPE rss [<!ENTITY x \"<html>\">]><rss>"));
    CHECK(looks_like_feed("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"));
    CHECK(looks_like_feed("<RDF xmlns=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"));
    CHECK(looks_like_feed(std::string("\xFF\xFE<\0r\0s\0s\0>\0", 12)));  // UTF-16LE
    CHECK_FALSE(looks_like_feed("<RDF xmlns=\"http://example.org/\">"));
    CHECK_FALSE(looks_like_feed("<?xml version=\"1.0\"?><urlset><url>"));
    CHECK_FALSE(looks_like_feed("<!DOCTYPE html><html><body><rss>"));
    CHECK_FALSE(looks_like_feed("plain text that mentions <rss>"));
    CHECK_FALSE(looks_like_feed(""));
    CHECK_FALSE(looks_like_feed("<!-- never closed <rss>"));
}

TEST_CASE("feeds: Ars Technica (RSS 2.0, dc:creator, categories, content:encoded)") {
    const Feed f = read("ars-technica.rss", "ars.xml");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 2);
    const auto& d = f.doc(0);
    CHECK(d.id == "ars.xml#https://arstechnica.com/?p=2112358");
    CHECK(d.title == "Upcoming DeepSeek AI model failed to train using Huawei\xE2\x80\x99s chips");
    CHECK(d.url == "https://arstechnica.com/ai/2025/08/deepseek-delays-next-ai-model-due-to-poor-performance-of-chinese-made-chips/");
    CHECK(d.date == "2025-08-14T20:34:51Z");
    CHECK(d.author == "Zijing Wu and Eleanor Olcott, Financial Times");
    CHECK(d.categories == std::vector<std::string>{"AI", "Biz & IT", "deepseek", "huawei", "syndication"});
    CHECK(d.source == "Ars Technica - All content");
    CHECK(d.lang == "en-US");
    // The subtitle (description) is not in the article: both, subtitle first.
    CHECK(d.body.rfind("Startup encountered persistent technical issues using Huawei Ascend chips.", 0) == 0);
    CHECK(d.body.find("Nvidia chips for training and Huawei\xE2\x80\x99s for inference") != std::string::npos);
    CHECK(d.body.find("Read full article") != std::string::npos);
    CHECK(d.body.find("<p>") == std::string::npos);
    CHECK(f.lines[0] == 31);  // the line of <item>
    CHECK(f.doc(1).author == "Ashley Belanger");
    CHECK(f.doc(1).body.find("years-long harassment campaign") != std::string::npos);
}

TEST_CASE("feeds: Golem (German, description repeated in content:encoded, +0200)") {
    const Feed f = read("golem.rss", "golem.xml");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 1);
    const auto& d = f.doc(0);
    CHECK(d.id == "golem.xml#https://www.golem.de/news/antigravity-a1-fliegen-im-rausch-der-rundumsicht-2508-199123.html");
    CHECK(d.title == "Antigravity A1: Fliegen im Rausch der Rundumsicht");
    CHECK(d.url == "https://www.golem.de/news/antigravity-a1-fliegen-im-rausch-der-rundumsicht-2508-199123-rss.html");
    CHECK(d.date == "2025-08-14T10:00:02Z");
    CHECK(d.lang == "de-de");
    CHECK(d.source == "Golem.de");
    CHECK(d.author.empty());
    // The description is repeated at the start of content:encoded: it must count once.
    CHECK(count(d.body, "Eine neuartige Drohne") == 1);
    CHECK(d.body.find("360\xC2\xB0-Rundumsicht") != std::string::npos);
    CHECK(d.body.find("Peter Steinlechner (Antigravity, Kameras)") != std::string::npos);
    CHECK(d.body.find("cpx.golem.de") == std::string::npos);
}

TEST_CASE("feeds: RSS 0.91 with the Netscape DOCTYPE and HTML entities it declares") {
    const Feed f = read("rss091.rss");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 2);
    CHECK(f.doc(0).source == "Caf\xC3\xA9 News");
    CHECK(f.doc(0).title == "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e & more");
    CHECK(f.doc(0).body.find("d\xC3\xA9licieux") != std::string::npos);
    CHECK(f.doc(0).lang == "en-us");
    CHECK(f.doc(0).id == "f#http://www.example.com/2004/creme.html");  // no guid: the link
    CHECK(f.doc(1).url == "http://www.example.com/2004/second.html");  // relative to the channel
}

TEST_CASE("feeds: RSS 0.92 items without titles; an item with neither title nor text") {
    const Feed f = read("rss092.xml");
    REQUIRE(f.docs.size() == 2);
    CHECK(f.doc(0).title.empty());
    CHECK(f.doc(0).body == "It's a title-less item: the body is HTML escaped twice.");
    CHECK(f.doc(0).categories == std::vector<std::string>{"Radio &amp; Music"});
    CHECK(f.doc(1).title == "An item with a title only");
    CHECK(f.doc(0).id != f.doc(1).id);
    REQUIRE(f.errors.size() == 1);
    CHECK(f.errors[0] == std::pair<std::size_t, std::string>{15, "item without title or text"});
}

TEST_CASE("feeds: RSS 1.0 (RDF): items beside the channel, dc: fields, rdf:about") {
    const Feed f = read("rss10.rdf");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 2);
    const auto& d = f.doc(0);
    CHECK(d.id == "f#https://www.heise.de/news/1.html");
    CHECK(d.url == "https://www.heise.de/news/1.html?wt_mc=rss");
    CHECK(d.date == "2025-08-14T08:15:00Z");
    CHECK(d.author == "Anna Beispiel");
    CHECK(d.categories == std::vector<std::string>{"Rechenzentren"});
    CHECK(d.lang == "de");
    CHECK(d.source == "heise online News");
    CHECK(f.doc(1).url == "https://www.heise.de/news/2.html");
    CHECK(f.doc(1).date == "2025-08-14");
    CHECK(f.doc(1).lang == "en");  // the item's own dc:language wins
}

TEST_CASE("feeds: RSS 0.90") {
    const Feed f = read("rss090.rdf");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 2);
    CHECK(f.doc(0).title == "New Status Updates");
    CHECK(f.doc(0).url == "http://www.mozilla.org/status/");
    CHECK(f.doc(0).source == "Mozilla Dot Org");
    CHECK(f.doc(1).id == "f#http://www.mozilla.org/bugs/");
}

TEST_CASE("feeds: RSS 2.0 quirks: CDATA, entities, HTML in titles, namespaces under other prefixes") {
    const Feed f = read("rss20-quirks.rss");
    REQUIRE(f.docs.size() == 5);
    CHECK(f.doc(0).source == "Quirks & Co \xE2\x80\x93 the blog");
    CHECK(f.doc(0).title == "Bold claims & \xC2\xA9 numeric \xE2\x82\xAC refs");
    CHECK(f.doc(0).url == "https://example.org/blog/posts/1");  // the permalink guid
    CHECK(f.doc(0).date == "2025-08-06T04:30:00Z");
    CHECK(f.doc(0).author == "Jane Doe");
    CHECK(f.doc(0).body == "First paragraph.\n\nSecond & last.");

    CHECK(f.doc(1).title == "CDATA title with markup");
    CHECK(f.doc(1).url == "https://example.org/blog/posts/2");  // atom:link, xml:base
    CHECK(f.doc(1).author == "Max Mustermann, Erika Musterfrau");
    CHECK(f.doc(1).date == "2025-08-06T08:00:00Z");
    CHECK(f.doc(1).categories == std::vector<std::string>{"News", "Tests"});
    CHECK(f.doc(1).body == "Full text of the second post.");
    CHECK(f.doc(1).id == "f#https://example.org/blog/posts/2");

    CHECK(f.doc(2).id == "f#tag:example.org,2025:3");
    CHECK(f.doc(2).url.empty());  // isPermaLink="false"
    CHECK(f.doc(2).date == "sometime last week");  // kept for display, with a note
    REQUIRE(f.notes.size() >= 1);
    CHECK(f.notes[0].first == 27);
    CHECK(f.notes[0].second.find("sometime last week") != std::string::npos);

    CHECK(f.doc(3).id.rfind("f#h", 0) == 0);
    CHECK(f.doc(3).id.size() == 2 + 17);

    // The item repeating the first guid is told apart by its link, with a note.
    CHECK(f.doc(4).id == "f#https://example.org/blog/posts/6");
    CHECK(f.notes.back().second.find("repeats the id") != std::string::npos);

    REQUIRE(f.errors.size() == 1);
    CHECK(f.errors[0] == std::pair<std::size_t, std::string>{38, "item without title or text"});
}

TEST_CASE("feeds: Atom 1.0: xml:base, alternate links, text constructs, inherited author") {
    const Feed f = read("atom10.atom");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 3);
    const auto& d = f.doc(0);
    CHECK(d.source == "Example Atom Feed");
    CHECK(d.id == "f#urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a");
    CHECK(d.url == "https://example.com/2025/08/robots");  // no rel, no type; not the PDF
    CHECK(d.date == "2025-08-14T01:30:00Z");                 // published, not updated
    CHECK(d.author == "Feed Author");                        // inherited from the feed
    CHECK(d.categories == std::vector<std::string>{"Robots", "science"});
    CHECK(d.lang == "en-GB");
    CHECK(d.body == "Some text.\n\nRobots ran amok & more.");  // summary held in content

    const auto& e = f.doc(1);
    CHECK(e.id == "f#tag:example.com,2025:entry-2");
    CHECK(e.title == "Text title with <b> as text");
    CHECK(e.url == "https://blog.example.net/de/eintrag");
    CHECK(e.date == "2025-08-14T08:00:00Z");
    CHECK(e.author == "Entry Author, Second Author");
    CHECK(e.lang == "de-AT");
    CHECK(e.body == "The summary.\n\nA different, longer body.");

    CHECK(f.doc(2).body == "Only the summary is here.");
    CHECK(f.doc(2).date == "2025-08-12");
    CHECK(f.doc(2).url.empty());
}

TEST_CASE("feeds: Atom 0.3: issued, modes xml, escaped and base64") {
    const Feed f = read("atom03.atom");
    CHECK(f.errors.empty());
    REQUIRE(f.docs.size() == 2);
    CHECK(f.doc(0).source == "dive into mark");
    CHECK(f.doc(0).date == "2003-12-13T12:29:29Z");
    CHECK(f.doc(0).author == "Mark Pilgrim");
    CHECK(f.doc(0).categories == std::vector<std::string>{"Atom"});
    CHECK(f.doc(0).url == "http://diveintomark.org/2003/12/13/atom03");
    CHECK(f.doc(0).body == "It is a snapshot.\n\n[Update: The Atom draft is finished.]");
    CHECK(f.doc(0).lang == "en");
    CHECK(f.doc(1).date == "2003-12-14T10:00:00Z");  // modified when not issued
    CHECK(f.doc(1).body == "Escaped HTML.\n\nBase64 body.");
}

TEST_CASE("feeds: declared charsets, a BOM, and a forced encoding") {
    SUBCASE("windows-1252") {
        const Feed f = read("windows-1252.rss");
        CHECK(f.errors.empty());
        REQUIRE(f.docs.size() == 1);
        CHECK(f.doc(0).title == "\xE2\x80\x9EGro\xC3\x9F" "e\xE2\x80\x9C Stra\xC3\x9F" "e f\xC3\xBCr 5\xE2\x82\xAC gesperrt");
        CHECK(f.doc(0).source == "Stra\xC3\x9F" "enbahn-Nachrichten");
        CHECK(f.doc(0).date == "2024-03-05T09:00:00Z");
    }
    SUBCASE("iso-8859-1") {
        const Feed f = read("iso-8859-1.rss");
        CHECK(f.errors.empty());
        REQUIRE(f.docs.size() == 1);
        CHECK(f.doc(0).title == "Stra\xC3\x9F" "e gesperrt");
        CHECK(f.doc(0).body == "\xC3\x84rger \xC3\xBC" "ber die Stra\xC3\x9F" "e.");
    }
    SUBCASE("UTF-8 with a BOM") {
        const Feed f = read("bom.atom");
        CHECK(f.errors.empty());
        REQUIRE(f.docs.size() == 1);
        CHECK(f.doc(0).title == "Stra\xC3\x9F" "e mit BOM");
    }
    SUBCASE("declared UTF-8 but Latin-1: read as Windows-1252, with a note") {
        const Feed f = parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss><channel><item>"
                             "<title>Stra\xDF" "e</title></item></channel></rss>");
        CHECK(f.errors.empty());
        REQUIRE(f.docs.size() == 1);
        CHECK(f.doc(0).title == "Stra\xC3\x9F" "e");
        REQUIRE(f.notes.size() == 1);
        CHECK(f.notes[0].second == "not valid UTF-8 (first bad byte at line 2, column 32); read as Windows-1252");
        CHECK(f.notes[0].second.find("read as Windows-1252") != std::string::npos);
    }
    SUBCASE("bytes the forced encoding has not: an error for the file, nothing printed") {
        // libxml2 prints conversion errors to stderr unless told otherwise; a reader must not.
        std::fflush(stderr);
        const std::string capture = (std::filesystem::temp_directory_path() /
                                     ("lupe-test-stderr-" + std::to_string(::getpid()))).string();
        const int saved = ::dup(2);
        std::FILE* file = std::fopen(capture.c_str(), "w");
        REQUIRE(file);
        ::dup2(::fileno(file), 2);
        const Feed f = parse("<rss><channel><item><title>a\x9D" "b</title></item></channel></rss>", "windows-1252");
        std::fflush(stderr);
        ::dup2(saved, 2);
        ::close(saved);
        std::fclose(file);
        std::stringstream printed;
        printed << std::ifstream(capture).rdbuf();
        std::remove(capture.c_str());
        CHECK(printed.str().empty());
        CHECK(f.docs.empty());
        REQUIRE(f.errors.size() == 1);
        CHECK(f.errors[0].second.rfind("bytes that are not valid windows-1252 near line 1, column 29 (", 0) == 0);
        CHECK(f.errors[0].second.find("0x9D") != std::string::npos);
    }
    SUBCASE("forced: overrides the declaration") {
        const Feed f = read("iso-8859-1.rss", "f", "UTF-8");
        REQUIRE(f.errors.size() == 1);
        CHECK(f.errors[0].second.find("not well-formed XML at line 4") == 0);
        const Feed g = read("windows-1252.rss", "f", "ISO-8859-15");
        REQUIRE(g.docs.size() == 1);
        CHECK(g.doc(0).title.find("Stra\xC3\x9F" "e") != std::string::npos);
        const Feed h = read("golem.rss", "f", "no-such-charset");
        REQUIRE(h.errors.size() == 1);
        CHECK(h.errors[0].second == "unknown encoding \"no-such-charset\"");
        CHECK(h.docs.empty());
    }
}

TEST_CASE("feeds: ids are stable as the window moves, never positions") {
    const Feed a = read("window-1.rss", "w.rss");
    const Feed b = read("window-2.rss", "w.rss");
    REQUIRE(a.docs.size() == 3);
    REQUIRE(b.docs.size() == 4);
    CHECK(a.doc(0).id == "w.rss#story-1");
    CHECK(b.doc(3).id == "w.rss#story-1");  // trimmed guid; the changed title does not matter
    CHECK(a.doc(1).id == "w.rss#https://window.example/two");
    CHECK(b.doc(2).id == a.doc(1).id);
    // No guid, no link: a hash of the normalised title and the date, whatever their spelling.
    CHECK(a.doc(2).id.rfind("w.rss#h", 0) == 0);
    CHECK(b.doc(1).id == a.doc(2).id);
    CHECK(b.doc(0).id != a.doc(2).id);
    // The same bytes give the same ids in every run and on every platform (FNV-1a 64).
    CHECK(a.doc(2).id == read("window-1.rss", "w.rss").doc(2).id);
    CHECK(a.doc(2).id == "w.rss#h" + std::string(a.doc(2).id.substr(7)));
}

TEST_CASE("feeds: a long guid becomes its hash, within the id limit") {
    const std::string guid(300, 'g');
    const Feed f = parse("<rss><channel><item><title>T</title><guid>" + guid + "</guid></item></channel></rss>");
    REQUIRE(f.docs.size() == 1);
    CHECK(f.doc(0).id.size() == 2 + 17);
    CHECK(f.doc(0).id.rfind("p#h", 0) == 0);
}

TEST_CASE("feeds: broken and hostile files") {
    SUBCASE("truncated: one error for the file, not half the items") {
        const Feed f = read("truncated.rss");
        CHECK(f.docs.empty());
        REQUIRE(f.errors.size() == 1);
        CHECK(f.errors[0].first == 0);
        CHECK(f.errors[0].second.find("not well-formed XML at line 63, column") == 0);
    }
    SUBCASE("XXE: an external entity is never read") {
        const Feed f = read("xxe.rss");
        CHECK(f.errors.empty());
        REQUIRE(f.docs.size() == 1);
        CHECK(f.doc(0).title == "Secrets:");
        CHECK(f.doc(0).body.rfind("Remote:", 0) == 0);
        CHECK(f.doc(0).body.find("end.") != std::string::npos);
        CHECK(f.doc(0).body.find("root:") == std::string::npos);
        CHECK(f.doc(0).source == "XXE an internal entity");
        CHECK(f.doc(0).title.find("root") == std::string::npos);
    }
    SUBCASE("billion laughs: refused quickly") {
        const auto start = std::chrono::steady_clock::now();
        const Feed f = read("billion-laughs.rss");
        const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CHECK(seconds < 5.0);
        CHECK(f.docs.empty());
        REQUIRE(f.errors.size() == 1);
        INFO(f.errors[0].second);
        CHECK(f.errors[0].second.find("not well-formed XML") == 0);
    }
    SUBCASE("XML that is no feed") {
        const Feed f = read("not-a-feed.xml");
        REQUIRE(f.errors.size() == 1);
        CHECK(f.errors[0] == std::pair<std::size_t, std::string>{0, "XML root <urlset> is not an RSS or Atom feed"});
    }
    SUBCASE("an empty feed: no documents, no error, a note") {
        const Feed f = read("empty.rss");
        CHECK(f.docs.empty());
        CHECK(f.errors.empty());
        REQUIRE(f.notes.size() == 1);
        CHECK(f.notes[0].second == "feed has no items");
    }
    SUBCASE("not XML at all, an empty file, a missing file") {
        CHECK(parse("Just text.").errors.at(0).second.find("not well-formed XML at line 1, column 1") == 0);
        CHECK(parse("").errors.size() == 1);
        const Feed f = read("no-such-file.rss");
        REQUIRE(f.errors.size() == 1);
        CHECK(f.errors[0].first == 0);
    }
    SUBCASE("undeclared entity outside a DTD: not well-formed") {
        const Feed f = parse("<rss><channel><item><title>a&nbsp;b</title></item></channel></rss>");
        REQUIRE(f.errors.size() == 1);
        CHECK(f.errors[0].second.find("line 1") != std::string::npos);
    }
    SUBCASE("every field is valid UTF-8 and ids hold no control characters") {
        const Feed f = parse("<rss><channel><item><title>a\x7F" "b</title><guid>x\x7Fy\tz</guid>"
                             "<description>&#x10FFFF;</description></item></channel></rss>");
        REQUIRE(f.docs.size() == 1);
        CHECK(f.doc(0).id == "p#x y z");  // DEL and tabs are spaces in one-line fields
        CHECK(f.doc(0).title == "a b");
        CHECK_FALSE(lupe::find_invalid_utf8(f.doc(0).body));
    }
}

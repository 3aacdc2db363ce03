// End-to-end tests of issue 15 (real inputs): feeds as archives, the seed's articles as
// feed items, the collapse of syndicated copies, --dry-run --jsonl, skipped files,
// encodings, and the feed recipe (contrib/feeds/lupe-fetch-feeds) against an HTTP server
// on loopback. The real lupe-index and lupe-search run as child processes on files
// written in temporary directories.
//
// The HTTP server is a small one in this file rather than python3 -m http.server:
// contrib/install-deps.sh does not install python3, and the test needs to answer in ways
// a file server does not (a 304 for a known ETag, a body cut short, an error page).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

// ---------------------------------------------------------------------------------------
// Feeds written by the tests

struct Item {
    std::string guid;
    std::string title;
    std::string link;
    std::string date;  // RFC 822
    std::string description;
    std::string content;  // content:encoded, "" for none
};

std::string rss(const std::string& title, const std::vector<Item>& items) {
    std::string s =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n"
        "<channel><title>" + title + "</title><link>https://example.org/</link>\n";
    for (const Item& i : items) {
        s += "<item>";
        if (!i.guid.empty()) s += "<guid isPermaLink=\"false\">" + i.guid + "</guid>";
        s += "<title>" + i.title + "</title>";
        if (!i.link.empty()) s += "<link>" + i.link + "</link>";
        if (!i.date.empty()) s += "<pubDate>" + i.date + "</pubDate>";
        s += "<description><![CDATA[" + i.description + "]]></description>";
        if (!i.content.empty()) s += "<content:encoded><![CDATA[" + i.content + "]]></content:encoded>";
        s += "</item>\n";
    }
    return s + "</channel></rss>\n";
}

// Item n of the moving window: a word of its own (the NATO alphabet) and one they share.
const char* const kWords[] = {"alpha", "bravo",  "charlie", "delta", "echo",
                              "foxtrot", "golf", "hotel",   "india", "juliett"};

Item window_item(int n, const std::string& extra = "") {
    const std::string word = kWords[n - 1];
    return {"item-" + std::to_string(n), "Story " + word,
            "https://example.org/story/" + std::to_string(n),
            "Mon, 0" + std::to_string(n % 9 + 1) + " Jun 2025 10:00:00 +0000",
            "Windowword " + word + " report. " + extra, ""};
}

std::string window_feed(int first, int last, int changed = 0, const std::string& extra = "") {
    std::vector<Item> items;
    for (int n = first; n <= last; ++n) items.push_back(window_item(n, n == changed ? extra : ""));
    return rss("Window News", items);
}

// Twelve documents beside the feed, so that deleting the feed's ten items is neither the
// source's every document nor more than half of the index (the mass-delete guard,
// docs/indexing.md, would refuse that run; it is not what is tested here).
std::string filler_jsonl() {
    std::string s;
    for (int i = 0; i < 12; ++i) {
        s += "{\"id\":\"f" + std::to_string(i) + "\",\"title\":\"Filler " + std::to_string(i) +
             "\",\"body\":\"Unrelated note about gardening number " + std::to_string(i) + ".\"}\n";
    }
    return s;
}

// ---------------------------------------------------------------------------------------
// Running the tools

// English only, no word list: these tests do not depend on the machine's dictionaries.
Run index(const std::string& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {"--index", dir, "--lang", "en", "--no-decompound", "--json"});
    return lupe_index(args);
}

json index_ok(const std::string& dir, const std::vector<std::string>& args) {
    const Run r = index(dir, args);
    INFO("lupe-index " << describe(args));
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    return parse_json(r);
}

json search(const std::string& dir, const std::string& query,
            const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--index", dir, "-n", "100", "--no-suggest", query};
    args.insert(args.begin(), extra.begin(), extra.end());
    return search_json(args);
}

std::vector<std::string> sorted_ids(const json& j) {
    std::vector<std::string> ids = result_ids(j);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> window_ids(int first, int last) {
    std::vector<std::string> ids;
    for (int n = first; n <= last; ++n) ids.push_back("news.rss#item-" + std::to_string(n));
    std::sort(ids.begin(), ids.end());
    return ids;
}

// The JSON objects of lupe-index --dry-run --jsonl's stdout, one a line.
std::vector<json> jsonl_lines(const std::string& out) {
    std::vector<json> docs;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        INFO("line: " << line);
        REQUIRE_NOTHROW(docs.push_back(json::parse(line)));
    }
    return docs;
}

std::size_t count_of(const std::string& text, const std::string& word) {
    std::size_t n = 0;
    for (auto pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) ++n;
    return n;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// (a) Feeds are archives

TEST_CASE("feeds: a feed fetched three times as its window moves gives the union, updated") {
    TempDir dir;
    const std::string idx = dir / "idx";
    dir.write("src/filler.jsonl", filler_jsonl());
    dir.write("src/news.rss", window_feed(1, 5));
    json j = index_ok(idx, {dir / "src"});
    CHECK(j.at("added_total") == 17);

    // The window moves: 1 and 2 scroll out, 4 changes, 6 and 7 come in.
    dir.write("src/news.rss", window_feed(3, 7, 4, "Tangerine."));
    j = index_ok(idx, {dir / "src"});
    CHECK(j.at("added_total") == 2);
    CHECK(j.at("updated_total") == 1);
    CHECK(j.at("deleted") == 0);

    dir.write("src/news.rss", window_feed(6, 10));
    j = index_ok(idx, {dir / "src"});
    CHECK(j.at("added_total") == 3);
    CHECK(j.at("updated_total") == 0);
    CHECK(j.at("deleted") == 0);
    CHECK(j.at("documents_in_index") == 22);

    // Every item once, item 4 with its new text only.
    CHECK(sorted_ids(search(idx, "windowword")) == window_ids(1, 10));
    CHECK(result_ids(search(idx, "tangerine")) == window_ids(4, 4));
    // A run that does not change the feed changes nothing.
    j = index_ok(idx, {dir / "src"});
    CHECK(j.at("added_total") == 0);
    CHECK(j.at("deleted") == 0);

    // The feed file is gone: so are its items, the archive's too.
    fs::remove(dir / "src/news.rss");
    j = index_ok(idx, {dir / "src"});
    CHECK(j.at("deleted") == 10);
    CHECK(j.at("documents_in_index") == 12);
    CHECK(search(idx, "windowword").at("results").empty());
}

TEST_CASE("feeds: an item whose text changes is updated, the old text no longer found") {
    TempDir dir;
    const std::string idx = dir / "idx";
    dir.write("src/filler.jsonl", filler_jsonl());
    dir.write("src/news.rss", window_feed(1, 5, 4, "Marmalade."));
    index_ok(idx, {dir / "src"});
    REQUIRE(result_ids(search(idx, "marmalade")) == window_ids(4, 4));
    dir.write("src/news.rss", window_feed(3, 7, 4, "Tangerine."));
    const json j = index_ok(idx, {dir / "src"});
    CHECK(j.at("updated_total") == 1);
    CHECK(search(idx, "marmalade").at("results").empty());
    CHECK(result_ids(search(idx, "tangerine")) == window_ids(4, 4));
}

TEST_CASE("feeds: --mirror-feeds keeps only the current window") {
    TempDir dir;
    const std::string idx = dir / "idx";
    dir.write("src/filler.jsonl", filler_jsonl());
    dir.write("src/news.rss", window_feed(1, 5));
    index_ok(idx, {"--mirror-feeds", dir / "src"});
    dir.write("src/news.rss", window_feed(3, 7, 4, "Tangerine."));
    json j = index_ok(idx, {"--mirror-feeds", dir / "src"});
    CHECK(j.at("added_total") == 2);
    CHECK(j.at("updated_total") == 1);
    CHECK(j.at("deleted") == 2);
    CHECK(sorted_ids(search(idx, "windowword")) == window_ids(3, 7));

    dir.write("src/news.rss", window_feed(6, 10));
    j = index_ok(idx, {"--mirror-feeds", dir / "src"});
    CHECK(j.at("added_total") == 3);
    CHECK(j.at("deleted") == 3);
    CHECK(j.at("documents_in_index") == 17);
    CHECK(sorted_ids(search(idx, "windowword")) == window_ids(6, 10));
}

// A rebuild reads each feed as it is now: the archive would be lost, and is not.
TEST_CASE("feeds: --full does not silently drop the archive of a feed") {
    TempDir dir;
    const std::string idx = dir / "idx";
    dir.write("src/filler.jsonl", filler_jsonl());
    dir.write("src/news.rss", window_feed(1, 5));
    index_ok(idx, {dir / "src"});
    dir.write("src/news.rss", window_feed(4, 8));
    index_ok(idx, {dir / "src"});
    REQUIRE(sorted_ids(search(idx, "windowword")) == window_ids(1, 8));

    const Run refused = index(idx, {"--full", dir / "src"});
    CHECK(refused.status == 2);
    CHECK(refused.err.find("would lose at least 3 archived feed items") != std::string::npos);
    CHECK(refused.err.find("--mirror-feeds") != std::string::npos);
    CHECK(sorted_ids(search(idx, "windowword")) == window_ids(1, 8));  // as it was

    const json j = index_ok(idx, {"--full", "--mirror-feeds", dir / "src"});
    CHECK(j.at("deleted") == 3);
    CHECK(sorted_ids(search(idx, "windowword")) == window_ids(4, 8));
}

// The same for a sharded index, whose shards publish one after the other: every shard is
// checked before the first publishes.
TEST_CASE("feeds: --full on a sharded index does not drop the archive either") {
    TempDir dir;
    const std::string idx = dir / "sharded";
    dir.write("src/filler.jsonl", filler_jsonl());
    dir.write("src/news.rss", window_feed(1, 5));
    index_ok(idx, {"--shards", "2", dir / "src"});
    dir.write("src/news.rss", window_feed(4, 8));
    index_ok(idx, {dir / "src"});
    REQUIRE(sorted_ids(search(idx, "windowword")) == window_ids(1, 8));

    const Run refused = index(idx, {"--full", dir / "src"});
    CHECK(refused.status == 2);
    CHECK(refused.err.find("archived feed items") != std::string::npos);
    CHECK(sorted_ids(search(idx, "windowword")) == window_ids(1, 8));  // every shard as it was
}

// ---------------------------------------------------------------------------------------
// (b) The seed's articles as the sites' feeds

TEST_CASE("feeds: the seed's articles in the Ars Technica and Golem feeds are found first") {
    const std::string fixtures = std::string(LUPE_FIXTURES_DIR) + "/feeds";
    REQUIRE(fs::exists(fixtures + "/ars-technica.rss"));
    REQUIRE(fs::exists(fixtures + "/golem.rss"));
    TempDir dir;
    fs::create_directories(dir / "feeds");
    fs::copy_file(fixtures + "/ars-technica.rss", dir / "feeds/ars-technica.rss");
    fs::copy_file(fixtures + "/golem.rss", dir / "feeds/golem.rss");
    const std::string idx = dir / "idx";
    // Both languages and the German word list, as a user would index them.
    const Run r = lupe_index({"--index", idx, "--json", dir / "feeds"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);

    const auto first = [&](const std::string& query) {
        const json j = search(idx, query);
        REQUIRE_FALSE(j.at("results").empty());
        return j.at("results").at(0).at("id").get<std::string>();
    };
    CHECK(first("Huawei Ascend training").rfind("ars-technica.rss#", 0) == 0);
    CHECK(first("Drohne Rundumsicht").rfind("golem.rss#", 0) == 0);
}

// Golem's feeds repeat the teaser (description) as the first paragraph of content:encoded.
// Read as both, its words would count twice and push the item above others.
TEST_CASE("feeds: a description repeated in content:encoded counts once") {
    // Item a: the teaser alone. Item b: the same teaser, repeated in its content with three
    // more words. Read once, b is a little longer than a with the same one "Rundumsicht",
    // so a ranks first; read twice, b has it twice and ranks first.
    const std::string teaser = "Die neue Drohne bietet eine Rundumsicht f&uuml;r Piloten.";
    TempDir dir;
    dir.write("src/a.rss", rss("Golem.de", {{"g1", "Kamera mit Weitblick", "https://golem.de/1",
                                             "Tue, 05 Aug 2025 10:00:00 +0200", teaser, ""}}));
    dir.write("src/b.rss",
              rss("Golem.de", {{"g2", "Fluggerät im Test", "https://golem.de/2",
                                "Wed, 06 Aug 2025 10:00:00 +0200", teaser,
                                "<p>" + teaser + "</p><p>Mehr im Test.</p>"}}));

    const Run dry = lupe_index({"--dry-run", "--jsonl", dir / "src/b.rss"});
    INFO("stderr: " << dry.err);
    REQUIRE(dry.status == 0);
    const auto docs = jsonl_lines(dry.out);
    REQUIRE(docs.size() == 1);
    const std::string body = docs[0].at("body");
    CHECK(count_of(body, "Rundumsicht") == 1);
    CHECK(body.find("Mehr im Test") != std::string::npos);
    CHECK(body.find("für") != std::string::npos);  // the entity decoded

    const std::string idx = dir / "idx";
    REQUIRE(lupe_index({"--index", idx, "--lang", "de", "--no-decompound", dir / "src"}).status == 0);
    const json j = search(idx, "Rundumsicht", {"--no-collapse"});
    REQUIRE(j.at("results").size() == 2);
    CHECK(j.at("results").at(0).at("id") == "a.rss#g1");
}

// ---------------------------------------------------------------------------------------
// (c) The same story in two feeds

TEST_CASE("feeds: one story in two feeds is one hit with a count of the other") {
    TempDir dir;
    const std::string idx = dir / "idx";
    const std::string date = "Tue, 05 Aug 2025 10:00:00 +0000";
    // The same link in two feeds (different guids: each feed has its own).
    dir.write("src/agency.rss", rss("Agency", {{"a-1", "Quokka census finished", "https://news.example/quokka",
                                                date, "The quokka census is finished.", ""}}));
    dir.write("src/paper.rss", rss("Paper", {{"p-9", "Quokka census finished", "https://news.example/quokka",
                                              date, "The quokka census is finished, says the agency.", ""},
    // The same title and day, different links (a syndicated copy on another site).
                                             {"p-10", "Wombat tunnels mapped", "https://paper.example/w",
                                              "Tue, 05 Aug 2025 18:30:00 +0000", "Wombat tunnels were mapped.", ""},
    // Another story of the same day: not a copy.
                                             {"p-11", "Wombat diet studied", "https://paper.example/d",
                                              date, "What wombats eat was studied.", ""}}));
    dir.write("src/wire.rss", rss("Wire", {{"w-3", "Wombat Tunnels Mapped!", "https://wire.example/w",
                                            "Tue, 05 Aug 2025 07:00:00 +0000", "Wombat tunnels mapped by rangers.", ""}}));
    REQUIRE(index(idx, {dir / "src"}).status == 0);

    json j = search(idx, "quokka");
    REQUIRE(j.at("results").size() == 1);
    CHECK(j.at("results").at(0).at("duplicates") == 1);
    j = search(idx, "quokka", {"--no-collapse"});
    CHECK(j.at("results").size() == 2);

    j = search(idx, "wombat");
    REQUIRE(j.at("results").size() == 2);  // tunnels (two copies) and diet
    std::map<std::string, int> duplicates;
    for (const auto& r : j.at("results")) {
        duplicates[r.at("title").get<std::string>()] = r.value("duplicates", 0);
    }
    CHECK(duplicates.count("Wombat diet studied") == 1);
    CHECK(duplicates["Wombat diet studied"] == 0);
    CHECK(search(idx, "wombat", {"--no-collapse"}).at("results").size() == 3);

    // Text output names the collapsed copies.
    const Run text = lupe_search({"--index", idx, "quokka"});
    CHECK(text.out.find("(+1 more: the same story in other feeds)") != std::string::npos);
}

// ---------------------------------------------------------------------------------------
// (d) --dry-run --jsonl

TEST_CASE("lupe-index --dry-run --jsonl: documents in source order, no index") {
    TempDir dir;
    dir.write("src/a.html",
              "<!doctype html><html lang=\"en\"><head><title>Page title</title>"
              "<link rel=\"canonical\" href=\"https://example.org/a\"></head>"
              "<body><nav>Menu</nav><main><p>Page body text.</p></main></body></html>");
    dir.write("src/b.rss", rss("Feed Source", {{"x2", "Second item", "https://example.org/2", "",
                                                "Later item text.", ""},
                                               {"x1", "First item", "https://example.org/1", "",
                                                "Earlier item text.", ""}}));
    dir.write("src/c.txt", "Plain title\n\nPlain body.\n");
    const auto before = std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator());

    const Run r = lupe_index({"--dry-run", "--jsonl", dir / "src"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const auto docs = jsonl_lines(r.out);
    REQUIRE(docs.size() == 4);
    std::vector<std::string> ids;
    for (const auto& d : docs) ids.push_back(d.at("id"));
    // Files in name order, a feed's items in feed order.
    CHECK(ids == std::vector<std::string>{"a.html", "b.rss#x2", "b.rss#x1", "c.txt"});
    CHECK(docs[0].at("title") == "Page title");
    CHECK(docs[0].at("url") == "https://example.org/a");
    CHECK(docs[0].at("body").get<std::string>().find("Menu") == std::string::npos);
    CHECK(docs[1].at("source") == "Feed Source");
    CHECK(docs[1].at("url") == "https://example.org/2");
    CHECK(docs[3].at("title") == "Plain title");
    CHECK_FALSE(docs[3].contains("url"));  // empty fields are left out
    CHECK_FALSE(docs[3].contains("author"));
    // Nothing written: no index folder appeared.
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == before);
}

// ---------------------------------------------------------------------------------------
// (e) Files lupe does not read

TEST_CASE("lupe-index: skipped files are counted by extension, named, and warned about") {
    TempDir dir;
    dir.write("src/a.txt", "Notes\n\nPlain zephyr notes.\n");
    dir.write("src/b.docx", "PK\x03\x04 not really a document");
    dir.write("src/c.docx", "PK\x03\x04 nor this");
    dir.write("src/d.markdown", "# Long form\n\nZephyr in Markdown.\n");
    dir.write("src/e.mdown", "# Short form\n\nZephyr again.\n");
    const std::string idx = dir / "idx";
    const Run r = index(idx, {"--verbose", dir / "src"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const json j = parse_json(r);
    CHECK(j.at("files_skipped_by_extension") == json{{".docx", 2}});
    CHECK(r.err.find("skipped: " + (dir / "src/b.docx") + ": not a format lupe reads (.docx)") !=
          std::string::npos);
    CHECK(r.err.find(dir / "src/c.docx") != std::string::npos);
    CHECK(sorted_ids(search(idx, "zephyr")) ==
          std::vector<std::string>{"a.txt", "d.markdown", "e.mdown"});

    // Without --verbose the files are counted, not named.
    const Run quiet = index(dir / "idx2", {dir / "src"});
    CHECK(quiet.err.find("b.docx") == std::string::npos);

    // Named on the command line: a warning naming it, whatever the verbosity.
    const Run named = index(dir / "idx3", {dir / "src/b.docx", dir / "src/a.txt"});
    INFO("stderr: " << named.err);
    CHECK(named.status < 2);
    CHECK(named.err.find("warning") != std::string::npos);
    CHECK(named.err.find(dir / "src/b.docx") != std::string::npos);
}

// ---------------------------------------------------------------------------------------
// (f) Encodings

TEST_CASE("lupe-index: a Latin-1 text file is read with a note, --encoding forces one") {
    TempDir dir;
    // "Straße" and the byte 0xA4: the currency sign in Latin-1 and Windows-1252, the euro
    // in ISO-8859-15.
    dir.write("src/latin1.txt", "Stadtplan\n\nDie Stra\xDF" "e kostet 5 \xA4.\n");
    const std::string idx = dir / "idx";
    const Run r = index(idx, {dir / "src"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const json j = parse_json(r);
    CHECK(j.at("warnings") == 1);
    CHECK(j.at("notes").dump().find("latin1.txt") != std::string::npos);
    CHECK(result_ids(search(idx, "Straße")) == std::vector<std::string>{"latin1.txt"});

    const auto body = [&](const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"--dry-run", "--jsonl"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(dir / "src/latin1.txt");
        const Run dry = lupe_index(args);
        INFO("stderr: " << dry.err);
        REQUIRE(dry.status == 0);
        const auto docs = jsonl_lines(dry.out);
        REQUIRE(docs.size() == 1);
        return docs[0].at("body").get<std::string>();
    };
    CHECK(body({}).find("Straße kostet 5 ¤") != std::string::npos);
    CHECK(body({"--encoding", "ISO-8859-15"}).find("Straße kostet 5 €") != std::string::npos);

    const Run bad = lupe_index({"--index", dir / "idx2", "--encoding", "NOPE", dir / "src"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("NOPE") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "idx2/XAPIANDB"));
}

// ---------------------------------------------------------------------------------------
// The feed recipe: contrib/feeds/lupe-fetch-feeds against an HTTP server on loopback

namespace {

struct Response {
    int status = 200;
    std::string etag;  // sent as ETag; a request with a matching If-None-Match gets a 304
    std::string body;
    std::string content_type = "application/rss+xml";
    std::size_t cut_after = std::string::npos;  // close the connection after this many body bytes
};

// One-connection-at-a-time HTTP/1.1 server on 127.0.0.1 and a port the kernel chooses,
// answering from a table of paths that the test may change between runs.
class HttpServer {
public:
    HttpServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~HttpServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    void set(const std::string& path, Response r) {
        std::lock_guard lock(mutex_);
        routes_[path] = std::move(r);
    }
    /// The request heads received so far, in order.
    std::vector<std::string> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            answer(c);
            ::close(c);
        }
    }
    void answer(int c) {
        std::string head;
        char buf[4096];
        while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) return;
            const ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) return;
            head.append(buf, static_cast<std::size_t>(n));
        }
        const std::string path = head.substr(4, head.find(' ', 4) - 4);  // "GET /path HTTP/1.1"
        Response r;
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(head);
            const auto it = routes_.find(path);
            if (it == routes_.end()) r = {404, "", "not found", "text/plain"};
            else r = it->second;
        }
        std::string lower = head;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        const bool not_modified = !r.etag.empty() && r.status == 200 &&
                                  lower.find("if-none-match: \"" + r.etag + "\"") != std::string::npos;
        std::string out = "HTTP/1.1 " + std::to_string(not_modified ? 304 : r.status) + " X\r\n";
        if (!r.etag.empty()) out += "ETag: \"" + r.etag + "\"\r\n";
        out += "Connection: close\r\n";
        if (!not_modified) {
            out += "Content-Type: " + r.content_type + "\r\n";
            out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
            out += r.body.substr(0, r.cut_after);
        } else {
            out += "\r\n";
        }
        for (std::size_t done = 0; done < out.size();) {
            const ssize_t n = ::write(c, out.data() + done, out.size() - done);
            if (n <= 0) return;
            done += static_cast<std::size_t>(n);
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::map<std::string, Response> routes_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

std::string curl_on_path() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    std::string d;
    while (std::getline(dirs, d, ':')) {
        if (!d.empty() && ::access((d + "/curl").c_str(), X_OK) == 0) return d + "/curl";
    }
    return "";
}

std::size_t line_count(const std::string& text, const std::string& start) {
    std::size_t n = 0;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) n += line.rfind(start, 0) == 0;
    return n;
}

}  // namespace

TEST_CASE("contrib/feeds/lupe-fetch-feeds: conditional GET, failed fetches keep the last feed") {
    if (curl_on_path().empty()) {
        MESSAGE("curl is not installed: lupe-fetch-feeds not tested (apt-get install curl)");
        return;
    }
    const std::string script = std::string(LUPE_CORPUS_DIR) + "/../contrib/feeds/lupe-fetch-feeds";
    REQUIRE(fs::exists(script));
    HttpServer server;
    const std::string ars = rss("Ars", {{"a1", "Quasar chips", "https://ars.example/1", "",
                                         "Quasar chips are fast.", ""}});
    server.set("/ars.rss", {200, "v1", ars});
    server.set("/page.html", {200, "", "<html><body>Sorry</body></html>", "text/html"});
    server.set("/empty.rss", {200, "", ""});

    TempDir dir;
    const std::string list =
        dir.write("feeds.list", "# test feeds\nars " + server.url("/ars.rss") + "\n" +
                                    "gone " + server.url("/gone.rss") + "  # 404\n\n" +
                                    "page " + server.url("/page.html") + "\n" +
                                    "empty " + server.url("/empty.rss") + "\n");
    const std::string feeds = dir / "feeds";
    const std::string idx = dir / "idx";
    const std::vector<std::string> fetch = {script, "--list", list, "--dir", feeds, "--index", idx,
                                            "--lupe-index", LUPE_INDEX_BIN, "--",
                                            "--lang", "en", "--no-decompound", "--oneline"};

    // 1. ars fetched and indexed; the others fail, each on its own line.
    Run r = run(fetch);
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    CHECK(line_count(r.out, "ars: 200 (") == 1);
    CHECK(line_count(r.out, "gone: error: ") == 1);
    CHECK(line_count(r.out, "page: error: HTTP 200 but not a feed") == 1);
    CHECK(line_count(r.out, "empty: error: HTTP 200 with an empty body") == 1);
    CHECK(read_file(feeds + "/ars.xml") == ars);
    CHECK_FALSE(fs::exists(feeds + "/gone.xml"));
    CHECK_FALSE(fs::exists(feeds + "/page.xml"));
    CHECK_FALSE(fs::exists(feeds + "/empty.xml"));
    CHECK(result_ids(search(idx, "quasar")) == std::vector<std::string>{"ars.xml#a1"});
    const std::string user_agent = server.requests().at(0);
    CHECK(user_agent.find("User-Agent: lupe-fetch-feeds/") != std::string::npos);

    // 2. Unchanged: the ETag is sent back, the answer is a 304, the file stays.
    r = run(fetch);
    CHECK(r.status == 0);
    CHECK(line_count(r.out, "ars: 304 not modified") == 1);
    bool sent_etag = false;
    for (const auto& head : server.requests()) sent_etag |= head.find("If-None-Match: \"v1\"") != std::string::npos;
    CHECK(sent_etag);
    CHECK(read_file(feeds + "/ars.xml") == ars);

    // 3. A transfer cut short and an error page: the good copy stays, and since every feed
    // failed the script says so (exit 3) and does not run lupe-index.
    Response cut{200, "v2", rss("Ars", {{"a2", "Half", "", "", std::string(4000, 'x'), ""}})};
    cut.cut_after = 100;
    server.set("/ars.rss", cut);
    r = run(fetch);
    CHECK(r.status == 3);
    CHECK(line_count(r.out, "ars: error: ") == 1);
    CHECK(read_file(feeds + "/ars.xml") == ars);
    server.set("/ars.rss", {500, "", "oops", "text/plain"});
    r = run(fetch);
    CHECK(r.status == 3);
    CHECK(read_file(feeds + "/ars.xml") == ars);
    // No temporary file left behind.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(feeds)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{".etags", "ars.xml"});

    // 4. A bad list line is named with its line number; usage errors exit 2.
    dir.write("bad.list", "ars\n");
    r = run({script, "--list", dir / "bad.list", "--dir", feeds, "--no-index"});
    CHECK(r.status == 3);
    CHECK(r.out.find("bad.list:1: error: expected 'NAME URL'") != std::string::npos);
    r = run({script, "--list", dir / "missing.list", "--dir", feeds, "--no-index"});
    CHECK(r.status == 2);
    CHECK(r.err.find("missing.list") != std::string::npos);
}

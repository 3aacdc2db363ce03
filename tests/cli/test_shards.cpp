// End-to-end tests of shard lists: real lupe-index and lupe-search processes, and real
// xapian-tcpsrv shard servers (Debian's xapian-tools) on loopback only (127.0.0.1), on
// free ports. Every server a test starts is stopped by the test (Child's destructor).
//
// The corpus: the sentences of the shipped corpus's JSONL documents, each a document of
// its own (a few thousand), dealt to three shards by line; the same documents also go into
// one combined index, which every search across the shards is compared with.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/xapian_server.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

const std::string kCorpusDir = LUPE_CORPUS_DIR;
constexpr int kShards = 3;

// The corpus's JSONL documents cut into sentences: one document per sentence of at least
// five words, id "<id>#<n>", same title and language.
std::vector<std::string> sentence_documents() {
    std::vector<std::string> lines;
    for (const char* file : {"wikinews-en.jsonl", "xquad-de-paragraphs.jsonl"}) {
        std::ifstream in(kCorpusDir + "/" + file);
        REQUIRE(in);
        std::string line;
        while (std::getline(in, line)) {
            const json doc = json::parse(line);
            const std::string body = doc.value("body", "");
            std::size_t start = 0, n = 0;
            while (start < body.size()) {
                std::size_t end = body.find_first_of(".!?", start);
                end = end == std::string::npos ? body.size() : end + 1;
                const std::string sentence = body.substr(start, end - start);
                start = end;
                if (std::count(sentence.begin(), sentence.end(), ' ') < 5) continue;
                json out = {{"id", doc.at("id").get<std::string>() + "#" + std::to_string(++n)},
                            {"title", doc.value("title", "")},
                            {"body", sentence}};
                if (doc.contains("lang")) out["lang"] = doc.at("lang");
                lines.push_back(out.dump());
            }
        }
    }
    return lines;
}

std::set<std::string> all_ids(const std::string& index, const std::string& query);

struct Corpus {
    TempDir dir;
    std::string combined;
    std::string sharded;  // lupe-index --shards 3
    std::vector<std::string> shard_index;
    std::vector<std::set<std::string>> shard_ids;
    std::size_t documents = 0;

    Corpus() {
        const auto docs = sentence_documents();
        documents = docs.size();
        std::string all;
        for (const auto& d : docs) all += d + '\n';
        dir.write("src/all.jsonl", all);
        combined = dir / "combined";
        REQUIRE(lupe_index({"--index", combined, "--quiet", dir / "src"}).status == 0);
        sharded = dir / "sharded";
        REQUIRE(lupe_index({"--index", sharded, "--quiet", "--shards", std::to_string(kShards),
                            dir / "src"})
                    .status == 0);
        std::size_t total = 0;
        for (int s = 0; s < kShards; ++s) {
            shard_index.push_back(sharded + "/shard-" + std::to_string(s));
            std::set<std::string> ids = all_ids(shard_index.back(), "lang:en");
            for (const auto& id : all_ids(shard_index.back(), "lang:de")) ids.insert(id);
            CHECK(ids.size() > documents / (2 * kShards));  // the hash spreads them
            total += ids.size();
            shard_ids.push_back(std::move(ids));
        }
        CHECK(total == documents);
    }
};

struct Hit {
    std::string id;
    double score;
};

std::vector<Hit> search(const std::string& index, const std::string& query,
                        std::vector<std::string> extra = {}, json* out = nullptr) {
    std::vector<std::string> args = {"--index", index, "--json", "--limit", "10",
                                     "--snippet-length", "0", "--no-suggest"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(query);
    const Run r = lupe_search(args);
    INFO("lupe-search " << describe(args) << "\nstderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    const json j = json::parse(r.out);
    if (out) *out = j;
    std::vector<Hit> hits;
    for (const auto& h : j.at("results")) hits.push_back({h.at("id"), h.at("score")});
    return hits;
}

// Same documents in the same order with the same scores (within rounding); documents with
// exactly equal scores may come in any order among themselves, and a group of equal scores
// cut by the end of a full page may show different members of the group.
void check_same(const std::vector<Hit>& a, const std::vector<Hit>& b, std::size_t limit = 10) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CAPTURE(i);
        CHECK(a[i].score == doctest::Approx(b[i].score).epsilon(1e-9));
    }
    for (std::size_t i = 0; i < a.size();) {
        std::size_t j = i;
        while (j < a.size() && std::fabs(a[j].score - a[i].score) <= 1e-9 * (1 + a[i].score)) ++j;
        std::multiset<std::string> ga, gb;
        for (std::size_t k = i; k < j; ++k) {
            ga.insert(a[k].id);
            gb.insert(b[k].id);
        }
        if (j < a.size() || a.size() < limit) CHECK(ga == gb);
        i = j;
    }
}

const std::vector<std::string> kQueries = {
    "Stadt Berlin",    "Huawei training",     "football club",      "Regierung Wahl",
    "\"prime minister\"", "election -Obama",  "Bundesliga OR Fußball", "title:Wikinews",
    "lang:de Stadt",   "Universität Forschung", "police arrested",
};

// Queries whose scores depend on Xapian's estimate of how many documents a group of terms
// matches (a wildcard's expansion is combined with OP_SYNONYM): the estimate is made per
// shard, so scores differ from the combined index's, while the documents matched do not.
const std::vector<std::string> kEstimatedQueries = {"president*", "Forsch*"};

std::set<std::string> all_ids(const std::string& index, const std::string& query) {
    const Run r = lupe_search({"--index", index, "--json", "--limit", "10000", "--snippet-length",
                               "0", "--no-suggest", query});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    return result_id_set(parse_json(r));
}

}  // namespace

TEST_CASE("shard list: local and remote shards answer as one combined index") {
    REQUIRE_MESSAGE(fs::exists(kXapianTcpServer),
                    kXapianTcpServer << " is missing: install Debian's xapian-tools package");
    Corpus corpus;
    MESSAGE(corpus.documents << " documents in " << kShards << " shards");
    REQUIRE(corpus.documents >= 2000);
    std::vector<std::unique_ptr<XapianServer>> servers;
    for (int s = 0; s < kShards; ++s) servers.push_back(std::make_unique<XapianServer>(corpus.shard_index[s]));

    const std::string remote = corpus.dir.write(
        "remote.list", "# three shards served by xapian-tcpsrv\n" + servers[0]->line() +
                           servers[1]->line() + "\n" + servers[2]->line());
    const std::string mixed = corpus.dir.write(
        "mixed.list", servers[0]->name() + "\nauto sharded/shard-1\nauto " + corpus.shard_index[2] + "\n");
    for (const auto& q : kQueries) {
        CAPTURE(q);
        const auto expected = search(corpus.combined, q);
        CHECK(!expected.empty());
        check_same(expected, search(remote, q));
        check_same(expected, search(mixed, q));
        check_same(expected, search(corpus.sharded, q));  // its own shards.list
    }
    // Options that need more of Xapian than a plain search: date order (value slots, as the
    // remote backend takes no KeyMaker), feedback (termlists), other weighting, title only.
    for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
             {"--sort", "newest"}, {"--sort", "oldest"}, {"--weighting", "dph"},
             {"--title-only"}, {"--from", "2020-01-01"}}) {
        CAPTURE(extra.front());
        for (const char* q : {"police arrested", "Regierung Wahl"}) {
            CAPTURE(q);
            check_same(search(corpus.combined, q, extra), search(remote, q, extra));
        }
    }
    // Pseudo-relevance feedback works over remote shards, but Xapian's ESet picks its terms
    // from per-shard statistics: other terms than the one index's, so not the same ranking.
    CHECK(!search(remote, "police arrested", {"--feedback", "3"}).empty());
    for (const auto& q : kEstimatedQueries) {
        CAPTURE(q);
        const auto expected = all_ids(corpus.combined, q);
        CHECK(!expected.empty());
        CHECK(all_ids(remote, q) == expected);
    }
    // The vocabulary is read from every shard: the same suggestion as the combined index.
    json a, b;
    search(corpus.combined, "Regierng", {}, &a);
    const std::vector<std::string> suggest = {"--index", remote, "--json", "Regierng"};
    const Run r = lupe_search(suggest);
    REQUIRE((r.status == 0 || r.status == 1));
    b = json::parse(r.out);
    CHECK(b.value("suggestion", "") == "Regierung");

    SUBCASE("a shard that is down: an error naming it, or the others' results") {
        servers[1]->stop();
        const Run failed = lupe_search({"--index", remote, "Drohne"});
        CHECK(failed.status == 2);
        CHECK(failed.err.find(servers[1]->name()) != std::string::npos);
        CHECK(failed.err.find("--allow-partial") != std::string::npos);

        json partial;
        const std::string two = corpus.dir.write("two.list", servers[0]->line() + servers[2]->line());
        for (const auto& q : kQueries) {
            CAPTURE(q);
            const auto hits = search(remote, q, {"--allow-partial"}, &partial);
            CHECK(partial.at("missing_shards") == json::array({servers[1]->name()}));
            for (const auto& h : hits) CHECK(corpus.shard_ids[1].count(h.id) == 0);
            check_same(search(two, q), hits);
        }
        const Run text = lupe_search({"--index", remote, "--allow-partial", "Drohne"});
        CHECK(text.out.find("Partial results: not searched " + servers[1]->name()) !=
              std::string::npos);
    }
}

TEST_CASE("shard list: malformed lists and missing shards are named") {
    TempDir dir;
    const Run bad = lupe_search({"--index", dir.write("bad.list", "auto a\nremote nohost\n"), "x"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("bad.list:2:") != std::string::npos);
    const Run empty = lupe_search({"--index", dir.write("empty.list", "# nothing\n"), "x"});
    CHECK(empty.status == 2);
    CHECK(empty.err.find("names no shard") != std::string::npos);
    const Run none = lupe_search({"--index", dir.write("none.list", "auto missing\n"), "x"});
    CHECK(none.status == 2);
    CHECK(none.err.find(dir / "missing") != std::string::npos);
}

TEST_CASE("lupe-index --shards: documents spread by id, kept current, one search across them") {
    TempDir dir;
    const std::string src = dir / "src";
    fs::create_directories(src);
    std::string a, b;
    for (int i = 0; i < 300; ++i) {
        json doc = {{"id", "d" + std::to_string(i)}, {"lang", "en"},
                    {"title", "Document " + std::to_string(i)},
                    {"body", "shard test " + std::string(i % 2 ? "alpha" : "beta") + " word" +
                                 std::to_string(i % 7)}};
        (i < 150 ? a : b) += doc.dump() + "\n";
    }
    dir.write("src/a.jsonl", a);
    dir.write("src/b.jsonl", b);
    const std::string index = dir / "index";
    const Run first = lupe_index({"--index", index, "--shards", "4", "--json", src});
    INFO("stderr: " << first.err);
    REQUIRE(first.status == 0);
    CHECK(json::parse(first.out).at("added_total") == 300);
    CHECK(json::parse(first.out).at("documents_in_index") == 300);
    for (int k = 0; k < 4; ++k) CHECK(fs::exists(index + "/shard-" + std::to_string(k) + "/XAPIANDB"));
    CHECK(all_ids(index, "shard").size() == 300);

    // The next run keeps the number of shards by itself: b.jsonl loses 50 documents and
    // changes 10, a.jsonl is untouched.
    std::string b2;
    for (int i = 150; i < 250; ++i) {
        json doc = {{"id", "d" + std::to_string(i)}, {"lang", "en"},
                    {"title", "Document " + std::to_string(i)},
                    {"body", (i < 160 ? std::string("changed gamma")
                                      : "shard test " + std::string(i % 2 ? "alpha" : "beta")) +
                                 " word" + std::to_string(i % 7)}};
        b2 += doc.dump() + "\n";
    }
    dir.write("src/b.jsonl", b2);
    const Run second = lupe_index({"--index", index, "--json", src});
    INFO("stderr: " << second.err);
    REQUIRE(second.status == 0);
    const json s = json::parse(second.out);
    CHECK(s.at("updated_total") == 10);
    CHECK(s.at("deleted") == 50);
    CHECK(s.at("unchanged") == 240);
    CHECK(s.at("documents_in_index") == 250);
    CHECK(all_ids(index, "gamma").size() == 10);
    CHECK(all_ids(index, "shard").size() == 240);

    // Another number of shards would send documents to other shards: refused.
    const Run other = lupe_index({"--index", index, "--shards", "3", src});
    CHECK(other.status == 2);
    CHECK(other.err.find("has 4 shards, not 3") != std::string::npos);
}

TEST_CASE("shard list: a server that accepts but never answers times out, named") {
    // A listening socket that nobody serves: connecting succeeds (the kernel's backlog),
    // Xapian's greeting never comes.
    const LoopbackSocket silent;
    REQUIRE(::listen(silent.fd, 4) == 0);
    const std::string port = std::to_string(silent.port);

    TempDir dir;
    REQUIRE(lupe_index({"--index", dir / "local", "--quiet", kCorpusDir + "/news"}).status == 0);
    const std::string list = dir.write("silent.list", "auto local\nremote 127.0.0.1:" + port + "\n");
    const auto start = std::chrono::steady_clock::now();
    const Run failed = lupe_search({"--index", list, "--timeout", "500", "--connect-timeout",
                                    "500", "Huawei"});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(failed.status == 2);
    CHECK(failed.err.find("tcp://127.0.0.1:" + port) != std::string::npos);
    CHECK(seconds < 5.0);
    const Run partial = lupe_search({"--index", list, "--timeout", "500", "--allow-partial",
                                     "--json", "Huawei"});
    CHECK(partial.status == 0);
    CHECK(json::parse(partial.out).at("missing_shards") ==
          json::array({"tcp://127.0.0.1:" + port}));
}

// Nightly robustness tests: the real lupe-index and lupe-search binaries as child processes
// (posix_spawn, no shell), killed with SIGKILL at random moments, run concurrently with each
// other, and fighting over the writers' lock. Every child process a test starts is waited
// for, or killed and waited for, before the test ends (Child's destructor sees to it when
// an assertion throws).
//
// The random moments come from a fixed seed, so a run is reproducible; set
// LUPE_NIGHTLY_SEED=<number> to try others (the seed used is printed).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/files.hpp"
#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

const std::string kIndexBin = LUPE_INDEX_BIN;
const std::string kSearchBin = LUPE_SEARCH_BIN;
const std::string kXapianCheck = "/usr/bin/xapian-check";

// ---------------------------------------------------------------------------------------
// Helpers on results and index directories

/// lupe-search --json -n 10000 QUERY on `index`: requires status 0 or 1; the ids found.
std::vector<std::string> search_ids(const std::string& index, const std::string& query) {
    const std::vector<std::string> args = {"--index", index, "--json", "-n", "10000",
                                           "--no-suggest", "--snippet-length", "0", query};
    const Run r = lupe_search(args);
    INFO("command: lupe-search " << describe(args));
    INFO("stderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    return result_ids(parse_json(r.out));
}

/// The generation named by DIR/XAPIANDB ("auto gen-000003"), or "" when there is none.
std::string published_generation(const std::string& dir) {
    std::istringstream in(read_file_if_any(dir + "/XAPIANDB"));
    std::string backend, generation;
    in >> backend >> generation;
    return generation;
}

std::vector<std::string> entries_starting_with(const std::string& dir, const std::string& prefix) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string joined(const std::vector<std::string>& v, std::size_t max = 20) {
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < max; ++i) s += (i ? " " : "") + v[i];
    if (v.size() > max) s += " ... (" + std::to_string(v.size()) + " in all)";
    return s;
}

void require_xapian_check() {
    if (!fs::exists(kXapianCheck)) {
        FAIL(kXapianCheck << " is missing: install Debian's xapian-tools package "
                             "(apt-get install xapian-tools) to run the nightly tests");
    }
}

/// The published index is sound: the stub names an existing generation, xapian-check
/// passes on it, and lupe-search opens it and answers (exit 0 or 1, never 2).
void check_published_index(const std::string& dir, const std::string& query) {
    const std::string generation = published_generation(dir);
    INFO("published generation: " << generation << "; directory holds: "
                                   << joined(entries_starting_with(dir, "")));
    REQUIRE_FALSE(generation.empty());
    REQUIRE(fs::is_directory(dir + "/" + generation));
    const Run check = run({kXapianCheck, dir + "/" + generation});
    {
        INFO("xapian-check " << dir << "/" << generation << ":\n" << check.out << check.err);
        CHECK(check.status == 0);
    }
    const std::vector<std::string> args = {"--index", dir, "--json", "-n", "1", query};
    const Run search = lupe_search(args);
    INFO("command: lupe-search " << describe(args));
    INFO("stderr: " << search.err);
    CHECK((search.status == 0 || search.status == 1));
    if (search.status == 0 || search.status == 1) {
        const json j = parse_json(search.out);
        CHECK(j.at("results").size() == (search.status == 0 ? 1u : 0u));
    }
}

/// Poll until `path` holds `text` (the lock file with a writer's pid), or the child ends,
/// or the deadline passes. Returns whether it does.
bool wait_for_file_text(const std::string& path, const std::string& text, Child& child,
                        double timeout_seconds) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_seconds);
    while (Clock::now() < deadline) {
        if (read_file_if_any(path) == text) return true;
        if (child.poll()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

// ---------------------------------------------------------------------------------------
// Synthetic documents

// Sentence words: none is an English stopword, none is a marker or edition word below.
const std::vector<std::string> kWords = {
    "river",    "mountain", "garden",   "window",   "harbor",   "lantern",  "meadow",
    "engine",   "copper",   "whistle",  "village",  "forest",   "bridge",   "candle",
    "market",   "orchard",  "painter",  "station",  "thunder",  "valley",   "winter",
    "summer",   "kitchen",  "library",  "number",   "pebble",   "silver",   "ticket",
    "anchor",   "basket",   "cabinet",  "desert",   "feather",  "glacier",  "hammer",
    "island",   "jacket",   "kettle",   "ladder",   "mirror",   "needle",   "ocean",
    "pepper",   "quarry",   "rabbit",   "saddle",   "tunnel",   "umbrella", "velvet",
    "wagon",    "yellow",   "zipper",   "blanket",  "compass",  "dolphin",  "falcon",
    "granite",  "harvest",  "lemon",    "marble",   "nectar",   "pillow",   "ribbon",
    "shadow",   "timber",   "walnut",   "castle",   "sailor",   "farmer",   "teacher",
    "doctor",   "writer",   "builds",   "carries",  "paints",   "opens",    "watches",
    "follows",  "finds",    "brings",   "quiet",    "bright",   "heavy",    "gentle",
    "ancient",  "narrow",   "golden",   "hidden",   "distant",  "frozen",   "wooden",
    "rusty",    "early",    "late",     "slowly",   "quickly",  "north",    "south"};

// Every document of test 1 holds this word; test 2 and 3 use their own.
const std::string kMarker = "quokka";
// One word per version of a document body, so that a stale body is caught.
const std::vector<std::string> kEditionWords = {
    "alfa",  "bravo",  "charlie", "delta",  "echo",    "foxtrot", "golf",  "hotel", "india",
    "juliett", "kilo", "lima",    "mike",   "november", "oscar",  "papa",  "quebec", "romeo",
    "sierra", "tango", "uniform", "victor", "whiskey", "xray",    "yankee", "zulu"};

// A seed for make_body's generator only (lupe 0.4's index hash, copied; not shard_of).
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

/// A body of a few English-looking sentences, fixed by (id, version, extra).
std::string make_body(const std::string& id, unsigned version, std::size_t sentences,
                      const std::vector<std::string>& extra_words) {
    std::mt19937_64 rng(fnv1a(id + "#" + std::to_string(version)));
    std::string body;
    for (std::size_t s = 0; s < sentences; ++s) {
        const std::size_t n = 6 + rng() % 7;
        for (std::size_t w = 0; w < n; ++w) {
            std::string word = kWords[rng() % kWords.size()];
            if (w == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
            body += (w == 0 ? (s == 0 ? "" : " ") : " ") + word;
        }
        body += '.';
    }
    for (const auto& w : extra_words) body += " " + w;
    body += '.';
    return body;
}

std::string jsonl_line(const std::string& id, const std::string& title, const std::string& body) {
    return json{{"id", id}, {"title", title}, {"body", body}, {"lang", "en"}}.dump() + "\n";
}

/// A JSONL file of `count` small documents with ids prefix0000..., holding `marker`.
std::string small_corpus(const std::string& prefix, std::size_t count, std::size_t sentences,
                         const std::string& marker) {
    std::string text;
    char id[32];
    for (std::size_t i = 0; i < count; ++i) {
        std::snprintf(id, sizeof id, "%s%04zu", prefix.c_str(), i);
        text += jsonl_line(id, std::string("Report ") + id, make_body(id, 0, sentences, {marker}));
    }
    return text;
}

unsigned seed_from_env() {
    if (const char* s = std::getenv("LUPE_NIGHTLY_SEED")) return static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    return 20240917u;
}

}  // namespace

// =======================================================================================
// 1. Fault injection

TEST_CASE("fault injection: kill -9 at 20 random moments") {
    require_xapian_check();
    TempDir tmp;
    const std::string dir = tmp / "index";
    const std::string src = tmp / "docs.jsonl";
    const unsigned seed = seed_from_env();
    MESSAGE("seed " << seed << " (set LUPE_NIGHTLY_SEED to change it)");
    std::mt19937 rng(seed);

    // The corpus: id -> body version; ids absent from the map are dropped.
    constexpr std::size_t kDocs = 3000;
    std::map<std::string, unsigned> present;
    std::vector<std::string> dropped;
    char idbuf[16];
    for (std::size_t i = 0; i < kDocs; ++i) {
        std::snprintf(idbuf, sizeof idbuf, "d%04zu", i);
        present[idbuf] = 0;
    }
    auto write_corpus = [&] {
        std::string text;
        for (const auto& [id, version] : present) {
            text += jsonl_line(id, "Report " + id,
                               make_body(id, version, 4, {kMarker, kEditionWords[version]}));
        }
        write_file(src, text);
    };
    write_corpus();

    // One full run, uninterrupted, to build the index and measure how long a run takes.
    const Run first = lupe_index({"--index", dir, "--batch-size", "100", "--full", "--json", src});
    INFO("first run stderr: " << first.err);
    REQUIRE(first.status == 0);
    REQUIRE(parse_json(first.out).at("documents_in_index") == kDocs);
    const double full_seconds = first.seconds;
    MESSAGE("an uninterrupted --full run of " << kDocs << " documents took " << full_seconds << " s");
    check_published_index(dir, "river");

    int killed = 0;
    int finished = 0;
    for (int round = 0; round < 20; ++round) {
        // Give incremental runs work: rewrite ~5% of the bodies, or drop and re-add ids.
        std::string change = "none";
        if (round % 4 == 1 || round % 4 == 2) {
            std::vector<std::string> ids;
            for (const auto& [id, v] : present) ids.push_back(id);
            std::shuffle(ids.begin(), ids.end(), rng);
            for (std::size_t i = 0; i < ids.size() / 20; ++i) {
                auto& v = present[ids[i]];
                v = (v + 1) % static_cast<unsigned>(kEditionWords.size());
            }
            change = "rewrote " + std::to_string(ids.size() / 20) + " bodies";
        } else if (round % 4 == 3) {
            std::shuffle(dropped.begin(), dropped.end(), rng);
            std::vector<std::string> readd(dropped.begin(),
                                           dropped.begin() + std::min<std::size_t>(dropped.size(), 40));
            dropped.erase(dropped.begin(), dropped.begin() + static_cast<long>(readd.size()));
            std::vector<std::string> ids;
            for (const auto& [id, v] : present) ids.push_back(id);
            std::shuffle(ids.begin(), ids.end(), rng);
            for (std::size_t i = 0; i < 60; ++i) {
                present.erase(ids[i]);
                dropped.push_back(ids[i]);
            }
            for (const auto& id : readd) present[id] = 1;
            change = "dropped 60 ids, re-added " + std::to_string(readd.size());
        }
        if (change != "none") write_corpus();

        const bool full = round % 2 == 1;
        const double delay = std::uniform_real_distribution<double>(0.0, full_seconds)(rng);
        std::vector<std::string> argv = {kIndexBin, "--index", dir, "--batch-size", "100"};
        if (full) argv.push_back("--full");
        argv.push_back(src);
        CAPTURE(round);
        CAPTURE(full);
        CAPTURE(delay);
        CAPTURE(change);

        Child child(argv, tmp / "round.out", tmp / "round.err");
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        const int status = child.kill_and_wait();
        if (status == 128 + SIGKILL) {
            ++killed;
        } else {
            ++finished;
            INFO("the run ended before the kill; stderr: " << child.err());
            CHECK(status == 0);
        }
        check_published_index(dir, "river");
    }
    MESSAGE(killed << " runs killed, " << finished << " ended before their kill");

    // A run without a kill repairs everything.
    const Run last = lupe_index({"--index", dir, "--batch-size", "100", "--json", src});
    INFO("final run stderr: " << last.err);
    REQUIRE(last.status == 0);
    const json summary = parse_json(last.out);
    CHECK(summary.at("failed") == 0);
    CHECK(summary.at("documents_in_index") == present.size());
    check_published_index(dir, kMarker);

    std::vector<std::string> ids = search_ids(dir, kMarker);
    std::vector<std::string> expected;
    for (const auto& [id, v] : present) expected.push_back(id);
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> duplicates;
    for (std::size_t i = 1; i < ids.size(); ++i) {
        if (ids[i] == ids[i - 1]) duplicates.push_back(ids[i]);
    }
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), ids.begin(), ids.end(),
                        std::back_inserter(missing));
    std::set_difference(ids.begin(), ids.end(), expected.begin(), expected.end(),
                        std::back_inserter(extra));
    INFO("duplicates: " << joined(duplicates));
    INFO("missing: " << joined(missing));
    INFO("not expected: " << joined(extra));
    CHECK(ids.size() == expected.size());
    CHECK(duplicates.empty());
    CHECK(missing.empty());
    CHECK(extra.empty());

    // Every body is the current one: each edition word finds exactly its documents.
    std::map<unsigned, std::vector<std::string>> by_edition;
    for (const auto& [id, v] : present) by_edition[v].push_back(id);
    for (unsigned v = 0; v < kEditionWords.size(); ++v) {
        std::vector<std::string> found = search_ids(dir, kEditionWords[v]);
        std::sort(found.begin(), found.end());
        INFO("edition word " << kEditionWords[v]);
        CHECK(found == by_edition[v]);
    }

    // Leftovers of killed runs: an incremental run does not remove them (see the next
    // test case); a successful --full run does.
    MESSAGE("after the final incremental run the index directory holds: "
            << joined(entries_starting_with(dir, "")));
    const Run full = lupe_index({"--index", dir, "--batch-size", "100", "--full", "--json", src});
    INFO("final --full run stderr: " << full.err);
    REQUIRE(full.status == 0);
    CHECK(parse_json(full.out).at("documents_in_index") == present.size());
    INFO("index directory after the final --full run: " << joined(entries_starting_with(dir, "")));
    CHECK(entries_starting_with(dir, "build-").empty());
    CHECK(entries_starting_with(dir, "gen-").size() <= 2);
    check_published_index(dir, kMarker);
    CHECK(search_ids(dir, kMarker).size() == present.size());
}

TEST_CASE("fault injection: leftovers of killed runs are gone after the next successful run") {
    // Regression: build-<pid>/ directories left by a killed `lupe-index --full` (and
    // generations left by one killed between compaction and cleanup) used to stay until
    // the next successful --full; every successful run now removes them.
    TempDir tmp;
    const std::string dir = tmp / "index";
    const std::string src = tmp / "docs.jsonl";
    write_file(src, small_corpus("d", 3000, 4, kMarker));
    const Run first = lupe_index({"--index", dir, "--batch-size", "100", "--full", src});
    REQUIRE(first.status == 0);

    // Kill --full runs once their build directory exists, several times over.
    int killed = 0;
    for (int round = 0; round < 3; ++round) {
        Child child({kIndexBin, "--index", dir, "--batch-size", "100", "--full", src});
        const auto deadline = Clock::now() + std::chrono::seconds(10);
        while (Clock::now() < deadline && !child.poll() &&
               !fs::exists(dir + "/build-" + std::to_string(child.pid()))) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        if (child.kill_and_wait() == 128 + SIGKILL) ++killed;
    }
    REQUIRE(killed > 0);
    const auto builds_before = entries_starting_with(dir, "build-");
    MESSAGE("after " << killed << " killed --full runs: " << joined(entries_starting_with(dir, "")));
    REQUIRE_FALSE(builds_before.empty());

    // Touch the source so that the incremental run reads it and commits.
    write_file(src, small_corpus("d", 3001, 4, kMarker));
    const Run incremental = lupe_index({"--index", dir, "--batch-size", "100", src});
    INFO("stderr: " << incremental.err);
    REQUIRE(incremental.status == 0);
    const auto builds_after = entries_starting_with(dir, "build-");
    INFO("build directories after a successful incremental run: " << joined(builds_after));
    CHECK(builds_after.empty());
    CHECK(entries_starting_with(dir, "gen-").size() <= 2);
}

// =======================================================================================
// 2. Concurrency

TEST_CASE("concurrency: searches never fail while the index is rebuilt and updated") {
    TempDir tmp;
    const std::string dir = tmp / "index";
    const std::string src = tmp / "docs.jsonl";
    const std::string base = small_corpus("c", 2000, 12, kMarker);
    write_file(src, base);
    const Run build = lupe_index({"--index", dir, "--batch-size", "50", src});
    INFO("stderr: " << build.err);
    REQUIRE(build.status == 0);

    std::string added;
    std::vector<std::string> new_ids;
    char id[16];
    for (int i = 0; i < 50; ++i) {
        std::snprintf(id, sizeof id, "z%04d", i);
        new_ids.push_back(id);
        added += jsonl_line(id, std::string("Report ") + id,
                            make_body(id, 0, 12, {kMarker, "zebrafinch"}));
    }

    // The writers: --full, then an incremental run with 50 new documents, then --full.
    std::vector<Run> writer_runs;
    std::vector<std::string> writer_steps;
    std::atomic<bool> writers_done{false};
    std::jthread writers([&] {
        try {
            writer_steps.push_back("--full");
            writer_runs.push_back(lupe_index({"--index", dir, "--batch-size", "50", "--full", src}));
            write_file(src, base + added);
            writer_steps.push_back("incremental (+50 zebrafinch documents)");
            writer_runs.push_back(lupe_index({"--index", dir, "--batch-size", "10", src}));
            writer_steps.push_back("--full");
            writer_runs.push_back(lupe_index({"--index", dir, "--batch-size", "50", "--full", src}));
        } catch (...) {
            // Recorded by the size of writer_runs; assertions stay on the test thread.
        }
        writers_done = true;
    });

    // The searchers: up to three lupe-search processes at a time until the writers end.
    const std::vector<std::string> queries = {"river", kMarker, "zebrafinch", "golden bridge",
                                              "\"quiet harbor\"", "mountain OR valley"};
    std::map<int, int> statuses;
    std::vector<std::string> failures;
    std::vector<std::unique_ptr<Child>> slots(3);
    std::size_t started = 0;
    const auto start = Clock::now();
    auto reap = [&](std::unique_ptr<Child>& c, bool block) {
        if (!c) return;
        const auto s = block ? std::optional<int>(c->wait()) : c->poll();
        if (!s) return;
        ++statuses[*s];
        if (*s != 0 && *s != 1) {
            failures.push_back("status " + std::to_string(*s) + " for " + describe(c->argv()) +
                               ": " + c->err());
        } else if (c->argv().back() == kMarker) {
            // Every document has the marker: a searcher sees the old index or the new one,
            // or the incremental run's commits (2000..2050 documents), never a part of one.
            const json j = json::parse(c->out(), nullptr, false);
            const std::size_t n = j.is_object() && j.contains("results") ? j["results"].size() : 0;
            if (n < 2000 || n > 2050) {
                failures.push_back(std::to_string(n) + " documents found by " + describe(c->argv()));
            }
        }
        c.reset();
    };
    while (!writers_done) {
        for (std::size_t i = 0; i < slots.size(); ++i) {
            reap(slots[i], false);
            if (!slots[i] && !writers_done) {
                const std::string out = tmp / ("search-" + std::to_string(i) + ".out");
                const std::string err = tmp / ("search-" + std::to_string(i) + ".err");
                slots[i] = std::make_unique<Child>(
                    std::vector<std::string>{kSearchBin, "--index", dir, "--json", "-n", "10000",
                                             "--snippet-length", "0",
                                             queries[started % queries.size()]},
                    out, err);
                ++started;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (auto& c : slots) reap(c, true);
    writers.join();
    MESSAGE(started << " searches in " << seconds_since(start) << " s while the writers ran: "
                    << statuses[0] << " with results, " << statuses[1] << " without, "
                    << (started - statuses[0] - statuses[1]) << " failed");

    REQUIRE(writer_runs.size() == 3);
    for (std::size_t i = 0; i < writer_runs.size(); ++i) {
        INFO("writer step " << i + 1 << " (" << writer_steps[i] << "), stderr: " << writer_runs[i].err);
        CHECK(writer_runs[i].status == 0);
    }
    INFO("failed searches: " << failures.size() << "\n" << joined(failures, 5));
    CHECK(failures.empty());
    CHECK(statuses[2] == 0);

    std::vector<std::string> found = search_ids(dir, "zebrafinch");
    std::sort(found.begin(), found.end());
    CHECK(found == new_ids);
    CHECK(search_ids(dir, kMarker).size() == 2050);
}

// =======================================================================================
// 3. The writers' lock

TEST_CASE("a second lupe-index fails at once, or waits") {
    TempDir tmp;
    const std::string dir = tmp / "index";
    const std::string src = tmp / "docs.jsonl";
    constexpr std::size_t kDocs = 20000;
    write_file(src, small_corpus("l", kDocs, 2, kMarker));

    Child first({kIndexBin, "--index", dir, "--full", "--json", src}, tmp / "first.out",
                tmp / "first.err");
    // The lock is taken once the lock file holds the first run's pid.
    const std::string pid_text = std::to_string(first.pid()) + "\n";
    INFO("first run stderr: " << first.err());
    REQUIRE(wait_for_file_text(dir + "/lock", pid_text, first, 10));

    const Run second = lupe_index({"--index", dir, src});
    const bool first_still_running = !first.poll();
    INFO("second run: status " << second.status << " after " << second.seconds << " s, stderr: "
                               << second.err);
    CHECK(second.status == 2);
    CHECK(second.seconds < 1.0);
    CHECK(second.err.find(dir) != std::string::npos);
    CHECK(second.err.find("pid") != std::string::npos);
    CHECK(second.err.find(std::to_string(first.pid())) != std::string::npos);
    CHECK(second.out.empty());
    if (!first_still_running) {
        MESSAGE("the first run ended before the second was rejected: the input is too small "
                "for this machine");
    }
    CHECK(first_still_running);

    // A third waits for the first and then finds everything indexed.
    const Run third = lupe_index({"--index", dir, "--wait", "60", "--json", src});
    const auto first_done = first.poll();
    const int first_status = first.wait();
    INFO("first run: status " << first_status << " after " << first.seconds() << " s");
    INFO("third run: status " << third.status << " after " << third.seconds << " s, stderr: "
                              << third.err);
    CHECK(first_status == 0);
    CHECK(third.status == 0);
    CHECK(parse_json(first.out()).at("documents_in_index") == kDocs);
    const json s3 = parse_json(third.out);
    // It ran after the first published: nothing was left for it to add.
    CHECK(s3.at("added_total") == 0);
    CHECK(s3.at("unchanged") == kDocs);
    CHECK(s3.at("documents_in_index") == kDocs);
    MESSAGE("first --full run: " << first.seconds() << " s; second rejected after "
                                 << second.seconds << " s; third waited and ended after "
                                 << third.seconds << " s (first already reaped: "
                                 << std::string(first_done ? "yes" : "no, ending") << ")");
}

// =======================================================================================
// 4. Stale locks

TEST_CASE("a stale lock from a killed run is cleared") {
    TempDir tmp;
    const std::string dir = tmp / "index";
    const std::string src = tmp / "docs.jsonl";
    write_file(src, small_corpus("s", 500, 3, kMarker));
    const Run build = lupe_index({"--index", dir, src});
    REQUIRE(build.status == 0);

    SUBCASE("a lock file naming a process that no longer exists") {
        pid_t gone = 999999;
        while (::kill(gone, 0) == 0 || errno != ESRCH) --gone;
        write_file(dir + "/lock", std::to_string(gone) + "\n");
        write_file(src, small_corpus("s", 520, 3, kMarker));
        const Run next = lupe_index({"--index", dir, "--json", src});
        INFO("stderr: " << next.err);
        CHECK(next.status == 0);
        CHECK(parse_json(next.out).at("documents_in_index") == 520);
        write_file(dir + "/lock", std::to_string(gone) + "\n");
        const Run full = lupe_index({"--index", dir, "--full", "--json", src});
        INFO("stderr: " << full.err);
        CHECK(full.status == 0);
        CHECK(parse_json(full.out).at("documents_in_index") == 520);
    }

    SUBCASE("the lock of a lupe-index killed with SIGKILL mid-run") {
        constexpr std::size_t kDocs = 8000;
        write_file(src, small_corpus("s", kDocs, 3, kMarker));
        for (const bool full : {false, true}) {
            CAPTURE(full);
            std::vector<std::string> argv = {kIndexBin, "--index", dir, "--batch-size", "100"};
            if (full) argv.push_back("--full");
            argv.push_back(src);
            Child victim(argv, "", tmp / "victim.err");
            const std::string pid_text = std::to_string(victim.pid()) + "\n";
            INFO("killed run stderr: " << victim.err());
            REQUIRE(wait_for_file_text(dir + "/lock", pid_text, victim, 10));
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            const int status = victim.kill_and_wait();
            if (status != 128 + SIGKILL) {
                MESSAGE("the run ended (status " << status << ") before its kill");
            }
            // The lock file still names the dead writer; nobody removes it.
            CHECK(read_file_if_any(dir + "/lock") == pid_text);

            const Run next = lupe_index({"--index", dir, "--json", src});
            INFO("stderr: " << next.err);
            CHECK(next.status == 0);
            CHECK(next.err.find("has it open") == std::string::npos);
            CHECK(parse_json(next.out).at("documents_in_index") == kDocs);
        }
        CHECK(search_ids(dir, kMarker).size() == kDocs);
    }
}

// One Searcher shared by many threads: 8 threads x 1,000 searches give exactly the
// single-threaded results on an unchanged index, and keep working while another process
// commits updates. Run it under ThreadSanitizer with -DLUPE_SANITIZE=thread.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/searcher.hpp"
#include "support/temp_dir.hpp"

namespace {

constexpr int kThreads = 8;
constexpr int kSearchesPerThread = 1000;

const char* const kWords[] = {"river", "mountain", "train", "drone", "market", "energy",
                              "school", "city", "storm", "music", "Fluss", "Berg", "Zug",
                              "Drohne", "Markt", "Energie", "Schule", "Stadt"};

void build_index(const std::string& path) {
    lupe::IndexWriter w(path);
    for (int i = 0; i < 300; ++i) {
        std::string body;
        for (int k = 0; k < 12; ++k) body += std::string(kWords[(i * 7 + k * k) % 18]) + " ";
        w.add_document({.id = "d" + std::to_string(i), .title = kWords[i % 18], .body = body,
                        .lang = i % 2 ? "de" : "en"});
    }
    w.commit();
}

std::vector<std::string> queries() {
    std::vector<std::string> q;
    for (int i = 0; i < 18; ++i) q.push_back(std::string(kWords[i]) + " " + kWords[(i + 5) % 18]);
    q.push_back("\"river mountain\"");
    q.push_back("lang:de Zug");
    return q;
}

// What a search returned, to compare runs exactly.
std::string fingerprint(const lupe::SearchResults& r) {
    std::string s = std::to_string(r.total_estimate) + ":";
    for (const auto& hit : r.results) s += hit.id + "=" + std::to_string(hit.score) + "," + hit.snippet.text + ";";
    return s;
}

}  // namespace

TEST_CASE("threads: one Searcher, 8 threads x 1000 searches, same results as one thread") {
    lupe::test::TempDir dir;
    build_index(dir / "idx");
    lupe::Searcher searcher(dir / "idx");
    const auto qs = queries();
    std::vector<std::string> expected;
    for (const auto& q : qs) expected.push_back(fingerprint(searcher.search(q)));

    std::atomic<int> mismatches{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kSearchesPerThread; ++i) {
                const std::size_t q = static_cast<std::size_t>(i + t) % qs.size();
                try {
                    if (fingerprint(searcher.search(qs[q])) != expected[q]) ++mismatches;
                } catch (const lupe::Error&) {
                    ++errors;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(mismatches == 0);
    CHECK(errors == 0);
}

TEST_CASE("threads: searches keep working while another process commits updates") {
    lupe::test::TempDir dir;
    const std::string path = dir / "idx";
    build_index(path);
    lupe::Searcher searcher(path);

    const pid_t writer = ::fork();
    REQUIRE(writer >= 0);
    if (writer == 0) {
        // The other process: 40 commits replacing documents and adding new ones, one every
        // 25 ms or so: a busy writer. (A writer committing every millisecond, faster than a
        // search runs under load, can make a search run out of retries: see docs/embedding.md#threads.)
        int status = 0;
        try {
            lupe::IndexWriter w(path, {.lock_wait_seconds = 30});
            for (int round = 0; round < 40; ++round) {
                for (int i = 0; i < 10; ++i) {
                    const int n = round * 10 + i;
                    w.add_document({.id = "d" + std::to_string(n % 300),
                                    .body = "river train revision " + std::to_string(round),
                                    .lang = "en"});
                    w.add_document({.id = "new" + std::to_string(n), .body = "glacier river",
                                    .lang = "en"});
                }
                w.commit();
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
            w.publish();
        } catch (...) {
            status = 1;
        }
        ::_exit(status);
    }

    std::atomic<int> errors{0};
    std::atomic<int> empty{0};
    std::mutex first_error_mutex;
    std::string first_error;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kSearchesPerThread; ++i) {
                try {
                    if (searcher.search("river").results.empty()) ++empty;
                } catch (const lupe::Error& e) {
                    ++errors;
                    const std::lock_guard<std::mutex> lock(first_error_mutex);
                    if (first_error.empty()) first_error = e.what();
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    int wstatus = 0;
    REQUIRE(::waitpid(writer, &wstatus, 0) == writer);
    CHECK(WIFEXITED(wstatus));
    CHECK(WEXITSTATUS(wstatus) == 0);
    INFO("first error: " << first_error);
    CHECK(errors == 0);
    CHECK(empty == 0);
    // After the writer is done, every thread's next search sees its documents.
    CHECK(searcher.search("glacier", {.limit = 1000}).results.size() == 400);
}

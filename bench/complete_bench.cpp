// Latency of the engine calls lupe-serve makes per keystroke and per search:
// Searcher::complete() for every 1- to 4-letter prefix of the index's words, and search()
// with and without facets over a file of queries (bench/README.md).
//
//   complete-bench INDEX [QUERIES.tsv]
//
// Prints the vocabulary's load time and memory, then p50/p95/max per prefix length, then
// (with QUERIES, `qid<TAB>lang<TAB>text` as in /work/shared/data) the search latencies
// without and with facets, each query's fastest of three runs. One thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "lupe/searcher.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void print_latencies(const char* what, std::vector<double> ms) {
    if (ms.empty()) return;
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms[static_cast<std::size_t>(q * (ms.size() - 1))]; };
    std::printf("%-28s n=%6zu  p50 %8.3f ms  p95 %8.3f ms  max %8.3f ms\n", what, ms.size(),
                at(0.50), at(0.95), ms.back());
}

// The process's resident set, from /proc/self/statm.
long resident_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: complete-bench INDEX [QUERIES.tsv]\n");
        return 2;
    }
    lupe::Searcher searcher(argv[1]);

    // The first call loads the vocabulary: its time, and what it adds to the resident set.
    const long rss_before = resident_kib();
    auto start = Clock::now();
    searcher.complete("a", 10);
    std::printf("vocabulary loaded by the first complete(): %.1f ms, resident set +%ld KiB\n",
                ms_since(start), resident_kib() - rss_before);

    // Every prefix of 1 to 4 letters that some word has: from the words that the 2-letter
    // prefixes give (a..z, then their completions' prefixes).
    std::set<std::string> prefixes[5];
    std::size_t words = 0, bytes = 0;
    for (char a = 'a'; a <= 'z'; ++a) {
        for (const auto& c : searcher.complete(std::string(1, a), 1000000)) {
            ++words;
            bytes += c.word.size();
            // Prefixes of letters only: what a user types before a completion is useful.
            for (std::size_t n = 1; n <= 4 && n <= c.word.size(); ++n) {
                const std::string p = c.word.substr(0, n);
                if (std::all_of(p.begin(), p.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; })) {
                    prefixes[n].insert(p);
                }
            }
        }
    }
    std::printf("words starting with a..z: %zu (%zu bytes of text)\n", words, bytes);
    for (std::size_t n = 1; n <= 4; ++n) {
        std::vector<double> ms;
        for (const std::string& p : prefixes[n]) {
            start = Clock::now();
            const auto completions = searcher.complete(p, 10);
            ms.push_back(ms_since(start));
            if (completions.empty()) std::fprintf(stderr, "no completion of %s\n", p.c_str());
        }
        const std::string what = "complete(), " + std::to_string(n) + "-letter prefixes";
        print_latencies(what.c_str(), std::move(ms));
    }

    if (argc < 3) return 0;
    std::ifstream in(argv[2]);
    std::vector<std::string> queries;
    for (std::string line; std::getline(in, line);) {
        const auto tab = line.rfind('\t');
        if (tab != std::string::npos) queries.push_back(line.substr(tab + 1));
    }
    // Each query without and with facets, back to back, three times: the fastest of each
    // (the machine may be shared; the minimum is the least disturbed).
    constexpr int kRounds = 3;
    std::vector<double> without(queries.size(), 1e300), with(queries.size(), 1e300);
    std::size_t exact = 0;
    for (int round = 0; round < kRounds; ++round) {
        for (std::size_t i = 0; i < queries.size(); ++i) {
            for (const bool facets : {false, true}) {
                lupe::SearchOptions options;
                options.facets = facets;
                start = Clock::now();
                const auto r = searcher.search(queries[i], options);
                double& best = facets ? with[i] : without[i];
                best = std::min(best, ms_since(start));
                if (round == 0 && facets) exact += r.facets.exact;
            }
        }
    }
    print_latencies("search() without facets", without);
    print_latencies("search() with facets", with);
    std::printf("facets exact for %zu of %zu queries\n", exact, queries.size());
    return 0;
}

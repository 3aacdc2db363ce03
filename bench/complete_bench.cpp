// Latency of the engine calls lupe-serve makes per keystroke and per search:
// Searcher::complete() for every 1- to 4-letter prefix of the index's words, and search()
// with and without facets over a file of queries (bench/README.md).
//
//   complete-bench INDEX [QUERIES.tsv]
//
// Prints the vocabulary's load time and size, then p50/p95/max per prefix length, then
// (with QUERIES, `qid<TAB>lang<TAB>text` as in /work/shared/data) the search latencies
// without and with facets. A Searcher of its own: the numbers are one thread's, warm
// (each query runs once before it is timed).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

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

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: complete-bench INDEX [QUERIES.tsv]\n");
        return 2;
    }
    lupe::Searcher searcher(argv[1]);

    // The first call loads the vocabulary.
    auto start = Clock::now();
    searcher.complete("a", 10);
    std::printf("vocabulary loaded by the first complete(): %.1f ms\n", ms_since(start));

    // Every prefix of 1 to 4 letters that some word has: from the words that the 2-letter
    // prefixes give (a..z, then their completions' prefixes).
    std::set<std::string> prefixes[5];
    for (char a = 'a'; a <= 'z'; ++a) {
        for (const auto& c : searcher.complete(std::string(1, a), 100000)) {
            for (std::size_t n = 1; n <= 4 && n <= c.word.size(); ++n) {
                prefixes[n].insert(c.word.substr(0, n));
            }
        }
    }
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
    for (const bool facets : {false, true, false, true}) {  // twice: the second is warm
        std::vector<double> ms;
        std::size_t exact = 0;
        for (const std::string& q : queries) {
            lupe::SearchOptions options;
            options.facets = facets;
            start = Clock::now();
            const auto r = searcher.search(q, options);
            ms.push_back(ms_since(start));
            exact += r.facets.exact;
        }
        print_latencies(facets ? "search() with facets" : "search() without facets",
                        std::move(ms));
        if (facets) std::printf("  facets exact for %zu of %zu queries\n", exact, queries.size());
    }
    return 0;
}

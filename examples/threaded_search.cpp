// One Searcher shared by several threads: lupe-example-threaded INDEX_DIR QUERY...
// Each of 4 threads runs every query 100 times; all must agree with a single-threaded run.
#include <atomic>
#include <iostream>
#include <thread>
#include <vector>
#include <lupe/lupe.hpp>

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " INDEX_DIR QUERY...\n";
        return 2;
    }
    lupe::Searcher searcher(argv[1]);  // thread-safe: one for all threads
    const std::vector<std::string> queries(argv + 2, argv + argc);
    std::vector<std::string> expected;
    for (const auto& q : queries) {
        const auto r = searcher.search(q);
        expected.push_back(r.results.empty() ? "" : r.results.front().id);
    }
    std::atomic<int> disagreements{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                for (std::size_t q = 0; q < queries.size(); ++q) {
                    const auto r = searcher.search(queries[q]);
                    if ((r.results.empty() ? "" : r.results.front().id) != expected[q]) ++disagreements;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    for (std::size_t q = 0; q < queries.size(); ++q) {
        std::cout << queries[q] << ": " << (expected[q].empty() ? "(nothing)" : expected[q]) << '\n';
    }
    std::cout << "4 threads x 100 rounds, disagreements: " << disagreements << '\n';
    return disagreements == 0 ? 0 : 1;
} catch (const lupe::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
}

// The README's embedding example: index two documents, search, print. Built with the
// project and run by the tests, so the README cannot go stale.
#include <filesystem>
#include <iostream>

#include <lupe/lupe.hpp>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "example-index";
    try {
        lupe::IndexWriter writer(path);
        writer.add_document({.id = "drone", .title = "Antigravity A1",
                             .body = "Eine neuartige Drohne kombiniert 360°-Rundumsicht mit VR-Headset.",
                             .lang = "de"});
        writer.add_document({.id = "deepseek", .title = "DeepSeek and Huawei",
                             .body = "DeepSeek failed to train its model on Huawei Ascend chips.",
                             .lang = "en"});
        writer.commit();

        lupe::Searcher searcher(path);
        for (const char* query : {"Drohnen", "trained on Ascend"}) {
            const lupe::SearchResults found = searcher.search(query);
            std::cout << query << ": " << found.total_estimate << " match(es)\n";
            for (const lupe::Result& hit : found.results) {
                std::cout << "  " << hit.rank << ". " << hit.title << " [" << hit.id << "] "
                          << hit.snippet.marked("[", "]") << '\n';
            }
        }
    } catch (const lupe::Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}

// Minimal search program: lupe-example-search INDEX_DIR QUERY...
// Prints the top ten hits with their snippets, or the error.
#include <iostream>
#include <lupe/lupe.hpp>

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " INDEX_DIR QUERY...\n";
        return 2;
    }
    std::string query;
    for (int i = 2; i < argc; ++i) query += std::string(i > 2 ? " " : "") + argv[i];
    lupe::Searcher searcher(argv[1]);
    const lupe::SearchResults found = searcher.search(query, {.limit = 10});
    if (!found.suggestion.empty()) std::cout << "Did you mean: " << found.suggestion << '\n';
    for (const lupe::Result& hit : found.results) {
        std::cout << hit.rank << ". " << hit.title << " [" << hit.id << ", " << hit.lang << "]\n   "
                  << hit.snippet.marked("[", "]") << '\n';
    }
    std::cout << found.results.size() << " of about " << found.total_estimate << " results\n";
    return found.results.empty() ? 1 : 0;
} catch (const lupe::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
}

// The README's embedding example, verbatim: built with the project and run by the tests
// (tests/cli), so the README cannot go stale. Usage: lupe-example-embed [INDEX_DIR]
#include <iostream>
#include <lupe/lupe.hpp>

int main(int argc, char** argv) try {
    const std::string path = argc > 1 ? argv[1] : "example-index";
    lupe::IndexWriter writer(path);  // opens the index, or creates it
    writer.add_document({.id = "drone", .title = "Antigravity A1",
                         .body = "Eine neuartige Drohne kombiniert 360°-Rundumsicht.", .lang = "de"});
    writer.add_document({.id = "deepseek", .title = "DeepSeek and Huawei",
                         .body = "DeepSeek failed to train its model on Huawei Ascend chips."});
    writer.commit();  // durable and visible to searchers from here

    lupe::Searcher searcher(path);
    for (const char* query : {"Drohnen", "trained on Ascend"}) {
        std::cout << query << ":\n";
        for (const lupe::Result& hit : searcher.search(query).results)
            std::cout << "  " << hit.rank << ". " << hit.title << " [" << hit.id << "] "
                      << hit.snippet.marked("[", "]") << '\n';
    }
} catch (const lupe::Error& e) {  // every lupe failure, with the path or id in what()
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}

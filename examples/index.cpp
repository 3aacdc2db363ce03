// Minimal indexing program: lupe-example-index INDEX_DIR SOURCE...
// Brings the index up to date with the files (incremental), reporting problems as it goes.
#include <iostream>
#include <lupe/app/index_run.hpp>  // lupe::app: index_sources
#include <lupe/lupe.hpp>

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " INDEX_DIR SOURCE...\n";
        return 2;
    }
    lupe::IndexWriter writer(argv[1], {.batch_size = 5000});
    lupe::IndexRunObserver observer;
    observer.on_warning = [](const lupe::IndexWarning& w) {
        std::cerr << w.path << (w.line ? ":" + std::to_string(w.line) : "") << ": " << w.message << '\n';
    };
    const lupe::IndexRunSummary s =
        lupe::index_sources(writer, std::vector<std::string>(argv + 2, argv + argc), observer);
    std::cout << "indexed " << s.indexed() << ", unchanged " << s.unchanged << ", deleted "
              << s.deleted << ", failed " << s.failed << "; " << s.documents_total
              << " documents in the index\n";
    return s.failed ? 1 : 0;
} catch (const lupe::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
}

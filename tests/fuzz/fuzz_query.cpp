// Fuzz target: the query parser and the query builder (with the stemmers, folding and a
// compound splitter), as a search runs them on user input.
#include "tests/fuzz/fuzz_common.hpp"

#include "analysis/analyzer.hpp"
#include "analysis/decompounder.hpp"
#include "lupe/error.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/query_recovery.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static lupe::analysis::Analyzer analyzer(lupe::analysis::AnalysisConfig{
        true, std::make_shared<const lupe::analysis::Decompounder>(std::vector<std::string>{
                  "Drohne", "Hersteller", "Rundum", "Sicht", "Fußball", "Trainer"})});
    const std::string_view query = lupe::fuzz::bytes(data, size);
    try {
        lupe::searcher::QueryNode root;
        try {
            root = lupe::searcher::parse_query(query);
        } catch (const lupe::QuerySyntaxError&) {
            root = lupe::searcher::recover_query(query).root;
        }
        for (const char* lang : {"", "en", "de"}) {
            lupe::searcher::QueryOptions options;
            options.lang = lang;
            (void)lupe::searcher::build_query(root, options, analyzer);
        }
    } catch (const lupe::QuerySyntaxError&) {
        // the retry can still have too many terms: a documented refusal
    }
    return 0;
}

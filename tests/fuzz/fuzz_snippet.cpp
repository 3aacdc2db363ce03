// Fuzz target: snippet generation. The input is "query\ntext": the query's highlights (as a
// search builds them) are looked for in the text.
#include "tests/fuzz/fuzz_common.hpp"

#include "analysis/analyzer.hpp"
#include "lupe/error.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/snippet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static lupe::analysis::Analyzer analyzer;
    const std::string_view input = lupe::fuzz::bytes(data, size);
    const std::size_t newline = input.find('\n');
    const std::string_view query = input.substr(0, newline);
    const std::string_view text =
        newline == std::string_view::npos ? input : input.substr(newline + 1);
    lupe::searcher::BuiltQuery built;
    try {
        built = lupe::searcher::build_query(lupe::searcher::parse_query(query), {}, analyzer);
    } catch (const lupe::QuerySyntaxError&) {
        return 0;
    }
    for (const std::size_t length : {std::size_t{0}, std::size_t{40}, std::size_t{300}}) {
        for (const auto family : lupe::analysis::kAllFamilies) {
            const auto snippet =
                lupe::searcher::make_snippet(text, family, built.highlights, analyzer, length);
            if (snippet.text.size() > text.size() + 16) __builtin_trap();  // "…" marks at most
        }
    }
    return 0;
}

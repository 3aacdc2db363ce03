// Fuzz target: snippet and title highlighting and printing. The input is "query\ntext":
// the query's highlights (as a search builds them) are looked for in the text, as a
// snippet and as a title (whose ranges must lie in it, in order); the result, with the
// text as title, id and URL, is then printed as lupe-search prints it, which must hold no
// escape character but its own highlight markers and be valid UTF-8 (terminal_safe).
#include "tests/fuzz/fuzz_common.hpp"

#include "analysis/analyzer.hpp"
#include "analysis/utf8.hpp"
#include "lupe/app/output.hpp"
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
            lupe::SearchResults results;
            results.query = std::string(query);
            lupe::Result hit;
            hit.title = hit.id = hit.url = std::string(text.substr(0, 200));
            hit.title += "x";  // never "(untitled)"
            hit.title_highlights =
                lupe::searcher::highlight_words(hit.title, family, built.highlights, analyzer);
            std::size_t at = 0;
            for (const auto& h : hit.title_highlights) {
                if (h.begin < at || h.end <= h.begin || h.end > hit.title.size()) __builtin_trap();
                at = h.end;
            }
            hit.snippet.text = snippet.text;
            hit.snippet.highlights = snippet.highlights;
            results.results.push_back(hit);
            const std::string printed = lupe::format_text(results, 0, true);
            std::size_t escapes = 0;
            for (const char c : printed) escapes += c == '\x1b';
            // Bold on and off around each highlight, the title's and the snippet's: nothing else.
            if (escapes > 2 * (hit.title_highlights.size() + snippet.highlights.size())) __builtin_trap();
            if (lupe::analysis::find_invalid_utf8(printed)) __builtin_trap();
            (void)lupe::format_json(results);  // must not throw on any bytes
        }
    }
    return 0;
}

// lupe-search: parse the command line, run the search(es) with lupe::Searcher, print.
// Exit status: 0 results found, 1 no results (also on a page past the last result, whose
// message gives the number of matches), 2 error (bad arguments, no index, bad batch file).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "../cli/help_options.hpp"
#include "../cli/option_names.hpp"
#include "../cli/option_values.hpp"
#include "../cli/parse_errors.hpp"
#include "lupe/app/output.hpp"
#include "lupe/lupe.hpp"

namespace {

constexpr int kExitResults = 0;
constexpr int kExitNoResults = 1;
constexpr int kExitError = 2;

// Option groups of --help and the man page beyond CLI11's "Options": the many ranking
// switches, which most users never need, apart from the everyday ones.
constexpr const char* kShardListOptions = "Shard lists";
constexpr const char* kRankingOptions = "Ranking (for measuring and tuning)";

/// Default number of results per query in --batch mode: deep enough for MAP and
/// Recall@100 in evaluation (trec_eval's customary 1000).
constexpr std::size_t kBatchDefaultLimit = 1000;

bool use_color(const std::string& mode) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    const char* term = std::getenv("TERM");
    return ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") &&
           !(term && std::string(term) == "dumb");
}

// A library message with the library's option names replaced by the flags that set them.
std::string with_flags(std::string message) {
    static const lupe::apps::OptionFlag kFlags[] = {
        {"SearchOptions::allow_partial", "lupe-search --allow-partial"},
        {"IndexWriterOptions::rebuild", "lupe-index --full"},
        {"SearcherOptions::german_word_list", "lupe-search --german-word-list FILE"},
    };
    return lupe::apps::with_flags(std::move(message), kFlags);
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) return fields;
        start = tab + 1;
    }
}

// --batch: per line "query" (its qid is the line number), "qid<TAB>query" or
// "qid<TAB>lang<TAB>query"; blank lines and lines starting with '#' are skipped; FILE "-"
// is standard input. TREC run lines out, or with --json one JSON object per line (JSON
// lines: format_json's object with a "qid" key). With --timings, "qid<TAB>milliseconds"
// per query that ran goes to timings_file: the wall time of searcher.search() alone
// (steady clock), so that reading the batch file and formatting or writing the run lines
// are not part of the figure.
int run_batch(lupe::Searcher& searcher, const std::string& file, lupe::SearchOptions options,
              const std::string& timings_file, bool json) {
    std::ifstream file_in;
    if (file != "-") {
        std::error_code ec;
        if (std::filesystem::is_directory(file, ec)) {
            std::cerr << "lupe-search: " << lupe::terminal_safe(file)
                      << ": is a folder; --batch takes a file of queries, one per line (- for "
                         "standard input)\n";
            return kExitError;
        }
        file_in.open(file);
        if (!file_in) {
            std::cerr << "lupe-search: " << file << ": cannot open the batch file\n";
            return kExitError;
        }
    }
    std::istream& in = file == "-" ? std::cin : file_in;
    const std::string where = file == "-" ? "standard input" : file;
    std::ofstream timings;
    if (!timings_file.empty()) {
        timings.open(timings_file, std::ios::out | std::ios::trunc);
        if (!timings) {
            std::cerr << "lupe-search: " << timings_file << ": cannot write the timings file\n";
            return kExitError;
        }
    }
    bool any_results = false;
    bool any_error = false;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        auto fields = split_tabs(line);
        if (fields.size() == 1) fields.insert(fields.begin(), std::to_string(number));
        if (fields.size() > 3 || fields[0].empty()) {
            std::cerr << "lupe-search: " << where << ':' << number
                      << ": expected a query, qid<TAB>query or qid<TAB>lang<TAB>query\n";
            any_error = true;
            continue;
        }
        lupe::SearchOptions query_options = options;
        if (fields.size() == 3 && !fields[1].empty()) query_options.lang = fields[1];
        try {
            const auto start = std::chrono::steady_clock::now();
            auto results = searcher.search(fields.back(), query_options);
            for (auto& notice : results.notices) notice = with_flags(notice);
            const std::chrono::duration<double, std::milli> elapsed =
                std::chrono::steady_clock::now() - start;
            if (timings.is_open()) {
                char ms[32];
                std::snprintf(ms, sizeof ms, "%.3f", elapsed.count());
                timings << fields[0] << '\t' << ms << '\n';
            }
            if (results.time_limited) {
                std::cerr << "lupe-search: " << where << ':' << number << ": query " << lupe::terminal_safe(fields[0])
                          << ": reached the time limit; the best results found by then\n";
            }
            if (!results.missing_shards.empty()) {
                std::cerr << "lupe-search: " << where << ':' << number << ": query " << lupe::terminal_safe(fields[0])
                          << ": partial results, not searched:";
                for (const auto& shard : results.missing_shards) std::cerr << ' ' << lupe::terminal_safe(shard);
                std::cerr << '\n';
            }
            for (const auto& notice : results.notices) {
                std::cerr << "lupe-search: " << where << ':' << number << ": query " << lupe::terminal_safe(fields[0])
                          << ": " << lupe::terminal_safe(notice) << '\n';
            }
            if (!results.syntax_error.empty()) {
                std::cerr << "lupe-search: " << where << ':' << number << ": query " << lupe::terminal_safe(fields[0])
                          << ": " << lupe::terminal_safe(results.syntax_error)
                          << "; searched: " << lupe::terminal_safe(results.query) << '\n';
            }
            any_results = any_results || !results.results.empty();
            if (json) {
                nlohmann::json object = nlohmann::json::parse(lupe::format_json(results));
                object["qid"] = fields[0];
                std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                          << '\n';
            } else {
                std::cout << lupe::format_trec(fields[0], results);
            }
        } catch (const lupe::QueryLimitError& e) {  // this query only: the others run
            std::cerr << "lupe-search: " << where << ':' << number << ": query " << lupe::terminal_safe(fields[0])
                      << ": " << lupe::terminal_safe(e.what()) << '\n';
            any_error = true;
        } catch (const lupe::InvalidArgumentError& e) {
            std::cerr << "lupe-search: " << where << ':' << number << ": " << lupe::terminal_safe(e.what()) << '\n';
            any_error = true;
        }
    }
    if (timings.is_open()) {
        timings.close();
        if (!timings) {
            std::cerr << "lupe-search: " << timings_file << ": cannot write the timings file\n";
            return kExitError;
        }
    }
    if (any_error) return kExitError;
    return any_results ? kExitResults : kExitNoResults;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Search a lupe index. Query syntax: words (ranked, any of them; documents\n"
                 "with all words first), \"exact phrase\", AND OR NOT ( ), +required -excluded,\n"
                 "title: lang: source: date:2025-01-01..2025-12-31, wildcard ascen*\n"
                 "A query that starts with '-' goes after '--': lupe-search -i DIR -- -word other"};
    std::string index;
    std::vector<std::string> words;
    std::string batch;
    std::string timings;
    std::string color = "auto";
    bool json = false;
    lupe::SearchOptions options;
    app.add_option("-i,--index", index,
                   "Index directory, or a shard list file (`auto DIR` / `remote HOST:PORT` lines)")
        ->type_name("PATH")
        ->required();
    app.add_option("QUERY", words, "The query (several arguments are joined with spaces)")
        ->type_name("");
    auto* limit = app.add_option("-n,--limit", options.limit, "Results to show, 1 to 10000")
                      ->type_name("N")
                      ->capture_default_str()
                      ->check(lupe::apps::in_range(std::size_t{1}, std::size_t{10000}));
    app.add_option("--offset", options.offset, "Skip this many top results")
        ->type_name("N")
        ->capture_default_str();
    app.add_option("--lang", options.lang,
                   "Only documents in this language, en or de, stemmed for it")
        ->type_name("LANG")
        ->check(lupe::apps::one_of({"en", "de"}));
    app.add_flag("--json", json, "One JSON object on stdout (with --batch: one per line)");
    app.add_option("--batch", batch,
                   "Run one query per line of FILE ('-': standard input): QUERY (qid: the line "
                   "number), qid<TAB>QUERY or qid<TAB>lang<TAB>QUERY; '#' lines are skipped. "
                   "Prints TREC run lines, or JSON lines with --json (default --limit 1000)")
        ->type_name("FILE");
    auto* timings_option =
        app.add_option("--timings", timings,
                       "With --batch: write qid<TAB>milliseconds per query to this file (wall "
                       "time of the search alone, without start-up and output)")
            ->type_name("FILE");
    app.add_option("--snippet-length", options.snippet_length, "Snippet length in bytes (0: none)")
        ->type_name("BYTES")
        ->capture_default_str();
    const std::map<std::string, lupe::SortOrder> orders = {{"relevance", lupe::SortOrder::Relevance},
                                                          {"newest", lupe::SortOrder::NewestFirst},
                                                          {"oldest", lupe::SortOrder::OldestFirst}};
    // Checked with one_of, not with CLI11's CheckedTransformer, whose message and --help
    // text show its internal mapping ("{newest->1,...}").
    std::string sort = "relevance";
    app.add_option("--sort", sort, "Order: relevance, newest or oldest (undated last)")
        ->type_name("ORDER")
        ->capture_default_str()
        ->check(lupe::apps::one_of({"relevance", "newest", "oldest"}, lupe::apps::LetterCase::Ignore));
    app.add_option("--from", options.date_from, "Only documents dated on or after YYYY[-MM[-DD]]")
        ->type_name("DATE");
    app.add_option("--to", options.date_to, "Only documents dated on or before YYYY[-MM[-DD]]")
        ->type_name("DATE");
    app.add_flag("--title-only", [&](std::int64_t) { options.fields = lupe::SearchField::Title; },
                 "Look for plain words in titles only");
    lupe::SearcherOptions shard_settings;
    app.add_option("--time-limit", options.time_limit_seconds,
                   "Most seconds one search may take; it then shows the best results found "
                   "so far, at most 86400 (0: no limit)")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0.0, 86400.0));
    app.add_flag("--allow-partial", options.allow_partial,
                 "With a shard list: when shards are down, show the others' results and name "
                 "the missing ones (default: fail)")
        ->group(kShardListOptions);
    app.add_option("--connect-timeout", shard_settings.connect_timeout_ms,
                   "Milliseconds to wait for a remote shard's server to accept a connection, "
                   "1 to 3600000")
        ->type_name("MS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(1, 3600000))
        ->group(kShardListOptions);
    app.add_option("--timeout", shard_settings.timeout_ms,
                   "Milliseconds a remote shard may take for one operation (a query included), "
                   "1 to 3600000")
        ->type_name("MS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(1, 3600000))
        ->group(kShardListOptions);
    app.add_flag("--no-collapse", [&](std::int64_t) { options.collapse_duplicates = false; },
                 "Show every copy of a story found in several feeds (same title on the same "
                 "day, or same url) as a hit of its own, instead of one hit that counts the "
                 "others (TREC runs always show every copy)");
    app.add_flag("--no-suggest", [&](std::int64_t) { options.suggest = false; },
                 "No \"Did you mean\" suggestion");
    app.add_flag("--auto-correct", options.auto_correct,
                 "When the query finds nothing, run its \"Did you mean\" suggestion instead "
                 "and say so");
    app.add_flag("--no-stopwords", [&](std::int64_t) { options.stopwords = false; },
                 "Treat stopwords like other words (for measuring their effect)")
        ->group(kRankingOptions);
    app.add_flag("--no-decompound", [&](std::int64_t) { options.decompound = false; },
                 "Do not split German compound query words (for measuring)")
        ->group(kRankingOptions);
    app.add_option("--german-word-list", shard_settings.german_word_list,
                   "German word list for splitting compound query words instead of the "
                   "index's copy of the one it was built with (default: "
                   "$LUPE_GERMAN_WORDLIST, else that copy, else /usr/share/dict/ngerman)")
        ->type_name("FILE");
    const std::map<std::string, lupe::Weighting> weightings = {
        {"bm25", lupe::Weighting::BM25}, {"bm25+", lupe::Weighting::BM25Plus},
        {"dph", lupe::Weighting::DPH},   {"pl2", lupe::Weighting::PL2},
        {"inl2", lupe::Weighting::InL2}, {"lm", lupe::Weighting::LM}};
    // Checked with one_of and looked up after parsing, not with CLI11's CheckedTransformer
    // (see --sort).
    std::string weighting = "bm25";
    app.add_option("--weighting", weighting,
                   "Ranking function: bm25, bm25+, dph, pl2, inl2 or lm")
        ->type_name("NAME")
        ->capture_default_str()
        ->check(lupe::apps::one_of({"bm25", "bm25+", "dph", "pl2", "inl2", "lm"},
                                   lupe::apps::LetterCase::Ignore))
        ->group(kRankingOptions);
    app.add_flag("--no-all-words-first", [&](std::int64_t) { options.all_words_first = false; },
                 "Rank by weight alone, not documents with all the words first")
        ->group(kRankingOptions);
    app.add_option("--bm25-k1", options.bm25_k1, "BM25 term-frequency saturation")
        ->type_name("K1")
        ->capture_default_str()
        ->group(kRankingOptions);
    app.add_option("--bm25-b", options.bm25_b, "BM25 length normalisation (0..1)")
        ->type_name("B")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0.0, 1.0))
        ->group(kRankingOptions);
    app.add_option("--bm25-k1-full-length", options.bm25_k1_full_length,
                   "Average document length (words) from which BM25 uses --bm25-k1 in full; "
                   "below, k1 is scaled down in proportion (0: never)")
        ->type_name("WORDS")
        ->capture_default_str()
        ->check(lupe::apps::in_range(0.0, 1e6))
        ->group(kRankingOptions);
    app.add_option("--stopword-weight", options.stopword_weight,
                   "Weight of stopwords in ranking (0: left out)")
        ->type_name("WEIGHT")
        ->capture_default_str()
        ->group(kRankingOptions);
    app.add_option("--feedback", options.feedback_documents,
                   "Pseudo-relevance feedback from this many top documents (0: off)")
        ->type_name("N")
        ->capture_default_str()
        ->group(kRankingOptions);
    app.add_option("--feedback-terms", options.feedback_terms,
                   "Terms added by pseudo-relevance feedback")
        ->type_name("N")
        ->capture_default_str()
        ->group(kRankingOptions);
    app.add_option("--feedback-weight", options.feedback_weight,
                   "Weight of the terms added by feedback, against the query's own")
        ->type_name("WEIGHT")
        ->capture_default_str()
        ->group(kRankingOptions);
    app.add_option("--color", color, "Bold highlights: auto (on a terminal), always or never")
        ->type_name("WHEN")
        ->check(lupe::apps::one_of({"auto", "always", "never"}))
        ->capture_default_str();
    app.set_version_flag("--version", LUPE_VERSION_STRING);
    const lupe::apps::ToolManual manual{
        "lupe-search",
        {{std::to_string(kExitResults), "Results found."},
         {std::to_string(kExitNoResults),
          "No results (also for a page past the last result; the message then gives the "
          "number of matches)."},
         {std::to_string(kExitError),
          "An error: bad arguments, no index, a bad batch file, or shards down without "
          "--allow-partial."}},
        {{"LUPE_GERMAN_WORDLIST",
          "The German word list for splitting compound query words when --german-word-list "
          "is not given."},
         {"NO_COLOR", "When set, --color auto prints no bold highlights."},
         {"TERM", "When dumb, --color auto prints no bold highlights."}},
        {{"/usr/share/dict/ngerman",
          "The German word list (Debian's wngerman) when neither --german-word-list nor "
          "LUPE_GERMAN_WORDLIST names one and the index has no copy of its own."},
         {"DIR/gen-N/lupe-german-words",
          "The index's copy of the German word list it was built with, compiled by "
          "lupe-index; mapped, not read, when no list is named."},
         {"DIR/shards.list",
          "The shards of an index built with lupe-index --shards, searched together when "
          "--index names DIR."}},
        {{"lupe-search --index ~/lupe Huawei Ascend training",
          "The ten best documents for these words, those with all of them first."},
         {"lupe-search --index ~/lupe 'title:drohne date:2025-01-01..2025-12-31'",
          "Documents of 2025 with the word in their title."},
         {"lupe-search --index ~/lupe --batch queries.tsv > run.trec",
          "One query per line of queries.tsv, results as TREC run lines."},
         {"lupe-search --index ~/lupe -- -Musk Altman",
          "A query that starts with '-' goes after '--'."}},
        {"lupe-index(1)"}};
    lupe::apps::add_help_outputs(app, manual, LUPE_VERSION_STRING);
    // Parser errors name the program, as every other message does; an unknown argument that
    // is no mistyped option is most likely a query that starts with '-'.
    lupe::apps::name_parse_errors(app, "lupe-search", argc, argv, [](const std::string& arg) {
        return "a query that starts with '-' goes after '--': lupe-search -i DIR -- " + arg + " ...";
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitResults : kExitError;
    }
    // one_of has checked both and passed them on as listed.
    options.sort = orders.at(sort);
    options.weighting = weightings.at(weighting);
    if (batch.empty() && words.empty()) {
        std::cerr << "lupe-search: give a query, or --batch FILE (see --help)\n";
        return kExitError;
    }
    if (timings_option->count() > 0 && batch.empty()) {
        std::cerr << "lupe-search: --timings works only with --batch FILE: it times the queries "
                     "of a batch run\n";
        return kExitError;
    }
    if (timings_option->count() > 0 && timings.empty()) {
        std::cerr << "lupe-search: --timings needs a file name\n";
        return kExitError;
    }

    try {
        lupe::Searcher searcher(index, shard_settings);
        if (!batch.empty()) {
            if (limit->count() == 0) options.limit = kBatchDefaultLimit;
            // TREC lines show neither snippets nor suggestions: do not compute them.
            options.snippet_length = 0;
            options.suggest = false;
            // A TREC run lists every document: relevance judgements are per document, and
            // a copy collapsed into another would count as a relevant one missed.
            if (!json) options.collapse_duplicates = false;
            return run_batch(searcher, batch, options, timings, json);
        }
        std::string query;
        for (const auto& w : words) query += (query.empty() ? "" : " ") + w;
        lupe::SearchResults results = searcher.search(query, options);
        for (auto& notice : results.notices) notice = with_flags(notice);
        if (json) {
            std::cout << lupe::format_json(results);
        } else {
            std::cout << lupe::format_text(results, options.offset, use_color(color));
        }
        return results.results.empty() ? kExitNoResults : kExitResults;
    } catch (const lupe::IndexNotFoundError& e) {
        // The library says what is at the path; the tool says how to build an index.
        std::error_code ec;
        if (std::filesystem::is_directory(index, ec) && !std::filesystem::is_empty(index, ec)) {
            std::cerr << "lupe-search: " << lupe::terminal_safe(index)
                      << " is a folder of documents, not a lupe index: build one with "
                         "lupe-index --index DIR "
                      << lupe::terminal_safe(index) << '\n';
        } else {
            std::cerr << "lupe-search: " << lupe::terminal_safe(e.what())
                      << "; build one with lupe-index --index " << lupe::terminal_safe(index)
                      << " SOURCE...\n";
        }
        return kExitError;
    } catch (const lupe::ShardUnavailableError& e) {
        std::cerr << "lupe-search: " << lupe::terminal_safe(with_flags(e.what())) << '\n';
        return kExitError;
    } catch (const lupe::IndexCorruptError& e) {
        std::cerr << "lupe-search: " << lupe::terminal_safe(with_flags(e.what())) << '\n';
        return kExitError;
    } catch (const lupe::Error& e) {
        std::cerr << "lupe-search: " << lupe::terminal_safe(e.what()) << '\n';
        return kExitError;
    }
}

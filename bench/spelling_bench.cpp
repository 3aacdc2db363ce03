// spelling-bench: the measuring side of bench/spelling.sh, lupe's "did you mean" against
// Xapian's own spelling corrector on the same vocabulary.
//
//   spelling-bench words INDEX          stdin: ID \t LANG \t TEXT lines (queries.tsv);
//                                       stdout: ID \t WORD \t DF \t STOP per word of TEXT
//   spelling-bench vocab INDEX          stdout: WORD \t DF for every word of INDEX
//   spelling-bench xapian INDEX OUT     a Xapian spelling table in OUT, from INDEX's
//                                       vocabulary
//   spelling-bench tune INDEX NAME=VALUE...
//                                       as suggest, lupe only (the Xapian columns say
//                                       0), with SpellingOptions changed: for choosing
//                                       their values (docs/spelling.md)
//   spelling-bench suggest INDEX XAPIAN stdin: KEY \t ORIGINAL \t QUERY lines;
//                                       stdout: KEY \t ORIGINAL_WORDS \t LUPE_ANY \t
//                                       LUPE_WORDS \t XAPIAN_ANY \t XAPIAN_WORDS
//
// Xapian's table is filled with add_spelling(word, document frequency) from lupe's
// vocabulary rather than by a second indexing run with TermGenerator::FLAG_SPELLING: both
// correctors then know exactly the same words, with the same tokenizer, and what differs
// is how they choose (FLAG_SPELLING would count occurrences, not documents; the choice of
// the most frequent candidate is the same). Xapian is asked word by word
// (Database::get_spelling_suggestion, two edits, as its QueryParser does with
// FLAG_SPELLING_CORRECTION); lupe through its public API (SearchResults::suggestion).
// WORDS are the query's words as lupe's tokenizer makes them (lower case), space-joined:
// what "restores the original" is compared on.
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "analysis/decompounder.hpp"
#include "analysis/stopwords.hpp"
#include "analysis/tokenizer.hpp"
#include "format/vocabulary.hpp"
#include "lupe/searcher.hpp"
#include "searcher/spelling.hpp"

namespace {

using lupe::analysis::Family;

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        out.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) return out;
        start = tab + 1;
    }
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<lupe::analysis::Token> tokens;
    lupe::analysis::tokenize(text, tokens);
    std::vector<std::string> out;
    for (const auto& t : tokens) out.push_back(t.text);
    return out;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

int words(const std::string& index) {
    const lupe::format::VocabularyReader vocabulary({Xapian::Database(index)});
    std::string line;
    while (std::getline(std::cin, line)) {
        const auto fields = split_tabs(line);
        if (fields.size() < 3) continue;
        for (const std::string& w : words_of(fields[2])) {
            const bool stop = lupe::analysis::is_stopword(Family::English, w) ||
                              lupe::analysis::is_stopword(Family::German, w);
            std::cout << fields[0] << '\t' << w << '\t' << vocabulary.count(w) << '\t'
                      << (stop ? 1 : 0) << '\n';
        }
    }
    return 0;
}

int vocab(const std::string& index) {
    const lupe::format::VocabularyReader vocabulary({Xapian::Database(index)});
    vocabulary.for_each_word("", [&](const std::string& w) {
        std::cout << w << '\t' << vocabulary.count(w) << '\n';
        return true;
    });
    return 0;
}

int xapian_table(const std::string& index, const std::string& out) {
    const lupe::format::VocabularyReader vocabulary({Xapian::Database(index)});
    Xapian::WritableDatabase db(out, Xapian::DB_CREATE_OR_OVERWRITE);
    std::size_t n = 0;
    vocabulary.for_each_word("", [&](const std::string& w) {
        db.add_spelling(w, vocabulary.count(w));
        ++n;
        return true;
    });
    db.commit();
    std::cerr << "xapian spelling table: " << n << " words\n";
    return 0;
}

int suggest(const std::string& index, const std::string& xapian) {
    lupe::Searcher searcher(index);
    const Xapian::Database table(xapian);
    const lupe::format::VocabularyReader vocabulary({Xapian::Database(index)});
    lupe::SearchOptions options;
    options.limit = 1;
    options.snippet_length = 0;
    options.time_limit_seconds = 0;
    std::string line;
    while (std::getline(std::cin, line)) {
        const auto fields = split_tabs(line);
        if (fields.size() < 3) continue;
        const std::string& query = fields[2];
        const lupe::SearchResults r = searcher.search(query, options);
        const bool lupe_any = !r.suggestion.empty();
        std::vector<std::string> xapian_words = words_of(query);
        bool xapian_any = false;
        for (std::string& w : xapian_words) {
            // Only words the table lacks, as Xapian's QueryParser asks for words the
            // database lacks: asked for every word, it "corrects" 99% of the clean
            // queries ("articles" -> "article", "what" -> "that").
            // (The table holds the vocabulary's words: Xapian 1.4 has no lookup of one.)
            if (vocabulary.count(w) > 0) continue;
            std::string s = table.get_spelling_suggestion(w);
            if (!s.empty() && s != w) {
                w = std::move(s);
                xapian_any = true;
            }
        }
        std::cout << fields[0] << '\t' << joined(words_of(fields[1])) << '\t' << lupe_any << '\t'
                  << joined(words_of(lupe_any ? r.suggestion : query)) << '\t' << xapian_any
                  << '\t' << joined(xapian_words) << '\n';
    }
    return 0;
}

int tune(const std::string& index, const std::vector<std::string>& settings) {
    lupe::searcher::SpellingOptions o;
    for (const std::string& setting : settings) {
        const std::size_t eq = setting.find('=');
        const std::string name = setting.substr(0, eq);
        const double value = std::stod(setting.substr(eq + 1));
        const auto count = static_cast<unsigned>(value);
        if (name == "min_word_chars") o.min_word_chars = count;
        else if (name == "short_word_chars") o.short_word_chars = count;
        else if (name == "max_edit_distance") o.max_edit_distance = count;
        else if (name == "rare_doc_fraction") o.rare_doc_fraction = value;
        else if (name == "rare_min_doc_freq") o.rare_min_doc_freq = count;
        else if (name == "min_frequency_ratio") o.min_frequency_ratio = count;
        else if (name == "rare_word_max_edit_distance") o.rare_word_max_edit_distance = count;
        else if (name == "min_candidate_doc_freq") o.min_candidate_doc_freq = count;
        else if (name == "far_substitutions") o.far_substitutions = count != 0;
        else if (name == "use_word_lists") o.use_word_lists = count != 0;
        else throw std::invalid_argument("unknown setting " + name);
    }
    const Xapian::Database db(index);
    const lupe::format::VocabularyReader vocabulary({db});
    lupe::analysis::AnalysisConfig config;
    config.decompounder = lupe::analysis::Decompounder::german();
    const lupe::analysis::Analyzer analyzer(config);
    std::string line;
    while (std::getline(std::cin, line)) {
        const auto fields = split_tabs(line);
        if (fields.size() < 3) continue;
        const auto s =
            lupe::searcher::suggest_query(db, vocabulary, fields[2], std::nullopt, analyzer, o);
        std::cout << fields[0] << '\t' << joined(words_of(fields[1])) << '\t' << bool(s) << '\t'
                  << joined(words_of(s ? s->query : fields[2])) << "\t0\t-\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 2 && args[0] == "words") return words(args[1]);
        if (args.size() == 2 && args[0] == "vocab") return vocab(args[1]);
        if (args.size() == 3 && args[0] == "xapian") return xapian_table(args[1], args[2]);
        if (args.size() >= 2 && args[0] == "tune") {
            return tune(args[1], std::vector<std::string>(args.begin() + 2, args.end()));
        }
        if (args.size() == 3 && args[0] == "suggest") return suggest(args[1], args[2]);
    } catch (const std::exception& e) {
        std::cerr << "spelling-bench: " << e.what() << '\n';
        return 1;
    } catch (const Xapian::Error& e) {
        std::cerr << "spelling-bench: " << e.get_description() << '\n';
        return 1;
    }
    std::cerr << "usage: spelling-bench words INDEX | vocab INDEX | xapian INDEX OUT | suggest INDEX XAPIAN\n"
                 "       | tune INDEX NAME=VALUE...\n";
    return 2;
}

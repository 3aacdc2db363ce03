// lucene-baseline: Lucene++ 3.0.8 as an indexing and query-latency peer for bench/throughput.sh.
//
// Like xapian-baseline it is deliberately plain and shares no code with lupe: Lucene++'s
// defaults everywhere (IndexWriter: 16 MB RAM buffer, LogByteSizeMergePolicy, compound
// files; QueryParser: OR between words; default Similarity, i.e. Lucene's TF-IDF) and one
// choice, the analyzer: SnowballAnalyzer (StandardTokenizer, StandardFilter, LowerCaseFilter,
// no stop words, Snowball stemmer), picked per document and per query from the lang field:
// "de" -> Snowball "german" (Lucene++'s libstemmer has no german2), anything else ->
// "english", the same rule as xapian-baseline's.
//
//   lucene-baseline index DIR DOCS.jsonl[.gz]
//   lucene-baseline search DIR QUERIES.tsv [--limit N] [--timings FILE]
//
// index:  one document per JSON line {"id", "title", "body", "lang"}; the id is stored and
//         indexed untokenised (field "id"); title and body are indexed, with positions, into
//         the field "text" (two values, so Lucene puts its position gap between them) and
//         not stored. The index at DIR is created anew; at the end it is optimised to one
//         merged segment and closed.
// search: QUERIES.tsv lines are `qid<TAB>lang<TAB>query`; the query's words only (every
//         ASCII byte that is not a letter or digit becomes a space, and AND/OR/NOT are
//         lower-cased) go through QueryParser on "text", so a question mark is not read as a
//         wildcard. Prints TREC run lines `qid Q0 docid rank score lucene` on stdout.
//         --timings FILE writes `qid<TAB>milliseconds` per query: the steady-clock wall time
//         of cleaning and parsing the query, the search and reading the stored ids of the
//         hits, as xapian-baseline --timings measures; reading QUERIES.tsv and writing the
//         run lines are left out.
//
// Exit codes: 0 success, 1 runtime error (I/O, Lucene, bad input), 2 usage error.

#include <zlib.h>

#include <LuceneHeaders.h>
#include <SnowballAnalyzer.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

// Results per query unless --limit says otherwise, as xapian-baseline.
constexpr int kDefaultLimit = 1000;

// Read size for the gzip stream; longer lines are assembled across reads.
constexpr unsigned kReadChunk = 1 << 16;

const char* const kUsage =
    "usage: lucene-baseline index DIR DOCS.jsonl[.gz]\n"
    "       lucene-baseline search DIR QUERIES.tsv [--limit N (default 1000)]\n"
    "                      [--timings FILE (qid<TAB>milliseconds per query)]\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The two analyzers; the only language decision, shared by both modes.
struct Analyzers {
    Lucene::AnalyzerPtr english = Lucene::newLucene<Lucene::SnowballAnalyzer>(
        Lucene::LuceneVersion::LUCENE_30, L"english");
    Lucene::AnalyzerPtr german = Lucene::newLucene<Lucene::SnowballAnalyzer>(
        Lucene::LuceneVersion::LUCENE_30, L"german");

    const Lucene::AnalyzerPtr& for_lang(std::string_view lang) const {
        return lang == "de" ? german : english;
    }
};

// Calls fn(line, lineno) for each line of a plain or gzip-compressed file (zlib reads both).
template <typename Fn>
void for_each_line(const std::string& path, Fn fn) {
    gzFile in = gzopen(path.c_str(), "rb");
    if (!in) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    std::string pending;
    std::vector<char> buf(kReadChunk);
    unsigned long lineno = 0;
    try {
        for (;;) {
            int n = gzread(in, buf.data(), kReadChunk);
            if (n < 0) {
                int err = 0;
                const char* msg = gzerror(in, &err);
                throw std::runtime_error(path + ": read error: " + (msg ? msg : "?"));
            }
            if (n == 0) break;
            pending.append(buf.data(), static_cast<size_t>(n));
            size_t start = 0;
            for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos;
                 start = nl + 1) {
                fn(std::string_view(pending).substr(start, nl - start), ++lineno);
            }
            pending.erase(0, start);
        }
        if (!pending.empty()) fn(std::string_view(pending), ++lineno);
    } catch (...) {
        gzclose(in);
        throw;
    }
    gzclose(in);
}

std::string_view chomp(std::string_view s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

// A string field of a JSON document; absent or null gives "", a number gives its text.
std::string text_field(const nlohmann::json& doc, const char* name) {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    throw std::runtime_error(std::string("field \"") + name + "\" is not a string");
}

Lucene::String wide(const std::string& utf8) { return Lucene::StringUtils::toUnicode(utf8); }

int run_index(const std::string& dir, const std::string& docs_path) {
    // IndexWriter's create flag starts a new index but leaves foreign files; start clean.
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const Analyzers analyzers;
    Lucene::IndexWriterPtr writer = Lucene::newLucene<Lucene::IndexWriter>(
        Lucene::FSDirectory::open(wide(dir)), analyzers.english, true,
        Lucene::IndexWriter::MaxFieldLengthUNLIMITED);
    unsigned long count = 0;
    for_each_line(docs_path, [&](std::string_view raw, unsigned long lineno) {
        std::string_view line = chomp(raw);
        if (line.find_first_not_of(" \t") == std::string_view::npos) return;
        try {
            nlohmann::json doc = nlohmann::json::parse(line);
            if (!doc.is_object()) throw std::runtime_error("not a JSON object");
            std::string id = text_field(doc, "id");
            if (id.empty()) throw std::runtime_error("missing or empty \"id\"");
            Lucene::DocumentPtr ldoc = Lucene::newLucene<Lucene::Document>();
            ldoc->add(Lucene::newLucene<Lucene::Field>(L"id", wide(id), Lucene::Field::STORE_YES,
                                                       Lucene::Field::INDEX_NOT_ANALYZED));
            ldoc->add(Lucene::newLucene<Lucene::Field>(L"text", wide(text_field(doc, "title")),
                                                       Lucene::Field::STORE_NO,
                                                       Lucene::Field::INDEX_ANALYZED));
            ldoc->add(Lucene::newLucene<Lucene::Field>(L"text", wide(text_field(doc, "body")),
                                                       Lucene::Field::STORE_NO,
                                                       Lucene::Field::INDEX_ANALYZED));
            writer->addDocument(ldoc, analyzers.for_lang(text_field(doc, "lang")));
            ++count;
        } catch (const nlohmann::json::exception& e) {
            throw std::runtime_error(docs_path + ":" + std::to_string(lineno) + ": " + e.what());
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(docs_path + ":" + std::to_string(lineno) + ": " + e.what());
        }
    });
    writer->optimize();  // one merged segment, as the other engines' finished indexes
    const int32_t in_index = writer->numDocs();
    writer->close();
    std::cerr << "lucene-baseline: indexed " << count << " documents into " << dir << " ("
              << in_index << " in the index)\n";
    return kExitOk;
}

// The query's words only: every ASCII byte that is not a letter or digit becomes a space
// (bytes >= 0x80 are kept so that UTF-8 letters survive), and the operator words AND, OR,
// NOT are lower-cased, so that QueryParser sees plain words and no syntax.
std::string words_only(std::string_view text) {
    std::string cleaned(text);
    for (char& c : cleaned) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x80 && !std::isalnum(u)) c = ' ';
    }
    std::string out;
    size_t pos = 0;
    while (pos < cleaned.size()) {
        size_t start = cleaned.find_first_not_of(' ', pos);
        if (start == std::string::npos) break;
        size_t end = cleaned.find(' ', start);
        if (end == std::string::npos) end = cleaned.size();
        std::string word = cleaned.substr(start, end - start);
        if (word == "AND" || word == "OR" || word == "NOT") {
            for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (!out.empty()) out += ' ';
        out += word;
        pos = end;
    }
    return out;
}

struct SearchOptions {
    int limit = kDefaultLimit;
    std::string timings_path;  // empty: no per-query timings
};

int run_search(const std::string& dir, const std::string& queries_path,
               const SearchOptions& opt) {
    const Analyzers analyzers;
    Lucene::IndexSearcherPtr searcher =
        Lucene::newLucene<Lucene::IndexSearcher>(Lucene::FSDirectory::open(wide(dir)), true);
    unsigned long queries = 0, failed = 0;
    std::string out, notes;
    std::vector<std::pair<std::string, double>> hits;  // (id, score) of one query
    std::ofstream timings;
    if (!opt.timings_path.empty()) {
        timings.open(opt.timings_path, std::ios::out | std::ios::trunc);
        if (!timings) {
            throw std::runtime_error(opt.timings_path + ": cannot write: " + std::strerror(errno));
        }
    }

    for_each_line(queries_path, [&](std::string_view raw, unsigned long lineno) {
        std::string_view line = chomp(raw);
        if (line.empty()) return;
        size_t t1 = line.find('\t');
        size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
        if (t2 == std::string_view::npos) {
            throw std::runtime_error(queries_path + ":" + std::to_string(lineno) +
                                     ": expected qid<TAB>lang<TAB>query");
        }
        std::string qid(line.substr(0, t1));
        std::string_view lang = line.substr(t1 + 1, t2 - t1 - 1);
        std::string_view text = line.substr(t2 + 1);
        if (qid.empty() || qid.find_first_of(" \t") != std::string::npos) {
            throw std::runtime_error(queries_path + ":" + std::to_string(lineno) +
                                     ": empty qid or qid with whitespace");
        }
        ++queries;

        const auto start = std::chrono::steady_clock::now();
        hits.clear();
        const std::string words = words_only(text);
        if (!words.empty()) {
            try {
                Lucene::QueryParserPtr parser = Lucene::newLucene<Lucene::QueryParser>(
                    Lucene::LuceneVersion::LUCENE_30, L"text", analyzers.for_lang(lang));
                Lucene::QueryPtr query = parser->parse(wide(words));
                Lucene::TopDocsPtr top = searcher->search(query, opt.limit);
                for (const Lucene::ScoreDocPtr& sd : top->scoreDocs) {
                    hits.emplace_back(
                        Lucene::StringUtils::toUTF8(searcher->doc(sd->doc)->get(L"id")),
                        sd->score);
                }
            } catch (const Lucene::LuceneException& e) {
                ++failed;
                notes += "lucene-baseline: query " + qid + ": " +
                         Lucene::StringUtils::toUTF8(e.getError()) + "; no results for it\n";
            }
        }
        const std::chrono::duration<double, std::milli> elapsed =
            std::chrono::steady_clock::now() - start;

        std::cerr << notes;
        notes.clear();
        if (timings.is_open()) {
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.3f", elapsed.count());
            timings << qid << '\t' << ms << '\n';
        }
        int rank = 0;
        for (const auto& [id, score] : hits) {
            char sc[32];
            std::snprintf(sc, sizeof sc, "%.6g", score);
            out += qid + " Q0 " + id + ' ' + std::to_string(++rank) + ' ' + sc + " lucene\n";
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    });
    if (timings.is_open()) {
        timings.close();
        if (!timings) throw std::runtime_error(opt.timings_path + ": write error");
    }
    searcher->close();
    std::cerr << "lucene-baseline: " << queries << " queries";
    if (failed) std::cerr << ", " << failed << " failed (no results)";
    std::cerr << "\n";
    return std::fflush(stdout) == 0 ? kExitOk : kExitRuntime;
}

SearchOptions parse_search_options(const std::vector<std::string>& args) {
    SearchOptions opt;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
            return args[++i];
        };
        if (a == "--limit") {
            const std::string& v = value();
            int n = 0;
            auto res = std::from_chars(v.data(), v.data() + v.size(), n);
            if (res.ec != std::errc() || res.ptr != v.data() + v.size() || n <= 0) {
                throw UsageError("--limit wants a positive integer, not '" + v + "'");
            }
            opt.limit = n;
        } else if (a == "--timings") {
            const std::string& v = value();
            if (v.empty()) throw UsageError("--timings wants a file name");
            opt.timings_path = v;
        } else {
            throw UsageError("unknown option '" + a + "'");
        }
    }
    return opt;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
            std::cout << kUsage;
            return kExitOk;
        }
        if (args.size() == 3 && args[0] == "index") return run_index(args[1], args[2]);
        if (args.size() >= 3 && args[0] == "search") {
            SearchOptions opt = parse_search_options({args.begin() + 3, args.end()});
            return run_search(args[1], args[2], opt);
        }
        throw UsageError("expected 'index DIR DOCS' or 'search DIR QUERIES [options]'");
    } catch (const UsageError& e) {
        std::cerr << "lucene-baseline: " << e.what() << "\n" << kUsage;
        return kExitUsage;
    } catch (const Lucene::LuceneException& e) {
        std::cerr << "lucene-baseline: " << Lucene::StringUtils::toUTF8(e.getError()) << "\n";
        return kExitRuntime;
    } catch (const std::exception& e) {
        std::cerr << "lucene-baseline: " << e.what() << "\n";
        return kExitRuntime;
    }
}

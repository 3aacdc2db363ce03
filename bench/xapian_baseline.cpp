// xapian-baseline: the PLAIN Xapian reference that lupe's relevance is measured against.
//
// Design note: this program is deliberately naive. Every Xapian object is used with its
// default settings (TermGenerator, QueryParser with STEM_SOME and default flags, BM25Weight
// with k1=1 k2=0 k3=1 b=0.5); the only choice made is the Snowball stemmer, picked per
// document and per query from the lang field ("de" -> german2, anything else -> english).
// It shares no code with lupe on purpose: a baseline that borrowed lupe's analysis would
// measure nothing.
//
//   xapian-baseline index DBDIR DOCS.jsonl[.gz]
//   xapian-baseline search DBDIR QUERIES.tsv [--limit N] [--lang-column use|ignore]
//                                            [--default-lang en|de] [--timings FILE]
//
// index:  one document per JSON line {"id", "title", "body", "lang"}; title and body are
//         indexed as free text with a position gap between them; the boolean term "Q"+id
//         identifies the document (replace_document on it, so a repeated id keeps the last
//         version); the document data is the id. The database is created anew (an existing
//         one at DBDIR is overwritten) and committed once at the end.
// search: QUERIES.tsv lines are `qid<TAB>lang<TAB>query`; prints TREC run lines
//         `qid Q0 docid rank score xapian` on stdout. --timings FILE writes one line
//         `qid<TAB>milliseconds` per query to FILE (created anew): the steady-clock wall time
//         of building the QueryParser, parsing (and the words-only retry), get_mset and
//         reading the docids (document data) of the MSet, i.e. what lupe-search --timings
//         measures inside lupe::Searcher::search. Reading QUERIES.tsv and formatting or
//         writing the run lines are left out.
//
// Exit codes: 0 success, 1 runtime error (I/O, Xapian, bad input), 2 usage error.

#include <xapian.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

// Results per query unless --limit says otherwise: deep enough for MAP and R@100.
constexpr Xapian::doccount kDefaultLimit = 1000;

// Read size for the gzip stream; lines longer than this are assembled across reads.
constexpr unsigned kReadChunk = 1 << 16;

const char* const kUsage =
    "usage: xapian-baseline index DBDIR DOCS.jsonl[.gz]\n"
    "       xapian-baseline search DBDIR QUERIES.tsv [--limit N (default 1000)]\n"
    "                      [--lang-column use|ignore (default use)] [--default-lang en|de (default en)]\n"
    "                      [--timings FILE (qid<TAB>milliseconds per query)]\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The only language decision of the baseline, shared by both modes.
std::string stemmer_name(std::string_view lang) {
    return lang == "de" ? "german2" : "english";
}

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

int run_index(const std::string& dbdir, const std::string& docs_path) {
    Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator termgen;  // default settings: STEM_SOME, no stopper, no flags
    unsigned long count = 0;
    for_each_line(docs_path, [&](std::string_view raw, unsigned long lineno) {
        std::string_view line = chomp(raw);
        if (line.find_first_not_of(" \t") == std::string_view::npos) return;
        try {
            nlohmann::json doc = nlohmann::json::parse(line);
            if (!doc.is_object()) throw std::runtime_error("not a JSON object");
            std::string id = text_field(doc, "id");
            if (id.empty()) throw std::runtime_error("missing or empty \"id\"");
            termgen.set_stemmer(Xapian::Stem(stemmer_name(text_field(doc, "lang"))));

            Xapian::Document xdoc;
            termgen.set_document(xdoc);
            termgen.index_text(text_field(doc, "title"));
            termgen.increase_termpos();
            termgen.index_text(text_field(doc, "body"));
            const std::string idterm = "Q" + id;
            xdoc.add_boolean_term(idterm);
            xdoc.set_data(id);
            db.replace_document(idterm, xdoc);
            ++count;
        } catch (const nlohmann::json::exception& e) {
            throw std::runtime_error(docs_path + ":" + std::to_string(lineno) + ": " + e.what());
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(docs_path + ":" + std::to_string(lineno) + ": " + e.what());
        }
    });
    db.commit();
    std::cerr << "xapian-baseline: indexed " << count << " documents into " << dbdir << " ("
              << db.get_doccount() << " in the database)\n";
    return kExitOk;
}

// The query's words only, for the retry after a QueryParserError: every ASCII
// non-alphanumeric byte becomes a space (bytes >= 0x80 are kept so that UTF-8 letters such
// as umlauts survive), and the boolean operator words of FLAG_BOOLEAN (AND, OR, NOT, XOR,
// NEAR, ADJ) are lower-cased so that they are read as plain words: "foo AND" stays an error
// otherwise. Other words keep their case, because STEM_SOME leaves capitalised words
// unstemmed and the retry should change as little as possible.
std::string words_only(std::string_view text) {
    std::string cleaned(text);
    for (char& c : cleaned) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x80 && !std::isalnum(u)) c = ' ';
    }
    static const char* const operators[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
    std::string out;
    size_t pos = 0;
    while (pos < cleaned.size()) {
        size_t start = cleaned.find_first_not_of(' ', pos);
        if (start == std::string::npos) break;
        size_t end = cleaned.find(' ', start);
        if (end == std::string::npos) end = cleaned.size();
        std::string word = cleaned.substr(start, end - start);
        for (const char* op : operators) {
            if (word == op) {
                for (char& c : word) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
            }
        }
        if (!out.empty()) out += ' ';
        out += word;
        pos = end;
    }
    return out;
}

struct SearchOptions {
    Xapian::doccount limit = kDefaultLimit;
    bool use_lang_column = true;
    std::string default_lang = "en";
    std::string timings_path;  // empty: no per-query timings
};

// Shortest text that reads back as the same double, so that the run has a tie exactly
// where Xapian had one (trec_eval re-sorts by score and breaks ties itself).
std::string format_score(double w) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, w);
    return std::string(buf, res.ptr);
}

int run_search(const std::string& dbdir, const std::string& queries_path,
               const SearchOptions& opt) {
    Xapian::Database db(dbdir);
    Xapian::Enquire enquire(db);  // default weighting: BM25Weight()
    unsigned long queries = 0, fallbacks = 0, failed = 0;
    std::string out;
    std::string notes;  // stderr messages of one query, written after its timing stops
    std::vector<std::pair<std::string, double>> hits;  // (docid, weight) of one query
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
        std::string lang(line.substr(t1 + 1, t2 - t1 - 1));
        std::string text(line.substr(t2 + 1));
        if (qid.empty() || qid.find_first_of(" \t") != std::string::npos) {
            throw std::runtime_error(queries_path + ":" + std::to_string(lineno) +
                                     ": empty qid or qid with whitespace");
        }
        if (!opt.use_lang_column || lang.empty()) lang = opt.default_lang;
        ++queries;

        const auto start = std::chrono::steady_clock::now();
        hits.clear();
        Xapian::QueryParser qp;  // default settings: STEM_SOME, OP_OR, no stopper
        qp.set_stemmer(Xapian::Stem(stemmer_name(lang)));
        qp.set_database(db);
        Xapian::Query query;
        bool parsed = true;
        try {
            query = qp.parse_query(text);
        } catch (const Xapian::QueryParserError& e) {
            ++fallbacks;
            notes += "xapian-baseline: query " + qid + ": " + e.get_msg() +
                     "; retrying with its words only\n";
            try {
                query = qp.parse_query(words_only(text));
            } catch (const Xapian::QueryParserError& e2) {
                ++failed;
                parsed = false;
                notes += "xapian-baseline: query " + qid + ": " + e2.get_msg() +
                         "; no results for it\n";
            }
        }
        if (parsed) {
            enquire.set_query(query);
            Xapian::MSet mset = enquire.get_mset(0, opt.limit);
            for (auto it = mset.begin(); it != mset.end(); ++it) {
                hits.emplace_back(it.get_document().get_data(), it.get_weight());
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
        Xapian::doccount rank = 0;
        for (const auto& [docid, weight] : hits) {
            out += qid;
            out += " Q0 ";
            out += docid;
            out += ' ';
            out += std::to_string(++rank);
            out += ' ';
            out += format_score(weight);
            out += " xapian\n";
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    });
    if (timings.is_open()) {
        timings.close();
        if (!timings) throw std::runtime_error(opt.timings_path + ": write error");
    }
    std::cerr << "xapian-baseline: " << queries << " queries";
    if (fallbacks) std::cerr << ", " << fallbacks << " retried with words only";
    if (failed) std::cerr << ", " << failed << " without results after the retry";
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
            unsigned long n = 0;
            auto res = std::from_chars(v.data(), v.data() + v.size(), n);
            if (res.ec != std::errc() || res.ptr != v.data() + v.size() || n == 0) {
                throw UsageError("--limit wants a positive integer, not '" + v + "'");
            }
            opt.limit = static_cast<Xapian::doccount>(n);
        } else if (a == "--lang-column") {
            const std::string& v = value();
            if (v != "use" && v != "ignore") {
                throw UsageError("--lang-column wants 'use' or 'ignore', not '" + v + "'");
            }
            opt.use_lang_column = v == "use";
        } else if (a == "--default-lang") {
            const std::string& v = value();
            if (v != "en" && v != "de") {
                throw UsageError("--default-lang wants 'en' or 'de', not '" + v + "'");
            }
            opt.default_lang = v;
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
        throw UsageError("expected 'index DBDIR DOCS' or 'search DBDIR QUERIES [options]'");
    } catch (const UsageError& e) {
        std::cerr << "xapian-baseline: " << e.what() << "\n" << kUsage;
        return kExitUsage;
    } catch (const Xapian::Error& e) {
        std::cerr << "xapian-baseline: " << e.get_description() << "\n";
        return kExitRuntime;
    } catch (const std::exception& e) {
        std::cerr << "xapian-baseline: " << e.what() << "\n";
        return kExitRuntime;
    }
}

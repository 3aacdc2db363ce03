// Searcher: opens the index, parses and builds the query, ranks with BM25 in two tiers
// (documents with all plain words first), and decodes the stored fields into results.
#include "lupe/searcher.hpp"

#include <algorithm>
#include <filesystem>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>
#include <optional>

#include <xapian.h>

#include "analysis/analysis_config.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/date.hpp"
#include "analysis/language.hpp"
#include "analysis/schema.hpp"
#include "lupe/error.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/snippet.hpp"
#include "searcher/spelling.hpp"
#include "searcher/vocabulary.hpp"
#include "src/index_layout.hpp"
#include "src/shard_list.hpp"
#include "src/stored_document.hpp"
#include "src/xapian_error.hpp"

namespace lupe {
namespace schema = analysis::schema;

namespace {

/// Searches run again after the index changed under them (see Searcher::search). Each
/// attempt reopens on the newest revision, so only a writer committing faster than a
/// search can run exhausts them.
constexpr int kMaxSearchAttempts = 10;

/// How often a shard that could not be opened (a server down) is tried again, at most:
/// trying on every search would make each wait for the connect timeout.
constexpr std::chrono::seconds kShardRetryInterval{5};

/// How often a Searcher connects to a remote shard anew, at most: xapian-tcpsrv opens a
/// shard's published generation per connection, so a shard rebuilt on its server is seen
/// within this time.
constexpr std::chrono::seconds kRemoteReconnectInterval{60};

/// The files by which Xapian recognises a database directory (glass, chert and honey
/// tables, a stub file, which lupe's published generations use), and lupe a sharded index.
constexpr const char* kDatabaseMarkers[] = {"iamglass", "iamchert", "iamhoney",
                                            detail::kStubName, detail::kShardListName};

/// Most results one search returns; deeper paging goes through offset.
constexpr std::size_t kMaxLimit = 10000;

/// Matches counted exactly for a query that only filters (`date:2019`). Xapian's estimate
/// for a value range alone is crude (it stops after the page), and with every score zero
/// there is no ranking work to save by stopping early; counting is a plain scan.
constexpr Xapian::doccount kExactCountForFilters = 100000;

// BM25's k2, k3 and min_normlen as Xapian defines them: k2 = 0 (no document-length
// correction term), k3 = 1 (query term frequency counts linearly), normalised document
// lengths below 0.5 count as 0.5.
constexpr double kBm25K2 = 0.0;
constexpr double kBm25K3 = 1.0;
constexpr double kBm25MinNormLen = 0.5;
/// BM25+'s delta (Lv and Zhai's recommended value).
constexpr double kBm25PlusDelta = 1.0;
/// The c parameter of the DFR schemes PL2 and InL2 (Amati's default for short queries).
constexpr double kDfrC = 1.0;
/// Dirichlet prior of the language-model weighting (Zhai and Lafferty's usual mu).
constexpr double kLmDirichletMu = 2000.0;

std::unique_ptr<Xapian::Weight> make_weight(const SearchOptions& o) {
    switch (o.weighting) {
        case Weighting::BM25:
            return std::make_unique<Xapian::BM25Weight>(o.bm25_k1, kBm25K2, kBm25K3, o.bm25_b,
                                                        kBm25MinNormLen);
        case Weighting::BM25Plus:
            return std::make_unique<Xapian::BM25PlusWeight>(o.bm25_k1, kBm25K2, kBm25K3, o.bm25_b,
                                                            kBm25MinNormLen, kBm25PlusDelta);
        case Weighting::DPH: return std::make_unique<Xapian::DPHWeight>();
        case Weighting::PL2: return std::make_unique<Xapian::PL2Weight>(kDfrC);
        case Weighting::InL2: return std::make_unique<Xapian::InL2Weight>(kDfrC);
        case Weighting::LM:
            return std::make_unique<Xapian::LMWeight>(0.0, Xapian::Weight::DIRICHLET_SMOOTHING,
                                                      kLmDirichletMu);
    }
    return std::make_unique<Xapian::BM25Weight>();
}

// Score bonus of the first tier (documents with every plain word): far above any score
// of the weighting schemes lupe offers (BM25 scores of a long query stay below 10^3), and
// small enough that a score plus it keeps ten significant digits in a double.
constexpr double kTierBonus = 1e6;

// What a first-tier score shows above the document's own score: more than any second-tier
// document can score with BM25 (at most 8 plain items get tiers, kMaxAllWordsTier, and a
// BM25 term weight is below (k1 + 1) times its idf, about 50 in an index of a billion
// documents), and a round number that reads as "has every word".
constexpr double kFirstTierScore = 1000.0;

// Whether matching that started at `start` reached a time limit (0: none).
bool reached(double limit_seconds, std::chrono::steady_clock::time_point start) {
    return limit_seconds > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
               limit_seconds;
}

// Pseudo-relevance feedback takes only stem terms of the body field ("ZE...", "ZD...",
// "ZX..."): title terms ("S...") repeat them, and boolean terms (id, language) mean nothing.
class StemTermsOnly : public Xapian::ExpandDecider {
public:
    bool operator()(const std::string& term) const override {
        return term.size() > 2 && term[0] == 'Z';
    }
};

}  // namespace

// One reader's state: a database handle on the published generation, with the analysis
// objects a search needs. Xapian handles and stemmers are not thread-safe, so each thread
// searching at a time has its own Handle (see Searcher::Impl).
// One database of what a Searcher reads: the index itself, or one shard of a shard list.
struct Shard {
    std::string name;      // for messages: the directory, or "tcp://host:port"
    bool remote = false;
    std::string path;      // a lupe index directory (local)
    std::string host;      // remote
    unsigned port = 0;
    std::optional<std::string> generation;  // the published generation read, if any
    detail::GenerationReadLock generation_lock;
    Xapian::Database db;
    bool open = false;
    std::string error;     // why it is not open
    std::chrono::steady_clock::time_point tried{};
};

// One reader's state: database handles on the index (or on each shard of a shard list),
// with the analysis objects a search needs. Xapian handles and stemmers are not
// thread-safe, so each thread searching at a time has its own Handle (see Searcher::Impl).
struct Handle {
    std::string path;      // the index directory, or the shard list file
    SearcherOptions settings;
    bool listed = false;   // path is a shard list
    std::vector<Shard> shards;
    Xapian::Database db;   // the open shards, combined (Xapian merges their statistics)
    searcher::VocabularyReader vocabulary;
    std::string analysis;  // the analysis the shards were built with
    std::unique_ptr<analysis::Analyzer> analyzer;
    // What `analysis` says, with a lazy German splitter when the index was split. The
    // analyzer gets the splitter only once its list is loaded (prepare_german): before,
    // and when the list cannot be read, compound query words are searched whole.
    analysis::AnalysisConfig analysis_config;
    bool splitting = false;         // the analyzer splits compounds
    std::string word_list_record;   // the German word list the index records, if any

    std::string context() const { return "index " + path; }

    void open() {
        std::error_code ec;
        // A missing path reads as an unsharded index, whose opening names it (open_local).
        listed = std::filesystem::is_regular_file(path, ec);
        std::string list_file = path;
        // A sharded index directory (lupe-index --shards N) is read through its list.
        if (!listed && !std::filesystem::exists(path + "/" + detail::kStubName, ec) &&
            std::filesystem::exists(path + "/" + detail::kShardListName, ec)) {
            listed = true;
            list_file = path + "/" + detail::kShardListName;
        }
        shards.clear();
        if (listed) {
            for (const auto& spec : detail::read_shard_list(list_file)) {
                Shard shard;
                shard.name = spec.name;
                shard.remote = spec.remote;
                shard.path = spec.path;
                shard.host = spec.host;
                shard.port = spec.port;
                shards.push_back(std::move(shard));
            }
        } else {
            Shard shard;
            shard.name = path;
            shard.path = path;
            shards.push_back(std::move(shard));
        }
        analysis.clear();
        for (Shard& shard : shards) {
            if (!listed) {
                open_shard(shard);  // an unsharded index reports its own errors as they are
                continue;
            }
            try_open(shard);
        }
        if (std::none_of(shards.begin(), shards.end(), [](const Shard& s) { return s.open; })) {
            throw ShardUnavailableError("index " + path + ": no shard can be opened: " +
                                        describe_missing());
        }
        combine();
    }

    // Opens a shard of a shard list, recording (not throwing) why it cannot be opened.
    bool try_open(Shard& shard) {
        shard.tried = std::chrono::steady_clock::now();
        try {
            open_shard(shard);
            return true;
        } catch (const Error& e) {
            shard.open = false;
            shard.error = e.what();
        } catch (const Xapian::Error& e) {
            shard.open = false;
            shard.error = e.get_description();
        }
        return false;
    }

    void open_shard(Shard& shard) {
        shard.open = false;
        const std::string where = listed ? "shard " + shard.name : "index " + shard.name;
        if (shard.remote) {
            try {
                shard.db = Xapian::Remote::open(shard.host, shard.port, settings.timeout_ms,
                                                settings.connect_timeout_ms);
            } catch (const Xapian::Error& e) {
                throw ShardUnavailableError(where + ": " + e.get_description());
            }
        } else {
            open_local(shard, where);
        }
        check_format(shard, where);
        shard.open = true;
        shard.error.clear();
    }

    void open_local(Shard& shard, const std::string& where) {
        std::error_code ec;
        if (!std::filesystem::exists(shard.path, ec)) {
            throw IndexNotFoundError(where + ": not found (nothing is at this path)");
        }
        // A directory without any file by which Xapian knows a database is no index at
        // all, not a damaged one: often a folder of documents given in place of the index.
        if (std::filesystem::is_directory(shard.path, ec) &&
            std::none_of(std::begin(kDatabaseMarkers), std::end(kDatabaseMarkers),
                         [&](const char* marker) {
                             return std::filesystem::exists(shard.path + "/" + marker, ec);
                         })) {
            std::string holds = "an empty directory";
            for (const auto& entry : std::filesystem::directory_iterator(shard.path, ec)) {
                holds = "a directory of other files, such as " + entry.path().filename().string();
                break;
            }
            throw IndexNotFoundError(where + ": holds no lupe index (" + holds + ")");
        }
        try {
            // A writer may publish a new generation and remove this one between our
            // reading the stub and taking the read lock: then the stub has moved on, and
            // we follow it.
            for (int attempt = 0;; ++attempt) {
                shard.generation = detail::published_generation(shard.path);
                if (!shard.generation) {
                    shard.db = Xapian::Database(shard.path);
                    break;
                }
                const std::string dir = shard.path + "/" + *shard.generation;
                shard.generation_lock = detail::GenerationReadLock(dir);
                if (attempt < 5 && detail::published_generation(shard.path) != shard.generation) continue;
                try {
                    shard.db = Xapian::Database(dir);
                    break;
                } catch (const Xapian::DatabaseOpeningError&) {
                    if (attempt >= 5 || detail::published_generation(shard.path) == shard.generation) throw;
                }
            }
        } catch (const Xapian::DatabaseOpeningError& e) {
            throw IndexCorruptError(where + ": cannot be opened as a lupe index (" + e.get_msg() +
                                    ")" + detail::check_hint(shard.path));
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, where);
        }
    }

    // The shard must be a lupe index of this format, analysed as the others are.
    void check_format(Shard& shard, const std::string& where) {
        std::string format, recorded, word_list;
        try {
            format = shard.db.get_metadata(std::string(schema::kFormatKey));
            recorded = shard.db.get_metadata(std::string(schema::kAnalysisKey));
            word_list = shard.db.get_metadata(std::string(schema::kGermanWordListKey));
            if (format.empty() && shard.db.get_doccount() > 0) {
                throw IndexCorruptError(where + ": a Xapian database, but not a lupe index");
            }
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, where);
        }
        if (!format.empty() && format != schema::kFormatValue) {
            throw IndexCorruptError(where + ": lupe index format " + format +
                                    ", this lupe reads format " +
                                    std::string(schema::kFormatValue) +
                                    "; rebuild it from its sources (IndexWriterOptions::rebuild)");
        }
        const bool first = std::none_of(shards.begin(), shards.end(),
                                        [&](const Shard& s) { return s.open && &s != &shard; });
        if (first || word_list_record.empty()) word_list_record = word_list;
        if (first) {
            if (recorded != analysis || !analyzer) {
                analysis = recorded;
                analysis_config = analysis::parse_config(
                    analysis, analysis::german_word_list_source(
                                  settings.german_word_list, "SearcherOptions::german_word_list"));
                analysis::AnalysisConfig whole_words = analysis_config;
                whole_words.decompounder.reset();
                analyzer = std::make_unique<analysis::Analyzer>(std::move(whole_words));
                splitting = false;
            }
        } else if (recorded != analysis) {
            throw IndexCorruptError(where + ": analysed with \"" + recorded +
                                    "\", other shards with \"" + analysis +
                                    "\"; build all shards with the same settings");
        }
    }

    // The combined database of the open shards.
    void combine() {
        db = Xapian::Database();
        std::vector<Xapian::Database> open;
        for (const Shard& shard : shards) {
            if (!shard.open) continue;
            db.add_database(shard.db);
            open.push_back(shard.db);
        }
        vocabulary = searcher::VocabularyReader(std::move(open));
    }

    std::vector<std::string> missing() const {
        std::vector<std::string> out;
        for (const Shard& shard : shards) {
            if (!shard.open) out.push_back(shard.name);
        }
        return out;
    }

    std::string describe_missing() const {
        std::string out;
        for (const Shard& shard : shards) {
            if (shard.open) continue;
            if (!out.empty()) out += "; ";
            out += shard.error;
        }
        return out;
    }

    // A remote shard failed during a search: find which (a dead connection fails at once)
    // and search without it. Returns false when no shard was found dead.
    bool drop_dead_shards() {
        bool dropped = false;
        for (Shard& shard : shards) {
            if (!shard.open || !shard.remote) continue;
            try {
                shard.db.keep_alive();
            } catch (const Xapian::Error& e) {
                shard.open = false;
                shard.error = "shard " + shard.name + ": " + e.get_description();
                shard.tried = std::chrono::steady_clock::now();
                dropped = true;
            }
        }
        if (dropped) combine();
        return dropped;
    }

    // What the index holds decides what a query needs to look at: the families of which
    // it has documents, and whether a language filter can exclude anything. A few term
    // frequency lookups, against two extra posting lists per query word (and one the
    // size of the index for the filter) that could match nothing.
    void scope(const std::string& lang, searcher::QueryOptions& q) const {
        const Xapian::doccount total = db.get_doccount();
        if (total == 0) return;
        const auto count = [&](std::string_view code) {
            return db.get_termfreq(std::string(schema::kLangPrefix).append(code));
        };
        if (!lang.empty()) {
            q.lang_filter = count(lang) != total;
            return;
        }
        const Xapian::doccount en = count("en"), de = count("de");
        if (en) q.families.push_back(analysis::Family::English);
        if (de) q.families.push_back(analysis::Family::German);
        if (en + de < total) q.families.push_back(analysis::Family::Unstemmed);
    }

    // Before a search that analyses words as German on an index whose compounds were split:
    // the word list is read (by the first such search; a failure is tried again by the
    // next), and the analyzer splits with it. Returns a notice when the search runs without
    // splitting, or with a list other than the one the index records.
    std::optional<std::string> prepare_german() {
        const auto& splitter = analysis_config.decompounder;
        if (!splitter) return std::nullopt;
        try {
            splitter->ensure_loaded();
        } catch (const WordListError& e) {
            return std::string("German compound splitting is off: ") + e.what() +
                   "; compound query words are searched whole";
        }
        if (!splitting) {
            analyzer = std::make_unique<analysis::Analyzer>(analysis_config);
            splitting = true;
        }
        const auto recorded = analysis::parse_word_list_record(word_list_record);
        const analysis::WordListFingerprint used = splitter->fingerprint();
        if (!recorded || recorded->fingerprint == used) return std::nullopt;
        return "the German word list " + splitter->source()->describe() +
               " differs from the one the index was built with (" + used.to_string() +
               "; the index: " + recorded->fingerprint.to_string() + " from " + recorded->path +
               "): compound parts may not match";
    }

    // Appends the hits of `mset` to `out`, numbering from `first_rank`.
    void collect(const Xapian::MSet& mset, std::size_t first_rank,
                 const SearchOptions& options, const searcher::HighlightTerms& highlights,
                 SearchResults& out) {
        std::size_t rank = first_rank;
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            Result r;
            r.rank = rank++;
            r.score = it.get_weight();
            const Xapian::Document doc = it.get_document();
            detail::StoredFields fields = detail::decode_fields(doc.get_data());
            r.id = std::move(fields.id);
            r.title = std::move(fields.title);
            r.lang = std::move(fields.lang);
            r.date = std::move(fields.date);
            r.url = std::move(fields.url);
            r.source = std::move(fields.source);
            if (options.snippet_length) {
                std::string text = detail::decompress_text(doc.get_value(schema::kTextSlot));
                if (text.empty()) text = r.title;
                r.snippet = searcher::make_snippet(text, analysis::family_of(r.lang), highlights,
                                                   *analyzer, options.snippet_length);
                if (!options.highlight_open.empty() || !options.highlight_close.empty()) {
                    r.snippet_marked = r.snippet.marked(options.highlight_open, options.highlight_close);
                }
            }
            out.results.push_back(std::move(r));
        }
    }

    // Pseudo-relevance feedback: the query or'ed with the best terms of its top documents
    // (Xapian's ESet, Rocchio-style), at a lower weight.
    Xapian::Query expand(Xapian::Enquire& enquire, const Xapian::Query& query,
                         const SearchOptions& options) {
        enquire.set_query(query);
        const Xapian::MSet top =
            enquire.get_mset(0, static_cast<Xapian::doccount>(options.feedback_documents));
        if (top.empty()) return query;
        Xapian::RSet rset;
        for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
        const StemTermsOnly decider;
        const Xapian::ESet eset = enquire.get_eset(
            static_cast<Xapian::termcount>(options.feedback_terms), rset, &decider);
        std::vector<Xapian::Query> terms;
        for (auto it = eset.begin(); it != eset.end(); ++it) terms.emplace_back(*it);
        if (terms.empty()) return query;
        const Xapian::Query extra(Xapian::Query::OP_OR, terms.begin(), terms.end());
        return Xapian::Query(Xapian::Query::OP_OR, query,
                             Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, extra, options.feedback_weight));
    }

    // Follow the index: a newly published generation is opened in place of the old one
    // (whose read lock is then released), new commits to the same one are picked up, and
    // shards that could not be opened are tried again now and then.
    void refresh() {
        bool changed = false;
        const auto now = std::chrono::steady_clock::now();
        for (Shard& shard : shards) {
            if (!shard.open) {
                if (now - shard.tried >= kShardRetryInterval) changed |= try_open(shard);
                continue;
            }
            if (shard.remote) {
                // The server opened the shard's published generation when we connected; a
                // new connection opens the one published since.
                if (now - shard.tried >= kRemoteReconnectInterval) {
                    try_open(shard);
                    changed = true;
                }
                continue;
            }
            const auto published = detail::published_generation(shard.path);
            if (published && published != shard.generation) {
                if (listed) {
                    try_open(shard);
                } else {
                    open_shard(shard);
                }
                changed = true;
            }
        }
        if (changed) {
            combine();
            return;
        }
        db.reopen();
    }


    static Xapian::Query date_filter(const std::string& from, const std::string& to) {
        const auto bound = [](const std::string& text, bool upper) {
            const auto d = analysis::parse_iso_date(text);
            if (!d) {
                throw InvalidArgumentError("date \"" + text +
                                           "\" is not YYYY, YYYY-MM or YYYY-MM-DD");
            }
            return upper ? analysis::date_upper_bound(*d) : analysis::date_sort_key(*d);
        };
        if (from.empty()) {
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kDateSlot, bound(to, true));
        }
        if (to.empty()) {
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kDateSlot, bound(from, false));
        }
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kDateSlot, bound(from, false),
                             bound(to, true));
    }

    SearchResults run(std::string_view query, const SearchOptions& options) {
        SearchResults out;
        out.query = std::string(query);
        out.missing_shards = missing();
        if (!out.missing_shards.empty() && !options.allow_partial) {
            throw ShardUnavailableError("index " + path + ": " + describe_missing() +
                                        "; to search the other shards, allow partial results (SearchOptions::allow_partial)");
        }
        searcher::QueryNode root;
        std::vector<std::string> parse_notices;  // unknown fields searched as words
        try {
            root = searcher::parse_query(query, &parse_notices);
        } catch (const QueryLimitError&) {
            throw;  // not retried: the retry would quietly search for less
        } catch (const QuerySyntaxError& e) {
            if (!options.retry_plain_on_syntax_error) throw;
            // The retry keeps the exclusions it can parse and drops the broken syntax
            // (recover_query); out.query says what it searched.
            out.syntax_error = e.what();
            parse_notices.clear();
            searcher::RecoveredQuery recovered = searcher::recover_query(query, &parse_notices);
            out.query = std::move(recovered.text);
            root = std::move(recovered.root);
        }
        searcher::QueryOptions query_options;
        query_options.lang = options.lang;
        query_options.stopwords = options.stopwords;
        query_options.decompound = options.decompound;
        query_options.stopword_weight = options.stopword_weight;
        query_options.title_only = options.fields == SearchField::Title;
        query_options.vocabulary = &vocabulary;
        query_options.database = &db;
        scope(options.lang, query_options);
        // German analysis matters only where there are German documents to match.
        const bool german = (options.lang.empty() || options.lang == "de") &&
                            db.get_termfreq(std::string(schema::kLangPrefix) + "de") > 0;
        const std::optional<std::string> word_list_notice =
            german && options.decompound ? prepare_german() : std::nullopt;
        searcher::BuiltQuery built = searcher::build_query(root, query_options, *analyzer);
        out.notices = std::move(parse_notices);
        out.notices.insert(out.notices.end(), built.notices.begin(), built.notices.end());
        if (word_list_notice) out.notices.push_back(*word_list_notice);
        if (built.query && (!options.date_from.empty() || !options.date_to.empty())) {
            const Xapian::Query dates = date_filter(options.date_from, options.date_to);
            built.query = Xapian::Query(Xapian::Query::OP_FILTER, *built.query, dates);
            // The first tier stays within the query's matches.
            if (built.all_words) {
                built.all_words = Xapian::Query(Xapian::Query::OP_FILTER, *built.all_words, dates);
            }
        }
        if (options.suggest) {
            std::optional<analysis::Family> family;
            if (!options.lang.empty()) family = analysis::family_of(options.lang);
            if (auto s = searcher::suggest_query(db, vocabulary, out.query, family, *analyzer)) {
                out.suggestion = std::move(s->query);
            }
        }
        if (!built.query) return out;

        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(*make_weight(options));
        // Xapian stops the match at the limit and keeps what it found; it does not say
        // whether it stopped, so the time taken tells.
        if (options.time_limit_seconds > 0) enquire.set_time_limit(options.time_limit_seconds);
        const auto started = std::chrono::steady_clock::now();
        if (options.sort != SortOrder::Relevance) {
            // By value slots, which the remote backend serves too (a KeyMaker it does not):
            // newest first on the date (undated, empty, last), oldest first on the slot
            // that gives the undated a key after every date.
            if (options.sort == SortOrder::NewestFirst) {
                enquire.set_sort_by_value_then_relevance(schema::kDateSlot, true);
            } else {
                enquire.set_sort_by_value_then_relevance(schema::kOldestFirstSlot, false);
            }
            built.all_words.reset();  // tiers are a relevance order
        }
        if (options.feedback_documents && !built.unranked) {
            built.query = expand(enquire, *built.query, options);
        }
        // Counts are exact up to the end of the page (+1, to know whether more follow).
        auto check_at_least = static_cast<Xapian::doccount>(options.offset + options.limit + 1);
        if (built.unranked) check_at_least = std::max(check_at_least, kExactCountForFilters);

        if (!built.all_words) {
            enquire.set_query(*built.query);
            const Xapian::MSet mset = enquire.get_mset(
                static_cast<Xapian::doccount>(options.offset),
                static_cast<Xapian::doccount>(options.limit), check_at_least);
            out.total_estimate = mset.get_matches_estimated();
            collect(mset, options.offset + 1, options, built.highlights, out);
            out.time_limited = reached(options.time_limit_seconds, started);
            return out;
        }

        // Two tiers: documents that have every plain word, then the rest, in one pass. A
        // first-tier document gets a fixed bonus (kTierBonus, far above any score) from a
        // posting source filtered by the all-words query, so Xapian ranks the tiers in
        // order and prunes the second tier as soon as the page is full of the first. The
        // score shown for a first-tier document is its own plus kFirstTierScore, so that
        // scores agree with the order everywhere (JSON, TREC runs). (A constant, not
        // Xapian's bound on the second tier: that bound is an estimate that differs between
        // one index and the same documents in shards.) Should a weighting scheme's bound
        // exceed it, the bound is added instead.
        auto* bonus_source = new Xapian::FixedWeightPostingSource(kTierBonus);
        const Xapian::Query bonus(Xapian::Query::OP_FILTER,
                                  Xapian::Query(bonus_source->release()), *built.all_words);
        // OP_OR, not OP_AND_MAYBE, although the bonus adds no match: Xapian 1.4's
        // AND_MAYBE missed first-tier documents when a word carries compound parts (one of
        // eight on gesetze-de for "steuergebiet steuergegenstand"; bench/shards.sh found it).
        enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, *built.query, bonus));
        const Xapian::MSet mset = enquire.get_mset(
            static_cast<Xapian::doccount>(options.offset),
            static_cast<Xapian::doccount>(options.limit), check_at_least);
        out.total_estimate = mset.get_matches_estimated();
        const double second_tier_bound =
            std::max(kFirstTierScore, mset.get_max_possible() - kTierBonus);
        collect(mset, options.offset + 1, options, built.highlights, out);
        for (Result& r : out.results) {
            if (r.score >= kTierBonus) r.score = r.score - kTierBonus + second_tier_bound;
        }
        out.time_limited = reached(options.time_limit_seconds, started);
        return out;
    }
};

// The pool of handles: a search takes an idle one (or opens a new one when all are busy)
// and gives it back, so that N threads searching at once use N handles and a Searcher
// shared by many threads never lets two of them touch the same Xapian object.
struct Searcher::Impl {
    std::string path;
    SearcherOptions settings;
    std::mutex mutex;
    std::vector<std::unique_ptr<Handle>> idle;

    std::unique_ptr<Handle> acquire() {
        {
            const std::lock_guard<std::mutex> lock(mutex);
            if (!idle.empty()) {
                auto handle = std::move(idle.back());
                idle.pop_back();
                return handle;
            }
        }
        auto handle = std::make_unique<Handle>();
        handle->path = path;
        handle->settings = settings;
        handle->open();
        return handle;
    }

    void release(std::unique_ptr<Handle> handle) {
        const std::lock_guard<std::mutex> lock(mutex);
        idle.push_back(std::move(handle));
    }

    std::string context() const { return "index " + path; }
};

namespace {

// Borrows a handle for the length of a call and gives it back, even on an exception.
template <class Pool>
class Borrowed {
public:
    explicit Borrowed(Pool& pool) : pool_(pool), handle_(pool.acquire()) {}
    ~Borrowed() { pool_.release(std::move(handle_)); }
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    Handle* operator->() const { return handle_.get(); }

private:
    Pool& pool_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace

Searcher::Searcher(const std::string& path) : Searcher(path, SearcherOptions{}) {}

Searcher::Searcher(const std::string& path, const SearcherOptions& settings)
    : impl_(std::make_unique<Impl>()) {
    if (settings.connect_timeout_ms <= 0 || settings.timeout_ms <= 0) {
        throw InvalidArgumentError("shard timeouts must be positive (connect " +
                                   std::to_string(settings.connect_timeout_ms) + " ms, query " +
                                   std::to_string(settings.timeout_ms) + " ms)");
    }
    impl_->path = path;
    impl_->settings = settings;
    impl_->release(impl_->acquire());  // open now: a missing or damaged index fails here
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

SearchResults Searcher::search(std::string_view query, const SearchOptions& options) {
    if (!options.lang.empty() && options.lang != "en" && options.lang != "de") {
        throw InvalidArgumentError("search language \"" + options.lang +
                                   "\" is not supported; use \"en\", \"de\" or none");
    }
    if (!(options.time_limit_seconds >= 0)) {
        throw InvalidArgumentError("time limit " + std::to_string(options.time_limit_seconds) +
                                   " s is negative");
    }
    if (options.limit == 0 || options.limit > kMaxLimit) {
        throw InvalidArgumentError("limit " + std::to_string(options.limit) +
                                   " is out of range 1.." + std::to_string(kMaxLimit));
    }
    Borrowed handle(*impl_);
    // A writer committing while we read makes Xapian throw DatabaseModifiedError (the
    // revision we read was discarded), and under a fast stream of commits a block of it
    // may already be reused, which reads as DatabaseCorruptError. Both are cured by
    // reopening on the new revision and searching again; a corruption that outlives
    // kMaxSearchAttempts reopenings is real and reported.
    for (int attempt = 1;; ++attempt) {
        try {
            handle->refresh();
            return handle->run(query, options);
        } catch (const Xapian::DatabaseModifiedError& e) {
            if (attempt >= kMaxSearchAttempts) detail::rethrow_xapian(e, impl_->context());
        } catch (const Xapian::DatabaseCorruptError& e) {
            if (attempt >= kMaxSearchAttempts) detail::rethrow_xapian(e, impl_->context());
        } catch (const Xapian::NetworkError& e) {
            // A remote shard went away during the search: search again without it (which
            // fails naming it, unless the search allows partial results).
            if (attempt >= kMaxSearchAttempts || !handle->drop_dead_shards()) {
                detail::rethrow_xapian(e, impl_->context());
            }
            continue;
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, impl_->context());
        }
        // Let the writer finish what it is committing before we read again.
        std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
    }
}

void Searcher::reopen() {
    try {
        Borrowed handle(*impl_);
        handle->refresh();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t Searcher::document_count() const {
    try {
        Borrowed handle(*impl_);
        return handle->db.get_doccount();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

}  // namespace lupe

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

#include "format/analysis_config.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/date.hpp"
#include "analysis/language.hpp"
#include "format/schema.hpp"
#include "lupe/error.hpp"
#include "searcher/deadline.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/snippet.hpp"
#include "searcher/spelling.hpp"
#include "format/vocabulary.hpp"
#include "format/index_layout.hpp"
#include "format/shard_list.hpp"
#include "format/stored_document.hpp"
#include "common/xapian_error.hpp"

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

// Weight bonus of the first tier (documents with every plain word), given by a posting
// source so that Xapian ranks the tiers in order: far above any weight of the weighting
// schemes lupe offers (BM25 weights of a long query stay below 10^3), so that a weight
// at or above it tells a first-tier document, and small enough that the weight minus it
// gives back the document's own weight to about 1e-10 (a double's precision at 10^6).
constexpr double kTierBonus = 1e6;

// Xapian's own time limit for a shard list with remote shards, where lupe's DeadlineSource
// cannot go (xapian-tcpsrv does not know it): when the deadline has already passed, a
// limit this short (0 would mean none) stops the counting at once.
constexpr double kShortestRemoteTimeLimit = 1e-6;

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

    // Appends the hits of `mset` to `out`, numbering from `first_rank`, and their Xapian
    // document ids to `docids`. Snippets stop at the deadline (a notice says which hits
    // have none).
    void collect(const Xapian::MSet& mset, std::size_t first_rank,
                 const SearchOptions& options, const searcher::HighlightTerms& highlights,
                 SearchResults& out, std::vector<Xapian::docid>& docids) {
        std::size_t rank = first_rank;
        std::size_t no_snippet_from = 0;  // the first rank left without one, if any
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            Result r;
            r.rank = rank++;
            r.score = it.get_weight();
            docids.push_back(*it);
            const Xapian::Document doc = it.get_document();
            detail::StoredFields fields = detail::decode_fields(doc.get_data());
            r.id = std::move(fields.id);
            r.title = std::move(fields.title);
            r.lang = std::move(fields.lang);
            r.date = std::move(fields.date);
            r.url = std::move(fields.url);
            r.source = std::move(fields.source);
            if (options.snippet_length && !no_snippet_from && deadline.passed()) {
                no_snippet_from = r.rank;
            }
            if (options.snippet_length && !no_snippet_from) {
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
        if (no_snippet_from) {
            out.notices.push_back("the time limit was reached before the snippets of results " +
                                  std::to_string(no_snippet_from) + "-" +
                                  std::to_string(rank - 1) + ": they have none");
        }
    }

    // Pseudo-relevance feedback: the query or'ed with the best terms of its top documents
    // (Xapian's ESet, Rocchio-style), at a lower weight.
    Xapian::Query expand(Xapian::Enquire& enquire, const Xapian::Query& query,
                         const SearchOptions& options) {
        enquire.set_query(bounded(query));
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

    // The current search's deadline (set by Searcher::search() before run()); whether
    // Xapian's matcher can be stopped at it (all open shards are local: see
    // searcher::DeadlineSource), and whether it was.
    searcher::Deadline deadline;
    bool stoppable = false;
    std::shared_ptr<bool> matcher_stopped = std::make_shared<bool>(false);

    // `q`, such that the matcher stops at the deadline (when it can).
    Xapian::Query bounded(const Xapian::Query& q) const {
        if (!stoppable) return q;
        auto* source = new searcher::DeadlineSource(deadline.at(), matcher_stopped);
        return Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(source->release()));
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
        query_options.deadline = &deadline;
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
            if (deadline.passed()) {
                out.notices.push_back("the time limit was reached before the spelling suggestion: "
                                      "none was looked for");
            } else {
                searcher::SpellingOptions spelling;
                spelling.deadline = &deadline;
                if (auto s = searcher::suggest_query(db, vocabulary, out.query, family, *analyzer,
                                                     spelling)) {
                    out.suggestion = std::move(s->query);
                }
                if (deadline.reached()) {
                    out.notices.push_back("the time limit was reached while looking for a spelling "
                                          "suggestion: not every word was looked up");
                }
            }
        }
        if (!built.query) return out;

        // The matcher stops at the deadline when every shard is local; remote shards get
        // Xapian's own limit, which only stops counting (see SearchOptions::time_limit_seconds).
        stoppable = deadline.set() &&
                    std::none_of(shards.begin(), shards.end(),
                                 [](const Shard& s) { return s.open && s.remote; });
        *matcher_stopped = false;
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(*make_weight(options));
        if (deadline.set() && !stoppable) {
            enquire.set_time_limit(deadline.remaining_seconds(kShortestRemoteTimeLimit));
        }
        // A query that only filters has no ranking (every weight is 0): its matches are
        // listed newest first instead of in index order.
        out.ranked = !built.unranked;
        const SortOrder sort =
            built.unranked && options.sort == SortOrder::Relevance ? SortOrder::NewestFirst
                                                                   : options.sort;
        if (sort != SortOrder::Relevance) {
            // By value slots, which the remote backend serves too (a KeyMaker it does not):
            // newest first on the date (undated, empty, last), oldest first on the slot
            // that gives the undated a key after every date.
            if (sort == SortOrder::NewestFirst) {
                enquire.set_sort_by_value_then_relevance(schema::kDateSlot, true);
            } else {
                enquire.set_sort_by_value_then_relevance(schema::kOldestFirstSlot, false);
            }
        }
        if (options.feedback_documents && !built.unranked) {
            if (deadline.passed()) {
                out.notices.push_back("the time limit was reached before pseudo-relevance "
                                      "feedback: the query was not expanded");
            } else {
                built.query = expand(enquire, *built.query, options);
            }
        }
        // Counts are exact up to the end of the page (+1, to know whether more follow).
        auto check_at_least = static_cast<Xapian::doccount>(options.offset + options.limit + 1);
        if (built.unranked) check_at_least = std::max(check_at_least, kExactCountForFilters);

        // Two tiers (a relevance order): documents that have every plain word, then the
        // rest, in one pass. A first-tier document gets a fixed weight bonus (kTierBonus,
        // far above any weight) from a posting source filtered by the all-words query, so
        // Xapian ranks the tiers in order and prunes the second tier as soon as the page is
        // full of the first. The bonus is taken off again below: Result::score is the
        // document's own weight, and Result::matched_all its tier.
        const bool tiers =
            built.all_words && sort == SortOrder::Relevance && options.all_words_first;
        Xapian::Query ranked = *built.query;
        if (tiers) {
            auto* bonus_source = new Xapian::FixedWeightPostingSource(kTierBonus);
            const Xapian::Query bonus(Xapian::Query::OP_FILTER,
                                      Xapian::Query(bonus_source->release()), *built.all_words);
            // OP_OR, not OP_AND_MAYBE, although the bonus adds no match: Xapian 1.4's
            // AND_MAYBE missed first-tier documents when a word carries compound parts (one
            // of eight on gesetze-de for "steuergebiet steuergegenstand"; bench/shards.sh
            // found it).
            ranked = Xapian::Query(Xapian::Query::OP_OR, ranked, bonus);
        }
        enquire.set_query(bounded(ranked));
        const Xapian::MSet mset = enquire.get_mset(
            static_cast<Xapian::doccount>(options.offset),
            static_cast<Xapian::doccount>(options.limit), check_at_least);
        out.total_estimate = mset.get_matches_estimated();
        if (stoppable) {
            out.time_limited = *matcher_stopped;  // the source ended the match (or feedback's)
        } else if (deadline.set()) {
            // Xapian does not say whether its limit struck: it can only have when the match
            // was still running at the deadline, and then it left the count unfinished.
            out.time_limited = deadline.passed() &&
                               mset.get_matches_lower_bound() != mset.get_matches_upper_bound();
        }
        if (out.time_limited && stoppable) {
            // The count covers the documents considered only: Xapian's estimate from the
            // term statistics (no postings read) says how many match.
            enquire.set_query(ranked);
            out.total_estimate = std::max<std::size_t>(
                out.total_estimate, enquire.get_mset(0, 0).get_matches_estimated());
        }
        std::vector<Xapian::docid> docids;
        collect(mset, options.offset + 1, options, built.highlights, out, docids);
        if (tiers) {
            for (Result& r : out.results) {
                r.matched_all = r.score >= kTierBonus;
                if (r.matched_all) r.score -= kTierBonus;
            }
        } else if (built.all_words && !out.results.empty()) {
            mark_matched_all(*built.all_words, docids, out);
        }
        return out;
    }

    // Result::matched_all for hits ranked without tiers: which of them the all-words
    // query matches, found by running it restricted to their id terms (one page).
    void mark_matched_all(const Xapian::Query& all_words, const std::vector<Xapian::docid>& docids,
                          SearchResults& out) {
        std::vector<Xapian::Query> ids;
        for (const Result& r : out.results) ids.emplace_back(std::string(schema::kIdPrefix) + r.id);
        Xapian::Enquire check(db);
        check.set_query(Xapian::Query(Xapian::Query::OP_FILTER, all_words,
                                      Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end())));
        check.set_weighting_scheme(Xapian::BoolWeight());
        const Xapian::MSet with_all =
            check.get_mset(0, static_cast<Xapian::doccount>(out.results.size()));
        std::vector<Xapian::docid> found(with_all.begin(), with_all.end());
        std::sort(found.begin(), found.end());
        for (std::size_t i = 0; i < out.results.size(); ++i) {
            out.results[i].matched_all = std::binary_search(found.begin(), found.end(), docids[i]);
        }
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
    // The time limit counts from here: opening, reopening and every stage of the search.
    const searcher::Deadline deadline(std::chrono::steady_clock::now(), options.time_limit_seconds);
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
            handle->deadline = deadline;
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

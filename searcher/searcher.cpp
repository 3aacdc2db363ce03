// Searcher: opens the index, parses and builds the query, ranks with BM25 in two tiers
// (documents with all plain words first), and decodes the stored fields into results.
#include "lupe/searcher.hpp"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "analysis/language.hpp"
#include "analysis/schema.hpp"
#include "lupe/error.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/snippet.hpp"
#include "src/xapian_error.hpp"

namespace lupe {
namespace schema = analysis::schema;

namespace {

/// Most results one search returns; deeper paging goes through offset.
constexpr std::size_t kMaxLimit = 10000;

/// Matches counted exactly for a query that only filters (`date:2019`). Xapian's estimate
/// for a value range alone is crude (it stops after the page), and with every score zero
/// there is no ranking work to save by stopping early; counting is a plain scan.
constexpr Xapian::doccount kExactCountForFilters = 100000;

// BM25 parameters (Xapian's BM25Weight(k1, k2, k3, b, min_normlen)). Robertson's usual
// k1 = 1.2, b = 0.75 against Xapian's defaults (1.0, 0.5), nDCG@10 measured with
// bench/relevance.sh: cacm +0.029, cisi +0.008, cranfield +0.014, xquad-r-de -0.002,
// xquad-r-en -0.004. Better on the long-query sets, a little worse on the short questions;
// the README's relevance section has the table. Tuning per set is for the ranking work.
constexpr double kBm25K1 = 1.2;
constexpr double kBm25K2 = 0.0;
constexpr double kBm25K3 = 1.0;
constexpr double kBm25B = 0.75;
constexpr double kBm25MinNormLen = 0.5;

std::string get_string(const nlohmann::json& data, const char* key) {
    const auto it = data.find(key);
    return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

struct Searcher::Impl {
    std::string path;
    Xapian::Database db;
    analysis::Analyzer analyzer;

    std::string context() const { return "index " + path; }

    void open() {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            throw IndexNotFoundError("index " + path + ": not found; build one with "
                                     "`lupe-index --index " + path + " SOURCE...`");
        }
        try {
            db = Xapian::Database(path);
        } catch (const Xapian::DatabaseOpeningError& e) {
            throw IndexCorruptError("index " + path + ": cannot be opened as a lupe index (" +
                                    e.get_msg() + ")" + detail::check_hint(path));
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, context());
        }
        std::string format;
        try {
            format = db.get_metadata(std::string(schema::kFormatKey));
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, context());
        }
        if (format.empty() && db.get_doccount() > 0) {
            throw IndexCorruptError("index " + path + ": a Xapian database, but not a lupe index");
        }
        if (!format.empty() && format != schema::kFormatValue) {
            throw IndexCorruptError("index " + path + ": lupe index format " + format +
                                    ", this lupe reads format " +
                                    std::string(schema::kFormatValue) + "; rebuild it");
        }
    }

    // Appends the hits of `mset` to `out`, numbering from `first_rank`.
    void collect(const Xapian::MSet& mset, std::size_t first_rank, double bonus,
                 const SearchOptions& options, const searcher::HighlightTerms& highlights,
                 SearchResults& out) {
        std::size_t rank = first_rank;
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            Result r;
            r.rank = rank++;
            r.score = it.get_weight() + bonus;
            const nlohmann::json data = nlohmann::json::parse(it.get_document().get_data(),
                                                              nullptr, false);
            r.id = get_string(data, "id");
            r.title = get_string(data, "title");
            r.lang = get_string(data, "lang");
            r.date = get_string(data, "date");
            r.url = get_string(data, "url");
            r.source = get_string(data, "source");
            if (options.snippet_length) {
                std::string text = get_string(data, "text");
                if (text.empty()) text = r.title;
                r.snippet = searcher::make_snippet(text, analysis::family_of(r.lang), highlights,
                                                   analyzer, options.snippet_length);
            }
            out.results.push_back(std::move(r));
        }
    }

    SearchResults run(std::string_view query, const SearchOptions& options) {
        SearchResults out;
        out.query = std::string(query);
        searcher::QueryNode root;
        try {
            root = searcher::parse_query(query);
        } catch (const QuerySyntaxError& e) {
            if (!options.retry_plain_on_syntax_error) throw;
            out.syntax_error = e.what();
            out.query = searcher::plain_words(query);
            root = searcher::parse_query(out.query);
        }
        const searcher::BuiltQuery built = searcher::build_query(root, options.lang, analyzer);
        if (!built.query) return out;

        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(
            Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen));
        // Counts are exact up to the end of the page (+1, to know whether more follow).
        auto check_at_least = static_cast<Xapian::doccount>(options.offset + options.limit + 1);
        if (built.unranked) check_at_least = std::max(check_at_least, kExactCountForFilters);

        if (!built.all_words) {
            enquire.set_query(*built.query);
            const Xapian::MSet mset = enquire.get_mset(
                static_cast<Xapian::doccount>(options.offset),
                static_cast<Xapian::doccount>(options.limit), check_at_least);
            out.total_estimate = mset.get_matches_estimated();
            collect(mset, options.offset + 1, 0.0, options, built.highlights, out);
            return out;
        }

        // Two tiers: documents that have every plain word, then the rest. A first-tier
        // document's score gets a bonus of the highest score a second-tier document can
        // reach (Xapian's bound), so that scores agree with the order everywhere (JSON,
        // TREC runs). The first tier's count is exact whenever the page reaches past it,
        // because check_at_least lies beyond the page.
        const Xapian::Query tier1(Xapian::Query::OP_FILTER, *built.query, *built.all_words);
        const Xapian::Query tier2(Xapian::Query::OP_AND_NOT, *built.query, *built.all_words);
        enquire.set_query(tier1);
        const Xapian::MSet first = enquire.get_mset(
            static_cast<Xapian::doccount>(options.offset),
            static_cast<Xapian::doccount>(options.limit), check_at_least);
        enquire.set_query(tier2);
        const std::size_t count1 = first.get_matches_lower_bound();
        const bool page_reaches_tier2 = first.size() < options.limit;
        const std::size_t offset2 = options.offset > count1 ? options.offset - count1 : 0;
        const Xapian::MSet second =
            page_reaches_tier2
                ? enquire.get_mset(static_cast<Xapian::doccount>(offset2),
                                   static_cast<Xapian::doccount>(options.limit - first.size()),
                                   check_at_least)
                : enquire.get_mset(0, 0);
        collect(first, options.offset + 1, second.get_max_possible(), options, built.highlights, out);
        if (page_reaches_tier2) {
            collect(second, std::max(options.offset, count1) + 1, 0.0, options, built.highlights, out);
        }
        out.total_estimate = first.get_matches_estimated() + second.get_matches_estimated();
        return out;
    }
};

Searcher::Searcher(const std::string& path) : impl_(std::make_unique<Impl>()) {
    impl_->path = path;
    impl_->open();
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

SearchResults Searcher::search(std::string_view query, const SearchOptions& options) {
    if (!options.lang.empty() && options.lang != "en" && options.lang != "de") {
        throw InvalidArgumentError("search language \"" + options.lang +
                                   "\" is not supported; use \"en\", \"de\" or none");
    }
    if (options.limit == 0 || options.limit > kMaxLimit) {
        throw InvalidArgumentError("limit " + std::to_string(options.limit) +
                                   " is out of range 1.." + std::to_string(kMaxLimit));
    }
    // A writer committing while we read makes Xapian throw DatabaseModifiedError; the
    // cure is to reopen and run the search again (once is nearly always enough).
    for (int attempt = 0;; ++attempt) {
        try {
            return impl_->run(query, options);
        } catch (const Xapian::DatabaseModifiedError& e) {
            if (attempt >= 2) detail::rethrow_xapian(e, impl_->context());
            reopen();
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, impl_->context());
        }
    }
}

void Searcher::reopen() {
    try {
        impl_->db.reopen();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t Searcher::document_count() const {
    try {
        return impl_->db.get_doccount();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

}  // namespace lupe

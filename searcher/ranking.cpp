#include "searcher/ranking.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/date.hpp"
#include "format/schema.hpp"
#include "lupe/error.hpp"

namespace lupe::searcher {
namespace schema = format::schema;

namespace {

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
/// Dirichlet prior of the query-likelihood weighting, in average document lengths: the
/// collection's own scale, since the sets range from sentences (xquad, ~25 words) to
/// abstracts (cranfield, ~170). Chosen by leave-one-collection-out among 1, 3, 10 and 20
/// times the average length and Zhai and Lafferty's fixed 2000: 10 won on every fold
/// (docs/relevance.md).
constexpr double kLmMuPerAverageLength = 10.0;

// Query likelihood with Dirichlet smoothing (Zhai and Lafferty 2001), in the rank-equivalent
// form that splits into Xapian's per-term and per-document parts, both non-negative:
//
//   sum over query terms t in d of  w_t * log(1 + wdf(t,d) / (mu * P(t|C)))
//   + |q| * log((max doclen + mu) / (doclen + mu))
//
// (the log-likelihood of the query, minus a constant of the query). Xapian 1.4's LMWeight
// cannot serve: it scores a term log(param_log * P(t|d)) cut at 0, with param_log the
// longest document's length, so that most matches of a term weigh 0 (P(t|d) * a few hundred
// < 1); it gives no document-length term for the query words a document lacks, so that a
// common word outweighs a rare one; and it ignores OP_SCALE_WEIGHT. That is why "lm" scored
// 0.17 nDCG@10 on cacm.
class QueryLikelihoodWeight final : public Xapian::Weight {
public:
    explicit QueryLikelihoodWeight(double mu_per_average_length)
        : mu_per_average_length_(mu_per_average_length) {
        need_stat(COLLECTION_FREQ);
        need_stat(TOTAL_LENGTH);
        need_stat(AVERAGE_LENGTH);
        need_stat(DOC_LENGTH);
        need_stat(DOC_LENGTH_MIN);
        need_stat(DOC_LENGTH_MAX);
        need_stat(WDF);
        need_stat(WDF_MAX);
        need_stat(QUERY_LENGTH);
    }

    QueryLikelihoodWeight* clone() const override {
        return new QueryLikelihoodWeight(mu_per_average_length_);
    }

    void init(double factor) override {
        factor_ = factor;
        // An empty collection has average length 0; no document matches then.
        mu_ = std::max(mu_per_average_length_ * get_average_length(), 1.0);
        const double total = static_cast<double>(get_total_length());
        const double cf = get_collection_freq();
        // A term of the query that no document has matches nothing: its weight is never used.
        mu_p_ = total > 0 && cf > 0 ? mu_ * cf / total : 1.0;
    }

    std::string name() const override { return "lupe::QueryLikelihoodWeight"; }

    double get_sumpart(Xapian::termcount wdf, Xapian::termcount, Xapian::termcount) const override {
        return factor_ * std::log1p(wdf / mu_p_);
    }
    double get_maxpart() const override {
        return factor_ * std::log1p(get_wdf_upper_bound() / mu_p_);
    }
    double get_sumextra(Xapian::termcount doclen, Xapian::termcount) const override {
        return get_query_length() * std::log((get_doclength_upper_bound() + mu_) / (doclen + mu_));
    }
    double get_maxextra() const override {
        return get_query_length() * std::log((get_doclength_upper_bound() + mu_) /
                                             (get_doclength_lower_bound() + mu_));
    }

private:
    double mu_per_average_length_;
    double mu_ = 1.0;  // the Dirichlet prior, set by init()
    double factor_ = 1.0;
    double mu_p_ = 1.0;  // mu * P(t|C), set by init()
};

}  // namespace

double bm25_k1(const SearchOptions& o, double average_length) {
    // Why: in sentence-length documents (xquad, ~25 words) a word rarely repeats, and a
    // lower k1 lets the length normalisation, mostly noise there, weigh less; in abstracts
    // (cacm, cisi, cranfield, 70-200 words) the full k1 ranks better. Measured in
    // docs/relevance.md.
    if (o.bm25_k1_full_length <= 0 || average_length >= o.bm25_k1_full_length) return o.bm25_k1;
    return o.bm25_k1 * average_length / o.bm25_k1_full_length;
}

std::unique_ptr<Xapian::Weight> make_weight(const SearchOptions& o, double average_length) {
    switch (o.weighting) {
        case Weighting::BM25:
            return std::make_unique<Xapian::BM25Weight>(bm25_k1(o, average_length), kBm25K2,
                                                        kBm25K3, o.bm25_b, kBm25MinNormLen);
        case Weighting::BM25Plus:
            return std::make_unique<Xapian::BM25PlusWeight>(bm25_k1(o, average_length), kBm25K2,
                                                            kBm25K3, o.bm25_b, kBm25MinNormLen,
                                                            kBm25PlusDelta);
        case Weighting::DPH: return std::make_unique<Xapian::DPHWeight>();
        case Weighting::PL2: return std::make_unique<Xapian::PL2Weight>(kDfrC);
        case Weighting::InL2: return std::make_unique<Xapian::InL2Weight>(kDfrC);
        case Weighting::LM:
            return std::make_unique<QueryLikelihoodWeight>(kLmMuPerAverageLength);
    }
    return std::make_unique<Xapian::BM25Weight>();
}

Xapian::Query with_tier_bonus(const Xapian::Query& ranked, const Xapian::Query& all_words) {
    auto* bonus_source = new Xapian::FixedWeightPostingSource(kTierBonus);
    const Xapian::Query bonus(Xapian::Query::OP_FILTER, Xapian::Query(bonus_source->release()),
                              all_words);
    // OP_OR, not OP_AND_MAYBE, although the bonus adds no match: Xapian 1.4's
    // AND_MAYBE missed first-tier documents when a word carries compound parts (one
    // of eight on gesetze-de for "steuergebiet steuergegenstand"; bench/shards.sh
    // found it).
    return Xapian::Query(Xapian::Query::OP_OR, ranked, bonus);
}

void take_tier_bonus(std::vector<Result>& results) {
    for (Result& r : results) {
        r.matched_all = r.score >= kTierBonus;
        if (r.matched_all) r.score -= kTierBonus;
    }
}

void mark_matched_all(const Xapian::Database& db, const Xapian::Query& all_words,
                      const std::vector<Xapian::docid>& docids, std::vector<Result>& results) {
    std::vector<Xapian::Query> ids;
    for (const Result& r : results) ids.emplace_back(std::string(schema::kIdPrefix) + r.id);
    Xapian::Enquire check(db);
    check.set_query(Xapian::Query(Xapian::Query::OP_FILTER, all_words,
                                  Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end())));
    check.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet with_all =
        check.get_mset(0, static_cast<Xapian::doccount>(results.size()));
    std::vector<Xapian::docid> found(with_all.begin(), with_all.end());
    std::sort(found.begin(), found.end());
    for (std::size_t i = 0; i < results.size(); ++i) {
        results[i].matched_all = std::binary_search(found.begin(), found.end(), docids[i]);
    }
}

Xapian::Query date_range(const std::string& from_key, const std::string& to_key) {
    if (from_key.empty()) {
        return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kDateSlot, to_key);
    }
    if (to_key.empty()) {
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kDateSlot, from_key);
    }
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kDateSlot, from_key, to_key);
}

Xapian::Query date_filter(const std::string& from, const std::string& to) {
    const auto bound = [](const std::string& text, bool upper) -> std::string {
        if (text.empty()) return {};
        const auto d = analysis::parse_iso_date(text);
        if (!d) {
            throw InvalidArgumentError("date \"" + text + "\" is not YYYY, YYYY-MM or YYYY-MM-DD");
        }
        return upper ? analysis::date_upper_bound(*d) : analysis::date_sort_key(*d);
    };
    return date_range(bound(from, false), bound(to, true));
}

}  // namespace lupe::searcher

// Ranking: the date filter's bounds, the two tiers of "all words first", the weighting
// schemes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <xapian.h>

#include "format/schema.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "searcher/ranking.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::searcher;
namespace schema = lupe::format::schema;

namespace {

// The ids of the documents `query` matches in `db`, sorted.
std::vector<std::string> ids(const Xapian::Database& db, const Xapian::Query& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    std::vector<std::string> out;
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        for (auto t = db.termlist_begin(*it); t != db.termlist_end(*it); ++t) {
            if ((*t).rfind(schema::kIdPrefix, 0) == 0) out.push_back((*t).substr(1));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

using Ids = std::vector<std::string>;

// An index of documents dated on the edges of the bounds tested, and one undated.
struct DatedIndex {
    lupe::test::TempDir dir;
    Xapian::Database db;
    DatedIndex() {
        {
            lupe::IndexWriter w(dir / "idx");
            for (const char* date : {"2018-12-31", "2019-01-01", "2019-06-15", "2020-06-30",
                                     "2020-07-01", ""}) {
                w.add_document({.id = *date ? date : "undated", .title = "t", .body = "text",
                                .lang = "en", .date = date});
            }
            w.commit();
        }
        db = Xapian::Database(dir / "idx");
    }
};

// A hand-made index of plain terms: weights that tell the tiers apart are easy to set.
//   "many-a": a five times, no b (the highest weight for the query a OR b)
//   "ab": a and b once each (all the words)
//   "b1".."b3": b once (b is common, so it weighs less than a); "c1".."c5": neither
struct TierIndex {
    lupe::test::TempDir dir;
    Xapian::WritableDatabase db{dir / "db", Xapian::DB_CREATE};
    TierIndex();
};

TierIndex::TierIndex() {
    const auto add = [&](const std::string& id, std::vector<std::string> terms) {
        Xapian::Document doc;
        doc.add_boolean_term(std::string(schema::kIdPrefix) + id);
        for (const auto& t : terms) doc.add_term(t);
        db.add_document(doc);
    };
    add("many-a", {"a", "a", "a", "a", "a", "c", "c", "c"});
    add("ab", {"a", "b", "c", "c", "c", "c", "c", "c"});
    for (const char* id : {"b1", "b2", "b3"}) add(id, {"b", "c"});
    for (const char* id : {"c1", "c2", "c3", "c4", "c5"}) add(id, {"c", "c"});
    db.commit();
}

// The page of `query` as Results (ids and weights), with the Xapian ids in `docids`.
std::vector<lupe::Result> page(const Xapian::Database& db, const Xapian::Query& query,
                               std::vector<Xapian::docid>* docids = nullptr) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    std::vector<lupe::Result> out;
    const Xapian::MSet mset = enquire.get_mset(0, 10);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        lupe::Result r;
        r.score = it.get_weight();
        for (auto t = db.termlist_begin(*it); t != db.termlist_end(*it); ++t) {
            if ((*t).rfind(schema::kIdPrefix, 0) == 0) r.id = (*t).substr(1);
        }
        if (docids) docids->push_back(*it);
        out.push_back(r);
    }
    return out;
}

}  // namespace

TEST_CASE("ranking: the date filter's bounds are whole days, months and years") {
    DatedIndex index;
    CHECK(ids(index.db, date_filter("2019", "2020-06")) ==
          Ids{"2019-01-01", "2019-06-15", "2020-06-30"});
    CHECK(ids(index.db, date_filter("2019-01-01", "2019-01-01")) == Ids{"2019-01-01"});
    SUBCASE("an empty bound is open; the undated never match") {
        CHECK(ids(index.db, date_filter("", "2018")) == Ids{"2018-12-31"});
        CHECK(ids(index.db, date_filter("2020-07", "")) == Ids{"2020-07-01"});
    }
    SUBCASE("date_range takes sort keys, as query_builder has them") {
        CHECK(ids(index.db, date_range("", "2018-12-31")) == Ids{"2018-12-31"});
        CHECK(ids(index.db, date_range("2020-07-01", "")) == Ids{"2020-07-01"});
        CHECK(ids(index.db, date_range("2019-06-15", "2020-06-30")) ==
              Ids{"2019-06-15", "2020-06-30"});
    }
    SUBCASE("a bound that is not a date") {
        CHECK_THROWS_WITH_AS(date_filter("2019-13", ""),
                             "date \"2019-13\" is not YYYY, YYYY-MM or YYYY-MM-DD",
                             lupe::InvalidArgumentError);
        CHECK_THROWS_AS(date_filter("", "soon"), lupe::InvalidArgumentError);
    }
}

TEST_CASE("ranking: documents with all the words come first, with their own weights") {
    const TierIndex index;
    const Xapian::Database& db = index.db;
    const Xapian::Query any(Xapian::Query::OP_OR, Xapian::Query("a"), Xapian::Query("b"));
    const Xapian::Query all(Xapian::Query::OP_AND, Xapian::Query("a"), Xapian::Query("b"));

    std::vector<Xapian::docid> docids;
    std::vector<lupe::Result> plain = page(db, any, &docids);
    REQUIRE(plain.size() == 5);
    REQUIRE(plain[0].id == "many-a");  // the weight alone puts a document without b first

    std::vector<lupe::Result> tiered = page(db, with_tier_bonus(any, all));
    REQUIRE(tiered.size() == 5);  // the bonus adds no match
    CHECK(tiered[0].score >= kTierBonus);
    CHECK(tiered[1].score < kTierBonus);
    take_tier_bonus(tiered);
    CHECK(tiered[0].id == "ab");
    CHECK(tiered[0].matched_all);
    CHECK(tiered[1].id == "many-a");
    CHECK_FALSE(tiered[1].matched_all);
    CHECK_FALSE(tiered[2].matched_all);
    // each score is the document's own weight again
    for (const lupe::Result& r : tiered) {
        const auto same = std::find_if(plain.begin(), plain.end(),
                                       [&](const lupe::Result& p) { return p.id == r.id; });
        REQUIRE(same != plain.end());
        CHECK(r.score == doctest::Approx(same->score).epsilon(1e-9));
    }

    SUBCASE("without tiers, matched_all is found for the page") {
        mark_matched_all(db, all, docids, plain);
        for (const lupe::Result& r : plain) CHECK(r.matched_all == (r.id == "ab"));
    }
}

TEST_CASE("ranking: the weighting schemes and their parameters") {
    const TierIndex index;
    const Xapian::Database& db = index.db;
    const auto scheme = [](lupe::Weighting w) {
        lupe::SearchOptions o;
        o.weighting = w;
        return make_weight(o, 10.0)->name();
    };
    CHECK(scheme(lupe::Weighting::BM25) == "Xapian::BM25Weight");
    CHECK(scheme(lupe::Weighting::BM25Plus) == "Xapian::BM25PlusWeight");
    CHECK(scheme(lupe::Weighting::DPH) == "Xapian::DPHWeight");
    CHECK(scheme(lupe::Weighting::PL2) == "Xapian::PL2Weight");
    CHECK(scheme(lupe::Weighting::InL2) == "Xapian::InL2Weight");
    CHECK(scheme(lupe::Weighting::LM) == "lupe::QueryLikelihoodWeight");

    // BM25 takes k1 and b from the options (k2 0, k3 1, min_normlen 0.5 as documented).
    const auto top_weight = [&](const Xapian::Weight& weight) {
        Xapian::Enquire enquire(db);
        enquire.set_query(Xapian::Query("a"));
        enquire.set_weighting_scheme(weight);
        return enquire.get_mset(0, 1).begin().get_weight();
    };
    lupe::SearchOptions o;
    o.bm25_k1 = 2.0;
    o.bm25_b = 0.3;
    CHECK(top_weight(*make_weight(o, 100.0)) ==
          doctest::Approx(top_weight(Xapian::BM25Weight(2.0, 0.0, 1.0, 0.3, 0.5))).epsilon(1e-12));
    CHECK(top_weight(*make_weight(o, 100.0)) !=
          doctest::Approx(top_weight(*make_weight(lupe::SearchOptions{}, 100.0))).epsilon(1e-6));

    SUBCASE("k1 is scaled down for an index of short documents") {
        o.bm25_k1_full_length = 50;
        CHECK(bm25_k1(o, 50.0) == 2.0);
        CHECK(bm25_k1(o, 200.0) == 2.0);
        CHECK(bm25_k1(o, 25.0) == doctest::Approx(1.0));
        CHECK(top_weight(*make_weight(o, 25.0)) ==
              doctest::Approx(top_weight(Xapian::BM25Weight(1.0, 0.0, 1.0, 0.3, 0.5))));
        o.bm25_k1_full_length = 0;  // off
        CHECK(bm25_k1(o, 25.0) == 2.0);
    }
}

TEST_CASE("ranking: query likelihood scores as Dirichlet smoothing says") {
    // TierIndex: 10 documents, 32 terms in all, so mu = 10 * 3.2 = 32; the longest has 8.
    const TierIndex index;
    lupe::SearchOptions o;
    o.weighting = lupe::Weighting::LM;
    const auto weights = [&](const Xapian::Query& query) {
        Xapian::Enquire enquire(index.db);
        enquire.set_query(query);
        enquire.set_weighting_scheme(*make_weight(o, index.db.get_avlength()));
        std::vector<lupe::Result> out;
        const Xapian::MSet mset = enquire.get_mset(0, 10);
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            lupe::Result r;
            r.score = it.get_weight();
            for (auto t = index.db.termlist_begin(*it); t != index.db.termlist_end(*it); ++t) {
                if ((*t).rfind(schema::kIdPrefix, 0) == 0) r.id = (*t).substr(1);
            }
            out.push_back(r);
        }
        return out;
    };
    // "a": 6 of 32 terms, mu * P(a|C) = 6. Both documents with it have the longest length,
    // so only log(1 + wdf / 6) counts (Xapian's LMWeight gave every match of a term that
    // is rare in a long collection 0, and ranked a common word above a rare one).
    const auto a = weights(Xapian::Query("a"));
    REQUIRE(a.size() == 2);
    CHECK(a[0].id == "many-a");
    CHECK(a[0].score == doctest::Approx(std::log(1.0 + 5.0 / 6.0)));
    CHECK(a[1].score == doctest::Approx(std::log(1.0 + 1.0 / 6.0)));

    SUBCASE("a shorter document with the same word ranks higher: the length term") {
        // "b": mu * P(b|C) = 4; b1 has 2 terms, ab 8: log((8 + 32) / (2 + 32)) more for b1.
        const auto b = weights(Xapian::Query("b"));
        REQUIRE(b.size() == 4);
        CHECK(b[0].id != "ab");
        CHECK(b[0].score == doctest::Approx(std::log(1.25) + std::log(40.0 / 34.0)));
        CHECK(b[3].id == "ab");
        CHECK(b[3].score == doctest::Approx(std::log(1.25)));
    }
    SUBCASE("a scaled query word weighs less (stopwords, compound parts)") {
        const auto half =
            weights(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("a"), 0.5));
        REQUIRE(half.size() == 2);
        CHECK(half[0].score == doctest::Approx(0.5 * std::log(1.0 + 5.0 / 6.0)));
    }
}

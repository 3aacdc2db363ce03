// Ranking: which weighting scheme scores the matches, the two tiers of "all words first",
// and the date filter (a filter, but it must stay inside the first tier too).
//
// Design note on the tiers. Documents with every plain word of the query rank before the
// rest (SearchOptions::all_words_first), in one pass of Xapian's matcher: a posting source
// filtered by the all-words query adds a fixed bonus (kTierBonus, far above any weight) to
// first-tier documents, so that Xapian ranks the tiers in order and prunes the second as
// soon as the page is full of the first. The bonus is taken off again after the match
// (take_tier_bonus): Result::score is the document's own weight, and Result::matched_all
// its tier. A query ranked without tiers finds matched_all by a second, boolean match
// restricted to the page's hits (mark_matched_all). Since 0.6 a search without facets
// matches the tiers apart instead (query_execution.cpp, match_tiers_apart): the first tier
// by its own query, the second only for a page the first does not fill; the single pass
// read every word's postings twice, once to rank and once for the bonus.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "lupe/results.hpp"
#include "lupe/searcher.hpp"

namespace lupe::searcher {

/// Weight bonus of the first tier (documents with every plain word), given by a posting
/// source so that Xapian ranks the tiers in order: far above any weight of the weighting
/// schemes lupe offers (BM25 weights of a long query stay below 10^3), so that a weight
/// at or above it tells a first-tier document, and small enough that the weight minus it
/// gives back the document's own weight to about 1e-10 (a double's precision at 10^6).
inline constexpr double kTierBonus = 1e6;

/// BM25's k1 for an index whose documents have `average_length` words on average:
/// SearchOptions::bm25_k1, scaled down below SearchOptions::bm25_k1_full_length.
double bm25_k1(const SearchOptions& options, double average_length);

/// The weighting scheme of SearchOptions::weighting, with its parameters, for an index
/// whose documents have `average_length` words on average (Xapian's get_avlength()).
std::unique_ptr<Xapian::Weight> make_weight(const SearchOptions& options, double average_length);

/// `ranked` with the first tier's bonus: documents that `all_words` matches weigh
/// kTierBonus more. Matches the same documents as `ranked` when `all_words` matches a
/// subset of them.
Xapian::Query with_tier_bonus(const Xapian::Query& ranked, const Xapian::Query& all_words);

/// After a match of with_tier_bonus(): each result's tier (Result::matched_all) from its
/// weight, and the bonus taken off its score.
void take_tier_bonus(std::vector<Result>& results);

/// Result::matched_all for hits ranked without tiers: which of them `all_words` matches,
/// found by running it restricted to their id terms (one page).
/// @param docids the Xapian document ids of `results`, in the same order
void mark_matched_all(const Xapian::Database& db, const Xapian::Query& all_words,
                      const std::vector<Xapian::docid>& docids, std::vector<Result>& results);

/// The documents dated within [from, to], as date sort keys (analysis::date_sort_key for
/// `from`, analysis::date_upper_bound for `to`); an empty bound is open. Undated documents
/// never match. Both empty is not allowed.
Xapian::Query date_range(const std::string& from_key, const std::string& to_key);

/// The date filter of SearchOptions::date_from and date_to (YYYY, YYYY-MM or YYYY-MM-DD;
/// an empty one is open, both empty is not allowed): from the first day of `from` to the
/// last day of `to`.
/// @throws lupe::InvalidArgumentError a bound that is not such a date
Xapian::Query date_filter(const std::string& from, const std::string& to);

}  // namespace lupe::searcher

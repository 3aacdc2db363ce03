// Query execution: one search on an open ShardSet, from the query text to a page of
// results. The steps, in order: parse (or, after a syntax error, the retry that searches
// what parses: recover_query); build the Xapian query for what the index holds (its
// stemming families and languages, German compound splitting, the date filter); the
// spelling suggestion; then the match (weighting, sort order, pseudo-relevance feedback,
// the two tiers, the deadline) and the collection of the page (collector.hpp).
//
// As Xapian's Enquire: it runs a query on a database it is given; opening, refreshing and
// failover are the ShardSet's, and retries after the index changed under a search are
// Searcher::search's.
#pragma once

#include <optional>
#include <string_view>

#include "lupe/results.hpp"
#include "lupe/searcher.hpp"
#include "searcher/deadline.hpp"
#include "searcher/shard_set.hpp"

namespace lupe::searcher {

/// Run `query` on `shards` (see Searcher::search for what the options do; they are
/// checked there). Every stage stops at `deadline`, with a notice where it cut something
/// short.
/// @throws lupe::ShardUnavailableError a shard is missing and the options do not allow
///         partial results
/// @throws lupe::QuerySyntaxError, lupe::QueryLimitError, lupe::InvalidArgumentError as
///         Searcher::search
/// @throws Xapian::Error reading the index failed (Searcher::search retries or translates)
SearchResults execute_query(ShardSet& shards, std::string_view query,
                            const SearchOptions& options, const Deadline& deadline);

/// Documents like the one with id `id` (Searcher::similar), with the options of a search.
/// @return nullopt when no document has this id
/// @throws as execute_query()
std::optional<SearchResults> execute_similar(ShardSet& shards, std::string_view id,
                                             const SearchOptions& options,
                                             const Deadline& deadline);

}  // namespace lupe::searcher

// lupe-serve's JSON API (docs/api.md): /api/search, /api/suggest, /api/doc, /api/similar,
// /healthz and /metrics, on one shared lupe::Searcher. Read-only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http.hpp"
#include "lupe/searcher.hpp"
#include "metrics.hpp"

namespace lupe::serve {

/// Retry-After of a 503 for an index that cannot be read (API and page): long enough for a
/// publish or a restarted shard server, short enough that nobody notices.
inline constexpr std::string_view kIndexRetryAfterSeconds = "2";

struct ApiOptions {
    std::size_t max_query_bytes = 1024;  ///< q longer than this: 413
    std::size_t max_limit = 100;         ///< limit above this: 400
    std::size_t max_offset = 10000;      ///< offset above this: 400 (deep paging)
    double time_limit_seconds = 2.0;     ///< SearchOptions::time_limit_seconds per request
    std::size_t facet_documents = 10000; ///< SearchOptions::facet_documents
    bool allow_partial = false;          ///< shard lists: answer without missing shards
};

/// A search request, checked: what /api/search and the page run.
struct SearchCall {
    std::string q;
    SearchOptions options;
};

class Api {
public:
    Api(Searcher& searcher, Metrics& metrics, ApiOptions options);

    /// /api/search, /api/suggest, /api/doc, /api/similar (pooled), /healthz, /metrics (not).
    std::vector<Route> routes();

    /// The parameters of a search (q, lang, limit, offset, sort, from, to, year,
    /// title_only, source, facets), checked: a SearchCall, or the 400/413 response that
    /// names the parameter.
    std::variant<SearchCall, Response> parse_search(const Request& request) const;
    /// Run a checked call: the results, or the error response (400 query syntax when
    /// retries are off, 503 index unavailable). Records time-limited searches.
    std::variant<SearchResults, Response> run(const SearchCall& call);
    /// The JSON object of /api/search for these results (lupe-search --json's object plus
    /// api_version, offset, limit and facets), as text.
    std::string search_json(const SearchCall& call, const SearchResults& results) const;

    Searcher& searcher() { return searcher_; }
    const ApiOptions& options() const { return options_; }

private:
    Searcher& searcher_;
    Metrics& metrics_;
    ApiOptions options_;
};

}  // namespace lupe::serve

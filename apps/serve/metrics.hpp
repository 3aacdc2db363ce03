// lupe-serve's counters for /metrics, in Prometheus' text format (version 0.0.4).
// Thread-safe: every request records itself from whichever thread finished it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "lupe/results.hpp"

namespace lupe::serve {

class Metrics {
public:
    /// Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
    static constexpr std::array<double, 13> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                                         0.025,  0.05,  0.1,   0.25,  0.5,
                                                         1.0,    2.5,   5.0};

    /// One finished request: its route's endpoint label ("other" for unknown paths), the
    /// status sent, and the seconds from its arrival to its response.
    void record(std::string_view endpoint, int status, double seconds);
    /// A search that Xapian's matcher stopped at the time limit (SearchResults::time_limited).
    void search_time_limited();
    /// A request turned away with 503 because the worker pool's queue was full.
    void rejected_busy();
    /// Connections currently open and requests currently in the pool (gauges).
    void set_gauges(std::size_t open_connections, std::size_t queued_or_running);

    /// The whole exposition: lupe_http_requests_total{endpoint,status},
    /// lupe_http_request_duration_seconds (histogram, by endpoint),
    /// lupe_search_time_limited_total, lupe_http_rejected_busy_total,
    /// lupe_http_connections_open, lupe_http_requests_in_pool, lupe_index_documents,
    /// lupe_index_shards_missing,
    /// lupe_index_revision{shard,generation} and lupe_index_info{generation} from `index`,
    /// lupe_start_time_seconds. Ends in a newline.
    std::string prometheus(const IndexStatus& index) const;

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size() + 1> counts{};  // last: +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::atomic<std::uint64_t> time_limited_{0};
    std::atomic<std::uint64_t> rejected_busy_{0};
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::size_t> in_pool_{0};
    double start_time_ = 0;  // set by the constructor (Unix seconds)

public:
    Metrics();
};

}  // namespace lupe::serve

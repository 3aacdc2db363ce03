// /metrics in Prometheus' text exposition format 0.0.4: "# HELP" and "# TYPE" per family,
// counters named *_total, the histogram as cumulative *_bucket{le=…} lines plus *_sum and
// *_count, label values escaped (\\, \" and \n).
#include "metrics.hpp"

#include <charconv>
#include <chrono>
#include <set>

namespace lupe::serve {
namespace {

// Shortest text that reads back as the same double, without an exponent where a plain
// number is as short ("0.0005", not "5e-04").
std::string number(double value) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

std::string label_value(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

Metrics::Metrics()
    : start_time_(std::chrono::duration<double>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count()) {}

void Metrics::record(std::string_view endpoint, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{std::string(endpoint), status}];
    Histogram& histogram = latency_[std::string(endpoint)];
    std::size_t bucket = 0;
    while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
    ++histogram.counts[bucket];
    histogram.sum += seconds;
    ++histogram.count;
}

void Metrics::search_time_limited() { ++time_limited_; }

void Metrics::rejected_busy() { ++rejected_busy_; }

void Metrics::set_gauges(std::size_t open_connections, std::size_t queued_or_running) {
    open_connections_ = open_connections;
    in_pool_ = queued_or_running;
}

std::string Metrics::prometheus(const IndexStatus& index) const {
    std::string out;
    {
        std::lock_guard lock(mutex_);
        family(out, "lupe_http_requests_total", "counter",
               "HTTP requests answered, by endpoint and status.");
        for (const auto& [key, count] : requests_) {
            out += "lupe_http_requests_total{endpoint=\"" + label_value(key.first) +
                   "\",status=\"" + std::to_string(key.second) + "\"} " +
                   std::to_string(count) + "\n";
        }
        family(out, "lupe_http_request_duration_seconds", "histogram",
               "Seconds from a request's arrival to its response, by endpoint.");
        for (const auto& [endpoint, histogram] : latency_) {
            const std::string label = "endpoint=\"" + label_value(endpoint) + "\"";
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i <= kBuckets.size(); ++i) {
                cumulative += histogram.counts[i];
                const std::string le = i < kBuckets.size() ? number(kBuckets[i]) : "+Inf";
                out += "lupe_http_request_duration_seconds_bucket{" + label + ",le=\"" + le +
                       "\"} " + std::to_string(cumulative) + "\n";
            }
            out += "lupe_http_request_duration_seconds_sum{" + label + "} " +
                   number(histogram.sum) + "\n";
            out += "lupe_http_request_duration_seconds_count{" + label + "} " +
                   std::to_string(histogram.count) + "\n";
        }
    }
    family(out, "lupe_search_time_limited_total", "counter",
           "Searches that the matcher stopped at the time limit (best results so far).");
    out += "lupe_search_time_limited_total " + std::to_string(time_limited_.load()) + "\n";
    family(out, "lupe_http_rejected_busy_total", "counter",
           "Requests answered 503 because the worker pool's queue was full.");
    out += "lupe_http_rejected_busy_total " + std::to_string(rejected_busy_.load()) + "\n";
    family(out, "lupe_http_connections_open", "gauge", "Open client connections.");
    out += "lupe_http_connections_open " + std::to_string(open_connections_.load()) + "\n";
    family(out, "lupe_http_requests_in_pool", "gauge",
           "Requests queued for or running in the worker pool.");
    out += "lupe_http_requests_in_pool " + std::to_string(in_pool_.load()) + "\n";
    family(out, "lupe_index_documents", "gauge", "Documents in the open index (all shards).");
    out += "lupe_index_documents " + std::to_string(index.documents) + "\n";
    family(out, "lupe_index_revision", "gauge", "The Xapian revision open, by shard.");
    for (const auto& shard : index.shards) {
        out += "lupe_index_revision{shard=\"" + label_value(shard.name) + "\",generation=\"" +
               label_value(shard.generation) + "\"} " + std::to_string(shard.revision) + "\n";
    }
    family(out, "lupe_index_info", "gauge",
           "1 for each published generation open (a plain index without generations has none).");
    std::set<std::string> generations;
    for (const auto& shard : index.shards) {
        if (!shard.generation.empty()) generations.insert(shard.generation);
    }
    for (const auto& generation : generations) {
        out += "lupe_index_info{generation=\"" + label_value(generation) + "\"} 1\n";
    }
    family(out, "lupe_index_shards_missing", "gauge",
           "Shards of the shard list that could not be opened.");
    out += "lupe_index_shards_missing " + std::to_string(index.missing.size()) + "\n";
    family(out, "lupe_start_time_seconds", "gauge", "When lupe-serve started, in Unix seconds.");
    out += "lupe_start_time_seconds " + number(start_time_) + "\n";
    return out;
}

}  // namespace lupe::serve

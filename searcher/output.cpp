#include "lupe/output.hpp"

#include <charconv>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace lupe {
namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";

std::string score_string(double score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", score);
    return buf;
}

// The shortest text that reads back as the same double: rounding would create ties that
// trec_eval breaks by docid, not by lupe's order.
std::string exact_score(double score) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, score);
    return std::string(buf, res.ptr);
}

}  // namespace

std::string format_text(const SearchResults& results, std::size_t offset, bool color) {
    std::string out;
    if (!results.syntax_error.empty()) {
        out += "Query syntax error: " + results.syntax_error + "; searched for the words: " +
               results.query + "\n\n";
    }
    if (!results.suggestion.empty()) {
        out += "Did you mean: " + (color ? kBold + results.suggestion + kReset : results.suggestion) +
               "\n\n";
    }
    if (results.time_limited) {
        out += "The search reached its time limit: these are the best results found by then.\n\n";
    }
    if (!results.missing_shards.empty()) {
        out += "Partial results: not searched ";
        for (std::size_t i = 0; i < results.missing_shards.size(); ++i) {
            out += (i ? ", " : "") + results.missing_shards[i];
        }
        out += "\n\n";
    }
    for (const auto& r : results.results) {
        out += std::to_string(r.rank) + ". ";
        const std::string title = r.title.empty() ? "(untitled)" : r.title;
        out += color ? kBold + title + kReset : title;
        out += "\n   " + r.id + " · " + r.lang;
        if (!r.date.empty()) out += " · " + r.date;
        out += " · score " + score_string(r.score) + "\n";
        if (!r.snippet.text.empty()) {
            out += "   " + (color ? r.snippet.marked(kBold, kReset) : r.snippet.text) + "\n";
        }
        if (!r.url.empty()) out += "   " + r.url + "\n";
        out += "\n";
    }
    if (results.results.empty()) {
        out += "No results for \"" + results.query + "\".\n";
    } else {
        out += "Results " + std::to_string(offset + 1) + "-" +
               std::to_string(offset + results.results.size()) + " of about " +
               std::to_string(results.total_estimate) + " for \"" + results.query + "\".\n";
    }
    return out;
}

std::string format_json(const SearchResults& results) {
    nlohmann::json out = {{"query", results.query}, {"total_estimate", results.total_estimate}};
    if (!results.syntax_error.empty()) out["syntax_error"] = results.syntax_error;
    if (!results.suggestion.empty()) out["suggestion"] = results.suggestion;
    if (!results.missing_shards.empty()) out["missing_shards"] = results.missing_shards;
    if (results.time_limited) out["time_limited"] = true;
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& r : results.results) {
        nlohmann::json hit = {{"rank", r.rank},   {"id", r.id},       {"title", r.title},
                              {"lang", r.lang},   {"score", r.score}, {"snippet", r.snippet.text}};
        nlohmann::json spans = nlohmann::json::array();
        for (const auto& h : r.snippet.highlights) spans.push_back({h.begin, h.end});
        hit["highlights"] = std::move(spans);
        if (!r.date.empty()) hit["date"] = r.date;
        if (!r.url.empty()) hit["url"] = r.url;
        if (!r.source.empty()) hit["source"] = r.source;
        if (!r.snippet_marked.empty()) hit["snippet_marked"] = r.snippet_marked;
        hits.push_back(std::move(hit));
    }
    out["results"] = std::move(hits);
    return out.dump(2) + "\n";
}

std::string format_trec(std::string_view qid, const SearchResults& results,
                        std::string_view run_tag) {
    std::string out;
    for (const auto& r : results.results) {
        out.append(qid).append(" Q0 ").append(r.id).append(" ");
        out += std::to_string(r.rank) + " " + exact_score(r.score) + " ";
        out.append(run_tag).append("\n");
    }
    return out;
}

}  // namespace lupe

#include "lupe/app/output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "lupe/utf8.hpp"

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

// A snippet's or a title's text with its highlights marked, each stretch between the
// markers made safe on its own (the markers themselves are escape sequences).
std::string safe_marked(std::string_view text, const std::vector<Highlight>& highlights,
                        const std::string& open, const std::string& close) {
    std::string out;
    std::size_t pos = 0;
    for (const auto& h : highlights) {
        if (h.begin < pos || h.end > text.size() || h.begin >= h.end) continue;
        out += terminal_safe(text.substr(pos, h.begin - pos));
        out += open + terminal_safe(text.substr(h.begin, h.end - h.begin)) + close;
        pos = h.end;
    }
    out += terminal_safe(text.substr(pos));
    return out;
}

void append_hex(std::string& out, const char* prefix, unsigned value, int digits) {
    static const char kHex[] = "0123456789ABCDEF";
    out += prefix;
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

}  // namespace

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos]);
        if (c >= 0x20 && c < 0x7F) {  // the common case: printable ASCII
            out += static_cast<char>(c);
            ++pos;
            continue;
        }
        const std::size_t start = pos;
        const char32_t cp = decode_utf8(text, pos);  // advances one byte if invalid
        if (cp == kInvalidCodePoint) {
            append_hex(out, "\\x", c, 2);
        } else if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
            out += ' ';
        } else if (cp < 0x20 || cp == 0x7F) {
            append_hex(out, "\\x", static_cast<unsigned>(cp), 2);
        } else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069)) {
            append_hex(out, "\\u", static_cast<unsigned>(cp), 4);
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

std::string format_text(const SearchResults& results, std::size_t offset, bool color) {
    std::string out;
    if (!results.syntax_error.empty()) {
        out += "Note: query syntax error: " + terminal_safe(results.syntax_error) +
               "; searched: " + terminal_safe(results.query) + "\n\n";
    }
    if (!results.corrected_from.empty()) {
        out += "Showing results for " + terminal_safe(results.query) + " (no results for " +
               terminal_safe(results.corrected_from) + ")\n\n";
    }
    if (!results.suggestion.empty()) {
        const std::string suggestion = terminal_safe(results.suggestion);
        out += "Did you mean: " + (color ? kBold + suggestion + kReset : suggestion) + "\n\n";
    }
    if (results.time_limited) {
        out += "The search reached its time limit: these are the best results found by then.\n\n";
    }
    for (const auto& notice : results.notices) out += "Note: " + terminal_safe(notice) + ".\n\n";
    if (!results.missing_shards.empty()) {
        out += "Partial results: not searched ";
        for (std::size_t i = 0; i < results.missing_shards.size(); ++i) {
            out += (i ? ", " : "") + terminal_safe(results.missing_shards[i]);
        }
        out += "\n\n";
    }
    // Every field comes from the documents: printed through terminal_safe().
    for (const auto& r : results.results) {
        out += std::to_string(r.rank) + ". ";
        // The title's matching words in bold, as the snippet's: a bold title would hide them.
        if (r.title.empty()) {
            out += "(untitled)";
        } else {
            out += color ? safe_marked(r.title, r.title_highlights, kBold, kReset) : terminal_safe(r.title);
        }
        out += "\n   " + terminal_safe(r.id) + " · " + terminal_safe(r.lang);
        if (!r.date.empty()) out += " · " + terminal_safe(r.date);
        // Filter-only queries have no weights (their order is by date); a hit ranked above
        // others with higher weights because it has all the words says why.
        if (results.ranked) out += " · score " + score_string(r.score);
        if (!r.matched_all) out += " · not all words";
        out += "\n";
        if (!r.snippet.text.empty()) {
            out += "   " + (color ? safe_marked(r.snippet.text, r.snippet.highlights, kBold, kReset) : terminal_safe(r.snippet.text)) + "\n";
        }
        if (!r.url.empty()) out += "   " + terminal_safe(r.url) + "\n";
        if (r.duplicates > 0) {
            out += "   (+" + std::to_string(r.duplicates) +
                   " more: the same story in other feeds)\n";
        }
        out += "\n";
    }
    if (results.results.empty() && offset > 0 && results.total_estimate > 0) {
        // Paged past the end: the query has matches, this page has none.
        out += "No results on this page (after result " + std::to_string(offset) + "): " +
               std::to_string(results.total_estimate) +
               (results.total_estimate == 1 ? " match" : " matches") + " in all for \"" +
               terminal_safe(results.query) + "\".\n";
    } else if (results.results.empty()) {
        out += "No results for \"" + terminal_safe(results.query) + "\".\n";
    } else {
        out += "Results " + std::to_string(offset + 1) + "-" +
               std::to_string(offset + results.results.size()) + " of about " +
               std::to_string(results.total_estimate) + " for \"" + terminal_safe(results.query) + "\".\n";
    }
    return out;
}

namespace {

// Highlights as [begin, end] byte offsets.
nlohmann::json spans_json(const std::vector<Highlight>& highlights) {
    nlohmann::json spans = nlohmann::json::array();
    for (const auto& h : highlights) spans.push_back({h.begin, h.end});
    return spans;
}

nlohmann::json results_object(const SearchResults& results) {
    nlohmann::json out = {{"query", results.query}, {"total_estimate", results.total_estimate}};
    if (!results.syntax_error.empty()) out["syntax_error"] = results.syntax_error;
    if (!results.suggestion.empty()) out["suggestion"] = results.suggestion;
    if (!results.corrected_from.empty()) out["corrected_from"] = results.corrected_from;
    if (!results.missing_shards.empty()) out["missing_shards"] = results.missing_shards;
    out["ranked"] = results.ranked;
    if (results.time_limited) out["time_limited"] = true;
    if (!results.notices.empty()) out["notices"] = results.notices;
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& r : results.results) {
        nlohmann::json hit = {{"rank", r.rank},   {"id", r.id},       {"title", r.title},
                              {"lang", r.lang},   {"score", r.score}, {"snippet", r.snippet.text}};
        hit["highlights"] = spans_json(r.snippet.highlights);
        hit["title_highlights"] = spans_json(r.title_highlights);
        hit["matched_all"] = r.matched_all;
        if (!r.date.empty()) hit["date"] = r.date;
        if (!r.url.empty()) hit["url"] = r.url;
        if (!r.source.empty()) hit["source"] = r.source;
        if (!r.author.empty()) hit["author"] = r.author;
        if (!r.categories.empty()) hit["categories"] = r.categories;
        hit["duplicates"] = r.duplicates;
        if (!r.snippet_marked.empty()) hit["snippet_marked"] = r.snippet_marked;
        if (!r.title_marked.empty()) hit["title_marked"] = r.title_marked;
        hits.push_back(std::move(hit));
    }
    out["results"] = std::move(hits);
    return out;
}

}  // namespace

std::string format_json(const SearchResults& results) {
    return format_json(results, JsonLayout::Pretty);
}

std::string format_json(const SearchResults& results, JsonLayout layout) {
    // Invalid UTF-8 cannot reach here from an index (documents are checked), but a query
    // can: replaced rather than thrown.
    const auto replace = nlohmann::json::error_handler_t::replace;
    if (layout == JsonLayout::Compact) return results_object(results).dump(-1, ' ', false, replace);
    return results_object(results).dump(2, ' ', false, replace) + "\n";
}

std::string format_trec(std::string_view qid, const SearchResults& results,
                        std::string_view run_tag) {
    // A score that decreases with rank (see the header): first-tier weights lifted above
    // the highest second-tier weight of the list; failing that (the hits were not ranked
    // in tiers), the weights; failing that (sorted by date), the position.
    const std::size_t n = results.results.size();
    double lift = 0;
    for (const auto& r : results.results) {
        if (!r.matched_all) lift = std::max(lift, r.score);
    }
    std::vector<double> lifted, weights, positions;
    for (std::size_t i = 0; i < n; ++i) {
        const Result& r = results.results[i];
        lifted.push_back(r.matched_all ? r.score + lift : r.score);
        weights.push_back(r.score);
        positions.push_back(static_cast<double>(n - i));
    }
    const auto decreasing = [](const std::vector<double>& v) {
        return std::is_sorted(v.rbegin(), v.rend());
    };
    const std::vector<double>& scores = !results.ranked       ? positions
                                        : decreasing(lifted)  ? lifted
                                        : decreasing(weights) ? weights
                                                              : positions;
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        const Result& r = results.results[i];
        out.append(qid).append(" Q0 ").append(r.id).append(" ");
        out += std::to_string(r.rank) + " " + exact_score(scores[i]) + " ";
        out.append(run_tag).append("\n");
    }
    return out;
}

}  // namespace lupe

#include "searcher/facets.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "format/schema.hpp"

namespace lupe::searcher {
namespace schema = format::schema;

namespace {

// A spy's values with their counts, scaled by `scale` (1: as counted).
std::vector<FacetValue> values_of(const Xapian::ValueCountMatchSpy& spy, double scale) {
    std::vector<FacetValue> out;
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
        out.push_back({*it, static_cast<std::size_t>(std::llround(it.get_termfreq() * scale))});
    }
    return out;
}

// Most documents first, ties by value (which keeps the order stable from one search to
// the next).
void by_count(std::vector<FacetValue>& values) {
    std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
}

}  // namespace

FacetCounter::FacetCounter()
    : lang_(schema::kLangSlot), source_(schema::kSourceSlot), date_(schema::kDateSlot) {}

void FacetCounter::attach(Xapian::Enquire& enquire) {
    enquire.add_matchspy(&lang_);
    enquire.add_matchspy(&source_);
    enquire.add_matchspy(&date_);
    attached_ = true;
}

Facets FacetCounter::facets(const Xapian::MSet& mset, std::size_t check_at_least,
                            bool time_limited, std::size_t estimate,
                            std::size_t max_sources) const {
    Facets out;
    if (!attached_) return out;
    out.counted = date_.get_total();  // every spy counts every document it sees
    // Xapian skips no document before it has looked at check_at_least of them: fewer
    // counted means every match was. Beyond, only bounds that agree on the count say so
    // (when collapsing, Xapian's upper bound stays loose even after a full match).
    out.exact = !time_limited &&
                (out.counted < check_at_least ||
                 (mset.get_uncollapsed_matches_lower_bound() ==
                      mset.get_uncollapsed_matches_upper_bound() &&
                  mset.get_uncollapsed_matches_lower_bound() == out.counted));
    const double scale = out.exact || out.counted == 0
                             ? 1.0
                             : static_cast<double>(std::max(estimate, out.counted)) /
                                   static_cast<double>(out.counted);
    out.lang = values_of(lang_, scale);
    by_count(out.lang);
    out.source = values_of(source_, scale);
    by_count(out.source);
    if (out.source.size() > max_sources) out.source.resize(max_sources);
    // Dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD": their years added up, newest first.
    std::map<std::string, double, std::greater<>> years;
    for (auto it = date_.values_begin(); it != date_.values_end(); ++it) {
        const std::string& date = *it;
        years[date.substr(0, 4)] += it.get_termfreq();
    }
    for (const auto& [year, count] : years) {
        out.year.push_back({year, static_cast<std::size_t>(std::llround(count * scale))});
    }
    return out;
}

}  // namespace lupe::searcher

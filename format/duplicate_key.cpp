#include "format/duplicate_key.hpp"

#include <string_view>

#include "analysis/date.hpp"
#include "analysis/fold.hpp"
#include "analysis/tokenizer.hpp"
#include "format/tag_records.hpp"

namespace lupe::format {
namespace {

// Marks the key's hash as this one, apart from every other use of format3_hash().
constexpr std::string_view kDuplicateKeyTag = "lupe.duplicate-key";

// A url as the same address: without the scheme, a "www." host prefix, the fragment and a
// trailing "/" (feeds write one link as "http://www.x.de/a/" and another as
// "https://x.de/a").
std::string_view normalise_url(std::string_view url) {
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        url.remove_prefix(scheme + 3);
    }
    if (url.substr(0, 4) == "www.") url.remove_prefix(4);
    if (const auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    return url;
}

// The key: its kind, then the hash. (Built by appending: GCC 12 warns, wrongly, about
// "t" + std::string at -O3.)
std::string with_kind(char kind, std::uint64_t hash) {
    std::string key(1, kind);
    key += hex64(hash);
    return key;
}

}  // namespace

std::string duplicate_key(const Document& doc) {
    std::uint64_t h = format3_hash(kDuplicateKeyTag);
    const auto date = doc.date.empty() ? std::nullopt : analysis::parse_iso_date(doc.date);
    const std::vector<std::string> words = analysis::tokenize_words(doc.title);
    if (date && date->day != 0 && !words.empty()) {
        for (const std::string& word : words) {
            h = format3_hash(analysis::fold_diacritics(word), h);
            h = format3_hash(std::string_view(" ", 1), h);
        }
        h = format3_hash(analysis::date_sort_key(*date), h);
        return with_kind('t', h);
    }
    const std::string_view url = normalise_url(doc.url);
    if (url.empty()) return {};
    return with_kind('u', format3_hash(url, h));
}

}  // namespace lupe::format

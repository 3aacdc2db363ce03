// story_key() and the stored form of duplicate keys (see format/duplicate_key.hpp).
//
// Design note. A feed aggregator meets one story as several items: the same article in a
// site's main feed and in a topic feed (same link, same title), or a wire story run by two
// outlets (other links, the same title, the same day). Xapian collapses matches on one
// value per document, so story_key() folds the two signs into one key: the title and day
// when an item has both, else its link. "Within a day" is the calendar day of the date as
// given (the feed reader normalises dates to UTC). The engine does not derive keys itself:
// in other collections the same title on one day (the sections of one law) or one url (a
// law's page, for all its sections) does not mean a copy; the readers that know their
// documents are news items set them.
#include "format/duplicate_key.hpp"

#include "analysis/date.hpp"
#include "analysis/fold.hpp"
#include "analysis/tokenizer.hpp"
#include "format/tag_records.hpp"
#include "lupe/document.hpp"

namespace lupe {
namespace {

// Mark their hashes as these, apart from every other use of format3_hash().
constexpr std::string_view kStoryKeyTag = "lupe.story-key";
constexpr std::string_view kDuplicateValueTag = "lupe.duplicate-key";

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

// A kind letter and a hash. (Built by appending: GCC 12 warns, wrongly, about
// "t" + std::string at -O3.)
std::string with_kind(char kind, std::uint64_t hash) {
    std::string key(1, kind);
    key += format::hex64(hash);
    return key;
}

}  // namespace

std::string story_key(std::string_view title, std::string_view date, std::string_view url) {
    std::uint64_t h = format::format3_hash(kStoryKeyTag);
    const auto day = date.empty() ? std::nullopt : analysis::parse_iso_date(date);
    const std::vector<std::string> words = analysis::tokenize_words(title);
    if (day && day->day != 0 && !words.empty()) {
        for (const std::string& word : words) {
            h = format::format3_hash(analysis::fold_diacritics(word), h);
            h = format::format3_hash(std::string_view(" ", 1), h);
        }
        return with_kind('t', format::format3_hash(analysis::date_sort_key(*day), h));
    }
    const std::string_view address = normalise_url(url);
    if (address.empty()) return {};
    return with_kind('u', format::format3_hash(address, h));
}

namespace format {

std::string duplicate_key_value(std::string_view duplicate_key) {
    if (duplicate_key.empty()) return {};
    return with_kind('k', format3_hash(duplicate_key, format3_hash(kDuplicateValueTag)));
}

}  // namespace format
}  // namespace lupe

// The syndication key of a document (schema::kDuplicateKeySlot): copies of one story share
// it, so that a search shows one of them.
//
// Design note. A feed aggregator meets one story as several items: the same article in a
// site's main feed and in a topic feed (same link), or a wire story run by two outlets
// (other links, the same title, the same day). Xapian collapses matches on one value per
// document, so the two signs are folded into one key: the normalised title (its words, as
// the tokenizer gives them, diacritics folded) with the day of the date when a document has
// both (copies of a story keep the title, and two stories rarely share a title on one day),
// else the url (a document without a date or title is one copy of whatever else that url
// names). A document with neither has no key and is never collapsed. "Within a day" is the
// calendar day of the date as given (feed dates are normalised to UTC by the reader).
#pragma once

#include <string>

#include "lupe/document.hpp"

namespace lupe::format {

/// "t" + 16 hex digits (title and day) or "u" + 16 hex digits (url), or "" (no key).
std::string duplicate_key(const Document& doc);

}  // namespace lupe::format

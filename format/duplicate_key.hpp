// Duplicate keys (Document::duplicate_key, story_key()) and what the index stores of them:
// schema::kDuplicateKeySlot, on which a search collapses copies of one story, and the
// schema::kDuplicateKeyPrefix term, which counts them.
#pragma once

#include <string>
#include <string_view>

namespace lupe::format {

/// The stored form of a document's duplicate key: "k" + 16 hex digits of its hash (any
/// key, however long, fits a value and a term), or "" for an empty key.
std::string duplicate_key_value(std::string_view duplicate_key);

}  // namespace lupe::format

/// @file document.hpp
/// @brief A document as lupe indexes and returns it.
#pragma once

#include <string>

namespace lupe {

/// @brief One document to index. All strings must be valid UTF-8.
///
/// Only `id` and some text (title or body) are required. The other fields are stored
/// for display and filtering.
/// @since 0.1
struct Document {
    /// Unique key. Adding a document with an id that is already indexed replaces it.
    /// At most 200 bytes (Xapian's term length limit, less room for the prefix).
    std::string id;
    /// Title; weighted above the body when ranking and searchable with `title:`.
    std::string title;
    /// Main text.
    std::string body;
    /// Language as an ISO 639-1 code ("en", "de", "fr", ...; "de-AT" is read as "de").
    /// Empty: the writer's default language if set, otherwise detected with CLD2.
    /// English and German text is stemmed; other languages are indexed unstemmed.
    std::string lang;
    /// Date in ISO 8601 ("2025-08-14", "2025-08", "1987-02-26T15:01:01"); optional.
    /// A date that does not start with YYYY[-MM[-DD]] is stored for display only and
    /// does not take part in `date:` ranges.
    std::string date;
    /// Where the document can be read; optional, stored for display.
    std::string url;
    /// Publisher or collection; optional, searchable with `source:`.
    std::string source;
};

}  // namespace lupe

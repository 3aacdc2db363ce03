/// @file document.hpp
/// @brief A document as lupe indexes and returns it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lupe/export.hpp"

namespace lupe {

/// @brief Largest document lupe indexes, all its fields together: 64 MiB. Far above any
/// article, book or law; what is bigger is nearly always a log or a data dump that would
/// swamp the index (every distinct word is a term) and take seconds to analyse. A bigger
/// document is refused with a DocumentError; `.txt` and `.md` files above it are refused
/// before they are read, and JSONL lines have their own, smaller limit (16 MiB).
/// @since 0.4
inline constexpr std::size_t kMaxDocumentBytes = 64u * 1024 * 1024;

/// @brief One document to index. All strings must be valid UTF-8, at most
/// kMaxDocumentBytes together.
///
/// Only `id` and some text (title or body) are required. The other fields are stored
/// for display and filtering.
/// @since 0.1
struct Document {
    /// Unique key. Adding a document with an id that is already indexed replaces it.
    /// At most 200 bytes (Xapian's term length limit, less room for the prefix), without
    /// control characters (U+0000-U+001F, U+007F): ids are printed one per line.
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
    /// Author or authors, as one line; optional, stored for display (a feed item's
    /// author, dc:creator). Not indexed: its words would change the ranking of every
    /// collection that has authors.
    /// @since 0.6
    std::string author;
    /// Categories or tags (a feed item's categories), each one line; optional, stored for
    /// display (not indexed, as `author`).
    /// @since 0.6
    std::vector<std::string> categories;
    /// Copies of one story share a key (the same item in two feeds): a search shows one
    /// of them, with the number of the others (SearchOptions::collapse_duplicates,
    /// Result::duplicates). Any string; empty: the document is never collapsed. lupe's
    /// feed reader gives each item story_key() of its title, date and link; its HTML
    /// reader gives a page with a canonical link story_key("", "", link).
    /// @since 0.6
    std::string duplicate_key;
};

/// @brief The duplicate key of a news item (Document::duplicate_key): its normalised title
/// (its words, case and diacritics folded) with the day of its date when it has a title and
/// a date with a day (copies of a story keep its title, and two stories rarely share a
/// title on one day), else its url (without scheme, "www.", fragment or trailing "/"),
/// else "". Meant for feed items and web pages: in other collections titles repeat on one
/// day (the sections of one law) and one url can name many documents (a law's page).
/// @since 0.6
LUPE_API std::string story_key(std::string_view title, std::string_view date,
                               std::string_view url);

}  // namespace lupe

/// @file results.hpp
/// @brief What a search returns.
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace lupe {

/// @brief A highlighted stretch of a snippet: byte offsets [begin, end) into Snippet::text.
/// @since 0.1
struct Highlight {
    std::size_t begin = 0;  ///< first byte of the matching word
    std::size_t end = 0;    ///< one past its last byte
};

/// @brief A short passage of the document around the words that matched.
/// @since 0.1
struct LUPE_API Snippet {
    /// Plain UTF-8 text, white space collapsed; "…" marks text left out at either end.
    std::string text;
    /// The words in `text` that match the query, in order, not overlapping.
    std::vector<Highlight> highlights;

    /// @brief The text with each highlight wrapped in the given markers.
    /// @param open inserted before each highlighted word (e.g. "\x1b[1m" or "<b>")
    /// @param close inserted after it
    /// @return the marked-up text; the markers are inserted as given, nothing is escaped
    std::string marked(const std::string& open, const std::string& close) const;
};

/// @brief One ranked hit.
/// @since 0.1
struct Result {
    std::size_t rank = 0;   ///< 1-based rank in the whole result list (offset included)
    /// The document's weight under SearchOptions::weighting (BM25 by default): how well it
    /// matches the query, as the weighting scheme computes it, and nothing else (no bonus
    /// for having all the words; see matched_all). Comparable only within one search. Not
    /// always decreasing with rank: a hit with all the words ranks above one without them
    /// (SearchOptions::all_words_first) even when its weight is lower. 0 for a query that
    /// only filters (SearchResults::ranked false).
    double score = 0.0;
    std::string id;         ///< the document's id
    std::string title;      ///< its title (may be empty)
    std::string lang;       ///< the language it was indexed as ("en", "de", other codes, or "und")
    std::string date;       ///< its date as given, or empty
    std::string url;        ///< its URL, or empty
    std::string source;     ///< its source, or empty
    std::string author;     ///< its author, or empty (@since 0.6)
    std::vector<std::string> categories;  ///< its categories, or none (@since 0.6)
    /// How many other documents of the index are copies of this one (the same story in
    /// other feeds: the same normalised title on the same day, or the same url; see
    /// SearchOptions::collapse_duplicates): exact, counted over the whole index, whether
    /// or not the copies match the query. 0 for a document without copies, and for
    /// documents indexed before 0.6 (which have no key to compare).
    /// @since 0.6
    std::size_t duplicates = 0;
    Snippet snippet;        ///< the passage that best matches the query
    /// snippet.text with SearchOptions::highlight_open/close around the matching words;
    /// empty when no markers were asked for
    std::string snippet_marked;
    /// Whether the document has every plain word of the query. Found out for queries of 2
    /// to 8 plain words (the ones ranked in two tiers, see SearchOptions::all_words_first);
    /// true for every hit of any other query (one word, more than 8, a query built with
    /// OR, AND, NOT or parentheses, or one that only filters), whose hits all match as the
    /// query asks.
    /// @since 0.5
    bool matched_all = true;
};

/// @brief The answer to one search.
/// @since 0.1
struct SearchResults {
    /// The query as it was run. When the original had a syntax error this is the retry,
    /// in the query syntax: the original's words, phrases and fields that parse, as one
    /// list, with its exclusions kept as exclusions (`(chip NOT Huawei` ran as
    /// `chip -Huawei`; since 0.5 a retry never searches for an excluded word).
    std::string query;
    /// Xapian's estimate of the number of matching documents. Exact when all matches fit
    /// in offset + limit, and for queries that only filter (up to 100,000 matches).
    std::size_t total_estimate = 0;
    /// The hits from options.offset on, at most options.limit of them.
    std::vector<Result> results;
    /// Empty, or the syntax error of the original query ("unbalanced '(' at position 7")
    /// when the search ran the retry shown in `query` instead.
    std::string syntax_error;
    /// Empty, or the query with misspelt words corrected from the index's vocabulary
    /// ("Did you mean …"); offered, never run in place of the query.
    /// @since 0.2
    std::string suggestion;
    /// The shards of a shard list that could not be searched (their names as listed, e.g.
    /// "tcp://10.0.0.2:7000"); only with SearchOptions::allow_partial, otherwise such a
    /// search throws ShardUnavailableError. Empty for an index that is no shard list.
    /// @since 0.3
    std::vector<std::string> missing_shards;
    /// Xapian's matcher stopped at SearchOptions::time_limit_seconds before it had
    /// considered every matching document: the results are the best of the documents it
    /// considered, and may miss better ones; total_estimate is then Xapian's estimate from
    /// term statistics. False whenever the matcher finished, however long the other stages
    /// took (stages cut by the time limit say so in notices).
    /// @since 0.3
    bool time_limited = false;
    /// Limits of lupe's that this query reached, one sentence each: today a wildcard that
    /// matches more than 1000 terms, of which only the most frequent were searched. The
    /// search ran; its results may miss matches. Since 0.5 also an unknown field
    /// (`author:kahneman`), searched as the words `author kahneman`, with the known fields.
    /// @since 0.4
    std::vector<std::string> notices;
    /// False for a query that only filters (`date:2024`, `lang:de`, `-word` alone): its
    /// hits have no weight (Result::score is 0) and come newest first, undated documents
    /// last, unless SearchOptions::sort asks for oldest first.
    /// @since 0.5
    bool ranked = true;
};

}  // namespace lupe

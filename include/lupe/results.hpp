/// @file results.hpp
/// @brief What a search returns.
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lupe {

/// @brief A highlighted word: byte offsets [begin, end) into the text it was found in
/// (Snippet::text for Snippet::highlights, Result::title for Result::title_highlights).
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
    /// The words of `title` that match the query, as byte ranges into `title` (as given,
    /// white space not collapsed), in order, not overlapping: matched as the snippet's
    /// words are (stems, compound parts, folded spellings, phrases, wildcard prefixes),
    /// whether the hit matched through its title or not. Empty when no title word
    /// matches, and, like the snippet, when SearchOptions::snippet_length is 0 or the
    /// time limit was reached before this hit's snippet.
    /// @since 0.6
    std::vector<Highlight> title_highlights;
    /// title with SearchOptions::highlight_open/close around the words of
    /// title_highlights (nothing escaped); empty when no markers were asked for, or when
    /// the title is empty
    /// @since 0.6
    std::string title_marked;
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

/// @brief One value of a facet and the number of matching documents that have it.
/// @since 0.6
struct FacetValue {
    std::string value;      ///< the language code, the source as given, or the year ("2025")
    std::size_t count = 0;  ///< matching documents with this value (see Facets::exact)
};

/// @brief The matching documents counted by language, source and year of their date
/// (SearchOptions::facets). Copies of one story (SearchOptions::collapse_duplicates) are
/// each counted: facets count documents, not hits.
///
/// Exact when the matcher looked at every matching document (Facets::exact): then the
/// counts of `lang` add up to `counted`, which is the number of matching documents
/// (SearchResults::total_estimate too, when no copies were collapsed). A larger match set
/// is counted on the matches the matcher looked at (SearchOptions::facet_documents or a
/// few more), and each count is scaled by (the matcher's estimate of matching documents,
/// copies included, which is SearchResults::total_estimate when nothing is collapsed) /
/// counted, and rounded: an estimate, and `exact` is false. A search stopped by its time
/// limit (SearchResults::time_limited) has estimated facets too.
///
/// Documents indexed before lupe 0.6 have no language or source value to count (a full
/// rebuild, `lupe-index --full`, gives them one); their years are counted.
/// @since 0.6
struct Facets {
    std::vector<FacetValue> lang;    ///< by language, most documents first, ties by value
    std::vector<FacetValue> source;  ///< by source, most first; at most
                                     ///< SearchOptions::facet_values of them
    std::vector<FacetValue> year;    ///< by year of the date, newest first; undated
                                     ///< documents are not counted here
    /// Matching documents the counts were taken from (before scaling).
    std::size_t counted = 0;
    /// Every matching document was counted: the counts are exact, not scaled.
    bool exact = true;
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
    /// Empty, or the query that found nothing when SearchOptions::auto_correct ran its
    /// spelling suggestion instead (then shown in `query`, and `suggestion` is empty).
    /// @since 0.6
    std::string corrected_from;
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
    /// Counts of the matching documents by language, source and year; empty (all lists
    /// empty, counted 0) unless SearchOptions::facets asked for them.
    /// @since 0.6
    Facets facets;
};

/// @brief A completion of a word prefix from the index's vocabulary
/// (Searcher::complete).
/// @since 0.6
struct Completion {
    std::string word;           ///< the whole word, as the vocabulary holds it (lower case)
    std::size_t documents = 0;  ///< documents that use it (see docs/index-format.md)
};

/// @brief Where a Searcher reads from, for health checks (Searcher::status).
/// @since 0.6
struct ShardStatus {
    std::string name;        ///< the index directory, or the shard as its shard list names it
    /// The published generation open (its directory's name, e.g. "gen-000003"); empty
    /// for a remote shard and for an index without generations
    std::string generation;
    std::uint64_t revision = 0;  ///< the Xapian revision open (0 for a remote shard)
    std::size_t documents = 0;   ///< documents in it
};

/// @brief What a Searcher has open (Searcher::status).
/// @since 0.6
struct IndexStatus {
    std::size_t documents = 0;         ///< documents in all shards together
    std::vector<ShardStatus> shards;   ///< one per shard (one for a plain index)
    std::vector<std::string> missing;  ///< shards of a shard list that could not be opened
};

}  // namespace lupe

/// @file searcher.hpp
/// @brief Ranked search over a lupe index.
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "lupe/document.hpp"
#include "lupe/results.hpp"

namespace lupe {

/// @brief The ranking function. lupe's default was chosen by measurement on the relevance
/// sets in bench/ (see docs/relevance.md); the others are Xapian's, for comparison.
/// @since 0.2
enum class Weighting {
    BM25,      ///< Okapi BM25 with SearchOptions::bm25_k1 and bm25_b
    BM25Plus,  ///< BM25+ (Lv and Zhai), BM25 with a lower bound for long documents
    DPH,       ///< divergence from randomness, parameter-free (DPH)
    PL2,       ///< divergence from randomness, Poisson model (PL2, c = 1)
    InL2,      ///< divergence from randomness, inverse document frequency (InL2, c = 1)
    LM,        ///< query likelihood, Dirichlet smoothing with mu ten times the average
               ///< document length; local shards only (xapian-tcpsrv does not know it)
};

/// @brief The order of results.
/// @since 0.2
enum class SortOrder {
    Relevance,    ///< best match first (documents with all plain words first, see
                  ///< SearchOptions::all_words_first); a query that only filters lists
                  ///< newest first (SearchResults::ranked)
    NewestFirst,  ///< by date, newest first; undated documents last; ties by relevance
    OldestFirst,  ///< by date, oldest first; undated documents last; ties by relevance
};

/// @brief Which text plain query words are looked for in.
/// @since 0.2
enum class SearchField {
    All,    ///< title and body
    Title,  ///< the title only (as if every plain word were written `title:word`)
};

/// Default of SearchOptions::time_limit_seconds: far above what a search of even a large
/// index takes here (milliseconds), low enough that a runaway query frees its thread soon.
/// @since 0.3
inline constexpr double kDefaultSearchTimeLimitSeconds = 5.0;

/// @brief Settings for one search.
/// @since 0.1
struct SearchOptions {
    /// Maximum number of results returned (1 .. 10000).
    std::size_t limit = 10;
    /// Number of top results to skip (for paging).
    std::size_t offset = 0;
    /// "en" or "de": match only documents in that language and stem the query with that
    /// language's stemmer. Empty (default): each query word is stemmed with both stemmers
    /// and matches documents of either language (and unstemmed ones).
    std::string lang;
    /// Approximate length of each snippet in characters; 0 turns snippets off, and the
    /// title highlights (Result::title_highlights) with them.
    std::size_t snippet_length = 200;
    /// Markers put around the matching words in Result::snippet_marked and (since 0.6)
    /// Result::title_marked (e.g. "<b>" and "</b>"; nothing is escaped). Both empty
    /// (default): those stay empty, and Snippet::highlights and Result::title_highlights
    /// give the positions.
    /// @since 0.2
    std::string highlight_open;
    /// See highlight_open.
    /// @since 0.2
    std::string highlight_close;
    /// Result order.
    /// @since 0.2
    SortOrder sort = SortOrder::Relevance;
    /// Only documents dated on or after this day: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    /// (empty: no lower bound). Like the query syntax's `date:FROM..`.
    /// @since 0.2
    std::string date_from;
    /// Only documents dated on or before this period (empty: no upper bound).
    /// @since 0.2
    std::string date_to;
    /// Where plain query words are looked for.
    /// @since 0.2
    SearchField fields = SearchField::All;
    /// Retry a query that has a syntax error without its broken syntax (the error is
    /// reported in SearchResults::syntax_error, the retry in SearchResults::query): its
    /// words, phrases and fields that parse as one list, its exclusions (`-word`,
    /// `NOT word`, `NOT (...)`) kept, an unclosed quote or parenthesis dropped (one that is
    /// excluded excludes the words after it). When false the QuerySyntaxError is thrown.
    bool retry_plain_on_syntax_error = true;

    /// Treat stopwords ("the", "of", "die", "und") apart in free-text queries: they rank
    /// with `stopword_weight` and add no matches. Phrases, required (+) words and queries
    /// made only of stopwords keep them as ordinary words.
    /// @since 0.2
    bool stopwords = true;
    /// Split German compound query words into their parts, as the index does (no effect on
    /// an index built without splitting).
    /// @since 0.2
    bool decompound = true;
    /// Offer a spelling suggestion (SearchResults::suggestion) for words that are absent
    /// from the index or rare. The query itself is never rewritten.
    /// @since 0.2
    bool suggest = true;
    /// When the query finds nothing and has a spelling suggestion, run the suggestion
    /// instead: SearchResults::query is then the suggestion, and
    /// SearchResults::corrected_from the query that found nothing. A suggestion is looked
    /// for then even when `suggest` is false. Off by default: a search runs what was typed.
    /// @since 0.6
    bool auto_correct = false;
    /// The ranking function.
    /// @since 0.2
    Weighting weighting = Weighting::BM25;
    /// BM25's term-frequency saturation (Weighting::BM25 and BM25Plus).
    /// @since 0.2
    double bm25_k1 = 1.2;
    /// BM25's document-length normalisation, 0..1 (Weighting::BM25 and BM25Plus).
    /// @since 0.2
    double bm25_b = 0.75;
    /// Average document length, in words, from which BM25 uses bm25_k1 in full: in an index
    /// whose documents are shorter on average, k1 is scaled down in proportion (k1 *
    /// average length / this), so that in sentence-length documents a repeated word and a
    /// document's length weigh less. 0: bm25_k1 as given. Chosen by leave-one-collection-out
    /// on the relevance sets in bench/ (see docs/relevance.md).
    /// @since 0.7
    double bm25_k1_full_length = 70;
    /// Weight of stopwords in the ranking of free-text queries that have other words
    /// (0: left out). They never add matches, only reorder them. Ignored when `stopwords`
    /// is false. Half weight was chosen by measurement (see docs/relevance.md).
    /// @since 0.2
    double stopword_weight = 0.5;
    /// Pseudo-relevance feedback: expand the query with terms of this many top documents
    /// (0: off).
    /// @since 0.2
    std::size_t feedback_documents = 0;
    /// Terms added by pseudo-relevance feedback.
    /// @since 0.2
    std::size_t feedback_terms = 10;
    /// Weight of the added terms relative to the query's own.
    /// @since 0.2
    double feedback_weight = 0.3;
    /// For a shard list: when shards cannot be searched, return the results of the others
    /// and name the missing ones in SearchResults::missing_shards, instead of throwing
    /// ShardUnavailableError.
    /// @since 0.3
    bool allow_partial = false;
    /// Show one hit per story: documents that are copies of one another (the same item in
    /// two feeds: the same normalised title on the same day, or else the same url; see
    /// Result::duplicates) are collapsed into the best-ranked of them, with Xapian's
    /// collapse key. false: every copy is a hit of its own.
    /// @since 0.6
    bool collapse_duplicates = true;
    /// Most seconds one search may take, counted from the start of Searcher::search() (0:
    /// no limit): one hostile or huge query cannot hold a thread for long. Every stage that
    /// can be slow checks it. Spelling suggestion, wildcard expansion over the vocabulary,
    /// pseudo-relevance feedback and snippets that would start after it are skipped, or
    /// cut short, and SearchResults::notices says which. Xapian's matcher always
    /// considers a first few hundred documents, then stops at the limit with the best
    /// documents it considered, and SearchResults::time_limited says so. (For a shard list
    /// with remote shards the matcher cannot be stopped: there, Xapian stops counting
    /// matches beyond the page at the limit, and time_limited means the count is an
    /// estimate.)
    /// @since 0.3
    double time_limit_seconds = kDefaultSearchTimeLimitSeconds;
    /// Rank the documents that have every plain word of the query first (in their order
    /// by weight), then the others (by weight). Applies to queries of 2 to 8 plain words
    /// ranked by relevance; Result::matched_all tells the two groups apart whether this is
    /// on or not. Measured on the relevance sets in bench/ (bench/relevance_regression.sh):
    /// on is the better default (see docs/relevance.md).
    /// @since 0.5
    bool all_words_first = true;
    /// Count the matching documents by language, source and year (SearchResults::facets).
    /// @since 0.6
    bool facets = false;
    /// With `facets`: the matcher looks at at least this many matching documents (all of
    /// them when there are no more; at most 100,000, as many as a query that only filters
    /// counts), and the counts are exact when it saw all; beyond, they are scaled
    /// estimates (see Facets). Larger is exacter and slower: on Reuters-21578 the default
    /// costs a typical query a few milliseconds (see docs/searching.md).
    /// @since 0.6
    std::size_t facet_documents = 10000;
    /// With `facets`: most sources listed (the most frequent); languages and years are
    /// all listed.
    /// @since 0.6
    std::size_t facet_values = 20;
    /// Only documents whose language is exactly this code ("en", "de", "fr", "und"), as
    /// the query syntax's `lang:`; unlike `lang`, the query is analysed as without it.
    /// Empty: no filter. With a query that has nothing to search for (""), the filters
    /// alone are the query: its matches come unranked, newest first.
    /// @since 0.6
    std::string filter_lang;
    /// Only documents whose source is exactly this string, as Facets::source lists it
    /// (a source is stored cut to its first 200 bytes; documents indexed before 0.6 have
    /// none and never match). Empty: no filter.
    /// @since 0.6
    std::string filter_source;
};

/// @brief How a Searcher reaches the shards of a shard list, and the German word list it
/// splits query words with.
/// @since 0.3
struct SearcherOptions {
    /// Most milliseconds to wait for a remote shard's server to accept a connection.
    int connect_timeout_ms = 2000;
    /// Most milliseconds any one operation on a remote shard may take (a query included);
    /// a server that takes longer counts as down.
    int timeout_ms = 10000;
    /// The German word list query words are split with, for an index whose compounds
    /// were split (see IndexWriterOptions::german_word_list, which this should match):
    /// empty for the file named by LUPE_GERMAN_WORDLIST when it is set and not empty, else
    /// /usr/share/dict/ngerman. Read at the first search that analyses words as German (an
    /// index without German documents never reads it). When it cannot be read, searches
    /// run without splitting compound query words and SearchResults::notices says so (the
    /// next search tries again); when it differs from the list the index records, a notice
    /// names both fingerprints.
    /// @since 0.5
    std::string german_word_list;
};

/// @brief Searches a lupe index.
///
/// Query syntax (see docs/query-syntax.md for the full description):
///  - plain words: ranked (BM25), any of them matches, documents with all words rank first;
///  - `"a phrase"` (its words' stems in this order); `AND`, `OR`, `NOT` (upper case),
///    parentheses; `+word` (required),
///    `-word` (excluded); a query of exclusions only (`-word`) matches every document but
///    those, unranked, as a query of filters only does;
///  - fields `title:`, `lang:`, `source:`, `date:2025-01-01..2025-12-31` (also `date:2025`,
///    `date:2025-03..`, `date:..2024-12-31`); any other `name:value` is searched as the
///    words name and value, with a notice (SearchResults::notices);
///  - trailing wildcard `ascen*` (at least 2 characters before the `*`).
///
/// Each search sees the index as last committed or published: a Searcher follows new
/// commits and newly published generations by itself (and recovers from Xapian's
/// DatabaseModifiedError).
///
/// Thread-safe: one Searcher may be shared by many threads calling search() at once.
/// It keeps a pool of Xapian database handles (Xapian objects are not thread-safe), one
/// per thread searching at the same moment, opened on demand and reused. Move-only; moving
/// or destroying it while another thread searches with it is not allowed.
/// @since 0.1
class LUPE_API Searcher {
public:
    /// @brief Open the index at `path` for reading.
    /// @throws IndexNotFoundError nothing is at `path`, or a directory that holds no index
    ///         (an empty one, or one of other files)
    /// @throws IndexCorruptError `path` holds something that is not a readable lupe index
    explicit Searcher(const std::string& path);
    /// @brief Open an index or a shard list with settings for remote shards.
    ///
    /// `path` may name a shard list instead of an index directory: a text file in Xapian's
    /// stub format, one shard per line, `auto DIR` for a local lupe index (relative to the
    /// file's directory) and `remote HOST:PORT` for a shard served by `xapian-tcpsrv`;
    /// blank lines and lines starting with `#` are ignored. The shards are searched as one
    /// index (Xapian combines their statistics), so results equal those of one index
    /// holding all their documents. Shards that cannot be opened are named by searches
    /// (see SearchOptions::allow_partial); the Searcher fails here only when none can.
    /// @throws IndexNotFoundError, IndexCorruptError as for an index; IndexCorruptError
    ///         naming FILE:LINE for a malformed shard list; ShardUnavailableError when no
    ///         shard can be opened; InvalidArgumentError for timeouts that are not positive
    /// @since 0.3
    Searcher(const std::string& path, const SearcherOptions& settings);
    /// @brief Closes the index. Never throws.
    ~Searcher();
    /// @brief Move the open index into a new searcher; `other` is left empty (only
    /// destruction and assignment are valid on it).
    Searcher(Searcher&& other) noexcept;
    /// @brief Move assignment: closes this searcher's index and takes over `other`'s.
    Searcher& operator=(Searcher&& other) noexcept;
    /// Not copyable (it owns a database handle and per-thread analysis state).
    Searcher(const Searcher&) = delete;
    /// Not copyable.
    Searcher& operator=(const Searcher&) = delete;

    /// @brief Run a query.
    /// @param query the query text (UTF-8), in the syntax above
    /// @param options limit, offset, language, snippet length
    /// @throws QuerySyntaxError only if options.retry_plain_on_syntax_error is false
    /// @throws InvalidArgumentError options.lang is not "", "en" or "de", limit is 0 or
    ///         above 10000, or date_from/date_to is not an ISO 8601 date
    /// @throws RuntimeError the index could not be read
    SearchResults search(std::string_view query, const SearchOptions& options = {});

    /// @brief Completions of a word prefix from the index's vocabulary (the words of every
    /// document, German compounds whole as well as their parts, lower case), the words used
    /// by most documents first, ties in byte order: "Rundum" gives "rundumsicht".
    /// The prefix is normalised as query words are, by the tokenizer (lower case); the
    /// vocabulary keeps words as written, so "munc" does not complete to "münchen".
    /// Fast enough to call on every keystroke: the vocabulary is held in memory, read by
    /// the first call after the index changed (on Reuters-21578, 46,000 words: about
    /// 80 ms and 1.7 MB; a call then takes microseconds). Of a shard list, the shards that
    /// are open are read, their counts added up; missing shards are not reported here.
    /// @param prefix the text typed: its last word is completed, when it ends in one
    ///        ("Elon Mu" completes "mu"); empty, or ending in a space or punctuation, gives
    ///        nothing
    /// @param limit most completions returned
    /// @throws RuntimeError the index could not be read
    /// @since 0.6
    std::vector<Completion> complete(std::string_view prefix, std::size_t limit = 10);

    /// @brief The stored fields of the document with this id: id, title, lang, date, url,
    /// source, author, categories, and as `body` the text stored for snippets (the
    /// body's first 64 KiB, white space as given). duplicate_key is left empty.
    /// @return nullopt when no document has this id
    /// @throws RuntimeError the index could not be read
    /// @since 0.6
    std::optional<Document> document(std::string_view id);

    /// @brief Documents like the one with this id ("more like this", as Omega's MORELIKE):
    /// the 20 most telling stem terms of the document's text (Xapian's expand set, with the
    /// document as the relevance set; title copies and boolean terms left out) are searched
    /// as one ranked OR, and the document itself is left out. SearchResults::query lists them as
    /// stems ("ascend chip huawei train"), and snippets highlight them. The options apply
    /// as to search() (limit, offset, `lang` as a language filter, filters, dates,
    /// collapsing, snippets, facets); there is no spelling suggestion.
    /// @return nullopt when no document has this id
    /// @throws InvalidArgumentError as search(); RuntimeError the index could not be read
    /// @since 0.6
    std::optional<SearchResults> similar(std::string_view id, const SearchOptions& options = {});

    /// @brief What is open, after picking up changes committed or published since (as
    /// reopen()): documents, and each shard's generation and revision; the shards of a
    /// shard list that cannot be opened are named in IndexStatus::missing (this does not
    /// throw for them).
    /// @throws RuntimeError the index could not be read
    /// @since 0.6
    IndexStatus status();

    /// @brief Pick up changes committed or published since the last search (search() does
    /// this itself; this is for document_count()).
    /// @throws RuntimeError the index could not be reopened
    void reopen();

    /// @brief Number of documents in the index, as of the last open or reopen().
    /// @throws RuntimeError the index could not be read
    std::size_t document_count() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lupe

// Query builder: syntax tree -> Xapian query, through the shared analysis.
//
// A plain word becomes its stems in every stemming family in scope, combined with
// OP_SYNONYM (one word, one document frequency, whatever language matched); a word
// that the tokenizer splits ("E-Mail", "hands-on") becomes OP_NEAR over the positional
// stem terms of each family, a quoted phrase OP_PHRASE; a wildcard expands over the stems that
// start with it and over the stems of the vocabulary's words that start with it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "searcher/deadline.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/snippet.hpp"
#include "format/vocabulary.hpp"

namespace lupe::searcher {

/// Most terms one wildcard may expand to; beyond it the most frequent are kept (Xapian's
/// WILDCARD_LIMIT_MOST_FREQUENT), so `a*`-like prefixes stay fast and still useful.
inline constexpr Xapian::termcount kMaxWildcardExpansion = 1000;

/// Most vocabulary words one wildcard reads to find the words whose stem is shorter than
/// the wildcard (`traini*` must find "training", indexed as "train"). A prefix with more
/// words than this is short, and short prefixes are matched by the stems themselves.
inline constexpr std::size_t kMaxWildcardVocabularyScan = 20000;

/// Weight of a compound's parts relative to the whole word when the query word is a
/// compound ("Drohnenhersteller" also finds "Hersteller von Drohnen", but below the
/// documents that use the compound itself). Measured on xquad-r-de (nDCG@10): 0.7775
/// without query-side parts, 0.7825 at 0.1, 0.7824 at 0.25, 0.7795 at 0.5 and at 1.0.
inline constexpr double kCompoundPartWeight = 0.25;

/// Most plain items a query may have for its matches to be ranked in two tiers (all of
/// them first). The all-words tier opens every word's posting list a second time; a
/// document with all of nine or more words is rare, and for such long queries BM25 already
/// ranks documents by how many words they match. Measured (bench/relevance.sh,
/// bench/throughput.sh): nDCG@10 identical on all five sets with 8 and with no limit (4
/// and 6 lose up to 0.003 on cacm and cisi), and the p95 latency of cacm's long queries
/// 16% lower.
inline constexpr std::size_t kMaxAllWordsTier = 8;

/// How far apart the words of a word the tokenizer splits ("boundary-value") may be,
/// beyond the positions they take: see split_word() in query_builder.cpp.
inline constexpr Xapian::termcount kSplitWordSlack = 2;

/// Query-side switches (each can be turned off to measure its effect).
struct QueryOptions {
    std::string lang;         ///< "", "en" or "de": narrows stemming and matching
    bool stopwords = true;    ///< drop stopwords from the ranked part of free-text queries
    bool decompound = true;   ///< split German compound query words (if the index does)
    /// Weight of stopwords in the ranking when other words remain (0: dropped). They
    /// never add matches, only reorder them.
    double stopword_weight = 0.5;
    bool title_only = false;  ///< plain words look in the title field only
    /// The index's vocabulary (schema::kVocabularyPrefix), which wildcards also expand
    /// over, and its database, in which the stems found must exist; either null: wildcards
    /// match stems by their prefix only.
    const format::VocabularyReader* vocabulary = nullptr;
    const Xapian::Database* database = nullptr;
    /// Without `lang`: the stemming families to look words up in (empty: all). The
    /// searcher leaves out the families of which the index has no document, whose terms
    /// cannot match and would only cost lookups.
    std::vector<analysis::Family> families;
    /// With `lang`: filter the matches by language. The searcher turns it off when every
    /// document of the index is in that language, where the filter changes nothing.
    bool lang_filter = true;
    /// The search's deadline, or null: a wildcard's expansion over the vocabulary stops
    /// there (with a notice).
    const Deadline* deadline = nullptr;
};

struct BuiltQuery {
    /// The query to run; nullopt when the text held nothing searchable (only punctuation).
    std::optional<Xapian::Query> query;
    /// For queries of two to kMaxAllWordsTier plain items: a filter matching documents
    /// that contain all of them, which the searcher ranks first. A subset of `query`'s
    /// matches: the query's required items, filters, exclusions and language apply to it.
    std::optional<Xapian::Query> all_words;
    /// With `all_words`: the first tier ranked on its own, the AND of the items `query`
    /// ors together, each with its weight in `query` (stopwords scaled as there): for a
    /// document with all the words the same weight as `query` gives it, without reading
    /// every word's postings twice as `query` FILTER `all_words` does. Its filters,
    /// exclusions and language are `query`'s. nullopt when the query's shape is not that
    /// (a nested group of plain items), and whenever `query` is changed after building
    /// (pseudo-relevance feedback): then the first tier is `query` FILTER `all_words`.
    std::optional<Xapian::Query> first_tier;
    /// True when the query only filters (lang:, source:, date:, -word): every match scores
    /// zero, so results come in index order.
    bool unranked = false;
    /// The positive words, for snippets.
    HighlightTerms highlights;
    /// Limits the query reached, one sentence each (a wildcard cut to its most frequent
    /// terms): the query runs, but may miss matches.
    std::vector<std::string> notices;
};

/// Build the Xapian query for a parsed query.
BuiltQuery build_query(const QueryNode& root, const QueryOptions& options,
                       analysis::Analyzer& analyzer);

}  // namespace lupe::searcher

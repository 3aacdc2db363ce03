// The term schema: every prefix and value slot lupe writes, defined once.
//
// Design note. Each word is indexed as its stem, with positions, under a prefix naming
// the stemmer family: "ZE" English (Snowball english), "ZD" German (Snowball german2),
// "ZX" unstemmed (documents in other or unknown languages): "training" -> "ZEtrain".
// Phrases match on these stems ("trained models" finds "training model"), as in most
// search engines with a stemming analyzer. A query word without a language is looked up
// in all three families at once (combined with OP_SYNONYM, so that it weighs as one word
// with one document frequency), which is how `Drohnen` finds German "Drohne" and
// `trained` finds English "training" without the query's language being known. Keeping
// the families apart (instead of one shared "Z" prefix) means an English stem never
// matches a German word by accident, and `--lang` narrows the query to one family.
//
// The unstemmed words themselves are not terms (index format 2 had them, with positions:
// a second term per word that cost 37% of the indexing time, measured in issue 6). What
// only they gave, the vocabulary for spelling suggestions and wildcards, is kept as
// metadata instead: one key per distinct word (kVocabularyPrefix) holding the number of
// documents that use it.
//
// Title words are indexed into the general fields above with a higher wdf (so the title
// weighs more in BM25), and again under the title prefix "S" for `title:` searches.
#pragma once

#include <cstddef>
#include <string_view>

#include <xapian.h>

namespace lupe::format::schema {

// Boolean (filter) terms.
inline constexpr std::string_view kIdPrefix = "Q";        ///< Q<id>: unique key
inline constexpr std::string_view kLangPrefix = "L";      ///< L<lang>: "Len", "Lde", "Lfr", "Lund"
inline constexpr std::string_view kSourcePrefix = "XS";   ///< XS<word>: words of the source field
/// XF<hash of the file's path>: the input file a document came from, for incremental sync
inline constexpr std::string_view kSourceFilePrefix = "XF";

// Field prefixes for free text.
inline constexpr std::string_view kBodyField = "";        ///< title and body together
inline constexpr std::string_view kTitleField = "S";      ///< title only (`title:`)

// Stem family prefixes, placed after the field prefix: "ZEtrain", "SZDdrohn".
inline constexpr std::string_view kEnglishStemPrefix = "ZE";
inline constexpr std::string_view kGermanStemPrefix = "ZD";
inline constexpr std::string_view kUnstemmedPrefix = "ZX";

/// Value slot holding the document's date as normalised ISO 8601 ("2025-08-14", "1958-12"),
/// compared as a string by `date:` ranges.
inline constexpr Xapian::valueno kDateSlot = 0;

/// Position gap between the title and the body, so that a phrase cannot span both.
inline constexpr Xapian::termpos kFieldPositionGap = 100;

/// Value slot holding a hash of the document's fields as given (see IndexWriter), so that an
/// incremental run can tell an unchanged document without re-indexing it.
inline constexpr Xapian::valueno kContentHashSlot = 1;

/// Value slot that orders documents oldest first with the undated last: the date as in
/// kDateSlot, or kUndatedSortKey. (kDateSlot alone sorts the undated first in ascending
/// order; a Xapian::KeyMaker could fix that at search time, but the remote backend, which
/// serves shards, does not take KeyMakers.)
inline constexpr Xapian::valueno kOldestFirstSlot = 3;
/// kOldestFirstSlot's value for an undated document: after every date.
inline constexpr std::string_view kUndatedSortKey = "\xff";

/// Value slot holding the document's duplicate key (Document::duplicate_key, since lupe
/// 0.6) as format::duplicate_key_value() stores it: documents with the same key are copies
/// of one story (the same item in two feeds, say), and a search shows one of them
/// (Xapian's collapse key). No value for a document without a key, and for documents
/// indexed before 0.6: they are never collapsed.
inline constexpr Xapian::valueno kDuplicateKeySlot = 4;
/// XD<key>: the kDuplicateKeySlot value as a boolean term, so that a search can count a
/// hit's copies exactly (the term's frequency) rather than by the matcher's lower bound.
inline constexpr std::string_view kDuplicateKeyPrefix = "XD";

/// Value slot holding the document's language code as stored ("en", "de", "fr", "und"),
/// since lupe 0.6: what facets count (Xapian's ValueCountMatchSpy counts value slots, and
/// works for remote shards too). The `L` term (kLangPrefix) is what filters.
inline constexpr Xapian::valueno kLangSlot = 5;

/// Value slot holding the document's source as given (since lupe 0.6), cut to
/// kMaxSourceValueBytes at a UTF-8 boundary; no value when the source is empty. Facets
/// count it, and SearchOptions::filter_source matches it exactly (a value range whose two
/// ends are the same string, which the remote backend serves too).
inline constexpr Xapian::valueno kSourceSlot = 6;
/// Longest source value: a source is a name ("Ars Technica", "Golem.de"); a longer one is
/// a mistake in the input, and a facet listing it whole would be unreadable.
inline constexpr std::size_t kMaxSourceValueBytes = 200;

/// Value slot holding the start of the body for snippets (schema::kMaxStoredTextBytes),
/// zlib-compressed: see format/stored_document.hpp.
inline constexpr Xapian::valueno kTextSlot = 2;

/// Metadata key prefix for the recorded state of an input file: "lupe.file:" + hash of the
/// path; the value is "<size> <mtime ns> <path>".
inline constexpr std::string_view kFileStatePrefix = "lupe.file:";

/// Metadata key recording the optional analysis steps an index was built with, e.g.
/// "fold=1 decompound=1"; the query side follows it (analysis_config.hpp).
inline constexpr std::string_view kAnalysisKey = "lupe.analysis";

/// Metadata key recording the German word list the index's compounds were split with:
/// "fnv1a64=<hash> words=<n> path=<path>" (analysis_config.hpp), written when a writer first
/// uses the list. Searchers compare it with their own list and say when they differ. An
/// incremental run keeps the recorded value (its older documents were split with that
/// list); a rebuild records its own.
inline constexpr std::string_view kGermanWordListKey = "lupe.german_word_list";

/// Metadata key and value marking a database as a lupe index of this term schema.
inline constexpr std::string_view kFormatKey = "lupe.format";
inline constexpr std::string_view kFormatValue = "3";  // 3: stems only, vocabulary, text slot

/// Metadata key prefix of the vocabulary: "lupe.w:" + normalised word; the value is the
/// number of documents using the word, in decimal. Exact after a full build; incremental
/// runs add the words of new and changed documents (so counts of changed documents'
/// words grow, and words of deleted documents stay) until the next full build.
inline constexpr std::string_view kVocabularyPrefix = "lupe.w:";

/// Longest document id: Xapian's terms are at most 245 bytes, and the id term carries a
/// one-byte prefix; 200 leaves room and is far beyond any sensible key.
inline constexpr std::size_t kMaxIdBytes = 200;

/// Body text stored with each document for snippets: the first 64 KiB of the body. All
/// words of the whole body are indexed regardless; only snippets are limited to this.
inline constexpr std::size_t kMaxStoredTextBytes = 64 * 1024;

/// Language recorded for documents whose language could not be determined.
inline constexpr std::string_view kUndeterminedLang = "und";

}  // namespace lupe::format::schema

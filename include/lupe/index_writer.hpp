/// @file index_writer.hpp
/// @brief Adding, replacing and deleting documents in a lupe index.
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lupe/document.hpp"
#include "lupe/shards.hpp"

namespace lupe {

/// Most worker threads an IndexWriter runs (IndexWriterOptions::jobs).
/// @since 0.3
inline constexpr std::size_t kMaxJobs = 256;

/// @brief Settings for an IndexWriter.
/// @since 0.1
struct IndexWriterOptions {
    /// Language assumed for documents that do not name one: "en", "de", or empty to detect
    /// each document's language with CLD2 (documents CLD2 cannot classify are indexed
    /// unstemmed as "und").
    std::string default_lang;
    /// Documents buffered before lupe commits on its own (0: only on commit()). Bounds
    /// memory and the work lost by a crash.
    std::size_t batch_size = 10000;
    /// Build the index anew beside the published one; searchers keep the old index until
    /// publish() swaps in the new one atomically (and compacted).
    /// @since 0.2
    bool rebuild = false;
    /// How long to wait for another writer to finish (0: fail at once with
    /// IndexLockedError).
    /// @since 0.2
    double lock_wait_seconds = 0;
    /// How many times a title word counts in ranking, against once for a body word
    /// (1..20). The default was chosen with bench/ablation.sh.
    /// @since 0.2
    unsigned title_weight = 2;
    /// Fold diacritics in stem terms, so that "Strasse"/"Straße", "Muenchen"/"München" and
    /// "Cafe"/"Café" meet (German documents get this from the german2 stemmer anyway).
    /// @since 0.2
    bool fold = true;
    /// Split German compounds and index their parts too ("Rundumsicht" is also found by
    /// "Sicht"), with the word list of Debian's wngerman package.
    /// @since 0.2
    bool decompound = true;
    /// How deep German compounds are split (decompound): 0, the default, splits the parts
    /// again until none is a compound and indexes every level and sub-compound, so that
    /// "Verfassungsgericht", "Verfassung" and "Bundesverfassung" find
    /// "Bundesverfassungsgericht"; 1 indexes the first level only, as lupe 0.5 did; 2..4
    /// stop after that many levels. The index records it with its word list; a later run
    /// with another value adds a note to its first German document's AddOutcome::notes.
    /// @throws InvalidArgumentError (from the IndexWriter constructor) above 4
    /// @since 0.6
    unsigned compound_levels = 0;
    /// The German word list compounds are split with (decompound): one word per line,
    /// UTF-8, nouns capitalised, as Debian's wngerman installs it. Empty: the file named by
    /// the environment variable LUPE_GERMAN_WORDLIST when it is set and not empty, else
    /// /usr/share/dict/ngerman. The list is read when the first German document is
    /// analysed, never for documents of other languages. When it cannot be read, that
    /// document's add_document() (or, for add_document_async(), the next call that
    /// delivers outcomes) throws WordListError, and so does every later call: a German
    /// document is never indexed without its compound parts. The index records the list's
    /// fingerprint (FNV-1a of its lines, and its number of words); adding German documents
    /// with a different list to an index that recorded one adds a note to the first such
    /// document's AddOutcome::notes (the recorded fingerprint is kept until a rebuild).
    /// Lists read by several writers and searchers of one process are loaded once.
    /// @since 0.5
    std::string german_word_list;
    /// Worker threads that analyse documents (language detection, term generation) in
    /// parallel; in a rebuild each also writes its own shard, and publish() merges the
    /// shards by compaction. 0: one per core (std::thread::hardware_concurrency), at most
    /// 8; any other value up to kMaxJobs is taken as it is.
    /// @since 0.3
    std::size_t jobs = 0;
    /// The index is one shard of a sharded index (see shards.hpp): the writer records with
    /// it the routing its documents are assigned to shards by (IndexWriter::shard_routing()),
    /// the one recorded before: ShardRouting::lupe03 for a shard written by lupe 0.3-0.4
    /// (which recorded none), ShardRouting::fnv1a64 for a new one; a rebuild keeps the
    /// routing of the shard it replaces. The writer does not route: it indexes every
    /// document it is given.
    /// @since 0.5
    bool shard = false;
};

/// Metadata keys beginning with this are the engine's own (its format, analysis settings,
/// vocabulary, tag records): IndexWriter::set_metadata() refuses them.
/// @since 0.5
inline constexpr const char* kReservedMetadataPrefix = "lupe.";

/// Longest application metadata key: Xapian's keys are at most 245 bytes.
/// @since 0.5
inline constexpr std::size_t kMaxMetadataKeyBytes = 240;

/// @brief Whether `path` holds a lupe index: a published generation, or a single-database
/// index of lupe 0.1. A program may build a new index as a rebuild
/// (IndexWriterOptions::rebuild), which is faster than committing batches into it as it
/// grows. Another writer may create the index between this call and the opening of a
/// writer: ask again once the writer is open (it holds the lock then). Never throws.
/// @param path an index directory
/// @since 0.5
LUPE_API bool index_exists(const std::string& path);

/// @brief What the published index holds: what a run may delete from it, and what a
/// rebuild would drop (IndexWriter::published_counts()).
/// @since 0.5
struct PublishedIndexCounts {
    std::size_t documents = 0;  ///< documents in the published index
    /// tags with a record in the published index, each with the number of its documents
    /// there (see IndexWriter::tag_record())
    std::map<std::string, std::size_t> tag_documents;
    /// rebuilds, when asked for: documents of the published index whose id the rebuild
    /// does not hold (so far), that is, what publish() would delete; 0 otherwise
    std::size_t dropped = 0;
};

/// @brief What IndexWriter::add_document did.
/// @since 0.1
struct AddOutcome {
    bool replaced = false;  ///< an indexed document had the same id and was replaced
    /// the indexed document with this id had exactly the same fields (and tag):
    /// nothing was written. In a rebuild (since 0.5), `replaced` and `unchanged` compare
    /// with the published index instead: a document it holds under this id was replaced,
    /// or had the same content (the rebuild holds it all the same).
    /// @since 0.2
    bool unchanged = false;
    std::string lang;       ///< the language the document was indexed as
    bool stemmed = false;   ///< its language has a stemmer ("en", "de")
    /// Problems that did not stop the document from being indexed: a date that is not
    /// ISO 8601 (kept for display only), a malformed language tag (detected instead).
    std::vector<std::string> notes;
};

/// @brief Writes documents into a lupe index on disk (a directory of Xapian databases:
/// docs/index-format.md describes it).
///
/// Only one IndexWriter can have an index open at a time; a second one waits up to
/// IndexWriterOptions::lock_wait_seconds, then gets IndexLockedError. Changes become visible to searchers, and durable, on
/// commit() (and after every IndexWriterOptions::batch_size documents). Not thread-safe:
/// use one IndexWriter from one thread (it runs its own worker threads,
/// IndexWriterOptions::jobs). Move-only.
/// @since 0.1
class LUPE_API IndexWriter {
public:
    /// @brief Open the index at `path`, creating it (and missing parent directories) if
    /// it does not exist.
    /// @throws IndexLockedError another writer has the index open
    /// @throws IndexCorruptError the path holds something that is not a lupe index
    /// @throws IoError the directory cannot be created or written
    /// @throws InvalidArgumentError options.default_lang is not "", "en" or "de"
    /// @throws RuntimeError the index holds documents analysed with other fold/decompound
    ///         settings, or (options.rebuild) it is a single-database index of lupe 0.1
    ///         (before 0.5: InvalidArgumentError for both)
    explicit IndexWriter(const std::string& path, IndexWriterOptions options = {});
    /// @brief Closes the index. Changes made since the last commit() (or automatic batch
    /// commit) are discarded: writes are durable only through commit(). Never throws.
    ~IndexWriter();
    /// @brief Move the open index into a new writer; `other` is left empty (only
    /// destruction and assignment are valid on it).
    IndexWriter(IndexWriter&& other) noexcept;
    /// @brief Move assignment: closes this writer's index (discarding uncommitted changes)
    /// and takes over `other`'s.
    IndexWriter& operator=(IndexWriter&& other) noexcept;
    /// Not copyable: an index has one writer.
    IndexWriter(const IndexWriter&) = delete;
    /// Not copyable: an index has one writer.
    IndexWriter& operator=(const IndexWriter&) = delete;

    /// @brief Add a document, or replace the indexed one with the same id. A document whose
    /// fields are exactly those already indexed under its id is left as it is.
    /// @param doc the document
    /// @param tag the tag it carries (see tagged documents below), e.g. the input file it
    ///        came from; empty for none. A document with another tag than its indexed
    ///        version is not unchanged.
    /// @return whether it replaced one or was unchanged, and the language it was indexed as
    /// @throws DocumentError the document is invalid (empty or too long id, invalid
    ///         UTF-8 in a field, no text, language code malformed); the index is unchanged
    /// @throws WordListError the document is German, compounds are split, and the word list
    ///         cannot be read (see IndexWriterOptions::german_word_list)
    /// @throws RuntimeError writing failed
    AddOutcome add_document(const Document& doc, const std::string& tag = {});

    /// @brief Receives the outcome of a document given to add_document_async().
    /// @since 0.3
    using AddCallback = std::function<void(const AddOutcome&)>;

    /// @brief Queue a document for the worker threads and return at once: the fast way
    /// to index many documents (add_document() waits for each). The document is checked
    /// here (a DocumentError is thrown as by add_document(), and nothing is queued); its
    /// outcome is passed to `done` later, on this thread, during a later call of
    /// add_document_async(), wait(), commit(), publish() or any other member that needs
    /// the queue empty. Documents with the same id are indexed in the order given.
    ///
    /// A callback may throw (index_sources is cancelled that way): the exception leaves
    /// the call that delivered the outcome, and nothing accepted is lost. Every document
    /// this function accepted (returned without throwing DocumentError; also the one
    /// given to the call the exception left) is written all the same, by that call or the
    /// next one that drains the queue (wait(), commit(), publish(), ...), and committed by
    /// the next commit() or publish(). But no callback is called for the documents
    /// accepted before the throw: their caller has given up on them, and what those
    /// callbacks refer to may be gone. The writer stays usable: documents accepted
    /// afterwards get their callbacks as usual, commit() commits everything accepted,
    /// publish() publishes it; destroying the writer without commit() discards it, as
    /// always.
    /// @param doc the document
    /// @param tag its tag, as for add_document(); empty for none
    /// @param done receives its outcome (may be empty)
    /// @throws DocumentError the document is invalid
    /// @throws RuntimeError writing failed (for this or an earlier queued document)
    /// @throws anything a callback throws (see above)
    /// @since 0.3 (since 0.5 a throwing callback loses no document)
    void add_document_async(Document doc, std::string tag, AddCallback done);

    /// @brief Wait until every queued document is indexed and its callback called (no
    /// callback for documents accepted before a callback threw: see add_document_async).
    /// @throws RuntimeError writing failed
    /// @throws anything a callback throws; the queued documents are written all the same
    /// @since 0.3
    void wait();

    /// @brief Whether this writer builds a new index beside the published one
    /// (IndexWriterOptions::rebuild): nothing it writes is visible before publish().
    /// @since 0.3
    bool rebuilding() const noexcept;

    /// @brief The routing this shard records (IndexWriterOptions::shard): the one to give
    /// shard_of() for the documents of the sharded index it belongs to. ShardRouting::fnv1a64
    /// for a writer that is no shard.
    /// @since 0.5
    ShardRouting shard_routing() const noexcept;

    /// @name Tagged documents
    /// A document may carry one tag (add_document()), a string such as the input file it
    /// came from: the documents of a tag can be counted and deleted together, and the tag
    /// of a document found. A tag may also have a record, a string the application keeps
    /// with the index for it (such as the file's size and modification time, to skip
    /// unchanged files). index_sources() is built on these. Tags are stored as a hash: a
    /// tag's name is known to the index only through its record (recorded_tags(),
    /// document_tag()).
    /// @{

    /// @brief Number of documents with this tag, uncommitted changes included.
    /// @param tag a tag
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    std::size_t count_tagged(const std::string& tag) const;
    /// @brief Delete the documents with this tag whose ids `keep` does not accept (each is
    /// asked once, with the id). The tag's record is left as it is.
    /// @param tag a tag
    /// @param keep whether to keep the document with this id
    /// @return the number of documents deleted
    /// @throws RuntimeError the index could not be read or written
    /// @since 0.5
    std::size_t delete_tagged(const std::string& tag,
                              const std::function<bool(const std::string&)>& keep);
    /// @brief The tag of the indexed document with this id, or "" when no such document is
    /// indexed, it has no tag, its tag has no record (set_tag_record()), or the writer is
    /// rebuilding (a rebuild holds only what it was given). Documents still queued by
    /// add_document_async() are not seen (call wait() first to see them): it is asked once
    /// per document on the caller's path, and waiting for the workers there would make
    /// indexing sequential.
    /// @param id the document id
    /// @param likely a tag the caller expects: checked first, which is cheaper than finding
    ///        the tag (the usual case when a file is read again)
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    std::string document_tag(const std::string& id, const std::string& likely = {}) const;

    /// @brief The record of a tag, or "" when it has none.
    /// @param tag a tag
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    std::string tag_record(const std::string& tag) const;
    /// @brief Record a string for a tag, committed with the next commit(); "" removes the
    /// record. A rebuild starts with no records and publishes those set in it.
    /// @param tag a tag (not empty)
    /// @param record the record
    /// @throws InvalidArgumentError the tag is empty
    /// @throws RuntimeError the index could not be written
    /// @since 0.5
    void set_tag_record(const std::string& tag, const std::string& record);
    /// @brief All tags with a record (for a rebuild: those recorded in it).
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    std::vector<std::string> recorded_tags() const;
    /// @}

    /// @brief The published index's documents and tags. For an incremental writer, the
    /// index as it is now (uncommitted changes included: call it before changing anything
    /// to learn what was published); for a rebuild, the generation published when the
    /// writer was opened (nothing when there was none), which publish() replaces.
    /// @param count_dropped rebuilds: also count the published documents whose id the
    ///        rebuild does not hold (one pass over the published ids)
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    PublishedIndexCounts published_counts(bool count_dropped = false) const;

    /// @name Index metadata
    /// Strings an application keeps with the index under keys of its own, committed with
    /// the index. Keys beginning with "lupe." are the engine's (kReservedMetadataPrefix).
    /// A rebuild starts with no application metadata: what is set in it is published with
    /// it, what the published index held is not carried over (read it before, from an
    /// incremental writer, to carry it).
    /// @{

    /// @brief The value of an application metadata key, or "" when it is not set.
    /// @param key a key outside the engine's namespace
    /// @throws InvalidArgumentError the key is empty or begins with "lupe."
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    std::string metadata(const std::string& key) const;
    /// @brief Set an application metadata key (committed with the next commit()); ""
    /// removes it.
    /// @param key a key outside the engine's namespace, at most kMaxMetadataKeyBytes
    /// @param value the value
    /// @throws InvalidArgumentError the key is empty, too long or begins with "lupe."
    /// @throws RuntimeError the index could not be written
    /// @since 0.5
    void set_metadata(const std::string& key, const std::string& value);
    /// @brief The application metadata keys that begin with `prefix`, in byte order.
    /// @param prefix a key prefix ("" for all application keys)
    /// @throws RuntimeError the index could not be read
    /// @since 0.5
    std::vector<std::string> metadata_keys(const std::string& prefix = {}) const;
    /// @}

    /// @brief Delete the document with this id.
    /// @return false if no such document was indexed
    /// @throws RuntimeError reading or writing the index failed
    bool delete_document(const std::string& id);

    /// @brief Make all changes so far durable and visible to new searches.
    /// @throws RuntimeError the commit failed (disk full, ...); the index keeps its last
    ///         committed state
    void commit();

    /// @brief Make everything durable and visible to searchers: commit(), and for a
    /// rebuild, compact the new index into the next generation, publish it atomically
    /// and remove old generations no searcher holds. The writer cannot be used afterwards.
    /// @throws RuntimeError compaction or publishing failed; the published index is untouched
    /// @since 0.2
    void publish();

    /// @brief Number of documents in the index, uncommitted changes included.
    /// @throws RuntimeError the index could not be read
    std::size_t document_count() const;

    /// @brief The path the writer was opened on.
    const std::string& path() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lupe

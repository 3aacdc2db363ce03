/// @file index_run.hpp
/// @brief Indexing files and directories: what `lupe-index` does, as a library call.
///
/// Part of lupe's application library, lupe::app (liblupe-app; CMake target lupe::app),
/// built on the engine's public API alone (lupe::lupe). Since 0.5 (before, in lupe::lupe
/// as <lupe/index_run.hpp>).
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lupe/index_writer.hpp"

namespace lupe {

/// @brief A problem with one input that did not stop the run.
/// @since 0.1
struct IndexWarning {
    std::string path;       ///< the file (or directory) concerned
    std::size_t line = 0;   ///< 1-based line for JSONL input, 0 when not applicable
    std::string message;    ///< the reason, one line
    /// true when a document (or a whole file meant as one) was lost because of it;
    /// false for notes such as a symlink loop, a symlink not followed or an unreadable
    /// directory entry
    bool document_failed = true;
};

/// @brief Counts for one indexing run.
/// @since 0.1
struct LUPE_API IndexRunSummary {
    std::map<std::string, std::size_t> added;    ///< new documents, per language
    std::map<std::string, std::size_t> updated;  ///< changed documents re-indexed, per language
    /// documents found as they were indexed (not re-indexed); in a rebuild (since 0.5),
    /// documents the published index held with the same content (counted neither as
    /// added nor as updated; `added` are then the ids the published index did not hold)
    std::size_t unchanged = 0;
    /// documents whose file or JSONL line disappeared; in a rebuild (since 0.5), the
    /// published index's documents the rebuild does not hold (whatever their origin)
    std::size_t deleted = 0;
    std::size_t files_read = 0;      ///< input files opened
    std::size_t files_unchanged = 0; ///< input files skipped: size and time as last recorded
    std::size_t files_skipped = 0;   ///< files of a format lupe does not read
    /// files_skipped by extension, lower-case: {".docx": 2, "(none)": 1}; an .xml file
    /// that is no feed counts under ".xml" (@since 0.6)
    std::map<std::string, std::size_t> files_skipped_by_extension;
    std::size_t failed = 0;          ///< documents (or files) that could not be indexed
    /// warnings that lost nothing (IndexWarning::document_failed false); until 0.4 this
    /// counted the failures too
    std::size_t warnings = 0;
    double seconds = 0.0;            ///< wall time of the run
    std::size_t documents_total = 0; ///< documents in the index after the run
    /// Input files of a format lupe reads found under the sources (known before the first
    /// is read), and their bytes; files_done and bytes_done count those dealt with so far
    /// (read or found unchanged), for a progress display with a total and an ETA. A file
    /// reached twice counts once, also in a sharded run (until 0.5, which read the sources
    /// once per shard, index_sources_sharded() counted shard count x files).
    /// @since 0.5
    std::size_t files_total = 0;
    std::uint64_t bytes_total = 0;   ///< bytes of the files_total files (@since 0.5)
    std::size_t files_done = 0;      ///< see files_total (@since 0.5)
    std::uint64_t bytes_done = 0;    ///< see files_total (@since 0.5)

    /// @return documents added or updated in this run
    std::size_t indexed() const;
    /// @return indexed() / seconds (0 when seconds is 0)
    double documents_per_second() const;
};

/// @brief Progress and warnings of a run, for a user interface. Called on the indexing thread.
/// @since 0.1
struct IndexRunObserver {
    /// A warning (see IndexWarning). Default: ignored (they are counted in the summary).
    std::function<void(const IndexWarning&)> on_warning;
    /// Called after each document, with the counts so far and the file being read.
    std::function<void(const IndexRunSummary&, const std::string& current_path)> on_progress;
    /// A file found in a directory and skipped, with the reason ("not a format lupe reads
    /// (.docx)"). Default: ignored (counted in the summary). A file given as a source
    /// itself that is skipped is a warning instead (document_failed false).
    /// @since 0.6
    std::function<void(const std::string& path, const std::string& reason)> on_skipped;
};

/// @brief How index_sources() walks its sources.
/// @since 0.4
struct IndexRunOptions {
    /// Follow symbolic links inside the source directories (a SOURCE that is itself a link
    /// is always followed). Off: a link that resolves inside its SOURCE tree is passed over
    /// silently (its target is indexed under its own path), one that leads out of it gets a
    /// note (an IndexWarning with document_failed false), and no link can loop. On: every
    /// link is followed, and each directory and file (by device and inode) is read once
    /// per SOURCE, under the first path that reaches it in name order; a link back to a
    /// directory being walked, or a second path to one already read, gets a note. Files
    /// reached through a link out of the SOURCE tree belong to the run's scope while the
    /// link is there: when they are deleted, so are their documents.
    bool follow_symlinks = false;
    /// Let the run delete documents past the mass-delete guard. Without it, a run that
    /// would delete every document a source had (the source had at least one and would
    /// keep none: an empty or unmounted folder, a failed sync), or more than
    /// max_delete_share of the index's documents (and at least 10: deleting 2 notes of 3
    /// is housekeeping, not an accident, and a vanished source is caught by the first rule
    /// at any size), changes nothing (no document written, no file state recorded, nothing
    /// published) and throws MassDeleteError naming the sources and the counts.
    /// What counts is decided before anything is written, by a first walk over the
    /// sources (no file is read): the documents of recorded files that are gone and of
    /// files now empty (0 bytes). A rebuild (IndexWriterOptions::rebuild) is also compared
    /// with the published index before it is published: what it does not hold counts as
    /// deleted, and when that passes the guard the published index stays as it is.
    /// Documents under a directory that cannot be read are kept, so they never count.
    /// @since 0.5
    bool allow_mass_delete = false;
    /// Share of the index's documents (0..1) one run may delete without allow_mass_delete.
    /// 0.5, like common defaults: a run deleting more than half of what was indexed is
    /// more likely an accident than a clean-up.
    /// @throws InvalidArgumentError (from index_sources) outside 0..1
    /// @since 0.5
    double max_delete_share = 0.5;
    /// Feeds (.rss, .atom, .xml feeds) are archives by default: an item that is no longer
    /// in its feed file (it scrolled out of the feed's window) stays indexed; new items
    /// are added and changed ones updated. true: the index mirrors each feed file exactly,
    /// and items that left it are deleted. Either way, deleting the feed file deletes its
    /// items.
    /// @since 0.6
    bool mirror_feeds = false;
    /// Character encoding of every text, Markdown, HTML and feed file of the run, any name
    /// iconv knows ("ISO-8859-15", "windows-1252", "UTF-16"). Empty: each file's own (a
    /// BOM, a declaration, else UTF-8 when valid, else Windows-1252 with a note).
    /// @throws InvalidArgumentError (from index_sources) for a name iconv does not know
    /// @since 0.6
    std::string encoding;
    /// Wall time one PDF's text extraction may take (it runs in a process of its own,
    /// lupe-pdf-extract); past it the extraction is stopped and the file fails.
    /// @since 0.6
    double pdf_seconds = 30.0;
    /// Address space one PDF's extraction may use (see pdf_seconds), in bytes.
    /// @since 0.6
    std::uint64_t pdf_memory_bytes = 1ull << 30;
};

/// @brief Bring the index up to date with files and directory trees, and commit.
///
/// Incremental: a file whose size and modification time are those recorded by the last run
/// is not read again; a changed file is read and only its changed documents are
/// re-indexed (a content hash tells); documents whose file, or JSONL line, is gone are
/// deleted. Files whose reading failed, or that lie under a directory that could not be
/// read, keep their documents until a run reads them again.
///
/// Each source is a file or a directory walked recursively (in name order; names starting
/// with "." and names matching a glob in the directory's `.lupeignore` file are passed
/// over; symbolic links inside it are not followed unless run_options.follow_symlinks says
/// so, see IndexRunOptions). Formats by extension: `.txt`, `.md`, `.markdown`, `.mdown`
/// (optional front matter between `---` lines: title, date, lang, url, source; otherwise
/// the first non-empty line is the title), `.jsonl`, `.jsonl.gz` (one JSON object per line
/// with `id`, `title`, `body`, optional `lang`, `date`, `url`, `source`, `author`,
/// `categories`), and since 0.6 `.html`, `.htm`, `.xhtml` (one document per page), `.rss`,
/// `.atom` and `.xml` files whose root element is a feed (one document per item, with the
/// id FILE-ID "#" the item's guid or id, else its link, else "h" and a hash of its title
/// and date; feeds are archives, see IndexRunOptions::mirror_feeds) and `.pdf` (one
/// document, extracted in a process of its own, see IndexRunOptions::pdf_seconds). The
/// manual (docs/formats.md) says which field comes from where. Other files are counted
/// as skipped (IndexRunSummary::files_skipped_by_extension, IndexRunObserver::on_skipped).
/// A file's document id is its path relative to the source directory given (its file name
/// when the source is the file itself), "/"-separated. With several sources (since 0.5),
/// the ids of the files under a directory source begin with that source's name and "/":
/// the last component of its path as given ("home/todo.md", "work/todo.md"), or NAME for
/// a source given as "NAME=DIR" (a source whose text is not an existing path, and whose
/// part after the first "=" is a directory; NAME is not empty, "." or "..", has no "/",
/// and is valid UTF-8 without control characters), which also prefixes a single source,
/// so that its ids stay when sources are added or removed. A single source without a name
/// keeps the ids of lupe 0.4, and an index built from several sources by lupe 0.4 gets the
/// new ids on its next run (each such document is re-read under its new id; the old one is
/// deleted). JSONL documents keep the ids they have. In a name that is not valid UTF-8,
/// or that holds a control character, each such byte is written "%XX" (upper-case hex),
/// so that "caf\xE9.txt" in Latin-1 gets the id "caf%E9.txt". Names that are valid UTF-8
/// are never escaped, so a file literally named "caf%E9.txt" would share that id.
///
/// Two documents never silently share an id within a run: a document whose id another
/// file already gave in this run is not indexed, and gets a failure (IndexWarning naming
/// both places, file:line); its file's state is not recorded, so that the next run
/// reports it again. One JSONL id twice in one file gets a warning naming both lines (not
/// a failure): the later line replaces the earlier, as in a log. (A document of a file
/// that is not read again because it did not change is not compared.)
///
/// Bad input never stops the run: each bad document or file gives one warning and is
/// counted in `failed`; every good document is indexed and committed. A document the
/// writer rejects for its content (DocumentError: no text, invalid UTF-8 in a field) still
/// counts as seen (since 0.5): an older good version of it stays indexed, and the file's
/// state is recorded and its vanished documents deleted as for a good file. Only failures
/// of the reading (a malformed line, an I/O error, a document without id) and id clashes
/// keep a file unrecorded, with its documents as they were. (A .txt or .md file whose one
/// document is not in the index is read again on each run.) A directory holding the
/// index itself (inside a source) is passed over silently.
/// @param writer an open writer; published before returning (IndexWriter::publish)
/// @param sources files and directories
/// @param observer optional callbacks
/// @param run_options how the sources are walked (since 0.4)
/// @return the counts
/// @throws InvalidArgumentError (before anything is read) two sources would give their
///         files the same ids (the same name, as "a/notes" and "b/notes"), a NAME=DIR
///         with an invalid NAME or a DIR that is no directory, max_delete_share out of range
/// @throws MassDeleteError the run would delete too much (see
///         IndexRunOptions::allow_mass_delete); the index is unchanged
/// @throws RuntimeError when the index itself cannot be written or committed
/// @since 0.1
LUPE_API IndexRunSummary index_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                                       const IndexRunObserver& observer = {},
                                       const IndexRunOptions& run_options = {});

/// @brief What index_sources() would read from its sources, without an index: each
/// document of each file in the order of the run (a feed's items in feed order), with the
/// file and line it comes from. Files are walked and read as index_sources() reads them
/// (formats, ids, encodings, skipped files, warnings); the documents are not checked
/// against the index (an id that another file also gives is passed on twice).
/// @param sources files and directories, as for index_sources()
/// @param on_document called for each document read
/// @param observer optional callbacks (warnings, skipped files; no progress)
/// @param run_options how the sources are walked and read (mirror_feeds and the
///        mass-delete settings do not apply)
/// @return the counts: files_read, files_skipped, failed, warnings; `added` counts the
///         documents read under "" (their language is not known before indexing)
/// @throws InvalidArgumentError as index_sources() for invalid sources or options
/// @since 0.6
LUPE_API IndexRunSummary extract_sources(
    const std::vector<std::string>& sources,
    const std::function<void(const Document& doc, const std::string& path, std::size_t line)>&
        on_document,
    const IndexRunObserver& observer = {}, const IndexRunOptions& run_options = {});

/// @brief Open a writer on `path` as an indexing run should: a new index (index_exists()
/// false) is built as a rebuild (IndexWriterOptions::rebuild), in parallel shards, merged
/// and compacted at publish(), which is faster and leaves it denser than committing batches
/// into it as it grows; nothing is visible before publish(). When another writer creates
/// the index while this one waits for the lock, the index is brought up to date instead.
/// @param path the index directory
/// @param options the writer's settings; `rebuild` true rebuilds an existing index too
/// @throws as IndexWriter's constructor
/// @since 0.5
LUPE_API IndexWriter open_index_writer(const std::string& path, IndexWriterOptions options = {});

/// @brief index_sources() for a sharded index.
///
/// `dir` holds `shard-0` ... `shard-<N-1>`, each a lupe index with the documents whose
/// shard_of(id, N, routing) is its number (see shards.hpp), and a shard list naming them
/// (write_shard_list(); see Searcher), which lupe-search reads as one index (`--index
/// DIR`). Every shard is opened with open_index_writer() and brought up to date
/// incrementally like any index (`options.rebuild` rebuilds each), all in one pass: the
/// sources are walked once and each file is read once, each document going to the writer
/// of its shard, and each problem is reported once; the shards are then published in
/// turn. Every shard's writer is open during the run, each with its own worker threads
/// (IndexWriterOptions::jobs). The mass-delete guard counts over all shards before any is
/// changed (the documents of files gone or emptied; a rebuild's shards are not compared
/// one by one, as each is published in turn).
/// @param dir the sharded index directory (created if missing)
/// @param options the writers' settings; IndexWriterOptions::shard is set here
/// @param shard_count number of shards, 2..kMaxShards; an existing sharded index must
///        have been built with the same number; 0: as its shard list says
/// @param sources files and directories, as for index_sources()
/// @param observer optional callbacks
/// @param run_options how the sources are walked, as for index_sources() (since 0.4)
/// @return the counts of all shards together
/// @throws InvalidArgumentError `dir` holds an unsharded index, or another number of shards
/// @throws as index_sources() and IndexWriter's constructor
/// @since 0.3
LUPE_API IndexRunSummary index_sources_sharded(const std::string& dir, IndexWriterOptions options,
                                               std::size_t shard_count,
                                               const std::vector<std::string>& sources,
                                               const IndexRunObserver& observer = {},
                                               const IndexRunOptions& run_options = {});

}  // namespace lupe

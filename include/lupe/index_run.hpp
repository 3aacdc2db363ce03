/// @file index_run.hpp
/// @brief Indexing files and directories: what `lupe-index` does, as a library call.
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
    std::size_t unchanged = 0;       ///< documents found as they were indexed (not re-indexed)
    std::size_t deleted = 0;         ///< documents whose file or JSONL line disappeared
    std::size_t files_read = 0;      ///< input files opened
    std::size_t files_unchanged = 0; ///< input files skipped: size and time as last recorded
    std::size_t files_skipped = 0;   ///< files with an extension lupe does not read
    std::size_t failed = 0;          ///< documents (or files) that could not be indexed
    std::size_t warnings = 0;        ///< all warnings, failed documents included
    double seconds = 0.0;            ///< wall time of the run
    std::size_t documents_total = 0; ///< documents in the index after the run
    /// Input files of a format lupe reads found under the sources (known before the first
    /// is read), and their bytes; files_done and bytes_done count those dealt with so far
    /// (read or found unchanged), for a progress display with a total and an ETA.
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
    /// Let the run delete documents past the mass-delete guard: without it, a run that
    /// would delete every document a source had (an empty or unmounted folder), or more
    /// than max_delete_share of the index, changes nothing and throws MassDeleteError.
    /// @since 0.5
    bool allow_mass_delete = false;
    /// Share of the index's documents (0..1) one run may delete without allow_mass_delete.
    /// @since 0.5
    double max_delete_share = 0.5;
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
/// so, see IndexRunOptions). Formats by extension: `.txt`, `.md` (optional front matter
/// between `---` lines: title, date, lang, url, source; otherwise the first non-empty line
/// is the title), `.jsonl`, `.jsonl.gz` (one JSON object per line with `id`, `title`,
/// `body`, optional `lang`, `date`, `url`, `source`). Other files are counted as skipped.
/// A file's document id is its path relative to the source directory given (its file name
/// when the source is the file itself), "/"-separated; in a name that is not valid UTF-8,
/// or that holds a control character, each such byte is written "%XX" (upper-case hex),
/// so that "caf\xE9.txt" in Latin-1 gets the id "caf%E9.txt". Names that are valid UTF-8
/// are never escaped, so a file literally named "caf%E9.txt" would share that id.
///
/// Bad input never stops the run: each bad document or file gives one warning and is
/// counted in `failed`; every good document is indexed and committed.
/// @param writer an open writer; published before returning (IndexWriter::publish)
/// @param sources files and directories
/// @param observer optional callbacks
/// @param run_options how the sources are walked (since 0.4)
/// @return the counts
/// @throws RuntimeError only when the index itself cannot be written or committed
/// @since 0.1
LUPE_API IndexRunSummary index_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                                       const IndexRunObserver& observer = {},
                                       const IndexRunOptions& run_options = {});

/// @brief index_sources() for a sharded index.
///
/// `dir` holds `shard-0` ... `shard-<N-1>`, each a lupe index with the documents whose
/// shard_of(id, N) is its number, and `shards.list`, a shard list naming them (see
/// Searcher), which lupe-search reads as one index (`--index DIR`). Each shard is brought up
/// to date in turn, incrementally like any index (`options.rebuild` rebuilds each): the
/// sources are read once per shard, and each problem is reported once.
/// @param dir the sharded index directory (created if missing)
/// @param options the writers' settings; shard_index and shard_count are set here
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

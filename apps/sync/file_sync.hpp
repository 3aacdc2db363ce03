// FileSync: brings one writer's index up to date with the files of a run's plan: skips
// the files whose recorded state (a tag record: "<size> <mtime ns>") is unchanged, reads
// the others and adds their documents (tagged with the file's canonical path), deletes the
// documents of files that are gone or lost documents, and counts it all. A sharded run
// keeps one per shard and reads each file once for all of them (sharded_run.cpp).
// Internal to lupe::app.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "lupe/app/index_run.hpp"
#include "mass_delete_guard.hpp"
#include "run_plan.hpp"

namespace lupe::sync {

class FileSync {
public:
    // shard_index and shard_count: the shard the writer writes (0 of 1: an unsharded index).
    FileSync(IndexWriter& writer, const Plan& plan, const IndexRunObserver& observer,
             const IndexRunOptions& options, std::size_t shard_index, std::size_t shard_count);

    // The run of an unsharded index: every entry of the plan, each file read into this
    // writer.
    void run();

    // What the walk could not do (an unreadable directory, a link not followed).
    void problem(const Entry& e);

    // A file of the plan: false when it is not read (not a supported format, or unchanged
    // since its state was recorded: its documents are counted as unchanged); true when it
    // must be read, each of its documents given to add() (or, of another shard, to
    // pass_over()) and its reading problems to read_error(), then end_file() called.
    bool begin_file(const Entry& e);

    // A file of a format lupe does not read: counted in `summary`; a file the user named
    // gets a warning (passed to `warn`), one found in a directory goes to on_skipped.
    static void skip(const Entry& e, IndexRunSummary& summary, const IndexRunObserver& observer,
                     const std::function<void(const IndexWarning&)>& warn);

    // Reads a file of the plan with the reader of its format.
    static void read_file(const Entry& e, const IndexRunOptions& options,
                          std::function<void(Document&&, std::size_t)> on_document,
                          std::function<void(std::size_t, const std::string&)> on_error,
                          std::function<void(std::uint64_t)> on_bytes,
                          std::function<void(std::size_t, const std::string&)> on_note);

    // A reader-level failure in the file being read (a malformed line, an I/O error).
    void read_error(std::size_t line, const std::string& reason);

    // A reader's note on the file being read, which lost nothing (an encoding guessed).
    void read_note(std::size_t line, const std::string& note);

    // Progress inside a big file; done() counts the whole file when it is read.
    void read_bytes(std::uint64_t bytes);

    // The file being read is read.
    void end_file(const Entry& e);

    // Whether a document of the file being read is this shard's: routed by the routing
    // the shard recorded (an empty id is the first shard's, which reports it).
    bool owns(const std::string& id) const;

    // A document of the file being read that another shard indexes: it counts as seen
    // here (the file's documents of this shard are those not seen).
    void pass_over(const std::string& id, std::size_t line);

    // Documents go to the writer's worker threads; their outcome is counted when it
    // arrives (on this thread, during a later call of the writer).
    void add(Document& doc, std::size_t line);

    // `guard_rebuild`: refuse to publish a rebuild that drops too much (unsharded runs; a
    // sharded run is guarded by its planning pass alone, as its shards publish in turn).
    IndexRunSummary finish(bool guard_rebuild);

    // finish() in two steps, for a sharded run: the writer published, then the counts.
    void finish_writing(bool guard_rebuild);

    // A rebuild that would drop feed items kept only in the published index is refused
    // (MassDeleteError; see keep_feed_archives()). For a sharded run, whose shards publish
    // in turn: called on every shard before any publishes. (finish() checks it itself.)
    void guard_feed_archives();

    // The counts so far.
    const IndexRunSummary& summary() const { return summary_; }

private:
    // A file documents come from: its key (canonical path) and its path as walked. Shared
    // by all the run's documents from it, so that remembering each id's place costs no
    // copy of the paths.
    struct File {
        std::string key;
        std::string path;
    };

    // Where a document came from, for messages: "file" or "file:line".
    struct Place {
        std::shared_ptr<const File> file;
        std::size_t line = 0;
        bool indexed_before = false;  // found in the index, from a file not read (yet)
    };

    // "path" or "path:line".
    static std::string where(const std::string& path, std::size_t line);

    // A file dealt with (read, or found unchanged): counted for the progress display.
    void done(const Entry& e, std::uint64_t bytes_before);

    // Whether an unchanged .txt or .md file must be read again because its document is
    // indexed under another id (see the definition). `count`: the file's documents in
    // this writer; on return, those that are left.
    bool other_path_indexed(const std::string& key, const std::string& id,
                            const std::string& state, std::size_t& count);

    // Deletes the documents of a recorded file whose ids `keep` does not accept, and the
    // file's state when none is kept (the file is then read again by the next run).
    std::size_t delete_file_documents(const std::string& key,
                                      const std::function<bool(const std::string&)>& keep);

    // Documents of recorded files that lie under this run's sources but were not found:
    // the file was deleted, renamed, or is now ignored.
    void delete_vanished_files();

    // A rebuild, before it is published: what it drops of the published index is
    // deleted; a source whose documents it holds none of, or a drop past the share, is
    // refused (the published index stays as it is).
    void check_rebuild(bool guard_rebuild);

    // A rebuild that would drop feed items kept only in the published index: refused.
    void keep_feed_archives(const PublishedIndexCounts& published);

    // Whether the run may index this document: the first with its id in this run, or a
    // later line of the same JSONL file (which replaces the earlier, with a warning).
    bool first_of_id(const std::string& id, std::size_t line);

    // Whether a recorded file keeps its documents after this run: found by the walk, or
    // outside the run's sources and still on disk. (A file under a source that the walk
    // did not find is gone, or now ignored: its documents go, and may move elsewhere.)
    bool still_there(const std::string& file) const;

    // The outcome of an added document, when the writer reports it.
    void counted(const AddOutcome& outcome, const std::string& id, const std::string& path,
                 std::size_t line);

    // Reports the counts so far to the observer.
    void progress();

    // `failed` counts what was lost, `warnings` the notes that lost nothing.
    void warn(const std::string& path, std::size_t line, const std::string& message,
              bool document_failed);

    // Seconds since the run started.
    double elapsed() const;

    IndexWriter& writer_;
    const Plan& plan_;
    const IndexRunObserver& observer_;
    const IndexRunOptions& options_;
    const std::size_t shard_index_;
    const std::size_t shard_count_;
    std::chrono::steady_clock::time_point start_;
    IndexRunSummary summary_;
    std::string current_;
    std::string current_key_;
    std::unordered_set<std::string> ids_seen_;
    std::unordered_map<std::string, Place> produced_;  // each id indexed in this run
    std::shared_ptr<const File> current_file_;          // the file being read
    std::size_t file_failures_ = 0;
    std::unordered_set<std::string> seen_files_;
    bool first_path_ = false;          // the file being read is reached first by this path
    std::uint64_t bytes_before_ = 0;   // bytes done before the file being read
    std::uint64_t current_size_ = 0;   // the size of the file being read
};

}  // namespace lupe::sync

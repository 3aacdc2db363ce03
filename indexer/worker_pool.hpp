// The worker threads of an IndexWriter: documents are queued in batches to a worker
// chosen by their id, built there (DocumentBuilder) and written where the target writes
// them (WriteTarget), and delivered back to the caller's thread in order, where their
// callbacks are called.
//
// Design note. The caller's thread fills one batch per worker and hands it over when it
// is full (kBatchDocuments), waiting while a worker has kQueuedBatches queued, which
// bounds the memory held by documents read but not yet indexed. A document goes to the
// worker its id hashes to, so two versions of one id are built in the order given.
// Finished batches are delivered on the caller's thread: every document taken from the
// workers is written (WriteTarget::write_delivered) before any callback is called, and
// waits in the outbox until it is, so that a callback that throws (the way to cancel a
// run) or a failed write loses no accepted document. A worker's error is kept and
// rethrown on the caller's thread by the next delivery.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analysis/analyzer.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/write_target.hpp"

namespace lupe::indexer {

/// Default number of workers: one per core, at most this many. Beyond it the one thread
/// that reads and parses the input keeps no more workers busy, and each worker adds its
/// caches (up to about 60 MB) and a shard to merge.
inline constexpr std::size_t kMaxDefaultJobs = 8;

/// The number of workers for IndexWriterOptions::jobs (0: the default).
std::size_t worker_count(std::size_t jobs);

/// The worker (0..workers-1) a document id goes to. Not stored anywhere: any stable hash
/// would do; it also says which of a rebuild's databases holds an id.
std::size_t worker_of(std::string_view id, std::size_t workers);

class WorkerPool {
public:
    /// Starts `workers` threads, each with its own Analyzer for the builder's analysis.
    /// @param context "index DIR", for messages
    WorkerPool(std::size_t workers, const DocumentBuilder& builder, WriteTarget& target,
               std::string context);
    /// Stops the workers (what is queued is dropped).
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    std::size_t size() const { return workers_.size(); }
    /// Worker `worker`'s analyzer: only while the workers are idle.
    analysis::Analyzer& analyzer(std::size_t worker) { return *workers_[worker]->analyzer; }

    /// Throws LogicError once the workers are stopped (a rebuild was published).
    void check_running() const;
    /// The next document's place in the order of acceptance.
    std::uint64_t accept() { return accepted_++; }
    /// Queues an accepted document (q.sequence from accept()) for its worker, and delivers
    /// what is finished.
    void queue(QueuedDocument q);
    /// Takes the finished batches, writes their documents and calls their callbacks.
    void deliver();
    /// Waits until every queued document is written and its callback called.
    void drain();
    /// Drains, then has every worker commit (WriteTarget::commit_worker), in parallel.
    void commit_workers();
    /// Stops the workers; never throws.
    void stop() noexcept;

    /// Calls a document's callback, unless a callback threw after it was accepted. When
    /// this one throws, the documents accepted so far get no callback: the caller is
    /// unwinding (a run cancelled), and a later wait() or commit() must not call into what
    /// it left. They are written all the same.
    void call_back(const IndexWriter::AddCallback& done, const AddOutcome& outcome,
                   std::uint64_t sequence);

private:
    struct Worker {
        std::thread thread;
        std::size_t index = 0;
        std::unique_ptr<analysis::Analyzer> analyzer;
        bool commit_requested = false;  // guarded by mutex_
        std::deque<Batch> todo;         // guarded by mutex_
        std::deque<Batch> finished;     // guarded by mutex_
        Batch filling;                  // the caller's batch being filled (caller thread only)
        bool busy = false;              // guarded by mutex_
    };

    void worker_loop(Worker& worker);
    void submit(Worker& worker);
    bool all_finished_empty() const;
    bool all_idle() const;

    const DocumentBuilder& builder_;
    WriteTarget& target_;
    std::string context_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::mutex mutex_;
    std::condition_variable work_ready_;  // workers wait for batches
    std::condition_variable work_done_;   // the caller waits for finished batches
    bool stopping_ = false;
    std::exception_ptr worker_error_;     // guarded by mutex_
    // Documents accepted so far (caller thread only).
    std::uint64_t accepted_ = 0;
    // Documents accepted before this number get no callback: a callback threw when they
    // were queued, and the caller that threw has unwound (its callbacks' captures may be
    // gone). They are written all the same.
    std::uint64_t callbacks_cut_ = 0;
    // Finished documents taken from the workers and not yet delivered, kept here so that
    // an exception while writing or calling back drops none of them.
    std::deque<QueuedDocument> outbox_;
};

}  // namespace lupe::indexer

#include "indexer/worker_pool.hpp"

#include <algorithm>

#include "format/tag_records.hpp"
#include "lupe/error.hpp"

namespace lupe::indexer {

namespace {

// Documents a worker takes from the queue at a time: large enough that handing over a
// batch costs nothing next to analysing it, small enough to keep memory low.
constexpr std::size_t kBatchDocuments = 128;

// Batches queued per worker before queue() waits: bounds the memory held by documents
// read but not yet indexed to jobs x kQueuedBatches x kBatchDocuments.
constexpr std::size_t kQueuedBatches = 4;

}  // namespace

std::size_t worker_count(std::size_t jobs) {
    if (jobs != 0) return jobs;
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : std::min<std::size_t>(n, kMaxDefaultJobs);
}

std::size_t worker_of(std::string_view id, std::size_t workers) {
    return static_cast<std::size_t>(format::format3_hash(id) % workers);
}

WorkerPool::WorkerPool(std::size_t workers, const DocumentBuilder& builder, WriteTarget& target,
                       std::string context)
    : builder_(builder), target_(target), context_(std::move(context)) {
    for (std::size_t i = 0; i < workers; ++i) {
        auto worker = std::make_unique<Worker>();
        worker->index = i;
        worker->analyzer = std::make_unique<analysis::Analyzer>(builder_.analysis_config());
        workers_.push_back(std::move(worker));
    }
    for (auto& worker : workers_) {
        Worker* w = worker.get();
        w->thread = std::thread([this, w] { worker_loop(*w); });
    }
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::stop() noexcept {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& worker : workers_) {
        if (worker->thread.joinable()) worker->thread.join();
    }
}

void WorkerPool::check_running() const {
    if (stopping_) {
        throw LogicError(context_ + ": the writer was published (or failed to publish); "
                         "open a new one");
    }
}

void WorkerPool::worker_loop(Worker& worker) {
    std::unique_lock<std::mutex> guard(mutex_);
    for (;;) {
        work_ready_.wait(guard, [&] {
            return stopping_ || !worker.todo.empty() || worker.commit_requested;
        });
        Batch batch;
        const bool commit = worker.todo.empty() && worker.commit_requested;
        if (!commit) {
            if (worker.todo.empty()) return;  // stopping, and nothing left
            batch = std::move(worker.todo.front());
            worker.todo.pop_front();
        }
        worker.busy = true;
        guard.unlock();
        std::exception_ptr error;
        try {
            if (commit) {
                target_.commit_worker(worker.index, *worker.analyzer);
            } else {
                for (QueuedDocument& q : batch) {
                    builder_.build(*worker.analyzer, q);
                    target_.write_built(worker.index, *worker.analyzer, q);
                }
            }
        } catch (...) {
            error = std::current_exception();
        }
        guard.lock();
        worker.busy = false;
        if (commit) worker.commit_requested = false;
        if (error && !worker_error_) worker_error_ = error;
        if (!commit) worker.finished.push_back(std::move(batch));
        work_done_.notify_all();
    }
}

void WorkerPool::queue(QueuedDocument q) {
    Worker& worker = *workers_[worker_of(q.doc.id, workers_.size())];
    worker.filling.push_back(std::move(q));
    if (worker.filling.size() >= kBatchDocuments) submit(worker);
    deliver();
}

// Hands a filled batch to its worker, waiting (and delivering finished documents) while
// the worker's queue is full.
void WorkerPool::submit(Worker& worker) {
    if (worker.filling.empty()) return;
    std::unique_lock<std::mutex> guard(mutex_);
    while (worker.todo.size() >= kQueuedBatches) {
        guard.unlock();
        deliver();
        guard.lock();
        if (worker.todo.size() < kQueuedBatches) break;
        work_done_.wait(guard, [&] {
            return worker.todo.size() < kQueuedBatches || !all_finished_empty();
        });
    }
    worker.todo.push_back(std::move(worker.filling));
    worker.filling = Batch();
    worker.filling.reserve(kBatchDocuments);
    guard.unlock();
    work_ready_.notify_all();
}

bool WorkerPool::all_finished_empty() const {
    return std::all_of(workers_.begin(), workers_.end(),
                       [](const auto& w) { return w->finished.empty(); });
}

bool WorkerPool::all_idle() const {
    return std::all_of(workers_.begin(), workers_.end(), [](const auto& w) {
        return w->todo.empty() && !w->busy && w->finished.empty() && !w->commit_requested;
    });
}

void WorkerPool::deliver() {
    std::exception_ptr error;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        for (auto& worker : workers_) {
            while (!worker->finished.empty()) {
                for (QueuedDocument& q : worker->finished.front()) outbox_.push_back(std::move(q));
                worker->finished.pop_front();
            }
        }
        error = worker_error_;
    }
    if (error) std::rethrow_exception(error);
    // Written in order; each leaves the outbox only once written, so a failed write leaves
    // it and the rest for the next call (or for the error to be reported).
    for (QueuedDocument& q : outbox_) {
        if (q.written) continue;
        target_.write_delivered(q);
        q.written = true;
    }
    while (!outbox_.empty()) {
        QueuedDocument q = std::move(outbox_.front());
        outbox_.pop_front();
        call_back(q.done, q.outcome, q.sequence);
    }
}

void WorkerPool::call_back(const IndexWriter::AddCallback& done, const AddOutcome& outcome,
                           std::uint64_t sequence) {
    if (!done || sequence < callbacks_cut_) return;
    try {
        done(outcome);
    } catch (...) {
        callbacks_cut_ = accepted_;
        throw;
    }
}

void WorkerPool::drain() {
    check_running();
    for (auto& worker : workers_) submit(*worker);
    for (;;) {
        deliver();
        std::unique_lock<std::mutex> guard(mutex_);
        if (all_idle()) {
            if (worker_error_) {
                guard.unlock();
                deliver();  // rethrows
            }
            return;
        }
        work_done_.wait(guard, [&] { return !all_finished_empty() || worker_error_ || all_idle(); });
    }
}

void WorkerPool::commit_workers() {
    for (auto& worker : workers_) submit(*worker);
    {
        std::lock_guard<std::mutex> guard(mutex_);
        for (auto& worker : workers_) worker->commit_requested = true;
    }
    work_ready_.notify_all();
    drain();
}

}  // namespace lupe::indexer

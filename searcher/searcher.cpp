// Searcher: the facade of the search side, and its pool of handles. A handle is one
// reader's open ShardSet (shard_set.hpp); a search borrows one, refreshes it, and runs the
// query on it (query_execution.hpp), again when the index changed under it.
#include "lupe/searcher.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <xapian.h>

#include "common/xapian_error.hpp"
#include "lupe/error.hpp"
#include "searcher/deadline.hpp"
#include "searcher/query_execution.hpp"
#include "searcher/shard_set.hpp"

namespace lupe {

namespace {

/// Searches run again after the index changed under them (see Searcher::search). Each
/// attempt reopens on the newest revision, so only a writer committing faster than a
/// search can run exhausts them.
constexpr int kMaxSearchAttempts = 10;

/// Most results one search returns; deeper paging goes through offset.
constexpr std::size_t kMaxLimit = 10000;

}  // namespace

// One reader's state: database handles on the index (or on each shard of a shard list),
// with the analysis objects a search needs. Xapian handles and stemmers are not
// thread-safe, so each thread searching at a time has its own Handle.
using Handle = searcher::ShardSet;

// The pool of handles: a search takes an idle one (or opens a new one when all are busy)
// and gives it back, so that N threads searching at once use N handles and a Searcher
// shared by many threads never lets two of them touch the same Xapian object.
struct Searcher::Impl {
    std::string path;
    SearcherOptions settings;
    std::mutex mutex;
    std::vector<std::unique_ptr<Handle>> idle;

    std::unique_ptr<Handle> acquire() {
        {
            const std::lock_guard<std::mutex> lock(mutex);
            if (!idle.empty()) {
                auto handle = std::move(idle.back());
                idle.pop_back();
                return handle;
            }
        }
        return std::make_unique<Handle>(path, settings);
    }

    void release(std::unique_ptr<Handle> handle) {
        const std::lock_guard<std::mutex> lock(mutex);
        idle.push_back(std::move(handle));
    }

    std::string context() const { return "index " + path; }
};

namespace {

// Borrows a handle for the length of a call and gives it back, even on an exception.
template <class Pool>
class Borrowed {
public:
    explicit Borrowed(Pool& pool) : pool_(pool), handle_(pool.acquire()) {}
    ~Borrowed() { pool_.release(std::move(handle_)); }
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    Handle* operator->() const { return handle_.get(); }
    Handle& operator*() const { return *handle_; }

private:
    Pool& pool_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace

Searcher::Searcher(const std::string& path) : Searcher(path, SearcherOptions{}) {}

Searcher::Searcher(const std::string& path, const SearcherOptions& settings)
    : impl_(std::make_unique<Impl>()) {
    if (settings.connect_timeout_ms <= 0 || settings.timeout_ms <= 0) {
        throw InvalidArgumentError("shard timeouts must be positive (connect " +
                                   std::to_string(settings.connect_timeout_ms) + " ms, query " +
                                   std::to_string(settings.timeout_ms) + " ms)");
    }
    impl_->path = path;
    impl_->settings = settings;
    impl_->release(impl_->acquire());  // open now: a missing or damaged index fails here
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

SearchResults Searcher::search(std::string_view query, const SearchOptions& options) {
    // The time limit counts from here: opening, reopening and every stage of the search.
    const searcher::Deadline deadline(std::chrono::steady_clock::now(), options.time_limit_seconds);
    if (!options.lang.empty() && options.lang != "en" && options.lang != "de") {
        throw InvalidArgumentError("search language \"" + options.lang +
                                   "\" is not supported; use \"en\", \"de\" or none");
    }
    if (!(options.time_limit_seconds >= 0)) {
        throw InvalidArgumentError("time limit " + std::to_string(options.time_limit_seconds) +
                                   " s is negative");
    }
    if (options.limit == 0 || options.limit > kMaxLimit) {
        throw InvalidArgumentError("limit " + std::to_string(options.limit) +
                                   " is out of range 1.." + std::to_string(kMaxLimit));
    }
    Borrowed handle(*impl_);
    // A writer committing while we read makes Xapian throw DatabaseModifiedError (the
    // revision we read was discarded), and under a fast stream of commits a block of it
    // may already be reused, which reads as DatabaseCorruptError. Both are cured by
    // reopening on the new revision and searching again; a corruption that outlives
    // kMaxSearchAttempts reopenings is real and reported.
    for (int attempt = 1;; ++attempt) {
        try {
            handle->refresh();
            return searcher::execute_query(*handle, query, options, deadline);
        } catch (const Xapian::DatabaseModifiedError& e) {
            if (attempt >= kMaxSearchAttempts) detail::rethrow_xapian(e, impl_->context());
        } catch (const Xapian::DatabaseCorruptError& e) {
            if (attempt >= kMaxSearchAttempts) detail::rethrow_xapian(e, impl_->context());
        } catch (const Xapian::NetworkError& e) {
            // A remote shard went away during the search: search again without it (which
            // fails naming it, unless the search allows partial results).
            if (attempt >= kMaxSearchAttempts || !handle->drop_dead_shards()) {
                detail::rethrow_xapian(e, impl_->context());
            }
            continue;
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, impl_->context());
        }
        // Let the writer finish what it is committing before we read again.
        std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
    }
}

// Placeholders until the engine work of issue 16 lands (helper "engine").
std::vector<Completion> Searcher::complete(std::string_view, std::size_t) {
    throw RuntimeError("Searcher::complete is not implemented yet");
}

std::optional<Document> Searcher::document(std::string_view) {
    throw RuntimeError("Searcher::document is not implemented yet");
}

std::optional<SearchResults> Searcher::similar(std::string_view, const SearchOptions&) {
    throw RuntimeError("Searcher::similar is not implemented yet");
}

IndexStatus Searcher::status() {
    throw RuntimeError("Searcher::status is not implemented yet");
}

void Searcher::reopen() {
    try {
        Borrowed handle(*impl_);
        handle->refresh();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t Searcher::document_count() const {
    try {
        Borrowed handle(*impl_);
        return handle->db().get_doccount();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

}  // namespace lupe

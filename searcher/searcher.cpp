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
#include "searcher/collector.hpp"
#include "searcher/completion.hpp"
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
    // The vocabulary for complete(), and the state of the index it was read from
    // (ShardSet::state_key): read again by the first completion after a change. Loads
    // are serialised (a second thread waits for the first's instead of loading too).
    std::mutex vocabulary_mutex;
    std::string vocabulary_key;
    std::shared_ptr<const searcher::CompletionVocabulary> vocabulary;

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

void check_options(const SearchOptions& options) {
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
}

// Runs `fn` on a borrowed, refreshed handle. A writer committing while we read makes
// Xapian throw DatabaseModifiedError (the revision we read was discarded), and under a
// fast stream of commits a block of it may already be reused, which reads as
// DatabaseCorruptError. Both are cured by reopening on the new revision and running
// again; a corruption that outlives kMaxSearchAttempts reopenings is real and reported.
template <class Pool, class Fn>
auto with_retries(Pool& impl, Fn&& fn) {
    Borrowed handle(impl);
    for (int attempt = 1;; ++attempt) {
        try {
            handle->refresh();
            return fn(*handle);
        } catch (const Xapian::DatabaseModifiedError& e) {
            if (attempt >= kMaxSearchAttempts) detail::rethrow_xapian(e, impl.context());
        } catch (const Xapian::DatabaseCorruptError& e) {
            if (attempt >= kMaxSearchAttempts) detail::rethrow_xapian(e, impl.context());
        } catch (const Xapian::NetworkError& e) {
            // A remote shard went away during the call: run again without it (which
            // fails naming it, unless the search allows partial results).
            if (attempt >= kMaxSearchAttempts || !handle->drop_dead_shards()) {
                detail::rethrow_xapian(e, impl.context());
            }
            continue;
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, impl.context());
        }
        // Let the writer finish what it is committing before we read again.
        std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
    }
}

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
    check_options(options);
    return with_retries(*impl_, [&](Handle& handle) {
        return searcher::execute_query(handle, query, options, deadline);
    });
}

std::vector<Completion> Searcher::complete(std::string_view prefix, std::size_t limit) {
    const std::string word = searcher::completion_prefix(prefix);
    if (word.empty() || limit == 0) return {};
    const auto vocabulary = with_retries(*impl_, [&](Handle& handle) {
        const std::string key = handle.state_key();
        const std::lock_guard<std::mutex> lock(impl_->vocabulary_mutex);
        if (!impl_->vocabulary || impl_->vocabulary_key != key) {
            impl_->vocabulary =
                std::make_shared<const searcher::CompletionVocabulary>(handle.vocabulary());
            impl_->vocabulary_key = key;
        }
        return impl_->vocabulary;
    });
    return vocabulary->complete(word, limit);
}

std::optional<Document> Searcher::document(std::string_view id) {
    return with_retries(*impl_, [&](Handle& handle) {
        return searcher::stored_document(handle.db(), id);
    });
}

std::optional<SearchResults> Searcher::similar(std::string_view id, const SearchOptions& options) {
    const searcher::Deadline deadline(std::chrono::steady_clock::now(), options.time_limit_seconds);
    check_options(options);
    return with_retries(*impl_, [&](Handle& handle) {
        return searcher::execute_similar(handle, id, options, deadline);
    });
}

IndexStatus Searcher::status() {
    return with_retries(*impl_, [](Handle& handle) { return handle.status(); });
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

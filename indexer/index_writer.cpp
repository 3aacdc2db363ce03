// IndexWriter: validation of documents, language resolution, term generation through the
// shared Analyzer, and the Xapian write path.
#include "lupe/index_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <unordered_set>
#include <mutex>
#include <optional>
#include <thread>
#include <filesystem>
#include <utility>

#include <xapian.h>

#include "format/analysis_config.hpp"
#include "format/compatibility.hpp"
#include "format/shard_routing.hpp"
#include "format/tag_records.hpp"
#include "format/vocabulary.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/decompounder.hpp"
#include "analysis/date.hpp"
#include "analysis/language.hpp"
#include "format/schema.hpp"
#include "analysis/tokenizer.hpp"
#include "analysis/utf8.hpp"
#include "lupe/error.hpp"
#include "format/index_layout.hpp"
#include "format/stored_document.hpp"
#include "common/xapian_error.hpp"

namespace lupe {
namespace fs = std::filesystem;
namespace schema = analysis::schema;

namespace {

void check_utf8(const std::string& value, const char* field) {
    if (const auto bad = analysis::find_invalid_utf8(value)) {
        throw DocumentError(std::string("invalid UTF-8 in field \"") + field + "\" at byte " +
                            std::to_string(*bad + 1));
    }
}

// Ids are printed, one per line, in text output, batch and TREC runs, and used as keys by
// the programs that read them: a control character (a newline, an escape sequence, a NUL)
// in one can only be a mistake or an attack.
void check_id_characters(const std::string& id) {
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (c < 0x20 || c == 0x7F) {
            char code[8];
            std::snprintf(code, sizeof code, "U+%04X", c);
            throw DocumentError(std::string("document id holds a control character (") + code +
                                ") at byte " + std::to_string(i + 1));
        }
    }
}

bool is_blank(const std::string& s) {
    return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

// A directory that is neither empty nor a Xapian database must not be written into:
// `lupe-index --index ~/Documents` would otherwise scatter index files among the user's.
void refuse_foreign_directory(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    if (!fs::is_directory(path, ec)) {
        throw IndexCorruptError("index " + path + ": exists and is not a directory");
    }
    if (fs::is_empty(path, ec)) return;
    for (const char* marker : detail::kXapianDatabaseMarkers) {
        if (fs::exists(fs::path(path) / marker, ec)) return;
    }
    for (const char* marker : {detail::kStubName, detail::kLockName}) {
        if (fs::exists(fs::path(path) / marker, ec)) return;
    }
    throw IndexCorruptError("index " + path +
                            ": directory is not empty and holds no Xapian database; "
                            "give the writer a new or empty directory for the index");
}


// The document data (display fields) and the text slot's value (the start of the body,
// for snippets): see format/stored_document.hpp.
void store(Xapian::Document& xdoc, const Document& doc, const std::string& lang) {
    xdoc.set_data(detail::encode_fields({doc.id, doc.title, lang, doc.date, doc.url, doc.source}));
    const std::string_view text = analysis::truncate_utf8(doc.body, schema::kMaxStoredTextBytes);
    if (!text.empty()) xdoc.add_value(schema::kTextSlot, detail::compress_text(text));
}

// Documents a worker takes from the queue at a time: large enough that handing over a
// batch costs nothing next to analysing it, small enough to keep memory low.
constexpr std::size_t kBatchDocuments = 128;

// Batches queued per worker before add_document_async() waits: bounds the memory held by
// documents read but not yet indexed to jobs x kQueuedBatches x kBatchDocuments.
constexpr std::size_t kQueuedBatches = 4;

// A rebuild's shard is committed when the documents written since its last commit hold
// this many words (Xapian's own threshold counts documents, 10,000 by default). Xapian's
// in-memory posting maps get slower as they grow, and each commit has a fixed cost;
// measured with bench/throughput.sh on 2 cores (wall seconds): see the README.
constexpr std::size_t kShardFlushWords = 50000;

// A worker's vocabulary counts are written to its database when they hold this many
// words (and at every commit): bounds their memory on corpora with huge vocabularies.
constexpr std::size_t kVocabularyFlushWords = 1000000;

// Default number of workers: one per core, at most this many. Beyond it the one thread that
// reads and parses the input keeps no more workers busy, and each worker adds its caches
// (up to about 60 MB) and a shard to merge.
constexpr std::size_t kMaxDefaultJobs = 8;

std::size_t default_jobs() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : std::min<std::size_t>(n, kMaxDefaultJobs);
}

}  // namespace

// One document on its way through the pipeline.
struct QueuedDocument {
    Document doc;
    std::string tag;
    IndexWriter::AddCallback done;
    std::string key;   // id term
    std::string hash;  // content hash (computed by the caller for incremental runs)
    AddOutcome outcome;
    Xapian::Document xdoc;  // built by a worker; written by the caller (incremental runs)
    std::size_t words = 0;  // words indexed (positions), set by the worker
    std::uint64_t sequence = 0;  // order of acceptance (Impl::accepted), for callback cuts
    bool written = false;   // written to the database by deliver() (incremental runs)
};

using Batch = std::vector<QueuedDocument>;

// A worker thread: analyses documents; in a rebuild also writes them to its own shard.
struct Worker {
    std::thread thread;
    std::unique_ptr<analysis::Analyzer> analyzer;
    Xapian::WritableDatabase shard;  // rebuilds only
    bool shard_fresh = true;         // no vocabulary written to the shard yet
    std::size_t since_flush = 0;  // words written to the shard since its last commit
    bool commit_requested = false;  // guarded by Impl::mutex: write vocabulary, commit
    std::deque<Batch> todo;       // guarded by Impl::mutex
    std::deque<Batch> finished;   // guarded by Impl::mutex
    Batch filling;                // the caller's batch being filled (caller thread only)
    bool busy = false;            // guarded by Impl::mutex
    std::string recorded_word_list;  // rebuilds: the German word list recorded in the shard
};

struct IndexWriter::Impl {
    // Declared first, so that it is released last, after the database is closed.
    std::unique_ptr<detail::WriterLock> lock;
    std::string path;
    std::string build_dir;  // a full rebuild's directory, until publish(); empty otherwise
    std::string generation; // the published generation written to (incremental runs)
    bool published = false;
    bool created_directory = false;  // the index directory did not exist before this writer
    // The routing a shard records (IndexWriterOptions::shard; format/shard_routing.hpp).
    ShardRouting routing = ShardRouting::fnv1a64;
    IndexWriterOptions options;
    analysis::AnalysisConfig analysis_config;
    // The German word list the index records (schema::kGermanWordListKey), empty when
    // none: read when the writer opens an index incrementally, set when this writer first
    // records its own. Caller thread only.
    std::string recorded_word_list;
    // Whether a German document was told that this run's list differs from the recorded one.
    mutable std::atomic<bool> word_list_change_noted{false};
    Xapian::WritableDatabase db;  // incremental runs: the published generation
    // Rebuilds: the generation published when the writer was opened (if any), read-only,
    // to count kept documents as updated or unchanged and dropped ones as deleted.
    std::optional<Xapian::Database> published_db;
    // document_tag()'s likely tag and the documents tagged with it when it was first asked
    // about: one pass over the tag's posting list instead of a lookup per document. Docids
    // are never reused, so a document added or deleted since can only miss the set (and
    // take the longer way), never be found in it wrongly.
    std::string likely_tag;
    std::unordered_set<Xapian::docid> likely_docids;
    std::size_t pending = 0;
    bool in_transaction = false;

    // Rebuilds: tag records and application metadata set so far, "" for removed (written to
    // shard 0 on commit).
    std::map<std::string, std::string> rebuild_tag_records;
    std::map<std::string, std::string> rebuild_metadata;

    // The worker pool.
    std::vector<std::unique_ptr<Worker>> workers;
    std::mutex mutex;
    std::condition_variable work_ready;  // workers wait for batches
    std::condition_variable work_done;   // the caller waits for finished batches
    bool stopping = false;
    std::exception_ptr worker_error;     // guarded by mutex

    // Documents accepted by add_document_async() so far (caller thread only).
    std::uint64_t accepted = 0;
    // Documents accepted before this number get no callback: a callback threw when they
    // were queued, and the caller that threw has unwound (its callbacks' captures may be
    // gone). They are written all the same.
    std::uint64_t callbacks_cut = 0;
    // Finished documents taken from the workers and not yet written (incremental runs),
    // kept here so that an exception while writing or calling back drops none of them.
    std::deque<QueuedDocument> outbox;

    bool rebuilding() const { return !build_dir.empty(); }

    // Changes are made inside a Xapian transaction, so that what commit() has not made
    // durable is discarded on close, not committed behind the caller's back by
    // WritableDatabase's destructor (which would also swallow a failed commit).
    void begin() {
        db.begin_transaction(/*flushed=*/true);
        in_transaction = true;
    }

    ~Impl() {
        stop_workers();
        if (in_transaction) {
            try {
                db.cancel_transaction();
            } catch (const Xapian::Error&) {
                // Nothing was committed, nothing can be lost: the index keeps its last commit.
            }
        }
        if (rebuilding() && !published) remove_unpublished_build();
    }

    // A rebuild that is never published (a failed run, a refused one) leaves nothing
    // behind: its build directory goes, and so does an index directory this writer
    // created, when nothing was ever published in it, so that a refused first run does
    // not leave a folder that looks like an index. Never throws.
    void remove_unpublished_build() noexcept {
        std::error_code ec;
        for (auto& worker : workers) {
            try {
                worker->shard.close();
            } catch (const Xapian::Error&) {
                // Closing an unpublished shard can only fail to write what is dropped anyway.
            }
        }
        fs::remove_all(build_dir, ec);
        if (!created_directory || detail::published_generation(path)) return;
        lock.reset();
        fs::remove(fs::path(path) / detail::kLockName, ec);
        fs::remove(path, ec);  // only if it is empty now
    }

    std::string context() const { return "index " + path; }

    std::string resolve_language(const Document& doc, AddOutcome& outcome) const {
        if (!doc.lang.empty()) {
            if (auto tag = analysis::normalize_language_tag(doc.lang)) return *tag;
            outcome.notes.push_back("language tag \"" + doc.lang +
                                    "\" is not an ISO 639 code; language detected instead");
        }
        if (!options.default_lang.empty()) return options.default_lang;
        std::string sample = doc.title;
        sample += '\n';
        sample.append(analysis::truncate_utf8(doc.body, analysis::kDetectionSampleBytes));
        std::string detected = analysis::detect_language(sample);
        return detected.empty() ? std::string(schema::kUndeterminedLang) : detected;
    }

    // What decides whether a document must be indexed again (format/tag_records.hpp).
    std::string content_hash(const Document& doc, const std::string& tag) const {
        return format::content_hash(doc, options.default_lang, tag, options.title_weight);
    }

    // Before a German document is analysed, on a worker thread: the word list is read
    // (once, by whichever worker needs it first), or the run fails. A German document
    // indexed without its compound parts would be found by fewer words than the others,
    // for good and without a trace; a missing list is a fault of the installation, not of
    // the document, so it fails the run (every later call throws too) instead of being
    // reported per document, which would also record the file as done.
    void prepare_german(const Document& doc, AddOutcome& outcome) const {
        const auto& splitter = analysis_config.decompounder;
        if (!splitter) return;
        try {
            splitter->ensure_loaded();
        } catch (const WordListError& e) {
            const bool by_default =
                splitter->source()->origin == analysis::WordListSource::kDefaultOrigin;
            throw WordListError(context() + ": document \"" + doc.id + "\" is German and " +
                                e.what() + (by_default ? "; install Debian's wngerman package, "
                                                       : "; correct the path, ") +
                                "name another list (IndexWriterOptions::german_word_list), or "
                                "index without compound splitting (IndexWriterOptions::decompound "
                                "= false)");
        }
        if (recorded_word_list.empty() || word_list_change_noted.load()) return;
        const auto recorded = analysis::parse_word_list_record(recorded_word_list);
        const analysis::WordListFingerprint used = splitter->fingerprint();
        if (recorded && recorded->fingerprint == used) return;
        if (word_list_change_noted.exchange(true)) return;
        outcome.notes.push_back(
            "the German word list " + splitter->source()->describe() + " (" + used.to_string() +
            ") differs from the one the index was built with (" +
            (recorded ? recorded->fingerprint.to_string() + " from " + recorded->path
                      : recorded_word_list) +
            "): compounds of older documents may be split differently; rebuild the index "
            "(IndexWriterOptions::rebuild) to split all with this list");
    }

    // Records the German word list in `db` once it was loaded (see schema::kGermanWordListKey).
    // An incremental run keeps a list recorded before: its older documents were split with it.
    void record_word_list(Xapian::WritableDatabase& target, std::string& recorded) const {
        if (!analysis_config.decompounder || !recorded.empty()) return;
        const analysis::Decompounder* loaded = analysis_config.decompounder->if_loaded();
        if (!loaded) return;
        recorded = analysis::describe(analysis::WordListRecord{
            loaded->fingerprint(), analysis_config.decompounder->source()->path});
        target.set_metadata(std::string(schema::kGermanWordListKey), recorded);
    }

    // The Xapian document of a queued document, on a worker thread.
    void build(Worker& worker, QueuedDocument& q) const {
        const Document& doc = q.doc;
        AddOutcome& outcome = q.outcome;
        outcome.lang = resolve_language(doc, outcome);
        outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
        const analysis::Family family = analysis::family_of(outcome.lang);
        if (family == analysis::Family::German) prepare_german(doc, outcome);
        analysis::Analyzer& analyzer = *worker.analyzer;
        Xapian::Document& xdoc = q.xdoc;
        analyzer.vocabulary().begin_document();
        Xapian::termpos pos = 0;
        analyzer.index_text(xdoc, doc.title, family, schema::kBodyField, options.title_weight, pos,
                            true);
        pos += schema::kFieldPositionGap;
        analyzer.index_text(xdoc, doc.body, family, schema::kBodyField, 1, pos, true);
        Xapian::termpos title_pos = 0;
        analyzer.index_text(xdoc, doc.title, family, schema::kTitleField, 1, title_pos);
        q.words = pos + title_pos;

        for (const auto& word : analysis::tokenize_words(doc.source)) {
            xdoc.add_boolean_term(std::string(schema::kSourcePrefix) + word);
        }
        xdoc.add_boolean_term(std::string(schema::kLangPrefix) + outcome.lang);
        xdoc.add_boolean_term(q.key);
        std::string oldest_first_key(schema::kUndatedSortKey);
        if (!doc.date.empty()) {
            if (const auto date = analysis::parse_iso_date(doc.date)) {
                xdoc.add_value(schema::kDateSlot, analysis::date_sort_key(*date));
                oldest_first_key = analysis::date_sort_key(*date);
            } else {
                outcome.notes.push_back("date \"" + doc.date +
                                        "\" is not ISO 8601 (YYYY[-MM[-DD]]); kept for "
                                        "display, not searchable with date:");
            }
        }
        xdoc.add_value(schema::kOldestFirstSlot, oldest_first_key);
        store(xdoc, doc, outcome.lang);
        if (q.hash.empty()) q.hash = content_hash(doc, q.tag);
        xdoc.add_value(schema::kContentHashSlot, q.hash);
        if (!q.tag.empty()) xdoc.add_boolean_term(format::tag_term(q.tag));
    }

    // A worker's batch: analysed, and in a rebuild written to the worker's shard.
    void process(Worker& worker, Batch& batch) const {
        for (QueuedDocument& q : batch) {
            build(worker, q);
            if (!rebuilding()) continue;
            try {
                // replaced: in the published index (see add_document_async) or earlier in
                // this rebuild
                q.outcome.replaced = q.outcome.replaced || worker.shard.term_exists(q.key);
                worker.shard.replace_document(q.key, q.xdoc);
            } catch (const Xapian::Error& e) {
                detail::rethrow_xapian(e, context() + ", document \"" + q.doc.id + "\"");
            }
            q.xdoc = Xapian::Document();
            worker.since_flush += q.words;
            if (worker.since_flush >= kShardFlushWords) {
                worker.since_flush = 0;
                if (worker.analyzer->vocabulary().size() >= kVocabularyFlushWords) flush_vocabulary(worker);
                worker.shard.commit();
            }
        }
    }

    void flush_vocabulary(Worker& worker) const {
        format::write_vocabulary(worker.shard, worker.analyzer->vocabulary(), worker.shard_fresh);
        worker.analyzer->clear_vocabulary();
        worker.shard_fresh = false;
        // Every shard that saw the list records it, the same value: the compactor keeps one.
        record_word_list(worker.shard, worker.recorded_word_list);
    }

    void worker_loop(Worker& worker) {
        std::unique_lock<std::mutex> guard(mutex);
        for (;;) {
            work_ready.wait(guard, [&] {
                return stopping || !worker.todo.empty() || worker.commit_requested;
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
                    flush_vocabulary(worker);
                    worker.shard.commit();
                    worker.since_flush = 0;
                } else {
                    process(worker, batch);
                }
            } catch (...) {
                error = std::current_exception();
            }
            guard.lock();
            worker.busy = false;
            if (commit) worker.commit_requested = false;
            if (error && !worker_error) worker_error = error;
            if (!commit) worker.finished.push_back(std::move(batch));
            work_done.notify_all();
        }
    }

    // Rebuilds: each worker writes its vocabulary counts and commits its shard, in
    // parallel, after its queued documents.
    void commit_shards() {
        for (auto& worker : workers) submit(*worker);
        {
            std::lock_guard<std::mutex> guard(mutex);
            for (auto& worker : workers) worker->commit_requested = true;
        }
        work_ready.notify_all();
        drain();
    }

    void start_workers() {
        const std::size_t jobs = options.jobs == 0 ? default_jobs() : options.jobs;
        for (std::size_t i = 0; i < jobs; ++i) {
            auto worker = std::make_unique<Worker>();
            worker->analyzer = std::make_unique<analysis::Analyzer>(analysis_config);
            if (rebuilding()) {
                const std::string shard_dir =
                    (fs::path(build_dir) / detail::build_shard_name(i)).string();
                // Nothing is published until the compacted copy is: no need to sync, and
                // no reader can see blocks being overwritten in place.
                worker->shard = Xapian::WritableDatabase(
                    shard_dir, Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
            }
            workers.push_back(std::move(worker));
        }
        for (auto& worker : workers) {
            Worker* w = worker.get();
            w->thread = std::thread([this, w] { worker_loop(*w); });
        }
    }

    void stop_workers() noexcept {
        {
            std::lock_guard<std::mutex> guard(mutex);
            stopping = true;
        }
        work_ready.notify_all();
        for (auto& worker : workers) {
            if (worker->thread.joinable()) worker->thread.join();
        }
    }

    Worker& worker_for(const std::string& id) {
        // Which worker analyses a document is not stored: any stable hash would do.
        return *workers[format::format3_hash(id) % workers.size()];
    }

    // Hands a filled batch to its worker, waiting (and delivering finished documents)
    // while the worker's queue is full.
    void submit(Worker& worker) {
        if (worker.filling.empty()) return;
        std::unique_lock<std::mutex> guard(mutex);
        while (worker.todo.size() >= kQueuedBatches) {
            guard.unlock();
            deliver();
            guard.lock();
            if (worker.todo.size() < kQueuedBatches) break;
            work_done.wait(guard, [&] {
                return worker.todo.size() < kQueuedBatches || !all_finished_empty();
            });
        }
        worker.todo.push_back(std::move(worker.filling));
        worker.filling = Batch();
        worker.filling.reserve(kBatchDocuments);
        guard.unlock();
        work_ready.notify_all();
    }

    bool all_finished_empty() const {
        return std::all_of(workers.begin(), workers.end(),
                           [](const auto& w) { return w->finished.empty(); });
    }

    // Takes the finished batches, writes their documents (incremental runs) and calls
    // their callbacks, on the caller's thread. Every document taken is written before any
    // callback is called, so a callback that throws (the way to cancel index_sources)
    // loses no document: see call_back().
    void deliver() {
        std::exception_ptr error;
        {
            std::lock_guard<std::mutex> guard(mutex);
            for (auto& worker : workers) {
                while (!worker->finished.empty()) {
                    for (QueuedDocument& q : worker->finished.front()) outbox.push_back(std::move(q));
                    worker->finished.pop_front();
                }
            }
            error = worker_error;
        }
        if (error) std::rethrow_exception(error);
        if (!rebuilding()) {
            // Written in order; each leaves the outbox only once written, so a failed write
            // leaves it and the rest for the next call (or for the error to be reported).
            for (std::size_t i = 0; i < outbox.size(); ++i) {
                QueuedDocument& q = outbox[i];
                if (q.written) continue;
                try {
                    db.replace_document(q.key, q.xdoc);
                } catch (const Xapian::Error& e) {
                    detail::rethrow_xapian(e, context() + ", document \"" + q.doc.id + "\"");
                }
                q.xdoc = Xapian::Document();
                q.written = true;
                ++pending;
            }
        }
        while (!outbox.empty()) {
            QueuedDocument q = std::move(outbox.front());
            outbox.pop_front();
            call_back(q.done, q.outcome, q.sequence);
        }
    }

    // Calls a document's callback, unless a callback threw after it was accepted. When
    // this one throws, the documents accepted so far get no callback: the caller is
    // unwinding (index_sources cancelled), and a later wait() or commit() must not call
    // into what it left. They are written all the same.
    void call_back(const IndexWriter::AddCallback& done, const AddOutcome& outcome,
                   std::uint64_t sequence) {
        if (!done || sequence < callbacks_cut) return;
        try {
            done(outcome);
        } catch (...) {
            callbacks_cut = accepted;
            throw;
        }
    }

    // After publish() (or a publish() that failed) the workers are gone.
    void usable() const {
        if (published || stopping) {
            throw LogicError(context() + ": the writer was published (or failed to publish); "
                             "open a new one");
        }
    }

    bool all_idle() const {
        return std::all_of(workers.begin(), workers.end(), [](const auto& w) {
            return w->todo.empty() && !w->busy && w->finished.empty() && !w->commit_requested;
        });
    }

    // Waits until every queued document is indexed and its callback called.
    void drain() {
        usable();
        for (auto& worker : workers) submit(*worker);
        for (;;) {
            deliver();
            std::unique_lock<std::mutex> guard(mutex);
            if (all_idle()) {
                if (worker_error) {
                    guard.unlock();
                    deliver();  // rethrows
                }
                return;
            }
            work_done.wait(guard, [&] { return !all_finished_empty() || worker_error || all_idle(); });
        }
    }

    // Incremental runs: writes the workers' vocabulary counts (workers idle).
    void write_vocabularies() {
        for (auto& worker : workers) {
            format::write_vocabulary(db, worker->analyzer->vocabulary(), false);
            worker->analyzer->clear_vocabulary();
        }
        record_word_list(db, recorded_word_list);
    }
};

IndexWriter::IndexWriter(const std::string& path, IndexWriterOptions options)
    : impl_(std::make_unique<Impl>()) {
    if (!options.default_lang.empty() && options.default_lang != "en" &&
        options.default_lang != "de") {
        throw InvalidArgumentError("default language \"" + options.default_lang +
                                   "\" is not supported; use \"en\" or \"de\" (or leave it "
                                   "empty to detect each document's language)");
    }
    if (options.title_weight < 1 || options.title_weight > 20) {
        throw InvalidArgumentError("title weight " + std::to_string(options.title_weight) +
                                   " is out of range 1..20");
    }
    if (options.jobs > kMaxJobs) {
        throw InvalidArgumentError("jobs " + std::to_string(options.jobs) +
                                   " is out of range 0..." + std::to_string(kMaxJobs));
    }
    impl_->path = path;
    impl_->options = std::move(options);
    analysis::AnalysisConfig analysis;
    analysis.fold = impl_->options.fold;
    if (impl_->options.decompound) {
        // Read when the first German document is analysed (prepare_german), not here: a run
        // over English documents needs no list.
        analysis.decompounder = analysis::Decompounder::lazy(analysis::german_word_list_source(
            impl_->options.german_word_list, "IndexWriterOptions::german_word_list"));
    }
    const std::string wanted = analysis::describe(analysis);
    impl_->analysis_config = std::move(analysis);
    refuse_foreign_directory(path);
    std::error_code ec;
    impl_->created_directory = !fs::exists(path, ec);
    fs::create_directories(path, ec);
    if (ec) throw IoError("index " + path + ": cannot create the directory: " + ec.message());
    impl_->lock = std::make_unique<detail::WriterLock>(path, impl_->options.lock_wait_seconds);
    try {
        const bool plain_database = fs::exists(fs::path(path) / detail::kGlassMarker, ec);
        if (impl_->options.rebuild) {
            if (plain_database) {
                throw RuntimeError("index " + path + ": a single-database index of lupe "
                                           "0.1 cannot be rebuilt in place; build into a new directory");
            }
            impl_->build_dir = (fs::path(path) / detail::build_directory_name(::getpid())).string();
            fs::remove_all(impl_->build_dir, ec);
            fs::create_directories(impl_->build_dir, ec);
            if (ec) {
                throw IoError("index " + path + ": cannot create " + impl_->build_dir + ": " +
                              ec.message());
            }
            if (const auto published = detail::published_generation(path)) {
                try {
                    impl_->published_db.emplace((fs::path(path) / *published).string());
                } catch (const Xapian::Error&) {
                    // A damaged index is what a rebuild repairs: it is built without
                    // comparing (its counts are those of a new index).
                }
            }
        } else {
            std::string db_path = path;
            if (!plain_database) {
                auto generation = detail::published_generation(path);
                if (!generation) {
                    generation = detail::next_generation(std::nullopt);
                    Xapian::WritableDatabase(
                        (fs::path(path) / *generation).string(), Xapian::DB_CREATE_OR_OPEN).commit();
                    detail::publish_generation(path, *generation);
                }
                db_path = (fs::path(path) / *generation).string();
                impl_->generation = *generation;
            }
            impl_->db = Xapian::WritableDatabase(db_path, Xapian::DB_CREATE_OR_OPEN);
            const format::IndexRecord record = format::read_index_record(impl_->db);
            const format::Compatibility compatibility = format::check_compatibility(
                record, impl_->context(),
                format::ExpectedAnalysis{wanted, format::AnalysisPeer::kWriterOptions});
            if (compatibility.record_format) {
                impl_->db.set_metadata(std::string(schema::kFormatKey),
                                       std::string(schema::kFormatValue));
            }
            if (compatibility.record_analysis) {
                impl_->db.set_metadata(std::string(schema::kAnalysisKey), wanted);
            }
            if (impl_->options.shard) {
                impl_->routing = format::parse_shard_routing(
                    impl_->db.get_metadata(std::string(format::kShardRoutingKey)),
                    !record.format.empty(), path);
                impl_->db.set_metadata(std::string(format::kShardRoutingKey),
                                       std::string(format::shard_routing_value(impl_->routing)));
            }
            // An index without documents holds nothing split with the list it recorded.
            const std::string word_list_key(schema::kGermanWordListKey);
            if (impl_->db.get_doccount() == 0) impl_->db.set_metadata(word_list_key, "");
            impl_->recorded_word_list = impl_->db.get_metadata(word_list_key);
            impl_->db.commit();
            impl_->begin();
        }
        if (impl_->rebuilding() && impl_->options.shard) {
            // A rebuild keeps the routing of the shard it replaces: the other shards of the
            // index keep theirs too (and a run stopped between shards leaves them agreeing).
            if (const auto generation = detail::published_generation(path)) {
                const Xapian::Database published((fs::path(path) / *generation).string());
                impl_->routing = format::parse_shard_routing(
                    published.get_metadata(std::string(format::kShardRoutingKey)),
                    !published.get_metadata(std::string(schema::kFormatKey)).empty(), path);
            }
        }
        impl_->start_workers();
        if (impl_->rebuilding()) {
            Xapian::WritableDatabase& first = impl_->workers.front()->shard;
            first.set_metadata(std::string(schema::kFormatKey), std::string(schema::kFormatValue));
            first.set_metadata(std::string(schema::kAnalysisKey), wanted);
            if (impl_->options.shard) {
                first.set_metadata(std::string(format::kShardRoutingKey),
                                   std::string(format::shard_routing_value(impl_->routing)));
            }
        }
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::publish() {
    commit();
    if (impl_->published) return;
    if (!impl_->rebuilding()) {
        // Incremental: what is published stays; leftovers of killed runs (a rebuild's
        // build directory, a generation compacted but never published) go.
        if (!impl_->generation.empty()) detail::remove_unused_generations(impl_->path, impl_->generation);
        return;
    }
    try {
        impl_->stop_workers();
        Xapian::Database shards;
        for (std::size_t i = 0; i < impl_->workers.size(); ++i) {
            impl_->workers[i]->shard.close();
            shards.add_database(Xapian::Database(
                (fs::path(impl_->build_dir) / detail::build_shard_name(i)).string()));
        }
        const auto next = detail::next_generation(detail::published_generation(impl_->path));
        const std::string next_dir = (fs::path(impl_->path) / next).string();
        std::error_code ec;
        fs::remove_all(next_dir, ec);
        // Compaction merges the shards into a fresh, dense copy (Xapian's Compactor); it
        // is what searchers will open, so the build itself never had to be synced.
        format::ShardCompactor compactor;
        shards.compact(next_dir, 0, 0, compactor);
        detail::publish_generation(impl_->path, next);
        impl_->published = true;
        fs::remove_all(impl_->build_dir, ec);
        detail::remove_unused_generations(impl_->path, next);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ": publishing the rebuilt index failed");
    }
}

IndexWriter::~IndexWriter() = default;
IndexWriter::IndexWriter(IndexWriter&&) noexcept = default;
IndexWriter& IndexWriter::operator=(IndexWriter&&) noexcept = default;

AddOutcome IndexWriter::add_document(const Document& doc, const std::string& tag) {
    AddOutcome result;
    add_document_async(doc, tag, [&](const AddOutcome& outcome) { result = outcome; });
    wait();
    return result;
}

void IndexWriter::add_document_async(Document doc, std::string tag, AddCallback done) {
    impl_->usable();
    if (doc.id.empty()) throw DocumentError("document has no id");
    if (doc.id.size() > schema::kMaxIdBytes) {
        throw DocumentError("document id is " + std::to_string(doc.id.size()) +
                            " bytes long, above the limit of " + std::to_string(schema::kMaxIdBytes));
    }
    check_utf8(doc.id, "id");
    check_id_characters(doc.id);
    try {
        const std::size_t size = doc.id.size() + doc.title.size() + doc.body.size() +
                                 doc.lang.size() + doc.date.size() + doc.url.size() +
                                 doc.source.size();
        if (size > kMaxDocumentBytes) {
            throw DocumentError(std::to_string(size) + " bytes in all fields, above the limit of " +
                                std::to_string(kMaxDocumentBytes >> 20) + " MiB");
        }
        check_utf8(doc.title, "title");
        check_utf8(doc.body, "body");
        check_utf8(doc.lang, "lang");
        check_utf8(doc.date, "date");
        check_utf8(doc.url, "url");
        check_utf8(doc.source, "source");
        if (is_blank(doc.title) && is_blank(doc.body)) throw DocumentError("no text (title and body are empty)");
    } catch (const DocumentError& e) {
        throw DocumentError("document \"" + doc.id + "\": " + e.what());
    }

    // Documents written since the last commit (by earlier calls) reached the batch size.
    if (!impl_->rebuilding() && impl_->options.batch_size && impl_->pending >= impl_->options.batch_size) {
        commit();
    }
    QueuedDocument q;
    q.key = std::string(schema::kIdPrefix) + doc.id;
    if (impl_->published_db) {
        // A rebuild tells what it does to the published index: one id lookup.
        q.hash = impl_->content_hash(doc, tag);
        try {
            Xapian::Database& published = *impl_->published_db;
            const Xapian::PostingIterator existing = published.postlist_begin(q.key);
            if (existing != published.postlist_end(q.key)) {
                q.outcome.replaced = true;
                q.outcome.unchanged =
                    published.get_document(*existing).get_value(schema::kContentHashSlot) == q.hash;
            }
        } catch (const Xapian::Error&) {
            impl_->published_db.reset();  // damaged: not compared (see the constructor)
            q.outcome = AddOutcome();
        }
    }
    if (!impl_->rebuilding()) {
        // An incremental run: a document indexed with the same content is left alone.
        q.hash = impl_->content_hash(doc, tag);
        try {
            const Xapian::PostingIterator existing = impl_->db.postlist_begin(q.key);
            if (existing != impl_->db.postlist_end(q.key)) {
                q.outcome.replaced = true;
                const Xapian::Document old = impl_->db.get_document(*existing);
                if (old.get_value(schema::kContentHashSlot) == q.hash) {
                    AddOutcome outcome;
                    outcome.unchanged = true;
                    outcome.lang = detail::decode_fields(old.get_data()).lang;
                    outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
                    impl_->call_back(done, outcome, impl_->accepted++);
                    return;
                }
            }
        } catch (const Xapian::Error& e) {
            detail::rethrow_xapian(e, impl_->context() + ", document \"" + doc.id + "\"");
        }
    }
    Worker& worker = impl_->worker_for(doc.id);
    q.doc = std::move(doc);
    q.tag = std::move(tag);
    q.done = std::move(done);
    q.sequence = impl_->accepted++;
    worker.filling.push_back(std::move(q));
    if (worker.filling.size() >= kBatchDocuments) impl_->submit(worker);
    impl_->deliver();
}

void IndexWriter::wait() { impl_->drain(); }

bool IndexWriter::rebuilding() const noexcept { return impl_->rebuilding(); }

ShardRouting IndexWriter::shard_routing() const noexcept {
    return impl_->routing;
}

namespace {

// Application metadata keys must keep out of the engine's namespace.
void check_metadata_key(const std::string& key) {
    if (key.empty()) throw InvalidArgumentError("metadata key is empty");
    if (key.rfind(kReservedMetadataPrefix, 0) == 0) {
        throw InvalidArgumentError("metadata key \"" + key + "\" is in the engine's namespace (keys "
                                   "beginning with \"" + kReservedMetadataPrefix + "\")");
    }
    if (key.size() > kMaxMetadataKeyBytes) {
        throw InvalidArgumentError("metadata key is " + std::to_string(key.size()) +
                                   " bytes long, above the limit of " +
                                   std::to_string(kMaxMetadataKeyBytes));
    }
}

}  // namespace

std::string IndexWriter::tag_record(const std::string& tag) const {
    if (impl_->rebuilding()) {
        const auto it = impl_->rebuild_tag_records.find(tag);
        return it == impl_->rebuild_tag_records.end() ? std::string() : it->second;
    }
    try {
        return format::decode_tag_record(tag, impl_->db.get_metadata(format::tag_record_key(tag)));
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::set_tag_record(const std::string& tag, const std::string& record) {
    if (tag.empty()) throw InvalidArgumentError(impl_->context() + ": a tag record needs a tag");
    if (impl_->rebuilding()) {
        impl_->rebuild_tag_records[tag] = record;
        return;
    }
    try {
        impl_->db.set_metadata(format::tag_record_key(tag),
                               record.empty() ? record : format::encode_tag_record(tag, record));
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t IndexWriter::count_tagged(const std::string& tag) const {
    impl_->drain();
    try {
        if (!impl_->rebuilding()) return impl_->db.get_termfreq(format::tag_term(tag));
        std::size_t n = 0;
        for (const auto& worker : impl_->workers) n += worker->shard.get_termfreq(format::tag_term(tag));
        return n;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t IndexWriter::delete_tagged(const std::string& tag,
                                       const std::function<bool(const std::string&)>& keep) {
    impl_->drain();
    std::vector<Xapian::WritableDatabase*> databases;
    if (impl_->rebuilding()) {
        for (auto& worker : impl_->workers) databases.push_back(&worker->shard);
    } else {
        databases.push_back(&impl_->db);
    }
    try {
        const std::string term = format::tag_term(tag);
        std::size_t deleted = 0;
        for (Xapian::WritableDatabase* db : databases) {
            std::vector<std::string> doomed;
            for (auto it = db->postlist_begin(term); it != db->postlist_end(term); ++it) {
                const Xapian::Document d = db->get_document(*it);
                for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
                    const std::string& name = *t;
                    if (name.compare(0, schema::kIdPrefix.size(), schema::kIdPrefix) != 0) continue;
                    if (!keep(name.substr(schema::kIdPrefix.size()))) doomed.push_back(name);
                    break;
                }
            }
            for (const auto& key : doomed) db->delete_document(key);
            deleted += doomed.size();
        }
        impl_->pending += deleted;
        return deleted;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::vector<std::string> IndexWriter::recorded_tags() const {
    std::vector<std::string> tags;
    if (impl_->rebuilding()) {
        for (const auto& [tag, record] : impl_->rebuild_tag_records) {
            if (!record.empty()) tags.push_back(tag);
        }
        return tags;
    }
    try {
        const std::string prefix(schema::kFileStatePrefix);
        for (auto it = impl_->db.metadata_keys_begin(prefix); it != impl_->db.metadata_keys_end(prefix); ++it) {
            const std::string& key = *it;
            std::string tag = format::tag_of_record(std::string_view(key).substr(prefix.size()),
                                            impl_->db.get_metadata(key));
            if (!tag.empty()) tags.push_back(std::move(tag));
        }
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
    return tags;
}

std::string IndexWriter::document_tag(const std::string& id, const std::string& likely) const {
    if (impl_->rebuilding()) return {};
    impl_->usable();
    const std::string key = std::string(schema::kIdPrefix) + id;
    try {
        Xapian::WritableDatabase& db = impl_->db;
        const Xapian::PostingIterator existing = db.postlist_begin(key);
        if (existing == db.postlist_end(key)) return {};
        if (!likely.empty()) {
            // A file read again mostly holds its own documents: its set of docids answers
            // without reading the document's term list.
            if (impl_->likely_tag != likely) {
                impl_->likely_tag = likely;
                impl_->likely_docids.clear();
                const std::string term = format::tag_term(likely);
                for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
                    impl_->likely_docids.insert(*it);
                }
            }
            if (impl_->likely_docids.count(*existing)) return likely;
        }
        const std::string prefix(schema::kSourceFilePrefix);
        Xapian::TermIterator term = db.termlist_begin(*existing);
        term.skip_to(prefix);
        if (term == db.termlist_end(*existing) || (*term).compare(0, prefix.size(), prefix) != 0) {
            return {};
        }
        // The tag term names the tag by hash; its record holds its name.
        const std::string hash = (*term).substr(prefix.size());
        return format::tag_of_record(hash, db.get_metadata(std::string(schema::kFileStatePrefix) + hash));
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", document \"" + id + "\"");
    }
}

PublishedIndexCounts IndexWriter::published_counts(bool count_dropped) const {
    impl_->drain();
    PublishedIndexCounts counts;
    const bool rebuilding = impl_->rebuilding();
    if (rebuilding && !impl_->published_db) return counts;
    try {
        Xapian::Database published = rebuilding ? *impl_->published_db : impl_->db;
        counts.documents = published.get_doccount();
        const std::string prefix(schema::kFileStatePrefix);
        for (auto it = published.metadata_keys_begin(prefix); it != published.metadata_keys_end(prefix); ++it) {
            const std::string& key = *it;
            const std::string tag = format::tag_of_record(std::string_view(key).substr(prefix.size()),
                                                  published.get_metadata(key));
            if (tag.empty()) continue;
            counts.tag_documents[tag] = published.get_termfreq(format::tag_term(tag));
        }
        if (!rebuilding || !count_dropped) return counts;
        const std::string id_prefix(schema::kIdPrefix);
        for (auto t = published.allterms_begin(id_prefix); t != published.allterms_end(id_prefix); ++t) {
            const std::string& key = *t;
            // An id lives in the shard of the worker it was given to (worker_for).
            const std::string id = key.substr(id_prefix.size());
            if (!impl_->worker_for(id).shard.term_exists(key)) ++counts.dropped;
        }
    } catch (const Xapian::Error& e) {
        if (!rebuilding) detail::rethrow_xapian(e, impl_->context());
        impl_->published_db.reset();  // damaged: not compared (see the constructor)
        return {};
    }
    return counts;
}

std::string IndexWriter::metadata(const std::string& key) const {
    check_metadata_key(key);
    if (impl_->rebuilding()) {
        const auto it = impl_->rebuild_metadata.find(key);
        return it == impl_->rebuild_metadata.end() ? std::string() : it->second;
    }
    try {
        return impl_->db.get_metadata(key);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::set_metadata(const std::string& key, const std::string& value) {
    check_metadata_key(key);
    if (impl_->rebuilding()) {
        impl_->rebuild_metadata[key] = value;
        return;
    }
    try {
        impl_->db.set_metadata(key, value);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::vector<std::string> IndexWriter::metadata_keys(const std::string& prefix) const {
    const auto application = [](const std::string& key) {
        return key.rfind(kReservedMetadataPrefix, 0) != 0;
    };
    std::vector<std::string> keys;
    if (impl_->rebuilding()) {
        for (auto it = impl_->rebuild_metadata.lower_bound(prefix);
             it != impl_->rebuild_metadata.end() && it->first.rfind(prefix, 0) == 0; ++it) {
            if (!it->second.empty()) keys.push_back(it->first);
        }
        return keys;
    }
    try {
        Xapian::WritableDatabase& db = impl_->db;
        for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
            if (application(*it)) keys.push_back(*it);
        }
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
    return keys;
}

bool IndexWriter::delete_document(const std::string& id) {
    const std::string key = std::string(schema::kIdPrefix) + id;
    impl_->drain();
    Xapian::WritableDatabase& db = impl_->rebuilding() ? impl_->worker_for(id).shard : impl_->db;
    try {
        if (!db.term_exists(key)) return false;
        db.delete_document(key);
        ++impl_->pending;
        return true;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", document \"" + id + "\"");
    }
}

void IndexWriter::commit() {
    if (impl_->published) throw LogicError(impl_->context() + ": the writer was published; open a new one");
    try {
        if (impl_->rebuilding()) {
            // Tag records and metadata go to the first shard before the workers commit their
            // shards.
            impl_->drain();
            Xapian::WritableDatabase& first = impl_->workers.front()->shard;
            for (const auto& [tag, record] : impl_->rebuild_tag_records) {
                first.set_metadata(format::tag_record_key(tag),
                                   record.empty() ? record : format::encode_tag_record(tag, record));
            }
            for (const auto& [key, value] : impl_->rebuild_metadata) first.set_metadata(key, value);
            impl_->commit_shards();
        } else {
            impl_->drain();
            impl_->write_vocabularies();
            if (impl_->in_transaction) {
                impl_->in_transaction = false;
                impl_->db.commit_transaction();
                impl_->begin();
            }
        }
        impl_->pending = 0;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ": commit failed");
    }
}

std::size_t IndexWriter::document_count() const {
    impl_->drain();
    try {
        if (!impl_->rebuilding()) return impl_->db.get_doccount();
        std::size_t n = 0;
        for (const auto& worker : impl_->workers) n += worker->shard.get_doccount();
        return n;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

const std::string& IndexWriter::path() const noexcept { return impl_->path; }

}  // namespace lupe

// IndexWriter, the facade: checks its options and each document, opens the index under the
// writers' lock, and hands the work to the parts that do it:
//   document_builder    a Document's checks, and its Xapian document (terms, values, data)
//   worker_pool         the threads that build documents, and delivery back to the caller
//   incremental_target  writing into the published generation, in a transaction
//   rebuild_target      building a new index beside it, published atomically
// Xapian's exceptions are mapped to lupe's here, naming the index (and the document).
#include "lupe/index_writer.hpp"

#include <filesystem>
#include <memory>
#include <utility>

#include <xapian.h>

#include "analysis/decompounder.hpp"
#include "common/xapian_error.hpp"
#include "format/index_layout.hpp"
#include "format/schema.hpp"
#include "format/tag_records.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/incremental_target.hpp"
#include "indexer/rebuild_target.hpp"
#include "indexer/worker_pool.hpp"
#include "lupe/error.hpp"

namespace lupe {
namespace fs = std::filesystem;
namespace schema = format::schema;

namespace {

// A directory that is neither empty nor a Xapian database must not be written into:
// `lupe-index --index ~/Documents` would otherwise scatter index files among the user's.
void refuse_foreign_directory(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    if (!fs::is_directory(path, ec)) {
        throw IndexCorruptError("index " + path + ": exists and is not a directory");
    }
    if (fs::is_empty(path, ec)) return;
    for (const char* marker : format::kXapianDatabaseMarkers) {
        if (fs::exists(fs::path(path) / marker, ec)) return;
    }
    for (const char* marker : {format::kStubName, format::kLockName}) {
        if (fs::exists(fs::path(path) / marker, ec)) return;
    }
    throw IndexCorruptError("index " + path +
                            ": directory is not empty and holds no Xapian database; "
                            "give the writer a new or empty directory for the index");
}

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

struct IndexWriter::Impl {
    // Declared first, so that it is released last, after the databases are closed.
    std::unique_ptr<format::WriterLock> lock;
    std::string path;
    IndexWriterOptions options;
    std::unique_ptr<indexer::DocumentBuilder> builder;
    std::unique_ptr<indexer::WriteTarget> target;
    // Declared last, so that the workers stop before the target and builder they use go.
    std::unique_ptr<indexer::WorkerPool> pool;
    bool published = false;  // a rebuild was published: the writer is done

    std::string context() const { return "index " + path; }

    // After publish() (or a publish() that failed) the workers are gone.
    void usable() const { pool->check_running(); }
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
    const IndexWriterOptions& opts = impl_->options;
    analysis::AnalysisConfig analysis;
    analysis.fold = opts.fold;
    if (opts.compound_levels > analysis::kMaxLevels) {
        throw InvalidArgumentError("IndexWriterOptions::compound_levels " +
                              std::to_string(opts.compound_levels) + " is out of range 0..." +
                              std::to_string(analysis::kMaxLevels) + " (0: every level)");
    }
    analysis.compound_levels = opts.compound_levels;
    if (opts.decompound) {
        // Read when the first German document is analysed (DocumentBuilder), not here: a
        // run over English documents needs no list.
        analysis.decompounder = analysis::Decompounder::lazy(analysis::german_word_list_source(
            opts.german_word_list, "IndexWriterOptions::german_word_list"));
    }
    impl_->builder = std::make_unique<indexer::DocumentBuilder>(
        impl_->context(), opts.default_lang, opts.title_weight, std::move(analysis));
    refuse_foreign_directory(path);
    std::error_code ec;
    const bool created_directory = !fs::exists(path, ec);
    fs::create_directories(path, ec);
    if (ec) throw IoError("index " + path + ": cannot create the directory: " + ec.message());
    impl_->lock = std::make_unique<format::WriterLock>(path, opts.lock_wait_seconds);
    try {
        const bool plain_database = fs::exists(fs::path(path) / format::kGlassMarker, ec);
        const std::size_t workers = indexer::worker_count(opts.jobs);
        if (opts.rebuild) {
            impl_->target = std::make_unique<indexer::RebuildTarget>(
                path, plain_database, created_directory, workers, opts, *impl_->builder,
                impl_->lock);
        } else {
            impl_->target = std::make_unique<indexer::IncrementalTarget>(path, plain_database, opts,
                                                                         *impl_->builder);
        }
        impl_->pool = std::make_unique<indexer::WorkerPool>(workers, *impl_->builder,
                                                            *impl_->target, impl_->context());
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::publish() {
    commit();
    if (impl_->published) return;
    try {
        impl_->published = impl_->target->publish(*impl_->pool);
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
    indexer::check_document(doc);
    // Documents written since the last commit (by earlier calls) reached the batch size.
    if (impl_->target->batch_full()) commit();
    indexer::QueuedDocument q;
    q.key = std::string(schema::kIdPrefix) + doc.id;
    q.doc = std::move(doc);
    q.tag = std::move(tag);
    if (impl_->target->compare_with_indexed(q)) {
        // The same content is indexed: nothing to write.
        impl_->pool->call_back(done, q.outcome, impl_->pool->accept());
        return;
    }
    q.done = std::move(done);
    q.sequence = impl_->pool->accept();
    impl_->pool->queue(std::move(q));
}

void IndexWriter::wait() { impl_->pool->drain(); }

bool IndexWriter::rebuilding() const noexcept { return impl_->target->rebuilding(); }

ShardRouting IndexWriter::shard_routing() const noexcept { return impl_->target->routing(); }

std::string IndexWriter::tag_record(const std::string& tag) const {
    try {
        return impl_->target->tag_record(tag);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::set_tag_record(const std::string& tag, const std::string& record) {
    if (tag.empty()) throw InvalidArgumentError(impl_->context() + ": a tag record needs a tag");
    try {
        impl_->target->set_tag_record(tag, record);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t IndexWriter::count_tagged(const std::string& tag) const {
    impl_->pool->drain();
    try {
        const std::string term = format::tag_term(tag);
        std::size_t n = 0;
        for (Xapian::WritableDatabase* db : impl_->target->databases()) n += db->get_termfreq(term);
        return n;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t IndexWriter::delete_tagged(const std::string& tag,
                                       const std::function<bool(const std::string&)>& keep) {
    impl_->pool->drain();
    try {
        const std::string term = format::tag_term(tag);
        std::size_t deleted = 0;
        for (Xapian::WritableDatabase* db : impl_->target->databases()) {
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
        impl_->target->deleted(deleted);
        return deleted;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::vector<std::string> IndexWriter::recorded_tags() const {
    try {
        return impl_->target->recorded_tags();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::string IndexWriter::document_tag(const std::string& id, const std::string& likely) const {
    return impl_->target->document_tag(id, likely);
}

PublishedIndexCounts IndexWriter::published_counts(bool count_dropped) const {
    impl_->pool->drain();
    try {
        return impl_->target->published_counts(count_dropped);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::string IndexWriter::metadata(const std::string& key) const {
    check_metadata_key(key);
    try {
        return impl_->target->metadata(key);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::set_metadata(const std::string& key, const std::string& value) {
    check_metadata_key(key);
    try {
        impl_->target->set_metadata(key, value);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::vector<std::string> IndexWriter::metadata_keys(const std::string& prefix) const {
    try {
        return impl_->target->metadata_keys(prefix);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

bool IndexWriter::delete_document(const std::string& id) {
    const std::string key = std::string(schema::kIdPrefix) + id;
    impl_->pool->drain();
    Xapian::WritableDatabase& db = impl_->target->database_for(id);
    try {
        if (!db.term_exists(key)) return false;
        db.delete_document(key);
        impl_->target->deleted(1);
        return true;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", document \"" + id + "\"");
    }
}

void IndexWriter::commit() {
    if (impl_->published) throw LogicError(impl_->context() + ": the writer was published; open a new one");
    try {
        impl_->pool->drain();
        impl_->target->commit(*impl_->pool);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ": commit failed");
    }
}

std::size_t IndexWriter::document_count() const {
    impl_->pool->drain();
    try {
        std::size_t n = 0;
        for (Xapian::WritableDatabase* db : impl_->target->databases()) n += db->get_doccount();
        return n;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

const std::string& IndexWriter::path() const noexcept { return impl_->path; }

}  // namespace lupe

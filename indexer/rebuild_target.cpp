#include "indexer/rebuild_target.hpp"

#include <unistd.h>

#include <filesystem>

#include "common/xapian_error.hpp"
#include "format/analysis_config.hpp"
#include "format/schema.hpp"
#include "format/shard_routing.hpp"
#include "format/tag_records.hpp"
#include "format/vocabulary.hpp"
#include "indexer/worker_pool.hpp"
#include "lupe/error.hpp"

namespace lupe::indexer {

namespace fs = std::filesystem;
namespace schema = format::schema;

namespace {

// A rebuild's database is committed when the documents written since its last commit hold
// this many words (Xapian's own threshold counts documents, 10,000 by default). Xapian's
// in-memory posting maps get slower as they grow, and each commit has a fixed cost;
// measured with bench/throughput.sh on 2 cores (wall seconds): see docs/performance.md.
constexpr std::size_t kShardFlushWords = 50000;

// A worker's vocabulary counts are written to its database when they hold this many
// words (and at every commit): bounds their memory on corpora with huge vocabularies.
constexpr std::size_t kVocabularyFlushWords = 1000000;

}  // namespace

RebuildTarget::RebuildTarget(const std::string& path, bool plain_database, bool created_directory,
                             std::size_t workers, const IndexWriterOptions& options,
                             const DocumentBuilder& builder,
                             std::unique_ptr<format::WriterLock>& lock)
    : path_(path), created_directory_(created_directory), builder_(builder), lock_(lock) {
    if (plain_database) {
        throw RuntimeError("index " + path + ": a single-database index of lupe "
                           "0.1 cannot be rebuilt in place; build into a new directory");
    }
    build_dir_ = (fs::path(path) / format::build_directory_name(::getpid())).string();
    try {
        std::error_code ec;
        fs::remove_all(build_dir_, ec);
        fs::create_directories(build_dir_, ec);
        if (ec) {
            throw IoError("index " + path + ": cannot create " + build_dir_ + ": " + ec.message());
        }
        const auto published = format::published_generation(path);
        if (published) {
            try {
                published_db_.emplace((fs::path(path) / *published).string());
            } catch (const Xapian::Error&) {
                // A damaged index is what a rebuild repairs: it is built without comparing
                // (its counts are those of a new index).
            }
        }
        if (options.shard && published) {
            // A rebuild keeps the routing of the shard it replaces: the other shards of the
            // index keep theirs too (and a run stopped between shards leaves them agreeing).
            const Xapian::Database replaced((fs::path(path) / *published).string());
            routing_ = format::parse_shard_routing(
                replaced.get_metadata(std::string(format::kShardRoutingKey)),
                !replaced.get_metadata(std::string(schema::kFormatKey)).empty(), path);
        }
        for (std::size_t i = 0; i < workers; ++i) {
            // Nothing is published until the compacted copy is: no need to sync, and no
            // reader can see blocks being overwritten in place.
            Shard shard;
            shard.db = Xapian::WritableDatabase(
                (fs::path(build_dir_) / format::build_shard_name(i)).string(),
                Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
            shards_.push_back(std::move(shard));
        }
        Xapian::WritableDatabase& first = shards_.front().db;
        first.set_metadata(std::string(schema::kFormatKey), std::string(schema::kFormatValue));
        first.set_metadata(std::string(schema::kAnalysisKey),
                           format::describe(builder.analysis_config()));
        if (options.shard) {
            first.set_metadata(std::string(format::kShardRoutingKey),
                               std::string(format::shard_routing_value(routing_)));
        }
    } catch (...) {
        remove_unpublished_build();
        throw;
    }
}

RebuildTarget::~RebuildTarget() {
    if (!published_) remove_unpublished_build();
}

// A rebuild that is never published (a failed run, a refused one) leaves nothing behind:
// its build directory goes, and so does an index directory this writer created, when
// nothing was ever published in it, so that a refused first run does not leave a folder
// that looks like an index. Never throws.
void RebuildTarget::remove_unpublished_build() noexcept {
    std::error_code ec;
    for (auto& shard : shards_) {
        try {
            shard.db.close();
        } catch (const Xapian::Error&) {
            // Closing an unpublished database can only fail to write what is dropped anyway.
        }
    }
    fs::remove_all(build_dir_, ec);
    if (!created_directory_ || format::published_generation(path_)) return;
    lock_.reset();
    fs::remove(fs::path(path_) / format::kLockName, ec);
    fs::remove(path_, ec);  // only if it is empty now
}

bool RebuildTarget::compare_with_indexed(QueuedDocument& q) {
    if (!published_db_) return false;
    // The rebuild tells what it does to the published index: one id lookup.
    q.hash = builder_.content_hash(q.doc, q.tag);
    try {
        Xapian::Database& published = *published_db_;
        const Xapian::PostingIterator existing = published.postlist_begin(q.key);
        if (existing != published.postlist_end(q.key)) {
            q.outcome.replaced = true;
            q.outcome.unchanged =
                published.get_document(*existing).get_value(schema::kContentHashSlot) == q.hash;
        }
    } catch (const Xapian::Error&) {
        published_db_.reset();  // damaged: not compared (see the constructor)
        q.outcome = AddOutcome();
    }
    return false;  // a rebuild holds every document it is given
}

void RebuildTarget::write_built(std::size_t worker, analysis::Analyzer& analyzer,
                                QueuedDocument& q) {
    Shard& shard = shards_[worker];
    try {
        // replaced: in the published index (see compare_with_indexed) or earlier in this
        // rebuild
        q.outcome.replaced = q.outcome.replaced || shard.db.term_exists(q.key);
        shard.db.replace_document(q.key, q.xdoc);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, "index " + path_ + ", document \"" + q.doc.id + "\"");
    }
    q.xdoc = Xapian::Document();
    shard.since_flush += q.words;
    if (shard.since_flush >= kShardFlushWords) {
        shard.since_flush = 0;
        if (analyzer.vocabulary().size() >= kVocabularyFlushWords) flush_vocabulary(shard, analyzer);
        shard.db.commit();
    }
}

void RebuildTarget::flush_vocabulary(Shard& shard, analysis::Analyzer& analyzer) const {
    format::write_vocabulary(shard.db, analyzer.vocabulary(), shard.fresh);
    analyzer.clear_vocabulary();
    shard.fresh = false;
    // Every database that saw the list records it, the same value: the compactor keeps one.
    builder_.record_word_list(shard.db, shard.recorded_word_list);
}

void RebuildTarget::commit_worker(std::size_t worker, analysis::Analyzer& analyzer) {
    Shard& shard = shards_[worker];
    flush_vocabulary(shard, analyzer);
    shard.db.commit();
    shard.since_flush = 0;
}

std::vector<Xapian::WritableDatabase*> RebuildTarget::databases() {
    std::vector<Xapian::WritableDatabase*> all;
    for (auto& shard : shards_) all.push_back(&shard.db);
    return all;
}

Xapian::WritableDatabase& RebuildTarget::database_for(const std::string& id) {
    return shards_[worker_of(id, shards_.size())].db;
}

std::string RebuildTarget::tag_record(const std::string& tag) const {
    const auto it = tag_records_.find(tag);
    return it == tag_records_.end() ? std::string() : it->second;
}

void RebuildTarget::set_tag_record(const std::string& tag, const std::string& record) {
    tag_records_[tag] = record;
}

std::vector<std::string> RebuildTarget::recorded_tags() const {
    std::vector<std::string> tags;
    for (const auto& [tag, record] : tag_records_) {
        if (!record.empty()) tags.push_back(tag);
    }
    return tags;
}

std::string RebuildTarget::metadata(const std::string& key) const {
    const auto it = metadata_.find(key);
    return it == metadata_.end() ? std::string() : it->second;
}

void RebuildTarget::set_metadata(const std::string& key, const std::string& value) {
    metadata_[key] = value;
}

std::vector<std::string> RebuildTarget::metadata_keys(const std::string& prefix) const {
    std::vector<std::string> keys;
    for (auto it = metadata_.lower_bound(prefix);
         it != metadata_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
        if (!it->second.empty()) keys.push_back(it->first);
    }
    return keys;
}

// The generation published when the writer was opened, which publish() replaces.
PublishedIndexCounts RebuildTarget::published_counts(bool count_dropped) {
    PublishedIndexCounts counts;
    if (!published_db_) return counts;
    try {
        const Xapian::Database& published = *published_db_;
        counts.documents = published.get_doccount();
        counts.tag_documents = format::tagged_document_counts(published);
        if (!count_dropped) return counts;
        const std::string id_prefix(schema::kIdPrefix);
        for (auto t = published.allterms_begin(id_prefix); t != published.allterms_end(id_prefix); ++t) {
            const std::string& key = *t;
            // An id lives in the database of the worker it was given to.
            if (!database_for(key.substr(id_prefix.size())).term_exists(key)) ++counts.dropped;
        }
    } catch (const Xapian::Error&) {
        published_db_.reset();  // damaged: not compared (see the constructor)
        return {};
    }
    return counts;
}

void RebuildTarget::commit(WorkerPool& pool) {
    // Tag records and metadata go to the first database before the workers commit theirs.
    Xapian::WritableDatabase& first = shards_.front().db;
    for (const auto& [tag, record] : tag_records_) {
        first.set_metadata(format::tag_record_key(tag),
                           record.empty() ? record : format::encode_tag_record(tag, record));
    }
    for (const auto& [key, value] : metadata_) first.set_metadata(key, value);
    // Each worker writes its vocabulary counts and commits its database, in parallel.
    pool.commit_workers();
}

bool RebuildTarget::publish(WorkerPool& pool) {
    pool.stop();
    Xapian::Database built;
    for (std::size_t i = 0; i < shards_.size(); ++i) {
        shards_[i].db.close();
        built.add_database(
            Xapian::Database((fs::path(build_dir_) / format::build_shard_name(i)).string()));
    }
    const auto next = format::next_generation(format::published_generation(path_));
    const std::string next_dir = (fs::path(path_) / next).string();
    std::error_code ec;
    fs::remove_all(next_dir, ec);
    // Compaction merges the databases into a fresh, dense copy; it is what searchers will
    // open, so the build itself never had to be synced.
    format::ShardCompactor compactor;
    built.compact(next_dir, 0, 0, compactor);
    for (const Shard& shard : shards_) {
        if (shard.recorded_word_list.empty()) continue;
        builder_.write_compiled_word_list(next_dir, shard.recorded_word_list);
        break;
    }
    format::publish_generation(path_, next);
    published_ = true;
    fs::remove_all(build_dir_, ec);
    format::remove_unused_generations(path_, next);
    return true;
}

}  // namespace lupe::indexer

// The rebuild target: an IndexWriter that builds a new index beside the published one
// (IndexWriterOptions::rebuild), published atomically by publish().
//
// Design note. Each worker writes the documents it builds into its own database in the
// rebuild's directory (DIR/build-PID/shard-K, format/index_layout.hpp), so that workers
// never wait for each other or for the caller; nobody reads these databases, so they are
// written without syncing. publish() compacts them into the next generation (Xapian's
// Compactor, which adds up the vocabulary: format/vocabulary.hpp), and renames a new stub
// over the old one: searchers see the old index or the new one. Tags' records and
// application metadata are kept here until commit(), which writes them to the first
// database. Documents are compared with the generation published when the writer was
// opened, to say what the rebuild replaces, keeps and drops. A rebuild that is never
// published leaves nothing behind.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/index_layout.hpp"
#include "indexer/write_target.hpp"

namespace lupe::indexer {

class RebuildTarget final : public WriteTarget {
public:
    /// Creates the rebuild's directory and one database for each of `workers`, and opens
    /// the published generation to compare with (when it can be read). `lock`: the
    /// writer's lock, released before an index directory this writer created is removed
    /// again (`created_directory`). Throws Xapian::Error, RuntimeError, IoError,
    /// IndexCorruptError; leaves nothing behind when it does.
    RebuildTarget(const std::string& path, bool plain_database, bool created_directory,
                  std::size_t workers, const IndexWriterOptions& options,
                  const DocumentBuilder& builder, std::unique_ptr<format::WriterLock>& lock);
    /// Removes what was built unless it was published. Never throws.
    ~RebuildTarget() override;

    bool rebuilding() const noexcept override { return true; }
    ShardRouting routing() const noexcept override { return routing_; }

    bool batch_full() const override { return false; }  // committed by words (write_built)
    bool compare_with_indexed(QueuedDocument& q) override;
    void write_built(std::size_t worker, analysis::Analyzer& analyzer, QueuedDocument& q) override;
    void commit_worker(std::size_t worker, analysis::Analyzer& analyzer) override;
    void write_delivered(QueuedDocument&) override {}

    std::vector<Xapian::WritableDatabase*> databases() override;
    Xapian::WritableDatabase& database_for(const std::string& id) override;
    void deleted(std::size_t) override {}

    std::string tag_record(const std::string& tag) const override;
    void set_tag_record(const std::string& tag, const std::string& record) override;
    std::vector<std::string> recorded_tags() const override;
    std::string metadata(const std::string& key) const override;
    void set_metadata(const std::string& key, const std::string& value) override;
    std::vector<std::string> metadata_keys(const std::string& prefix) const override;
    /// A rebuild holds only what it was given: "" for every id.
    std::string document_tag(const std::string&, const std::string&) override { return {}; }
    PublishedIndexCounts published_counts(bool count_dropped) override;

    void commit(WorkerPool& pool) override;
    bool publish(WorkerPool& pool) override;

private:
    // A worker's database in the rebuild's directory.
    struct Shard {
        Xapian::WritableDatabase db;
        bool fresh = true;             // no vocabulary written to it yet
        std::size_t since_flush = 0;   // words written since its last commit
        std::string recorded_word_list;  // the German word list recorded in it
    };

    void flush_vocabulary(Shard& shard, analysis::Analyzer& analyzer) const;
    void remove_unpublished_build() noexcept;

    std::string path_;
    bool created_directory_;
    const DocumentBuilder& builder_;
    std::unique_ptr<format::WriterLock>& lock_;
    std::string build_dir_;
    std::vector<Shard> shards_;
    ShardRouting routing_ = ShardRouting::fnv1a64;
    bool published_ = false;
    // The generation published when the writer was opened (if any), read-only, to count
    // kept documents as updated or unchanged and dropped ones as deleted.
    std::optional<Xapian::Database> published_db_;
    // Tag records and application metadata set so far, "" for removed (written to the
    // first database on commit).
    std::map<std::string, std::string> tag_records_;
    std::map<std::string, std::string> metadata_;
};

}  // namespace lupe::indexer

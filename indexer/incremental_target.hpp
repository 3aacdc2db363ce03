// The incremental target: an IndexWriter that writes into the published generation.
//
// Design note. Documents are built by the workers and written by the caller's thread when
// they are delivered, in the order given, into the published generation, inside a Xapian
// transaction. Searchers see each commit, never half a batch, and what commit() has not
// made durable is discarded on close rather than committed behind the caller's back by
// WritableDatabase's destructor (which would also swallow a failed commit). A document
// whose content hash equals the indexed one is not written at all.
#pragma once

#include <string>
#include <unordered_set>

#include "indexer/write_target.hpp"

namespace lupe::indexer {

class IncrementalTarget final : public WriteTarget {
public:
    /// Opens (creating it when there is none) the published generation of the index at
    /// `path` (or the single database of a lupe 0.1 index, `plain_database`), checks that
    /// it is compatible with the writer's analysis (format/compatibility.hpp) and records
    /// what a new index must. Throws Xapian::Error, IndexCorruptError, RuntimeError.
    IncrementalTarget(const std::string& path, bool plain_database, const IndexWriterOptions& options,
                      DocumentBuilder& builder);
    /// Discards what was not committed. Never throws.
    ~IncrementalTarget() override;

    bool rebuilding() const noexcept override { return false; }
    ShardRouting routing() const noexcept override { return routing_; }

    bool batch_full() const override;
    bool compare_with_indexed(QueuedDocument& q) override;
    void write_built(std::size_t, analysis::Analyzer&, QueuedDocument&) override {}
    void commit_worker(std::size_t, analysis::Analyzer&) override {}
    void write_delivered(QueuedDocument& q) override;

    std::vector<Xapian::WritableDatabase*> databases() override { return {&db_}; }
    Xapian::WritableDatabase& database_for(const std::string&) override { return db_; }
    void deleted(std::size_t count) override { pending_ += count; }

    std::string tag_record(const std::string& tag) const override;
    void set_tag_record(const std::string& tag, const std::string& record) override;
    std::vector<std::string> recorded_tags() const override;
    std::string metadata(const std::string& key) const override;
    void set_metadata(const std::string& key, const std::string& value) override;
    std::vector<std::string> metadata_keys(const std::string& prefix) const override;
    std::string document_tag(const std::string& id, const std::string& likely) override;
    PublishedIndexCounts published_counts(bool count_dropped) override;

    void commit(WorkerPool& pool) override;
    bool publish(WorkerPool& pool) override;

private:
    void begin();

    std::string path_;
    std::size_t batch_size_;
    DocumentBuilder& builder_;
    std::string generation_;  // the published generation written to; empty for lupe 0.1's
    Xapian::WritableDatabase db_;
    bool in_transaction_ = false;
    std::size_t pending_ = 0;  // documents written or deleted since the last commit
    ShardRouting routing_ = ShardRouting::fnv1a64;
    // document_tag()'s likely tag and the documents tagged with it when it was first asked
    // about: one pass over the tag's posting list instead of a lookup per document. Docids
    // are never reused, so a document added or deleted since can only miss the set (and
    // take the longer way), never be found in it wrongly.
    std::string likely_tag_;
    std::unordered_set<Xapian::docid> likely_docids_;
};

}  // namespace lupe::indexer

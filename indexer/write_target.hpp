// Where an IndexWriter writes: the published generation, in a transaction (incremental,
// incremental_target.hpp), or a new index built beside it, one database per worker,
// compacted and published atomically (rebuild, rebuild_target.hpp).
//
// Design note. The two are different writers behind one API: they differ in where a
// document is written (by the caller on delivery, or by its worker), what it is compared
// with, where tags and metadata are kept until commit, what commit and publish do, and
// what is left to clean up. Each IndexWriter member that depends on it makes one call
// here instead of asking which it is. Members throw Xapian::Error; the IndexWriter facade
// maps it at the library boundary, naming what it was doing.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "indexer/document_builder.hpp"
#include "lupe/index_writer.hpp"

namespace lupe::indexer {

class WorkerPool;

class WriteTarget {
public:
    virtual ~WriteTarget() = default;

    /// IndexWriter::rebuilding().
    virtual bool rebuilding() const noexcept = 0;
    /// The routing the index records (IndexWriterOptions::shard).
    virtual ShardRouting routing() const noexcept = 0;

    /// Caller thread, before a document is accepted: enough written since the last commit
    /// that the writer commits on its own (IndexWriterOptions::batch_size).
    virtual bool batch_full() const = 0;
    /// Caller thread: compares a document (q.doc, q.tag, q.key set) with the one indexed
    /// under its id, filling q.outcome (and q.hash when it is computed here). Returns true
    /// when nothing is to be written: the same content is indexed already.
    virtual bool compare_with_indexed(QueuedDocument& q) = 0;

    /// Worker thread `worker`, after the document was built with that worker's analyzer.
    virtual void write_built(std::size_t worker, analysis::Analyzer& analyzer,
                             QueuedDocument& q) = 0;
    /// Worker thread `worker`, when WorkerPool::commit_workers() asks every worker to commit.
    virtual void commit_worker(std::size_t worker, analysis::Analyzer& analyzer) = 0;
    /// Caller thread, when a built document is delivered (before its callback).
    virtual void write_delivered(QueuedDocument& q) = 0;

    /// The databases documents are written to (workers idle).
    virtual std::vector<Xapian::WritableDatabase*> databases() = 0;
    /// The database a document with this id is written to (workers idle).
    virtual Xapian::WritableDatabase& database_for(const std::string& id) = 0;
    /// Documents were deleted (they count towards batch_full()).
    virtual void deleted(std::size_t count) = 0;

    /// IndexWriter's tag records and application metadata (keys checked by the caller).
    virtual std::string tag_record(const std::string& tag) const = 0;
    virtual void set_tag_record(const std::string& tag, const std::string& record) = 0;
    virtual std::vector<std::string> recorded_tags() const = 0;
    virtual std::string metadata(const std::string& key) const = 0;
    virtual void set_metadata(const std::string& key, const std::string& value) = 0;
    virtual std::vector<std::string> metadata_keys(const std::string& prefix) const = 0;
    /// IndexWriter::document_tag().
    virtual std::string document_tag(const std::string& id, const std::string& likely) = 0;
    /// IndexWriter::published_counts() (workers idle).
    virtual PublishedIndexCounts published_counts(bool count_dropped) = 0;

    /// Makes everything written durable (workers idle, `pool` drained).
    virtual void commit(WorkerPool& pool) = 0;
    /// After commit(): makes it visible to searchers. Returns true when the writer is done
    /// (a rebuild was published; its workers are stopped).
    virtual bool publish(WorkerPool& pool) = 0;
};

}  // namespace lupe::indexer

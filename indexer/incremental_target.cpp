#include "indexer/incremental_target.hpp"

#include <filesystem>
#include <optional>

#include "common/xapian_error.hpp"
#include "format/analysis_config.hpp"
#include "format/compatibility.hpp"
#include "format/index_layout.hpp"
#include "format/schema.hpp"
#include "format/shard_routing.hpp"
#include "format/stored_document.hpp"
#include "format/tag_records.hpp"
#include "format/vocabulary.hpp"
#include "indexer/worker_pool.hpp"
#include "analysis/language.hpp"
#include "analysis/stemmer.hpp"

namespace lupe::indexer {

namespace fs = std::filesystem;
namespace schema = format::schema;

IncrementalTarget::IncrementalTarget(const std::string& path, bool plain_database,
                                     const IndexWriterOptions& options, DocumentBuilder& builder)
    : path_(path), batch_size_(options.batch_size), builder_(builder) {
    std::string db_path = path;
    if (!plain_database) {
        auto generation = format::published_generation(path);
        if (!generation) {
            generation = format::next_generation(std::nullopt);
            Xapian::WritableDatabase((fs::path(path) / *generation).string(),
                                     Xapian::DB_CREATE_OR_OPEN)
                .commit();
            format::publish_generation(path, *generation);
        }
        db_path = (fs::path(path) / *generation).string();
        generation_ = *generation;
    }
    db_ = Xapian::WritableDatabase(db_path, Xapian::DB_CREATE_OR_OPEN);
    const std::string wanted = format::describe(builder.analysis_config());
    const format::IndexRecord record = format::read_index_record(db_);
    const format::Compatibility compatibility = format::check_compatibility(
        record, "index " + path, format::ExpectedAnalysis{wanted, format::AnalysisPeer::kWriterOptions});
    if (compatibility.record_format) {
        db_.set_metadata(std::string(schema::kFormatKey), std::string(schema::kFormatValue));
    }
    if (compatibility.record_analysis) db_.set_metadata(std::string(schema::kAnalysisKey), wanted);
    if (options.shard) {
        routing_ = format::parse_shard_routing(
            db_.get_metadata(std::string(format::kShardRoutingKey)), !record.format.empty(), path);
        db_.set_metadata(std::string(format::kShardRoutingKey),
                         std::string(format::shard_routing_value(routing_)));
    }
    // An index without documents holds nothing split with the list it recorded.
    const std::string word_list_key(schema::kGermanWordListKey);
    if (db_.get_doccount() == 0) db_.set_metadata(word_list_key, "");
    builder.set_recorded_word_list(db_.get_metadata(word_list_key));
    db_.commit();
    begin();
}

IncrementalTarget::~IncrementalTarget() {
    if (!in_transaction_) return;
    try {
        db_.cancel_transaction();
    } catch (const Xapian::Error&) {
        // Nothing was committed, nothing can be lost: the index keeps its last commit.
    }
}

void IncrementalTarget::begin() {
    db_.begin_transaction(/*flushed=*/true);
    in_transaction_ = true;
}

bool IncrementalTarget::batch_full() const {
    return batch_size_ && pending_ >= batch_size_;
}

bool IncrementalTarget::compare_with_indexed(QueuedDocument& q) {
    // A document indexed with the same content is left alone.
    q.hash = builder_.content_hash(q.doc, q.tag);
    try {
        const Xapian::PostingIterator existing = db_.postlist_begin(q.key);
        if (existing == db_.postlist_end(q.key)) return false;
        q.outcome.replaced = true;
        const Xapian::Document old = db_.get_document(*existing);
        if (old.get_value(schema::kContentHashSlot) != q.hash) return false;
        AddOutcome outcome;
        outcome.unchanged = true;
        outcome.lang = format::decode_fields(old.get_data()).lang;
        outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
        q.outcome = std::move(outcome);
        return true;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, "index " + path_ + ", document \"" + q.doc.id + "\"");
    }
}

void IncrementalTarget::write_delivered(QueuedDocument& q) {
    try {
        db_.replace_document(q.key, q.xdoc);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, "index " + path_ + ", document \"" + q.doc.id + "\"");
    }
    q.xdoc = Xapian::Document();
    ++pending_;
}

std::string IncrementalTarget::tag_record(const std::string& tag) const {
    return format::decode_tag_record(tag, db_.get_metadata(format::tag_record_key(tag)));
}

void IncrementalTarget::set_tag_record(const std::string& tag, const std::string& record) {
    db_.set_metadata(format::tag_record_key(tag),
                     record.empty() ? record : format::encode_tag_record(tag, record));
}

std::vector<std::string> IncrementalTarget::recorded_tags() const {
    return format::recorded_tags(db_);
}

std::string IncrementalTarget::metadata(const std::string& key) const {
    return db_.get_metadata(key);
}

void IncrementalTarget::set_metadata(const std::string& key, const std::string& value) {
    db_.set_metadata(key, value);
}

std::vector<std::string> IncrementalTarget::metadata_keys(const std::string& prefix) const {
    std::vector<std::string> keys;
    for (auto it = db_.metadata_keys_begin(prefix); it != db_.metadata_keys_end(prefix); ++it) {
        const std::string& key = *it;
        if (key.rfind(kReservedMetadataPrefix, 0) != 0) keys.push_back(key);
    }
    return keys;
}

std::string IncrementalTarget::document_tag(const std::string& id, const std::string& likely) {
    const std::string key = std::string(schema::kIdPrefix) + id;
    try {
        const Xapian::PostingIterator existing = db_.postlist_begin(key);
        if (existing == db_.postlist_end(key)) return {};
        if (!likely.empty()) {
            // A file read again mostly holds its own documents: its set of docids answers
            // without reading the document's term list.
            if (likely_tag_ != likely) {
                likely_tag_ = likely;
                likely_docids_.clear();
                const std::string term = format::tag_term(likely);
                for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
                    likely_docids_.insert(*it);
                }
            }
            if (likely_docids_.count(*existing)) return likely;
        }
        const std::string prefix(schema::kSourceFilePrefix);
        Xapian::TermIterator term = db_.termlist_begin(*existing);
        term.skip_to(prefix);
        if (term == db_.termlist_end(*existing) || (*term).compare(0, prefix.size(), prefix) != 0) {
            return {};
        }
        // The tag term names the tag by hash; its record holds its name.
        const std::string hash = (*term).substr(prefix.size());
        return format::tag_of_record(hash,
                                     db_.get_metadata(std::string(schema::kFileStatePrefix) + hash));
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, "index " + path_ + ", document \"" + id + "\"");
    }
}

// The index as it is now, uncommitted changes included; nothing is dropped by an
// incremental run.
PublishedIndexCounts IncrementalTarget::published_counts(bool) {
    PublishedIndexCounts counts;
    counts.documents = db_.get_doccount();
    counts.tag_documents = format::tagged_document_counts(db_);
    return counts;
}

void IncrementalTarget::commit(WorkerPool& pool) {
    // The workers' vocabulary counts (the workers are idle).
    for (std::size_t i = 0; i < pool.size(); ++i) {
        format::write_vocabulary(db_, pool.analyzer(i).vocabulary(), false);
        pool.analyzer(i).clear_vocabulary();
    }
    builder_.record_word_list(db_);
    if (in_transaction_) {
        in_transaction_ = false;
        db_.commit_transaction();
        begin();
    }
    pending_ = 0;
    // After the commit that recorded the list: the copy never names a list the index does
    // not record. An index of lupe 0.5 gets its copy here too, on its next run.
    if (!generation_.empty()) builder_.write_compiled_word_list((fs::path(path_) / generation_).string());
}

// What is published stays; leftovers of killed runs (a rebuild's build directory, a
// generation compacted but never published) go.
bool IncrementalTarget::publish(WorkerPool&) {
    if (!generation_.empty()) format::remove_unused_generations(path_, generation_);
    return false;
}

}  // namespace lupe::indexer

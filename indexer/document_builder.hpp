// From a lupe::Document to the Xapian document the index holds: the checks a document
// must pass before it is accepted, and the building of its terms, values and stored
// fields (format/schema.hpp) on a worker thread.
//
// Design note. Checking happens on the caller's thread, when the document is given, so
// that a bad document is refused at once with its own DocumentError and nothing is queued;
// building happens on a worker thread with that worker's Analyzer. Everything the build
// needs from the writer (default language, title weight, the German splitter and the word
// list the index records) is held here, read-only while workers run.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "lupe/index_writer.hpp"

namespace lupe::indexer {

/// One document on its way through the pipeline, from add_document_async() to its callback.
struct QueuedDocument {
    Document doc;
    std::string tag;
    IndexWriter::AddCallback done;
    std::string key;   ///< id term
    std::string hash;  ///< content hash (computed on the caller's thread when it is compared)
    AddOutcome outcome;
    Xapian::Document xdoc;  ///< built by a worker; written by the caller (incremental runs)
    std::size_t words = 0;  ///< words indexed (positions), set by the worker
    std::uint64_t sequence = 0;  ///< order of acceptance, for callback cuts (WorkerPool)
    bool written = false;   ///< written to the index on delivery (incremental runs)
};

using Batch = std::vector<QueuedDocument>;

/// Throws DocumentError, naming the document, when `doc` cannot be indexed: no id, an id
/// too long or holding a control character, invalid UTF-8 in a field, all fields above
/// kMaxDocumentBytes, no text.
void check_document(const Document& doc);

/// Builds the Xapian documents of one writer.
class DocumentBuilder {
public:
    /// @param context "index DIR", for messages
    DocumentBuilder(std::string context, std::string default_lang, unsigned title_weight,
                    analysis::AnalysisConfig analysis_config);

    /// The analysis the writer's documents get (what the index records, and what each
    /// worker's Analyzer is built with).
    const analysis::AnalysisConfig& analysis_config() const { return analysis_config_; }

    /// What decides whether a document must be indexed again (format/tag_records.hpp).
    std::string content_hash(const Document& doc, const std::string& tag) const;

    /// Builds q.xdoc and q.outcome with `analyzer`, on a worker thread; sets q.hash when it
    /// is still empty. Throws WordListError when the document is German and the word list
    /// cannot be read.
    void build(analysis::Analyzer& analyzer, QueuedDocument& q) const;

    /// The German word list the index records (schema::kGermanWordListKey), empty when
    /// none; a German document built with another list gets a note, once per writer. Set
    /// while no worker builds.
    void set_recorded_word_list(std::string record) { recorded_word_list_ = std::move(record); }

    /// Records the German word list in `db` once it was loaded, unless `recorded` names one
    /// already (an incremental run keeps the list its older documents were split with);
    /// `recorded` is set to what was written. Throws Xapian::Error.
    void record_word_list(Xapian::WritableDatabase& db, std::string& recorded) const;

    /// Records the German word list of the index (set_recorded_word_list()) in `db`.
    void record_word_list(Xapian::WritableDatabase& db) { record_word_list(db, recorded_word_list_); }

    /// Writes the German word list the index records (`recorded`) into `generation_dir`,
    /// compiled (format::kCompiledWordListName), so that searchers map it instead of
    /// reading a list: when the file is missing or holds another list, and this writer's
    /// list is the recorded one (it is loaded if need be: an index built before 0.6 gets
    /// the file on its next run). Never throws: without the file, searchers read the
    /// host's list as before.
    void write_compiled_word_list(const std::string& generation_dir,
                                  const std::string& recorded) const;
    void write_compiled_word_list(const std::string& generation_dir) const {
        write_compiled_word_list(generation_dir, recorded_word_list_);
    }

private:
    std::string resolve_language(const Document& doc, AddOutcome& outcome) const;
    void prepare_german(const Document& doc, AddOutcome& outcome) const;

    std::string context_;
    std::string default_lang_;
    unsigned title_weight_;
    analysis::AnalysisConfig analysis_config_;
    std::string recorded_word_list_;
    // Whether a German document was told that this run's list differs from the recorded one.
    mutable std::atomic<bool> word_list_change_noted_{false};
};

}  // namespace lupe::indexer

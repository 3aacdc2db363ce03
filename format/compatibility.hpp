// Whether a database can be read or written as a lupe index by this lupe: the one check,
// used by the writer when it opens an index and by the searcher for each shard it opens.
//
// Design note. An index records its format (schema::kFormatKey) and the optional analysis
// steps its documents went through (schema::kAnalysisKey). A database of another format
// cannot be read at all; one analysed otherwise would be searched with query terms its
// documents do not hold (folded against unfolded, split against whole compounds), which
// fails silently, so it is refused too. A database with no documents holds nothing to be
// incompatible with: a writer records its own format and analysis in it. The check only
// reads and decides; recording is the writer's (it knows when), so that the searcher never
// writes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <xapian.h>

namespace lupe::format {

/// What a database records about how it was written.
struct IndexRecord {
    std::string format;     ///< schema::kFormatKey's value; empty when none is recorded
    std::string analysis;   ///< schema::kAnalysisKey's value ("fold=1 decompound=1")
    std::string word_list;  ///< schema::kGermanWordListKey's value; empty when none
    Xapian::doccount documents = 0;
};

/// The record of `db`. Throws Xapian::Error (the caller maps it at its boundary).
IndexRecord read_index_record(const Xapian::Database& db);

/// Whose analysis a database must match, which says what a mismatch means.
enum class AnalysisPeer {
    /// The writer's options (IndexWriterOptions::fold, decompound): an index whose
    /// documents were analysed otherwise cannot take more documents; one without documents
    /// takes the options' analysis.
    kWriterOptions,
    /// The other shards of a sharded index, as a searcher opened them: all shards must
    /// match, with documents or without.
    kOtherShards,
};

/// The analysis a database must match (format::describe(AnalysisConfig)).
struct ExpectedAnalysis {
    std::string_view description;
    AnalysisPeer peer;
};

/// What a writer has to record in a compatible database.
struct Compatibility {
    bool record_format = false;    ///< no format recorded and no documents: a new index
    bool record_analysis = false;  ///< kWriterOptions: no documents, another analysis recorded
};

/// Checks that a database is a lupe index this lupe can read, analysed as expected.
/// @param record the database's record (read_index_record)
/// @param where what the database is, for messages: "index DIR" or "shard NAME"
/// @param expected the analysis it must match; nullopt when any will do (the first shard
///        a searcher opens, which sets the analysis for the others)
/// @return what a writer must record in it
/// @throws IndexCorruptError it holds documents but records no format (a Xapian database
///         that is not a lupe index), or another format; a shard analysed otherwise than
///         the other shards (kOtherShards)
/// @throws RuntimeError (kWriterOptions) its documents were analysed otherwise than the
///         writer's options ask
Compatibility check_compatibility(const IndexRecord& record, const std::string& where,
                                  const std::optional<ExpectedAnalysis>& expected);

}  // namespace lupe::format

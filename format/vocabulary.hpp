// An index's vocabulary (schema::kVocabularyPrefix metadata): written by the writer,
// merged across a rebuild's shards by compaction, read across an index's shards by the
// searcher. The three sides of one record live here together, so that its key and value
// are spelled once.
//
// The record: key "lupe.w:" + normalised word, value the number of documents using the
// word, in decimal. Exact after a rebuild (the counts of its shards are added up when they
// are compacted into one database); an incremental run adds the counts of the documents it
// writes to those recorded (see schema::kVocabularyPrefix).
//
// Reading: Xapian reads metadata from the first database only when several are combined
// (Database::add_database), so an index made of shards would show the vocabulary of its
// first shard alone. The reader asks each shard: counts are added up, and words are listed
// once each, in byte order, by merging the shards' sorted key lists.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.hpp"

namespace lupe::format {

/// Longest vocabulary key written: Xapian's keys are at most 245 bytes; a longer "word"
/// is no word anyone will misspell.
inline constexpr std::size_t kMaxVocabularyKeyBytes = 240;

/// Adds the counts of `words` to the vocabulary recorded in `db`. Words counted in no
/// document, and words whose key would pass kMaxVocabularyKeyBytes, are left out.
/// @param fresh_database `db` records no vocabulary yet: the counts are written as they
///        are, without reading the recorded ones first (a rebuild's shard, the first time)
/// Throws Xapian::Error.
void write_vocabulary(Xapian::WritableDatabase& db, const analysis::Vocabulary& words,
                      bool fresh_database);

/// The recorded value of a vocabulary key that several databases hold: the sum of their
/// counts (a value that is no number counts 0).
std::string merge_vocabulary_counts(std::size_t count, const std::string values[]);

/// The compactor that merges a rebuild's shards into one database: vocabulary counts
/// (kVocabularyPrefix) are added up; any other metadata is written the same in every shard
/// or to one only, and is kept as it is (of values that differ, Xapian passes them in no
/// promised order, and one of them is kept).
class ShardCompactor : public Xapian::Compactor {
public:
    std::string resolve_duplicate_metadata(const std::string& key, size_t num_tags,
                                           const std::string tags[]) override;
};

/// Reads an index's vocabulary over all its shards (see the design note above).
class VocabularyReader {
public:
    /// @param shards the databases of the index's shards (one for an unsharded index);
    ///        copied handles, which share the open databases
    explicit VocabularyReader(std::vector<Xapian::Database> shards = {});

    /// Documents using `word` (lower case, as the tokenizer makes it), over all shards.
    Xapian::doccount count(std::string_view word) const;

    /// Calls `fn` for each distinct word starting with `prefix`, in byte order, until it
    /// returns false.
    void for_each_word(std::string_view prefix,
                       const std::function<bool(const std::string&)>& fn) const;

private:
    std::vector<Xapian::Database> shards_;
};

}  // namespace lupe::format

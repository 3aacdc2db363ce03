// Reading an index's vocabulary (schema::kVocabularyPrefix metadata) across shards.
//
// Xapian reads metadata from the first database only when several are combined
// (Database::add_database), so an index made of shards would show the vocabulary of its
// first shard alone. The reader asks each shard: counts are added up, and words are listed
// once each, in byte order, by merging the shards' sorted key lists.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace lupe::searcher {

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

}  // namespace lupe::searcher

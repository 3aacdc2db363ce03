// The databases a Searcher reads: one lupe index, or the shards of a shard list (local
// index directories and remote xapian-tcpsrv servers), opened on their published
// generations and combined into one Xapian::Database, as Xapian's Database combines
// sub-databases. The set checks that every shard is a lupe index of this format,
// analysed as the others are, follows newly published generations (refresh), and keeps
// going without shards that cannot be opened or that died (failover): a search decides
// whether partial results are acceptable (SearchOptions::allow_partial).
//
// Not thread-safe: Xapian handles are not. Each thread searching at a time has its own
// ShardSet (see the handle pool in searcher.cpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "format/index_layout.hpp"
#include "format/vocabulary.hpp"
#include "lupe/searcher.hpp"
#include "searcher/index_analysis.hpp"

namespace lupe::searcher {

/// How often a shard that could not be opened (a server down) is tried again, at most:
/// trying on every search would make each wait for the connect timeout.
inline constexpr std::chrono::seconds kShardRetryInterval{5};

/// How often a Searcher connects to a remote shard anew, at most: xapian-tcpsrv opens a
/// shard's published generation per connection, so a shard rebuilt on its server is seen
/// within this time.
inline constexpr std::chrono::seconds kRemoteReconnectInterval{60};

/// One database of what a Searcher reads: the index itself, or one shard of a shard list.
struct Shard {
    std::string name;      // for messages: the directory, or "tcp://host:port"
    bool remote = false;
    std::string path;      // a lupe index directory (local)
    std::string host;      // remote
    unsigned port = 0;
    std::optional<std::string> generation;  // the published generation read, if any
    format::GenerationReadLock generation_lock;
    Xapian::Database db;
    bool open = false;
    std::string error;     // why it is not open
    std::chrono::steady_clock::time_point tried{};
};

class ShardSet {
public:
    /// Open the index at `path`: an index directory, a sharded index directory (one with
    /// a shard list), or a shard list file.
    /// @throws lupe::IndexNotFoundError, lupe::IndexCorruptError and the other errors of
    ///         opening an unsharded index, as they are;
    ///         lupe::ShardUnavailableError when no shard of a shard list can be opened
    /// @throws Xapian::Error (callers translate at the library boundary)
    ShardSet(std::string path, const SearcherOptions& settings);

    ShardSet(const ShardSet&) = delete;
    ShardSet& operator=(const ShardSet&) = delete;

    /// The index directory, or the shard list file.
    const std::string& path() const { return path_; }
    /// The open shards, combined (Xapian merges their statistics).
    const Xapian::Database& db() const { return db_; }
    /// The vocabulary of the open shards (each read on its own: Xapian reads metadata of
    /// the first database only).
    const format::VocabularyReader& vocabulary() const { return vocabulary_; }
    /// The analysis the shards were built with.
    IndexAnalysis& analysis() { return analysis_; }

    /// What is open (Searcher::status): each open shard's generation, revision and
    /// documents, and the shards not open.
    /// @throws Xapian::Error
    IndexStatus status() const;
    /// A string that changes whenever what is open changes (a new generation or commit
    /// of a local shard, a remote shard's documents, a shard opened or lost): the key of
    /// what the Searcher derives from the index and keeps (the completion vocabulary).
    /// @throws Xapian::Error
    std::string state_key() const;

    /// Whether every open shard is local (lupe's own deadline works only there).
    bool all_local() const;
    /// The names of the shards not open now.
    std::vector<std::string> missing() const;
    /// Why the shards not open are not, one message each, joined by "; ".
    std::string describe_missing() const;

    /// Follow the index: a newly published generation is opened in place of the old one
    /// (whose read lock is then released), new commits to the same one are picked up, and
    /// shards that could not be opened are tried again now and then.
    void refresh();

    /// A remote shard failed during a search: find which (a dead connection fails at
    /// once) and go on without it. Returns false when no shard was found dead.
    bool drop_dead_shards();

private:
    bool try_open(Shard& shard);
    void open_shard(Shard& shard);
    void open_local(Shard& shard, const std::string& where);
    void check_format(Shard& shard, const std::string& where);
    void combine();

    std::string path_;
    SearcherOptions settings_;
    bool listed_ = false;  // path_ is a shard list
    std::vector<Shard> shards_;
    Xapian::Database db_;
    format::VocabularyReader vocabulary_;
    IndexAnalysis analysis_;
};

}  // namespace lupe::searcher

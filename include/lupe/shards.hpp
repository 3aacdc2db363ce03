/// @file shards.hpp
/// @brief Sharded indexes: a directory of shards named by a shard list, and the routing
/// that assigns each document id to one shard.
///
/// A sharded index directory holds one lupe index per shard and a shard list naming them,
/// which Searcher reads as one index. An IndexWriter writes one shard and indexes every
/// document it is given: which shard a document belongs to is the caller's to decide, by
/// the routing the shards recorded (IndexWriter::shard_routing()), so that an updated
/// document lands in the shard that holds its old version.
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace lupe {

/// Most shards a sharded index may have.
/// @since 0.3
inline constexpr std::size_t kMaxShards = 1024;

/// @brief How a sharded index assigns document ids to shards. Each shard records the
/// routing it was created with (IndexWriterOptions::shard), so that later runs route as
/// the first did.
/// @since 0.5
enum class ShardRouting {
    /// shard_of(): FNV-1a 64 of the id modulo the shard count (shards created by lupe 0.5
    /// and later)
    fnv1a64,
    /// the hash of lupe 0.3-0.4 (FNV-1a's loop from a wrong offset basis) modulo the shard
    /// count: shards written by those versions, which recorded no routing, keep it, also
    /// when rebuilt
    lupe03,
};

/// @brief The shard (0..shard_count-1) a document id belongs to: FNV-1a (64 bit: offset
/// basis 14695981039346656037, prime 1099511628211) of the id's bytes modulo shard_count;
/// 0 when shard_count is 0 or 1. Stable across runs and machines, so an updated document
/// lands in the shard that holds its old version.
///
/// Since 0.5 this is the true FNV-1a; lupe 0.3-0.4 used a hash with a wrong offset basis.
/// Each shard records the routing it was created with, and a shard written by 0.3-0.4
/// (which recorded none) keeps the old routing, also when rebuilt: route with the
/// overload that takes a ShardRouting (IndexWriter::shard_routing() gives a shard's).
/// @since 0.3 (true FNV-1a since 0.5)
LUPE_API std::size_t shard_of(const std::string& id, std::size_t shard_count);

/// @brief The shard (0..shard_count-1) a document id belongs to under `routing`; 0 when
/// shard_count is 0 or 1.
/// @param id a document id
/// @param shard_count the number of shards
/// @param routing the routing the shards recorded (IndexWriter::shard_routing())
/// @since 0.5
LUPE_API std::size_t shard_of(const std::string& id, std::size_t shard_count,
                              ShardRouting routing);

/// @brief Whether `dir` is a sharded index directory: it holds a shard list and no
/// unsharded index. Never throws (a directory that cannot be read is not one).
/// @param dir a directory
/// @since 0.5
LUPE_API bool is_sharded_index(const std::string& dir);

/// @brief The shards a sharded index directory's shard list names, in order: the path of
/// each local shard (resolved against `dir`), or "tcp://HOST:PORT" for a remote one.
/// @param dir a sharded index directory (is_sharded_index())
/// @throws IoError the shard list cannot be read
/// @throws IndexCorruptError the shard list is malformed, names no shard, or more than
///         kMaxShards
/// @since 0.5
LUPE_API std::vector<std::string> read_shard_list(const std::string& dir);

/// @brief The paths of the shards of a sharded index directory with `shard_count` shards,
/// as write_shard_list() names them. Nothing is read or written.
/// @param dir the sharded index directory
/// @param shard_count the number of shards
/// @since 0.5
LUPE_API std::vector<std::string> shard_paths(const std::string& dir, std::size_t shard_count);

/// @brief Write the shard list of a sharded index directory naming its `shard_count`
/// local shards (shard_paths()), atomically; a list that exists already is left as it is.
/// Write it after the shards, so that a searcher never finds a list naming shards that do
/// not exist yet.
/// @param dir the sharded index directory (it must exist)
/// @param shard_count the number of shards, 1..kMaxShards
/// @throws InvalidArgumentError shard_count is out of range
/// @throws IoError the list cannot be written
/// @since 0.5
LUPE_API void write_shard_list(const std::string& dir, std::size_t shard_count);

}  // namespace lupe

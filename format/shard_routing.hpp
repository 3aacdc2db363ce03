// Which shard of a sharded index a document id belongs to, and how each shard records it.
//
// Design note. Each shard records its routing in its metadata (kShardRoutingKey) when it
// is created, so that a later run routes as the first did: an updated document must land
// in the shard that holds its old version. lupe 0.5 routes by true FNV-1a 64
// (lupe::shard_of); shards written by lupe 0.3-0.4 recorded nothing and routed by
// format3_hash() (see file_records.hpp). They keep that routing, also when rebuilt; a
// sharded index built into a new directory routes by FNV-1a.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lupe::format {

/// Metadata key recording a shard's routing: kShardRoutingFnv1a or kShardRoutingLegacy.
inline constexpr std::string_view kShardRoutingKey = "lupe.shard-routing";
/// FNV-1a 64 of the id modulo the shard count (lupe::shard_of, lupe 0.5 on).
inline constexpr std::string_view kShardRoutingFnv1a = "fnv1a64";
/// format3_hash() of the id modulo the shard count: shards written by lupe 0.3-0.4.
inline constexpr std::string_view kShardRoutingLegacy = "lupe-0.3";

/// The routing a shard uses.
enum class ShardRouting { kFnv1a, kLegacy };

/// The routing of a shard. `recorded`: its kShardRoutingKey value; `existing`: the shard
/// is a lupe index already (it records schema::kFormatKey), so one without a recorded
/// routing was written by lupe 0.3-0.4. Throws IndexCorruptError for a routing this lupe
/// does not know (written by a newer one), naming `path`.
ShardRouting parse_shard_routing(std::string_view recorded, bool existing, const std::string& path);

/// The kShardRoutingKey value of a routing.
std::string_view shard_routing_value(ShardRouting routing);

/// The shard (0..shard_count-1) of an id under a routing; 0 when shard_count is 0 or 1.
std::size_t shard_by_routing(std::string_view id, std::size_t shard_count, ShardRouting routing);

}  // namespace lupe::format

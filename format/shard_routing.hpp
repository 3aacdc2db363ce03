// How each shard of a sharded index records the routing that assigns document ids to
// shards (lupe::ShardRouting, include/lupe/shards.hpp), and the routings themselves.
//
// Design note. Each shard records its routing in its metadata (kShardRoutingKey) when it
// is created, so that a later run routes as the first did: an updated document must land
// in the shard that holds its old version. lupe 0.5 routes by true FNV-1a 64; shards
// written by lupe 0.3-0.4 recorded nothing and routed by format3_hash() (tag_records.hpp).
// They keep that routing, also when rebuilt; a sharded index built into a new directory
// routes by FNV-1a.
#pragma once

#include <string>
#include <string_view>

#include "lupe/shards.hpp"

namespace lupe::format {

/// Metadata key recording a shard's routing: kShardRoutingFnv1a or kShardRoutingLegacy.
inline constexpr std::string_view kShardRoutingKey = "lupe.shard-routing";
/// ShardRouting::fnv1a64: FNV-1a 64 of the id modulo the shard count (lupe 0.5 on).
inline constexpr std::string_view kShardRoutingFnv1a = "fnv1a64";
/// ShardRouting::lupe03: format3_hash() of the id modulo the shard count (lupe 0.3-0.4).
inline constexpr std::string_view kShardRoutingLegacy = "lupe-0.3";

/// The routing of a shard. `recorded`: its kShardRoutingKey value; `existing`: the shard
/// is a lupe index already (it records schema::kFormatKey), so one without a recorded
/// routing was written by lupe 0.3-0.4. Throws IndexCorruptError for a routing this lupe
/// does not know (written by a newer one), naming `path`.
ShardRouting parse_shard_routing(std::string_view recorded, bool existing, const std::string& path);

/// The kShardRoutingKey value of a routing.
std::string_view shard_routing_value(ShardRouting routing);

}  // namespace lupe::format

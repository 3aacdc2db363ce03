#include "format/shard_routing.hpp"

#include "common/hash.hpp"
#include "format/file_records.hpp"
#include "lupe/error.hpp"

namespace lupe::format {

ShardRouting parse_shard_routing(std::string_view recorded, bool existing, const std::string& path) {
    if (recorded.empty()) return existing ? ShardRouting::kLegacy : ShardRouting::kFnv1a;
    if (recorded == kShardRoutingLegacy) return ShardRouting::kLegacy;
    if (recorded == kShardRoutingFnv1a) return ShardRouting::kFnv1a;
    throw IndexCorruptError("index " + path + ": shard routing \"" + std::string(recorded) +
                            "\" is unknown to this lupe (metadata " +
                            std::string(kShardRoutingKey) + "; written by a newer lupe?)");
}

std::string_view shard_routing_value(ShardRouting routing) {
    return routing == ShardRouting::kLegacy ? kShardRoutingLegacy : kShardRoutingFnv1a;
}

std::size_t shard_by_routing(std::string_view id, std::size_t shard_count, ShardRouting routing) {
    if (shard_count <= 1) return 0;
    const std::uint64_t h =
        routing == ShardRouting::kLegacy ? format3_hash(id) : hash::fnv1a64(id);
    return static_cast<std::size_t>(h % shard_count);
}

}  // namespace lupe::format

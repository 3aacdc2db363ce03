#include "format/shard_routing.hpp"

#include "common/hash.hpp"
#include "format/tag_records.hpp"
#include "lupe/error.hpp"

namespace lupe {

std::size_t shard_of(const std::string& id, std::size_t shard_count) {
    return shard_of(id, shard_count, ShardRouting::fnv1a64);
}

std::size_t shard_of(const std::string& id, std::size_t shard_count, ShardRouting routing) {
    if (shard_count <= 1) return 0;
    const std::uint64_t h =
        routing == ShardRouting::lupe03 ? format::format3_hash(id) : hash::fnv1a64(id);
    return static_cast<std::size_t>(h % shard_count);
}

namespace format {

ShardRouting parse_shard_routing(std::string_view recorded, bool existing, const std::string& path) {
    if (recorded.empty()) return existing ? ShardRouting::lupe03 : ShardRouting::fnv1a64;
    if (recorded == kShardRoutingLegacy) return ShardRouting::lupe03;
    if (recorded == kShardRoutingFnv1a) return ShardRouting::fnv1a64;
    throw IndexCorruptError("index " + path + ": shard routing \"" + std::string(recorded) +
                            "\" is unknown to this lupe (metadata " +
                            std::string(kShardRoutingKey) + "; written by a newer lupe?)");
}

std::string_view shard_routing_value(ShardRouting routing) {
    return routing == ShardRouting::lupe03 ? kShardRoutingLegacy : kShardRoutingFnv1a;
}

}  // namespace format
}  // namespace lupe

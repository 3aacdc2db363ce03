// The layout questions the public API answers (lupe/index_writer.hpp's index_exists,
// lupe/shards.hpp): whether a directory holds an index or a sharded one, and the shard
// list's names, so that no program spells a layout file's name itself.
#include <filesystem>
#include <fstream>

#include "format/index_layout.hpp"
#include "format/shard_list.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/shards.hpp"

namespace lupe {
namespace fs = std::filesystem;

bool index_exists(const std::string& path) {
    std::error_code ec;
    // A lupe 0.1 index is one glass database, without generations.
    return fs::exists(fs::path(path) / format::kGlassMarker, ec) ||
           format::published_generation(path).has_value();
}

bool is_sharded_index(const std::string& dir) {
    std::error_code ec;
    return fs::exists(fs::path(dir) / format::kShardListName, ec) &&
           !fs::exists(fs::path(dir) / format::kStubName, ec);
}

std::vector<std::string> read_shard_list(const std::string& dir) {
    std::vector<std::string> shards;
    for (auto& spec : format::read_shard_list((fs::path(dir) / format::kShardListName).string())) {
        shards.push_back(std::move(spec.name));
    }
    return shards;
}

std::vector<std::string> shard_paths(const std::string& dir, std::size_t shard_count) {
    std::vector<std::string> paths;
    for (std::size_t k = 0; k < shard_count; ++k) paths.push_back((fs::path(dir) / format::shard_directory_name(k)).string());
    return paths;
}

void write_shard_list(const std::string& dir, std::size_t shard_count) {
    if (shard_count < 1 || shard_count > kMaxShards) {
        throw InvalidArgumentError("shard count " + std::to_string(shard_count) +
                                   " is out of range 1.." + std::to_string(kMaxShards));
    }
    const fs::path list = fs::path(dir) / format::kShardListName;
    std::error_code ec;
    if (fs::exists(list, ec)) return;
    const fs::path tmp = fs::path(dir) / (std::string(format::kShardListName) + ".tmp");
    {
        std::ofstream out(tmp);
        // The same comment as lupe 0.3-0.5's lupe-index wrote: the file is unchanged.
        out << "# The shards of this index, for lupe-search --index " << dir
            << " (Xapian stub format)\n";
        for (std::size_t k = 0; k < shard_count; ++k) out << "auto " << format::shard_directory_name(k) << '\n';
        out.flush();
        if (!out) throw IoError("index " + dir + ": cannot write " + tmp.string());
    }
    fs::rename(tmp, list, ec);
    if (ec) throw IoError("index " + dir + ": cannot write " + list.string() + ": " + ec.message());
}

}  // namespace lupe

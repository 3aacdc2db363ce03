// A shard list: the file that names the shards one search reads together.
//
// Design note. The format is a subset of Xapian's own stub database files, so that the same
// file also opens with Xapian's tools (`xapian-delve`, `quest`): one shard per line,
//     auto DIR            a lupe index directory, relative to the list's directory
//     remote HOST:PORT    a shard served by xapian-tcpsrv (Xapian's TCP remote backend)
// Blank lines and lines starting with '#' are ignored. `tcp://HOST:PORT`, the form in which
// lupe names remote shards in its messages, is read as `remote HOST:PORT` (Xapian's tools
// do not read that form). lupe reads the file itself rather
// than letting Xapian open it, so that it can name a shard that is down and search the
// others when asked to (SearchOptions::allow_partial), and so that a local shard is read
// as a lupe index (its published generation, held with a read lock).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lupe::format {

/// The shard list of a sharded index directory (lupe::write_shard_list).
inline constexpr const char* kShardListName = "shards.list";
/// How the shards of a sharded index directory are named: "shard-" and the shard's number
/// from 0 (lupe::shard_paths).
inline constexpr std::string_view kShardDirectoryPrefix = "shard-";

/// The directory name of shard `k` of a sharded index directory.
inline std::string shard_directory_name(std::size_t k) {
    return std::string(kShardDirectoryPrefix) + std::to_string(k);
}

struct ShardSpec {
    std::string name;       // for messages: the directory as resolved, or "tcp://HOST:PORT"
    bool remote = false;
    std::string path;       // local shard
    std::string host;       // remote shard
    unsigned port = 0;
    std::size_t line = 0;   // 1-based line in the list
};

/// The shards a list names, in order. Throws IoError when the file cannot be read, and
/// IndexCorruptError naming FILE:LINE for a line that is not `auto DIR` or
/// `remote HOST:PORT` (port 1..65535), or a list without shards.
std::vector<ShardSpec> read_shard_list(const std::string& file);

}  // namespace lupe::format

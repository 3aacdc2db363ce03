#include "format/shard_list.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"

namespace lupe::format {
namespace {

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return {};
    const auto end = s.find_last_not_of(" \t\r");
    return s.substr(begin, end - begin + 1);
}

}  // namespace

std::vector<ShardSpec> read_shard_list(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw IoError("shard list " + file + ": cannot read: " + std::strerror(errno));
    const std::filesystem::path base = std::filesystem::path(file).parent_path();
    std::vector<ShardSpec> shards;
    std::string raw;
    for (std::size_t lineno = 1; std::getline(in, raw); ++lineno) {
        const std::string line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        const auto bad = [&](const std::string& why) {
            // Before any shard line, the file is most likely no shard list at all (a
            // document given in place of an index): say that, not only what the line lacks.
            if (shards.empty()) {
                return IndexCorruptError(file + ": neither a lupe index nor a shard list (line " +
                                         std::to_string(lineno) + " is not `auto DIR`, "
                                         "`remote HOST:PORT` or `tcp://HOST:PORT`)");
            }
            return IndexCorruptError("shard list " + file + ":" + std::to_string(lineno) + ": " +
                                     why + " (expected `auto DIR`, `remote HOST:PORT` or "
                                     "`tcp://HOST:PORT`)");
        };
        // `tcp://HOST:PORT` is read as `remote HOST:PORT` (the form lupe names shards in).
        const bool url = line.rfind("tcp://", 0) == 0;
        const auto space = url ? std::string("tcp://").size() - 1 : line.find_first_of(" \t");
        if (space == std::string::npos) throw bad("\"" + line + "\" names no shard");
        const std::string kind = url ? "remote" : line.substr(0, space);
        const std::string value = trim(line.substr(space + 1));
        ShardSpec spec;
        spec.line = lineno;
        if (kind == "auto") {
            std::filesystem::path dir(value);
            if (dir.is_relative()) dir = base / dir;
            spec.path = dir.lexically_normal().string();
            spec.name = spec.path;
        } else if (kind == "remote") {
            const auto colon = value.rfind(':');
            if (colon == std::string::npos || colon == 0 || value.front() == ':') {
                throw bad("\"" + value + "\" is not HOST:PORT (a program, `remote :PROG`, is "
                          "not supported)");
            }
            unsigned port = 0;
            const char* first = value.data() + colon + 1;
            const char* last = value.data() + value.size();
            const auto res = std::from_chars(first, last, port);
            if (res.ec != std::errc() || res.ptr != last || port == 0 || port > 65535) {
                throw bad("\"" + value.substr(colon + 1) + "\" is not a port (1..65535)");
            }
            spec.remote = true;
            spec.host = value.substr(0, colon);
            spec.port = port;
            spec.name = "tcp://" + value;
        } else {
            throw bad("unknown kind \"" + kind + "\"");
        }
        if (shards.size() == kMaxShards) throw bad("more than " + std::to_string(kMaxShards) + " shards");
        shards.push_back(std::move(spec));
    }
    if (shards.empty()) {
        throw IndexCorruptError(file + ": neither a lupe index nor a shard list (it names no "
                                "shard: one `auto DIR` or `remote HOST:PORT` per line)");
    }
    return shards;
}

}  // namespace lupe::format

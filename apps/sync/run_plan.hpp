// The planning pass of an indexing run: the sources resolved (with the id prefix of each)
// and walked once, before anything is read or changed, so that the run knows what it will
// delete and how much there is to read. Internal to lupe::app.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "lupe/app/index_run.hpp"
#include "../readers/readers.hpp"
#include "source_walker.hpp"

namespace lupe::sync {

// A SOURCE as the run uses it.
struct Source {
    std::string given;   // as given ("NAME=DIR" included)
    std::string path;    // the file or directory
    std::string root;    // its canonical path
    std::string name;    // the id prefix of files under it (without "/"), or ""
};

// What the planning walk found, in walk order: the run replays it.
struct Entry {
    enum class Kind { File, Problem };
    Kind kind = Kind::File;
    std::filesystem::path path;
    std::string id;      // File: the id of a .txt/.md file's document
    std::string key;     // File: canonical path (the file's name in the index)
    std::string state;   // File: "<size> <mtime ns>", "" when it cannot be read
    std::uint64_t size = 0;
    Format format = Format::Unsupported;
    std::string reason;  // Problem; File of an unsupported format: why it is skipped
    Problem problem = Problem::Note;
    bool named = false;  // File: given as a SOURCE itself (not found in a directory)
};

struct Plan {
    std::vector<Source> sources;
    std::vector<Entry> entries;
    std::vector<std::string> roots;       // scope of deletions: sources, links followed out
    std::vector<std::string> unreadable;  // documents under these are kept
    std::unordered_map<std::string, std::uint64_t> files;  // readable files found: size
    std::size_t files_total = 0;
    std::uint64_t bytes_total = 0;
};

// Walks every source (no file is read). Throws InvalidArgumentError for sources whose
// names clash or are invalid, and for IndexRunOptions::max_delete_share out of range.
Plan plan_run(const std::vector<std::string>& given, const IndexRunOptions& options,
              const std::string& index_dir);

// Whether `path` lies inside one of `dirs`.
bool inside_any(const std::string& path, const std::vector<std::string>& dirs);

}  // namespace lupe::sync

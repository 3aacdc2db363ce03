// Walks the SOURCE arguments of an indexing run: files as given, directories recursively.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace lupe::indexer {

enum class Format { Text, Markdown, Jsonl, Unsupported };

/// The format of a file, by its extension (case-insensitive): .txt, .md, .jsonl, .jsonl.gz.
Format format_of(const std::filesystem::path& path);

struct WalkCallbacks {
    /// A regular file found; `id` is its path relative to the source directory, with "/"
    /// separators (for a file given directly: its file name).
    std::function<void(const std::filesystem::path& path, const std::string& id)> on_file;
    /// A problem with an entry: the path and the reason. `fatal` is true when the source
    /// itself could not be read (it is missing, say), false for one entry inside a tree.
    std::function<void(const std::filesystem::path& path, const std::string& reason,
                       bool fatal)> on_problem;
};

/// Visit one source. Directories are walked in name order so that runs are repeatable;
/// entries whose name starts with "." are passed over (version-control and editor
/// files), and so are entries matching a pattern of the directory's `.lupeignore` file
/// (shell globs, one per line, matched against entry names); symbolic links are followed, and a link back to a directory being walked is
/// reported as a loop and not entered.
void walk_source(const std::filesystem::path& source, const WalkCallbacks& callbacks);

}  // namespace lupe::indexer

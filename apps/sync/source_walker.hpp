// Walks the SOURCE arguments of an indexing run: files as given, directories recursively.
//
// Symbolic links. A SOURCE that is a link is always followed (like `find -H`). Inside the
// tree, by default, no link is followed: one that resolves inside the SOURCE tree is passed
// over silently (its target is walked under its own path anyway; following the link would
// index the same file twice under two ids), one that leads out of it gets a note. With
// follow_symlinks every link is followed, and each directory and regular file (by device
// and inode) is read once, under the first path that reaches it in name order: that ends
// loops and bounds link farms (a chain of directories each linking twice to the next would
// otherwise be walked 2^n times).
//
// Ids. An id is a document id, so it must be valid UTF-8 without control characters; file
// names are neither necessarily (a Latin-1 "caf\xE9.txt", a name with a newline). Each
// byte that is not part of valid UTF-8, and each C0 control byte and 0x7F, becomes "%XX"
// (upper-case hex). Only such names are escaped: a name that is valid UTF-8 keeps its id,
// "%" included, so a literal "caf%E9.txt" and a Latin-1 "caf\xE9.txt" share one id.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lupe::sync {

/// Xml: an .xml file, a feed or not (the planning pass reads its root element to tell).
enum class Format { Text, Markdown, Jsonl, Html, Feed, Xml, Pdf, Unsupported };

/// The format of a file, by its extension (case-insensitive): .txt, .md, .markdown,
/// .mdown, .jsonl, .jsonl.gz, .html, .htm, .xhtml, .rss, .atom, .xml, .pdf.
Format format_of(const std::filesystem::path& path);

/// Whether a file of this format holds one document (its id the file's), rather than
/// many with ids of their own (JSONL lines, feed items).
bool one_document(Format format);

/// The extension a skipped file is counted under: ".docx", or "(none)".
std::string skipped_extension(const std::filesystem::path& path);

/// The id part for a file or directory name: the name itself when it is valid UTF-8
/// without control characters, otherwise each invalid byte and each C0 control byte or
/// 0x7F replaced by "%XX".
std::string id_of_name(std::string_view name);

/// Whether the canonical `path` is the canonical directory `dir` or lies under it.
bool path_inside(std::string_view path, std::string_view dir);

/// What a problem met by the walk means for the run.
enum class Problem {
    /// The source itself cannot be read (it is missing, say).
    Fatal,
    /// An entry inside the tree cannot be read: what lies under it is unknown, so the
    /// documents recorded under it must be kept.
    Unreadable,
    /// An entry passed over on purpose, or one that cannot hold anything: a link not
    /// followed, a loop, a second visit, a broken link.
    Note,
};

struct WalkOptions {
    /// Follow symbolic links inside the tree (see the design note above).
    bool follow_symlinks = false;
    /// Canonical paths of directories passed over silently inside a tree: the index being
    /// written, when it lies in its own source folder (its files are not the user's and
    /// would only be counted as skipped).
    std::vector<std::string> skip_dirs;
};

struct WalkCallbacks {
    /// A regular file found; `id` is its path relative to the source directory, with "/"
    /// separators (for a file given directly: its file name), names escaped by id_of_name.
    std::function<void(const std::filesystem::path& path, const std::string& id)> on_file;
    /// A problem with an entry: the path, the reason and what it means.
    std::function<void(const std::filesystem::path& path, const std::string& reason,
                       Problem problem)> on_problem;
    /// A symbolic link followed out of the source tree (follow_symlinks): the canonical
    /// path of its target. Optional.
    std::function<void(const std::filesystem::path& target)> on_link_out;
};

/// Visit one source. Directories are walked in name order so that runs are repeatable;
/// entries whose name starts with "." are passed over (version-control and editor
/// files), and so are entries matching a pattern of the directory's `.lupeignore` file
/// (shell globs, one per line, matched against entry names). Symbolic links: see the
/// design note at the top of this file.
void walk_source(const std::filesystem::path& source, const WalkCallbacks& callbacks,
                 const WalkOptions& options = {});

}  // namespace lupe::sync

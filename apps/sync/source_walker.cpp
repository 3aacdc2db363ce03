#include "source_walker.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "lupe/utf8.hpp"

namespace lupe::sync {
namespace fs = std::filesystem;

namespace {

bool ends_with_ci(const std::string& s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<long>(suffix.size()),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
}

// A directory or file, by device and inode.
using NodeId = std::pair<dev_t, ino_t>;

// Patterns from a directory's .lupeignore file: one shell glob per line, matched against
// the names of the entries of that directory; blank lines and "#" comments are ignored.
std::vector<std::string> read_ignore_patterns(const fs::path& dir) {
    std::vector<std::string> patterns;
    std::ifstream in(dir / ".lupeignore");
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty() && line[0] != '#') patterns.push_back(line);
    }
    return patterns;
}

bool ignored(const std::vector<std::string>& patterns, const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return ::fnmatch(p.c_str(), name.c_str(), FNM_PERIOD) == 0;
    });
}

// The canonical path of `path` (links resolved), or the errno of the failure.
std::pair<std::string, int> resolve(const fs::path& path) {
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) return {{}, errno};
    std::string resolved(real);
    std::free(real);
    return {resolved, 0};
}

bool is_link(const fs::path& path) {
    struct stat lst {};
    return ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
}

const char* const kLoopReason =
    "symbolic link loop (leads back to a directory being walked), not entered";
const char* const kEndlessReason =
    "symbolic link loop (the chain of links never ends), not followed";

class Walker {
public:
    Walker(const WalkCallbacks& callbacks, const WalkOptions& options)
        : callbacks_(callbacks), follow_(options.follow_symlinks), skip_(options.skip_dirs) {}

    void walk_source(const fs::path& source) {
        struct stat st {};
        if (::stat(source.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            root_ = resolve(source).first;
        }
        visit(source, id_of_name(source.filename().string()), true);
    }

private:
    void walk_directory(const fs::path& dir, const std::string& rel, const NodeId& id) {
        ancestors_.push_back(id);
        std::vector<fs::path> entries;
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            entries.push_back(it->path());
        }
        if (ec) problem(dir, "cannot read directory: " + ec.message(), Problem::Unreadable);
        std::sort(entries.begin(), entries.end());
        const std::vector<std::string> patterns = read_ignore_patterns(dir);
        for (const auto& entry : entries) {
            const std::string name = entry.filename().string();
            if (name.empty() || name[0] == '.' || ignored(patterns, name)) continue;
            const std::string name_id = id_of_name(name);
            visit(entry, rel.empty() ? name_id : rel + "/" + name_id, false);
        }
        ancestors_.pop_back();
    }

    void visit(const fs::path& path, const std::string& rel, bool is_source) {
        const bool link = !is_source && is_link(path);
        if (link && !follow_) return pass_over_link(path);
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) return cannot_stat(path, errno, is_source);
        const NodeId node{st.st_dev, st.st_ino};
        if (S_ISDIR(st.st_mode)) {
            if (std::find(ancestors_.begin(), ancestors_.end(), node) != ancestors_.end()) {
                return problem(path, kLoopReason, Problem::Note);
            }
            if (!is_source && !skip_.empty() &&
                std::find(skip_.begin(), skip_.end(), resolve(path).first) != skip_.end()) {
                return;
            }
            if (!first_visit(path, node, rel, true)) return;
            if (link) note_link_out(path);
            walk_directory(path, is_source ? std::string() : rel, node);
        } else if (S_ISREG(st.st_mode)) {
            if (!first_visit(path, node, rel, false)) return;
            if (link) note_link_out(path);
            callbacks_.on_file(path, rel);
        } else if (is_source) {
            problem(path, "not a regular file or directory", Problem::Fatal);
        }
        // Devices, sockets and pipes inside a tree are passed over silently.
    }

    // Following links, a directory or file may be reached again: read it once, under the
    // first path. (Without following them, only hard links reach a file twice: those are
    // separate files to the user, and indexed as such.)
    bool first_visit(const fs::path& path, const NodeId& node, const std::string& rel,
                     bool is_dir) {
        if (!follow_) return true;
        const auto [it, inserted] = visited_.emplace(node, rel);
        if (inserted) return true;
        // A second path to a file lupe does not read is no news.
        if (is_dir || format_of(path) != Format::Unsupported) {
            problem(path, "already indexed as \"" + it->second +
                              "\" (the same file or directory reached twice), passed over",
                    Problem::Note);
        }
        return false;
    }

    // A link inside the tree, not followed.
    void pass_over_link(const fs::path& path) {
        const auto [target, err] = resolve(path);
        if (err != 0) return cannot_stat(path, err, false);
        if (path_inside(target, root_)) return;  // walked under its own path
        problem(path, "symbolic link to " + target + " leads out of " + root_ +
                          ", not followed (--follow-symlinks follows it)",
                Problem::Note);
    }

    // A link followed: tell the run when it leads out of the tree.
    void note_link_out(const fs::path& path) {
        const auto [target, err] = resolve(path);
        if (err == 0 && !path_inside(target, root_) && callbacks_.on_link_out) {
            callbacks_.on_link_out(target);
        }
    }

    void cannot_stat(const fs::path& path, int err, bool is_source) {
        const Problem kind = is_source ? Problem::Fatal : Problem::Unreadable;
        if (err == ELOOP) return problem(path, kEndlessReason, is_source ? kind : Problem::Note);
        if ((err == ENOENT || err == ENOTDIR) && is_link(path)) {
            return problem(path, "broken symbolic link", is_source ? kind : Problem::Note);
        }
        problem(path, std::string("cannot read: ") + std::strerror(err), kind);
    }

    void problem(const fs::path& path, const std::string& reason, Problem kind) {
        callbacks_.on_problem(path, reason, kind);
    }

    const WalkCallbacks& callbacks_;
    const bool follow_;
    const std::vector<std::string>& skip_;
    std::string root_;  // canonical path of a directory source
    std::vector<NodeId> ancestors_;
    std::map<NodeId, std::string> visited_;  // with follow_: each node's first id
};

}  // namespace

std::string id_of_name(std::string_view name) {
    std::string id;
    id.reserve(name.size());
    for (std::size_t pos = 0; pos < name.size();) {
        const std::size_t start = pos;
        const char32_t cp = decode_utf8(name, pos);
        if (cp == kInvalidCodePoint || cp < 0x20 || cp == 0x7F) {
            // decode_utf8 advanced by one byte for an invalid one, as for a control byte.
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(name[start]));
            id += hex;
        } else {
            id.append(name, start, pos - start);
        }
    }
    return id;
}

bool path_inside(std::string_view path, std::string_view dir) {
    if (dir == "/") return true;
    return path == dir || (path.size() > dir.size() && path.substr(0, dir.size()) == dir &&
                           path[dir.size()] == '/');
}

Format format_of(const fs::path& path) {
    const std::string name = path.filename().string();
    if (ends_with_ci(name, ".jsonl") || ends_with_ci(name, ".jsonl.gz")) return Format::Jsonl;
    for (const char* ext : {".md", ".markdown", ".mdown"}) {
        if (ends_with_ci(name, ext)) return Format::Markdown;
    }
    if (ends_with_ci(name, ".txt")) return Format::Text;
    for (const char* ext : {".html", ".htm", ".xhtml"}) {
        if (ends_with_ci(name, ext)) return Format::Html;
    }
    if (ends_with_ci(name, ".rss") || ends_with_ci(name, ".atom")) return Format::Feed;
    if (ends_with_ci(name, ".xml")) return Format::Xml;
    if (ends_with_ci(name, ".pdf")) return Format::Pdf;
    return Format::Unsupported;
}

bool one_document(Format format) {
    return format != Format::Jsonl && format != Format::Feed;
}

std::string skipped_extension(const fs::path& path) {
    std::string ext = path.extension().string();
    if (ext.empty() || ext == "." || path.filename().string() == ext) return "(none)";
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id_of_name(ext);
}

void walk_source(const fs::path& source, const WalkCallbacks& callbacks,
                 const WalkOptions& options) {
    Walker(callbacks, options).walk_source(source);
}

}  // namespace lupe::sync

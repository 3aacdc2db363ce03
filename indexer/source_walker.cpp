#include "indexer/source_walker.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

namespace lupe::indexer {
namespace fs = std::filesystem;

namespace {

bool ends_with_ci(const std::string& s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<long>(suffix.size()),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
}

using DirId = std::pair<dev_t, ino_t>;

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

class Walker {
public:
    explicit Walker(const WalkCallbacks& callbacks) : callbacks_(callbacks) {}

    void walk_directory(const fs::path& dir, const std::string& rel, const DirId& id) {
        ancestors_.push_back(id);
        std::vector<fs::path> entries;
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            entries.push_back(it->path());
        }
        if (ec) callbacks_.on_problem(dir, "cannot read directory: " + ec.message(), false);
        std::sort(entries.begin(), entries.end());
        const std::vector<std::string> patterns = read_ignore_patterns(dir);
        for (const auto& entry : entries) {
            const std::string name = entry.filename().string();
            if (name.empty() || name[0] == '.' || ignored(patterns, name)) continue;
            visit(entry, rel.empty() ? name : rel + "/" + name, false);
        }
        ancestors_.pop_back();
    }

    void visit(const fs::path& path, const std::string& rel, bool is_source) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            const int err = errno;
            struct stat lst {};
            const bool dangling = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
            callbacks_.on_problem(path,
                                  dangling ? "broken symbolic link"
                                           : std::string("cannot read: ") + std::strerror(err),
                                  is_source);
            return;
        }
        if (S_ISDIR(st.st_mode)) {
            const DirId id{st.st_dev, st.st_ino};
            if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
                callbacks_.on_problem(path, "symbolic link loop (leads back to a directory "
                                            "being walked), not entered", false);
                return;
            }
            walk_directory(path, is_source ? std::string() : rel, id);
        } else if (S_ISREG(st.st_mode)) {
            callbacks_.on_file(path, rel);
        } else if (is_source) {
            callbacks_.on_problem(path, "not a regular file or directory", true);
        }
        // Devices, sockets and pipes inside a tree are passed over silently.
    }

private:
    const WalkCallbacks& callbacks_;
    std::vector<DirId> ancestors_;
};

}  // namespace

Format format_of(const fs::path& path) {
    const std::string name = path.filename().string();
    if (ends_with_ci(name, ".jsonl") || ends_with_ci(name, ".jsonl.gz")) return Format::Jsonl;
    if (ends_with_ci(name, ".md")) return Format::Markdown;
    if (ends_with_ci(name, ".txt")) return Format::Text;
    return Format::Unsupported;
}

void walk_source(const fs::path& source, const WalkCallbacks& callbacks) {
    Walker walker(callbacks);
    walker.visit(source, source.filename().string(), true);
}

}  // namespace lupe::indexer

#include "run_plan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "lupe/error.hpp"
#include "../readers/encoding.hpp"
#include "../readers/feed_reader.hpp"

namespace lupe::sync {
namespace fs = std::filesystem;

namespace {

bool path_exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

// The name of a directory SOURCE: the last component of its path as given ("home/" and
// "~/home" give "home"), or of its canonical path for "." and "..".
std::string default_name(const std::string& given) {
    fs::path p = fs::path(given).lexically_normal();
    if (!p.has_filename()) p = p.parent_path();
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..") {
        std::error_code ec;
        name = fs::weakly_canonical(given, ec).filename().string();
    }
    return id_of_name(name);
}

// The sources of a run, with the id prefix of each (see index_sources()). Refuses, before
// anything is read, names that would give two sources' files the same ids.
std::vector<Source> resolve_sources(const std::vector<std::string>& given) {
    std::vector<Source> sources;
    for (const std::string& text : given) {
        Source source{text, text, {}, {}};
        const std::size_t eq = text.find('=');
        if (eq != std::string::npos && !path_exists(text) && path_exists(text.substr(eq + 1))) {
            source.name = text.substr(0, eq);
            source.path = text.substr(eq + 1);
            if (source.name.empty() || source.name.find('/') != std::string::npos ||
                source.name == "." || source.name == ".." ||
                id_of_name(source.name) != source.name) {
                throw InvalidArgumentError(
                    "source " + text + ": the name \"" + source.name + "\" cannot begin document "
                    "ids (NAME=DIR: NAME is not empty, \".\" or \"..\", has no \"/\", and is "
                    "valid UTF-8 without control characters)");
            }
            if (!is_directory(source.path)) {
                throw InvalidArgumentError("source " + text + ": " + source.path +
                                           " is not a directory (NAME=DIR names the ids of the "
                                           "files under a directory; a file's id is its name)");
            }
        } else if (given.size() > 1 && is_directory(text)) {
            source.name = default_name(text);
            if (source.name.empty()) {
                throw InvalidArgumentError("source " + text + ": has no name to begin its files' "
                                           "ids with; give it one as NAME=DIR");
            }
        }
        std::error_code ec;
        source.root = fs::weakly_canonical(source.path, ec).string();
        sources.push_back(std::move(source));
    }
    std::map<std::string, const Source*> by_name;
    for (const Source& source : sources) {
        if (source.name.empty()) continue;
        const auto [it, inserted] = by_name.emplace(source.name, &source);
        if (!inserted) {
            throw InvalidArgumentError(
                "sources " + it->second->given + " and " + source.given + " have the same name \"" +
                source.name + "\": their files' document ids (\"" + source.name + "/...\") would "
                "clash; give them different names with the NAME=DIR form (e.g. " + source.name +
                "-2=" + source.path + ")");
        }
    }
    return sources;
}

// "<size> <mtime in ns>": what tells a changed file without reading it.
std::string file_state(const fs::path& path, std::uint64_t& size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    size = static_cast<std::uint64_t>(st.st_size);
    return std::to_string(st.st_size) + " " +
           std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                          st.st_mtim.tv_nsec);
}

// An .xml file is read as a feed when its root element is one (<rss>, <rdf:RDF>, <feed>);
// any other XML is skipped, with `reason` saying so. Only its start is read.
Format xml_format(const fs::path& path, std::string& reason) {
    // Room for an XML declaration, comments and a DOCTYPE before the root element.
    constexpr std::size_t kHeadBytes = 8192;
    std::ifstream in(path, std::ios::binary);
    std::string head(kHeadBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    // An unreadable file is the reader's to report, with its reason.
    if (!in && !in.eof()) return Format::Feed;
    if (readers::looks_like_feed(head)) return Format::Feed;
    reason = "XML whose root element is not an RSS or Atom feed (.xml)";
    return Format::Unsupported;
}

// The planning pass: walks every source (no file is read), so that the run knows what it
// will delete before it changes anything, and how much there is to read.
}  // namespace

Plan plan_run(const std::vector<std::string>& given, const IndexRunOptions& options,
              const std::string& index_dir) {
    if (!(options.max_delete_share >= 0.0 && options.max_delete_share <= 1.0)) {
        throw InvalidArgumentError("IndexRunOptions::max_delete_share " +
                                   std::to_string(options.max_delete_share) +
                                   " is out of range 0..1");
    }
    if (!options.encoding.empty() && !readers::known_charset(options.encoding)) {
        throw InvalidArgumentError("encoding \"" + options.encoding +
                                   "\" (IndexRunOptions::encoding) is not one this system "
                                   "knows (iconv -l lists them)");
    }
    if (!(options.pdf_seconds > 0.0) || options.pdf_memory_bytes < (16ull << 20)) {
        throw InvalidArgumentError("IndexRunOptions::pdf_seconds must be above 0 and "
                                   "IndexRunOptions::pdf_memory_bytes at least 16 MiB");
    }
    Plan plan;
    plan.sources = resolve_sources(given);
    WalkOptions walk_options;
    walk_options.follow_symlinks = options.follow_symlinks;
    std::error_code ec;
    if (!index_dir.empty()) {
        walk_options.skip_dirs.push_back(fs::weakly_canonical(index_dir, ec).string());
    }
    for (const Source& source : plan.sources) {
        plan.roots.push_back(source.root);
        const std::string prefix = source.name.empty() ? std::string() : source.name + "/";
        WalkCallbacks walk;
        walk.on_file = [&](const fs::path& path, const std::string& id) {
            Entry e;
            e.path = path;
            // A directory SOURCE's files only: a file SOURCE's id stays its name.
            e.id = prefix.empty() || !is_directory(source.path) ? id : prefix + id;
            e.format = format_of(path);
            e.named = !is_directory(source.path);
            if (e.format == Format::Xml) e.format = xml_format(path, e.reason);
            if (e.format == Format::Unsupported && e.reason.empty()) {
                e.reason = "not a format lupe reads (" + skipped_extension(path) + ")";
            }
            if (e.format != Format::Unsupported) {
                std::error_code ec2;
                e.key = fs::weakly_canonical(path, ec2).string();
                e.state = file_state(path, e.size);
                if (plan.files.emplace(e.key, e.size).second) {
                    ++plan.files_total;
                    plan.bytes_total += e.size;
                }
            }
            plan.entries.push_back(std::move(e));
        };
        walk.on_problem = [&](const fs::path& path, const std::string& reason,
                              Problem problem) {
            // A note (a link not followed, a loop, a second path, a broken link) hides
            // nothing: what lies behind it is walked elsewhere or out of scope. Only what
            // could not be read keeps its documents.
            if (problem != Problem::Note) {
                std::error_code ec2;
                plan.unreadable.push_back(fs::weakly_canonical(path, ec2).string());
            }
            Entry e;
            e.kind = Entry::Kind::Problem;
            e.path = path;
            e.reason = reason;
            e.problem = problem;
            plan.entries.push_back(std::move(e));
        };
        // Files reached through a followed link are in scope while the link is there.
        walk.on_link_out = [&](const fs::path& target) {
            const std::string t = target.string();
            if (std::none_of(plan.roots.begin(), plan.roots.end(),
                             [&](const std::string& r) { return path_inside(t, r); })) {
                plan.roots.push_back(t);
            }
        };
        walk_source(source.path, walk, walk_options);
    }
    return plan;
}

bool inside_any(const std::string& path, const std::vector<std::string>& dirs) {
    return std::any_of(dirs.begin(), dirs.end(),
                       [&](const std::string& d) { return path_inside(path, d); });
}

}  // namespace lupe::sync

#include <doctest/doctest.h>

#include <unistd.h>

#include <vector>

#include "indexer/source_walker.hpp"
#include "temp_dir.hpp"

using namespace lupe::indexer;
namespace fs = std::filesystem;

namespace {
struct Walk {
    std::vector<std::string> ids;
    std::vector<std::pair<std::string, bool>> problems;  // reason, fatal
    explicit Walk(const fs::path& source) {
        WalkCallbacks cb;
        cb.on_file = [this](const fs::path&, const std::string& id) { ids.push_back(id); };
        cb.on_problem = [this](const fs::path&, const std::string& r, bool fatal) {
            problems.emplace_back(r, fatal);
        };
        walk_source(source, cb);
    }
};
}  // namespace

TEST_CASE("format_of by extension, case-insensitive") {
    CHECK(format_of("a.txt") == Format::Text);
    CHECK(format_of("A.TXT") == Format::Text);
    CHECK(format_of("notes.md") == Format::Markdown);
    CHECK(format_of("d.jsonl") == Format::Jsonl);
    CHECK(format_of("d.jsonl.gz") == Format::Jsonl);
    CHECK(format_of("d.json") == Format::Unsupported);
    CHECK(format_of("d.gz") == Format::Unsupported);
    CHECK(format_of("paper.pdf") == Format::Unsupported);
}

TEST_CASE("walk_source: ids relative to the source, in name order, hidden and ignored skipped") {
    lupe::test::TempDir dir;
    dir.write("src/b.txt", "b");
    dir.write("src/a.md", "a");
    dir.write("src/sub/c.txt", "c");
    dir.write("src/.git/config", "x");
    dir.write("src/.hidden.txt", "x");
    dir.write("src/skip.log", "x");
    dir.write("src/README.md", "x");
    dir.write("src/.lupeignore", "# comment\nREADME.md\n*.log\n");
    Walk w(dir.path() / "src");
    CHECK(w.ids == std::vector<std::string>{"a.md", "b.txt", "sub/c.txt"});
    CHECK(w.problems.empty());
}

TEST_CASE("walk_source: a file source gets its file name as id") {
    lupe::test::TempDir dir;
    Walk w(dir.write("one.txt", "x"));
    CHECK(w.ids == std::vector<std::string>{"one.txt"});
}

TEST_CASE("walk_source: symlink loops and broken links are reported, not fatal") {
    lupe::test::TempDir dir;
    dir.write("src/a.txt", "a");
    dir.write("src/sub/b.txt", "b");
    fs::create_directory_symlink(dir.path() / "src", dir.path() / "src/sub/loop");
    fs::create_symlink(dir.path() / "nowhere", dir.path() / "src/broken.txt");
    Walk w(dir.path() / "src");
    CHECK(w.ids == std::vector<std::string>{"a.txt", "sub/b.txt"});
    REQUIRE(w.problems.size() == 2);
    CHECK(w.problems[0].first == "broken symbolic link");
    CHECK(w.problems[1].first.find("symbolic link loop") == 0);
    CHECK_FALSE(w.problems[0].second);
    CHECK_FALSE(w.problems[1].second);
}

TEST_CASE("walk_source: a missing source is a fatal problem") {
    lupe::test::TempDir dir;
    Walk w(dir.path() / "missing");
    CHECK(w.ids.empty());
    REQUIRE(w.problems.size() == 1);
    CHECK(w.problems[0].second);
}

TEST_CASE("walk_source: an unreadable directory is reported" * doctest::skip(::geteuid() == 0)) {
    lupe::test::TempDir dir;
    dir.write("src/a.txt", "a");
    dir.write("src/locked/b.txt", "b");
    fs::permissions(dir.path() / "src/locked", fs::perms::none);
    Walk w(dir.path() / "src");
    fs::permissions(dir.path() / "src/locked", fs::perms::owner_all);
    CHECK(w.ids == std::vector<std::string>{"a.txt"});
    REQUIRE(w.problems.size() == 1);
    CHECK(w.problems[0].first.find("cannot read directory") == 0);
}

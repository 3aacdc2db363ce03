#include <doctest/doctest.h>

#include <unistd.h>

#include <string>
#include <vector>

#include "apps/sync/source_walker.hpp"
#include "support/temp_dir.hpp"

using namespace lupe::sync;
namespace fs = std::filesystem;

namespace {
struct Problem {
    std::string name;  // file name of the path concerned
    std::string reason;
    lupe::sync::Problem kind;
};

struct Walk {
    std::vector<std::string> ids;
    std::vector<Problem> problems;
    std::vector<std::string> links_out;
    explicit Walk(const fs::path& source, bool follow = false) {
        WalkCallbacks cb;
        cb.on_file = [this](const fs::path&, const std::string& id) { ids.push_back(id); };
        cb.on_problem = [this](const fs::path& p, const std::string& r,
                               lupe::sync::Problem kind) {
            problems.push_back({p.filename().string(), r, kind});
        };
        cb.on_link_out = [this](const fs::path& target) { links_out.push_back(target.string()); };
        WalkOptions options;
        options.follow_symlinks = follow;
        walk_source(source, cb, options);
    }
};

std::string real_path(const fs::path& p) { return fs::canonical(p).string(); }

const std::string kLoop = "symbolic link loop (leads back to a directory being walked), not entered";
const std::string kEndless = "symbolic link loop (the chain of links never ends), not followed";
}  // namespace

TEST_CASE("format_of by extension, case-insensitive") {
    CHECK(format_of("a.txt") == Format::Text);
    CHECK(format_of("A.TXT") == Format::Text);
    CHECK(format_of("notes.md") == Format::Markdown);
    CHECK(format_of("d.jsonl") == Format::Jsonl);
    CHECK(format_of("d.jsonl.gz") == Format::Jsonl);
    CHECK(format_of("d.json") == Format::Unsupported);
    CHECK(format_of("d.gz") == Format::Unsupported);
    CHECK(format_of("paper.docx") == Format::Unsupported);
    CHECK(format_of("paper.pdf") == Format::Pdf);
    CHECK(format_of("notes.markdown") == Format::Markdown);
    CHECK(format_of("notes.MDOWN") == Format::Markdown);
    CHECK(format_of("page.htm") == Format::Html);
    CHECK(format_of("page.xhtml") == Format::Html);
    CHECK(format_of("ars.rss") == Format::Feed);
    CHECK(format_of("ars.atom") == Format::Feed);
    CHECK(format_of("ars.xml") == Format::Xml);  // a feed or not: its root element tells
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

TEST_CASE("walk_source: symlink loops and broken links are notes, with and without following") {
    lupe::test::TempDir dir;
    dir.write("src/a.txt", "a");
    dir.write("src/sub/b.txt", "b");
    fs::create_directory_symlink(dir.path() / "src", dir.path() / "src/sub/loop");  // ancestor
    fs::create_symlink("self", dir.path() / "src/self");                             // itself
    fs::create_symlink(dir.path() / "nowhere", dir.path() / "src/broken.txt");
    SUBCASE("not following: the link to an ancestor lies inside the tree and is passed over") {
        Walk w(dir.path() / "src");
        CHECK(w.ids == std::vector<std::string>{"a.txt", "sub/b.txt"});
        REQUIRE(w.problems.size() == 2);
        CHECK(w.problems[0].name == "broken.txt");
        CHECK(w.problems[0].reason == "broken symbolic link");
        CHECK(w.problems[1].name == "self");
        CHECK(w.problems[1].reason == kEndless);
        for (const auto& p : w.problems) CHECK(p.kind == lupe::sync::Problem::Note);
    }
    SUBCASE("following: the loop is reported and not entered") {
        Walk w(dir.path() / "src", true);
        CHECK(w.ids == std::vector<std::string>{"a.txt", "sub/b.txt"});
        REQUIRE(w.problems.size() == 3);
        CHECK(w.problems[0].reason == "broken symbolic link");
        CHECK(w.problems[1].name == "self");
        CHECK(w.problems[1].reason == kEndless);
        CHECK(w.problems[2].name == "loop");
        CHECK(w.problems[2].reason == kLoop);
        for (const auto& p : w.problems) CHECK(p.kind == lupe::sync::Problem::Note);
        CHECK(w.links_out.empty());
    }
}

TEST_CASE("walk_source: a link inside the tree is not followed, and not reported") {
    lupe::test::TempDir dir;
    dir.write("src/a.txt", "a");
    dir.write("src/sub/b.txt", "b");
    fs::create_directory_symlink("sub", dir.path() / "src/alias");
    fs::create_symlink("a.txt", dir.path() / "src/also-a.txt");
    fs::create_symlink("../a.txt", dir.path() / "src/sub/up-a.txt");
    Walk w(dir.path() / "src");
    CHECK(w.ids == std::vector<std::string>{"a.txt", "sub/b.txt"});
    CHECK(w.problems.empty());
    CHECK(w.links_out.empty());
}

TEST_CASE("walk_source: a link out of the tree is a note unless links are followed") {
    lupe::test::TempDir dir;
    dir.write("src/a.txt", "a");
    dir.write("outside/c.txt", "c");
    dir.write("lone.txt", "l");
    fs::create_directory_symlink("../outside", dir.path() / "src/out");
    fs::create_symlink(dir.path() / "lone.txt", dir.path() / "src/lone.txt");
    const std::string src = real_path(dir.path() / "src");
    SUBCASE("not followed") {
        Walk w(dir.path() / "src");
        CHECK(w.ids == std::vector<std::string>{"a.txt"});
        REQUIRE(w.problems.size() == 2);
        CHECK(w.problems[0].name == "lone.txt");
        CHECK(w.problems[0].reason == "symbolic link to " + real_path(dir.path() / "lone.txt") +
                                          " leads out of " + src +
                                          ", not followed (--follow-symlinks follows it)");
        CHECK(w.problems[1].name == "out");
        CHECK(w.problems[1].reason == "symbolic link to " + real_path(dir.path() / "outside") +
                                          " leads out of " + src +
                                          ", not followed (--follow-symlinks follows it)");
        for (const auto& p : w.problems) CHECK(p.kind == lupe::sync::Problem::Note);
        CHECK(w.links_out.empty());
    }
    SUBCASE("followed: the targets are reported as lying out of the tree") {
        Walk w(dir.path() / "src", true);
        CHECK(w.ids == std::vector<std::string>{"a.txt", "lone.txt", "out/c.txt"});
        CHECK(w.problems.empty());
        CHECK(w.links_out == std::vector<std::string>{real_path(dir.path() / "lone.txt"),
                                                      real_path(dir.path() / "outside")});
    }
}

TEST_CASE("walk_source: following links, a file or directory reached twice is read once") {
    lupe::test::TempDir dir;
    dir.write("src/z.txt", "z");
    dir.write("src/zdir/x.md", "x");
    dir.write("src/zdir/y.docx", "y");
    fs::create_symlink("z.txt", dir.path() / "src/a-link.txt");
    fs::create_directory_symlink("zdir", dir.path() / "src/b");
    fs::create_symlink("zdir/y.docx", dir.path() / "src/c.docx");
    Walk w(dir.path() / "src", true);
    // Under the first path in name order: the links come first here.
    CHECK(w.ids == std::vector<std::string>{"a-link.txt", "b/x.md", "b/y.docx"});
    REQUIRE(w.problems.size() == 2);  // a second path to a .docx, which is not read, is no news
    CHECK(w.problems[0].name == "z.txt");
    CHECK(w.problems[0].reason ==
          "already indexed as \"a-link.txt\" (the same file or directory reached twice), passed over");
    CHECK(w.problems[1].name == "zdir");
    CHECK(w.problems[1].reason ==
          "already indexed as \"b\" (the same file or directory reached twice), passed over");
    for (const auto& p : w.problems) CHECK(p.kind == lupe::sync::Problem::Note);
}

TEST_CASE("walk_source: a link farm is walked once per directory, not 2^n times") {
    // d0 .. d20, each with a file and two links to the next: 2^20 paths to d20/f.txt.
    constexpr int kLevels = 20;
    lupe::test::TempDir dir;
    for (int i = 0; i <= kLevels; ++i) {
        const std::string d = "farm/d" + std::to_string(i);
        dir.write(d + "/f.txt", "f");
        if (i == kLevels) continue;
        const std::string next = "../d" + std::to_string(i + 1);
        fs::create_directory_symlink(next, dir.path() / d / "l1");
        fs::create_directory_symlink(next, dir.path() / d / "l2");
    }
    SUBCASE("following") {
        Walk w(dir.path() / "farm", true);
        REQUIRE(w.ids.size() == kLevels + 1);
        std::string expected = "d0/f.txt";
        for (int i = 0; i <= kLevels; ++i) {
            CHECK(w.ids[static_cast<std::size_t>(i)] == expected);
            expected.insert(expected.size() - 5, "l1/");
        }
        // Each second link (l2) leads to a directory already read, and so does each dK
        // after d0.
        CHECK(w.problems.size() == 2 * kLevels);
        for (const auto& p : w.problems) CHECK(p.reason.find("already indexed as") == 0);
    }
    SUBCASE("not following") {
        Walk w(dir.path() / "farm");
        CHECK(w.ids.size() == kLevels + 1);
        CHECK(w.ids.front() == "d0/f.txt");
        CHECK(w.problems.empty());
    }
}

TEST_CASE("walk_source: a source that is a symbolic link is followed") {
    lupe::test::TempDir dir;
    dir.write("real/a.txt", "a");
    dir.write("real/sub/b.txt", "b");
    fs::create_directory_symlink("sub", dir.path() / "real/alias");
    fs::create_directory_symlink("real", dir.path() / "src");
    fs::create_symlink("real/a.txt", dir.path() / "one.txt");
    Walk w(dir.path() / "src");
    // The tree is the link's target: "alias" lies inside it.
    CHECK(w.ids == std::vector<std::string>{"a.txt", "sub/b.txt"});
    CHECK(w.problems.empty());
    Walk file(dir.path() / "one.txt");
    CHECK(file.ids == std::vector<std::string>{"one.txt"});
    CHECK(file.problems.empty());
}

TEST_CASE("id_of_name: names that are not UTF-8, or hold control characters, are escaped") {
    CHECK(id_of_name("plain.txt") == "plain.txt");
    CHECK(id_of_name("café.txt") == "café.txt");            // valid UTF-8: as it is
    CHECK(id_of_name("100%.txt") == "100%.txt");            // "%" is not escaped
    CHECK(id_of_name("Straße 日本 😀.md") == "Straße 日本 😀.md");
    CHECK(id_of_name("") == "");
    CHECK(id_of_name("caf\xE9.txt") == "caf%E9.txt");      // Latin-1
    CHECK(id_of_name("\xFC\xDF") == "%FC%DF");
    CHECK(id_of_name("a\xC3") == "a%C3");                  // truncated sequence
    CHECK(id_of_name("\xC0\xAF") == "%C0%AF");             // overlong "/"
    CHECK(id_of_name("\xED\xA0\x80") == "%ED%A0%80");      // surrogate
    CHECK(id_of_name("\xF4\x90\x80\x80") == "%F4%90%80%80");  // above U+10FFFF
    CHECK(id_of_name("\xE2\x82") == "%E2%82");
    CHECK(id_of_name("two\nlines") == "two%0Alines");
    CHECK(id_of_name("\x1b[31mred") == "%1B[31mred");
    CHECK(id_of_name("tab\there") == "tab%09here");
    CHECK(id_of_name("del\x7f") == "del%7F");
    CHECK(id_of_name("\xC2\x85") == "\xC2\x85");  // U+0085 is valid UTF-8 and not C0
}

TEST_CASE("walk_source: ids of names that are not UTF-8 or hold control characters") {
    lupe::test::TempDir dir;
    dir.write("src/caf\xE9.txt", "latin-1");
    dir.write("src/caf\xC3\xA9.txt", "utf-8");
    dir.write("src/d\xFC/x.txt", "in a Latin-1 directory");
    dir.write("src/line\nbreak.txt", "newline");
    dir.write("src/\x1b[31mred.txt", "escape");
    Walk w(dir.path() / "src");
    // In the order of the names' bytes: "\xC3\xA9" before "\xE9".
    CHECK(w.ids == std::vector<std::string>{"%1B[31mred.txt", "café.txt", "caf%E9.txt",
                                            "d%FC/x.txt", "line%0Abreak.txt"});
    CHECK(w.problems.empty());
    Walk file(dir.path() / "src/caf\xE9.txt");
    CHECK(file.ids == std::vector<std::string>{"caf%E9.txt"});
}

TEST_CASE("walk_source: a missing source is a fatal problem") {
    lupe::test::TempDir dir;
    Walk w(dir.path() / "missing");
    CHECK(w.ids.empty());
    REQUIRE(w.problems.size() == 1);
    CHECK(w.problems[0].kind == lupe::sync::Problem::Fatal);
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
    CHECK(w.problems[0].reason.find("cannot read directory") == 0);
    CHECK(w.problems[0].kind == lupe::sync::Problem::Unreadable);
}

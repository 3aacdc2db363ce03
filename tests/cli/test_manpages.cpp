// End-to-end tests of the tools' man pages, bash completion and --help (issue 14, item 8):
// the page and the completion are what the build installs (both tools print them for
// --help-man and --help-completion bash), so these tests check that they render, that
// they name every option --help names, that completion completes, and that --help reads
// as text for people. Needs man(1) (Debian's man-db, in contrib/install-deps.sh) and bash.
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using lupe::test::TempDir;
using namespace lupe::test;

constexpr int kOk = 0, kError = 2;
const std::string kMan = "/usr/bin/man";
const std::string kBash = "/bin/bash";

bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

Run tool(const std::string& name, std::vector<std::string> args) {
    if (name == "lupe-serve") {
        args.insert(args.begin(), LUPE_SERVE_BIN);
        return run(args);
    }
    return name == "lupe-index" ? lupe_index(std::move(args)) : lupe_search(std::move(args));
}

// The long options --help lists, each from the start of its line ("  -n,--limit N=10").
std::set<std::string> help_options(const std::string& help) {
    std::set<std::string> options;
    static const std::regex option_line(R"(^  (?:-\w,)?(--[a-z0-9][a-z0-9-]*))");
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_search(line, m, option_line)) options.insert(m[1]);
    }
    return options;
}

// Runs the completion function of `script` with COMP_WORDS = `words` (the last one being
// completed) and returns COMPREPLY, one per line.
std::string complete(const std::string& script, const std::string& function,
                     const std::vector<std::string>& words) {
    std::string array;
    for (const auto& w : words) array += " '" + w + "'";
    const Run r = run({kBash, "-c",
                       "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" +
                           std::to_string(words.size() - 1) + "; " + function +
                           "; for w in \"${COMPREPLY[@]}\"; do printf '%s\\n' \"$w\"; done"});
    INFO("completing" << array << "\nstderr: " << r.err);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    return r.out;
}

}  // namespace

TEST_CASE("the man pages render with man -l and name every option of --help") {
    // man formats for a pipe at this width; a fixed one keeps the check independent of
    // the terminal the tests run in.
    ::setenv("MANWIDTH", "80", 1);
    const TempDir tmp;
    for (const std::string name : {"lupe-index", "lupe-search", "lupe-serve"}) {
        CAPTURE(name);
        const Run page = tool(name, {"--help-man"});
        REQUIRE(page.status == kOk);
        CHECK(page.err.empty());
        const std::string file = tmp.write(name + ".1", page.out);
        const Run man = run({kMan, "--warnings", "-l", file});
        INFO("man stderr: " << man.err);
        REQUIRE(man.status == 0);
        CHECK(man.err.empty());  // no groff warning
        for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
                                    "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"}) {
            CHECK_MESSAGE(has(man.out, std::string("\n") + section + "\n"), section);
        }
        CHECK(has(man.out, name + " - "));  // the NAME line: what the tool does
        CHECK(has(man.out, "LUPE_GERMAN_WORDLIST"));
        CHECK(has(man.out, "--index DIR") != has(man.out, "--index PATH"));

        const Run help = tool(name, {"--help"});
        REQUIRE(help.status == kOk);
        const auto options = help_options(help.out);
        REQUIRE(options.size() > 10);
        for (const auto& option : options) {
            // A tag line ("       -n, --limit N") or an option alone in its tag.
            const std::regex tag("\n {7}(-\\w, )?" + option + "( |\n)");
            CHECK_MESSAGE(std::regex_search(man.out, tag), option);
        }
        // The exit statuses come from --help's own footer, not from a second text.
        CHECK(has(help.out, "Exit status:"));
        CHECK(has(help.out, "\n  2   "));
        CHECK_FALSE(has(man.out, "--help-man"));
    }
}

TEST_CASE("bash completion completes options, their values and paths") {
    const TempDir tmp;
    tmp.write("docs/notes.md", "# Notes\n");
    tmp.write("dates.txt", "x\n");
    for (const std::string name : {"lupe-index", "lupe-search"}) {
        CAPTURE(name);
        const Run script = tool(name, {"--help-completion", "bash"});
        REQUIRE(script.status == kOk);
        const std::string file = tmp.write(name + ".bash", script.out);
        const std::string function = name == "lupe-index" ? "_lupe_index" : "_lupe_search";

        // Every option of --help is offered after "--".
        const Run help = tool(name, {"--help"});
        const std::string all = complete(file, function, {name, "--"});
        for (const auto& option : help_options(help.out)) {
            CHECK_MESSAGE(has(all, option + "\n"), option);
        }
        CHECK_FALSE(has(all, "--help-man"));
        CHECK(complete(file, function, {name, "--la"}) == "--lang\n");
        CHECK(complete(file, function, {name, "--lang", ""}) == "en\nde\n");
        CHECK(complete(file, function, {name, "--lang", "=", "d"}) == "de\n");  // --lang=d
        CHECK(complete(file, function, {name, "--index", tmp / "do"}) == tmp / "docs" + "\n");
    }
    const std::string search = tmp.write("s.bash", lupe_search({"--help-completion", "bash"}).out);
    CHECK(complete(search, "_lupe_search", {"lupe-search", "--li"}) == "--limit\n");
    CHECK(complete(search, "_lupe_search", {"lupe-search", "--sort", "n"}) == "newest\n");
    CHECK(complete(search, "_lupe_search", {"lupe-search", "--weighting", "bm"}) == "bm25\nbm25+\n");
    CHECK(complete(search, "_lupe_search", {"lupe-search", "--color", ""}) == "auto\nalways\nnever\n");
    CHECK(complete(search, "_lupe_search", {"lupe-search", "--batch", tmp / "da"}) ==
          tmp / "dates.txt" + "\n");
    CHECK(complete(search, "_lupe_search", {"lupe-search", "--limit", ""}).empty());  // a number
    CHECK(complete(search, "_lupe_search", {"lupe-search", "-i", "x", "hua"}).empty());  // a query
    const std::string index = tmp.write("i.bash", lupe_index({"--help-completion", "bash"}).out);
    // lupe-index's SOURCEs are files and directories, also after "--".
    CHECK(complete(index, "_lupe_index", {"lupe-index", "-i", "x", tmp / "da"}) ==
          tmp / "dates.txt" + "\n");
    CHECK(complete(index, "_lupe_index", {"lupe-index", "--", tmp / "do"}) == tmp / "docs" + "\n");

    const Run zsh = lupe_search({"--help-completion", "zsh"});
    CHECK(zsh.status == kError);
    CHECK(has(zsh.err, "lupe-search: --help-completion: \"zsh\" is not one of bash"));
}

TEST_CASE("--help reads as text for people: placeholders, values in words, 80 columns") {
    const TempDir tmp;
    tmp.write("src/a.md", "# A\n\nalpha\n");
    for (const std::string name : {"lupe-index", "lupe-search"}) {
        CAPTURE(name);
        const Run help = tool(name, {"--help"});
        REQUIRE(help.status == kOk);
        CHECK(has(help.out, "Usage: " + name + " "));
        for (const char* noise : {"FAILED", "->", ":{", " in [", "TEXT", "UINT", "FLOAT", "ENUM",
                                  "--help-man", "--help-completion"}) {
            CHECK_MESSAGE(!has(help.out, noise), noise);
        }
        CHECK(has(help.out, "--lang LANG"));
        std::istringstream lines(help.out);
        for (std::string line; std::getline(lines, line);) {
            std::size_t columns = 0;
            for (const char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            CHECK_MESSAGE(columns <= 80, line);
        }
        // A wrong value is answered with the valid ones.
        const Run lang = tool(name, {"--index", tmp / "idx", "--lang", "fr", tmp / "src"});
        CHECK(lang.status == kError);
        CHECK(has(lang.err, name + ": --lang: \"fr\" is not one of en, de"));
    }
    const Run weighting = lupe_search({"--index", "/nonexistent", "--weighting", "tfidf", "x"});
    CHECK(weighting.status == kError);
    CHECK(has(weighting.err, "--weighting: \"tfidf\" is not one of bm25, bm25+, dph, pl2, inl2, lm"));
    const Run color = lupe_search({"--index", "/nonexistent", "--color", "sometimes", "x"});
    CHECK(color.status == kError);
    CHECK(has(color.err, "--color: \"sometimes\" is not one of auto, always, never"));
}

TEST_CASE("a misspelled option gets the nearest real one, in both tools") {
    const TempDir tmp;
    tmp.write("src/a.md", "# A\n\nalpha\n");
    const Run full = lupe_index({"--index", tmp / "idx", "--ful", tmp / "src"});
    CHECK(full.status == kError);
    CHECK(has(full.err, "lupe-index: "));
    CHECK(has(full.err, "did you mean --full?"));
    const Run limit = lupe_search({"--index", tmp / "idx", "--limt", "5", "x"});
    CHECK(limit.status == kError);
    CHECK(has(limit.err, "did you mean --limit?"));
    // Also when a required option is missing: the typo is the likelier mistake.
    const Run alone = lupe_index({"--ful"});
    CHECK(alone.status == kError);
    CHECK(has(alone.err, "lupe-index: The following argument was not expected: --ful (did you "
                         "mean --full?)"));
    const Run search_alone = lupe_search({"--limt", "5", "x"});
    CHECK(search_alone.status == kError);
    CHECK(has(search_alone.err, "did you mean --limit?"));
    CHECK(has(lupe_search({"x"}).err, "--index is required"));
    // Also when the typo's value would be read as a SOURCE that does not exist (0.5 said
    // "SOURCE: Path does not exist: 1").
    const Run valued = lupe_index({"--index", tmp / "idx", "--compund-levels", "1", tmp / "src"});
    CHECK(valued.status == kError);
    CHECK(has(valued.err, "lupe-index: The following argument was not expected: --compund-levels "
                          "(did you mean --compound-levels?)"));
    // A real missing SOURCE is still said so.
    CHECK(has(lupe_index({"--index", tmp / "idx", tmp / "nowhere"}).err, "Path does not exist"));
}

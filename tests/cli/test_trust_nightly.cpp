// lupe-index as a nightly job sees it (issue 13 items 10 and 12): errors that --quiet no
// longer hides, failures in --json, a summary that says what happened, messages in
// lupe-index's own terms, and a systemd unit that is sandboxed and fails when files do.
#include <doctest/doctest.h>

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/json_output.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using lupe::test::TempDir;
using namespace lupe::test;

const std::string kSourceDir = fs::path(LUPE_CORPUS_DIR).parent_path().string();

// A source folder with one good text file and a JSONL file whose line 2 is broken.
std::string broken_source(const TempDir& tmp) {
    tmp.write("src/good.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    tmp.write("src/docs.jsonl",
              "{\"id\": \"heron\", \"title\": \"Heron\", \"body\": \"A heron waited.\", \"lang\": \"en\"}\n"
              "{\"id\": \"broken\", \"title\": \n");
    return tmp / "src";
}

// The options every run here shares: no German word list needed, no language detection.
std::vector<std::string> with(std::vector<std::string> args) {
    args.insert(args.end(), {"--no-decompound", "--lang", "en"});
    return args;
}

}  // namespace

// lupe 0.4.0: --quiet dropped the error lines too; the nightly log said only "failed 1".
TEST_CASE("--quiet --oneline still prints the error line of a broken file") {
    TempDir tmp;
    const std::string src = broken_source(tmp);
    const Run r = lupe_index(with({"--index", tmp / "index", src, "--quiet", "--oneline"}));
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    REQUIRE(lines_of(r.err).size() == 1);
    CHECK(has(r.err, "lupe-index: error: " + src + "/docs.jsonl:2: "));
    CHECK(has(r.out, "failed 1"));
}

// lupe 0.4.0: "The following argument was not expected: --ful", without the program's
// name or the option meant (lupe-search got both first; the tools share them now).
TEST_CASE("a mistyped lupe-index option gets the program's name and the option meant") {
    TempDir tmp;
    tmp.write("src/a.txt", "hello\n");
    const Run r = lupe_index(with({"--ful", "--index", tmp / "index", tmp / "src"}));
    CHECK(r.status == 2);
    CHECK(r.err.rfind("lupe-index: ", 0) == 0);
    CHECK(has(r.err, "did you mean --full?"));
    CHECK_FALSE(fs::exists(tmp / "index"));
}

// lupe 0.4.0: --json had only a "failed" count, no file names.
TEST_CASE("--json lists failed files with file, line and message, and notes apart") {
    TempDir tmp;
    const std::string src = broken_source(tmp);
    tmp.write("outside/c.txt", "Crane report\n\nA crane flew over.\n");
    fs::create_directory_symlink("../outside", fs::path(src) / "out");  // a note: not followed
    const Run r = lupe_index(with({"--index", tmp / "index", src, "--quiet", "--json"}));
    CHECK(r.status == 1);
    // --quiet: the error is printed, the note is not.
    CHECK(lines_of(r.err).size() == 1);
    CHECK(has(r.err, "docs.jsonl:2"));
    const json s = parse_json(r);
    REQUIRE(s.at("failures").size() == 1);
    const json& failure = s.at("failures").at(0);
    CHECK(failure.at("file") == src + "/docs.jsonl");
    CHECK(failure.at("line") == 2);
    CHECK(has(failure.at("message").get<std::string>(), "JSON"));
    REQUIRE(s.at("notes").size() == 1);
    CHECK(s.at("notes").at(0).at("file") == src + "/out");
    CHECK_FALSE(s.at("notes").at(0).contains("line"));  // not applicable
    CHECK(has(s.at("notes").at(0).at("message").get<std::string>(), "not followed"));
}

// lupe 0.4.0: "Indexed 1 documents", and "Indexed 0 documents ... (0 documents/s)" for a
// run with nothing to do; failures counted as warnings too.
TEST_CASE("the summary says what happened, in words that fit") {
    TempDir tmp;
    tmp.write("src/one.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    const std::string index = tmp / "index";
    const Run first = lupe_index(with({"--index", index, tmp / "src"}));
    INFO("stdout: " << first.out);
    CHECK(first.status == 0);
    CHECK(has(first.out, "Indexed 1 document into " + index));
    CHECK_FALSE(has(first.out, "Indexed 1 documents"));  // not "1 documents/s" in "(11 documents/s)"
    CHECK(has(first.out, "failed: 0, notes: 0"));

    const Run second = lupe_index(with({"--index", index, tmp / "src"}));
    INFO("stdout: " << second.out);
    CHECK(second.status == 0);
    CHECK(has(second.out, "Nothing changed in " + index + ": 1 document unchanged"));
    CHECK_FALSE(has(second.out, "documents/s"));
    CHECK_FALSE(has(second.out, "Indexed 0"));

    // A file read again (touched) whose documents did not change: they are counted, not
    // "0 files unchanged" (the first wording of 0.5 counted files skipped unread only).
    std::filesystem::last_write_time(tmp / "src/one.txt",
                                     std::filesystem::last_write_time(tmp / "src/one.txt") +
                                         std::chrono::seconds(5));
    const Run touched = lupe_index(with({"--index", index, tmp / "src"}));
    INFO("stdout: " << touched.out);
    CHECK(has(touched.out, "Nothing changed in " + index + ": 1 document unchanged"));

    // --oneline: a log line that starts with the local time (ISO 8601 with offset).
    const Run line = lupe_index(with({"--index", index, tmp / "src", "--oneline"}));
    INFO("stdout: " << line.out);
    CHECK(std::regex_search(line.out, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} lupe-index )")));
    CHECK(has(line.out, "failed 0, notes 0, 1 document, "));
}

// lupe 0.4.0 said "use --wait SECONDS" from the library; now the library speaks of
// IndexWriterOptions::lock_wait_seconds and lupe-index names its own flag.
TEST_CASE("lupe-index on a locked index names --wait") {
    TempDir tmp;
    tmp.write("src/one.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    const std::string index = tmp / "index";
    REQUIRE(lupe_index(with({"--index", index, tmp / "src", "--quiet"})).status == 0);
    // This test holds the writers' lock, as a running lupe-index would.
    const int fd = ::open((index + "/lock").c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const std::string pid = std::to_string(::getpid()) + "\n";
    REQUIRE(::ftruncate(fd, 0) == 0);
    REQUIRE(::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size()));
    const Run r = lupe_index(with({"--index", index, tmp / "src"}));
    ::close(fd);
    INFO("stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(has(r.err, "another writer (pid " + std::to_string(::getpid()) + ") has it open"));
    CHECK(has(r.err, "lupe-index --wait SECONDS waits for it"));
    CHECK_FALSE(has(r.err, "IndexWriterOptions"));
}

// lupe 0.4.0's writer said "(--full)" itself; now lupe-index maps the library's
// IndexWriterOptions::rebuild to its flag.
TEST_CASE("an analysis mismatch names lupe-index --full, not the API") {
    TempDir tmp;
    tmp.write("src/one.txt", "Pelican report\n\nA pelican landed on the harbour wall.\n");
    const std::string index = tmp / "index";
    REQUIRE(lupe_index(with({"--index", index, tmp / "src", "--quiet"})).status == 0);
    const Run r = lupe_index(with({"--index", index, tmp / "src", "--no-fold"}));
    INFO("stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(has(r.err, "rebuild it (lupe-index --full)"));
    CHECK_FALSE(has(r.err, "IndexWriterOptions"));
}

// lupe 0.4.0's unit ran as root, unsandboxed: systemd-analyze rated it 9.0 UNSAFE.
TEST_CASE("the shipped systemd unit is sandboxed (systemd-analyze security <= 3.0)") {
    const std::string analyze = "/usr/bin/systemd-analyze";
    if (!fs::exists(analyze)) {
        MESSAGE("skipped: no " << analyze);
        return;
    }
    const std::string unit = kSourceDir + "/contrib/systemd/lupe-index.service";
    const Run r = run({analyze, "security", "--offline=true", unit});
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    std::smatch m;
    const std::string all = r.out + r.err;
    REQUIRE(std::regex_search(all, m, std::regex(R"(Overall exposure level for lupe-index\.service: (\d+\.\d+))")));
    CHECK(std::stod(m[1].str()) <= 3.0);
}

TEST_CASE("the shipped systemd unit fails on status 1 and documents an installed file") {
    std::ifstream in(kSourceDir + "/contrib/systemd/lupe-index.service");
    REQUIRE(in);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // lupe 0.4.0: SuccessExitStatus=1 made a run that lost files look healthy.
    for (const auto& line : lines_of(text)) CHECK_FALSE(line.rfind("SuccessExitStatus=", 0) == 0);
    CHECK(has(text, "\nDynamicUser=yes\n"));
    CHECK(has(text, "\nStateDirectory=lupe\n"));
    CHECK(has(text, "Documentation=file:///usr/local/share/doc/lupe/nightly.md"));
    CHECK(fs::exists(kSourceDir + "/docs/nightly.md"));
}

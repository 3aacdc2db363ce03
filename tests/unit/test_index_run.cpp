// index_sources() as a library call, on temporary trees: the id rule for several sources,
// id clashes, the mass-delete guard, documents rejected for their content, and the counts
// of a run (issue 13, items 1, 2, 4 and the summary). Each test names the 0.4.0 behaviour
// it pins.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "format/shard_list.hpp"
#include "lupe/error.hpp"
#include "lupe/app/index_run.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/shards.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lupe::IndexRunOptions;
using lupe::IndexRunSummary;
using lupe::IndexWarning;
using lupe::IndexWriter;
using lupe::IndexWriterOptions;
using lupe::test::TempDir;

IndexWriterOptions writer_options(bool rebuild = false) {
    IndexWriterOptions options;
    options.default_lang = "en";
    options.decompound = false;  // no word list needed
    options.jobs = 2;
    options.rebuild = rebuild;
    return options;
}

struct Result {
    IndexRunSummary summary;
    std::vector<IndexWarning> warnings;
};

Result run(const std::string& index, const std::vector<std::string>& sources,
           IndexRunOptions run_options = {}, bool rebuild = false) {
    Result result;
    IndexWriter writer(index, writer_options(rebuild));
    lupe::IndexRunObserver observer;
    observer.on_warning = [&](const IndexWarning& w) { result.warnings.push_back(w); };
    result.summary = lupe::index_sources(writer, sources, observer, run_options);
    return result;
}

// The published index (through its stub file, or a sharded one's shard list, as
// searchers open them).
Xapian::Database open(const std::string& index) {
    const std::string list = (fs::path(index) / lupe::format::kShardListName).string();
    if (fs::exists(list)) return Xapian::Database(list);
    return Xapian::Database(index);
}

// The ids in the published index.
std::set<std::string> ids(const std::string& index) {
    Xapian::Database db = open(index);
    std::set<std::string> out;
    for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) out.insert((*t).substr(1));
    return out;
}

std::string jsonl_line(const std::string& id, const std::string& body) {
    return "{\"id\":\"" + id + "\",\"title\":\"" + id + "\",\"body\":\"" + body + "\"}\n";
}

}  // namespace

// 0.4.0: one document ("todo.md"), the first file's lost, updated: 1, no warning.
TEST_CASE("index_sources: two sources with the same relative file name keep both documents") {
    TempDir dir;
    dir.write("home/todo.md", "Buy milk\n");
    dir.write("work/todo.md", "Send the report\n");
    const Result r = run(dir / "idx", {dir / "home", dir / "work"});
    CHECK(r.warnings.empty());
    CHECK(r.summary.failed == 0);
    CHECK(r.summary.added.at("en") == 2);
    CHECK(ids(dir / "idx") == std::set<std::string>{"home/todo.md", "work/todo.md"});

    // A single source keeps the ids of 0.4 (relative path).
    const Result single = run(dir / "idx1", {dir / "home"});
    CHECK(ids(dir / "idx1") == std::set<std::string>{"todo.md"});
    CHECK(single.summary.files_total == 1);
}

// 0.4.0: "notes=DIR" is no path: the source fails (and ids have no prefix).
TEST_CASE("index_sources: NAME=DIR names a source's ids") {
    TempDir dir;
    dir.write("a/notes/x.md", "Alpha\n");
    dir.write("b/notes/x.md", "Beta\n");
    run(dir / "idx", {"priv=" + (dir / "a/notes"), dir / "b/notes"});
    CHECK(ids(dir / "idx") == std::set<std::string>{"priv/x.md", "notes/x.md"});
    // An explicit name prefixes a single source too.
    run(dir / "idx1", {"priv=" + (dir / "a/notes")});
    CHECK(ids(dir / "idx1") == std::set<std::string>{"priv/x.md"});
    // A name that cannot begin an id is refused.
    CHECK_THROWS_AS(run(dir / "idx2", {"a/b=" + (dir / "a/notes")}), lupe::InvalidArgumentError);
}

// 0.4.0: a/notes and b/notes both give "x.md": one document, the other lost.
TEST_CASE("index_sources: two sources with the same name are refused before anything") {
    TempDir dir;
    dir.write("a/notes/x.md", "Alpha\n");
    dir.write("b/notes/x.md", "Beta\n");
    run(dir / "idx", {dir / "a/notes"});
    const auto before = ids(dir / "idx");
    try {
        run(dir / "idx", {dir / "a/notes", dir / "b/notes"});
        FAIL("no error");
    } catch (const lupe::InvalidArgumentError& e) {
        const std::string message = e.what();
        CHECK(message.find(dir / "a/notes") != std::string::npos);
        CHECK(message.find(dir / "b/notes") != std::string::npos);
        CHECK(message.find("NAME=DIR") != std::string::npos);
    }
    CHECK(ids(dir / "idx") == before);
}

// 0.4.0: no warning at all; the later line silently replaced the earlier.
TEST_CASE("index_sources: one JSONL id twice in a file: a warning naming both lines, the later wins") {
    TempDir dir;
    dir.write("src/log.jsonl", jsonl_line("a", "first version") + jsonl_line("b", "bee") +
                                   jsonl_line("a", "second version"));
    const Result r = run(dir / "idx", {dir / "src"});
    REQUIRE(r.warnings.size() == 1);
    CHECK_FALSE(r.warnings[0].document_failed);
    CHECK(r.warnings[0].line == 3);
    CHECK(r.warnings[0].message.find("line 1") != std::string::npos);
    CHECK(r.summary.failed == 0);
    CHECK(r.summary.warnings == 1);
    Xapian::Database db(dir / "idx");
    CHECK(db.get_doccount() == 2);
    CHECK(db.term_exists("ZEsecond"));
    CHECK_FALSE(db.term_exists("ZEfirst"));
}

// 0.4.0: the second file's document silently replaced the first's.
TEST_CASE("index_sources: the same id from two files: a failure naming both, the first kept") {
    TempDir dir;
    dir.write("src/a.jsonl", jsonl_line("x", "from alpha") + jsonl_line("y", "why"));
    dir.write("src/b.jsonl", jsonl_line("z", "zed") + jsonl_line("x", "from beta"));
    for (const bool sharded : {false, true}) {
        CAPTURE(sharded);
        Result r;
        const std::string index = dir / (sharded ? "sharded" : "idx");
        if (sharded) {
            lupe::IndexRunObserver observer;
            observer.on_warning = [&](const IndexWarning& w) { r.warnings.push_back(w); };
            r.summary = lupe::index_sources_sharded(index, writer_options(), 2, {dir / "src"},
                                                    observer);
        } else {
            r = run(index, {dir / "src"});
        }
        REQUIRE(r.warnings.size() == 1);  // once, also in a sharded run
        const IndexWarning& w = r.warnings[0];
        CHECK(w.document_failed);
        CHECK(w.path == dir / "src/b.jsonl");
        CHECK(w.line == 2);
        CHECK(w.message.find(dir / "src/a.jsonl:1") != std::string::npos);
        CHECK(r.summary.failed == 1);
        CHECK(r.summary.warnings == 0);
        CHECK(ids(index) == std::set<std::string>{"x", "y", "z"});
        Xapian::Database db = open(index);
        CHECK(db.term_exists("ZEalpha"));
        CHECK_FALSE(db.term_exists("ZEbeta"));
    }
    // b.jsonl was not recorded: the next run reads it and reports the clash again.
    const Result again = run(dir / "idx", {dir / "src"});
    CHECK(again.summary.files_read == 1);
    CHECK(again.summary.failed == 1);
}

// 0.4.0: the empty folder's documents were all deleted, exit 0.
TEST_CASE("index_sources: an emptied source changes nothing, unless mass deletes are allowed") {
    TempDir dir;
    dir.write("home/a.md", "Apples\n");
    dir.write("share/b.md", "Bananas\n");
    dir.write("share/c.jsonl", jsonl_line("c1", "cherries") + jsonl_line("c2", "currants"));
    run(dir / "idx", {dir / "home", dir / "share"});
    const auto before = ids(dir / "idx");
    REQUIRE(before.size() == 4);
    // The share is unmounted: its folder is there, and empty.
    fs::remove(dir / "share/b.md");
    fs::remove(dir / "share/c.jsonl");
    dir.write("home/new.md", "New\n");
    try {
        run(dir / "idx", {dir / "home", dir / "share"});
        FAIL("no error");
    } catch (const lupe::MassDeleteError& e) {
        const std::string message = e.what();
        CHECK(message.find(dir / "share") != std::string::npos);
        CHECK(message.find("3 documents") != std::string::npos);
    }
    CHECK(ids(dir / "idx") == before);  // not even home/new.md: nothing was changed
    {
        // No state was recorded either: a run with the share back finds nothing changed.
        IndexWriter writer(dir / "idx", writer_options());
        CHECK(writer.tag_record(fs::weakly_canonical(dir / "home/new.md").string()).empty());
    }

    IndexRunOptions allow;
    allow.allow_mass_delete = true;
    const Result r = run(dir / "idx", {dir / "home", dir / "share"}, allow);
    CHECK(r.summary.deleted == 3);
    CHECK(ids(dir / "idx") == std::set<std::string>{"home/a.md", "home/new.md"});

    // A file now empty counts as gone too; a source that does not exist stays an error
    // and keeps its documents.
    dir.write("one/x.md", "Ex\n");
    run(dir / "idx2", {dir / "one"});
    dir.write("one/x.md", "");
    CHECK_THROWS_AS(run(dir / "idx2", {dir / "one"}), lupe::MassDeleteError);
    fs::remove_all(dir / "one");
    const Result missing = run(dir / "idx2", {dir / "one"});
    CHECK(missing.summary.failed == 1);
    CHECK(ids(dir / "idx2") == std::set<std::string>{"x.md"});
}

// 0.4.0: the rebuild of an empty folder was published: an empty index, exit 0.
TEST_CASE("index_sources: a rebuild that would drop a whole source is not published") {
    TempDir dir;
    dir.write("src/a.md", "Apples\n");
    dir.write("src/b.md", "Bananas\n");
    run(dir / "idx", {dir / "src"});
    fs::remove(dir / "src/a.md");
    fs::remove(dir / "src/b.md");
    CHECK_THROWS_AS(run(dir / "idx", {dir / "src"}, {}, /*rebuild=*/true), lupe::MassDeleteError);
    CHECK(ids(dir / "idx") == std::set<std::string>{"a.md", "b.md"});

    // A file whose content is now all invalid is found by the walk, not by the planning
    // pass: the comparison before publishing refuses it.
    dir.write("src/c.jsonl", jsonl_line("c", "cherries"));
    run(dir / "idx2", {dir / "src"});
    dir.write("src/c.jsonl", "{\"id\":\"c\",\"title\":\"\",\"body\":\"\"}\n");
    CHECK_THROWS_AS(run(dir / "idx2", {dir / "src"}, {}, true), lupe::MassDeleteError);
    CHECK(ids(dir / "idx2") == std::set<std::string>{"c"});
}

// 0.4.0: 12 of 15 documents deleted, exit 0.
TEST_CASE("index_sources: deleting more than max_delete_share of the index is refused") {
    TempDir dir;
    std::string big;
    for (int i = 0; i < 12; ++i) big += jsonl_line("d" + std::to_string(i), "document");
    dir.write("src/big.jsonl", big);
    for (const char* name : {"src/a.md", "src/b.md", "src/c.md"}) dir.write(name, "Text\n");
    run(dir / "idx", {dir / "src"});
    fs::remove(dir / "src/big.jsonl");
    try {
        run(dir / "idx", {dir / "src"});
        FAIL("no error");
    } catch (const lupe::MassDeleteError& e) {
        const std::string message = e.what();
        CHECK(message.find("12 of the index's 15 documents") != std::string::npos);
        CHECK(message.find("max_delete_share") != std::string::npos);
    }
    CHECK(ids(dir / "idx").size() == 15);
    IndexRunOptions wider;
    wider.max_delete_share = 0.9;
    CHECK(run(dir / "idx", {dir / "src"}, wider).summary.deleted == 12);
    // Below the floor of 10 deletions the share does not apply: 2 of 3 is housekeeping.
    fs::remove(dir / "src/a.md");
    fs::remove(dir / "src/b.md");
    CHECK(run(dir / "idx", {dir / "src"}).summary.deleted == 2);
    wider.max_delete_share = 1.5;
    CHECK_THROWS_AS(run(dir / "idx", {dir / "src"}, wider), lupe::InvalidArgumentError);
}

// 0.4.0: the file stayed unrecorded (read again on every run) and "b" stayed indexed.
TEST_CASE("index_sources: a file with a bad document is recorded and its vanished ids deleted") {
    TempDir dir;
    dir.write("src/log.jsonl", jsonl_line("a", "alpha") + jsonl_line("b", "bravo") +
                                   jsonl_line("c", "charlie"));
    run(dir / "idx", {dir / "src"});
    // "b" is gone, "c" is now rejected for its content (no text).
    dir.write("src/log.jsonl", jsonl_line("a", "alpha") +
                                   "{\"id\":\"c\",\"title\":\"\",\"body\":\" \"}\n");
    const Result r = run(dir / "idx", {dir / "src"});
    CHECK(r.summary.failed == 1);
    CHECK(r.summary.deleted == 1);
    // The older good version of "c" stays.
    CHECK(ids(dir / "idx") == std::set<std::string>{"a", "c"});
    const Result next = run(dir / "idx", {dir / "src"});
    CHECK(next.summary.files_unchanged == 1);
    CHECK(next.summary.files_read == 0);

    // A reader-level failure (a malformed line) still keeps the file's documents.
    dir.write("src/log.jsonl", jsonl_line("a", "alpha") + "{not json\n");
    const Result broken = run(dir / "idx", {dir / "src"});
    CHECK(broken.summary.failed == 1);
    CHECK(broken.summary.deleted == 0);
    CHECK(ids(dir / "idx") == std::set<std::string>{"a", "c"});
}

// 0.4.0: a rebuild counted every kept document as added and nothing as deleted.
TEST_CASE("index_sources: a rebuild counts against the published index") {
    TempDir dir;
    dir.write("src/same.md", "Same\n");
    dir.write("src/changed.md", "Before\n");
    run(dir / "idx", {dir / "src"});
    {
        IndexWriter writer(dir / "idx", writer_options());
        writer.add_document({.id = "api", .title = "Added through the API", .body = "x"});
        writer.commit();
    }
    dir.write("src/changed.md", "After\n");
    dir.write("src/new.md", "New\n");
    const Result r = run(dir / "idx", {dir / "src"}, {}, /*rebuild=*/true);
    CHECK(r.summary.unchanged == 1);
    CHECK(r.summary.updated.at("en") == 1);
    CHECK(r.summary.added.at("en") == 1);
    CHECK(r.summary.deleted == 1);  // "api": the rebuild does not hold it
    CHECK(r.summary.documents_total == 3);
    CHECK(ids(dir / "idx") == std::set<std::string>{"same.md", "changed.md", "new.md"});
}

// 0.4.0: one failure counted as failed 1, warnings 1.
TEST_CASE("index_sources: warnings count the notes that lost nothing, failed what was lost") {
    TempDir dir;
    dir.write("src/log.jsonl", jsonl_line("a", "alpha") + "{broken\n" +
                                   "{\"id\":\"d\",\"title\":\"t\",\"body\":\"b\",\"date\":\"May\"}\n");
    const Result r = run(dir / "idx", {dir / "src"});
    CHECK(r.summary.failed == 1);    // the broken line
    CHECK(r.summary.warnings == 1);  // the date kept for display only
    CHECK(r.warnings.size() == 2);
}

// 0.4.0: two sources' todo.md shared the id "todo.md": the index held one document,
// tagged with the last file, and the other file's state said "indexed".
TEST_CASE("index_sources: an index of several sources from 0.4 gets the new ids, nothing lost") {
    TempDir dir;
    dir.write("home/todo.md", "Buy milk\n");
    dir.write("work/todo.md", "Send the report\n");
    // That state, made as 0.4 made it: the document of home/todo.md, then the one of
    // work/todo.md under the same id, each file's state recorded.
    {
        IndexWriter writer(dir / "idx", writer_options());
        for (const char* name : {"home/todo.md", "work/todo.md"}) {
            const std::string file = fs::weakly_canonical(dir / name).string();
            struct stat st {};
            REQUIRE(::stat(file.c_str(), &st) == 0);
            writer.add_document({.id = "todo.md", .title = name, .body = "x"}, file);
            writer.set_tag_record(
                file, std::to_string(st.st_size) + " " +
                          std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                                         st.st_mtim.tv_nsec));
        }
        writer.commit();
    }
    REQUIRE(ids(dir / "idx") == std::set<std::string>{"todo.md"});
    const Result r = run(dir / "idx", {dir / "home", dir / "work"});
    CHECK(ids(dir / "idx") == std::set<std::string>{"home/todo.md", "work/todo.md"});
    CHECK(r.summary.deleted == 1);
    CHECK(r.summary.failed == 0);
    const Result again = run(dir / "idx", {dir / "home", dir / "work"});
    CHECK(again.summary.files_unchanged == 2);
    CHECK(again.summary.unchanged == 2);
    CHECK(again.summary.indexed() == 0);
}

// 0.4.0: the index's own files were counted as skipped (the trial: "skipped: 9").
TEST_CASE("index_sources: an index inside its own source folder is passed over") {
    TempDir dir;
    dir.write("notes/a.md", "Alpha\n");
    const Result first = run(dir / "notes/index", {dir / "notes"});
    const Result second = run(dir / "notes/index", {dir / "notes"});
    CHECK(second.summary.files_skipped == 0);
    CHECK(second.summary.files_unchanged == 1);
    CHECK(first.summary.files_skipped == 0);
}

// 0.4.0: files_total and bytes_total stayed 0 (declared only).
TEST_CASE("index_sources: the planning pass gives the files and bytes to read") {
    TempDir dir;
    dir.write("src/a.md", "12345\n");           // 6 bytes
    dir.write("src/b.jsonl", jsonl_line("b", "b"));
    dir.write("src/c.docx", "not read");
    const std::uint64_t jsonl_bytes = jsonl_line("b", "b").size();
    std::vector<std::pair<std::size_t, std::uint64_t>> seen;
    IndexWriter writer(dir / "idx", writer_options());
    lupe::IndexRunObserver observer;
    observer.on_progress = [&](const IndexRunSummary& s, const std::string&) {
        CHECK(s.files_total == 2);
        CHECK(s.bytes_total == 6 + jsonl_bytes);
        seen.emplace_back(s.files_done, s.bytes_done);
    };
    const IndexRunSummary s = lupe::index_sources(writer, {dir / "src"}, observer);
    CHECK(s.files_done == 2);
    CHECK(s.bytes_done == 6 + jsonl_bytes);
    CHECK(s.files_skipped == 1);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().first == 2);
}

// Until 0.5 a sharded run read every source once per shard (review of 2026-11-30): its
// progress counted shard count x files, and a file was read by each shard's run.
TEST_CASE("index_sources_sharded: each file read once, each document in the shard of its id") {
    TempDir dir;
    std::string lines;
    for (int i = 0; i < 30; ++i) lines += jsonl_line("doc-" + std::to_string(i), "quokka " + std::to_string(i));
    dir.write("src/many.jsonl", lines);
    dir.write("src/note.md", "# A note\nabout a quokka\n");
    const std::string index = dir / "sharded";
    std::size_t progress_calls = 0;
    lupe::IndexRunObserver observer;
    observer.on_progress = [&](const lupe::IndexRunSummary& s, const std::string&) {
        ++progress_calls;
        CHECK(s.files_total == 2);
        CHECK(s.files_done <= 2);
    };
    constexpr std::size_t kShards = 3;
    const lupe::IndexRunSummary s =
        lupe::index_sources_sharded(index, writer_options(), kShards, {dir / "src"}, observer);
    CHECK(progress_calls > 0);
    CHECK(s.files_read == 2);
    CHECK(s.files_done == 2);
    CHECK(s.indexed() == 31);
    CHECK(s.documents_total == 31);
    REQUIRE(lupe::is_sharded_index(index));
    const std::vector<std::string> shards = lupe::read_shard_list(index);
    REQUIRE(shards.size() == kShards);
    std::size_t in_shards = 0;
    for (std::size_t k = 0; k < kShards; ++k) {
        for (const std::string& id : ids(shards[k])) {
            CAPTURE(id);
            CHECK(lupe::shard_of(id, kShards) == k);
            ++in_shards;
        }
    }
    CHECK(in_shards == 31);

    // Nothing changed: every shard finds every file unchanged, and counts its documents.
    const lupe::IndexRunSummary again =
        lupe::index_sources_sharded(index, writer_options(), 0, {dir / "src"});
    CHECK(again.files_read == 0);
    CHECK(again.files_unchanged == 2);
    CHECK(again.unchanged == 31);
    CHECK(again.indexed() + again.deleted == 0);
}

// Tests of apps/readers/pdf_reader: the real lupe-pdf-extract on the fixtures of
// tests/fixtures/pdf (made by make_pdfs.py there), and on hostile PDFs and extractors made
// here at run time: a flate bomb, 20,000 pages, an extractor that hangs or crashes.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "apps/readers/pdf_reader.hpp"
#include "support/temp_dir.hpp"

namespace {

using lupe::Document;
using lupe::readers::ReadCallbacks;
using lupe::readers::ReadOptions;
using lupe::readers::read_pdf_file;

const std::string kFixtures = std::string(LUPE_FIXTURES_DIR) + "/pdf/";

// LUPE_PDF_EXTRACT set for one test (the test program is not beside the extractor).
class ExtractorEnv {
public:
    explicit ExtractorEnv(const std::string& path = LUPE_PDF_EXTRACT_BIN) {
        ::setenv("LUPE_PDF_EXTRACT", path.c_str(), 1);
    }
    ~ExtractorEnv() { ::unsetenv("LUPE_PDF_EXTRACT"); }
    ExtractorEnv(const ExtractorEnv&) = delete;
    ExtractorEnv& operator=(const ExtractorEnv&) = delete;
};

struct Outcome {
    std::vector<Document> docs;
    std::vector<std::string> errors;
    std::vector<std::string> notes;
};

Outcome read(const std::string& path, const ReadOptions& options = {}) {
    Outcome outcome;
    ReadCallbacks callbacks;
    callbacks.on_document = [&](Document&& doc, std::size_t line) {
        CHECK(line == 0);
        outcome.docs.push_back(std::move(doc));
    };
    callbacks.on_error = [&](std::size_t line, const std::string& reason) {
        CHECK(line == 0);
        outcome.errors.push_back(reason);
    };
    callbacks.on_note = [&](std::size_t, const std::string& note) { outcome.notes.push_back(note); };
    read_pdf_file(path, "doc-id", callbacks, options);
    CHECK(outcome.docs.size() + outcome.errors.size() == 1);  // one outcome per file
    return outcome;
}

std::string only_error(const Outcome& outcome) {
    REQUIRE(outcome.docs.empty());
    REQUIRE(outcome.errors.size() == 1);
    return outcome.errors.front();
}

const Document& only_document(const Outcome& outcome) {
    REQUIRE(outcome.errors.empty());
    REQUIRE(outcome.docs.size() == 1);
    return outcome.docs.front();
}

std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

bool no_child_left() {
    errno = 0;
    return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

// Whether, within a few seconds, no running process (zombies aside: killed, waiting for
// init) has the command line `cmdline` (arguments separated by NULs).
bool wait_until_no_process_runs(const std::string& cmdline) {
    for (int attempt = 0; attempt < 300; ++attempt) {
        bool running = false;
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            std::ifstream cmd(entry.path() / "cmdline", std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
            if (text.find(cmdline) == std::string::npos) continue;
            std::ifstream stat(entry.path() / "stat");
            std::string pid, comm, state;
            if (stat >> pid >> comm >> state && state != "Z") running = true;
        }
        if (!running) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

std::string write_script(const lupe::test::TempDir& dir, const std::string& name,
                         const std::string& body) {
    const std::string path = dir.write(name, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return path;
}

// A PDF around one page content stream, with its cross-reference table; `stream_dict` is
// the stream's dictionary entries besides /Length.
std::string pdf_with_pages(int pages, const std::string& stream, const std::string& stream_dict) {
    std::vector<std::string> objects;
    objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    std::string kids;
    for (int i = 0; i < pages; ++i) kids += std::to_string(5 + i) + " 0 R ";
    objects.push_back("<< /Type /Pages /Count " + std::to_string(pages) + " /Kids [" + kids + "] >>");
    objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    objects.push_back("<< /Length " + std::to_string(stream.size()) + " " + stream_dict +
                      " >>\nstream\n" + stream + "\nendstream");
    for (int i = 0; i < pages; ++i) {
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                          "/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>");
    }
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (std::size_t offset : offsets) {
        char entry[24];
        std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
        pdf += entry;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

// A raw deflate stream of `data` that ends on a byte boundary with the compressor's state
// reset (a full flush), so that it can be followed by, or repeated as, another such piece.
std::string deflate_piece(const std::string& data) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string compressed(deflateBound(&z, data.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(compressed.data());
    z.avail_out = static_cast<uInt>(compressed.size());
    REQUIRE(deflate(&z, Z_FULL_FLUSH) == Z_OK);
    REQUIRE(z.avail_in == 0);
    compressed.resize(compressed.size() - z.avail_out);
    deflateEnd(&z);
    return compressed;
}

uLong adler_of(const std::string& data) {
    return adler32(adler32(0, nullptr, 0), reinterpret_cast<const Bytef*>(data.data()),
                   static_cast<uInt>(data.size()));
}

// A zlib stream that inflates to `prefix` and then `copies` times `block` (a flate bomb:
// about 1,000 times smaller than what it inflates to). The block is compressed once and
// repeated as it is; the Adler-32 checksum of the whole is combined from the pieces'.
std::string flate_bomb(const std::string& prefix, const std::string& block, std::size_t copies) {
    const std::string compressed = deflate_piece(block);
    const uLong block_adler = adler_of(block);
    uLong adler = adler_of(prefix);
    std::string out = "\x78\xDA";  // zlib header: deflate, 32 KiB window, best compression
    out += deflate_piece(prefix);
    for (std::size_t i = 0; i < copies; ++i) {
        out += compressed;
        adler = adler32_combine(adler, block_adler, static_cast<z_off_t>(block.size()));
    }
    out += std::string("\x03\x00", 2);  // a final, empty fixed-Huffman block
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((adler >> shift) & 0xFF);
    return out;
}

constexpr std::size_t kBombBlockBytes = 4u << 20;
constexpr std::size_t kBombBlocks = 256;  // 1 GiB inflated, about 1 MB compressed

// One page whose content stream inflates to a gigabyte of text-drawing operators: slow
// to interpret, and its words pile up in poppler's text layout.
std::string slow_bomb_pdf() {
    std::string block;
    const std::string op = "BT /F1 12 Tf 72 700 Td (lorem ipsum dolor sit amet) Tj ET\n";
    while (block.size() < kBombBlockBytes) block += op;
    return pdf_with_pages(1, flate_bomb("", block, kBombBlocks), "/Filter /FlateDecode");
}

// One page whose content stream is a single string a gigabyte long: poppler's parser
// holds a string token whole, so memory grows as fast as it inflates.
std::string memory_bomb_pdf() {
    return pdf_with_pages(1, flate_bomb("BT /F1 12 Tf 72 700 Td (", std::string(kBombBlockBytes, 'a'), kBombBlocks),
                          "/Filter /FlateDecode");
}

}  // namespace

TEST_CASE("PDF: title and creation date from the metadata and German text in UTF-8") {
    ExtractorEnv env;
    const Outcome outcome = read(kFixtures + "titled.pdf");
    const Document& doc = only_document(outcome);
    CHECK(doc.id == "doc-id");
    CHECK(doc.title == "Drohnen über der Stadt");
    CHECK(doc.date == "2025-08-14T07:30:00Z");  // 09:30 at +02:00
    CHECK(doc.body ==
          "Drohne mit Rundumsicht\nDie Drohne überwacht Straßen und Gärten in München.\n"
          "Größere Modelle fliegen länger.");
    CHECK(doc.lang.empty());  // left to detection
    CHECK(outcome.notes.empty());
}

TEST_CASE("PDF: pages in order with a blank line between them and ModDate when no CreationDate") {
    ExtractorEnv env;
    const Outcome outcome = read(kFixtures + "two_pages.pdf");
    const Document& doc = only_document(outcome);
    CHECK(doc.body ==
          "Page one starts the report\nand ends with the word alpha\n\n"
          "omega opens page two\nwhich closes the report");
    CHECK(doc.title == "Page one starts the report");  // no Title in its metadata
    CHECK(doc.date == "2024-01-02T03:04:05Z");
}

TEST_CASE("PDF: without metadata the title is the first non-empty line") {
    ExtractorEnv env;
    const Outcome outcome = read(kFixtures + "untitled.pdf");
    const Document& doc = only_document(outcome);
    CHECK(doc.title == "Quarterly report on training clusters");
    CHECK(doc.date.empty());
    CHECK(doc.body.find("Huawei Ascend chips train the model.") != std::string::npos);
}

TEST_CASE("PDF: two columns come out in reading order and not across the page") {
    ExtractorEnv env;
    const Outcome outcome = read(kFixtures + "two_columns.pdf");
    const Document& doc = only_document(outcome);
    CHECK(doc.body.find("left column line one\nleft column line two\nleft column line three\n"
                        "left column line four\nleft column line five") != std::string::npos);
    CHECK(doc.body.find("right column line one\nright column line two") != std::string::npos);
    CHECK(doc.body.find("left column line five") < doc.body.find("right column line one"));
}

TEST_CASE("PDF: encrypted or corrupt or truncated or textless PDFs are errors for that file") {
    ExtractorEnv env;
    CHECK(only_error(read(kFixtures + "encrypted.pdf")) ==
          "cannot read PDF: encrypted PDF, no text without its password");
    const std::string corrupt = only_error(read(kFixtures + "corrupt.pdf"));
    CHECK(corrupt.starts_with("cannot read PDF: damaged or not a PDF"));
    CHECK(only_error(read(kFixtures + "truncated.pdf")).starts_with("cannot read PDF: damaged or not a PDF"));
    CHECK(only_error(read(kFixtures + "scanned.pdf")) == "PDF has no text (scanned? lupe does no OCR)");
    CHECK(only_error(read(kFixtures + "no-such-file.pdf")).starts_with("cannot read PDF: "));
}

TEST_CASE("PDF: a missing extractor is named with what to do") {
    ExtractorEnv env("/nonexistent/lupe-pdf-extract");
    CHECK(lupe::readers::pdf_extractor_path().empty());
    CHECK(only_error(read(kFixtures + "titled.pdf")) ==
          "cannot read PDF: lupe-pdf-extract not found (set LUPE_PDF_EXTRACT or install it)");
}

TEST_CASE("PDF: an extractor that hangs is killed at the wall limit with what it started") {
    lupe::test::TempDir dir;
    // The script starts a grandchild too: the kill must reach it (the process group), or it
    // would hold the pipe open and run on. It is known by its unusual argument (the
    // extractor may write no file to say its process id: RLIMIT_FSIZE is 0).
    const std::string mark = "1000.4215";
    ExtractorEnv env(write_script(dir, "hang.sh", "sleep " + mark + " &\nexec sleep 1000\n"));
    ReadOptions options;
    options.pdf_seconds = 1;
    const auto start = std::chrono::steady_clock::now();
    CHECK(only_error(read(kFixtures + "titled.pdf", options)) == "PDF extraction took more than 1 s; skipped");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(no_child_left());
    CHECK(wait_until_no_process_runs(std::string("sleep\0", 6) + mark));
}

TEST_CASE("PDF: an extractor that crashes is an error naming the signal") {
    lupe::test::TempDir dir;
    ExtractorEnv env(write_script(dir, "crash.sh", "kill -SEGV $$\n"));
    CHECK(only_error(read(kFixtures + "titled.pdf")) == "PDF extractor crashed (signal 11, SIGSEGV)");
}

TEST_CASE("PDF: an extractor's own failure and a broken record are errors") {
    lupe::test::TempDir dir;
    SUBCASE("an unknown exit code, with its message") {
        ExtractorEnv env(write_script(dir, "fail.sh", "echo \"$1: something odd\" >&2\nexit 9\n"));
        CHECK(only_error(read(kFixtures + "titled.pdf")) ==
              "PDF extractor failed (exit code 9: something odd)");
    }
    SUBCASE("a record whose text is shorter than announced") {
        ExtractorEnv env(write_script(dir, "short.sh",
                                      "printf 'lupe-pdf-extract 1\\ntitle\\tT\\ntext\\t100\\nabc'\n"));
        CHECK(only_error(read(kFixtures + "titled.pdf")).find("wrote something other than its record") !=
              std::string::npos);
    }
}

TEST_CASE("PDF: a flate bomb is bound by the time limit and the next file is still read") {
    ExtractorEnv env;
    lupe::test::TempDir dir;
    const std::string bomb = dir.write("bomb.pdf", slow_bomb_pdf());
    ReadOptions options;
    options.pdf_seconds = 2;
    options.pdf_memory_bytes = 256ull << 20;
    const auto start = std::chrono::steady_clock::now();
    const std::string error = only_error(read(bomb, options));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    // Its memory grows slowly (about 8 MiB/s): the time limit comes first.
    CHECK(error == "PDF extraction took more than 2 s; skipped");
    CHECK(only_document(read(kFixtures + "titled.pdf", options)).title == "Drohnen über der Stadt");
    CHECK(no_child_left());
}

TEST_CASE("PDF: the memory limit stops an extractor that would take more") {
    ExtractorEnv env;
    lupe::test::TempDir dir;
    const std::string bomb = dir.write("bomb.pdf", memory_bomb_pdf());
    ReadOptions options;
    options.pdf_seconds = 120;  // time enough: the memory limit must come first
    options.pdf_memory_bytes = 128ull << 20;
    const auto start = std::chrono::steady_clock::now();
    CHECK(only_error(read(bomb, options)) == "PDF extraction ran out of its memory limit (128 MiB)");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(60));
    CHECK(only_document(read(kFixtures + "titled.pdf", options)).title == "Drohnen über der Stadt");
    CHECK(no_child_left());
}

TEST_CASE("PDF: no file descriptor and no child process is left behind") {
    ExtractorEnv env;
    const std::size_t before = open_fds();
    for (const char* name : {"titled.pdf", "two_pages.pdf", "encrypted.pdf", "corrupt.pdf",
                             "truncated.pdf", "scanned.pdf"}) {
        read(kFixtures + name);
    }
    CHECK(open_fds() == before);
    CHECK(no_child_left());
}

TEST_CASE("PDF: 20000 pages are read up to the page limit with a note") {
    ExtractorEnv env;
    lupe::test::TempDir dir;
    const std::string pdf =
        dir.write("pages.pdf", pdf_with_pages(20000, "BT /F1 12 Tf 72 700 Td (A page of the long report) Tj ET", ""));
    const Outcome outcome = read(pdf);
    const Document& doc = only_document(outcome);
    CHECK(outcome.notes == std::vector<std::string>{"PDF text of the first 5000 pages only (of 20000)"});
    std::size_t pages = 0;
    for (std::size_t at = doc.body.find("A page"); at != std::string::npos; at = doc.body.find("A page", at + 1)) {
        ++pages;
    }
    CHECK(pages == 5000);
    CHECK(doc.title == "A page of the long report");
}

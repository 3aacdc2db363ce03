// lupe-pdf-extract FILE: the text and metadata of one PDF, through poppler-cpp, written to
// standard output for lupe's PDF reader (apps/readers/pdf_reader.cpp).
//
// Why a program of its own: poppler cannot be bound in process. A hostile PDF (a flate
// bomb, a million pages, a loop in the page tree, a damaged font) can make it run for
// minutes, take gigabytes or crash, and none of that may take down an indexing run with
// other files to read. Run apart, the reader bounds it with rlimits and a wall deadline
// and kills it when needed; omindex and Recoll run their PDF filters out of process too.
// So this program links poppler-cpp only, not lupe, and says what it found in a small
// framed record (no JSON library needed on either side):
//
//   lupe-pdf-extract 1\n          the format and its version
//   title\t<one line>\n           the Info dictionary's Title ("" when none)
//   date\t<YYYY-MM-DDTHH:MM:SSZ>\n CreationDate, else ModDate, in UTC ("" when none)
//   pages\t<N>\n                  the document's page count
//   cut\t<reason>\n               only when the text was cut at a limit
//   text\t<bytes>\n<bytes of UTF-8 text>
//
// Header values are single lines: control characters in them are written as spaces. The
// text is the pages in order, each with its trailing white space trimmed, separated by a
// blank line so that a phrase cannot run from one page into the next.
//
// Text order: poppler offers three layouts. physical_layout (the default of page::text(),
// like `pdftotext -layout`) keeps the page's geometry: on a two-column page it writes each
// printed line across both columns, so that a phrase at the end of a line in the left
// column runs into the start of the right column's line (measured on
// tests/fixtures/pdf/two_columns.pdf: "left column line one     right column line one",
// line by line). raw_order_layout is the order of the content stream, whatever the
// producer wrote: on that file, which draws across the page, the same interleaving.
// non_raw_non_physical_layout (poppler >= 0.88, what plain `pdftotext` does) finds the
// columns and reads each from top to bottom: all five left lines, then the right ones.
// That is the reading order a phrase search needs, so it is used here.
//
// Exit codes: 0 the record is on stdout; 1 the PDF cannot be read (one line on stderr);
// 2 wrong usage; 3 out of memory (std::bad_alloc: the reader's address-space limit).
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

namespace {

// Same bound as lupe::kMaxDocumentBytes (include/lupe/document.hpp), which this program
// does not include (it links poppler only): the largest document lupe indexes. The text
// past it would be refused anyway, so extraction stops there instead of reading on.
constexpr std::size_t kMaxTextBytes = 64u * 1024 * 1024;

// Pages read at most. Far beyond any book or report (a 2,000-page legal code is large);
// more is a generated file or an attack (a page tree of millions of empty pages costs
// parse time per page with no text to show for it).
constexpr int kMaxPages = 5000;

// Longest first error from poppler kept for the message: enough for its sentence, not
// for a flood of them.
constexpr std::size_t kMaxErrorChars = 200;

constexpr int kExitUnreadable = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOutOfMemory = 3;

// Poppler prints its complaints about damaged files to stderr, many per file; lupe wants
// one line per file. The first one is kept, as the likeliest cause.
std::string first_poppler_error;

void keep_first_error(const std::string& message, void* /*closure*/) {
    if (!first_poppler_error.empty()) return;
    std::string_view text = message;
    if (text.starts_with("error: ")) text.remove_prefix(7);  // poppler-cpp's own prefix
    first_poppler_error = text.substr(0, kMaxErrorChars);
}

std::string to_utf8(const poppler::ustring& text) {
    const poppler::byte_array bytes = text.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

// A header value on one line: control characters (a title's line breaks, tabs) as spaces.
std::string one_line(std::string value) {
    for (char& c : value) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    }
    const std::size_t first = value.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return value.substr(first, value.find_last_not_of(' ') - first + 1);
}

std::string iso_utc(time_t t) {
    if (t == static_cast<time_t>(-1)) return {};
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return {};
    char buffer[32];
    if (std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return {};
    return buffer;
}

// A page's text without poppler's form feeds and without white space at its end.
std::string page_text(const poppler::page& page) {
    std::string text =
        to_utf8(page.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
    std::erase(text, '\f');
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    text.resize(end == std::string::npos ? 0 : end + 1);
    return text;
}

void write_all(std::string_view data) {
    while (!data.empty()) {
        const std::size_t written = std::fwrite(data.data(), 1, data.size(), stdout);
        if (written == 0) return;  // the reader went away: nothing left to tell it
        data.remove_prefix(written);
    }
}

int fail(const char* path, const std::string& reason) {
    std::fprintf(stderr, "%s: %s\n", path, reason.c_str());
    return kExitUnreadable;
}

int extract(const char* path) {
    poppler::set_debug_error_function(keep_first_error, nullptr);
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
    if (!doc) {
        std::string reason = "damaged or not a PDF";
        if (!first_poppler_error.empty()) {
            reason += " (poppler: " + one_line(first_poppler_error) + ")";
        }
        return fail(path, reason);
    }
    if (doc->is_locked()) return fail(path, "encrypted PDF, no text without its password");

    std::string date = iso_utc(doc->info_date_t("CreationDate"));
    if (date.empty()) date = iso_utc(doc->info_date_t("ModDate"));
    const int pages = doc->pages();

    std::string text;
    std::string cut;
    for (int i = 0; i < pages; ++i) {
        if (i == kMaxPages) {
            cut = "text of the first " + std::to_string(kMaxPages) + " pages only (of " +
                  std::to_string(pages) + ")";
            break;
        }
        const std::unique_ptr<poppler::page> page(doc->create_page(i));
        if (!page) continue;  // a page poppler cannot parse: the others still count
        const std::string part = page_text(*page);
        if (part.empty()) continue;
        if (!text.empty()) text += "\n\n";
        if (text.size() + part.size() > kMaxTextBytes) {
            // Cut at a character boundary: never inside a UTF-8 sequence.
            std::size_t keep = kMaxTextBytes > text.size() ? kMaxTextBytes - text.size() : 0;
            while (keep > 0 && (static_cast<unsigned char>(part[keep]) & 0xC0) == 0x80) --keep;
            text.append(part, 0, keep);
            cut = "text cut at " + std::to_string(kMaxTextBytes / (1024 * 1024)) +
                  " MiB, on page " + std::to_string(i + 1) + " of " + std::to_string(pages);
            break;
        }
        text += part;
    }

    std::string header = "lupe-pdf-extract 1\n";
    header += "title\t" + one_line(to_utf8(doc->get_title())) + "\n";
    header += "date\t" + date + "\n";
    header += "pages\t" + std::to_string(pages) + "\n";
    if (!cut.empty()) header += "cut\t" + cut + "\n";
    header += "text\t" + std::to_string(text.size()) + "\n";
    write_all(header);
    write_all(text);
    return std::fflush(stdout) == 0 ? 0 : fail(path, "cannot write the text");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: lupe-pdf-extract FILE.pdf\n");
        return kExitUsage;
    }
    try {
        return extract(argv[1]);
    } catch (const std::bad_alloc&) {
        // The reader's address-space limit (or a real shortage): the reader says which.
        std::fprintf(stderr, "%s: out of memory\n", argv[1]);
        return kExitOutOfMemory;
    } catch (const std::exception& e) {
        return fail(argv[1], std::string("cannot read: ") + e.what());
    }
}

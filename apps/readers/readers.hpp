// Document readers: turn one input file into documents, reporting bad input per document.
//
// A reader never throws for bad input: each problem is passed to on_error with the line
// it was found on (0 for a whole file), and reading goes on with the next document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lupe/document.hpp"

namespace lupe::readers {

/// Largest .txt/.md file read as one document. A bigger "text" file is nearly always a
/// log or a data dump that would swamp the index and the snippets.
inline constexpr std::uintmax_t kMaxTextFileBytes = kMaxDocumentBytes;
/// Longest JSONL line (one document). Longer lines are skipped with a warning, without
/// holding them in memory, so a broken dump cannot exhaust memory.
inline constexpr std::size_t kMaxJsonlLineBytes = 16ull * 1024 * 1024;

struct ReadCallbacks {
    /// A parsed document and the 1-based line it came from (0 for a whole file).
    std::function<void(Document&&, std::size_t line)> on_document;
    /// A document or file that could not be read, with the line and the reason.
    std::function<void(std::size_t line, const std::string& reason)> on_error;
    /// Optional: how many bytes of the file (as stored: compressed for .gz) have been
    /// read so far, now and then while a file of many documents is read (for progress).
    std::function<void(std::uint64_t bytes)> on_bytes;
    /// Optional: a note that lost nothing (a file decoded as Windows-1252, a date kept
    /// for display only), with the line (0 for the whole file).
    std::function<void(std::size_t line, const std::string& note)> on_note;
};

/// How a run reads its files.
struct ReadOptions {
    /// Character encoding forced on every text, Markdown, HTML and feed file of the run
    /// (lupe-index --encoding NAME, any name iconv knows: "ISO-8859-1", "windows-1252",
    /// "UTF-16"...). Empty: each file's own (BOM, declaration, UTF-8, else Windows-1252).
    std::string encoding;
    /// PDF extraction limits (see pdf_reader.hpp).
    double pdf_seconds = 30.0;                 ///< wall time per PDF file
    std::uint64_t pdf_memory_bytes = 1ull << 30;  ///< address space of the extractor
};

/// Parse the contents of a .txt or .md file (valid UTF-8) into title, body and the
/// front-matter fields; the id is left to the caller.
Document parse_text_document(std::string_view content, bool markdown);

/// Read a .txt or .md file as one document with the given id. Not valid UTF-8: decoded
/// as Windows-1252 with a note (see encoding.hpp); UTF-16 with a BOM is read.
void read_text_file(const std::filesystem::path& path, const std::string& id, bool markdown,
                    const ReadCallbacks& callbacks, const ReadOptions& options = {});

/// Read a whole file of at most `limit` bytes into `content`; false (after on_error with
/// the reason) when it cannot be read, is larger, or is empty.
bool read_whole_file(const std::filesystem::path& path, std::uint64_t limit, std::string& content,
                     const ReadCallbacks& callbacks);

/// Parse one JSONL line into a document. Throws DocumentError with the reason.
Document parse_jsonl_document(std::string_view line);

/// Read a .jsonl or .jsonl.gz file, one document per non-blank line.
void read_jsonl_file(const std::filesystem::path& path, const ReadCallbacks& callbacks);

}  // namespace lupe::readers

// PDF files through poppler-cpp, extracted in a separate process (lupe-pdf-extract) bound
// in wall time and address space, so that a hostile or broken PDF cannot crash, hang or
// exhaust the indexing run. Internal to lupe::app.
#pragma once

#include <filesystem>
#include <string>

#include "readers.hpp"

namespace lupe::readers {

/// The extractor program: $LUPE_PDF_EXTRACT if set, else lupe-pdf-extract next to the
/// running program (a build tree), else in libexec/lupe under the running program's prefix
/// (an installed one, also after the prefix was moved), else in the libexec folder it was
/// installed to. "" when none is found.
std::string pdf_extractor_path();

/// Read a PDF as one document with the given id: text in page order (a blank line
/// between pages), title from its metadata or its first line, date from its metadata
/// (creation date, ISO 8601), language left to detection. An encrypted, damaged,
/// truncated or textless PDF, an extractor that runs past options.pdf_seconds or
/// options.pdf_memory_bytes, or crashes, is an error for this file only.
/// Limits: the text of the first 5,000 pages, and at most kMaxDocumentBytes of it; a PDF
/// cut at either is read with a note (on_note) saying so. A title from the first line is
/// cut at 200 bytes. Each call starts one process (a few tens of milliseconds).
void read_pdf_file(const std::filesystem::path& path, const std::string& id,
                   const ReadCallbacks& callbacks, const ReadOptions& options = {});

}  // namespace lupe::readers

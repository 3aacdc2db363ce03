// HTML pages (.html, .htm, .xhtml) through libxml2's HTML parser. Internal to lupe::app.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "readers.hpp"

namespace lupe::readers {

/// A page's document (id left empty) from its bytes as on disk. Charset: `forced` if not
/// empty, else BOM, <meta charset>, <meta http-equiv="Content-Type">, else UTF-8 if valid,
/// else Windows-1252. Title: og:title, else <title> without a clear site suffix
/// ("Story - Site"), else the first <h1>. Language: <html lang> (or xml:lang), else
/// Content-Language meta. Date: article:published_time, <time datetime>, DC.date, date
/// meta (normalised to ISO 8601 where it parses; kept as given otherwise). Url: canonical
/// link, else og:url. Body: the text in reading order, one paragraph per block element
/// (separated by a blank line), without script, style, template, noscript; inside <main>
/// (else <article>) only, when the page has one. Notes (guessed encoding, ...) are appended
/// to `notes`. Throws lupe::DocumentError when nothing can be parsed.
Document parse_html_document(std::string_view bytes, const std::string& forced,
                             std::vector<std::string>& notes);

/// The text of an HTML fragment already in UTF-8 (a feed item's description or content),
/// as parse_html_document() makes a page's body: blocks separated by a blank line,
/// entities decoded, no script or style. Plain text without markup comes back as it is
/// (with entities decoded).
std::string html_fragment_to_text(std::string_view utf8_html);

/// Read an HTML file as one document with the given id.
void read_html_file(const std::filesystem::path& path, const std::string& id,
                    const ReadCallbacks& callbacks, const ReadOptions& options = {});

}  // namespace lupe::readers

// The XML side of the feed reader: libxml2 nodes matched by namespace, their text (with
// internal entities expanded under a budget), their markup, Atom text constructs and links
// resolved against xml:base. Internal to feed_reader.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <libxml/tree.h>

#include "lupe/document.hpp"

namespace lupe::readers::feed_xml {

inline constexpr const char* kRss10 = "http://purl.org/rss/1.0/";
inline constexpr const char* kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
inline constexpr const char* kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr const char* kAtom10 = "http://www.w3.org/2005/Atom";
inline constexpr const char* kAtom03 = "http://purl.org/atom/ns#";
inline constexpr const char* kDc = "http://purl.org/dc/elements/1.1/";
inline constexpr const char* kContent = "http://purl.org/rss/1.0/modules/content/";
inline constexpr const char* kXhtml = "http://www.w3.org/1999/xhtml";

/// Longest text one element may expand to through internal entities: a document's limit.
/// libxml2 refuses the classic "billion laughs" itself; this bounds what is left.
inline constexpr std::size_t kMaxFieldBytes = kMaxDocumentBytes;

/// Thrown when an element's text passes kMaxFieldBytes.
struct FieldTooLong {};
/// The message for FieldTooLong.
std::string too_long_message();

inline const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }
inline const xmlChar* xml(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

/// A string libxml2 allocated, copied and freed ("" for null).
std::string take(xmlChar* s);

/// An element with this namespace URI (nullptr: none) and local name.
bool named(const xmlNode* n, const char* uri, const char* local);
/// RSS's own elements: no namespace (0.9x, 2.0), or RSS 1.0's / 0.90's.
bool rss_named(const xmlNode* n, const char* local);

/// The first child for which `match` is true, or nullptr.
template <typename Match>
const xmlNode* child(const xmlNode* parent, Match match) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (match(c)) return c;
    }
    return nullptr;
}

/// An attribute without namespace ("" when absent).
std::string attr(const xmlNode* n, const char* name);

bool is_space(char c);
/// One line: whitespace runs as one space, no control characters, trimmed (ids, titles,
/// names and categories are shown one per line).
std::string one_line(std::string_view s);

/// The text of an element (markup dropped, entities expanded); "" for nullptr. Throws
/// FieldTooLong.
std::string text_of(const xmlNode* n);
/// An element holding HTML, escaped (the usual) or as markup, as text; "" for nullptr.
std::string html_text(const xmlNode* n);
/// An Atom 1.0 or 0.3 text construct (title, summary, content) as text; "" for nullptr.
std::string atom_text(const xmlNode* n, bool atom03);

bool is_web_url(const std::string& s);
/// `href` found at `at`, resolved against the xml:base in scope, then against the feed's
/// own link when still relative.
std::string resolve(const xmlNode* at, const std::string& href, const std::string& feed_link);
/// An Atom link element: rel "alternate" or none, HTML (or no type) preferred; nullptr.
const xmlNode* atom_alternate(const xmlNode* parent, const char* ns);
/// The resolved href of a link element; "" for nullptr.
std::string link_href(const xmlNode* link, const std::string& feed_link);

}  // namespace lupe::readers::feed_xml

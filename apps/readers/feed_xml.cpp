// The XML side of the feed reader (see feed_xml.hpp): text, markup and links of libxml2
// nodes. Internal entities are expanded by our own walk, under kMaxFieldBytes, because the
// parser is never asked to substitute entities (XML_PARSE_NOENT would also load external
// ones: XXE).
#include "feed_xml.hpp"

#include <cctype>
#include <cstring>
#include <memory>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>

#include "html_reader.hpp"
#include "lupe/utf8.hpp"

namespace lupe::readers::feed_xml {
std::string too_long_message() {
    return "an element expands to more than " + std::to_string(kMaxFieldBytes >> 20) +
           " MiB of text (entity expansion?)";
}

std::string take(xmlChar* s) {
    std::string out = s ? chars(s) : "";
    xmlFree(s);
    return out;
}

bool named(const xmlNode* n, const char* uri, const char* local) {
    if (n->type != XML_ELEMENT_NODE || std::strcmp(chars(n->name), local) != 0) return false;
    if (uri == nullptr) return n->ns == nullptr;
    return n->ns != nullptr && std::strcmp(chars(n->ns->href), uri) == 0;
}

bool rss_named(const xmlNode* n, const char* local) {
    return named(n, nullptr, local) || named(n, kRss10, local) || named(n, kRss090, local);
}

std::string attr(const xmlNode* n, const char* name) { return take(xmlGetNoNsProp(n, xml(name))); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string one_line(std::string_view s) {
    std::string out;
    bool space = false;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (is_space(c) || u < 0x20 || u == 0x7F) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// The text of an element with internal entities expanded (children of the entity's
// declaration) and undeclared ones looked up as HTML entities; markup inside is dropped.
static void gather_text(const xmlNode* parent, std::string& out) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content) out += chars(c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            gather_text(c, out);
        } else if (c->type == XML_ENTITY_REF_NODE) {
            const xmlEntity* ent = xmlGetDocEntity(c->doc, c->name);
            if (ent && ent->etype == XML_INTERNAL_GENERAL_ENTITY) {
                gather_text(reinterpret_cast<const xmlNode*>(ent), out);
            } else if (!ent) {
                if (const htmlEntityDesc* html = htmlEntityLookup(c->name)) {
                    xmlChar utf8[8];
                    const int n = xmlCopyCharMultiByte(utf8, static_cast<int>(html->value));
                    out.append(chars(utf8), static_cast<std::size_t>(n > 0 ? n : 0));
                }
            }  // an external entity is never read (XXE)
        }
        if (out.size() > kMaxFieldBytes) throw FieldTooLong{};
    }
}

std::string text_of(const xmlNode* n) {
    std::string out;
    if (n) gather_text(n, out);
    return out;
}

static bool has_element_child(const xmlNode* n) {
    return child(n, [](const xmlNode* c) { return c->type == XML_ELEMENT_NODE; }) != nullptr;
}

// The markup inside an element, as XML (Atom xhtml content, or unescaped HTML that a feed
// put straight into its description).
static std::string inner_markup(const xmlNode* n) {
    std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buf(xmlBufferCreate(), &xmlBufferFree);
    if (!buf) return "";
    for (xmlNode* c = n->children; c; c = c->next) xmlNodeDump(buf.get(), n->doc, c, 0, 0);
    return std::string(chars(xmlBufferContent(buf.get())),
                       static_cast<std::size_t>(xmlBufferLength(buf.get())));
}

// An element holding HTML, escaped (the usual) or as markup, as text.
std::string html_text(const xmlNode* n) {
    if (!n) return "";
    return html_fragment_to_text(has_element_child(n) ? inner_markup(n) : text_of(n));
}

static std::string base64_decode(std::string_view in) {
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (const char c : in) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        if (v < 0) continue;  // padding, line breaks
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    return out;
}

// An Atom text construct (title, summary, content) as text. Atom 1.0: type text, html or
// xhtml (a div whose inner markup is the content); Atom 0.3: a MIME type and a mode
// (xml, escaped or base64). Content given by reference (src) or as binary has no text.
std::string atom_text(const xmlNode* n, bool atom03) {
    if (!n || !attr(n, "src").empty()) return "";
    const std::string type = attr(n, "type");
    if (atom03) {
        const std::string mode = attr(n, "mode");
        std::string raw;
        if (mode == "base64") raw = base64_decode(text_of(n));
        else if (mode == "escaped") raw = text_of(n);
        else raw = has_element_child(n) ? inner_markup(n) : text_of(n);
        if (find_invalid_utf8(raw)) return "";
        const bool html = type.find("html") != std::string::npos || mode == "escaped" ||
                          has_element_child(n);
        return html ? html_fragment_to_text(raw) : raw;
    }
    if (type.empty() || type == "text" || type.rfind("text/", 0) == 0) {
        return type == "text/html" ? html_fragment_to_text(text_of(n)) : text_of(n);
    }
    if (type == "html") return html_fragment_to_text(text_of(n));
    if (type == "xhtml" || type.find("xml") != std::string::npos) {
        const xmlNode* div = child(n, [](const xmlNode* c) { return named(c, kXhtml, "div"); });
        return html_fragment_to_text(inner_markup(div ? div : n));
    }
    return "";  // base64 of a binary type
}

// Whether a URL is absolute: "scheme:" before anything else (RFC 3986 section 3.1).
static bool has_scheme(const std::string& url) {
    for (std::size_t i = 0; i < url.size(); ++i) {
        const char c = url[i];
        if (c == ':') return i > 0;
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
}

bool is_web_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

// `href` found at `at`, resolved against the xml:base in scope (themselves relative to
// the ones above them), then against the feed's own link when still relative.
std::string resolve(const xmlNode* at, const std::string& href, const std::string& feed_link) {
    std::string url = one_line(href);
    if (url.empty()) return url;
    if (xmlChar* base = xmlNodeGetBase(at->doc, at)) {
        if (xmlChar* r = xmlBuildURI(xml(url.c_str()), base)) url = take(r);
        xmlFree(base);
    }
    if (!has_scheme(url) && !feed_link.empty()) {
        if (xmlChar* r = xmlBuildURI(xml(url.c_str()), xml(feed_link.c_str()))) url = take(r);
    }
    return url;
}

// An Atom element's alternate link: rel "alternate" or none, HTML (or no type) preferred.
const xmlNode* atom_alternate(const xmlNode* parent, const char* ns) {
    const xmlNode* any = nullptr;
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (!named(c, ns, "link")) continue;
        const std::string rel = attr(c, "rel");
        if (!rel.empty() && rel != "alternate") continue;
        const std::string type = attr(c, "type");
        if (type.empty() || type == "text/html" || type == "application/xhtml+xml") return c;
        if (!any) any = c;
    }
    return any;
}

std::string link_href(const xmlNode* link, const std::string& feed_link) {
    return link ? resolve(link, attr(link, "href"), feed_link) : "";
}

}  // namespace lupe::readers::feed_xml

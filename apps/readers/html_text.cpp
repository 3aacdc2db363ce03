// The text of a parsed HTML tree: which elements are blocks, which are left out, and how
// whitespace collapses (as a browser renders it, so that two blocks never run together
// and "Rund<b>um</b>sicht" stays one word). Also html_fragment_to_text().
#include "html_text.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <mutex>
#include <string_view>

#include <libxml/HTMLparser.h>

#include "encoding.hpp"
#include "html_reader.hpp"
#include "lupe/error.hpp"
#include "lupe/utf8.hpp"

namespace lupe::readers {
namespace {

template <std::size_t N>
bool name_in(const char* name, const std::string_view (&names)[N]) {
    return std::any_of(std::begin(names), std::end(names),
                       [&](std::string_view n) { return n == name; });
}

// Content that a reader of the page never sees as its text: code, styling, templates,
// the fallback for browsers without scripts, drawings, embedded pages, form controls'
// option lists, and the head (its title and metas are read as fields).
constexpr std::string_view kSkipped[] = {
    "script", "style",  "template", "noscript", "svg",    "math",   "iframe",
    "object", "embed",  "canvas",   "head",     "select", "button", "textarea"};

// Elements that start and end a paragraph of their own (the HTML standard's block-level
// elements, table rows and cells included, so that cells do not run together).
constexpr std::string_view kBlocks[] = {
    "address", "article", "aside",   "blockquote", "body",     "caption", "center", "dd",
    "details", "dialog",  "dir",     "div",        "dl",       "dt",      "fieldset",
    "figcaption", "figure", "footer", "form",      "h1",       "h2",      "h3",     "h4",
    "h5",      "h6",      "header",  "hgroup",     "hr",       "html",    "legend", "li",
    "listing", "main",    "menu",    "nav",        "ol",       "p",       "pre",    "section",
    "summary", "table",   "tbody",   "td",         "tfoot",    "th",      "thead",  "tr",
    "ul"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

const char* element_name(const xmlNode* node) {
    return node->type == XML_ELEMENT_NODE && node->name != nullptr
               ? reinterpret_cast<const char*>(node->name)
               : "";
}

// Collects text with browser-like whitespace: breaks and spaces are held back until the
// next visible character, so none is doubled and none ends the text.
class TextBuilder {
public:
    void text(std::string_view s, bool preformatted) {
        for (std::size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            if (preformatted && (c == '\n' || c == ' ' || c == '\t')) {
                flush();
                out_ += c == '\t' ? ' ' : c;
                continue;
            }
            if (is_space(c)) {
                space_ = true;
                continue;
            }
            // U+00A0 (no-break space) is a space to a reader and to the tokenizer.
            if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
                space_ = true;
                ++i;
                continue;
            }
            flush();
            out_ += c;
        }
    }
    void paragraph() { paragraph_ = true; }
    void line() { line_ = true; }
    std::string take() { return std::move(out_); }

private:
    void flush() {
        if (!out_.empty()) {
            if (paragraph_) {
                out_ += "\n\n";
            } else if (line_) {
                out_ += '\n';
            } else if (space_) {
                out_ += ' ';
            }
        }
        paragraph_ = line_ = space_ = false;
    }
    std::string out_;
    bool paragraph_ = false, line_ = false, space_ = false;
};

// Plain text with no markup and no character references: as it is.
bool plain(std::string_view text) {
    return text.find('<') == std::string_view::npos && text.find('&') == std::string_view::npos;
}

}  // namespace

void XmlDocFree::operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }

XmlDocPtr parse_html_utf8(std::string_view utf8) {
    // libxml2 must be initialised once before threads parse (its documentation says so);
    // lupe-index reads files on several threads.
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
    // Recover from tag soup as browsers do, never print, never touch the network, and
    // ignore the page's charset declarations: the bytes are UTF-8 already.
    constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD;
    return XmlDocPtr(htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr,
                                    "UTF-8", kOptions));
}

bool skipped_element(const char* name) { return name_in(name, kSkipped); }

std::string node_text(const xmlNode* root) {
    TextBuilder builder;
    int preformatted = 0;
    walk_tree(
        root,
        [&](const xmlNode* node) {
            if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
                if (node->content != nullptr) {
                    builder.text(reinterpret_cast<const char*>(node->content), preformatted > 0);
                }
                return false;
            }
            if (node->type != XML_ELEMENT_NODE) return false;  // comments, PIs
            const char* name = element_name(node);
            if (name_in(name, kSkipped)) return false;
            if (std::strcmp(name, "br") == 0) builder.line();
            if (name_in(name, kBlocks)) builder.paragraph();
            if (std::strcmp(name, "pre") == 0 || std::strcmp(name, "listing") == 0) ++preformatted;
            return true;
        },
        [&](const xmlNode* node) {
            const char* name = element_name(node);
            if (name_in(name, kBlocks)) builder.paragraph();
            if (std::strcmp(name, "pre") == 0 || std::strcmp(name, "listing") == 0) --preformatted;
        });
    return builder.take();
}

std::string raw_text(const xmlNode* root) {
    std::string out;
    walk_tree(
        root,
        [&](const xmlNode* node) {
            if (node->type == XML_TEXT_NODE && node->content != nullptr)
                out += reinterpret_cast<const char*>(node->content);
            return node->type == XML_ELEMENT_NODE;
        },
        [](const xmlNode*) {});
    return out;
}

std::size_t text_length(const xmlNode* root) {
    std::size_t length = 0;
    walk_tree(
        root,
        [&](const xmlNode* node) {
            if (node->type == XML_TEXT_NODE && node->content != nullptr)
                length += std::strlen(reinterpret_cast<const char*>(node->content));
            return node->type == XML_ELEMENT_NODE && !skipped_element(element_name(node));
        },
        [](const xmlNode*) {});
    return length;
}

std::string html_fragment_to_text(std::string_view utf8_html) {
    // The contract is UTF-8; a caller's slip (bytes from a mis-declared feed) is read as
    // Windows-1252 rather than handed to libxml2, which would guess on its own.
    std::string decoded;
    if (find_invalid_utf8(utf8_html)) {
        decoded = to_utf8(utf8_html, "windows-1252");  // never fails: every byte decodes
        utf8_html = decoded;
    }
    if (plain(utf8_html)) return std::string(utf8_html);
    if (utf8_html.size() > kMaxTextFileBytes) throw DocumentError("HTML text above the size limit");
    const auto doc = parse_html_utf8(utf8_html);
    const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (root == nullptr) return {};
    // libxml2 puts a fragment into <html><body>: take the body when there is one.
    for (const xmlNode* child = root->children; child != nullptr; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && std::strcmp(element_name(child), "body") == 0)
            return node_text(child);
    }
    return node_text(root);
}

}  // namespace lupe::readers

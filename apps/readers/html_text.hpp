// The text of a parsed HTML tree (libxml2), as lupe indexes it: reading order, one
// paragraph per block element, whitespace collapsed, no script or style. Shared by the
// page reader and html_fragment_to_text(). Internal to lupe::app.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <libxml/tree.h>

namespace lupe::readers {

struct XmlDocFree {
    void operator()(xmlDoc* doc) const;
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

/// `utf8` (at most INT_MAX bytes) parsed by libxml2's HTML parser as browsers would,
/// recovering from any tag soup; null only when libxml2 cannot build a tree at all.
XmlDocPtr parse_html_utf8(std::string_view utf8);

/// Elements whose content is never text to index (script, style, template, noscript,
/// svg, iframe, head, ...). `name` is libxml2's lower-case element name.
bool skipped_element(const char* name);

/// Visit the subtree under `root` in document order without recursion: enter(node) is
/// called on the way down (return false to skip the node's children), leave(node) on the
/// way up, for every node entered.
template <class Enter, class Leave>
void walk_tree(const xmlNode* root, Enter&& enter, Leave&& leave) {
    const xmlNode* node = root;
    while (node != nullptr) {
        if (enter(node) && node->children != nullptr) {
            node = node->children;
            continue;
        }
        while (true) {
            leave(node);
            if (node == root) return;
            if (node->next != nullptr) {
                node = node->next;
                break;
            }
            node = node->parent;
            if (node == nullptr) return;
        }
    }
}

/// The text under `node` as lupe indexes a page's body: blocks separated by a blank line,
/// <br> by a line break, inline elements joined without a space, whitespace collapsed
/// (kept inside <pre>), skipped elements left out.
std::string node_text(const xmlNode* node);

/// All text under `node`, as it is (for <title>, where libxml2 makes elements of any
/// markup inside it).
std::string raw_text(const xmlNode* node);

/// The number of bytes of text node_text() would find under `node` (before collapsing
/// whitespace), to compare candidates for the main content.
std::size_t text_length(const xmlNode* node);

}  // namespace lupe::readers

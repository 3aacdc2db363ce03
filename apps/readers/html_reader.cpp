// HTML pages through libxml2's HTML parser.
//
// Design:
// - Bytes become UTF-8 here (encoding.hpp), before libxml2 sees them, and libxml2 is told
//   to ignore the page's own declarations (HTML_PARSE_IGNORE_ENC). One decoding path for
//   every reader: the same aliases, Windows-1252 as browsers read it (its five undefined
//   bytes included, which libxml2's iconv-based decoder refuses), and errors that name a
//   byte offset. The charset is found as browsers prescan for it: a BOM, else a
//   <meta charset> or <meta http-equiv="Content-Type"> in the first 1024 bytes.
// - The tree is walked without recursion (parent/next pointers), so nesting as deep as
//   libxml2 allows costs no stack; libxml2 itself bounds the depth it builds (256).
// - Body text: with <main>, only its text; else with <article>, the largest top-level
//   article (on story pages the teasers of related stories are small <article>s too, and
//   the story is the largest; the first one is often such a teaser); else all of <body>.
//   Only when the page marks its content this way can nav/header/footer/aside around it
//   be called boilerplate; without it they stay (a simple page may keep its words there).
#include "html_reader.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include <libxml/tree.h>

#include "encoding.hpp"
#include "feed_reader.hpp"
#include "html_text.hpp"
#include "lupe/error.hpp"
#include "lupe/utf8.hpp"

namespace lupe::readers {
namespace {

// Browsers look for a <meta> charset declaration only this far into a page (the HTML
// standard's prescan); a declaration further in is ignored by them and by us.
constexpr std::size_t kCharsetPrescanBytes = 1024;
// Longest suffix after a title's last separator that is taken for a site's name ("Story -
// Golem.de", "Story | Ars Technica"): site names are short; a longer suffix is more likely
// the second half of the headline.
constexpr std::size_t kMaxSiteNameChars = 30;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    });
    return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}


// ---- Charset prescan ------------------------------------------------------------------

// The attributes of the tag whose name ends at `pos` in `head`, as lower-case names and
// unquoted values; `pos` is left after the tag's '>'.
std::vector<std::pair<std::string, std::string>> tag_attributes(std::string_view head,
                                                                 std::size_t& pos) {
    std::vector<std::pair<std::string, std::string>> attributes;
    while (pos < head.size()) {
        while (pos < head.size() && (is_space(head[pos]) || head[pos] == '/')) ++pos;
        if (pos >= head.size() || head[pos] == '>') break;
        const std::size_t name_start = pos;
        while (pos < head.size() && !is_space(head[pos]) && head[pos] != '=' && head[pos] != '>')
            ++pos;
        std::string name = lower(head.substr(name_start, pos - name_start));
        while (pos < head.size() && is_space(head[pos])) ++pos;
        std::string value;
        if (pos < head.size() && head[pos] == '=') {
            ++pos;
            while (pos < head.size() && is_space(head[pos])) ++pos;
            if (pos < head.size() && (head[pos] == '"' || head[pos] == '\'')) {
                const char quote = head[pos++];
                const std::size_t end = head.find(quote, pos);
                value = head.substr(pos, end == std::string_view::npos ? end : end - pos);
                pos = end == std::string_view::npos ? head.size() : end + 1;
            } else {
                const std::size_t start = pos;
                while (pos < head.size() && !is_space(head[pos]) && head[pos] != '>') ++pos;
                value = head.substr(start, pos - start);
            }
        }
        attributes.emplace_back(std::move(name), std::move(value));
    }
    return attributes;
}

// "text/html; charset=ISO-8859-1" -> "ISO-8859-1".
std::string charset_from_content_type(std::string_view content) {
    const std::string low = lower(content);
    const std::size_t at = low.find("charset");
    if (at == std::string::npos) return {};
    std::size_t pos = at + 7;
    while (pos < content.size() && is_space(content[pos])) ++pos;
    if (pos >= content.size() || content[pos] != '=') return {};
    ++pos;
    while (pos < content.size() && (is_space(content[pos]) || content[pos] == '"' ||
                                    content[pos] == '\'')) ++pos;
    std::size_t end = pos;
    while (end < content.size() && !is_space(content[end]) && content[end] != ';' &&
           content[end] != '"' && content[end] != '\'') ++end;
    return std::string(content.substr(pos, end - pos));
}

// The charset a page declares in its first kCharsetPrescanBytes: <meta charset>,
// <meta http-equiv="Content-Type" content="...; charset=...">, or an XML declaration
// (XHTML). Empty when none.
std::string declared_charset(std::string_view bytes) {
    const std::string_view head = bytes.substr(0, kCharsetPrescanBytes);
    if (head.substr(0, 5) == "<?xml") {
        const std::size_t end = head.find("?>");
        std::size_t pos = 5;
        for (const auto& [name, value] : tag_attributes(head.substr(0, end), pos)) {
            if (name == "encoding") return value;
        }
    }
    const std::string low = lower(head);
    for (std::size_t at = low.find("<meta"); at != std::string::npos;
         at = low.find("<meta", at + 1)) {
        std::size_t pos = at + 5;
        if (pos < head.size() && !is_space(head[pos]) && head[pos] != '/') continue;  // <metadata>
        std::string charset, http_equiv, content;
        for (auto& [name, value] : tag_attributes(head, pos)) {
            if (name == "charset") charset = value;
            else if (name == "http-equiv") http_equiv = lower(trim(value));
            else if (name == "content") content = value;
        }
        if (!charset.empty()) return std::string(trim(charset));
        if (http_equiv == "content-type") {
            if (auto from_content = charset_from_content_type(content); !from_content.empty())
                return from_content;
        }
    }
    return {};
}

// The page as UTF-8 (see the top of the file for the order), with a note when guessed.
std::string page_to_utf8(std::string_view bytes, const std::string& forced,
                         std::vector<std::string>& notes) {
    if (!forced.empty() || bom_charset(bytes)) {
        return decode_text(bytes, forced).text;  // errors here are the caller's to see
    }
    std::string declared = declared_charset(bytes);
    // A page that calls itself UTF-16 or UTF-32 without a BOM was re-encoded on its way
    // (its bytes would not have matched the ASCII prescan); the standard reads it as UTF-8.
    if (lower(declared).rfind("utf-16", 0) == 0 || lower(declared).rfind("utf-32", 0) == 0)
        declared = "UTF-8";
    if (!declared.empty()) {
        if (!known_charset(declared)) {
            notes.push_back("the page declares the unknown character encoding \"" +
                            printable_charset(declared) + "\"; ignored");
        } else {
            try {
                return to_utf8(bytes, declared);
            } catch (const DocumentError& e) {
                notes.push_back("the page declares " + printable_charset(declared) + " but is not (" +
                                e.what() + "); encoding guessed");
            }
        }
    }
    Decoded decoded = decode_text(bytes);
    if (!decoded.note.empty()) notes.push_back(std::move(decoded.note));
    return std::move(decoded.text);
}

// ---- Document fields ------------------------------------------------------------------

struct XmlString {
    void operator()(xmlChar* s) const { xmlFree(s); }
};

// An attribute's value, "" when absent.
std::string attribute(const xmlNode* node, const char* name) {
    std::unique_ptr<xmlChar, XmlString> value(xmlGetNoNsProp(node, BAD_CAST name));
    return value ? std::string(reinterpret_cast<const char*>(value.get())) : std::string();
}

bool named(const xmlNode* node, const char* name) {
    return node->type == XML_ELEMENT_NODE && node->name != nullptr &&
           std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

// Where " - Site" starts in `title` when it is clearly a site's name: after the last
// separator (" - ", " | ", " – ", " — ", " :: ", " · "), at most kMaxSiteNameChars, shorter
// than the rest, and without the separator's own words looking like a continuation (a
// suffix that starts with a digit or with "Teil"/"Part" is a part number, not a site).
std::size_t site_suffix_start(std::string_view title) {
    static constexpr std::string_view kSeparators[] = {" - ", " | ", " \xE2\x80\x93 ",
                                                       " \xE2\x80\x94 ", " :: ", " \xC2\xB7 "};
    std::size_t best = std::string_view::npos, best_len = 0;
    for (const std::string_view sep : kSeparators) {
        const std::size_t at = title.rfind(sep);
        if (at != std::string_view::npos && (best == std::string_view::npos || at > best)) {
            best = at;
            best_len = sep.size();
        }
    }
    if (best == std::string_view::npos || best == 0) return std::string_view::npos;
    const std::string_view suffix = title.substr(best + best_len);
    const std::string_view rest = title.substr(0, best);
    if (suffix.empty() || suffix.size() > kMaxSiteNameChars || suffix.size() >= rest.size())
        return std::string_view::npos;
    const std::string low = lower(suffix);
    if ((suffix[0] >= '0' && suffix[0] <= '9') || low.rfind("teil", 0) == 0 ||
        low.rfind("part", 0) == 0 || low.rfind("page", 0) == 0 || low.rfind("seite", 0) == 0)
        return std::string_view::npos;
    return best;
}

// Title text: markup that found its way into it (og:title="&lt;b&gt;...") turned into
// text, whitespace collapsed. Without '<' its entities are decoded already: not again.
std::string clean_title(std::string_view raw) {
    const std::string text =
        raw.find('<') != std::string_view::npos ? html_fragment_to_text(raw) : std::string(raw);
    std::string out;
    for (const char c : text) {
        if (is_space(c)) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    return std::string(trim(out));
}

// What the walk over the whole tree finds, before the body is chosen.
struct PageParts {
    std::string html_lang, content_language;
    std::string og_title, title, first_h1;
    std::string published, dc_date, meta_date;
    std::string canonical, og_url;
    const xmlNode* body = nullptr;
    const xmlNode* main = nullptr;
    std::vector<const xmlNode*> articles;  // top-level <article>s, in page order
};

void read_meta(const xmlNode* node, PageParts& parts) {
    const std::string content = std::string(trim(attribute(node, "content")));
    if (content.empty()) return;
    const std::string property = lower(attribute(node, "property"));
    const std::string name = lower(attribute(node, "name"));
    const std::string http_equiv = lower(attribute(node, "http-equiv"));
    const auto set_once = [&](std::string& field) {
        if (field.empty()) field = content;
    };
    if (property == "og:title" || name == "og:title") set_once(parts.og_title);
    else if (property == "og:url" || name == "og:url") set_once(parts.og_url);
    else if (property == "article:published_time" || name == "article:published_time")
        set_once(parts.published);
    else if (name == "dc.date" || name == "dcterms.date" || name == "dc.date.issued" ||
             name == "dcterms.created" || name == "dc.date.created")
        set_once(parts.dc_date);
    else if (name == "date") set_once(parts.meta_date);
    else if (http_equiv == "content-language") set_once(parts.content_language);
}

PageParts find_parts(const xmlNode* root) {
    PageParts parts;
    int article_depth = 0;
    walk_tree(
        root,
        [&](const xmlNode* node) {
            if (node->type != XML_ELEMENT_NODE) return true;
            const char* name = reinterpret_cast<const char*>(node->name);
            if (named(node, "html")) {
                if (parts.html_lang.empty()) parts.html_lang = attribute(node, "lang");
                if (parts.html_lang.empty()) parts.html_lang = attribute(node, "xml:lang");
            } else if (named(node, "meta")) {
                read_meta(node, parts);
            } else if (named(node, "title")) {
                if (parts.title.empty()) parts.title = clean_title(raw_text(node));
            } else if (named(node, "link")) {
                const std::string rel = lower(attribute(node, "rel"));
                if (parts.canonical.empty() && rel == "canonical")
                    parts.canonical = trim(attribute(node, "href"));
            } else if (named(node, "h1")) {
                if (parts.first_h1.empty()) parts.first_h1 = clean_title(node_text(node));
            } else if (named(node, "body")) {
                if (parts.body == nullptr) parts.body = node;
            } else if (named(node, "main")) {
                if (parts.main == nullptr) parts.main = node;
            } else if (named(node, "article")) {
                if (article_depth++ == 0) parts.articles.push_back(node);
            } else if (skipped_element(name) && !named(node, "head")) {
                return false;
            }
            return true;
        },
        [&](const xmlNode* node) {
            if (named(node, "article")) --article_depth;
        });
    return parts;
}

// The first <time datetime> under `root`.
std::string first_time(const xmlNode* root) {
    std::string found;
    walk_tree(
        root,
        [&](const xmlNode* node) {
            if (!found.empty()) return false;
            if (named(node, "time")) found = trim(attribute(node, "datetime"));
            return node->type == XML_ELEMENT_NODE;
        },
        [](const xmlNode*) {});
    return found;
}

}  // namespace

Document parse_html_document(std::string_view bytes, const std::string& forced,
                             std::vector<std::string>& notes) {
    if (bytes.size() > kMaxTextFileBytes) {
        throw DocumentError("page is " + std::to_string(bytes.size() >> 20) +
                            " MiB, above the limit of " + std::to_string(kMaxTextFileBytes >> 20) +
                            " MiB");
    }
    const std::string utf8 = page_to_utf8(bytes, forced, notes);
    const XmlDocPtr doc = parse_html_utf8(utf8);
    const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (root == nullptr) throw DocumentError("no text (not an HTML page)");
    const PageParts parts = find_parts(root);

    Document out;
    const xmlNode* content = parts.main;
    if (content == nullptr && !parts.articles.empty()) {
        content = *std::max_element(parts.articles.begin(), parts.articles.end(),
                                    [](const xmlNode* a, const xmlNode* b) {
                                        return text_length(a) < text_length(b);
                                    });
    }
    if (content == nullptr) content = parts.body != nullptr ? parts.body : root;
    out.body = node_text(content);

    if (!parts.og_title.empty()) {
        out.title = clean_title(parts.og_title);
    } else if (!parts.title.empty()) {
        out.title = parts.title;
        if (const std::size_t at = site_suffix_start(out.title); at != std::string::npos)
            out.title.resize(at);
    }
    if (out.title.empty()) out.title = parts.first_h1;

    out.lang = trim(!parts.html_lang.empty() ? parts.html_lang : parts.content_language);
    // Content-Language may list several ("de, en"): the first is the page's.
    if (const auto comma = out.lang.find(','); comma != std::string::npos) {
        out.lang = trim(out.lang.substr(0, comma));
    }

    std::string date = parts.published;
    if (date.empty()) date = first_time(content);
    if (date.empty() && content != parts.body && parts.body != nullptr) date = first_time(parts.body);
    if (date.empty()) date = parts.dc_date;
    if (date.empty()) date = parts.meta_date;
    // As feed dates are: in UTC when it has a time ("2025-08-14T10:00:00+02:00" ->
    // "2025-08-14T08:00:00Z"), also in the forms of RFC 822; as given when neither parses.
    const std::string iso = feed_date_to_iso(date);
    out.date = iso.empty() ? std::move(date) : iso;
    out.url = !parts.canonical.empty() ? parts.canonical : parts.og_url;
    // Two saved copies of one page name the same canonical page: one hit. (Not by title and
    // date: pages of one site share titles.)
    out.duplicate_key = story_key("", "", out.url);

    if (out.body.empty() && out.title.empty()) throw DocumentError("no text");
    return out;
}

void read_html_file(const std::filesystem::path& path, const std::string& id,
                    const ReadCallbacks& callbacks, const ReadOptions& options) {
    std::string content;
    if (!read_whole_file(path, kMaxTextFileBytes, content, callbacks)) return;
    std::vector<std::string> notes;
    Document doc;
    try {
        doc = parse_html_document(content, options.encoding, notes);
    } catch (const DocumentError& e) {
        return callbacks.on_error(0, e.what());
    }
    if (callbacks.on_note) {
        for (const std::string& note : notes) callbacks.on_note(0, note);
    }
    doc.id = id;
    callbacks.on_document(std::move(doc), 0);
}

}  // namespace lupe::readers

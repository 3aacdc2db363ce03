// RSS and Atom feeds through libxml2's tree parser: one document per item.
//
// Design:
// - Safety first. The parser never loads a DTD or an external entity (no XML_PARSE_NOENT,
//   no XML_PARSE_DTDLOAD, XML_PARSE_NONET), so a feed cannot make lupe read
//   file:///etc/passwd (XXE); libxml2's own guards against entity amplification ("billion
//   laughs") and its default size limits (no XML_PARSE_HUGE) stay on. Internal entities are
//   expanded by our own text walk, with a byte budget. Undeclared HTML entities (&eacute; in
//   an RSS 0.91 file whose Netscape DTD is not loaded) are looked up in libxml2's HTML table.
// - No recovery. A feed that is not well-formed XML is one error for the file, with
//   libxml2's line and column: a truncated download must not silently lose its last items,
//   and the file sync keeps the items of a file that failed.
// - Elements are matched by namespace URI and local name, never by prefix: "dc:", "content:"
//   and "atom:" prefixes are only conventions, and Atom is usually a default namespace.
// - Ids come from what identifies an item across fetches (guid / id, else link, else a hash
//   of title and date), never from its position, so that a feed's sliding window can be
//   re-read without duplicates. FNV-1a 64 is written out here: it must give the same id on
//   every platform and run, which std::hash does not promise.
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "feed_reader.hpp"
#include "feed_xml.hpp"
#include "lupe/utf8.hpp"

namespace lupe::readers {
namespace {

using namespace feed_xml;

// Largest feed file read: as large as one document may be. Real feeds are well under
// 1 MiB; a bigger "feed" is a dump better split, and the whole tree is held in memory.
constexpr std::uint64_t kMaxFeedFileBytes = kMaxDocumentBytes;
// Longest id the engine takes (document.hpp: Xapian's term limit less the prefix). A
// longer guid is replaced by its hash, so that the item still gets a stable id.
constexpr std::size_t kMaxIdBytes = 200;

// RSS's <author> is "email (Name)" by the spec, often "Name <email>": the name is what a
// reader shows and searches; an author given only as an address is kept.
std::string rss_author(const std::string& given) {
    const std::string s = one_line(given);
    const auto open = s.find('('), close = s.rfind(')');
    if (s.find('@') < open && open != std::string::npos && close > open + 1) {
        return one_line(s.substr(open + 1, close - open - 1));
    }
    const auto lt = s.find('<');
    if (lt != std::string::npos && lt > 0 && s.find('@', lt) != std::string::npos) {
        return one_line(s.substr(0, lt));
    }
    return s;
}

void add_unique(std::vector<std::string>& list, std::string value) {
    if (value.empty()) return;
    for (const auto& v : list) {
        if (v == value) return;
    }
    list.push_back(std::move(value));
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& v : list) out += (out.empty() ? "" : ", ") + v;
    return out;
}

// The body from an item's summary and full content. Feeds often repeat the summary at
// the start of the content (Golem does): then only the one that holds the other is kept,
// so that no word counts twice. Different texts (Ars Technica's subtitle and article) are
// both kept, summary first.
std::string combine_body(std::string summary, std::string content) {
    if (content.empty()) return summary;
    if (summary.empty()) return content;
    const std::string s = one_line(summary), c = one_line(content);
    if (c.find(s) != std::string::npos) return content;
    if (s.find(c) != std::string::npos) return summary;
    return summary + "\n\n" + content;
}

std::uint64_t fnv1a64(std::string_view s) {
    constexpr std::uint64_t kOffsetBasis = 14695981039346656037ull;
    constexpr std::uint64_t kPrime = 1099511628211ull;
    std::uint64_t h = kOffsetBasis;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= kPrime;
    }
    return h;
}

std::string hash_key(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t h = fnv1a64(s);
    std::string out(17, 'h');
    for (int i = 16; i >= 1; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
    return out;
}

std::string lower_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

enum class Kind { Rss, Rdf, Atom10, Atom03 };

// What an item inherits from its feed.
struct FeedInfo {
    Kind kind = Kind::Rss;
    std::string title;
    std::string link;
    std::string lang;
    std::vector<std::string> authors;  // Atom: entries without an author have the feed's
};

// An item's fields before they become a document, and the candidates for its id.
struct Item {
    Document doc;
    std::string guid;
    std::string raw_date;
};

Item read_rss_item(const xmlNode* it, const FeedInfo& feed) {
    Item item;
    Document& doc = item.doc;
    const auto rss = [&](const char* name) {
        return child(it, [&](const xmlNode* c) { return rss_named(c, name); });
    };
    const auto in = [&](const char* ns, const char* name) {
        return child(it, [&](const xmlNode* c) { return named(c, ns, name); });
    };
    const xmlNode* title = rss("title");
    doc.title = one_line(html_text(title ? title : in(kDc, "title")));

    const xmlNode* guid = rss("guid");
    item.guid = one_line(text_of(guid));
    if (feed.kind == Kind::Rdf) item.guid = one_line(take(xmlGetNsProp(it, xml("about"), xml(kRdf))));

    if (const xmlNode* link = rss("link")) doc.url = resolve(link, text_of(link), feed.link);
    if (doc.url.empty()) doc.url = link_href(atom_alternate(it, kAtom10), feed.link);
    const bool permalink = guid && attr(guid, "isPermaLink") != "false";
    if (doc.url.empty() && (permalink || feed.kind == Kind::Rdf) && is_web_url(item.guid)) {
        doc.url = item.guid;
    }

    const xmlNode* date = rss("pubDate");
    item.raw_date = one_line(text_of(date ? date : in(kDc, "date")));

    std::vector<std::string> authors;
    for (const xmlNode* c = it->children; c; c = c->next) {
        if (named(c, kDc, "creator")) add_unique(authors, one_line(text_of(c)));
        if (rss_named(c, "category") || named(c, kDc, "subject")) {
            add_unique(doc.categories, one_line(text_of(c)));
        }
    }
    if (authors.empty()) add_unique(authors, rss_author(text_of(rss("author"))));
    doc.author = joined(authors);

    doc.body = combine_body(html_text(rss("description")), html_text(in(kContent, "encoded")));
    doc.lang = one_line(text_of(in(kDc, "language")));
    return item;
}

Item read_atom_entry(const xmlNode* entry, const FeedInfo& feed) {
    Item item;
    Document& doc = item.doc;
    const bool atom03 = feed.kind == Kind::Atom03;
    const char* ns = atom03 ? kAtom03 : kAtom10;
    const auto in = [&](const char* uri, const char* name) {
        return child(entry, [&](const xmlNode* c) { return named(c, uri, name); });
    };
    doc.title = one_line(atom_text(in(ns, "title"), atom03));
    item.guid = one_line(text_of(in(ns, "id")));
    doc.url = link_href(atom_alternate(entry, ns), feed.link);

    const char* const dates_10[] = {"published", "updated"};
    const char* const dates_03[] = {"issued", "modified", "created"};
    const auto try_dates = [&](const auto& names) {
        for (const char* name : names) {
            if (const xmlNode* d = in(ns, name)) return one_line(text_of(d));
        }
        return std::string();
    };
    item.raw_date = atom03 ? try_dates(dates_03) : try_dates(dates_10);
    if (item.raw_date.empty()) item.raw_date = one_line(text_of(in(kDc, "date")));

    std::vector<std::string> authors;
    for (const xmlNode* c = entry->children; c; c = c->next) {
        if (named(c, ns, "author")) {
            add_unique(authors, one_line(text_of(child(c, [&](const xmlNode* n) {
                                    return named(n, ns, "name"); }))));
        } else if (named(c, ns, "category")) {
            const std::string label = one_line(attr(c, "label"));
            add_unique(doc.categories, label.empty() ? one_line(attr(c, "term")) : label);
        } else if (named(c, kDc, "subject")) {
            add_unique(doc.categories, one_line(text_of(c)));
        }
    }
    doc.author = joined(authors.empty() ? feed.authors : authors);
    doc.body = combine_body(atom_text(in(ns, "summary"), atom03), atom_text(in(ns, "content"), atom03));
    doc.lang = one_line(text_of(in(kDc, "language")));
    return item;
}

// Gives each item its id and hands it on, or reports why it cannot be one.
class ItemSink {
public:
    ItemSink(const std::string& prefix, const ReadCallbacks& callbacks) : prefix_(prefix), cb_(callbacks) {}

    void emit(Item&& item, std::size_t line) {
        Document& doc = item.doc;
        if (doc.title.empty() && doc.body.empty()) {
            return cb_.on_error(line, "item without title or text");
        }
        if (!item.raw_date.empty()) {
            doc.date = feed_date_to_iso(item.raw_date);
            if (doc.date.empty()) {
                doc.date = item.raw_date;
                note(line, "date \"" + item.raw_date + "\" not understood; kept for display only");
            }
        }
        // Stable across fetches: the guid, else the link, else title and date. A key the
        // feed already used (a feed that repeats guids) falls back to the next one.
        const std::string hashed = hash_key(lower_ascii(doc.title) + "\n" + doc.date);
        std::string key;
        const std::string* const candidates[] = {&item.guid, &doc.url, &hashed};
        for (const std::string* candidate : candidates) {
            std::string k = *candidate;
            if (prefix_.size() + 1 + k.size() > kMaxIdBytes) k = hash_key(k);
            if (k.empty() || keys_.count(k)) continue;
            key = std::move(k);
            break;
        }
        if (key.empty()) {
            return cb_.on_error(line, "item repeats an earlier item's id, link, title and date");
        }
        if (!item.guid.empty() && key != item.guid && keys_.count(item.guid)) {
            note(line, "item repeats the id \"" + item.guid + "\" of an earlier item; its link or "
                       "title and date identify it instead");
        }
        keys_.insert(key);
        doc.id = prefix_ + "#" + key;
        const std::string* const fields[] = {&doc.title, &doc.body,   &doc.url,   &doc.author,
                                             &doc.date,  &doc.lang,   &doc.source};
        bool valid = true;
        for (const std::string* field : fields) valid = valid && !find_invalid_utf8(*field);
        for (const auto& category : doc.categories) valid = valid && !find_invalid_utf8(category);
        if (!valid) return cb_.on_error(line, "item has text that is not valid UTF-8 after decoding");
        // The same story in another feed (or another fetch under a new guid) shows as one
        // hit: the same title on the same day, or the same link.
        doc.duplicate_key = story_key(doc.title, doc.date, doc.url);
        cb_.on_document(std::move(doc), line);
        ++count_;
    }

    void error(std::size_t line, const std::string& text) { cb_.on_error(line, text); }
    void note(std::size_t line, const std::string& text) {
        if (cb_.on_note) cb_.on_note(line, text);
    }
    std::size_t count() const { return count_; }

private:
    const std::string& prefix_;
    const ReadCallbacks& cb_;
    std::set<std::string> keys_;
    std::size_t count_ = 0;
};

std::size_t line_of(const xmlNode* n) {
    const long line = xmlGetLineNo(n);
    return line > 0 ? static_cast<std::size_t>(line) : 0;
}

void read_items(const xmlNode* root, Kind kind, ItemSink& sink) {
    FeedInfo feed;
    feed.kind = kind;
    std::vector<const xmlNode*> items;
    if (kind == Kind::Rss || kind == Kind::Rdf) {
        const xmlNode* channel = child(root, [](const xmlNode* c) { return rss_named(c, "channel"); });
        const xmlNode* info = channel ? channel : root;
        const auto in = [&](const char* ns, const char* name) {
            return child(info, [&](const xmlNode* c) { return ns ? named(c, ns, name) : rss_named(c, name); });
        };
        feed.title = one_line(html_text(in(nullptr, "title")));
        if (const xmlNode* link = in(nullptr, "link")) feed.link = resolve(link, text_of(link), "");
        if (feed.link.empty()) feed.link = link_href(atom_alternate(info, kAtom10), "");
        feed.lang = one_line(text_of(in(nullptr, "language")));
        if (feed.lang.empty()) feed.lang = one_line(text_of(in(kDc, "language")));
        // RSS 2.0 nests items in the channel, RSS 1.0 and 0.90 put them beside it; broken
        // 0.9x feeds do either.
        for (const xmlNode* parent : {info, root}) {
            for (const xmlNode* c = parent->children; c; c = c->next) {
                if (rss_named(c, "item")) items.push_back(c);
            }
            if (parent == root) break;
            if (!items.empty() && kind == Kind::Rss) break;
        }
    } else {
        const char* ns = kind == Kind::Atom03 ? kAtom03 : kAtom10;
        feed.title = one_line(atom_text(child(root, [&](const xmlNode* c) { return named(c, ns, "title"); }),
                                        kind == Kind::Atom03));
        feed.link = link_href(atom_alternate(root, ns), "");
        for (const xmlNode* c = root->children; c; c = c->next) {
            if (named(c, ns, "author")) {
                add_unique(feed.authors, one_line(text_of(child(c, [&](const xmlNode* n) {
                                             return named(n, ns, "name"); }))));
            } else if (named(c, ns, "entry")) {
                items.push_back(c);
            }
        }
    }
    if (items.empty()) sink.note(0, "feed has no items");
    for (const xmlNode* it : items) {
        const std::size_t line = line_of(it);
        try {
            Item item = kind == Kind::Rss || kind == Kind::Rdf ? read_rss_item(it, feed) : read_atom_entry(it, feed);
            item.doc.source = feed.title;
            if (item.doc.lang.empty()) item.doc.lang = feed.lang;
            if (item.doc.lang.empty()) item.doc.lang = one_line(take(xmlNodeGetLang(it)));
            sink.emit(std::move(item), line);
        } catch (const FieldTooLong&) {
            sink.error(line, too_long_message());
        }
    }
}

std::optional<Kind> feed_kind(const xmlNode* root) {
    if (named(root, nullptr, "rss")) return Kind::Rss;
    if (named(root, kRdf, "RDF")) return Kind::Rdf;
    if (named(root, kAtom10, "feed")) return Kind::Atom10;
    if (named(root, kAtom03, "feed")) return Kind::Atom03;
    return std::nullopt;
}

struct DocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct CtxtFree {
    void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};

// libxml2's message for the parse's first fatal error, with its position.
std::string parse_error(xmlParserCtxt* ctxt) {
    const xmlError* err = xmlCtxtGetLastError(ctxt);
    if (!err || !err->message) return "not well-formed XML";
    std::string message = one_line(err->message);
    return "not well-formed XML at line " + std::to_string(err->line) + ", column " +
           std::to_string(err->int2) + ": " + message;
}

// libxml2 reports some errors (failed encoding conversions, I/O) through the thread's
// error handler whatever XML_PARSE_NOERROR says, and its default handler prints to
// stderr; lupe's readers report through their callbacks only. Silenced for one parse,
// whose own error (xmlCtxtGetLastError) is reported instead.
class QuietErrors {
public:
    QuietErrors() : handler_(xmlStructuredError), context_(xmlStructuredErrorContext) {
        xmlSetStructuredErrorFunc(this, &keep_conversion_error);
    }
    ~QuietErrors() { xmlSetStructuredErrorFunc(context_, handler_); }
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;

    /// The first failed conversion from the input's encoding (which the parser's own error,
    /// "Premature end of data", would hide), or "".
    const std::string& conversion_error() const { return conversion_; }

private:
    static void keep_conversion_error(void* self, xmlErrorPtr err) {
        auto& conversion = static_cast<QuietErrors*>(self)->conversion_;
        if (conversion.empty() && err && err->domain == XML_FROM_I18N && err->message) {
            conversion = one_line(err->message);
        }
    }
    std::string conversion_;
    xmlStructuredErrorFunc handler_;
    void* context_;
};

// Whether the parse failed on bytes that are not UTF-8 in a document read as UTF-8.
bool not_utf8(xmlParserCtxt* ctxt) {
    const xmlError* err = xmlCtxtGetLastError(ctxt);
    return err && err->message && std::strstr(err->message, "not proper UTF-8") != nullptr;
}

}  // namespace

bool looks_like_feed(std::string_view head) {
    // A UTF-16 head is narrowed to its ASCII bytes: the markup that matters is ASCII.
    std::string narrowed;
    if (head.size() >= 2 && (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF")) {
        const std::size_t first = head[0] == '\xFF' ? 2 : 3;
        for (std::size_t i = first; i < head.size(); i += 2) narrowed += head[i];
        head = narrowed;
    }
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    std::size_t i = 0;
    const auto skip_past = [&](std::string_view end) {
        const std::size_t at = head.find(end, i);
        i = at == std::string_view::npos ? head.size() : at + end.size();
    };
    while (i < head.size()) {
        if (is_space(head[i])) {
            ++i;
        } else if (head.compare(i, 4, "<!--") == 0) {
            skip_past("-->");
        } else if (head.compare(i, 2, "<?") == 0) {
            skip_past("?>");
        } else if (head.compare(i, 9, "<!DOCTYPE") == 0) {
            // The internal subset, if any, is in brackets and may hold '>'.
            const std::size_t bracket = head.find('[', i), close = head.find('>', i);
            i = bracket < close ? bracket : i;
            skip_past(bracket < close ? "]" : ">");
            if (bracket < close) skip_past(">");
        } else if (head[i] == '<') {
            std::size_t end = i + 1;
            while (end < head.size() && !is_space(head[end]) && head[end] != '>' && head[end] != '/') ++end;
            const std::string_view name = head.substr(i + 1, end - i - 1);
            const std::size_t colon = name.find(':');
            const std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
            if (local == "rss" || local == "feed") return true;
            if (local != "RDF") return false;
            const std::string_view tag = head.substr(i, head.find('>', i) - i);
            return name.substr(0, colon + 1) == "rdf:" || tag.find(kRdf) != std::string_view::npos;
        } else {
            return false;
        }
    }
    return false;
}

void parse_feed(std::string_view bytes, const std::string& id_prefix, const std::string& forced,
                const ReadCallbacks& callbacks) {
    static const bool initialised = (xmlInitParser(), true);
    (void)initialised;
    if (bytes.size() > kMaxFeedFileBytes) {
        return callbacks.on_error(0, "feed larger than " + std::to_string(kMaxFeedFileBytes >> 20) + " MiB");
    }
    if (!forced.empty()) {
        xmlCharEncodingHandler* handler = xmlFindCharEncodingHandler(forced.c_str());
        if (!handler) return callbacks.on_error(0, "unknown encoding \"" + forced + "\"");
        xmlCharEncCloseFunc(handler);
    }
    const QuietErrors quiet;
    // No NOENT, no DTDLOAD, NONET: see the design note. BIG_LINES: lines past 65535 are
    // reported as they are. NOCDATA: CDATA is text like any other.
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
    std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
    if (!ctxt) return callbacks.on_error(0, "out of memory for the XML parser");
    const auto read = [&](const char* encoding) {
        return std::unique_ptr<xmlDoc, DocFree>(xmlCtxtReadMemory(
            ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, encoding, options));
    };
    auto doc = read(forced.empty() ? nullptr : forced.c_str());
    if (!doc && forced.empty() && not_utf8(ctxt.get())) {
        // A feed that says (or is taken to be) UTF-8 but is not: most often Latin-1 or
        // Windows-1252 text from an old CMS. Read as Windows-1252, as feed readers do,
        // rather than losing the feed; the note says so.
        const xmlError* err = xmlCtxtGetLastError(ctxt.get());
        const std::string where = "line " + std::to_string(err->line) + ", column " + std::to_string(err->int2);
        doc = read("windows-1252");
        if (doc && callbacks.on_note) {
            callbacks.on_note(0, "not valid UTF-8 (first bad byte at " + where + "); read as Windows-1252");
        }
    }
    if (!doc && !quiet.conversion_error().empty()) {
        const xmlError* err = xmlCtxtGetLastError(ctxt.get());
        const std::string where = err ? " near line " + std::to_string(err->line) + ", column " +
                                            std::to_string(err->int2)
                                      : "";
        return callbacks.on_error(0, "bytes that are not valid " +
                                         (forced.empty() ? std::string("in the declared encoding") : forced) +
                                         where + " (" + quiet.conversion_error() + ")");
    }
    if (!doc) return callbacks.on_error(0, parse_error(ctxt.get()));
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    const auto kind = root ? feed_kind(root) : std::nullopt;
    if (!kind) {
        const std::string name = root ? chars(root->name) : "";
        return callbacks.on_error(0, "XML root <" + name + "> is not an RSS or Atom feed");
    }
    ItemSink sink(id_prefix, callbacks);
    try {
        read_items(root, *kind, sink);
    } catch (const FieldTooLong&) {
        callbacks.on_error(0, too_long_message());
    }
}

void read_feed_file(const std::filesystem::path& path, const std::string& id_prefix,
                    const ReadCallbacks& callbacks, const ReadOptions& options) {
    std::string content;
    if (!read_whole_file(path, kMaxFeedFileBytes, content, callbacks)) return;
    parse_feed(content, id_prefix, options.encoding, callbacks);
}

}  // namespace lupe::readers

// html-parsers: libxml2's HTML parser against gumbo (Google's HTML5 parser) on the same
// pages, for the choice of parser behind lupe's HTML reader (issue 15). Each parser turns
// every page into the text of its <main> with the same rules (blocks separated, inline
// elements joined, script/style left out); reported are pages per second and how many
// pages gave exactly the expected words.
//
// Pages: Reuters-21578 articles wrapped in a realistic news template (head with metas,
// scripts and styles, header, nav, main/article, aside, footer, trailing scripts); every
// tenth page is tag soup (unclosed <p>, misnested <b><i></b></i>, an unclosed <div>).
//
//   html-parsers [DOCS.jsonl.gz] [PAGES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else out += c;
    }
    return out;
}

// Sentences grouped three to a paragraph.
std::vector<std::string> paragraphs(const std::string& body) {
    std::vector<std::string> out;
    std::string current;
    int sentences = 0;
    std::istringstream in(body);
    std::string word;
    while (in >> word) {
        current += (current.empty() ? "" : " ") + word;
        if (word.back() == '.' && ++sentences % 3 == 0) {
            out.push_back(current);
            current.clear();
        }
    }
    if (!current.empty()) out.push_back(current);
    return out;
}

struct Page {
    std::string html;
    std::string expected;  // the words of <main>, one space apart
};

Page make_page(const std::string& title, const std::string& body, bool soup) {
    Page page;
    std::string& h = page.html;
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         escape(title) + " | Reuters Archive</title>\n"
         "<meta property=\"og:title\" content=\"" + escape(title) + "\">\n"
         "<meta property=\"article:published_time\" content=\"1987-02-26T15:01:01Z\">\n"
         "<link rel=\"canonical\" href=\"https://example.org/reuters/1\">\n"
         "<link rel=\"stylesheet\" href=\"/site.css\">\n"
         "<script>window.analytics = {id: 'UA-1', q: []}; function track(e) { "
         "analytics.q.push(e); if (e < 3 && e > 1) {} }</script>\n"
         "<style>body{font:16px sans-serif} .nav li{display:inline} main p{margin:1em 0}</style>\n"
         "</head>\n<body>\n<header class=\"site\"><a href=\"/\"><img src=\"/logo.png\" alt=\"Logo\">"
         "</a><form action=\"/search\"><input name=\"q\"><button>Search</button></form></header>\n"
         "<nav class=\"nav\"><ul><li><a href=\"/world\">World</a></li><li><a href=\"/business\">"
         "Business</a></li><li><a href=\"/markets\">Markets</a></li><li><a href=\"/tech\">Tech"
         "</a></li></ul></nav>\n";
    if (soup) h += "<div class=\"wrapper\">\n";  // never closed
    h += "<main>\n<article>\n<h1>" + escape(title) + "</h1>\n";
    page.expected = title;
    const auto paras = paragraphs(body);
    for (std::size_t i = 0; i < paras.size(); ++i) {
        std::string text = escape(paras[i]);
        if (soup && i == 0) {
            // Misnested inline elements around the first word.
            const auto space = text.find(' ');
            if (space != std::string::npos) text = "<b><i>" + text.substr(0, space) + "</b></i>" + text.substr(space);
        }
        h += soup ? "<p>" + text + "\n" : "<p class=\"text\">" + text + "</p>\n";
        page.expected += " " + paras[i];
    }
    h += "</article>\n</main>\n<aside><h2>Most read</h2><ol><li>Another story</li>"
         "<li>Yet another</li></ol></aside>\n<footer><p>Copyright Example</p><a href=\"/privacy\">"
         "Privacy</a></footer>\n<script src=\"/app.js\"></script>\n<script>track(2);</script>\n"
         "</body>\n</html>\n";
    return page;
}

std::string normalise(const std::string& text) {
    std::istringstream in(text);
    std::string word, out;
    while (in >> word) out += (out.empty() ? "" : " ") + word;
    return out;
}

bool block(const char* name) {
    static const char* const kBlocks[] = {"p", "div", "h1", "h2", "li", "article", "main",
                                          "section", "td", "tr", "br", "ol", "ul"};
    return std::any_of(std::begin(kBlocks), std::end(kBlocks),
                       [&](const char* b) { return std::strcmp(b, name) == 0; });
}
bool skipped(const char* name) {
    return std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0;
}

// ---- libxml2 ----
void xml_text(const xmlNode* node, std::string& out) {
    for (; node != nullptr; node = node->next) {
        if (node->type == XML_TEXT_NODE) {
            out += reinterpret_cast<const char*>(node->content);
        } else if (node->type == XML_ELEMENT_NODE) {
            const char* name = reinterpret_cast<const char*>(node->name);
            if (skipped(name)) continue;
            if (block(name)) out += ' ';
            xml_text(node->children, out);
            if (block(name)) out += ' ';
        }
    }
}
const xmlNode* xml_find(const xmlNode* node, const char* name) {
    for (; node != nullptr; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0)
            return node;
        if (const xmlNode* found = xml_find(node->children, name)) return found;
    }
    return nullptr;
}
std::string libxml2_main_text(const std::string& html) {
    xmlDoc* doc = htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                                 HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                     HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    std::string out;
    if (const xmlNode* main = xml_find(xmlDocGetRootElement(doc), "main")) xml_text(main->children, out);
    xmlFreeDoc(doc);
    return out;
}

// ---- gumbo ----
void gumbo_text(const GumboNode* node, std::string& out) {
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
        node->type == GUMBO_NODE_CDATA) {
        out += node->v.text.text;
        return;
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
    const char* name = gumbo_normalized_tagname(node->v.element.tag);
    if (skipped(name)) return;
    if (block(name)) out += ' ';
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i)
        gumbo_text(static_cast<const GumboNode*>(children.data[i]), out);
    if (block(name)) out += ' ';
}
const GumboNode* gumbo_find(const GumboNode* node, GumboTag tag) {
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) return nullptr;
    if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag) return node;
    const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children
                                                                    : node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
        if (const GumboNode* found = gumbo_find(static_cast<const GumboNode*>(children.data[i]), tag))
            return found;
    }
    return nullptr;
}
std::string gumbo_main_text(const std::string& html) {
    GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
    std::string out;
    if (const GumboNode* main = gumbo_find(output->document, GUMBO_TAG_MAIN)) {
        const GumboVector& children = main->v.element.children;
        for (unsigned i = 0; i < children.length; ++i)
            gumbo_text(static_cast<const GumboNode*>(children.data[i]), out);
    }
    gumbo_destroy_output(&kGumboDefaultOptions, output);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "/work/shared/data/news/reuters21578/docs.jsonl.gz";
    const std::size_t wanted = argc > 2 ? std::stoul(argv[2]) : 2000;
    gzFile in = gzopen(path.c_str(), "rb");
    if (in == nullptr) return std::fprintf(stderr, "html-parsers: cannot open %s\n", path.c_str()), 1;
    std::vector<Page> pages;
    std::vector<char> line(1 << 20);
    while (pages.size() < wanted && gzgets(in, line.data(), static_cast<int>(line.size())) != nullptr) {
        const auto doc = nlohmann::json::parse(line.data(), nullptr, false);
        if (doc.is_discarded() || !doc.contains("body") || !doc["body"].is_string()) continue;
        const std::string body = doc["body"], title = doc.value("title", std::string("Untitled"));
        if (normalise(body).empty()) continue;
        pages.push_back(make_page(title, body, pages.size() % 10 == 9));
    }
    gzclose(in);
    xmlInitParser();
    std::size_t bytes = 0;
    for (const Page& p : pages) bytes += p.html.size();
    std::printf("%zu pages, %.1f MB (every tenth is tag soup)\n", pages.size(), bytes / 1e6);

    struct Parser {
        const char* name;
        std::function<std::string(const std::string&)> main_text;
    };
    for (const Parser& parser : {Parser{"libxml2 2.9 HTMLparser", libxml2_main_text},
                                 Parser{"gumbo (HTML5)", gumbo_main_text}}) {
        std::size_t right = 0, soup_right = 0, soup = 0;
        for (std::size_t i = 0; i < pages.size(); ++i) {
            const bool ok = normalise(parser.main_text(pages[i].html)) == normalise(pages[i].expected);
            right += ok;
            if (i % 10 == 9) soup_right += ok, ++soup;
        }
        constexpr int kRounds = 3;
        const auto start = std::chrono::steady_clock::now();
        std::size_t sink = 0;
        for (int round = 0; round < kRounds; ++round) {
            for (const Page& p : pages) sink += parser.main_text(p.html).size();
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%-24s %8.0f pages/s  %6.1f MB/s  right: %zu/%zu (tag soup %zu/%zu)  [%zu]\n",
                    parser.name, kRounds * pages.size() / seconds, kRounds * bytes / seconds / 1e6,
                    right, pages.size(), soup_right, soup, sink % 10);
    }
    return 0;
}

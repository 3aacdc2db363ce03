#!/usr/bin/env python3
"""Inputs for bench/readers.sh: the same news documents as HTML pages, RSS feeds and PDFs.

    make_reader_inputs.py DOCS.jsonl OUT_DIR [--per-feed 50] [--pdfs 300]

From each JSONL document ({"id", "title", "body", "date"?, "url"?, ...}) it writes
  OUT_DIR/html/NNNNNN.html  one page per document, the way news sites build them: a head with
                            meta tags (charset, description, og:*, article:published_time,
                            canonical link, stylesheet), a nav, a header, main/article with
                            the title and the body's paragraphs, an aside, a footer, scripts;
  OUT_DIR/rss/NNNN.rss      RSS 2.0 feeds of --per-feed items each (guid, link, pubDate,
                            category, dc:creator, description as escaped HTML and
                            content:encoded in CDATA, as WordPress feeds do);
  OUT_DIR/pdf/NNNNNN.pdf    the first --pdfs documents as PDF 1.4 files written here (no
                            PDF library): A4 pages of Helvetica text, 60 lines a page, an
                            Info dictionary with Title and CreationDate.
Python 3 standard library only. Deterministic: the same input gives the same files.
"""

import argparse
import html
import json
import os
import sys
import textwrap
from email.utils import format_datetime
from datetime import datetime, timezone

# A fixed date for documents without one (RSS needs a pubDate to look real).
FALLBACK_DATE = datetime(2025, 8, 5, 10, 0, tzinfo=timezone.utc)
# PDF page layout: A4 in points, 10 pt Helvetica on 12 pt lines, 60 lines from the top
# margin, about 95 characters a line (Helvetica's average width at 10 pt is ~5 pt).
PAGE_W, PAGE_H = 595, 842
LINES_PER_PAGE = 60
CHARS_PER_LINE = 95


def parse_date(doc):
    text = doc.get("date") or ""
    try:
        d = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
    except ValueError:
        return FALLBACK_DATE


def paragraphs(body):
    parts = [p.strip() for p in body.replace("\r", "").split("\n\n") if p.strip()]
    if len(parts) <= 1:  # one block: cut into paragraphs of a few sentences
        sentences = body.replace("\n", " ").split(". ")
        parts = [". ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return [" ".join(p.split()) for p in parts if p.strip()]


def url_of(doc, n):
    return doc.get("url") or f"https://news.example.org/{n:06d}"


HTML_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Example News</title>
<meta name="description" content="{teaser}">
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{date}">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/static/site.css">
<style>body {{ font-family: sans-serif }} .ad {{ display: none }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }}</script>
</head>
<body>
<nav class="top"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/tech">Technology</a></li>
<li><a href="/science">Science</a></li><li><a href="/about">About us</a></li></ul></nav>
<header class="site"><a href="/" class="logo">Example News</a>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">By Staff Reporter &middot; <time datetime="{date}">{date_text}</time></p>
{body}
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Markets close higher</a></li>
<li><a href="/b">Central bank holds rates</a></li></ul></aside>
</main>
<footer><p>&copy; 2025 Example News &middot; <a href="/privacy">Privacy</a> &middot;
<a href="/terms">Terms</a></p></footer>
<script src="/static/app.js" defer></script>
<noscript><img src="/pixel.gif" alt=""></noscript>
</body>
</html>
"""


def write_html(doc, n, path):
    title = html.escape(doc.get("title") or f"Document {n}")
    paras = paragraphs(doc.get("body") or "")
    d = parse_date(doc)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HTML_PAGE.format(
            lang=doc.get("lang") or "en", title=title,
            teaser=html.escape(paras[0][:160] if paras else ""),
            url=html.escape(url_of(doc, n)), date=d.isoformat(),
            date_text=d.strftime("%d %B %Y"),
            body="\n".join(f"<p>{html.escape(p)}</p>" for p in paras)))


def write_feed(docs, start, path):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
           ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
           '<channel>\n<title>Example News</title>\n<link>https://news.example.org/</link>\n'
           '<description>The latest stories</description>\n<language>en-us</language>\n'
           '<atom:link href="https://news.example.org/feed" rel="self" type="application/rss+xml"/>\n']
    for i, doc in enumerate(docs):
        n = start + i
        paras = paragraphs(doc.get("body") or "")
        teaser = paras[0][:300] if paras else ""
        content = "".join(f"<p>{html.escape(p)}</p>" for p in paras).replace("]]>", "]]&gt;")
        out.append(
            "<item>\n"
            f"<title>{html.escape(doc.get('title') or f'Document {n}')}</title>\n"
            f"<link>{html.escape(url_of(doc, n))}</link>\n"
            f'<guid isPermaLink="false">news-{n:06d}</guid>\n'
            f"<pubDate>{format_datetime(parse_date(doc))}</pubDate>\n"
            "<dc:creator><![CDATA[Staff Reporter]]></dc:creator>\n"
            "<category><![CDATA[News]]></category>\n"
            f"<description>{html.escape('<p>' + html.escape(teaser) + '</p>')}</description>\n"
            f"<content:encoded><![CDATA[{content}]]></content:encoded>\n"
            "</item>\n")
    out.append("</channel>\n</rss>\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))


def pdf_string(text):
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def write_pdf(doc, n, path):
    lines = [doc.get("title") or f"Document {n}", ""]
    for p in paragraphs(doc.get("body") or ""):
        lines += textwrap.wrap(p, CHARS_PER_LINE) + [""]
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[""]]

    # Objects: 1 catalog, 2 pages, 3 font, 4 info, then per page its page and content.
    objects = {}
    kids = []
    for k, page in enumerate(pages):
        page_id, content_id = 5 + 2 * k, 6 + 2 * k
        kids.append(f"{page_id} 0 R")
        stream = b"BT /F1 10 Tf 12 TL 50 790 Td\n" + b"".join(
            pdf_string(line) + b" Tj T*\n" for line in page) + b"ET\n"
        objects[page_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>").encode()
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream"
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    created = parse_date(doc).strftime("D:%Y%m%d%H%M%SZ")
    objects[4] = b"<< /Title " + pdf_string(doc.get("title") or "") + \
        f" /Producer (lupe bench) /CreationDate ({created}) >>".encode()

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for obj_id in sorted(objects):
        offsets[obj_id] = len(out)
        out += b"%d 0 obj\n" % obj_id + objects[obj_id] + b"\nendobj\n"
    xref = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for obj_id in range(1, count):
        out += b"%010d 00000 n \n" % offsets[obj_id]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    with open(path, "wb") as f:
        f.write(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs")
    ap.add_argument("out")
    ap.add_argument("--per-feed", type=int, default=50)
    ap.add_argument("--pdfs", type=int, default=300)
    args = ap.parse_args()
    with open(args.docs, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    for sub in ("html", "rss", "pdf"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    for n, doc in enumerate(docs):
        write_html(doc, n, os.path.join(args.out, "html", f"{n:06d}.html"))
    for start in range(0, len(docs), args.per_feed):
        write_feed(docs[start:start + args.per_feed], start,
                   os.path.join(args.out, "rss", f"{start // args.per_feed:04d}.rss"))
    for n, doc in enumerate(docs[:args.pdfs]):
        write_pdf(doc, n, os.path.join(args.out, "pdf", f"{n:06d}.pdf"))
    print(f"{len(docs)} html, {(len(docs) + args.per_feed - 1) // args.per_feed} rss, "
          f"{min(len(docs), args.pdfs)} pdf", file=sys.stderr)


if __name__ == "__main__":
    main()

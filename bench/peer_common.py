"""What the Python peers (fts5_baseline.py, sphinx_baseline.py, postgres_baseline.py) share:
reading their plain or gzip-compressed inputs, the documents and queries in them, and the
options of their `search` command, which are xapian-baseline's (--limit N, --timings FILE).
Python 3 standard library only."""
import gzip
import json


def open_text(path):
    """A text stream over a plain or gzip-compressed file (decided by its magic bytes)."""
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "r", encoding="utf-8")


def text_field(doc, name):
    """A document's field as a string: a number as its text, a missing field as ""."""
    v = doc.get(name)
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if not isinstance(v, str):
        raise ValueError(f'field "{name}" is not a string')
    return v


def read_documents(path, names):
    """Yields the fields `names` (a tuple of strings) of each non-blank JSON line of `path`;
    RuntimeError naming the line when one is not a JSON object of such fields."""
    with open_text(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                if not isinstance(doc, dict):
                    raise ValueError("not a JSON object")
                yield tuple(text_field(doc, name) for name in names)
            except ValueError as e:
                raise RuntimeError(f"{path}:{lineno}: {e}") from None


def read_queries(path):
    """Yields (qid, lang, text) for each non-empty line `qid<TAB>lang<TAB>query` of `path`;
    RuntimeError naming the line when one is not of that form."""
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("\t", 2)
            if len(parts) != 3 or not parts[0] or " " in parts[0]:
                raise RuntimeError(f"{path}:{lineno}: expected qid<TAB>lang<TAB>query")
            yield tuple(parts)


def search_options(rest, limit):
    """(limit, timings) from `search`'s options after its two arguments, starting from
    `limit`; None when they are malformed (the caller prints its usage)."""
    timings = None
    while rest:
        if rest[0] == "--limit" and len(rest) > 1 and rest[1].isdigit() and int(rest[1]) > 0:
            limit = int(rest[1])
        elif rest[0] == "--timings" and len(rest) > 1 and rest[1]:
            timings = rest[1]
        else:
            return None
        rest = rest[2:]
    return limit, timings

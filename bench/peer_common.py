"""What the Python peers of throughput.sh (fts5_baseline.py, sphinx_baseline.py) share:
reading their plain or gzip-compressed inputs, and the options of their `search` command,
which are xapian-baseline's (--limit N, --timings FILE). Python 3 standard library only."""
import gzip


def open_text(path):
    """A text stream over a plain or gzip-compressed file (decided by its magic bytes)."""
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "r", encoding="utf-8")


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

#!/usr/bin/env python3
"""Writes bench/spelling.sh's query sets for one index: each query of the relevance sets
once unchanged ("clean") and once with one typing mistake in one content word ("typo").

    make_typos.py --seed N --index NAME WORDS VOCAB QUERIES.tsv... > sets.tsv

WORDS is `spelling-bench words INDEX` of the queries (query id, word, document frequency in
the index, stopword flag), VOCAB `spelling-bench vocab INDEX` (every word of the index with
its document frequency). Output lines: KEY, HALF, KIND, ORIGINAL, QUERY (KEY is
SET/ID/KIND).

Which word: a content word the index knows (in at least one of its documents), of at least
four letters, letters only, no stopword, chosen at random. A query without one is left
out of both sets for this index: a typo in a word the index lacks cannot be corrected by
any corrector that learns its words from the index, and the paired clean set keeps the two
shares about the same queries.
The mistake, one of those applicable at random: a neighbouring key on the keyboard (QWERTY
for English, QWERTZ for German) in place of a letter, a letter dropped, a letter doubled,
two neighbours swapped, or an umlaut written without its dots (ä -> a, ö -> o, ü -> u,
ß -> ss). Any letter may be hit, the first too. A result that is itself a word of the index
is drawn again (a real-word error no corrector without context can see).
HALF: A or B by a hash of SET/ID, the same for every index and seed: thresholds are chosen
on A and reported on both.
Deterministic: the same inputs and seed give the same output. Python 3 standard library.
"""
import argparse
import hashlib
import random
import re
import sys

ROWS = {
    "en": ["qwertyuiop", "asdfghjkl", "zxcvbnm"],
    "de": ["qwertzuiopü", "asdfghjklöä", "yxcvbnm"],
}
UMLAUTS = {"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}
MIN_LETTERS = 4
WORD = re.compile(r"\w+")


def neighbours(lang):
    """Keys next to each key on a staggered keyboard: same row left and right, the two
    above (same column and one right) and the two below (one left and same column)."""
    rows = ROWS[lang]
    out = {}
    for r, row in enumerate(rows):
        for c, key in enumerate(row):
            near = []
            for rr, cc in ((r, c - 1), (r, c + 1), (r - 1, c), (r - 1, c + 1), (r + 1, c - 1),
                           (r + 1, c)):
                if 0 <= rr < len(rows) and 0 <= cc < len(rows[rr]):
                    near.append(rows[rr][cc])
            out[key] = near
    return out


def same_case(new, old):
    return new.upper() if old.isupper() else new


def typo(word, lang, rng, keys):
    """One typing mistake in `word` (as typed, with its case)."""
    kinds = ["neighbour", "drop", "double", "swap"]
    if any(ch in UMLAUTS for ch in word.lower()):
        kinds.append("umlaut")
    kind = rng.choice(kinds)
    n = len(word)
    if kind == "neighbour":
        spots = [i for i, ch in enumerate(word) if ch.lower() in keys]
        i = rng.choice(spots)
        return kind, word[:i] + same_case(rng.choice(keys[word[i].lower()]), word[i]) + word[i + 1:]
    if kind == "drop":
        i = rng.randrange(n)
        return kind, word[:i] + word[i + 1:]
    if kind == "double":
        i = rng.randrange(n)
        return kind, word[:i + 1] + word[i].lower() + word[i + 1:]
    if kind == "swap":
        spots = [i for i in range(n - 1) if word[i].lower() != word[i + 1].lower()]
        if not spots:
            return kind, word
        i = rng.choice(spots)
        a, b = word[i], word[i + 1]
        return kind, word[:i] + same_case(b.lower(), a) + same_case(a.lower(), b) + word[i + 2:]
    spots = [i for i, ch in enumerate(word) if ch.lower() in UMLAUTS]
    i = rng.choice(spots)
    return kind, word[:i] + same_case(UMLAUTS[word[i].lower()], word[i]) + word[i + 1:]


def half_of(key):
    return "A" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "B"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--index", required=True, help="the index's name (part of the seed)")
    ap.add_argument("words")
    ap.add_argument("vocab")
    ap.add_argument("queries", nargs="+", help="SET=PATH of a queries.tsv")
    args = ap.parse_args()

    known = {}
    with open(args.vocab, encoding="utf-8") as f:
        for line in f:
            word, df = line.rstrip("\n").split("\t")
            known[word] = int(df)
    content = {}  # query id -> its content words the index knows
    with open(args.words, encoding="utf-8") as f:
        for line in f:
            qid, word, df, stop = line.rstrip("\n").split("\t")
            if (stop == "0" and int(df) > 0 and len(word) >= MIN_LETTERS and word.isalpha()):
                content.setdefault(qid, []).append(word)

    kinds = {}
    for spec in args.queries:
        name, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 3:
                    continue
                qid, lang, text = fields[0], fields[1], fields[2]
                key = f"{name}/{qid}"
                # spelling-bench words saw the ids as SET/ID too (spelling.sh)
                candidates = sorted(set(content.get(key, [])))
                if not candidates:
                    continue
                rng = random.Random(f"{args.seed}/{args.index}/{key}")
                keys = neighbours(lang if lang in ROWS else "en")
                for _ in range(20):
                    target = rng.choice(candidates)
                    spots = [m for m in WORD.finditer(text) if m.group().lower() == target]
                    if not spots:
                        continue
                    m = rng.choice(spots)
                    kind, wrong = typo(m.group(), lang, rng, keys)
                    if wrong.lower() == target or known.get(wrong.lower(), 0) > 0:
                        continue
                    query = text[:m.start()] + wrong + text[m.end():]
                    half = half_of(key)
                    print(f"{key}/clean\t{half}\tclean\t{text}\t{text}")
                    print(f"{key}/typo\t{half}\ttypo:{kind}\t{text}\t{query}")
                    kinds[kind] = kinds.get(kind, 0) + 1
                    break
    print(f"make_typos.py {args.index}: " +
          ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())), file=sys.stderr)


if __name__ == "__main__":
    main()

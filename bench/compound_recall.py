#!/usr/bin/env python3
"""The compound-recall evaluation's data side: ground truth, queries, tables, false matches.

    compound_recall.py prepare DATA OUT [--gesetze-every N] [--max-queries N]
    compound_recall.py table OUT NAME=RUN...
    compound_recall.py false-matches OUT RUN [--sample N]

Driven by compound_recall.sh (see bench/README.md and docs/compounds.md). Python 3 standard
library only.

Why not lupe's own splitter: the ground truth must not come from the thing it measures, or
every split lupe makes would count as right by definition. This segmentation uses the same
word list (Debian's wngerman) but another method, the corpus-frequency rule of Koehn and
Knight ("Empirical Methods for Compound Splitting", EACL 2003), applied recursively:

  - a piece is a noun of the list (an entry spelt with a capital) of at least
    MIN_PART_CHARS letters; a piece that is not the last may carry a linking element
    (LINKS: s, n, es, en);
  - every piece is reduced to a lemma: the shortest listed noun it is that noun plus an
    inflection ending (INFLECTIONS: Gerichts -> gericht, Bundes -> bund, Kinder -> kind);
  - a word is split into the segmentation (two or more pieces) with the highest geometric
    mean of the corpus frequencies of its lemmas, and only when that mean is at least the
    frequency of the word itself: a word that is more common than its would-be parts is
    a word of its own ("Verbraucher" is not verb + raucher), and a part that never
    occurs on its own in the corpus explains nothing;
  - each piece of the split is split again by the same rule, down to pieces that do not
    split; the leaves are the compound's parts.

A compound of the evaluation is a word whose leaves number three or more. Its queries are
its leaves and its contiguous runs of two or more leaves (sub-compounds) that spell a word of
the list ("Bundesverfassung", not "Verfassungsgericht", which wngerman lacks). A document is
relevant to a query when one of its words has the query's lemma, or has the query's leaves
as a contiguous run of its own leaves: the inflected forms are those the lemma rule joins.
"""

import argparse
import collections
import gzip
import json
import math
import os
import random
import re
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trec_eval  # noqa: E402  (beside this script)

WORD_LIST = "/usr/share/dict/ngerman"

# A part shorter than this is too likely to be spelt by accident inside a longer word
# (Abb, Akt, Rat, Schi); the cost is that Amt, Tag and Weg are never parts.
MIN_PART_CHARS = 4
# Longer "words" are tables or identifiers run together; their segmentations are too many.
MAX_WORD_CHARS = 64
# German linking elements (Fugenelemente) after a non-final piece; "e" and "er" are left
# out because the list holds the plural forms they come from (Kinder, Hunde).
LINKS = ("", "s", "n", "es", "en")
# Inflection endings the lemma rule strips (case and number of nouns).
INFLECTIONS = ("", "e", "s", "es", "n", "en", "er", "ern", "ns", "nen")
# The endings of the plurals that may umlaut the stem (Ablauf -> Abläufe, Wort -> Wörter).
PLURALS = ("e", "en", "er", "ern")
# Nouns that are also derivation suffixes: as a last piece they are the suffix
# (Staatsanwalt|schaft, not a shaft), so they never count as parts.
SUFFIX_NOUNS = frozenset(("schaft", "heit", "keit", "ling", "chen", "lein", "tum", "nis",
                          "ung", "ion", "tät"))
# A query that more documents than this are relevant to tests frequency, not compounds;
# with at most 100 relevant documents recall@100 can still reach 1.
MAX_RELEVANT = 100
# The held-out fifth: queries whose CRC-32 modulo HELDOUT_MOD is 0. Fixed; never tune on it.
HELDOUT_MOD = 5

TOKEN = re.compile(r"[^\W\d_]+")


def unumlaut(word):
    """`word` with its last umlaut undone, or None when it has none."""
    for i in range(len(word) - 1, -1, -1):
        if word[i] in "äöü":
            return word[:i] + "aou"["äöü".index(word[i])] + word[i + 1:]
    return None


def is_heldout(query):
    return zlib.crc32(query.lower().encode("utf-8")) % HELDOUT_MOD == 0


def open_text(path):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else \
        open(path, encoding="utf-8")


def load_word_list(path=WORD_LIST):
    """({lower-cased noun: listed spelling}, {entries listed in lower case}): wngerman
    capitalises nouns, and spells verbs, adjectives and function words in lower case (but
    see Segmenter: it lists some nouns in lower case only)."""
    nouns, others = {}, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            word = line.strip()
            if not word.isalpha():
                continue
            if word[:1].isupper():
                nouns.setdefault(word.lower(), word)
            else:
                others.add(word)
    return nouns, others


class Segmenter:
    """The recursive frequency-based splitter described at the top of this file."""

    def __init__(self, word_list, counts, capitalised):
        listed_nouns, others = word_list
        # wngerman lists some common nouns in lower case only (mittel, summe, verfahren,
        # kapital): an entry in lower case counts as a noun when the documents write it
        # with a capital more often than without, as German writes nouns.
        self.nouns = dict(listed_nouns)
        for word in others:
            if capitalised[word] * 2 > counts.get(word, 0) and word not in self.nouns:
                self.nouns[word] = word.capitalize()
        self.others = others - self.nouns.keys()
        self.lemma_counts = collections.Counter()
        for word, n in counts.items():
            self.lemma_counts[self.lemma(word) or word] += n
        self._leaves = {}
        self._segmentation_cache = {}

    def lemma(self, piece):
        """The shortest listed noun that `piece` inflects, or None. A plural may also
        umlaut the stem's last vowel (Abläufe -> ablauf, Ämter -> amt)."""
        for cut in range(len(piece) - len(max(INFLECTIONS, key=len)), len(piece) + 1):
            if cut < MIN_PART_CHARS:
                continue
            base, ending = piece[:cut], piece[cut:]
            if ending not in INFLECTIONS:
                continue
            # "-er" is a plural (Kinder) unless the word takes a genitive "-s" itself
            # (Verbrauchers): then it is an agent noun, not Verbrauch inflected.
            if ending in ("er", "ern") and piece[:cut + 2] + "s" in self.nouns:
                continue
            for candidate in (base, unumlaut(base) if ending in PLURALS else None):
                if candidate in self.nouns and candidate not in SUFFIX_NOUNS:
                    return candidate
        return None

    def count(self, word):
        return self.lemma_counts.get(self.lemma(word) or word, 0)

    def _segmentations(self, word, alone_too):
        """Every way to cover `word` with pieces: lists of (surface, link, lemma); with
        `alone_too` the word as one piece among them."""
        key = (word, alone_too)
        if key in self._segmentation_cache:
            return self._segmentation_cache[key]
        found = []
        lemma = self.lemma(word)
        if lemma and alone_too:
            found.append([(word, "", lemma)])
        for cut in range(MIN_PART_CHARS, len(word) - MIN_PART_CHARS + 1):
            head = word[:cut]
            head_lemma = self.lemma(head)
            if not head_lemma:
                continue
            rest = word[cut:]
            for link in LINKS:
                if not rest.startswith(link) or len(rest) - len(link) < MIN_PART_CHARS:
                    continue
                for tail in self._segmentations(rest[len(link):], True):
                    found.append([(head, link, head_lemma)] + tail)
        self._segmentation_cache[key] = found
        return found

    def split(self, word):
        """The best split of `word` into 2+ pieces by the frequency rule, or None."""
        best, best_score = None, 0.0
        if len(word) > MAX_WORD_CHARS:
            return None
        for seg in self._segmentations(word, False):
            if len(seg) < 2:
                continue
            # Two pieces that together spell a verb or an adjective are that word's
            # letters, not two nouns (spezi|fische is "spezifische").
            if any(a + link + b in self.others
                   for (a, link, _), (b, _, _) in zip(seg, seg[1:])):
                continue
            counts = [self.lemma_counts.get(p[2], 0) for p in seg]
            if min(counts) == 0:
                continue
            score = math.exp(sum(math.log(c) for c in counts) / len(counts))
            if score > best_score:
                best, best_score = seg, score
        if best is None or best_score < self.count(word):
            return None
        return best

    def leaves(self, word):
        """The parts of `word` as a tuple of (surface, link, lemma), split down to the end."""
        if word in self._leaves:
            return self._leaves[word]
        seg = self.split(word) if len(word) >= 2 * MIN_PART_CHARS else None
        if seg is None:
            result = ((word, "", self.lemma(word) or word),)
        else:
            result = ()
            for surface, link, _ in seg:
                sub = self.leaves(surface)
                # The piece's link belongs to the last leaf of its own split.
                result += sub[:-1] + ((sub[-1][0], link, sub[-1][2]),)
        self._leaves[word] = result
        return result


def read_documents(data, gesetze_every):
    """The German documents: (source, doc) pairs; gesetze-de keeps every Nth by id hash."""
    sources = [("gesetze-de", os.path.join(data, "bench/gesetze-de/docs.jsonl.gz")),
               ("10kgnad", os.path.join(data, "news/10kgnad-test/docs.jsonl")),
               ("xquad-r-de", os.path.join(data, "relevance/xquad-r-de/docs.jsonl"))]
    for name, path in sources:
        if not os.path.exists(path) and os.path.exists(path + ".gz"):
            path += ".gz"
        if not os.path.exists(path):
            sys.exit(f"compound_recall.py: {path} is missing")
        with open_text(path) as f:
            for line in f:
                if not line.strip():
                    continue
                doc = json.loads(line)
                if name == "gesetze-de" and \
                        zlib.crc32(doc["id"].encode("utf-8")) % gesetze_every != 0:
                    continue
                yield name, doc


def doc_tokens(doc):
    return TOKEN.findall(f"{doc.get('title') or ''} {doc.get('body') or ''}")


def count_words(tokens, counts, capitalised):
    """Counts the lower-cased tokens, and apart those written with a capital."""
    for t in tokens:
        lower = t.lower()
        counts[lower] += 1
        if t[0].isupper():
            capitalised[lower] += 1
    return {t.lower() for t in tokens}


def prepare(args):
    docs = []
    counts, capitalised = collections.Counter(), collections.Counter()
    for source, doc in read_documents(args.data, args.gesetze_every):
        words = count_words(doc_tokens(doc), counts, capitalised)
        docs.append((source, doc, words))
    seg = Segmenter(load_word_list(), counts, capitalised)
    nouns = seg.nouns
    print(f"compound_recall.py: {len(docs)} documents, {len(counts)} distinct words",
          file=sys.stderr)

    # Leaves of every word long enough for two parts; the list decides what is a noun, so
    # a word written in lower case (an adjective made of nouns) is split too.
    leaves_of = {w: tuple(p[2] for p in seg.leaves(w)) for w in counts
                 if len(w) >= 2 * MIN_PART_CHARS}
    compounds = sorted(w for w, lv in leaves_of.items() if len(lv) >= 3)

    # Candidate queries: (query lemma, its leaves, kind, compound it came from).
    candidates = {}
    for word in compounds:
        parts = seg.leaves(word)
        n = len(parts)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i == n:
                    continue
                run = parts[i:j]
                if j - i == 1:
                    query = run[0][2]
                    kind = "head" if j == n else "modifier"
                else:
                    spelt = "".join(s + lk for s, lk, _ in run[:-1]) + run[-1][2]
                    query = seg.lemma(spelt)
                    if query != spelt:
                        continue
                    kind = "sub-compound"
                if query not in nouns or query in candidates:
                    continue
                candidates[query] = (tuple(p[2] for p in run), kind, word)

    # Relevance by lemma and by runs of leaves, from one pass over the documents.
    by_lemma = collections.defaultdict(set)
    by_run = collections.defaultdict(set)
    run_lengths = sorted({len(c[0]) for c in candidates.values()})
    wanted = {c[0] for c in candidates.values()}
    for d, (_, doc, words) in enumerate(docs):
        for w in words:
            by_lemma[seg.lemma(w) or w].add(d)
            lv = leaves_of.get(w)
            if lv is None or len(lv) < 2:
                continue
            for n in run_lengths:
                for i in range(len(lv) - n + 1):
                    if lv[i:i + n] in wanted:
                        by_run[lv[i:i + n]].add(d)

    queries = []
    for query, (run, kind, source_word) in sorted(candidates.items()):
        relevant = by_run.get(run, set())
        standalone = by_lemma.get(query, set())
        # A word with the query's lemma counts even when it does not split (a listed
        # sub-compound more common than its parts is not split by the frequency rule).
        relevant = relevant | standalone
        only_in_compounds = relevant - standalone
        if not only_in_compounds or len(relevant) > MAX_RELEVANT:
            continue
        queries.append((query, run, kind, source_word, sorted(relevant)))
    skipped = len(candidates) - len(queries)
    if len(queries) > args.max_queries:
        random.Random(18).shuffle(queries)
        queries = sorted(queries[:args.max_queries])
    print(f"compound_recall.py: {len(compounds)} compounds of 3+ parts, "
          f"{len(candidates)} candidate queries, {skipped} dropped (more than "
          f"{MAX_RELEVANT} relevant, or none only through a compound), {len(queries)} kept",
          file=sys.stderr)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "docs.jsonl"), "w", encoding="utf-8") as f:
        for source, doc, _ in docs:
            out = {"id": doc["id"], "title": doc.get("title") or "",
                   "body": doc.get("body") or "", "lang": "de", "source": source}
            f.write(json.dumps(out, ensure_ascii=False) + "\n")
    files = {split: (open(os.path.join(args.out, f"queries-{split}.tsv"), "w",
                          encoding="utf-8"),
                     open(os.path.join(args.out, f"qrels-{split}.txt"), "w",
                          encoding="utf-8"))
             for split in ("tune", "heldout")}
    with open(os.path.join(args.out, "queries.meta.tsv"), "w", encoding="utf-8") as meta:
        meta.write("qid\tsplit\tkind\tquery\tparts\tfrom\trelevant\n")
        for k, (query, run, kind, source_word, relevant) in enumerate(queries, 1):
            qid = f"c{k}"
            split = "heldout" if is_heldout(query) else "tune"
            qf, rf = files[split]
            qf.write(f"{qid}\tde\t{nouns[query]}\n")
            for d in relevant:
                rf.write(f"{qid} 0 {docs[d][1]['id']} 1\n")
            meta.write(f"{qid}\t{split}\t{kind}\t{nouns[query]}\t{'+'.join(run)}\t"
                       f"{source_word}\t{len(relevant)}\n")
    for qf, rf in files.values():
        qf.close()
        rf.close()
    with open(os.path.join(args.out, "compounds.tsv"), "w", encoding="utf-8") as f:
        for w in compounds:
            f.write(f"{w}\t{counts[w]}\t" +
                    "|".join(s + (f"({lk})" if lk else "") for s, lk, _ in seg.leaves(w)) +
                    "\n")


def read_meta(out):
    with open(os.path.join(out, "queries.meta.tsv"), encoding="utf-8") as f:
        next(f)
        return [dict(zip(("qid", "split", "kind", "query", "parts", "from", "relevant"),
                         line.rstrip("\n").split("\t"))) for line in f]


def table(args):
    meta = read_meta(args.out)
    qrels = {}
    for split in ("tune", "heldout"):
        qrels.update(trec_eval.read_qrels(os.path.join(args.out, f"qrels-{split}.txt")))
    runs = []
    for spec in args.runs:
        name, _, path = spec.partition("=")
        runs.append((name, trec_eval.read_run(path) if os.path.exists(path) else None))
    groups = [("tune", lambda m: m["split"] == "tune"),
              ("held-out", lambda m: m["split"] == "heldout")]
    groups += [(f"tune, {kind}", lambda m, k=kind: m["split"] == "tune" and m["kind"] == k)
               for kind in ("head", "modifier", "sub-compound")]
    print("| queries | n | " + " | ".join(f"{name} R@100 | {name} nDCG@10"
                                          for name, _ in runs) + " |")
    print("|---|---:|" + "---:|---:|" * len(runs))
    for label, keep in groups:
        qids = [m["qid"] for m in meta if keep(m)]
        cells = []
        for _, run in runs:
            if run is None or not qids:
                cells += ["ERR" if run is None else "-"] * 2
                continue
            result = trec_eval.evaluate({q: qrels[q] for q in qids}, run)
            cells += [f"{result['R@100']:.4f}", f"{result['nDCG@10']:.4f}"]
        print(f"| {label} | {len(qids)} | " + " | ".join(cells) + " |")


def fold(text):
    return text.translate(str.maketrans("äöüß", "aous"))


def false_matches(args):
    """Top-10 documents of RUN that the ground truth does not hold relevant and that do not
    contain the query's lemma as a word: they matched through a part of some compound."""
    meta = {m["qid"]: m for m in read_meta(args.out)}
    qrels = {}
    for split in ("tune", "heldout"):
        qrels.update(trec_eval.read_qrels(os.path.join(args.out, f"qrels-{split}.txt")))
    run = trec_eval.read_run(args.run)
    wanted = collections.defaultdict(list)
    for qid, docs in run.items():
        if qid not in meta:
            continue
        for rank, docid in enumerate(trec_eval.rank_docs(docs)[:10], 1):
            if qrels.get(qid, {}).get(docid, 0) < 1:
                wanted[docid].append((qid, rank))
    texts = {}
    counts, capitalised = collections.Counter(), collections.Counter()
    with open(os.path.join(args.out, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            words = count_words(doc_tokens(doc), counts, capitalised)
            if doc["id"] in wanted:
                texts[doc["id"]] = sorted(words)
    seg = Segmenter(load_word_list(), counts, capitalised)
    found = []
    for docid, hits in wanted.items():
        words = texts.get(docid, [])
        for qid, rank in hits:
            query = fold(meta[qid]["query"].lower())
            stem = query[:max(MIN_PART_CHARS, len(query) - 2)]
            # A word that begins like the query and is about as long is a match through
            # stemming (Abhebung, abheben), not through a compound part.
            if any(fold(w).startswith(stem) and len(w) <= len(query) + 3 for w in words):
                continue
            inside = [w for w in words if stem in fold(w)[1:] or
                      (fold(w).startswith(stem) and len(w) > len(query) + 3)]
            if not inside:
                continue  # matched through something else (title weight, folding)
            found.append((zlib.crc32(f"{qid} {docid}".encode("utf-8")), qid, rank, docid,
                          inside))
    found.sort()
    print(f"# {len(found)} false matches through a compound part in the top 10 of "
          f"{os.path.basename(args.run)}; the {min(args.sample, len(found))} with the "
          f"lowest CRC-32 of 'qid docid'.")
    print("# qid\tquery\tparts\trank\tdocid\twords holding the query (their leaves by the "
          "ground truth's segmentation)\tclass")
    for _, qid, rank, docid, inside in found[:args.sample]:
        m = meta[qid]
        shown = ", ".join(f"{w} ({'+'.join(p[2] for p in seg.leaves(w))})"
                          for w in inside[:4])
        print(f"{qid}\t{m['query']}\t{m['parts']}\t{rank}\t{docid}\t{shown}\t")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="documents, queries and qrels into OUT")
    p.add_argument("data", help="the shared data folder")
    p.add_argument("out", help="output folder")
    p.add_argument("--gesetze-every", type=int, default=5,
                   help="keep the gesetze-de documents whose id's CRC-32 is 0 modulo N")
    p.add_argument("--max-queries", type=int, default=1500,
                   help="keep at most N queries (a fixed random sample)")
    p.set_defaults(func=prepare)
    p = sub.add_parser("table", help="Markdown table of R@100 and nDCG@10 per run")
    p.add_argument("out")
    p.add_argument("runs", nargs="+", metavar="NAME=RUN")
    p.set_defaults(func=table)
    p = sub.add_parser("false-matches", help="sample the false compound matches of RUN")
    p.add_argument("out")
    p.add_argument("run")
    p.add_argument("--sample", type=int, default=50)
    p.set_defaults(func=false_matches)
    args = parser.parse_args(argv)
    if getattr(args, "gesetze_every", 1) < 1 or getattr(args, "max_queries", 1) < 1:
        parser.error("--gesetze-every and --max-queries take a positive number")
    try:
        args.func(args)
    except (OSError, trec_eval.FormatError) as e:
        sys.exit(f"compound_recall.py: {e}")


if __name__ == "__main__":
    main()

# Sourced by bench/throughput.sh and bench/shards.sh (not run on its own).

# make_queries DOCS NDOCS NQ: NQ queries qid<TAB>de<TAB>words on stdout, made from the titles
# of the first NDOCS lines of DOCS without any randomness, so that every run, size and tool
# gets the same file. A title's words: runs of Unicode letters of five or more, lower-cased,
# after the law's abbreviation ("law" field) that starts gesetze-de titles
# ("1-DM-GoldmünzG § 1 Ausgabe durch die Deutsche Bundesbank" gives "ausgabe durch deutsche
# bundesbank"). Query k (0-based) comes from the first document at or after k * (NDOCS / NQ),
# and after the one used for query k - 1, whose title has at least two such words and gives
# a query not made before: 2 words for even k, 3 for odd k when the title has them,
# consecutive, starting at word (7 k) mod (count - length + 1). Python, not awk: mawk counts
# bytes, not letters, and JSON titles need decoding.
make_queries() {
    python3 - "$@" <<'PY'
import json, re, sys
path, ndocs, nq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
titles = []
with open(path, encoding="utf-8") as f:
    for line in f:
        if len(titles) >= ndocs:
            break
        try:
            doc = json.loads(line)
            title, law = doc.get("title"), doc.get("law")
        except (ValueError, AttributeError):
            title = law = None
        title = title if isinstance(title, str) else ""
        if isinstance(law, str) and law and title.startswith(law):
            title = title[len(law):]
        titles.append([w.lower() for w in re.findall(r"[^\W\d_]+", title) if len(w) >= 5])
stride = max(1, len(titles) // nq)
seen = set()
next_doc = 0
for k in range(nq):
    for i in range(max(k * stride, next_doc), len(titles)):
        words = titles[i]
        if len(words) < 2:
            continue
        length = 3 if k % 2 and len(words) >= 3 else 2
        start = (7 * k) % (len(words) - length + 1)
        query = " ".join(words[start:start + length])
        if query not in seen:
            seen.add(query)
            next_doc = i + 1
            print(f"g{k + 1:03d}\tde\t{query}")
            break
PY
}

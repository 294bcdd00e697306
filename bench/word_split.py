"""Size a search index split by word, on the search records of a built portal.

Not portal-gen's search (that is Pagefind, in shards by unit): a sketch to measure what a
reader's first query would download if the index were split by word instead, so that a
query loads the postings of its own words and nothing else. Each folded word (lowercase,
tone marks removed, đ → d) gets its documents and counts, delta-encoded; words are
packed in sorted order into gzip files of about ``--target`` bytes; a query loads the
table of files, the file of each of its words, and the 30 results' excerpts.

    python bench/run.py ...                 # builds a corpus, leaving its records
    python bench/word_split.py /tmp/portal-gen-bench/corpus-5000-100

It prints the index's size, the time to build it in Python, and what each query would
download. The excerpt of a result is estimated from its record (title, unit, date, the
first 40 words, gzip), not measured from a page.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import html
import json
import re
import sys
import time
import unicodedata
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's plugins
from plugins.search.records import RecordStore

QUERIES = ("ngân sách", "đất đai", "kế hoạch", "dat dai", "hỗ trợ hộ nghèo")
SHOWN = 30
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


@cache
def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _varint(value: int, out: bytearray) -> None:
    while value >= 128:
        out.append((value & 127) | 128)
        value >>= 7
    out.append(value)


def build(texts: list[str], target: int) -> tuple[list[tuple[str, str, bytes]], dict[str, int]]:
    """The files (first word, last word, gzip bytes) and, per word, its document count."""
    postings: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
    for number, text in enumerate(texts):
        for word, count in collections.Counter(map(fold, _WORD.findall(text))).items():
            postings[word].append((number, count))
    files: list[tuple[str, str, bytes]] = []
    chunk, words = bytearray(), list[str]()
    for word in sorted(postings):
        entry = bytearray()
        encoded = word.encode()
        _varint(len(encoded), entry)
        entry += encoded
        _varint(len(postings[word]), entry)
        previous = 0
        for number, count in postings[word]:
            _varint(number - previous, entry)
            entry.append(min(count, 255))
            previous = number
        if chunk and len(chunk) + len(entry) > target:
            files.append((words[0], words[-1], gzip.compress(bytes(chunk))))
            chunk, words = bytearray(), list[str]()
        chunk += entry
        words.append(word)
    if words:
        files.append((words[0], words[-1], gzip.compress(bytes(chunk))))
    return files, {word: len(docs) for word, docs in postings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a corpus built by bench/run.py")
    parser.add_argument("--target", type=int, default=16_000, help="bytes a file, before gzip")
    args = parser.parse_args()
    folder = next(args.corpus.glob(".cache/portal-gen/site-*/work/search"), None)
    if folder is None:
        sys.exit(f"{args.corpus}: no search records (build it with portal-gen first)")
    store = RecordStore(folder)
    records = [store.get(*key) or "" for key in sorted(store.newest())]
    texts = [html.unescape(_TAG.sub(" ", record)) for record in records]
    start = time.perf_counter()
    files, counts = build(texts, args.target)
    seconds = time.perf_counter() - start
    table = gzip.compress(json.dumps([[a, b] for a, b, _ in files], ensure_ascii=False).encode())
    excerpt = sorted(len(gzip.compress(" ".join(text.split()[:60]).encode())) for text in texts)
    typical = excerpt[len(excerpt) // 2]
    size = sum(len(data) for _, _, data in files)
    print(
        f"{len(texts)} records, {len(counts)} words, {len(files)} files, index {size / 1024:.0f} KB "
        f"(gzip), table {len(table) / 1024:.1f} KB, built in {seconds:.2f} s"
    )
    for query in QUERIES:
        words = sorted({fold(word) for word in _WORD.findall(query)})
        loaded = {a: len(data) for word in words for a, b, data in files if a <= word <= b}
        shown = min(SHOWN, min((counts.get(word, 0) for word in words), default=0))
        total = len(table) + sum(loaded.values()) + shown * typical
        print(
            f"{query!r}: {len(loaded)} files {sum(loaded.values()) / 1024:.0f} KB, "
            f"{shown} excerpts ~{shown * typical / 1024:.0f} KB: ~{total / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()

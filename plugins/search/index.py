"""The search index of a portal, split by word: a query downloads its own words' postings.

Pagefind splits an index by document: a shard of 1,500 documents holds every word of them,
and a query downloads a chunk of every shard for each of its words, so a reader's first
search grew with the portal (1.2 MB at 5,000 documents, 3.9 MB at 20,000), and indexing
took 170 KB of memory a document. Here every word's postings are in one place, whatever
the portal's size: a query reads a small table, one file a word (a few KB) and the 30
results' excerpts, some 30-60 KB at any size.

Words are indexed folded, as readers type them: lower case, tone marks and other marks
removed, ``đ`` as ``d`` ("dat dai" finds "đất đai"); each folded word keeps its written
forms apart, so a query typed with its marks ranks documents with those marks first.
Each posting holds a document's BM25 weight for the word (title and number count 4 times,
headings and categories twice), rounded to a byte; the search page sums them, times each
word's rarity, over documents holding every word of the query.

The folder ``chi-muc/``, gzip-compressed JSON (the search page reads the gzip bytes itself,
whatever the host's own compression):

- ``index.json.gz``: ``{"version", "documents", "words"}``, the first word of each word
  file. The other files are read with ``?v=<version>``, so that a browser or a CDN never
  mixes files of two builds;
- ``tu/<n>.json.gz``: words in order, ``{word: [[form, [document deltas], [weights]]]}``;
- ``vb/<n>.json.gz``: document ``n``'s URL, title, unit, date and text, for its excerpt;
- ``don-vi/<unit>.json``: the unit's name and its documents (``first`` to ``end``): the
  documents are numbered unit by unit, so a search within one unit keeps that range.

Run as a program by the search plugin, in a process of its own beside the build (it
imports nothing of portal-gen's): the job comes as JSON on stdin (:func:`run_job`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import signal
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "WORD", "build", "fold", "read_records", "run_job", "version_of", "words"]

#: the record's fields that are indexed, and how much a word in each counts
FIELDS = (("title", 4), ("number", 4), ("unit", 1), ("labels", 2), ("heads", 2), ("text", 1))
#: what a result shows: its link, title, unit, date, and its excerpt taken from the text
SHOWN = ("url", "title", "unit", "date", "text")
#: a word: letters and digits (the search page's ``WORD`` is the same)
WORD = re.compile(r"[^\W_]+")
#: bytes of JSON a word file holds before a new one begins (about 8 KB once compressed)
TARGET = 24_000
K1, B = 1.2, 0.75
#: the largest weight of BM25 with K1: weights are stored as 1..255 of it
_TOP = K1 + 1


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """A word as readers may type it: no marks, ``đ`` as ``d``, lower case (``word`` is)."""
    decomposed = unicodedata.normalize("NFD", word)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return bare.replace("đ", "d")


def words(text: str) -> list[str]:
    """The words of a text, composed (NFC) and in lower case: their written forms."""
    return WORD.findall(unicodedata.normalize("NFC", text).lower())


def _compress(data: str) -> bytes:
    return gzip.compress(data.encode(), compresslevel=6, mtime=0)  # the same bytes each time


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Postings:
    """Each written form's documents and weighted counts, in compact arrays (20,000
    documents make some 4 million postings: as Python tuples, half a gigabyte)."""

    def __init__(self) -> None:
        self.documents: dict[str, array[int]] = {}
        self.counts: dict[str, array[int]] = {}
        self.lengths = array("I")

    def add(self, record: dict[str, Any]) -> None:
        number = len(self.lengths)
        text = words(str(record.get("text") or ""))
        counts = Counter(text)  # the bulk of a record, counted once (weight 1)
        length = len(text)
        for field, weight in FIELDS:
            if field != "text":
                found = words(str(record.get(field) or ""))
                length += len(found)
                for form in found:
                    counts[form] += weight
        for form, count in counts.items():
            documents = self.documents.get(form)
            if documents is None:
                documents = self.documents[form] = array("I")
                self.counts[form] = array("H")
            documents.append(number)
            self.counts[form].append(min(count, 0xFFFF))
        self.lengths.append(length)

    def entries(self) -> Iterator[tuple[str, str]]:
        """Each folded word, in order, with its JSON entry: its forms' document deltas and
        BM25 weights (1-255)."""
        total = len(self.lengths)
        average = sum(self.lengths) / total if total else 1.0
        norms = [K1 * (1 - B + B * length / (average or 1.0)) for length in self.lengths]
        by_key: dict[str, list[str]] = {}
        for form in self.documents:
            by_key.setdefault(fold(form), []).append(form)
        for key in sorted(by_key):
            forms = []
            for form in sorted(by_key[key]):
                documents, counts = self.documents[form], self.counts[form]
                deltas = [documents[0], *(b - a for a, b in pairwise(documents))]
                # BM25's term weight, count × (K1 + 1) / (count + norm), as 1..255 of K1 + 1
                weights = [
                    max(1, round(255 * c / (c + norms[d])))
                    for d, c in zip(documents, counts, strict=True)
                ]
                forms.append([form, deltas, weights])
            yield key, f"{_json(key)}:{_json(forms)}"


def build(
    records: Iterable[dict[str, Any]], units: Sequence[tuple[str, str, int]], version: str
) -> Iterator[tuple[str, bytes]]:
    """The index's files (path in ``chi-muc/``, bytes) for ``records`` in document order,
    ``units`` (id, name, documents) in the same order. ``index.json.gz`` comes last."""
    postings = _Postings()
    for number, record in enumerate(records):
        postings.add(record)
        yield f"vb/{number}.json.gz", _compress(_json({key: record.get(key) for key in SHOWN}))
    firsts: list[str] = []
    chunk: list[str] = []
    size = 0

    def close() -> tuple[str, bytes]:
        return f"tu/{len(firsts) - 1}.json.gz", _compress("{" + ",".join(chunk) + "}")

    for key, entry in postings.entries():
        if chunk and size + len(entry) > TARGET:
            yield close()
            chunk, size = [], 0
        if not chunk:
            firsts.append(key)
        chunk.append(entry)
        size += len(entry) + 1
    if chunk:
        yield close()
    first = 0
    for unit_id, name, count in units:
        scope = {"name": name, "first": first, "end": first + count}
        yield f"don-vi/{unit_id}.json", _json(scope).encode()
        first += count
    table = {"version": version, "documents": len(postings.lengths), "words": firsts}
    yield "index.json.gz", _compress(_json(table))


def read_records(locations: Iterable[Sequence[Any]]) -> Iterator[dict[str, Any]]:
    """The records at ``locations`` (file, offset, length of their line in the record
    store: a JSON key, a tab, the JSON record), in order."""
    streams: dict[str, Any] = {}
    try:
        for path, offset, length in locations:
            stream = streams.get(path)
            if stream is None:
                stream = streams[path] = Path(path).open("rb")  # noqa: SIM115 (closed below)
            stream.seek(offset)
            record: dict[str, Any] = json.loads(stream.read(length).partition(b"\t")[2])
            yield record
    finally:
        for stream in streams.values():
            stream.close()


def version_of(parts: Iterable[bytes]) -> str:
    """The index's version: of its inputs, and of this module (a changed format is a new
    version even for the same records)."""
    hasher = hashlib.sha256(Path(__file__).read_bytes())
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()[:16]


def run_job(job: dict[str, Any]) -> int:
    """Write the index into ``job["output"]`` (a new folder): ``records`` (file, offset,
    length), ``units`` (id, name, documents), ``version``."""
    output = Path(job["output"])
    units = [(str(a), str(b), int(c)) for a, b, c in job["units"]]
    folders: set[Path] = set()
    for name, data in build(read_records(job["records"]), units, str(job["version"])):
        path = output / name
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_bytes(data)
    return 0


def _ended(signum: int, frame: object) -> None:
    """SIGTERM (the build failed meanwhile): stop; the plugin removes what was written."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":  # run by the search plugin: the job comes as JSON on stdin
    signal.signal(signal.SIGTERM, _ended)
    sys.exit(run_job(json.load(sys.stdin)))

"""The search index of a portal, split by word: a query downloads its own words' postings.

Pagefind splits an index by document: a shard of 1,500 documents holds every word of them,
and a query downloads a chunk of every shard for each of its words, so a reader's first
search grew with the portal (1.2 MB at 5,000 documents, 3.9 MB at 20,000), and indexing
took 170 KB of memory a document. Here every word's postings are in one place, whatever
the portal's size: a query reads a small table, one file a word (a few KB; the largest,
of words in most documents, 64 KB at 20,000 documents) and the 30 results' excerpts:
47 KB for "ngân sách" at 5,000 documents, 94 KB at 20,000.

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
import os
import pickle
import re
import shutil
import signal
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

__all__ = [
    "FIELDS",
    "TABLE",
    "WORD",
    "Index",
    "build",
    "fold",
    "fragment",
    "read_records",
    "run_job",
    "version_in",
    "version_of",
    "words",
]

#: the record's fields that are indexed, and how much a word in each counts
FIELDS = (("title", 4), ("number", 4), ("unit", 1), ("labels", 2), ("heads", 2), ("text", 1))
#: what a result shows: its link, title, unit, date, and its excerpt taken from the text
SHOWN = ("url", "title", "unit", "date", "text")
#: a word: letters and digits (the search page's ``WORD`` is the same)
WORD = re.compile(r"[^\W_]+")
#: the table of the index, in its folder (read first by the search page)
TABLE = "index.json.gz"
#: a rebuild replacing more documents than this makes the index anew
MAX_REPLACED = 200
#: what a saved state must have been made by (:class:`_State`)
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
#: bytes of JSON a word file holds before a new one begins (about 5 KB once compressed)
TARGET = 24_000
K1, B = 1.2, 0.75
#: the length (in words) BM25 compares a document's with: about a record's with the
#: default 300 words (not the portal's average, which every edit would change)
REFERENCE = 400


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


def _counts(record: dict[str, Any]) -> tuple[Counter[str], int]:
    """The record's written forms with their weighted counts, and its length in words."""
    text = words(str(record.get("text") or ""))
    counts = Counter(text)  # the bulk of a record, counted once (weight 1)
    length = len(text)
    for field, weight in FIELDS:
        if field != "text":
            found = words(str(record.get(field) or ""))
            length += len(found)
            for form in found:
                counts[form] += weight
    return counts, length


def fragment(record: dict[str, Any]) -> bytes:
    """A document's file in ``vb/``: what its result shows."""
    return _compress(_json({key: record.get(key) for key in SHOWN}))


class Index:
    """Each written form's documents and weighted counts, in compact arrays (20,000
    documents make some 4 million postings: as Python tuples, half a gigabyte), and what
    was made of them (words' entries, compressed word files), which a rebuild that
    replaces a few documents (:meth:`replace`) keeps for the words they lack."""

    def __init__(self) -> None:
        self.documents: dict[str, array[int]] = {}
        self.counts: dict[str, array[int]] = {}
        self.lengths = array("I")
        #: folded word → its JSON entry, until one of its documents changes
        self._entries: dict[str, str] = {}
        #: digest of a word file's JSON → its compressed bytes (those of the last build)
        self._packed: dict[bytes, bytes] = {}

    def add(self, record: dict[str, Any]) -> None:
        """Index ``record`` as the next document."""
        number = len(self.lengths)
        counts, length = _counts(record)
        for form, count in counts.items():
            documents = self.documents.get(form)
            if documents is None:
                documents = self.documents[form] = array("I")
                self.counts[form] = array("H")
            documents.append(number)
            self.counts[form].append(min(count, 0xFFFF))
        self.lengths.append(length)
        self._entries.clear()

    def replace(self, number: int, record: dict[str, Any]) -> None:
        """Index ``record`` as document ``number`` instead of what it was."""
        dirty: set[str] = set()
        for form, documents in list(self.documents.items()):
            at = bisect_left(documents, number)
            if at < len(documents) and documents[at] == number:
                dirty.add(fold(form))
                if len(documents) == 1:
                    del self.documents[form], self.counts[form]
                else:
                    documents.pop(at)
                    self.counts[form].pop(at)
        counts, length = _counts(record)
        for form, count in counts.items():
            dirty.add(fold(form))
            found = self.documents.get(form)
            if found is None:
                found = self.documents[form] = array("I")
                self.counts[form] = array("H")
            at = bisect_left(found, number)
            found.insert(at, number)
            self.counts[form].insert(at, min(count, 0xFFFF))
        self.lengths[number] = length
        for key in dirty:
            self._entries.pop(key, None)

    def _entry(self, key: str, forms: list[str]) -> str:
        """A folded word's JSON entry: its forms' document deltas and BM25 weights (1-255).
        A document's weight for a word depends on that document alone (its length is
        compared with :data:`REFERENCE`, not with the average of the portal), so an entry
        changes only when one of the word's documents does."""
        made = []
        for form in sorted(forms):
            documents, counts = self.documents[form], self.counts[form]
            deltas = [documents[0], *(b - a for a, b in pairwise(documents))]
            # BM25's term weight, count × (K1 + 1) / (count + norm), as 1..255 of K1 + 1
            weights = [
                max(1, round(255 * c / (c + K1 * (1 - B + B * self.lengths[d] / REFERENCE))))
                for d, c in zip(documents, counts, strict=True)
            ]
            made.append([form, deltas, weights])
        return f"{_json(key)}:{_json(made)}"

    def words(self) -> Iterator[tuple[str, str]]:
        """Each folded word, in order, with its JSON entry."""
        by_key: dict[str, list[str]] = {}
        for form in self.documents:
            by_key.setdefault(fold(form), []).append(form)
        entries: dict[str, str] = {}
        # in the order of JavaScript's string comparison (UTF-16 code units), with which
        # the search page finds a word's file: it differs from Python's for letters past
        # U+FFFF
        for key in sorted(by_key, key=lambda k: k.encode("utf-16-be")):
            entry = self._entries.get(key)
            entries[key] = entry if entry is not None else self._entry(key, by_key[key])
            yield key, entries[key]
        self._entries = entries

    def _pack(self, chunk: list[str], packed: dict[bytes, bytes]) -> bytes:
        text = "{" + ",".join(chunk) + "}"
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        data = self._packed.get(digest)
        packed[digest] = data if data is not None else _compress(text)
        return packed[digest]

    def files(
        self, units: Sequence[tuple[str, str, int]], version: str
    ) -> Iterator[tuple[str, bytes]]:
        """The word files, the units' ranges, and last the table (path, bytes)."""
        firsts: list[str] = []
        chunk: list[str] = []
        packed: dict[bytes, bytes] = {}
        size = 0
        for key, entry in self.words():
            if chunk and size + len(entry) > TARGET:
                yield f"tu/{len(firsts) - 1}.json.gz", self._pack(chunk, packed)
                chunk, size = [], 0
            if not chunk:
                firsts.append(key)
            chunk.append(entry)
            size += len(entry) + 1
        if chunk:
            yield f"tu/{len(firsts) - 1}.json.gz", self._pack(chunk, packed)
        self._packed = packed
        first = 0
        for unit_id, name, count in units:
            scope = {"name": name, "first": first, "end": first + count}
            yield f"don-vi/{unit_id}.json", _json(scope).encode()
            first += count
        table = {"version": version, "documents": len(self.lengths), "words": firsts}
        yield TABLE, _compress(_json(table))


def build(
    records: Iterable[dict[str, Any]], units: Sequence[tuple[str, str, int]], version: str
) -> Iterator[tuple[str, bytes]]:
    """The index's files (path in ``chi-muc/``, bytes) for ``records`` in document order,
    ``units`` (id, name, documents) in the same order. ``index.json.gz`` comes last."""
    index = Index()
    for number, record in enumerate(records):
        index.add(record)
        yield f"vb/{number}.json.gz", fragment(record)
    yield from index.files(units, version)


def read_records(locations: Iterable[Sequence[Any]]) -> Iterator[dict[str, Any]]:
    """The records at ``locations`` (file, offset, length of their line in the record
    store: a JSON key, a tab, the JSON record), in order. (``records.py`` writes those
    lines; this program does not import it, nor anything else of portal-gen's, so that
    it starts in a few hundredths of a second.)"""
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
    hasher = hashlib.sha256(_CODE.encode())
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()[:16]


@dataclass
class _State:
    """What a build's index keeps for the next build (``job["state"]``): its records'
    fingerprints, its version, its postings and what was made of them."""

    fingerprints: list[str]
    version: str
    index: Index

    @classmethod
    def load(cls, path: Path) -> _State | None:
        """The state in ``path``, if any and made by this very module (else None)."""
        try:
            with path.open("rb") as stream:
                saved = pickle.load(stream)
            if saved.get("code") != _CODE:
                return None
            index = Index()
            index.__dict__.update(saved["index"])
            return cls(list(saved["fingerprints"]), str(saved["version"]), index)
        except Exception:  # none yet, or damaged in any way: the index is made anew
            return None

    def save(self, path: Path) -> None:
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as stream:
            saved = {
                "code": _CODE,
                "fingerprints": self.fingerprints,
                "version": self.version,
                "index": self.index.__dict__,  # arrays, strings and bytes: no class
            }
            pickle.dump(saved, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)


class _Output:
    """The files of the index being written, in a new folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: set[Path] = set()

    def _path(self, name: str) -> Path:
        path = self.folder / name
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        return path

    def write(self, name: str, data: bytes) -> None:
        self._path(name).write_bytes(data)

    def link(self, name: str, source: Path) -> bool:
        """The same file as ``source`` (of the previous index): linked, else copied; False
        when neither can be done (the file is gone)."""
        path = self._path(name)
        try:
            os.link(source, path)
        except OSError:
            try:
                shutil.copyfile(source, path)
            except OSError:
                return False
        return True


def version_in(folder: Path) -> str | None:
    """The version of the index in ``folder``; None without one, or damaged."""
    try:
        table = json.loads(gzip.decompress((folder / TABLE).read_bytes()))
        return str(table["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_job(job: dict[str, Any]) -> int:
    """Write the index into ``job["output"]`` (a new folder): ``records`` (file, offset,
    length), ``units`` (id, name, documents), ``version``; and, for a rebuild to redo only
    the documents whose records changed, ``fingerprints`` (of the records, in order),
    ``state`` (a file where the index keeps its postings for the next build) and
    ``previous`` (the index of the site this build replaces, whose unchanged documents'
    files are linked rather than written)."""
    output = _Output(Path(job["output"]))
    units = [(str(a), str(b), int(c)) for a, b, c in job["units"]]
    locations = job["records"]
    fingerprints = [str(f) for f in job.get("fingerprints") or []]
    state_file = Path(job["state"]) if job.get("state") else None
    saved = _State.load(state_file) if state_file is not None else None
    changed: list[int] | None = None
    if saved is not None and len(saved.fingerprints) == len(fingerprints) == len(locations):
        pairs = zip(saved.fingerprints, fingerprints, strict=True)
        changed = [number for number, (old, new) in enumerate(pairs) if old != new]
        if len(changed) > MAX_REPLACED:
            changed = None
    if saved is None or changed is None:
        index = Index()
        for number, record in enumerate(read_records(locations)):
            index.add(record)
            output.write(f"vb/{number}.json.gz", fragment(record))
    else:
        index = saved.index
        replaced = read_records(locations[number] for number in changed)
        for number, record in zip(changed, replaced, strict=True):
            index.replace(number, record)
            output.write(f"vb/{number}.json.gz", fragment(record))
        previous = Path(job["previous"]) if job.get("previous") else None
        redone = set(changed)
        kept = [number for number in range(len(locations)) if number not in redone]
        if previous is not None and version_in(previous) == saved.version:
            kept = [
                number
                for number in kept
                if not output.link(f"vb/{number}.json.gz", previous / "vb" / f"{number}.json.gz")
            ]  # those left are written from their records
        for number, record in zip(kept, read_records(locations[n] for n in kept), strict=True):
            output.write(f"vb/{number}.json.gz", fragment(record))
    for name, data in index.files(units, str(job["version"])):
        output.write(name, data)
    if state_file is not None:
        _State(fingerprints, str(job["version"]), index).save(state_file)
    return 0


def _ended(signum: int, frame: object) -> None:
    """SIGTERM (the build failed meanwhile): stop; the plugin removes what was written."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":  # run by the search plugin: the job comes as JSON on stdin
    signal.signal(signal.SIGTERM, _ended)
    sys.exit(run_job(json.load(sys.stdin)))

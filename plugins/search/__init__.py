"""Vietnamese full-text search with Pagefind, in bounded memory and time.

Pagefind holds every page it indexes in memory (about 150 KB a page here), so the index
is built in shards of at most ``search: {shard_size: 1500}`` documents, grouped by unit,
one Pagefind process after the other; the search page merges the shards in the browser
(Pagefind's ``mergeIndex``). What is indexed is a small record per document, not the whole
page: title, unit, number, categories, the first ``search: {words: 300}`` words of the
text (``words: 0`` indexes all of it) and the headings past them. A shard whose records
did not change since the previous build is kept from it rather than indexed again.

A query downloads a part of every shard it searches (a chunk of about 20,000 word
positions for each of its words), so the bytes of a search of the whole portal grow with
the number of shards. A unit's page searches that unit alone (``tim-kiem/?don-vi=``):
``pagefind/don-vi/<unit>.json`` lists the shards holding the unit, and each record
carries a word of its unit's (:func:`unit_word`) that the search page adds to the query.

Pagefind folds tone marks ("ngan sach" finds "ngân sách") but not ``đ``, which has no
Unicode decomposition: the search page (``assets/portal/search.js``) also tries each
``d``/``đ`` variant of the query words and merges the results, so "dat dai" finds "đất đai".
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal_gen import Document, GeneratedPage, NavEntry, Portal, SiteWriter, hookimpl
from portal_gen.staging import clear_stale, remove_in_background
from portal_gen.vntime import format_date

from .records import MEMORY_FOLDER, PAGES_PREFIX, RecordStore, RecordWriter, pages_folder

#: run as a program to index a shard (see its docstring)
RECORDS_PROGRAM = str(Path(__file__).with_name("records.py"))
#: Pagefind's own command (a Rust binary in the pagefind[bin] wheel): its Python API is
#: far slower and needs an event loop of its own
PAGEFIND = (sys.executable, "-m", "pagefind")

PAGE = "tim-kiem.md"
#: a rebuild with at most this many edited documents indexes their shards before the checks
EARLY_DOCUMENTS = 20
BUNDLE = "pagefind"
SHARDS_FILE = f"{BUNDLE}/shards.json"
#: one small file a unit: its name, its word and its shards (``don-vi/<unit>.json``)
UNITS_FOLDER = f"{BUNDLE}/don-vi"
#: begins the word a record carries for its unit (see :func:`unit_word`)
UNIT_WORD_PREFIX = "zdv"
SCRATCH_PREFIX = "portal-search-"
_INDEXING = "search.indexing"  # portal.memo: the indexing started at portal_documents_rendered
_WRITER = "search.writer"  # portal.memo: this process's RecordWriter
log = logging.getLogger("mkdocs.plugins.portal.search")

_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h[1-4][^>]*>(.*?)</h[1-4]>", re.S)
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def enabled(portal: Portal) -> bool:
    return bool(portal.config.option("search", "enabled", True))


def _words(fragment: str) -> list[str]:
    return html_lib.unescape(_TAG.sub(" ", fragment)).split()


def _text(fragment: str) -> str:
    return " ".join(_words(fragment))


def _first_words(html: str, limit: int) -> list[str]:
    """The first ``limit`` words of the text (all when ``limit`` <= 0), reading no more of
    a long page than needed (a record is made for every document at every build)."""
    if limit <= 0:
        return _words(html)
    size = limit * 16
    while size < len(html):
        cut = html.rfind(">", 0, size) + 1  # after a tag: never inside one or an entity
        words = _words(html[:cut])
        if len(words) > limit:
            return words[:limit]
        size *= 2
    return _words(html)[:limit]


def _later_headings(html: str, limit: int) -> list[str]:
    """The headings (h1-h4) not wholly among the first ``limit`` words, which the record
    holds already (none when ``limit`` <= 0: it holds every word). Those the record held
    twice made a fifth of the index, and of the time Pagefind takes, for nothing."""
    if limit <= 0:
        return []
    later: list[str] = []
    counted, start = 0, 0
    for match in _HEADING.finditer(html):
        if counted <= limit:  # ends after a tag: a word boundary
            counted += len(_words(html[start : match.end()]))
            start = match.end()
        if counted > limit:
            later.append(_text(match.group(1)))
    return later


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    if enabled(portal):
        add_page(
            GeneratedPage(
                PAGE,
                title="Tìm kiếm",
                template="portal/search.html",
                nav=NavEntry("Tìm kiếm", 5),
                context={"crumbs": [{"title": "Trang chủ", "url": ""}]},
            )
        )


@hookimpl
def portal_site_context(portal: Portal) -> Mapping[str, Any]:
    return {"search_url": "tim-kiem/" if enabled(portal) else None}


@hookimpl
def portal_documents_loaded(portal: Portal, render: Callable[[Document], str]) -> None:
    """A rebuild waits for Pagefind to index again the shard of each edited document, and
    that used to start only once every page was planned and rendered. Now the shards the
    previous site lacks are indexed meanwhile, from the records at hand: the few documents
    without a record of their current bytes (edited, added) get it from their Markdown.
    Pages write their records again when rendered; a shard whose records then differ
    (another MkDocs plugin changed a page) is indexed again."""
    if not enabled(portal) or not portal.published:
        return
    indexing = _indexing(portal)
    store = indexing.records
    if store is None or not indexing.previous:
        return  # no previous index to build on: every page is rendered anyway
    missing = [doc for doc in portal.published if not store.has(doc.src_uri, doc.digest)]
    if len(missing) > EARLY_DOCUMENTS:
        return
    if missing:
        for doc in missing:
            portal_document_rendered(doc, render(doc), portal)
        _close_writer(portal)
        store.refresh()
    indexing.speculate()


@hookimpl
def portal_document_rendered(document: Document, html: str, portal: Portal) -> None:
    """Keep a small record of the document for the index (a few KB, not the page)."""
    writer = _writer(portal)
    if writer is None or not enabled(portal):
        return
    body = _PERMALINK.sub("", html)
    limit = int(portal.config.option("search", "words", 300))
    words = _first_words(body, limit)
    unit = portal.units.get(document.unit_id)
    unit_name = unit.name if unit else document.unit_id
    catalog = portal.catalog
    labels = [
        (catalog.get(c).short if catalog and catalog.get(c) else c)  # type: ignore[union-attr]
        for c in document.categories
    ]
    heads = " · ".join(_later_headings(body, limit))
    meta = {
        "url": portal.url_of(document),
        "title": document.title,
        "don_vi": unit_name,
        "ngay": format_date(document.date),
    }
    tags = "".join(
        f'<span data-pagefind-meta="{key}:{html_lib.escape(value, quote=True)}"></span>'
        for key, value in meta.items()
    )
    esc = html_lib.escape
    writer.add(
        document.src_uri,
        document.digest,
        f'<!doctype html><html lang="vi"><body data-pagefind-body>{tags}'
        f"<h1>{esc(document.title)}</h1>"
        f"<p>{esc(unit_name)} · {esc(document.number or '')} · {esc(', '.join(labels))}</p>"
        f"<p>{esc(heads)}</p><p>{esc(' '.join(words))}</p>"
        f"<p>{unit_word(document.unit_id)}</p></body></html>",
    )


def unit_word(unit_id: str) -> str:
    """A word no text holds, carried by the records of one unit: a search within the unit
    adds it to the query, and ``search.js`` knows it by its shape (``zdv`` and 10 hex
    digits) to keep it out of the excerpts. (Not a Pagefind filter: Pagefind writes
    filters in a different order at each run, and the index must be the same bytes for
    the same records.)"""
    return UNIT_WORD_PREFIX + hashlib.sha256(unit_id.encode()).hexdigest()[:10]


def _records_folder(portal: Portal) -> Path | None:
    """Where the records wait for the index: the build's work folder, shared by the
    processes of a sharded build. None when the pipeline runs without a renderer (no work
    folder, no pages, nothing to index)."""
    work = portal.config.work_dir
    return work / "search" if work is not None else None


def _writer(portal: Portal) -> RecordWriter | None:
    """This process's record file (a forked worker opens its own)."""
    folder = _records_folder(portal)
    if folder is None:
        return None
    writer = portal.memo.get(_WRITER)
    if not isinstance(writer, RecordWriter) or writer.pid != os.getpid():
        writer = portal.memo[_WRITER] = RecordWriter(folder)
    return writer


def _close_writer(portal: Portal) -> None:
    writer = portal.memo.pop(_WRITER, None)
    if isinstance(writer, RecordWriter) and writer.pid == os.getpid():
        writer.close()


def shards(portal: Portal) -> list[list[Document]]:
    """Documents in shards of at most ``shard_size``, a unit never split unless it alone
    is larger; deterministic (units in id order)."""
    size = max(50, int(portal.config.option("search", "shard_size", 1500)))
    groups: list[list[Document]] = [[]]
    for unit_id in sorted(portal.published_by_unit):
        docs = sorted(portal.published_by_unit[unit_id], key=lambda d: d.src_uri)
        for start in range(0, len(docs), size):
            part = docs[start : start + size]
            if groups[-1] and len(groups[-1]) + len(part) > size:
                groups.append([])
            groups[-1].extend(part)
    return [group for group in groups if group]


class _Runs:
    """The indexing processes of a build, so that a build that fails can stop them
    (:meth:`stop`) rather than wait for them: Pagefind takes seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self.stopped = False

    def run(self, job: str) -> tuple[int, str] | None:
        """Run ``records.py`` on ``job``; its exit code and what it printed on stderr, or
        None when stopped before it started or while it ran."""
        with self._lock:
            if self.stopped:
                return None
            process = subprocess.Popen(
                [sys.executable, "-I", RECORDS_PROGRAM],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            self._running.add(process)
        try:
            _, errors = process.communicate(job)
        finally:
            with self._lock:
                self._running.discard(process)
        return None if self.stopped else (process.returncode, errors)

    def stop(self) -> None:
        """End the running processes (each ends its Pagefind and removes its pages) and
        start no other."""
        with self._lock:
            self.stopped = True
            for process in self._running:
                process.terminate()


def _index(
    records: list[tuple[str, int, int]], output: Path, scratch: Path, runs: _Runs | None = None
) -> bool:
    """Index one shard: its pages are written, indexed and removed by a process of its own
    (``records.py`` run as a program), so this process goes on rendering meanwhile."""
    pagefind = [
        *PAGEFIND,
        "--site",
        "{pages}",
        "--output-path",
        str(output),
        "--force-language",
        "vi",
        "--quiet",
    ]
    # memory when it has room, else (or when writing there fails) the scratch folder
    places = list(dict.fromkeys([str(pages_folder(records, scratch)), str(scratch)]))
    job = {"records": records, "pages": places, "command": pagefind}
    done = (runs or _Runs()).run(json.dumps(job))
    if done is None:
        return False  # the build failed meanwhile: nothing to say
    returncode, errors = done
    if returncode != 0:
        # The site is still whole without search: say so loudly (fails under --strict).
        log.warning(
            "Không tạo được chỉ mục tìm kiếm (Pagefind): %s\n"
            "  → Trang web vẫn được tạo nhưng trang Tìm kiếm chưa tìm được các văn bản này. "
            "Kiểm tra chỗ trống trên đĩa (và /dev/shm) theo lỗi ở trên, rồi chạy lại lệnh build.",
            errors.strip(),
        )
    return returncode == 0


@dataclass
class _Indexing:
    """The search shards of a build, indexed (or kept) in the background, one Pagefind
    process after the other: each holds a few hundred MB, and it runs beside MkDocs writing
    the pages (or the workers of ``build --jobs`` rendering theirs), which keep the cores
    busy anyway."""

    #: records and new shards, removed in the background once linked into the site
    scratch: Path
    groups: list[list[Document]]
    #: shards of the site this build replaces, by name
    previous: dict[str, Path]
    pool: ThreadPoolExecutor
    records: RecordStore | None
    #: by shard number: name, its folder, and for a shard being indexed whether Pagefind
    #: succeeded; None for a shard without records (not listed)
    bundles: dict[int, tuple[str, Path, Future[bool] | None] | None] = field(default_factory=dict)
    #: by shard number: the lines of ``records`` this build indexed (document, digest)
    used: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    #: by shard name: indexed before the pages were rendered (:meth:`speculate`)
    early: dict[str, tuple[Path, Future[bool]]] = field(default_factory=dict)
    runs: _Runs = field(default_factory=_Runs)

    def advance(self, rendered: Collection[str] | None) -> None:
        """Start every shard not started yet whose units are all in ``rendered`` (all the
        shards when None): their records are all written."""
        if self.records is not None:
            self.records.refresh()
        for number, group in enumerate(self.groups):
            if number in self.bundles:
                continue
            if rendered is not None and any(doc.unit_id not in rendered for doc in group):
                continue
            self._start(number, group)
        if len(self.bundles) == len(self.groups):
            self.pool.shutdown(wait=False)  # what was submitted still runs

    def _name(self, number: int, group: list[Document]) -> tuple[str, list[tuple[str, str]]] | None:
        """The shard's name and its records' lines, as the records stand; None for a shard
        without records."""
        # The shard is named by its records' fingerprints: one whose records did not
        # change is kept from the previous site without reading them.
        store = self.records
        if store is None:
            return None
        keys: list[tuple[str, str]] = []
        hasher = hashlib.sha256()
        for doc in group:
            key = store.find(doc.src_uri, doc.digest)
            fingerprint = store.fingerprint(*key) if key else None
            if key and fingerprint is not None:
                keys.append(key)
                hasher.update(fingerprint)
        if not keys:
            return None
        return f"{number:03d}-{hasher.hexdigest()[:16]}", keys

    def _submit(self, name: str, keys: list[tuple[str, str]]) -> tuple[Path, Future[bool]]:
        assert self.records is not None
        # The lines are read by the indexing process, not here: writing 1,500 pages took
        # this process (which renders meanwhile) 1 to 4 s, and a thread of it waits for
        # the interpreter lock between its writes (3 s).
        records = [self.records.location(*key) for key in keys]
        output = self.scratch / "index" / name
        return output, self.pool.submit(_index, records, output, self.scratch, self.runs)

    def speculate(self) -> None:
        """Index now each shard the previous site lacks, as its records stand: used by
        :meth:`_start` if they are still the same once the pages are rendered."""
        for number, group in enumerate(self.groups):
            named = self._name(number, group)
            if named is None or named[0] in self.previous or named[0] in self.early:
                continue
            self.early[named[0]] = self._submit(*named)

    def _start(self, number: int, group: list[Document]) -> None:
        named = self._name(number, group)
        if named is None:
            self.bundles[number] = None
            return
        name, keys = named
        self.used[number] = keys
        if name in self.previous:
            self.bundles[number] = (name, self.previous[name], None)
            return
        early = self.early.pop(name) if name in self.early else None
        output, indexed = early if early is not None else self._submit(name, keys)
        self.bundles[number] = (name, output, indexed)

    def settle(self) -> None:
        """Wait for what was indexed early and not used (its Pagefind still runs)."""
        for _, indexed in self.early.values():
            if not indexed.cancel():
                indexed.exception()
        self.early.clear()

    def stop(self) -> None:
        """The build failed: end the Pagefind runs, start no other, remove their output."""
        self.runs.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.records is not None:
            self.records.close()
        shutil.rmtree(self.scratch, ignore_errors=True)  # the shards indexed so far, if any

    def listed(self) -> list[tuple[int, str, Path, Future[bool] | None]]:
        """The shards to link into the site, in order, with their numbers."""
        return [
            (number, *bundle)
            for number, bundle in sorted(self.bundles.items())
            if bundle is not None
        ]


def _start_indexing(portal: Portal) -> _Indexing:
    """Get ready to index the shards as their records are written (:meth:`_Indexing.advance`)."""
    previous = _previous_bundles(portal)
    work = portal.config.work_dir  # beside the site when it can be: hard links, no copies
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        # left by builds that failed, or by an interrupted removal in the background
        clear_stale(work.glob(f"{SCRATCH_PREFIX}*"))
    clear_stale(Path(MEMORY_FOLDER).glob(f"{PAGES_PREFIX}*"))  # of a build that was killed
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=work))
    _close_writer(portal)
    folder = _records_folder(portal)
    store = RecordStore(folder) if folder is not None else None
    return _Indexing(scratch, shards(portal), previous, ThreadPoolExecutor(max_workers=1), store)


def _indexing(portal: Portal) -> _Indexing:
    """The indexing of this build, started at the first call."""
    indexing = portal.memo.get(_INDEXING)
    if not isinstance(indexing, _Indexing):
        indexing = portal.memo[_INDEXING] = _start_indexing(portal)
    return indexing


@hookimpl
def portal_build_failed(portal: Portal) -> None:
    """A failed build does not wait for the shards it started to index (early, before
    the checks found an error, or beside the rendering)."""
    indexing = portal.memo.pop(_INDEXING, None)
    if isinstance(indexing, _Indexing):
        indexing.stop()
    _close_writer(portal)


@hookimpl
def portal_units_rendered(portal: Portal, units: frozenset[str]) -> None:
    """Workers of ``build --jobs`` rendered these units: index the shards they complete."""
    if enabled(portal) and portal.published:
        _indexing(portal).advance(units)


@hookimpl
def portal_documents_rendered(portal: Portal) -> None:
    """Every record is written: index while MkDocs writes the pages."""
    if enabled(portal) and portal.published:
        _indexing(portal).advance(None)


@hookimpl(trylast=True)  # the other plugins write their files while Pagefind indexes
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    if not enabled(portal) or not portal.published:
        return
    indexing = _indexing(portal)
    del portal.memo[_INDEXING]
    indexing.advance(None)
    listed: list[str] = []
    units: dict[str, dict[str, Any]] = {}
    try:
        for number, name, folder, indexed in indexing.listed():
            if indexed is not None and not indexed.result():
                continue  # said loudly by _pagefind
            if indexed is None:  # kept from the previous site
                writer.link_tree(f"{BUNDLE}/{name}", folder)
            else:  # made in the scratch folder, removed afterwards
                writer.move_tree(f"{BUNDLE}/{name}", folder)
            for unit_id in sorted({doc.unit_id for doc in indexing.groups[number]}):
                unit = portal.units.get(unit_id)
                entry = units.setdefault(
                    unit_id,
                    {
                        "name": unit.name if unit else unit_id,
                        "word": unit_word(unit_id),
                        "bundles": [],
                    },
                )
                entry["bundles"].append(f"{name}/")
            listed.append(f"{name}/")
    finally:
        indexing.settle()
        remove_in_background(indexing.scratch)
    writer.write_text(SHARDS_FILE, json.dumps({"bundles": listed}, indent=1) + "\n")
    # A file a unit, not a list in shards.json: every search reads that (at 400 units the
    # list was 52 KB), a search within one unit reads its own file alone.
    for unit_id, entry in units.items():
        writer.write_text(f"{UNITS_FOLDER}/{unit_id}.json", json.dumps(entry, ensure_ascii=False))
    if indexing.records is not None:
        # Only now, at the end of the build: a build that fails earlier drops no line a
        # page kept from the previous site still needs.
        indexing.records.compact(
            key for number in sorted(indexing.used) for key in indexing.used[number]
        )
        indexing.records.close()


def _previous_bundles(portal: Portal) -> dict[str, Path]:
    """Shards of the site this build replaces, by name (the name carries a content hash)."""
    site = portal.config.site_dir
    if site is None or not (site / SHARDS_FILE).is_file():
        return {}
    return {p.name: p for p in (site / BUNDLE).iterdir() if p.is_dir()}

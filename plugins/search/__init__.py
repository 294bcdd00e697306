"""Vietnamese full-text search: an index split by word, made beside the build.

What is indexed is a small record per document, not the whole page: title, number, unit,
categories, the first ``search: {words: 300}`` words of the text (``words: 0`` indexes
all of it) and the headings past them. Each process of a build appends the records of
the pages it renders to a file of its own (``records.py``); once every page has its
record, ``index.py`` makes the index from them in a process of its own, while MkDocs
writes the pages and the other plugins their files. A rebuild starts it as soon as the
documents are read, from the records at hand (an edited document's is made from its
Markdown at once), so that it is ready when the pages are.

The index is named by a version of its records (and of ``index.py``): a build whose
records did not change keeps the previous site's index as it is. One whose records did
redoes only the documents whose records changed: ``index.py`` keeps its postings in the
work folder, and links the other documents' files from the previous site's index.

A query downloads a small table, one file for each of its words and the excerpts of the
results shown: some tens of KB, however large the portal (the search page,
``assets/portal/search.js``). Documents are numbered unit by unit, so a unit's page
searches that unit alone (``tim-kiem/?don-vi=<unit>``) by keeping its range of numbers.
Words are folded as readers type them (no tone marks, ``đ`` as ``d``): "dat dai" finds
"đất đai".
"""

from __future__ import annotations

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
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal_gen import Document, GeneratedPage, NavEntry, Portal, SiteWriter, hookimpl
from portal_gen.staging import clear_stale, remove_in_background
from portal_gen.vntime import format_date

from . import index as word_index
from .records import RecordStore, RecordWriter

#: run as a program to make the index (see its docstring)
INDEX_PROGRAM = str(Path(__file__).with_name("index.py"))

PAGE = "tim-kiem.md"
#: a rebuild with at most this many edited documents starts the index before the checks
EARLY_DOCUMENTS = 20
#: the index's folder in the site
FOLDER = "chi-muc"
#: in the work folder: the postings of the last index made, for the next build to redo
#: only the documents whose records changed
STATE = "search-index.pickle"
SCRATCH_PREFIX = "portal-search-"
_INDEXING = "search.indexing"  # portal.memo: the indexing of this build
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
    twice made a fifth of the index, and of the time indexing took, for nothing."""
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
    """A rebuild waits for the index, and that used to start only once every page was
    planned and rendered. Now it starts as soon as the documents are read, from the
    records at hand: the few documents without a record of their current bytes (edited,
    added) get it from their Markdown. Pages write their records again when rendered; if
    they then differ (another MkDocs plugin changed a page), the index is made again."""
    if not enabled(portal) or not portal.published:
        return
    indexing = _indexing(portal)
    store = indexing.records
    if store is None or indexing.previous is None:
        return  # no previous index: every page is rendered anyway
    missing = [doc for doc in portal.published if not store.has(doc.src_uri, doc.digest)]
    if len(missing) > EARLY_DOCUMENTS:
        return
    if missing:
        for doc in missing:
            portal_document_rendered(doc, render(doc), portal)
        _close_writer(portal)
    indexing.start(portal)


@hookimpl
def portal_document_rendered(document: Document, html: str, portal: Portal) -> None:
    """Keep a small record of the document for the index (a few KB, not the page)."""
    writer = _writer(portal)
    if writer is None or not enabled(portal):
        return
    body = _PERMALINK.sub("", html)
    limit = int(portal.config.option("search", "words", 300))
    unit = portal.units.get(document.unit_id)
    catalog = portal.catalog
    labels = [
        (catalog.get(c).short if catalog and catalog.get(c) else c)  # type: ignore[union-attr]
        for c in document.categories
    ]
    record = {
        "url": portal.url_of(document),
        "title": document.title,
        "unit": unit.name if unit else document.unit_id,
        "date": format_date(document.date),
        "number": document.number or "",
        "labels": ", ".join(labels),
        "heads": " · ".join(_later_headings(body, limit)),
        "text": " ".join(_first_words(body, limit)),
    }
    writer.add(document.src_uri, document.digest, record)


def _records_folder(portal: Portal) -> Path | None:
    """Where the records wait for the index: the build's work folder, shared by the
    processes of a sharded build. None when the pipeline runs without a renderer (no work
    folder, no pages, nothing to index)."""
    work = portal.config.work_dir
    return work / "search-records" if work is not None else None


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


class _Runs:
    """The indexing processes of a build, so that a build that fails can stop them
    (:meth:`stop`) rather than wait for them: indexing takes seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self.stopped = False

    def run(self, job: str) -> tuple[int, str] | None:
        """Run ``index.py`` on ``job``; its exit code and what it printed on stderr, or
        None when stopped before it started or while it ran."""
        with self._lock:
            if self.stopped:
                return None
            process = subprocess.Popen(
                [sys.executable, "-I", INDEX_PROGRAM],
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
        """End the running processes and start no other."""
        with self._lock:
            self.stopped = True
            for process in self._running:
                process.terminate()


def _index(job: dict[str, Any], runs: _Runs) -> bool:
    """Make the index in a process of its own, so this one goes on meanwhile."""
    done = runs.run(json.dumps(job, ensure_ascii=False))
    if done is None:
        return False  # the build failed meanwhile: nothing to say
    returncode, errors = done
    if returncode != 0:
        # The site is still whole without search: say so loudly (fails under --strict).
        log.warning(
            "Không tạo được chỉ mục tìm kiếm: %s\n"
            "  → Trang web vẫn được tạo nhưng trang Tìm kiếm chưa tìm được văn bản. "
            "Kiểm tra chỗ trống trên đĩa theo lỗi ở trên, rồi chạy lại lệnh build.",
            errors.strip(),
        )
    return returncode == 0


def _ordered(portal: Portal) -> list[list[Document]]:
    """The published documents unit by unit (ids in order), each unit's by source path:
    the index numbers them in this order, so a unit's documents are one range."""
    return [
        sorted(portal.published_by_unit[unit_id], key=lambda d: d.src_uri)
        for unit_id in sorted(portal.published_by_unit)
    ]


@dataclass(frozen=True)
class _Plan:
    """What the index is made of: its version, the lines of the record store it indexes
    (document, digest) in order, and its units (id, name, documents)."""

    version: str
    records: list[tuple[str, str]]
    units: list[tuple[str, str, int]]
    #: the records' fingerprints, in the same order: the index redoes the documents whose
    #: fingerprint changed since the last index it made
    fingerprints: list[str]


@dataclass
class _Indexing:
    """The index of a build, made (or kept) in the background."""

    #: where new indexes are made, removed in the background once one is in the site
    scratch: Path
    #: the index of the site this build replaces, and its version
    previous: Path | None
    previous_version: str | None
    pool: ThreadPoolExecutor
    records: RecordStore | None
    #: where the index keeps its postings for the next build (in the work folder)
    state: Path | None
    #: by version: the folder of an index started, and whether it was made
    made: dict[str, tuple[Path, Future[bool]]] = field(default_factory=dict)
    runs: _Runs = field(default_factory=_Runs)

    def plan(self, portal: Portal) -> _Plan | None:
        """The index as the records stand; None without any record."""
        store = self.records
        if store is None:
            return None
        store.refresh()
        keys: list[tuple[str, str]] = []
        units: list[tuple[str, str, int]] = []
        # named by the records' fingerprints: an index whose records did not change is
        # kept from the previous site without reading them
        parts: list[bytes] = []
        fingerprints: list[str] = []
        for documents in _ordered(portal):
            count = 0
            for doc in documents:
                key = store.find(doc.src_uri, doc.digest)
                fingerprint = store.fingerprint(*key) if key else None
                if key and fingerprint is not None:
                    keys.append(key)
                    parts.append(fingerprint)
                    fingerprints.append(fingerprint.hex())
                    count += 1
            if count:
                unit_id = documents[0].unit_id
                unit = portal.units.get(unit_id)
                units.append((unit_id, unit.name if unit else unit_id, count))
                parts.append(json.dumps(units[-1], ensure_ascii=False).encode())
        if not keys:
            return None
        return _Plan(word_index.version_of(parts), keys, units, fingerprints)

    def start(self, portal: Portal) -> _Plan | None:
        """Start making the index of the records as they stand, unless it is the previous
        site's or started already."""
        plan = self.plan(portal)
        if plan is None or plan.version in (self.previous_version, *self.made):
            return plan
        assert self.records is not None
        # The records are read by the indexing process, not here: this one renders or
        # writes pages meanwhile.
        output = self.scratch / plan.version
        job = {
            "records": [self.records.location(*key) for key in plan.records],
            "units": plan.units,
            "version": plan.version,
            "output": str(output),
            # a rebuild redoes the documents whose records changed, links the others
            "fingerprints": plan.fingerprints,
            "state": str(self.state) if self.state is not None else None,
            "previous": str(self.previous) if self.previous is not None else None,
        }
        self.made[plan.version] = (output, self.pool.submit(_index, job, self.runs))
        return plan

    def settle(self) -> None:
        """Wait for the indexes started and not used (one started early, of records the
        pages then changed)."""
        self.pool.shutdown(wait=True)
        self.made.clear()

    def stop(self) -> None:
        """The build failed: end the indexing, start no other, remove its output."""
        self.runs.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.records is not None:
            self.records.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _previous(portal: Portal) -> tuple[Path | None, str | None]:
    """The index of the site this build replaces, and its version (None, None without
    one, or when it is damaged: made again)."""
    site = portal.config.site_dir
    if site is None:
        return None, None
    version = word_index.version_in(site / FOLDER)
    return (site / FOLDER if version is not None else None), version


def _start_indexing(portal: Portal) -> _Indexing:
    """Get ready to make the index once the records are written (:meth:`_Indexing.start`)."""
    previous, previous_version = _previous(portal)
    work = portal.config.work_dir  # beside the site when it can be: the index is moved in
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        # left by builds that failed, or by an interrupted removal in the background; and
        # the records of the search before its index split by word (HTML pages for Pagefind)
        clear_stale([*work.glob(f"{SCRATCH_PREFIX}*"), work / "search"])
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=work))
    _close_writer(portal)
    folder = _records_folder(portal)
    store = RecordStore(folder) if folder is not None else None
    state = work / STATE if work is not None else None
    pool = ThreadPoolExecutor(max_workers=1)
    return _Indexing(scratch, previous, previous_version, pool, store, state)


def _indexing(portal: Portal) -> _Indexing:
    """The indexing of this build, started at the first call."""
    indexing = portal.memo.get(_INDEXING)
    if not isinstance(indexing, _Indexing):
        indexing = portal.memo[_INDEXING] = _start_indexing(portal)
    return indexing


@hookimpl
def portal_build_failed(portal: Portal) -> None:
    """A failed build does not wait for the index it started (early, before the checks
    found an error, or beside the rendering)."""
    indexing = portal.memo.pop(_INDEXING, None)
    if isinstance(indexing, _Indexing):
        indexing.stop()
    _close_writer(portal)


@hookimpl
def portal_documents_rendered(portal: Portal) -> None:
    """Every record is written: make the index while MkDocs writes the pages (or, under
    ``build --jobs``, while the portal-wide files are written)."""
    if enabled(portal) and portal.published:
        _indexing(portal).start(portal)


@hookimpl(trylast=True)  # the other plugins write their files while the index is made
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    if not enabled(portal) or not portal.published:
        return
    indexing = _indexing(portal)
    del portal.memo[_INDEXING]
    try:
        plan = indexing.start(portal)
        if plan is not None and plan.version == indexing.previous_version:
            assert indexing.previous is not None
            writer.link_tree(FOLDER, indexing.previous)
        elif plan is not None:
            output, made = indexing.made[plan.version]
            if made.result():  # else said loudly by _index
                writer.move_tree(FOLDER, output)
    finally:
        indexing.settle()
        remove_in_background(indexing.scratch)
    if indexing.records is not None:
        # Only now, at the end of the build: a build that fails earlier drops no line a
        # page kept from the previous site still needs.
        indexing.records.compact(plan.records if plan is not None else [])
        indexing.records.close()

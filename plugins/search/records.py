"""The search records of a build: a small HTML page per document, for Pagefind to index.

A process appends each record it makes, as one line, to a file of its own in the work
folder (a build with ``--jobs`` has one per worker; a ``--shard`` slice's travel with its
output to the merge). Rendering 5,000 documents so creates a few files, not 5,000: on a
busy disk, creating a file costs up to a millisecond, appending a line a few microseconds.

The folder is kept between builds (``.cache/portal-gen/``), so a page kept from the
previous site keeps its record. A line names the document and the digest of the bytes it
was rendered from; for each document the newest line of its current bytes counts (a line
left by a build that failed, of bytes since reverted, is not used while the line of those
bytes is there; without one, the document's newest line is: stale rather than missing).
When the folder holds many files or lines no longer wanted, :meth:`RecordStore.compact`
rewrites it as one file, at the end of a build (a build that fails earlier drops no line).

Pagefind indexes HTML files, one page a record. Writing a shard's pages (1,500 small files)
took the build 1 to 4 s on a busy disk, so it is done by this module run as a program, in a
process of its own beside the build (:func:`run_job`): it writes the pages (in memory-backed
``/dev/shm`` when there is room), runs Pagefind on them and removes them. It imports nothing
of portal-gen's, so it starts in a few hundredths of a second. Ended by SIGTERM (a build that
failed meanwhile), it ends Pagefind and removes the pages too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["RecordStore", "RecordWriter", "run_job"]

SUFFIX = ".jsonl"
#: files a folder may hold before it is compacted (one more per build, per process)
MAX_FILES = 16


def _new_name() -> str:
    # Names sort by the time they were made: the newer line wins.
    return f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"


def _line(src_uri: str, digest: str, record: str) -> bytes:
    # JSON escapes tabs and newlines: the key before the tab is read without the record.
    key = json.dumps([src_uri, digest], ensure_ascii=False)
    return f"{key}\t{json.dumps(record, ensure_ascii=False)}\n".encode()


def _record(line: bytes) -> str:
    record: str = json.loads(line.partition(b"\t")[2])
    return record


class RecordWriter:
    """This process's records, appended to a file of its own (opened at the first one)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pid = os.getpid()
        self._stream: IO[bytes] | None = None

    def add(self, src_uri: str, digest: str, record: str) -> None:
        if self._stream is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._stream = (self.folder / _new_name()).open("ab")
        self._stream.write(_line(src_uri, digest, record))
        self._stream.flush()  # a forked worker ends without closing its files

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class RecordStore:
    """The records in the folder, read one at a time (they are not all kept in memory)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._streams: dict[int, IO[bytes]] = {}
        self._forget()
        self.refresh()

    def _forget(self) -> None:
        """Start over: no file read yet."""
        self.files: list[Path] = []
        #: (document, digest) → (file, offset, length, digest of the record) of its newest line
        self._where: dict[tuple[str, str], tuple[int, int, int, bytes]] = {}
        #: document → the key of its newest line, whatever its digest
        self._newest: dict[str, tuple[str, str]] = {}
        self._lines = 0
        #: file → how many of its bytes were read (whole lines)
        self._read: dict[Path, int] = {}

    def refresh(self) -> None:
        """Read the lines added since the store was made or last refreshed: the workers of
        ``build --jobs`` go on adding theirs while the first shards are indexed. A line not
        ended yet (being written, or cut short by a crash) is left for the next time."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):  # names sort oldest first
            if path not in self._read:
                self._read[path] = 0
                self.files.append(path)
            self._read[path] = self._read_lines(self.files.index(path), path)

    def _read_lines(self, number: int, path: Path) -> int:
        offset = self._read[path]
        with path.open("rb") as stream:
            stream.seek(offset)
            for line in stream:
                if not line.endswith(b"\n"):
                    break
                key, tab, _ = line.partition(b"\t")
                if tab:
                    src_uri, digest = json.loads(key)
                    # of the record alone: an edit past its first words changes the
                    # document's digest, not its record
                    record = hashlib.blake2b(line[len(key) + 1 :], digest_size=16)
                    self._where[(src_uri, digest)] = (number, offset, len(line), record.digest())
                    self._newest[src_uri] = (src_uri, digest)
                    self._lines += 1
                offset += len(line)
        return offset

    def has(self, src_uri: str, digest: str) -> bool:
        """Whether a line holds the record of the document's current bytes."""
        return (src_uri, digest) in self._where

    def find(self, src_uri: str, digest: str) -> tuple[str, str] | None:
        """The line to index for a document: the one of its current bytes, else its newest
        (a page kept from a site older than a build that failed after writing its index:
        stale, not lost)."""
        if (src_uri, digest) in self._where:
            return (src_uri, digest)
        return self._newest.get(src_uri)

    def newest(self) -> list[tuple[str, str]]:
        """Each document's newest line (document, digest), in no particular order."""
        return list(self._newest.values())

    def fingerprint(self, src_uri: str, digest: str) -> bytes | None:
        """A digest of the record (the same record, the same fingerprint): whether a group
        of records changed is known without reading them."""
        found = self._where.get((src_uri, digest))
        return found[3] if found is not None else None

    def get(self, src_uri: str, digest: str) -> str | None:
        found = self._where.get((src_uri, digest))
        if found is None:
            return None
        number, offset, length, _ = found
        stream = self._streams.get(number)
        if stream is None:
            stream = self._streams[number] = self.files[number].open("rb")
        stream.seek(offset)
        return _record(stream.read(length))

    def location(self, src_uri: str, digest: str) -> tuple[str, int, int]:
        """Where the line of a record :meth:`find` gave is (file, offset, length): for
        :func:`run_job`, which reads it in another process. Valid until :meth:`compact`."""
        number, offset, length, _ = self._where[(src_uri, digest)]
        return str(self.files[number]), offset, length

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams = {}

    def compact(self, documents: Iterable[tuple[str, str]]) -> None:
        """Keep only the lines of ``documents`` (document, digest), in one file, once the
        folder holds many files or many lines no longer wanted (a rebuild after one edit
        adds a small file: rewriting them all each time would cost more than it saves)."""
        wanted = [key for key in documents if key in self._where]
        stale = self._lines - len(wanted)
        if len(self.files) <= 1 and stale == 0:
            return
        if len(self.files) <= MAX_FILES and stale <= len(wanted) // 4:
            return
        target = self.folder / _new_name()
        partial = target.with_suffix(".partial")
        with partial.open("wb") as stream:
            for src_uri, digest in wanted:
                record = self.get(src_uri, digest)
                assert record is not None
                stream.write(_line(src_uri, digest, record))
        partial.replace(target)
        self.close()
        for path in self.files:
            path.unlink(missing_ok=True)
        self._forget()
        self.refresh()


# -- a shard's pages, indexed in a process of its own ------------------------------------

#: bytes a page takes beyond its text in a memory-backed folder (a page of memory per file)
_PAGE_OVERHEAD = 4096
MEMORY_FOLDER = "/dev/shm"
PAGES_PREFIX = "portal-search-pages-"


def pages_folder(records: Sequence[tuple[str, int, int]], fallback: Path) -> Path:
    """Where a shard's pages are written: ``/dev/shm`` when it has room for them twice
    over (it is memory; a container's may be 64 MB), else ``fallback``, on disk."""
    need = 2 * sum(length + _PAGE_OVERHEAD for _, _, length in records)
    statvfs = getattr(os, "statvfs", None)  # not on Windows
    try:
        stat = statvfs(MEMORY_FOLDER) if statvfs is not None else None
    except OSError:
        stat = None
    if stat is None:
        return fallback
    if stat.f_bavail * stat.f_frsize < need or not os.access(MEMORY_FOLDER, os.W_OK):
        return fallback
    return Path(MEMORY_FOLDER)


def write_pages(records: Sequence[tuple[str, int, int]], folder: Path) -> None:
    """One HTML page per record, named by its place in the shard (00000.html, ...)."""
    streams: dict[str, IO[bytes]] = {}
    try:
        for index, (path, offset, length) in enumerate(records):
            stream = streams.get(path)
            if stream is None:
                stream = streams[path] = Path(path).open("rb")  # noqa: SIM115 (closed below)
            stream.seek(offset)
            page = folder / f"{index:05d}.html"
            page.write_text(_record(stream.read(length)), encoding="utf-8")
    finally:
        for stream in streams.values():
            stream.close()


def run_job(job: dict[str, Any]) -> int:
    """Write a shard's pages, run ``job["command"]`` (Pagefind, with ``{pages}`` in its
    arguments), remove the pages; returns the command's exit code. ``job``: ``records``
    (file, offset, length), ``pages`` (folders to try, in order), ``command``."""
    records = [tuple(record) for record in job["records"]]
    folder = None
    try:
        for place in job["pages"]:
            try:
                folder = Path(tempfile.mkdtemp(prefix=PAGES_PREFIX, dir=place))
                write_pages(records, folder)
                break
            except OSError as error:  # gone, or full: the next place
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
                folder = None
                print(f"{place}: {error}", file=sys.stderr)
        if folder is None:
            return 1
        command = [str(folder) if part == "{pages}" else part for part in job["command"]]
        return subprocess.run(command, check=False).returncode
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _ended(signum: int, frame: object) -> None:
    """SIGTERM: unwind, so that Pagefind is killed (``subprocess.run`` does it) and the
    pages removed (``run_job``'s ``finally``)."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":  # run by the search plugin: the job comes as JSON on stdin
    signal.signal(signal.SIGTERM, _ended)
    sys.exit(run_job(json.load(sys.stdin)))

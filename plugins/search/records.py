"""The search records of a build: a small JSON record per document, for the index.

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
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

__all__ = ["RecordStore", "RecordWriter"]

SUFFIX = ".jsonl"
#: files a folder may hold before it is compacted (one more per build, per process)
MAX_FILES = 16


def _new_name() -> str:
    # Names sort by the time they were made: the newer line wins.
    return f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"


def _line(src_uri: str, digest: str, record: Any) -> bytes:
    # JSON escapes tabs and newlines: the key before the tab is read without the record.
    key = json.dumps([src_uri, digest], ensure_ascii=False)
    return f"{key}\t{json.dumps(record, ensure_ascii=False)}\n".encode()


def _record(line: bytes) -> Any:
    return json.loads(line.partition(b"\t")[2])


class RecordWriter:
    """This process's records, appended to a file of its own (opened at the first one)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pid = os.getpid()
        self._stream: IO[bytes] | None = None

    def add(self, src_uri: str, digest: str, record: Any) -> None:
        """Append ``record`` (a JSON value) for the document's bytes of ``digest``."""
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
        """Read the lines added since the store was made or last refreshed: the pages a
        rebuild renders add theirs after its index was begun from the records at hand. A
        line not ended yet (being written, or cut short by a crash) is left for the next
        time."""
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

    def fingerprint(self, src_uri: str, digest: str) -> bytes | None:
        """A digest of the record (the same record, the same fingerprint): whether a group
        of records changed is known without reading them."""
        found = self._where.get((src_uri, digest))
        return found[3] if found is not None else None

    def get(self, src_uri: str, digest: str) -> Any:
        """The record of that line (a JSON value), or None."""
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

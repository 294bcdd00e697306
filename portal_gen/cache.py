"""What one build keeps for the next, in the portal's ``.cache/portal-gen/`` folder.

Only a speed-up: deleting the folder (or ``build --no-cache``) gives the same site, slower.
Every entry is keyed by what it was computed from (file bytes, not dates: a fresh git
checkout changes every date and no byte), so a stale entry is never used.

:class:`DocumentCache` holds each document as read last time: a file whose bytes (and
attachments) are unchanged is not parsed again.
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from portal_gen import __version__
from portal_gen.diagnostics import Diagnostic
from portal_gen.model import Document
from portal_gen.pickling import quick_pickle

__all__ = ["CACHE_DIR", "UNKNOWN", "DocumentCache", "digest", "source_fingerprint", "write_atomic"]

#: a file's signature (size, modification time, inode) when it must not be trusted
UNKNOWN = (-1, -1, -1)

#: relative to the folder of mkdocs.yml (the convention of Material's own caches)
CACHE_DIR = Path(".cache") / "portal-gen"

log = logging.getLogger("mkdocs.plugins.portal")


def _read_only(mapping: dict[str, object]) -> MappingProxyType[str, object]:
    return MappingProxyType(mapping)


# Documents keep their mappings read-only; pickle them as plain dicts.
copyreg.pickle(MappingProxyType, lambda proxy: (_read_only, (dict(proxy),)))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def source_fingerprint(*modules: str) -> str:
    """The version and the source of the modules a cached result came from (so that an
    editable install that changes them does not reuse old results)."""
    here = Path(__file__).resolve().parent
    parts = [__version__.encode()]
    for name in modules:
        parts.append((here / f"{name}.py").read_bytes())
    return digest(b"\0".join(parts))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` whole (a crash leaves the old file or the new one, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@quick_pickle
@dataclass(frozen=True, slots=True)
class _Entry:
    digest: str
    #: attachments the result depends on, with their size then (-1: missing)
    touched: tuple[tuple[str, int], ...]
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]
    #: the file's size, modification time and inode when its bytes had ``digest``
    signature: tuple[int, int, int] = UNKNOWN


class DocumentCache:
    """Documents read by an earlier build, by file."""

    def __init__(self, folder: Path | None, docs_dir: Path, salt: str) -> None:
        self.path = folder / "documents.pickle" if folder is not None else None
        self.docs_dir = docs_dir
        self.salt = salt + source_fingerprint(
            "cache",
            "content",
            "documents",
            "frontmatter",
            "model",
            "schema",
            "vntime",
            "diagnostics",
            "pickling",
        )
        self._old: dict[str, _Entry] = {}
        self._new: dict[str, _Entry] = {}
        self.hits = 0
        self._moved = 0
        if self.path is not None:
            self._old = self._load(self.path)

    def _load(self, path: Path) -> dict[str, _Entry]:
        try:
            with path.open("rb") as stream:
                salt, entries = pickle.load(stream)
        except FileNotFoundError:
            return {}
        except Exception as error:  # a cache from another version, or damaged: ignore it
            log.debug("cache %s ignored: %s", path, error)
            return {}
        return dict(entries) if salt == self.salt else {}

    def get_unchanged(
        self, src_uri: str, signature: tuple[int, int, int]
    ) -> tuple[Document | None, tuple[Diagnostic, ...]] | None:
        """The result of reading the file last time, if its size, time and inode are still
        those it had then (its bytes are then not read at all)."""
        entry = self._old.get(src_uri)
        if entry is None or signature == UNKNOWN or entry.signature != signature:
            return None
        return self._hit(src_uri, entry)

    def get(
        self, src_uri: str, data_digest: str, signature: tuple[int, int, int] = UNKNOWN
    ) -> tuple[Document | None, tuple[Diagnostic, ...]] | None:
        """The result of reading the same bytes last time, if nothing else it depends on
        changed (a fresh checkout changes every file's time and no byte)."""
        entry = self._old.get(src_uri)
        if entry is None or entry.digest != data_digest:
            return None
        return self._hit(src_uri, replace(entry, signature=signature))

    def _hit(
        self, src_uri: str, entry: _Entry
    ) -> tuple[Document | None, tuple[Diagnostic, ...]] | None:
        for uri, size in entry.touched:
            try:
                now = (self.docs_dir / uri).stat().st_size
            except OSError:
                now = -1
            if now != size:
                return None
        self._new[src_uri] = entry
        if entry.signature != self._old[src_uri].signature:
            self._moved += 1  # same bytes, new time: worth saving
        self.hits += 1
        return entry.document, entry.diagnostics

    def put(
        self,
        src_uri: str,
        data_digest: str,
        document: Document | None,
        diagnostics: list[Diagnostic],
        touched: list[str],
        signature: tuple[int, int, int] = UNKNOWN,
    ) -> None:
        sizes = []
        for uri in touched:
            try:
                sizes.append((uri, (self.docs_dir / uri).stat().st_size))
            except OSError:
                sizes.append((uri, -1))
        self._new[src_uri] = _Entry(
            data_digest, tuple(sizes), document, tuple(diagnostics), signature
        )

    def save(self) -> None:
        """Keep the documents of this build (those of deleted files are dropped)."""
        unchanged = (
            self._new.keys() == self._old.keys() and self.hits == len(self._new) and not self._moved
        )
        if self.path is None or unchanged:
            return
        try:
            write_atomic(self.path, pickle.dumps((self.salt, self._new), pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError) as error:  # e.g. a read-only checkout
            log.debug("cache not written: %s", error)

    def __len__(self) -> int:
        return len(self._new)

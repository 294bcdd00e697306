"""Keeping the pages of the previous site that would come out the same.

A page's key is a digest of everything its HTML is made of: the build-wide part (the code of
portal-gen and of every plugin, the versions of MkDocs, Material and Markdown, mkdocs.yml, the
templates, the navigation, the site-wide template data such as the announcement bar) and its
own part (a document's bytes and template data and which of its links resolve, or a generated
page's Markdown and data). A page whose key is the one recorded by the previous build, and
whose file in the previous site is still the one written then (size, time, inode), is not
rendered: that file stays. When most of the site is kept, what the build wrote is moved in
among the kept files (``staging.update_in_place``); otherwise the kept files are hard-linked
into the new site, which replaces the old one (:meth:`PageReuse.link_into`). A file whose
size, time or inode changed (a site restored from a CI cache, say) is kept when its bytes are
still the ones written then (their digest is recorded). What MkDocs said about the page when
it was rendered (a broken link...) is said again, so ``--strict`` fails the same way.

Files copied as they are (attachments, theme assets) are kept the same way, keyed by their
source's path, size and modification time.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from portal_gen.cache import digest, write_atomic
from portal_gen.staging import link_tree

__all__ = ["PageReuse", "build_key", "file_key", "fingerprint", "page_key", "site_cache_dir"]

log = logging.getLogger("mkdocs.plugins.portal")

MANIFEST = "pages.json"
_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "nh3")


def _hash_parts(*parts: object) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = _canonical(part)
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def _canonical(value: object) -> bytes:
    """Bytes that only equal values give (template data: dicts, lists, strings, numbers,
    dates, enums). Pickle without its memo: the bytes then depend on the values alone, not
    on which of them are the same object; 3× faster than JSON on 20 MB of listing data.
    A value pickle cannot take is written as JSON, with repr() for what JSON cannot take:
    a repr that changes from build to build only costs a re-render."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, ValueError, AttributeError, RecursionError):
        return b"json:" + json.dumps(value, sort_keys=True, default=repr).encode("utf-8")
    return buffer.getvalue()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _code_files(plugins: Iterable[object]) -> list[Path]:
    """Source files whose change may change any page: portal-gen, its data, every plugin."""
    import portal_gen

    files: set[Path] = set()
    for package in (portal_gen, importlib.import_module("portal_gen.plugins")):
        for folder in map(Path, package.__path__):
            files.update(folder.rglob("*.py"))
    files.update((Path(portal_gen.__file__).parent / "data").glob("*.yml"))
    for plugin in plugins:  # site-local and third-party plugins too
        module = plugin if hasattr(plugin, "__file__") else sys.modules.get(plugin.__module__)
        file = getattr(module, "__file__", None)
        if file:
            files.add(Path(file))
    return sorted(files)


def _tree(folder: Path) -> list[tuple[str, str]]:
    return [
        (path.relative_to(folder).as_posix(), digest(path.read_bytes()))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def build_key(
    *,
    config_file: str | None,
    theme_dirs: Iterable[str],
    packaged_themes: Iterable[str],
    plugins: Iterable[object],
    nav: object,
    site_context: object,
    shared_sources: Iterable[Path],
    settings: Mapping[str, Any],
) -> str:
    """What every page of this build depends on. The folders of installed themes
    (``packaged_themes``) count by their package's version, the others by their files."""
    installed = [Path(folder).resolve() for folder in packaged_themes]
    themes: list[tuple[str, object]] = []
    for folder in map(Path, theme_dirs):
        if any(folder.resolve().is_relative_to(package) for package in installed):
            themes.append((str(folder), _version("mkdocs-material")))
        elif folder.is_dir():
            themes.append((str(folder), _tree(folder)))
    code = [(str(path), path.read_bytes()) for path in _code_files(plugins) if path.is_file()]
    return _hash_parts(
        [(name, _version(name)) for name in _PACKAGES],
        Path(config_file).read_bytes() if config_file else b"",
        themes,
        [(name, digest(data)) for name, data in code],
        nav,
        site_context,
        [(str(p), p.read_bytes() if p.is_file() else b"") for p in shared_sources],
        dict(settings),
    )


def site_cache_dir(cache_dir: Path, site_dir: Path) -> Path:
    """The cache of one output folder (a portal may build several: public, internal)."""
    return cache_dir / f"site-{_hash_parts(str(site_dir.resolve()))[:12]}"


def page_key(build: str, *parts: object) -> str:
    return _hash_parts(build, *parts)


def fingerprint(*values: object) -> str:
    """A short digest of ``values``, equal for equal values (see :func:`_canonical`)."""
    return _hash_parts(*values)


def file_key(path: str) -> str | None:
    """A copied file's key: its source's path, size and modification time."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return f"file:{path}:{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    size: int
    mtime_ns: int
    inode: int
    #: of the bytes written
    digest: str
    messages: tuple[tuple[int, str, str], ...] = ()

    def matches(self, path: str) -> _Entry | None:
        """This entry (updated to the file's stat) when ``path`` still holds the bytes
        written then; None otherwise."""
        try:
            stat = os.stat(path)  # noqa: PTH116 (a Path method costs more, 5,000 times)
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (self.size, self.mtime_ns, self.inode):
            return self
        if stat.st_size != self.size or digest(Path(path).read_bytes()) != self.digest:
            return None
        return _Entry(
            self.key, stat.st_size, stat.st_mtime_ns, stat.st_ino, self.digest, self.messages
        )


class PageReuse:
    """The outputs of the previous build (in ``previous_site``) that this one keeps."""

    def __init__(self, folder: Path, previous_site: Path) -> None:
        self.manifest = folder / MANIFEST
        self.previous = previous_site
        self._previous_prefix = f"{previous_site}/"
        self._old = self._load()
        self._new: dict[str, _Entry] = {}
        self._pending: dict[str, str] = {}
        self.kept: list[str] = []
        #: folders of the previous site kept whole (a search shard), relative to the site
        self.kept_trees: list[str] = []

    def _load(self) -> dict[str, _Entry]:
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
            return {
                dest: _Entry(
                    key,
                    size,
                    mtime,
                    inode,
                    written,
                    tuple((int(lv), str(n), str(m)) for lv, n, m in said),
                )
                for dest, (key, size, mtime, inode, written, said) in data["outputs"].items()
            }
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError) as error:
            log.debug("%s ignored: %s", self.manifest, error)
            return {}

    def keep(self, dest_uri: str, key: str) -> bool:
        """Whether the previous output for ``dest_uri`` can be kept (then it stays in the
        site, and what MkDocs said about it is said again)."""
        entry = self._old.get(dest_uri)
        if entry is not None and entry.key == key:
            entry = entry.matches(f"{self._previous_prefix}{dest_uri}")
        else:
            entry = None
        if entry is not None:
            self._new[dest_uri] = entry
            self.kept.append(dest_uri)
            for level, name, message in entry.messages:
                logging.getLogger(name).log(level, message)
            return True
        self._pending[dest_uri] = key
        return False

    def keep_tree(self, rel: str, source: Path) -> bool:
        """Whether ``source`` is the folder ``rel`` of the previous site: then it stays."""
        if os.path.abspath(source) != os.path.abspath(f"{self.previous}/{rel}"):  # noqa: PTH100
            return False
        self.kept_trees.append(rel)
        return True

    def in_place_pays(self, site_dir: Path) -> bool:
        """Whether moving what this build wrote (in ``site_dir``) in among the kept files
        costs less than linking the kept files into ``site_dir``: one rename a file written,
        against a link a file kept (and the old site's files unlinked afterwards)."""
        kept = len(self.kept)
        for rel in self.kept_trees:
            kept += sum(len(names) for _, _, names in os.walk(self.previous / rel))
        written = 0
        for _, _, names in os.walk(site_dir):
            written += len(names)
            if written > kept:
                return False
        return self.previous.is_dir()

    def link_into(self, site_dir: Path) -> None:
        """Put what was kept into the new site (hard links: no bytes copied)."""
        previous, site = str(self.previous), str(site_dir)
        made: set[str] = set()
        for dest_uri in self.kept:
            target = f"{site}/{dest_uri}"
            parent = target.rpartition("/")[0]
            if parent not in made:
                try:  # usually the page's own new folder, in a folder made already
                    os.mkdir(parent)  # noqa: PTH102 (strings: 5,000 of them)
                except FileExistsError:
                    pass
                except FileNotFoundError:
                    os.makedirs(parent, exist_ok=True)  # noqa: PTH103
                made.add(parent)
            try:
                os.link(f"{previous}/{dest_uri}", target)
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: copy, and note the copy
                shutil.copy2(f"{previous}/{dest_uri}", target)
                stat = Path(target).stat()
                entry = self._new[dest_uri]
                self._new[dest_uri] = _Entry(
                    entry.key,
                    stat.st_size,
                    stat.st_mtime_ns,
                    stat.st_ino,
                    entry.digest,
                    entry.messages,
                )
        for rel in self.kept_trees:
            link_tree(self.previous / rel, site_dir / rel)

    def record(self, site_dir: Path, messages: Mapping[str, list[tuple[int, str, str]]]) -> None:
        """Note what this build wrote, to be kept by the next one."""
        for dest_uri, key in self._pending.items():
            path = site_dir / dest_uri
            try:
                stat = path.stat()
                written = digest(path.read_bytes())
            except OSError:
                continue  # not written (an empty page): render it next time too
            self._new[dest_uri] = _Entry(
                key,
                stat.st_size,
                stat.st_mtime_ns,
                stat.st_ino,
                written,
                tuple(messages.get(dest_uri, ())),
            )

    def save(self) -> None:
        outputs = {
            dest: [e.key, e.size, e.mtime_ns, e.inode, e.digest, [list(m) for m in e.messages]]
            for dest, e in sorted(self._new.items())
        }
        data = json.dumps({"outputs": outputs}, ensure_ascii=False, separators=(",", ":"))
        try:
            write_atomic(self.manifest, data.encode("utf-8"))
        except OSError as error:
            log.debug("%s not written: %s", self.manifest, error)

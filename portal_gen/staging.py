"""Writing a site so that readers never see half of one.

A build writes into a hidden sibling folder of the site; only a complete site replaces the
previous one. A cold build's folder replaces the previous site by renaming; the previous
site is removed afterwards, in the background (:func:`replace_dir`). A rebuild that keeps
most of the previous site writes only what changed into that folder and moves it in among
the kept files (:func:`update_in_place`): hard-linking thousands of kept files into a new
folder, and unlinking the old ones, took most of a 7 s rebuild of 5,000 documents.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = [
    "SiteLock",
    "clear_leftovers",
    "clear_stale",
    "link_or_copy",
    "link_tree",
    "lock_site",
    "new_staging_dir",
    "remove_in_background",
    "replace_dir",
    "update_in_place",
]

#: how long the background removal of a replaced site may take before it counts as stopped
REMOVAL_SECONDS = 3600
#: in the names of the folders of what left a site, beside it
_OLD = "-old-"
#: in a site's cache folder: held by the build of that site (:func:`lock_site`)
LOCK_FILE = "build.lock"


def new_staging_dir(final: Path) -> Path:
    """An empty folder next to ``final`` (same file system, so the swap is a rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(final)
    return Path(tempfile.mkdtemp(prefix=f".{final.name}-building-", dir=final.parent))


def replace_dir(staging: Path, final: Path) -> None:
    """Swap the freshly built site in; the previous one is removed only afterwards, by a
    detached process so that the command returns at once (leftovers from an interrupted
    removal are cleared by a later build, see :func:`clear_leftovers`)."""
    old = None
    if final.exists():
        old = _old_dir(final)
        final.replace(old / "site")
    staging.replace(final)
    if old is not None:
        remove_in_background(old)


def update_in_place(
    staging: Path, final: Path, *, kept: Collection[str], kept_trees: Collection[str] = ()
) -> None:
    """Make ``final`` the site built in ``staging`` plus the files of ``final`` this build
    kept (``kept``, and every file under the folders ``kept_trees``; paths relative to the
    site, with ``/``). What ``staging`` holds is moved in: a folder ``final`` lacks in one
    rename, a file by a rename over the old one (a reader gets the old file or the new one,
    never part of one), in each folder its subfolders before its files. Only then is the
    rest of ``final`` removed, its folders in the background.

    Ctrl-C, TERM and HUP take effect once this is done. A power cut during it leaves a mix
    of old and new files, which the next build tells apart (by their size, time and inode)
    and renders again."""
    trash = _old_dir(final)
    with _uninterrupted():
        placed, moved = _move_in(staging, final, "", trash)
        wanted = set(kept) | placed
        whole = set(kept_trees) | moved
        parents = {
            path[:cut]
            for path in (*wanted, *whole)
            for cut in (i for i, char in enumerate(path) if char == "/")
        }
        _prune(final, "", wanted, whole, parents, trash)
    shutil.rmtree(staging, ignore_errors=True)  # only folders, emptied
    if any(trash.iterdir()):
        remove_in_background(trash)
    else:
        trash.rmdir()


def _move_in(staging: Path, final: Path, rel: str, trash: Path) -> tuple[set[str], set[str]]:
    """Move the files under ``staging/rel`` to ``final/rel``: whole folders where ``final``
    has none, else file by file. Returns the files and the folders moved. (Paths are
    strings: a rebuild moves few files, but a build that replaces most of a site moves in
    thousands.)"""
    files: set[str] = set()
    folders: set[str] = set()
    replaced: list[tuple[str, str]] = []
    with os.scandir(f"{staging}/{rel}" if rel else staging) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            path = f"{rel}/{entry.name}" if rel else entry.name
            target = f"{final}/{path}"
            if not entry.is_dir(follow_symlinks=False):
                replaced.append((entry.path, path))
                continue
            there = _kind(target)
            if there == "folder":
                more_files, more_folders = _move_in(staging, final, path, trash)
                files |= more_files
                folders |= more_folders
                continue
            if there == "file":  # a file where the folder goes
                os.unlink(target)  # noqa: PTH108
            os.rename(entry.path, target)  # noqa: PTH104
            folders.add(path)
    for source, path in replaced:  # after the folders beside them (a page's images...)
        target = f"{final}/{path}"
        if _kind(target) == "folder":  # a folder where the file goes
            _discard(target, trash)
        os.replace(source, target)  # noqa: PTH105
        files.add(path)
    return files, folders


def _kind(path: str) -> str | None:
    """``"folder"``, ``"file"`` (anything else, a symbolic link too) or None (nothing)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    return "folder" if stat.S_ISDIR(mode) else "file"


def _prune(
    final: Path, rel: str, wanted: set[str], whole: set[str], parents: set[str], trash: Path
) -> None:
    """Remove from ``final/rel`` what is neither wanted nor under a ``whole`` folder."""
    with os.scandir(f"{final}/{rel}" if rel else final) as entries:
        for entry in list(entries):
            path = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                if path in whole:
                    continue
                if path in parents:
                    _prune(final, path, wanted, whole, parents, trash)
                else:
                    _discard(entry.path, trash)
            elif path not in wanted:
                os.unlink(entry.path)  # noqa: PTH108


def _discard(folder: str, trash: Path) -> None:
    """Out of the site at once (one rename); unlinked later, in the background."""
    os.rename(folder, tempfile.mkdtemp(dir=trash))  # noqa: PTH104 (onto an empty folder)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C, a CI job's TERM or a closed terminal take effect once the block is done.
    (Handlers, not a blocked signal mask: a signal sent to the process reaches any of its
    threads that does not block it.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (and receives the signals)
        return
    held: list[int] = []
    stopping = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)]
    previous = {
        number: signal.getsignal(number)
        for number in stopping
        if number is not None and signal.getsignal(number) is not None
    }
    for number in previous:
        signal.signal(number, lambda number, frame: held.append(number))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in held:
            signal.raise_signal(number)  # as if it came now


class SiteLock:
    """One build at a time of a site updated in place (and of its cache): a second build
    of the same folder waits for the first to end, rather than moving its files in among
    another build's. An advisory lock on a file, which the system releases if the process
    dies; no lock where the platform has no ``fcntl``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: IO[bytes] | None = None

    def acquire(self, waiting: Callable[[], None] = lambda: None) -> None:
        """Take the lock, calling ``waiting`` first when another build holds it."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover (Windows)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stream = self.path.open("ab")
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(stream, fcntl.LOCK_EX)
        self._stream = stream

    def release(self) -> None:
        if self._stream is not None:
            self._stream.close()  # closing the file releases the lock
            self._stream = None


def lock_site(site_cache: Path, final: Path) -> SiteLock:
    """Take the lock of the site folder ``final`` (a file in its cache folder); a build
    that must wait says so on stderr, even without ``-v``: else the command seems to hang."""
    lock = SiteLock(site_cache / LOCK_FILE)
    lock.acquire(lambda: print(f"Đang chờ một lần build khác vào {final} xong…", file=sys.stderr))
    return lock


def remove_in_background(folder: Path) -> None:
    """Remove a folder no longer used by a detached process, at the lowest priority:
    neither this build nor one started right after it (an editor checking a fix) waits
    for thousands of files to be unlinked. Without ``nice``, plain ``rm``; without either,
    a later build clears it (:func:`clear_stale`)."""
    remove = ["rm", "-rf", "--", str(folder)]
    for command in (["nice", "-n", "19", *remove], remove):
        try:
            subprocess.Popen(
                command,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            continue
        return


def clear_stale(folders: Iterable[Path]) -> None:
    """Remove what a removal in the background or a failed build left behind, once it is
    over an hour old (a folder younger than that may still be in use, or being removed)."""
    for folder in folders:
        try:
            age = time.time() - folder.stat().st_mtime
        except OSError:
            continue  # removed meanwhile
        if age > REMOVAL_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def clear_leftovers(final: Path) -> None:
    """Previous sites whose background removal was interrupted. (Folders being built are
    left alone: another build may be writing there; so are previous sites replaced less
    than an hour ago: their removal is probably still running.)"""
    clear_stale(final.parent.glob(f".{final.name}{_OLD}*"))


def _old_dir(final: Path) -> Path:
    """A new folder beside the site for what leaves it, removed in the background (one
    that outlives its removal is cleared by :func:`clear_leftovers`)."""
    return Path(tempfile.mkdtemp(prefix=f".{final.name}{_OLD}", dir=final.parent))


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Put a file of the previous site (or of a slice) into a new one without copying its
    bytes when the file system allows: sites are never modified in place, so a hard link is
    as good as a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links where the file system allows
    (a search index is thousands of small files: no copytree bookkeeping per file)."""
    start = len(str(source))
    for folder, _, names in os.walk(source, followlinks=True):
        into = f"{target}{folder[start:]}"  # strings: thousands of files
        os.makedirs(into, exist_ok=True)  # noqa: PTH103
        for name in names:
            link_or_copy(f"{folder}/{name}", f"{into}/{name}")

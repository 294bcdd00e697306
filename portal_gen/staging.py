"""Writing a site so that readers never see half of one.

A build writes into a hidden sibling folder of the site; only a complete site replaces the
previous one, by renaming. The previous site is removed afterwards, in the background.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "clear_leftovers",
    "clear_stale",
    "link_or_copy",
    "link_tree",
    "new_staging_dir",
    "remove_in_background",
    "replace_dir",
]

#: how long the background removal of a replaced site may take before it counts as stopped
REMOVAL_SECONDS = 3600


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
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}-old-", dir=final.parent))
        final.replace(old / "site")
    staging.replace(final)
    if old is not None:
        remove_in_background(old)


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
    clear_stale(final.parent.glob(f".{final.name}-old-*"))


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

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
from pathlib import Path

__all__ = ["clear_leftovers", "link_or_copy", "link_tree", "new_staging_dir", "replace_dir"]

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
        # at the lowest priority: a build started right after this one (an editor
        # checking a fix) should not wait for it
        _remove_detached(["nice", "-n", "19", "rm", "-rf", "--", str(old)])


def _remove_detached(command: list[str]) -> None:
    try:
        subprocess.Popen(
            command,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no `nice` (or no `rm`): the next builds clear it
        if command[0] == "nice":
            _remove_detached(command[3:])


def clear_leftovers(final: Path) -> None:
    """Previous sites whose background removal was interrupted. (Folders being built are
    left alone: another build may be writing there; so are previous sites replaced less
    than an hour ago: their removal is probably still running.)"""
    for leftover in final.parent.glob(f".{final.name}-old-*"):
        try:
            age = time.time() - leftover.stat().st_mtime
        except OSError:
            continue  # removed meanwhile
        if age > REMOVAL_SECONDS:
            shutil.rmtree(leftover, ignore_errors=True)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Put a file of the previous site (or of a slice) into a new one without copying its
    bytes when the file system allows: sites are never modified in place, so a hard link is
    as good as a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=link_or_copy)

"""The benchmark's tools still reach the build they measure (no timing is checked here)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TIMELINE = Path(__file__).parents[1] / "bench" / "timeline.py"
STAMP = re.compile(r"^\[timeline\]\s+(?P<at>[\d.]+) s\s+pid\s+(?P<pid>\d+)\s+(?P<what>.*)$")


def _timeline(root: Path, *args: str) -> list[tuple[float, int, str]]:
    done = subprocess.run(
        [sys.executable, str(TIMELINE), "build", "--now", "2026-11-22T09:00", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (root / "site" / "index.html").is_file()
    stamps = []
    for line in (done.stderr + done.stdout).splitlines():
        found = STAMP.match(line)
        if found:
            stamps.append((float(found["at"]), int(found["pid"]), found["what"]))
    return stamps


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]], ids=["one process", "jobs"])
def test_the_timeline_stamps_each_phase_in_order(
    copy_site: Callable[[str], Path], jobs: list[str]
) -> None:
    stamps = _timeline(copy_site("tiny"), *jobs)
    what = [text for _, _, text in stamps]
    if jobs:
        parent = stamps[0][1]
        workers = {pid for _, pid, _ in stamps} - {parent}
        assert workers, "the workers' stamps are printed"
        for worker in workers:  # each renders its slice: Markdown, then templates
            own = [text for _, pid, text in stamps if pid == worker]
            assert own.index("> templates done (post_build)") > own.index(
                "> Markdown done (on_env)"
            )
        expected = ["> --jobs: load, check, plan", "> --jobs: portal-wide files"]
    else:
        expected = ["> read", "> checks", "> plan", "> Markdown done (on_env)"]
        expected += ["> templates done (post_build)", "> portal-wide files"]
        expected += ["< portal-wide files", "> site swapped in"]
        # from the indexing thread: whole lines among the main thread's, once rendered
        assert what.index("> search index") > what.index("> Markdown done (on_env)")
        assert "< search index" in what
    assert [text for text in what if text in expected] == expected
    parent_stamps = [at for at, pid, _ in stamps if pid == stamps[0][1]]
    assert parent_stamps == sorted(parent_stamps)
    assert what[-1] == "end (exit 0)"

"""ruff and mypy stay clean (run in CI with the rest of the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff() -> None:
    lint = run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout
    fmt = run("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout


def test_mypy() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout


def test_ci_runs_the_readmes_two_commands() -> None:
    """The README starts with the install-and-build command and the test command; CI runs
    exactly those lines, in that order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = block.strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    assert [line for line in ci if line in commands] == commands

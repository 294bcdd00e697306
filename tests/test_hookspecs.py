"""Meta-tests: every hook is documented in pytest's style and is exercised by a test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from portal_gen import hookspecs

HOOKS = [
    name
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("portal_")
]


def test_hooks_exist() -> None:
    assert len(HOOKS) >= 8


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented(name: str) -> None:
    function = getattr(hookspecs, name)
    doc = inspect.getdoc(function) or ""
    summary = doc.split("\n", 1)[0]
    assert summary and summary.endswith("."), f"{name}: one summary line ending with a period"
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, f"{name}: :param {parameter}: missing"
    returns = inspect.signature(function).return_annotation
    if returns not in ("None", None):
        assert ":returns:" in doc, f"{name}: :returns: missing"
    if getattr(function, "portal_gen_spec", {}).get("firstresult"):
        assert "Stops at first non-None result." in doc


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_implemented_and_tested(name: str) -> None:
    """Some built-in implements it (so the end-to-end tests run it) or a test names it."""
    root = Path(__file__).resolve().parents[1]
    implemented = any(
        re.search(rf"def {name}\(", p.read_text()) for p in (root / "plugins").rglob("*.py")
    )
    tested = any(
        name in p.read_text()
        for p in (root / "tests").rglob("test_*.py")
        if p.name != "test_hookspecs.py"
    )
    assert implemented or tested, f"{name} is neither implemented by a built-in nor tested"

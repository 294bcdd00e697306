"""content/huong-dan/: the editor guide (Vietnamese) covers every front-matter key and every
diagnostic code of the source, and its links lead somewhere."""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

from portal_gen import COMMENT_KEYS, DOCUMENT_KEYS, EXTENSION_KEYS, UNIT_KEYS
from portal_gen.build import load_portal, plan_site
from portal_gen.config import PortalConfig
from portal_gen.plugin_manager import get_plugin_manager
from portal_gen.plugins.categories import FORMS
from portal_gen.vntime import parse_now
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "content/huong-dan"
SOURCES = [*sorted((ROOT / "portal_gen").rglob("*.py")), *sorted((ROOT / "plugins").rglob("*.py"))]


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def diagnostic_codes(paths: list[Path]) -> dict[str, str]:
    """Every diagnostic code raised in the source, with where: ``Diagnostic(path, line,
    severity, "code", ...)``, ``reader.error(node, "code", ...)`` (and ``warning``),
    ``DateValueError("code", ...)``, and ``reader.choice(node, "key", ...)`` which reports
    ``unknown-<key>``."""
    codes: dict[str, str] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            args = node.args
            code = None
            if name == "Diagnostic" and len(args) >= 4:
                code = _text(args[3])
            elif name in ("error", "warning") and isinstance(func, ast.Attribute) and len(args) > 1:
                code = _text(args[1])
            elif name == "DateValueError" and args:
                code = _text(args[0])
            elif name == "choice" and len(args) > 1 and _text(args[1]):
                code = f"unknown-{_text(args[1])}"
            if code is not None:
                codes.setdefault(code, f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def test_the_code_collector_finds_the_codes_it_must() -> None:
    codes = diagnostic_codes(SOURCES)
    assert {
        "yaml-syntax",
        "missing-key",
        "invalid-date",
        "unknown-key",
        "unknown-category",
        "missing-category",
        "outdated-category",
        "late-publication",
        "comment-too-short",
        "result-overdue",
        "attachment-not-found",
        "result-of-not-draft",
        "invalid-encoding",
        "unknown-kind",  # reported through reader.choice
        "wrong-type",  # reported through reader.error
    } <= set(codes)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", code) for code in codes), sorted(codes)


def test_common_errors_page_explains_every_code() -> None:
    text = (GUIDE / "loi-thuong-gap.md").read_text(encoding="utf-8")
    explained = re.findall(r"^### `([a-z-]+)`$", text, re.MULTILINE)
    assert len(explained) == len(set(explained)), "a code is explained twice"
    codes = diagnostic_codes(SOURCES)
    missing = {code: where for code, where in codes.items() if code not in explained}
    assert not missing, f"add a section to content/huong-dan/loi-thuong-gap.md for {missing}"
    stale = set(explained) - set(codes)
    assert not stale, f"no longer raised anywhere: {stale}"


def test_front_matter_page_names_every_key() -> None:
    text = (GUIDE / "van-ban.md").read_text(encoding="utf-8")
    config = PortalConfig(config_dir=ROOT, docs_dir=ROOT / "content", local_plugins=None)
    pm = get_plugin_manager(config, entry_points=False)
    declared = [key for keys in pm.hook.portal_front_matter_keys() for key in keys]
    assert "forms" in declared
    keys = [*DOCUMENT_KEYS, *COMMENT_KEYS, *EXTENSION_KEYS, *UNIT_KEYS, *declared]
    for key in keys:
        assert f"`{key.rsplit('.', 1)[-1]}`" in text, key
    for code in FORMS:
        assert f"`{code}`" in text, code


def test_periods_and_time_rules_are_explained() -> None:
    categories = (GUIDE / "danh-muc.md").read_text(encoding="utf-8")
    for period in ("`period: 2026`", "2026-H1", "2026-Q1", "2026-09", "portal-gen categories"):
        assert period in categories
    front_matter = (GUIDE / "van-ban.md").read_text(encoding="utf-8")
    assert "23 giờ 59 phút 59 giây" in front_matter
    assert "giờ Việt Nam" in front_matter
    assert 'number: "0123/UBND"' in front_matter


@pytest.fixture(scope="module")
def demo_pages() -> set[str]:
    """Every page of the demo portal, editors' and generated, with the guide as plain pages."""
    config = PortalConfig(
        config_dir=ROOT,
        docs_dir=ROOT / "content",
        local_plugins=None,
        pages=("huong-dan",),
        now=parse_now(NOW),
    )
    pm = get_plugin_manager(config, entry_points=False)
    portal, diagnostics = load_portal(config, pm)
    assert [d for d in diagnostics if "huong-dan" in d.path] == []
    assert {f"huong-dan/{p.name}" for p in GUIDE.glob("*.md")} <= set(portal.pages)
    return {*portal.pages, *(d.src_uri for d in portal.documents), *plan_site(portal, pm).pages}


@pytest.mark.parametrize("page", sorted(p.name for p in GUIDE.glob("*.md")))
def test_guide_page_is_a_plain_page_with_working_links(page: str, demo_pages: set[str]) -> None:
    text = (GUIDE / page).read_text(encoding="utf-8")
    assert text.startswith("# "), "a plain page: no front matter, a title first"
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join("huong-dan", path)) if path else None
        assert resolved is None or resolved in demo_pages, target
        if anchor:
            source = GUIDE / posixpath.basename(resolved) if resolved else GUIDE / page
            headings = re.findall(r"^#+ (.+)$", source.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {slugify(h.replace("`", ""), "-") for h in headings}, target

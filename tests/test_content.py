"""Reading content/: unit profiles, unit folders, documents, files that must never be published."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from portal_gen.build import load_portal
from portal_gen.config import PortalConfig
from portal_gen.plugin_manager import get_plugin_manager
from portal_gen.vntime import parse_now


def load(root: Path) -> tuple[list[tuple[str, str, int | None]], object]:
    config = PortalConfig(
        config_dir=root,
        docs_dir=root / "content",
        site_url="https://congkhai.example.vn/",
        now=parse_now("2026-11-22T09:00"),
        severity={"missing-category": "off", "outdated-category": "off"},
    )
    portal, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
    return [(d.path, d.code, d.line) for d in diagnostics], portal


UNIT_CASES = [
    ("name: A\ntype: xa\n", []),
    ("name: A\ntype: tinh\n", [("unknown-unit-type", 2)]),
    ("name: A\ntype: phuogn\n", [("unknown-unit-type", 2)]),
    ("type: xa\n", [("missing-key", 1)]),
    ("name: A\n", [("missing-key", 1)]),
    ("- name: A\n- type: xa\n", [("unit-not-mapping", 1)]),
    ("name: A\ntype: xa\nemial: a@b.vn\n", [("unknown-key", 3)]),
    ("name: A\ntype: xa\nparent: khong-co\n", [("unknown-parent", 3)]),
    ("name: [A\n", [("yaml-syntax", 2)]),
    ("", [("unit-not-mapping", 1)]),
]


@pytest.mark.parametrize(("text", "expected"), UNIT_CASES)
def test_unit_profile_diagnostics(
    make_portal: Callable[..., Path], text: str, expected: list[tuple[str, int]]
) -> None:
    root = make_portal({"content/xa-a/_unit.yml": text}, unit=False)
    diagnostics, _ = load(root)
    assert [
        (code, line) for path, code, line in diagnostics if path == "content/xa-a/_unit.yml"
    ] == expected


def test_unknown_unit_type_suggests_and_lists_the_types(make_portal: Callable[..., Path]) -> None:
    from portal_gen.content import read_unit

    problems: list = []
    read_unit("xa-a", b"name: A\ntype: phuogn\n", "content/xa-a/_unit.yml", problems)
    (problem,) = problems
    assert problem.hint.startswith("Có phải ý bạn là: `phuong`?")
    assert "`dac-khu` (Đặc khu)" in problem.hint


def test_folder_with_documents_but_no_unit_file(make_portal: Callable[..., Path]) -> None:
    root = make_portal({"content/xa-b/van-ban.md": "---\ntitle: A\n---\n"})
    diagnostics, _ = load(root)
    assert diagnostics == [("content/xa-b", "missing-unit-file", None)]


def test_pages_folders_and_asset_folders_are_not_units(make_portal: Callable[..., Path]) -> None:
    root = make_portal(
        {
            "mkdocs.yml": "site_name: X\ndocs_dir: content\ntheme: {name: material}\nplugins:\n  - portal:\n      pages: [huong-dan]\n",
            "content/huong-dan/index.md": "# Hướng dẫn\n",
            "content/images/logo.png": b"\x89PNG",
        }
    )
    config = PortalConfig(
        config_dir=root,
        docs_dir=root / "content",
        pages=("huong-dan",),
        site_url="https://congkhai.example.vn/",
        severity={"missing-category": "off", "outdated-category": "off"},
    )
    portal, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
    assert diagnostics == []
    assert "huong-dan/index.md" in portal.pages


def test_bad_unit_folder_name(make_portal: Callable[..., Path]) -> None:
    root = make_portal({"content/Xa_C/_unit.yml": "name: C\ntype: xa\n"})
    diagnostics, _ = load(root)
    assert diagnostics == [("content/Xa_C", "invalid-unit-id", None)]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_outside_content_is_refused_and_never_published(
    make_portal: Callable[..., Path], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    root = make_portal()
    (root / "content/phuong-thu/bi-mat.txt").symlink_to(secret)
    diagnostics, portal = load(root)
    assert diagnostics == [("content/phuong-thu/bi-mat.txt", "symlink-outside", None)]
    assert "phuong-thu/bi-mat.txt" in portal.unpublished_files  # type: ignore[attr-defined]


def test_unit_profiles_are_never_published(make_portal: Callable[..., Path]) -> None:
    _, portal = load(make_portal())
    assert "phuong-thu/_unit.yml" in portal.unpublished_files  # type: ignore[attr-defined]


def test_huge_document_is_refused(make_portal: Callable[..., Path]) -> None:
    body = "Nội dung dài. " * 500_000  # ~7.5 MB
    root = make_portal(
        {
            "content/phuong-thu/dai.md": f"---\ntitle: A\ncategory: khac\ndate: 2026-01-01\n---\n{body}"
        }
    )
    diagnostics, _ = load(root)
    assert diagnostics == [("content/phuong-thu/dai.md", "document-too-large", None)]

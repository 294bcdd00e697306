"""Hostile content (tests/sites/hostile plus files made here): every problem gives its exact
Diagnostic, never a traceback; nothing reaches the site that should not."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from portal_gen.build import load_portal
from portal_gen.config import PortalConfig
from portal_gen.plugin_manager import get_plugin_manager
from portal_gen.vntime import parse_now
from tests.conftest import NOW

UNIT = "content/phuong-h"

#: TCVN3 (ABC) bytes of a few Vietnamese letters, as old Word documents store them.
TCVN3 = {
    "ô": b"\xab",
    "â": b"\xa9",
    "ư": b"\xad",
    "đ": b"\xae",
    "ê": b"\xaa",
    "á": b"\xb8",
    "ạ": b"\xb9",
    "ế": b"\xd5",
}


def to_tcvn3(text: str) -> bytes:
    return b"".join(TCVN3.get(char, char.encode("ascii", "replace")) for char in text)


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Word writes it: letters with their shape (â, ơ, ư...) precomposed,
    the five tones as combining marks after them."""
    out = b""
    for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", text), re.S):
        base, marks = cluster[0], cluster[1:]
        shapes = "".join(m for m in marks if m not in TONES)
        tones = "".join(m for m in marks if m in TONES)
        out += unicodedata.normalize("NFC", base + shapes).encode("cp1258") + tones.encode("cp1258")
    return out


EXPECTED = [
    ("content/don-vi-danh-sach/_unit.yml", 1, "error", "unit-not-mapping"),
    ("content/phuong-h-ban-sao", None, "error", "duplicate-unit"),
    (f"{UNIT}/bi-cat.md", 1, "error", "front-matter-unclosed"),
    (f"{UNIT}/bi-mat.txt", None, "error", "symlink-outside"),
    (f"{UNIT}/cp1258.md", 2, "error", "invalid-encoding"),
    (f"{UNIT}/dinh-kem.md", 6, "error", "attachment-outside"),
    (f"{UNIT}/dinh-kem.md", 7, "error", "attachment-absolute"),
    (f"{UNIT}/dinh-kem.md", 8, "error", "attachment-not-found"),
    (f"{UNIT}/han-truoc.md", 8, "error", "closes-before-opens"),
    (f"{UNIT}/khong-lo.md", None, "error", "document-too-large"),
    (f"{UNIT}/ngay-sai.md", 4, "error", "invalid-date"),
    (f"{UNIT}/ngay-sai.md", 5, "error", "invalid-date"),
    (f"{UNIT}/nul.md", 3, "error", "invalid-encoding"),
    (f"{UNIT}/rong.md", 1, "error", "missing-front-matter"),
    (f"{UNIT}/tab.md", 6, "error", "yaml-syntax"),
    (f"{UNIT}/tcvn3.md", 2, "error", "invalid-encoding"),
    (f"{UNIT}/trung-khoa.md", 5, "error", "duplicate-key"),
    (f"{UNIT}/yaml-hong.md", 6, "error", "yaml-syntax"),
]


@pytest.fixture
def hostile(copy_site: Callable[[str], Path], tmp_path: Path) -> Path:
    root = copy_site("hostile")
    unit = root / UNIT
    (unit / "nul.md").write_bytes(b"---\ntitle: A\ncategory: khac\x00\ndate: 2026-01-10\n---\n")
    text = "---\ntitle: Thông báo công khai ngân sách\ncategory: khac\ndate: 2026-01-10\n---\nNội dung.\n"
    (unit / "cp1258.md").write_bytes(to_cp1258(text))
    (unit / "tcvn3.md").write_bytes(to_tcvn3(text))
    body = "Nội dung rất dài. " * 1_200_000  # ~24 MB
    (unit / "khong-lo.md").write_text(
        f"---\ntitle: Rất lớn\ncategory: khac\ndate: 2026-01-10\n---\n{body}", encoding="utf-8"
    )
    secret = tmp_path / "bi-mat-ngoai.txt"
    secret.write_text("SECRET-OUTSIDE-91c2", encoding="utf-8")
    (unit / "bi-mat.txt").symlink_to(secret)
    (root / "content/phuong-h-ban-sao").symlink_to(unit, target_is_directory=True)
    return root


def test_every_problem_has_its_exact_diagnostic(hostile: Path, cli: Callable[..., Result]) -> None:
    result = cli("check", "--format", "json", "--now", NOW, cwd=hostile)
    assert result.exit_code == 1
    found = [(d["path"], d["line"], d["severity"], d["code"]) for d in json.loads(result.output)]
    assert found == EXPECTED


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (f"{UNIT}/cp1258.md", "Windows-1258"),
        (f"{UNIT}/tcvn3.md", "TCVN3"),
        (f"{UNIT}/tab.md", "TAB"),
        (f"{UNIT}/yaml-hong.md", "`]`"),
        (f"{UNIT}/nul.md", "NUL"),
    ],
)
def test_messages_name_the_problem(
    hostile: Path, cli: Callable[..., Result], path: str, words: str
) -> None:
    problems = json.loads(cli("check", "--format", "json", "--now", NOW, cwd=hostile).output)
    (problem,) = [p for p in problems if p["path"] == path]
    assert words in problem["message"]
    assert problem["hint"]


def test_valid_oddities_are_read_correctly(copy_site: Callable[[str], Path]) -> None:
    root = copy_site("hostile")
    config = PortalConfig(
        config_dir=root, docs_dir=root / "content", site_url="https://x.vn/", now=parse_now(NOW)
    )
    portal, _ = load_portal(config, get_plugin_manager(config, entry_points=False))
    docs = {d.src_uri.rsplit("/", 1)[-1]: d for d in portal.documents}
    assert docs["bom.md"].title == "Có BOM"
    from portal_gen.documents import read_body

    assert docs["crlf.md"].title == "Xuống dòng kiểu Windows"
    assert read_body(config, docs["crlf.md"]) == "Nội dung.\n"
    # text pasted in decomposed form (NFD) compares and sorts like composed text (NFC)
    assert docs["nfd.md"].title == unicodedata.normalize("NFC", "Kế hoạch sử dụng đất")
    assert docs["nfc.md"].title.startswith(docs["nfd.md"].title)
    assert sorted([docs["nfc.md"].title, docs["nfd.md"].title])[0] == docs["nfd.md"].title


def test_no_traceback_and_nothing_half_written(hostile: Path, cli: Callable[..., Result]) -> None:
    result = cli("build", "--now", NOW, cwd=hostile)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not (hostile / "site").exists()
    assert [p.name for p in hostile.iterdir() if p.name.startswith(".site")] == []


def test_without_the_broken_files_the_symlinked_secret_stays_out(
    hostile: Path, cli: Callable[..., Result]
) -> None:
    unit = hostile / UNIT
    for name in (
        "yaml-hong.md",
        "bi-cat.md",
        "tab.md",
        "trung-khoa.md",
        "rong.md",
        "nul.md",
        "cp1258.md",
        "tcvn3.md",
        "khong-lo.md",
        "dinh-kem.md",
        "ngay-sai.md",
        "han-truoc.md",
    ):
        (unit / name).unlink()
    (hostile / "content/don-vi-danh-sach").rename(hostile / "don-vi-danh-sach-cu")
    result = cli("build", "--now", NOW, "--strict", cwd=hostile)
    assert result.exit_code == 1  # the symlinks are still errors
    (hostile / "content/phuong-h-ban-sao").unlink()
    result = cli("build", "--now", NOW, cwd=hostile)
    assert result.exit_code == 1
    (unit / "bi-mat.txt").unlink()
    assert cli("build", "--now", NOW, cwd=hostile).exit_code == 0
    for path in (hostile / "site").rglob("*"):
        if path.is_file():
            assert b"SECRET-OUTSIDE-91c2" not in path.read_bytes()

"""End to end: build a tiny portal with `portal-gen build` and with `mkdocs build`, read the
output with an HTML parser, and check the build never loses or half-writes anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import Result

from tests.conftest import NOW, tree_bytes

MARKER = "MARKER-INTERNAL-7f3a"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def built(copy_site: Callable[[str], Path], cli: Callable[..., Result]) -> Path:
    root = copy_site("tiny")
    result = cli("build", "--now", NOW, "-d", str(root / "out"), cwd=root)
    assert result.exit_code == 0, result.output
    return root / "out"


def test_document_pages_live_at_unit_and_path(built: Path) -> None:
    page = soup(built / "phuong-a/du-toan-2026/index.html")
    assert page.find("h1").get_text(strip=True) == "Công khai dự toán ngân sách phường A năm 2026"
    meta = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl.portal-meta dt")
    }
    assert meta["Số ký hiệu"] == "01/QĐ-UBND"
    assert meta["Ngày ban hành"] == "02/01/2026"
    assert meta["Người ký"] == "Nguyễn Văn Ký"
    assert meta["Kỳ báo cáo"] == "Năm 2026"
    assert meta["Cơ quan ban hành"] == "Ủy ban nhân dân phường A"
    attachment = page.select_one(".portal-attachments a")
    assert attachment["href"] == "../files/du-toan-2026.csv"
    assert (built / "phuong-a/files/du-toan-2026.csv").is_file()
    crumbs = [a.get_text(strip=True) for a in page.select(".portal-breadcrumb a")]
    assert crumbs == ["Trang chủ", "Đơn vị", "Ủy ban nhân dân phường A"]


def test_draft_page_has_the_comment_banner(built: Path) -> None:
    page = soup(built / "phuong-a/du-thao-quy-che/index.html")
    banner = page.select_one("section[data-portal-comment]")
    assert banner is not None
    assert banner["data-opens"] == "2026-11-10T00:00:00+07:00"
    assert banner["data-closes"] == "2026-12-05T17:00:00+07:00"  # the extension's deadline
    assert banner["data-status"] == "open"
    period = banner.select_one(".portal-comment__period").get_text(" ", strip=True)
    assert "17:00 ngày 05/12/2026" in period and "(giờ Việt Nam)" in period
    mailto = banner.select_one('.portal-comment__how a[href^="mailto:"]')["href"]
    assert mailto.startswith(
        "mailto:vanphong@phuong-a.example.vn?subject=G%C3%B3p%20%C3%BD%20d%E1%BB%B1%20th%E1%BA%A3o"
    )
    history = banner.select_one(".portal-comment__history").get_text(" ", strip=True)
    assert (
        "Gia hạn đến 17:00 ngày 05/12/2026 (thông báo ngày 25/11/2026) — lý do: Theo đề nghị của Ủy ban MTTQ phường"
        in history
    )
    assert page.find("script", src="../../assets/portal/comment-status.js") is not None


def test_draft_and_result_link_to_each_other(built: Path) -> None:
    draft = soup(built / "phuong-a/du-thao-cu/index.html")
    banner = draft.select_one("section[data-portal-comment]")
    assert banner["data-status"] == "concluded"
    link = banner.select_one(".portal-comment__results a")
    assert link["href"] == "../ket-qua-du-thao-cu/"
    result = soup(built / "phuong-a/ket-qua-du-thao-cu/index.html")
    assert result.select_one(".portal-result-of a")["href"] == "../du-thao-cu/"


def test_internal_documents_and_their_files_never_reach_a_public_build(built: Path) -> None:
    assert not (built / "co-quan-b/noi-bo").exists()
    for path in built.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
    # the agency's public document is there
    assert (built / "co-quan-b/ke-hoach-cong-tac/index.html").is_file()


def test_internal_build_has_everything(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    result = cli(
        "build", "--now", NOW, "--audience", "internal", "-d", str(root / "intranet"), cwd=root
    )
    assert result.exit_code == 0, result.output
    page = soup(root / "intranet/co-quan-b/noi-bo/ke-khai-tai-san/index.html")
    assert MARKER in page.find("h1").get_text()
    assert (root / "intranet/co-quan-b/noi-bo/bang-ke-khai.csv").is_file()


def test_navigation_is_constant_and_units_have_pages(built: Path) -> None:
    home = soup(built / "index.html")
    nav = [a.get_text(" ", strip=True) for a in home.select("nav.md-nav--primary > ul > li > a")]
    assert nav == [
        "Trang chủ",
        "Tìm kiếm",
        "Đơn vị",
        "Lĩnh vực",
        "Lưu trữ",
        "Tình hình công khai",
        "Theo dõi",
        "Dữ liệu mở",
    ]
    units = soup(built / "don-vi/index.html")
    assert [a.get_text(strip=True) for a in units.select(".portal-units a")] == [
        "Phòng Thử nghiệm B",
        "Ủy ban nhân dân phường A",
    ]
    unit = soup(built / "phuong-a/index.html")
    assert "Phường A công khai thông tin" in unit.get_text()
    assert (
        unit.select_one('[data-status="open"] a').get_text(strip=True)
        == "Dự thảo Quy chế thực hiện dân chủ ở phường A"
    )
    open_rows = home.select("#dang-lay-y-kien ~ .portal-doclist [data-portal-comment]")
    assert [row.a.get_text(strip=True) for row in open_rows] == [
        "Dự thảo Quy chế thực hiện dân chủ ở phường A"
    ]


def test_theme_is_material_in_vietnamese_without_google_fonts(built: Path) -> None:
    home = soup(built / "index.html")
    assert home.html["lang"] == "vi"
    assert not home.find("link", href=lambda h: h and "fonts.googleapis.com" in h)


def test_build_info_records_the_next_status_change(built: Path) -> None:
    info = json.loads((built / "build-info.json").read_text())
    assert info["now"] == NOW
    assert info["next_change"] == "2026-12-05T17:00:00+07:00"


def test_portal_gen_build_and_mkdocs_build_make_the_same_site(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    env = {
        **os.environ,
        "PORTAL_NOW": NOW,
        "SOURCE_DATE_EPOCH": "1790000000",
        "NO_MKDOCS_2_WARNING": "1",
    }
    os.environ["SOURCE_DATE_EPOCH"] = env["SOURCE_DATE_EPOCH"]
    try:
        assert cli("build", "--now", NOW, "-d", str(root / "a"), cwd=root).exit_code == 0
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "b")],
        cwd=root,
        env=env,
        check=True,
    )
    a, b = tree_bytes(root / "a"), tree_bytes(root / "b")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_failed_build_leaves_the_previous_site_untouched(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    before = tree_bytes(root / "site")
    broken = root / "content/phuong-a/hong.md"
    broken.write_text("---\ntitle: Hỏng\ndate: 2024-02-30\ncategory: khac\n---\n", encoding="utf-8")
    result = cli("build", "--now", NOW, cwd=root)
    assert result.exit_code == 1
    assert "content/phuong-a/hong.md:3: lỗi [invalid-date]" in result.output
    assert tree_bytes(root / "site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []


def test_no_command_writes_into_content(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    before = tree_bytes(root / "content")
    for args in (["build", "--now", NOW], ["check"], ["check", "--format", "json"], ["plugins"]):
        cli(*args, cwd=root)
    assert tree_bytes(root / "content") == before

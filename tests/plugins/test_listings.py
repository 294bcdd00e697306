"""plugins/listings.py: home, units, unit, category and year pages, paginated, read with an
HTML parser; the navigation stays the same size whatever the portal holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import Result

from tests.conftest import NOW, build_portal, set_portal_options


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import MKDOCS_YML, write_files

    files: dict[str, str | bytes] = {
        "mkdocs.yml": MKDOCS_YML,
        "content/phuong-a/_unit.yml": "name: Ủy ban nhân dân phường A\ntype: phuong\n",
        "content/xa-b/_unit.yml": "name: Ủy ban nhân dân xã B\ntype: xa\n",
    }
    for n in range(1, 13):
        files[f"content/phuong-a/thuc-hien-{n:02d}.md"] = (
            f"---\ntitle: Báo cáo thực hiện ngân sách số {n:02d}\ncategory: ngan-sach-thuc-hien\n"
            f"date: 2026-{n:02d}-05\n---\n"
        )
    files["content/phuong-a/du-toan-2025.md"] = (
        "---\ntitle: Dự toán 2025\ncategory: ngan-sach-du-toan\ndate: 2025-01-05\n---\n"
    )
    files["content/xa-b/du-toan.md"] = (
        "---\ntitle: Dự toán xã B\ncategory: ngan-sach-du-toan\ndate: 2026-01-06\n---\n"
    )
    root = write_files(tmp_path_factory.mktemp("listings") / "portal", files)
    set_portal_options(root, listings={"per_page": 5})
    return build_portal(root, "--now", NOW)


def titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("a.portal-doclist__title")]


def test_category_page_gathers_sub_codes_across_units_and_paginates(site: Path) -> None:
    first = soup(site / "danh-muc/ngan-sach/index.html")
    assert first.h1.get_text(strip=True) == "Ngân sách, tài chính cấp xã"
    assert "14 văn bản, trang 1/3." in first.get_text(" ", strip=True)
    assert titles(first)[0] == "Báo cáo thực hiện ngân sách số 12"
    assert len(titles(first)) == 5
    pagination = first.select_one("nav.portal-pagination")
    assert pagination["aria-label"] == "Phân trang"
    assert pagination.select_one('[aria-current="page"]').get_text() == "1"
    assert pagination.select_one('a[rel="next"]')["href"] == "trang-2/"
    last = soup(site / "danh-muc/ngan-sach/trang-3/index.html")
    # newest first: 12..08 | 07..03 | 02, xã B (06/01), 01 (05/01), 2025
    assert titles(last) == [
        "Báo cáo thực hiện ngân sách số 02",
        "Dự toán xã B",
        "Báo cáo thực hiện ngân sách số 01",
        "Dự toán 2025",
    ]
    assert last.select_one('a[rel="prev"]')["href"] == "../trang-2/"
    assert last.select_one('a[rel="next"]') is None
    sub = soup(site / "danh-muc/ngan-sach-du-toan/index.html")
    assert sorted(titles(sub)) == ["Dự toán 2025", "Dự toán xã B"]
    crumbs = [a.get_text(strip=True) for a in sub.select(".portal-breadcrumb a")]
    assert crumbs == ["Trang chủ", "Lĩnh vực"]


def test_categories_index(site: Path) -> None:
    page = soup(site / "danh-muc/index.html")
    entries = {a.get_text(strip=True): a["href"] for a in page.select(".portal-categories a")}
    assert entries == {
        "Ngân sách, tài chính cấp xã": "ngan-sach/",
        "Dự toán ngân sách được HĐND quyết định": "ngan-sach-du-toan/",
        "Tình hình thực hiện dự toán ngân sách": "ngan-sach-thuc-hien/",
    }


def test_yearly_archive(site: Path) -> None:
    years = soup(site / "luu-tru/index.html")
    assert [a.get_text(strip=True) for a in years.select(".portal-years a")] == [
        "Năm 2026",
        "Năm 2025",
    ]
    assert "13 văn bản, trang 1/3." in soup(site / "luu-tru/2026/index.html").get_text(
        " ", strip=True
    )
    assert titles(soup(site / "luu-tru/2025/index.html")) == ["Dự toán 2025"]


def test_unit_page_by_category_and_year(site: Path) -> None:
    unit = soup(site / "phuong-a/index.html")
    (group,) = unit.select("#cong-khai ~ h3")
    assert group.get_text(strip=True) == "Ngân sách, tài chính cấp xã"
    listed = group.find_next("ul").select("a.portal-doclist__title")
    assert len(listed) == 5  # the newest five, then a pointer to the rest
    assert "8 văn bản khác" in group.find_next("p", class_="portal-more").get_text()
    years = {a.get_text(strip=True): a["href"] for a in unit.select("#theo-nam ~ ul a")}
    assert years == {"Năm 2026": "nam-2026/", "Năm 2025": "nam-2025/"}
    year = soup(site / "phuong-a/nam-2026/index.html")
    assert len(titles(year)) == 5
    assert [a.get_text(strip=True) for a in year.select(".portal-breadcrumb a")] == [
        "Trang chủ",
        "Đơn vị",
        "Ủy ban nhân dân phường A",
    ]
    assert (site / "phuong-a/nam-2026/trang-3/index.html").is_file()


def test_units_page_and_breadcrumbs(site: Path) -> None:
    units = soup(site / "don-vi/index.html")
    assert [a.get_text(strip=True) for a in units.select(".portal-units a")] == [
        "Ủy ban nhân dân phường A",
        "Ủy ban nhân dân xã B",
    ]
    doc = soup(site / "phuong-a/thuc-hien-01/index.html")
    assert [a["href"] for a in doc.select(".portal-breadcrumb a")] == [
        "../..",  # MkDocs writes the site root without a trailing slash
        "../../don-vi/",
        "../",
    ]


def test_navigation_does_not_grow_with_documents(
    site: Path, make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    def nav(html: Path) -> list[str]:
        return [
            a.get_text(" ", strip=True)
            for a in soup(html).select("nav.md-nav--primary > ul > li > a")
        ]

    small = make_portal(
        {"content/phuong-thu/a.md": "---\ntitle: A\ncategory: khac\ndate: 2026-01-01\n---\n"}
    )
    assert cli("build", "--now", NOW, cwd=small).exit_code == 0
    assert nav(small / "site/index.html") == nav(site / "index.html")
    assert nav(site / "phuong-a/thuc-hien-01/index.html") == nav(site / "index.html")

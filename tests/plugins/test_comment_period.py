"""plugins/comment_period.py: banner wording and attributes in every state, read with an
HTML parser; statuses with results; the rebuild hint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import Result

NOW = "2026-11-22T09:00:00+07:00"

UNIT = """\
name: Ủy ban nhân dân phường Thử
type: phuong
address: Số 2 đường Thử
phone: "0274 3111 222"
email: vp@thu.example.vn
"""


def draft(title: str, opens: str, closes: str, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\nkind: draft\ncategory: yk-quy-che-dan-chu\ndate: {opens[:10]}\n"
        f'number: "12/UBND"\ncomment:\n  opens: {opens}\n  closes: {closes}\n'
        f"  email: gopy@thu.example.vn\n  address: Bộ phận Một cửa\n  contact: Ông Lê Văn Nhận\n{extra}---\nNội dung.\n"
    )


FILES = {
    "content/phuong-thu/_unit.yml": UNIT,
    "content/phuong-thu/sap-toi.md": draft("Dự thảo sắp tới", "2026-12-01", "2026-12-31"),
    "content/phuong-thu/dang-mo.md": draft("Dự thảo đang mở", "2026-11-01", "2026-12-10"),
    "content/phuong-thu/vua-dong.md": draft("Dự thảo vừa đóng", "2026-10-01", "2026-11-10 17:00"),
    "content/phuong-thu/qua-han.md": draft(
        "Dự thảo quá hạn kết quả", "2026-08-01", "2026-09-01 00:00"
    ),
    "content/phuong-thu/da-xong.md": draft(
        "Dự thảo đã có kết quả", "2026-09-01", "2026-09-30 17:00"
    ),
    "content/phuong-thu/ket-qua.md": (
        "---\ntitle: Báo cáo tổng hợp ý kiến\nkind: result\ndate: 2026-10-10\nresult_of: da-xong.md\n---\nKết quả.\n"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import MKDOCS_YML, build_portal, write_files

    root = write_files(
        tmp_path_factory.mktemp("comment") / "portal", {"mkdocs.yml": MKDOCS_YML, **FILES}
    )
    return build_portal(root, "--now", NOW)


def banner(site: Path, name: str) -> BeautifulSoup:
    page = BeautifulSoup((site / f"phuong-thu/{name}/index.html").read_text(), "html.parser")
    found = page.select_one("section[data-portal-comment]")
    assert found is not None
    return found


def shown(banner: BeautifulSoup) -> list[str]:
    """The texts the stylesheet shows for the banner's data-status."""
    status = banner["data-status"]
    return [
        " ".join(el.get_text(" ", strip=True).split())
        for el in banner.select("[data-when]")
        if status in el["data-when"].split()
    ]


def test_upcoming(site: Path) -> None:
    b = banner(site, "sap-toi")
    assert b["data-status"] == "upcoming"
    assert b["data-opens"] == "2026-12-01T00:00:00+07:00"
    assert b["data-closes"] == "2026-12-31T23:59:59+07:00"
    assert "Chưa đến thời gian nhận góp ý. Cổng sẽ nhận góp ý từ ngày 01/12/2026." in shown(b)
    assert shown(b)[0] == "Sắp lấy ý kiến Nhân dân"


def test_open_with_date_only_deadline(site: Path) -> None:
    b = banner(site, "dang-mo")
    assert b["data-status"] == "open"
    period = b.select_one(".portal-comment__period").get_text(" ", strip=True)
    assert " ".join(period.split()) == (
        "Thời hạn góp ý: từ ngày 01/11/2026 đến 23:59 ngày 10/12/2026 (giờ Việt Nam)."
    )
    assert b["data-days-left"] == "18"
    left = b.select_one(".portal-comment__left")
    assert left.select_one('[data-fill="days-left"]').get_text() == "18"
    # 23/11 → 10/12: 14 weekdays, less 24/11 (Ngày Văn hóa Việt Nam)
    assert left.select_one('[data-fill="working-days-left"]').get_text() == "13"
    assert b["data-closing-soon"] == "false"
    mailto = urlsplit(b.select_one('.portal-comment__how a[href^="mailto:"]')["href"])
    assert mailto.path == "gopy@thu.example.vn"
    assert parse_qs(mailto.query)["subject"] == ["Góp ý dự thảo: Dự thảo đang mở (số 12/UBND)"]
    how = b.select_one(".portal-comment__how").get_text(" ", strip=True)
    for expected in (
        "Bộ phận Một cửa",
        "Ông Lê Văn Nhận",
        "Số 2 đường Thử",
        "0274 3111 222",
        "vp@thu.example.vn",
    ):
        assert expected in how
    assert b.select_one('a[href="tel:02743111222"]') is not None


def test_closed_is_being_compiled(site: Path) -> None:
    b = banner(site, "vua-dong")
    assert (b["data-status"], b["data-overdue"]) == ("closed", "false")
    assert shown(b)[0] == "Đã hết hạn góp ý"
    assert shown(b)[1].startswith("Đã hết thời hạn góp ý. Cơ quan đang tổng hợp ý kiến")
    assert b.select_one(".portal-comment__how")["data-when"] == "upcoming open"


def test_overdue_and_never_midnight(site: Path) -> None:
    b = banner(site, "qua-han")
    assert (b["data-status"], b["data-overdue"]) == ("closed", "true")
    period = b.select_one(".portal-comment__period").get_text(" ", strip=True)
    assert "23:59 ngày 31/08/2026" in period and "00:00" not in period
    assert b["data-closes"] == "2026-09-01T00:00:00+07:00"
    assert "quá hạn công bố (52 ngày)" in b.select_one(".portal-comment__overdue").get_text()


def test_concluded_links_the_result(site: Path) -> None:
    b = banner(site, "da-xong")
    assert b["data-status"] == "concluded"
    link = b.select_one(".portal-comment__results a")
    assert (link.get_text(strip=True), link["href"]) == ("Báo cáo tổng hợp ý kiến", "../ket-qua/")
    result = BeautifulSoup((site / "phuong-thu/ket-qua/index.html").read_text(), "html.parser")
    back = result.select_one(".portal-result-of")
    assert back.a["href"] == "../da-xong/"
    assert "từ ngày 01/09/2026 đến 17:00 ngày 30/09/2026" in " ".join(
        back.get_text(" ", strip=True).split()
    )


def test_home_and_announcement_list_open_drafts_only(site: Path) -> None:
    home = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    rows = home.select("#dang-lay-y-kien ~ .portal-doclist > li")
    assert [r.a.get_text(strip=True) for r in rows] == ["Dự thảo đang mở"]
    assert rows[0]["data-closes"] == "2026-12-10T23:59:59+07:00"
    bar = home.select(".portal-announce [data-portal-comment]")
    assert [item.a.get_text(strip=True) for item in bar] == ["Dự thảo đang mở"]


def test_unit_page_groups_drafts_by_status(site: Path) -> None:
    unit = BeautifulSoup((site / "phuong-thu/index.html").read_text(), "html.parser")
    section = unit.select_one("#du-thao").parent
    groups = {
        h3.get_text(strip=True): [
            a.get_text(strip=True) for a in h3.find_next("ul").select("a.portal-doclist__title")
        ]
        for h3 in section.select("h3")
    }
    assert groups == {
        "Đang lấy ý kiến": ["Dự thảo đang mở"],
        "Sắp lấy ý kiến": ["Dự thảo sắp tới"],
        "Đã hết hạn, đang tổng hợp ý kiến": ["Dự thảo vừa đóng", "Dự thảo quá hạn kết quả"],
        "Đã công bố kết quả": ["Dự thảo đã có kết quả"],
    }


def test_rebuild_hint_is_the_next_status_change(site: Path) -> None:
    info = json.loads((site / "build-info.json").read_text())
    # the upcoming draft opens on 1 December (before 10 December or the overdue dates)
    assert info["next_change"] == "2026-12-01T00:00:00+07:00"


def test_a_result_dated_after_now_does_not_conclude_yet(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal(
        {
            "content/phuong-thu/d.md": draft("D", "2026-10-01", "2026-10-31"),
            "content/phuong-thu/r.md": "---\ntitle: R\nkind: result\ndate: 2026-12-01\nresult_of: d.md\n---\n",
        }
    )
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    b = BeautifulSoup((root / "site/phuong-thu/d/index.html").read_text(), "html.parser")
    assert b.select_one("section[data-portal-comment]")["data-status"] == "closed"
    info = json.loads((root / "site/build-info.json").read_text())
    assert info["next_change"] == "2026-11-30T23:59:59+07:00"  # result due 30 days after 31/10

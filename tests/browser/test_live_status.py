"""In a real headless Chromium: a page built with --now in the past shows the status for
the browser's clock (fixed by the test) before, during and after the comment period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from portal_gen.vntime import parse_now

pytestmark = pytest.mark.browser

BUILT_AT = "2026-11-01T08:00"  # before the tiny portal's draft opens (10/11/2026)
DRAFT = "phuong-a/du-thao-quy-che/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import SITES, build_portal

    root = tmp_path_factory.mktemp("live") / "tiny"
    shutil.copytree(SITES / "tiny", root)
    return build_portal(root, "--now", BUILT_AT)


def open_at(browser: object, url: str, clock: str) -> object:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.clock.set_fixed_time(parse_now(clock))
    page.goto(url)
    page.wait_for_function(
        "document.querySelector('section[data-portal-comment]').dataset.live === 'true'"
    )
    return page


def banner_state(page: object) -> dict[str, str | None]:
    return page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const b = document.querySelector('section[data-portal-comment]');
          const visible = [...b.querySelectorAll('[data-when]')]
            .filter(e => e.offsetParent !== null).map(e => e.innerText.trim().replace(/\\s+/g, ' '));
          return {status: b.dataset.status, days: b.dataset.daysLeft, soon: b.dataset.closingSoon,
                  overdue: b.dataset.overdue, visible: visible.join(' | '),
                  asof: getComputedStyle(b.querySelector('.portal-comment__asof')).display};
        }"""
    )


def test_build_time_status_without_javascript(site: Path) -> None:
    from bs4 import BeautifulSoup

    banner = BeautifulSoup((site / DRAFT / "index.html").read_text(), "html.parser").select_one(
        "section[data-portal-comment]"
    )
    assert banner["data-status"] == "upcoming"
    assert "Trạng thái được tính lúc 08:00 ngày 01/11/2026" in banner.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("clock", "status", "days", "text"),
    [
        ("2026-11-09T23:59:59", "upcoming", "", "Sắp lấy ý kiến Nhân dân"),
        ("2026-11-10T00:00:00", "open", "25", "Đang lấy ý kiến Nhân dân"),
        ("2026-12-03T10:00:00", "open", "2", "Đang lấy ý kiến Nhân dân"),
        ("2026-12-05T16:59:59", "open", "0", "Đang lấy ý kiến Nhân dân"),
        ("2026-12-05T17:00:01", "closed", "", "Đã hết hạn góp ý"),
        ("2027-01-10T09:00:00", "closed", "", "Đã hết hạn góp ý"),
    ],
)
def test_live_status_follows_the_browser_clock(
    browser: object,
    serve: Callable[[Path], str],
    site: Path,
    clock: str,
    status: str,
    days: str,
    text: str,
) -> None:
    page = open_at(browser, serve(site) + DRAFT, clock)
    state = banner_state(page)
    assert state["status"] == status
    assert state["days"] == days
    assert state["visible"].startswith(text)
    assert state["asof"] == "none"  # "computed at build time" note hidden once live
    page.close()  # type: ignore[attr-defined]


def test_countdown_and_closing_soon(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    page = open_at(browser, serve(site) + DRAFT, "2026-12-03T10:00:00")
    state = banner_state(page)
    assert state["soon"] == "true"
    # Thursday 3 Dec → Saturday 5 Dec 17:00: Friday is the only working day left
    assert "Còn 2 ngày (1 ngày làm việc) Sắp hết hạn: hãy gửi góp ý sớm." in state["visible"]
    assert "Hôm nay là ngày cuối cùng" not in state["visible"]
    page.close()  # type: ignore[attr-defined]
    page = open_at(browser, serve(site) + DRAFT, "2026-11-20T10:00:00")  # Friday
    state = banner_state(page)
    assert state["soon"] == "false"
    # 10 weekdays, less Tuesday 24/11/2026 (Ngày Văn hóa Việt Nam, a day off from 2026)
    assert "Còn 15 ngày (9 ngày làm việc)" in state["visible"]
    assert "Sắp hết hạn" not in state["visible"]
    page.close()  # type: ignore[attr-defined]


def test_last_day(browser: object, serve: Callable[[Path], str], site: Path) -> None:
    page = open_at(browser, serve(site) + DRAFT, "2026-12-05T09:00:00")
    visible = banner_state(page)["visible"]
    assert "Hôm nay là ngày cuối cùng nhận góp ý." in visible and "Còn 0 ngày" not in visible
    page.close()  # type: ignore[attr-defined]


def test_overdue_result_is_flagged_live(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    # 30 days after the extended deadline of 05/12/2026 17:00
    page = open_at(browser, serve(site) + DRAFT, "2027-01-04T17:00:01")
    assert banner_state(page)["overdue"] == "true"
    assert page.locator(".portal-comment__overdue").is_visible()  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_listing_rows_and_announcement_update(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.clock.set_fixed_time(datetime.fromisoformat("2026-11-15T09:00:00+07:00"))
    page.goto(serve(site) + "phuong-a/")
    page.wait_for_function("document.querySelector('[data-portal-comment][data-live]') !== null")
    row = page.locator(".portal-doclist__item[data-portal-comment]").first
    assert row.get_attribute("data-status") == "open"
    assert row.locator(".portal-status [data-when='open']").is_visible()
    page.close()

"""The whole demo works under a strict Content-Security-Policy (no inline script or style,
nothing from elsewhere): hosts can send the header docs/deploy.md recommends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import NOW

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

PAGES = [
    "",
    "don-vi/",
    "phuong-binh-an/",
    "phuong-binh-an/du-thao-phuong-an-trat-tu-via-he/",
    "phuong-binh-an/ngan-sach/du-toan-2026/",
    "phuong-binh-an/phi-le-phi-2026/",
    "danh-muc/ngan-sach/",
    "tinh-hinh-cong-khai/",
    "theo-doi/",
    "du-lieu/",
    "huong-dan/",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from portal_gen.cli import main

    target = tmp_path_factory.mktemp("csp") / "site"
    result = CliRunner().invoke(
        main, ["build", "-f", str(ROOT / "mkdocs.yml"), "--now", NOW, "-d", str(target)]
    )
    assert result.exit_code == 0, result.output
    return target


def test_no_violation_and_every_script_still_works(
    browser: object, serve: Callable[..., str], demo: Path
) -> None:
    base = serve(demo, csp=True)
    violations: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    # the live status script ran
    page.goto(base + "phuong-binh-an/du-thao-phuong-an-trat-tu-via-he/")
    page.wait_for_selector("section[data-portal-comment][data-live=true]", state="attached")
    # search (reads gzip files with DecompressionStream)
    page.goto(base + "tim-kiem/?q=ngan+sach")
    page.wait_for_selector("[data-search-status]:text-matches('^Tìm thấy')")
    # the QR code of the print sheet (a script loaded on demand)
    page.goto(base + "phuong-binh-an/phi-le-phi-2026/")
    page.click("[data-portal-print]")
    page.wait_for_selector("[data-portal-qr][data-drawn=true]", state="attached")
    page.close()
    assert violations == []


def test_meta_policy_for_hosts_without_headers(
    browser: object, serve: Callable[..., str], tmp_path: Path
) -> None:
    """With `security: {csp_meta: true}` the policy travels in the page and still breaks nothing."""
    import shutil

    from bs4 import BeautifulSoup

    from tests.conftest import SITES, build_portal, set_portal_options

    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root)
    set_portal_options(root, security={"csp_meta": True})
    site = build_portal(root, "--now", NOW)
    meta = BeautifulSoup((site / "index.html").read_text(), "html.parser").find(
        "meta", attrs={"http-equiv": "Content-Security-Policy"}
    )
    assert meta is not None and "script-src 'self';" in meta["content"]
    assert "frame-ancestors" not in meta["content"]
    violations: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(serve(site) + "phuong-a/du-thao-quy-che/")
    page.wait_for_selector("section[data-portal-comment][data-live=true]", state="attached")
    page.close()
    assert violations == []

"""The reader's portal in headless Chromium: accessibility (axe-core), privacy (no request
leaves the site), keyboard use, the printed notice-board sheet and its QR code, sub-paths."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import NOW

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "home": "",
    "units": "don-vi/",
    "unit": "phuong-binh-an/",
    "category": "danh-muc/ngan-sach/",
    "year": "luu-tru/2026/",
    "document": "phuong-binh-an/phi-le-phi-2026/",
    "draft": "phuong-binh-an/du-thao-phuong-an-trat-tu-via-he/",
    "concluded draft": "phuong-binh-an/du-thao-nghi-quyet-dan-chu-co-so/",
    "compliance": "tinh-hinh-cong-khai/",
    "unit compliance": "phuong-binh-an/tinh-hinh-cong-khai/",
    "quarterly list": "phuong-binh-an/danh-sach-cong-khai/",
}


def build_demo(target: Path) -> Path:
    from click.testing import CliRunner

    from portal_gen.cli import main

    result = CliRunner().invoke(
        main, ["build", "-f", str(ROOT / "mkdocs.yml"), "--now", NOW, "-d", str(target)]
    )
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "site")


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(
    browser: object, serve: Callable[[Path], str], demo: Path, name: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(demo) + PAGES[name])
    violations = Axe().run(page).response["violations"]
    page.close()
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_no_request_leaves_the_site(
    browser: object, serve: Callable[[Path], str], demo: Path
) -> None:
    base = serve(demo)
    origin = urlsplit(base).netloc
    requests: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on("request", lambda request: requests.append(request.url))
    page.evaluate("() => 0")
    for path in PAGES.values():
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    page.goto(base + PAGES["document"])
    page.evaluate("window.print = () => { window.__printed = true }")
    page.click("[data-portal-print]")
    page.wait_for_function("window.__printed === true")
    page.close()
    outside = sorted(
        {url for url in requests if urlsplit(url).netloc != origin and not url.startswith("data:")}
    )
    assert outside == []
    assert len(requests) > len(PAGES)


def test_keyboard_reaches_content_and_the_print_button(
    browser: object, serve: Callable[[Path], str], demo: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(demo) + PAGES["document"])
    page.keyboard.press("Tab")
    # Material's "skip to content" link comes first
    first = page.evaluate(
        "[[...document.activeElement.classList], document.activeElement.getAttribute('href')]"
    )
    assert "md-skip" in first[0] and first[1].startswith("#")
    page.evaluate("window.print = () => { window.__printed = true }")
    page.focus("[data-portal-print]")
    page.keyboard.press("Enter")
    page.wait_for_function("window.__printed === true")
    page.close()


def test_print_sheet_hides_navigation_and_carries_a_scannable_qr_code(
    browser: object, serve: Callable[[Path], str], demo: Path, tmp_path: Path
) -> None:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("zbarimg not installed (apt-get install zbar-tools)")
    page = browser.new_page(viewport={"width": 800, "height": 1100})  # type: ignore[attr-defined]
    page.goto(serve(demo) + PAGES["document"])
    page.evaluate("window.print = () => { window.__printed = true }")
    page.click("[data-portal-print]")
    page.wait_for_function("window.__printed === true")
    page.emulate_media(media="print")
    for hidden in (
        ".md-header",
        ".md-sidebar--primary",
        ".md-footer",
        ".portal-breadcrumb",
        "[data-portal-print]",
    ):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator(".portal-print-unit").is_visible()
    posting = page.locator(".portal-print-posting").inner_text()
    assert (
        posting
        == "Niêm yết ít nhất 30 ngày liên tục: từ ngày 15/01/2026 đến hết ngày 13/02/2026 (Điều 13 khoản 2)."
    )
    page.locator("[data-portal-qr]").screenshot(path=str(tmp_path / "qr.png"))
    page.close()
    decoded = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(tmp_path / "qr.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert decoded.stdout.strip() == "https://congkhai.example.vn/phuong-binh-an/phi-le-phi-2026/"


def test_readers_who_do_not_print_download_no_qr_library(
    browser: object, serve: Callable[[Path], str], demo: Path
) -> None:
    requests: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on("request", lambda request: requests.append(request.url))
    page.goto(serve(demo) + PAGES["document"])
    page.wait_for_load_state("networkidle")
    page.close()
    assert not [url for url in requests if "qrcode" in url]


def test_site_works_from_a_sub_path(
    browser: object, serve: Callable[[Path], str], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from portal_gen.cli import main

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "site_url: https://congkhai.example.vn/", "site_url: https://tinh.example.vn/cong-khai/"
    )
    (tmp_path / "mkdocs.yml").write_text(
        config.replace("docs_dir: content", f"docs_dir: {ROOT / 'content'}"), encoding="utf-8"
    )
    root = tmp_path / "www"
    result = CliRunner().invoke(
        main,
        ["build", "-f", str(tmp_path / "mkdocs.yml"), "--now", NOW, "-d", str(root / "cong-khai")],
    )
    assert result.exit_code == 0, result.output
    base = serve(root) + "cong-khai/"
    failures: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on(
        "response",
        lambda response: failures.append(response.url) if response.status >= 400 else None,
    )
    for path in PAGES.values():
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    page.goto(base)
    page.click("a.portal-doclist__title >> nth=0")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(base)
    qr_url = page.evaluate("document.querySelector('[data-portal-qr]').dataset.url")
    page.close()
    assert failures == []
    assert qr_url.startswith("https://tinh.example.vn/cong-khai/")

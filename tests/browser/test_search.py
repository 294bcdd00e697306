"""Vietnamese search in a real browser: with or without diacritics, including đ."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MKDOCS_YML, NOW, build_portal, write_files

pytestmark = pytest.mark.browser

DOCS = {
    "dat-dai": (
        "Kế hoạch sử dụng đất đai năm 2026",
        "Quy hoạch, kế hoạch sử dụng đất đai của phường.",
    ),
    "da-nang": (
        "Đoàn công tác học tập kinh nghiệm tại Đà Nẵng",
        "Chuyến học tập mô hình chợ văn minh.",
    ),
    "duong": ("Sửa chữa đường giao thông khu phố 3", "Thảm nhựa mặt đường, lắp đèn chiếu sáng."),
    "dang": ("Quy chế làm việc của Đảng ủy phường", "Nội dung quy chế."),
    "ngan-sach": ("Công khai dự toán ngân sách năm 2026", "Số liệu dự toán thu chi."),
    "ha-noi": ("Hội nghị tập huấn tại Hà Nội", "Nội dung hội nghị."),
    "rong": ("Danh mục tài liệu đính kèm", ""),
}
DRAFT = (
    "---\ntitle: Dự thảo quy chế chợ Xuânthu\nkind: draft\ncategory: yk-khac\ndate: 2026-11-01\n"
    "comment:\n  opens: 2026-11-01\n  closes: 2026-12-01\n  contact: Ông Khổng Minh\n---\nNội dung dự thảo.\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files: dict[str, str | bytes] = {
        "mkdocs.yml": MKDOCS_YML,
        "content/phuong-thu/_unit.yml": "name: Ủy ban nhân dân phường Thử\ntype: phuong\n",
    }
    for slug, (title, body) in DOCS.items():
        files[f"content/phuong-thu/{slug}.md"] = (
            f"---\ntitle: {title}\ncategory: khac\ndate: 2026-03-01\n---\n{body}\n"
        )
    files["content/phuong-thu/du-thao.md"] = DRAFT
    root = write_files(tmp_path_factory.mktemp("search") / "portal", files)
    return build_portal(root, "--now", NOW)


def search(page: object, query: str) -> list[str]:
    page.fill("#portal-search-q", query)  # type: ignore[attr-defined]
    page.click(".portal-search button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "/^(Tìm thấy|Không tìm thấy)/.test(document.querySelector('[data-search-status]').textContent)"
    )
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "[data-search-results] h2 a", "links => links.map(a => a.textContent)"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dat dai", "Kế hoạch sử dụng đất đai năm 2026"),
        ("đất đai", "Kế hoạch sử dụng đất đai năm 2026"),
        ("da nang", "Đoàn công tác học tập kinh nghiệm tại Đà Nẵng"),
        ("Đà Nẵng", "Đoàn công tác học tập kinh nghiệm tại Đà Nẵng"),
        ("duong giao thong", "Sửa chữa đường giao thông khu phố 3"),
        ("dang uy", "Quy chế làm việc của Đảng ủy phường"),
        ("ngan sach", "Công khai dự toán ngân sách năm 2026"),
        ("ha noi", "Hội nghị tập huấn tại Hà Nội"),
        ("tai lieu dinh kem", "Danh mục tài liệu đính kèm"),
    ],
)
def test_queries_with_or_without_diacritics(
    browser: object, serve: Callable[[Path], str], site: Path, query: str, expected: str
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    results = search(page, query)
    page.close()
    assert results[:1] == [expected]


def test_no_result_and_query_in_the_address(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/?q=xyzzy")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.length > 0")
    page.wait_for_function(
        "!/Đang tìm/.test(document.querySelector('[data-search-status]').textContent)"
    )
    assert page.inner_text("[data-search-status]") == "Không tìm thấy văn bản nào cho “xyzzy”."
    page.close()


def test_home_search_form_leads_to_results(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site))
    page.fill("#portal-home-q", "dat dai")
    page.press("#portal-home-q", "Enter")
    page.wait_for_function(
        "/^Tìm thấy/.test(document.querySelector('[data-search-status]')?.textContent || '')"
    )
    first = page.eval_on_selector(
        "[data-search-results] h2 a", "a => [a.textContent, new URL(a.href).pathname]"
    )
    page.close()
    assert first == ["Kế hoạch sử dụng đất đai năm 2026", "/phuong-thu/dat-dai/"]


def test_the_status_banner_is_not_indexed(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    """Statuses change after the build: their wording must not be frozen into the index."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    assert search(page, "xuanthu") == ["Dự thảo quy chế chợ Xuânthu"]
    assert search(page, "Khổng") == []  # only in the banner's "how to comment"
    page.close()


def test_index_is_sharded_and_merged(
    tmp_path: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    import json

    from tests.conftest import build_portal, set_portal_options

    files: dict[str, str | bytes] = {"mkdocs.yml": MKDOCS_YML}
    for unit in range(3):
        files[f"content/xa-{unit}/_unit.yml"] = f"name: Ủy ban nhân dân xã {unit}\ntype: xa\n"
        for n in range(30):
            files[f"content/xa-{unit}/van-ban-{n}.md"] = (
                f"---\ntitle: Văn bản {n} của xã {unit} về đất đai\ncategory: khac\ndate: 2026-03-01\n---\nNội dung {n}.\n"
            )
    root = write_files(tmp_path / "portal", files)
    set_portal_options(root, search={"shard_size": 50})
    site = build_portal(root, "--now", NOW)
    bundles = json.loads((site / "pagefind/shards.json").read_text())["bundles"]
    assert len(bundles) == 3  # 90 documents, 30 a unit, at most 50 a shard
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    results = search(page, "dat dai")
    status = page.inner_text("[data-search-status]")
    page.close()
    # 90 matches can only come from all three shards; 30 are shown
    assert status == "Tìm thấy 90 văn bản cho “dat dai”, hiển thị 30 kết quả đầu."
    assert len(results) == 30

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


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three units of 20 documents in shards of at most 50: the first two share one."""
    from tests.conftest import set_portal_options

    files: dict[str, str | bytes] = {"mkdocs.yml": MKDOCS_YML}
    for unit in range(3):
        files[f"content/xa-{unit}/_unit.yml"] = f"name: Ủy ban nhân dân xã {unit}\ntype: xa\n"
        for n in range(20):
            files[f"content/xa-{unit}/van-ban-{n}.md"] = (
                f"---\ntitle: Văn bản {n} của xã {unit} về đất đai\ncategory: khac\ndate: 2026-03-01\n---\nNội dung {n}.\n"
            )
    root = write_files(tmp_path_factory.mktemp("sharded") / "portal", files)
    set_portal_options(root, search={"shard_size": 50})
    return build_portal(root, "--now", NOW)


def test_index_is_sharded_and_merged(
    sharded: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    import json

    from plugins.search import unit_word

    bundles = json.loads((sharded / "pagefind/shards.json").read_text())["bundles"]
    assert len(bundles) == 2  # 60 documents, 20 a unit, at most 50 a shard, units whole
    units = {path.stem: json.loads(path.read_text()) for path in sharded.glob("pagefind/don-vi/*")}
    assert units == {
        f"xa-{unit}": {
            "name": f"Ủy ban nhân dân xã {unit}",
            "word": unit_word(f"xa-{unit}"),
            "bundles": [bundles[unit // 2]],
        }
        for unit in range(3)
    }
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(sharded) + "tim-kiem/")
    results = search(page, "dat dai")
    status = page.inner_text("[data-search-status]")
    page.close()
    # 60 matches can only come from both shards; 30 are shown
    assert status == "Tìm thấy 60 văn bản cho “dat dai”, hiển thị 30 kết quả đầu."
    assert len(results) == 30


def test_a_unit_s_search_downloads_its_shard_alone(
    sharded: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    """From the unit's page: the results are the unit's (not those of the unit sharing its
    shard), and no other shard is fetched."""
    import json

    bundles = json.loads((sharded / "pagefind/shards.json").read_text())["bundles"]
    fetched: set[str] = set()
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on(
        "request",
        lambda request: fetched.update(
            name for name in bundles if f"/pagefind/{name}" in request.url
        ),
    )
    page.goto(serve(sharded) + "xa-1/")
    page.fill("#portal-unit-q", "dat dai")
    page.press("#portal-unit-q", "Enter")
    page.wait_for_function(
        "/^Tìm thấy/.test(document.querySelector('[data-search-status]')?.textContent || '')"
    )
    status = page.inner_text("[data-search-status]")
    titles = page.eval_on_selector_all(
        "[data-search-results] h2 a", "links => links.map(a => a.textContent)"
    )
    texts = page.eval_on_selector_all(
        "[data-search-results] li", "items => items.map(li => li.textContent)"
    )
    scope = page.inner_text("[data-search-scope]")
    hint_hidden = page.eval_on_selector("[data-search-hint]", "p => p.hidden")
    whole = page.eval_on_selector("[data-search-scope] a", "a => a.href")
    assert "don-vi=xa-1" in page.url  # the address keeps the scope
    scoped = set(fetched)
    page.goto(whole)  # "search the whole portal" keeps the query
    page.wait_for_function(
        "/^Tìm thấy/.test(document.querySelector('[data-search-status]')?.textContent || '')"
    )
    everywhere = page.inner_text("[data-search-status]")
    hidden = page.eval_on_selector("[data-search-scope]", "p => p.hidden")
    hint_shown = page.is_visible("[data-search-hint]")
    page.close()
    assert status == "Tìm thấy 20 văn bản của Ủy ban nhân dân xã 1 cho “dat dai”."
    assert len(titles) == 20 and all("của xã 1 " in title for title in titles)
    assert not [text for text in texts if "zdv" in text]  # the unit's word is not shown
    assert scoped == {bundles[0]}
    assert fetched == set(bundles)  # and the whole portal's search, all of them
    assert scope == "Chỉ tìm trong văn bản của Ủy ban nhân dân xã 1. Tìm trong toàn cổng"
    assert hidden  # no scope note for the whole portal
    assert hint_hidden and hint_shown  # the hint to search from a unit's page, when useful
    assert everywhere == "Tìm thấy 60 văn bản cho “dat dai”, hiển thị 30 kết quả đầu."


def test_a_search_within_a_unit_without_documents_says_it_searched_everything(
    sharded: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(sharded) + "tim-kiem/?don-vi=xa-khong-co&q=dat%20dai")
    page.wait_for_function(
        "/^Tìm thấy/.test(document.querySelector('[data-search-status]')?.textContent || '')"
    )
    status = page.inner_text("[data-search-status]")
    scope = page.inner_text("[data-search-scope]")
    page.close()
    assert status == "Tìm thấy 60 văn bản cho “dat dai”, hiển thị 30 kết quả đầu."
    assert scope == (
        "Chưa có văn bản nào của đơn vị “xa-khong-co” để tìm: kết quả dưới đây là của toàn cổng."
    )

"""Vietnamese search in a real browser: with or without diacritics, including đ."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

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
    "ban-giao": ("Biên bản bàn giao mặt bằng", "Hai bên ký biên bản."),
    "ban-dau-gia": ("Thông báo bán đấu giá tài sản", "Tài sản gồm một xe ô tô."),
    "phan-mem": ("Hướng dẫn dùng phần mềm một cửa", "Mục constructor của biểu mẫu."),
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


def test_a_word_typed_with_its_marks_ranks_those_marks_first(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    """ "ban" is also "bán", "bàn", "bản": without marks all are found; with them, the
    documents written so come first."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    sold, handed, bare = search(page, "bán"), search(page, "bàn"), search(page, "ban")
    page.close()
    assert sold[0] == "Thông báo bán đấu giá tài sản"
    assert handed[0] == "Biên bản bàn giao mặt bằng"
    assert sorted(sold) == sorted(handed) == sorted(bare)  # the others still found, after


def test_title_words_rank_first_and_the_last_word_finds_longer_ones(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    market = search(page, "chợ")
    begun = search(page, "xuan")
    not_last = search(page, "xuan quy")
    page.close()
    # in the draft's title, in the other's text only
    assert market == [
        "Dự thảo quy chế chợ Xuânthu",
        "Đoàn công tác học tập kinh nghiệm tại Đà Nẵng",
    ]
    assert begun == ["Dự thảo quy chế chợ Xuânthu"]  # "Xuânthu" begins with "xuan"
    assert not_last == []  # only the last word may be the beginning of one


def test_a_word_that_names_a_javascript_property_is_searched_too(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    """The search page counts a query's words in a map: "constructor" or "toString" must
    not be taken for words seen already (an object's inherited keys)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    found = search(page, "constructor")
    page.close()
    assert found == ["Hướng dẫn dùng phần mềm một cửa"]


def test_a_short_beginning_reads_three_word_files_at_most(
    browser: object,
    serve: Callable[[Path], str],
    site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "da" begins many words (đà, đai, đảng, danh, dân, đất...): with one word a file,
    they span more than 3 files, and only the first 3 are read."""
    from portal_gen.plugins.search import index as word_index

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    folder = copy / "chi-muc"
    records = [_read(path) for path in sorted(folder.glob("vb/*"), key=lambda p: int(p.name[:-8]))]
    units = [
        (path.stem, _read(path)["name"], len(records))  # type: ignore[index]
        for path in folder.glob("don-vi/*")
    ]
    shutil.rmtree(folder)
    monkeypatch.setattr(word_index, "TARGET", 1)  # a file a word
    for name, data in word_index.build(records, units, "nho"):  # type: ignore[arg-type]
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    firsts = _read(folder / "index.json.gz")["words"]  # type: ignore[index]
    begun = [n for n, first in enumerate(firsts) if first.startswith("da")]
    assert len(begun) > 3 and firsts[begun[0]] == "da"
    page = browser.new_page()  # type: ignore[attr-defined]
    fetched = _fetched(page)
    page.goto(serve(copy) + "tim-kiem/")
    found = search(page, "da")
    page.close()
    assert sorted(name for name in fetched if name.startswith("tu/")) == sorted(
        f"tu/{n}.json.gz" for n in begun[:3]
    )
    assert "Đoàn công tác học tập kinh nghiệm tại Đà Nẵng" in found  # "đà", in the first


def test_the_excerpt_marks_the_words_found(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(site) + "tim-kiem/")
    search(page, "dat dai")
    excerpt = page.inner_text("[data-search-results] li p:not(.portal-search__meta)")
    marked = page.eval_on_selector_all(
        "[data-search-results] li:first-child mark", "marks => marks.map(m => m.textContent)"
    )
    meta = page.inner_text("[data-search-results] .portal-search__meta")
    page.close()
    assert excerpt == "Quy hoạch, kế hoạch sử dụng đất đai của phường."
    assert marked == ["đất", "đai"]
    assert meta == "Ủy ban nhân dân phường Thử · 01/03/2026"


def test_a_browser_too_old_to_read_the_index_says_so(
    browser: object, serve: Callable[[Path], str], site: Path
) -> None:
    """Safari before 16.4 has no DecompressionStream: the reader is told why, and where
    else to look, not only that the search failed."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.add_init_script("delete window.DecompressionStream")
    page.goto(serve(site) + "tim-kiem/?q=dat+dai")
    page.wait_for_function(
        "/trình duyệt/i.test(document.querySelector('[data-search-status]').textContent)"
    )
    status = page.inner_text("[data-search-status]")
    page.close()
    assert status.startswith("Trình duyệt này chưa hỗ trợ tìm kiếm (cần Chrome 80, Safari 16.4")
    assert "xem văn bản theo đơn vị, lĩnh vực, năm" in status


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three units of 20 documents: the index numbers them unit by unit."""
    files: dict[str, str | bytes] = {"mkdocs.yml": MKDOCS_YML}
    for unit in range(3):
        files[f"content/xa-{unit}/_unit.yml"] = f"name: Ủy ban nhân dân xã {unit}\ntype: xa\n"
        for n in range(20):
            files[f"content/xa-{unit}/van-ban-{n:02d}.md"] = (
                f"---\ntitle: Văn bản {n} của xã {unit} về đất đai\ncategory: khac\n"
                f"date: 2026-03-01\n---\nNội dung {n}.\n"
            )
    root = write_files(tmp_path_factory.mktemp("units") / "portal", files)
    return build_portal(root, "--now", NOW)


def _read(path: Path) -> object:
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if path.suffix == ".gz" else data)


def _fetched(page: object) -> list[str]:
    """The paths of the index's files the page requests, in order (query strings off)."""
    fetched: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "request",
        lambda request: (
            fetched.append(urlsplit(request.url).path.partition("/chi-muc/")[2])
            if "/chi-muc/" in request.url
            else None
        ),
    )
    return fetched


def test_a_query_downloads_its_words_and_its_results_alone(
    units: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    table = _read(units / "chi-muc/index.json.gz")
    assert isinstance(table, dict) and table["documents"] == 60
    words = list((units / "chi-muc/tu").iterdir())
    assert len(words) == len(table["words"])
    page = browser.new_page()  # type: ignore[attr-defined]
    fetched = _fetched(page)
    page.goto(serve(units) + "tim-kiem/")
    results = search(page, "dat dai")
    status = page.inner_text("[data-search-status]")
    page.close()
    assert status == "Tìm thấy 60 văn bản cho “dat dai”, hiển thị 30 kết quả đầu."
    assert len(results) == 30
    # the table, the file of each word ("dai" also finds the words it begins, in the
    # same file here), and the 30 excerpts shown: nothing else
    excerpts = [name for name in fetched if name.startswith("vb/")]
    assert len(excerpts) == 30 == len(set(excerpts))
    others = sorted(name for name in fetched if not name.startswith("vb/"))
    firsts = table["words"]
    expected = {"index.json.gz"} | {
        f"tu/{max(i for i, first in enumerate(firsts) if first <= key)}.json.gz"
        for key in ("dat", "dai")
    }
    assert others == sorted(expected)


def test_more_results_are_shown_on_demand(
    units: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(units) + "tim-kiem/")
    first = search(page, "dat dai")
    label = page.inner_text("[data-search-more]")
    page.click("[data-search-more]")
    page.wait_for_function("document.querySelectorAll('[data-search-results] li').length > 30")
    every = page.eval_on_selector_all(
        "[data-search-results] h2 a", "links => links.map(a => a.textContent)"
    )
    status = page.inner_text("[data-search-status]")
    focused = page.evaluate("document.activeElement.textContent")
    hidden = page.eval_on_selector("[data-search-more]", "b => b.hidden")
    page.close()
    assert label == "Xem thêm 30 kết quả"
    assert every[:30] == first and len(every) == len(set(every)) == 60
    assert status == "Tìm thấy 60 văn bản cho “dat dai”."
    assert focused == every[30]  # the reader goes on from the first new result
    assert hidden  # nothing more to show


def test_a_unit_s_search_keeps_to_its_documents(
    units: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    """From the unit's page: the results are the unit's alone, with the same files."""
    scopes = {path.stem: _read(path) for path in units.glob("chi-muc/don-vi/*.json")}
    assert scopes == {
        f"xa-{unit}": {
            "name": f"Ủy ban nhân dân xã {unit}",
            "first": 20 * unit,
            "end": 20 * unit + 20,
        }
        for unit in range(3)
    }
    page = browser.new_page()  # type: ignore[attr-defined]
    fetched = _fetched(page)
    page.goto(serve(units) + "xa-1/")
    page.fill("#portal-unit-q", "dat dai")
    page.press("#portal-unit-q", "Enter")
    page.wait_for_function(
        "/^Tìm thấy/.test(document.querySelector('[data-search-status]')?.textContent || '')"
    )
    status = page.inner_text("[data-search-status]")
    titles = page.eval_on_selector_all(
        "[data-search-results] h2 a", "links => links.map(a => a.textContent)"
    )
    scope = page.inner_text("[data-search-scope]")
    hint_hidden = page.eval_on_selector("[data-search-hint]", "p => p.hidden")
    whole = page.eval_on_selector("[data-search-scope] a", "a => a.href")
    assert "don-vi=xa-1" in page.url  # the address keeps the scope
    scoped = sorted(int(name[3:-8]) for name in fetched if name.startswith("vb/"))
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
    assert scoped == list(range(20, 40))  # the unit's excerpts, no other
    assert scope == "Chỉ tìm trong văn bản của Ủy ban nhân dân xã 1. Tìm trong toàn cổng"
    assert hidden  # no scope note for the whole portal
    assert hint_hidden and hint_shown  # the hint to search from a unit's page, when useful
    assert everywhere == "Tìm thấy 60 văn bản cho “dat dai”, hiển thị 30 kết quả đầu."


def test_a_search_within_a_unit_without_documents_says_it_searched_everything(
    units: Path, browser: object, serve: Callable[[Path], str]
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(serve(units) + "tim-kiem/?don-vi=xa-khong-co&q=dat%20dai")
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

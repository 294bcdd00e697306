"""No injection, no leak, no loss, reproducible builds (issue 8), read with real parsers."""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from portal_gen.safety import clean_html
from tests.conftest import MKDOCS_YML, NOW, tree_bytes, write_files

EVIL_TITLE = '</title><script>alert("t")</script> Tiêu đề <b>đậm</b> \x0b'
EVIL_FILES: dict[str, str | bytes] = {
    "mkdocs.yml": MKDOCS_YML,
    "content/phuong-x/_unit.yml": 'name: "Phường <img src=x onerror=alert(1)>"\ntype: phuong\naddress: "\\"><script>alert(2)</script>"\n',
    "content/phuong-x/a.md": (
        "---\n"
        f"title: {json.dumps(EVIL_TITLE)}\n"
        "category: khac\ndate: 2026-01-10\n"
        'number: "<img src=x onerror=alert(3)>"\n'
        'description: "\\" onmouseover=\\"alert(4)"\n'
        "---\n"
        'Văn bản <script>alert(5)</script> có <a href="javascript:alert(6)">liên kết</a>,\n'
        '<img src="x.png" onerror="alert(7)" alt="ảnh"> và <iframe src="https://evil.example"></iframe>.\n\n'
        "[bấm vào](javascript:alert(8)) <style>body{display:none}</style>\n\n"
        "| Cột | Số |\n|:--|--:|\n| a | 1 |\n"
    ),
    "content/phuong-x/du-thao.md": (
        '---\ntitle: "Dự thảo <svg onload=alert(9)>"\nkind: draft\ncategory: yk-khac\ndate: 2026-11-01\n'
        "comment:\n  opens: 2026-11-01\n  closes: 2026-12-01\n  email: 'a@b.vn?subject=\"><script>alert(10)</script>'\n"
        '  contact: "<script>alert(11)</script>"\n---\n'
    ),
}


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import build_portal

    root = write_files(tmp_path_factory.mktemp("evil") / "portal", EVIL_FILES)
    return build_portal(root, "--now", NOW)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_script_no_event_handler_no_javascript_url(evil_site: Path) -> None:
    offences = []
    for path in html_pages(evil_site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if not script.get("src") and script.get("type") != "application/json":
                offences.append(f"{path}: inline <script> {script.get_text()[:40]!r}")
            if script.get("src") and "alert" in script["src"]:
                offences.append(f"{path}: script src {script['src']}")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                if name.lower().startswith("on"):
                    offences.append(f"{path}: {tag.name} {name}={value!r}")
                if name in ("href", "src", "action") and str(value).strip().lower().startswith(
                    "javascript:"
                ):
                    offences.append(f"{path}: {tag.name} {name}={value!r}")
            if tag.name in ("iframe", "style", "object", "embed") and tag.find_parent("article"):
                offences.append(f"{path}: <{tag.name}> in content")
    assert offences == []


def test_front_matter_shows_as_text(evil_site: Path) -> None:
    page = BeautifulSoup((evil_site / "phuong-x/a/index.html").read_text(), "html.parser")
    shown = EVIL_TITLE.replace("\x0b", "").strip()
    assert page.title.get_text().startswith(shown)
    assert page.h1.get_text(strip=True) == shown
    meta = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in page.select("dl.portal-meta dt")
    }
    assert meta["Số ký hiệu"] == "<img src=x onerror=alert(3)>"
    assert meta["Cơ quan ban hành"] == "Phường <img src=x onerror=alert(1)>"
    assert page.find("meta", attrs={"name": "description"})["content"] == '" onmouseover="alert(4)'
    body = page.select_one(".portal-body")
    assert body.select_one('a:-soup-contains("liên kết")').get("href") is None
    assert body.find("img")["alt"] == "ảnh"
    assert [td.get("align") for td in body.select("tbody td")] == ["left", "right"]


def test_draft_contact_and_mailto_are_escaped(evil_site: Path) -> None:
    page = BeautifulSoup((evil_site / "phuong-x/du-thao/index.html").read_text(), "html.parser")
    how = page.select_one(".portal-comment__how")
    assert "<script>alert(11)</script>" in how.get_text()
    assert all(not a["href"].lower().startswith("javascript") for a in how.find_all("a"))


def test_feeds_and_data_carry_the_text_escaped(evil_site: Path) -> None:
    feed = feedparser.parse((evil_site / "feeds/tat-ca.atom.xml").read_bytes())
    assert not feed.bozo
    assert EVIL_TITLE.replace("\x0b", "").strip() in [e.title for e in feed.entries]
    data = json.loads((evil_site / "du-lieu/van-ban.json").read_text(encoding="utf-8"))
    assert EVIL_TITLE.replace("\x0b", "").strip() in [d["title"] for d in data["documents"]]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        (
            '<a href="https://a.vn/" onclick="x()">x</a>',
            '<a href="https://a.vn/" rel="noopener noreferrer">x</a>',
        ),
        ('<img src="a.png" onerror="x()" alt="a">', '<img src="a.png" alt="a">'),
        (
            '<table><tbody><tr><td style="text-align: right" align="right">1</td></tr></tbody></table>',
            '<table><tbody><tr><td align="right">1</td></tr></tbody></table>',
        ),
        ("<iframe src=x></iframe><form><input></form>", ""),
        (
            '<h2 id="muc-1">Mục <a class="headerlink" href="#muc-1">¶</a></h2>',
            '<h2 id="muc-1">Mục <a class="headerlink" href="#muc-1" rel="noopener noreferrer">¶</a></h2>',
        ),
        ("<!-- ghi chú --><p>x</p>", "<p>x</p>"),
    ],
)
def test_sanitizer(html: str, expected: str) -> None:
    assert clean_html(html) == expected


MARKER = "MARKER-INTERNAL-7f3a"


def all_bytes(path: Path) -> bytes:
    """A file's bytes, decompressed if it is gzip (sitemap.xml.gz, the search index)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def test_internal_marker_appears_in_no_file_of_the_public_site(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    site = root / "site"
    kinds = set()
    for path in site.rglob("*"):
        if path.is_file():
            kinds.add(path.suffix or path.name)
            if path.relative_to(site).parts[:2] in {("chi-muc", "tu"), ("chi-muc", "vb")}:
                kinds.add("search index")
            assert MARKER.encode() not in all_bytes(path), path
    # HTML, feeds, calendars, search index, sitemap, JSON and copied attachments were checked
    assert {".html", ".xml", ".ics", "search index", ".json", ".csv"} <= kinds
    # and the marker is really in the internal build, so the check above can fail
    assert (
        cli("build", "--now", NOW, "--audience", "internal", "-d", "intranet", cwd=root).exit_code
        == 0
    )
    intranet = root / "intranet"
    found = {
        "search index" if p.relative_to(intranet).parts[0] == "chi-muc" else p.suffix
        for p in intranet.rglob("*")
        if p.is_file() and MARKER.encode() in all_bytes(p)
    }
    assert {".html", ".xml", ".json", ".csv", "search index"} <= found


def test_two_builds_are_byte_identical(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    root = copy_site("tiny")
    assert cli("build", "--now", NOW, "-d", "a", cwd=root).exit_code == 0
    assert cli("build", "--now", NOW, "-d", "b", cwd=root).exit_code == 0
    a, b = tree_bytes(root / "a"), tree_bytes(root / "b")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    assert "SOURCE_DATE_EPOCH" not in os.environ  # the build does not leave it behind


def test_no_output_depends_on_the_build_clock(
    copy_site: Callable[[str], Path], cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sitemap dates come from the documents; SOURCE_DATE_EPOCH changes nothing."""
    root = copy_site("tiny")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21
    assert cli("build", "--now", NOW, "-d", "a", cwd=root).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    assert cli("build", "--now", NOW, "-d", "b", cwd=root).exit_code == 0
    assert tree_bytes(root / "a") == tree_bytes(root / "b")
    sitemap = BeautifulSoup((root / "a/sitemap.xml").read_text(), "xml")
    dated = {u.loc.get_text(): u.lastmod.get_text() for u in sitemap.find_all("url") if u.lastmod}
    assert dated["https://congkhai.example.vn/phuong-a/du-toan-2026/"] == "2026-01-05"
    assert "https://congkhai.example.vn/don-vi/" in {
        u.loc.get_text() for u in sitemap.find_all("url")
    }


def test_every_command_leaves_content_untouched(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    before = tree_bytes(root / "content")
    for args in (
        ["build", "--now", NOW],
        ["build", "--now", NOW, "--audience", "internal", "-d", "intranet"],
        ["check"],
        ["check", "--format", "github"],
        ["report", "--format", "csv"],
        ["categories"],
        ["plugins"],
        ["rebuild-due", "--build-info", "site/build-info.json"],
    ):
        cli(*args, cwd=root)
    assert tree_bytes(root / "content") == before


@pytest.mark.parametrize(
    ("markdown", "html", "plain"),
    [
        ("Văn bản *đậm*.", "<p>Văn bản <em>đậm</em>.</p>", True),
        ("[x](../a/)", '<p><a href="../a/">x</a></p>', True),
        ("[x](https://a.vn/?a=1&b=2)", '<p><a href="https://a.vn/?a=1&amp;b=2">x</a></p>', True),
        ("[x](mailto:a@b.vn)", '<p><a href="mailto:a@b.vn">x</a></p>', True),
        ("Có <b>HTML</b>", "<p>Có <b>HTML</b></p>", False),
        ("<https://a.vn>", '<p><a href="https://a.vn">https://a.vn</a></p>', False),
        ("[x](javascript:alert(1))", '<p><a href="javascript:alert(1)">x</a></p>', False),
        ("[x](javascript&#58;alert(1))", '<p><a href="javascript&#58;alert(1)">x</a></p>', False),
        ("![a](data:image/svg+xml,x)", '<p><img alt="a" src="data:image/svg+xml,x" /></p>', False),
    ],
)
def test_sanitizer_is_skipped_only_when_nothing_can_be_unsafe(
    markdown: str, html: str, plain: bool
) -> None:
    from portal_gen.safety import is_plain_markdown

    assert is_plain_markdown(markdown, html) is plain


_PIECES = [
    'href="',
    'src="',
    "h",
    'ref="',
    "s",
    'rc="',
    "data-",
    '"',
    "=",
    " ",
    "<a ",
    ">",
    "x",
    "#",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_every_link_and_image_address_is_looked_at(html: str) -> None:
    # the fast path of the sanitizer decision must see at least what an attribute
    # pattern sees, wherever the quotes fall
    from portal_gen.safety import attribute_urls

    pattern = re.compile(r'\b(?:href|src)="([^"]*)"')
    assert set(pattern.findall(html)) <= set(attribute_urls(html))

"""plugins/feeds.py: RSS, Atom and iCalendar read back with feedparser, lxml and icalendar;
stable ids and bytes; extensions and results reach subscribers; discovery; safety."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from click.testing import Result
from lxml import etree

from portal_gen import SiteWriter
from portal_gen.build import load_portal
from portal_gen.config import PortalConfig
from portal_gen.plugin_manager import get_plugin_manager
from portal_gen.plugins import feeds
from portal_gen.vntime import parse_now
from tests.conftest import MKDOCS_YML, NOW, set_portal_options, tree_bytes

SITE = "https://congkhai.example.vn/"
TAG = "tag:congkhai.example.vn,"
ATOM = "{http://www.w3.org/2005/Atom}"
MARKER = "MARKER-INTERNAL-7f3a"
DRAFT = "phuong-a/2026-11-10-du-thao-quy-che-thuc-hien-dan-chu-o-phuong-a"
OLD_DRAFT = "phuong-a/2025-10-01-du-thao-ke-hoach-phat-trien-kinh-te-xa-hoi-nam-2026"
RESULT = "phuong-a/2025-11-10-bao-cao-tong-hop-giai-trinh-tiep-thu-y-kien-ve-du-thao-ke"
BUDGET = "phuong-a/2026-01-05-cong-khai-du-toan-ngan-sach-phuong-a-nam-2026"
PLAN = "co-quan-b/2026-01-15-ke-hoach-cong-tac-nam-2026-cua-phong-b"


def build(root: Path, cli: Callable[..., Result], *args: str, now: str = NOW) -> Path:
    out = root / f"out-{len(list(root.glob('out-*')))}"
    result = cli("build", "--now", now, "-d", str(out), *args, cwd=root)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def built(copy_site: Callable[[str], Path], cli: Callable[..., Result]) -> Path:
    return build(copy_site("tiny"), cli)


def feed_files(site: Path) -> list[Path]:
    return sorted(p for p in (site / "feeds").rglob("*.xml") if p.name != "sitemap.xml")


def entries(site: Path, rel: str) -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse((site / rel).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return list(parsed.entries)


def ids(site: Path, rel: str) -> list[str]:
    return [entry.id for entry in entries(site, rel)]


def tag(year: int, suffix: str) -> str:
    return f"{TAG}{year}:{suffix}"


def events(site: Path, rel: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical((site / rel).read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# -- every output parses ------------------------------------------------------------------


def test_every_feed_parses_without_bozo(built: Path) -> None:
    files = feed_files(built)
    assert len(files) == 2 * (3 + 2 + 5)  # portal-wide, two units, five category codes
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("rss20" if path.name.endswith(".rss.xml") else "atom10"), path
        assert parsed.feed.language == "vi"


def aware(moment: datetime) -> datetime:
    assert moment.tzinfo is not None and moment.utcoffset() is not None
    return moment


def test_rss_is_rss_2_with_self_link_guids_and_dates(built: Path) -> None:
    for path in sorted((built / "feeds").rglob("*.rss.xml")):
        root = etree.fromstring(path.read_bytes())
        assert (root.tag, root.get("version")) == ("rss", "2.0")
        channel = root.find("channel")
        own_url = SITE + path.relative_to(built).as_posix()
        (self_link,) = channel.findall(f"{ATOM}link[@rel='self']")
        assert (self_link.get("href"), self_link.get("type")) == (own_url, "application/rss+xml")
        # the channel <link> is the website, not the feed (feedgen takes the last link added)
        assert channel.findtext("link").startswith(SITE)
        assert not channel.findtext("link").endswith(".xml")
        newest = aware(parsedate_to_datetime(channel.findtext("lastBuildDate")))
        dates = []
        for item in channel.findall("item"):
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false"
            assert guid.text.startswith(TAG)
            assert item.findtext("link").startswith(SITE)
            assert item.findtext("title") and item.findtext("description")
            dates.append(aware(parsedate_to_datetime(item.findtext("pubDate"))))
        assert all(d <= newest for d in dates)


def test_atom_has_ids_self_link_and_aware_dates_newest_first(built: Path) -> None:
    for path in sorted((built / "feeds").rglob("*.atom.xml")):
        root = etree.fromstring(path.read_bytes())
        assert root.tag == f"{ATOM}feed"
        assert root.findtext(f"{ATOM}id").startswith(TAG)
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert links["self"] == SITE + path.relative_to(built).as_posix()
        assert links["alternate"].startswith(SITE)
        updated = aware(datetime.fromisoformat(root.findtext(f"{ATOM}updated")))
        changes = []
        for entry in root.findall(f"{ATOM}entry"):
            assert entry.findtext(f"{ATOM}id").startswith(TAG)
            assert entry.findtext(f"{ATOM}author/{ATOM}name")
            aware(datetime.fromisoformat(entry.findtext(f"{ATOM}published")))
            changes.append(aware(datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))))
        assert changes == sorted(changes, reverse=True)
        if changes:
            assert updated == changes[0]


def test_every_calendar_parses_with_icalendar(built: Path) -> None:
    files = sorted((built / "feeds").rglob("*.ics"))
    assert [p.relative_to(built).as_posix() for p in files] == [
        "feeds/don-vi/co-quan-b.ics",
        "feeds/don-vi/phuong-a.ics",
        "feeds/lay-y-kien.ics",
    ]
    for path in files:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar["VERSION"] == "2.0"
        for event in calendar.walk("VEVENT"):
            for key in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "URL"):
                assert key in event, (path, key)
            assert aware(event.decoded("DTSTART")) < aware(event.decoded("DTEND"))
    assert sorted(events(built, "feeds/lay-y-kien.ics")) == [
        f"{OLD_DRAFT}@congkhai.example.vn",
        f"{DRAFT}@congkhai.example.vn",
    ]
    assert events(built, "feeds/don-vi/co-quan-b.ics") == {}


# -- what the feeds say -------------------------------------------------------------------


def test_each_feed_holds_its_events(built: Path) -> None:
    draft, extension = tag(2026, f"doc/{DRAFT}"), tag(2026, f"doc/{DRAFT}/gia-han-1")
    result, old = tag(2025, f"doc/{RESULT}"), tag(2025, f"doc/{OLD_DRAFT}")
    budget, plan = tag(2026, f"doc/{BUDGET}"), tag(2026, f"doc/{PLAN}")
    assert ids(built, "feeds/du-thao.atom.xml") == [extension, draft, result, old]
    assert ids(built, "feeds/du-thao.rss.xml") == [extension, draft, result, old]
    assert ids(built, "feeds/tat-ca.atom.xml") == [extension, draft, plan, budget, result, old]
    assert ids(built, "feeds/ket-qua.atom.xml") == [result]
    assert ids(built, "feeds/don-vi/co-quan-b.atom.xml") == [plan]
    # "all budget disclosures": the item's feed includes its sub-codes
    assert ids(built, "feeds/danh-muc/ngan-sach.atom.xml") == [budget]
    assert ids(built, "feeds/danh-muc/ngan-sach-du-toan.rss.xml") == [budget]
    assert ids(built, "feeds/danh-muc/yk-quy-che-dan-chu.atom.xml") == [extension, draft]


def test_draft_entry_gives_unit_category_number_deadline_and_link(built: Path) -> None:
    by_id = {e.id: e for e in entries(built, "feeds/du-thao.atom.xml")}
    entry = by_id[tag(2026, f"doc/{DRAFT}")]
    assert entry.title == "Lấy ý kiến: Dự thảo Quy chế thực hiện dân chủ ở phường A"
    assert entry.link == SITE + "phuong-a/du-thao-quy-che/"
    assert entry.author == "Ủy ban nhân dân phường A"
    assert entry.summary.splitlines() == [
        "Đơn vị: Ủy ban nhân dân phường A.",
        "Danh mục: Dự thảo quy chế thực hiện dân chủ.",
        "Số ký hiệu: 15/UBND.",
        "Ngày công khai: 10/11/2026.",
        "Thời gian lấy ý kiến: từ ngày 10/11/2026 đến 17:00 ngày 05/12/2026 (giờ Việt Nam).",
        "Đã gia hạn 1 lần; hạn ban đầu là 17:00 ngày 30/11/2026.",
        "Cách góp ý: gửi thư điện tử đến vanphong@phuong-a.example.vn; gửi văn bản hoặc góp ý "
        "trực tiếp tại Văn phòng UBND phường A; liên hệ Bà Trần Thị Nhận, điện thoại 0274 3000 000.",
        "Xem chi tiết: https://congkhai.example.vn/phuong-a/du-thao-quy-che/",
    ]
    assert entry.published == "2026-11-10T00:00:00+07:00"
    assert entry.updated == "2026-11-25T00:00:00+07:00"  # the extension's announcement
    assert [t.term for t in entry.tags] == ["yk-quy-che-dan-chu"]
    extension = by_id[tag(2026, f"doc/{DRAFT}/gia-han-1")]
    assert extension.title == (
        "Gia hạn góp ý đến 17:00 ngày 05/12/2026: Dự thảo Quy chế thực hiện dân chủ ở phường A"
    )
    assert extension.summary.splitlines()[:3] == [
        "Gia hạn lấy ý kiến đến 17:00 ngày 05/12/2026 (giờ Việt Nam), thay cho hạn 17:00 ngày 30/11/2026.",
        "Lý do: Theo đề nghị của Ủy ban MTTQ phường.",
        "Thông báo gia hạn ngày 25/11/2026.",
    ]
    result = by_id[tag(2025, f"doc/{RESULT}")]
    assert result.title.startswith("Kết quả lấy ý kiến: Báo cáo tổng hợp")
    assert result.summary.splitlines()[0] == (
        "Kết quả lấy ý kiến về: Dự thảo Kế hoạch phát triển kinh tế - xã hội năm 2026."
    )


def test_calendar_event_of_an_extended_draft(built: Path) -> None:
    event = events(built, "feeds/don-vi/phuong-a.ics")[f"{DRAFT}@congkhai.example.vn"]
    assert event["SUMMARY"] == "Góp ý: Dự thảo Quy chế thực hiện dân chủ ở phường A"
    assert event.decoded("DTSTART").isoformat() == "2026-11-10T00:00:00+07:00"
    assert event.decoded("DTEND").isoformat() == "2026-12-05T17:00:00+07:00"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTAMP").isoformat() == "2026-11-24T17:00:00+00:00"
    assert str(event["URL"]) == SITE + "phuong-a/du-thao-quy-che/"
    description = str(event["DESCRIPTION"])
    assert "Đơn vị: Ủy ban nhân dân phường A." in description
    assert "đến 17:00 ngày 05/12/2026 (giờ Việt Nam)" in description
    assert "gửi thư điện tử đến vanphong@phuong-a.example.vn" in description
    assert "liên hệ Bà Trần Thị Nhận" in description


# -- stability ----------------------------------------------------------------------------


def test_feeds_are_byte_identical_whatever_now(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    first = build(root, cli, now=NOW)
    second = build(root, cli, now="2027-06-01T08:00:00+07:00")  # every draft's status differs
    a, b = tree_bytes(first / "feeds"), tree_bytes(second / "feeds")
    # 10 feeds in two formats, 3 calendars, 3 empty sitemaps for Material's script
    assert len(a) == 2 * 10 + 3 + 3
    assert a == b


def test_renaming_a_file_keeps_ids_and_dates(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    before = build(root, cli)
    draft = root / "content/phuong-a/du-thao-quy-che.md"
    draft.rename(draft.with_name("quy-che-dan-chu-2026.md"))
    after = build(root, cli)
    for rel in ("feeds/du-thao.atom.xml", "feeds/don-vi/phuong-a.atom.xml"):
        old, new = entries(before, rel), entries(after, rel)
        assert [(e.id, e.updated) for e in old] == [(e.id, e.updated) for e in new]
        assert SITE + "phuong-a/quy-che-dan-chu-2026/" in [e.link for e in new]
    assert ids(before, "feeds/tat-ca.rss.xml") == ids(after, "feeds/tat-ca.rss.xml")
    old_event = events(before, "feeds/lay-y-kien.ics")[f"{DRAFT}@congkhai.example.vn"]
    new_event = events(after, "feeds/lay-y-kien.ics")[f"{DRAFT}@congkhai.example.vn"]
    assert (new_event["SEQUENCE"], new_event.decoded("DTSTAMP")) == (
        old_event["SEQUENCE"],
        old_event.decoded("DTSTAMP"),
    )


EXTENSION = """\
  extensions:
    - closes: 2026-12-05 17:00
      announced: 2026-11-25
      reason: Theo đề nghị của Ủy ban MTTQ phường
"""


def test_an_extension_updates_the_entry_adds_one_and_bumps_the_sequence(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    draft = root / "content/phuong-a/du-thao-quy-che.md"
    text = draft.read_text(encoding="utf-8")
    assert EXTENSION in text
    draft.write_text(text.replace(EXTENSION, ""), encoding="utf-8")
    before = build(root, cli)
    draft.write_text(text, encoding="utf-8")
    after = build(root, cli)

    old = {e.id: e for e in entries(before, "feeds/du-thao.atom.xml")}
    new = {e.id: e for e in entries(after, "feeds/du-thao.atom.xml")}
    assert set(new) - set(old) == {tag(2026, f"doc/{DRAFT}/gia-han-1")}
    entry_id = tag(2026, f"doc/{DRAFT}")
    assert (old[entry_id].updated, new[entry_id].updated) == (
        "2026-11-10T00:00:00+07:00",
        "2026-11-25T00:00:00+07:00",
    )
    assert "17:00 ngày 30/11/2026" in old[entry_id].summary
    assert "17:00 ngày 05/12/2026" in new[entry_id].summary
    # RSS readers see the new item and the channel's lastBuildDate moves
    assert ids(after, "feeds/du-thao.rss.xml")[0] == tag(2026, f"doc/{DRAFT}/gia-han-1")
    build_dates = [
        etree.parse(site / "feeds/du-thao.rss.xml").findtext("channel/lastBuildDate")
        for site in (before, after)
    ]
    assert build_dates == ["Tue, 10 Nov 2026 00:00:00 +0700", "Wed, 25 Nov 2026 00:00:00 +0700"]

    uid = f"{DRAFT}@congkhai.example.vn"
    old_event, new_event = (
        events(before, "feeds/lay-y-kien.ics")[uid],
        events(after, "feeds/lay-y-kien.ics")[uid],
    )
    assert (old_event["SEQUENCE"], new_event["SEQUENCE"]) == (0, 1)
    assert old_event.decoded("DTEND").isoformat() == "2026-11-30T17:00:00+07:00"
    assert new_event.decoded("DTEND").isoformat() == "2026-12-05T17:00:00+07:00"
    assert old_event.decoded("DTSTAMP") < new_event.decoded("DTSTAMP")


def test_an_unannounced_extension_is_dated_by_the_deadline_it_replaces(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    draft = root / "content/phuong-a/du-thao-quy-che.md"
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("      announced: 2026-11-25\n", ""), encoding="utf-8")
    site = build(root, cli)
    by_id = {e.id: e for e in entries(site, "feeds/du-thao.atom.xml")}
    assert by_id[tag(2026, f"doc/{DRAFT}/gia-han-1")].updated == "2026-11-30T17:00:00+07:00"
    assert by_id[tag(2026, f"doc/{DRAFT}")].updated == "2026-11-30T17:00:00+07:00"


def test_feeds_are_capped_at_the_configured_limit(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    set_portal_options(root, feeds={"limit": 2})
    site = build(root, cli)
    assert ids(site, "feeds/tat-ca.rss.xml") == [
        tag(2026, f"doc/{DRAFT}/gia-han-1"),
        tag(2026, f"doc/{DRAFT}"),
    ]
    assert len(ids(site, "feeds/du-thao.atom.xml")) == 2
    assert "2 tin mới nhất" in (site / "theo-doi/index.html").read_text(encoding="utf-8")


# -- safety -------------------------------------------------------------------------------


def test_no_internal_document_in_any_feed_of_a_public_build(
    built: Path, cli: Callable[..., Result]
) -> None:
    for path in sorted((built / "feeds").rglob("*")):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
    assert not (built / "feeds/danh-muc/cq-tham-nhung-ke-khai.atom.xml").exists()
    # the intranet build has it, so the check above can fail
    intranet = build(built.parent, cli, "--audience", "internal")
    titles = [e.title for e in entries(intranet, "feeds/don-vi/co-quan-b.atom.xml")]
    assert any(MARKER in title for title in titles)


NASTY = (
    "---\n"
    'title: "Thông báo\\x01\\x08 <script>alert(1)</script> & <b>đậm</b>\\x0b"\n'
    'description: "Mô tả\\x1f có <img src=x onerror=alert(1)>"\n'
    "kind: draft\n"
    "category: yk-quy-che-dan-chu\n"
    "date: 2026-11-01\n"
    'number: "7\\x02/UBND"\n'
    "comment:\n"
    "  opens: 2026-11-01\n"
    "  closes: 2026-11-30\n"
    '  contact: "Ông A\\x07"\n'
    "---\n"
    "Nội dung.\n"
)


def test_control_characters_and_markup_in_front_matter_yield_valid_escaped_feeds(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal({"content/phuong-thu/thong-bao.md": NASTY})
    site = build(root, cli)
    for path in feed_files(site):
        etree.fromstring(path.read_bytes())  # well-formed XML 1.0
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    raw = (site / "feeds/du-thao.atom.xml").read_bytes()
    assert b"<script>" not in raw and b"<img" not in raw
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    (entry,) = etree.fromstring(raw).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == (
        "Lấy ý kiến: Thông báo <script>alert(1)</script> & <b>đậm</b>"
    )
    summary = entry.findtext(f"{ATOM}summary")
    assert summary.startswith("Mô tả có <img src=x onerror=alert(1)>\n")
    assert "Số ký hiệu: 7/UBND." in summary and "liên hệ Ông A" in summary
    (event,) = events(site, "feeds/lay-y-kien.ics").values()
    assert event["SUMMARY"] == "Góp ý: Thông báo <script>alert(1)</script> & <b>đậm</b>"


def without_site_url() -> str:
    return "".join(
        line for line in MKDOCS_YML.splitlines(keepends=True) if not line.startswith("site_url")
    )


@pytest.mark.parametrize(
    ("mkdocs_yml", "code", "message", "hint"),
    [
        (
            without_site_url(),
            "missing-site-url",
            "Chưa khai báo `site_url` (địa chỉ chính thức của cổng) trong mkdocs.yml: nguồn tin "
            "RSS, Atom và lịch góp ý cần đường dẫn tuyệt đối để người theo dõi mở được văn bản.",
            "Thêm vào mkdocs.yml một dòng như `site_url: https://congkhai.example.gov.vn/` "
            "(địa chỉ thật của cổng).",
        ),
        (
            MKDOCS_YML + "      feeds: {limit: 0}\n",
            "invalid-feeds-limit",
            "`feeds.limit` phải là số nguyên dương, không phải `0`.",
            "Ví dụ: `feeds: {limit: 50}` trong cấu hình plugin `portal`.",
        ),
        (
            MKDOCS_YML + "      feeds: {limit: nhiều}\n",
            "invalid-feeds-limit",
            "`feeds.limit` phải là số nguyên dương, không phải `nhiều`.",
            "Ví dụ: `feeds: {limit: 50}` trong cấu hình plugin `portal`.",
        ),
    ],
)
def test_configuration_errors_name_the_setting(
    make_portal: Callable[..., Path],
    cli: Callable[..., Result],
    mkdocs_yml: str,
    code: str,
    message: str,
    hint: str,
) -> None:
    root = make_portal(mkdocs_yml=mkdocs_yml)
    result = cli("check", "--format", "json", cwd=root)
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.output) if p["code"] == code]
    assert problems == [
        {
            "path": "mkdocs.yml",
            "line": None,
            "severity": "error",
            "code": code,
            "message": message,
            "hint": hint,
        }
    ]
    built = cli("build", "--now", NOW, cwd=root)
    assert built.exit_code == 1
    assert f"mkdocs.yml: lỗi [{code}]" in built.output


def test_writing_files_without_site_url_writes_nothing(
    make_portal: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_portal()
    config = PortalConfig(config_dir=root, docs_dir=root / "content", now=parse_now(NOW))
    portal, _ = load_portal(config, get_plugin_manager(config, entry_points=False))
    writer = SiteWriter(tmp_path / "site")
    feeds.portal_write_files(portal=portal, writer=writer)
    assert writer.written == []


# -- discovery ------------------------------------------------------------------------------


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def alternates(page: Path) -> dict[str, str]:
    return {link["href"]: link["type"] for link in soup(page).select('link[rel="alternate"]')}


def test_every_page_advertises_the_drafts_feed_and_unit_pages_their_own(built: Path) -> None:
    assert alternates(built / "index.html") == {
        "feeds/du-thao.atom.xml": "application/atom+xml",
        "feeds/du-thao.rss.xml": "application/rss+xml",
    }
    assert alternates(built / "phuong-a/du-thao-quy-che/index.html") == {
        "../../feeds/du-thao.atom.xml": "application/atom+xml",
        "../../feeds/du-thao.rss.xml": "application/rss+xml",
    }
    unit = alternates(built / "phuong-a/index.html")
    assert unit["../feeds/don-vi/phuong-a.atom.xml"] == "application/atom+xml"
    assert unit["../feeds/don-vi/phuong-a.rss.xml"] == "application/rss+xml"
    assert "../feeds/du-thao.atom.xml" in unit
    links = {a["href"]: a.get_text() for a in soup(built / "phuong-a/index.html").select("a")}
    assert links["../feeds/don-vi/phuong-a.ics"] == "Lịch hạn góp ý của đơn vị (iCalendar)"
    assert "../feeds/don-vi/phuong-a.rss.xml" in links


def test_category_pages_get_their_feed_links_by_scope(make_portal: Callable[..., Path]) -> None:
    root = make_portal(
        {
            "content/phuong-thu/du-toan.md": "---\ntitle: Dự toán\ncategory: ngan-sach-du-toan\n"
            "date: 2026-01-05\n---\n"
        }
    )
    config = PortalConfig(
        config_dir=root, docs_dir=root / "content", site_url=SITE, now=parse_now(NOW)
    )
    portal, _ = load_portal(config, get_plugin_manager(config, entry_points=False))
    scoped = feeds.portal_site_context(portal)["scoped_feed_links"]
    assert sorted(scoped) == ["category:ngan-sach", "category:ngan-sach-du-toan", "unit:phuong-thu"]
    assert [link["href"] for link in scoped["category:ngan-sach"]] == [
        "feeds/danh-muc/ngan-sach.atom.xml",
        "feeds/danh-muc/ngan-sach.rss.xml",
    ]


def test_the_subscribe_page_lists_every_feed_and_calendar(built: Path) -> None:
    page = soup(built / "theo-doi/index.html")
    nav = [a.get_text(" ", strip=True) for a in page.select("nav.md-nav--primary > ul > li > a")]
    assert "Theo dõi" in nav
    linked = {
        (built / "theo-doi" / a["href"]).resolve().relative_to(built.resolve()).as_posix()
        for a in page.select("article a[href^='../feeds/']")
    }
    written = {
        p.relative_to(built).as_posix()
        for p in (built / "feeds").rglob("*")
        if p.is_file() and p.name != "sitemap.xml"
    }
    assert linked == written
    how = [li.get_text(" ", strip=True) for li in page.select(".portal-feeds__how li")]
    assert how[0].startswith("RSS hoặc Atom") and "ứng dụng đọc tin" in how[0]
    assert how[1].startswith("Lịch (iCalendar)") and "Thêm lịch từ URL" in how[1]
    rows = {
        row.th.get_text(" ", strip=True): row.td.get_text(" ", strip=True)
        for row in page.select("#toan-cong ~ table tbody tr")[:3]
    }
    assert rows["Dự thảo lấy ý kiến – Cổng thử nghiệm"].startswith("Dự thảo mới đưa ra lấy ý kiến")

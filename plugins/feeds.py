"""RSS 2.0, Atom and iCalendar feeds that subscribers can trust (issue 5).

The event model. A feed entry is an event of a consultation or a disclosure, not a page:

- ``doc/<uid>``: a document was published (a disclosure, a draft opened for comment, a
  result). ``published`` is the document's date. A draft's ``updated`` is its latest
  change, the last extension's, and its text gives the effective deadline: an extension
  shows as an updated entry.
- ``doc/<uid>/gia-han-<n>``: the n-th extension (from 1) of a draft's deadline, a new
  entry with the new deadline and the reason. RSS has no ``updated`` and readers dedupe on
  ``guid``, so only a new entry reaches every RSS subscriber.
- A result is its own ``doc/<uid>`` entry, in the results feed and in the drafts feed, so
  whoever follows the drafts sees the consultation concluded.

Ids are ``tag:<domain>,<year>:<suffix>`` (RFC 4151) with the year of the document's own
date and the permanent :attr:`Document.uid`, never the URL: renaming a file does not
re-notify anyone. Every date comes from the content, never from the clock, so ``--now``
changes no byte here: an extension is dated by its ``announced`` day, else by the deadline
it replaces (the last moment it can have been announced); a feed's ``updated`` and
``lastBuildDate`` are its newest entry's. Entries are sorted by latest change, newest
first, and capped by ``feeds: {limit: 50}``.

Feeds, each ``.rss.xml`` and ``.atom.xml``: ``feeds/du-thao`` (drafts, extensions,
results), ``feeds/tat-ca`` (everything), ``feeds/ket-qua`` (results),
``feeds/don-vi/<unit>`` and ``feeds/danh-muc/<code>`` (a catalog code with its sub-codes).
Calendars: ``feeds/lay-y-kien.ics`` and ``feeds/don-vi/<unit>.ics``, one VEVENT per draft
from its opening to its effective deadline, UID ``<uid>@<domain>`` and SEQUENCE the number
of extensions, so an extension moves the same event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event, Timezone, TimezoneStandard

from portal_gen import (
    CommentPeriod,
    Diagnostic,
    Document,
    GeneratedPage,
    Kind,
    NavEntry,
    Portal,
    Severity,
    SiteWriter,
    Unit,
    hookimpl,
)
from portal_gen.text import strip_control_chars
from portal_gen.vntime import VN_TZ, format_date, format_deadline, format_moment, to_vn

SUBSCRIBE_PAGE = "theo-doi.md"
DEFAULT_LIMIT = 50
#: The date in the tag: ids of the feeds themselves (entries use their document's year).
FEED_TAG_YEAR = 2026
#: ``updated`` of a feed with no entry in a portal with no document at all.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
_SAFE_NAME = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


def clean(text: str) -> str:
    return strip_control_chars(text).strip()


# -- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEvent:
    """One feed entry: a document published, or a draft's deadline extended."""

    suffix: str  # the part of the tag: id after the year, from Document.uid
    document: Document
    title: str
    published: datetime
    updated: datetime
    lines: tuple[str, ...]  # the entry's text; the link is added when written

    @property
    def year(self) -> int:
        return self.document.date.year

    @property
    def sort_key(self) -> tuple[float, float, str]:
        return (-self.updated.timestamp(), -self.published.timestamp(), self.suffix)


def extension_moments(comment: CommentPeriod) -> list[datetime]:
    """When each extension became known: its ``announced`` day, else the deadline it replaced."""
    moments = []
    previous = comment.closes
    for extension in comment.extensions:
        if extension.announced is not None:
            moments.append(datetime.combine(extension.announced, time(0), VN_TZ))
        else:
            moments.append(previous.at)
        previous = extension.closes
    return moments


def last_change(document: Document) -> datetime:
    """The latest dated change of a document: its publication or a later extension."""
    moments = [document.published.at]
    if document.comment is not None:
        moments += extension_moments(document.comment)
    return max(moments)


def unit_name(portal: Portal, unit_id: str) -> str:
    unit = portal.units.get(unit_id)
    return unit.name if unit else unit_id


def category_label(portal: Portal, code: str) -> str:
    category = portal.catalog.get(code) if portal.catalog else None
    return category.short if category else code


def opening_text(comment: CommentPeriod) -> str:
    opens = comment.opens
    return (
        f"ngày {format_date(to_vn(opens.at).date())}"
        if opens.date_only
        else format_moment(opens.at)
    )


def how_to_comment(document: Document, portal: Portal) -> str:
    """Where to send comments: the draft's own contacts, else the unit's."""
    comment = document.comment
    assert comment is not None
    unit = portal.units.get(document.unit_id)
    email = comment.email or (unit.email if unit else None)
    address = comment.address or (unit.address if unit else None)
    phone = comment.phone or (unit.phone if unit else None)
    ways = []
    if email:
        ways.append(f"gửi thư điện tử đến {email}")
    if address:
        ways.append(f"gửi văn bản hoặc góp ý trực tiếp tại {address}")
    if comment.contact:
        ways.append(f"liên hệ {comment.contact}" + (f", điện thoại {phone}" if phone else ""))
    elif phone:
        ways.append(f"gọi điện thoại {phone}")
    if not ways:
        return "Cách góp ý: xem hướng dẫn trên trang của dự thảo."
    return "Cách góp ý: " + "; ".join(ways) + "."


def document_lines(document: Document, portal: Portal) -> list[str]:
    lines = [document.description] if document.description else []
    lines.append(f"Đơn vị: {unit_name(portal, document.unit_id)}.")
    if document.categories:
        labels = "; ".join(category_label(portal, c) for c in document.categories)
        lines.append(f"Danh mục: {labels}.")
    if document.number:
        lines.append(f"Số ký hiệu: {document.number}.")
    lines.append(f"Ngày công khai: {format_date(document.date)}.")
    return lines


def document_event(document: Document, portal: Portal) -> FeedEvent:
    lines = document_lines(document, portal)
    title = document.title
    comment = document.comment
    if document.kind is Kind.DRAFT and comment is not None:
        title = f"Lấy ý kiến: {document.title}"
        lines.append(
            f"Thời gian lấy ý kiến: từ {opening_text(comment)} đến "
            f"{format_deadline(comment.deadline.at)} (giờ Việt Nam)."
        )
        if comment.extensions:
            lines.append(
                f"Đã gia hạn {len(comment.extensions)} lần; hạn ban đầu là "
                f"{format_deadline(comment.closes.at)}."
            )
        lines.append(how_to_comment(document, portal))
    elif document.kind is Kind.RESULT:
        title = f"Kết quả lấy ý kiến: {document.title}"
        draft = portal.draft_of(document)
        if draft is not None:
            lines.insert(0, f"Kết quả lấy ý kiến về: {draft.title}.")
    return FeedEvent(
        f"doc/{document.uid}",
        document,
        title,
        document.published.at,
        last_change(document),
        tuple(lines),
    )


def extension_events(document: Document, portal: Portal) -> Iterator[FeedEvent]:
    """One event per extension; its text depends only on that extension, never a later one."""
    comment = document.comment
    if document.kind is not Kind.DRAFT or comment is None:
        return
    previous = comment.closes
    for number, (extension, moment) in enumerate(
        zip(comment.extensions, extension_moments(comment), strict=True), start=1
    ):
        deadline = format_deadline(extension.closes.at)
        lines = [
            f"Gia hạn lấy ý kiến đến {deadline} (giờ Việt Nam), "
            f"thay cho hạn {format_deadline(previous.at)}."
        ]
        if extension.reason:
            lines.append(f"Lý do: {extension.reason}.")
        if extension.announced:
            lines.append(f"Thông báo gia hạn ngày {format_date(extension.announced)}.")
        lines += document_lines(document, portal)
        lines.append(how_to_comment(document, portal))
        yield FeedEvent(
            f"doc/{document.uid}/gia-han-{number}",
            document,
            f"Gia hạn góp ý đến {deadline}: {document.title}",
            moment,
            moment,
            tuple(lines),
        )
        previous = extension.closes


def portal_events(portal: Portal) -> list[FeedEvent]:
    """Every event of the documents this build publishes, latest change first."""
    events = []
    for document in portal.published:
        events.append(document_event(document, portal))
        events.extend(extension_events(document, portal))
    return sorted(events, key=lambda e: e.sort_key)


# -- which feeds exist ---------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSpec:
    """One feed, written twice: ``<path>.rss.xml`` and ``<path>.atom.xml``."""

    path: str  # relative to the site root, without the extension
    title: str
    description: str  # one line in Vietnamese: what a subscriber receives
    page: str  # the site-root-relative URL of the page the feed follows

    def href(self, fmt: str) -> str:
        return f"{self.path}.{fmt}.xml"

    def links(self) -> list[dict[str, str]]:
        """``<link rel="alternate">`` data, Atom first."""
        return [
            {"type": FORMATS[fmt], "title": f"{self.title} ({label})", "href": self.href(fmt)}
            for fmt, label in (("atom", "Atom"), ("rss", "RSS"))
        ]


def ancestors(portal: Portal, code: str) -> list[str]:
    """A code and every code above it in the catalog, up to its item."""
    chain = [code]
    category = portal.catalog.get(code) if portal.catalog else None
    while category is not None and category.parent is not None and category.parent not in chain:
        chain.append(category.parent)
        category = portal.catalog.get(category.parent) if portal.catalog else None
    return chain


def category_codes(portal: Portal) -> list[str]:
    """Codes used by a published document, with their items, in catalog order."""
    codes = {a for doc in portal.published for c in doc.categories for a in ancestors(portal, c)}
    order = (
        {code: index for index, code in enumerate(portal.catalog.categories)}
        if portal.catalog
        else {}
    )
    return sorted(
        (c for c in codes if _SAFE_NAME.match(c)), key=lambda c: (order.get(c, len(order)), c)
    )


def portal_feeds(portal: Portal) -> list[FeedSpec]:
    site = portal.config.site_name
    return [
        FeedSpec(
            "feeds/du-thao",
            f"Dự thảo lấy ý kiến – {site}",
            "Dự thảo mới đưa ra lấy ý kiến, gia hạn góp ý và kết quả lấy ý kiến của mọi đơn vị.",
            "",
        ),
        FeedSpec(
            "feeds/tat-ca",
            f"Tất cả thông tin công khai – {site}",
            "Mọi văn bản mới công khai trên cổng, kể cả dự thảo và kết quả lấy ý kiến.",
            "",
        ),
        FeedSpec(
            "feeds/ket-qua",
            f"Kết quả lấy ý kiến – {site}",
            "Báo cáo tổng hợp, giải trình, tiếp thu ý kiến về các dự thảo.",
            "",
        ),
    ]


EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)


def unit_feed(portal: Portal, unit: Unit) -> FeedSpec:
    return FeedSpec(
        f"feeds/don-vi/{unit.id}",
        f"{unit.name} – Thông tin công khai",
        f"Mọi văn bản mới công khai, dự thảo lấy ý kiến và kết quả của {unit.name}.",
        portal.unit_url(unit.id),
    )


def category_feed(portal: Portal, code: str) -> FeedSpec:
    label = category_label(portal, code)
    return FeedSpec(
        f"feeds/danh-muc/{code}",
        f"{label} – {portal.config.site_name}",
        f"Văn bản mới thuộc danh mục “{label}” (kể cả các mục con) của mọi đơn vị.",
        f"danh-muc/{code}/",
    )


def unit_feeds(portal: Portal) -> dict[str, FeedSpec]:
    return {u.id: unit_feed(portal, u) for u in portal.units_sorted() if _SAFE_NAME.match(u.id)}


def category_feeds(portal: Portal) -> dict[str, FeedSpec]:
    return {code: category_feed(portal, code) for code in category_codes(portal)}


def calendar_path(unit_id: str | None) -> str:
    return f"feeds/don-vi/{unit_id}.ics" if unit_id else "feeds/lay-y-kien.ics"


def feed_limit(portal: Portal) -> int:
    value = portal.config.option("feeds", "limit", DEFAULT_LIMIT)
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and value > 0
        else DEFAULT_LIMIT
    )


# -- checks ---------------------------------------------------------------------------------


@hookimpl
def portal_check_portal(portal: Portal) -> Iterator[Diagnostic]:
    if not portal.config.site_url:
        yield Diagnostic(
            "mkdocs.yml",
            None,
            Severity.ERROR,
            "missing-site-url",
            "Chưa khai báo `site_url` (địa chỉ chính thức của cổng) trong mkdocs.yml: nguồn tin "
            "RSS, Atom và lịch góp ý cần đường dẫn tuyệt đối để người theo dõi mở được văn bản.",
            "Thêm vào mkdocs.yml một dòng như `site_url: https://congkhai.example.gov.vn/` "
            "(địa chỉ thật của cổng).",
        )
    value = portal.config.option("feeds", "limit", DEFAULT_LIMIT)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        yield Diagnostic(
            "mkdocs.yml",
            None,
            Severity.ERROR,
            "invalid-feeds-limit",
            f"`feeds.limit` phải là số nguyên dương, không phải `{value}`.",
            f"Ví dụ: `feeds: {{limit: {DEFAULT_LIMIT}}}` trong cấu hình plugin `portal`.",
        )


# -- pages and discovery -------------------------------------------------------------------


@hookimpl
def portal_site_context(portal: Portal) -> Mapping[str, Any]:
    scoped = {f"unit:{uid}": spec.links() for uid, spec in unit_feeds(portal).items()}
    scoped |= {f"category:{code}": spec.links() for code, spec in category_feeds(portal).items()}
    return {"feed_links": portal_feeds(portal)[0].links(), "scoped_feed_links": scoped}


@hookimpl
def portal_unit_context(unit: Unit, portal: Portal) -> Mapping[str, Any] | None:
    if not _SAFE_NAME.match(unit.id):
        return None
    spec = unit_feed(portal, unit)
    return {
        "links": [
            {"title": "Nhận tin mới của đơn vị qua RSS", "url": spec.href("rss")},
            {"title": "Nhận tin mới của đơn vị qua Atom", "url": spec.href("atom")},
            {"title": "Lịch hạn góp ý của đơn vị (iCalendar)", "url": calendar_path(unit.id)},
        ]
    }


def _feed_row(spec: FeedSpec) -> dict[str, str]:
    return {
        "title": spec.title,
        "description": spec.description,
        "rss": spec.href("rss"),
        "atom": spec.href("atom"),
    }


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    units = unit_feeds(portal)
    add_page(
        GeneratedPage(
            SUBSCRIBE_PAGE,
            title="Theo dõi",
            template="portal/feeds.html",
            nav=NavEntry("Theo dõi", 30),
            context={
                "limit": feed_limit(portal),
                "feeds": [_feed_row(spec) for spec in portal_feeds(portal)],
                "calendar": calendar_path(None),
                "units": [
                    {
                        "id": uid,
                        "name": unit_name(portal, uid),
                        "url": spec.page,
                        "rss": spec.href("rss"),
                        "atom": spec.href("atom"),
                        "calendar": calendar_path(uid),
                    }
                    for uid, spec in units.items()
                ],
                "categories": [
                    {"code": code, "label": category_label(portal, code)} | _feed_row(spec)
                    for code, spec in category_feeds(portal).items()
                ],
            },
        )
    )


# -- files ------------------------------------------------------------------------------------


class _Site:
    """Absolute links and tag: ids for one portal (needs ``site_url``)."""

    def __init__(self, portal: Portal, site_url: str, domain: str) -> None:
        self.portal = portal
        self.base = site_url if site_url.endswith("/") else site_url + "/"
        self.domain = domain

    def absolute(self, path: str) -> str:
        return self.base + quote(path, safe="/#%~")

    def tag(self, year: int, suffix: str) -> str:
        return f"tag:{self.domain},{year}:{quote(suffix, safe='/.-_~')}"

    def feed(self, spec: FeedSpec, fmt: str, events: list[FeedEvent], fallback: datetime) -> bytes:
        portal = self.portal
        fg = FeedGenerator()
        fg.id(self.tag(FEED_TAG_YEAR, "feed/" + spec.path.removeprefix("feeds/")))
        fg.title(clean(spec.title))
        fg.description(clean(spec.description))
        fg.language("vi")
        fg.author({"name": clean(portal.config.site_name)})
        fg.generator("portal-gen")
        # The RSS <link> is the last link added (a feedgen trap): self first.
        fg.link(href=self.absolute(spec.href(fmt)), rel="self", type=FORMATS[fmt])
        fg.link(href=self.absolute(spec.page), rel="alternate", type="text/html")
        fg.updated(max((e.updated for e in events), default=fallback))
        for event in events:
            document = event.document
            url = self.absolute(portal.url_of(document))
            entry = fg.add_entry(order="append")  # events are already newest first
            entry.id(self.tag(event.year, event.suffix))
            entry.title(clean(event.title))
            entry.link(href=url, rel="alternate")
            entry.published(event.published)
            entry.updated(event.updated)
            entry.author({"name": clean(unit_name(portal, document.unit_id))})
            entry.summary(clean("\n".join([*event.lines, f"Xem chi tiết: {url}"])))
            for code in document.categories:
                entry.category(term=clean(code), label=clean(category_label(portal, code)))
        data: bytes = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
        return data

    def calendar(self, title: str, drafts: list[Document]) -> bytes:
        calendar = Calendar()
        calendar.add("prodid", "-//portal-gen//Lich lay y kien//VI")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", clean(title))
        calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
        calendar.add("x-published-ttl", "PT6H")
        calendar.add_component(_vietnam_timezone())
        for draft in sorted(drafts, key=lambda d: (-d.published.at.timestamp(), d.uid)):
            calendar.add_component(self.comment_event(draft))
        data: bytes = calendar.to_ical()
        return data

    def comment_event(self, draft: Document) -> Event:
        comment = draft.comment
        assert comment is not None
        url = self.absolute(self.portal.url_of(draft))
        changed = last_change(draft).astimezone(UTC)
        lines = [f"Đơn vị: {unit_name(self.portal, draft.unit_id)}."]
        if draft.number:
            lines.append(f"Số ký hiệu: {draft.number}.")
        lines.append(
            f"Thời gian lấy ý kiến: từ {opening_text(comment)} đến "
            f"{format_deadline(comment.deadline.at)} (giờ Việt Nam)."
        )
        if comment.extensions:
            last = comment.extensions[-1]
            lines.append(
                f"Đã gia hạn; hạn ban đầu là {format_deadline(comment.closes.at)}."
                + (f" Lý do: {last.reason}." if last.reason else "")
            )
        lines += [how_to_comment(draft, self.portal), f"Xem dự thảo và góp ý: {url}"]
        event = Event()
        event.add("uid", f"{quote(draft.uid, safe='/.-_~')}@{self.domain}")
        event.add("sequence", len(comment.extensions))
        event.add("dtstamp", changed)
        event.add("created", draft.published.at.astimezone(UTC))
        event.add("last-modified", changed)
        event.add("dtstart", to_vn(comment.opens.at))
        if comment.deadline.at > comment.opens.at:
            event.add("dtend", to_vn(comment.deadline.at))
        event.add("summary", clean(f"Góp ý: {draft.title}"))
        event.add("description", clean("\n".join(lines)))
        if comment.address:
            event.add("location", clean(comment.address))
        event.add("url", url)
        event.add("class", "PUBLIC")
        event.add("transp", "TRANSPARENT")  # a comment period does not make anyone busy
        return event


def _vietnam_timezone() -> Timezone:
    """Written by hand (UTC+7 since 1975, no daylight saving) so no tzdata version shows."""
    zone = Timezone()
    zone.add("tzid", "Asia/Ho_Chi_Minh")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1975, 6, 13))
    standard.add("tzoffsetfrom", timedelta(hours=7))
    standard.add("tzoffsetto", timedelta(hours=7))
    standard.add("tzname", "+07")
    zone.add_component(standard)
    return zone


def feed_paths(event: FeedEvent, portal: Portal) -> set[str]:
    """The feeds an event goes into."""
    document = event.document
    paths = {"feeds/tat-ca", f"feeds/don-vi/{document.unit_id}"}
    if document.kind in (Kind.DRAFT, Kind.RESULT):
        paths.add("feeds/du-thao")
    if document.kind is Kind.RESULT:
        paths.add("feeds/ket-qua")
    paths |= {f"feeds/danh-muc/{a}" for c in document.categories for a in ancestors(portal, c)}
    return paths


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    site_url, domain = portal.config.site_url, portal.config.domain
    if not site_url or not domain:
        return  # portal_check_portal has already failed the build with missing-site-url
    site = _Site(portal, site_url, domain)
    specs = [*portal_feeds(portal), *unit_feeds(portal).values(), *category_feeds(portal).values()]
    limit = feed_limit(portal)
    events = portal_events(portal)
    selected: dict[str, list[FeedEvent]] = defaultdict(list)
    for event in events:  # one pass, newest first: each feed keeps its first `limit`
        for path in feed_paths(event, portal):
            if len(selected[path]) < limit:
                selected[path].append(event)
    # An empty feed still needs a content date: the portal's newest.
    fallback = events[0].updated if events else EPOCH
    for spec in specs:
        for fmt in FORMATS:
            writer.write_bytes(spec.href(fmt), site.feed(spec, fmt, selected[spec.path], fallback))
    drafts = portal.drafts
    writer.write_bytes(
        calendar_path(None), site.calendar(f"Hạn góp ý – {portal.config.site_name}", drafts)
    )
    by_unit: dict[str, list[Document]] = defaultdict(list)
    for draft in drafts:
        by_unit[draft.unit_id].append(draft)
    for uid in unit_feeds(portal):
        title = f"Hạn góp ý – {unit_name(portal, uid)}"
        writer.write_bytes(calendar_path(uid), site.calendar(title, by_unit[uid]))
    # Material's script fetches `sitemap.xml` next to every <link rel="alternate"> (it
    # takes them for translations); an empty one per feed folder spares readers a 404.
    for folder in ("feeds", "feeds/don-vi", "feeds/danh-muc"):
        writer.write_bytes(f"{folder}/sitemap.xml", EMPTY_SITEMAP)

"""Writing feeds (feedgen) and calendars (icalendar) with absolute links and tag: ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event, Timezone, TimezoneStandard

from portal_gen import (
    Document,
    Portal,
)
from portal_gen.vntime import format_deadline, format_opening, to_vn

from .events import (
    FEED_TAG_YEAR,
    FORMATS,
    FeedEvent,
    category_label,
    clean,
    how_to_comment,
    last_change,
    unit_name,
)
from .specs import FeedSpec

# -- files ------------------------------------------------------------------------------------


class Site:
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
            f"Thời gian lấy ý kiến: từ {format_opening(comment.opens)} đến "
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

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

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from portal_gen import (
    Diagnostic,
    Document,
    GeneratedPage,
    NavEntry,
    Portal,
    Severity,
    SiteWriter,
    Unit,
    hookimpl,
)

from .events import (
    DEFAULT_LIMIT,
    EPOCH,
    FORMATS,
    SAFE_NAME,
    SUBSCRIBE_PAGE,
    FeedEvent,
    category_label,
    portal_events,
    unit_name,
)
from .render import Site
from .specs import (
    EMPTY_SITEMAP,
    FeedSpec,
    calendar_path,
    category_feeds,
    feed_limit,
    feed_paths,
    portal_feeds,
    unit_feed,
    unit_feeds,
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
    if not SAFE_NAME.match(unit.id):
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


def _event_state(event: FeedEvent) -> tuple[object, ...]:
    """What an entry is made of (besides the units and settings, known to the writer)."""
    return (
        event.suffix,
        event.title,
        event.published,
        event.updated,
        event.lines,
        event.document.state,
    )


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    site_url, domain = portal.config.site_url, portal.config.domain
    if not site_url or not domain:
        return  # portal_check_portal has already failed the build with missing-site-url
    site = Site(portal, site_url, domain)
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
    # An entry is in several feeds, each in two formats: its state is digested once.
    fingerprints: dict[int, str] = {}
    for chosen in selected.values():
        for event in chosen:
            if id(event) not in fingerprints:
                fingerprints[id(event)] = writer.fingerprint(_event_state(event))
    for spec in specs:
        events = selected[spec.path]
        inputs = [fingerprints[id(event)] for event in events]
        for fmt in FORMATS:
            if not writer.unchanged(spec.href(fmt), spec, fallback, inputs):
                writer.write_bytes(spec.href(fmt), site.feed(spec, fmt, events, fallback))
    drafts = portal.drafts
    calendars = {calendar_path(None): (f"Hạn góp ý – {portal.config.site_name}", drafts)}
    by_unit: dict[str, list[Document]] = defaultdict(list)
    for draft in drafts:
        by_unit[draft.unit_id].append(draft)
    for uid in unit_feeds(portal):
        calendars[calendar_path(uid)] = (f"Hạn góp ý – {unit_name(portal, uid)}", by_unit[uid])
    for path, (title, docs) in calendars.items():
        if not writer.unchanged(path, title, [doc.state for doc in docs]):
            writer.write_bytes(path, site.calendar(title, docs))
    # Material's script fetches `sitemap.xml` next to every <link rel="alternate"> (it
    # takes them for translations); an empty one per feed folder spares readers a 404.
    for folder in ("feeds", "feeds/don-vi", "feeds/danh-muc"):
        writer.write_bytes(f"{folder}/sitemap.xml", EMPTY_SITEMAP)

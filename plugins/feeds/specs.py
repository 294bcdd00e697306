"""Which feeds exist, where they live, and which entries each receives."""

from __future__ import annotations

from dataclasses import dataclass

from portal_gen import (
    Kind,
    Portal,
    Unit,
)

from .events import DEFAULT_LIMIT, FORMATS, SAFE_NAME, FeedEvent, category_label

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
        (c for c in codes if SAFE_NAME.match(c)), key=lambda c: (order.get(c, len(order)), c)
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
    return {u.id: unit_feed(portal, u) for u in portal.units_sorted() if SAFE_NAME.match(u.id)}


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

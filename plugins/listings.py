"""Generated listing pages: home, units, one page per unit, per category, per year.

Documents never enter the navigation (MkDocs renders the whole nav into every page); the
nav holds only a few generated pages. Long lists are paginated (``listings: {per_page: 50}``)
and the number of pages stays proportional to documents, not to units × categories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from portal_gen import (
    CommentStatus,
    Document,
    GeneratedPage,
    Kind,
    NavEntry,
    Portal,
    Unit,
    hookimpl,
)
from portal_gen.vntime import format_date, format_deadline

HOME = "index.md"
UNITS = "don-vi.md"
CATEGORIES = "danh-muc"
ARCHIVE = "luu-tru"
KIND_LABELS = {
    Kind.DISCLOSURE: "Công khai",
    Kind.DRAFT: "Dự thảo lấy ý kiến",
    Kind.RESULT: "Kết quả lấy ý kiến",
}
LATEST_ON_HOME = 10
LATEST_PER_CATEGORY = 5

_ROWS = "listings.rows"  # portal.memo: document → its row

Crumb = dict[str, str]
HOME_CRUMB: Crumb = {"title": "Trang chủ", "url": ""}


def per_page(portal: Portal) -> int:
    return max(5, int(portal.config.option("listings", "per_page", 50)))


def category_label(portal: Portal, code: str) -> str:
    category = portal.catalog.get(code) if portal.catalog else None
    return category.short if category else code


def document_row(doc: Document, portal: Portal) -> dict[str, Any]:
    """What a listing shows of a document (the same attributes a banner carries for drafts).

    Made once per build and shared by every listing that shows the document: do not
    change it."""
    rows: dict[str, dict[str, Any]] = portal.memo.setdefault(_ROWS, {})
    row = rows.get(doc.src_uri)
    if row is None:
        row = rows[doc.src_uri] = _document_row(doc, portal)
    return row


def _document_row(doc: Document, portal: Portal) -> dict[str, Any]:
    unit = portal.units.get(doc.unit_id)
    row: dict[str, Any] = {
        "title": doc.title,
        "url": portal.url_of(doc),
        "date_text": format_date(doc.date),
        "date_iso": doc.date.isoformat(),
        "number": doc.number,
        "kind": str(doc.kind),
        "kind_label": KIND_LABELS[doc.kind],
        "unit": unit.name if unit else doc.unit_id,
        "unit_url": portal.unit_url(doc.unit_id),
        "categories": [{"code": c, "label": category_label(portal, c)} for c in doc.categories],
    }
    status = portal.status_of(doc)
    if status is not None and doc.comment is not None:
        row |= {
            "status": str(status),
            "opens_iso": doc.comment.opens.at.isoformat(),
            "closes_iso": doc.comment.deadline.at.isoformat(),
            "deadline_text": format_deadline(doc.comment.deadline.at),
        }
    return row


def unit_row(unit: Unit, portal: Portal) -> dict[str, Any]:
    docs = portal.unit_documents(unit.id)
    return {
        "id": unit.id,
        "name": unit.name,
        "type": unit.type,
        "type_name": unit.type_name,
        "url": portal.unit_url(unit.id),
        "documents": len(docs),
        "open_drafts": sum(portal.status_of(d) is CommentStatus.OPEN for d in docs),
        "parent": unit.parent,
    }


def drafts_by_status(docs: list[Document], portal: Portal) -> list[dict[str, Any]]:
    order = [
        CommentStatus.OPEN,
        CommentStatus.UPCOMING,
        CommentStatus.CLOSED,
        CommentStatus.CONCLUDED,
    ]
    titles = {
        CommentStatus.OPEN: "Đang lấy ý kiến",
        CommentStatus.UPCOMING: "Sắp lấy ý kiến",
        CommentStatus.CLOSED: "Đã hết hạn, đang tổng hợp ý kiến",
        CommentStatus.CONCLUDED: "Đã công bố kết quả",
    }
    grouped: dict[CommentStatus, list[Document]] = defaultdict(list)
    for doc in docs:
        status = portal.status_of(doc)
        if status is not None:
            grouped[status].append(doc)
    return [
        {
            "status": str(s),
            "title": titles[s],
            "documents": [document_row(d, portal) for d in grouped[s]],
        }
        for s in order
        if grouped[s]
    ]


def item_code(portal: Portal, code: str) -> str:
    """The catalog item a code belongs to (a sub-code's parent), or the code itself."""
    item = portal.catalog.item_of(code) if portal.catalog else None
    return item.code if item else code


def by_item(docs: Iterable[Document], portal: Portal) -> dict[str, list[Document]]:
    """Documents grouped by catalog item, in catalog order (unknown codes last)."""
    grouped: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        for code in dict.fromkeys(item_code(portal, c) for c in doc.categories or ("khac",)):
            grouped[code].append(doc)
    order = list(portal.catalog.categories) if portal.catalog else []
    rank = {code: index for index, code in enumerate(order)}
    return dict(sorted(grouped.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def years_of(docs: Iterable[Document]) -> list[int]:
    return sorted({doc.date.year for doc in docs}, reverse=True)


def paginate(
    add_page: Callable[[GeneratedPage], None],
    *,
    base: str,
    title: str,
    template: str,
    rows: list[dict[str, Any]],
    size: int,
    context: dict[str, Any],
) -> None:
    """``base/index.md``, ``base/trang-2/index.md``... with previous/next links."""
    pages = max(1, -(-len(rows) // size))

    def src(number: int) -> str:
        return f"{base}/index.md" if number == 1 else f"{base}/trang-{number}/index.md"

    def url(number: int) -> str:
        return src(number).removesuffix("index.md")

    for number in range(1, pages + 1):
        add_page(
            GeneratedPage(
                src(number),
                title=title if number == 1 else f"{title} – trang {number}",
                template=template,
                context=context
                | {
                    "rows": rows[(number - 1) * size : number * size],
                    "pagination": {
                        "page": number,
                        "pages": pages,
                        "total": len(rows),
                        "previous": url(number - 1) if number > 1 else None,
                        "next": url(number + 1) if number < pages else None,
                        "numbers": [{"number": n, "url": url(n)} for n in range(1, pages + 1)],
                    },
                },
            )
        )


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    _home(portal, add_page)
    add_page(
        GeneratedPage(
            UNITS,
            title="Đơn vị",
            template="portal/units.html",
            nav=NavEntry("Đơn vị", 10),
            context={
                "crumbs": [HOME_CRUMB],
                "units": [unit_row(u, portal) for u in portal.units_sorted()],
            },
        )
    )
    for unit in portal.units_sorted():
        _unit_pages(portal, unit, add_page)
    _category_pages(portal, add_page)
    _archive_pages(portal, add_page)


def _home(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    open_drafts = portal.drafts_with_status(CommentStatus.OPEN)
    add_page(
        GeneratedPage(
            HOME,
            title=portal.config.site_name,
            template="portal/home.html",
            markdown=_read_page_text(portal, HOME),
            nav=NavEntry("Trang chủ", 0),
            replaces=HOME in portal.pages,
            context={
                "open_drafts": [document_row(d, portal) for d in open_drafts],
                "latest": [
                    document_row(d, portal)
                    for d in islice(
                        (d for d in portal.published if d.kind is not Kind.DRAFT), LATEST_ON_HOME
                    )
                ],
                "units": [unit_row(u, portal) for u in portal.units_sorted()],
            },
        )
    )


def _unit_pages(portal: Portal, unit: Unit, add_page: Callable[[GeneratedPage], None]) -> None:
    docs = portal.unit_documents(unit.id)
    disclosures = [d for d in docs if d.kind is not Kind.DRAFT]
    unit_crumbs = [HOME_CRUMB, {"title": "Đơn vị", "url": "don-vi/"}]
    add_page(
        GeneratedPage(
            f"{unit.id}/index.md",
            title=unit.name,
            template="portal/unit.html",
            markdown=unit.intro,
            replaces=unit.intro_path is not None,
            unit_id=unit.id,
            context={
                "crumbs": unit_crumbs,
                # base.html adds <link rel="alternate"> for the feeds of this scope
                "feed_scope": f"unit:{unit.id}",
                "unit": unit_row(unit, portal)
                | {
                    "address": unit.address,
                    "phone": unit.phone,
                    "email": unit.email,
                    "website": unit.website,
                },
                "drafts": drafts_by_status([d for d in docs if d.kind is Kind.DRAFT], portal),
                "categories": [
                    {
                        "code": code,
                        "label": category_label(portal, code),
                        "count": len(items),
                        "url": f"{CATEGORIES}/{code}/",
                        "documents": [document_row(d, portal) for d in items[:LATEST_PER_CATEGORY]],
                    }
                    for code, items in by_item(disclosures, portal).items()
                ],
                "years": [
                    {
                        "year": year,
                        "url": f"{unit.id}/nam-{year}/",
                        "count": sum(d.date.year == year for d in docs),
                    }
                    for year in years_of(docs)
                ],
            },
        )
    )
    unit_crumb = {"title": unit.name, "url": portal.unit_url(unit.id)}
    for year in years_of(docs):
        rows = [document_row(d, portal) for d in docs if d.date.year == year]
        paginate(
            add_page,
            base=f"{unit.id}/nam-{year}",
            title=f"{unit.name} – năm {year}",
            template="portal/listing.html",
            rows=rows,
            size=per_page(portal),
            context={"crumbs": [*unit_crumbs, unit_crumb], "feed_scope": f"unit:{unit.id}"},
        )


def _category_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    """One page per category code in use (and per item, gathering its sub-codes)."""
    if portal.catalog is None:
        return
    catalog = portal.catalog
    used: dict[str, list[Document]] = defaultdict(list)
    for doc in portal.published:
        for code in doc.categories:
            if catalog.get(code) is None:
                continue
            for shown in dict.fromkeys((code, item_code(portal, code))):
                used[shown].append(doc)
    crumbs = [HOME_CRUMB, {"title": "Lĩnh vực", "url": f"{CATEGORIES}/"}]
    index = []
    for code in [c for c in catalog.categories if c in used]:
        category = catalog.categories[code]
        index.append(
            {
                "code": code,
                "label": category.short,
                "basis": category.basis,
                "count": len(used[code]),
                "url": f"{CATEGORIES}/{code}/",
                "sub": category.parent is not None,
            }
        )
        paginate(
            add_page,
            base=f"{CATEGORIES}/{code}",
            title=category.short,
            template="portal/listing.html",
            rows=[document_row(d, portal) for d in used[code]],
            size=per_page(portal),
            context={
                "crumbs": crumbs,
                "feed_scope": f"category:{code}",
                "show_unit": True,
                "category": {
                    "code": code,
                    "title": category.title,
                    "basis": category.basis,
                    "periodicity": category.periodicity_label,
                },
            },
        )
    add_page(
        GeneratedPage(
            f"{CATEGORIES}/index.md",
            title="Lĩnh vực công khai",
            template="portal/categories.html",
            nav=NavEntry("Lĩnh vực", 12),
            context={"crumbs": [HOME_CRUMB], "categories": index},
        )
    )


def _archive_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    years = years_of(portal.published)
    crumbs = [HOME_CRUMB, {"title": "Lưu trữ", "url": f"{ARCHIVE}/"}]
    for year in years:
        paginate(
            add_page,
            base=f"{ARCHIVE}/{year}",
            title=f"Văn bản năm {year}",
            template="portal/listing.html",
            rows=[document_row(d, portal) for d in portal.published if d.date.year == year],
            size=per_page(portal),
            context={"crumbs": crumbs, "show_unit": True},
        )
    add_page(
        GeneratedPage(
            f"{ARCHIVE}/index.md",
            title="Lưu trữ theo năm",
            template="portal/archive.html",
            nav=NavEntry("Lưu trữ", 14),
            context={
                "crumbs": [HOME_CRUMB],
                "years": [
                    {
                        "year": year,
                        "url": f"{ARCHIVE}/{year}/",
                        "count": sum(d.date.year == year for d in portal.published),
                    }
                    for year in years
                ],
            },
        )
    )


def _read_page_text(portal: Portal, src_uri: str) -> str:
    """The body of an editor's page (front matter dropped), or '' if there is none."""
    if src_uri not in portal.pages:
        return ""
    path = portal.config.docs_dir / src_uri
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            text = text[end + 4 :].lstrip("\n")
    return text

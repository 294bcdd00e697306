"""Generated listing pages: the home page, the units page and one page per unit.

Documents never enter the navigation (MkDocs renders the whole nav into every page); the
nav holds only these few generated pages, and units are reached through the units page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
KIND_LABELS = {
    Kind.DISCLOSURE: "Công khai",
    Kind.DRAFT: "Dự thảo lấy ý kiến",
    Kind.RESULT: "Kết quả lấy ý kiến",
}
LATEST_ON_HOME = 10


def category_label(portal: Portal, code: str) -> str:
    category = portal.catalog.get(code) if portal.catalog else None
    return category.short if category else code


def document_row(doc: Document, portal: Portal) -> dict[str, Any]:
    """What a listing shows of a document (the same attributes a banner carries for drafts)."""
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


def documents_by_category(docs: list[Document], portal: Portal) -> list[dict[str, Any]]:
    grouped: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        for code in doc.categories or ("khac",):
            grouped[code].append(doc)
    return [
        {
            "code": code,
            "label": category_label(portal, code),
            "documents": [document_row(d, portal) for d in items],
        }
        for code, items in sorted(grouped.items(), key=lambda kv: category_label(portal, kv[0]))
    ]


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    home_intro = _read_page_text(portal, HOME)
    open_drafts = portal.drafts_with_status(CommentStatus.OPEN)
    add_page(
        GeneratedPage(
            HOME,
            title=portal.config.site_name,
            template="portal/home.html",
            markdown=home_intro,
            nav=NavEntry("Trang chủ", 0),
            replaces=HOME in portal.pages,
            context={
                "open_drafts": [document_row(d, portal) for d in open_drafts],
                "latest": [
                    document_row(d, portal) for d in portal.published if d.kind is not Kind.DRAFT
                ][:LATEST_ON_HOME],
                "units": [unit_row(u, portal) for u in portal.units_sorted()],
            },
        )
    )
    add_page(
        GeneratedPage(
            UNITS,
            title="Đơn vị",
            template="portal/units.html",
            nav=NavEntry("Đơn vị", 10),
            context={"units": [unit_row(u, portal) for u in portal.units_sorted()]},
        )
    )
    for unit in portal.units_sorted():
        docs = portal.unit_documents(unit.id)
        add_page(
            GeneratedPage(
                f"{unit.id}/index.md",
                title=unit.name,
                template="portal/unit.html",
                markdown=unit.intro,
                replaces=unit.intro_path is not None,
                unit_id=unit.id,
                context={
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
                    "categories": documents_by_category(
                        [d for d in docs if d.kind is not Kind.DRAFT], portal
                    ),
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

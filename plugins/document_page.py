"""The data of a document's page: metadata block, legal basis, attachments, breadcrumb.

The page itself is ``portal/document.html``; this plugin only hands it data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from portal_gen import Attachment, Audience, Document, Kind, Portal, hookimpl
from portal_gen.vntime import DateValueError, format_date, format_deadline, parse_date

_CATEGORIES = "document_page.categories"  # portal.memo: code → what a page says of it

KIND_LABELS = {
    Kind.DISCLOSURE: "Thông tin công khai",
    Kind.DRAFT: "Dự thảo lấy ý kiến",
    Kind.RESULT: "Kết quả lấy ý kiến (tổng hợp, giải trình, tiếp thu)",
}

FILE_TYPES = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "odt": "OpenDocument",
    "xls": "Excel",
    "xlsx": "Excel",
    "ods": "OpenDocument",
    "csv": "CSV",
    "txt": "Văn bản",
    "jpg": "Ảnh JPEG",
    "jpeg": "Ảnh JPEG",
    "png": "Ảnh PNG",
    "zip": "ZIP",
}


def size_text(size: int) -> str:
    """``1,2 MB``: Vietnamese uses a decimal comma."""
    if size < 1024:
        return f"{size} byte"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


def attachment_row(attachment: Attachment) -> dict[str, Any]:
    return {
        "name": attachment.name,
        "url": attachment.raw if attachment.is_external else attachment.src_uri,
        "external": attachment.is_external,
        "type": FILE_TYPES.get(attachment.extension, attachment.extension.upper() or "Tệp"),
        "size_text": size_text(attachment.size) if attachment.size is not None else None,
    }


def posting_start(document: Document) -> date:
    """The day the notice goes on the board: ``forms: {ht-niem-yet: ...}``, else publication."""
    forms = document.extra.get("forms")
    if isinstance(forms, dict) and isinstance(forms.get("ht-niem-yet"), str):
        try:
            return parse_date(forms["ht-niem-yet"])
        except DateValueError:
            pass
    return document.date


def posting(document: Document, portal: Portal) -> dict[str, Any] | None:
    """The posting period printed on the notice-board sheet (Art. 13: 30 days, permanent...)."""
    start = posting_start(document)
    if document.kind is Kind.DRAFT and document.comment is not None:
        return {
            "text": f"Niêm yết từ ngày {format_date(start)} đến hết thời hạn góp ý "
            f"({format_deadline(document.comment.deadline.at)})."
        }
    catalog = portal.catalog
    if catalog is None:
        return None
    for code in document.categories:
        category = catalog.get(code)
        for key in category.posting if category else ():
            rule = catalog.posting_rules.get(key)
            if rule is None or key == "WEB":
                continue
            if rule.days:
                end = start + timedelta(days=rule.days - 1)
                return {
                    "text": f"{rule.title}: từ ngày {format_date(start)} đến hết ngày {format_date(end)} "
                    f"({rule.basis})."
                }
            return {"text": f"{rule.title} ({rule.basis}), từ ngày {format_date(start)}."}
    return None


def breadcrumb(document: Document, portal: Portal) -> list[dict[str, str]]:
    unit = portal.units.get(document.unit_id)
    return [
        {"title": "Trang chủ", "url": ""},
        {"title": "Đơn vị", "url": "don-vi/"},
        {
            "title": unit.name if unit else document.unit_id,
            "url": portal.unit_url(document.unit_id),
        },
    ]


def category_entry(code: str, portal: Portal) -> dict[str, Any]:
    """What a document page says of one of its categories (shared by every page of the
    build that shows it: do not change it)."""
    catalog = portal.catalog
    category = catalog.get(code) if catalog else None
    return {
        "code": code,
        "title": category.title if category else code,
        "short": category.short if category else code,
        "basis": category.basis if category else None,
        "periodicity": category.periodicity_label if category else None,
        "posting": [
            catalog.posting_rules[key].title
            for key in (category.posting if category else ())
            if catalog and key in catalog.posting_rules
        ],
    }


@hookimpl
def portal_document_context(document: Document, portal: Portal) -> Mapping[str, Any]:
    unit = portal.units.get(document.unit_id)
    shown: dict[str, dict[str, Any]] = portal.memo.setdefault(_CATEGORIES, {})
    categories = []
    for code in document.categories:
        if code not in shown:
            shown[code] = category_entry(code, portal)
        categories.append(shown[code])
    return {
        "document": {
            "kind": str(document.kind),
            "kind_label": KIND_LABELS[document.kind],
            "number": document.number,
            "date_text": format_date(document.date),
            "date_iso": document.date.isoformat(),
            "issued_text": format_date(document.issued) if document.issued else None,
            "issuer": document.issuer or (unit.name if unit else None),
            "signer": document.signer,
            "period": document.period.label if document.period else None,
            "categories": categories,
            "attachments": [attachment_row(a) for a in document.attachments],
            "internal": portal.audience_of(document) is Audience.INTERNAL,
            "unit": {
                "id": document.unit_id,
                "name": unit.name if unit else document.unit_id,
                "url": portal.unit_url(document.unit_id),
            },
            "breadcrumb": breadcrumb(document, portal),
            "posting": posting(document, portal),
            "public_url": (portal.config.site_url or "").rstrip("/") + "/" + portal.url_of(document)
            if portal.config.site_url
            else None,
        }
    }

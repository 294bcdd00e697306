"""Required categories of "Thông tin công khai": checks, compliance pages and the quarterly list.

Checks (each a Diagnostic with a stable code; severity configurable in mkdocs.yml):
``unknown-category``, ``category-not-for-unit``, ``missing-category``, ``outdated-category``,
``late-publication``, ``comment-too-short``, ``invalid-form``.

Pages: one portal-wide matrix (units × categories) for supervisors, one compliance page per
unit, and per unit the list of what was disclosed each quarter with its forms and dates
(Art. 13(2)), with a CSV per quarter.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from portal_gen import (
    Audience,
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
    suggestion_hint,
)
from portal_gen.catalog import Category
from portal_gen.compliance import (
    CategoryCompliance,
    Presence,
    UnitCompliance,
    due_date,
    unit_compliance,
)
from portal_gen.model import Period
from portal_gen.vntime import DateValueError, add_working_days, format_date, parse_date, to_vn

MATRIX = "tinh-hinh-cong-khai.md"
UNIT_PAGE = "tinh-hinh-cong-khai.md"
QUARTERLY_PAGE = "danh-sach-cong-khai.md"

#: Art. 12(1) forms of disclosure (codes from the reference); the portal itself is b).
FORMS = {
    "ht-niem-yet": "Niêm yết",
    "ht-cong-ttdt": "Đăng tải trên cổng thông tin điện tử",
    "ht-truyen-thanh": "Phát trên hệ thống truyền thanh",
    "ht-truong-thon": "Thông qua Trưởng thôn, Tổ trưởng tổ dân phố",
    "ht-van-ban": "Gửi văn bản đến công dân",
    "ht-hoi-nghi-doi-thoai": "Hội nghị trao đổi, đối thoại",
    "ht-tiep-cong-dan-bao-chi": "Tiếp công dân, tiếp xúc cử tri, họp báo",
    "ht-doan-the": "Thông báo đến các tổ chức, đoàn thể",
    "ht-mang-xa-hoi": "Mạng viễn thông, mạng xã hội",
    "ht-khac": "Hình thức khác",
}
PORTAL_FORM = "ht-cong-ttdt"

STATUS_LABELS = {
    Presence.PRESENT: "Đã công khai",
    Presence.MISSING: "Chưa công khai",
    Presence.OUTDATED: "Chưa cập nhật kỳ mới",
}


# -- checks -------------------------------------------------------------------------------


@hookimpl
def portal_front_matter_keys() -> list[str]:
    return ["forms"]


@hookimpl
def portal_check_document(document: Document, portal: Portal) -> Iterator[Diagnostic]:
    catalog = portal.catalog
    unit = portal.units.get(document.unit_id)
    if catalog is None:
        return
    line = document.line_of("category")
    known: list[Category] = []
    for code in document.categories:
        category = catalog.get(code)
        if category is None:
            hint = suggestion_hint(code, catalog.categories, labels=catalog.titles())
            yield Diagnostic(
                document.path,
                line,
                Severity.ERROR,
                "unknown-category",
                f"Mã danh mục `{code}` không có trong danh mục thông tin công khai.",
                (hint + "\n" if hint else "")
                + "Xem các mã bằng lệnh `portal-gen categories"
                + (f" --unit-type {unit.type}`." if unit else "`."),
            )
            continue
        known.append(category)
        if unit is not None and not catalog.applies_to(code, unit.type):
            yield Diagnostic(
                document.path,
                line,
                Severity.WARNING,
                "category-not-for-unit",
                f"Danh mục `{code}` ({category.short}) không áp dụng cho {unit.type_name.lower()} "
                f"(theo {category.basis}).",
                f"Chọn mã phù hợp: `portal-gen categories --unit-type {unit.type}`.",
            )
    applicable = [c for c in known if unit is None or catalog.applies_to(c.code, unit.type)]
    yield from _late_publication(document, portal, applicable)
    if document.kind is Kind.DRAFT:
        yield from _comment_too_short(document, applicable)
    yield from _forms(document)


def _late_publication(
    document: Document, portal: Portal, categories: list[Category]
) -> Iterator[Diagnostic]:
    if document.issued is None or portal.catalog is None:
        return
    for category in categories:
        deadline = portal.catalog.deadline_for(category)
        if deadline is None:
            continue
        if deadline.working_days:
            last = add_working_days(document.issued, deadline.days)
            span = f"{deadline.days} ngày làm việc"
        else:
            last = document.issued + timedelta(days=deadline.days)
            span = f"{deadline.days} ngày"
        if document.date > last:
            yield Diagnostic(
                document.path,
                document.line_of("date"),
                Severity.WARNING,
                "late-publication",
                f"Công khai ngày {format_date(document.date)}, chậm hơn thời hạn {span} kể từ ngày "
                f"ban hành {format_date(document.issued)} (hạn chót {format_date(last)}, "
                f"theo {deadline.basis}).",
                "Nếu ngày đăng hoặc ngày ban hành (`date`, `issued`) ghi sai, hãy sửa lại; nếu đúng, "
                "cần công khai sớm hơn ở các lần sau.",
            )
        return  # the first category with a deadline decides


def _comment_too_short(document: Document, categories: list[Category]) -> Iterator[Diagnostic]:
    comment = document.comment
    minima = [c for c in categories if c.min_comment_days]
    if comment is None or not minima or comment.deadline.at <= comment.opens.at:
        return
    strictest = max(minima, key=lambda c: c.min_comment_days or 0)
    minimum = strictest.min_comment_days or 0
    opens = to_vn(comment.opens.at).date()
    deadline = to_vn(comment.deadline.at - timedelta(seconds=1)).date()
    # "ít nhất N ngày kể từ ngày công khai": the day of publication is not counted
    if (deadline - opens).days < minimum:
        earliest = opens + timedelta(days=minimum)
        yield Diagnostic(
            document.path,
            document.line_of("comment.closes"),
            Severity.WARNING,
            "comment-too-short",
            f"Thời gian lấy ý kiến chỉ {(deadline - opens).days} ngày; {strictest.basis} yêu cầu "
            f"ít nhất {minimum} ngày kể từ ngày công khai.",
            f"Đặt `closes` từ ngày {earliest.isoformat()} trở đi, hoặc gia hạn bằng `extensions`. "
            "Nếu luật chuyên ngành quy định thời hạn khác, ghi rõ căn cứ trong nội dung dự thảo.",
        )


def declared_forms(document: Document) -> list[tuple[str, date | None]]:
    """The ``forms:`` an editor declared: ``{ht-niem-yet: 2026-01-06, ...}`` (valid ones)."""
    raw = document.extra.get("forms")
    if not isinstance(raw, dict):
        return []
    forms = []
    for code, value in raw.items():
        if code not in FORMS:
            continue
        try:
            forms.append((code, parse_date(value) if isinstance(value, str) else None))
        except DateValueError:
            continue
    return forms


def _forms(document: Document) -> Iterator[Diagnostic]:
    if "forms" not in document.extra:
        return
    raw = document.extra["forms"]
    line = document.line_of("forms")
    example = "forms:\n  ht-niem-yet: 2026-01-06\n  ht-truyen-thanh: 2026-01-07"
    if not isinstance(raw, dict):
        yield Diagnostic(
            document.path,
            line,
            Severity.ERROR,
            "invalid-form",
            "`forms` phải liệt kê hình thức công khai và ngày thực hiện.",
            f"Ví dụ:\n{example}",
        )
        return
    for code, value in raw.items():
        if code not in FORMS:
            hint = suggestion_hint(code, FORMS, labels=FORMS)
            yield Diagnostic(
                document.path,
                line,
                Severity.ERROR,
                "invalid-form",
                f"Hình thức công khai `{code}` không có trong Điều 12 khoản 1.",
                (hint + "\n" if hint else "")
                + "Các mã: "
                + ", ".join(f"`{c}` ({t})" for c, t in FORMS.items()),
            )
            continue
        try:
            if isinstance(value, str):
                parse_date(value)
        except DateValueError as error:
            yield Diagnostic(
                document.path,
                line,
                Severity.ERROR,
                "invalid-date",
                f"`forms.{code}`: {error.message}",
                error.hint,
            )


@hookimpl
def portal_check_portal(portal: Portal) -> Iterator[Diagnostic]:
    for unit in portal.units_sorted():
        compliance = unit_compliance(portal, unit)
        for entry in compliance.categories:
            yield from _gap_diagnostics(unit, entry, compliance)


def _gap_diagnostics(
    unit: Unit, entry: CategoryCompliance, compliance: UnitCompliance
) -> Iterator[Diagnostic]:
    category = entry.category
    parent = compliance.get(category.parent) if category.parent else None
    # a missing item is reported once, not once more for each of its sub-codes
    if (
        entry.status is Presence.MISSING
        and entry.required
        and not (parent and parent.status is Presence.MISSING)
    ):
        yield Diagnostic(
            unit.path,
            None,
            Severity.WARNING,
            "missing-category",
            f"{unit.name} chưa công khai: {category.short} ({category.basis}).",
            f"Đăng văn bản với `category: {category.code}`, ví dụ: `portal-gen new disclosure "
            f'--unit {unit.id} --title "..." --category {category.code}`.',
        )
    if entry.status is Presence.OUTDATED and entry.missing_periods:
        periods = ", ".join(
            f"{p.label} (hạn {format_date(due_date(category, p))})" for p in entry.missing_periods
        )
        yield Diagnostic(
            unit.path,
            None,
            Severity.WARNING,
            "outdated-category",
            f"{unit.name} chưa công khai {category.short} cho {periods}.",
            f"Đăng văn bản với `category: {category.code}` và `period:` của kỳ đó "
            f"(ví dụ `period: {entry.missing_periods[-1]}`).",
        )


# -- pages --------------------------------------------------------------------------------


def _audiences(portal: Portal) -> tuple[Audience, ...]:
    if portal.config.audience is Audience.INTERNAL:
        return (Audience.PUBLIC, Audience.INTERNAL)
    return (Audience.PUBLIC,)


def compliance_rows(compliance: UnitCompliance, portal: Portal) -> list[dict[str, Any]]:
    rows = []
    for entry in compliance.categories:
        category = entry.category
        rows.append(
            {
                "code": category.code,
                "short": category.short,
                "title": category.title,
                "basis": category.basis,
                "periodicity": category.periodicity_label,
                "required": entry.required,
                "sub": category.parent is not None,
                "status": str(entry.status),
                "status_label": STATUS_LABELS[entry.status]
                if entry.required or entry.status is not Presence.MISSING
                else "Chưa có (khi phát sinh)",
                "gap": entry.is_gap,
                "generated": category.generated,
                "missing_periods": [
                    f"{p.label} (hạn {format_date(due_date(category, p))})"
                    for p in entry.missing_periods
                ],
                "documents": [
                    {"title": d.title, "url": portal.url_of(d), "date_text": format_date(d.date)}
                    for d in entry.documents
                    if portal.is_published(d)
                ],
            }
        )
    return rows


def quarter_of(day: date) -> Period:
    return Period(day.year, "quarter", (day.month - 1) // 3 + 1)


def quarterly_lists(portal: Portal, unit: Unit) -> list[dict[str, Any]]:
    """Art. 13(2): per quarter, what was disclosed, in which forms, when (newest first)."""
    by_quarter: dict[Period, list[Document]] = defaultdict(list)
    for doc in portal.unit_documents(unit.id):
        by_quarter[quarter_of(doc.date)].append(doc)
    lists = []
    for quarter in sorted(by_quarter, key=lambda p: p.start, reverse=True):
        rows = []
        for doc in sorted(by_quarter[quarter], key=lambda d: (d.published.at, d.src_uri)):
            forms = [(PORTAL_FORM, doc.date), *declared_forms(doc)]
            rows.append(
                {
                    "title": doc.title,
                    "url": portal.url_of(doc),
                    "number": doc.number or "",
                    "categories": ", ".join(_short(portal, c) for c in doc.categories),
                    "forms": [
                        {"form": FORMS[code], "date_text": format_date(day) if day else ""}
                        for code, day in forms
                    ],
                }
            )
        lists.append(
            {
                "quarter": str(quarter),
                "label": quarter.label,
                "csv": f"{unit.id}/danh-sach-cong-khai/{quarter}.csv",
                "rows": rows,
            }
        )
    return lists


def _short(portal: Portal, code: str) -> str:
    category = portal.catalog.get(code) if portal.catalog else None
    return category.short if category else code


def matrix_cell(entry: CategoryCompliance, compliance: UnitCompliance) -> dict[str, Any]:
    """An item's cell: "partial" when it has documents but a mandatory sub-item is a gap."""
    status, label = str(entry.status), STATUS_LABELS[entry.status]
    if entry.status is Presence.PRESENT and any(
        c.is_gap for c in compliance.categories if c.category.parent == entry.category.code
    ):
        status, label = "partial", "Chưa đủ các nội dung bắt buộc"
    return {"status": status, "required": entry.required, "label": label}


def primary_items(compliance: UnitCompliance, portal: Portal) -> list[CategoryCompliance]:
    """The items a supervisor checks first: those of the groups that hold a mandatory item
    (Art. 11 for communes, Art. 46 for agencies...), not the groups that only apply when a
    matter arises (consultations, covenants...)."""
    catalog = portal.catalog
    assert catalog is not None
    primary = {e.category.group for e in compliance.categories if e.category.always_required}
    return [
        e
        for e in compliance.categories
        if e.category.parent is None and e.category.group in primary
    ]


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    audiences = _audiences(portal)
    matrix: dict[str, dict[str, Any]] = {}
    for unit in portal.units_sorted():
        compliance = unit_compliance(portal, unit, audiences=audiences)
        rows = compliance_rows(compliance, portal)
        add_page(
            GeneratedPage(
                f"{unit.id}/{UNIT_PAGE}",
                title=f"Tình hình công khai – {unit.name}",
                template="portal/compliance-unit.html",
                context={
                    "unit": {"id": unit.id, "name": unit.name, "url": portal.unit_url(unit.id)},
                    "rows": [
                        r
                        for r in rows
                        if r["required"] or r["documents"] or r["status"] != "missing"
                    ],
                    "not_arisen": [
                        r
                        for r in rows
                        if not (r["required"] or r["documents"] or r["status"] != "missing")
                    ],
                    "gaps": sum(row["gap"] for row in rows),
                    "as_of": format_date(to_vn(portal.now).date()),
                },
            )
        )
        add_page(
            GeneratedPage(
                f"{unit.id}/{QUARTERLY_PAGE}",
                title=f"Danh sách nội dung đã công khai theo quý – {unit.name}",
                template="portal/quarterly-list.html",
                context={
                    "unit": {"id": unit.id, "name": unit.name, "url": portal.unit_url(unit.id)},
                    "quarters": quarterly_lists(portal, unit),
                },
            )
        )
        items = primary_items(compliance, portal)
        group = matrix.setdefault(
            unit.type,
            {
                "type": unit.type,
                "type_name": unit.type_name,
                "columns": [
                    {"code": e.category.code, "short": e.category.short, "basis": e.category.basis}
                    for e in items
                ],
                "units": [],
            },
        )
        group["units"].append(
            {
                "name": unit.name,
                "url": portal.page_url(f"{unit.id}/{UNIT_PAGE}"),
                "gaps": len(compliance.gaps),
                "cells": [matrix_cell(e, compliance) for e in items],
            }
        )
    add_page(
        GeneratedPage(
            MATRIX,
            title="Tình hình công khai",
            template="portal/compliance-matrix.html",
            nav=NavEntry("Tình hình công khai", 20),
            context={
                "groups": list(matrix.values()),
                "as_of": format_date(to_vn(portal.now).date()),
                "csv": "tinh-hinh-cong-khai.csv",
            },
        )
    )


@hookimpl
def portal_unit_context(unit: Unit, portal: Portal) -> Mapping[str, Any]:
    gaps = len(unit_compliance(portal, unit, audiences=_audiences(portal)).gaps)
    status = f" ({gaps} nội dung cần bổ sung)" if gaps else " (đầy đủ)"
    return {
        "links": [
            {
                "title": "Tình hình công khai" + status,
                "url": portal.page_url(f"{unit.id}/{UNIT_PAGE}"),
            },
            {
                "title": "Danh sách nội dung đã công khai theo quý",
                "url": portal.page_url(f"{unit.id}/{QUARTERLY_PAGE}"),
            },
        ]
    }


@hookimpl
def portal_document_context(document: Document, portal: Portal) -> Mapping[str, Any] | None:
    forms = declared_forms(document)
    if not forms:
        return None
    return {
        "forms": [{"form": FORMS[c], "date_text": format_date(d) if d else ""} for c, d in forms]
    }


# -- files --------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    # A byte-order mark so that Excel, which most offices use, opens Vietnamese text right.
    return buffer.getvalue().encode("utf-8-sig")


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    audiences = _audiences(portal)
    site = portal.config.site_url or ""
    matrix = [
        [
            "ma_don_vi",
            "ten_don_vi",
            "loai_don_vi",
            "ma_danh_muc",
            "danh_muc",
            "can_cu",
            "bat_buoc",
            "tinh_trang",
            "so_van_ban",
        ]
    ]
    for unit in portal.units_sorted():
        compliance = unit_compliance(portal, unit, audiences=audiences)
        for entry in compliance.categories:
            matrix.append(
                [
                    unit.id,
                    unit.name,
                    unit.type,
                    entry.category.code,
                    entry.category.short,
                    entry.category.basis,
                    "có" if entry.required else "không",
                    str(entry.status),
                    str(sum(portal.is_published(d) for d in entry.documents)),
                ]
            )
        for quarter in quarterly_lists(portal, unit):
            rows = [
                [
                    "stt",
                    "noi_dung",
                    "so_ky_hieu",
                    "linh_vuc",
                    "hinh_thuc",
                    "ngay_thuc_hien",
                    "duong_dan",
                ]
            ]
            for number, row in enumerate(quarter["rows"], start=1):
                for form in row["forms"]:
                    rows.append(
                        [
                            str(number),
                            row["title"],
                            row["number"],
                            row["categories"],
                            form["form"],
                            form["date_text"],
                            site + row["url"],
                        ]
                    )
            writer.write_bytes(quarter["csv"], _csv(rows))
    writer.write_bytes("tinh-hinh-cong-khai.csv", _csv(matrix))

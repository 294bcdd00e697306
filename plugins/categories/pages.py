"""The compliance pages, the supervisors' matrix and the quarterly lists of Art. 13(2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from portal_gen import (
    Audience,
    Document,
    GeneratedPage,
    NavEntry,
    Portal,
    Unit,
    hookimpl,
)
from portal_gen.compliance import (
    CategoryCompliance,
    Presence,
    UnitCompliance,
    due_date,
    unit_compliance,
)
from portal_gen.model import Period
from portal_gen.vntime import format_date, vn_date

from .checks import declared_forms
from .forms import FORMS, MATRIX, PORTAL_FORM, QUARTERLY_PAGE, STATUS_LABELS, UNIT_PAGE


def shown_audiences(portal: Portal) -> tuple[Audience, ...]:
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
    """Art. 13(2): per quarter, what was disclosed, in which forms, when (newest first).
    Made once per build (the unit's page shows them, its CSV files hold them)."""
    key = ("categories.quarterly_lists", unit.id)
    if key not in portal.memo:
        portal.memo[key] = _quarterly_lists(portal, unit)
    lists: list[dict[str, Any]] = portal.memo[key]
    return lists


def _quarterly_lists(portal: Portal, unit: Unit) -> list[dict[str, Any]]:
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
    shown = shown_audiences(portal)
    matrix: dict[str, dict[str, Any]] = {}
    for unit in portal.units_sorted():
        compliance = unit_compliance(portal, unit, audiences=shown)
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
                    "as_of": format_date(vn_date(portal.now)),
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
                "as_of": format_date(vn_date(portal.now)),
                "csv": "tinh-hinh-cong-khai.csv",
            },
        )
    )


@hookimpl
def portal_unit_context(unit: Unit, portal: Portal) -> Mapping[str, Any]:
    gaps = len(unit_compliance(portal, unit, audiences=shown_audiences(portal)).gaps)
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

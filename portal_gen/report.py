"""``portal-gen report`` and ``portal-gen categories``: compliance and the catalog as text,
JSON or CSV (SPEC §3)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from portal_gen.catalog import Catalog, Category
from portal_gen.compliance import Presence, UnitCompliance, due_date, portal_compliance
from portal_gen.model import Period
from portal_gen.portal import Portal
from portal_gen.vntime import format_date

__all__ = [
    "categories_json",
    "categories_text",
    "report_csv",
    "report_data",
    "report_json",
    "report_text",
]

STATUS_WORDS = {
    Presence.PRESENT: "có",
    Presence.MISSING: "thiếu",
    Presence.OUTDATED: "chưa cập nhật",
}


def report_data(portal: Portal, window: Period | None = None) -> dict[str, Any]:
    """SPEC §3: ``{"units": [{"id", "name", "type", "categories": [{"code", "title",
    "status", "documents"}]}]}``, plus what supervisors need to act on each row."""
    units = []
    for compliance in portal_compliance(portal, window=window):
        units.append(
            {
                "id": compliance.unit.id,
                "name": compliance.unit.name,
                "type": compliance.unit.type,
                "categories": [
                    {
                        "code": entry.category.code,
                        "title": entry.category.title,
                        "status": str(entry.status),
                        "documents": [doc.path for doc in entry.documents],
                        "required": entry.required,
                        "parent": entry.category.parent,
                        "missing_periods": [str(p) for p in entry.missing_periods],
                    }
                    for entry in compliance.categories
                ],
            }
        )
    return {
        "as_of": portal.now.isoformat(),
        "period": str(window) if window else None,
        "units": units,
    }


def report_json(portal: Portal, window: Period | None = None) -> str:
    return json.dumps(report_data(portal, window), ensure_ascii=False, indent=2)


def report_csv(portal: Portal, window: Period | None = None) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(
        [
            "unit_id",
            "unit_name",
            "unit_type",
            "code",
            "title",
            "status",
            "required",
            "missing_periods",
            "documents",
        ]
    )
    for unit in report_data(portal, window)["units"]:
        for row in unit["categories"]:
            out.writerow(
                [
                    unit["id"],
                    unit["name"],
                    unit["type"],
                    row["code"],
                    row["title"],
                    row["status"],
                    "yes" if row["required"] else "no",
                    " ".join(row["missing_periods"]),
                    " ".join(row["documents"]),
                ]
            )
    return buffer.getvalue()


def _unit_text(compliance: UnitCompliance) -> list[str]:
    unit = compliance.unit
    lines = [
        f"{unit.name} ({unit.id}, {unit.type_name}): {len(compliance.gaps)} nội dung cần bổ sung"
    ]
    for entry in compliance.categories:
        if not entry.required and entry.status is Presence.MISSING:
            continue  # only when the matter arises: not a gap
        mark = "✗" if entry.is_gap else "✓"
        indent = "    " if entry.category.parent else "  "
        line = f"{indent}{mark} {entry.category.short} [{entry.category.code}]: {STATUS_WORDS[entry.status]}"
        if entry.documents:
            line += f" ({len(entry.documents)} văn bản)"
        lines.append(line)
        for period in entry.missing_periods:
            lines.append(
                f"{indent}    thiếu {period.label}, hạn {format_date(due_date(entry.category, period))}"
            )
    return lines


def report_text(portal: Portal, window: Period | None = None) -> str:
    lines: list[str] = []
    for compliance in portal_compliance(portal, window=window):
        lines += [*_unit_text(compliance), ""]
    return "\n".join(lines).rstrip() + "\n"


def _category_record(category: Category, catalog: Catalog) -> dict[str, Any]:
    deadline = catalog.deadline_for(category)
    return {
        "code": category.code,
        "title": category.title,
        "short": category.short,
        "basis": category.basis,
        "audience": str(category.audience),
        "required": category.required,
        "periodicity": category.periodicity,
        "posting": [
            catalog.posting_rules[k].title for k in category.posting if k in catalog.posting_rules
        ],
        "min_comment_days": category.min_comment_days,
        "publish_deadline": (
            f"{deadline.days} {'ngày làm việc' if deadline.working_days else 'ngày'} ({deadline.basis})"
            if deadline
            else None
        ),
        "parent": category.parent,
    }


def _selected(catalog: Catalog, unit_type: str | None) -> list[Category]:
    if unit_type is None:
        return list(catalog.categories.values())
    selected = []
    for item in catalog.for_unit_type(unit_type):
        selected.append(item)
        selected += [catalog.categories[code] for code in item.subcodes]
    return selected


def categories_json(catalog: Catalog, unit_type: str | None = None) -> str:
    records = [_category_record(c, catalog) for c in _selected(catalog, unit_type)]
    return json.dumps(records, ensure_ascii=False, indent=2)


def categories_text(catalog: Catalog, unit_type: str | None = None) -> str:
    lines = []
    for category in _selected(catalog, unit_type):
        indent = "    " if category.parent else ""
        flags = [category.periodicity_label.lower()]
        if category.always_required:
            flags.append("bắt buộc")
        if str(category.audience) == "internal":
            flags.append("nội bộ")
        lines.append(
            f"{indent}{category.code:<32} {category.short} ({category.basis}; {', '.join(flags)})"
        )
    return "\n".join(lines) + "\n"

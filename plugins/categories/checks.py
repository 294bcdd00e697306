"""The checks: unknown or misplaced categories, late publication, short comment periods,
malformed ``forms``, and required categories missing or outdated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from portal_gen import (
    Diagnostic,
    Document,
    Kind,
    Portal,
    Severity,
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
from portal_gen.vntime import (
    DateValueError,
    add_working_days,
    format_date,
    parse_date,
    vn_date,
)

from .forms import FORMS


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
    opens = vn_date(comment.opens.at)
    deadline = vn_date(comment.deadline.at - timedelta(seconds=1))
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

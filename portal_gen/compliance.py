"""Compliance of each unit with its catalog: which required categories are present,
missing, or outdated (a periodic category whose latest due period has no document).

One function computes it for the ``report`` command, the site's compliance pages and the
``missing-category`` / ``outdated-category`` checks, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from portal_gen.catalog import PERIODIC, Category
from portal_gen.model import Audience, Document, Period, Unit
from portal_gen.portal import Portal
from portal_gen.vntime import format_date, vn_date

__all__ = [
    "CategoryCompliance",
    "Presence",
    "UnitCompliance",
    "due_date",
    "latest_due_period",
    "periods_between",
    "portal_compliance",
    "unit_compliance",
]


class Presence(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    OUTDATED = "outdated"


@dataclass(frozen=True)
class CategoryCompliance:
    """One category of one unit."""

    category: Category
    status: Presence
    documents: tuple[Document, ...]
    #: the periods that are due and have no document (periodic categories only)
    missing_periods: tuple[Period, ...] = ()
    #: the latest period that is due (periodic categories only)
    due_period: Period | None = None

    @property
    def required(self) -> bool:
        return self.category.always_required

    @property
    def is_gap(self) -> bool:
        """What a supervisor must act on: a required category missing, or any outdated."""
        return self.status is Presence.OUTDATED or (
            self.required and self.status is Presence.MISSING
        )


@dataclass
class UnitCompliance:
    unit: Unit
    categories: list[CategoryCompliance] = field(default_factory=list)

    @property
    def gaps(self) -> list[CategoryCompliance]:
        return [c for c in self.categories if c.is_gap]

    def get(self, code: str) -> CategoryCompliance | None:
        return next((c for c in self.categories if c.category.code == code), None)


def _unit_of(category: Category) -> str:
    return PERIODIC[category.periodicity]


def due_date(category: Category, period: Period) -> date:
    """The day the document for ``period`` must be out (start or end of the period + days)."""
    days = category.due_days or 0
    anchor = period.start if category.due_from == "start" else period.end
    return anchor + timedelta(days=days)


def _period_containing(day: date, unit: str) -> Period:
    if unit == "year":
        return Period(day.year, "year")
    if unit == "half":
        return Period(day.year, "half", 1 if day.month <= 6 else 2)
    if unit == "quarter":
        return Period(day.year, "quarter", (day.month - 1) // 3 + 1)
    return Period(day.year, "month", day.month)


def _previous(period: Period) -> Period:
    count = 12 // period.months
    if period.index == 1:
        return Period(period.year - 1, period.unit, count)
    return Period(period.year, period.unit, period.index - 1)


def latest_due_period(category: Category, today: date) -> Period | None:
    """The most recent period whose due date has passed (on the due date itself the
    document is not late yet)."""
    if not category.is_periodic or category.due_days is None:
        return None
    period = _period_containing(today, _unit_of(category))
    for _ in range(40):  # due dates lie at most a few periods after the period itself
        if due_date(category, period) < today:
            return period
        period = _previous(period)
    return None


def periods_between(category: Category, window: Period, today: date) -> list[Period]:
    """The category's periods that overlap ``window`` and whose due date has passed."""
    unit = _unit_of(category)
    period = _period_containing(window.end, unit)
    periods = []
    while period.end >= window.start:
        if period.start <= window.end and due_date(category, period) < today:
            periods.append(period)
        period = _previous(period)
    return sorted(periods, key=lambda p: p.start)


def satisfies(doc: Document, period: Period, category: Category) -> bool:
    """Whether a document covers a required period.

    With ``period:`` written, a report (due after its period) must end with the required
    period: a cumulative 6-month report covers Q2 but not Q1. A plan (due from the start of
    its period) may also contain it: an annual plan covers each quarter. Without
    ``period:``, a document counts for the periods it was published in or after.
    """
    if doc.period is not None:
        if doc.period.end == period.end and doc.period.start <= period.start:
            return True
        return category.due_from == "start" and doc.period.contains(period)
    if category.due_from == "start":
        return period.start <= doc.date <= period.end + timedelta(days=category.due_days or 0)
    return period.end < doc.date <= due_date(category, period) + timedelta(days=366)


class _UnitDocuments:
    """A unit's documents, indexed by category code (a unit type has dozens of categories:
    scanning every document for each would be quadratic)."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = docs
        self.by_code: dict[str, list[int]] = {}
        for index, doc in enumerate(docs):
            for code in set(doc.categories):
                self.by_code.setdefault(code, []).append(index)

    def matching(self, portal: Portal, category: Category) -> tuple[Document, ...]:
        """Documents of the category's family that disclose to its audience: a public
        category is not satisfied by a document only published internally."""
        assert portal.catalog is not None
        found: set[int] = set()
        for code in portal.catalog.family(category.code):
            found.update(self.by_code.get(code, ()))
        return tuple(
            doc
            for doc in (self.docs[index] for index in sorted(found))
            if category.audience is Audience.INTERNAL or portal.audience_of(doc) is Audience.PUBLIC
        )


def _assess(
    category: Category,
    docs: tuple[Document, ...],
    today: date,
    window: Period | None,
    *,
    periodic: bool = True,
) -> CategoryCompliance:
    if category.generated:
        return CategoryCompliance(category, Presence.PRESENT, ())
    if window is not None and not category.is_periodic and category.periodicity != "standing":
        docs = tuple(d for d in docs if window.start <= d.date <= window.end)
    if window is not None and category.periodicity == "standing":
        docs = tuple(d for d in docs if d.date <= window.end)
    if not docs:
        return CategoryCompliance(category, Presence.MISSING, ())
    if not periodic or not category.is_periodic or category.due_days is None:
        return CategoryCompliance(category, Presence.PRESENT, docs)
    if window is None:
        latest = latest_due_period(category, today)
        required = [latest] if latest else []
    else:
        required = periods_between(category, window, today)
        latest = required[-1] if required else None
    missing = tuple(p for p in required if not any(satisfies(d, p, category) for d in docs))
    status = Presence.OUTDATED if missing else Presence.PRESENT
    return CategoryCompliance(category, status, docs, missing, latest)


def unit_compliance(
    portal: Portal,
    unit: Unit,
    *,
    window: Period | None = None,
    audiences: Iterable[Audience] = (Audience.PUBLIC, Audience.INTERNAL),
) -> UnitCompliance:
    """Every category of the unit's type, in catalog order (items, then their sub-codes).

    :param window: a reporting period (``--period``); None means "as of now".
    :param audiences: the categories to include (a public site leaves internal ones out).
    """
    wanted = frozenset(audiences)
    key = ("unit_compliance", unit.id, window, wanted)
    if key not in portal.memo:
        portal.memo[key] = _unit_compliance(portal, unit, window, wanted)
    result: UnitCompliance = portal.memo[key]
    return result


def _unit_compliance(
    portal: Portal, unit: Unit, window: Period | None, wanted: frozenset[Audience]
) -> UnitCompliance:
    catalog = portal.catalog
    result = UnitCompliance(unit)
    if catalog is None:
        return result
    docs = _UnitDocuments(portal.documents_by_unit.get(unit.id, []))
    today = vn_date(portal.now)
    for item in catalog.for_unit_type(unit.type):
        if item.audience not in wanted:
            continue
        children = [
            _assess(sub, docs.matching(portal, sub), today, window)
            for sub in (catalog.categories[code] for code in item.subcodes)
        ]
        # an item with sub-codes is as fresh as they are, not by a period of its own
        own = _assess(item, docs.matching(portal, item), today, window, periodic=not children)
        if own.status is Presence.PRESENT and any(
            c.status is Presence.OUTDATED and c.required for c in children
        ):
            own = CategoryCompliance(item, Presence.OUTDATED, own.documents)
        result.categories.append(own)
        result.categories.extend(children)
    return result


def portal_compliance(portal: Portal, **kwargs: object) -> list[UnitCompliance]:
    return [unit_compliance(portal, unit, **kwargs) for unit in portal.units_sorted()]  # type: ignore[arg-type]


def period_text(category: Category, period: Period) -> str:
    return f"{period.label} (hạn {format_date(due_date(category, period))})"

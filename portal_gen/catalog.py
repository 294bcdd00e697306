"""The legal catalog: which categories of "Thông tin công khai" each unit type must publish.

The catalog is data (``data/catalog.yml``, built from Law 10/2022/QH15, Decrees 59/2023,
61/2023 and 145/2020); this module loads it, applies the additions and overrides a
portal sets in its ``mkdocs.yml``, and answers lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

from portal_gen.config import PortalConfig
from portal_gen.diagnostics import Diagnostic, Severity
from portal_gen.model import UNIT_TYPES, Audience

__all__ = [
    "PERIODICITIES",
    "Catalog",
    "Category",
    "PostingRule",
    "PublishDeadline",
    "load_catalog",
    "packaged_catalog",
]

PERIODICITIES = (
    "standing",
    "annual",
    "half-yearly",
    "quarterly",
    "monthly",
    "per-event",
    "per-consultation",
)
PERIODIC = {"annual": "year", "half-yearly": "half", "quarterly": "quarter", "monthly": "month"}
PERIODICITY_LABELS = {
    "standing": "Thường xuyên",
    "annual": "Hằng năm",
    "half-yearly": "6 tháng",
    "quarterly": "Hằng quý",
    "monthly": "Hằng tháng",
    "per-event": "Khi phát sinh",
    "per-consultation": "Mỗi lần lấy ý kiến",
}


@dataclass(frozen=True)
class PostingRule:
    key: str
    title: str
    days: int | None
    basis: str


@dataclass(frozen=True)
class PublishDeadline:
    key: str
    days: int
    working_days: bool
    basis: str


@dataclass(frozen=True)
class Category:
    """One required category (or sub-category) of disclosure."""

    code: str
    title: str
    short: str
    basis: str
    group: str
    audience: Audience = Audience.PUBLIC
    required: str = "when-applicable"  # "always" | "when-applicable"
    periodicity: str = "per-event"
    due_from: str | None = None  # "start" | "end" of the period
    due_days: int | None = None
    posting: tuple[str, ...] = ()
    min_comment_days: int | None = None
    item: int | None = None
    parent: str | None = None
    subcodes: tuple[str, ...] = ()
    note: str | None = None
    local: bool = False  # added by the portal, not by law
    #: a sector law's own publication time limit, overriding the group's
    publish_deadline: PublishDeadline | None = None
    #: portal-gen itself produces this disclosure (the quarterly list of Art. 13(2))
    generated: bool = False

    @property
    def is_periodic(self) -> bool:
        return self.periodicity in PERIODIC

    @property
    def periodicity_label(self) -> str:
        return PERIODICITY_LABELS.get(self.periodicity, self.periodicity)

    @property
    def always_required(self) -> bool:
        return self.required == "always"


@dataclass
class Catalog:
    """The categories in force for a portal, with the rules they refer to."""

    categories: dict[str, Category] = field(default_factory=dict)
    #: unit type → group ids
    unit_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unit_type_titles: dict[str, str] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    posting_rules: dict[str, PostingRule] = field(default_factory=dict)
    publish_deadlines: dict[str, PublishDeadline] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str = ""

    def get(self, code: str) -> Category | None:
        return self.categories.get(code)

    @property
    def internal_codes(self) -> frozenset[str]:
        return frozenset(
            c.code for c in self.categories.values() if c.audience is Audience.INTERNAL
        )

    def for_unit_type(self, unit_type: str) -> list[Category]:
        """Top-level categories that apply to a unit type, in catalog order."""
        groups = self.unit_types.get(unit_type, ())
        return [c for c in self.categories.values() if c.group in groups and c.parent is None]

    def applies_to(self, code: str, unit_type: str) -> bool:
        category = self.categories.get(code)
        return category is not None and category.group in self.unit_types.get(unit_type, ())

    def item_of(self, code: str) -> Category | None:
        """The top-level category a code belongs to (itself, or its parent)."""
        category = self.categories.get(code)
        while category is not None and category.parent is not None:
            category = self.categories.get(category.parent)
        return category

    def family(self, code: str) -> set[str]:
        """A category's code and every sub-code under it (any of them satisfies the item)."""
        result = {code}
        category = self.categories.get(code)
        for sub in category.subcodes if category else ():
            result |= self.family(sub)
        return result

    def deadline_for(self, category: Category) -> PublishDeadline | None:
        """The time allowed between signing and publication: the category's own (or its
        parent's) if a sector law sets one, else the group's (Art. 12(3), 47(2), 65(2))."""
        current: Category | None = category
        while current is not None:
            if current.publish_deadline is not None:
                return current.publish_deadline
            current = self.categories.get(current.parent) if current.parent else None
        key = self.groups.get(category.group, {}).get("publish_deadline")
        return self.publish_deadlines.get(key) if key else None

    def titles(self) -> dict[str, str]:
        return {code: c.title for code, c in self.categories.items()}


def _category(data: Mapping[str, Any], group: str, parent: Category | None) -> Category:
    due = data.get("due") or {}
    inherited: dict[str, Any] = {}
    if parent is not None:
        inherited = {
            "audience": parent.audience,
            "required": parent.required,
            "posting": parent.posting,
            "periodicity": parent.periodicity,
            "min_comment_days": parent.min_comment_days,
        }
    return Category(
        code=str(data["code"]),
        title=str(data["title"]).strip(),
        short=str(data.get("short") or data["title"]).strip(),
        basis=str(data.get("basis", "")),
        group=group,
        audience=Audience(data.get("audience") or inherited.get("audience") or "public"),
        required=str(data.get("required") or inherited.get("required") or "when-applicable"),
        periodicity=str(data.get("periodicity") or inherited.get("periodicity") or "per-event"),
        due_from=due.get("from"),
        due_days=due.get("days"),
        posting=tuple(data.get("posting") or inherited.get("posting") or ()),
        min_comment_days=data.get("min_comment_days", inherited.get("min_comment_days")),
        item=data.get("item"),
        parent=parent.code if parent else None,
        subcodes=tuple(str(sub["code"]) for sub in data.get("subcodes") or ()),
        note=data.get("note"),
        publish_deadline=_deadline(data.get("code", ""), data.get("publish_deadline")),
        generated=bool(data.get("generated", False)),
    )


def _deadline(key: str, rule: Mapping[str, Any] | None) -> PublishDeadline | None:
    if not rule or rule.get("days") is None:
        return None
    return PublishDeadline(
        key, int(rule["days"]), bool(rule.get("working_days")), rule.get("basis", "")
    )


def _add_tree(
    catalog: Catalog, data: Mapping[str, Any], group: str, parent: Category | None
) -> None:
    category = _category(data, group, parent)
    catalog.categories[category.code] = category
    for sub in data.get("subcodes") or ():
        _add_tree(catalog, sub, group, category)


def build_catalog(data: Mapping[str, Any]) -> Catalog:
    """A Catalog from the parsed data file (see data/catalog.yml for the schema)."""
    catalog = Catalog(source=str(data.get("source", "")))
    for key, rule in (data.get("posting_rules") or {}).items():
        catalog.posting_rules[key] = PostingRule(
            key, rule["title"], rule.get("days"), rule.get("basis", "")
        )
    for key, rule in (data.get("publish_deadlines") or {}).items():
        deadline = _deadline(key, rule)
        if deadline is not None:
            catalog.publish_deadlines[key] = deadline
    for group_id, group in (data.get("groups") or {}).items():
        catalog.groups[group_id] = {k: v for k, v in group.items() if k != "categories"}
        for item in group.get("categories") or ():
            _add_tree(catalog, item, group_id, None)
    for unit_type, info in (data.get("unit_types") or {}).items():
        catalog.unit_types[unit_type] = tuple(info.get("groups") or ())
        catalog.unit_type_titles[unit_type] = info.get(
            "title", UNIT_TYPES.get(unit_type, unit_type)
        )
    return catalog


@cache
def _packaged_data() -> Mapping[str, Any]:
    text = resources.files("portal_gen").joinpath("data/catalog.yml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10× faster
    data: Mapping[str, Any] = yaml.load(text, Loader=loader)
    return data


def packaged_catalog() -> Catalog:
    """The catalog as shipped, without any portal's changes."""
    return build_catalog(_packaged_data())


_OVERRIDABLE = {f.name for f in fields(Category)} - {
    "code",
    "group",
    "parent",
    "subcodes",
    "local",
    "publish_deadline",
}


def load_catalog(config: PortalConfig) -> Catalog:
    """The packaged catalog with the ``catalog:`` settings of the portal's ``mkdocs.yml`` applied.

    ``catalog.add`` is a list of categories (same keys as the data file, plus
    ``unit_types: [...]``); ``catalog.override`` maps a code to changed fields.
    """
    catalog = packaged_catalog()
    settings = config.options.get("catalog") or {}
    config_path = "mkdocs.yml"
    for entry in settings.get("add") or ():
        problem = _check_local(entry, catalog)
        if problem:
            catalog.diagnostics.append(
                Diagnostic(
                    config_path,
                    None,
                    Severity.ERROR,
                    "invalid-catalog",
                    problem,
                    "Xem mục 'Danh mục riêng của cổng' trong hướng dẫn biên tập.",
                )
            )
            continue
        group = f"local:{entry['code']}"
        catalog.groups[group] = {
            "title": "Danh mục riêng của cổng",
            "publish_deadline": entry.get("publish_deadline"),
        }
        _add_tree(catalog, entry, group, None)
        catalog.categories[entry["code"]] = replace(catalog.categories[entry["code"]], local=True)
        for unit_type in entry.get("unit_types") or UNIT_TYPES:
            catalog.unit_types[unit_type] = (*catalog.unit_types.get(unit_type, ()), group)
    for code, changes in (settings.get("override") or {}).items():
        category = catalog.categories.get(code)
        unknown = set(changes or {}) - _OVERRIDABLE
        if category is None or unknown:
            what = (
                f"mã `{code}` không có trong danh mục"
                if category is None
                else ("không sửa được " + ", ".join(sorted(unknown)))
            )
            catalog.diagnostics.append(
                Diagnostic(
                    config_path,
                    None,
                    Severity.ERROR,
                    "invalid-catalog",
                    f"`catalog.override`: {what}.",
                    "Chỉ sửa được: " + ", ".join(sorted(_OVERRIDABLE)) + ".",
                )
            )
            continue
        values = dict(changes)
        if "audience" in values:
            values["audience"] = Audience(values["audience"])
        if "posting" in values:
            values["posting"] = tuple(values["posting"])
        catalog.categories[code] = replace(category, **values)
    return catalog


def _check_local(entry: Any, catalog: Catalog) -> str | None:
    if not isinstance(entry, Mapping) or not entry.get("code") or not entry.get("title"):
        return "`catalog.add`: mỗi danh mục cần ít nhất `code` và `title`."
    if entry["code"] in catalog.categories:
        return f"`catalog.add`: mã `{entry['code']}` đã có trong danh mục của luật; dùng `catalog.override` để sửa."
    bad_types = [t for t in entry.get("unit_types") or () if t not in UNIT_TYPES]
    if bad_types:
        return "`catalog.add`: loại đơn vị không hợp lệ: " + ", ".join(bad_types) + "."
    return None

"""The legal catalog data file and its overrides from mkdocs.yml."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from portal_gen.catalog import PERIODICITIES, load_catalog, packaged_catalog
from portal_gen.config import PortalConfig
from portal_gen.model import UNIT_TYPES, Audience

DATA = Path(__file__).resolve().parents[1] / "portal_gen/data/catalog.yml"


def all_entries() -> list[dict]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    entries = []

    def walk(items: list[dict]) -> None:
        for item in items:
            entries.append(item)
            walk(item.get("subcodes") or [])

    for group in data["groups"].values():
        walk(group["categories"])
    return entries


def test_every_code_is_unique_and_kebab_case() -> None:
    codes = [entry["code"] for entry in all_entries()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)


def test_every_category_has_a_title_basis_and_valid_fields() -> None:
    catalog = packaged_catalog()
    assert len(catalog.categories) == len(all_entries())
    for category in catalog.categories.values():
        assert category.title.strip(), category.code
        assert category.basis.strip(), category.code
        assert category.periodicity in PERIODICITIES, category.code
        assert category.required in ("always", "when-applicable"), category.code
        if category.is_periodic:
            assert category.due_days is not None and category.due_from in ("start", "end"), (
                category.code
            )
        assert all(key in catalog.posting_rules for key in category.posting), category.code


def test_commune_catalog_has_the_14_items_of_article_11() -> None:
    catalog = packaged_catalog()
    items = [c for c in catalog.categories.values() if c.group == "commune" and c.parent is None]
    assert [c.item for c in items] == list(range(1, 15))
    assert all(c.basis == f"Điều 11 khoản {c.item}" for c in items)
    assert catalog.get("ke-hoach-kt-xh").title.startswith(  # type: ignore[union-attr]
        "Kế hoạch phát triển kinh tế - xã hội, phương án chuyển dịch cơ cấu kinh tế hằng năm"
    )
    # sub-codes of items 2, 3, 4, 10 and 11
    for item in (2, 3, 4, 10, 11):
        (category,) = [c for c in items if c.item == item]
        assert category.subcodes, item


@pytest.mark.parametrize("unit_type", list(UNIT_TYPES))
def test_every_unit_type_has_a_catalog(unit_type: str) -> None:
    assert packaged_catalog().for_unit_type(unit_type)


def test_spec_codes_exist() -> None:
    catalog = packaged_catalog()
    for code in (
        "ke-hoach-kt-xh",
        "ngan-sach-du-toan",
        "ngan-sach-thuc-hien",
        "thu-tuc-hanh-chinh",
        "lay-y-kien-du-thao",
        "lay-y-kien-ket-qua",
        "cq-ke-hoach-cong-tac",
        "dn-noi-quy-thang-bang-luong",
    ):
        assert catalog.get(code) is not None, code


def test_internal_audiences_follow_the_law() -> None:
    catalog = packaged_catalog()
    for category in catalog.categories.values():
        if category.group in ("agency", "soe", "employer"):
            assert category.audience is Audience.INTERNAL, category.code
        if category.group == "commune":
            assert category.audience is Audience.PUBLIC, category.code


def test_minimum_comment_periods() -> None:
    catalog = packaged_catalog()
    assert catalog.get("yk-quy-che-dan-chu").min_comment_days == 20  # type: ignore[union-attr]
    assert catalog.get("du-thao-huong-uoc").min_comment_days == 30  # type: ignore[union-attr]


def test_a_sub_code_satisfies_its_item() -> None:
    catalog = packaged_catalog()
    assert catalog.family("ngan-sach") >= {"ngan-sach", "ngan-sach-du-toan", "ngan-sach-thuc-hien"}
    assert catalog.item_of("ngan-sach-thuc-hien").code == "ngan-sach"  # type: ignore[union-attr]


def test_portal_can_add_and_override_categories(tmp_path: Path) -> None:
    config = PortalConfig(
        config_dir=tmp_path,
        docs_dir=tmp_path / "content",
        options={
            "catalog": {
                "add": [
                    {
                        "code": "tinh-x-nuoc-sach",
                        "title": "Giá nước sạch sinh hoạt trên địa bàn",
                        "basis": "Quyết định 12/2026/QĐ-UBND tỉnh X",
                        "required": "always",
                        "periodicity": "annual",
                        "due": {"from": "start", "days": 60},
                        "unit_types": ["xa", "phuong"],
                    }
                ],
                "override": {"ngan-sach-quyet-toan": {"required": "when-applicable"}},
            }
        },
    )
    catalog = load_catalog(config)
    assert catalog.diagnostics == []
    added = catalog.get("tinh-x-nuoc-sach")
    assert added is not None and added.local and added.always_required
    assert catalog.applies_to("tinh-x-nuoc-sach", "xa") and not catalog.applies_to(
        "tinh-x-nuoc-sach", "co-quan"
    )
    assert not catalog.get("ngan-sach-quyet-toan").always_required  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "settings",
    [
        {"add": [{"code": "ngan-sach", "title": "Trùng mã"}]},
        {"add": [{"title": "Không có mã"}]},
        {"add": [{"code": "x", "title": "X", "unit_types": ["tinh"]}]},
        {"override": {"khong-co-ma": {"required": "always"}}},
        {"override": {"ngan-sach": {"code": "doi-ma"}}},
    ],
)
def test_bad_catalog_settings_are_reported(tmp_path: Path, settings: dict) -> None:
    config = PortalConfig(
        config_dir=tmp_path, docs_dir=tmp_path / "content", options={"catalog": settings}
    )
    (problem,) = load_catalog(config).diagnostics
    assert (problem.path, problem.code, problem.severity) == (
        "mkdocs.yml",
        "invalid-catalog",
        "error",
    )


def test_categories_command(cli: Callable[..., Result], tmp_path: Path) -> None:
    text = cli("categories", "--unit-type", "phuong", cwd=tmp_path).output
    assert text.splitlines()[0].startswith("ke-hoach-kt-xh")
    assert "    ngan-sach-thuc-hien" in text
    assert "cq-ke-hoach-cong-tac" not in text
    import json

    records = json.loads(
        cli("categories", "--format", "json", "--unit-type", "co-quan", cwd=tmp_path).output
    )
    plan = next(r for r in records if r["code"] == "cq-ke-hoach-cong-tac")
    assert plan["audience"] == "internal"
    assert plan["publish_deadline"] == "5 ngày làm việc (Điều 47 khoản 2)"
    assert cli("categories", "--unit-type", "tinh", cwd=tmp_path).exit_code == 2

"""plugins/categories.py: each check fires where it should and stays silent where it should
not; the compliance report and pages."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import Result

from portal_gen.build import load_portal
from portal_gen.config import PortalConfig
from portal_gen.plugin_manager import get_plugin_manager
from portal_gen.vntime import parse_now
from tests.conftest import NOW, SITES

DOC = "content/phuong-thu/van-ban.md"


def diagnose(root: Path, now: str = NOW, **options: object) -> list[tuple[str, str, int | None]]:
    config = PortalConfig(config_dir=root, docs_dir=root / "content", now=parse_now(now), **options)  # type: ignore[arg-type]
    _, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
    return [(d.path, d.code, d.line) for d in diagnostics]


def doc_codes(
    make_portal: Callable[..., Path], text: str, now: str = NOW
) -> list[tuple[str, int | None]]:
    root = make_portal({DOC: text})
    return [(code, line) for path, code, line in diagnose(root, now) if path == DOC]


def disclosure(category: str, date: str = "2026-01-10", issued: str | None = None) -> str:
    return (
        "---\ntitle: A\ncategory: "
        + category
        + f"\ndate: {date}\n"
        + (f"issued: {issued}\n" if issued else "")
        + "---\n"
    )


class TestUnknownCategory:
    def test_fires_with_a_suggestion_from_codes(self, make_portal: Callable[..., Path]) -> None:
        root = make_portal({DOC: disclosure("ngan-sach-du-tuan")})
        config = PortalConfig(config_dir=root, docs_dir=root / "content", now=parse_now(NOW))
        _, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
        (problem,) = [d for d in diagnostics if d.path == DOC]
        assert (problem.code, problem.line, problem.severity) == ("unknown-category", 3, "error")
        assert problem.hint.startswith("Có phải ý bạn là: `ngan-sach-du-toan`")

    def test_suggests_from_vietnamese_titles(self, make_portal: Callable[..., Path]) -> None:
        root = make_portal({DOC: disclosure("thu tuc hanh chinh")})
        config = PortalConfig(config_dir=root, docs_dir=root / "content", now=parse_now(NOW))
        _, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
        (problem,) = [d for d in diagnostics if d.path == DOC]
        assert "`thu-tuc-hanh-chinh`" in problem.hint

    def test_silent_for_codes_and_sub_codes(self, make_portal: Callable[..., Path]) -> None:
        assert doc_codes(make_portal, disclosure("ngan-sach")) == []
        assert doc_codes(make_portal, disclosure("ngan-sach-thuc-hien")) == []


class TestCategoryNotForUnit:
    def test_fires_for_an_agency_code_on_a_ward(self, make_portal: Callable[..., Path]) -> None:
        assert doc_codes(make_portal, disclosure("cq-ke-hoach-cong-tac")) == [
            ("category-not-for-unit", 3)
        ]

    def test_silent_for_the_right_unit_type(self, make_portal: Callable[..., Path]) -> None:
        assert doc_codes(make_portal, disclosure("phi-le-phi")) == []


class TestLatePublication:
    @pytest.mark.parametrize(
        ("issued", "published", "late"),
        [
            # Friday 4 Oct 2024: 5 working days end Friday 11 Oct (the weekend does not count)
            ("2024-10-04", "2024-10-11", False),
            ("2024-10-04", "2024-10-14", True),
            # Wednesday 7 Feb 2024, just before Tết (8-14 Feb off): deadline Wednesday 21 Feb
            ("2024-02-07", "2024-02-21", False),
            ("2024-02-07", "2024-02-22", True),
        ],
    )
    def test_working_days_across_weekends_and_tet(
        self, make_portal: Callable[..., Path], issued: str, published: str, late: bool
    ) -> None:
        codes = doc_codes(make_portal, disclosure("phi-le-phi", published, issued))
        assert codes == ([("late-publication", 4)] if late else [])

    def test_message_names_the_deadline(self, make_portal: Callable[..., Path]) -> None:
        root = make_portal({DOC: disclosure("phi-le-phi", "2024-02-22", "2024-02-07")})
        config = PortalConfig(config_dir=root, docs_dir=root / "content", now=parse_now(NOW))
        _, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
        (problem,) = [d for d in diagnostics if d.path == DOC]
        assert problem.message == (
            "Công khai ngày 22/02/2024, chậm hơn thời hạn 5 ngày làm việc kể từ ngày ban hành "
            "07/02/2024 (hạn chót 21/02/2024, theo Điều 12 khoản 3)."
        )

    def test_budget_uses_its_own_30_day_rule(self, make_portal: Callable[..., Path]) -> None:
        assert (
            doc_codes(make_portal, disclosure("ngan-sach-du-toan", "2026-01-20", "2025-12-28"))
            == []
        )
        assert doc_codes(
            make_portal, disclosure("ngan-sach-du-toan", "2026-01-28", "2025-12-28")
        ) == [("late-publication", 4)]

    def test_state_enterprise_has_15_calendar_days(self, make_portal: Callable[..., Path]) -> None:
        root = make_portal(
            {
                "content/dnnn-a/_unit.yml": "name: Công ty A\ntype: doanh-nghiep-nha-nuoc\n",
                "content/dnnn-a/bao-cao.md": disclosure(
                    "dnnn-san-xuat-kinh-doanh", "2026-03-17", "2026-03-01"
                ),
                "content/dnnn-a/bao-cao-2.md": disclosure(
                    "dnnn-san-xuat-kinh-doanh", "2026-03-16", "2026-03-01"
                ),
            }
        )
        codes = [(p, c) for p, c, _ in diagnose(root) if c == "late-publication"]
        assert codes == [("content/dnnn-a/bao-cao.md", "late-publication")]

    def test_silent_without_issued(self, make_portal: Callable[..., Path]) -> None:
        assert doc_codes(make_portal, disclosure("phi-le-phi", "2030-01-01")) == []


DRAFT = """\
---
title: Dự thảo
kind: draft
category: {category}
date: 2026-10-01
comment:
  opens: {opens}
  closes: {closes}
---
"""


class TestCommentTooShort:
    @pytest.mark.parametrize(
        ("category", "opens", "closes", "short"),
        [
            (
                "yk-quy-che-dan-chu",
                "2026-10-01",
                "2026-10-21",
                False,
            ),  # 20 days after the day it opened
            ("yk-quy-che-dan-chu", "2026-10-01", "2026-10-21 17:00", False),
            ("yk-quy-che-dan-chu", "2026-10-01", "2026-10-20", True),
            (
                "yk-quy-che-dan-chu",
                "2026-10-01",
                "2026-10-10\n  extensions:\n    - closes: 2026-10-25",
                False,
            ),
            ("du-thao-huong-uoc", "2026-10-01", "2026-10-25", True),  # a village covenant needs 30
            ("du-thao-huong-uoc", "2026-10-01", "2026-10-31", False),
            ("lay-y-kien-du-thao", "2026-10-01", "2026-10-05", True),
        ],
    )
    def test_minimum_period(
        self, make_portal: Callable[..., Path], category: str, opens: str, closes: str, short: bool
    ) -> None:
        text = DRAFT.format(category=category, opens=opens, closes=closes)
        codes = [
            c for c in doc_codes(make_portal, text, now="2026-10-02") if c[0] == "comment-too-short"
        ]
        assert codes == ([("comment-too-short", 8)] if short else [])


class TestResultOverdue:
    TEXT = DRAFT.format(
        category="yk-quy-che-dan-chu", opens="2026-09-01", closes="2026-09-30 17:00"
    )

    def test_fires_after_the_configured_days(self, make_portal: Callable[..., Path]) -> None:
        assert ("result-overdue", 6) in doc_codes(make_portal, self.TEXT, now="2026-10-30T17:00:01")
        assert ("result-overdue", 6) not in doc_codes(
            make_portal, self.TEXT, now="2026-10-30T16:59:59"
        )

    def test_silent_once_a_result_is_published(self, make_portal: Callable[..., Path]) -> None:
        root = make_portal(
            {
                DOC: self.TEXT,
                "content/phuong-thu/ket-qua.md": "---\ntitle: Kết quả\nkind: result\ndate: 2026-10-05\nresult_of: van-ban.md\n---\n",
            }
        )
        assert [c for _, c, _ in diagnose(root, "2027-01-01") if c == "result-overdue"] == []


class TestMissingAndOutdated:
    def test_report_json_is_exact(
        self, cli: Callable[..., Result], copy_site: Callable[[str], Path]
    ) -> None:
        result = cli("report", "--format", "json", "--now", NOW, cwd=copy_site("gaps"))
        assert result.exit_code == 0
        expected = json.loads((SITES / "gaps/expected-report.json").read_text(encoding="utf-8"))
        assert json.loads(result.output) == expected

    def test_warnings_for_required_gaps_only(self) -> None:
        found = [
            (p, c)
            for p, c, _ in diagnose(SITES / "gaps")
            if c in ("missing-category", "outdated-category")
        ]
        assert sorted(found) == sorted(
            [
                ("content/co-quan-x/_unit.yml", "missing-category"),  # cq-ngan-sach
                ("content/co-quan-x/_unit.yml", "missing-category"),  # cq-noi-quy-quy-che
                ("content/xa-thieu/_unit.yml", "missing-category"),  # ngan-sach-du-toan-trinh
                ("content/xa-thieu/_unit.yml", "missing-category"),  # ngan-sach-quyet-toan
                (
                    "content/xa-thieu/_unit.yml",
                    "missing-category",
                ),  # quy-che-to-chuc (once, not per sub-code)
                ("content/xa-thieu/_unit.yml", "outdated-category"),  # ngan-sach-thuc-hien Q3
            ]
        )

    def test_outdated_names_the_period_and_its_due_date(self) -> None:
        config = PortalConfig(
            config_dir=SITES / "gaps", docs_dir=SITES / "gaps/content", now=parse_now(NOW)
        )
        _, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
        (outdated,) = [d for d in diagnostics if d.code == "outdated-category"]
        assert outdated.message == (
            "Ủy ban nhân dân xã Thiếu chưa công khai Tình hình thực hiện dự toán ngân sách "
            "cho Quý III/2026 (hạn 15/10/2026)."
        )
        assert "period: 2026-Q3" in outdated.hint

    def test_before_the_due_date_the_half_year_report_is_enough(self) -> None:
        found = [
            c
            for _, c, _ in diagnose(SITES / "gaps", "2026-10-15T12:00")
            if c == "outdated-category"
        ]
        assert found == []

    def test_strict_turns_missing_categories_into_failures(
        self, cli: Callable[..., Result], copy_site: Callable[[str], Path]
    ) -> None:
        assert cli("check", "--now", NOW, cwd=copy_site("gaps")).exit_code == 0
        assert cli("check", "--now", NOW, "--strict", cwd=copy_site("gaps")).exit_code == 1

    def test_period_option(
        self, cli: Callable[..., Result], copy_site: Callable[[str], Path]
    ) -> None:
        data = json.loads(
            cli(
                "report",
                "--format",
                "json",
                "--period",
                "2026-Q2",
                "--now",
                NOW,
                cwd=copy_site("gaps"),
            ).output
        )
        rows = {
            c["code"]: c for u in data["units"] if u["id"] == "xa-thieu" for c in u["categories"]
        }
        assert data["period"] == "2026-Q2"
        assert rows["ngan-sach-thuc-hien"]["status"] == "present"  # the H1 report covers Q2
        data = json.loads(
            cli(
                "report",
                "--format",
                "json",
                "--period",
                "2026",
                "--now",
                NOW,
                cwd=copy_site("gaps"),
            ).output
        )
        rows = {
            c["code"]: c for u in data["units"] if u["id"] == "xa-thieu" for c in u["categories"]
        }
        assert rows["ngan-sach-thuc-hien"]["missing_periods"] == ["2026-Q1", "2026-Q3"]
        assert cli("report", "--period", "Q3", cwd=copy_site("gaps")).exit_code == 2

    def test_report_csv(self, cli: Callable[..., Result], copy_site: Callable[[str], Path]) -> None:
        rows = list(
            csv.DictReader(
                io.StringIO(
                    cli("report", "--format", "csv", "--now", NOW, cwd=copy_site("gaps")).output
                )
            )
        )
        row = next(
            r for r in rows if r["unit_id"] == "xa-thieu" and r["code"] == "ngan-sach-thuc-hien"
        )
        assert (row["status"], row["required"], row["missing_periods"]) == (
            "outdated",
            "yes",
            "2026-Q3",
        )


class TestAudience:
    def test_internal_category_makes_its_documents_internal(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result], tmp_path: Path
    ) -> None:
        root = copy_site("gaps")
        result = cli("build", "--now", NOW, "-d", str(tmp_path / "site"), cwd=root)
        assert result.exit_code == 0, result.output
        assert not (tmp_path / "site/co-quan-x/ke-hoach-cong-tac-2026").exists()
        assert not (tmp_path / "site/xa-thieu/phi-noi-bo").exists()
        assert (tmp_path / "site/xa-thieu/thu-tuc/index.html").is_file()


class TestPages:
    @pytest.fixture
    def site(
        self, cli: Callable[..., Result], copy_site: Callable[[str], Path], tmp_path: Path
    ) -> Path:
        result = cli("build", "--now", NOW, "-d", str(tmp_path / "site"), cwd=copy_site("gaps"))
        assert result.exit_code == 0, result.output
        return tmp_path / "site"

    def test_unit_compliance_page(self, site: Path) -> None:
        page = BeautifulSoup(
            (site / "xa-thieu/tinh-hinh-cong-khai/index.html").read_text(), "html.parser"
        )
        rows = {tr.th.code.get_text(): tr for tr in page.select("table tbody tr")}
        assert rows["ngan-sach-thuc-hien"]["data-compliance"] == "outdated"
        assert "Thiếu: Quý III/2026 (hạn 15/10/2026)" in rows["ngan-sach-thuc-hien"].get_text(
            " ", strip=True
        )
        assert rows["quy-che-dan-chu"]["data-compliance"] == "missing"
        assert rows["thu-tuc-hanh-chinh"].a["href"] == "../thu-tuc/"
        # the internal fee document is neither counted nor linked
        assert "phi-le-phi" not in rows
        assert "Phí, lệ phí" in page.select_one("details").get_text()

    def test_matrix_for_supervisors(self, site: Path) -> None:
        page = BeautifulSoup((site / "tinh-hinh-cong-khai/index.html").read_text(), "html.parser")
        (table,) = page.select("table")
        cells = [td["data-compliance"] for td in table.select("tbody tr td.portal-cell")]
        # Art. 11 items 1..14 then the quarterly list: plan present, budget outdated, 3 none,
        # 4 missing (required), 5-12 not arisen, 13 present, 14 none, list generated
        assert cells == ["present", "outdated", "missing", "missing"] + ["missing"] * 8 + [
            "present",
            "missing",
            "present",
        ]
        # agency items are internal by law: named, not tabulated, on the public site
        assert "Phòng X" in page.get_text()
        matrix_csv = (site / "tinh-hinh-cong-khai.csv").read_bytes()
        assert matrix_csv.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(matrix_csv.decode("utf-8-sig"))))
        # the agency's categories are all internal: a public build leaves them out
        assert {r["ma_don_vi"] for r in rows} == {"xa-thieu"}

    def test_quarterly_list_and_csv(self, site: Path) -> None:
        page = BeautifulSoup(
            (site / "xa-thieu/danh-sach-cong-khai/index.html").read_text(), "html.parser"
        )
        headings = [h.get_text(strip=True) for h in page.select("article h2")]
        assert headings == ["Quý III/2026", "Quý I/2026", "Quý I/2025"]
        data = (site / "xa-thieu/danh-sach-cong-khai/2026-Q1.csv").read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(data)))
        assert [r["noi_dung"] for r in rows] == [
            "Kế hoạch phát triển kinh tế - xã hội năm 2026",
            "Dự toán ngân sách xã năm 2026",
        ]
        assert rows[0]["hinh_thuc"] == "Đăng tải trên cổng thông tin điện tử"
        assert rows[0]["ngay_thuc_hien"] == "08/01/2026"
        assert rows[0]["duong_dan"] == "https://thieu.example.vn/xa-thieu/ke-hoach-2026/"

    def test_unit_page_links_to_its_compliance(self, site: Path) -> None:
        page = BeautifulSoup((site / "xa-thieu/index.html").read_text(), "html.parser")
        links = {a.get_text(strip=True): a["href"] for a in page.select(".portal-unit-links a")}
        assert links["Tình hình công khai (8 nội dung cần bổ sung)"] == "tinh-hinh-cong-khai/"
        assert links["Danh sách nội dung đã công khai theo quý"] == "danh-sach-cong-khai/"


def test_declared_forms_appear_in_the_quarterly_list(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal(
        {
            DOC: "---\ntitle: A\ncategory: phi-le-phi\ndate: 2026-01-10\nforms:\n  ht-niem-yet: 2026-01-09\n  ht-truyen-thanh: 2026-01-11\n---\n"
        }
    )
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    rows = list(
        csv.DictReader(
            io.StringIO(
                (root / "site/phuong-thu/danh-sach-cong-khai/2026-Q1.csv")
                .read_bytes()
                .decode("utf-8-sig")
            )
        )
    )
    assert [(r["hinh_thuc"], r["ngay_thuc_hien"]) for r in rows] == [
        ("Đăng tải trên cổng thông tin điện tử", "10/01/2026"),
        ("Niêm yết", "09/01/2026"),
        ("Phát trên hệ thống truyền thanh", "11/01/2026"),
    ]


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        ("forms:\n  ht-niem-yet: 2026-01-09\n", []),
        ("forms:\n  niem-yet: 2026-01-09\n", [("invalid-form", 5)]),
        ("forms:\n  ht-niem-yet: 09/01/2026\n", [("invalid-date", 5)]),
        ("forms: niem-yet\n", [("invalid-form", 5)]),
    ],
)
def test_forms_are_checked(
    make_portal: Callable[..., Path], forms: str, expected: list[tuple[str, int]]
) -> None:
    text = f"---\ntitle: A\ncategory: phi-le-phi\ndate: 2026-01-10\n{forms}---\n"
    assert doc_codes(make_portal, text) == expected

"""The command line (SPEC §3): formats, exit codes, `new`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import NOW

BROKEN = "---\ntitle: Hỏng\ncategory: khac\ndate: 2024-02-30\nsinger: X\n---\n"
WARN_ONLY = "---\ntitle: Cảnh báo\ncategory: khac\ndate: 2024-02-03\nsinger: X\n---\n"


def test_check_clean_portal(copy_site: Callable[[str], Path], cli: Callable[..., Result]) -> None:
    result = cli("check", "--now", NOW, cwd=copy_site("tiny"))
    assert result.exit_code == 0
    assert result.output.strip() == "Nội dung hợp lệ: không có lỗi hay cảnh báo nào."


def test_check_json_lists_every_problem(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal({"content/phuong-thu/hong.md": BROKEN})
    result = cli("check", "--format", "json", cwd=root)
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert [(p["path"], p["line"], p["severity"], p["code"]) for p in problems] == [
        ("content/phuong-thu/hong.md", 4, "error", "invalid-date"),
        ("content/phuong-thu/hong.md", 5, "warning", "unknown-key"),
    ]
    assert set(problems[0]) == {"path", "line", "severity", "code", "message", "hint"}


def test_check_github_annotations(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal({"content/phuong-thu/hong.md": BROKEN})
    result = cli("check", "--format", "github", cwd=root)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("::error file=content/phuong-thu/hong.md,line=4,title=invalid-date::")


def test_warnings_fail_only_under_strict(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal({"content/phuong-thu/a.md": WARN_ONLY})
    assert cli("check", cwd=root).exit_code == 0
    assert cli("check", "--strict", cwd=root).exit_code == 1
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    assert cli("build", "--strict", "--now", NOW, "-d", "strict-site", cwd=root).exit_code == 1
    assert not (root / "strict-site").exists()


def test_text_output_names_file_line_and_fix(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = make_portal({"content/phuong-thu/hong.md": BROKEN})
    lines = cli("check", cwd=root).output.splitlines()
    assert (
        lines[0]
        == "content/phuong-thu/hong.md:4: lỗi [invalid-date] `date`: Ngày `2024-02-30` không tồn tại."
    )
    assert lines[1] == "    → Tháng 2 năm 2024 chỉ có 29 ngày."
    assert lines[-1] == "Tổng cộng: 1 lỗi, 1 cảnh báo."


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--now", "ngày mai"],
        ["check", "--format", "xml"],
        ["build", "--audience", "everyone"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(
    copy_site: Callable[[str], Path], cli: Callable[..., Result], args: list[str]
) -> None:
    assert cli(*args, cwd=copy_site("tiny")).exit_code == 2


def test_missing_config_is_a_usage_error(tmp_path: Path, cli: Callable[..., Result]) -> None:
    result = cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert "Không tìm thấy tệp cấu hình `mkdocs.yml`" in result.output


def test_portal_now_environment_variable(
    copy_site: Callable[[str], Path], cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site("tiny")
    monkeypatch.chdir(root)
    from click.testing import CliRunner

    from portal_gen.cli import main

    result = CliRunner().invoke(main, ["build", "-d", "out"], env={"PORTAL_NOW": "2026-12-06"})
    assert result.exit_code == 0, result.output
    info = json.loads((root / "out/build-info.json").read_text())
    assert info["now"] == "2026-12-06T00:00:00+07:00"


def test_plugins_lists_plugins_and_hooks(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    output = cli("plugins", cwd=copy_site("tiny")).output
    assert "schema  (built-in)" in output
    assert "    portal_check_document" in output
    assert "comment_period  (built-in)" in output


class TestNew:
    def test_new_draft_passes_check_at_once(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result]
    ) -> None:
        root = copy_site("tiny")
        result = cli(
            "new",
            "draft",
            "--unit",
            "phuong-a",
            "--title",
            "Dự thảo Quy định về chợ",
            "--category",
            "yk-quyet-dinh-cong-dong",
            "--now",
            NOW,
            cwd=root,
        )
        assert result.exit_code == 0, result.output
        path = root / result.output.strip()
        assert path == root / "content/phuong-a/du-thao-quy-dinh-ve-cho.md"
        text = path.read_text(encoding="utf-8")
        assert "  closes: 2026-12-12 17:00" in text
        assert '  email: "vanphong@phuong-a.example.vn"' in text
        check = cli("check", "--now", NOW, "--format", "json", cwd=root)
        assert json.loads(check.output) == []

    def test_new_disclosure_needs_its_category_filled(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result]
    ) -> None:
        root = copy_site("tiny")
        rel = cli(
            "new", "disclosure", "--unit", "phuong-a", "--title", "Thông báo 0123", cwd=root
        ).output.strip()
        problems = json.loads(cli("check", "--format", "json", cwd=root).output)
        assert [(p["path"], p["code"]) for p in problems] == [(rel, "missing-key")]
        path = root / rel
        path.write_text(
            path.read_text(encoding="utf-8").replace('category: ""', "category: khac"),
            encoding="utf-8",
        )
        assert json.loads(cli("check", "--format", "json", cwd=root).output) == []

    def test_new_result_points_at_its_draft(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result]
    ) -> None:
        root = copy_site("tiny")
        result = cli(
            "new",
            "result",
            "--unit",
            "phuong-a",
            "--title",
            "Kết quả lấy ý kiến quy chế",
            "--result-of",
            "du-thao-quy-che.md",
            cwd=root,
        )
        assert result.exit_code == 0, result.output
        assert 'result_of: "du-thao-quy-che.md"' in (root / result.output.strip()).read_text(
            encoding="utf-8"
        )
        assert json.loads(cli("check", "--now", NOW, "--format", "json", cwd=root).output) == []

    def test_new_unit(self, copy_site: Callable[[str], Path], cli: Callable[..., Result]) -> None:
        root = copy_site("tiny")
        result = cli(
            "new",
            "unit",
            "--unit",
            "xa-moi",
            "--title",
            "Ủy ban nhân dân xã Mới",
            "--type",
            "xa",
            cwd=root,
        )
        assert result.output.strip() == "content/xa-moi/_unit.yml"
        assert json.loads(cli("check", "--format", "json", "--now", NOW, cwd=root).output) == []

    def test_new_never_overwrites(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result]
    ) -> None:
        root = copy_site("tiny")
        args = (
            "new",
            "disclosure",
            "--unit",
            "phuong-a",
            "--title",
            "Công khai dự toán ngân sách phường A năm 2026",
        )
        target = root / "content/phuong-a/cong-khai-du-toan-ngan-sach-phuong-a-nam-2026.md"
        target.write_text("của biên tập viên", encoding="utf-8")
        result = cli(*args, cwd=root)
        assert result.exit_code == 1
        assert "không ghi đè" in result.output
        assert target.read_text(encoding="utf-8") == "của biên tập viên"

    @pytest.mark.parametrize(
        "args",
        [
            ["new", "draft", "--unit", "khong-co", "--title", "X"],
            ["new", "draft", "--unit", "Phuong A", "--title", "X"],
            ["new", "disclosure", "--unit", "phuong-a", "--title", "X", "--category", "ngan-sch"],
            ["new", "unit", "--unit", "xa-b", "--title", "X", "--type", "tinh"],
            ["new", "result", "--unit", "phuong-a", "--title", "X"],
        ],
    )
    def test_new_usage_errors(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result], args: list[str]
    ) -> None:
        root = copy_site("tiny")
        result = cli(*args, cwd=root)
        assert result.exit_code == 2, result.output


def test_the_command_ends_with_its_exit_code_and_all_its_output(
    make_portal: Callable[..., Path], tmp_path: Path
) -> None:
    """`portal-gen` ends its process without Python's teardown (cli.run): what it printed
    must still arrive whole, with the exit code of the command."""
    root = make_portal({"content/phuong-thu/hong.md": BROKEN})
    command = [sys.executable, "-m", "portal_gen.cli", "check"]
    checked = subprocess.run(
        [*command, "--format", "json"], cwd=root, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 1, checked.stderr
    problems = json.loads(checked.stdout)
    assert [p["code"] for p in problems] == ["invalid-date", "unknown-key"]
    missing = subprocess.run(
        [*command, "-f", str(tmp_path / "none.yml")], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2
    assert "none.yml" in missing.stderr

"""`portal-gen init`, the CI templates it installs, `rebuild-due`, the pre-commit hook and
the Dockerfile (checked statically: there is no container engine where the tests run)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import Result

from portal_gen.cli import main
from portal_gen.init_portal import output_name, starter_files
from tests.conftest import NOW, write_files

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

STARTER = {
    ".github/workflows/portal.yml",
    ".gitignore",
    ".gitlab-ci.yml",
    "README.md",
    "content/index.md",
    "content/phuong-mau/_unit.yml",
    "content/phuong-mau/index.md",
    "mkdocs.yml",
}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def portal(tmp_path: Path, cli: Callable[..., Result]) -> Path:
    """A portal created by `portal-gen init` with the default options."""
    result = cli("init", "cong", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    return tmp_path / "cong"


class TestInit:
    def test_creates_the_starter_files_and_lists_them(
        self, tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        result = cli("init", "cong", cwd=tmp_path)
        assert result.exit_code == 0, result.output
        root = tmp_path / "cong"
        assert files_under(root) == STARTER
        listed = {line.strip() for line in result.output.splitlines() if line.startswith("  ")}
        assert listed >= STARTER

    def test_mkdocs_yml_and_unit(self, portal: Path) -> None:
        assert load_yaml(portal / "mkdocs.yml") == {
            "site_name": "Thông tin công khai – Ủy ban nhân dân phường Mẫu",
            "site_url": "https://congkhai.example.vn/",
            "docs_dir": "content",
            "theme": {"name": "material", "language": "vi"},
            "plugins": ["portal"],
        }
        unit = load_yaml(portal / "content/phuong-mau/_unit.yml")
        assert (unit["name"], unit["type"]) == ("Ủy ban nhân dân phường Mẫu", "phuong")

    def test_options(self, tmp_path: Path, cli: Callable[..., Result]) -> None:
        result = cli(
            "init",
            "xa",
            "--name",
            "Cổng: xã Tả Phìn",
            "--site-url",
            "https://cong.example.org/ta-phin",
            "--unit",
            "xa-ta-phin",
            "--unit-name",
            "Ủy ban nhân dân xã Tả Phìn",
            "--unit-type",
            "xa",
            cwd=tmp_path,
        )
        assert result.exit_code == 0, result.output
        root = tmp_path / "xa"
        config = load_yaml(root / "mkdocs.yml")
        # a colon in the name stays a string, and a sub-path gets its trailing slash
        assert config["site_name"] == "Cổng: xã Tả Phìn"
        assert config["site_url"] == "https://cong.example.org/ta-phin/"
        unit = load_yaml(root / "content/xa-ta-phin/_unit.yml")
        assert (unit["name"], unit["type"]) == ("Ủy ban nhân dân xã Tả Phìn", "xa")
        readme = (root / "README.md").read_text(encoding="utf-8")
        assert "portal-gen categories --unit-type xa" in readme
        assert "$" not in readme.replace("$ ", "")  # every placeholder was filled in

    def test_passes_check_and_builds_at_once(
        self, portal: Path, cli: Callable[..., Result]
    ) -> None:
        check = cli("check", "--format", "json", "--now", NOW, cwd=portal)
        assert check.exit_code == 0, check.output
        problems = json.loads(check.output)
        # only the reminders of what the law requires and is not published yet
        assert {p["code"] for p in problems} <= {"missing-category"}
        assert cli("build", "--now", NOW, cwd=portal).exit_code == 0
        info = json.loads((portal / "site/build-info.json").read_text(encoding="utf-8"))
        assert (info["units"], info["documents"]) == (1, 0)
        page = BeautifulSoup(
            (portal / "site/phuong-mau/index.html").read_text(encoding="utf-8"), "html.parser"
        )
        text = " ".join(page.get_text(" ").split())
        assert "Thông tin công khai của Ủy ban nhân dân phường Mẫu theo Luật" in text

    def test_readme_commands_work(self, portal: Path, cli: Callable[..., Result]) -> None:
        """Every `portal-gen new` example of the editors' README runs in the new portal."""
        readme = (portal / "README.md").read_text(encoding="utf-8")
        commands = [
            shlex.split(line.strip())
            for line in readme.splitlines()
            if line.strip().startswith("portal-gen ")
        ]
        names = {tuple(c[1:3]) for c in commands}
        assert {
            ("new", "disclosure"),
            ("new", "draft"),
            ("new", "result"),
            ("new", "unit"),
        } <= names
        assert {("check",), ("serve",)} <= {tuple(c[1:2]) for c in commands}
        draft = None
        for command in commands:
            if command[1] != "new":
                continue
            args = command[1:]
            if args[1] == "result":
                assert draft is not None
                args[args.index("--result-of") + 1] = draft.name
            result = cli(*args, "--now", NOW, cwd=portal)
            assert result.exit_code == 0, (command, result.output)
            if args[1] == "draft":
                draft = portal / result.stdout.strip()
        check = cli("check", "--format", "json", "--now", NOW, cwd=portal)
        errors = [p for p in json.loads(check.output) if p["severity"] == "error"]
        assert check.exit_code == 0 and errors == []

    def test_github_annotations_point_at_the_repository_file_and_line(
        self, portal: Path, cli: Callable[..., Result]
    ) -> None:
        """In CI the repository root is the portal root: annotations land on the right line."""
        (portal / "content/phuong-mau/hong.md").write_text(
            "---\ntitle: Hỏng\ncategory: khac\ndate: 2024-02-30\n---\n", encoding="utf-8"
        )
        result = cli("check", "--format", "github", cwd=portal)
        assert result.exit_code == 1
        (error,) = (line for line in result.output.splitlines() if line.startswith("::error "))
        match = re.match(r"::error file=([^,]+),line=(\d+),title=([^:]+)::", error)
        assert match is not None, error
        path, line, code = match[1], int(match[2]), match[3]
        assert code == "invalid-date"
        lines = (portal / path).read_text(encoding="utf-8").splitlines()
        assert lines[line - 1] == "date: 2024-02-30"

    def test_a_git_folder_alone_is_empty_enough(
        self, tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        (tmp_path / "cong/.git").mkdir(parents=True)
        (tmp_path / "cong/.git/HEAD").write_text("ref: refs/heads/main\n")
        assert cli("init", "cong", cwd=tmp_path).exit_code == 0
        assert files_under(tmp_path / "cong") == STARTER | {".git/HEAD"}

    def test_refuses_a_folder_that_is_not_empty(
        self, tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        root = write_files(tmp_path / "cong", {"mkdocs.yml": "site_name: Của tôi\n"})
        result = cli("init", "cong", cwd=tmp_path)
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            "Lỗi: Thư mục `cong` không trống (có `mkdocs.yml`). portal-gen init chỉ tạo cổng "
            "trong một thư mục mới hoặc trống, để không ghi đè gì; chọn thư mục khác."
        )
        assert files_under(root) == {"mkdocs.yml"}
        assert (root / "mkdocs.yml").read_text() == "site_name: Của tôi\n"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ["--unit", "Phuong Mau"],
                "Lỗi: Mã đơn vị `Phuong Mau` phải viết thường, không dấu, nối bằng dấu gạch "
                "ngang, ví dụ `phuong-mau`.",
            ),
            (
                ["--unit-type", "tinh"],
                "Lỗi: Loại đơn vị `tinh` không có; dùng một trong: xa, phuong, dac-khu, "
                "thi-tran, co-quan, don-vi-su-nghiep, doanh-nghiep-nha-nuoc, doanh-nghiep.",
            ),
            (
                ["--site-url", "congkhai.example.vn"],
                "Lỗi: Địa chỉ cổng `congkhai.example.vn` không hợp lệ: ghi đầy đủ, ví dụ "
                "`https://congkhai.phuongbinhan.gov.vn/` hoặc "
                "`https://ten-to-chuc.github.io/ten-kho/`.",
            ),
            (["--name", " "], "Lỗi: Tên cổng (--name) không được để trống."),
            (["--unit-name", ""], "Lỗi: Tên đơn vị (--unit-name) không được để trống."),
        ],
    )
    def test_usage_errors_write_nothing(
        self, tmp_path: Path, cli: Callable[..., Result], args: list[str], message: str
    ) -> None:
        result = cli("init", "cong", *args, cwd=tmp_path)
        assert result.exit_code == 2
        assert result.stderr.strip() == message
        assert not (tmp_path / "cong").exists()

    def test_a_file_is_not_a_folder(self, tmp_path: Path, cli: Callable[..., Result]) -> None:
        (tmp_path / "cong").write_text("x")
        assert cli("init", "cong", cwd=tmp_path).exit_code == 2
        assert (tmp_path / "cong").read_text() == "x"


class TestStarterPackaging:
    def test_no_hidden_names_in_the_package(self) -> None:
        """setuptools' package-data globs skip hidden folders: ship `dot-github`, not `.github`."""
        for relative, _ in starter_files():
            assert not any(part.startswith(".") for part in relative.parts), relative

    def test_dot_names_are_restored(self) -> None:
        outputs = {output_name(rel, "x").as_posix() for rel, _ in starter_files()}
        assert {".github/workflows/portal.yml", ".gitignore", ".gitlab-ci.yml"} <= outputs

    @pytest.mark.slow
    def test_the_wheel_ships_every_starter_file(self, tmp_path: Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
            check=True,
            capture_output=True,
        )
        (wheel,) = tmp_path.glob("portal_gen-*.whl")
        names = set(zipfile.ZipFile(wheel).namelist())
        expected = {f"portal_gen/starter/{rel}" for rel, _ in starter_files()}
        assert expected <= names


# -- the CI templates -----------------------------------------------------------------------


def run_script(
    script: str, tmp_path: Path, env: dict[str, str], exit_codes: dict[str, int]
) -> tuple[int, list[list[str]]]:
    """Run a CI shell script with a stub `portal-gen` that records its arguments.

    ``exit_codes`` maps a subcommand (``rebuild-due``) to the stub's exit status.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.jsonl"
    calls.write_text("")
    stub = bin_dir / "portal-gen"
    stub.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(calls)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.exit({exit_codes!r}.get(sys.argv[1], 0))\n"
    )
    stub.chmod(0o755)
    process = subprocess.run(
        ["bash", "-e", "-c", script],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    recorded = [json.loads(line) for line in calls.read_text().splitlines()]
    return process.returncode, recorded


class TestGitHubActions:
    @pytest.fixture
    def workflow(self, portal: Path) -> dict[Any, Any]:
        data = load_yaml(portal / ".github/workflows/portal.yml")
        assert isinstance(data, dict)
        return data

    @staticmethod
    def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
        # YAML 1.1 reads the key `on` as the boolean true; GitHub reads it as "on".
        result: dict[str, Any] = workflow.get("on", workflow.get(True))
        return result

    @staticmethod
    def step(job: dict[str, Any], uses: str) -> dict[str, Any]:
        return next(s for s in job["steps"] if s.get("uses", "").startswith(uses + "@"))

    @staticmethod
    def commands(job: dict[str, Any]) -> list[list[str]]:
        return [shlex.split(s["run"]) for s in job["steps"] if "run" in s and "\n" not in s["run"]]

    def test_triggers(self, workflow: dict[Any, Any]) -> None:
        on = self.triggers(workflow)
        assert set(on) == {"pull_request", "push", "schedule", "workflow_dispatch"}
        assert on["push"]["branches"] == ["main"]
        crons = [entry["cron"] for entry in on["schedule"]]
        assert len(crons) == 2
        hourly, daily = crons
        assert hourly.split()[1:] == ["*", "*", "*", "*"]
        assert daily == workflow["env"]["FULL_REBUILD_CRON"]

    def test_pull_requests_are_checked_with_annotations(self, workflow: dict[Any, Any]) -> None:
        check = workflow["jobs"]["check"]
        assert check["if"] == "github.event_name == 'pull_request'"
        assert check["permissions"] == {"contents": "read"}
        commands = self.commands(check)
        assert ["portal-gen", "check", "--format", "github"] in commands
        assert any(c[:2] == ["portal-gen", "build"] for c in commands)
        assert ["pip", "install", "$PORTAL_GEN"] in commands
        assert workflow["env"]["PORTAL_GEN"] == "portal-gen"
        assert self.step(check, "actions/setup-python")["with"]["python-version"] == "3.11"

    def test_build_and_deploy_to_pages(self, workflow: dict[Any, Any]) -> None:
        jobs = workflow["jobs"]
        build, deploy = jobs["build"], jobs["deploy"]
        assert build["if"] == "github.event_name != 'pull_request'"
        assert "id" in self.step(build, "actions/configure-pages")
        built = next(c for c in self.commands(build) if c[:2] == ["portal-gen", "build"])
        site_dir = built[built.index("--site-dir") + 1]
        assert self.step(build, "actions/upload-pages-artifact")["with"]["path"] == site_dir
        commands = self.commands(build)
        assert commands.index(["portal-gen", "check", "--format", "github"]) < commands.index(built)
        # only the steps up to the decision run unconditionally
        steps = build["steps"]
        due_index = next(i for i, s in enumerate(steps) if s.get("id") == "due")
        assert all("if" not in s for s in steps[:due_index])
        assert all(s["if"] == "steps.due.outputs.rebuild == 'true'" for s in steps[due_index + 1 :])
        assert build["outputs"]["rebuild"] == "${{ steps.due.outputs.rebuild }}"
        assert deploy["needs"] == "build"
        assert deploy["if"] == "needs.build.outputs.rebuild == 'true'"
        assert deploy["environment"]["name"] == "github-pages"
        self.step(deploy, "actions/deploy-pages")
        assert workflow["permissions"] == {
            "contents": "read",
            "pages": "write",
            "id-token": "write",
        }

    @pytest.mark.parametrize(
        ("event", "cron", "due_exit", "rebuild", "asked"),
        [
            ("push", "", 1, "true", False),
            ("workflow_dispatch", "", 1, "true", False),
            ("schedule", "HOURLY", 0, "true", True),
            ("schedule", "HOURLY", 1, "false", True),
            ("schedule", "DAILY", 1, "true", False),
        ],
    )
    def test_the_rebuild_decision(
        self,
        workflow: dict[Any, Any],
        tmp_path: Path,
        event: str,
        cron: str,
        due_exit: int,
        rebuild: str,
        asked: bool,
    ) -> None:
        """Run the `due` step's own script, with a stub portal-gen."""
        hourly, daily = (e["cron"] for e in self.triggers(workflow)["schedule"])
        step = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "due")
        assert "${{" not in step["run"]  # expressions go through env, never into the script
        assert step["env"]["PAGES_URL"] == "${{ steps.pages.outputs.base_url }}"
        output = tmp_path / "github_output"
        output.write_text("")
        code, calls = run_script(
            step["run"],
            tmp_path,
            {
                "EVENT": event,
                "CRON": {"HOURLY": hourly, "DAILY": daily}.get(cron, ""),
                "PAGES_URL": "https://owner.github.io/repo/",
                "FULL_REBUILD_CRON": workflow["env"]["FULL_REBUILD_CRON"],
                "GITHUB_OUTPUT": str(output),
            },
            {"rebuild-due": due_exit},
        )
        assert code == 0
        assert output.read_text().splitlines() == [f"rebuild={rebuild}"]
        expected = [["rebuild-due", "--site-url", "https://owner.github.io/repo/"]]
        assert calls == (expected if asked else [])


class TestGitLabCI:
    @pytest.fixture
    def pipeline(self, portal: Path) -> dict[str, Any]:
        data = load_yaml(portal / ".gitlab-ci.yml")
        assert isinstance(data, dict)
        return data

    def test_jobs_and_rules(self, pipeline: dict[str, Any]) -> None:
        assert pipeline["default"]["image"] == "python:3.11-slim"
        assert pipeline["default"]["before_script"] == ['pip install --quiet "$PORTAL_GEN"']
        assert pipeline["variables"]["PORTAL_GEN"] == "portal-gen"
        assert [r["if"] for r in pipeline["workflow"]["rules"]] == [
            '$CI_PIPELINE_SOURCE == "merge_request_event"',
            "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
        ]
        check, pages = pipeline["check"], pipeline["pages"]
        assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
        assert "portal-gen check" in check["script"]
        assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
        assert pages["artifacts"]["paths"] == ["public"]
        assert "portal-gen build --site-dir public" in pages["script"]
        assert pages["allow_failure"] == {"exit_codes": [75]}
        assert set(pipeline["stages"]) >= {check["stage"], pages["stage"]}

    @pytest.mark.parametrize(
        ("source", "full", "due_exit", "code", "rebuilt"),
        [
            ("push", "", 1, 0, True),
            ("web", "", 1, 0, True),
            ("schedule", "", 0, 0, True),
            ("schedule", "", 1, 75, False),
            ("schedule", "1", 1, 0, True),
        ],
    )
    def test_schedules_rebuild_only_when_due(
        self,
        pipeline: dict[str, Any],
        tmp_path: Path,
        source: str,
        full: str,
        due_exit: int,
        code: int,
        rebuilt: bool,
    ) -> None:
        """Run the `pages` job's script, with a stub portal-gen."""
        env = {
            "CI_PIPELINE_SOURCE": source,
            "CI_PAGES_URL": "https://group.gitlab.io/project",
            "PORTAL_FULL_REBUILD": full,
        }
        status, calls = run_script(
            "\n".join(pipeline["pages"]["script"]), tmp_path, env, {"rebuild-due": due_exit}
        )
        assert status == code
        asked = source == "schedule" and full != "1"
        assert (["rebuild-due", "--site-url", "https://group.gitlab.io/project"] in calls) == asked
        assert (["build", "--site-dir", "public"] in calls) == rebuilt


# -- rebuild-due ---------------------------------------------------------------------------


def info_file(tmp_path: Path, next_change: Any) -> Path:
    path = tmp_path / "build-info.json"
    path.write_text(json.dumps({"now": "2026-11-22T09:00:00+07:00", "next_change": next_change}))
    return path


class TestRebuildDue:
    @pytest.mark.parametrize(
        ("next_change", "code", "message"),
        [
            (
                "2026-11-22T08:00:00+07:00",
                0,
                "Cần tạo lại: trạng thái lấy ý kiến đã thay đổi lúc 08:00 ngày 22/11/2026.",
            ),
            (
                "2026-11-22T09:00:00+07:00",
                0,
                "Cần tạo lại: trạng thái lấy ý kiến đã thay đổi lúc 09:00 ngày 22/11/2026.",
            ),
            (
                "2026-12-12T17:00:00+07:00",
                1,
                "Chưa cần tạo lại: trạng thái lấy ý kiến thay đổi tiếp vào 17:00 ngày 12/12/2026.",
            ),
            (
                None,
                1,
                "Chưa cần tạo lại: không có dự thảo nào sắp mở hoặc hết hạn lấy ý kiến "
                "(next_change trống trong build-info.json).",
            ),
            (
                "ngày mai",
                0,
                "next_change `ngày mai` trong build-info.json không phải thời điểm: tạo lại.",
            ),
        ],
    )
    def test_build_info_file(
        self,
        tmp_path: Path,
        cli: Callable[..., Result],
        next_change: Any,
        code: int,
        message: str,
    ) -> None:
        info_file(tmp_path, next_change)
        result = cli("rebuild-due", "--build-info", "build-info.json", "--now", NOW, cwd=tmp_path)
        assert (result.exit_code, result.output.strip()) == (code, message)

    def test_an_instant_in_another_zone_is_compared_as_an_instant(
        self, tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        info_file(tmp_path, "2026-11-22T01:59:00+00:00")  # 08:59 in Vietnam
        args = ("rebuild-due", "--build-info", "build-info.json", "--now")
        assert cli(*args, "2026-11-22T08:58", cwd=tmp_path).exit_code == 1
        assert cli(*args, "2026-11-22T08:59", cwd=tmp_path).exit_code == 0

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (None, "Không có tệp build-info.json: tạo lại cho chắc."),
            ("{", "Không đọc được build-info.json"),
            ('{"now": "x"}', "build-info.json không có mục next_change: tạo lại cho chắc."),
            ("[1, 2]", "build-info.json không có mục next_change: tạo lại cho chắc."),
        ],
    )
    def test_missing_or_unreadable_means_rebuild(
        self, tmp_path: Path, cli: Callable[..., Result], content: str | None, message: str
    ) -> None:
        if content is not None:
            (tmp_path / "build-info.json").write_text(content)
        result = cli("rebuild-due", "--build-info", "build-info.json", "--now", NOW, cwd=tmp_path)
        assert result.exit_code == 0
        assert result.output.startswith(message)

    def test_after_a_real_build(
        self, copy_site: Callable[[str], Path], cli: Callable[..., Result]
    ) -> None:
        root = copy_site("tiny")
        assert cli("build", "--now", NOW, cwd=root).exit_code == 0
        info = json.loads((root / "site/build-info.json").read_text(encoding="utf-8"))
        change = datetime.fromisoformat(info["next_change"])
        before = (change - timedelta(seconds=1)).isoformat()
        args = ("rebuild-due", "--build-info", "site/build-info.json", "--now")
        assert cli(*args, NOW, cwd=root).exit_code == 1
        assert cli(*args, before, cwd=root).exit_code == 1
        assert cli(*args, change.isoformat(), cwd=root).exit_code == 0

    def test_both_sources_is_a_usage_error(
        self, tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        info_file(tmp_path, None)
        result = cli(
            "rebuild-due", "--site-url", "http://x/", "--build-info", "build-info.json",
            cwd=tmp_path,
        )  # fmt: skip
        assert result.exit_code == 2

    def test_the_now_option_is_checked(self, tmp_path: Path, cli: Callable[..., Result]) -> None:
        info_file(tmp_path, None)
        result = cli("rebuild-due", "--build-info", "build-info.json", "--now", "mai", cwd=tmp_path)
        assert result.exit_code == 2


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A web server for tmp_path/www; yields its base URL and the folder."""
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", www
    finally:
        server.shutdown()
        server.server_close()


class TestRebuildDueFromTheLiveSite:
    def test_reads_build_info_under_a_sub_path(
        self, live_site: tuple[str, Path], tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        base, www = live_site
        (www / "congkhai").mkdir()
        info_file(www / "congkhai", "2026-12-12T17:00:00+07:00")
        url = f"{base}/congkhai"  # without the trailing slash: still the folder
        result = cli("rebuild-due", "--site-url", url, "--now", NOW, cwd=tmp_path)
        assert result.exit_code == 1, result.output
        later = cli("rebuild-due", "--site-url", url, "--now", "2026-12-12T17:00", cwd=tmp_path)
        assert later.exit_code == 0, later.output

    def test_a_site_without_build_info_is_rebuilt(
        self, live_site: tuple[str, Path], tmp_path: Path, cli: Callable[..., Result]
    ) -> None:
        base, _ = live_site
        result = cli("rebuild-due", "--site-url", base + "/", "--now", NOW, cwd=tmp_path)
        assert result.exit_code == 0
        assert result.output.strip() == (
            f"Không tải được {base}/build-info.json (HTTP 404): tạo lại cho chắc."
        )

    def test_site_url_comes_from_mkdocs_yml(
        self,
        live_site: tuple[str, Path],
        make_portal: Callable[..., Path],
        cli: Callable[..., Result],
    ) -> None:
        base, www = live_site
        info_file(www, "2026-12-12T17:00:00+07:00")
        root = make_portal(
            mkdocs_yml=f"site_name: T\nsite_url: {base}/\ndocs_dir: content\nplugins: [portal]\n"
        )
        assert cli("rebuild-due", "--now", NOW, cwd=root).exit_code == 1
        # an empty --site-url (an unset CI variable) falls back to mkdocs.yml too
        assert cli("rebuild-due", "--site-url", "", "--now", NOW, cwd=root).exit_code == 1

    def test_no_site_url_anywhere_is_a_usage_error(
        self, make_portal: Callable[..., Path], cli: Callable[..., Result]
    ) -> None:
        root = make_portal(mkdocs_yml="site_name: T\ndocs_dir: content\nplugins: [portal]\n")
        result = cli("rebuild-due", cwd=root)
        assert result.exit_code == 2
        assert "chưa có site_url" in result.output


# -- pre-commit and the container -------------------------------------------------------------


def test_pre_commit_hook() -> None:
    hooks = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    (hook,) = (h for h in hooks if h["id"] == "portal-gen-check")
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    program, command = hook["entry"].split()
    assert program in PYPROJECT["project"]["scripts"]
    assert command in main.commands
    files = re.compile(hook["files"])
    assert files.search("content/phuong-a/du-thao.md")
    assert files.search("mkdocs.yml")
    assert not files.search("README.md")
    assert not files.search("docs/content/x.md")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ))  # fmt: skip
    result = []
    for line in logical.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            result.append((instruction.upper(), arguments.strip()))
    return result


class TestDockerfile:
    """Static checks only: no container engine runs where the tests do."""

    def test_base_image_and_entry_point(self) -> None:
        instructions = dockerfile_instructions()
        assert instructions[0] == ("FROM", "python:3.11-slim")
        last = dict(instructions)  # the last of each instruction wins
        assert json.loads(last["ENTRYPOINT"]) == ["portal-gen"]
        assert json.loads(last["CMD"]) == ["build"]
        assert last["WORKDIR"] == "/portal"
        assert PYPROJECT["project"]["scripts"]["portal-gen"] == "portal_gen.cli:run"

    def test_installs_the_project_from_the_build_context(self) -> None:
        instructions = dockerfile_instructions()
        copied = set()
        for name, args in instructions:
            if name == "COPY":
                *sources, _ = shlex.split(args)
                copied |= {s.rstrip("/") for s in sources}
        package_dirs = set(PYPROJECT["tool"]["setuptools"]["package-dir"].values())
        assert {"pyproject.toml", PYPROJECT["project"]["readme"], *package_dirs} <= copied
        assert all((ROOT / source).exists() for source in copied)
        runs = [shlex.split(args) for name, args in instructions if name == "RUN"]
        assert any(r[:3] == ["pip", "install", "."] for r in runs)
        # COPY comes before the install, the install before the final WORKDIR
        names = [name for name, _ in instructions]
        assert max(i for i, n in enumerate(names) if n == "COPY") < next(
            i for i, (n, a) in enumerate(instructions) if n == "RUN" and "pip install" in a
        )

    def test_dockerignore_keeps_what_the_build_copies(self) -> None:
        lines = [
            line.strip()
            for line in (ROOT / ".dockerignore").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        assert lines[0] == "*"  # an allow-list: nothing else enters the build context
        kept = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
        for name, args in dockerfile_instructions():
            if name == "COPY":
                *sources, _ = shlex.split(args)
                assert {s.rstrip("/") for s in sources} <= kept


def test_docker_usage_is_documented() -> None:
    guide = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    assert 'docker run --rm -v "$PWD":/portal portal-gen build' in guide
    for heading in (
        "## GitHub Pages",
        "## GitLab Pages",
        "## The intranet build",
        "## Cache headers",
    ):
        assert heading in guide.splitlines()

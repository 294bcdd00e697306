"""Shared fixtures: tiny portals written into a temporary folder, and ways to run the CLI."""

from __future__ import annotations

import os
import shutil
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from portal_gen.cli import main
from portal_gen.safety import STRICT_CSP

SITES = Path(__file__).parent / "sites"
NOW = "2026-11-22T09:00:00+07:00"

MKDOCS_YML = """\
site_name: Cổng thử nghiệm
site_url: https://congkhai.example.vn/
docs_dir: content
theme:
  name: material
plugins:
  - portal:
      severity: {missing-category: "off", outdated-category: "off"}
"""

UNIT_YML = "name: Ủy ban nhân dân phường Thử\ntype: phuong\nemail: vp@thu.example.vn\n"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_portal(tmp_path: Path) -> Callable[..., Path]:
    """A portal in tmp_path/portal with mkdocs.yml, one unit `phuong-thu`, and ``files``."""

    def make(
        files: dict[str, str | bytes] | None = None,
        *,
        mkdocs_yml: str = MKDOCS_YML,
        unit: bool = True,
    ) -> Path:
        root = tmp_path / "portal"
        base: dict[str, str | bytes] = {"mkdocs.yml": mkdocs_yml}
        if unit:
            base["content/phuong-thu/_unit.yml"] = UNIT_YML
        write_files(root, base | (files or {}))
        return root

    return make


@pytest.fixture
def copy_site(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of a fixture portal from tests/sites, safe to build or modify (one copy per
    test: asking again for the same portal gives the same copy)."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        if not target.exists():
            shutil.copytree(SITES / name, target)
        return target

    return copy


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `portal-gen ARGS` in-process from the folder ``cwd``."""

    def run(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        monkeypatch.delenv("PORTAL_NOW", raising=False)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


@pytest.fixture(autouse=True)
def _quiet_mkdocs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("PORTAL_AUDIENCE", raising=False)


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Ho_Chi_Minh", "Pacific/Kiritimati"])
def machine_tz(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test as if the build machine were in another time zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def build_portal(root: Path, *args: str) -> Path:
    """`portal-gen build ARGS` in ``root`` (for module-scoped fixtures); returns site/."""
    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return root / "site"


def set_portal_options(root: Path, **options: object) -> None:
    """Change the options of `plugins: [portal]` in a fixture portal's mkdocs.yml."""
    import yaml

    path = root / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    plugins = config["plugins"]
    for index, entry in enumerate(plugins):
        if entry == "portal":
            plugins[index] = {"portal": dict(options)}
        elif isinstance(entry, dict) and "portal" in entry:
            entry["portal"] = {**(entry["portal"] or {}), **options}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file of a built site, for byte-for-byte comparisons."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


__all__ = ["NOW", "SITES", "UNIT_YML", "os", "tree_bytes", "write_files"]


# -- headless Chromium ------------------------------------------------------------------------

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium driven by Playwright; skipped without one, except in CI
    (PORTAL_REQUIRE_BROWSER=1), where a missing browser is a failure."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (PORTAL_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Serve a built site over HTTP on localhost; returns its base URL. ``csp=True`` sends
    the strict Content-Security-Policy header with every response."""
    import functools
    import http.server
    import threading

    servers: list[http.server.ThreadingHTTPServer] = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        csp: str | None = None

        def end_headers(self) -> None:
            if self.csp:
                self.send_header("Content-Security-Policy", self.csp)
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Strict(Quiet):
        csp = STRICT_CSP

    def start(root: Path, *, csp: bool = False) -> str:
        handler = functools.partial(Strict if csp else Quiet, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()

"""The wheel installs into a fresh virtualenv and builds a portal from another directory,
without claiming a generic top-level import name such as `plugins`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import NOW, SITES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("portal_gen-*.whl")
    return path


@pytest.mark.slow
def test_wheel_has_only_the_portal_gen_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {
        name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")
    }
    assert top_level == {"portal_gen"}
    assert "portal_gen/plugins/schema.py" in names
    assert "portal_gen/data/catalog.yml" in names
    assert "portal_gen/themes/portal/main.html" in names
    assert "portal_gen/themes/portal/assets/portal/comment-status.js" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "portal-gen = portal_gen.cli:run" in text
    assert "portal = portal_gen.mkdocs_plugin:PortalPlugin" in text


@pytest.mark.slow
def test_wheel_builds_a_portal_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run(
        [str(bin_dir / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True
    )
    portal = tmp_path / "elsewhere" / "cong"
    shutil.copytree(SITES / "tiny", portal)
    for command in (
        [str(bin_dir / "portal-gen"), "build", "--now", NOW],
        [str(bin_dir / "mkdocs"), "build", "-q", "-d", "site-mkdocs"],
    ):
        subprocess.run(
            command,
            cwd=portal,
            check=True,
            capture_output=True,
            env={"PORTAL_NOW": NOW, "PATH": "/usr/bin:/bin"},
        )
    for site in ("site", "site-mkdocs"):
        page = BeautifulSoup(
            (portal / site / "phuong-a/du-thao-quy-che/index.html").read_text(), "html.parser"
        )
        assert page.select_one("section[data-portal-comment]")["data-status"] == "open"
        assert (portal / site / "assets/portal/comment-status.js").is_file()
    # the installed package does not shadow a `plugins` module of the user's own
    probe = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import importlib.util as u; print(u.find_spec('plugins'))",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert probe.stdout.strip() == "None"

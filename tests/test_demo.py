"""The demo portal in content/ builds cleanly and shows every comment status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup
from click.testing import Result

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]


def test_demo_has_no_errors_only_the_gaps_it_shows(cli: Callable[..., Result]) -> None:
    """The demo is valid content; its warnings are the compliance gaps it demonstrates."""
    import json

    result = cli("check", "--now", NOW, "--format", "json", cwd=ROOT)
    assert result.exit_code == 0, result.output
    problems = json.loads(result.output)
    assert {p["severity"] for p in problems} == {"warning"}
    assert {p["code"] for p in problems} == {
        "missing-category",
        "result-overdue",
        "late-publication",
    }


def test_demo_shows_each_comment_status(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("build", "--now", NOW, "-d", str(tmp_path / "site"), cwd=ROOT)
    assert result.exit_code == 0, result.output
    statuses = set()
    for page in (tmp_path / "site").rglob("index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        statuses |= {b["data-status"] for b in soup.select("section[data-portal-comment]")}
        overdue = soup.select_one('section[data-portal-comment][data-overdue="true"]')
        if overdue is not None:
            statuses.add("overdue")
    assert statuses == {"upcoming", "open", "closed", "concluded", "overdue"}


def test_demo_agency_internal_document_stays_out(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    cli("build", "--now", NOW, "-d", str(tmp_path / "site"), cwd=ROOT)
    assert not (tmp_path / "site/so-noi-vu-lang-son/noi-bo").exists()
    assert (ROOT / "content/so-noi-vu-lang-son/noi-bo").is_dir()

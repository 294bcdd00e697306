"""No broken internal link anywhere in the built demo portal (checked with an HTML parser)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from portal_gen.cli import main

    target = tmp_path_factory.mktemp("links") / "site"
    result = CliRunner().invoke(
        main, ["build", "-f", str(ROOT / "mkdocs.yml"), "--now", NOW, "-d", str(target)]
    )
    assert result.exit_code == 0, result.output
    return target


def resolve(site: Path, page: Path, target: str) -> Path | None:
    """The file a relative link points to, or None for links that leave the site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("#", "mailto:", "tel:", "data:")):
        return None
    path = unquote(parts.path)
    base = site if path.startswith("/") else page.parent
    resolved = (base / path.lstrip("/")).resolve()
    return resolved / "index.html" if path.endswith("/") or resolved.is_dir() else resolved


def test_every_internal_link_resolves(demo: Path) -> None:
    broken = []
    checked = 0
    for page in demo.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                target = element.get(attribute)
                if not target:
                    continue
                path = resolve(demo, page, target)
                if path is None:
                    continue
                checked += 1
                if not path.is_file():
                    broken.append(f"{page.relative_to(demo)} → {target}")
    assert broken == []
    assert checked > 1000


def test_fragment_links_to_the_same_page_exist(demo: Path) -> None:
    missing = []
    for page in demo.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids = {element["id"] for element in soup.find_all(id=True)}
        for anchor in soup.find_all("a", href=True):
            href = anchor["href"]
            if (
                href.startswith("#")
                and len(href) > 1
                and unquote(href[1:]) not in ids
                and href != "#__skip"
            ):
                missing.append(f"{page.relative_to(demo)} → {href}")
    assert missing == []

"""Material's sidebar is rendered once for the pages that show it alike (documents, not in
the nav): the site is byte for byte the one rendered page by page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader
from mkdocs.utils.templates import url_filter

import portal_gen.mkdocs_plugin as adapter
from portal_gen.shared_nav import NAV, PARTS, NavShare, share_the_nav
from tests.conftest import NOW, tree_bytes


def _build(root: Path, site: str) -> adapter.PortalPlugin:
    return adapter.build_site(str(root / "mkdocs.yml"), str(root / site), now=NOW, no_cache=True)


@pytest.mark.parametrize(
    ("portal", "directory_urls"), [("tiny", True), ("gaps", True), ("tiny", False)]
)
def test_the_shared_sidebar_gives_the_pages_rendered_one_by_one(
    copy_site: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    portal: str,
    directory_urls: bool,
) -> None:
    """Without directory URLs, a page in the nav links to itself as another page of its
    folder does: only its active item tells its sidebar apart."""
    root = copy_site(portal)
    if not directory_urls:
        with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write("use_directory_urls: false\n")
    monkeypatch.chdir(root)
    shared = _build(root, "shared").nav_share
    assert shared is not None
    assert shared.shared > 0, "documents got a sidebar rendered for another page"
    assert len(shared.sidebars) >= 2, "pages at other depths get their own links"
    monkeypatch.setattr(adapter, "share_the_nav", lambda env, material: None)
    assert _build(root, "alone").nav_share is None
    one_by_one, with_shared = tree_bytes(root / "alone"), tree_bytes(root / "shared")
    assert sorted(with_shared) == sorted(one_by_one)
    assert [name for name in one_by_one if with_shared[name] != one_by_one[name]] == []


def test_a_sidebar_of_the_theme_s_own_is_rendered_for_every_page(
    copy_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A portal (or theme) overriding nav.html may show anything of the page there."""
    root = copy_site("tiny")
    custom = root / "overrides/partials"
    custom.mkdir(parents=True)
    (custom / "nav.html").write_text('<nav class="own">{{ page.url }}</nav>', encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    assert _build(root, "site").nav_share is None
    for page in ("phuong-a/du-toan-2026/", "co-quan-b/ke-hoach-cong-tac/"):
        html = (root / "site" / page / "index.html").read_text(encoding="utf-8")
        assert f'<nav class="own">{page}</nav>' in html


@pytest.mark.parametrize("part", [part for part in PARTS if part != NAV])
def test_only_material_s_own_sidebar_is_shared(tmp_path: Path, part: str) -> None:
    """A partial of the sidebar overridden (say a logo showing the page's title): the
    sidebar is rendered for every page."""
    material = adapter._material_dir()
    templates = str(Path(material) / "templates")
    (tmp_path / "partials").mkdir()
    (tmp_path / part).write_text("{% macro render(i, p, l) %}{{ page.title }}{% endmacro %}")
    env = Environment(loader=FileSystemLoader([str(tmp_path), templates]))
    env.filters["url"] = url_filter
    original = env.get_template(NAV).root_render_func
    assert share_the_nav(env, material) is None
    assert env.get_template(NAV).root_render_func is original
    env = Environment(loader=FileSystemLoader([templates]))
    env.filters["url"] = url_filter
    share = share_the_nav(env, material)
    assert share is not None
    assert share_the_nav(env, material) is share, "wrapped once"


class _Item:
    def __init__(self, title: str, url: str) -> None:
        self.title, self.url, self.active = title, url, False


class _Nav:
    def __init__(self, title: str) -> None:
        self.items = [_Item(title, "don-vi/")]
        self.homepage = None


class _Context(dict[str, Any]):
    """What a Jinja context gives the sidebar's key: values, and the ``url`` filter."""

    def __init__(self, nav: _Nav, depth: int) -> None:
        super().__init__(page=object(), nav=nav, config=None, base_url="/".join([".."] * depth))
        self.environment = type("Env", (), {"filters": {"url": lambda ctx, link: link}})()


def test_a_sidebar_is_shared_only_among_pages_of_one_nav() -> None:
    rendered: list[str] = []

    def render(context: Any) -> Iterator[str]:
        rendered.append(context["nav"].items[0].title)
        yield f"<nav>{context['nav'].items[0].title}</nav>"

    share = NavShare(render)
    first, second = _Nav("Đơn vị"), _Nav("Các đơn vị")
    assert "".join(share.root_render_func(_Context(first, 2))) == "<nav>Đơn vị</nav>"
    assert "".join(share.root_render_func(_Context(first, 2))) == "<nav>Đơn vị</nav>"
    assert "".join(share.root_render_func(_Context(first, 1))) == "<nav>Đơn vị</nav>"
    assert (rendered, share.shared) == (["Đơn vị", "Đơn vị"], 1)  # one copy, one other depth
    # the same links in another build's nav (a title changed): rendered, not the last one's
    assert "".join(share.root_render_func(_Context(second, 2))) == "<nav>Các đơn vị</nav>"

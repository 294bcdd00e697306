"""Material's site navigation, rendered once for all the pages that see it the same way.

Every page carries the navigation sidebar (``partials/nav.html``): about 1 ms a page, a
sixteenth of a cold build, and a cost plain MkDocs with a one-page nav does not pay. A
document is not in the nav, so no item of it is active or is the page: its sidebar
differs from another document's only by the links, which the ``url`` filter makes
relative to the page. Pages not in the nav whose links all come out the same get the
sidebar rendered for the first of them.

Only Material's own sidebar is shared this way: a theme or portal that overrides
``nav.html`` or a partial it includes renders it for every page, as MkDocs does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateNotFound

__all__ = ["NavShare", "share_the_nav"]

NAV = "partials/nav.html"
#: the templates the sidebar is made of (icons aside, which are the same on every page)
PARTS = (NAV, "partials/nav-item.html", "partials/logo.html", "partials/source.html")


class NavShare:
    """The sidebars rendered in one build, by the links they hold."""

    def __init__(self, render: Callable[[Any], Iterator[str]]) -> None:
        self._render = render
        self.sidebars: dict[tuple[str, ...], str] = {}
        #: pages given a sidebar rendered for another page
        self.shared = 0
        self._nav: tuple[Any, list[Any], list[str]] | None = None

    def root_render_func(self, context: Any) -> Iterator[str]:
        """Jinja's entry point of the template (``{% include %}`` and ``render`` call it)."""
        key = self._key(context)
        if key is None:
            yield from self._render(context)
            return
        sidebar = self.sidebars.get(key)
        if sidebar is None:
            sidebar = self.sidebars[key] = "".join(self._render(context))
        else:
            self.shared += 1
        yield sidebar

    def _key(self, context: Any) -> tuple[str, ...] | None:
        """Every link of the sidebar as this page shows them; None for a page in the nav,
        whose sidebar is its own (its item active, its table of contents)."""
        page, nav = context.get("page"), context.get("nav")
        url = context.environment.filters.get("url")
        if page is None or nav is None or url is None:
            return None
        items, links = self._links(nav, context.get("config"))
        if any(item.active or item is page for item in items):
            return None
        return (str(context.get("base_url")), *(url(context, link) for link in links))

    def _links(self, nav: Any, config: Any) -> tuple[list[Any], list[str]]:
        """The nav's items, and every link the sidebar can hold: the nav's pages and
        links, home, the logo. Another nav (another build in the same ``env``) renders
        its sidebars anew."""
        if self._nav is None or self._nav[0] is not nav:
            self.sidebars.clear()
            items: list[Any] = []
            stack = list(nav.items)
            while stack:
                item = stack.pop()
                items.append(item)
                stack.extend(getattr(item, "children", None) or ())
            urls = [str(item.url) for item in items if getattr(item, "url", None) is not None]
            homepage = getattr(nav, "homepage", None)
            urls += [str(homepage.url)] if homepage is not None else []
            extra = getattr(config, "extra", None) or {}
            urls += [str(extra["homepage"])] if extra.get("homepage") else []
            theme = getattr(config, "theme", None)
            logo = theme.get("logo") if theme is not None else None
            urls += [str(logo)] if logo else []
            self._nav = (nav, items, urls)
        return self._nav[1], self._nav[2]


def share_the_nav(env: Environment, material_dir: str) -> NavShare | None:
    """Render Material's sidebar once per set of links in this build's ``env``; None (and
    nothing changed) when a template it is made of is not Material's own."""
    try:
        parts = [env.get_template(name) for name in PARTS]
    except TemplateNotFound:
        return None
    material = Path(material_dir).resolve()
    for template in parts:
        if template.filename is None or material not in Path(template.filename).resolve().parents:
            return None
    nav = parts[0]
    current = nav.root_render_func
    if isinstance(getattr(current, "__self__", None), NavShare):
        return current.__self__  # type: ignore[attr-defined,no-any-return]
    share = NavShare(current)
    nav.root_render_func = share.root_render_func
    return share

"""Nothing an editor writes runs in a reader's browser.

- Every value handed to templates is escaped here (front matter, unit profiles, anything a
  plugin computes): MkDocs renders themes without autoescaping, and by design no plugin
  passes HTML to templates.
- Raw HTML inside Markdown bodies is cleaned by nh3 (the Rust ``ammonia`` sanitizer) to the
  subset below: no ``<script>``, ``<style>``, ``<iframe>``, forms, event-handler
  attributes, or ``javascript:`` URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import nh3
from markupsafe import Markup, escape

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "STRICT_CSP",
    "clean_html",
    "escape_tree",
    "is_plain_markdown",
]

#: The Content-Security-Policy a portal can be served with (docs/deploy.md): no inline
#: script or style, nothing from another origin, no WebAssembly, no worker.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

#: What Markdown (with the extensions Material documents) produces, and what editors paste
#: from Word that is harmless: text structure, tables, lists, links, images, code.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: Mapping[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    # column alignment: the adapter asks Markdown for `align` rather than a style
    # attribute, which a strict Content-Security-Policy would block
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span"},
    "ol": {"start", "type", "reversed"},
    "time": {"datetime"},
    "details": {"open"},
    "abbr": {"title"},
}

_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html: str) -> str:
    """Sanitize rendered Markdown: keep structure, drop anything that can run."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_URL_ATTRIBUTES = ('href="', 'src="')
_SAFE_URL = re.compile(r"^(?:https?://|mailto:|tel:|#|/|[^:&]*$)", re.IGNORECASE)


def attribute_urls(html: str) -> Iterator[str]:
    """The values of the ``href`` and ``src`` attributes in Python-Markdown's output (which
    always quotes them with ``"``), and of any attribute whose name ends so (``data-src``):
    more than needed, never fewer. With ``str.find``: ten times faster than a regular
    expression over a 20 KB page, for every page of a build."""
    for attribute in _URL_ATTRIBUTES:
        found = html.find(attribute)
        while found != -1:
            start = found + len(attribute)
            end = html.find('"', start)
            yield html[start:] if end == -1 else html[start:end]  # not closed: the rest
            # also inside that value: a pattern reading the page differently would see it
            found = html.find(attribute, start)


def is_plain_markdown(markdown: str, html: str) -> bool:
    """Whether rendered Markdown cannot need cleaning, so the sanitizer can be skipped.

    True only when the source has no ``<`` at all (no raw HTML, no autolinks) and every
    link and image in the output uses http(s), mailto, tel, a fragment or a relative path
    without a scheme or an entity (``javascript&#58;`` is entity-encoded ``javascript:``).
    """
    if "<" in markdown:
        return False
    return all(_SAFE_URL.match(url.strip()) for url in attribute_urls(html))


def escape_tree(value: Any) -> Any:
    """Escape every string in a template context (mappings, lists, tuples) as Markup."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, Mapping):
        return {key: escape_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [escape_tree(item) for item in value]
    return value

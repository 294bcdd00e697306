"""Vietnamese full-text search with Pagefind: an index split into small chunks, so a query
at 10,000 documents downloads a few hundred kilobytes, not Material's whole-site lunr JSON.

Pagefind folds tone marks ("ngan sach" finds "ngân sách") but not ``đ``, which has no
Unicode decomposition. The search page's script (``assets/portal/search.js``) therefore
also tries each ``d``/``đ`` variant of the query words and merges the results, so
"dat dai" finds "đất đai". Settings: ``search: {enabled: true}``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from portal_gen import GeneratedPage, NavEntry, Portal, SiteWriter, hookimpl

PAGE = "tim-kiem.md"
log = logging.getLogger("mkdocs.plugins.portal.search")
BUNDLE = "pagefind"


def enabled(portal: Portal) -> bool:
    return bool(portal.config.option("search", "enabled", True))


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    if enabled(portal):
        add_page(
            GeneratedPage(
                PAGE,
                title="Tìm kiếm",
                template="portal/search.html",
                nav=NavEntry("Tìm kiếm", 5),
                context={"crumbs": [{"title": "Trang chủ", "url": ""}]},
            )
        )


@hookimpl
def portal_site_context(portal: Portal) -> dict[str, object]:
    return {"search_url": "tim-kiem/" if enabled(portal) else None}


def _index(site_dir: Path) -> None:
    # Pagefind's own command (a Rust binary shipped in the pagefind[bin] wheel), in a
    # subprocess: its Python API needs an event loop of its own, which embedding
    # applications (and browser tests) may already be running.
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE,
        "--force-language",
        "vi",
        "--quiet",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # The site is still whole without search: say so loudly (fails under --strict).
        log.warning("Không tạo được chỉ mục tìm kiếm (Pagefind): %s", result.stderr.strip())


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    """Index the rendered pages (only the parts marked ``data-pagefind-body``)."""
    # Pagefind refuses an empty site; a portal without documents has nothing to find yet.
    if enabled(portal) and portal.published:
        _index(writer.site_dir)

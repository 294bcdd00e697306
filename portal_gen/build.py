"""The core pipeline, independent of the renderer: load → check → plan pages → write extras.

The MkDocs adapter calls :func:`read_portal`, :func:`check_loaded` and :func:`plan_site`
before MkDocs reads any page, and :func:`write_extras` after MkDocs has written the pages.
The ``check`` command stops after :func:`load_portal` (reading and checking).
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pluggy

from portal_gen import __version__
from portal_gen.catalog import load_catalog
from portal_gen.config import PortalConfig
from portal_gen.content import load_content
from portal_gen.diagnostics import Diagnostic, Severity
from portal_gen.incremental import PageReuse
from portal_gen.model import Document, Kind
from portal_gen.pages import GeneratedPage, SiteWriter
from portal_gen.portal import Portal, page_url
from portal_gen.vntime import VN_TZ

__all__ = [
    "BUILD_INFO",
    "SitePlan",
    "check_loaded",
    "check_portal",
    "hold_for_the_build",
    "load_portal",
    "plan_site",
    "read_portal",
    "release_after_build",
    "stop_background_work",
    "write_extras",
]

log = logging.getLogger("mkdocs.plugins.portal")

#: Written at the site root; a scheduled CI job reads ``next_change`` to rebuild on time.
BUILD_INFO = "build-info.json"


def resolve_clock(config: PortalConfig) -> datetime:
    return config.now if config.now is not None else datetime.now(VN_TZ)


def load_portal(config: PortalConfig, pm: pluggy.PluginManager) -> tuple[Portal, list[Diagnostic]]:
    """Read content/ and run every check hook; returns the portal and all problems found."""
    portal, problems = read_portal(config, pm)
    return portal, check_loaded(portal, problems, pm)


def read_portal(config: PortalConfig, pm: pluggy.PluginManager) -> tuple[Portal, list[Diagnostic]]:
    """Read content/ and the catalog, no check hook run yet; returns the portal and the
    problems met while reading (pass them to :func:`check_loaded`)."""
    declared = frozenset(_flatten(pm.hook.portal_front_matter_keys()))
    content = load_content(config, declared)
    catalog = load_catalog(config)
    portal = Portal(
        config=config,
        units=content.units,
        documents=content.documents,
        now=resolve_clock(config),
        pages=content.pages,
        never_publish=frozenset(content.never_publish),
        internal_categories=catalog.internal_codes,
        catalog=catalog,
        front_matter_keys=declared,
    )
    return portal, list(content.diagnostics) + list(catalog.diagnostics)


def check_loaded(
    portal: Portal, problems: Iterable[Diagnostic], pm: pluggy.PluginManager
) -> list[Diagnostic]:
    """Run every check hook on a portal :func:`read_portal` gave; returns ``problems`` and
    theirs, with the severities of ``mkdocs.yml`` applied."""
    diagnostics = list(problems)
    for unit in portal.units.values():
        diagnostics += _flatten(pm.hook.portal_check_unit(unit=unit, portal=portal))
    for doc in portal.documents:
        diagnostics += _flatten(pm.hook.portal_check_document(document=doc, portal=portal))
    diagnostics += _flatten(pm.hook.portal_check_portal(portal=portal))
    return apply_severity(diagnostics, portal.config.severity)


def stop_background_work(pm: pluggy.PluginManager, portal: Portal) -> None:
    """A build failed: plugins stop what they run in the background for it
    (``portal_build_failed``). A plugin failing there is logged, never raised over the
    build's own error, which is the one the editor must read."""
    try:
        pm.hook.portal_build_failed(portal=portal)
    except Exception:
        log.exception(
            "Một plugin gặp lỗi khi dừng việc chạy nền của lần build không thành công "
            "(lỗi của plugin, không phải của nội dung):"
        )


def check_portal(config: PortalConfig, pm: pluggy.PluginManager) -> list[Diagnostic]:
    return load_portal(config, pm)[1]


def apply_severity(
    diagnostics: Iterable[Diagnostic], overrides: Mapping[str, str]
) -> list[Diagnostic]:
    """Apply the portal's ``severity: {code: error|warning|off}`` settings."""
    result = []
    for diagnostic in diagnostics:
        level = overrides.get(diagnostic.code)
        if level == "off":
            continue
        if level in ("error", "warning"):
            diagnostic = diagnostic.with_severity(Severity(level))
        result.append(diagnostic)
    return result


def _flatten(results: Iterable[Iterable[Any] | None]) -> list[Any]:
    return [item for result in results if result for item in result]


@dataclass
class SitePlan:
    """Everything the renderer needs, computed once per build (but each document's
    context, made when its page is rendered: :meth:`document_context`)."""

    portal: Portal
    #: the plugins: :meth:`document_context` asks them
    pm: pluggy.PluginManager = field(repr=False)
    pages: dict[str, GeneratedPage] = field(default_factory=dict)
    site_context: dict[str, Any] = field(default_factory=dict)
    next_change: datetime | None = None

    def document_context(self, document: Document) -> dict[str, Any]:
        """The data plugins give the template of a document's page
        (``portal_document_context``), made when asked, in the process that renders the
        page, and not kept: at 20,000 documents, all of them made at once in the plan held
        52 MB in the process that plans (the coordinator of ``build --jobs``) for the
        whole build, and took it 1.5–2 s that its workers now share."""
        context: dict[str, Any] = {}
        hook = self.pm.hook.portal_document_context
        for result in reversed(hook(document=document, portal=self.portal)):
            if result:
                context.update(result)
        return context

    @property
    def excluded_files(self) -> frozenset[str]:
        return self.portal.unpublished_files

    @property
    def nav_pages(self) -> list[str]:
        """Pages every page links to through the navigation: every slice renders them."""
        return [page.src_uri for page in self.pages.values() if page.nav] + list(self.portal.pages)


class PlanError(Exception):
    """Two generated pages, or a generated page and an editor's file, want the same path."""


def plan_site(portal: Portal, pm: pluggy.PluginManager) -> SitePlan:
    """Ask the plugins for generated pages and template data."""
    plan = SitePlan(portal, pm)

    def add_page(page: GeneratedPage) -> None:
        if page.src_uri in plan.pages:
            raise PlanError(f"two plugins generate the page {page.src_uri!r}")
        plan.pages[page.src_uri] = page

    pm.hook.portal_generate_pages(portal=portal, add_page=add_page)
    portal.site_pages = tuple(sorted(set(plan.pages) | set(portal.pages)))
    for page in list(plan.pages.values()):
        unit = portal.units.get(page.unit_id) if page.unit_id else None
        if unit is None:
            continue
        merged = dict(page.context)
        for result in reversed(pm.hook.portal_unit_context(unit=unit, portal=portal)):
            for key, value in (result or {}).items():
                # lists (such as links) from several plugins add up
                merged[key] = [*merged.get(key, []), *value] if isinstance(value, list) else value
        plan.pages[page.src_uri] = replace(page, context=merged)
    for doc in portal.published:
        if doc.src_uri in plan.pages:
            raise PlanError(f"a generated page would replace the document {doc.src_uri!r}")
    for result in reversed(pm.hook.portal_site_context(portal=portal)):
        if result:
            plan.site_context.update(result)
    changes = _flatten(pm.hook.portal_status_changes(portal=portal))
    future = [moment for moment in changes if moment > portal.now]
    plan.next_change = min(future) if future else None
    return plan


def hold_for_the_build() -> None:
    """The loaded portal and its plan (millions of objects at 5,000 documents) live until
    the build ends: the garbage collector need not walk them at every full collection
    (0.2–0.4 s a rebuild), and in a forked worker of ``build --jobs`` a collection that
    walked them would write into, and so copy, every memory page it shares with the
    parent. Undone by :func:`release_after_build`."""
    gc.freeze()


def release_after_build() -> None:
    """The held objects may be collected again (``mkdocs serve`` builds many times)."""
    gc.unfreeze()


def write_extras(
    plan: SitePlan,
    pm: pluggy.PluginManager,
    site_dir: Path,
    *,
    reuse: PageReuse | None = None,
    build_key: str = "",
) -> SiteWriter:
    """After the pages are written: let plugins add files, then write build-info.json.

    :param reuse: files of the previous site that may be kept (see SiteWriter.unchanged).
    """
    writer = SiteWriter(site_dir, reuse=reuse, build_key=build_key)
    pm.hook.portal_write_files(portal=plan.portal, writer=writer)
    portal = plan.portal
    info = {
        "generator": f"portal-gen {__version__}",
        "now": portal.now.isoformat(),
        "audience": str(portal.config.audience),
        "next_change": plan.next_change.isoformat() if plan.next_change else None,
        "documents": len(portal.published),
        "drafts": sum(doc.kind is Kind.DRAFT for doc in portal.published),
        "units": len(portal.units),
    }
    writer.write_text(BUILD_INFO, json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    return writer


def document_url(portal: Portal, src_uri: str) -> str:
    return page_url(src_uri, use_directory_urls=portal.config.use_directory_urls)

# mypy: disable-error-code="empty-body"
"""Hook specifications for portal-gen plugins, grouped by build phase in call order.

Every feature of portal-gen, built-in or third-party, is a plugin implementing some of
these hooks with ``@portal_gen.hookimpl``. Hooks work per portal, per unit or per
document, never per rendered page, so their cost does not grow with the theme.

A plugin may accept fewer arguments than a hook offers (pluggy passes only the ones it
names), so new arguments can be added without breaking plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from portal_gen.diagnostics import Diagnostic
    from portal_gen.model import Document, Unit
    from portal_gen.pages import GeneratedPage, SiteWriter
    from portal_gen.portal import Portal

PROJECT = "portal_gen"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -------------------------------------------------------------------------------------
# Reading content
# -------------------------------------------------------------------------------------


@hookspec
def portal_front_matter_keys() -> Iterable[str]:
    """Declare the extra front-matter keys this plugin reads.

    Keys that no plugin declares are reported as unknown (a warning with a suggestion).
    A key inside ``comment`` is written ``comment.<key>``.

    :returns: the key names.
    """


@hookspec
def portal_documents_loaded(portal: Portal, render: Callable[[Document], str]) -> None:
    """The portal is read: slow work that needs a few documents' HTML may start.

    Nothing is checked, planned or rendered yet: the check hooks run next, while MkDocs
    lists its files, and the build stops if they find errors; stop then what you started
    (:func:`portal_build_failed`). Called once, before :func:`portal_check_unit`, by a
    build in one process (not by ``build --jobs``, a ``--shard`` slice or a merge).
    ``render(document)`` converts the document's Markdown as its page will show it (the
    sanitized HTML :func:`portal_document_rendered` receives, unless another MkDocs plugin
    changes it there): a second conversion, so ask for a few documents only, say those
    whose earlier result you no longer have. :func:`portal_document_rendered` and
    :func:`portal_documents_rendered` are called as usual afterwards: check there that
    what started here still holds.

    :param portal: the whole portal.
    :param render: gives a document's body as HTML.
    """


# -------------------------------------------------------------------------------------
# Checking content (the ``check`` command and every build)
# -------------------------------------------------------------------------------------


@hookspec
def portal_check_unit(unit: Unit, portal: Portal) -> Iterable[Diagnostic] | None:
    """Check one unit's profile.

    :param unit: the unit read from its ``_unit.yml``.
    :param portal: the whole portal, for cross-references.
    :returns: the problems found, or None.
    """


@hookspec
def portal_check_document(document: Document, portal: Portal) -> Iterable[Diagnostic] | None:
    """Check one document (every document, whatever the build's audience).

    :param document: the document read from its front matter.
    :param portal: the whole portal, for cross-references.
    :returns: the problems found, or None.
    """


@hookspec
def portal_check_portal(portal: Portal) -> Iterable[Diagnostic] | None:
    """Check the portal as a whole (for example required categories per unit).

    :param portal: the whole portal.
    :returns: the problems found, or None.
    """


# -------------------------------------------------------------------------------------
# Preparing pages (before MkDocs renders anything) and rendering them
# -------------------------------------------------------------------------------------


@hookspec
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    """Add generated pages (home, unit pages, listings) to the site.

    :param portal: the whole portal, as this build publishes it.
    :param add_page: call it once per page to add.
    """


@hookspec
def portal_document_context(document: Document, portal: Portal) -> Mapping[str, Any] | None:
    """Give the template of a document's page some data.

    The mappings returned by all plugins are merged into the template variable
    ``portal_page``; use a key named after your plugin to avoid clashes.

    Called when the page is about to be rendered, by the process that renders it (a
    ``build --jobs`` worker), and by a rebuild for every document, to tell whether its
    page changed: it may be called more than once for a document in a build, so return
    the same data each time and change nothing.

    :param document: a document this build publishes.
    :param portal: the whole portal.
    :returns: data for the template, or None.
    """


@hookspec
def portal_unit_context(unit: Unit, portal: Portal) -> Mapping[str, Any] | None:
    """Give the template of a unit's page some data (links, summaries).

    The mappings returned by all plugins are merged into that page's ``portal_page``;
    a ``links`` list of ``{"title", "url"}`` is shown under the unit's profile.

    :param unit: the unit.
    :param portal: the whole portal.
    :returns: data for the template, or None.
    """


@hookspec
def portal_site_context(portal: Portal) -> Mapping[str, Any] | None:
    """Give every page's template some portal-wide data (announcements, feed links).

    The mappings returned by all plugins are merged into the template variable
    ``portal``; use a key named after your plugin to avoid clashes.

    :param portal: the whole portal.
    :returns: data for every template, or None.
    """


@hookspec
def portal_status_changes(portal: Portal) -> Iterable[datetime] | None:
    """Name the instants at which something this plugin shows changes by itself.

    The build records the earliest one after ``now`` in ``build-info.json`` so that a
    scheduled job can rebuild exactly then.

    :param portal: the whole portal.
    :returns: aware datetimes, or None.
    """


@hookspec
def portal_document_rendered(document: Document, html: str, portal: Portal) -> None:
    """Look at a document's body once it is rendered to HTML (for a search index, say).

    Called once per document this build publishes, with the sanitized HTML of its Markdown
    body (not the whole page). Keep only what you need: pages are not held in memory.

    :param document: the document.
    :param html: its body as HTML.
    :param portal: the whole portal.
    """


@hookspec
def portal_units_rendered(portal: Portal, units: frozenset[str]) -> None:
    """The documents of ``units`` are rendered; others may still be rendering.

    Called only by ``build --jobs``, in its coordinator, each time one of its workers has
    rendered its share of the portal, with every unit rendered so far (the workers take the
    units in id order, a bounded batch at a time); then :func:`portal_documents_rendered`
    once all are. The :func:`portal_document_rendered` calls for these units' documents
    (in the workers) are done: slow work over a part of the portal may start here, as for
    :func:`portal_documents_rendered`, which must still do the rest.

    :param portal: the whole portal.
    :param units: the ids of the units rendered so far.
    """


@hookspec
def portal_documents_rendered(portal: Portal) -> None:
    """Every document of this build is rendered: start slow work that needs them.

    Called once, after the last :func:`portal_document_rendered` and before the pages are
    written, in the process that will then call :func:`portal_write_files` (with ``build
    --jobs``, in the coordinator once every worker has rendered its documents; not in the
    workers nor in a ``--shard`` slice; after a merge, not at all).
    Work started here in the background (a thread, a subprocess) runs while MkDocs writes
    the pages; finish it in :func:`portal_write_files`, which must also do the whole work
    when this hook was not called. Keep state in ``portal.memo``.

    :param portal: the whole portal.
    """


# -------------------------------------------------------------------------------------
# Writing output (after MkDocs has written the pages)
# -------------------------------------------------------------------------------------


@hookspec
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    """Write extra files into the site: feeds, calendars, data files.

    Make them from ``portal`` (and from what ``portal_document_rendered`` kept), never by
    reading the site's pages: with ``build --jobs`` this hook runs while the workers still
    render theirs. A file written here replaces a page file of the same path. A file that
    is costly to make is kept from the previous build when made from the same inputs
    (``writer.unchanged``; see "Files that are costly to make" in docs/plugins.md).

    :param portal: the whole portal, as this build publishes it.
    :param writer: writes files relative to the site root.
    """


# -------------------------------------------------------------------------------------
# When a build fails
# -------------------------------------------------------------------------------------


@hookspec
def portal_build_failed(portal: Portal) -> None:
    """The build stopped on an error: stop the work your plugin runs in the background.

    The checks found errors, say, or a page or file could not be made. End the threads
    and other processes your plugin started for this build and remove what they made:
    nothing of this build reaches the site.

    Called once by each process of a build that fails after reading the portal (a build
    in one process; with ``--jobs``, the coordinator and the worker that failed); a plugin
    that started nothing does nothing. Do not raise: the editor must see the build's
    error, not yours.

    :param portal: the portal of the failed build.
    """

"""What plugins hand to the renderer: generated pages, template data and extra output files."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portal_gen.incremental import PageReuse

__all__ = ["GeneratedPage", "NavEntry", "SiteWriter"]


@dataclass(frozen=True)
class NavEntry:
    """A place in the (constant-size) navigation."""

    title: str
    order: int


@dataclass(frozen=True)
class GeneratedPage:
    """A page made from data rather than from an editor's file (home, unit, listing pages).

    :param src_uri: where it lives in the docs tree, e.g. ``don-vi.md``; its URL follows
        the usual MkDocs rule (``don-vi/``).
    :param title: the page title.
    :param template: the theme template that renders ``context``, e.g. ``portal/units.html``.
    :param context: data for the template, available there as ``portal_page``.
    :param markdown: Markdown rendered into the page's content (intro text), may be empty.
    :param nav: where the page sits in the navigation; None keeps it out of the nav.
    :param replaces: True when the page stands in for an editor's file with the same path
        (a unit's ``index.md`` becomes the intro of the generated unit page).
    :param unit_id: set on a unit's own page: plugins add to its ``context`` through
        the ``portal_unit_context`` hook.
    """

    src_uri: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    markdown: str = ""
    nav: NavEntry | None = None
    replaces: bool = False
    unit_id: str | None = None


class SiteWriter:
    """Writes extra files (feeds, data, calendars) into the site being built.

    Paths are relative to the site root and may not leave it. A plugin whose file is costly
    to produce asks :meth:`unchanged` first: a file of the previous site made from the same
    inputs is then kept as it is.
    """

    def __init__(
        self, site_dir: Path, *, reuse: PageReuse | None = None, build_key: str = ""
    ) -> None:
        self.site_dir = site_dir
        self.written: list[str] = []
        self._reuse = reuse
        self._build_key = build_key
        self._kept: set[str] = set()

    def unchanged(self, rel: str, *inputs: object) -> bool:
        """Whether the previous build wrote ``rel`` from the same ``inputs`` (and the same
        code, settings and units); if so that file is kept and the caller skips it,
        otherwise the caller writes it as usual.

        ``inputs`` must hold everything the file is made of besides the code, mkdocs.yml and
        the units: for documents, :attr:`Document.state` (their bytes and attachments) and
        anything computed at ``now`` (a status). Values are compared as values (equal
        dicts, lists, strings, dates... give the same key; see ``incremental._canonical``).
        """
        if self._reuse is None:
            return False
        from portal_gen.incremental import page_key

        clean = self._clean(rel)
        if self._reuse.keep(clean, page_key(self._build_key, "file", clean, *inputs)):
            self.written.append(clean)
            self._kept.add(clean)
            return True
        return False

    def kept_bytes(self, rel: str) -> bytes | None:
        """The bytes of a file :meth:`unchanged` kept (None for any other, or when it can
        no longer be read): what it holds may go into another file without being made
        again."""
        clean = self._clean(rel)
        if self._reuse is None or clean not in self._kept:
            return None
        try:
            return (self._reuse.previous / clean).read_bytes()
        except OSError:
            return None

    @staticmethod
    def fingerprint(*inputs: object) -> str:
        """A short digest of ``inputs``, to give :meth:`unchanged` in their place: what
        goes into many files (a feed entry is in several feeds) is then turned into bytes
        once, not once a file."""
        from portal_gen.incremental import fingerprint

        return fingerprint(*inputs)

    @staticmethod
    def _clean(rel: str) -> str:
        clean = posixpath.normpath(rel)
        if clean.startswith(("..", "/")) or clean == ".":
            raise ValueError(f"output path outside the site: {rel!r}")
        return clean

    def path(self, rel: str) -> Path:
        return self.site_dir / self._clean(rel)

    def write_bytes(self, rel: str, data: bytes) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(posixpath.normpath(rel))

    def link_tree(self, rel: str, source: Path) -> None:
        """Put a folder of files already made (by the previous build, or by a plugin in a
        work folder) at ``rel``, without copying bytes where the file system allows; the
        previous site's own folder ``rel`` is simply kept."""
        from portal_gen.staging import link_tree

        if self._reuse is not None and self._reuse.keep_tree(self._clean(rel), source):
            return
        link_tree(source, self.path(rel))

    def move_tree(self, rel: str, source: Path) -> None:
        """Put at ``rel`` a folder of files a plugin made in a work folder and no longer
        needs: moved in one rename where it can be, else as :meth:`link_tree` puts it."""
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            source.rename(target)
        except OSError:  # another file system, or `rel` is there already
            self.link_tree(rel, source)

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

"""A loaded portal at one instant: documents, their relationships, audiences and statuses.

This is what hooks receive. It is built once per run from :class:`~portal_gen.content.Content`
and answers the questions every plugin asks (which documents does this build publish, what
is a draft's status now, which result concludes it, where is its page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from portal_gen.config import PortalConfig
from portal_gen.model import Audience, CommentStatus, Document, Kind, Unit, comment_status
from portal_gen.text import fold

if TYPE_CHECKING:
    from portal_gen.catalog import Catalog

__all__ = ["Portal", "page_url"]


def page_url(src_uri: str, *, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives a Markdown file."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


@dataclass
class Portal:
    """Units and documents of a portal, seen at ``now`` by a build for ``config.audience``."""

    config: PortalConfig
    units: Mapping[str, Unit]
    documents: Sequence[Document]
    now: datetime
    pages: Sequence[str] = ()
    never_publish: frozenset[str] = frozenset()
    #: categories the law discloses internally (Art. 46, 64, Decree 145 Art. 43)
    internal_categories: frozenset[str] = frozenset()
    #: the legal catalog in force for this portal (packaged data plus mkdocs.yml overrides)
    catalog: Catalog | None = None
    #: extra front-matter keys that plugins declared they read
    front_matter_keys: frozenset[str] = frozenset()
    #: every page of the site that is not a document (generated and editors' own pages),
    #: known once the plugins have generated theirs
    site_pages: tuple[str, ...] = ()
    by_src: dict[str, Document] = field(init=False)
    #: results computed from the portal by helpers (compliance...), once per build: a
    #: loaded portal does not change
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_src = {doc.src_uri: doc for doc in self.documents}

    # -- audience ----------------------------------------------------------------------

    def audience_of(self, doc: Document) -> Audience:
        """The document's own ``audience``, else internal if any of its categories is."""
        if doc.audience is not None:
            return doc.audience
        if not self.internal_categories.isdisjoint(doc.categories):
            return Audience.INTERNAL
        return Audience.PUBLIC

    def is_published(self, doc: Document) -> bool:
        """Whether this build shows the document (a public build omits internal ones)."""
        return self.config.audience is Audience.INTERNAL or self.audience_of(doc) is Audience.PUBLIC

    @cached_property
    def published(self) -> list[Document]:
        """Documents this build publishes, newest first, then by path (a stable order)."""
        docs = [doc for doc in self.documents if self.is_published(doc)]
        return sorted(docs, key=lambda d: (-d.published.at.timestamp(), d.src_uri))

    @cached_property
    def documents_by_unit(self) -> dict[str, list[Document]]:
        """Every document (published or not) of each unit, in reading order."""
        grouped: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            grouped[doc.unit_id].append(doc)
        return dict(grouped)

    @cached_property
    def published_by_unit(self) -> dict[str, list[Document]]:
        grouped: dict[str, list[Document]] = defaultdict(list)
        for doc in self.published:
            grouped[doc.unit_id].append(doc)
        return dict(grouped)

    # -- drafts and results ------------------------------------------------------------

    @cached_property
    def _results(self) -> dict[str, list[Document]]:
        results: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            if doc.kind is Kind.RESULT and doc.result_of:
                target = self.by_src.get(doc.result_of)
                if target is not None and target.kind is Kind.DRAFT and self.is_published(doc):
                    results[target.src_uri].append(doc)
        for docs in results.values():
            docs.sort(key=lambda d: (d.published.at, d.src_uri))
        return dict(results)

    def results_of(self, draft: Document, *, at: datetime | None = None) -> list[Document]:
        """Published results answering ``draft`` that are out at ``at`` (default: now)."""
        moment = at or self.now
        return [r for r in self._results.get(draft.src_uri, []) if r.published.at <= moment]

    def draft_of(self, result: Document) -> Document | None:
        if result.result_of is None:
            return None
        target = self.by_src.get(result.result_of)
        if target is None or target.kind is not Kind.DRAFT or not self.is_published(target):
            return None
        return target

    def status_of(self, draft: Document, *, at: datetime | None = None) -> CommentStatus | None:
        """SPEC §2.3 status of a draft at ``at`` (default: the portal's now)."""
        if draft.comment is None:
            return None
        moment = at or self.now
        return comment_status(
            draft.comment, moment, concluded=bool(self.results_of(draft, at=moment))
        )

    @cached_property
    def drafts(self) -> list[Document]:
        return [d for d in self.published if d.kind is Kind.DRAFT and d.comment is not None]

    def drafts_with_status(self, *statuses: CommentStatus) -> list[Document]:
        return [d for d in self.drafts if self.status_of(d) in statuses]

    def status_changes(self) -> list[datetime]:
        """Every instant at which some draft's status changes (opens, closes, results)."""
        instants: list[datetime] = []
        for draft in self.drafts:
            assert draft.comment is not None
            instants += [draft.comment.opens.at, draft.comment.deadline.at]
            instants += [r.published.at for r in self._results.get(draft.src_uri, [])]
        return sorted(set(instants))

    # -- URLs and files ----------------------------------------------------------------

    def url_of(self, doc: Document) -> str:
        return self.page_url(doc.src_uri)

    def unit_url(self, unit_id: str) -> str:
        return self.page_url(f"{unit_id}/index.md")

    def page_url(self, src_uri: str) -> str:
        """The URL of any page of the site from its path in the docs tree."""
        return page_url(src_uri, use_directory_urls=self.config.use_directory_urls)

    def local_files(self, doc: Document) -> set[str]:
        """Content files a document brings into the site: attachments and linked files."""
        return {a.src_uri for a in doc.attachments if a.src_uri} | doc.links

    @cached_property
    def unpublished_files(self) -> frozenset[str]:
        """Content files this build must not copy: unit profiles, unsafe links, and the
        internal documents with every file only they bring in."""
        hidden = [doc for doc in self.documents if not self.is_published(doc)]
        public_files: set[str] = set()
        for doc in self.published:
            public_files |= self.local_files(doc)
        excluded = set(self.never_publish)
        for doc in hidden:
            excluded.add(doc.src_uri)
            excluded |= self.local_files(doc) - public_files
        return frozenset(excluded)

    def unit_documents(self, unit_id: str) -> list[Document]:
        return self.published_by_unit.get(unit_id, [])

    def units_sorted(self) -> list[Unit]:
        """Units in Vietnamese alphabetical order of their names."""
        return sorted(self.units.values(), key=lambda u: (fold(u.name), u.id))

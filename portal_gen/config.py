"""The settings of one portal, independent of MkDocs.

The MkDocs adapter fills a :class:`PortalConfig` from ``mkdocs.yml`` (site settings plus the
options of ``plugins: [portal]``) and from the command line; the core only reads this.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from portal_gen.model import Audience
from portal_gen.vntime import DateValueError, parse_now

__all__ = ["PortalConfig", "resolve_now"]


@dataclass(frozen=True)
class PortalConfig:
    """Everything the core needs to know about a portal and this run."""

    config_dir: Path
    docs_dir: Path
    site_name: str = "Cổng thông tin công khai"
    site_url: str | None = None
    use_directory_urls: bool = True
    audience: Audience = Audience.PUBLIC
    #: built-in or third-party plugins switched off by name
    disable: tuple[str, ...] = ()
    #: folder of site-local plugins (``*.py``), relative to config_dir; None to load none
    local_plugins: str | None = "plugins"
    #: top-level folders of content/ that hold plain pages rather than a unit
    pages: tuple[str, ...] = ()
    #: instant used for every status; None means the real clock
    now: datetime | None = None
    strict: bool = False
    #: severity overrides by diagnostic code: "error", "warning" or "off"
    severity: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: where the site is written (the previous build's output may be reused from there)
    site_dir: Path | None = None
    #: scratch folder of one build, shared by the processes of a sharded build: plugins
    #: keep per-document results there (search records) instead of in memory
    work_dir: Path | None = None
    #: where results are kept for the next build (portal_gen.cache); None: keep nothing
    cache_dir: Path | None = None
    #: build only slice (index, count) of the portal, without portal-wide files
    shard: tuple[int, int] | None = None
    #: processes this build may keep busy (``build --jobs``); plugins that run external
    #: tools may run that many side by side (the search index is made in one process, beside
    #: the portal-wide files)
    jobs: int = 1
    #: per-plugin settings, e.g. {"feeds": {"limit": 50}}
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def relpath(self, path: Path) -> str:
        """A path as shown to editors: relative to the folder holding mkdocs.yml."""
        try:
            return path.relative_to(self.config_dir).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def docs_prefix(self) -> str:
        """content/ as seen from the portal root, with a trailing slash ('' if the same)."""
        prefix = self.relpath(self.docs_dir)
        return "" if prefix in ("", ".") else prefix + "/"

    @property
    def domain(self) -> str | None:
        return urlsplit(self.site_url).hostname if self.site_url else None

    def option(self, plugin: str, key: str, default: Any) -> Any:
        return self.options.get(plugin, {}).get(key, default)

    def replace(self, **changes: Any) -> PortalConfig:
        return replace(self, **changes)


def resolve_now(
    explicit: str | datetime | None, environ: Mapping[str, str] = os.environ
) -> datetime | None:
    """``--now`` wins, then ``PORTAL_NOW``; None means "use the real clock".

    Raises ValueError with a readable message for a malformed value.
    """
    raw = explicit if explicit is not None else environ.get("PORTAL_NOW") or None
    if raw is None or isinstance(raw, datetime):
        return raw
    try:
        return parse_now(raw)
    except DateValueError as error:
        raise ValueError(f"--now/PORTAL_NOW: {error.message} {error.hint}") from None

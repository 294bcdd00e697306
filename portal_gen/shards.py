"""Slices of a portal that separate processes or machines can build side by side.

A slice holds whole units (a unit's documents, attachments and pages stay together), so
every page renders exactly as in a single build. ``--shard`` balances the units between its
slices (they run side by side on separate machines); ``build --jobs`` cuts the units, in id
order, into runs of a bounded size that its workers take one after the other, so that the
first runs are rendered (and their search shards indexed) while later ones wait. Pages that
every page links to through the navigation are rendered by every slice; the other
portal-wide pages (listings by category and year, the supervisors' matrix...) are dealt out
between slices. The assignment depends only on the content and the number of slices, so any
machine computes the same one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal_gen import __version__
from portal_gen.portal import Portal

__all__ = [
    "MANIFEST",
    "SHARD_WORK_DIR",
    "Slice",
    "contiguous_units",
    "fingerprint",
    "manifest",
    "parse_shard",
    "slice_of",
    "write_manifest",
]


@dataclass(frozen=True)
class Slice:
    """What one of ``count`` slices builds."""

    index: int  # 0-based
    count: int
    units: frozenset[str]
    pages: frozenset[str]  # generated or editor pages this slice renders (besides its units')
    all_units: frozenset[str]  # every unit of the portal, whichever slice builds it

    def owns(self, src_uri: str, *, page: bool) -> bool:
        """Whether this slice renders (``page``) or copies a file of the docs tree: a
        unit's files go with the unit, other static files (images of the guides, a
        favicon) with the first slice."""
        unit = src_uri.split("/", 1)[0] if "/" in src_uri else None
        if unit in self.units or src_uri in self.pages:
            return True
        return not page and self.index == 0 and unit not in self.all_units


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(1, 4)`` (0-based index); raises ValueError with a readable message."""
    try:
        number, count = (int(part) for part in text.split("/", 1))
    except ValueError:
        raise ValueError(f"`{text}`: viết dạng I/N, ví dụ 2/4 (phần thứ 2 trong 4 phần)") from None
    if not 1 <= number <= count:
        raise ValueError(f"`{text}`: I phải từ 1 đến N")
    return number - 1, count


def _balanced_units(portal: Portal, count: int) -> list[set[str]]:
    """Units dealt to ``count`` slices, largest first onto the lightest slice (LPT)."""
    sizes = {unit_id: len(portal.unit_documents(unit_id)) for unit_id in portal.units}
    order = sorted(sizes, key=lambda unit_id: (-sizes[unit_id], unit_id))
    loads = [0] * count
    slices: list[set[str]] = [set() for _ in range(count)]
    for unit_id in order:
        lightest = min(range(count), key=lambda i: (loads[i], i))
        slices[lightest].add(unit_id)
        loads[lightest] += sizes[unit_id] + 1
    return slices


def contiguous_units(portal: Portal, count: int) -> list[set[str]]:
    """Units in id order cut into at most ``count`` runs of about equal size (a unit that
    alone is larger than a run makes one); no run is empty."""
    order = sorted(portal.units)
    sizes = [len(portal.unit_documents(unit_id)) + 1 for unit_id in order]
    total = sum(sizes)
    runs: list[set[str]] = [set() for _ in range(count)]
    start = 0
    for unit_id, size in zip(order, sizes, strict=True):
        middle = start + size // 2  # the run where most of the unit falls
        runs[min(count - 1, middle * count // total)].add(unit_id)
        start += size
    return [run for run in runs if run]


def slice_of(
    portal: Portal,
    index: int,
    count: int,
    *,
    nav_pages: Iterable[str],
    units: Iterable[str] | None = None,
) -> Slice:
    """The part of ``portal`` that slice ``index`` of ``count`` builds: ``units``, or else
    its share of the units balanced by size (:func:`_balanced_units`)."""
    units = set(units) if units is not None else _balanced_units(portal, count)[index]
    nav = set(nav_pages)
    unit_ids = set(portal.units)
    shared = sorted(
        uri
        for uri in portal.site_pages
        if uri not in nav and not ("/" in uri and uri.split("/", 1)[0] in unit_ids)
    )
    dealt = {uri for position, uri in enumerate(shared) if position % count == index}
    return Slice(index, count, frozenset(units), frozenset(dealt | nav), frozenset(unit_ids))


# -- what a slice leaves for the merge ------------------------------------------------

#: A slice's description, at the root of its output.
MANIFEST = ".portal-shard.json"
#: A slice's per-document results for the portal-wide files (search records).
SHARD_WORK_DIR = ".portal-work"


def fingerprint(portal: Portal) -> str:
    """What every slice and the merge must agree on: the same documents at the same instant
    for the same audience (slices built from different commits cannot be merged)."""
    data = {
        "now": portal.now.isoformat(),
        "audience": str(portal.config.audience),
        "units": sorted(portal.units),
        "documents": sorted((doc.src_uri, doc.uid) for doc in portal.published),
        "pages": list(portal.site_pages),
    }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def manifest(portal: Portal, shard: tuple[int, int]) -> dict[str, Any]:
    index, count = shard
    return {
        "shard": f"{index + 1}/{count}",
        "generator": f"portal-gen {__version__}",
        "now": portal.now.isoformat(),
        "audience": str(portal.config.audience),
        "fingerprint": fingerprint(portal),
    }


def write_manifest(site_dir: Path, portal: Portal, shard: tuple[int, int]) -> None:
    text = json.dumps(manifest(portal, shard), ensure_ascii=False, indent=2) + "\n"
    (site_dir / MANIFEST).write_text(text, encoding="utf-8")

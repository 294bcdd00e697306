"""Building a portal in slices, on several cores (``build --jobs``) or machines (``--shard``).

Each slice is an ordinary MkDocs build of some units (:mod:`portal_gen.shards`) that writes
its pages and leaves its search records for later. Assembling the slices lays their trees
together in a staging folder, writes the portal-wide files (feeds, search index, open data,
sitemap) once from the whole portal, and swaps the site in. The result is the same, byte
for byte, as a single build. With ``--jobs`` the workers take slices of a bounded size one
after the other, the search shards are indexed as their units are rendered, and the other
portal-wide files are written while the last workers still render their templates
(:func:`build_parallel`); merging ``--shard`` outputs writes them after (:func:`assemble`).
"""

from __future__ import annotations

import filecmp
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.synchronize
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from portal_gen.build import (
    SitePlan,
    hold_for_the_build,
    load_portal,
    plan_site,
    release_after_build,
    resolve_clock,
    stop_background_work,
    write_extras,
)
from portal_gen.config import PortalConfig
from portal_gen.diagnostics import Diagnostic, DiagnosticError, has_errors
from portal_gen.incremental import site_cache_dir
from portal_gen.pages import SiteWriter
from portal_gen.shards import (
    MANIFEST,
    SHARD_WORK_DIR,
    Slice,
    contiguous_units,
    fingerprint,
    slice_of,
)
from portal_gen.staging import (
    link_or_copy,
    link_tree,
    lock_site,
    new_staging_dir,
    replace_dir,
)

__all__ = [
    "MergeError",
    "Prepared",
    "assemble",
    "build_parallel",
    "can_fork",
    "job_slices",
    "merge_shards",
    "prepare",
    "read_manifest",
]


class MergeError(Exception):
    """Slices that do not make one site (missing, duplicated, or of different builds)."""


@dataclass
class Prepared:
    """A portal loaded, checked and planned once, ready for its slices."""

    config: PortalConfig
    pm: pluggy.PluginManager
    plan: SitePlan
    diagnostics: list[Diagnostic]


def prepare(config_file: str, **overrides: Any) -> Prepared:
    """Load and check the portal once, at one instant that every slice will share.

    :raises DiagnosticError: when the content has errors (nothing is built).
    """
    from portal_gen.mkdocs_plugin import load_portal_config

    portal_config, pm = load_portal_config(config_file, **overrides)
    site_dir = overrides.get("site_dir")
    portal_config = portal_config.replace(
        now=resolve_clock(portal_config),
        jobs=int(overrides.get("jobs") or 1),
        site_dir=Path(site_dir).resolve() if site_dir else portal_config.site_dir,
    )
    portal, diagnostics = load_portal(portal_config, pm)
    if has_errors(diagnostics, strict=portal_config.strict):
        raise DiagnosticError(diagnostics)
    return Prepared(portal_config, pm, plan_site(portal, pm), diagnostics)


def can_fork() -> bool:
    """Workers are forked from the process that loaded the portal (they share the loaded
    portal instead of reading it again); where fork is missing, a build uses one process."""
    return "fork" in multiprocessing.get_all_start_methods()


#: Documents a worker of ``build --jobs`` renders at most: MkDocs renders every page's
#: Markdown first and its template after, so a worker holds all its pages until its last
#: one is written (about 30 KB each). A larger portal is cut into more slices than jobs,
#: which the workers take one after the other: the memory stays that of a few thousand
#: pages whatever the size of the portal, for about a second of setup per slice.
SLICE_DOCUMENTS = 2500


def job_slices(plan: SitePlan, jobs: int, size: int | None = None) -> list[Slice]:
    """The slices of ``build --jobs``: units in id order, a multiple of ``jobs`` runs of at
    most about ``size`` documents (:data:`SLICE_DOCUMENTS`): the first search shards are
    complete, and indexed, while the last runs are still rendering."""
    portal = plan.portal
    size = max(1, size or SLICE_DOCUMENTS)
    waves = -(-len(portal.published) // (jobs * size))
    runs = contiguous_units(portal, jobs * max(1, waves)) or [set()]
    nav = plan.nav_pages
    return [
        slice_of(portal, index, len(runs), nav_pages=nav, units=run)
        for index, run in enumerate(runs)
    ]


def build_parallel(config_file: str, jobs: int, prepared: Prepared) -> Path:
    """Build the portal with ``jobs`` worker processes at a time; returns the site folder.

    The portal-wide files are written by this process: the search shards as soon as the
    workers have rendered the units they hold (:func:`portal_units_rendered`), the other
    files once every worker has rendered its Markdown, while the last ones still render
    their templates; the workers' pages join them after. One build at a time into a site
    folder (:func:`_one_at_a_time`).

    :raises MergeError: when a worker fails (its messages were printed).
    """
    with _one_at_a_time(prepared.config):
        return _build_parallel(config_file, jobs, prepared)


def _build_parallel(config_file: str, jobs: int, prepared: Prepared) -> Path:
    """The work of :func:`build_parallel`, the site folder locked."""
    config = prepared.config
    assert config.site_dir is not None and config.now is not None
    final = config.site_dir
    scratch = Path(tempfile.mkdtemp(prefix=f".{final.name}-slices-", dir=_parent(final)))
    staging = None
    workers: list[_Worker] = []
    hold_for_the_build()  # before the workers are forked
    try:
        work_dir = scratch / "work"
        portal = prepared.plan.portal
        portal.config = portal.config.replace(work_dir=work_dir)
        context = multiprocessing.get_context("fork")
        overrides = {
            "strict": config.strict,
            "audience": str(config.audience),
            "now": config.now.isoformat(),
            "work_dir": str(work_dir),
            "worker": True,
            "plan": prepared.plan,
        }
        slices = job_slices(prepared.plan, jobs)
        # Every worker is forked now, before this process starts any thread (the search
        # index's), and waits for its turn.
        for part in slices:
            number = part.index + 1
            folder, log = scratch / f"slice-{number}", scratch / f"slice-{number}.log"
            rendered, go = context.Event(), context.Event()
            shard = {"shard": (part.index, part.count), "slice": part, "rendered": rendered.set}
            args = (config_file, str(folder), str(log), {**overrides, **shard}, go)
            process = context.Process(target=_work, args=args)
            workers.append(_Worker(process, part, folder, log, rendered, go))
        for worker in workers:
            worker.process.start()
        staging = new_staging_dir(final)
        writer = _run(workers, jobs, prepared, staging)
        _echo_unique([w.log.read_text(encoding="utf-8", errors="replace") for w in workers])
        failed = [
            str(i + 1)
            for i, worker in enumerate(workers)
            if worker.go.is_set() and worker.process.exitcode  # not those never started
        ]
        if failed:
            raise MergeError(f"phần {', '.join(failed)} (trong {len(workers)}) không tạo được")
        assert writer is not None
        extras = {str(staging / rel) for rel in writer.written}
        for worker in workers:
            _merge_tree(
                worker.output,
                staging,
                move=True,
                skip={MANIFEST, SHARD_WORK_DIR},
                written_after=extras,
            )
    except BaseException:
        for worker in workers:  # the portal-wide files failed while they were rendering
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join()
        stop_background_work(prepared.pm, prepared.plan.portal)  # the search index's runs
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        release_after_build()
    replace_dir(staging, final)
    return final


@contextmanager
def _one_at_a_time(config: PortalConfig) -> Iterator[None]:
    """Hold the lock of the site folder a one-process build takes (``staging.lock_site``):
    else a rebuild updating the site in place could mix its files with those swapped in
    here. No lock without the cache (``--no-cache``), like a one-process build."""
    lock = None
    if config.cache_dir is not None and config.site_dir is not None:
        lock = lock_site(site_cache_dir(config.cache_dir, config.site_dir), config.site_dir)
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    slice: Slice
    #: the folder its pages are written to
    output: Path
    log: Path
    #: set by the worker once its Markdown is rendered (its search records written)
    rendered: multiprocessing.synchronize.Event
    #: set by the coordinator when the worker may start
    go: multiprocessing.synchronize.Event
    #: its units were announced as rendered
    announced: bool = False


def _run(
    workers: Sequence[_Worker], jobs: int, prepared: Prepared, staging: Path
) -> SiteWriter | None:
    """Let the workers build, ``jobs`` at a time, in order; announce the units they have
    rendered; write the portal-wide files once all are. Returns their writer (None when a
    worker failed: the others already started are let finish, the rest never start)."""
    portal = prepared.plan.portal
    waiting, running = list(workers), list[_Worker]()
    rendered: set[str] = set()
    writer = None
    failed = False
    while running or (waiting and not failed):
        while waiting and not failed and len(running) < jobs:
            worker = waiting.pop(0)
            worker.go.set()
            running.append(worker)
        multiprocessing.connection.wait([w.process.sentinel for w in running], timeout=0.05)
        for worker in list(running):
            if not worker.process.is_alive():
                worker.process.join()
                running.remove(worker)
                failed = failed or bool(worker.process.exitcode)
        news = [w for w in workers if not w.announced and _has_rendered(w)]
        if news and not failed:
            for worker in news:
                worker.announced = True
                rendered |= worker.slice.units
            if all(worker.announced for worker in workers):
                # slow work (the search index) goes on, the other files are written beside it
                prepared.pm.hook.portal_documents_rendered(portal=portal)
                writer = write_extras(prepared.plan, prepared.pm, staging)
            else:
                prepared.pm.hook.portal_units_rendered(portal=portal, units=frozenset(rendered))
    for worker in waiting:  # never started: a worker failed
        worker.process.terminate()
        worker.process.join()
    return writer


def _has_rendered(worker: _Worker) -> bool:
    """Its Markdown is rendered (it said so, or it ended without saying so, yet succeeded)."""
    process = worker.process
    return worker.rendered.is_set() or (process.exitcode == 0 and not process.is_alive())


def _work(
    config_file: str,
    site_dir: str,
    log: str,
    overrides: dict[str, Any],
    go: multiprocessing.synchronize.Event,
) -> None:
    """A worker: once ``go`` is set, build one slice with the plan it inherited; its
    messages go to ``log``."""
    from portal_gen.mkdocs_plugin import SiteError, build_site
    from portal_gen.plugin_manager import PluginLoadError

    parent = os.getppid()
    while not go.wait(1.0):
        if os.getppid() != parent:  # the coordinator was killed: nothing to wait for
            os._exit(1)
    stream = Path(log).open("w", encoding="utf-8")  # noqa: SIM115 (open until the exit)
    os.dup2(stream.fileno(), 1)  # also what native code and subprocesses print
    os.dup2(stream.fileno(), 2)
    sys.stdout = sys.stderr = stream  # the parent's may be in-memory (a test's CliRunner)
    try:
        build_site(config_file, site_dir, **overrides)
    except DiagnosticError:
        sys.exit(1)  # printed by the build
    except (SiteError, PluginLoadError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        stream.flush()


def merge_shards(prepared: Prepared, shard_dirs: Sequence[Path]) -> Path:
    """Merge the outputs of ``build --shard I/N`` (all N of them) into the site folder.

    :raises MergeError: when a slice is missing, repeated, or from another build.
    """
    expected = fingerprint(prepared.plan.portal)
    seen: dict[int, Path] = {}
    count = None
    for folder in shard_dirs:
        manifest = read_manifest(folder)
        number, total = (int(part) for part in manifest["shard"].split("/"))
        if count is not None and total != count:
            raise MergeError(f"`{folder}`: là phần {number}/{total}, các phần khác chia {count}")
        count = total
        if number in seen:
            raise MergeError(f"phần {number}/{total} có hai lần: `{seen[number]}` và `{folder}`")
        if manifest.get("fingerprint") != expected:
            raise MergeError(
                f"`{folder}` được tạo từ nội dung khác, hoặc với --now, --audience khác các "
                "phần còn lại: tạo mọi phần từ cùng một commit, với cùng --now và --audience"
            )
        seen[number] = folder
    missing = sorted(set(range(1, (count or 0) + 1)) - set(seen))
    if not seen or missing:
        raise MergeError(f"thiếu phần {', '.join(f'{n}/{count}' for n in missing) or '1/N'}")
    parts = [seen[number] for number in sorted(seen)]
    return assemble(prepared, parts, [part / SHARD_WORK_DIR for part in parts], move=False)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The description a slice left at the root of its output."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        number, total = (int(part) for part in manifest["shard"].split("/"))
        if not 1 <= number <= total:
            raise ValueError(manifest["shard"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise MergeError(
            f"`{folder}`: không phải kết quả của `portal-gen build --shard I/N` ({error})"
        ) from None
    return dict(manifest)


def assemble(
    prepared: Prepared, parts: Sequence[Path], work_dirs: Sequence[Path], *, move: bool
) -> Path:
    """Lay the slices' trees together, add the portal-wide files, swap the site in (one
    build at a time into a site folder: :func:`_one_at_a_time`).

    ``move``: the slices are scratch folders and may be taken apart; otherwise their files
    are hard-linked (or copied) and the slices stay as they were.
    """
    with _one_at_a_time(prepared.config):
        return _assemble(prepared, parts, work_dirs, move=move)


def _assemble(
    prepared: Prepared, parts: Sequence[Path], work_dirs: Sequence[Path], *, move: bool
) -> Path:
    """The work of :func:`assemble`, the site folder locked."""
    config = prepared.config
    assert config.site_dir is not None
    final = config.site_dir
    staging = new_staging_dir(final)
    try:
        with tempfile.TemporaryDirectory(prefix="portal-gen-work-") as merged_work:
            work_dir = _one_work_dir(work_dirs, Path(merged_work))
            for part in parts:
                _merge_tree(part, staging, move=move, skip={MANIFEST, SHARD_WORK_DIR})
            plan = prepared.plan
            plan.portal.config = plan.portal.config.replace(work_dir=work_dir)
            write_extras(plan, prepared.pm, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_dir(staging, final)
    return final


def _one_work_dir(work_dirs: Sequence[Path], scratch: Path) -> Path:
    if len(work_dirs) == 1:
        return work_dirs[0]
    for work_dir in work_dirs:
        if work_dir.is_dir():
            _merge_tree(work_dir, scratch, move=False, skip=set())
    return scratch


def _merge_tree(
    source: Path,
    target: Path,
    *,
    move: bool,
    skip: set[str],
    written_after: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Add ``source``'s tree to ``target``. A file both have (a page every slice renders)
    must be identical: a difference means the slices are not of one build. Files named
    in ``written_after`` (paths in ``target``) were written by the portal-wide step, which
    a single build runs after MkDocs: they replace MkDocs' own (sitemap.xml)."""
    target.mkdir(exist_ok=True)
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.name in skip:
                continue
            there = target / entry.name
            if entry.is_dir(follow_symlinks=False):
                if there.is_dir():
                    _merge_tree(
                        Path(entry.path), there, move=move, skip=set(), written_after=written_after
                    )
                elif move:
                    Path(entry.path).replace(there)
                else:
                    link_tree(Path(entry.path), there)
            elif str(there) in written_after:
                continue
            elif there.exists():
                if not filecmp.cmp(entry.path, there, shallow=False):
                    raise MergeError(f"`{entry.name}` khác nhau giữa các phần ({there})")
            elif move:
                Path(entry.path).replace(there)
            else:
                link_or_copy(entry.path, there)


def _parent(final: Path) -> Path:
    final.parent.mkdir(parents=True, exist_ok=True)
    return final.parent


def _echo_unique(outputs: Sequence[str]) -> None:
    """The workers' messages, each once (every slice renders the navigation pages)."""
    seen: set[str] = set()
    for output in outputs:
        for line in output.splitlines():
            if line not in seen:
                seen.add(line)
                print(line, file=sys.stderr)

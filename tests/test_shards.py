"""Builds in slices: `build --jobs N`, and `build --shard I/N` merged by `portal-gen merge`,
give the very same site as one build."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from portal_gen.build import plan_site
from portal_gen.mkdocs_plugin import load_portal_only
from portal_gen.shards import MANIFEST, SHARD_WORK_DIR, parse_shard, slice_of
from tests.conftest import NOW, tree_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from click.testing import CliRunner

    from portal_gen.cli import main

    site = tmp_path_factory.mktemp("single") / "site"
    result = CliRunner().invoke(
        main, ["build", "-f", str(ROOT / "mkdocs.yml"), "--now", NOW, "-d", str(site)]
    )
    assert result.exit_code == 0, result.output
    return tree_bytes(site)


def test_parse_shard() -> None:
    assert parse_shard("1/1") == (0, 1)
    assert parse_shard("3/4") == (2, 4)
    for wrong in ("0/3", "4/3", "a/b", "3", "1/0"):
        with pytest.raises(ValueError, match=r"I/N|từ 1 đến N"):
            parse_shard(wrong)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_slices_share_out_units_and_pages(count: int) -> None:
    """Every unit in exactly one slice; every shared page rendered by exactly one slice,
    except the navigation pages, which every slice renders."""
    portal, _, pm = load_portal_only(str(ROOT / "mkdocs.yml"), now=NOW)
    plan = plan_site(portal, pm)
    nav = plan.nav_pages
    parts = [slice_of(portal, index, count, nav_pages=nav) for index in range(count)]
    units = [unit for part in parts for unit in part.units]
    assert sorted(units) == sorted(portal.units)
    for uri in plan.pages:
        owners = [part.index for part in parts if part.owns(uri, page=True)]
        assert owners == (list(range(count)) if uri in nav else owners[:1]), uri
        assert owners, uri
    for doc in portal.published:
        assert [p.index for p in parts if p.owns(doc.src_uri, page=True)] == [
            p.index for p in parts if doc.unit_id in p.units
        ]
    # a file of the guides (outside any unit) is copied once
    assert [p.index for p in parts if p.owns("huong-dan/anh.png", page=False)] == [0]


def test_jobs_build_equals_single_build(
    cli: Callable[..., Result], tmp_path: Path, single: dict[str, bytes]
) -> None:
    site = tmp_path / "site"
    result = cli("build", "--now", NOW, "--jobs", "3", "-d", str(site), cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert tree_bytes(site) == single
    assert not list(tmp_path.glob(".site-*")), "scratch folders are removed"


def test_shards_merged_equal_single_build(
    cli: Callable[..., Result], tmp_path: Path, single: dict[str, bytes]
) -> None:
    parts = [tmp_path / f"part-{n}" for n in (1, 2, 3)]
    for number, part in enumerate(parts, 1):
        result = cli("build", "--now", NOW, "--shard", f"{number}/3", "-d", str(part), cwd=ROOT)
        assert result.exit_code == 0, result.output
        manifest = json.loads((part / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["shard"] == f"{number}/3"
        assert not (part / "feeds").exists(), "portal-wide files wait for the merge"
    assert (parts[0] / SHARD_WORK_DIR / "search-records").is_dir()
    before = [tree_bytes(part) for part in parts]
    site = tmp_path / "site"
    # in any order
    result = cli("merge", *map(str, reversed(parts)), "-d", str(site), cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert tree_bytes(site) == single
    assert [tree_bytes(part) for part in parts] == before, "the slices are left as they were"


def test_merge_refuses_slices_that_do_not_make_one_site(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    def shard(spec: str, name: str, now: str = NOW) -> str:
        folder = tmp_path / name
        result = cli("build", "--now", now, "--shard", spec, "-d", str(folder), cwd=ROOT)
        assert result.exit_code == 0, result.output
        return str(folder)

    one, two = shard("1/2", "a"), shard("2/2", "b")
    other_time = shard("2/2", "c", now="2026-11-23T09:00:00+07:00")
    site = str(tmp_path / "site")
    cases = {
        (one,): "thiếu phần 2/2",
        (one, one): "có hai lần",
        (one, other_time): "--now",
        (one, str(ROOT / "content")): "không phải kết quả",
    }
    for folders, message in cases.items():
        result = cli("merge", *folders, "-d", site, cwd=ROOT)
        assert result.exit_code == 1, folders
        assert message in result.output, result.output
        assert not Path(site).exists(), "nothing is written"
    assert cli("merge", one, two, "-d", site, cwd=ROOT).exit_code == 0


def test_jobs_and_shard_exclude_each_other(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("build", "--jobs", "2", "--shard", "1/2", "-d", str(tmp_path), cwd=ROOT)
    assert result.exit_code == 2
    assert "--shard" in result.output
    result = cli("build", "--shard", "3/2", "-d", str(tmp_path), cwd=ROOT)
    assert result.exit_code == 2
    assert "từ 1 đến N" in result.output


def test_jobs_build_fails_whole_on_content_errors(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "portal"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "content/xa-ta-phin/hong.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (root / "site").mkdir()
    (root / "site/cu.html").write_text("trang cũ", encoding="utf-8")
    result = cli("build", "--jobs", "2", "--now", NOW, cwd=root)
    assert result.exit_code == 1
    assert "content/xa-ta-phin/hong.md:3: lỗi [yaml-syntax]" in result.output
    assert [p.name for p in (root / "site").iterdir()] == ["cu.html"], "the old site stays"


@pytest.mark.parametrize("when", ["before rendering", "after rendering"])
def test_a_failing_worker_fails_the_build_and_keeps_the_old_site(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """Workers are forked: they inherit this patch, and the second one breaks, at once or
    once its Markdown is rendered (the coordinator has then written the portal-wide files
    into the staging folder)."""
    import portal_gen.mkdocs_plugin as adapter

    real_build = adapter.build_site

    def breaking_build(config_file: str, site_dir: str, **overrides: Any) -> object:
        if overrides.get("shard") == (1, 2):
            if when == "before rendering":
                raise adapter.SiteError("đĩa đầy")
            rendered = overrides["rendered"]

            def rendered_then_break() -> None:
                rendered()
                raise adapter.SiteError("đĩa đầy")

            overrides = {**overrides, "rendered": rendered_then_break}
        return real_build(config_file, site_dir, **overrides)

    monkeypatch.setattr(adapter, "build_site", breaking_build)
    site = tmp_path / "site"
    site.mkdir()
    (site / "cu.html").write_text("trang cũ", encoding="utf-8")
    result = cli("build", "--jobs", "2", "--now", NOW, "-d", str(site), cwd=ROOT)
    assert result.exit_code == 1
    assert "Lỗi: đĩa đầy" in result.output
    assert "phần 2 (trong 2) không tạo được" in result.output
    assert [p.name for p in site.iterdir()] == ["cu.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no scratch folder is left"


def test_portal_wide_files_failing_while_workers_render_stops_them(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --jobs the coordinator writes feeds and search while the workers still render:
    if that fails, the workers are stopped and nothing is left behind."""
    import multiprocessing

    import portal_gen.parallel as parallel

    def failing_extras(*args: object, **kwargs: object) -> object:
        raise OSError("đĩa đầy")

    monkeypatch.setattr(parallel, "write_extras", failing_extras)
    site = tmp_path / "site"
    site.mkdir()
    (site / "cu.html").write_text("trang cũ", encoding="utf-8")
    with pytest.raises(OSError, match="đĩa đầy"):
        cli("build", "--jobs", "2", "--now", NOW, "-d", str(site), cwd=ROOT)
    assert multiprocessing.active_children() == [], "no worker outlives the build"
    assert [p.name for p in site.iterdir()] == ["cu.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no scratch folder is left"


def test_jobs_coordinator_starts_the_index_before_writing_the_other_files(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search index (slow) is made while feeds and open data are written, as in one
    process."""
    import portal_gen.parallel as parallel

    started: list[bool] = []
    real = parallel.write_extras

    def spy(plan: Any, *args: Any, **kwargs: Any) -> Any:
        indexing = plan.portal.memo.get("search.indexing")
        started.append(bool(indexing and indexing.made))
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(parallel, "write_extras", spy)
    result = cli("build", "--jobs", "2", "--now", NOW, "-d", str(tmp_path / "site"), cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert started == [True]
    assert (tmp_path / "site" / "chi-muc" / "index.json.gz").is_file()


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_contiguous_units_are_runs_in_id_order(count: int) -> None:
    """build --jobs cuts the units in id order: every unit once, no empty run."""
    from portal_gen.shards import contiguous_units

    portal, _, _ = load_portal_only(str(ROOT / "mkdocs.yml"), now=NOW)
    runs = contiguous_units(portal, count)
    assert 1 <= len(runs) <= min(count, len(portal.units))
    assert all(runs)
    assert [unit for run in runs for unit in sorted(run)] == sorted(portal.units)


def _many_documents(root: Path, units: int, documents: int) -> Path:
    from tests.conftest import MKDOCS_YML, write_files

    files: dict[str, str | bytes] = {"mkdocs.yml": MKDOCS_YML}
    for unit in range(units):
        files[f"content/xa-{unit}/_unit.yml"] = f"name: Ủy ban nhân dân xã {unit}\ntype: xa\n"
        for n in range(documents):
            files[f"content/xa-{unit}/van-ban-{n}.md"] = (
                f"---\ntitle: Văn bản {n} của xã {unit}\ncategory: khac\ndate: 2026-03-01\n"
                f"---\nNội dung {n} về đất đai.\n"
            )
    return write_files(root, files)


#: a portal's own plugin that notes what ``build --jobs`` tells of the rendering
_WATCH_RENDERING = """
from pathlib import Path
from portal_gen import hookimpl

HEARD = Path(__file__).with_name("heard.txt")


@hookimpl
def portal_units_rendered(portal, units):
    with HEARD.open("a") as heard:
        heard.write(",".join(sorted(units)) + "\\n")


@hookimpl
def portal_documents_rendered(portal):
    with HEARD.open("a") as heard:
        heard.write("all\\n")
"""


def test_jobs_takes_bounded_slices(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A portal larger than a worker's batch is cut into more slices than jobs, rendered
    two at a time; the search index is made once, when all are rendered; the site is the
    same as one process builds."""
    import portal_gen.parallel as parallel
    from portal_gen.plugins import search

    root = _many_documents(tmp_path / "portal", units=3, documents=30)
    single = tmp_path / "single"
    result = cli("build", "--now", NOW, "-d", str(single), cwd=root)
    assert result.exit_code == 0, result.output

    slices: list[int] = []
    real_slices = parallel.job_slices

    def counting(*args: Any, **kwargs: Any) -> Any:
        parts = real_slices(*args, **kwargs)
        slices.append(len(parts))
        return parts

    made: list[int] = []  # documents of each index made
    real_index = search._index

    def recording(job: dict[str, Any], runs: Any) -> bool:
        made.append(len(job["records"]))
        return real_index(job, runs)

    monkeypatch.setattr(parallel, "SLICE_DOCUMENTS", 15)
    monkeypatch.setattr(parallel, "job_slices", counting)
    monkeypatch.setattr(search, "_index", recording)
    (root / "plugins").mkdir()
    (root / "plugins/watch.py").write_text(_WATCH_RENDERING, encoding="utf-8")
    site = tmp_path / "site"
    result = cli("build", "--now", NOW, "--jobs", "2", "-d", str(site), cwd=root)
    assert result.exit_code == 0, result.output
    assert slices == [3], "90 documents, at most 15 × 2 a wave: one slice a unit"
    assert made == [90]
    assert tree_bytes(site) == tree_bytes(single)
    # a plugin hears of the units as their slices are rendered, then of all the documents
    *parts, last = (root / "plugins/heard.txt").read_text(encoding="utf-8").split()
    heard = [set(part.split(",")) for part in parts]
    assert last == "all" and heard, parts
    assert all(a < b for a, b in pairwise(heard)), "each time more units"
    assert heard[-1] < {"xa-0", "xa-1", "xa-2"}, "before the last slice is rendered"


def test_each_document_s_context_is_made_once_by_the_worker_rendering_it(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data of a document's page is made when the page is rendered, in the worker
    rendering it, not planned for all documents by the coordinator (which would hold it
    for the whole build: 52 MB at 20,000 documents). Workers are forked: they inherit the
    patch, and each call appends its process and document to a file."""
    import os

    from portal_gen.build import SitePlan

    calls = tmp_path / "calls.txt"
    real = SitePlan.document_context

    def recorded(self: SitePlan, document: Any) -> dict[str, Any]:
        with calls.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {document.src_uri}\n")
        return real(self, document)

    monkeypatch.setattr(SitePlan, "document_context", recorded)
    site = tmp_path / "site"
    result = cli("build", "--now", NOW, "--jobs", "2", "--no-cache", "-d", str(site), cwd=ROOT)
    assert result.exit_code == 0, result.output
    made = [line.split() for line in calls.read_text(encoding="utf-8").splitlines()]
    published = load_portal_only(str(ROOT / "mkdocs.yml"), now=NOW)[0].published
    assert sorted(uri for _, uri in made) == sorted(doc.src_uri for doc in published)
    processes = {pid for pid, _ in made}
    assert str(os.getpid()) not in processes and len(processes) > 1

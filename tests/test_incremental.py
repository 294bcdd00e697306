"""Rebuilds keep the pages that would come out the same (.cache/portal-gen/), and the site
they give is byte for byte the one a cold build (`--no-cache`) gives, whatever was edited."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import NOW, tree_bytes

LATER = "2026-12-20T09:00:00+07:00"  # after the draft's comment period has closed
DRAFT = "phuong-a/du-thao-quy-che/index.html"
BUDGET = "phuong-a/du-toan-2026/index.html"
PLAN = "co-quan-b/ke-hoach-cong-tac/index.html"
OLD_DRAFT = "phuong-a/du-thao-cu/index.html"  # concluded, with a result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Rebuilder:
    """Builds a portal into site/ with the cache, and into cold/ without it."""

    def __init__(self, root: Path, cli: Callable[..., Result]) -> None:
        self.root, self.cli = root, cli
        self.now = NOW

    def build(self, *args: str) -> Result:
        return self.cli(
            "build", "--now", self.now, "-d", str(self.root / "site"), *args, cwd=self.root
        )

    def inode(self, page: str) -> int:
        return (self.root / "site" / page).stat().st_ino

    def assert_same_as_cold(self, step: str, *, kept: tuple[str, ...] = ()) -> None:
        """Rebuild, then build cold: the same bytes. ``kept``: pages that must not have been
        rendered again (the same file as before the rebuild)."""
        before = {page: self.inode(page) for page in kept}
        result = self.build()
        assert result.exit_code == 0, (step, result.output)
        assert {page: self.inode(page) for page in kept} == before, step
        cold = self.cli(
            "build", "--now", self.now, "--no-cache", "-d", str(self.root / "cold"), cwd=self.root
        )
        assert cold.exit_code == 0, (step, cold.output)
        rebuilt, expected = tree_bytes(self.root / "site"), tree_bytes(self.root / "cold")
        assert sorted(rebuilt) == sorted(expected), step
        differing = [name for name in expected if rebuilt[name] != expected[name]]
        assert differing == [], step


@pytest.fixture
def rebuilder(copy_site: Callable[[str], Path], cli: Callable[..., Result]) -> Rebuilder:
    portal = Rebuilder(copy_site("tiny"), cli)
    result = portal.build()
    assert result.exit_code == 0, result.output
    return portal


def test_unchanged_pages_are_kept_not_rendered_again(rebuilder: Rebuilder) -> None:
    before = {page: rebuilder.inode(page) for page in (DRAFT, BUDGET, PLAN)}
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "Nguyễn Văn Ký", "Trần Thị Ký")
    rebuilder.assert_same_as_cold("signer edit")
    # the very same file (a hard link into the new site) for untouched documents...
    assert rebuilder.inode(DRAFT) == before[DRAFT]
    assert rebuilder.inode(PLAN) == before[PLAN]
    # ...and a new one for the edited document
    assert rebuilder.inode(BUDGET) != before[BUDGET]
    assert (rebuilder.root / ".cache/portal-gen/documents.pickle").is_file()


def _index_version(site: Path) -> str:
    table = json.loads(gzip.decompress((site / "chi-muc/index.json.gz").read_bytes()))
    return str(table["version"])


def test_a_rebuild_that_keeps_most_of_the_site_updates_it_in_place(rebuilder: Rebuilder) -> None:
    """Linking every kept file into a new folder cost more than the rest of a rebuild: the
    few files written move in among the kept ones instead, and the site is still exactly
    the cold build's (no file, no empty folder left over)."""
    site = rebuilder.root / "site"
    before = site.stat().st_ino
    version = _index_version(site)
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "title: ", "title: (Sửa) ")
    rebuilder.assert_same_as_cold("title edit", kept=(DRAFT, PLAN))
    assert site.stat().st_ino == before  # updated, not replaced
    assert _index_version(site) != version  # the search index was made again...
    cold = rebuilder.root / "cold"
    assert sorted(p.relative_to(site) for p in site.rglob("*") if p.is_dir()) == sorted(
        p.relative_to(cold) for p in cold.rglob("*") if p.is_dir()
    )  # ...and the old one is gone
    assert not list(rebuilder.root.glob(".site-building-*"))


def test_every_kind_of_change_gives_the_cold_site(rebuilder: Rebuilder) -> None:
    root, content = rebuilder.root, rebuilder.root / "content"
    rebuilder.assert_same_as_cold("nothing changed", kept=(DRAFT, BUDGET, PLAN, OLD_DRAFT))

    edit(content / "phuong-a/du-toan-2026.md", "title: ", "title: (Sửa) ")
    rebuilder.assert_same_as_cold("title edit (listings, feeds, open data)")

    # the same entry id in the feeds (the title makes it), with a new summary in its text
    edit(content / "phuong-a/du-toan-2026.md", "title: ", "description: Tóm tắt mới.\ntitle: ")
    rebuilder.assert_same_as_cold("description added (feed entries)")

    (content / "phuong-a/thong-bao-moi.md").write_text(
        "---\ntitle: Thông báo lịch tiếp công dân\ncategory: thu-tuc-hanh-chinh\n"
        "date: 2026-11-20\n---\n\nLịch tiếp công dân tháng 12.\n",
        encoding="utf-8",
    )
    rebuilder.assert_same_as_cold("document added")

    (content / "phuong-a/thong-bao-moi.md").unlink()
    rebuilder.assert_same_as_cold("document deleted")

    # the draft's page names its result: only the result's own file changed
    edit(content / "phuong-a/ket-qua-du-thao-cu.md", "title: Báo cáo", "title: Bản báo cáo")
    rebuilder.assert_same_as_cold("result retitled (shown on its draft's page)", kept=(PLAN,))
    assert "Bản báo cáo" in (root / "site" / OLD_DRAFT).read_text(encoding="utf-8")

    edit(content / "phuong-a/_unit.yml", "name: ", "name: Tên mới ")
    rebuilder.assert_same_as_cold("_unit.yml edit")

    edit(root / "mkdocs.yml", "site_name: Cổng thử nghiệm", "site_name: Cổng đã đổi tên")
    rebuilder.assert_same_as_cold("mkdocs.yml edit")

    (content / "phuong-a/files/du-toan-2026.csv").write_text("khoan,so_tien\nA,1\nB,2\n")
    rebuilder.assert_same_as_cold("attachment replaced")

    rebuilder.now = LATER
    rebuilder.assert_same_as_cold("comment period closed (--now)")
    assert 'data-status="closed"' in (root / "site" / DRAFT).read_text(encoding="utf-8")


def test_a_theme_override_re_renders_every_page(rebuilder: Rebuilder) -> None:
    before = rebuilder.inode(PLAN)
    edit(rebuilder.root / "mkdocs.yml", "name: material", "name: material\n  custom_dir: overrides")
    overrides = rebuilder.root / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}Thông báo thử{% endblock %}\n',
        encoding="utf-8",
    )
    rebuilder.assert_same_as_cold("override added")
    assert rebuilder.inode(PLAN) != before
    assert "Thông báo thử" in (rebuilder.root / "site" / PLAN).read_text(encoding="utf-8")

    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}Thông báo khác{% endblock %}\n',
        encoding="utf-8",
    )
    rebuilder.assert_same_as_cold("override edited")
    assert "Thông báo khác" in (rebuilder.root / "site" / PLAN).read_text(encoding="utf-8")


def test_what_mkdocs_said_about_a_kept_page_is_said_again(rebuilder: Rebuilder) -> None:
    page = rebuilder.root / "content/co-quan-b/ke-hoach-cong-tac.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Phụ lục](khong-co.md)\n", "utf-8")
    first = rebuilder.build()
    assert first.exit_code == 0, first.output
    assert "khong-co.md" in first.output
    before = rebuilder.inode(PLAN)

    again = rebuilder.build()
    assert again.exit_code == 0, again.output
    assert rebuilder.inode(PLAN) == before  # kept, not rendered
    assert "khong-co.md" in again.output  # and the broken link is still reported


def test_a_page_changed_in_the_old_site_is_rendered_again(rebuilder: Rebuilder) -> None:
    (rebuilder.root / "site" / PLAN).write_text("hỏng", encoding="utf-8")
    rebuilder.assert_same_as_cold("output file damaged")


def test_a_damaged_cache_is_ignored(rebuilder: Rebuilder) -> None:
    cache = rebuilder.root / ".cache/portal-gen"
    (cache / "documents.pickle").write_bytes(b"\x80\x05 not a pickle")
    for manifest in cache.glob("site-*/pages.json"):
        manifest.write_text('{"outputs": {"a": [1]}}', encoding="utf-8")
    rebuilder.assert_same_as_cold("damaged cache")


def test_no_cache_keeps_nothing(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    result = cli("build", "--now", NOW, "--no-cache", cwd=root)
    assert result.exit_code == 0, result.output
    assert not (root / ".cache").exists()


def test_the_cache_option_turns_it_off(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    edit(root / "mkdocs.yml", "  - portal:\n", "  - portal:\n      cache: false\n")
    result = cli("build", "--now", NOW, cwd=root)
    assert result.exit_code == 0, result.output
    assert not (root / ".cache").exists()


def test_a_site_restored_from_a_ci_cache_is_kept(rebuilder: Rebuilder) -> None:
    """CI restores site/ and .cache/ from an archive: new inodes and times, same bytes."""
    site = rebuilder.root / "site"
    archived = rebuilder.root / "archive"
    site.rename(archived)
    shutil.copytree(archived, site, copy_function=shutil.copy)  # not copy2: new times
    shutil.rmtree(archived)
    restored = {page: rebuilder.inode(page) for page in (PLAN, BUDGET)}
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "Nguyễn Văn Ký", "Trần Thị Ký")
    rebuilder.assert_same_as_cold("site restored, one document edited", kept=(PLAN,))
    assert rebuilder.inode(PLAN) == restored[PLAN]
    assert rebuilder.inode(BUDGET) != restored[BUDGET]


def test_documents_unchanged_on_disk_are_not_read_again(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import portal_gen.content

    content = rebuilder.root / "content"
    past = time.time() - 60  # older than a clock tick: the file's stat can be trusted
    for path in content.rglob("*"):
        os.utime(path, (past, past))
    assert rebuilder.build().exit_code == 0  # notes the files' new times

    hashed: list[int] = []
    real_digest = portal_gen.content.digest
    monkeypatch.setattr(
        portal_gen.content, "digest", lambda data: hashed.append(len(data)) or real_digest(data)
    )
    edit(content / "phuong-a/du-toan-2026.md", "Nguyễn Văn Ký", "Trần Thị Ký")
    rebuilder.assert_same_as_cold("one document edited, the others untouched")
    # the cached build hashed only the edited file; the cold build hashed every document
    documents = len(list(content.rglob("*.md"))) - len(list(content.rglob("index.md")))
    assert len(hashed) == 1 + documents


def test_a_document_edited_twice_in_a_moment_is_read_again(rebuilder: Rebuilder) -> None:
    """Files changed just before a build are never trusted by their size and time alone."""
    budget = rebuilder.root / "content/phuong-a/du-toan-2026.md"
    edit(budget, "Nguyễn Văn Ký", "Nguyễn Văn Kí")
    assert rebuilder.build().exit_code == 0
    edit(budget, "Nguyễn Văn Kí", "Nguyễn Văn Ký")  # the same size again, other bytes
    rebuilder.assert_same_as_cold("edited twice within a moment")
    assert "Nguyễn Văn Ký" in (rebuilder.root / "site" / BUDGET).read_text(encoding="utf-8")


def test_a_build_that_fails_drops_no_search_record_a_kept_page_needs(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build fails after rendering an edited document; the edit is undone; the next build
    keeps the page from the last good site, and the search still indexes that page's own
    record (not the failed build's, nor none)."""
    import portal_gen.mkdocs_plugin as adapter
    import portal_gen.plugins.search.records as records

    monkeypatch.setattr(records, "MAX_FILES", 0)  # compact whenever there is anything to drop
    budget = rebuilder.root / "content/phuong-a/du-toan-2026.md"
    original = budget.read_text(encoding="utf-8")
    edit(budget, "title: ", "title: (Sửa) ")  # in the search record
    real_write_extras = adapter.write_extras

    def failing(*args: object, **kwargs: object) -> object:
        raise OSError("đĩa đầy")

    monkeypatch.setattr(adapter, "write_extras", failing)
    with pytest.raises(OSError, match="đĩa đầy"):
        rebuilder.build()
    monkeypatch.setattr(adapter, "write_extras", real_write_extras)
    budget.write_text(original, encoding="utf-8")
    rebuilder.assert_same_as_cold("edit undone after a failed build", kept=(BUDGET,))


def test_an_edit_past_a_record_s_words_keeps_the_search_index(rebuilder: Rebuilder) -> None:
    """The search record holds a document's first ``search: {words}`` words: an edit after
    them changes the page, not the index (not made again); the site is still the cold one."""
    config = rebuilder.root / "mkdocs.yml"
    edit(config, "      severity:", "      search: {words: 5}\n      severity:")
    assert rebuilder.build().exit_code == 0
    index = sorted(p for p in (rebuilder.root / "site/chi-muc").rglob("*") if p.is_file())
    assert len(index) > 5
    before = [path.stat().st_ino for path in index]
    budget = rebuilder.root / "content/phuong-a/du-toan-2026.md"
    budget.write_text(
        budget.read_text(encoding="utf-8") + "\nCâu thêm ở cuối văn bản.\n", encoding="utf-8"
    )
    rebuilder.assert_same_as_cold("edit past the record's words")
    assert [path.stat().st_ino for path in index] == before


class _Indexings:
    """Counts the indexing runs of a build, and tells whether the first began while the
    portal was still to be checked and planned (the checks wait a moment for it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import portal_gen.mkdocs_plugin as adapter
        import portal_gen.plugins.search as search

        self.runs = 0
        self.before_checking = self.before_planning = False
        started = threading.Event()
        real_index, real_check, real_plan = search._index, adapter.check_loaded, adapter.plan_site

        def index(*args: Any) -> bool:
            self.runs += 1
            started.set()
            return real_index(*args)

        def check_loaded(*args: Any) -> Any:
            self.before_checking = started.wait(timeout=10)
            return real_check(*args)

        def plan_site(*args: Any) -> Any:
            self.before_planning = started.wait(timeout=10)
            return real_plan(*args)

        monkeypatch.setattr(search, "_index", index)
        monkeypatch.setattr(adapter, "check_loaded", check_loaded)
        monkeypatch.setattr(adapter, "plan_site", plan_site)


def test_a_rebuild_makes_the_index_while_it_checks_and_plans(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild waits for the search index: the edited document's record is made from its
    Markdown as soon as the portal is read, and the index made while the portal is
    checked and planned and the pages rendered; the rendered page gives the same record,
    so once is enough."""
    indexings = _Indexings(monkeypatch)
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "title: ", "title: (Sửa) ")
    assert rebuilder.build().exit_code == 0
    assert indexings.before_checking
    assert indexings.before_planning
    assert indexings.runs == 1
    rebuilder.assert_same_as_cold("title edit")  # (nothing left to rebuild, then cold)


#: stands in for index.py: begins its output, says where, then takes its time
_SLOW_INDEX = """
import json, os, pathlib, sys, time
job = json.load(sys.stdin)
pathlib.Path(job["output"], "tu").mkdir(parents=True)
where = {"pid": os.getpid(), "output": job["output"]}
said = pathlib.Path(__file__).with_suffix(".json")
said.with_suffix(".part").write_text(json.dumps(where))
os.replace(said.with_suffix(".part"), said)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_rebuild_whose_checks_fail_ends_the_index_it_started(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The index is being made when the checks find an error (the common mistake): the
    build fails at once, not once the index is done; the indexing is ended, its output
    removed, and the site is the previous one."""
    import portal_gen.mkdocs_plugin as adapter
    import portal_gen.plugins.search as search

    program = tmp_path / "slow_index.py"
    program.write_text(_SLOW_INDEX, encoding="utf-8")
    said = program.with_suffix(".json")
    monkeypatch.setattr(search, "INDEX_PROGRAM", str(program))
    real_check = adapter.check_loaded
    seen: dict[str, bool] = {}

    def check_loaded(*args: Any) -> Any:  # the checks find the error once indexing runs
        deadline = time.monotonic() + 30
        while not said.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        seen["indexing"] = said.exists()
        return real_check(*args)

    monkeypatch.setattr(adapter, "check_loaded", check_loaded)
    site = rebuilder.root / "site"
    before = tree_bytes(site)
    budget = rebuilder.root / "content/phuong-a/du-toan-2026.md"
    edit(budget, "title: ", "title: (Sửa) ")
    edit(budget, "category: ngan-sach-du-toan", "category: ngan-sach-du-toan-sai")
    try:
        result = rebuilder.build()
        assert seen["indexing"], "the index is begun before the checks"
        where = json.loads(said.read_text(encoding="utf-8"))
        assert result.exit_code != 0
        assert "ngan-sach-du-toan-sai" in result.output
        assert not _alive(where["pid"]), "the build ended the indexing, not waited for it"
        assert not Path(where["output"]).exists()
        assert tree_bytes(site) == before
    finally:
        if said.exists():
            pid = json.loads(said.read_text(encoding="utf-8"))["pid"]
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_an_index_made_early_from_another_record_is_made_again(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the early record differ from the rendered page's (another MkDocs plugin
    changing pages, say), the index is made again from the page's: the site is still
    the cold one."""
    import portal_gen.mkdocs_plugin as adapter

    real_renderer = adapter._body_renderer

    def renderer(*args: Any) -> Any:
        render = real_renderer(*args)
        return lambda document: render(document) + "<p>Đoạn không có trên trang.</p>"

    monkeypatch.setattr(adapter, "_body_renderer", renderer)
    indexings = _Indexings(monkeypatch)
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "title: ", "title: (Sửa) ")
    assert rebuilder.build().exit_code == 0
    assert indexings.runs == 2
    rebuilder.assert_same_as_cold("title edit, another early record")


def test_the_portal_s_open_data_takes_the_records_of_kept_units_from_their_files(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One edit: only its unit's records are made again; the portal-wide files get the
    other units' from their files, kept, and still equal a cold build's."""
    from portal_gen.plugins import open_data

    made: list[str] = []
    real_record = open_data.document_record

    def counted(doc: Any, *args: Any) -> Any:
        made.append(doc.unit_id)
        return real_record(doc, *args)

    monkeypatch.setattr(open_data, "document_record", counted)
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "title: ", "title: (Sửa) ")
    assert rebuilder.build().exit_code == 0
    assert made and set(made) == {"phuong-a"}
    monkeypatch.undo()
    rebuilder.assert_same_as_cold("title edit")


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]], ids=["one process", "jobs"])
def test_a_build_waits_for_another_build_of_the_same_site(
    rebuilder: Rebuilder, jobs: list[str]
) -> None:
    """It says so, and builds once the other is done; ``--jobs``, which swaps a whole
    site in, too: else it could swap it in while a rebuild updates the site in place."""
    from portal_gen.staging import SiteLock

    lock = SiteLock(next((rebuilder.root / ".cache/portal-gen").glob("site-*/build.lock")))
    lock.acquire()
    try:
        build = subprocess.Popen(
            [sys.executable, "-m", "portal_gen.cli", "build", "--now", NOW, "-d", "site", *jobs],
            cwd=rebuilder.root,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert build.stderr is not None
        said = build.stderr.readline()  # blocks until the build says something
        assert said.startswith("Đang chờ một lần build khác vào"), said
        assert build.poll() is None
    finally:
        lock.release()
    assert build.wait(timeout=120) == 0


def test_a_site_that_cannot_be_updated_says_where_and_what_to_do(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of the site the build may not replace (a web server's, say): the message
    names it and the fix, nothing of the build is left beside the site, and the next
    build, once it can, gives the cold site."""
    import portal_gen.mkdocs_plugin as adapter

    page = rebuilder.root / "site" / BUDGET
    real_update = adapter.update_in_place

    def refused(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied", str(page))

    monkeypatch.setattr(adapter, "update_in_place", refused)
    edit(rebuilder.root / "content/phuong-a/du-toan-2026.md", "title: ", "title: (Sửa) ")
    result = rebuilder.build()
    assert result.exit_code == 1
    assert f"Không đặt được trang web mới vào `{rebuilder.root / 'site'}`" in result.output
    assert str(page) in result.output
    assert "Kiểm tra quyền ghi vào thư mục đó" in result.output
    assert not list(rebuilder.root.glob(".site-building-*"))
    monkeypatch.setattr(adapter, "update_in_place", real_update)
    rebuilder.assert_same_as_cold("after the site could be updated again")

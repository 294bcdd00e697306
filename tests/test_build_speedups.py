"""The shortcuts that make a rebuild fast must not change what they stand for."""

from __future__ import annotations

import gc
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from portal_gen.incremental import page_key
from portal_gen.model import Attachment, CommentPeriod, Document, Kind, Period
from portal_gen.staging import (
    REMOVAL_SECONDS,
    SiteLock,
    _uninterrupted,
    clear_leftovers,
    link_tree,
    remove_in_background,
    update_in_place,
)
from portal_gen.vntime import is_working_day, parse_moment, vn_date
from tests.conftest import NOW, write_files


def document(**changes: object) -> Document:
    values: dict[str, object] = {
        "src_uri": "phuong-a/2024/du-thao.md",
        "path": "content/phuong-a/2024/du-thao.md",
        "unit_id": "phuong-a",
        "title": "Dự thảo quy ước",
        "kind": Kind.DRAFT,
        "published": parse_moment("2024-09-19 08:00"),
        "categories": ("yk-huong-uoc",),
        "period": Period(2024, "quarter", 3),
        "attachments": (Attachment("du-thao.pdf", "phuong-a/2024/du-thao.pdf", 1024, 9),),
        "comment": CommentPeriod(
            opens=parse_moment("2024-09-19"),
            closes=parse_moment("2024-10-10", end_of_day=True),
        ),
        "links": frozenset({"phuong-a/2024/du-thao.pdf"}),
        "digest": "abc",
    }
    values.update(changes)
    return Document(**values)  # type: ignore[arg-type]


def test_cached_documents_come_back_equal() -> None:
    doc = document()
    again = pickle.loads(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
    assert again == doc
    assert again.comment == doc.comment and again.attachments == doc.attachments
    assert again.date == date(2024, 9, 19)


def test_page_keys_depend_on_values_not_on_which_objects_are_shared() -> None:
    row = {"title": "Dự thảo", "date": date(2024, 9, 19), "kind": Kind.DRAFT}
    shared = {"rows": [row, row]}
    copies = {"rows": [dict(row), dict(row)]}
    assert page_key("build", shared) == page_key("build", copies)
    changed = {"rows": [row, dict(row, title="Dự thảo (sửa)")]}
    assert page_key("build", changed) != page_key("build", shared)
    assert page_key("build", {"n": 1}) != page_key("build", {"n": 1.0})
    assert page_key("build", "a", "bc") != page_key("build", "ab", "c")


def test_a_value_pickle_cannot_take_still_gets_a_key() -> None:
    class Opaque:
        def __reduce__(self) -> object:
            raise TypeError("no")

        def __repr__(self) -> str:
            return "Opaque()"

    assert page_key("build", {"x": Opaque()}) == page_key("build", {"x": Opaque()})
    assert page_key("build", {"x": Opaque()}) != page_key("build", {"x": "Opaque()", "y": 1})


def test_cached_calendar_answers_are_the_calendar_s() -> None:
    assert not is_working_day(date(2024, 9, 2))  # Quốc khánh
    assert is_working_day(date(2024, 9, 4))
    assert not is_working_day(date(2024, 9, 7))  # a Saturday
    late_evening_utc = parse_moment("2024-09-19T20:00:00+00:00").at
    assert vn_date(late_evening_utc) == date(2024, 9, 20)


def test_a_replaced_site_being_removed_is_left_to_its_removal(tmp_path: Path) -> None:
    final = tmp_path / "site"
    recent = tmp_path / ".site-old-recent"
    stale = tmp_path / ".site-old-stale"
    for folder in (recent, stale):
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("cũ", encoding="utf-8")
    hours_ago = time.time() - REMOVAL_SECONDS - 60
    os.utime(stale, (hours_ago, hours_ago))
    clear_leftovers(final)
    assert recent.is_dir()
    assert not stale.exists()


def test_a_linked_tree_has_every_file_with_its_bytes(tmp_path: Path) -> None:
    source = tmp_path / "index"
    (source / "fragment" / "a").mkdir(parents=True)
    (source / "index.json.gz").write_text("js", encoding="utf-8")
    (source / "fragment" / "a" / "1.json.gz").write_bytes(b"\x00\x01")
    target = tmp_path / "site" / "chi-muc" / "000"
    link_tree(source, target)
    found = {
        path.relative_to(target).as_posix(): path.read_bytes()
        for path in target.rglob("*")
        if path.is_file()
    }
    assert found == {"index.json.gz": b"js", "fragment/a/1.json.gz": b"\x00\x01"}
    assert (target / "index.json.gz").stat().st_ino == (source / "index.json.gz").stat().st_ino


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def test_an_update_in_place_gives_the_new_site_around_the_kept_files(tmp_path: Path) -> None:
    """What the build wrote moves in, what it kept stays (the same file), the rest goes,
    whatever stood where: a file where a folder now goes, a folder where a file goes."""
    final, staging = tmp_path / "site", tmp_path / ".site-building-1"
    write_files(
        final,
        {
            "index.html": "trang chủ cũ",
            "kept.html": "giữ",
            "gone.html": "bỏ",
            "a/index.html": "a cũ",
            "a/kept.png": "ảnh giữ",
            "a/b/gone.html": "bỏ",
            "old/index.html": "thư mục bỏ",
            "chi-muc/000-old/fragment/f1": "phân đoạn cũ",
            "chi-muc/001-kept/fragment/f2": "phân đoạn giữ",
            "chi-muc/index.json.gz": "cũ",
            "file-then-folder": "tệp",
            "folder-then-file/index.html": "thư mục",
        },
    )
    write_files(
        staging,
        {
            "index.html": "trang chủ mới",
            "a/index.html": "a mới",
            "new/index.html": "mới",
            "chi-muc/002-new/fragment/f3": "phân đoạn mới",
            "chi-muc/index.json.gz": "mới",
            "file-then-folder/index.html": "giờ là thư mục",
            "folder-then-file": "giờ là tệp",
        },
    )
    site_inode = final.stat().st_ino
    kept_inodes = {rel: (final / rel).stat().st_ino for rel in ("kept.html", "a/kept.png")}
    shard_inode = (final / "chi-muc/001-kept/fragment/f2").stat().st_ino
    new_shard_inode = (staging / "chi-muc/002-new").stat().st_ino

    update_in_place(
        staging, final, kept=["kept.html", "a/kept.png"], kept_trees=["chi-muc/001-kept"]
    )

    assert _files(final) == {
        "index.html": "trang chủ mới".encode(),
        "kept.html": "giữ".encode(),
        "a/index.html": "a mới".encode(),
        "a/kept.png": "ảnh giữ".encode(),
        "new/index.html": "mới".encode(),
        "chi-muc/001-kept/fragment/f2": "phân đoạn giữ".encode(),
        "chi-muc/002-new/fragment/f3": "phân đoạn mới".encode(),
        "chi-muc/index.json.gz": "mới".encode(),
        "file-then-folder/index.html": "giờ là thư mục".encode(),
        "folder-then-file": "giờ là tệp".encode(),
    }
    assert _folders(final) == {
        "a",
        "new",
        "chi-muc",
        "chi-muc/001-kept",
        "chi-muc/001-kept/fragment",
        "chi-muc/002-new",
        "chi-muc/002-new/fragment",
        "file-then-folder",
    }
    assert final.stat().st_ino == site_inode  # the same folder, updated
    assert {rel: (final / rel).stat().st_ino for rel in kept_inodes} == kept_inodes
    assert (final / "chi-muc/001-kept/fragment/f2").stat().st_ino == shard_inode
    assert (final / "chi-muc/002-new").stat().st_ino == new_shard_inode  # moved whole
    assert not staging.exists()
    # the old folders wait for their removal in the background beside the site
    assert {p.name for p in tmp_path.iterdir() if p.name != "site"} <= {
        p.name for p in tmp_path.glob(".site-old-*")
    }


def test_an_update_in_place_ends_before_ctrl_c_takes_effect() -> None:
    """Also when another thread runs (a build's indexing pool): a signal sent to the
    process may reach any thread."""
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    finished = False
    try:
        with pytest.raises(KeyboardInterrupt), _uninterrupted():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # a signal not held back would interrupt this
            finished = True
    finally:
        done.set()
        other.join()
    assert finished


def test_a_second_build_of_a_site_waits_for_the_first(tmp_path: Path) -> None:
    """Two builds moving their files into one site at once would mix them: the second
    says it waits, and goes on once the first is done."""
    first, second = SiteLock(tmp_path / "build.lock"), SiteLock(tmp_path / "build.lock")
    first.acquire()
    waiting, holding = threading.Event(), threading.Event()

    def build() -> None:
        second.acquire(waiting.set)
        holding.set()

    other = threading.Thread(target=build)
    other.start()
    try:
        assert waiting.wait(5)
        assert not holding.wait(0.2)
    finally:
        first.release()
    assert holding.wait(5)
    other.join()
    second.release()
    first.acquire(lambda: pytest.fail("nobody holds it any more"))
    first.release()


def test_a_build_keeps_compiled_templates_and_lets_go_of_the_portal(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    """Jinja's compiled templates go to the cache; the objects held out of the garbage
    collector during the build are let go at its end (`mkdocs serve` builds again and
    again in one process)."""
    root = copy_site("tiny")
    result = cli("build", "--now", NOW, cwd=root)
    assert result.exit_code == 0, result.output
    assert any((root / ".cache" / "portal-gen" / "templates").iterdir())
    assert gc.get_freeze_count() == 0


def test_a_folder_removed_in_the_background_goes(tmp_path: Path) -> None:
    folder = tmp_path / "portal-search-x"
    (folder / "records").mkdir(parents=True)
    (folder / "records" / "00000.html").write_text("<h1>một</h1>", encoding="utf-8")
    remove_in_background(folder)
    for _ in range(200):  # the detached `rm` usually ends within milliseconds
        if not folder.exists():
            break
        time.sleep(0.05)
    assert not folder.exists()


def test_the_search_index_is_waited_for_after_every_other_file() -> None:
    # the search index is made in the background: the other plugins write their files meanwhile
    from portal_gen.config import PortalConfig
    from portal_gen.plugin_manager import get_plugin_manager

    pm = get_plugin_manager(PortalConfig(Path(), Path("content")), entry_points=False)
    called = [impl.plugin_name for impl in reversed(pm.hook.portal_write_files.get_hookimpls())]
    assert called[-1] == "search" and len(called) > 3, called


def test_rendered_bodies_wait_for_their_templates_as_utf8(
    copy_site: Callable[[str], Path], cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between MkDocs' two passes every page's body is held: as UTF-8 bytes (40 % smaller
    for Vietnamese text), read back as the same text by the templates."""
    from mkdocs.structure.pages import Page

    import portal_gen.mkdocs_plugin as adapter

    held: list[tuple[object, str | None]] = []
    real_on_env = adapter.PortalPlugin.on_env

    def on_env(self: adapter.PortalPlugin, env: object, *, config: object, files: object) -> object:
        for file in files.documentation_pages():  # type: ignore[attr-defined]
            page = file.page
            if isinstance(page, Page) and page.content is not None:
                held.append((page.__dict__.get("_utf8_content"), page.content))
        return real_on_env(self, env, config=config, files=files)  # type: ignore[arg-type]

    monkeypatch.setattr(adapter.PortalPlugin, "on_env", on_env)
    root = copy_site("tiny")
    result = cli("build", "--now", NOW, cwd=root)
    assert result.exit_code == 0, result.output
    assert held
    for utf8, text in held:
        assert isinstance(utf8, bytes) and isinstance(text, str)
        assert utf8.decode() == text
    assert any("<p>" in text and not text.isascii() for _, text in held if text)


def test_a_held_body_reads_back_as_it_was_given() -> None:
    """Whatever a plugin returns as a page's body comes back the same, lone surrogates
    included (MkDocs writes them as character references)."""
    from portal_gen.mkdocs_plugin import _CompactPage

    page = object.__new__(_CompactPage)
    for body in ("Lấy ý kiến <b>nhân dân</b>", "lẻ \ud800 một nửa", "", None):
        page.content = body
        assert page.content == body

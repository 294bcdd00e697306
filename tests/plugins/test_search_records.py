"""The search records store: appended lines, the newest of a document's current bytes wins,
compaction keeps only what the next build needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal_gen.plugins.search import records
from portal_gen.plugins.search.records import RecordStore, RecordWriter


def write(folder: Path, *records: tuple[str, str, str]) -> None:
    writer = RecordWriter(folder)
    for src_uri, digest, record in records:
        writer.add(src_uri, digest, record)
    writer.close()


def test_records_are_read_back_one_by_one(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    tricky = 'Tiêu đề có\ttab,\nxuống dòng và "ngoặc"'
    write(folder, ("a/1.md", "d1", "<h1>một</h1>"), ("b/2.md", "d2", tricky))
    store = RecordStore(folder)
    assert store.get("a/1.md", "d1") == "<h1>một</h1>"
    assert store.get("b/2.md", "d2") == tricky
    assert store.get("a/1.md", "other bytes") is None
    assert store.get("c/3.md", "d3") is None
    assert len(list(folder.iterdir())) == 1, "one file for all the records of a process"


def test_the_newest_line_of_the_current_bytes_wins(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "cũ"))
    write(folder, ("a/1.md", "d1", "mới"), ("a/1.md", "d2", "bản khác"))
    store = RecordStore(folder)
    assert store.get("a/1.md", "d1") == "mới"
    # a build that failed after rendering other bytes does not hide the kept page's record
    assert store.get("a/1.md", "d2") == "bản khác"
    assert store.newest() == [("a/1.md", "d2")]  # one line a document: its newest


def test_a_line_cut_short_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "đủ"), ("a/2.md", "d2", "bị cắt"))
    (path,) = folder.iterdir()
    data = path.read_bytes()
    path.write_bytes(data[:-5])  # a worker killed while writing its last line
    store = RecordStore(folder)
    assert store.get("a/1.md", "d1") == "đủ"
    assert store.get("a/2.md", "d2") is None


def test_compaction_keeps_the_wanted_records_in_one_file(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "một"), ("gone.md", "d0", "đã xóa"))
    write(folder, ("a/1.md", "d1", "một, sửa"), ("a/2.md", "d2", "hai"))
    store = RecordStore(folder)
    store.compact([("a/1.md", "d1"), ("a/2.md", "d2"), ("never-rendered.md", "d9")])
    assert len(list(folder.iterdir())) == 1
    again = RecordStore(folder)
    assert again.get("a/1.md", "d1") == "một, sửa"
    assert again.get("a/2.md", "d2") == "hai"
    assert again.get("gone.md", "d0") is None
    before = next(folder.iterdir()).stat()
    again.compact([("a/1.md", "d1"), ("a/2.md", "d2")])
    after = next(folder.iterdir()).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns), (
        "a folder holding exactly what is wanted is not rewritten"
    )


def test_no_folder_no_records(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "missing")
    assert store.get("a.md", "d") is None
    store.compact([("a.md", "d")])
    assert not (tmp_path / "missing").exists()


def test_a_rebuild_after_one_edit_does_not_rewrite_every_record(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    write(folder, *((f"a/{n}.md", "d", f"bản {n}") for n in range(8)))
    write(folder, ("a/0.md", "d-edited", "bản 0, sửa"))  # the next build: one document edited
    store = RecordStore(folder)
    wanted = [("a/0.md", "d-edited")] + [(f"a/{n}.md", "d") for n in range(1, 8)]
    store.compact(wanted)
    assert len(list(folder.iterdir())) == 2, "one stale line of nine: left as it is"
    assert store.get("a/0.md", "d-edited") == "bản 0, sửa"
    for n in range(1, 8):  # the others edited too: 8 stale lines of 16, compacted
        write(folder, (f"a/{n}.md", "d-edited", f"bản {n}, sửa"))
    store = RecordStore(folder)
    wanted = [("a/0.md", "d-edited")] + [(f"a/{n}.md", "d-edited") for n in range(1, 8)]
    store.compact(wanted)
    store.close()
    assert len(list(folder.iterdir())) == 1
    assert RecordStore(folder).get("a/7.md", "d-edited") == "bản 7, sửa"


def test_without_a_line_of_its_bytes_a_document_gets_its_newest(tmp_path: Path) -> None:
    """Stale rather than missing from the search: a page kept from an earlier site whose
    line was dropped (a build that failed after compacting) still has a record."""
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "cũ"))
    write(folder, ("a/1.md", "d2", "mới"))
    store = RecordStore(folder)
    assert store.find("a/1.md", "d1") == ("a/1.md", "d1")
    assert store.find("a/1.md", "d3") == ("a/1.md", "d2")
    assert store.find("b/2.md", "d1") is None


def test_a_record_s_fingerprint_is_of_the_record_alone(tmp_path: Path) -> None:
    """A document edited past the words its record holds has new bytes, the same record:
    its shard keeps its name, and is not indexed again."""
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "<h1>một</h1>"), ("a/1.md", "d2", "<h1>một</h1>"))
    write(folder, ("a/1.md", "d3", "<h1>một (sửa)</h1>"))
    store = RecordStore(folder)
    first, second = store.fingerprint("a/1.md", "d1"), store.fingerprint("a/1.md", "d2")
    assert first is not None and first == second
    assert store.fingerprint("a/1.md", "d3") != first
    assert store.fingerprint("a/1.md", "unknown") is None


# -- a shard's pages, written and indexed by a process of its own -------------------------

_LIST_PAGES = (
    "import json, pathlib, sys; folder = pathlib.Path(sys.argv[1]); "
    "pages = {p.name: p.read_text(encoding='utf-8') for p in sorted(folder.iterdir())}; "
    "pathlib.Path(sys.argv[2]).write_text(json.dumps(pages), encoding='utf-8'); "
    "sys.exit(int(sys.argv[3]))"
)


def _job(tmp_path: Path, places: list[Path], exit_code: int = 0) -> dict[str, object]:
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "<h1>một</h1>"), ("b/2.md", "d2", "<h1>hai\ttab</h1>"))
    write(folder, ("c/3.md", "d3", "<h1>ba</h1>"))  # another file: lines of two files
    store = RecordStore(folder)
    keys = [("c/3.md", "d3"), ("a/1.md", "d1"), ("b/2.md", "d2")]  # the shard's order
    command = [sys.executable, "-c", _LIST_PAGES, "{pages}", str(tmp_path / "seen.json")]
    return {
        "records": [store.location(*key) for key in keys],
        "pages": [str(place) for place in places],
        "command": [*command, str(exit_code)],
    }


def test_a_job_writes_the_pages_in_order_runs_the_indexer_and_removes_them(
    tmp_path: Path,
) -> None:
    place = tmp_path / "pages"
    place.mkdir()
    job = _job(tmp_path, [place])
    # run as the search plugin runs it: a program, the job on stdin
    done = subprocess.run(
        [sys.executable, "-I", str(Path(records.__file__))],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads((tmp_path / "seen.json").read_text(encoding="utf-8"))
    assert seen == {
        "00000.html": "<h1>ba</h1>",
        "00001.html": "<h1>một</h1>",
        "00002.html": "<h1>hai\ttab</h1>",
    }
    assert list(place.iterdir()) == [], "the pages are removed once indexed"


def test_a_job_tries_the_next_place_and_passes_the_indexer_s_failure_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disk = tmp_path / "scratch"
    disk.mkdir()
    job = _job(tmp_path, [tmp_path / "no-such-folder", disk], exit_code=3)
    assert records.run_job(job) == 3
    assert len(json.loads((tmp_path / "seen.json").read_text(encoding="utf-8"))) == 3
    assert "no-such-folder" in capsys.readouterr().err
    assert list(disk.iterdir()) == []


def test_pages_go_to_memory_only_when_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory, disk = tmp_path / "shm", tmp_path / "disk"
    memory.mkdir()
    monkeypatch.setattr(records, "MEMORY_FOLDER", str(memory))
    free = os.statvfs(memory).f_bavail * os.statvfs(memory).f_frsize
    assert records.pages_folder([("f", 0, 3000)] * 10, disk) == memory
    assert records.pages_folder([("f", 0, free)], disk) == disk
    monkeypatch.setattr(records, "MEMORY_FOLDER", str(tmp_path / "none"))
    assert records.pages_folder([("f", 0, 3000)], disk) == disk
    monkeypatch.setattr(records, "MEMORY_FOLDER", str(memory))
    monkeypatch.delattr(os, "statvfs")  # Windows
    assert records.pages_folder([("f", 0, 3000)], disk) == disk


def test_an_index_that_cannot_be_made_is_said_with_its_fix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from portal_gen.plugins.search import _index

    gone = (str(tmp_path / "records-gone.jsonl"), 0, 10)  # a record file removed meanwhile
    with caplog.at_level("WARNING"):
        assert _index([gone], tmp_path / "out", tmp_path) is False
    (message,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "Không tạo được chỉ mục tìm kiếm" in message
    assert "records-gone.jsonl" in message, "the cause, as the indexing process said it"
    assert "chạy lại lệnh build" in message
    assert not (tmp_path / "out").exists()


def test_a_store_reads_the_lines_other_processes_add_later(tmp_path: Path) -> None:
    """build --jobs indexes the first shards while workers still write records: the store
    reads what was added since, and a line being written only once it is whole."""
    folder = tmp_path / "search"
    write(folder, ("a/1.md", "d1", "một"))
    store = RecordStore(folder)
    write(folder, ("b/2.md", "d2", "hai"))
    newest = max(folder.iterdir())
    whole = newest.read_bytes()
    with newest.open("ab") as stream:  # a worker halfway through its next line
        stream.write(b'["c/3.md", "d3"]\t"b')
    assert store.get("b/2.md", "d2") is None
    store.refresh()
    assert store.get("b/2.md", "d2") == "hai"
    assert store.find("c/3.md", "d3") is None
    with newest.open("ab") as stream:
        stream.write(b'a"\n')
    store.refresh()
    assert store.get("c/3.md", "d3") == "ba"
    assert store.get("a/1.md", "d1") == "một"
    assert newest.read_bytes().startswith(whole)

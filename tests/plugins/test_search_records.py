"""The search records store: appended lines, the newest of a document's current bytes wins,
compaction keeps only what the next build needs."""

from __future__ import annotations

from pathlib import Path

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


def test_a_store_reads_the_lines_other_processes_add_later(tmp_path: Path) -> None:
    """A rebuild starts the index while the pages still write records: the store reads
    what was added since, and a line being written only once it is whole."""
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

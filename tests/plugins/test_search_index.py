"""The search index split by word (plugins/search/index.py), read back as the search page
reads it: the table, the word files, the excerpts and the units' ranges."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_gen.plugins.search import _index, _Runs
from portal_gen.plugins.search import index as word_index
from portal_gen.plugins.search.records import RecordStore, RecordWriter

Files = dict[str, bytes]


def record(title: str, text: str = "", **fields: str) -> dict[str, str]:
    return {"url": f"{title[:8]}/", "title": title, "unit": "", "date": "", "text": text, **fields}


def build(
    records: list[dict[str, str]],
    units: list[tuple[str, str, int]] | None = None,
    version: str = "v1",
) -> Files:
    """The files of a cold build, as the index program writes them for the same job."""
    units = units if units is not None else [("xa", "Xã", len(records))]
    return dict(word_index.build(records, units, version))


def load(data: bytes) -> Any:
    return json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)


def postings(files: Files) -> dict[str, dict[str, dict[int, int]]]:
    """Folded word → written form → document → weight, decoded as search.js decodes them."""
    table = load(files["index.json.gz"])
    found: dict[str, dict[str, dict[int, int]]] = {}
    for number in range(len(table["words"])):
        for key, forms in load(files[f"tu/{number}.json.gz"]).items():
            for form, deltas, weights in forms:
                documents, doc = {}, 0
                for delta, weight in zip(deltas, weights, strict=True):
                    doc += delta
                    documents[doc] = weight
                found.setdefault(key, {})[form] = documents
    return found


def test_words_are_folded_as_readers_type_them() -> None:
    assert word_index.fold("đất") == "dat" and word_index.fold("đảng") == "dang"
    assert word_index.fold("nghiêng") == "nghieng" and word_index.fold("ưu") == "uu"
    decomposed = unicodedata.normalize("NFD", "Quyết định SỐ 12/QĐ-UBND về đất_đai")
    assert word_index.words(decomposed) == [
        "quyết", "định", "số", "12", "qđ", "ubnd", "về", "đất", "đai",
    ]  # fmt: skip


def test_a_document_is_found_under_each_folded_word_in_its_written_forms() -> None:
    files = build([record("Thông báo bán đấu giá", "Bàn giao"), record("Biên bản bàn giao")])
    found = postings(files)
    assert set(found["ban"]) == {"bán", "bàn", "bản"}
    assert found["ban"]["bàn"].keys() == {0, 1} and found["ban"]["bán"].keys() == {0}
    assert found["dau"] == {"đấu": found["dau"]["đấu"]} and found["giao"]["giao"].keys() == {0, 1}


def test_a_word_of_the_title_weighs_more_than_one_of_the_text() -> None:
    files = build([record("Đất đai", "quy hoạch"), record("Quy hoạch", "đất đai")])
    found = postings(files)
    assert found["dat"]["đất"][0] > found["dat"]["đất"][1]
    assert found["quy"]["quy"][1] > found["quy"]["quy"][0]
    assert all(
        1 <= w <= 255 for forms in found.values() for d in forms.values() for w in d.values()
    )


_text = st.lists(
    st.sampled_from(["đất", "đai", "Đất", "dat", "ngân", "sách", "12", "QĐ", "bản", "bán", "x"]),
    max_size=12,
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, _text), min_size=1, max_size=6))
def test_the_index_holds_exactly_each_document_s_words(texts: list[tuple[str, str]]) -> None:
    records = [record(title or "t", text) for title, text in texts]
    found = postings(build(records))
    expected: dict[str, dict[str, set[int]]] = {}
    for number, rec in enumerate(records):
        for field, _ in word_index.FIELDS:
            for form in word_index.words(rec.get(field, "")):
                expected.setdefault(word_index.fold(form), {}).setdefault(form, set()).add(number)
    assert {k: {f: set(d) for f, d in forms.items()} for k, forms in found.items()} == expected


def test_word_files_hold_ranges_of_words_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_index, "TARGET", 200)  # many small files
    records = [record(f"văn bản số {n}", f"nội dung {n * 7} đất {n % 3}") for n in range(40)]
    files = build(records)
    firsts = load(files["index.json.gz"])["words"]
    assert len(firsts) > 3 and firsts == sorted(firsts)
    for number, first in enumerate(firsts):
        keys = list(load(files[f"tu/{number}.json.gz"]))
        assert keys == sorted(keys) and keys[0] == first
        if number + 1 < len(firsts):
            assert keys[-1] < firsts[number + 1]  # the file the search page picks for a word


def test_excerpts_and_units_ranges() -> None:
    records = [record("Một", "văn bản một", unit="Xã A", date="01/03/2026"), record("Hai")]
    records.append(record("Ba"))
    files = build(records, [("xa-a", "Xã A", 1), ("xa-b", "Xã B", 2)])
    assert load(files["vb/0.json.gz"]) == {
        "url": "Một/", "title": "Một", "unit": "Xã A", "date": "01/03/2026", "text": "văn bản một",
    }  # fmt: skip
    assert load(files["don-vi/xa-a.json"]) == {"name": "Xã A", "first": 0, "end": 1}
    assert load(files["don-vi/xa-b.json"]) == {"name": "Xã B", "first": 1, "end": 3}
    table = load(files["index.json.gz"])
    assert table["version"] == "v1" and table["documents"] == 3
    assert list(files)[-1] == "index.json.gz"  # written last: never a table without its files


def test_words_are_in_the_order_the_search_page_compares_them() -> None:
    """JavaScript compares strings by UTF-16 code units: "𝐀" (U+1D400, a surrogate pair
    starting D835) sorts before "ｚ" (U+FF5A) there, after it in Python."""
    firsts = [key for key, _ in build_index([record("ｚ 𝐀 a")]).words()]
    assert firsts == ["a", "𝐀".lower(), "ｚ"]


def build_index(records: list[dict[str, str]]) -> word_index.Index:
    index = word_index.Index()
    for rec in records:
        index.add(rec)
    return index


def test_the_same_records_make_the_same_bytes() -> None:
    records = [record("Đất đai", "quy hoạch sử dụng đất"), record("Ngân sách")]
    assert build(records) == build([dict(r) for r in records])
    assert word_index.version_of([b"a", b"b"]) == word_index.version_of([b"a", b"b"])
    assert word_index.version_of([b"a", b"b"]) != word_index.version_of([b"ab"])


def _store(tmp_path: Path) -> tuple[RecordStore, list[tuple[str, int, int]]]:
    writer = RecordWriter(tmp_path / "records")
    writer.add("b.md", "d2", record("Hai", "đất đai"))
    writer.add("a.md", "d1", record("Một", 'có\ttab và "ngoặc"'))
    writer.close()
    store = RecordStore(tmp_path / "records")
    return store, [store.location("a.md", "d1"), store.location("b.md", "d2")]


def test_the_program_indexes_the_records_where_the_store_keeps_them(tmp_path: Path) -> None:
    store, locations = _store(tmp_path)
    assert store.get("a.md", "d1") == record("Một", 'có\ttab và "ngoặc"')
    output = tmp_path / "out"
    job = {"records": locations, "units": [["x", "X", 2]], "version": "v9", "output": str(output)}
    # run as the search plugin runs it: a program, the job on stdin
    done = subprocess.run(
        [sys.executable, "-I", word_index.__file__],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    records = [record("Một", 'có\ttab và "ngoặc"'), record("Hai", "đất đai")]
    assert written == build(records, [("x", "X", 2)], "v9")
    assert load(written["vb/1.json.gz"])["title"] == "Hai"  # in the order given


def test_an_index_that_cannot_be_made_is_said_with_its_fix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = (str(tmp_path / "records-gone.jsonl"), 0, 10)  # a record file removed meanwhile
    job = {"records": [gone], "units": [], "version": "v", "output": str(tmp_path / "out")}
    with caplog.at_level("WARNING"):
        assert _index(job, _Runs()) is False
    (message,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "Không tạo được chỉ mục tìm kiếm" in message
    assert "records-gone.jsonl" in message, "the cause, as the indexing process said it"
    assert "chạy lại lệnh build" in message


def _job(tmp_path: Path, records: list[dict[str, str]], output: str, **more: object) -> dict:
    """A job on ``records`` written to a record store, as the plugin makes it."""
    writer = RecordWriter(tmp_path / "records")
    for number, rec in enumerate(records):
        writer.add(f"{number}.md", json.dumps(rec, sort_keys=True), rec)
    writer.close()
    store = RecordStore(tmp_path / "records")
    keys = [(f"{n}.md", json.dumps(rec, sort_keys=True)) for n, rec in enumerate(records)]
    return {
        "records": [store.location(*key) for key in keys],
        "fingerprints": [store.fingerprint(*key).hex() for key in keys],  # type: ignore[union-attr]
        "units": [["xa", "Xã", len(records)]],
        "version": f"v-{output}",
        "output": str(tmp_path / output),
        "state": str(tmp_path / "state.pickle"),
        **more,
    }


def _written(folder: Path) -> Files:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


_edits = st.lists(st.tuples(st.integers(0, 7), _text, _text), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None)
@given(_edits, st.booleans())
def test_a_rebuild_redoes_the_edited_documents_and_equals_a_cold_build(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, str, str]], same: bool
) -> None:
    tmp_path = tmp_path_factory.mktemp("rebuild")
    before = [record(f"văn bản {n}", f"đất đai {n} ngân sách") for n in range(8)]
    first = _job(tmp_path, before, "first")
    assert word_index.run_job(first) == 0
    after = [dict(rec) for rec in before]
    for number, title, text in edits:
        after[number] = record(title or "t", text)
    # the previous site's index, or (a build that failed) one the state was not saved with
    previous = str(tmp_path / ("first" if same else "elsewhere"))
    second = _job(tmp_path, after, "second", previous=previous)
    assert word_index.run_job(second) == 0
    assert _written(tmp_path / "second") == build(after, version="v-second")
    first_files = _written(tmp_path / "first")
    unchanged = {n for n in range(8) if after[n] == before[n]}
    linked = {
        n
        for n in range(8)
        if (tmp_path / "second/vb" / f"{n}.json.gz").stat().st_ino
        == (tmp_path / "first/vb" / f"{n}.json.gz").stat().st_ino
    }
    assert linked == (unchanged if same else set())
    assert first_files == _written(tmp_path / "first"), "the previous index is left as it was"


def test_a_state_of_another_number_of_documents_or_damaged_is_not_used(tmp_path: Path) -> None:
    records = [record(f"văn bản {n}", "đất đai") for n in range(4)]
    assert word_index.run_job(_job(tmp_path, records, "first")) == 0
    more = [*records, record("thêm", "ngân sách")]
    assert word_index.run_job(_job(tmp_path, more, "second", previous=str(tmp_path / "first"))) == 0
    assert _written(tmp_path / "second") == build(more, version="v-second")
    (tmp_path / "state.pickle").write_bytes(b"\x80\x05damaged")
    assert word_index.run_job(_job(tmp_path, records, "third")) == 0
    assert _written(tmp_path / "third") == build(records, version="v-third")


def test_an_excerpt_gone_from_the_previous_index_is_written_again(tmp_path: Path) -> None:
    records = [record(f"văn bản {n}", "đất đai") for n in range(4)]
    assert word_index.run_job(_job(tmp_path, records, "first")) == 0
    (tmp_path / "first/vb/2.json.gz").unlink()  # say, a damaged copy of the site
    edited = [*records[:3], record("sửa", "ngân sách")]
    second = _job(tmp_path, edited, "second", previous=str(tmp_path / "first"))
    assert word_index.run_job(second) == 0
    assert _written(tmp_path / "second") == build(edited, version="v-second")

"""plugins/open_data.py: the open-data files of a real build, read with json and csv and
validated against the JSON Schema in the repository; the du-lieu/ page and unit links."""

from __future__ import annotations

import copy
import csv
import io
import json
import posixpath
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from portal_gen.cli import main
from portal_gen.plugins import open_data
from tests.conftest import NOW, SITES, tree_bytes

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "portal_gen/data/open-data.schema.json"
SITE_URL = "https://congkhai.example.vn/"
#: an hour after NOW: no status changes in between
SAME_STATUSES = "2026-11-22T10:00:00+07:00"
#: after the extended deadline (5 Dec 17:00) of the open draft
AFTER_DEADLINE = "2026-12-05T17:00:01+07:00"
DRAFT = SITE_URL + "phuong-a/du-thao-quy-che/"
OLD_DRAFT = SITE_URL + "phuong-a/du-thao-cu/"
RESULT = SITE_URL + "phuong-a/ket-qua-du-thao-cu/"
BUDGET = SITE_URL + "phuong-a/du-toan-2026/"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build a copy of tests/sites/tiny with `portal-gen build --now NOW [OPTIONS]`, once per
    module for each (NOW, OPTIONS): the tests only read the output."""
    root = tmp_path_factory.mktemp("open-data") / "tiny"
    shutil.copytree(SITES / "tiny", root)
    built: dict[tuple[str, ...], Path] = {}

    def run(now: str = NOW, *options: str) -> Path:
        if (now, *options) not in built:
            site = tmp_path_factory.mktemp("site")
            with pytest.MonkeyPatch.context() as env:
                env.chdir(root)
                env.delenv("PORTAL_NOW", raising=False)
                env.delenv("PORTAL_AUDIENCE", raising=False)
                env.setenv("NO_MKDOCS_2_WARNING", "1")
                result = CliRunner().invoke(
                    main, ["build", "--now", now, "-d", str(site), *options], catch_exceptions=False
                )
            assert result.exit_code == 0, result.output
            built[(now, *options)] = site
        return built[(now, *options)]

    return run


@pytest.fixture(scope="module")
def site(build: Callable[..., Path]) -> Path:
    return build()


def load(site: Path, rel: str) -> Any:
    return json.loads((site / rel).read_text(encoding="utf-8"))


def csv_rows(site: Path, rel: str) -> list[dict[str, str]]:
    data = (site / rel).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def by_url(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {doc["url"]: doc for doc in documents}


def local(site: Path, url: str) -> Path:
    """The file of the built site that an absolute URL of the data points at."""
    assert url.startswith(SITE_URL), url
    path = site / url.removeprefix(SITE_URL)
    return path / "index.html" if url.endswith("/") else path


def data_bytes(site: Path) -> dict[str, bytes]:
    """The data files (not the page, whose announcement bar shows the open drafts)."""
    return {rel: data for rel, data in tree_bytes(site / "du-lieu").items() if rel != "index.html"}


def data_files(site: Path) -> Iterator[Path]:
    yield from sorted(p for p in (site / "du-lieu").rglob("*.json") if "schema" not in p.parts)


class TestDocuments:
    def test_envelope(self, site: Path) -> None:
        data = load(site, "du-lieu/van-ban.json")
        assert data["schema"] == SITE_URL + "du-lieu/schema/v1.json"
        assert data["version"] == "1.0"
        # the newest document's publication, not the build clock (NOW is 22 Nov)
        assert data["generated_from"] == "2026-11-10T00:00:00+07:00"

    def test_public_documents_newest_first_with_working_urls(self, site: Path) -> None:
        documents = load(site, "du-lieu/van-ban.json")["documents"]
        assert [d["url"] for d in documents] == [
            DRAFT,
            SITE_URL + "co-quan-b/ke-hoach-cong-tac/",
            BUDGET,
            RESULT,
            OLD_DRAFT,
        ]
        for doc in documents:
            assert local(site, doc["url"]).is_file()

    def test_disclosure_fields(self, site: Path) -> None:
        budget = by_url(load(site, "du-lieu/van-ban.json")["documents"])[BUDGET]
        size = (ROOT / "tests/sites/tiny/content/phuong-a/files/du-toan-2026.csv").stat().st_size
        assert budget == {
            "id": "phuong-a/2026-01-05-cong-khai-du-toan-ngan-sach-phuong-a-nam-2026",
            "url": BUDGET,
            "unit": {"id": "phuong-a", "name": "Ủy ban nhân dân phường A", "type": "phuong"},
            "kind": "disclosure",
            "categories": [
                {
                    "code": "ngan-sach-du-toan",
                    "title": "dự toán ngân sách, kế hoạch hoạt động tài chính đã được Hội đồng "
                    "nhân dân cấp xã quyết định",
                }
            ],
            "title": "Công khai dự toán ngân sách phường A năm 2026",
            "number": "01/QĐ-UBND",
            "issued": "2026-01-02",
            "published": "2026-01-05T00:00:00+07:00",
            "period": "2026",
            "description": None,
            "attachments": [
                {
                    "name": "du-toan-2026.csv",
                    "url": SITE_URL + "phuong-a/files/du-toan-2026.csv",
                    "size": size,
                    "type": "text/csv",
                }
            ],
        }
        attachment = local(site, budget["attachments"][0]["url"])
        assert attachment.stat().st_size == size

    def test_draft_has_effective_deadline_status_and_extensions(self, site: Path) -> None:
        draft = by_url(load(site, "du-lieu/van-ban.json")["documents"])[DRAFT]
        assert draft["kind"] == "draft"
        assert draft["number"] == "15/UBND"
        assert draft["comment"] == {
            "opens": "2026-11-10T00:00:00+07:00",
            "closes": "2026-12-05T17:00:00+07:00",  # the extension's, not 30 Nov
            "status": "open",
            "extensions": [
                {
                    "closes": "2026-12-05T17:00:00+07:00",
                    "announced": "2026-11-25",
                    "reason": "Theo đề nghị của Ủy ban MTTQ phường",
                }
            ],
            "result_urls": [],
        }
        assert "result_of" not in draft

    def test_concluded_draft_and_its_result_point_at_each_other(self, site: Path) -> None:
        documents = by_url(load(site, "du-lieu/van-ban.json")["documents"])
        old = documents[OLD_DRAFT]["comment"]
        # a date-only deadline is the end of that day
        assert old["closes"] == "2025-10-31T23:59:59+07:00"
        assert old["status"] == "concluded"
        assert old["result_urls"] == [RESULT]
        assert documents[RESULT]["kind"] == "result"
        assert documents[RESULT]["result_of"] == OLD_DRAFT
        assert "comment" not in documents[RESULT]

    def test_csv_has_one_row_per_document_in_the_same_order(self, site: Path) -> None:
        rows = csv_rows(site, "du-lieu/van-ban.csv")
        documents = load(site, "du-lieu/van-ban.json")["documents"]
        assert list(rows[0]) == [name for name, _ in open_data.CSV_COLUMNS]
        assert [r["id"] for r in rows] == [d["id"] for d in documents]
        row = {r["url"]: r for r in rows}
        assert row[DRAFT]["comment_closes"] == "2026-12-05T17:00:00+07:00"
        assert row[DRAFT]["comment_status"] == "open"
        assert row[DRAFT]["unit_name"] == "Ủy ban nhân dân phường A"
        assert row[OLD_DRAFT]["result_urls"] == RESULT
        assert row[RESULT]["result_of"] == OLD_DRAFT
        assert row[BUDGET]["attachments"] == SITE_URL + "phuong-a/files/du-toan-2026.csv"
        assert row[BUDGET]["number"] == "01/QĐ-UBND"
        assert (row[BUDGET]["issued"], row[BUDGET]["period"]) == ("2026-01-02", "2026")
        assert row[BUDGET]["comment_status"] == ""

    def test_multiple_values_are_joined(self, site: Path) -> None:
        record = open_data.csv_row(
            {
                "id": "x",
                "url": "u",
                "unit": {"id": "a", "name": "A", "type": "xa"},
                "kind": "draft",
                "categories": [{"code": "c1", "title": "T1"}, {"code": "c2", "title": "T2"}],
                "title": "t",
                "number": None,
                "issued": None,
                "published": "p",
                "period": None,
                "description": None,
                "attachments": [{"url": "f1"}, {"url": "f2"}],
                "comment": {"opens": "o", "closes": "c", "status": "open", "result_urls": []},
            }
        )
        values = dict(zip([n for n, _ in open_data.CSV_COLUMNS], record, strict=True))
        assert values["category_codes"] == "c1 | c2"
        assert values["category_titles"] == "T1 | T2"
        assert values["attachments"] == "f1 | f2"
        assert values["number"] == values["result_of"] == ""


class TestUnits:
    def test_per_unit_files(self, site: Path) -> None:
        data = load(site, "du-lieu/don-vi/phuong-a.json")
        everything = load(site, "du-lieu/van-ban.json")["documents"]
        assert data["unit"]["id"] == "phuong-a"
        assert data["documents"] == [d for d in everything if d["unit"]["id"] == "phuong-a"]
        assert data["generated_from"] == "2026-11-10T00:00:00+07:00"
        other = load(site, "du-lieu/don-vi/co-quan-b.json")
        assert [d["title"] for d in other["documents"]] == [
            "Kế hoạch công tác năm 2026 của Phòng B"
        ]
        assert other["generated_from"] == "2026-01-15T00:00:00+07:00"
        rows = csv_rows(site, "du-lieu/don-vi/phuong-a.csv")
        assert [r["id"] for r in rows] == [d["id"] for d in data["documents"]]

    def test_units_index(self, site: Path) -> None:
        units = {u["id"]: u for u in load(site, "du-lieu/don-vi.json")["units"]}
        assert list(units) == ["co-quan-b", "phuong-a"]
        assert units["phuong-a"] == {
            "id": "phuong-a",
            "name": "Ủy ban nhân dân phường A",
            "type": "phuong",
            "parent": None,
            "address": "Số 1 đường Thử, phường A",
            "phone": "0274 3000 000",
            "email": "vanphong@phuong-a.example.vn",
            "website": None,
            "url": SITE_URL + "phuong-a/",
            "document_count": 4,
            "files": {
                "json": SITE_URL + "du-lieu/don-vi/phuong-a.json",
                "csv": SITE_URL + "du-lieu/don-vi/phuong-a.csv",
            },
        }
        # the internal declaration of assets is not counted
        assert units["co-quan-b"]["document_count"] == 1
        for unit in units.values():
            assert local(site, unit["url"]).is_file()
            assert local(site, unit["files"]["json"]).is_file()
            assert local(site, unit["files"]["csv"]).is_file()


class TestInternalDocuments:
    def test_never_in_the_public_data(self, site: Path) -> None:
        for path in (site / "du-lieu").rglob("*"):
            if path.is_file():
                text = path.read_bytes().decode("utf-8-sig")
                assert "MARKER-INTERNAL-7f3a" not in text, path
                assert "noi-bo" not in text, path

    def test_in_the_intranet_build(self, build: Callable[..., Path]) -> None:
        site = build(NOW, "--audience", "internal")
        titles = [d["title"] for d in load(site, "du-lieu/van-ban.json")["documents"]]
        assert "Danh sách kê khai tài sản MARKER-INTERNAL-7f3a" in titles


class TestDeterminism:
    def test_same_content_same_bytes(self, site: Path, build: Callable[..., Path]) -> None:
        again = build(SAME_STATUSES)
        assert data_bytes(site) == data_bytes(again)

    def test_only_the_status_depends_on_the_build_time(
        self, site: Path, build: Callable[..., Path]
    ) -> None:
        later = build(AFTER_DEADLINE)
        before, after = data_bytes(site), data_bytes(later)
        assert before.keys() == after.keys()
        changed = {rel for rel in before if before[rel] != after[rel]}
        # the files that list the open draft; the units index and the schema do not change
        assert changed == {
            "van-ban.json",
            "van-ban.csv",
            "don-vi/phuong-a.json",
            "don-vi/phuong-a.csv",
        }
        statuses = by_url(load(later, "du-lieu/van-ban.json")["documents"])
        assert statuses[DRAFT]["comment"]["status"] == "closed"
        rows = {r["url"]: r for r in csv_rows(later, "du-lieu/van-ban.csv")}
        assert rows[DRAFT]["comment_status"] == "closed"
        for rel in ("du-lieu/van-ban.json", "du-lieu/don-vi/phuong-a.json"):
            assert without_status(load(site, rel)) == without_status(load(later, rel))
        old_rows, new_rows = (
            csv_rows(site, "du-lieu/van-ban.csv"),
            csv_rows(later, "du-lieu/van-ban.csv"),
        )
        for row in (*old_rows, *new_rows):
            row.pop("comment_status")
        assert old_rows == new_rows


def without_status(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for doc in data["documents"]:
        doc.get("comment", {}).pop("status", None)
    return data


class TestSchema:
    @pytest.fixture
    def schema(self) -> dict[str, Any]:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    @pytest.fixture
    def validator(self, schema: dict[str, Any]) -> Any:
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )

    def test_is_versioned(self, schema: dict[str, Any]) -> None:
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith("/v1.json")
        major = open_data.VERSION.split(".")[0]
        assert open_data.SCHEMA_FILE.endswith(f"/v{major}.json")

    def test_real_output_is_valid(self, site: Path, validator: Any) -> None:
        files = list(data_files(site))
        assert len(files) == 4  # van-ban, don-vi, and one per unit
        for path in files:
            errors = [
                e.message for e in validator.iter_errors(load(site, str(path.relative_to(site))))
            ]
            assert errors == [], path

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (lambda doc: doc.pop("id"), "'id' is a required property"),
            (lambda doc: doc.update(kind="dự thảo"), "is not one of"),
            (lambda doc: doc.update(published="2026-11-10T00:00:00Z"), "does not match"),
            (lambda doc: doc.pop("comment"), "'comment' is a required property"),
            (lambda doc: doc["comment"].update(status="live"), "is not one of"),
        ],
        ids=["missing-id", "unknown-kind", "not-vietnam-time", "draft-without-comment", "status"],
    )
    def test_rejects_broken_documents(
        self, site: Path, validator: Any, change: Callable[[dict[str, Any]], Any], expected: str
    ) -> None:
        data = load(site, "du-lieu/van-ban.json")
        draft = by_url(data["documents"])[DRAFT]
        change(draft)
        messages = [e.message for e in validator.iter_errors(data)]
        assert any(expected in m for m in messages), messages

    def test_site_serves_the_schema_under_the_url_the_data_names(
        self, site: Path, schema: dict[str, Any]
    ) -> None:
        served = load(site, "du-lieu/schema/v1.json")
        assert served["$id"] == load(site, "du-lieu/van-ban.json")["schema"]
        assert {**served, "$id": schema["$id"]} == schema

    def test_declares_every_field_the_plugin_writes(
        self, site: Path, schema: dict[str, Any]
    ) -> None:
        """Nothing undocumented: every key of the real output is declared in the schema."""
        data = load(site, "du-lieu/van-ban.json")
        assert set(data) <= set(schema["properties"])
        units = load(site, "du-lieu/don-vi.json")["units"]
        declared_unit = set(schema["$defs"]["unit"]["properties"])
        assert all(set(u) == declared_unit for u in units)
        written = {path for doc in data["documents"] for path in field_paths(doc)}
        assert written == set(schema_paths(schema, schema["$defs"]["document"]))

    def test_the_page_explains_every_field_of_the_schema(self, schema: dict[str, Any]) -> None:
        documented = [name for name, _ in open_data.DOCUMENT_FIELDS]
        assert documented == list(dict.fromkeys(documented))
        assert set(documented) == set(schema_paths(schema, schema["$defs"]["document"]))


def field_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """``comment.extensions[].closes``-style paths of the leaves of a record."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from field_paths(item, f"{prefix}{key}" if not prefix else f"{prefix}.{key}")
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            yield from field_paths(item, prefix + "[]")
    elif value != []:  # an empty list says nothing about its items
        yield prefix


def schema_paths(schema: dict[str, Any], node: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """The same paths, from the schema's declarations."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if node.get("type") == "object":
        for key, item in node["properties"].items():
            yield from schema_paths(schema, item, f"{prefix}.{key}" if prefix else key)
    elif node.get("type") == "array" and "$ref" in node["items"]:
        item = schema["$defs"][node["items"]["$ref"].rsplit("/", 1)[-1]]
        if item.get("type") == "object":
            yield from schema_paths(schema, item, prefix + "[]")
        else:
            yield prefix
    else:
        yield prefix


class TestPages:
    def test_open_data_page_links_every_file(self, site: Path) -> None:
        page = BeautifulSoup((site / "du-lieu/index.html").read_text(), "html.parser")
        article = page.select_one("article")
        assert article is not None
        text = article.get_text(" ", strip=True)
        assert "Dữ liệu công khai theo Luật Tiếp cận thông tin" in text
        targets = {
            posixpath.normpath(posixpath.join("du-lieu", a["href"]))
            for a in article.select("a[href]")
        }
        expected = {
            "du-lieu/van-ban.json",
            "du-lieu/van-ban.csv",
            "du-lieu/don-vi.json",
            "du-lieu/schema/v1.json",
            "du-lieu/don-vi/phuong-a.json",
            "du-lieu/don-vi/phuong-a.csv",
            "du-lieu/don-vi/co-quan-b.json",
            "du-lieu/don-vi/co-quan-b.csv",
        }
        assert expected <= targets
        for target in expected:
            assert (site / target).is_file()
        fields = [tr["data-field"] for tr in article.select("tr[data-field]")]
        assert fields == [name for name, _ in open_data.DOCUMENT_FIELDS]
        columns = [tr["data-column"] for tr in article.select("tr[data-column]")]
        assert columns == [name for name, _ in open_data.CSV_COLUMNS]
        nav = [a.get_text(strip=True) for a in page.select("nav.md-nav--primary a")]
        assert "Dữ liệu mở" in nav

    def test_unit_page_links_to_its_data(self, site: Path) -> None:
        page = BeautifulSoup((site / "phuong-a/index.html").read_text(), "html.parser")
        links = {a.get_text(strip=True): a["href"] for a in page.select(".portal-unit-links a")}
        assert links["Dữ liệu mở của đơn vị (JSON)"] == "../du-lieu/don-vi/phuong-a.json"
        assert (
            links["Dữ liệu mở của đơn vị (CSV, mở bằng Excel)"] == "../du-lieu/don-vi/phuong-a.csv"
        )


def test_relative_urls_without_site_url() -> None:
    """Without ``site_url`` the data stays usable: URLs relative to the site root."""
    from portal_gen.config import PortalConfig
    from portal_gen.portal import Portal
    from portal_gen.vntime import parse_now

    portal = Portal(
        config=PortalConfig(config_dir=ROOT, docs_dir=ROOT / "content"),
        units={},
        documents=[],
        now=parse_now(NOW),
    )
    assert open_data.absolute(portal, "phuong-a/tệp đính kèm.pdf") == (
        "phuong-a/t%E1%BB%87p%20%C4%91%C3%ADnh%20k%C3%A8m.pdf"
    )
    assert open_data.envelope(portal, [], documents=[]) == {
        "schema": "du-lieu/schema/v1.json",
        "version": "1.0",
        "generated_from": None,
        "documents": [],
    }


# -- files written from their records' JSON -----------------------------------------------

AWKWARD_RECORDS: list[dict[str, Any]] = [
    {
        "id": "a",
        "title": 'Dòng "một", dấu phẩy, {ngoặc} và [móc]\nxuống dòng\r\n',
        "attachments": [],
        "categories": [{"code": "x", "title": "Tiêu đề"}],
        "comment": {"extensions": [], "result_urls": ["u"]},
        "number": None,
    },
    {"id": "b", "title": "    },\n    {", "attachments": [{"size": 12, "type": None}]},
    {"id": "c", "unicode": "đ\u0000\u2028\ufeff", "empty": {}},
]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_file_written_from_its_records_json_is_json_s_own_layout(count: int) -> None:
    """The same bytes as encoding the whole file at once, and its records' JSON read back
    from it are the ones written (so a kept unit's file can give the portal's file its
    records), whatever the strings hold."""
    records = AWKWARD_RECORDS[:count]
    head = {"schema": "s", "version": "1.0", "unit": {"id": "phuong-a", "links": []}}
    encoded = [open_data.record_json(record) for record in records]
    data = open_data.documents_json(head, encoded)
    assert data == open_data.json_bytes({**head, "documents": records})
    assert json.loads(data)["documents"] == records
    assert open_data.records_of_json(data, count) == encoded
    assert open_data.records_of_json(data, count + 1) is None  # not the file of these


def test_the_rows_of_a_csv_file_read_back_as_written() -> None:
    rows = [
        ["a", 'dấu "ngoặc", phẩy', "xuống\r\ndòng", *[""] * (len(open_data.CSV_COLUMNS) - 3)],
        ["b", *[f"giá trị {n}" for n in range(len(open_data.CSV_COLUMNS) - 1)]],
    ]
    data = open_data.csv_bytes(rows)
    assert open_data.rows_of_csv(data, 2) == rows
    assert open_data.csv_bytes(open_data.rows_of_csv(data, 2) or []) == data
    assert open_data.rows_of_csv(data, 3) is None
    assert open_data.rows_of_csv(b"other,columns\r\n", 0) is None

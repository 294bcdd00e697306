"""Open data: a machine-readable index of every public document, in JSON and CSV.

Luật Tiếp cận thông tin (Art. 19(1)(g)) asks for an index of disclosed information; anyone
can build on the portal with these files instead of scraping it. Files (``du-lieu/``):

- ``van-ban.json``, ``van-ban.csv``: every document this build publishes;
- ``don-vi/<unit-id>.json``, ``.csv``: one unit and its documents;
- ``don-vi.json``: every unit with its profile and document count;
- ``schema/v1.json``: the JSON Schema (``portal_gen/data/open-data.schema.json``).

The output is deterministic: no build clock, stable order, so two builds of the same
content are byte-identical except ``comment.status`` (a draft's status at build time).
A page ``du-lieu/`` explains the files in Vietnamese; unit pages link to their files.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import quote

from portal_gen import Document, GeneratedPage, Kind, NavEntry, Portal, SiteWriter, Unit, hookimpl
from portal_gen.vntime import format_date, to_vn

VERSION = "1.0"
DATA_DIR = "du-lieu"
SCHEMA_FILE = f"{DATA_DIR}/schema/v1.json"
DOCUMENTS_JSON = f"{DATA_DIR}/van-ban.json"
DOCUMENTS_CSV = f"{DATA_DIR}/van-ban.csv"
UNITS_JSON = f"{DATA_DIR}/don-vi.json"
PAGE = "du-lieu.md"

#: Media types by file extension: a fixed table, so that the output does not depend on the
#: build machine's /etc/mime.types.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "json": "application/json",
    "xml": "application/xml",
    "html": "text/html",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
}

#: Fields of a document in the JSON files, explained on the ``du-lieu/`` page. The schema
#: declares exactly these (a test keeps the two in step).
DOCUMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "Mã định danh cố định của văn bản; không đổi khi tệp được đổi tên hay chuyển chỗ."),
    ("url", "Địa chỉ trang của văn bản trên cổng."),
    ("unit.id", "Mã đơn vị (tên thư mục của đơn vị)."),
    ("unit.name", "Tên đầy đủ của đơn vị công khai."),
    ("unit.type", "Loại đơn vị: xa, phuong, dac-khu, thi-tran, co-quan, don-vi-su-nghiep, ..."),
    (
        "kind",
        "Loại văn bản: disclosure (thông tin công khai), draft (dự thảo lấy ý kiến), "
        "result (kết quả lấy ý kiến).",
    ),
    ("categories[].code", "Mã danh mục thông tin công khai, ví dụ ngan-sach-du-toan."),
    ("categories[].title", "Tên danh mục, trích nguyên văn theo luật."),
    ("title", "Tên văn bản."),
    ("number", "Số, ký hiệu văn bản (nếu có)."),
    ("issued", "Ngày ban hành, dạng NĂM-THÁNG-NGÀY (nếu có)."),
    ("published", "Thời điểm đăng trên cổng, theo giờ Việt Nam (+07:00)."),
    ("period", "Kỳ báo cáo: 2026 (năm), 2026-H1 (6 tháng), 2026-Q3 (quý), 2026-09 (tháng)."),
    ("description", "Tóm tắt nội dung (nếu có)."),
    ("attachments[].name", "Tên tệp đính kèm."),
    ("attachments[].url", "Địa chỉ tải tệp đính kèm."),
    ("attachments[].size", "Dung lượng tệp, tính bằng byte (trống nếu là liên kết ngoài)."),
    ("attachments[].type", "Kiểu tệp (MIME), ví dụ application/pdf."),
    ("comment.opens", "Chỉ với dự thảo: thời điểm bắt đầu lấy ý kiến."),
    ("comment.closes", "Chỉ với dự thảo: hạn góp ý hiện hành (đã tính các lần gia hạn)."),
    (
        "comment.status",
        "Chỉ với dự thảo: trạng thái tại thời điểm tạo trang (upcoming: sắp lấy ý kiến, "
        "open: đang lấy ý kiến, closed: đã hết hạn, concluded: đã có kết quả). "
        "Muốn biết trạng thái hiện tại, hãy so thời điểm hiện tại với opens và closes.",
    ),
    ("comment.extensions[].closes", "Chỉ với dự thảo: hạn mới của mỗi lần gia hạn."),
    ("comment.extensions[].announced", "Chỉ với dự thảo: ngày thông báo gia hạn."),
    ("comment.extensions[].reason", "Chỉ với dự thảo: lý do gia hạn."),
    ("comment.result_urls", "Chỉ với dự thảo: địa chỉ các văn bản kết quả lấy ý kiến."),
    ("result_of", "Chỉ với kết quả lấy ý kiến: địa chỉ trang của dự thảo được lấy ý kiến."),
)

#: Columns of the CSV files, in order, with their meaning (shown on the ``du-lieu/`` page).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Mã định danh cố định của văn bản."),
    ("url", "Địa chỉ trang của văn bản."),
    ("unit_id", "Mã đơn vị."),
    ("unit_name", "Tên đơn vị."),
    ("unit_type", "Loại đơn vị."),
    ("kind", "Loại văn bản: disclosure, draft hoặc result."),
    ("category_codes", "Các mã danh mục, cách nhau bởi ` | `."),
    ("category_titles", "Tên các danh mục, cùng thứ tự, cách nhau bởi ` | `."),
    ("title", "Tên văn bản."),
    ("number", "Số, ký hiệu."),
    ("issued", "Ngày ban hành (NĂM-THÁNG-NGÀY)."),
    ("published", "Thời điểm đăng trên cổng (giờ Việt Nam, +07:00)."),
    ("period", "Kỳ báo cáo."),
    ("description", "Tóm tắt."),
    ("attachments", "Địa chỉ các tệp đính kèm, cách nhau bởi ` | `."),
    ("comment_opens", "Dự thảo: bắt đầu lấy ý kiến."),
    ("comment_closes", "Dự thảo: hạn góp ý hiện hành (đã tính gia hạn)."),
    ("comment_status", "Dự thảo: trạng thái tại thời điểm tạo trang."),
    ("result_urls", "Dự thảo: địa chỉ các văn bản kết quả, cách nhau bởi ` | `."),
    ("result_of", "Kết quả: địa chỉ trang của dự thảo."),
)

SEPARATOR = " | "


# -- records ------------------------------------------------------------------------------


def site_root(portal: Portal) -> str:
    """``site_url`` with a trailing slash, or '' (then URLs stay relative to the site root)."""
    url = portal.config.site_url or ""
    return url if not url or url.endswith("/") else url + "/"


def absolute(portal: Portal, path: str) -> str:
    return site_root(portal) + quote(path, safe="/")


def unit_path(unit_id: str, extension: str) -> str:
    return f"{DATA_DIR}/don-vi/{unit_id}.{extension}"


def iso(moment: datetime) -> str:
    return to_vn(moment).isoformat()


def media_type(name: str) -> str | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return MEDIA_TYPES.get(extension)


def results_by_draft(portal: Portal) -> dict[str, list[Document]]:
    """Every published result of each draft, oldest first (whatever the build's ``now``,
    so that the files do not depend on the clock)."""
    results: dict[str, list[Document]] = defaultdict(list)
    for doc in portal.published:
        draft = portal.draft_of(doc) if doc.kind is Kind.RESULT else None
        if draft is not None:
            results[draft.src_uri].append(doc)
    for docs in results.values():
        docs.sort(key=lambda d: (d.published.at, d.src_uri))
    return dict(results)


def category_title(portal: Portal, code: str) -> str:
    category = portal.catalog.get(code) if portal.catalog else None
    return category.title if category else code


def document_record(
    doc: Document, portal: Portal, results: Mapping[str, list[Document]]
) -> dict[str, Any]:
    """One document as the JSON files carry it (see the schema's ``document``)."""
    unit = portal.units.get(doc.unit_id)
    record: dict[str, Any] = {
        "id": doc.uid,
        "url": absolute(portal, portal.url_of(doc)),
        "unit": {
            "id": doc.unit_id,
            "name": unit.name if unit else doc.unit_id,
            "type": unit.type if unit else None,
        },
        "kind": str(doc.kind),
        "categories": [{"code": c, "title": category_title(portal, c)} for c in doc.categories],
        "title": doc.title,
        "number": doc.number,
        "issued": doc.issued.isoformat() if doc.issued else None,
        "published": iso(doc.published.at),
        "period": str(doc.period) if doc.period else None,
        "description": doc.description,
        "attachments": [
            {
                "name": a.name,
                "url": a.raw if a.src_uri is None else absolute(portal, a.src_uri),
                "size": a.size,
                "type": media_type(a.name),
            }
            for a in doc.attachments
        ],
    }
    if doc.kind is Kind.DRAFT and doc.comment is not None:
        comment = doc.comment
        record["comment"] = {
            "opens": iso(comment.opens.at),
            "closes": iso(comment.deadline.at),
            "status": str(portal.status_of(doc)),
            "extensions": [
                {
                    "closes": iso(ext.closes.at),
                    "announced": ext.announced.isoformat() if ext.announced else None,
                    "reason": ext.reason,
                }
                for ext in comment.extensions
            ],
            "result_urls": [
                absolute(portal, portal.url_of(r)) for r in results.get(doc.src_uri, [])
            ],
        }
    if doc.kind is Kind.RESULT:
        draft = portal.draft_of(doc)
        record["result_of"] = absolute(portal, portal.url_of(draft)) if draft else None
    return record


def unit_record(unit: Unit, portal: Portal) -> dict[str, Any]:
    """A unit as ``don-vi.json`` lists it (see the schema's ``unit``)."""
    return {
        "id": unit.id,
        "name": unit.name,
        "type": unit.type,
        "parent": unit.parent,
        "address": unit.address,
        "phone": unit.phone,
        "email": unit.email,
        "website": unit.website,
        "url": absolute(portal, portal.unit_url(unit.id)),
        "document_count": len(portal.unit_documents(unit.id)),
        "files": {
            "json": absolute(portal, unit_path(unit.id, "json")),
            "csv": absolute(portal, unit_path(unit.id, "csv")),
        },
    }


def newest(docs: Iterable[Document]) -> str | None:
    """The newest publication instant: the data's own date, never the build clock."""
    instants = [doc.published.at for doc in docs]
    return iso(max(instants)) if instants else None


def envelope(portal: Portal, docs: list[Document], **body: Any) -> dict[str, Any]:
    return {
        "schema": absolute(portal, SCHEMA_FILE),
        "version": VERSION,
        "generated_from": newest(docs),
        **body,
    }


def csv_row(record: Mapping[str, Any]) -> list[str]:
    comment = record.get("comment") or {}
    values = {
        "id": record["id"],
        "url": record["url"],
        "unit_id": record["unit"]["id"],
        "unit_name": record["unit"]["name"],
        "unit_type": record["unit"]["type"],
        "kind": record["kind"],
        "category_codes": SEPARATOR.join(c["code"] for c in record["categories"]),
        "category_titles": SEPARATOR.join(c["title"] for c in record["categories"]),
        "title": record["title"],
        "number": record["number"],
        "issued": record["issued"],
        "published": record["published"],
        "period": record["period"],
        "description": record["description"],
        "attachments": SEPARATOR.join(a["url"] for a in record["attachments"]),
        "comment_opens": comment.get("opens"),
        "comment_closes": comment.get("closes"),
        "comment_status": comment.get("status"),
        "result_urls": SEPARATOR.join(comment.get("result_urls", [])),
        "result_of": record.get("result_of"),
    }
    return ["" if values[name] is None else str(values[name]) for name, _ in CSV_COLUMNS]


# -- encoding -----------------------------------------------------------------------------


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# A rebuild after one edit writes again the file of every document (and of its unit) but
# keeps the other units' files: the records of those are taken from them as they are, not
# made and encoded again (0.3 s of a rebuild at 5,000 documents). So a file of documents
# is written from its records' JSON, exactly as :func:`json_bytes` lays the whole file out.

_INDENT = "    "  # a record is two levels down: the envelope, its `documents` list
# A record's JSON is kept encoded (UTF-8 holds Vietnamese in about half the memory a str
# does), and a file is joined from the encoded records; an ASCII separator never occurs
# inside another character's UTF-8 bytes, so the files are split where they were joined.
_RECORDS_START = b'\n  "documents": [\n'
_RECORDS_END = b"\n  ]\n}\n"
_BETWEEN_RECORDS = f"\n{_INDENT}}},\n{_INDENT}{{\n".encode()
_RECORD_OPEN = f"{_INDENT}{{\n".encode()
_RECORD_CLOSE = f"\n{_INDENT}}}".encode()


def record_json(record: Mapping[str, Any]) -> bytes:
    """A record as :func:`json_bytes` lays it out in a file's ``documents`` list, encoded
    (exact: JSON strings hold no line break, so every line is indented alike)."""
    text = json.dumps(record, ensure_ascii=False, indent=2)
    return (_INDENT + text.replace("\n", "\n" + _INDENT)).encode()


def documents_json(head: Mapping[str, Any], records: list[bytes]) -> bytes:
    """``json_bytes({**head, "documents": [...]})`` from the records' JSON
    (:func:`record_json`)."""
    if not records:
        return json_bytes({**head, "documents": []})
    text = json.dumps({**head, "documents": []}, ensure_ascii=False, indent=2)
    before = text.removesuffix("[]\n}").encode()
    return b"".join((before, b"[\n", b",\n".join(records), _RECORDS_END))


def records_of_json(data: bytes | None, count: int) -> list[bytes] | None:
    """The records' JSON of a file :func:`documents_json` wrote, in order; None when it
    does not hold ``count`` records as laid out there."""
    if data is None:
        return None
    if count == 0:
        return []
    start = data.find(_RECORDS_START)
    if start < 0 or not data.endswith(_RECORDS_END):
        return None
    parts = data[start + len(_RECORDS_START) : -len(_RECORDS_END)].split(_BETWEEN_RECORDS)
    if len(parts) != count:
        return None
    last = count - 1
    return [
        (b"" if i == 0 else _RECORD_OPEN) + part + (b"" if i == last else _RECORD_CLOSE)
        for i, part in enumerate(parts)
    ]


def csv_bytes(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    writer.writerows(rows)
    # A byte-order mark so that Excel, which most offices use, opens Vietnamese text right.
    return buffer.getvalue().encode("utf-8-sig")


def rows_of_csv(data: bytes | None, count: int) -> list[list[str]] | None:
    """The rows of a file :func:`csv_bytes` wrote, in order, without the header; None when
    it does not hold ``count`` rows of these columns."""
    if data is None:
        return None
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows or rows[0] != [name for name, _ in CSV_COLUMNS] or len(rows) != count + 1:
        return None
    return rows[1:]


def schema_text() -> str:
    """The JSON Schema as shipped in the package."""
    return (
        resources.files("portal_gen")
        .joinpath("data/open-data.schema.json")
        .read_text(encoding="utf-8")
    )


def site_schema(portal: Portal) -> bytes:
    """The schema as the site serves it: its ``$id`` is where the data files say it is."""
    schema = json.loads(schema_text())
    if site_root(portal):
        schema["$id"] = absolute(portal, SCHEMA_FILE)
    return json_bytes(schema)


# -- hooks --------------------------------------------------------------------------------


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    results = results_by_draft(portal)
    # A document's record is written twice, in its unit's files and in the portal's: its
    # two encoded forms are kept between them, not the record itself (a dict of dicts).
    jsons: dict[str, bytes] = {}  # by document: its record in a JSON file
    rows: dict[str, list[str]] = {}  # and in a CSV file

    def forms(doc: Document) -> None:
        if doc.src_uri not in jsons or doc.src_uri not in rows:
            record = document_record(doc, portal, results)
            jsons.setdefault(doc.src_uri, record_json(record))
            rows.setdefault(doc.src_uri, csv_row(record))

    def json_of(doc: Document) -> bytes:
        forms(doc)
        return jsons[doc.src_uri]

    def row(doc: Document) -> list[str]:
        forms(doc)
        return rows[doc.src_uri]

    def state(doc: Document) -> tuple[object, ...]:
        """What a record is made of besides the units and settings: the document, its
        status now, and the drafts and results it points to."""
        draft = portal.draft_of(doc) if doc.kind is Kind.RESULT else None
        return (
            doc.state,
            str(portal.status_of(doc)) if doc.kind is Kind.DRAFT else None,
            [r.src_uri for r in results.get(doc.src_uri, [])],
            draft.src_uri if draft else None,
        )

    states = {doc.src_uri: state(doc) for doc in portal.published}

    def write(json_path: str, csv_path: str, docs: list[Document], owner: Unit | None) -> None:
        """A file of documents in each format: kept when made of the same records (which
        then serve the files still to write), else written."""
        inputs = [states[doc.src_uri] for doc in docs]
        if writer.unchanged(json_path, inputs):
            kept = records_of_json(writer.kept_bytes(json_path), len(docs))
            if kept is not None:
                jsons.update(zip([doc.src_uri for doc in docs], kept, strict=True))
        else:
            body: dict[str, Any] = {"unit": unit_record(owner, portal)} if owner else {}
            head = envelope(portal, docs, **body)
            writer.write_bytes(json_path, documents_json(head, [json_of(doc) for doc in docs]))
        if writer.unchanged(csv_path, inputs):
            kept_rows = rows_of_csv(writer.kept_bytes(csv_path), len(docs))
            if kept_rows is not None:
                rows.update(zip([doc.src_uri for doc in docs], kept_rows, strict=True))
        else:
            writer.write_bytes(csv_path, csv_bytes(row(doc) for doc in docs))

    units = sorted(portal.units.values(), key=lambda u: u.id)
    for unit in units:  # before the portal's files, which hold the same records
        paths = (unit_path(unit.id, "json"), unit_path(unit.id, "csv"))
        write(*paths, portal.unit_documents(unit.id), unit)
    write(DOCUMENTS_JSON, DOCUMENTS_CSV, portal.published, None)
    writer.write_bytes(
        UNITS_JSON,
        json_bytes(
            envelope(portal, portal.published, units=[unit_record(u, portal) for u in units])
        ),
    )
    writer.write_bytes(SCHEMA_FILE, site_schema(portal))


@hookimpl
def portal_generate_pages(portal: Portal, add_page: Callable[[GeneratedPage], None]) -> None:
    generated_from = max((doc.date for doc in portal.published), default=None)
    add_page(
        GeneratedPage(
            PAGE,
            title="Dữ liệu mở",
            template="portal/open-data.html",
            nav=NavEntry("Dữ liệu mở", 40),
            context={
                "version": VERSION,
                "document_count": len(portal.published),
                "generated_from_text": format_date(generated_from) if generated_from else None,
                "files": {
                    "documents_json": DOCUMENTS_JSON,
                    "documents_csv": DOCUMENTS_CSV,
                    "units_json": UNITS_JSON,
                    "schema": SCHEMA_FILE,
                },
                "units": [
                    {
                        "id": unit.id,
                        "name": unit.name,
                        "url": portal.unit_url(unit.id),
                        "document_count": len(portal.unit_documents(unit.id)),
                        "json": unit_path(unit.id, "json"),
                        "csv": unit_path(unit.id, "csv"),
                    }
                    for unit in portal.units_sorted()
                ],
                "document_fields": [{"name": n, "description": d} for n, d in DOCUMENT_FIELDS],
                "csv_columns": [{"name": n, "description": d} for n, d in CSV_COLUMNS],
                "separator": SEPARATOR.strip(),
            },
        )
    )


@hookimpl
def portal_unit_context(unit: Unit, portal: Portal) -> Mapping[str, Any]:
    return {
        "links": [
            {"title": "Dữ liệu mở của đơn vị (JSON)", "url": unit_path(unit.id, "json")},
            {
                "title": "Dữ liệu mở của đơn vị (CSV, mở bằng Excel)",
                "url": unit_path(unit.id, "csv"),
            },
        ]
    }

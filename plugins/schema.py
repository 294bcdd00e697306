"""Front-matter schema checks that need the whole file or the whole portal.

The core reads each value with its type and reports what it cannot read, including
unknown keys; this plugin checks impossible periods and broken references.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from portal_gen import (
    UNIT_FILE,
    Diagnostic,
    Document,
    Kind,
    Portal,
    Severity,
    Unit,
    hookimpl,
    suggestion_hint,
)
from portal_gen.vntime import format_deadline


@hookimpl
def portal_check_unit(unit: Unit, portal: Portal) -> Iterator[Diagnostic]:
    if unit.parent and unit.parent not in portal.units:
        hint = suggestion_hint(unit.parent, portal.units)
        yield Diagnostic(
            unit.path,
            unit.lines.get("parent"),
            Severity.ERROR,
            "unknown-parent",
            f"Đơn vị cấp trên `{unit.parent}` không có trong cổng.",
            (hint + "\n" if hint else "")
            + f"`parent` là tên thư mục của một đơn vị khác (có tệp {UNIT_FILE}).",
        )


@hookimpl
def portal_check_portal(portal: Portal) -> Iterator[Diagnostic]:
    """Two documents with one permanent id (feeds and open data key on it), in one pass."""
    first: dict[str, Document] = {}
    for doc in sorted(portal.documents, key=lambda d: d.src_uri):
        twin = first.setdefault(doc.uid, doc)
        if twin is not doc:
            yield Diagnostic(
                doc.path,
                doc.line_of("id") or doc.line_of("title"),
                Severity.ERROR,
                "duplicate-id",
                f"Văn bản có cùng mã định danh `{doc.uid}` với `{twin.path}`.",
                "Thêm `id:` khác nhau cho hai văn bản (người theo dõi nhận tin theo mã này).",
            )


@hookimpl
def portal_check_document(document: Document, portal: Portal) -> Iterator[Diagnostic]:
    yield from _comment_dates(document)
    yield from _permanent_id(document, portal)
    if document.kind is Kind.RESULT and document.result_of:
        yield from _result_target(document, portal)
    if document.comment is not None and document.kind is not Kind.DRAFT:
        yield Diagnostic(
            document.path,
            document.line_of("comment"),
            Severity.WARNING,
            "comment-not-draft",
            "Văn bản có khối `comment` (thời hạn góp ý) nhưng không phải dự thảo.",
            "Thêm `kind: draft` nếu đây là dự thảo lấy ý kiến; nếu không, xóa khối `comment`.",
        )


_ID = re.compile(r"^[a-z0-9]+(?:[-/.][a-z0-9]+)*$")


def _permanent_id(document: Document, portal: Portal) -> Iterator[Diagnostic]:
    if document.doc_id is not None and not _ID.match(document.doc_id):
        yield Diagnostic(
            document.path,
            document.line_of("id"),
            Severity.ERROR,
            "invalid-id",
            f"Mã định danh `{document.doc_id}` chỉ được gồm chữ thường không dấu, số, `-`, `/` và `.`.",
            "Ví dụ: `id: phuong-binh-an/2024-491-ubnd`. Mã này không bao giờ được đổi sau khi đăng.",
        )


def _comment_dates(document: Document) -> Iterator[Diagnostic]:
    comment = document.comment
    if comment is None:
        return
    if comment.closes.at <= comment.opens.at:
        yield Diagnostic(
            document.path,
            document.line_of("comment.closes"),
            Severity.ERROR,
            "closes-before-opens",
            f"Hạn góp ý ({format_deadline(comment.closes.at)}) không sau ngày bắt đầu lấy ý kiến.",
            "Kiểm tra lại `comment.opens` và `comment.closes` (viết NĂM-THÁNG-NGÀY).",
        )
    previous = comment.closes
    for extension in comment.extensions:
        if extension.closes.at <= previous.at:
            yield Diagnostic(
                document.path,
                extension.line,
                Severity.ERROR,
                "extension-not-later",
                f"Gia hạn đến {format_deadline(extension.closes.at)} không muộn hơn hạn trước đó "
                f"({format_deadline(previous.at)}).",
                "Mỗi lần gia hạn phải đặt hạn mới muộn hơn; liệt kê các lần gia hạn theo thứ tự thời gian.",
            )
        previous = extension.closes


def _result_target(document: Document, portal: Portal) -> Iterator[Diagnostic]:
    assert document.result_of is not None
    target = portal.by_src.get(document.result_of)
    if target is not None and target.kind is Kind.DRAFT:
        return
    raw = posixpath.relpath(document.result_of, posixpath.dirname(document.src_uri))
    drafts = [
        posixpath.relpath(d.src_uri, posixpath.dirname(document.src_uri))
        for d in portal.documents
        if d.kind is Kind.DRAFT and d.unit_id == document.unit_id
    ]
    hint = suggestion_hint(raw, drafts)
    problem = "không phải một dự thảo (`kind: draft`)" if target else "không tồn tại"
    yield Diagnostic(
        document.path,
        document.line_of("result_of"),
        Severity.ERROR,
        "result-of-not-draft",
        f"`result_of: {raw}` {problem}.",
        (hint + "\n" if hint else "")
        + "`result_of` là đường dẫn tới tệp .md của dự thảo, tính từ thư mục của văn bản này.",
    )

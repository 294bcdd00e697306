"""Reads one document: front matter (typed, with line numbers) and its Markdown body."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from portal_gen.config import PortalConfig
from portal_gen.diagnostics import Diagnostic, Severity, suggestion_hint
from portal_gen.frontmatter import (
    FrontMatter,
    Reader,
    SourceText,
    body_of,
    decode_source,
    plain,
    split_front_matter,
)
from portal_gen.model import (
    Attachment,
    Audience,
    CommentPeriod,
    Document,
    Extension,
    Kind,
    Period,
    permanent_id,
)
from portal_gen.schema import COMMENT_KEYS, DOCUMENT_KEYS, EXTENSION_KEYS, report_unknown_keys

__all__ = ["body_links", "read_body", "read_document"]

# Links in Markdown bodies and raw HTML: ](target "title"), src="…", href="…". Each pattern
# starts with a literal, which the regex engine finds fast (one alternation is 7× slower).
_LINKS = (
    re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)"),
    re.compile(r"src\s*=\s*[\"']([^\"']+)[\"']"),
    re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']"),
)


def body_links(body: str, src_uri: str) -> frozenset[str]:
    """Content files (relative to content/) a Markdown body links to or embeds."""
    files = set()
    base = posixpath.dirname(src_uri)
    for pattern in _LINKS:
        for match in pattern.finditer(body):
            target = match.group(1).split("#", 1)[0].split("?", 1)[0]
            if not target or "://" in target or target.startswith(("/", "mailto:", "tel:", "#")):
                continue
            resolved = posixpath.normpath(posixpath.join(base, target))
            if not resolved.startswith(".."):
                files.add(resolved)
    return frozenset(files)


def read_body(config: PortalConfig, document: Document) -> str:
    """A document's Markdown body, read again from its file (decoded, LF, NFC)."""
    data = (config.docs_dir / document.src_uri).read_bytes()
    source, _ = decode_source(data, document.path)
    if source is None:
        return ""
    return body_of(source)


_KINDS = {k.value: k for k in Kind}
_AUDIENCES = {a.value: a for a in Audience}
_URL_SCHEMES = ("http://", "https://")


def read_document(
    src_uri: str,
    data: bytes,
    unit_id: str,
    config: PortalConfig,
    diagnostics: list[Diagnostic],
    extra_keys: frozenset[str] = frozenset(),
    touched: list[str] | None = None,
) -> Document | None:
    """Read one document; returns None when it is too broken to be modelled.

    :param touched: receives the other files (attachments) whose presence or size went into
        the result, so that a cache can tell when to read the document again.
    """
    path = config.docs_prefix + src_uri
    source, problems = decode_source(data, path)
    diagnostics.extend(problems)
    if source is None:
        return None
    matter, problems = split_front_matter(source)
    diagnostics.extend(problems)
    if problems:
        return None
    if matter is None or matter.node is None:
        diagnostics.append(
            Diagnostic(
                path,
                1,
                Severity.ERROR,
                "missing-front-matter",
                "Văn bản không có phần khai báo (front matter) ở đầu tệp.",
                "Thêm vào đầu tệp:\n---\ntitle: Tên văn bản\ncategory: ma-danh-muc\n"
                "date: 2025-01-10\n---\n(hoặc tạo văn bản bằng `portal-gen new disclosure`).",
            )
        )
        return None
    reader = _DocumentReader(src_uri, path, unit_id, source, matter, config, extra_keys)
    document = reader.read(diagnostics)
    if touched is not None:
        touched.extend(reader.touched)
    return document


@dataclass
class _DocumentReader:
    src_uri: str
    path: str
    unit_id: str
    source: SourceText
    matter: FrontMatter
    config: PortalConfig
    extra_keys: frozenset[str] = frozenset()
    touched: list[str] = field(default_factory=list)

    def read(self, diagnostics: list[Diagnostic]) -> Document | None:
        assert self.matter.node is not None
        reader = Reader(self.path, line_offset=self.matter.yaml_first_line)
        fields = reader.fields(self.matter.node)
        extra: dict[str, Any] = {
            key: plain(node) for key, node in fields.items() if key not in DOCUMENT_KEYS
        }

        def get(key: str) -> yaml.Node | None:
            return fields.get(key)

        title = reader.text(fields["title"], "title") if "title" in fields else None
        if not title and isinstance(get("title") or yaml.ScalarNode("", ""), yaml.ScalarNode):
            reader.missing(get("title") or 1, "title", "title: Tên đầy đủ của văn bản")
        kind = Kind.DISCLOSURE
        if "kind" in fields:
            kind = reader.choice(fields["kind"], "kind", _KINDS) or Kind.DISCLOSURE
        published = reader.moment(fields["date"], "date") if "date" in fields else None
        if published is None and "date" not in fields:
            reader.missing(1, "date", "date: 2025-01-10")
        categories = (
            tuple(value for value, _ in reader.text_list(fields["category"], "category"))
            if "category" in fields
            else ()
        )
        if not categories and kind is Kind.DISCLOSURE:
            reader.missing(get("category") or 1, "category", "category: ma-danh-muc")
        number = reader.text(fields["number"], "number") if "number" in fields else None
        issued = reader.date(fields["issued"], "issued") if "issued" in fields else None
        issuer = reader.text(fields["issuer"], "issuer") if "issuer" in fields else None
        signer = reader.text(fields["signer"], "signer") if "signer" in fields else None
        description = (
            reader.text(fields["description"], "description") if "description" in fields else None
        )
        doc_id = reader.text(fields["id"], "id") if "id" in fields else None
        period = self._period(reader, fields.get("period"))
        audience = (
            reader.choice(fields["audience"], "audience", _AUDIENCES)
            if "audience" in fields
            else None
        )
        attachments = self._attachments(reader, fields.get("attachments"))
        comment = self._comment(reader, fields.get("comment"), kind, extra)
        result_of = self._result_of(reader, fields.get("result_of"), kind)

        report_unknown_keys(reader, extra, self.extra_keys)
        diagnostics.extend(reader.diagnostics)
        if not title or published is None:
            return None
        return Document(
            src_uri=self.src_uri,
            path=self.path,
            unit_id=self.unit_id,
            title=title,
            kind=kind,
            published=published,
            categories=categories,
            number=number,
            issued=issued,
            issuer=issuer,
            signer=signer,
            period=period,
            audience=audience,
            attachments=attachments,
            comment=comment,
            result_of=result_of,
            description=description,
            doc_id=doc_id,
            uid=permanent_id(self.unit_id, published, title, doc_id),
            links=body_links(self.matter.body, self.src_uri),
            body_line=self.matter.body_line,
            lines=MappingProxyType(dict(reader.lines)),
            extra=MappingProxyType(extra),
        )

    def _period(self, reader: Reader, node: yaml.Node | None) -> Period | None:
        if node is None:
            return None
        raw = reader.text(node, "period")
        if raw is None:
            return None
        try:
            return Period.parse(raw)
        except ValueError:
            reader.error(
                node,
                "invalid-period",
                f"Kỳ báo cáo `{raw}` không hợp lệ.",
                "Viết `2024` (năm), `2024-H1` (6 tháng đầu năm), `2024-Q3` (quý III) "
                "hoặc `2024-09` (tháng 9).",
            )
            return None

    def _resolve(self, raw: str) -> str | None:
        """A path relative to this document, as a content-relative POSIX path (None if outside)."""
        base = posixpath.dirname(self.src_uri)
        joined = posixpath.normpath(posixpath.join(base, raw))
        if joined == ".." or joined.startswith(("../", "/")):
            return None
        return joined

    def _attachments(self, reader: Reader, node: yaml.Node | None) -> tuple[Attachment, ...]:
        if node is None:
            return ()
        example = "attachments:\n  - files/quyet-dinh.pdf"
        items = (
            [node]
            if isinstance(node, yaml.ScalarNode) and not reader.is_null(node)
            else reader.sequence(node, "attachments", example)
        )
        attachments = []
        for item in items:
            raw = reader.text(item, "attachments")
            if raw is None:
                continue
            line = reader.line(item)
            if raw.startswith(_URL_SCHEMES):
                attachments.append(Attachment(raw, None, line=line))
                continue
            if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
                reader.error(
                    item,
                    "attachment-absolute",
                    f"Tệp đính kèm `{raw}` dùng đường dẫn tuyệt đối.",
                    "Viết đường dẫn tính từ thư mục của văn bản, ví dụ `files/quyet-dinh.pdf`.",
                )
                continue
            src_uri = self._resolve(raw.replace("\\", "/"))
            if src_uri is None or src_uri.split("/", 1)[0] != self.unit_id:
                reader.error(
                    item,
                    "attachment-outside",
                    f"Tệp đính kèm `{raw}` nằm ngoài thư mục của đơn vị `{self.unit_id}`.",
                    "Chép tệp vào thư mục của đơn vị (ví dụ `files/`) rồi khai báo lại đường dẫn.",
                )
                continue
            full = self.config.docs_dir / src_uri
            self.touched.append(src_uri)
            if not full.is_file():
                hint = "Kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) và đường dẫn tính từ thư mục của văn bản."
                siblings = _siblings(full)
                suggestion = suggestion_hint(full.name, siblings) if siblings else ""
                reader.error(
                    item,
                    "attachment-not-found",
                    f"Không tìm thấy tệp đính kèm `{raw}`.",
                    (suggestion + "\n" if suggestion else "") + hint,
                )
                continue
            attachments.append(Attachment(raw, src_uri, size=full.stat().st_size, line=line))
        return tuple(attachments)

    def _comment(
        self, reader: Reader, node: yaml.Node | None, kind: Kind, extra: dict[str, Any]
    ) -> CommentPeriod | None:
        example = "comment:\n  opens: 2024-09-19\n  closes: 2024-10-10 17:00\n  email: vanphong@xa.example.vn"
        if node is None:
            if kind is Kind.DRAFT:
                reader.missing(1, "comment", example)
            return None
        mapping = reader.mapping(node, "comment", example)
        if mapping is None:
            if kind is Kind.DRAFT and reader.is_null(node):
                reader.missing(node, "comment", example)
            return None
        fields = reader.fields(mapping, prefix="comment.")
        for key, value in fields.items():
            if key not in COMMENT_KEYS:
                extra[f"comment.{key}"] = plain(value)
        opens = reader.moment(fields["opens"], "comment.opens") if "opens" in fields else None
        closes = (
            reader.moment(fields["closes"], "comment.closes", end_of_day=True)
            if "closes" in fields
            else None
        )
        if "opens" not in fields:
            reader.missing(node, "comment.opens", "  opens: 2024-09-19")
        if "closes" not in fields:
            reader.missing(node, "comment.closes", "  closes: 2024-10-10 17:00")
        texts = {
            key: reader.text(fields[key], f"comment.{key}")
            for key in ("email", "address", "contact", "phone")
            if key in fields
        }
        extensions = self._extensions(reader, fields.get("extensions"), extra)
        if opens is None or closes is None:
            return None
        return CommentPeriod(
            opens=opens,
            closes=closes,
            email=texts.get("email"),
            address=texts.get("address"),
            contact=texts.get("contact"),
            phone=texts.get("phone"),
            extensions=extensions,
        )

    def _extensions(
        self, reader: Reader, node: yaml.Node | None, extra: dict[str, Any]
    ) -> tuple[Extension, ...]:
        if node is None:
            return ()
        example = (
            "  extensions:\n    - closes: 2024-10-20 17:00\n      announced: 2024-10-09\n"
            "      reason: Theo đề nghị của Ủy ban MTTQ"
        )
        extensions = []
        for index, item in enumerate(reader.sequence(node, "comment.extensions", example)):
            mapping = reader.mapping(item, "comment.extensions", example)
            if mapping is None:
                continue
            prefix = f"comment.extensions.{index}."
            fields = reader.fields(mapping, prefix=prefix)
            if "closes" not in fields:
                reader.missing(item, "closes", "closes: 2024-10-20 17:00")
                continue
            closes = reader.moment(fields["closes"], "comment.extensions.closes", end_of_day=True)
            announced = (
                reader.date(fields["announced"], "comment.extensions.announced")
                if "announced" in fields
                else None
            )
            reason = reader.text(fields["reason"], "reason") if "reason" in fields else None
            for key, value in fields.items():
                if key not in EXTENSION_KEYS:
                    extra[prefix + key] = plain(value)
            if closes is not None:
                extensions.append(Extension(closes, announced, reason, line=reader.line(item)))
        return tuple(extensions)

    def _result_of(self, reader: Reader, node: yaml.Node | None, kind: Kind) -> str | None:
        if node is None:
            if kind is Kind.RESULT:
                reader.missing(1, "result_of", "result_of: du-thao.md")
            return None
        raw = reader.text(node, "result_of")
        if raw is None:
            if kind is Kind.RESULT:
                reader.missing(node, "result_of", "result_of: du-thao.md")
            return None
        resolved = self._resolve(raw)
        if resolved is None:
            reader.error(
                node,
                "result-of-not-draft",
                f"`result_of: {raw}` trỏ ra ngoài thư mục nội dung.",
                "Viết đường dẫn tới tệp dự thảo, tính từ thư mục của văn bản này, ví dụ `du-thao.md`.",
            )
        return resolved


def _siblings(path: Path) -> list[str]:
    try:
        return [p.name for p in path.parent.iterdir() if p.is_file()]
    except OSError:
        return []

"""Reads ``content/``: unit profiles (``_unit.yml``) and documents (front matter + Markdown).

The reader never writes anything. Every problem becomes a Diagnostic; reading goes on so
that an editor sees all problems at once.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
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
    decode_source,
    parse_yaml_file,
    plain,
    split_front_matter,
)
from portal_gen.model import (
    UNIT_TYPES,
    Attachment,
    Audience,
    CommentPeriod,
    Document,
    Extension,
    Kind,
    Period,
    Unit,
    unit_id_error,
)

__all__ = [
    "COMMENT_KEYS",
    "DOCUMENT_KEYS",
    "EXTENSION_KEYS",
    "UNIT_FILE",
    "UNIT_KEYS",
    "Content",
    "load_content",
    "read_document",
    "read_unit",
]

UNIT_FILE = "_unit.yml"
UNIT_KEYS = ("name", "type", "parent", "address", "phone", "email", "website")
DOCUMENT_KEYS = (
    "title",
    "kind",
    "category",
    "date",
    "number",
    "issued",
    "issuer",
    "signer",
    "period",
    "audience",
    "attachments",
    "comment",
    "result_of",
    "description",
    "id",
)
COMMENT_KEYS = ("opens", "closes", "email", "address", "contact", "phone", "extensions")
EXTENSION_KEYS = ("closes", "announced", "reason")
#: Material for MkDocs keys that are harmless on a document page.
MATERIAL_KEYS = ("hide", "search", "icon", "subtitle")

#: Markdown files larger than this are refused: they would stall the build and no reader
#: on a phone could open them. Put long texts in an attachment.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

_KINDS = {k.value: k for k in Kind}
_AUDIENCES = {a.value: a for a in Audience}
_URL_SCHEMES = ("http://", "https://")


@dataclass
class Content:
    """What was read from content/: units, documents, plain pages, and the problems."""

    units: dict[str, Unit] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    #: Markdown files that are ordinary pages (home text, guides), relative to content/
    pages: list[str] = field(default_factory=list)
    #: files that must never be copied into a site (unit profiles, unsafe symlinks, ...)
    never_publish: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    extra_keys: frozenset[str] = frozenset()


def load_content(config: PortalConfig, extra_keys: Iterable[str] = ()) -> Content:
    """Read every unit and document under ``config.docs_dir``.

    :param extra_keys: front-matter keys that plugins read (``comment.x`` inside comment);
        any other unknown key is reported.
    """
    content = Content(extra_keys=frozenset(extra_keys))
    docs_dir = config.docs_dir
    if not docs_dir.is_dir():
        content.diagnostics.append(
            Diagnostic(
                config.relpath(docs_dir),
                None,
                Severity.ERROR,
                "missing-content",
                "Không tìm thấy thư mục nội dung.",
                "Tạo thư mục này, hoặc sửa `docs_dir` trong mkdocs.yml.",
            )
        )
        return content
    root_real = docs_dir.resolve()
    for entry in _sorted_entries(docs_dir):
        if _hidden(entry.name):
            continue
        if _unsafe_symlink(entry, root_real, config, content):
            continue
        if entry.is_file():
            if entry.name.endswith(".md"):
                content.pages.append(entry.name)
            continue
        if not entry.is_dir():
            continue
        folder = Path(entry.path)
        if (folder / UNIT_FILE).is_file():
            _load_unit_folder(folder, config, content, root_real)
        elif entry.name in config.pages:
            content.pages.extend(
                uri
                for uri in _walk(folder, docs_dir, root_real, config, content)
                if uri.endswith(".md")
            )
        elif any(
            uri.endswith(".md") for uri in _walk(folder, docs_dir, root_real, config, content)
        ):
            content.diagnostics.append(
                Diagnostic(
                    config.relpath(folder),
                    None,
                    Severity.ERROR,
                    "missing-unit-file",
                    f"Thư mục `{entry.name}` chứa văn bản nhưng không có tệp `{UNIT_FILE}`.",
                    f"Tạo `{config.relpath(folder / UNIT_FILE)}` với `name:` và `type:` của đơn vị "
                    "(hoặc chạy `portal-gen new unit`); nếu đây là các trang thông thường, "
                    f"thêm `pages: [{entry.name}]` vào cấu hình plugin `portal` trong mkdocs.yml.",
                )
            )
    return content


def _sorted_entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda e: e.name)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _unsafe_symlink(
    entry: os.DirEntry[str], root_real: Path, config: PortalConfig, content: Content
) -> bool:
    """Report and skip a symlink that leads outside content/ (it could publish any file)."""
    if not entry.is_symlink():
        return False
    target = Path(entry.path).resolve()
    if target == root_real or root_real in target.parents:
        return False
    rel = Path(entry.path).relative_to(config.docs_dir).as_posix()
    content.never_publish.add(rel)
    content.diagnostics.append(
        Diagnostic(
            config.relpath(Path(entry.path)),
            None,
            Severity.ERROR,
            "symlink-outside",
            "Liên kết tượng trưng (symlink) trỏ ra ngoài thư mục nội dung; tệp này sẽ không được xuất bản.",
            "Sao chép tệp cần đăng vào thư mục của đơn vị thay vì dùng symlink.",
        )
    )
    return True


def _walk(
    folder: Path, docs_dir: Path, root_real: Path, config: PortalConfig, content: Content
) -> Iterator[str]:
    """Files under ``folder`` as content-relative POSIX paths, skipping hidden and unsafe ones."""
    for entry in _sorted_entries(folder):
        if _hidden(entry.name) or _unsafe_symlink(entry, root_real, config, content):
            continue
        if entry.is_dir():
            yield from _walk(Path(entry.path), docs_dir, root_real, config, content)
        elif entry.is_file():
            yield Path(entry.path).relative_to(docs_dir).as_posix()


def _load_unit_folder(
    folder: Path, config: PortalConfig, content: Content, root_real: Path
) -> None:
    unit_id = folder.name
    content.never_publish.add(f"{unit_id}/{UNIT_FILE}")
    unit_path = folder / UNIT_FILE
    problem = unit_id_error(unit_id)
    if problem:
        content.diagnostics.append(
            Diagnostic(
                config.relpath(folder),
                None,
                Severity.ERROR,
                "invalid-unit-id",
                problem,
                "Đổi tên thư mục của đơn vị cho đúng (tên thư mục chính là mã đơn vị).",
            )
        )
        return
    intro_text, intro_path = "", None
    md_files = [
        uri
        for uri in _walk(folder, config.docs_dir, root_real, config, content)
        if uri.endswith(".md")
    ]
    unit_diagnostics: list[Diagnostic] = []
    unit = read_unit(unit_id, unit_path.read_bytes(), config.relpath(unit_path), unit_diagnostics)
    content.diagnostics.extend(unit_diagnostics)
    for uri in md_files:
        path = config.docs_dir / uri
        shown = config.relpath(path)
        if uri == f"{unit_id}/index.md":
            source, problems = decode_source(path.read_bytes(), shown)
            content.diagnostics.extend(problems)
            if source is not None:
                matter, problems = split_front_matter(source)
                content.diagnostics.extend(problems)
                intro_text = matter.body if matter else source.text
                intro_path = uri
            continue
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            content.diagnostics.append(
                Diagnostic(
                    shown,
                    None,
                    Severity.ERROR,
                    "document-too-large",
                    f"Văn bản quá lớn ({size / 1024 / 1024:.1f} MB; tối đa "
                    f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB): trang sẽ không mở được trên điện thoại.",
                    "Đưa toàn văn vào tệp đính kèm (PDF, DOCX) và khai báo trong `attachments:`; "
                    "phần nội dung chỉ giữ tóm tắt.",
                )
            )
            continue
        document = read_document(
            uri, path.read_bytes(), unit_id, config, content.diagnostics, content.extra_keys
        )
        if document is not None:
            content.documents.append(document)
    if unit is not None:
        content.units[unit_id] = _with_intro(unit, intro_text, intro_path)


def _with_intro(unit: Unit, intro: str, intro_path: str | None) -> Unit:
    return replace(unit, intro=intro, intro_path=intro_path)


def read_unit(unit_id: str, data: bytes, path: str, diagnostics: list[Diagnostic]) -> Unit | None:
    """Read a ``_unit.yml``; returns None when it cannot describe a unit."""
    source, problems = decode_source(data, path)
    diagnostics.extend(problems)
    if source is None:
        return None
    node, problems = parse_yaml_file(source)
    diagnostics.extend(problems)
    if problems:
        return None
    reader = Reader(path, line_offset=1)
    example = "name: Ủy ban nhân dân phường Bình An\ntype: phuong"
    if node is None or not isinstance(node, yaml.MappingNode):
        reader.error(
            node.start_mark.line + 1 if node is not None else 1,
            "unit-not-mapping",
            f"`{UNIT_FILE}` phải gồm các dòng `khóa: giá trị` mô tả đơn vị.",
            f"Ví dụ:\n{example}",
        )
        diagnostics.extend(reader.diagnostics)
        return None
    fields = reader.fields(node)
    values: dict[str, str | None] = {
        key: reader.text(fields[key], key) for key in UNIT_KEYS if key in fields
    }
    extra = {key: plain(value) for key, value in fields.items() if key not in UNIT_KEYS}
    for key in extra:
        reader.diagnostics.append(_unknown_key(path, reader.lines.get(key), key, list(UNIT_KEYS)))
    if not values.get("name"):
        reader.missing(fields.get("name", 1), "name", "name: Ủy ban nhân dân xã ...")
    unit_type = values.get("type")
    if not unit_type:
        reader.missing(fields.get("type", 1), "type", "type: xa")
    elif unit_type not in UNIT_TYPES:
        hint = suggestion_hint(unit_type, UNIT_TYPES, labels=dict(UNIT_TYPES))
        reader.error(
            fields["type"],
            "unknown-unit-type",
            f"Loại đơn vị `{unit_type}` không có trong danh mục.",
            (hint + "\n" if hint else "")
            + "Các loại: "
            + ", ".join(f"`{code}` ({name})" for code, name in UNIT_TYPES.items())
            + ".",
        )
        unit_type = None
    diagnostics.extend(reader.diagnostics)
    if not values.get("name") or not unit_type:
        return None
    return Unit(
        id=unit_id,
        name=values["name"] or "",
        type=unit_type,
        path=path,
        parent=values.get("parent"),
        address=values.get("address"),
        phone=values.get("phone"),
        email=values.get("email"),
        website=values.get("website"),
        lines=MappingProxyType(dict(reader.lines)),
        extra=MappingProxyType(extra),
    )


def read_document(
    src_uri: str,
    data: bytes,
    unit_id: str,
    config: PortalConfig,
    diagnostics: list[Diagnostic],
    extra_keys: frozenset[str] = frozenset(),
) -> Document | None:
    """Read one document; returns None when it is too broken to be modelled."""
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
    return _DocumentReader(src_uri, path, unit_id, source, matter, config, extra_keys).read(
        diagnostics
    )


@dataclass
class _DocumentReader:
    src_uri: str
    path: str
    unit_id: str
    source: SourceText
    matter: FrontMatter
    config: PortalConfig
    extra_keys: frozenset[str] = frozenset()

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
            body=self.matter.body,
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


def _unknown_key(path: str, line: int | None, key: str, known: list[str]) -> Diagnostic:
    hint = suggestion_hint(key.rsplit(".", 1)[-1], known)
    return Diagnostic(
        path,
        line,
        Severity.WARNING,
        "unknown-key",
        f"Khóa `{key}` không được portal-gen sử dụng và sẽ bị bỏ qua.",
        (hint + "\n" if hint else "")
        + "Các khóa hợp lệ: "
        + ", ".join(f"`{k}`" for k in known)
        + ".",
    )


def report_unknown_keys(reader: Reader, extra: dict[str, Any], declared: frozenset[str]) -> None:
    """Warn about keys nobody reads (SPEC §2.2: never silently dropped), with a suggestion."""
    top = [*DOCUMENT_KEYS, *sorted(k for k in declared if "." not in k)]
    for key in extra:
        if key in declared or key in MATERIAL_KEYS:
            continue
        if key.startswith("comment.extensions."):
            known = list(EXTENSION_KEYS)
        elif key.startswith("comment."):
            known = [*COMMENT_KEYS, *sorted(k[8:] for k in declared if k.startswith("comment."))]
        else:
            known = top
        reader.diagnostics.append(_unknown_key(reader.path, reader.lines.get(key), key, known))

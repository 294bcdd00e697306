"""Reads ``content/``: unit profiles (``_unit.yml``) and documents (front matter + Markdown).

The reader never writes anything. Every problem becomes a Diagnostic; reading goes on so
that an editor sees all problems at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import yaml

from portal_gen.cache import UNKNOWN, DocumentCache, digest
from portal_gen.config import PortalConfig
from portal_gen.diagnostics import Diagnostic, Severity, suggestion_hint
from portal_gen.documents import read_document
from portal_gen.frontmatter import (
    Reader,
    decode_source,
    parse_yaml_file,
    plain,
    split_front_matter,
)
from portal_gen.model import (
    UNIT_TYPES,
    Document,
    Unit,
    unit_id_error,
)
from portal_gen.schema import UNIT_FILE, UNIT_KEYS, unknown_key

__all__ = [
    "Content",
    "load_content",
    "read_document",
    "read_unit",
]

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: a file modified less than this long before it is read is not trusted by its stat alone
_RACY_NS = 2_000_000_000


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
    cache: DocumentCache = field(default_factory=lambda: DocumentCache(None, Path(), ""))


def load_content(config: PortalConfig, extra_keys: Iterable[str] = ()) -> Content:
    """Read every unit and document under ``config.docs_dir``.

    :param extra_keys: front-matter keys that plugins read (``comment.x`` inside comment);
        any other unknown key is reported.
    """
    content = Content(extra_keys=frozenset(extra_keys))
    salt = f"{config.docs_prefix}\0{sorted(content.extra_keys)}"
    content.cache = DocumentCache(config.cache_dir, config.docs_dir, salt)
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
        if entry.is_symlink() and (folder / UNIT_FILE).is_file():
            # a second name for a unit folder would publish every document twice
            content.never_publish.add(entry.name)
            content.diagnostics.append(
                Diagnostic(
                    config.relpath(folder),
                    None,
                    Severity.ERROR,
                    "duplicate-unit",
                    f"Thư mục `{entry.name}` là liên kết tới thư mục đơn vị "
                    f"`{Path(entry.path).resolve().name}`: đơn vị bị khai báo hai lần.",
                    "Xóa liên kết này; mỗi đơn vị chỉ có một thư mục (tên thư mục là mã đơn vị).",
                )
            )
            continue
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
    content.cache.save()
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
    prefix = folder.relative_to(docs_dir).as_posix()
    yield from _walk_strings(
        folder, "" if prefix == "." else prefix + "/", root_real, config, content
    )


def _walk_strings(
    folder: Path, prefix: str, root_real: Path, config: PortalConfig, content: Content
) -> Iterator[str]:
    # strings, not Paths: a unit folder holds thousands of files
    for entry in _sorted_entries(folder):
        if _hidden(entry.name) or _unsafe_symlink(entry, root_real, config, content):
            continue
        if entry.is_dir():
            yield from _walk_strings(
                Path(entry.path), f"{prefix}{entry.name}/", root_real, config, content
            )
        elif entry.is_file():
            yield prefix + entry.name


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
    docs_prefix = config.docs_prefix
    for uri in md_files:
        path = config.docs_dir / uri
        shown = docs_prefix + uri  # as config.relpath(path) says it, without 5,000 Paths
        if uri == f"{unit_id}/index.md":
            source, problems = decode_source(path.read_bytes(), shown)
            content.diagnostics.extend(problems)
            if source is not None:
                matter, problems = split_front_matter(source)
                content.diagnostics.extend(problems)
                intro_text = matter.body if matter else source.text
                intro_path = uri
            continue
        stat = path.stat()
        size = stat.st_size
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
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if time.time_ns() - stat.st_mtime_ns < _RACY_NS:
            # changed a moment ago: a change within the same clock tick of a coarse file
            # system would keep this signature, so read the bytes next time too (as git does)
            signature = UNKNOWN
        cached = content.cache.get_unchanged(uri, signature)
        if cached is None:
            data = path.read_bytes()
            data_digest = digest(data)
            cached = content.cache.get(uri, data_digest, signature)
        if cached is not None:
            document, known = cached
            content.diagnostics.extend(known)
        else:
            found: list[Diagnostic] = []
            touched: list[str] = []
            document = read_document(uri, data, unit_id, config, found, content.extra_keys, touched)
            if document is not None:
                document = replace(document, digest=data_digest)
            content.diagnostics.extend(found)
            content.cache.put(uri, data_digest, document, found, touched, signature)
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
        reader.diagnostics.append(unknown_key(path, reader.lines.get(key), key, list(UNIT_KEYS)))
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

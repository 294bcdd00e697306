"""Front matter parsed by portal-gen itself, keeping the line of every key and value.

MkDocs drops broken YAML without a word, and YAML 1.1 turns ``0123`` into 83, ``12:30`` into
750 and ``no`` into False. So the YAML is only *composed* into nodes (keeping marks), and
every value is read from its source text by a typed reader that reports problems as
Diagnostics at the right line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import yaml

from portal_gen.diagnostics import Diagnostic, Severity
from portal_gen.vntime import DateValueError, Moment, parse_date, parse_moment

__all__ = [
    "FrontMatter",
    "Reader",
    "SourceText",
    "body_of",
    "decode_source",
    "split_front_matter",
]

try:  # libyaml is ~10x faster; the pure-Python loader gives the same nodes and marks
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

T = TypeVar("T")

_OPENING = re.compile(r"\A---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_NULLS = {"", "~", "null", "Null", "NULL"}
_MAX_DEPTH = 20


@dataclass(frozen=True, slots=True)
class SourceText:
    """A decoded text file: LF line ends, no BOM, NFC-normalised."""

    text: str
    path: str


def decode_source(data: bytes, path: str) -> tuple[SourceText | None, list[Diagnostic]]:
    """Decode a content file as UTF-8, reporting encodings and bytes editors can't see.

    Word and old Vietnamese tools save Windows-1258 or TCVN3 (ABC); reading those as UTF-8
    would put mojibake on the site, so they are refused with the fix.
    """
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, [
            Diagnostic(
                path,
                line,
                Severity.ERROR,
                "invalid-encoding",
                "Tệp chứa ký tự NUL (mã 0): đây không phải tệp văn bản UTF-8 hợp lệ.",
                "Mở tệp bằng trình soạn thảo văn bản, xóa ký tự lạ rồi lưu lại "
                "với bảng mã UTF-8; nếu là tệp Word, hãy sao chép nội dung sang tệp .md mới.",
            )
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                path,
                line,
                Severity.ERROR,
                "invalid-encoding",
                "Tệp không được lưu bằng bảng mã UTF-8 "
                f"({_guess_legacy_encoding(data)}): tiếng Việt sẽ hiển thị sai.",
                "Mở tệp và lưu lại với bảng mã UTF-8 (Unicode). Với Unikey, dùng "
                "'Công cụ chuyển mã' để chuyển từ TCVN3 (ABC) hoặc VNI sang Unicode.",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        # Text pasted from macOS or some PDFs is decomposed (NFD): normalise so titles
        # compare, sort and search the same.
        text = unicodedata.normalize("NFC", text)
    return SourceText(text, path), []


def _guess_legacy_encoding(data: bytes) -> str:
    """Name the old Vietnamese encoding a file most likely uses (a hint, not a certainty).

    TCVN3 (ABC) has one byte per letter, the base letters ă â ê ô ơ ư đ at 0xA8-0xAE;
    Windows-1258 writes tones as combining marks (0xCC, 0xD2, 0xDE, 0xEC, 0xF2) after
    letters such as â (0xE2), ê (0xEA), ô (0xF4), ơ (0xF5), ư (0xFD), đ (0xF0).
    """
    tcvn3 = sum(data.count(bytes([b])) for b in range(0xA8, 0xAF))
    cp1258 = sum(
        data.count(bytes([b]))
        for b in (0xCC, 0xD2, 0xDE, 0xEC, 0xF2, 0xE2, 0xEA, 0xF4, 0xF5, 0xFD, 0xF0)
    )
    if tcvn3 > cp1258:
        return "có vẻ là bảng mã TCVN3/ABC"
    if cp1258:
        return "có vẻ là bảng mã Windows-1258"
    return "bảng mã cũ không xác định"


@dataclass(slots=True)
class FrontMatter:
    """The split of a Markdown file: the YAML mapping node, the body and where it starts."""

    node: yaml.MappingNode | None
    body: str
    body_line: int
    yaml_first_line: int  # file line of the first YAML line


def split_front_matter(source: SourceText) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Split a Markdown file into front matter and body.

    Returns ``(None, [])`` when the file has no front matter at all.
    """
    text = source.text
    found = _delimiters(text)
    if found is None:
        return None, []
    opening, closing = found
    if closing is None:
        return None, [
            Diagnostic(
                source.path,
                1,
                Severity.ERROR,
                "front-matter-unclosed",
                "Phần khai báo (front matter) mở bằng `---` nhưng không có dòng `---` đóng lại.",
                "Thêm một dòng chỉ có `---` ngay sau dòng khai báo cuối cùng.",
            )
        ]
    yaml_text = text[opening.end() : closing.start()]
    body_start = _body_start(text, closing)
    body_line = text.count("\n", 0, body_start) + 1
    matter = FrontMatter(None, text[body_start:], body_line, 2)
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        return matter, [_yaml_diagnostic(source.path, error, yaml_first_line=2, text=yaml_text)]
    except yaml.YAMLError as error:  # pragma: no cover - every YAML error we know is marked
        return matter, [
            Diagnostic(source.path, 1, Severity.ERROR, "yaml-syntax", str(error), _YAML_HINT)
        ]
    if node is None:
        return matter, []
    if not isinstance(node, yaml.MappingNode):
        return matter, [
            Diagnostic(
                source.path,
                node.start_mark.line + 2,
                Severity.ERROR,
                "front-matter-not-mapping",
                "Phần khai báo phải là các dòng `khóa: giá trị`.",
                "Ví dụ:\ntitle: Kế hoạch phát triển kinh tế - xã hội năm 2025\ndate: 2025-01-10",
            )
        ]
    matter.node = node
    return matter, []


def body_of(source: SourceText) -> str:
    """The Markdown body, as :func:`split_front_matter` gives it, without reading the
    YAML (a page's body is read again when it is rendered: its front matter was checked)."""
    found = _delimiters(source.text)
    if found is None or found[1] is None:
        return source.text
    return source.text[_body_start(source.text, found[1]) :]


def _delimiters(text: str) -> tuple[re.Match[str], re.Match[str] | None] | None:
    """The opening ``---`` line and the closing one (None: unclosed); None without one."""
    opening = _OPENING.match(text)
    if not opening:
        return None
    return opening, _CLOSING.search(text, opening.end())


def _body_start(text: str, closing: re.Match[str]) -> int:
    return closing.end() + 1 if closing.end() < len(text) else closing.end()


_YAML_HINT = (
    "Kiểm tra dòng này: mỗi dòng có dạng `khóa: giá trị`, thụt lề bằng dấu cách (không dùng "
    "TAB); giá trị có dấu `:` hoặc bắt đầu bằng ký tự đặc biệt thì đặt trong dấu ngoặc kép."
)

_YAML_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (
        "flow sequence",
        "Danh sách mở bằng `[` nhưng không có dấu `]` đóng lại.",
        "Thêm `]` vào cuối danh sách, hoặc viết mỗi mục trên một dòng bắt đầu bằng `- `.",
    ),
    (
        "flow mapping",
        "Nhóm khóa mở bằng `{` nhưng không có dấu `}` đóng lại.",
        "Thêm `}` vào cuối, hoặc viết mỗi khóa trên một dòng, thụt lề bằng dấu cách.",
    ),
    (
        "tab",
        "Dòng thụt lề bằng ký tự TAB; YAML chỉ chấp nhận dấu cách.",
        "Thay mỗi TAB ở đầu dòng bằng dấu cách (2 dấu cách cho mỗi mức thụt lề).",
    ),
    (
        "mapping values are not allowed",
        "Giá trị có dấu `:` nên YAML hiểu nhầm thành một khóa mới.",
        'Đặt cả giá trị trong dấu ngoặc kép, ví dụ: title: "Quyết định: về việc ..."',
    ),
    (
        "could not find expected ':'",
        "Thiếu dấu `:` giữa khóa và giá trị (hoặc một dòng bị ngắt giữa chừng).",
        "Mỗi dòng phải có dạng `khóa: giá trị`; nối lại dòng bị ngắt hoặc thêm dấu `:`.",
    ),
    (
        "found duplicate anchor",
        "Một neo (anchor `&...`) được khai báo hai lần.",
        "Xóa bớt hoặc đổi tên một neo.",
    ),
    (
        "found undefined alias",
        "Dùng bí danh (`*...`) chưa được khai báo.",
        "Xóa dấu `*` ở đầu giá trị, hoặc đặt giá trị trong dấu ngoặc kép.",
    ),
    (
        "found unexpected end of stream",
        "Phần khai báo kết thúc giữa chừng (thiếu dấu ngoặc kép hoặc ngoặc đóng).",
        'Kiểm tra các dấu ngoặc kép `"` và ngoặc `[ ]`, `{ }` đã được đóng đủ chưa.',
    ),
    (
        "expected a single document",
        "Phần khai báo chứa nhiều tài liệu YAML (có dòng `---` thừa).",
        "Chỉ giữ một dòng `---` ở đầu và một dòng `---` ở cuối phần khai báo.",
    ),
)


def _yaml_diagnostic(
    path: str, error: yaml.MarkedYAMLError, *, yaml_first_line: int, text: str = ""
) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    line = (mark.line + yaml_first_line) if mark is not None else yaml_first_line
    problem = f"{error.context or ''} {error.problem or ''}".strip()
    lines = text.split("\n")
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        problem = "tab"  # libyaml does not always say so; the line does
    for needle, message, hint in _YAML_PROBLEMS:
        if needle in problem:
            return Diagnostic(path, line, Severity.ERROR, "yaml-syntax", message, hint)
    return Diagnostic(
        path,
        line,
        Severity.ERROR,
        "yaml-syntax",
        f"Phần khai báo (front matter) không phải YAML hợp lệ: {problem}.",
        _YAML_HINT,
    )


def parse_yaml_file(source: SourceText) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """Compose a whole YAML file (``_unit.yml``) into nodes, with a Diagnostic on failure."""
    try:
        return yaml.compose(source.text, Loader=_Loader), []
    except yaml.MarkedYAMLError as error:
        return None, [_yaml_diagnostic(source.path, error, yaml_first_line=1, text=source.text)]


@dataclass(slots=True)
class Reader:
    """Reads typed values out of a YAML mapping node, collecting Diagnostics as it goes.

    ``line_offset`` converts a node's 0-based YAML line into the 1-based file line.
    """

    path: str
    line_offset: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.line_offset

    def error(self, node: yaml.Node | int | None, code: str, message: str, hint: str = "") -> None:
        line = self.line(node) if isinstance(node, yaml.Node) else node
        self.diagnostics.append(Diagnostic(self.path, line, Severity.ERROR, code, message, hint))

    def warning(
        self, node: yaml.Node | int | None, code: str, message: str, hint: str = ""
    ) -> None:
        line = self.line(node) if isinstance(node, yaml.Node) else node
        self.diagnostics.append(Diagnostic(self.path, line, Severity.WARNING, code, message, hint))

    def fields(self, node: yaml.MappingNode, prefix: str = "") -> dict[str, yaml.Node]:
        """The key → value nodes of a mapping, reporting duplicate and non-text keys."""
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "wrong-type", "Khóa phải là một từ, ví dụ `title`.", "")
                continue
            key = str(key_node.value)
            if key in result:
                self.error(
                    key_node,
                    "duplicate-key",
                    f"Khóa `{prefix}{key}` được khai báo hai lần.",
                    f"Giữ lại một dòng `{key}:` (dòng {self.lines[prefix + key]}) và xóa dòng còn lại.",
                )
                continue
            result[key] = value_node
            self.lines[prefix + key] = self.line(key_node)
        return result

    # -- scalars -----------------------------------------------------------------------

    def is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.style is None and node.value in _NULLS

    def text(self, node: yaml.Node, key: str) -> str | None:
        """A non-empty string, read exactly as written (``0123`` stays ``0123``)."""
        if self.is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(
                node,
                "wrong-type",
                f"`{key}` phải là một dòng chữ, không phải danh sách hay nhóm khóa.",
                f"Viết trên một dòng: `{key}: ...`",
            )
            return None
        value = " ".join(str(node.value).split()) if node.style in (None, ">") else str(node.value)
        return value.strip() or None

    def text_list(self, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node]]:
        """One string or a list of strings, each with its node (for its line)."""
        if self.is_null(node):
            return []
        if isinstance(node, yaml.SequenceNode):
            items = []
            for item in node.value:
                value = self.text(item, key)
                if value is not None:
                    items.append((value, item))
            return items
        value = self.text(node, key)
        return [(value, node)] if value is not None else []

    def choice(self, node: yaml.Node, key: str, choices: dict[str, T]) -> T | None:
        value = self.text(node, key)
        if value is None:
            return None
        if value in choices:
            return choices[value]
        from portal_gen.diagnostics import suggestion_hint

        hint = suggestion_hint(value, choices) or ""
        allowed = ", ".join(f"`{c}`" for c in choices)
        self.error(
            node,
            f"unknown-{key}",
            f"`{key}: {value}` không hợp lệ.",
            (hint + "\n" if hint else "") + f"Giá trị cho phép: {allowed}.",
        )
        return None

    def _dated(self, node: yaml.Node, key: str, parse: Callable[[str], T]) -> T | None:
        value = self.text(node, key)
        if value is None:
            return None
        try:
            return parse(value)
        except DateValueError as error:
            self.error(node, error.code, f"`{key}`: {error.message}", error.hint)
            return None

    def date(self, node: yaml.Node, key: str) -> date | None:
        return self._dated(node, key, parse_date)

    def moment(self, node: yaml.Node, key: str, *, end_of_day: bool = False) -> Moment | None:
        return self._dated(node, key, lambda raw: parse_moment(raw, end_of_day=end_of_day))

    def mapping(self, node: yaml.Node, key: str, example: str) -> yaml.MappingNode | None:
        if self.is_null(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(
                node,
                "wrong-type",
                f"`{key}` phải là một nhóm khóa (mỗi khóa một dòng, thụt lề).",
                f"Ví dụ:\n{example}",
            )
            return None
        return node

    def sequence(self, node: yaml.Node, key: str, example: str) -> list[yaml.Node]:
        if self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                node,
                "wrong-type",
                f"`{key}` phải là một danh sách (mỗi mục một dòng bắt đầu bằng `- `).",
                f"Ví dụ:\n{example}",
            )
            return []
        return list(node.value)

    def missing(self, node: yaml.Node | int | None, key: str, example: str) -> None:
        self.error(
            node,
            "missing-key",
            f"Thiếu khóa bắt buộc `{key}`.",
            f"Thêm dòng `{example}` vào phần khai báo.",
        )


def plain(node: yaml.Node, depth: int = 0) -> Any:
    """A node as plain Python data with every scalar kept as its source text."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, yaml.ScalarNode):
        return None if (node.style is None and node.value in _NULLS) else str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [plain(item, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {
            str(k.value): plain(v, depth + 1)
            for k, v in node.value
            if isinstance(k, yaml.ScalarNode)
        }
    return None  # pragma: no cover


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    return enumerate(text.split("\n"), start=1)

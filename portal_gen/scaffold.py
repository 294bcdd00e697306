"""``portal-gen new``: a unit or a document from a template, never overwriting a file.

The files pass ``portal-gen check`` as soon as their placeholders (empty values, marked
with a comment) are filled in; values that can be guessed (today, the unit's email, a
legal comment period) are filled in already.
"""

from __future__ import annotations

import posixpath
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from portal_gen.catalog import load_catalog
from portal_gen.config import PortalConfig
from portal_gen.content import read_unit
from portal_gen.model import UNIT_TYPES, unit_id_error
from portal_gen.schema import UNIT_FILE
from portal_gen.text import slugify
from portal_gen.vntime import VN_TZ

__all__ = ["ScaffoldError", "create"]

#: Art. 28(2): at least 20 days, unless a category sets its own minimum.
DEFAULT_COMMENT_DAYS = 20


class ScaffoldError(Exception):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _quote(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (``0123`` stays a string)."""
    dumped: str = yaml.safe_dump(value, allow_unicode=True, default_style='"', width=10_000)
    return dumped.strip().removesuffix("...").strip()


def _write_new(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"Tệp `{path}` đã có; portal-gen không ghi đè. Chọn tên (--title) khác hoặc sửa tệp đó."
        ) from None
    return path


def create(
    config: PortalConfig,
    what: str,
    *,
    unit_id: str,
    title: str,
    category: str | None = None,
    unit_type: str | None = None,
    result_of: str | None = None,
) -> Path:
    """Write the new file and return its path."""
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("--title không được để trống.", exit_code=2)
    problem = unit_id_error(unit_id)
    if problem:
        raise ScaffoldError(problem, exit_code=2)
    today = (config.now or datetime.now(VN_TZ)).astimezone(VN_TZ).date()
    folder = config.docs_dir / unit_id
    if what == "unit":
        return _new_unit(folder, unit_id, title, unit_type)
    unit_file = folder / UNIT_FILE
    if not unit_file.is_file():
        raise ScaffoldError(
            f"Chưa có đơn vị `{unit_id}` ({unit_file} không tồn tại). Tạo trước bằng "
            f'`portal-gen new unit --unit {unit_id} --title "..." --type xa`.',
            exit_code=2,
        )
    unit = read_unit(unit_id, unit_file.read_bytes(), str(unit_file), [])
    catalog = load_catalog(config)
    if category and catalog.get(category) is None:
        from portal_gen.diagnostics import suggestion_hint

        hint = suggestion_hint(category, catalog.categories, labels=catalog.titles())
        raise ScaffoldError(
            f"Mã danh mục `{category}` không có trong danh mục. {hint} "
            f"Xem danh sách: `portal-gen categories --unit-type {unit.type if unit else 'xa'}`.",
            exit_code=2,
        )
    slug = slugify(title) or "van-ban"
    lines = ["---", f"title: {_quote(title)}"]
    if what != "disclosure":
        lines.append(f"kind: {what}")
    if category:
        lines.append(f"category: {category}")
    elif what == "disclosure":
        lines.append('category: ""            # BẮT BUỘC: mã danh mục, xem `portal-gen categories`')
    lines += [
        f"date: {today.isoformat()}        # ngày đăng trên cổng",
        'number: ""              # số ký hiệu, ví dụ "12/KH-UBND" (để trống nếu không có)',
        f"issued: {today.isoformat()}      # ngày ký ban hành",
        'signer: ""              # người ký',
    ]
    if what == "draft":
        chosen = catalog.get(category) if category else None
        days = max(DEFAULT_COMMENT_DAYS, (chosen.min_comment_days if chosen else None) or 0)
        closes = today + timedelta(days=days)
        lines += [
            "comment:",
            f"  opens: {today.isoformat()}",
            f"  closes: {closes.isoformat()} 17:00   # ít nhất {days} ngày kể từ ngày công khai",
            f"  email: {_quote(unit.email) if unit and unit.email else chr(34) * 2}",
            f"  address: {_quote(unit.address) if unit and unit.address else chr(34) * 2}",
            '  contact: ""           # người tiếp nhận góp ý',
        ]
    if what == "result":
        target = _result_target(folder, result_of)
        lines.append(f"result_of: {_quote(target)}")
    lines += ["---", "", _body(what), ""]
    return _write_new(folder / f"{slug}.md", "\n".join(lines))


def _result_target(folder: Path, result_of: str | None) -> str:
    if not result_of:
        raise ScaffoldError("`new result` cần --result-of: tệp .md của dự thảo.", exit_code=2)
    relative = posixpath.normpath(result_of.replace("\\", "/"))
    if relative.startswith(f"{folder.name}/"):
        relative = relative[len(folder.name) + 1 :]
    if not (folder / relative).is_file():
        raise ScaffoldError(
            f"Không tìm thấy dự thảo `{result_of}` trong thư mục `{folder}`.", exit_code=2
        )
    return relative


def _body(what: str) -> str:
    return {
        "disclosure": "Nội dung văn bản công khai.",
        "draft": "Nội dung dự thảo. Nêu rõ những vấn đề cần xin ý kiến Nhân dân.",
        "result": (
            "## Tổng hợp ý kiến\n\nSố ý kiến nhận được, các nhóm ý kiến chính.\n\n"
            "## Giải trình, tiếp thu\n\nÝ kiến được tiếp thu, ý kiến không tiếp thu và lý do."
        ),
    }[what]


def _new_unit(folder: Path, unit_id: str, name: str, unit_type: str | None) -> Path:
    if unit_type is None or unit_type not in UNIT_TYPES:
        allowed = ", ".join(UNIT_TYPES)
        raise ScaffoldError(f"`new unit` cần --type, một trong: {allowed}.", exit_code=2)
    text = "\n".join(
        [
            f"name: {_quote(name)}",
            f"type: {unit_type}",
            'address: ""       # địa chỉ trụ sở',
            'phone: ""         # điện thoại',
            'email: ""         # thư điện tử nhận góp ý',
            "",
        ]
    )
    return _write_new(folder / UNIT_FILE, text)

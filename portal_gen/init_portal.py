"""``portal-gen init``: a new portal repository that checks and builds at once.

The starter files live as plain files under ``portal_gen/starter/``. Names there are
written out with three changes: a leading ``dot-`` becomes ``.`` (setuptools' package-data
globs skip hidden folders such as ``.github``, and a real ``.gitignore`` there would apply
to portal-gen's own repository); ``*.tmpl`` files are filled in with
:class:`string.Template` (``$site_name``...) and lose their suffix; the folder ``__unit__``
takes the first unit's id. The unit's ``_unit.yml`` is written by the same code as
``portal-gen new unit``, so both always agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from string import Template
from urllib.parse import urlsplit

from portal_gen.config import PortalConfig
from portal_gen.model import UNIT_TYPES, Audience, unit_id_error
from portal_gen.scaffold import ScaffoldError, create

__all__ = [
    "InitError",
    "default_site_name",
    "init_portal",
    "output_name",
    "starter_files",
]

TEMPLATE_SUFFIX = ".tmpl"
UNIT_PLACEHOLDER = "__unit__"
DOT_PREFIX = "dot-"
#: What may already be in the target folder: a freshly cloned, empty git repository.
IGNORED_ENTRIES = frozenset({".git"})


class InitError(Exception):
    """A reason not to create the portal, in Vietnamese; nothing has been written."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def default_site_name(unit_name: str) -> str:
    return f"Thông tin công khai – {unit_name}"


def starter_files() -> Iterator[tuple[PurePosixPath, Traversable]]:
    """Every starter file as (path inside starter/, resource), in a stable order."""

    def walk(
        folder: Traversable, prefix: PurePosixPath
    ) -> Iterator[tuple[PurePosixPath, Traversable]]:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                yield from walk(entry, prefix / entry.name)
            else:
                yield prefix / entry.name, entry

    yield from walk(resources.files("portal_gen").joinpath("starter"), PurePosixPath())


def _yaml_string(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML) that reads back as ``value``."""
    return json.dumps(value, ensure_ascii=False)


def _check_site_url(site_url: str) -> str:
    parts = urlsplit(site_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InitError(
            f"Địa chỉ cổng `{site_url}` không hợp lệ: ghi đầy đủ, ví dụ "
            f"`https://congkhai.phuongbinhan.gov.vn/` hoặc `https://ten-to-chuc.github.io/ten-kho/`.",
            exit_code=2,
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return parts._replace(path=path, query="", fragment="").geturl()


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise InitError(f"`{target}` là một tệp, không phải thư mục.", exit_code=2)
    if target.is_dir():
        present = sorted(p.name for p in target.iterdir() if p.name not in IGNORED_ENTRIES)
        if present:
            shown = ", ".join(f"`{name}`" for name in present[:5])
            more = f" và {len(present) - 5} mục khác" if len(present) > 5 else ""
            raise InitError(
                f"Thư mục `{target}` không trống (có {shown}{more}). portal-gen init chỉ tạo cổng "
                "trong một thư mục mới hoặc trống, để không ghi đè gì; chọn thư mục khác."
            )


def _examples(unit_type: str) -> dict[str, str]:
    """Category codes for the README's examples, taken from the catalog for this unit type."""
    from portal_gen.catalog import packaged_catalog

    catalog = packaged_catalog()
    categories = [
        c
        for c in catalog.for_unit_type(unit_type)
        if not c.generated and c.audience is Audience.PUBLIC
    ] or catalog.for_unit_type(unit_type)
    chosen = next(
        (c for c in categories if c.always_required), categories[0] if categories else None
    )
    draft = "lay-y-kien-du-thao"
    return {
        "disclosure_category": chosen.code if chosen else "khac",
        "disclosure_title": f"{chosen.short} năm ..." if chosen else "...",
        "draft_category_option": (
            f" --category {draft}" if catalog.applies_to(draft, unit_type) else ""
        ),
    }


def output_name(relative: PurePosixPath, unit_id: str) -> PurePosixPath:
    """Where a starter file goes in the new portal: ``dot-github/...`` → ``.github/...``."""

    def rename(part: str) -> str:
        if part == UNIT_PLACEHOLDER:
            return unit_id
        if part.startswith(DOT_PREFIX):
            return "." + part.removeprefix(DOT_PREFIX)
        return part

    renamed = PurePosixPath(*(rename(part) for part in relative.parts))
    return renamed.with_name(renamed.name.removesuffix(TEMPLATE_SUFFIX))


def _write_new(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as handle:  # "x": never replace a file, even one created meanwhile
        handle.write(data)


def init_portal(
    target: Path,
    *,
    name: str,
    unit_id: str,
    unit_name: str,
    unit_type: str,
    site_url: str,
) -> list[Path]:
    """Create a portal repository in ``target`` (new, empty, or holding only ``.git``).

    :returns: the files written, in the order they were written.
    :raises InitError: before writing anything, when an option is invalid or ``target`` is
        not empty.
    """
    name = " ".join(name.split())
    unit_name = " ".join(unit_name.split())
    if not name:
        raise InitError("Tên cổng (--name) không được để trống.", exit_code=2)
    if not unit_name:
        raise InitError("Tên đơn vị (--unit-name) không được để trống.", exit_code=2)
    problem = unit_id_error(unit_id)
    if problem:
        raise InitError(problem, exit_code=2)
    if unit_type not in UNIT_TYPES:
        raise InitError(
            f"Loại đơn vị `{unit_type}` không có; dùng một trong: {', '.join(UNIT_TYPES)}.",
            exit_code=2,
        )
    site_url = _check_site_url(site_url)
    _check_target(target)

    values: Mapping[str, str] = {
        "site_name": name,
        "site_name_yaml": _yaml_string(name),
        "site_url": site_url,
        "site_url_yaml": _yaml_string(site_url),
        "unit_id": unit_id,
        "unit_name": unit_name,
        "unit_type": unit_type,
        **_examples(unit_type),
    }
    rendered: list[tuple[Path, bytes]] = []
    for relative, resource in starter_files():
        data = resource.read_bytes()
        if relative.name.endswith(TEMPLATE_SUFFIX):
            data = Template(data.decode("utf-8")).substitute(values).encode("utf-8")
        rendered.append((target.joinpath(*output_name(relative, unit_id).parts), data))

    written: list[Path] = []
    try:
        for path, data in rendered:
            _write_new(path, data)
            written.append(path)
        config = PortalConfig(config_dir=target, docs_dir=target / "content")
        written.append(
            create(config, "unit", unit_id=unit_id, title=unit_name, unit_type=unit_type)
        )
    except (FileExistsError, ScaffoldError) as error:
        # Only possible if another program writes into the folder at the same moment.
        raise InitError(f"Không tạo được cổng: {error}") from None
    return written

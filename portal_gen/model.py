"""The typed model of a portal: units, documents, comment periods and their statuses.

Everything here is plain data computed from the content; nothing reads files or knows
about MkDocs. Instants are aware datetimes (see :mod:`portal_gen.vntime`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from portal_gen.pickling import quick_pickle
from portal_gen.text import slugify
from portal_gen.vntime import VN_TZ, Moment, format_date, vn_date

_Date = date  # Document.date (a property) shadows the type inside the class

__all__ = [
    "UNIT_TYPES",
    "Attachment",
    "Audience",
    "CommentPeriod",
    "CommentStatus",
    "Document",
    "Extension",
    "Kind",
    "Period",
    "Unit",
    "comment_status",
    "permanent_id",
    "unit_id_error",
]


class Kind(StrEnum):
    DISCLOSURE = "disclosure"
    DRAFT = "draft"
    RESULT = "result"


class Audience(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class CommentStatus(StrEnum):
    """SPEC §2.3: one status per draft at any instant."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    CONCLUDED = "concluded"


#: SPEC §2.1 unit types and their Vietnamese names.
UNIT_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "xa": "Xã",
        "phuong": "Phường",
        "dac-khu": "Đặc khu",
        "thi-tran": "Thị trấn",
        "co-quan": "Cơ quan nhà nước",
        "don-vi-su-nghiep": "Đơn vị sự nghiệp công lập",
        "doanh-nghiep-nha-nuoc": "Doanh nghiệp nhà nước",
        "doanh-nghiep": "Doanh nghiệp",
    }
)

UNIT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def unit_id_error(unit_id: str) -> str | None:
    """Why ``unit_id`` cannot name a unit (a Vietnamese sentence with a fix), or None."""
    if UNIT_ID.match(unit_id):
        return None
    return (
        f"Mã đơn vị `{unit_id}` phải viết thường, không dấu, nối bằng dấu gạch ngang, "
        f"ví dụ `{slugify(unit_id) or 'phuong-binh-an'}`."
    )


@quick_pickle
@dataclass(frozen=True, slots=True)
class Unit:
    """A commune, ward, agency or employer: one folder of ``content/`` with a ``_unit.yml``."""

    id: str
    name: str
    type: str
    path: str
    parent: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    intro: str = ""
    intro_path: str | None = None
    lines: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))
    extra: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def type_name(self) -> str:
        return UNIT_TYPES.get(self.type, self.type)


_PERIOD = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<h>H[12])|(?P<q>Q[1-4])|(?P<m>\d{2})))?$")


@quick_pickle
@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period of a periodic category: ``2024``, ``2024-H1``, ``2024-Q3``, ``2024-09``."""

    year: int
    unit: str  # "year" | "half" | "quarter" | "month"
    index: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip().upper())
        if not match:
            raise ValueError(text)
        year = int(match["y"])
        if match["h"]:
            return cls(year, "half", int(match["h"][1]))
        if match["q"]:
            return cls(year, "quarter", int(match["q"][1]))
        if match["m"]:
            month = int(match["m"])
            if not 1 <= month <= 12:
                raise ValueError(text)
            return cls(year, "month", month)
        return cls(year, "year")

    @property
    def months(self) -> int:
        return {"year": 12, "half": 6, "quarter": 3, "month": 1}[self.unit]

    @property
    def start(self) -> date:
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        month = self.index * self.months
        return date(self.year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)

    def __str__(self) -> str:
        suffix = {"year": "", "half": f"-H{self.index}", "quarter": f"-Q{self.index}"}
        return f"{self.year}{suffix.get(self.unit, f'-{self.index:02d}')}"

    @property
    def label(self) -> str:
        """Vietnamese wording: ``Quý III/2024``, ``6 tháng đầu năm 2024``, ``Tháng 9/2024``."""
        if self.unit == "quarter":
            return f"Quý {('I', 'II', 'III', 'IV')[self.index - 1]}/{self.year}"
        if self.unit == "half":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        if self.unit == "month":
            return f"Tháng {self.index}/{self.year}"
        return f"Năm {self.year}"

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


@quick_pickle
@dataclass(frozen=True, slots=True)
class Attachment:
    """A file listed under ``attachments``: a path in ``content/`` or an external link."""

    raw: str
    src_uri: str | None  # relative to content/, None for external links
    size: int | None = None
    line: int | None = None

    @property
    def is_external(self) -> bool:
        return self.src_uri is None

    @property
    def name(self) -> str:
        return self.raw.rstrip("/").rsplit("/", 1)[-1]

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


@quick_pickle
@dataclass(frozen=True, slots=True)
class Extension:
    """A deadline extension: it moves the deadline, with its reason and announcement day."""

    closes: Moment
    announced: date | None = None
    reason: str | None = None
    line: int | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class CommentPeriod:
    """The ``comment`` block of a draft."""

    opens: Moment
    closes: Moment
    email: str | None = None
    address: str | None = None
    contact: str | None = None
    phone: str | None = None
    extensions: tuple[Extension, ...] = ()

    @property
    def deadline(self) -> Moment:
        """The effective deadline: the last extension's, if any (SPEC §2.2)."""
        return self.extensions[-1].closes if self.extensions else self.closes

    @property
    def duration_days(self) -> float:
        return (self.deadline.at - self.opens.at).total_seconds() / 86400


def comment_status(period: CommentPeriod, now: datetime, *, concluded: bool) -> CommentStatus:
    """The status of a draft at ``now`` (SPEC §2.3); both bounds are inclusive."""
    if concluded:
        return CommentStatus.CONCLUDED
    if now < period.opens.at:
        return CommentStatus.UPCOMING
    if now <= period.deadline.at:
        return CommentStatus.OPEN
    return CommentStatus.CLOSED


@quick_pickle
@dataclass(frozen=True, slots=True)
class Document:
    """One Markdown file with front matter: a disclosure, a draft for comment, or a result."""

    src_uri: str  # relative to content/, POSIX
    path: str  # relative to the portal (the folder holding mkdocs.yml), for diagnostics
    unit_id: str
    title: str
    kind: Kind
    published: Moment
    categories: tuple[str, ...] = ()
    number: str | None = None
    issued: date | None = None
    issuer: str | None = None
    signer: str | None = None
    period: Period | None = None
    audience: Audience | None = None  # as written; None means "not said"
    attachments: tuple[Attachment, ...] = ()
    comment: CommentPeriod | None = None
    result_of: str | None = None  # src_uri of the draft it answers
    description: str | None = None
    doc_id: str | None = None  # the permanent id written in front matter, if any
    #: a permanent id that survives renaming or moving the file (feeds, open data): the
    #: ``id`` written in front matter, else ``<unit>/<date>-<title slug>`` (see permanent_id)
    uid: str = ""
    #: content files the Markdown body links to or embeds (relative to content/); the body
    #: itself is not kept in memory: portal_gen.documents.read_body reads it when rendered
    links: frozenset[str] = frozenset()
    #: digest of the file's bytes: what caches key their results on (portal_gen.cache)
    digest: str = ""
    body_line: int = 1
    lines: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))
    extra: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def state(self) -> tuple[str, str, tuple[tuple[str | None, int | None], ...]]:
        """What the document's pages and files are made of, itself (its bytes and its
        attachments' sizes): part of the keys of outputs kept from one build to the next."""
        return (self.src_uri, self.digest, tuple((a.src_uri, a.size) for a in self.attachments))

    @property
    def date(self) -> date:
        """The day it is published on the portal, in Vietnam time."""
        return vn_date(self.published.at)

    @property
    def issued_or_date(self) -> _Date:
        return self.issued or self.date

    @property
    def stem(self) -> str:
        return self.src_uri.removesuffix(".md")

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    @property
    def date_label(self) -> str:
        return format_date(self.date)


def permanent_id(unit_id: str, published: Moment, title: str, doc_id: str | None) -> str:
    """``doc_id`` if written, else ``<unit>/<date>-<title slug>``: independent of the file's
    name and place. A portal that merges units keeps ids stable by writing ``id:``."""
    if doc_id:
        return doc_id
    return f"{unit_id}/{vn_date(published.at).isoformat()}-{slugify(title, max_length=60)}"


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)

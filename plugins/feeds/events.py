"""Feed entries as events: a document published, a deadline extended (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time

from portal_gen import (
    CommentPeriod,
    Document,
    Kind,
    Portal,
)
from portal_gen.text import strip_control_chars
from portal_gen.vntime import (
    VN_TZ,
    format_date,
    format_deadline,
    format_opening,
)

SUBSCRIBE_PAGE = "theo-doi.md"
DEFAULT_LIMIT = 50
#: The date in the tag: ids of the feeds themselves (entries use their document's year).
FEED_TAG_YEAR = 2026
#: ``updated`` of a feed with no entry in a portal with no document at all.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
SAFE_NAME = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


def clean(text: str) -> str:
    return strip_control_chars(text).strip()


# -- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEvent:
    """One feed entry: a document published, or a draft's deadline extended."""

    suffix: str  # the part of the tag: id after the year, from Document.uid
    document: Document
    title: str
    published: datetime
    updated: datetime
    lines: tuple[str, ...]  # the entry's text; the link is added when written

    @property
    def year(self) -> int:
        return self.document.date.year

    @property
    def sort_key(self) -> tuple[float, float, str]:
        return (-self.updated.timestamp(), -self.published.timestamp(), self.suffix)


def extension_moments(comment: CommentPeriod) -> list[datetime]:
    """When each extension became known: its ``announced`` day, else the deadline it replaced."""
    moments = []
    previous = comment.closes
    for extension in comment.extensions:
        if extension.announced is not None:
            moments.append(datetime.combine(extension.announced, time(0), VN_TZ))
        else:
            moments.append(previous.at)
        previous = extension.closes
    return moments


def last_change(document: Document) -> datetime:
    """The latest dated change of a document: its publication or a later extension."""
    moments = [document.published.at]
    if document.comment is not None:
        moments += extension_moments(document.comment)
    return max(moments)


def unit_name(portal: Portal, unit_id: str) -> str:
    unit = portal.units.get(unit_id)
    return unit.name if unit else unit_id


def category_label(portal: Portal, code: str) -> str:
    category = portal.catalog.get(code) if portal.catalog else None
    return category.short if category else code


def how_to_comment(document: Document, portal: Portal) -> str:
    """Where to send comments: the draft's own contacts, else the unit's."""
    comment = document.comment
    assert comment is not None
    unit = portal.units.get(document.unit_id)
    email = comment.email or (unit.email if unit else None)
    address = comment.address or (unit.address if unit else None)
    phone = comment.phone or (unit.phone if unit else None)
    ways = []
    if email:
        ways.append(f"gửi thư điện tử đến {email}")
    if address:
        ways.append(f"gửi văn bản hoặc góp ý trực tiếp tại {address}")
    if comment.contact:
        ways.append(f"liên hệ {comment.contact}" + (f", điện thoại {phone}" if phone else ""))
    elif phone:
        ways.append(f"gọi điện thoại {phone}")
    if not ways:
        return "Cách góp ý: xem hướng dẫn trên trang của dự thảo."
    return "Cách góp ý: " + "; ".join(ways) + "."


def document_lines(document: Document, portal: Portal) -> list[str]:
    lines = [document.description] if document.description else []
    lines.append(f"Đơn vị: {unit_name(portal, document.unit_id)}.")
    if document.categories:
        labels = "; ".join(category_label(portal, c) for c in document.categories)
        lines.append(f"Danh mục: {labels}.")
    if document.number:
        lines.append(f"Số ký hiệu: {document.number}.")
    lines.append(f"Ngày công khai: {format_date(document.date)}.")
    return lines


def document_event(document: Document, portal: Portal) -> FeedEvent:
    lines = document_lines(document, portal)
    title = document.title
    comment = document.comment
    if document.kind is Kind.DRAFT and comment is not None:
        title = f"Lấy ý kiến: {document.title}"
        lines.append(
            f"Thời gian lấy ý kiến: từ {format_opening(comment.opens)} đến "
            f"{format_deadline(comment.deadline.at)} (giờ Việt Nam)."
        )
        if comment.extensions:
            lines.append(
                f"Đã gia hạn {len(comment.extensions)} lần; hạn ban đầu là "
                f"{format_deadline(comment.closes.at)}."
            )
        lines.append(how_to_comment(document, portal))
    elif document.kind is Kind.RESULT:
        title = f"Kết quả lấy ý kiến: {document.title}"
        draft = portal.draft_of(document)
        if draft is not None:
            lines.insert(0, f"Kết quả lấy ý kiến về: {draft.title}.")
    return FeedEvent(
        f"doc/{document.uid}",
        document,
        title,
        document.published.at,
        last_change(document),
        tuple(lines),
    )


def extension_events(document: Document, portal: Portal) -> Iterator[FeedEvent]:
    """One event per extension; its text depends only on that extension, never a later one."""
    comment = document.comment
    if document.kind is not Kind.DRAFT or comment is None:
        return
    previous = comment.closes
    for number, (extension, moment) in enumerate(
        zip(comment.extensions, extension_moments(comment), strict=True), start=1
    ):
        deadline = format_deadline(extension.closes.at)
        lines = [
            f"Gia hạn lấy ý kiến đến {deadline} (giờ Việt Nam), "
            f"thay cho hạn {format_deadline(previous.at)}."
        ]
        if extension.reason:
            lines.append(f"Lý do: {extension.reason}.")
        if extension.announced:
            lines.append(f"Thông báo gia hạn ngày {format_date(extension.announced)}.")
        lines += document_lines(document, portal)
        lines.append(how_to_comment(document, portal))
        yield FeedEvent(
            f"doc/{document.uid}/gia-han-{number}",
            document,
            f"Gia hạn góp ý đến {deadline}: {document.title}",
            moment,
            moment,
            tuple(lines),
        )
        previous = extension.closes


def portal_events(portal: Portal) -> list[FeedEvent]:
    """Every event of the documents this build publishes, latest change first."""
    events = []
    for document in portal.published:
        events.append(document_event(document, portal))
        events.extend(extension_events(document, portal))
    return sorted(events, key=lambda e: e.sort_key)

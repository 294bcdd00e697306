"""Drafts for comment: statuses, deadline wording, extensions, results, and the banner data.

The banner itself is the template ``partials/portal/comment-banner.html``; this plugin only
hands it data. ``assets/portal/comment-status.js`` recomputes the status in the reader's
browser from the same ISO instants, so a page built last week is still right today.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from portal_gen import CommentStatus, Diagnostic, Document, Kind, Portal, Severity, hookimpl
from portal_gen.vntime import (
    days_until,
    format_date,
    format_deadline,
    format_moment,
    format_opening,
    non_working_days,
    to_vn,
    vn_date,
    working_days_until,
)

STATUS_LABELS = {
    CommentStatus.UPCOMING: "Sắp lấy ý kiến",
    CommentStatus.OPEN: "Đang lấy ý kiến",
    CommentStatus.CLOSED: "Đã hết hạn góp ý",
    CommentStatus.CONCLUDED: "Đã công bố kết quả",
}

DEFAULTS = {"closing_soon_days": 3, "result_due_days": 30}


def setting(portal: Portal, key: str) -> int:
    return int(portal.config.option("comment", key, DEFAULTS[key]))


def result_due(portal: Portal, draft: Document) -> datetime:
    """When the summary of comments is overdue: the deadline plus ``result_due_days``."""
    assert draft.comment is not None
    return draft.comment.deadline.at + timedelta(days=setting(portal, "result_due_days"))


def opening_text(draft: Document) -> str:
    assert draft.comment is not None
    return format_opening(draft.comment.opens)


def mailto(draft: Document) -> str | None:
    """A mailto link whose subject names the draft, so the office can sort replies."""
    assert draft.comment is not None
    if not draft.comment.email:
        return None
    subject = f"Góp ý dự thảo: {draft.title}"
    if draft.number:
        subject += f" (số {draft.number})"
    return f"mailto:{draft.comment.email}?subject={quote(subject)}"


def banner(draft: Document, portal: Portal) -> dict[str, Any]:
    """Everything the comment banner shows, computed for ``portal.now``."""
    comment = draft.comment
    assert comment is not None
    status = portal.status_of(draft)
    assert status is not None
    deadline = comment.deadline.at
    now = portal.now
    unit = portal.units.get(draft.unit_id)
    days_left = days_until(now, deadline) if status is CommentStatus.OPEN else None
    working_left = working_days_until(now, deadline) if status is CommentStatus.OPEN else None
    due = result_due(portal, draft)
    period_start = vn_date(comment.opens.at)
    period_end = vn_date(deadline)
    return {
        "status": str(status),
        "status_label": STATUS_LABELS[status],
        "opens_iso": comment.opens.at.isoformat(),
        "closes_iso": deadline.isoformat(),
        "result_due_iso": due.isoformat(),
        "opens_text": opening_text(draft),
        "deadline_text": format_deadline(deadline),
        "original_deadline_text": format_deadline(comment.closes.at)
        if comment.extensions
        else None,
        "extensions": [
            {
                "deadline_text": format_deadline(ext.closes.at),
                "announced_text": format_date(ext.announced) if ext.announced else None,
                "reason": ext.reason,
            }
            for ext in comment.extensions
        ],
        "duration_days": int(comment.duration_days),
        "days_left": days_left,
        "working_days_left": working_left,
        "closing_soon": days_left is not None and days_left <= setting(portal, "closing_soon_days"),
        "closing_soon_days": setting(portal, "closing_soon_days"),
        "overdue": status is CommentStatus.CLOSED and now > due,
        "overdue_days": (now - due).days if status is CommentStatus.CLOSED and now > due else 0,
        # Browsers count working days with the same calendar as the build.
        "non_working_days": [d.isoformat() for d in non_working_days(period_start, period_end)],
        "computed_at_iso": now.isoformat(),
        "computed_at_text": format_moment(now),
        "how": {
            "email": comment.email,
            "mailto": mailto(draft),
            "address": comment.address,
            "contact": comment.contact,
            "phone": comment.phone,
        },
        "unit": {
            "name": unit.name if unit else draft.unit_id,
            "address": unit.address if unit else None,
            "phone": unit.phone if unit else None,
            "email": unit.email if unit else None,
            "website": unit.website if unit else None,
        },
        "results": [
            {"title": r.title, "url": portal.url_of(r), "date_text": format_date(r.date)}
            for r in portal.results_of(draft)
        ],
    }


@hookimpl
def portal_document_context(document: Document, portal: Portal) -> Mapping[str, Any] | None:
    if document.kind is Kind.DRAFT and document.comment is not None:
        return {"comment": banner(document, portal)}
    if document.kind is Kind.RESULT:
        draft = portal.draft_of(document)
        if draft is not None:
            return {
                "result_of": {
                    "title": draft.title,
                    "url": portal.url_of(draft),
                    "number": draft.number,
                    "period_text": f"từ {opening_text(draft)} đến {format_deadline(draft.comment.deadline.at)}"
                    if draft.comment
                    else None,
                }
            }
    return None


@hookimpl
def portal_site_context(portal: Portal) -> Mapping[str, Any]:
    """Open drafts for the announcement bar, soonest deadline first."""
    open_drafts = sorted(
        portal.drafts_with_status(CommentStatus.OPEN),
        key=lambda d: (d.comment.deadline.at if d.comment else d.published.at, d.src_uri),
    )
    return {
        "open_drafts": [
            {
                "title": d.title,
                "url": portal.url_of(d),
                "deadline_text": format_deadline(d.comment.deadline.at) if d.comment else "",
                "opens_iso": d.comment.opens.at.isoformat() if d.comment else "",
                "closes_iso": d.comment.deadline.at.isoformat() if d.comment else "",
                "unit": portal.units[d.unit_id].name if d.unit_id in portal.units else d.unit_id,
            }
            for d in open_drafts
        ]
    }


@hookimpl
def portal_status_changes(portal: Portal) -> list[datetime]:
    changes = portal.status_changes()
    changes += [result_due(portal, draft) for draft in portal.drafts]
    return changes


@hookimpl
def portal_check_document(document: Document, portal: Portal) -> Iterator[Diagnostic]:
    comment = document.comment
    if (
        document.kind is not Kind.DRAFT
        or comment is None
        or comment.deadline.at <= comment.opens.at
    ):
        return  # no period at all: the schema plugin reports closes-before-opens
    due = result_due(portal, document)
    if portal.status_of(document) is CommentStatus.CLOSED and portal.now > due:
        days = setting(portal, "result_due_days")
        yield Diagnostic(
            document.path,
            document.line_of("comment"),
            Severity.WARNING,
            "result-overdue",
            f"Đã hết hạn góp ý từ {format_deadline(comment.deadline.at)} (quá {days} ngày) nhưng chưa "
            "công bố kết quả tổng hợp, giải trình, tiếp thu ý kiến (Điều 28 khoản 3).",
            "Đăng báo cáo kết quả: `portal-gen new result --unit "
            f'{document.unit_id} --title "..." --result-of {document.src_uri.split("/", 1)[1]}`. '
            "Thời hạn này đặt bằng `comment: {result_due_days: N}` trong cấu hình plugin portal.",
        )
    closes_local = to_vn(comment.deadline.at)
    if not comment.deadline.date_only and closes_local.hour == 0 and closes_local.minute == 0:
        yield Diagnostic(
            document.path,
            document.line_of("comment.closes"),
            Severity.WARNING,
            "ambiguous-midnight",
            "Hạn góp ý lúc 00:00 dễ bị hiểu nhầm sang ngày hôm trước hoặc hôm sau; "
            f"cổng sẽ ghi là {format_deadline(comment.deadline.at)}.",
            "Viết chỉ ngày (hết 23:59 ngày đó), ví dụ `closes: 2024-10-10`, hoặc ghi rõ giờ, ví dụ `17:00`.",
        )

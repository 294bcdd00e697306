"""Comment statuses (SPEC §2.3) at every boundary, in any machine time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal_gen.model import CommentPeriod, CommentStatus, Extension, Period, comment_status
from portal_gen.vntime import parse_moment

SECOND = timedelta(seconds=1)


def period(opens: str, closes: str, *extensions: str) -> CommentPeriod:
    return CommentPeriod(
        opens=parse_moment(opens),
        closes=parse_moment(closes, end_of_day=True),
        extensions=tuple(Extension(parse_moment(e, end_of_day=True)) for e in extensions),
    )


def at(text: str) -> datetime:
    return parse_moment(text).at


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at("2024-09-19") - SECOND, CommentStatus.UPCOMING),
        (at("2024-09-19"), CommentStatus.OPEN),
        (at("2024-09-19") + SECOND, CommentStatus.OPEN),
        (at("2024-10-10 17:00") - SECOND, CommentStatus.OPEN),
        (at("2024-10-10 17:00"), CommentStatus.OPEN),
        (at("2024-10-10 17:00") + SECOND, CommentStatus.CLOSED),
    ],
)
def test_status_at_the_boundaries(machine_tz: str, now: datetime, expected: CommentStatus) -> None:
    assert (
        comment_status(period("2024-09-19", "2024-10-10 17:00"), now, concluded=False) is expected
    )


def test_date_only_deadline_lasts_the_whole_day(machine_tz: str) -> None:
    p = period("2024-09-19", "2024-10-10")
    assert comment_status(p, at("2024-10-10 23:59:59"), concluded=False) is CommentStatus.OPEN
    assert comment_status(p, at("2024-10-11"), concluded=False) is CommentStatus.CLOSED


def test_extension_moves_the_deadline(machine_tz: str) -> None:
    p = period("2024-09-19", "2024-10-10 17:00", "2024-10-20 17:00")
    assert p.deadline.at == at("2024-10-20 17:00")
    assert comment_status(p, at("2024-10-15"), concluded=False) is CommentStatus.OPEN
    assert (
        comment_status(p, at("2024-10-20 17:00") + SECOND, concluded=False) is CommentStatus.CLOSED
    )


def test_offsets_are_honoured(machine_tz: str) -> None:
    p = period("2024-09-19T00:00:00+07:00", "2024-10-10T10:00:00Z")  # 17:00 in Vietnam
    assert (
        comment_status(p, at("2024-10-10 17:00") + SECOND, concluded=False) is CommentStatus.CLOSED
    )


def test_a_result_concludes_in_any_phase() -> None:
    p = period("2024-09-19", "2024-10-10 17:00")
    assert comment_status(p, at("2024-10-01"), concluded=True) is CommentStatus.CONCLUDED


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2024", "2024-01-01", "2024-12-31", "Năm 2024"),
        ("2024-H1", "2024-01-01", "2024-06-30", "6 tháng đầu năm 2024"),
        ("2024-Q3", "2024-07-01", "2024-09-30", "Quý III/2024"),
        ("2024-q4", "2024-10-01", "2024-12-31", "Quý IV/2024"),
        ("2024-02", "2024-02-01", "2024-02-29", "Tháng 2/2024"),
    ],
)
def test_periods(text: str, start: str, end: str, label: str) -> None:
    p = Period.parse(text)
    assert (p.start.isoformat(), p.end.isoformat(), p.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2024-Q5", "2024-13", "24", "2024-H3", "Q3-2024"])
def test_invalid_periods(text: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(text)

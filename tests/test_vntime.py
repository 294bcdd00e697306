"""Time rules (SPEC §2.2): Vietnam time, date-only deadlines, offsets, working days."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from portal_gen.vntime import (
    DateValueError,
    add_working_days,
    days_until,
    format_deadline,
    format_moment,
    format_opening,
    is_working_day,
    parse_moment,
    parse_now,
    working_days_until,
)

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("raw", "end_of_day", "expected", "date_only"),
    [
        ("2024-10-10", False, datetime(2024, 10, 10, 0, 0, tzinfo=VN), True),
        ("2024-10-10", True, datetime(2024, 10, 10, 23, 59, 59, tzinfo=VN), True),
        ("2024-10-10 17:00", True, datetime(2024, 10, 10, 17, 0, tzinfo=VN), False),
        ("2024-10-10 17:00:30", True, datetime(2024, 10, 10, 17, 0, 30, tzinfo=VN), False),
        ("2024-10-10T17:00", True, datetime(2024, 10, 10, 17, 0, tzinfo=VN), False),
        ("2024-10-10T10:00:00Z", True, datetime(2024, 10, 10, 17, 0, tzinfo=VN), False),
        ("2024-10-10T17:00:00+07:00", True, datetime(2024, 10, 10, 17, 0, tzinfo=VN), False),
        ("2024-10-10 12:00 +02:00", True, datetime(2024, 10, 10, 17, 0, tzinfo=VN), False),
        ("2024-10-10 24:00", True, datetime(2024, 10, 11, 0, 0, tzinfo=VN), False),
        ("2024-5-7", False, datetime(2024, 5, 7, tzinfo=VN), True),
    ],
)
def test_parse_moment(
    machine_tz: str, raw: str, end_of_day: bool, expected: datetime, date_only: bool
) -> None:
    moment = parse_moment(raw, end_of_day=end_of_day)
    assert moment.at == expected
    assert moment.at.utcoffset() is not None
    assert moment.date_only is date_only


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("2024-02-30", "Tháng 2 năm 2024 chỉ có 29 ngày."),
        ("2023-02-29", "Tháng 2 năm 2023 chỉ có 28 ngày."),
        ("31/12/2024", "Viết theo dạng NĂM-THÁNG-NGÀY: `2024-12-31`."),
        ("17h00 ngày 10/10/2024", "Viết theo dạng NĂM-THÁNG-NGÀY: `2024-10-10 17:00`."),
        ("2024-13-01", "Tháng phải từ 1 đến 12; viết theo dạng NĂM-THÁNG-NGÀY, ví dụ 2024-10-10."),
        ("sắp tới", "Viết theo dạng NĂM-THÁNG-NGÀY GIỜ:PHÚT, ví dụ `2024-10-10 17:00`."),
    ],
)
def test_invalid_dates_explain_the_fix(raw: str, hint: str) -> None:
    with pytest.raises(DateValueError) as info:
        parse_moment(raw)
    assert info.value.code == "invalid-date"
    assert info.value.hint == hint


def test_naive_now_is_vietnam_time_whatever_the_machine(machine_tz: str) -> None:
    assert parse_now("2024-10-10T17:00") == datetime(2024, 10, 10, 17, 0, tzinfo=VN)


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2024, 10, 10, 17, 0, tzinfo=VN), "17:00 ngày 10/10/2024"),
        (datetime(2024, 10, 10, 23, 59, 59, tzinfo=VN), "23:59 ngày 10/10/2024"),
        # never "00:00": midnight is the end of the previous day
        (datetime(2024, 10, 11, 0, 0, tzinfo=VN), "23:59 ngày 10/10/2024"),
        (datetime(2024, 10, 10, 10, 0, tzinfo=UTC), "17:00 ngày 10/10/2024"),
    ],
)
def test_format_deadline(machine_tz: str, instant: datetime, text: str) -> None:
    assert format_deadline(instant) == text


def test_format_moment_converts_to_vietnam_time(machine_tz: str) -> None:
    assert format_moment(datetime(2024, 1, 1, 20, 30, tzinfo=UTC)) == "03:30 ngày 02/01/2024"


def test_an_opening_is_a_day_or_a_time_as_it_was_written(machine_tz: str) -> None:
    # banners, feeds and calendars all say when a comment period opens this way
    assert format_opening(parse_moment("2024-10-10")) == "ngày 10/10/2024"
    assert format_opening(parse_moment("2024-10-10 08:00")) == "08:00 ngày 10/10/2024"
    assert format_opening(parse_moment("2024-10-09T20:30:00Z")) == "03:30 ngày 10/10/2024"


def test_working_days_skip_weekends_and_tet() -> None:
    # Tết Giáp Thìn 2024: Thursday 8 Feb to Wednesday 14 Feb are public holidays.
    assert not is_working_day(date(2024, 2, 8))
    assert not is_working_day(date(2024, 2, 14))
    assert is_working_day(date(2024, 2, 15))
    # issued on Wednesday 7 Feb: 5 working days are 7.. no: 15, 16, 19, 20, 21 Feb
    assert add_working_days(date(2024, 2, 7), 5) == date(2024, 2, 21)


def test_working_days_across_a_weekend() -> None:
    # Friday 4 Oct 2024 + 5 working days = Friday 11 Oct
    assert add_working_days(date(2024, 10, 4), 5) == date(2024, 10, 11)


def test_saturday_worked_in_exchange_counts() -> None:
    # 2024: Monday 29 April off, worked on Saturday 4 May instead.
    assert not is_working_day(date(2024, 4, 29))
    assert is_working_day(date(2024, 5, 4))


def test_days_left() -> None:
    deadline = datetime(2024, 10, 10, 17, 0, tzinfo=VN)
    assert days_until(datetime(2024, 10, 10, 8, 0, tzinfo=VN), deadline) == 0
    assert days_until(datetime(2024, 10, 9, 23, 0, tzinfo=VN), deadline) == 1
    # Friday 4 Oct → Thursday 10 Oct: 6 days, of which 4 working days after today
    now = datetime(2024, 10, 4, 9, 0, tzinfo=VN)
    assert days_until(now, deadline) == 6
    assert working_days_until(now, deadline) == 4
    # a midnight deadline belongs to the day before
    assert days_until(now, datetime(2024, 10, 11, 0, 0, tzinfo=VN)) == 6


def test_vietnam_holidays_are_the_library_s_without_loading_every_country() -> None:
    # holidays.country_holidays imports all ~250 countries' modules (0.3 s a build); the
    # build loads Vietnam's alone, and must get exactly the library's calendar.
    script = """
import sys
from datetime import date, timedelta
from portal_gen.vntime import is_working_day
days = [date(2015, 1, 1) + timedelta(days=n) for n in range(365 * 20)]
ours = [is_working_day(day) for day in days]
print("holidays.countries" in sys.modules)
import holidays
library = holidays.country_holidays("VN")
print(ours == [library.is_working_day(day) for day in days], ours.count(False) > 365 * 20 * 2 / 7)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True", "True"]


def test_vietnam_holidays_come_from_the_library_s_lookup_if_their_module_moved() -> None:
    # a later `holidays` keeping Vietnam's module elsewhere: its own lookup, same calendar
    script = """
import sys
import holidays
holidays.__file__ = "/nowhere/holidays/__init__.py"
from portal_gen.vntime import _vietnam_holidays_class
vietnam = _vietnam_holidays_class()
print("holidays.countries" in sys.modules, vietnam is type(holidays.country_holidays("VN")))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True"]

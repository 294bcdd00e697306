"""Vietnam time: parsing front-matter dates, deadlines, working days and Vietnamese wording.

Rules (SPEC §2.2): times are Asia/Ho_Chi_Minh unless an offset is written; the build
machine's own time zone never matters. A date-only opening means 00:00 of that day; a
date-only deadline means 23:59:59 of that day. Working days skip weekends and Vietnamese
public holidays, taken from the maintained ``holidays`` library (Tết, substitute days and
the Saturdays worked in exchange for them).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

from portal_gen.pickling import quick_pickle

__all__ = [
    "VN_TZ",
    "DateValueError",
    "Moment",
    "add_working_days",
    "days_until",
    "format_date",
    "format_deadline",
    "format_moment",
    "format_opening",
    "is_working_day",
    "non_working_days",
    "parse_date",
    "parse_moment",
    "parse_now",
    "to_vn",
    "vn_date",
    "working_days_until",
]

VN_TZ: tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")

END_OF_DAY = time(23, 59, 59)

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)
# Forms editors commonly type, recognised only to suggest the ISO spelling.
_DMY = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$")
_VN_TIME_DMY = re.compile(
    r"^(?P<H>\d{1,2})\s*(?:h|giờ|:)\s*(?P<M>\d{2})?\s*(?:ngày\s*)?"
    r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$",
    re.IGNORECASE,
)


class DateValueError(ValueError):
    """A date or time an editor wrote that cannot be read; carries a Diagnostic code and hint."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


@quick_pickle
@dataclass(frozen=True, slots=True)
class Moment:
    """An instant from front matter that remembers whether it was written as a date only."""

    at: datetime
    date_only: bool = False

    def isoformat(self) -> str:
        return self.at.isoformat()


def _check_calendar(y: int, m: int, d: int, raw: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        if 1 <= m <= 12:
            last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
            hint = f"Tháng {m} năm {y} chỉ có {last} ngày."
        else:
            hint = "Tháng phải từ 1 đến 12; viết theo dạng NĂM-THÁNG-NGÀY, ví dụ 2024-10-10."
        raise DateValueError("invalid-date", f"Ngày `{raw}` không tồn tại.", hint) from None


def _format_error(raw: str, *, with_time: bool) -> DateValueError:
    example = "2024-10-10 17:00" if with_time else "2024-10-10"
    hint = f"Viết theo dạng NĂM-THÁNG-NGÀY{' GIỜ:PHÚT' if with_time else ''}, ví dụ `{example}`."
    match = _DMY.match(raw) or _VN_TIME_DMY.match(raw)
    if match:
        parts = match.groupdict()
        suggestion = f"{int(parts['y']):04d}-{int(parts['m']):02d}-{int(parts['d']):02d}"
        if parts.get("H") is not None:
            suggestion += f" {int(parts['H']):02d}:{int(parts.get('M') or 0):02d}"
        hint = f"Viết theo dạng NĂM-THÁNG-NGÀY: `{suggestion}`."
    return DateValueError("invalid-date", f"Không đọc được ngày `{raw}`.", hint)


def parse_date(raw: str) -> date:
    """Parse a date-only value such as ``2024-09-19``."""
    text = raw.strip()
    match = _ISO.match(text)
    if not match or match["H"] is not None:
        raise _format_error(text, with_time=False)
    return _check_calendar(int(match["y"]), int(match["m"]), int(match["d"]), text)


def _parse_offset(text: str) -> tzinfo:
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise DateValueError(
            "invalid-date",
            f"Múi giờ `{text}` không hợp lệ.",
            "Bỏ phần múi giờ để dùng giờ Việt Nam, hoặc viết `+07:00`.",
        )
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_moment(raw: str, *, end_of_day: bool = False) -> Moment:
    """Parse a date or date-time value from front matter into an aware instant.

    A value without an offset is Vietnam time. A date-only value is 00:00 of that day, or
    23:59:59 when ``end_of_day`` (deadlines).
    """
    text = raw.strip()
    match = _ISO.match(text)
    if not match:
        raise _format_error(text, with_time=True)
    day = _check_calendar(int(match["y"]), int(match["m"]), int(match["d"]), text)
    if match["H"] is None:
        clock = END_OF_DAY if end_of_day else time(0, 0)
        return Moment(datetime.combine(day, clock, VN_TZ), date_only=True)
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour == 24 and minute == 0 and second == 0:
        # "24:00 ngày 10/10" is how Vietnamese notices write the end of a day.
        day, hour = day + timedelta(days=1), 0
    if hour > 23 or minute > 59 or second > 59:
        raise DateValueError(
            "invalid-date",
            f"Giờ trong `{text}` không hợp lệ.",
            "Giờ từ 00 đến 23, phút từ 00 đến 59, ví dụ `2024-10-10 17:00`.",
        )
    zone = _parse_offset(match["tz"]) if match["tz"] else VN_TZ
    return Moment(datetime.combine(day, time(hour, minute, second), zone))


def parse_now(raw: str) -> datetime:
    """Parse ``--now`` / ``PORTAL_NOW``: ISO 8601; no offset means Vietnam time."""
    return parse_moment(raw).at


def to_vn(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every instant in portal-gen carries a time zone")
    return moment.astimezone(VN_TZ)


@lru_cache(maxsize=1 << 16)  # a document's day is asked by every listing that shows it
def vn_date(moment: datetime) -> date:
    """The day an instant falls on in Vietnam."""
    return to_vn(moment).date()


def format_date(day: date) -> str:
    """``10/10/2024``: the day/month/year order every Vietnamese reader expects."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_moment(moment: datetime) -> str:
    """``17:00 ngày 10/10/2024`` in Vietnam time."""
    local = to_vn(moment)
    return f"{local:%H:%M} ngày {format_date(local.date())}"


def format_deadline(moment: datetime) -> str:
    """A deadline that cannot be misread: never "00:00".

    A deadline at midnight is the end of the previous day, shown as 23:59 of that day
    (GOV.UK's rule); a date-only deadline (23:59:59) is shown as 23:59.
    """
    local = to_vn(moment)
    if local.time() == time(0, 0):
        local -= timedelta(minutes=1)
    return f"{local:%H:%M} ngày {format_date(local.date())}"


def format_opening(moment: Moment) -> str:
    """When a comment period opens: "ngày 10/10/2024" for a date, else its time too."""
    return (
        f"ngày {format_date(vn_date(moment.at))}" if moment.date_only else format_moment(moment.at)
    )


@cache
def _vn_holidays() -> holidays.HolidayBase:
    return _vietnam_holidays_class()()


#: The ``holidays`` module holding Vietnam's calendar.
VIETNAM_MODULE = "holidays.countries.vietnam"


def _vietnam_holidays_class() -> type[holidays.HolidayBase]:
    """Vietnam's class of the ``holidays`` library, its module loaded alone.

    ``holidays.country_holidays("VN")`` imports the package ``holidays.countries``, whose
    ``__init__`` imports the modules of all ~250 countries: 0.25–0.35 s of every build,
    rebuild and ``check`` on a 2-core machine. Vietnam's module imports only the library's
    calendars and base classes, so it is loaded from its file under its own name (a later
    ``import holidays.countries`` finds it in ``sys.modules`` and does not load it again).
    If the library ever moves the file, the library's own lookup is used.
    """
    module = sys.modules.get(VIETNAM_MODULE)
    if module is None:
        path = Path(holidays.__file__).parent / "countries" / "vietnam.py"
        spec = importlib.util.spec_from_file_location(VIETNAM_MODULE, path)
        if not path.is_file() or spec is None or spec.loader is None:
            return type(holidays.country_holidays("VN"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[VIETNAM_MODULE] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[VIETNAM_MODULE]
            raise
    vietnam: type[holidays.HolidayBase] = module.VN
    return vietnam


@cache  # asked tens of thousands of times a build (deadlines, compliance), for few days
def is_working_day(day: date) -> bool:
    """Monday to Friday, not a public holiday; Saturdays worked in exchange count too."""
    return bool(_vn_holidays().is_working_day(day))


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (the deadline "within N working days")."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def days_until(now: datetime, deadline: datetime) -> int:
    """Calendar days from today to the deadline's day, both in Vietnam time (0 = today)."""
    return (_deadline_day(deadline) - vn_date(now)).days


def working_days_until(now: datetime, deadline: datetime) -> int:
    """Working days after today, up to and including the deadline's day."""
    today = vn_date(now)
    end = _deadline_day(deadline)
    return sum(
        is_working_day(today + timedelta(days=offset))
        for offset in range(1, (end - today).days + 1)
    )


def non_working_days(start: date, end: date) -> list[date]:
    """Days in [start, end] that are not working days (weekends and holidays)."""
    return [
        start + timedelta(days=offset)
        for offset in range((end - start).days + 1)
        if not is_working_day(start + timedelta(days=offset))
    ]


def _deadline_day(deadline: datetime) -> date:
    local = to_vn(deadline)
    if local.time() == time(0, 0):
        return local.date() - timedelta(days=1)
    return local.date()

"""Dates as spreadsheets count them.

``edate`` mirrors Excel's ``EDATE``: whole months counted from one fixed
start date, the day clamped to the month's last day (31 Jan + 1 month =
28/29 Feb, + 2 months = 31 Mar), so that clamping never accumulates.
Serial numbers follow Excel's 1900 date system (serial 1 = 1900-01-01,
with Excel's fictitious 29 Feb 1900 as serial 60).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

_EPOCH = dt.date(1899, 12, 30)  # serial 0 for serials above 60
_MAX_SERIAL = 2958465  # 9999-12-31


def edate(start: dt.date, months: int) -> dt.date:
    """The date ``months`` whole months after ``start``, as Excel's EDATE.

    Hand-written rather than ``dateutil.relativedelta`` because schedules
    call it once per row and relativedelta costs several microseconds a call;
    the tests check it against relativedelta over every day of four years.

    >>> edate(dt.date(2024, 1, 31), 1), edate(dt.date(2024, 1, 31), 2)
    (datetime.date(2024, 2, 29), datetime.date(2024, 3, 31))
    >>> edate(dt.date(2006, 1, 1), -3)
    datetime.date(2005, 10, 1)
    """
    y, m = divmod(start.month - 1 + months, 12)
    year = start.year + y
    month = m + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, start.day if start.day <= last else last)


def from_serial(serial: float) -> dt.date:
    """An Excel serial number (1900 system) as a date; the time part is dropped.

    >>> from_serial(38718)
    datetime.date(2006, 1, 1)
    """
    s = int(math.floor(serial))
    if s < 1 or s > _MAX_SERIAL:
        raise ValueError("serial out of range")
    if s < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=s)
    if s == 60:
        raise ValueError("29 Feb 1900 does not exist")
    return _EPOCH + dt.timedelta(days=s)


def to_serial(day: dt.date) -> int:
    """A date as an Excel serial number (1900 system).

    >>> to_serial(dt.date(2006, 1, 1))
    38718
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    n = (day - _EPOCH).days
    return n if n > 60 else n - 1


def to_date(value, argument: str = "start_date") -> dt.date:
    """Accept a date, a datetime, an Excel serial number or Danish/ISO text (the vocabulary's rule).

    >>> to_date(38718), to_date("01-01-2006"), to_date("2006-01-01")
    (datetime.date(2006, 1, 1), datetime.date(2006, 1, 1), datetime.date(2006, 1, 1))
    """
    # Imported here: the vocabulary reads serial numbers with this module.
    from .core.vocabulary import parse_date

    return parse_date(value, argument)

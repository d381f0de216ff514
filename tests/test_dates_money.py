"""Dates as spreadsheets count them, and money rounded as Excel's ROUND.

Sources
-------
* The issue (and the guide's convention for term dates): EDATE month
  arithmetic from the start date, 31 Jan + 1 month = 28/29 Feb, + 2 months = 31 Mar.
* ECMA-376 Part 4 (Office Open XML), "Date Representation": in the 1900 date
  base system 1 Jan 1900 is serial 1, 31 Dec 9999 is serial 2,958,465, and 1900
  is treated as a leap year (serial 59 = 28 Feb, 60 = the non-existent 29 Feb,
  61 = 1 Mar).
* Microsoft support, Excel's date-function remarks (as quoted in the task):
  1 Jan 1900 = 1; 1 Jan 2008 = 39448.
* dateutil.relativedelta as an independent implementation of "add whole months,
  clamp the day" (Excel's EDATE counts from the fixed start, so clamping never
  accumulates).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from xlkopi.dates import edate, from_serial, to_date, to_serial
from xlkopi.errors import ArgumentError
from xlkopi.money import exact_rate, float_to_ore, kr, round_half_away, to_ore


def test_edate_month_ends():
    # The issue: 31 Jan + 1 month = 28/29 Feb, + 2 months = 31 Mar (counted from the start).
    assert edate(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert edate(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert edate(dt.date(2024, 1, 31), 2) == dt.date(2024, 3, 31)
    assert edate(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert edate(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)


def test_edate_equals_relativedelta_for_every_start_day_over_four_years():
    day = dt.date(2023, 1, 1)
    checked = 0
    while day < dt.date(2027, 1, 1):  # 2023-2026: one leap year, every month end
        for months in range(0, 121):
            assert edate(day, months) == day + relativedelta(months=months), (day, months)
            checked += 1
        day += dt.timedelta(days=1)
    assert checked == 1461 * 121


def test_edate_backwards():
    for months in range(-36, 0):
        d = dt.date(2024, 3, 31)
        assert edate(d, months) == d + relativedelta(months=months)


def test_excel_serials():
    # ECMA-376 Part 4, "Date Representation" / Microsoft: 1 Jan 1900 is serial 1.
    assert to_serial(dt.date(1900, 1, 1)) == 1
    assert from_serial(1) == dt.date(1900, 1, 1)
    # Microsoft support: 1 Jan 2008 is serial 39448.
    assert to_serial(dt.date(2008, 1, 1)) == 39448
    assert from_serial(39448) == dt.date(2008, 1, 1)
    # ECMA-376 Part 4: serial 59 = 28 Feb 1900, 61 = 1 Mar 1900 (60 is the fictitious 29 Feb).
    assert from_serial(59) == dt.date(1900, 2, 28)
    assert from_serial(61) == dt.date(1900, 3, 1)
    assert to_serial(dt.date(1900, 3, 1)) == 61
    with pytest.raises(ValueError):
        from_serial(60)
    # ECMA-376 Part 4: 31 Dec 9999 is serial 2,958,465, the upper limit.
    assert to_serial(dt.date(9999, 12, 31)) == 2958465
    with pytest.raises(ValueError):
        from_serial(2958466)
    # The time of day is dropped.
    assert from_serial(39448.75) == dt.date(2008, 1, 1)


def test_serial_round_trip_every_day():
    day = dt.date(1900, 1, 1)
    while day <= dt.date(2100, 12, 31):
        assert from_serial(to_serial(day)) == day
        day += dt.timedelta(days=1)
    for serial in list(range(1, 60)) + list(range(61, 80000)):
        assert to_serial(from_serial(serial)) == serial


def test_to_date_accepts_dates_serials_and_text():
    want = dt.date(2006, 1, 1)
    for value in (want, dt.datetime(2006, 1, 1, 13, 5), 38718, 38718.0, "2006-01-01", "01-01-2006",
                  "01.01.2006", "01/01/2006", " 2006-01-01 "):
        assert to_date(value) == want


@pytest.mark.parametrize("value", [None, True, "", "31-02-2020", "i morgen", 0, -5, 2958466,
                                   float("nan"), float("inf"), [], "#NAME?"])
def test_to_date_rejects_in_danish_naming_the_argument(value):
    with pytest.raises(ArgumentError, match="'start_date'") as err:
        to_date(value, "start_date")
    assert "dato" in str(err.value)


# --- money ---

def test_round_half_away_from_zero_like_excel_round():
    # Excel's ROUND rounds halves away from zero: ROUND(2.5;0) = 3, ROUND(-2.5;0) = -3.
    assert round_half_away(5, 2) == 3 and round_half_away(-5, 2) == -3
    assert round_half_away(7, 3) == 2 and round_half_away(-7, 3) == -2
    assert round_half_away(1, 2) == 1 and round_half_away(-1, 2) == -1


@given(st.integers(min_value=-10**15, max_value=10**15), st.integers(min_value=1, max_value=10**6))
def test_round_half_away_is_exact(num, den):
    q = Decimal(num) / Decimal(den)
    from decimal import ROUND_HALF_UP, localcontext
    with localcontext() as ctx:
        ctx.prec = 50
        want = int((Decimal(num) / Decimal(den)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert round_half_away(num, den) == want, q


def test_float_to_ore_rounds_the_displayed_value():
    # ROUND(2.675;2) is 2.68 in Excel and LibreOffice although the double is 2.67499999...
    assert float_to_ore(2.675) == 268
    assert float_to_ore(-2.675) == -268
    assert float_to_ore(1.005) == 101
    assert float_to_ore(0.125) == 13


def test_to_ore_and_kr():
    assert to_ore(100000) == 10_000_000
    assert to_ore("5406,21") == 540621
    assert to_ore(Decimal("0.005")) == 1
    assert kr(540621) == Decimal("5406.21")
    for bad in (None, True, "fem kroner", float("nan"), 1e308):
        with pytest.raises(ArgumentError, match="'price'"):
            to_ore(bad, "price")


def test_exact_rate_reads_the_rate_as_typed():
    from fractions import Fraction
    assert exact_rate(0.051) == Fraction(51, 1000)
    assert exact_rate("5,1 %") == Fraction(51, 1000)
    assert exact_rate(Decimal("0.051")) == Fraction(51, 1000)
    for bad in (None, "fem", float("inf")):
        with pytest.raises(ArgumentError, match="'annual_rate'"):
            exact_rate(bad)

"""Junk input into every worksheet function: a value or a Danish message, never an exception.

Calls the functions as Python objects (the classic add-in's call, after
xlwings' conversion); ``test_udf_officejs.py`` runs the same sweep through
the Office.js call path.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]

import xlkopi.udfs as udf  # noqa: E402

GUIDE_START = dt.datetime(2006, 1, 1)

VALID = {
    "LEASE_SCHEDULE": (100000.0, 0.051, 5.0, 4.0, 5000.0, GUIDE_START, True),
    "LEASE_PAYMENT": (100000.0, 0.051, 5.0, 4.0, 5000.0, True),
    "BUYOUT": (100000.0, 0.051, 5.0, 4.0, 5000.0, GUIDE_START, dt.datetime(2008, 3, 15), "operationel", True,
               0.04, 100.0),
    "CLICK_PRICE": (22497.96, 100000.0, 0.08),
    "LEASE_RATE": (100000.0, 0.051, 5.0, 4.0, 5000.0, True),
    "BASE_RATE": (0.0562449, 5.0, 4.0, 0.05, True),
    "APR": (100000.0, 0.051, 5.0, 4.0, 5000.0, True, 500.0, 25.0),
    "ALLIN_COST": (0.3, 100000.0, 120000.0, 0.1, 0.08, 0.05, True),
    "NOTICE_DEADLINE": (GUIDE_START, 5.0, 3.0),
    "REMAINING_OBLIGATION": (100000.0, 0.051, 5.0, 4.0, 5000.0, GUIDE_START, dt.datetime(2008, 1, 1), True, 3.0,
                             6.0),
    "CONTRACT_RATE": (5406.21, 100000.0, 5.0, 4.0, 5000.0, True),
}

# The list, and what Excel can hand over besides
JUNK = [None, "", "   ", "tekst", float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 1e-308, -1, -0.5,
        0, 0.0, 3000000, 2958466, 60, "31-02-2024", "2024-13-01", "#N/A", "#VALUE!", "#REF!", "#DIV/0!",
        "#NAME?", "#SPILL!", True, False, [[1, 2], [3, 4]], [[1, 2]], [[1], [2]], [], [[]], ((5.0,),),
        [[None]], dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31), dt.date(2006, 1, 1), "=1+1", "-5",
        "5,1%", 10**30, -(10**30)]


# A valid but unfitting value may be reported on the argument it conflicts with
# (a price below the residual, a start after the buyout date).
RELATED = {"price": {"residual"}, "residual": {"price"}, "start_date": {"buyout_date"},
           "buyout_date": {"start_date"}}


def check(func: str, result, argument: str | None = None) -> str:
    """The result is a value or a table of finite numbers, or one message naming the function."""
    if isinstance(result, str):
        assert result.startswith(f"{func}: "), result
        assert "Traceback" not in result and "Uventet fejl" not in result, result
        assert not result.startswith("#")
        if argument is not None and "Argumentet" in result:
            named = {argument} | RELATED.get(argument, set())
            assert any(f"'{a}" in result for a in named), (argument, result)
        return "message"
    if isinstance(result, float):
        assert math.isfinite(result), result
        return "value"
    if isinstance(result, dt.datetime):   # a date (NOTICE_DEADLINE), within Excel's dates
        assert dt.datetime(1900, 1, 1) <= result <= dt.datetime(9999, 12, 31), result
        return "value"
    assert isinstance(result, list) and result and all(isinstance(r, list) for r in result), result
    for row in result:
        for cell in row:
            assert cell is None or isinstance(cell, (str, int, float, dt.datetime)), cell
            if isinstance(cell, float):
                assert math.isfinite(cell), result
    return "value"


def test_every_function_has_its_valid_case():
    for func, args in VALID.items():
        assert check(func, getattr(udf, func)(*args)) == "value", func


@pytest.mark.parametrize("func", sorted(VALID))
def test_junk_in_every_argument(func):
    f = getattr(udf, func)
    names = list(inspect.signature(f).parameters)
    outcomes = {"message": 0, "value": 0}
    for pos, argument in enumerate(names):
        for junk in JUNK:
            args = list(VALID[func])
            args[pos] = junk
            outcomes[check(func, f(*args), argument)] += 1
    assert outcomes["message"] > 10


def test_too_many_arguments_and_none_at_all():
    assert udf.CLICK_PRICE(1, 2, 3, 4).startswith("CLICK_PRICE: ")
    for func in VALID:
        result = getattr(udf, func)()
        assert check(func, result) == "message" and "skal angives" in result


def test_documented_examples_of_messages():
    # the message format of the issue
    assert udf.LEASE_SCHEDULE(100000, 0.051, 0) == "LEASE_SCHEDULE: Argumentet 'years' skal være større end 0 (fik 0)"
    assert udf.LEASE_SCHEDULE(100000, 0.051, 5, 4, 0, 0) == (
        "LEASE_SCHEDULE: Argumentet 'start_date' skal være en gyldig dato (Excel-serienummer 1-2958465) (fik 0)")
    assert udf.BUYOUT(100000, 0.051, 5, 4, 0, None, 39448) == (
        "BUYOUT: Argumentet 'start_date' skal angives")
    assert udf.LEASE_PAYMENT(100000, [[38718, 0.05], [39448, 0.06]], 5).startswith(
        "LEASE_PAYMENT: Argumentet 'annual_rate' skal være én rentesats i LEASE_PAYMENT")


def test_unexpected_errors_become_a_message(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(udf, "_click_price", broken)
    assert udf.CLICK_PRICE(1, 2, 3) == (
        "CLICK_PRICE: Uventet fejl (ZeroDivisionError: division by zero); kontrollér argumenterne")


cells = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=15),
    st.datetimes(min_value=dt.datetime(1, 1, 1)), st.dates(), st.decimals(allow_nan=True),
    st.sampled_from(["#N/A", "#VALUE!", "#NUM!", "SAND", "FALSK", "forud", "bagud", "finansiel",
                     "operationel", "restgaeld", "skift", "2006-01-01", "31-12-2030", "5,1 %", "0,051"]),
)
values = st.one_of(cells, st.lists(st.lists(cells, max_size=3), max_size=3), st.lists(cells, max_size=3))


@settings(max_examples=400, deadline=None)
@given(func=st.sampled_from(sorted(VALID)), data=st.data())
def test_hypothesis_any_arguments_give_a_value_or_a_message(func, data):
    n = len(VALID[func])
    args = data.draw(st.lists(values, min_size=0, max_size=n))
    check(func, getattr(udf, func)(*args))


@settings(max_examples=300, deadline=None)
@given(func=st.sampled_from(sorted(VALID)), pos=st.integers(0, 10), junk=values)
def test_hypothesis_one_bad_argument_is_named(func, pos, junk):
    f = getattr(udf, func)
    names = list(inspect.signature(f).parameters)
    pos %= len(names)
    args = list(VALID[func])
    args[pos] = junk
    check(func, f(*args), names[pos])


@settings(max_examples=200, deadline=None)
@given(price=st.decimals(min_value=Decimal("100"), max_value=Decimal("10000000"), places=2),
       rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("0.25"), places=4),
       years=st.integers(1, 7), ppy=st.sampled_from([1, 2, 4, 12]), advance=st.booleans())
def test_spilled_amounts_reconcile_to_the_ore(price, rate, years, ppy, advance):
    # The reconciliation identities hold on what the cells show (floats of øre amounts)
    table = udf.LEASE_SCHEDULE(float(price), float(rate), years, ppy, 0, GUIDE_START, advance)
    rows = table[1:]
    ore = lambda x: round(x * 100)  # noqa: E731
    assert sum(ore(r[4]) for r in rows) == ore(float(price))
    assert sum(ore(r[3]) for r in rows) == sum(ore(r[4]) + ore(r[5]) for r in rows)
    assert rows[-1][2] == 0
    assert udf.LEASE_PAYMENT(float(price), float(rate), years, ppy, 0, advance) == rows[0][3]

"""The vectorised register engine (core/positions.py) against the scalar engine (core/obligations.py).

The oracle is the scalar engine, itself checked against the guide's Tabel 2 (test_contracts.py) and BUYOUT;
the dates against Python's proleptic Gregorian calendar (``datetime.date.toordinal``) and the scalar EDATE
(itself checked against dateutil's relativedelta, test_dates.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkopi.core.obligations import (
    STATUSES,
    Contract,
    by_year,
    due_rows,
    position,
    present_value,
    resolve,
)
from xlkopi.core.positions import _civil_from_days, _days_from_civil, edate_days, positions
from xlkopi.dates import edate
from xlkopi.errors import ArgumentError

EPOCH = dt.date(1970, 1, 1).toordinal()


def test_civil_days_equal_python_ordinals_over_four_centuries():
    first, last = dt.date(1800, 1, 1).toordinal(), dt.date(2230, 12, 31).toordinal()
    z = np.arange(first, last + 1, dtype=np.int64) - EPOCH
    y, m, d = _civil_from_days(z)
    dates = [dt.date.fromordinal(k) for k in range(first, last + 1)]
    assert y.tolist() == [x.year for x in dates]
    assert m.tolist() == [x.month for x in dates]
    assert d.tolist() == [x.day for x in dates]
    assert np.array_equal(_days_from_civil(y, m, d), z)


def test_edate_over_arrays_equals_the_scalar_edate_on_every_day_of_four_years():
    days = np.arange(dt.date(2023, 1, 1).toordinal(), dt.date(2027, 1, 1).toordinal()) - EPOCH
    y, m, d = _civil_from_days(days)
    for months in (-25, -12, -3, -1, 0, 1, 2, 3, 6, 11, 12, 13, 24, 59, 60, 61):
        got = edate_days(y * 12 + m - 1, d, months)
        expected = [edate(dt.date.fromordinal(int(k) + EPOCH), months).toordinal() - EPOCH for k in days]
        assert got.tolist() == expected, months


def _scalar_row(c: Contract, day: dt.date, rate: Decimal):
    r = resolve(c)
    rows = due_rows(r, day)
    p = position(r, day, rows)
    return dict(
        payment=r.schedule.regular_payment_ore, rate=r.rate, rate_derived=r.rate_derived,
        payment_derived=r.payment_derived, difference=r.payment_difference,
        payments_left=p.payments_left, remaining=p.remaining_obligation, restgaeld=p.restgaeld,
        operational=p.operational_buyout, rental_current=p.rental_current, rental_switch=p.rental_switch,
        primary_end=p.primary_end, notice_deadline=p.notice_deadline, secondary_end=p.secondary_end,
        secondary_cost=p.secondary_cost, status=p.status, days=p.days_to_deadline,
        pv=present_value(r, day, rate, rows), due={y: v for y, v in by_year(rows).items()})


def _kr(ore) -> Decimal:
    return Decimal(int(ore)).scaleb(-2)


def _vector_row(P, i: int):
    due = {y: _kr(P.due_ore[i, j]) for j, y in enumerate(P.years) if P.due_ore[i, j]}
    return dict(
        payment=int(P.payment_ore[i]), rate=P.rate[i], rate_derived=bool(P.rate_derived[i]),
        payment_derived=bool(P.payment_derived[i]),
        difference=_kr(P.payment_difference_ore[i]) if P.has_difference[i] else None,
        payments_left=int(P.payments_left[i]), remaining=_kr(P.remaining_ore[i]), restgaeld=_kr(P.restgaeld_ore[i]),
        operational=_kr(P.operational_ore[i]) if P.has_operational[i] else None,
        rental_current=_kr(P.rental_current_ore[i]) if P.is_rental[i] else None,
        rental_switch=_kr(P.rental_switch_ore[i]) if P.is_rental[i] else None,
        primary_end=P.primary_end[i].item(), notice_deadline=P.notice_deadline[i].item(),
        secondary_end=P.secondary_end[i].item(), secondary_cost=_kr(P.secondary_cost_ore[i]),
        status=STATUSES[P.status[i]], days=int(P.days_to_deadline[i]), pv=_kr(P.pv_ore[i]), due=due)


def _drop_zero(d):
    return {k: v for k, v in d.items() if v}


amounts = st.integers(10_000, 3_000_000)
contract = st.builds(
    lambda kind, price, years, ppy, start, adv, rate, residual, service, secondary, notice, by, given: Contract(
        "Leverandør", "A-1", kind, Decimal(price) / (100 if by == "øre" else 1), Decimal(years), ppy, start, adv,
        rate=None if by == "ydelse" else rate, residual=Decimal(residual),
        service_per_period=Decimal(service), secondary_months=secondary, notice_months=notice,
        payment=None if by in ("rente", "øre") else (Decimal("1234.56") if by == "uenig" else None),
        notice_given=None if given is None else start + dt.timedelta(days=given)),
    kind=st.sampled_from(["finansiel", "operationel", "leje"]), price=amounts,
    years=st.sampled_from([1, 2, 3, 4, 5, 6, Decimal("2.5"), Decimal("0.25")]),
    ppy=st.sampled_from([1, 2, 4, 12]),
    start=st.dates(dt.date(2010, 1, 1), dt.date(2027, 12, 31)), adv=st.booleans(),
    rate=st.one_of(st.integers(-20, 150).map(lambda b: Decimal(b) / 1000),
                   st.just(Decimal("0.0512345678901234567"))),   # too many digits for int64: the object path
    residual=st.sampled_from([0, 0, 100, 999, 5000]), service=st.sampled_from([0, 150, Decimal("99.5")]),
    secondary=st.sampled_from([0, 3, 5, 6, 12, 24]), notice=st.sampled_from([0, 1, 3, 6]),
    by=st.sampled_from(["rente", "rente", "rente", "øre", "uenig"]),
    given=st.one_of(st.none(), st.integers(0, 3000)))   # notice given ("Opsagt den") some day after the start


def _by_payment(c: Contract) -> Contract:
    """The same contract entered by its ydelse only: the scalar engine solves the basisrente."""
    values = {f: getattr(c, f) for f in c.__dataclass_fields__}
    values.update(rate=None, payment=resolve(c).payment)
    twin = Contract(**values)
    try:
        resolve(twin)
    except ArgumentError:   # no rate fits (one payment in advance): keep the rate
        return c
    return twin


@settings(max_examples=120, deadline=None)
@given(register=st.lists(contract, min_size=1, max_size=25), offset=st.integers(-400, 3500),
       rate=st.sampled_from([Decimal("0.04"), Decimal(0), Decimal("-0.01"), Decimal("0.25")]),
       payment_only=st.sets(st.integers(0, 24), max_size=4))
def test_every_figure_equals_the_scalar_engine(register, offset, rate, payment_only):
    valid = []
    for c in register:
        try:
            resolve(c)
        except ArgumentError:
            continue
        valid.append(c)
    valid = [(_by_payment(c) if i in payment_only else c) for i, c in enumerate(valid)]
    if not valid:
        return
    day = min(c.start for c in valid) + dt.timedelta(days=offset)
    P = positions(valid, day, rate, chunk=7)   # small chunks: several per example
    for i, c in enumerate(valid):
        expected, got = _scalar_row(c, day, rate), _vector_row(P, i)
        expected["due"], got["due"] = _drop_zero(expected["due"]), _drop_zero(got["due"])
        assert got == expected, (i, c)
    # totals per year add up to the total remaining obligation
    assert int(P.due_ore.sum()) == int(P.remaining_ore.sum())


def test_the_guides_contract_by_rate_and_by_payment_both_take_the_fast_path():
    guide = Contract("Nordlys Finans", "NF-1", "finansiel", Decimal(100000), Decimal(5), 4, dt.date(2006, 1, 1),
                     rate=Decimal("0.051"), residual=Decimal(5000), notice_months=3, secondary_months=6)
    twin = _by_payment(guide)
    P = positions([guide, twin], dt.date(2008, 1, 1), Decimal("0.04"))
    assert P.scalar.tolist() == [False, False]
    assert P.rate_derived.tolist() == [False, True] and round(P.rate[1], 6) == 0.051   # the basisrente
    # the guide's Tabel 2: 64.468,34 kr and 59.454,37 kr; by the ydelse the same to the øre's rounding (the
    # basisrente's interest rounds an øre differently), as in the scalar engine
    assert P.remaining_ore.tolist() == [6446834, 6446833]
    assert P.restgaeld_ore.tolist() == [5945437, 5945436]
    disagreeing = Contract(**{**{f: getattr(guide, f) for f in guide.__dataclass_fields__},
                              "payment": Decimal("5500.00")})
    assert positions([disagreeing], dt.date(2008, 1, 1), Decimal("0.04")).scalar.tolist() == [True]


def test_an_empty_register_and_a_refused_discount_rate():
    P = positions([], dt.date(2026, 1, 1), Decimal("0.04"))
    assert len(P) == 0 and P.years == [] and P.due_ore.shape == (0, 0)
    try:
        positions([], dt.date(2026, 1, 1), Decimal(-1))
    except ArgumentError as exc:
        assert "rente" in str(exc)
    else:
        raise AssertionError("a discount rate of -100 % is refused")

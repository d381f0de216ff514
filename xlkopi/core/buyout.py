"""Buyout (indfrielse) of a lease at a date, by contract kind.

Kinds, after the guide (rules 4, 5 and 8, Tabel 3):

``finansiel``
    Financial lease: non-cancellable, so the buyout is every payment due
    after the date plus the residual value.
``operationel``
    The ministry's operational lease concept: cancellable from 24 months
    after the start; the compensation is the present value of the
    remaining payments plus the residual value.
``restgaeld``
    Refinancing with the same lessor: the outstanding balance
    (restforpligtelse) is rolled into the new contract; the interest need
    not be paid off.
``skift``
    Rental with service (lejeaftale) when switching supplier: the
    financing balance plus the remaining service payments, which the
    current supplier has a contractual claim to. With the current
    supplier the price is ``restgaeld``.

Payments due on or before the buyout date count as paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..dates import edate, to_date
from ..errors import ArgumentError, RuleError
from ..money import Number, exact_rate, float_to_ore, kr, to_ore
from .schedule import Schedule
from .vocabulary import format_date

KINDS = ("finansiel", "operationel", "restgaeld", "skift")
_ALIASES = {"restgæld": "restgaeld", "financial": "finansiel", "operational": "operationel",
            "refinance": "restgaeld", "switch": "skift"}
OPERATIONAL_NOTICE_MONTHS = 24


def _kind(kind) -> str:
    k = str(kind).strip().lower() if isinstance(kind, str) else kind
    k = _ALIASES.get(k, k)
    if k not in KINDS:
        raise ArgumentError("kind", "skal være en af " + ", ".join(f'"{x}"' for x in KINDS), kind)
    return k


def last_paid(schedule: Schedule, day: dt.date) -> int:
    """Index of the last row due on or before ``day`` (-1 when none is)."""
    last = -1
    for k, due in enumerate(schedule.dates):
        assert due is not None   # the caller has checked that the lease has a start date
        if due <= day:
            last = k
        else:
            break
    return last


def _position(schedule: Schedule, last: int, day: dt.date) -> tuple[int, float]:
    """The period index at or before ``day`` and the fraction of the next period elapsed.

    The fraction counts days: (day - period start) / (period length).
    """
    terms = schedule.terms
    t = schedule.period[last] if last >= 0 else 0
    t = min(t, terms.n)
    begins = terms.date_at(t)
    assert begins is not None   # the caller has checked that the lease has a start date
    if t >= terms.n or day <= begins:
        return t, 0.0
    ends = terms.date_at(t + 1)
    assert ends is not None     # (as above)
    return t, (day - begins).days / (ends - begins).days


def buyout_ore(schedule: Schedule, buyout_date: dt.date | Number, kind: str = "finansiel",
               discount_rate: Number | None = None, service_per_period: Number | None = 0) -> int:
    """:func:`buyout` in øre."""
    k = _kind(kind)
    terms = schedule.terms
    if terms.start is None:
        raise ArgumentError("start_date", "skal angives for at beregne en indfrielsespris")
    day = to_date(buyout_date, "buyout_date")
    if day < terms.start:
        raise ArgumentError("buyout_date", f"må ikke ligge før startdatoen {format_date(terms.start)}", day)
    service = 0 if service_per_period in (None, "") else to_ore(service_per_period, "service_per_period")
    if service < 0:
        raise ArgumentError("service_per_period", "må ikke være negativ", service_per_period)
    last = last_paid(schedule, day)
    remaining = schedule.payment_ore[last + 1:]
    balance = schedule.balance_ore[last] if last >= 0 else terms.price_ore
    if k == "finansiel":
        return sum(remaining)
    if k == "restgaeld":
        return balance
    if k == "skift":
        regular_left = sum(1 for j in range(last + 1, len(schedule))
                           if not (schedule.has_residual_row and j == len(schedule) - 1))
        return balance + service * regular_left

    earliest = edate(terms.start, OPERATIONAL_NOTICE_MONTHS)
    if day < earliest:
        raise RuleError(f"Operationel leasing kan først indfries {OPERATIONAL_NOTICE_MONTHS} måneder efter start, "
                        f"dvs. fra {earliest:%d-%m-%Y} (indfrielsesdato {day:%d-%m-%Y})")
    if not remaining:
        return 0
    t, frac = _position(schedule, last, day)
    nominal = sum(remaining)
    j = None if discount_rate in (None, "") else exact_rate(discount_rate, "discount_rate")
    if j is not None and j <= -1:
        raise ArgumentError("discount_rate", "skal være større end -100 %", discount_rate)
    contract = terms.rates[min(t, terms.n - 1)]
    if j is None or (j == contract and not terms.is_variable):
        # At the contract rate the present value of what is left is the schedule's own
        # restforpligtelse, rolled forward over the part of the period that has run.
        i = float(contract / terms.periods_per_year)
        value = float_to_ore(balance / 100 * (1.0 + i) ** frac) if frac else balance
    else:
        i = float(j / terms.periods_per_year)
        here = t + frac
        value = float_to_ore(sum(schedule.payment_ore[r] / 100 * (1.0 + i) ** (here - schedule.period[r])
                                 for r in range(last + 1, len(schedule))))
    # A present value never exceeds the nominal sum at a non-negative rate; the clamp absorbs
    # the half øre the residual row's rounded interest can leave.
    if (j if j is not None else contract) >= 0:
        value = min(value, nominal)
    return value


def buyout(schedule: Schedule, buyout_date: dt.date | Number, kind: str = "finansiel",
           discount_rate: Number | None = None, service_per_period: Number | None = 0) -> Decimal:
    """The buyout price (indfrielsespris) in kr at ``buyout_date``.

    Parameters
    ----------
    schedule : Schedule
        The lease's schedule (it must have a start date).
    buyout_date : date, Excel serial or text
        Payments due on or before this date count as paid.
    kind : {"finansiel", "operationel", "restgaeld", "skift"}
    discount_rate : number, optional
        Operational lease only: nominal annual discount rate; the contract
        rate when omitted.
    service_per_period : number
        ``skift`` only: the service payment per period in kr.

    Notes
    -----
    Operational lease at the contract rate: the restforpligtelse ``B``
    after the last paid row, rolled forward by the elapsed fraction ``f``
    of the current period (in days), :math:`ROUND(B (1+i)^f; 2)`; on a due
    date this is exactly the schedule's balance. At another rate ``j``:
    :math:`\\sum_k CF_k (1+j/m)^{-(t_k - t)}` over the remaining rows.

    Examples
    --------
    The guide's Tabel 2 lease, bought out after two years (1/1-2008, the
    payment due that day counted as paid): 10 payments of 5,406.21, the
    settling 5,406.24 and the residual 5,000 remain; 11 service payments remain.

    >>> from xlkopi.core.schedule import lease_schedule
    >>> s = lease_schedule(100000, 0.051, 5, 4, 5000, "2006-01-01")
    >>> buyout(s, "2008-01-01", "finansiel"), buyout(s, "2008-01-01", "restgaeld")
    (Decimal('64468.34'), Decimal('59454.37'))
    >>> buyout(s, "2008-01-01", "operationel")
    Decimal('59454.37')
    >>> buyout(s, "2008-01-01", "skift", service_per_period=1500)
    Decimal('75954.37')
    """
    return kr(buyout_ore(schedule, buyout_date, kind, discount_rate, service_per_period))

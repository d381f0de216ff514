"""A table of buyout prices at each anniversary of a lease."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..dates import edate
from ..errors import RuleError
from ..money import Number, to_ore
from .buyout import buyout
from .schedule import Schedule


@dataclass(frozen=True)
class BuyoutRow:
    date: dt.date
    months: int
    financial: Decimal          # finansiel: all remaining payments + residual
    operational: Decimal | None  # operationel: None before month 24
    balance: Decimal            # restgæld (refinancing with the same lessor)
    switching: Decimal | None   # skift: balance + remaining service (None without service)


def buyout_table(schedule: Schedule, every_months: int = 12, service_per_period: Number | None = 0,
                 discount_rate: Number | None = None) -> list[BuyoutRow]:
    """Buyout prices every ``every_months`` months from the start until the end of the term.

    >>> from xlkopi.core.schedule import lease_schedule
    >>> rows = buyout_table(lease_schedule(100000, 0.051, 5, 4, 5000, "2006-01-01"))
    >>> [(r.months, r.financial, r.operational) for r in rows[1:3]]
    [(24, Decimal('64468.34'), Decimal('59454.37')), (36, Decimal('42843.50'), Decimal('40503.08'))]
    """
    terms = schedule.terms
    # The service is read once: a "0" typed by a user is no service (it was truthy as text).
    with_service = to_ore(service_per_period or 0, "service_per_period") != 0
    months_total = terms.n * terms.months_per_period
    out = []
    for months in range(every_months, months_total, every_months):
        assert terms.start is not None   # a table of dates from the start needs one (the callers check it)
        day = edate(terms.start, months)
        try:
            op = buyout(schedule, day, "operationel", discount_rate)
        except RuleError:
            op = None
        switching = buyout(schedule, day, "skift", service_per_period=service_per_period) if with_service else None
        out.append(BuyoutRow(day, months, buyout(schedule, day, "finansiel"), op,
                             buyout(schedule, day, "restgaeld"), switching))
    return out

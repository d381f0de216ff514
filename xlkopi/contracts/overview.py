"""The register's figures at a reference date: per contract, per calendar year and in total (pure).

Built from :mod:`xlkopi.core.obligations` for every contract; the workbook, the calendar and the
terminal only render what this returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.obligations import (
    STATUSES,
    Contract,
    Position,
    Resolved,
    TopUp,
    by_year,
    due_rows,
    flags,
    position,
    present_value,
    resolve,
    topup_vs_parallel,
)
from ..core.redflags import RedFlag


@dataclass(frozen=True)
class Line:
    """One contract: its register row, the resolved schedule, the position and the flags."""

    row: int
    resolved: Resolved
    position: Position
    due: dict[int, Decimal]
    present_value: Decimal
    flags: list[RedFlag]

    @property
    def contract(self) -> Contract:
        return self.resolved.contract


@dataclass(frozen=True)
class TopUpRequest:
    """A wish for new equipment next to one contract: ``Aftalenummer``, price, term, rate."""

    number: str
    price: Decimal
    years: Decimal
    rate: Decimal


@dataclass
class Overview:
    day: dt.date
    discount_rate: Decimal
    lines: list[Line] = field(default_factory=list)
    topups: list[tuple[Line, TopUp]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({y for line in self.lines for y in line.due})

    def due_total(self, year: int) -> Decimal:
        return sum((line.due.get(year, Decimal(0)) for line in self.lines), Decimal(0))

    @property
    def remaining_obligation(self) -> Decimal:
        return sum((line.position.remaining_obligation for line in self.lines), Decimal(0))

    @property
    def restgaeld(self) -> Decimal:
        return sum((line.position.restgaeld for line in self.lines), Decimal(0))

    @property
    def present_value(self) -> Decimal:
        return sum((line.present_value for line in self.lines), Decimal(0))

    def by_urgency(self) -> list[Line]:
        """Deadlines soonest first; within a status the nearest notice deadline first."""
        return sorted(self.lines, key=lambda ln: (STATUSES.index(ln.position.status), ln.position.notice_deadline,
                                                  ln.contract.number))

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.position.status == status)


def build(contracts: list[tuple[int, Contract]], day: dt.date, discount_rate: Decimal,
          topups: Sequence[TopUpRequest] = ()) -> Overview:
    """Every contract's figures at ``day``; present values at ``discount_rate``; the top-up calculations asked for.

    Raises :class:`~xlkopi.errors.ArgumentError` when a top-up names an Aftalenummer not in the register.
    """
    from ..errors import ArgumentError

    out = Overview(day, discount_rate)
    for row, contract in contracts:
        r = resolve(contract)
        rows = due_rows(r, day)   # what is still to be paid: the position, the years and the present value share it
        out.lines.append(Line(row, r, position(r, day, rows), by_year(rows), present_value(r, day, discount_rate, rows),
                              flags(r)))
    by_number = {line.contract.number: line for line in out.lines}
    for t in topups:
        line = by_number.get(t.number)
        if line is None:
            raise ArgumentError("--tilkoeb", f"aftalenummer '{t.number}' findes ikke i registret", t.number)
        out.topups.append((line, topup_vs_parallel(line.resolved, day, t.price, t.years, t.rate)))
    return out

"""The register's figures at a reference date: per contract, per calendar year and in total (pure).

Computed for all contracts at once by :func:`xlkopi.core.positions.positions` (numpy, equal to the scalar
engine of :mod:`xlkopi.core.obligations` field by field, which the tests check); the workbook, the calendar
and the terminal only render what this returns. A :class:`Line` is a view of one contract in those arrays,
with the scalar engine's types (Decimal kr, dates); the red flags are the guide's rules, evaluated per
contract when asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from ..core.obligations import (
    STATUSES,
    Contract,
    Position,
    Resolved,
    TopUp,
    contract_flags,
    resolve,
    topup_vs_parallel,
)
from ..core.positions import Positions, positions
from ..core.redflags import RedFlag
from ..money import kr


def _kr(ore) -> Decimal:
    """An array's øre (a numpy integer) as kr, by the package's one conversion."""
    return kr(int(ore))


def _date(value: np.datetime64) -> dt.date:
    day = value.item()
    assert isinstance(day, dt.date)
    return day


class Line:
    """One contract of an overview: its register row and, on access, its figures.

    A small slotted class, not a dataclass: an overview of 10^5 contracts makes 10^5 of them.
    """

    __slots__ = ("row", "index", "contract", "figures", "_resolved", "_flags")

    def __init__(self, row: int, index: int, contract: Contract, figures: Positions) -> None:
        self.row, self.index, self.contract, self.figures = row, index, contract, figures
        self._resolved: Resolved | None = None
        self._flags: list[RedFlag] | None = None

    def __repr__(self) -> str:
        return f"Line(row={self.row}, contract={self.contract.number!r})"

    @property
    def position(self) -> Position:
        f, i = self.figures, self.index
        return Position(
            f.day, int(f.payments_left[i]), _kr(f.remaining_ore[i]), _kr(f.restgaeld_ore[i]),
            _kr(f.operational_ore[i]) if f.has_operational[i] else None,
            _kr(f.rental_current_ore[i]) if f.is_rental[i] else None,
            _kr(f.rental_switch_ore[i]) if f.is_rental[i] else None,
            _date(f.primary_end[i]), _date(f.notice_deadline[i]), _date(f.secondary_end[i]),
            _kr(f.secondary_cost_ore[i]), STATUSES[int(f.status[i])], int(f.days_to_deadline[i]))

    @property
    def due(self) -> dict[int, Decimal]:
        f, i = self.figures, self.index
        return {year: _kr(f.due_ore[i, j]) for j, year in enumerate(f.years) if f.due_ore[i, j]}

    @property
    def present_value(self) -> Decimal:
        return _kr(self.figures.pv_ore[self.index])

    @property
    def rate(self) -> Decimal | float:
        return self.figures.rate[self.index]

    @property
    def payment(self) -> Decimal:
        return _kr(self.figures.payment_ore[self.index])

    @property
    def rate_derived(self) -> bool:
        return bool(self.figures.rate_derived[self.index])

    @property
    def payment_derived(self) -> bool:
        return bool(self.figures.payment_derived[self.index])

    @property
    def payment_difference(self) -> Decimal | None:
        f, i = self.figures, self.index
        return _kr(f.payment_difference_ore[i]) if f.has_difference[i] else None

    @property
    def resolved(self) -> Resolved:
        """The contract with its full schedule (the scalar engine; for a top-up or a single contract's view)."""
        if self._resolved is None:
            self._resolved = resolve(self.contract)
        return self._resolved

    @property
    def flags(self) -> list[RedFlag]:
        if self._flags is None:
            self._flags = contract_flags(self.contract)
        return self._flags


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
    figures: Positions | None = field(default=None, repr=False)

    @property
    def years(self) -> list[int]:
        return [] if self.figures is None else list(self.figures.years)

    def due_total(self, year: int) -> Decimal:
        if self.figures is None or year not in self.figures.years:
            return Decimal(0)
        return _kr(self.figures.due_ore[:, self.figures.years.index(year)].sum())

    def _sum(self, name: str) -> Decimal:
        return Decimal(0) if self.figures is None else _kr(getattr(self.figures, name).sum())

    @property
    def remaining_obligation(self) -> Decimal:
        return self._sum("remaining_ore")

    @property
    def restgaeld(self) -> Decimal:
        return self._sum("restgaeld_ore")

    @property
    def present_value(self) -> Decimal:
        return self._sum("pv_ore")

    def urgency_order(self) -> np.ndarray:
        """Indices of the lines, deadlines soonest first: by status (most urgent first), then notice deadline,
        then Aftalenummer."""
        if self.figures is None or not self.lines:
            return np.zeros(0, np.int64)
        f = self.figures
        numbers = np.array([line.contract.number for line in self.lines], dtype=str)
        return np.lexsort((numbers, f.notice_deadline, f.status))

    def by_urgency(self) -> list[Line]:
        """Deadlines soonest first; within a status the nearest notice deadline first."""
        return [self.lines[i] for i in self.urgency_order().tolist()]

    def count(self, status: str) -> int:
        if self.figures is None:
            return 0
        return int((self.figures.status == STATUSES.index(status)).sum())


def build(contracts: list[tuple[int, Contract]], day: dt.date, discount_rate: Decimal,
          topups: Sequence[TopUpRequest] = ()) -> Overview:
    """Every contract's figures at ``day``; present values at ``discount_rate``; the top-up calculations asked for.

    Raises :class:`~xlkopi.errors.ArgumentError` when a top-up names an Aftalenummer not in the register.
    """
    from ..errors import ArgumentError

    figures = positions([c for _, c in contracts], day, discount_rate)
    out = Overview(day, discount_rate, figures=figures)
    out.lines = [Line(row, i, contract, figures) for i, (row, contract) in enumerate(contracts)]
    by_number = {line.contract.number: line for line in out.lines}
    for t in topups:
        line = by_number.get(t.number)
        if line is None:
            raise ArgumentError("--tilkoeb", f"aftalenummer '{t.number}' findes ikke i registret", t.number)
        out.topups.append((line, topup_vs_parallel(line.resolved, day, t.price, t.years, t.rate)))
    return out

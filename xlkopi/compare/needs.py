"""The needs analysis: the existing machines' meter readings, their annual volumes and the guide's 50 % rule.

Pure: no file I/O. The offers file's optional sheet ``Maskiner`` (:data:`MACHINE_COLUMNS`) lists the
machines the institution has today with two readings of each meter (the guide, section 3.3: the annual
volume "fremkommer typisk ved aflæsning af tællere på institutionens nuværende maskiner"). The reader
(:mod:`xlkopi.compare.offers`) turns each row into a :class:`Machine`; the workbook's Behovsanalyse sheet
(:mod:`xlkopi.compare.workbook.needs_sheet`) writes the same rules as formulas.

The volume rule
---------------
A machine's annual volume, for each meter (b/w and colour), is

    ``(reading 2 − reading 1) × 365 / days``

where *days* is the number of calendar days from the first reading's date to the second's (``dato 2 −
dato 1``, as a spreadsheet subtracts two dates), a year counts 365 days, and the result is rounded to
whole prints, halves up (``ROUND(…; 0)`` in Excel and LibreOffice). A meter left blank on both dates
counts 0 prints (a b/w machine has no colour meter).

>>> annual_volume(10_000, 40_000, 365), annual_volume(0, 1_000, 73), annual_volume(5, 6, 730)
(30000, 5000, 1)

The needs are the sums of the machines' rounded volumes. A machine should not run below
:data:`MIN_UTILISATION` (50 %) of the volume its supplier rates it for (the guide: "bør institutionen ikke
købe en maskine, der kommer til at køre under 50 % af den af leverandøren angivne volumen"; its upper
bound is lost in the transcript). :func:`verdict` says how a stated need compares with the measured one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..core import redflags as _redflags

MACHINES_SHEET = "Maskiner"

DAYS_PER_YEAR = 365
"""The year of the volume rule, in days."""
MIN_UTILISATION = Fraction(_redflags.MIN_UTILISATION)   # Fraction takes a Decimal exactly
"""The guide's lower bound of a machine's use: 50 % of its rated annual volume (the red-flag table's constant)."""
PAGE_COST_BW = (Decimal("0.08"), Decimal("0.50"))
"""The guide (section 3): a laser b/w page costs from about 8 øre at low to about 50 øre at high coverage (kr)."""
PAGE_COST_COLOUR = (Decimal("0.50"), Decimal("3.50"))
"""... a colour page from about 50 øre to about 3,50 kr (kr)."""
TOLERANCE = Fraction(1, 10)
"""A stated need within 10 % of the measured volume counts as matching it (:func:`verdict`)."""
SHORT_PERIOD_DAYS = 90
"""Readings fewer days apart than this give an uncertain annual volume (the reader notes it)."""

MACHINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("location", "Placering"),
    ("model", "Model"),
    ("bw_first", "Målerstand s/h (dato 1)"),
    ("colour_first", "Målerstand farve (dato 1)"),
    ("first", "Dato 1"),
    ("bw_second", "Målerstand s/h (dato 2)"),
    ("colour_second", "Målerstand farve (dato 2)"),
    ("second", "Dato 2"),
    ("rated_volume", "Kapacitet (tryk pr. år)"),
)
"""``(attribute, Danish header)`` of each column of the ``Maskiner`` sheet, in its order."""
MACHINE_LABEL = dict(MACHINE_COLUMNS)


def annual_volume(first: int, second: int, days: int) -> int:
    """Prints a year from two meter readings ``days`` apart: ``(second − first) × 365 / days``, whole, halves up.

    Exact (integer arithmetic), so it agrees with ``ROUND((second-first)*365/days; 0)`` in a spreadsheet,
    whose division of two whole numbers is correctly rounded and never crosses a half.

    >>> annual_volume(0, 1, 730), annual_volume(0, 3, 730), annual_volume(1_000, 1_000, 10)
    (1, 2, 0)
    >>> annual_volume(100, 50, 30)
    Traceback (most recent call last):
    ...
    ValueError: the second reading is below the first
    """
    if days <= 0:
        raise ValueError("the readings must be at least one day apart")
    if second < first:
        raise ValueError("the second reading is below the first")
    return (2 * (second - first) * DAYS_PER_YEAR + days) // (2 * days)


def verdict(need: int, measured: int) -> str:
    """How a stated annual need compares with the measured volume (the Behovsanalyse sheet's text).

    >>> verdict(130_000, 110_000), verdict(100_000, 120_000), verdict(15_000, 0), verdict(11, 10)
    ('Over det målte forbrug', 'Under det målte forbrug', 'Ingen måling', 'Svarer til det målte forbrug (±10 %)')
    """
    if measured == 0:
        return "Ingen måling"
    if abs(need - measured) <= TOLERANCE * measured:
        return "Svarer til det målte forbrug (±10 %)"
    return "Over det målte forbrug" if need > measured else "Under det målte forbrug"


LOW = "Under 50 % af kapaciteten"
NO_CAPACITY = "Kapacitet ikke oplyst"


@dataclass(frozen=True)
class Machine:
    """An existing machine with two readings of its meters (a row of the ``Maskiner`` sheet).

    >>> m = Machine(4, "Rådhuset", "MFP 30", 120_000, 8_000, dt.date(2025, 1, 1), 165_000, 11_650,
    ...             dt.date(2025, 12, 1), 100_000)
    >>> m.days, m.bw_volume, m.colour_volume, m.volume, m.assessment
    (334, 49177, 3989, 53166, 'OK')
    """

    row: int | None
    location: str
    model: str
    bw_first: int
    colour_first: int | None     # None: the machine has no colour meter (both readings blank)
    first: dt.date
    bw_second: int
    colour_second: int | None
    second: dt.date
    rated_volume: int | None     # the supplier's rated prints a year; None: not known
    sheet: str = MACHINES_SHEET

    @property
    def days(self) -> int:
        """Calendar days between the two readings."""
        return (self.second - self.first).days

    @property
    def bw_volume(self) -> int:
        """B/w prints a year (:func:`annual_volume`)."""
        return annual_volume(self.bw_first, self.bw_second, self.days)

    @property
    def colour_volume(self) -> int:
        """Colour prints a year; 0 without a colour meter."""
        if self.colour_first is None or self.colour_second is None:
            return 0
        return annual_volume(self.colour_first, self.colour_second, self.days)

    @property
    def volume(self) -> int:
        """All prints a year (b/w + colour)."""
        return self.bw_volume + self.colour_volume

    @property
    def utilisation(self) -> Fraction | None:
        """Measured volume / rated volume; None when the rated volume is not known."""
        return None if not self.rated_volume else Fraction(self.volume, self.rated_volume)

    @property
    def assessment(self) -> str:
        """``OK``, :data:`LOW` (below the guide's 50 %) or :data:`NO_CAPACITY`."""
        u = self.utilisation
        if u is None:
            return NO_CAPACITY
        return LOW if u < MIN_UTILISATION else "OK"

    @property
    def name(self) -> str:
        """Placering and model, as a message names the machine."""
        return " – ".join(p for p in (self.location, self.model) if p) or f"række {self.row}"


def measured(machines: Iterable[Machine]) -> tuple[int, int]:
    """The measured need: the sums of the machines' b/w and colour volumes.

    >>> a = Machine(2, "A", "", 0, None, dt.date(2025, 1, 1), 365, None, dt.date(2026, 1, 1), None)
    >>> measured([a, a])
    (730, 0)
    """
    bw = colour = 0
    for m in machines:
        bw += m.bw_volume
        colour += m.colour_volume
    return bw, colour


def page_cost_outside(cost: Decimal | None, bounds: tuple[Decimal, Decimal]) -> bool:
    """A cost per page outside the guide's range for its kind (None: no pages, not outside).

    >>> page_cost_outside(Decimal("0.2459"), PAGE_COST_BW), page_cost_outside(Decimal("0.07"), PAGE_COST_BW)
    (False, True)
    """
    return cost is not None and not bounds[0] <= cost <= bounds[1]

"""Validated lease terms: the inputs every lease calculation starts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Real

from ..dates import edate, to_date
from ..errors import ArgumentError
from ..money import exact_rate, to_decimal, to_ore
from .vocabulary import read_periods_per_year

PERIODS_PER_YEAR = (1, 2, 4, 12)
MAX_ANNUAL_RATE = Fraction(1)  # 100 % a year: a guard against 5.1 typed for 5.1 %
MAX_PERIODS = 1200


@dataclass(frozen=True, slots=True)
class LeaseTerms:
    """A lease's terms, validated, in exact units.

    ``rates`` holds the annual rate for each period ``0 .. n-1`` (a fixed
    rate repeats one value); a rate path changes it from the first period
    that starts on or after the change date.
    """

    price_ore: int
    rates: tuple[Fraction, ...]
    n: int
    periods_per_year: int
    residual_ore: int
    start: dt.date | None
    in_advance: bool
    is_variable: bool = False

    @property
    def months_per_period(self) -> int:
        return 12 // self.periods_per_year

    @property
    def annual_rate(self) -> Fraction:
        """The rate of the first period."""
        return self.rates[0]

    def periodic_rate(self, period: int) -> Fraction:
        """Exact periodic rate of period ``period`` (annual rate / periods per year)."""
        return self.rates[min(period, self.n - 1)] / self.periodic_divisor

    @property
    def periodic_divisor(self) -> int:
        return self.periods_per_year

    def date_at(self, period: int) -> dt.date | None:
        """The date at the start of period ``period`` (period n is the end of the term)."""
        if self.start is None:
            return None
        return edate(self.start, period * self.months_per_period)


def _positive_number(value, argument: str) -> Decimal:
    if isinstance(value, str) and not value.strip():
        raise ArgumentError(argument, "skal være et tal", value)
    d = to_decimal(value, argument)
    if d <= 0:
        raise ArgumentError(argument, "skal være større end 0", value)
    return d


def _rate(value, argument: str) -> Fraction:
    r = exact_rate(value, argument)
    if r <= -1 or r > MAX_ANNUAL_RATE:
        raise ArgumentError(argument, "skal være en årlig rente mellem -100 % og 100 %, angivet som decimaltal "
                                      "(fx 0,051 for 5,1 %)", value)
    return r


def _rate_path(path, start: dt.date | None, n: int, ppy: int, argument: str) -> tuple[Fraction, ...]:
    """Annual rate per period from ``[(from_date, annual_rate), ...]``."""
    if start is None:
        raise ArgumentError("start_date", "skal angives, når renten er variabel (en rentesti med datoer)")
    entries = []
    for i, item in enumerate(path):
        try:
            when, value = item
        except (TypeError, ValueError):
            raise ArgumentError(argument, f"række {i + 1} skal have to værdier: dato og årlig rente", item) from None
        if when is None and value is None:
            continue  # blank rows of an Excel range
        entries.append((to_date(when, f"{argument} (række {i + 1}, dato)"),
                        _rate(value, f"{argument} (række {i + 1}, rente)")))
    if not entries:
        raise ArgumentError(argument, "indeholder ingen renter")
    entries.sort(key=lambda e: e[0])
    if entries[0][0] > start:
        raise ArgumentError(argument, "skal have en første rente, der gælder fra startdatoen eller før",
                            entries[0][0].isoformat())
    months = 12 // ppy
    rates = []
    j = 0
    for p in range(n):
        begins = edate(start, p * months)
        while j + 1 < len(entries) and entries[j + 1][0] <= begins:
            j += 1
        rates.append(entries[j][1])
    return tuple(rates)


def make_terms(price, annual_rate, years, periods_per_year=4, residual=0, start_date=None,
               in_advance=True) -> LeaseTerms:
    """Validate user inputs into :class:`LeaseTerms`.

    ``annual_rate`` is a nominal annual rate (0.051 for 5.1 %) or a rate
    path: a sequence of ``(from_date, annual_rate)`` pairs.
    Raises :class:`~xlkopi.errors.ArgumentError` naming the bad argument.
    """
    price_ore = to_ore(price, "price")
    if price_ore <= 0:
        raise ArgumentError("price", "skal være større end 0", price)
    y = _positive_number(years, "years")
    if isinstance(periods_per_year, bool) or not isinstance(periods_per_year, (Real, Decimal, str)):
        raise ArgumentError("periods_per_year", "skal være 1, 2, 4 eller 12", periods_per_year)
    ppy = read_periods_per_year(periods_per_year, "periods_per_year")
    n_exact = y * ppy
    if n_exact != n_exact.to_integral_value():
        raise ArgumentError("years", f"giver ikke et helt antal terminer med {ppy} terminer om året", years)
    n = int(n_exact)
    if n > MAX_PERIODS:
        raise ArgumentError("years", f"giver mere end {MAX_PERIODS} terminer", years)
    residual_ore = 0 if residual is None or residual == "" else to_ore(residual, "residual")
    if residual_ore < 0:
        raise ArgumentError("residual", "må ikke være negativ", residual)
    if residual_ore >= price_ore:
        raise ArgumentError("residual", "skal være mindre end anskaffelsesprisen", residual)
    start = None if start_date is None or start_date == "" else to_date(start_date, "start_date")
    if start is not None and start.year + -(-n // ppy) + 1 > 9999:
        raise ArgumentError("start_date", "giver forfaldsdatoer efter år 9999", start_date)
    if not isinstance(in_advance, (bool, int)) or in_advance not in (0, 1):
        raise ArgumentError("in_advance", "skal være SAND (forud) eller FALSK (bagud)", in_advance)
    if isinstance(annual_rate, (list, tuple)):
        rates = _rate_path(annual_rate, start, n, ppy, "annual_rate")
        variable = any(r != rates[0] for r in rates)
    else:
        rates = (_rate(annual_rate, "annual_rate"),) * n
        variable = False
    return LeaseTerms(price_ore, rates, n, ppy, residual_ore, start, bool(in_advance), variable)

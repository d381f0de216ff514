"""Øre-exact annuity schedules for leases (the guide's Tabel 1 and 2).

Rounding convention (the one documented place where øre are settled)
--------------------------------------------------------------------
1. The regular payment is ``ROUND(PMT(i; n; -price; residual; type); 2)``
   with the periodic rate ``i = annual rate / periods per year`` (5.1 %
   quarterly gives 1.275 %).
2. Each row's interest is ``ROUND(balance before the row × i; 2)`` for the
   period that ends at the row's due date; paid in advance (forud), the
   first row carries no interest.
3. The **last regular payment** settles the rounding remainder: it is the
   regular payment plus whatever brings the balance exactly to the amount
   the residual row needs.
4. The residual value (restværdi) is its own final row, for exactly the
   contracted amount: paid in advance it falls due one period after the
   last payment and carries the interest of that period on its present
   value, ``ROUND(residual × i / (1 + i); 2)``; paid in arrears it falls
   due on the last payment date and carries no interest.

Hence, exactly: sum of afdrag = price, sum of ydelse = sum of afdrag +
sum of renter, and the balance after the last row is 0.

A rate path re-annuitises the payment (rounded to øre again) at the first
row whose interest period runs at the new rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ..money import float_to_ore, kr, round_half_away
from .spreadsheet import pmt
from .terms import LeaseTerms, make_terms

HEADER = ("Termin", "Dato", "Restforpligtelse", "Ydelse", "Afdrag", "Renter")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a schedule; amounts in kr (Decimal, two decimals)."""

    term: int
    due: dt.date | None
    balance: Decimal      # restforpligtelse after this row's payment
    payment: Decimal      # ydelse
    principal: Decimal    # afdrag
    interest: Decimal     # renter
    is_residual: bool


class Schedule:
    """A lease's payment schedule; amounts kept as int øre.

    ``payment_ore[k]``, ``principal_ore[k]``, ``interest_ore[k]`` and
    ``balance_ore[k]`` describe row ``k`` (0-based); ``period[k]`` is the
    row's time in periods from the start (0 for a payment on the start
    date). The residual row, when there is a residual, is last.
    """

    __slots__ = ("terms", "payment_ore", "principal_ore", "interest_ore", "balance_ore",
                 "period", "regular_payment_ore", "__dict__")

    def __init__(self, terms, payment_ore, principal_ore, interest_ore, balance_ore, period,
                 regular_payment_ore):
        self.terms: LeaseTerms = terms
        self.payment_ore: list[int] = payment_ore
        self.principal_ore: list[int] = principal_ore
        self.interest_ore: list[int] = interest_ore
        self.balance_ore: list[int] = balance_ore
        self.period: list[int] = period
        self.regular_payment_ore: int = regular_payment_ore

    def __len__(self) -> int:
        return len(self.payment_ore)

    @property
    def has_residual_row(self) -> bool:
        return self.terms.residual_ore > 0

    @property
    def payment(self) -> Decimal:
        """The regular payment (terminsydelse) in kr."""
        return kr(self.regular_payment_ore)

    @property
    def total_payments(self) -> Decimal:
        """Sum of every ydelse, the residual included."""
        return kr(sum(self.payment_ore))

    @property
    def total_interest(self) -> Decimal:
        return kr(sum(self.interest_ore))

    @property
    def total_principal(self) -> Decimal:
        return kr(sum(self.principal_ore))

    @cached_property
    def dates(self) -> list[dt.date | None]:
        return [self.terms.date_at(p) for p in self.period]

    @property
    def rows(self) -> list[Row]:
        last = len(self.payment_ore) - 1
        dates = self.dates
        return [Row(k + 1, dates[k], kr(self.balance_ore[k]), kr(self.payment_ore[k]),
                    kr(self.principal_ore[k]), kr(self.interest_ore[k]),
                    self.has_residual_row and k == last)
                for k in range(len(self.payment_ore))]

    def table(self) -> list[tuple]:
        """The header and one tuple per row, as LEASE_SCHEDULE spills it."""
        return [HEADER] + [(r.term, r.due, r.balance, r.payment, r.principal, r.interest) for r in self.rows]


def _annuity_ore(balance_ore: int, rate, periods: int, residual_ore: int, in_advance: bool) -> int:
    """ROUND(PMT(rate; periods; -balance; residual; type); 2) in øre."""
    return float_to_ore(pmt(float(rate), periods, -balance_ore / 100, residual_ore / 100, int(in_advance)))


def build_schedule(terms: LeaseTerms) -> Schedule:
    """The schedule of validated terms (see the module notes for the rounding convention)."""
    n, adv = terms.n, terms.in_advance
    ppy = terms.periods_per_year
    rates = terms.rates
    rv = terms.residual_ore
    balance = terms.price_ore
    last_rate = rates[n - 1]
    if adv and rv:
        # The residual row carries one period's interest on its present value.
        num, den = last_rate.numerator, last_rate.denominator * ppy
        rv_interest = round_half_away(rv * num, den + num)
    else:
        rv_interest = 0
    target = rv - rv_interest

    first = _annuity_ore(balance, rates[0] / ppy, n, rv, adv)
    y = first
    num, den = rates[0].numerator, rates[0].denominator * ppy
    twice_den = 2 * den
    payments, principals, interests, balances = [], [], [], []
    variable = terms.is_variable
    for k in range(n):
        if variable:
            # Interest for the period that ends on this row's due date runs at that period's rate.
            p = k - 1 if adv else k
            r = rates[p] if p >= 0 else rates[0]
            num, den = r.numerator, r.denominator * ppy
            twice_den = 2 * den
        if k or not adv:
            # ROUND(balance × i; 2) in exact integers, halves away from zero.
            x = balance * num
            interest = (2 * x + den) // twice_den if x >= 0 else -((den - 2 * x) // twice_den)
        else:
            interest = 0
        if variable and k and rates[k] != rates[k - 1]:
            # The payments from here on run at a new rate: re-annuitise over the rest.
            y = _annuity_ore(balance + interest if adv else balance, rates[k] / ppy, n - k, rv, adv)
        if k == n - 1:
            principal = balance - target
            payments.append(principal + interest)
        else:
            principal = y - interest
            payments.append(y)
        balance -= principal
        principals.append(principal)
        interests.append(interest)
        balances.append(balance)
    period = list(range(n)) if adv else list(range(1, n + 1))
    if rv:
        payments.append(rv)
        principals.append(target)
        interests.append(rv_interest)
        balances.append(0)
        period.append(n)
    return Schedule(terms, payments, principals, interests, balances, period, first)


def lease_schedule(price, annual_rate, years, periods_per_year=4, residual=0, start_date=None,
                   in_advance=True) -> Schedule:
    """The øre-exact payment schedule of a lease.

    Parameters
    ----------
    price : number
        Acquisition price (anskaffelsespris) in kr.
    annual_rate : number or sequence of (date, number)
        Nominal annual rate, 0.051 for 5.1 %; or a rate path of
        ``(from_date, annual_rate)`` pairs for a variable rate.
    years : number
        Term (løbetid) in years; ``years × periods_per_year`` must be whole.
    periods_per_year : {1, 2, 4, 12}
        Payments a year (4 = quarterly, the guide's example).
    residual : number
        Residual value (restværdi) in kr, its own final row.
    start_date : date, Excel serial or text, optional
        Start of the lease; dates are EDATE months from it.
    in_advance : bool
        True for payments in advance (forud, the default), False for arrears (bagud).

    Returns
    -------
    Schedule

    Notes
    -----
    Regular payment :math:`Y = ROUND(PMT(i; n; -P; RV; type); 2)` with
    :math:`i = r/m`; interest per row :math:`ROUND(B \\cdot i; 2)`; the last
    regular payment settles the rounding remainder. At a 0 % rate the
    payment is :math:`(P - RV)/n`.

    Examples
    --------
    The guide's example (5.1 %, 5 years, quarterly, in advance, 100,000 kr):

    >>> s = lease_schedule(100000, 0.051, 5, 4, 0, "2006-01-01")
    >>> s.payment, s.total_interest
    (Decimal('5624.49'), Decimal('12489.80'))
    >>> s5 = lease_schedule(100000, 0.051, 5, 4, 5000, "2006-01-01")
    >>> s5.payment, s5.total_interest, s5.rows[-1].payment, s5.rows[-1].due
    (Decimal('5406.21'), Decimal('13124.23'), Decimal('5000.00'), datetime.date(2011, 1, 1))
    >>> lease_schedule(1200, 0, 1, 12).payment
    Decimal('100.00')
    """
    return build_schedule(make_terms(price, annual_rate, years, periods_per_year, residual,
                                     start_date, in_advance))

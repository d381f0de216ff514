"""What an existing contract still costs at a reference date: the guide's first step before any acquisition.

"Hvilke kontrakter er institutionen forpligtet på og i hvor lang tid, og hvor stor er restforpligtelsen"
(the guide, section 2 and checklist phase 1). Per contract, at a reference date ``d``:

* **restforpligtelse** (remaining obligation): every payment due after ``d`` plus the residual, what a
  financial lease costs to cancel (rule 5: "cancelling costs, as a rule, all remaining payments");
* **restgæld**: the schedule's balance after the last payment on or before ``d``, what a refinancing
  with the same lessor rolls over;
* the operational buyout from month 24 (rule 4) and a rental's two buyout prices, current supplier and
  switching supplier with the service remaining (rule 8, the guide's Tabel 3), all by
  :func:`xlkopi.core.buyout.buyout`;
* the end of the primary term, the **last day to give written notice** (the end minus the notice period),
  the secondary period that follows when notice is missed and what it costs (rule 6), and a status.

Once the notice deadline has passed (notice assumed not given) the secondary period is as binding as the
primary term (rule 6: non-cancellable), so its payments count in the remaining obligation and in what
falls due per year, at the contract's own rhythm and payment.

Existing contracts are known by their payment more often than by their rate: a contract may give the
rate, the ydelse pr. termin or both; the missing one is derived (the basisrente solver), and both given
are compared to the øre.

The guide's contract (100.000 kr, 5,1 %, 5 years, quarterly in advance, 5 % residual, from 01-01-2006) at
01-01-2008: remaining obligation 64.468,34 kr, restgæld 59.454,37 kr.

>>> import datetime as dt
>>> c = Contract("Nordlys Finans", "NF-1", "finansiel", Decimal(100000), Decimal(5), 4, dt.date(2006, 1, 1),
...              rate=Decimal("0.051"), residual=Decimal(5000), notice_months=3, secondary_months=6)
>>> p = position(resolve(c), dt.date(2008, 1, 1))
>>> p.remaining_obligation, p.restgaeld, p.payments_left
(Decimal('64468.34'), Decimal('59454.37'), 11)
>>> p.primary_end, p.notice_deadline, p.status
(datetime.date(2010, 12, 31), datetime.date(2010, 9, 30), 'kører')
>>> p.secondary_cost   # 6 months of a quarterly 5.406,21 kr payment: two payments
Decimal('10812.42')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from ..dates import edate
from ..errors import ArgumentError, ConvergenceError
from ..money import float_to_ore, kr
from .buyout import buyout, last_paid
from .rates import base_rate
from .redflags import ContractTerms, RedFlag, red_flags
from .schedule import Schedule, lease_schedule

RUNNING = "kører"
NOTICE_SOON = "frist inden 90 dage"
NOTICE_PASSED = "frist overskredet"
SECONDARY = "i sekundær periode"
GIVEN = "opsagt"
ENDED = "udløbet"
STATUSES = (NOTICE_PASSED, NOTICE_SOON, SECONDARY, RUNNING, GIVEN, ENDED)
"""The statuses, most urgent first (the order an overview sorts by)."""

SOON_DAYS = 90
ONE_ORE = Decimal("0.01")
OPERATIONAL_BUYOUT_MONTHS = 24


@dataclass(frozen=True)
class Contract:
    """One row of the institution's register of existing contracts; amounts in kr, rates as fractions."""

    supplier: str
    number: str
    kind: str                      # a code of xlkopi.core.kinds
    price: Decimal                 # anskaffelsespris
    years: Decimal                 # løbetid (primary term)
    periods_per_year: int
    start: dt.date
    in_advance: bool = True
    rate: Decimal | None = None    # nominal annual rate; None when only the payment is known
    payment: Decimal | None = None  # ydelse pr. termin; None when only the rate is known
    residual: Decimal = Decimal(0)
    service_per_period: Decimal = Decimal(0)
    secondary_months: int = 0
    notice_months: int = 0
    machines: int | None = None
    location: str = ""
    notice_given: dt.date | None = None   # the day written notice was given ("Opsagt den"), when it has been


@dataclass(frozen=True)
class Resolved:
    """A contract with its schedule; the rate or payment it did not give is derived."""

    contract: Contract
    schedule: Schedule
    rate: Decimal | float          # the rate the schedule runs at (float when solved from the payment)
    rate_derived: bool
    payment_derived: bool
    payment_difference: Decimal | None = None   # given payment minus the rate's payment, when they disagree

    @property
    def payment(self) -> Decimal:
        return self.schedule.payment


def resolve(c: Contract) -> Resolved:
    """Build the schedule from the rate, or solve the rate from the payment (the basisrente), or check both.

    Both given and agreeing to an øre's rounding: the rate's schedule. Both given and disagreeing: the
    payment is what the supplier invoices, so the schedule follows it (its rate solved) and the difference
    is reported. Raises :class:`~xlkopi.errors.ArgumentError` naming the field when neither is given or the
    payment fits no rate above -100 %.
    """
    if c.rate is None and c.payment is None:
        raise ArgumentError("Rente / Ydelse pr. termin", "mindst én af dem skal angives")
    start = c.start
    difference = None
    if c.rate is not None:
        s = lease_schedule(c.price, c.rate, c.years, c.periods_per_year, c.residual, start, c.in_advance)
        if c.payment is None or abs(c.payment - s.payment) <= ONE_ORE:
            return Resolved(c, s, c.rate, False, c.payment is None, None)
        difference = c.payment - s.payment
    rate = payment_rate(c)
    s = lease_schedule(c.price, rate, c.years, c.periods_per_year, c.residual, start, c.in_advance)
    return Resolved(c, s, rate, True, False, difference)


def payment_rate(c: Contract) -> float:
    """The basisrente behind the contract's ydelse pr. termin (the rate its schedule then runs at).

    Raises :class:`~xlkopi.errors.ArgumentError` naming the field when the payment fits no rate above -100 %.
    """
    assert c.payment is not None
    try:
        return base_rate(c.payment / c.price, c.years, c.periods_per_year, c.residual / c.price, c.in_advance)
    except (ArgumentError, ConvergenceError) as exc:
        raise ArgumentError("Ydelse pr. termin", f"passer ikke til nogen rente ({exc})", c.payment) from None


def term_end(start: dt.date, years: Decimal) -> dt.date:
    """The last day of a term of ``years`` from ``start``: the day before EDATE(start; years × 12).

    >>> term_end(dt.date(2006, 1, 1), Decimal(5)), term_end(dt.date(2022, 3, 1), Decimal("2.5"))
    (datetime.date(2010, 12, 31), datetime.date(2024, 8, 31))
    """
    return edate(start, _months(years)) - dt.timedelta(days=1)


def notice_day(start: dt.date, years: Decimal, notice_months: int) -> dt.date:
    """The last day to give written notice: the term's last day minus ``notice_months`` (EDATE).

    >>> notice_day(dt.date(2006, 1, 1), Decimal(5), 3), notice_day(dt.date(2022, 3, 1), Decimal(5), 3)
    (datetime.date(2010, 9, 30), datetime.date(2026, 11, 28))
    """
    end = term_end(start, years)
    return edate(end, -notice_months) if notice_months else end


def primary_end(c: Contract) -> dt.date:
    """The last day of the primary term: the day before EDATE(start, months)."""
    return term_end(c.start, c.years)


def _months(years: Decimal) -> int:
    months = years * 12
    if months != months.to_integral_value():
        raise ArgumentError("years", "skal være et helt antal måneder", years)
    return int(months)


def notice_deadline(c: Contract) -> dt.date:
    """The last day to give written notice: the end of the primary term minus the notice period."""
    return notice_day(c.start, c.years, c.notice_months)


def secondary_end(c: Contract) -> dt.date:
    """The last day of the secondary period that follows a missed notice (the primary end when there is none)."""
    end = primary_end(c)
    if not c.secondary_months:
        return end
    return edate(end + dt.timedelta(days=1), c.secondary_months) - dt.timedelta(days=1)


class _Dates(NamedTuple):
    end: dt.date        # the primary term's last day
    deadline: dt.date   # the last day to give notice
    last: dt.date       # the secondary period's last day (the primary end when there is none)


def _dates(c: Contract) -> _Dates:
    """The three dates a contract's status and secondary period turn on, computed once."""
    return _Dates(primary_end(c), notice_deadline(c), secondary_end(c))


def given_in_time(c: Contract, day: dt.date, dates: _Dates | None = None) -> bool:
    """Written notice was given by ``day`` and by the deadline: the contract ends at the primary end.

    Notice given after the deadline does not stop the secondary period (rule 6: it is non-cancellable once
    the deadline has passed); a date after ``day`` is not yet notice at ``day``.
    """
    if c.notice_given is None or c.notice_given > day:
        return False
    return c.notice_given <= (dates or _dates(c)).deadline


def secondary_cost(r: Resolved) -> Decimal:
    """What missing the notice costs: the payments (and service) of the secondary period.

    The secondary period's length in terms is months × terms per year / 12, rounded to the øre when it is
    not a whole number of terms.
    """
    c = r.contract
    per_term = r.payment + c.service_per_period
    terms = Fraction(c.secondary_months * c.periods_per_year, 12)
    return (per_term * Decimal(terms.numerator) / Decimal(terms.denominator)).quantize(ONE_ORE, ROUND_HALF_UP)


def secondary_payments(r: Resolved, day: dt.date, dates: _Dates | None = None) -> list[tuple[dt.date, int]]:
    """The secondary period's payments (due date, øre) that are committed at ``day`` and not yet due.

    Committed once the notice deadline has passed; none when the contract has no secondary period. The
    payment is the regular ydelse (service excluded), at the contract's terms: in advance at the start of
    each term, in arrears at its end.
    """
    c, s = r.contract, r.schedule
    if not c.secondary_months:
        return []
    d = dates or _dates(c)
    if day <= d.deadline or day > d.last or given_in_time(c, day, d):
        return []
    terms = s.terms
    extra = Fraction(c.secondary_months * c.periods_per_year, 12)
    count = extra.numerator // extra.denominator
    out = []
    for k in range(terms.n, terms.n + count):
        due = terms.date_at(k if c.in_advance else k + 1)
        if due is not None and due > day:
            out.append((due, s.regular_payment_ore))
    return out


@dataclass(frozen=True)
class Position:
    """A contract at the reference date (amounts in kr)."""

    day: dt.date
    payments_left: int                  # regular payments due after the date (a committed secondary period's too)
    remaining_obligation: Decimal       # payments due after the date + residual (+ committed secondary payments)
    restgaeld: Decimal                  # balance after the last payment on or before the date
    operational_buyout: Decimal | None  # operationel only, from month 24
    rental_current: Decimal | None      # leje: buyout with the current supplier (restgæld)
    rental_switch: Decimal | None       # leje: switching supplier (restgæld + service remaining)
    primary_end: dt.date
    notice_deadline: dt.date
    secondary_end: dt.date
    secondary_cost: Decimal
    status: str
    days_to_deadline: int


def status(c: Contract, day: dt.date, dates: _Dates | None = None) -> str:
    """kører; frist inden 90 dage; frist overskredet; i sekundær periode; opsagt; udløbet.

    Missing the deadline matters only when an automatic secondary period follows; without one the
    contract just ends at the primary end. Notice given in time (:func:`given_in_time`) makes it *opsagt*
    until the primary end, *udløbet* after; otherwise notice is assumed not given.
    """
    d = dates or _dates(c)
    end, deadline, last = d
    if given_in_time(c, day, d):
        return ENDED if day > end else GIVEN
    if day > last:
        return ENDED
    if day > end:
        return SECONDARY
    if c.secondary_months and day > deadline:
        return NOTICE_PASSED
    if c.secondary_months and (deadline - day).days <= SOON_DAYS:
        return NOTICE_SOON
    return RUNNING


def position(r: Resolved, day: dt.date, rows: list[tuple[dt.date, int]] | None = None) -> Position:
    """The contract's figures at ``day`` (before the start: nothing paid yet; after the end: nothing left).

    ``rows`` are :func:`due_rows` at ``day`` when the caller already has them.
    """
    c, s = r.contract, r.schedule
    dates = _dates(c)
    last = last_paid(s, day)    # payments due on the date count as paid, as in BUYOUT
    regular = len(s) - (1 if s.has_residual_row else 0)
    secondary = secondary_payments(r, day, dates)
    if rows is None:
        rows = _due_rows(r, day, secondary)
    balance = kr(s.balance_ore[last]) if last >= 0 else c.price   # buyout()'s restgæld, before the start too
    operational = None
    if c.kind == "operationel" and day >= edate(c.start, OPERATIONAL_BUYOUT_MONTHS) and last + 1 < len(s):
        operational = buyout(s, day, "operationel")
    current = switch = None
    if c.kind == "leje":
        current = balance
        switch = (buyout(s, day, "skift", service_per_period=c.service_per_period) if day >= c.start
                  else c.price + c.service_per_period * regular)
    return Position(day, max(0, regular - (last + 1)) + len(secondary), kr(sum(ore for _, ore in rows)), balance,
                    operational, current, switch, dates.end, dates.deadline, dates.last, secondary_cost(r),
                    status(c, day, dates), (dates.deadline - day).days)


def due_rows(r: Resolved, day: dt.date) -> list[tuple[dt.date, int]]:
    """Every payment (due date, øre) still to be paid after ``day``: the schedule's and a committed secondary's."""
    return _due_rows(r, day, secondary_payments(r, day))


def _due_rows(r: Resolved, day: dt.date, secondary: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    s = r.schedule
    rows = [(due, ore) for due, ore in zip(s.dates, s.payment_ore, strict=True) if due is not None and due > day]
    return rows + secondary


def by_year(rows: list[tuple[dt.date, int]]) -> dict[int, Decimal]:
    """Payment rows (due date, øre) summed per calendar year of the due date, in kr, years in order."""
    out: dict[int, int] = {}
    for due, ore in rows:
        out[due.year] = out.get(due.year, 0) + ore
    return {year: kr(ore) for year, ore in sorted(out.items())}


def due_by_year(r: Resolved, day: dt.date) -> dict[int, Decimal]:
    """Payments (the residual included) falling due after ``day``, per calendar year of the due date."""
    return by_year(due_rows(r, day))


def discounted(rows: list[tuple[dt.date, int]], day: dt.date, annual_rate: Decimal | float) -> float:
    """Payment rows (due date, øre) discounted to ``day`` at ``annual_rate`` by actual days / 365, in kr (float).

    The one discounting rule of the register: present values and the top-up calculation both use it.
    """
    rate = float(annual_rate)
    if rate <= -1:
        raise ArgumentError("rente", "skal være større end -100 %", annual_rate)
    total = 0.0
    for due, ore in rows:   # added one by one, not sum(): Python 3.12's sum() compensates, this stays the same
        total += ore / 100 / (1.0 + rate) ** ((due - day).days / 365)
    return total


def present_value(r: Resolved, day: dt.date, annual_rate: Decimal | float,
                  rows: list[tuple[dt.date, int]] | None = None) -> Decimal:
    """The payments due after ``day`` discounted to ``day`` at ``annual_rate``, by actual days / 365."""
    return kr(float_to_ore(discounted(due_rows(r, day) if rows is None else rows, day, annual_rate)))


def flags(r: Resolved) -> list[RedFlag]:
    """:func:`contract_flags` of a resolved contract."""
    return contract_flags(r.contract)


def contract_flags(c: Contract) -> list[RedFlag]:
    """The guide's red flags for the contract, plus the test of what is really operational.

    A contract called operational whose regular payments, discounted at its own rate, cover the whole
    acquisition price is a full-payout financing: the lessor carries no residual risk (rule 4 and 5).
    """
    terms = ContractTerms(kind=c.kind, price=c.price, residual=c.residual, years=c.years,
                          secondary_months=c.secondary_months)
    out = red_flags(terms)
    if c.kind == "operationel" and c.residual <= ONE_ORE / 2:
        out.append(RedFlag("reelt_finansiel", "Kaldt operationel, men ydelserne dækker hele anskaffelsesprisen",
                           "Ved operationel leasing bærer leasinggiver en restværdi; dækker ydelserne hele prisen "
                           "(ingen restværdi), er aftalen reelt en finansiel leasing, der ikke kan opsiges billigt",
                           "restværdi 0 kr", "en restværdi, som leasinggiver bærer"))
    return out


@dataclass(frozen=True)
class TopUp:
    """The guide's main advice in numbers (M7): refinance the restgæld plus new equipment, or run in parallel."""

    day: dt.date
    new_price: Decimal
    new_years: Decimal
    new_rate: Decimal
    restgaeld: Decimal
    refinance: Schedule = field(repr=False)          # (a) restgæld + new equipment in one new contract
    parallel_new: Schedule = field(repr=False)       # (b) the new equipment alone, beside the old contract
    refinance_total: Decimal = Decimal(0)
    parallel_total: Decimal = Decimal(0)             # old remaining obligation + the new contract's payments
    refinance_pv: Decimal = Decimal(0)
    parallel_pv: Decimal = Decimal(0)

    @property
    def difference(self) -> Decimal:
        """How much more refinancing costs than running in parallel (nominal, kr)."""
        return self.refinance_total - self.parallel_total

    @property
    def difference_pv(self) -> Decimal:
        return self.refinance_pv - self.parallel_pv

    @property
    def reasoning(self) -> str:
        return ("Vejledningen: ved refinansiering rulles restgælden ind i en ny, længere aftale, så der betales "
                "renter af renterne, og returnerede maskiner betales stadig; lad hellere den gamle aftale løbe "
                "ud og kør en ny aftale parallelt.")


def topup_vs_parallel(r: Resolved, day: dt.date, new_price: Decimal, new_years: Decimal,
                      new_rate: Decimal) -> TopUp:
    """(a) one new contract for restgæld + ``new_price`` from ``day``, against (b) the old contract running
    out beside a new one for ``new_price``; both at ``new_rate``, terms per year and timing as the old one,
    present values at ``new_rate`` to ``day``."""
    c = r.contract
    now = position(r, day)
    ppy, adv = c.periods_per_year, c.in_advance
    refinance = lease_schedule(now.restgaeld + new_price, new_rate, new_years, ppy, 0, day, adv)
    parallel_new = lease_schedule(new_price, new_rate, new_years, ppy, 0, day, adv)

    def pv(s: Schedule) -> float:   # a new contract from ``day``: its first payment may fall on the day itself
        return discounted([(due, ore) for due, ore in zip(s.dates, s.payment_ore, strict=True)
                           if due is not None and due >= day], day, new_rate)

    old_pv = float(present_value(r, day, new_rate))
    return TopUp(day, new_price, new_years, new_rate, now.restgaeld, refinance, parallel_new,
                 refinance.total_payments, now.remaining_obligation + parallel_new.total_payments,
                 kr(float_to_ore(pv(refinance))), kr(float_to_ore(old_pv + pv(parallel_new))))

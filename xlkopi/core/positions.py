"""Many contracts at a reference date at once (numpy): :mod:`xlkopi.core.obligations`, vectorised.

The scalar engine (:func:`~xlkopi.core.obligations.position` and its companions) computes one contract from
its schedule; a register of 10^4 or 10^5 contracts needs the same figures without a Python schedule per
contract. This module builds the schedules with :func:`xlkopi.core.portfolio.portfolio_arrays` (int64 øre,
exact integer interest) in chunks, and derives from those arrays, with the scalar engine's rules:

* the due date of row ``k``: EDATE(start; period(k) × 12 / terms per year), Excel's month arithmetic;
* payments counted as paid when due on or before the reference date (as BUYOUT);
* restforpligtelse = the rows due after the date + a committed secondary period's payments;
  restgæld = the balance after the last paid row (the price before the start);
* the primary end, the notice deadline, the secondary end, the status, what missing the notice costs;
* the amounts per calendar year; the present value by actual days / 365, summed row by row in the
  scalar order with the same power function, so it is the same float, then rounded as ROUND(x; 2);
* the operational buyout (the balance rolled forward over the part of the period that has run).

Contracts the fast path does not take (only a payment given, a payment that disagrees with the rate, amounts
with fractions of an øre, anything the scalar engine would refuse) are computed by the scalar engine and put
in the same arrays, so a caller sees one result. The tests compare every field with the scalar engine on
random registers (hypothesis).

>>> import datetime as dt
>>> from decimal import Decimal
>>> from xlkopi.core.obligations import Contract
>>> c = Contract("Nordlys Finans", "NF-1", "finansiel", Decimal(100000), Decimal(5), 4, dt.date(2006, 1, 1),
...              rate=Decimal("0.051"), residual=Decimal(5000), notice_months=3, secondary_months=6)
>>> p = positions([c], dt.date(2008, 1, 1), Decimal("0.04"))
>>> p.remaining_ore.tolist(), p.restgaeld_ore.tolist(), p.payments_left.tolist()   # the guide's contract
([6446834], [5945437], [11])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import gcd

import numpy as np

from ..errors import ArgumentError
from ..money import exact_rate, float_to_ore
from .obligations import (
    OPERATIONAL_BUYOUT_MONTHS,
    SOON_DAYS,
    STATUSES,
    Contract,
    Resolved,
    due_rows,
    payment_rate,
    position,
    present_value,
    resolve,
)
from .portfolio import portfolio_arrays
from .terms import MAX_ANNUAL_RATE, MAX_PERIODS, PERIODS_PER_YEAR

CHUNK = 4096
"""Contracts per numpy pass: bounds the schedule matrices (contracts × rows × 8 bytes, a few per array)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()
_INT_SAFE = 2 ** 52
_STATUS = {s: i for i, s in enumerate(STATUSES)}
ENDED_, SECONDARY_, PASSED_, SOON_, RUNNING_, GIVEN_ = (_STATUS[s] for s in (
    "udløbet", "i sekundær periode", "frist overskredet", "frist inden 90 dage", "kører", "opsagt"))
_NEVER = 2 ** 40   # the notice day of a contract with no notice given: after every reference date


@dataclass
class Positions:
    """The figures of ``C`` contracts at ``day``, one array entry per contract in the order given.

    Amounts are int64 øre; dates are ``datetime64[D]``; ``status`` indexes
    :data:`~xlkopi.core.obligations.STATUSES`. ``operational_ore`` and the rental prices are meaningful where
    their mask is set (the scalar engine's ``None`` elsewhere). ``due_ore[c, j]`` is what contract ``c`` pays
    in calendar year ``years[j]``.
    """

    day: dt.date
    rate: list[Decimal | float]
    rate_derived: np.ndarray
    payment_derived: np.ndarray
    payment_difference_ore: np.ndarray    # given payment minus the rate's payment; 0 where none
    has_difference: np.ndarray
    payment_ore: np.ndarray               # the regular ydelse pr. termin the schedule runs at
    payments_left: np.ndarray
    remaining_ore: np.ndarray
    restgaeld_ore: np.ndarray
    operational_ore: np.ndarray
    has_operational: np.ndarray
    rental_current_ore: np.ndarray
    rental_switch_ore: np.ndarray
    is_rental: np.ndarray
    primary_end: np.ndarray
    notice_deadline: np.ndarray
    secondary_end: np.ndarray
    secondary_cost_ore: np.ndarray
    status: np.ndarray
    days_to_deadline: np.ndarray
    pv_ore: np.ndarray
    years: list[int]
    due_ore: np.ndarray
    scalar: np.ndarray                    # True where the scalar engine computed the contract

    def __len__(self) -> int:
        return len(self.rate)


def _days(d: dt.date) -> int:
    return d.toordinal() - _EPOCH


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the proleptic Gregorian date (y, m, d), in integer arithmetic.

    The era algorithm of H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013); the tests
    check it against ``datetime.date.toordinal`` over every day of several centuries.
    """
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01, the inverse of :func:`_days_from_civil` (same source)."""
    z = z + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + np.where(mp < 10, 3, -9)
    return yoe + era * 400 + (m <= 2), m, d


def edate_days(tm: np.ndarray, day: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """EDATE over arrays: the date ``months`` after (month index ``tm`` = year × 12 + month - 1, day of
    month ``day``), in days since 1970-01-01.

    As Excel: the same day of the month, or the month's last day when the month is shorter. The first days
    of the months spanned are computed once, as a table, and looked up.
    """
    target = np.asarray(tm + months)
    if target.size == 0:
        return target.astype(np.int64)
    lo, hi = int(target.min()), int(target.max())
    y, m0 = np.divmod(np.arange(lo, hi + 2, dtype=np.int64), 12)
    first = _days_from_civil(y, m0 + 1, np.ones_like(y))
    k = target - lo
    start = first[k]
    return start + np.minimum(day, first[k + 1] - start) - 1


def _split(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 as (month index, day of month)."""
    y, m, d = _civil_from_days(days)
    return y * 12 + m - 1, d


def _year(days: np.ndarray) -> np.ndarray:
    return _civil_from_days(days)[0]


_KIND_CODES = {"finansiel": 0, "operationel": 1, "leje": 2}
(PRICE, RESIDUAL, SERVICE, N, MPP, NUM, DEN, ADV, SECONDARY, NOTICE, START, KIND, GIVEN_NUM, GIVEN_DEN, DERIVED,
 NOTICE_GIVEN, INDEX) = range(17)


def _ore(value: Decimal) -> int | None:
    """Whole øre of an amount in kr, or None when it has a fraction of an øre."""
    num, den = value.as_integer_ratio()
    return num * (100 // den) if 100 % den == 0 else None


def _fast(i: int, c: Contract, solved: dict[int, float]) -> tuple[int, ...] | None:
    """Contract ``i`` as one row of integers (the columns PRICE … INDEX), when the fast path applies.

    A contract given by its ydelse only gets its basisrente here, by the scalar engine's solver
    (:func:`~xlkopi.core.obligations.payment_rate`), put in ``solved``. The scalar engine's refusals (and
    amounts with fractions of an øre) are left to it, so it says why.
    """
    ppy, rate = c.periods_per_year, c.rate
    if ppy not in PERIODS_PER_YEAR or c.years <= 0 or (rate is None and c.payment is None):
        return None
    price, residual, service = _ore(c.price), _ore(c.residual), _ore(c.service_per_period)
    if price is None or residual is None or service is None or not 0 <= residual < price or service < 0:
        return None
    ynum, yden = c.years.as_integer_ratio()
    if (ynum * 12) % yden:   # the term's end is EDATE(start; months): whole months only
        return None
    n, rest = divmod(ynum * ppy, yden)
    secondary, notice = c.secondary_months, c.notice_months
    if rest or not 1 <= n <= MAX_PERIODS or secondary < 0 or notice < 0:
        return None
    if c.start.year + n // ppy + secondary // 12 + 2 > 9999:
        return None
    derived = rate is None
    if derived:
        try:
            found = payment_rate(c)
        except ArgumentError:
            return None
        exact = exact_rate(found)
        num, den = exact.numerator, exact.denominator
    elif rate is not None and rate.is_finite():
        num, den = rate.as_integer_ratio()
    else:
        return None
    top = MAX_ANNUAL_RATE
    if not -den < num or num * top.denominator > top.numerator * den:
        return None
    if derived:
        solved[i] = found
    den *= ppy
    g = gcd(num, den)
    gnum, gden = (0, 0) if c.payment is None or derived else c.payment.as_integer_ratio()
    return (price, residual, service, n, 12 // ppy, num // g, den // g, c.in_advance, secondary, notice,
            c.start.toordinal() - _EPOCH, _KIND_CODES.get(c.kind, 3), gnum, gden, derived,
            _NEVER if c.notice_given is None else c.notice_given.toordinal() - _EPOCH, i)


def check(c: Contract) -> None:
    """Raise what :func:`~xlkopi.core.obligations.resolve` raises for ``c`` (its terms do not fit together),
    without building its schedule when the fast path takes it."""
    if _fast(0, c, {}) is None:
        resolve(c)


@dataclass
class Rows:
    """The register as the fast path takes it (:func:`contract_rows`)."""

    small: np.ndarray          # int64 rows, sorted by number of terms
    big: np.ndarray            # rows with integers beyond int64 (a rate with many decimals, a solved rate)
    rest: list[int]            # indices for the scalar engine
    solved: dict[int, float]   # basisrenter solved from a ydelse, by index

    def __len__(self) -> int:
        return len(self.small) + len(self.big)


def contract_rows(contracts: Sequence[Contract]) -> Rows:
    """The contracts the fast path takes, as matrices of integers, one row each, sorted by number of terms (so
    that a chunk's schedules have few padding rows); the indices of the others, for the scalar engine.

    Rows whose exact periodic rate does not fit int64 (a rate with many decimals, a basisrente solved from a
    ydelse: a binary float's decimal expansion) go in a matrix of Python integers, computed apart.
    """
    small, big, rest = [], [], []
    solved: dict[int, float] = {}
    limit = 2 ** 62
    for i, c in enumerate(contracts):
        row = _fast(i, c, solved)
        if row is None:
            rest.append(i)
        elif -limit < row[NUM] < limit and row[DEN] < limit and -limit < row[GIVEN_NUM] < limit \
                and row[GIVEN_DEN] < limit:
            small.append(row)
        else:
            big.append(row)
    width = INDEX + 1
    a = np.array(small, dtype=np.int64).reshape(len(small), width)
    b = np.array(big, dtype=object).reshape(len(big), width)
    return Rows(a[np.argsort(a[:, N], kind="stable")], b[np.argsort(b[:, N].astype(np.int64), kind="stable")],
                rest, solved)


def positions(contracts: Sequence[Contract], day: dt.date, discount_rate: Decimal | float,
              chunk: int = CHUNK) -> Positions:
    """Every contract's figures at ``day``, present values at ``discount_rate`` (annual, actual days / 365).

    Raises :class:`~xlkopi.errors.ArgumentError` as :func:`~xlkopi.core.obligations.resolve` does, for the
    first contract it refuses, and for a discount rate at or below -100 %.
    """
    return positions_of(contracts, contract_rows(contracts), day, discount_rate, chunk)


def positions_of(contracts: Sequence[Contract], rows: Rows, day: dt.date, discount_rate: Decimal | float,
                 chunk: int = CHUNK) -> Positions:
    """:func:`positions` from :func:`contract_rows` (the fast path) and the rest (the scalar engine)."""
    rate_d = float(discount_rate)
    if rate_d <= -1:
        raise ArgumentError("rente", "skal være større end -100 %", discount_rate)
    C = len(contracts)
    out = _empty(C, day)
    # a contract's own rate; the solved ones here, the scalar engine's below
    out.rate = [c.rate if c.rate is not None else 0.0 for c in contracts]
    for i, rate in rows.solved.items():
        out.rate[i] = rate
        out.rate_derived[i] = True
    year_sums: dict[int, np.ndarray] = {}
    for matrix in (rows.small, rows.big):
        for lo, hi in _chunks(matrix[:, N].astype(np.int64), chunk):
            _fast_chunk(matrix[lo:hi], day, rate_d, out, year_sums)
    # The scalar engine keeps the rate's schedule when a given payment is within an øre of it and
    # otherwise follows the payment, solving its rate: those few go to it.
    scalar = sorted(set(rows.rest) | set(np.flatnonzero(out.has_difference).tolist()))
    for i in scalar:
        _scalar(contracts[i], i, day, discount_rate, out, year_sums)
    out.years = sorted(year_sums)
    out.due_ore = (np.stack([year_sums[y] for y in out.years], axis=1) if out.years
                   else np.zeros((C, 0), np.int64))
    return out


def _chunks(n: np.ndarray, chunk: int) -> list[tuple[int, int]]:
    """Slices of the rows (sorted by number of terms ``n``) of at most ``chunk`` rows, a new one where ``n``
    has grown by a half, so that the schedules padded to a chunk's longest are mostly real rows."""
    if not len(n):
        return []
    values, starts = np.unique(n, return_index=True)
    bounds = [*starts.tolist(), len(n)]
    out, lo, first = [], 0, int(values[0])
    for g in range(len(values)):
        if int(values[g]) > first * 3 // 2 + 1 and bounds[g] > lo:
            out.append((lo, bounds[g]))
            lo, first = bounds[g], int(values[g])
        while bounds[g + 1] - lo > chunk:
            out.append((lo, lo + chunk))
            lo, first = lo + chunk, int(values[g])
    if lo < len(n):
        out.append((lo, len(n)))
    return out


def _empty(C: int, day: dt.date) -> Positions:
    def z() -> np.ndarray:
        return np.zeros(C, np.int64)

    def b() -> np.ndarray:
        return np.zeros(C, bool)

    def d() -> np.ndarray:
        return np.zeros(C, "datetime64[D]")

    return Positions(day, [], b(), b(), z(), b(), z(), z(), z(), z(), z(), b(), z(), z(), b(),
                     d(), d(), d(), z(), z(), z(), z(), [], np.zeros((C, 0), np.int64), b())


def _fast_chunk(m: np.ndarray, day: dt.date, rate_d: float, out: Positions,
                year_sums: dict[int, np.ndarray]) -> None:
    big = m.dtype == object
    col = (lambda j: m[:, j].astype(np.int64)) if big else (lambda j: m[:, j])
    idx, price, residual, service, n, mpp = (col(j) for j in (INDEX, PRICE, RESIDUAL, SERVICE, N, MPP))
    num, den = (m[:, NUM], m[:, DEN]) if big else (col(NUM), col(DEN))
    adv, sec, notice, start, kind = col(ADV).astype(bool), col(SECONDARY), col(NOTICE), col(START), col(KIND)
    notice_day = col(NOTICE_GIVEN)
    ppy = 12 // mpp
    tm0, d0 = _split(start)
    today = _days(day)
    K = len(idx)
    rows_idx = np.arange(K)

    p = portfolio_arrays(price, num, den, n, ppy, residual, adv)
    y = p.regular_payment
    gnum, gden = m[:, GIVEN_NUM], m[:, GIVEN_DEN]
    derived = col(DERIVED).astype(bool)
    has_payment = (np.asarray(gden != 0, dtype=bool)) | derived
    # |given - y| > 1 øre, exactly: |gnum × 100 - y × gden| > gden (Python integers where int64 could overflow)
    handed_over = np.zeros(K, bool)
    checked = has_payment & ~derived   # a solved rate's schedule is the payment's own
    if checked.any():
        g = np.flatnonzero(checked)
        diff = [abs(int(a) * 100 - int(b) * int(c)) > int(c) for a, b, c in zip(gnum[g], y[g], gden[g], strict=True)]
        out.has_difference[idx[g]] = diff
    handed_over = out.has_difference[idx]   # the scalar engine recomputes these; they add nothing here

    R = p.payment.shape[1]
    valid = np.arange(R)[None, :] < p.rows[:, None]
    due_tm = tm0[:, None] + p.period * mpp[:, None]
    due = edate_days(due_tm, d0[:, None], 0)
    future = valid & (due > today)
    last = (valid & ~future).sum(axis=1) - 1
    restgaeld = np.where(last >= 0, p.balance[rows_idx, np.maximum(last, 0)], price)
    pay_future = np.where(future, p.payment, 0)
    nominal = pay_future.sum(axis=1)

    end = edate_days(tm0, d0, n * mpp) - 1
    etm, ed = _split(end)
    deadline = np.where(notice > 0, edate_days(etm, ed, -notice), end)
    ntm, nd = _split(end + 1)
    last_day = np.where(sec > 0, edate_days(ntm, nd, sec) - 1, end)
    given = (notice_day <= today) & (notice_day <= deadline)   # notice given in time: ends at the primary end
    status = np.select([given & (today > end), given, today > last_day, today > end, (sec > 0) & (today > deadline),
                        (sec > 0) & (deadline - today <= SOON_DAYS)],
                       [ENDED_, GIVEN_, ENDED_, SECONDARY_, PASSED_, SOON_], RUNNING_)

    # A secondary period is committed once the notice deadline has passed (notice assumed not given).
    count = (sec * ppy) // 12
    committed = (sec > 0) & (today > deadline) & (today <= last_day) & ~given
    S = int(count[committed].max()) if committed.any() else 0
    s_col = np.arange(S)[None, :]
    s_tm = tm0[:, None] + (n[:, None] + s_col + np.where(adv, 0, 1)[:, None]) * mpp[:, None]
    s_due = edate_days(s_tm, d0[:, None], 0)
    s_live = committed[:, None] & (s_col < count[:, None]) & (s_due > today)
    n_sec = s_live.sum(axis=1)
    s_pay = np.where(s_live, y[:, None], 0)

    per_term = (y + service) * sec * ppy
    secondary_cost = (2 * per_term + 12) // 24
    regular_left = np.maximum(0, n - (last + 1))
    is_rental = kind == _KIND_CODES["leje"]

    # Present value, the scalar engine's float: the same terms, added in the same order, each discounted by
    # Python's power (1 + r) ** (days / 365), computed once per day count and looked up; the schedule's rows
    # first, then the committed secondary payments.
    pv = np.zeros(K)
    for pay_m, due_m in ((pay_future, due), (s_pay, s_due)):
        live = pay_m != 0
        if not live.any():
            continue
        days = np.where(live, due_m - today, 0)
        lo, hi = int(days[live].min()), int(days[live].max())
        base = 1.0 + rate_d
        table = np.array([base ** (k / 365) for k in range(lo, hi + 1)])
        terms = np.where(live, pay_m / 100 / table[np.clip(days - lo, 0, hi - lo)], 0.0)
        for j in range(terms.shape[1]):
            pv = pv + terms[:, j]   # column by column: each contract's terms added in the scalar engine's order
    pv_ore = _round_ore(pv)

    # The operational buyout from month 24: the restgæld rolled forward over the elapsed part of the period.
    op = (kind == _KIND_CODES["operationel"]) & (today >= edate_days(tm0, d0, OPERATIONAL_BUYOUT_MONTHS)) \
        & (last + 1 < p.rows)
    op_value = restgaeld.copy()
    t = np.minimum(np.where(last >= 0, p.period[rows_idx, np.maximum(last, 0)], 0), n)
    begins = edate_days(tm0, d0, t * mpp)
    rolling = op & (t < n) & (today > begins)
    if rolling.any():
        ends = edate_days(tm0, d0, (t + 1) * mpp)
        for k in np.flatnonzero(rolling).tolist():
            frac = (today - int(begins[k])) / (int(ends[k]) - int(begins[k]))
            i = float(Fraction(int(num[k]), int(den[k])))
            op_value[k] = float_to_ore(int(restgaeld[k]) / 100 * (1.0 + i) ** frac)
    op_value = np.where(np.asarray(num >= 0, dtype=bool), np.minimum(op_value, nominal), op_value)

    out.payment_derived[idx] = ~has_payment
    out.payment_ore[idx] = y
    out.payments_left[idx] = regular_left + n_sec
    out.remaining_ore[idx] = nominal + n_sec * y
    out.restgaeld_ore[idx] = restgaeld
    out.operational_ore[idx] = np.where(op, op_value, 0)
    out.has_operational[idx] = op
    out.rental_current_ore[idx] = np.where(is_rental, restgaeld, 0)
    out.rental_switch_ore[idx] = np.where(is_rental, restgaeld + service * regular_left, 0)
    out.is_rental[idx] = is_rental
    out.primary_end[idx] = end.astype("datetime64[D]")
    out.notice_deadline[idx] = deadline.astype("datetime64[D]")
    out.secondary_end[idx] = last_day.astype("datetime64[D]")
    out.secondary_cost_ore[idx] = secondary_cost
    out.status[idx] = status
    out.days_to_deadline[idx] = deadline - today
    out.pv_ore[idx] = pv_ore

    # What falls due per calendar year: the year of a row's due date is its month index // 12.
    amounts = np.concatenate([pay_future, s_pay], axis=1)
    amounts[handed_over] = 0
    if amounts.any():
        years = np.concatenate([due_tm, s_tm], axis=1) // 12
        y0 = int(years[amounts != 0].min())
        span = int(years[amounts != 0].max()) - y0 + 1
        assert int(np.abs(amounts).max()) * amounts.shape[1] < _INT_SAFE   # float64 sums stay exact integers
        slot = rows_idx[:, None] * span + np.clip(years - y0, 0, span - 1)
        sums = np.rint(np.bincount(slot.ravel(), weights=amounts.ravel().astype(float), minlength=K * span)
                       ).astype(np.int64).reshape(K, span)
        C = len(out.rate)
        for j in np.flatnonzero(sums.any(axis=0)).tolist():
            column = year_sums.setdefault(y0 + j, np.zeros(C, np.int64))
            column[idx] += sums[:, j]


def _round_ore(values: np.ndarray) -> np.ndarray:
    """:func:`xlkopi.money.float_to_ore` over an array (kr floats to øre, as ROUND(x; 2))."""
    cents = np.abs(values) * 100.0
    whole = np.floor(cents)
    q = (whole + (cents - whole > 0.5)).astype(np.int64)
    out = np.where(values >= 0, q, -q)
    for k in np.flatnonzero((np.abs(cents - whole - 0.5) <= 1e-6) | (cents >= 1e13)).tolist():
        out[k] = float_to_ore(float(values[k]))
    return out


def _scalar(c: Contract, i: int, day: dt.date, discount_rate: Decimal | float, out: Positions,
            year_sums: dict[int, np.ndarray]) -> None:
    """One contract through the scalar engine, into the arrays."""
    r: Resolved = resolve(c)
    rows = due_rows(r, day)
    pos = position(r, day, rows)
    out.scalar[i] = True
    out.rate[i] = r.rate
    out.rate_derived[i] = r.rate_derived
    out.payment_derived[i] = r.payment_derived
    out.has_difference[i] = r.payment_difference is not None
    out.payment_difference_ore[i] = int(r.payment_difference * 100) if r.payment_difference is not None else 0
    out.payment_ore[i] = r.schedule.regular_payment_ore
    out.payments_left[i] = pos.payments_left
    out.remaining_ore[i] = int(pos.remaining_obligation * 100)
    out.restgaeld_ore[i] = int(pos.restgaeld * 100)
    out.has_operational[i] = pos.operational_buyout is not None
    out.operational_ore[i] = int(pos.operational_buyout * 100) if pos.operational_buyout is not None else 0
    out.is_rental[i] = pos.rental_current is not None
    out.rental_current_ore[i] = int(pos.rental_current * 100) if pos.rental_current is not None else 0
    out.rental_switch_ore[i] = int(pos.rental_switch * 100) if pos.rental_switch is not None else 0
    out.primary_end[i] = np.datetime64(pos.primary_end, "D")
    out.notice_deadline[i] = np.datetime64(pos.notice_deadline, "D")
    out.secondary_end[i] = np.datetime64(pos.secondary_end, "D")
    out.secondary_cost_ore[i] = int(pos.secondary_cost * 100)
    out.status[i] = _STATUS[pos.status]
    out.days_to_deadline[i] = pos.days_to_deadline
    out.pv_ore[i] = int(present_value(r, day, discount_rate, rows) * 100)
    C = len(out.rate)
    for due, ore in rows:
        year_sums.setdefault(due.year, np.zeros(C, np.int64))[i] += ore

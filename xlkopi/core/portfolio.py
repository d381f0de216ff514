"""Schedules of many fixed-rate contracts at once (numpy).

The same rounding convention as :mod:`xlkopi.core.schedule`, vectorised over
contracts: one numpy step per period instead of one Python loop per
contract. Amounts are int64 øre; the periodic rates are exact fractions
``num / den``, so each row's interest is rounded half away from zero in
integer arithmetic and equals the scalar engine's to the øre (the tests
compare both on random portfolios).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..money import float_to_ore
from .terms import LeaseTerms

_INT_LIMIT = 2 ** 62


@dataclass(frozen=True)
class Portfolio:
    """Schedules of ``C`` contracts, padded to ``R`` rows with zeros.

    ``payment[c, r]`` etc. are int64 øre; ``period[c, r]`` is the row's time
    in periods from the start; ``rows[c]`` is the number of real rows of
    contract ``c`` (the residual row included).
    """

    payment: np.ndarray
    principal: np.ndarray
    interest: np.ndarray
    balance: np.ndarray
    period: np.ndarray
    rows: np.ndarray
    regular_payment: np.ndarray


def _round_half_away(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Integer ``num / den`` rounded half away from zero (``den`` > 0)."""
    q = (2 * np.abs(num) + den) // (2 * den)
    return np.where(num < 0, -q, q)


def _half_away(num: int, den: int) -> int:
    """Python-integer ``num / den`` rounded half away from zero (``den`` > 0)."""
    q = (2 * abs(num) + den) // (2 * den)
    return -q if num < 0 else q


def _pmt_ore(balance, rate, n, residual, adv) -> np.ndarray:
    """Vectorised ROUND(PMT(rate; n; -balance; residual; type); 2) in øre."""
    b = balance / 100.0
    rv = residual / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = np.expm1(n * np.log1p(rate))  # (1+r)^n - 1 as the scalar pmt computes it
        annuity = np.where((rate == 0) | (g1 == 0), (b - rv) / n,
                           (b * (1.0 + g1) - rv) * rate / ((1.0 + rate * adv) * g1))
    cents = annuity * 100.0
    out = np.floor(np.abs(cents) + 0.5) * np.sign(cents)
    # Near an exact half øre, binary floats may round the wrong way; settle those few
    # as the spreadsheet does (the value shown to 15 significant digits).
    frac = np.abs(cents) - np.floor(np.abs(cents))
    for c in np.nonzero(np.abs(frac - 0.5) < 1e-6)[0]:
        out[c] = float_to_ore(float(annuity[c]))
    return out.astype(np.int64)


def exact_rate_arrays(annual_rate: np.ndarray, periods_per_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Periodic rates as exact integer fractions ``num / den`` (reduced).

    Rates with up to 8 decimals (0.0512 for 5.12 %) are read exactly as
    typed, the same as :func:`xlkopi.money.exact_rate`; others raise.
    """
    scaled = np.round(np.asarray(annual_rate, dtype=float) * 1e8)
    if not np.array_equal(scaled / 1e8, annual_rate):
        raise ValueError("portfolio rates must have at most 8 decimals")
    num = scaled.astype(np.int64)
    den = np.full_like(num, 10 ** 8) * np.asarray(periods_per_year, dtype=np.int64)
    g = np.gcd(num, den)
    g[g == 0] = 1
    return num // g, den // g


def portfolio_arrays(price_ore, rate_num, rate_den, n, periods_per_year, residual_ore, in_advance) -> Portfolio:
    """Schedules of many fixed-rate contracts from arrays, vectorised over contracts.

    Parameters
    ----------
    price_ore, residual_ore : int64 arrays
        Price and residual value in øre.
    rate_num, rate_den : int64 arrays
        The periodic rate of each contract as the exact fraction ``num / den``
        (annual rate / periods per year; see :func:`exact_rate_arrays`).
    n, periods_per_year : int arrays
        Number of regular payments and payments a year.
    in_advance : bool array
        Forud (True) or bagud (False).
    """
    price = np.asarray(price_ore, dtype=np.int64)
    # Rates whose exact fraction does not fit int64 arrive as arrays of Python integers and stay so.
    num, den = (np.asarray(a) if np.asarray(a).dtype == object else np.asarray(a, dtype=np.int64)
                for a in (rate_num, rate_den))
    n = np.asarray(n, dtype=np.int64)
    rv = np.asarray(residual_ore, dtype=np.int64)
    adv = np.asarray(in_advance, dtype=bool)
    C = len(price)
    if C == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        return Portfolio(empty, empty, empty, empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64))
    # Exact integer interest would overflow int64: the products in Python integers, slower but exact
    # (amounts, principal and balances still fit int64).
    big = num.dtype == object or den.dtype == object or int(np.abs(num).max()) * int(price.max()) * 2 >= _INT_LIMIT
    rate = num.astype(float) / den.astype(float)
    if big:
        nums, dens = [int(x) for x in num], [int(x) for x in den]
        rv_interest = np.array([_half_away(r * a, d + a) if f and r > 0 else 0
                                for r, a, d, f in zip(rv.tolist(), nums, dens, adv.tolist(), strict=True)], np.int64)
    else:
        rv_interest = np.where(adv & (rv > 0), _round_half_away(rv * num, den + num), 0).astype(np.int64)
    target = rv - rv_interest
    y = _pmt_ore(price.astype(float), rate, n, rv.astype(float), adv.astype(float))

    N = int(n.max())
    R = N + 1
    pay = np.zeros((C, R), np.int64)
    prin = np.zeros((C, R), np.int64)
    intr = np.zeros((C, R), np.int64)
    bal = np.zeros((C, R), np.int64)
    balance = price.copy()
    twice_den = 2 * den
    for k in range(N):
        live = k < n
        if big:
            interest = np.array([_half_away(b * a, d) for b, a, d in zip(balance.tolist(), nums, dens, strict=True)],
                                np.int64)
        else:
            x = balance * num
            interest = np.where(x >= 0, (2 * x + den) // twice_den, -((den - 2 * x) // twice_den))
        if k == 0:
            interest = np.where(adv, 0, interest)
        interest = np.where(live, interest, 0)
        principal = np.where(k == n - 1, balance - target, y - interest)
        principal = np.where(live, principal, 0)
        balance = balance - principal
        pay[:, k] = principal + interest
        prin[:, k] = principal
        intr[:, k] = interest
        bal[:, k] = np.where(live, balance, 0)
    has_rv = rv > 0
    idx = np.arange(C)
    pay[idx, n] = np.where(has_rv, rv, 0)
    prin[idx, n] = np.where(has_rv, target, 0)
    intr[idx, n] = np.where(has_rv, rv_interest, 0)
    period = np.arange(R)[None, :] + np.where(adv, 0, 1)[:, None]
    period[idx, n] = n
    return Portfolio(pay, prin, intr, bal, period, n + has_rv, y)


def portfolio_schedules(terms: list[LeaseTerms]) -> Portfolio:
    """Schedules of many fixed-rate contracts, vectorised.

    Parameters
    ----------
    terms : list of LeaseTerms
        Validated terms (:func:`xlkopi.core.terms.make_terms`), fixed rates only.

    Examples
    --------
    >>> from xlkopi.core.terms import make_terms
    >>> p = portfolio_schedules([make_terms(100000, 0.051, 5, 4), make_terms(100000, 0.051, 5, 4, 5000)])
    >>> p.regular_payment.tolist(), p.rows.tolist(), p.interest.sum(axis=1).tolist()
    ([562449, 540621], [20, 21], [1248980, 1312423])
    """
    if any(t.is_variable for t in terms):
        raise ValueError("portfolio_schedules handles fixed rates only; use lease_schedule for rate paths")
    num = [t.rates[0].numerator if terms else 0 for t in terms]
    den = [t.rates[0].denominator * t.periods_per_year for t in terms]
    big = any(abs(x) >= 2 ** 62 for x in num + den)
    dtype = object if big else np.int64
    return portfolio_arrays(np.array([t.price_ore for t in terms], dtype=np.int64),
                            np.array(num, dtype=dtype), np.array(den, dtype=dtype),
                            np.array([t.n for t in terms], dtype=np.int64),
                            np.array([t.periods_per_year for t in terms], dtype=np.int64),
                            np.array([t.residual_ore for t in terms], dtype=np.int64),
                            np.array([t.in_advance for t in terms], dtype=bool))


def portfolio_totals(p: Portfolio) -> dict[str, list[Decimal]]:
    """Sum of ydelse, afdrag and renter per contract, in kr."""
    return {name: [Decimal(int(v)).scaleb(-2) for v in getattr(p, name).sum(axis=1)]
            for name in ("payment", "principal", "interest")}

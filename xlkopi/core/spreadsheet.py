"""Scalar time-value-of-money functions with spreadsheet semantics.

Named and signed as Excel's and LibreOffice Calc's functions (money paid out
is negative). Pure Python floats: a lease schedule calls :func:`pmt` once
per (re-)annuitisation, and numpy's per-call overhead would dominate. The
tests check every function against the worked examples in Microsoft's and
LibreOffice's documentation and against numpy-financial.

Notes
-----
All functions rest on the spreadsheet equation

.. math:: pv (1+r)^n + pmt (1 + r \\cdot type) \\frac{(1+r)^n - 1}{r} + fv = 0

which at :math:`r = 0` becomes :math:`pv + pmt \\cdot n + fv = 0`.
"""

from __future__ import annotations

import math

from ..errors import ArgumentError, ConvergenceError
from .roots import brent


def _check_type(when) -> int:
    if when in (0, 1, False, True):
        return int(when)
    raise ArgumentError("type", "skal være 0 (bagud) eller 1 (forud)", when)


def _growth_minus_one(rate: float, nper: float) -> float:
    """(1 + rate)^nper - 1 without cancellation for small rates (expm1/log1p).

    The plain difference loses digits as rate → 0: at rate 1e-15 it is 11 %
    off, which made PMT 10 % wrong.
    """
    if rate <= -1:
        return (1.0 + rate) ** nper - 1.0
    return math.expm1(nper * math.log1p(rate))


def pmt(rate: float, nper: float, pv: float, fv: float = 0.0, type: int = 0) -> float:
    """Payment per period, as ``PMT(rate; nper; pv; fv; type)``.

    >>> round(pmt(0.08 / 12, 10, 10000), 2)  # Microsoft's PMT example
    -1037.03
    >>> pmt(0.0, 4, 1000)
    -250.0
    """
    t = _check_type(type)
    if nper == 0:
        raise ArgumentError("nper", "skal være forskellig fra 0", nper)
    if rate == 0:
        return -(pv + fv) / nper
    g1 = _growth_minus_one(rate, nper)
    if g1 == 0:  # 0 % to double precision
        return -(pv + fv) / nper
    # rate / g1 first: for subnormal rates the product rate × amount would lose digits.
    return -(pv * (1.0 + g1) + fv) * (rate / g1) / (1.0 + rate * t)


def fv(rate: float, nper: float, pmt: float, pv: float = 0.0, type: int = 0) -> float:
    """Future value, as ``FV(rate; nper; pmt; pv; type)``.

    >>> round(fv(0.06 / 12, 10, -200, -500, 1), 2)  # Microsoft's FV example
    2581.4
    """
    t = _check_type(type)
    if rate == 0:
        return -(pv + pmt * nper)
    g1 = _growth_minus_one(rate, nper)
    return -(pv * (1.0 + g1) + pmt * (1.0 + rate * t) * (g1 / rate))


def pv(rate: float, nper: float, pmt: float, fv: float = 0.0, type: int = 0) -> float:
    """Present value, as ``PV(rate; nper; pmt; fv; type)``.

    >>> round(pv(0.08 / 12, 12 * 20, 500), 2)  # Microsoft's PV example
    -59777.15
    """
    t = _check_type(type)
    if rate == 0:
        return -(fv + pmt * nper)
    g1 = _growth_minus_one(rate, nper)
    return -(fv + pmt * (1.0 + rate * t) * (g1 / rate)) / (1.0 + g1)


def ipmt(rate: float, per: int, nper: float, pv: float, fv: float = 0.0, type: int = 0) -> float:
    """Interest part of payment ``per`` (1-based), as ``IPMT``.

    In advance (type 1) the first payment carries no interest.

    >>> round(ipmt(0.10 / 12, 1, 36, 8000), 2)  # Microsoft's IPMT example
    -66.67
    """
    t = _check_type(type)
    if not 1 <= per <= nper:
        raise ArgumentError("per", "skal ligge mellem 1 og nper", per)
    payment = pmt(rate, nper, pv, fv, t)
    if per == 1:
        interest = 0.0 if t else -pv
    elif t:
        interest = globals()["fv"](rate, per - 2, payment, pv, 1) - payment
    else:
        interest = globals()["fv"](rate, per - 1, payment, pv, 0)
    return interest * rate


def ppmt(rate: float, per: int, nper: float, pv: float, fv: float = 0.0, type: int = 0) -> float:
    """Principal part of payment ``per``, as ``PPMT`` (= PMT - IPMT).

    >>> round(ppmt(0.10 / 12, 1, 24, 2000), 2)  # Microsoft's PPMT example
    -75.62
    """
    return pmt(rate, nper, pv, fv, type) - ipmt(rate, per, nper, pv, fv, type)


def _cum(part, rate, nper, pv, start, end, type):
    if rate <= 0 or nper <= 0 or pv <= 0:
        raise ArgumentError("rate/nper/pv", "skal alle være større end 0", (rate, nper, pv))
    if start < 1 or end < start or end > nper:
        raise ArgumentError("start_period/end_period", "skal opfylde 1 <= start <= slut <= nper", (start, end))
    return sum(part(rate, p, nper, pv, 0.0, type) for p in range(int(start), int(end) + 1))


def cumipmt(rate: float, nper: int, pv: float, start: int, end: int, type: int) -> float:
    """Cumulative interest paid from period ``start`` to ``end``, as ``CUMIPMT``.

    >>> round(cumipmt(0.09 / 12, 360, 125000, 13, 24, 0), 2)  # Microsoft's CUMIPMT example
    -11135.23
    """
    return _cum(ipmt, rate, nper, pv, start, end, _check_type(type))


def cumprinc(rate: float, nper: int, pv: float, start: int, end: int, type: int) -> float:
    """Cumulative principal paid from period ``start`` to ``end``, as ``CUMPRINC``.

    >>> round(cumprinc(0.09 / 12, 360, 125000, 13, 24, 0), 7)  # Microsoft's CUMPRINC example
    -934.1071234
    """
    return _cum(ppmt, rate, nper, pv, start, end, _check_type(type))


def npv(rate: float, values) -> float:
    """Net present value of ``values`` at the ends of periods 1, 2, ..., as ``NPV``.

    >>> round(npv(0.10, [-10000, 3000, 4200, 6800]), 2)  # Microsoft's NPV example
    1188.44
    """
    if rate == -1:
        raise ArgumentError("rate", "må ikke være -100 %", rate)
    return sum(v / (1.0 + rate) ** k for k, v in enumerate(values, start=1))


def solve_rate(f, lower: float = -0.999999, upper: float = 1.0, *, argument: str = "rate") -> float:
    """The root of a function of a rate, bracketed first and then refined by Brent's method
    (:func:`xlkopi.core.roots.brent`, pure Python, so the worksheet functions run in Pyodide).

    ``f`` must change sign somewhere in ``(lower, ∞)``; the bracket's upper
    end is widened geometrically up to 10^6 (100,000,000 %). Never returns
    a rate at or below -100 % nor NaN: without a sign change it raises
    :class:`~xlkopi.errors.ConvergenceError` (numpy-financial's ``rate()``
    can silently return such values, its issue #126).
    """
    lo, hi = lower, upper
    if lo < 0.0 < hi and f(0.0) == 0:
        return 0.0  # interest-free offers are common; Brent would stop a rounding error short of 0
    f_lo = f(lo)
    if not math.isfinite(f_lo):
        raise ConvergenceError(f"Ingen rente løser ligningen for '{argument}' (ugyldig funktionsværdi)")
    f_hi = f(hi)
    while f_lo * f_hi > 0 and hi < 1e6:
        hi *= 4.0
        f_hi = f(hi)
    if not (math.isfinite(f_hi) and f_lo * f_hi <= 0):
        raise ConvergenceError(f"Ingen rente over -100 % løser ligningen for '{argument}'")
    if f_lo == 0:
        return lo
    if f_hi == 0:
        return hi
    root = brent(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200)
    if not math.isfinite(root) or root <= -1:
        raise ConvergenceError(f"Ingen rente over -100 % løser ligningen for '{argument}'")
    return root


def rate(nper: float, pmt_: float, pv_: float, fv_: float = 0.0, type: int = 0) -> float:
    """Interest rate per period, as ``RATE(nper; pmt; pv; fv; type)``.

    Solved with a bracketing root finder instead of Newton's method, so it
    needs no guess and never returns a rate at or below -100 % or NaN;
    without a solution it raises :class:`~xlkopi.errors.ConvergenceError`.

    >>> round(rate(4 * 12, -200, 8000) * 12, 4)  # Microsoft's RATE example: 9.24 % a year
    0.0924
    """
    t = _check_type(type)
    if nper <= 0:
        raise ArgumentError("nper", "skal være større end 0", nper)

    def scaled(r: float) -> float:
        # The equation times a positive factor, chosen so no power of (1 + r) exceeds 1:
        # compounded below 0 %, discounted (divided by (1 + r)^nper) above. Both forms
        # agree at 0 %, so the function stays continuous with the same roots and signs;
        # a single form overflows (or divides by an underflowed 0) at one end of the bracket.
        # expm1/log1p keep (1 + r)^n - 1 accurate for rates near 0 (no cancellation).
        if r == 0:
            return pv_ + pmt_ * nper + fv_
        growth = nper * math.log1p(r)
        if r < 0:
            g1 = math.expm1(growth)  # (1 + r)^n - 1
            return pv_ * (1.0 + g1) + pmt_ * (1.0 + r * t) * (g1 / r) + fv_
        d1 = -math.expm1(-growth)  # 1 - (1 + r)^-n
        return pv_ + pmt_ * (1.0 + r * t) * (d1 / r) + fv_ * (1.0 - d1)

    return solve_rate(scaled, argument="rate")

"""The pure-Python Brent root finder agrees with scipy's brentq and keeps the rate solvers' guarantees.

The worksheet functions must run in Pyodide without compiled packages, so
``xlkopi.core.roots.brent`` replaced ``scipy.optimize.brentq``; scipy stays
the oracle here (a test dependency, skipped where it is absent).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkopi.core import rates
from xlkopi.core.roots import brent
from xlkopi.core.schedule import lease_schedule
from xlkopi.core.spreadsheet import rate, solve_rate
from xlkopi.errors import ConvergenceError

scipy_optimize = pytest.importorskip("scipy.optimize", reason="scipy (a test dependency) is the oracle")

# (function, bracket, known root, source of the root)
KNOWN_ROOTS = [
    (lambda x: x * x - 2.0, (0.0, 2.0), math.sqrt(2.0), "√2"),
    (lambda x: math.cos(x) - x, (0.0, 1.0), 0.7390851332151607, "Dottie number, OEIS A003957"),
    (lambda x: x ** 3 - 2 * x - 5, (2.0, 3.0), 2.0945514815423265, "Wallis' cubic (Newton's example)"),
    (lambda x: math.exp(x) - 2.0, (0.0, 1.0), math.log(2.0), "ln 2"),
    (lambda x: math.sin(x), (3.0, 4.0), math.pi, "π"),
]


@pytest.mark.parametrize("f, bracket, root, source", KNOWN_ROOTS, ids=[k[3] for k in KNOWN_ROOTS])
def test_brent_finds_known_roots_as_scipy_does(f, bracket, root, source):
    ours = brent(f, *bracket, xtol=1e-15, rtol=1e-15)
    theirs = scipy_optimize.brentq(f, *bracket, xtol=1e-15, rtol=1e-15)
    assert ours == pytest.approx(root, abs=4e-15)
    assert ours == pytest.approx(theirs, abs=4e-15)


@settings(max_examples=300, deadline=None)
@given(root=st.floats(-0.99, 50.0), scale=st.floats(1e-6, 1e6), power=st.sampled_from([1, 3, 5]),
       width=st.floats(0.01, 100.0))
def test_brent_agrees_with_scipy_on_monotone_functions(root, scale, power, width):
    def f(x: float) -> float:
        return scale * (x - root) ** power

    lo, hi = root - width * 0.3, root + width
    ours = brent(f, lo, hi, xtol=1e-12, rtol=1e-15)
    theirs = scipy_optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-15, maxiter=200)
    assert lo <= ours <= hi
    # Both stop within (xtol + rtol |x|) / 2 of a sign change; a flat odd power has one only at the root.
    assert abs(ours - root) <= 1e-12 + 1e-15 * abs(root) or power > 1
    assert abs(ours - theirs) <= 2 * (1e-12 + 1e-15 * abs(root)) or power > 1
    assert abs(f(ours)) <= abs(f(theirs)) * 4 + 1e-300 or abs(ours - theirs) <= 1e-5


def test_brent_refuses_a_bracket_without_a_sign_change_and_non_finite_values():
    with pytest.raises(ConvergenceError):
        brent(lambda x: x * x + 1.0, -1.0, 1.0)
    with pytest.raises(ConvergenceError):
        brent(lambda x: math.nan, -1.0, 1.0)
    with pytest.raises(ConvergenceError):
        brent(lambda x: math.inf if x > 0.5 else -1.0, 0.0, 1.0)


def test_brent_returns_an_exact_end_root():
    assert brent(lambda x: x, 0.0, 1.0) == 0.0
    assert brent(lambda x: x - 1.0, 0.0, 1.0) == 1.0


def _scipy_brent(f, a, b, *, xtol, rtol, maxiter):
    return scipy_optimize.brentq(f, a, b, xtol=xtol, rtol=rtol, maxiter=maxiter)


# RATE(nper; pmt; pv; fv; type) across the solver's range: the same answer as with scipy's brentq (what
# xlkopi used before), whichever way the equation is conditioned.
@settings(max_examples=200, deadline=None)
@given(nper=st.integers(1, 360), r=st.floats(-0.5, 2.0), pv=st.floats(100.0, 1e7), type_=st.sampled_from([0, 1]))
def test_rate_is_the_same_with_either_root_finder(nper, r, pv, type_):
    from xlkopi.core import spreadsheet
    payment = spreadsheet.pmt(r, nper, pv, 0.0, type_)
    if not math.isfinite(payment) or payment == 0:
        return
    def solved():
        try:
            return rate(nper, payment, pv, 0.0, type_)
        except ConvergenceError:
            return None   # no rate changes the equation's sign (one payment in advance: every rate fits)

    ours = solved()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(spreadsheet, "brent", _scipy_brent)
        theirs = solved()
    if ours is None or theirs is None:
        assert ours is None and theirs is None
        return
    assert ours > -1 and math.isfinite(ours)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=4e-15)


@pytest.mark.parametrize("sats, years, ppy, residual, advance", [
    (0.0562449, 5, 4, 0.0, True),      # the guide's example lease (5,1 %)
    (0.0540621, 5, 4, 0.05, True),     # ... with 5 % restværdi (Tabel 2)
    (0.0200000, 3, 12, 0.0, False),
    (0.3, 1, 4, 0.0, True),
    (0.01, 15, 12, 0.1, True),         # a negative basisrente
])
def test_base_rate_matches_a_scipy_solution_of_the_same_equation(sats, years, ppy, residual, advance):
    ours = rates.base_rate(sats, years, ppy, residual, advance)
    n = years * ppy

    def equation(i: float) -> float:   # the annuity equation, as the guide states it
        factor = (1 + i) if advance else 1.0
        annuity = n if i == 0 else (1 - (1 + i) ** -n) / i
        return sats * factor * annuity + residual * (1 + i) ** -n - 1.0

    theirs = scipy_optimize.brentq(equation, -0.5, 10.0, xtol=1e-15, rtol=1e-15) * ppy
    assert ours == pytest.approx(theirs, abs=1e-11)


def test_apr_of_the_guide_lease_is_the_same_as_with_scipy():
    s = lease_schedule(100000, 0.051, 5, periods_per_year=4, start_date="2006-01-01")
    ours = rates.apr(s)
    assert ours > 0.051   # paid in advance: the effective rate exceeds the nominal rate
    assert ours == pytest.approx((1 + 0.051 / 4) ** 4 - 1, abs=5e-6)


def test_solve_rate_never_goes_below_minus_100_percent():
    with pytest.raises(ConvergenceError):
        solve_rate(lambda r: 1.0 + r * 0 + 1.0)
    assert solve_rate(lambda r: r) == 0.0
    assert solve_rate(lambda r: r + 0.5) == pytest.approx(-0.5, abs=1e-15)

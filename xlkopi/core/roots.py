"""Brent's method: the root of a continuous function inside a sign-changing bracket.

The worksheet functions run in xlwings Lite (Pyodide), where no compiled
package is available, so the rate solvers cannot call scipy's ``brentq``. This
is Brent's algorithm *zero* as published in R. P. Brent, *Algorithms for
Minimization without Derivatives* (Prentice-Hall 1973), chapter 4: each step
takes inverse quadratic interpolation, the secant or bisection, and keeps the
root bracketed, so it converges whenever ``f`` is continuous and changes sign
on ``[a, b]``, in at most about (log2((b - a) / tol))^2 evaluations and
usually in a handful.

The stopping rule is scipy's (``brentq``'s ``xtol``/``rtol``): stop when half
the bracket is at most ``(xtol + rtol * |x|) / 2`` or ``f(x) == 0``, so results
agree with scipy's to that tolerance (``tests/test_core_roots.py`` checks it
where scipy is installed).

>>> brent(lambda x: x * x - 2.0, 0.0, 2.0, xtol=1e-15)     # the square root of 2
1.414213562373095
>>> import math   # the Dottie number, cos x = x: 0.73908513321516064... (OEIS A003957)
>>> brent(lambda x: math.cos(x) - x, 0.0, 1.0, xtol=1e-15)
0.7390851332151607
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..errors import ConvergenceError

_EPS = 2.0 ** -52

__all__ = ["brent"]


def brent(f: Callable[[float], float], a: float, b: float, *, xtol: float = 2e-12,
          rtol: float = 4 * _EPS, maxiter: int = 200) -> float:
    """A root of ``f`` in ``[a, b]``, where ``f(a)`` and ``f(b)`` differ in sign.

    Raises :class:`~xlkopi.errors.ConvergenceError` when the ends do not
    bracket a root, a value is not finite, or ``maxiter`` steps do not
    reach the tolerance. The result always lies inside the bracket.

    >>> brent(lambda x: x - 1.0, 2.0, 3.0)
    Traceback (most recent call last):
    ...
    xlkopi.errors.ConvergenceError: Ingen rod mellem 2.0 og 3.0 (samme fortegn i begge ender)
    """
    if rtol < 4 * _EPS:
        raise ValueError("rtol is below 4 machine epsilons, which Brent's method cannot reach")
    fa, fb = f(a), f(b)
    if not (math.isfinite(fa) and math.isfinite(fb)):
        raise ConvergenceError(f"Ingen rod mellem {a} og {b} (ugyldig funktionsværdi)")
    if fa == 0:
        return a
    if fb == 0:
        return b
    if (fa > 0) == (fb > 0):
        raise ConvergenceError(f"Ingen rod mellem {a} og {b} (samme fortegn i begge ender)")
    # b is the best estimate, a the previous one, c the end that keeps the root bracketed with b.
    c, fc = a, fa
    d = e = b - a
    for _ in range(maxiter):
        if (fb > 0) == (fc > 0):
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 0.5 * (xtol + rtol * abs(b))
        m = 0.5 * (c - b)
        if abs(m) <= tol or fb == 0:
            return b
        if abs(e) < tol or abs(fa) <= abs(fb):
            d = e = m  # bisection: the last step did not shrink enough
        else:
            s = fb / fa
            if a == c:  # secant
                p = 2.0 * m * s
                q = 1.0 - s
            else:  # inverse quadratic interpolation through a, b, c
                q = fa / fc
                r = fb / fc
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            s, e = e, d
            # Accept the interpolation only when it falls well inside the bracket and
            # shrinks faster than the step before last; otherwise bisect.
            if 2.0 * p < 3.0 * m * q - abs(tol * q) and p < abs(0.5 * s * q):
                d = p / q
            else:
                d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else math.copysign(tol, m)
        fb = f(b)
        if not math.isfinite(fb):
            raise ConvergenceError(f"Ingen rod mellem {a} og {c} (ugyldig funktionsværdi ved {b})")
    raise ConvergenceError(f"Ingen rod fundet mellem {a} og {c} efter {maxiter} skridt")

"""Money in whole øre.

xlkopi keeps every amount as an ``int`` number of øre inside the core and
converts to :class:`decimal.Decimal` kroner at the edges. Rounding is half
away from zero, as Excel's and LibreOffice's ``ROUND`` do.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeAlias

from .core.vocabulary import ANY_AMOUNT, ANY_RATE, parse_number, read
from .errors import ArgumentError

ORE = Decimal("0.01")

Number: TypeAlias = int | float | Decimal | str
"""A number as users and spreadsheets give it: int, float, Decimal or text the vocabulary reads."""


def round_half_away(num: int, den: int) -> int:
    """``num / den`` rounded to the nearest integer, halves away from zero.

    Exact integer arithmetic; ``den`` must be positive.

    >>> round_half_away(5, 2), round_half_away(-5, 2), round_half_away(7, 3)
    (3, -3, 2)
    """
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


def float_to_ore(value: float) -> int:
    """Round a float amount in kroner to øre as Excel's ``ROUND(x, 2)`` does.

    Excel and LibreOffice round the value as shown to 15 significant digits,
    so ``ROUND(2.675, 2)`` is 2.68 although the binary double is slightly
    below 2.675; this function does the same.

    >>> float_to_ore(2.675), float_to_ore(-2.675), float_to_ore(5624.489173051526)
    (268, -268, 562449)
    """
    if not math.isfinite(value):
        raise ValueError("not a finite amount")
    cents = abs(value) * 100.0
    whole = math.floor(cents)
    if abs(cents - whole - 0.5) > 1e-6 and cents < 1e13:
        # Far from a half øre the binary value rounds the same way as its decimal form.
        q = whole + (cents - whole > 0.5)
        return q if value >= 0 else -q
    d = Decimal(f"{value:.15g}")
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_ore(value, argument: str = "beløb") -> int:
    """Convert a user amount in kroner (int, float, Decimal or text) to øre.

    Text is read by the vocabulary (:mod:`xlkopi.core.vocabulary`): ``180.000``
    is 180000 kr, ``1.234,56`` 1234.56 kr. Amounts with fractions of an øre
    are rounded half away from zero.

    >>> to_ore(100000), to_ore("5406.215"), to_ore(Decimal("0.005")), to_ore("180.000")
    (10000000, 540622, 1, 18000000)
    """
    if isinstance(value, bool) or value is None:
        raise ArgumentError(argument, "skal være et beløb i kr", value)
    if isinstance(value, int):
        if abs(value) > 10**13:
            raise ArgumentError(argument, "er urealistisk stort", value)
        return value * 100
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ArgumentError(argument, "skal være et endeligt beløb i kr", value)
        if abs(value) > 1e13:
            raise ArgumentError(argument, "er urealistisk stort", value)
        return float_to_ore(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ArgumentError(argument, "skal være et endeligt beløb i kr", value)
    if not isinstance(value, (str, Decimal)):
        raise ArgumentError(argument, "skal være et beløb i kr", value)
    d = read(ANY_AMOUNT, value, argument)
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_decimal(value, argument: str) -> Decimal:
    """A user number (int, float, Decimal, or text as the vocabulary reads it) as a finite Decimal.

    Floats are read through ``repr``, so 0.1 is Decimal('0.1'), the number the user typed.

    >>> to_decimal(0.1, "x"), to_decimal("2,5", "x"), to_decimal("1.500", "x")
    (Decimal('0.1'), Decimal('2.5'), Decimal('1500'))
    """
    if isinstance(value, bool) or value is None:
        raise ArgumentError(argument, "skal være et tal", value)
    return parse_number(value, argument)


def kr(ore: int) -> Decimal:
    """Øre as a Decimal amount of kroner with two decimals.

    >>> kr(540621), kr(-5)
    (Decimal('5406.21'), Decimal('-0.05'))
    """
    return Decimal(ore).scaleb(-2).quantize(ORE)


def exact_rate(value, argument: str = "annual_rate") -> Fraction:
    """A rate as an exact fraction, read from its shortest decimal form.

    A rate typed as 5,1 % arrives as the double nearest 0.051; reading it
    through ``repr`` gives exactly 51/1000, so interest is computed on the
    rate the user typed rather than on its binary approximation.

    >>> exact_rate(0.051), exact_rate("5.1%"), exact_rate(Decimal("0.051"))
    (Fraction(51, 1000), Fraction(51, 1000), Fraction(51, 1000))
    """
    if isinstance(value, bool) or value is None:
        raise ArgumentError(argument, "skal være en rentesats, fx 0,051 for 5,1 %", value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ArgumentError(argument, "skal være en endelig rentesats", value)
        return Fraction(parse_number(value, argument))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ArgumentError(argument, "skal være en endelig rentesats", value)
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(read(ANY_RATE, value, argument))
    raise ArgumentError(argument, "skal være en rentesats, fx 0,051 for 5,1 %", value)

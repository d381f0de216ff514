"""Comparison figures for lease offers: leasingsats, basisrente and ÅOP.

The guide (rule 7): the leasingsats compares offers only at equal term and
residual; the basisrente compares with a bank loan's rate; ÅOP, fees
included, is better still.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ..errors import ArgumentError, ConvergenceError
from ..money import to_decimal, to_ore
from .schedule import Schedule
from .spreadsheet import solve_rate
from .terms import MAX_PERIODS, _positive_number


def leasing_rate(schedule: Schedule) -> Decimal:
    """Leasingsats: the regular payment as a fraction of the acquisition price.

    >>> from xlkopi.core.schedule import lease_schedule
    >>> leasing_rate(lease_schedule(100000, 0.051, 5, 4))  # 5,624.49 / 100,000 (the guide)
    Decimal('0.0562449')
    """
    return (Decimal(schedule.regular_payment_ore) / Decimal(schedule.terms.price_ore)).normalize()


def base_rate(leasingsats, years, periods_per_year=4, residual_share=0, in_advance=True) -> float:
    """Basisrente: the nominal annual rate behind a leasingsats.

    Solves :math:`s \\cdot \\sum_{k} (1+i)^{-t_k} + rv (1+i)^{-n} = 1` for the
    periodic rate ``i`` (payments at :math:`t_k = 0..n-1` in advance,
    ``1..n`` in arrears; ``rv`` the residual as a share of the price) with
    a bracketing root finder, and returns ``i × periods_per_year``.

    Parameters
    ----------
    leasingsats : number
        Periodic payment as a fraction of the price (0.0562449 for 5.62449 %).
    years, periods_per_year, in_advance
        As for :func:`~xlkopi.core.schedule.lease_schedule`.
    residual_share : number
        Residual value as a fraction of the price (0.05 for 5 %).

    Examples
    --------
    The guide's payment of 5,624.49 kr on 100,000 kr gives back 5.1 %:

    >>> round(base_rate(0.0562449, 5, 4), 5)
    0.051
    >>> round(base_rate(0.25, 1, 4, 0, False), 12)  # four payments of 25 %: 0 %
    0.0

    A leasingsats of 100 % or more is possible when paid in arrears: one
    yearly payment of 105 % a year after the start is 5 %.

    >>> round(base_rate(1.05, 1, 1, 0, False), 12)
    0.05
    """
    s = _positive_number(leasingsats, "leasingsats")
    if s >= 1 and in_advance:
        # The first payment falls on the start date: at 100 % it pays the whole price at once (no interest,
        # no rate to find), above 100 % no rate above -100 % makes the payments worth the price.
        raise ArgumentError("leasingsats", "skal være under 100 % af prisen, når ydelsen betales forud (den første "
                                           "ydelse falder på startdatoen)", leasingsats)
    y = _positive_number(years, "years")
    if isinstance(periods_per_year, bool) or periods_per_year not in (1, 2, 4, 12):
        raise ArgumentError("periods_per_year", "skal være 1, 2, 4 eller 12", periods_per_year)
    periods_per_year = int(periods_per_year)
    n_exact = y * periods_per_year
    if n_exact != n_exact.to_integral_value():
        raise ArgumentError("years", "giver ikke et helt antal terminer", years)
    n = int(n_exact)
    if n > MAX_PERIODS:
        raise ArgumentError("years", f"giver mere end {MAX_PERIODS} terminer", years)
    try:
        rv = float(to_decimal(residual_share or 0, "residual_share"))
    except ArgumentError:
        raise ArgumentError("residual_share", "skal være en andel af prisen, fx 0,05", residual_share) from None
    if not 0 <= rv < 1:
        raise ArgumentError("residual_share", "skal ligge fra 0 til under 1 (0 % til under 100 %)", residual_share)
    s_f = float(s)
    first = 0 if in_advance else 1

    def equation(i: float) -> float:
        if i == 0:
            return s_f * n + rv - 1.0
        # expm1/log1p keep (1 + i)^n - 1 accurate near 0 % (no cancellation).
        growth = n * math.log1p(i)
        if i < 0:
            # Times (1 + i)^n > 0 below 0 %: v^n would overflow near -100 %.
            g1 = math.expm1(growth)  # (1 + i)^n - 1
            return s_f * (1.0 + i) ** (1 - first) * (g1 / i) + rv - 1.0 - g1
        d1 = -math.expm1(-growth)  # 1 - v^n
        annuity = (1.0 + i) ** (1 - first) * (d1 / i)
        return s_f * annuity + rv * (1.0 - d1) - 1.0

    try:
        return solve_rate(equation, argument="leasingsats") * periods_per_year
    except ConvergenceError:
        raise ConvergenceError("Ingen basisrente over -100 % giver denne leasingsats; tjek leasingsats, "
                               "løbetid og restværdi") from None


def apr_of_flows(credit, payments) -> float:
    """ÅOP of a credit by the EU Consumer Credit Directive's Annex I equation.

    Solves :math:`C = \\sum_l D_l (1+X)^{-s_l}` for the annual rate ``X``,
    where ``C`` is the credit made available at time 0 and ``payments`` are
    ``(months_from_start, amount)`` pairs paid by the customer, fees
    included; time is in years of 12 equal months.

    >>> round(apr_of_flows(1000, [(12, 1100)]), 10)  # 100 kr for a year on 1,000 kr
    0.1
    """
    c = float(credit)
    flows = [(float(m) / 12.0, float(a)) for m, a in payments]
    if c <= 0:
        raise ArgumentError("credit", "skal være større end 0", credit)
    if not flows or sum(a for _, a in flows) <= 0:
        raise ArgumentError("payments", "skal indeholde betalinger")

    horizon = max(t for t, _ in flows)

    def equation(x: float) -> float:
        if x < 0:
            # Times (1 + x)^horizon > 0 below 0 %: (1 + x)^-t would overflow near -100 %.
            return sum(a * (1.0 + x) ** (horizon - t) for t, a in flows) / c - (1.0 + x) ** horizon
        return sum(a * (1.0 + x) ** -t for t, a in flows) / c - 1.0

    return solve_rate(equation, argument="ÅOP")


def apr(schedule: Schedule, establishment_fee=0, fee_per_payment=0) -> float:
    """ÅOP of a lease: its payments, the residual and fees against the price.

    The price is the credit made available on the start date; the customer
    pays every row of the schedule (the residual row included), a fee with
    each regular payment (invoice, environmental) and an establishment fee
    on the start date.

    >>> from xlkopi.core.schedule import lease_schedule
    >>> s = lease_schedule(100000, 0.051, 5, 4)
    >>> round(apr(s) * 100, 2)  # 1.275 % a quarter compounds to 5.2 % a year
    5.2
    >>> round(apr(s, establishment_fee=1000, fee_per_payment=50) * 100, 2)
    6.08
    """
    est = to_ore(establishment_fee or 0, "establishment_fee")
    fee = to_ore(fee_per_payment or 0, "fee_per_payment")
    if est < 0:
        raise ArgumentError("establishment_fee", "må ikke være negativ", establishment_fee)
    if fee < 0:
        raise ArgumentError("fee_per_payment", "må ikke være negativt", fee_per_payment)
    months = schedule.terms.months_per_period
    last = len(schedule) - 1
    flows = [(0, est / 100)] if est else []
    for k, (p, amount) in enumerate(zip(schedule.period, schedule.payment_ore, strict=True)):
        extra = 0 if (schedule.has_residual_row and k == last) else fee
        flows.append((p * months, (amount + extra) / 100))
    return apr_of_flows(schedule.terms.price_ore / 100, flows)

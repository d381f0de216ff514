"""Leasingsats, basisrente and ÅOP.

Sources
-------
* The guide (DOMAIN.md rule 7): the leasingsats is the payment as a percentage of
  the acquisition price; the basisrente is the rate behind it, comparable with a
  bank loan; ÅOP, fees included, is better still.
* Issue #2: the guide's payment 5,624.49 kr on 100,000 kr at 5.1 % (quarterly, in
  advance, 5 years); ÅOP by the EU Consumer Credit Directive's Annex I equation,
  time in years of 12 equal months.
* Closed forms: a single repayment K·(1+X)^t; a level annuity's effective rate
  (1 + i)^m - 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xlkopi.core.rates import apr, apr_of_flows, base_rate, leasing_rate
from xlkopi.core.schedule import lease_schedule
from xlkopi.core.spreadsheet import pmt
from xlkopi.errors import ArgumentError, ConvergenceError

START = dt.date(2006, 1, 1)


def test_leasingsats_of_the_guides_example():
    # Issue #2: 5,624.49 kr a quarter on 100,000 kr -> 5.62449 %
    assert leasing_rate(lease_schedule(100000, 0.051, 5, 4, 0, START)) == Decimal("0.0562449")
    # ... and 5,406.21 kr with the 5 % residual -> 5.40621 %
    assert leasing_rate(lease_schedule(100000, 0.051, 5, 4, 5000, START)) == Decimal("0.0540621")


def test_basisrente_of_the_guides_example():
    # The guide's 5.1 % behind 5.62449 % (no residual) and 5.40621 % (5 % residual), within øre rounding.
    assert base_rate(Decimal("0.0562449"), 5, 4) == pytest.approx(0.051, abs=2e-6)
    assert base_rate(Decimal("0.0540621"), 5, 4, Decimal("0.05")) == pytest.approx(0.051, abs=2e-6)


def test_the_leasingsats_compares_only_at_equal_term_and_residual():
    # The guide (rule 7): the same 5.1 % gives different leasingsatser with and without a residual,
    # while the basisrente is the same.
    a = lease_schedule(100000, 0.051, 5, 4, 0, START)
    b = lease_schedule(100000, 0.051, 5, 4, 5000, START)
    assert leasing_rate(a) != leasing_rate(b)
    assert base_rate(leasing_rate(a), 5, 4) == pytest.approx(base_rate(leasing_rate(b), 5, 4, 0.05), abs=5e-6)


def test_basisrente_zero_and_arrears():
    assert base_rate(0.25, 1, 4, 0, False) == 0.0  # four payments of 25 %: interest-free
    assert base_rate(Decimal(1) / 12, 1, 12, 0, True) == 0.0


@pytest.mark.parametrize("ppy, years", [(12, 5), (12, 6), (4, 10), (1, 30)])
def test_basisrente_for_long_monthly_terms(ppy, years):
    """60 or more periods once overflowed (v^n near -100 %)."""
    s = lease_schedule(1_000_000, 0.045, years, ppy, 20_000, START)
    assert base_rate(leasing_rate(s), years, ppy, 0.02) == pytest.approx(0.045, abs=1e-6)


def test_aop_without_fees_is_the_effective_rate():
    # (1 + 5.1 %/4)^4 - 1: a level quarterly annuity's effective annual rate (øre rounding aside).
    s = lease_schedule(100000, 0.051, 5, 4, 0, START)
    assert apr(s) == pytest.approx((1 + 0.051 / 4) ** 4 - 1, abs=1e-6)
    s12 = lease_schedule(100000, 0.06, 3, 12, 0, START, False)
    assert apr(s12) == pytest.approx(1.005 ** 12 - 1, abs=1e-6)


def test_aop_closed_forms():
    # 1,000 kr repaid with 1,100 kr after 12 months: 10 %; with 1,210 kr after 24 months: 10 %.
    assert apr_of_flows(1000, [(12, 1100)]) == pytest.approx(0.10, abs=1e-12)
    assert apr_of_flows(1000, [(24, 1210)]) == pytest.approx(0.10, abs=1e-12)
    # 12 monthly payments of PMT(1 %; 12; -1000) in arrears: (1.01)^12 - 1 = 12.6825 %.
    payment = -pmt(0.01, 12, 1000)
    assert apr_of_flows(1000, [(m, payment) for m in range(1, 13)]) == pytest.approx(1.01 ** 12 - 1, abs=1e-12)
    # Half a year in 6 equal months: 1,000 -> 1,050 after 6 months is 10.25 % a year.
    assert apr_of_flows(1000, [(6, 1050)]) == pytest.approx(0.1025, abs=1e-12)


def test_fees_raise_the_aop():
    s = lease_schedule(100000, 0.051, 5, 4, 5000, START)
    plain = apr(s)
    assert apr(s, establishment_fee=1000) > plain
    assert apr(s, fee_per_payment=50) > plain
    assert apr(s, establishment_fee=1000, fee_per_payment=50) > apr(s, fee_per_payment=50)


@pytest.mark.parametrize("args, argument", [
    ((0, 5, 4), "leasingsats"),
    ((1.2, 5, 4), "leasingsats"),
    (("fem", 5, 4), "leasingsats"),
    ((0.05, 0, 4), "years"),
    ((0.05, 1.3, 4), "years"),
    ((0.05, 5, 5), "periods_per_year"),
    ((0.05, 5, 4, 1), "residual_share"),
    ((0.05, 5, 4, "meget"), "residual_share"),
])
def test_base_rate_bad_arguments(args, argument):
    with pytest.raises(ArgumentError, match=f"'{argument}'"):
        base_rate(*args)


def test_aop_bad_arguments_and_no_solution():
    with pytest.raises(ArgumentError, match="'credit'"):
        apr_of_flows(0, [(12, 100)])
    with pytest.raises(ArgumentError, match="'payments'"):
        apr_of_flows(1000, [])
    s = lease_schedule(10000, 0.05, 1, 4, 0, START)
    with pytest.raises(ArgumentError, match="'establishment_fee'"):
        apr(s, establishment_fee=-1)
    with pytest.raises(ArgumentError, match="'fee_per_payment'"):
        apr(s, fee_per_payment=-1)
    # Repaying a ten-millionth of the credit needs a rate below -99.9999 %: a Danish error, no NaN.
    with pytest.raises(ConvergenceError, match="ÅOP"):
        apr_of_flows(1000, [(12, 0.0001)])


def test_aop_for_very_long_terms():
    """Terms of decades once overflowed ((1 + x)^-t near -100 %)."""
    s = lease_schedule(100000, 0.05, 100, 12, 0, START)
    assert apr(s) == pytest.approx((1 + 0.05 / 12) ** 12 - 1, abs=1e-6)

"""The vectorised portfolio engine equals the scalar engine to the øre."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkopi.core.portfolio import exact_rate_arrays, portfolio_arrays, portfolio_schedules
from xlkopi.core.schedule import build_schedule
from xlkopi.core.terms import make_terms

contract = st.builds(
    lambda price, rate, years, ppy, rv_share, adv: make_terms(
        price / 100, rate / 10000, years, ppy, round(price * rv_share) / 100, "2024-01-31", adv),
    st.integers(100_000, 10**11), st.integers(0, 2000), st.integers(1, 6),
    st.sampled_from([1, 2, 4, 12]), st.sampled_from([0, 0, 0.01, 0.05, 0.1]), st.booleans())


def assert_same(p, terms):
    for c, t in enumerate(terms):
        s = build_schedule(t)
        r = len(s)
        assert p.rows[c] == r
        assert p.payment[c, :r].tolist() == s.payment_ore
        assert p.principal[c, :r].tolist() == s.principal_ore
        assert p.interest[c, :r].tolist() == s.interest_ore
        assert p.balance[c, :r].tolist() == s.balance_ore
        assert p.period[c, :r].tolist() == s.period
        assert p.regular_payment[c] == s.regular_payment_ore


@settings(max_examples=60, deadline=None)
@given(st.lists(contract, min_size=1, max_size=40))
def test_portfolio_equals_scalar_schedules(terms):
    assert_same(portfolio_schedules(terms), terms)


def test_guide_example_in_a_portfolio():
    # The guide (DOMAIN.md rule 1): 5,624.49 kr without and 5,406.21 kr with a 5 % residual.
    terms = [make_terms(100000, 0.051, 5, 4), make_terms(100000, 0.051, 5, 4, 5000)]
    p = portfolio_schedules(terms)
    assert p.regular_payment.tolist() == [562449, 540621]
    assert p.principal.sum(axis=1).tolist() == [10000000, 10000000]


def test_array_interface_reads_rates_exactly():
    num, den = exact_rate_arrays(np.array([0.051, 0.0, 0.12345678]), np.array([4, 12, 1]))
    assert (num.tolist(), den.tolist()) == ([51, 0, 6172839], [4000, 1, 50000000])
    terms = [make_terms(2500.5, 0.051, 3, 4, 100, None, False), make_terms(999, 0, 1, 12),
             make_terms(10**6, 0.12345678, 5, 1, 50000)]
    p = portfolio_arrays(np.array([t.price_ore for t in terms]), num, den, np.array([12, 12, 5]),
                         np.array([4, 12, 1]), np.array([10000, 0, 5000000]), np.array([False, True, True]))
    assert_same(p, terms)


def test_overflowing_rates_fall_back_to_exact_python_integers():
    t = [make_terms(10**9, 0.0512345678901234, 5, 12, 0)]
    assert_same(portfolio_schedules(t), t)

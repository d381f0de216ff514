"""Benchmarks of the lease engine, each beside a baseline measured in the same run.

1. One 20-period øre-exact schedule through the core, beside a plain float
   loop and beside building the same schedule with numpy-financial's
   ipmt/ppmt.
2. A 10,000-contract portfolio through ``portfolio_schedules``, beside a
   numpy closed-form float baseline (payment, balances, interest and
   principal for every contract and period at once).

Run: ``python3 bench/bench_core.py``
"""

from __future__ import annotations

import random
import timeit

import numpy as np
import numpy_financial as npf

from xlkopi.core.portfolio import exact_rate_arrays, portfolio_arrays, portfolio_schedules
from xlkopi.core.schedule import build_schedule, lease_schedule
from xlkopi.core.terms import make_terms


def float_loop(price=100000.0, rate=0.051, n=20, ppy=4):
    """The fastest honest float schedule: closed-form payment, one loop, no rounding."""
    i = rate / ppy
    g = (1 + i) ** n
    y = price * g * i / ((1 + i) * (g - 1))
    balance = price
    rows = []
    for k in range(n):
        interest = balance * i if k else 0.0
        principal = y - interest
        balance -= principal
        rows.append((balance, y, principal, interest))
    return rows


def npf_schedule(price=100000.0, rate=0.051, n=20, ppy=4):
    per = np.arange(1, n + 1)
    interest = npf.ipmt(rate / ppy, per, n, -price, 0, when="begin")
    principal = npf.ppmt(rate / ppy, per, n, -price, 0, when="begin")
    balance = price - np.cumsum(principal)
    return np.round(balance, 2), np.round(interest, 2), np.round(principal, 2)


def per_call(fn, number):
    best = min(timeit.repeat(fn, number=number, repeat=5))
    return best / number * 1e6


def closed_form_portfolio(price, rate, n, ppy, adv):
    """Float balances, interest and principal for every contract and period (no rounding)."""
    i = rate / ppy
    N = int(n.max())
    k = np.arange(N + 1)[None, :]
    g = (1 + i[:, None]) ** n[:, None]
    y = price * (1 + i) ** n * i / ((1 + i * adv) * ((1 + i) ** n - 1))
    growth = (1 + i[:, None]) ** k
    balance = price[:, None] * growth - (y * (1 + i * adv))[:, None] * (growth - 1) / i[:, None]
    interest = balance[:, :-1] * i[:, None]
    principal = y[:, None] - interest
    mask = k[:, :-1] < n[:, None]
    return np.where(mask, balance[:, 1:], 0), np.where(mask, interest, 0), np.where(mask, principal, 0), g


def main():
    print("1. One 20-period schedule (5.1 %, 5 years, quarterly, forud, 100,000 kr)")
    terms = make_terms(100000, 0.051, 5, 4, 0, "2006-01-01")
    core_full = per_call(lambda: lease_schedule(100000, 0.051, 5, 4, 0, "2006-01-01"), 2000)
    core_build = per_call(lambda: build_schedule(terms), 2000)
    base_float = per_call(float_loop, 20000)
    base_npf = per_call(npf_schedule, 500)
    print(f"   plain float loop (baseline)        {base_float:8.2f} µs")
    print(f"   numpy-financial ipmt/ppmt          {base_npf:8.2f} µs")
    print(f"   xlkopi build_schedule (øre-exact)  {core_build:8.2f} µs  = {core_build / base_float:4.1f}x float loop, "
          f"{base_npf / core_build:5.1f}x faster than numpy-financial")
    print(f"   xlkopi lease_schedule (+validation){core_full:8.2f} µs  = {core_full / base_float:4.1f}x float loop, "
          f"{base_npf / core_full:5.1f}x faster than numpy-financial")

    print("\n2. Portfolio of 10,000 contracts (random fixed-rate terms, 1-5 years, 1/2/4/12 a year)")
    rng = random.Random(7)
    portfolio = []
    for _ in range(10000):
        ppy = rng.choice([1, 2, 4, 12])
        price = round(rng.uniform(5000, 500000), 2)
        portfolio.append(make_terms(price, round(rng.uniform(0.005, 0.12), 4), rng.randint(1, 5), ppy,
                                    round(price * rng.choice([0, 0.05]), 2), "2024-01-31", rng.random() < 0.7))
    price = np.array([t.price_ore / 100 for t in portfolio])
    rate = np.array([float(t.rates[0]) for t in portfolio])
    n = np.array([t.n for t in portfolio])
    ppy = np.array([t.periods_per_year for t in portfolio])
    adv = np.array([float(t.in_advance) for t in portfolio])
    base = min(timeit.repeat(lambda: closed_form_portfolio(price, rate, n, ppy, adv), number=1, repeat=5))
    price_ore = np.array([t.price_ore for t in portfolio])
    rv_ore = np.array([t.residual_ore for t in portfolio])
    num, den = exact_rate_arrays(rate, ppy)
    core = min(timeit.repeat(lambda: portfolio_arrays(price_ore, num, den, n, ppy, rv_ore, adv > 0),
                             number=1, repeat=5))
    from_terms = min(timeit.repeat(lambda: portfolio_schedules(portfolio), number=1, repeat=5))
    scalar = min(timeit.repeat(lambda: [build_schedule(t) for t in portfolio], number=1, repeat=3))
    print(f"   numpy closed form, floats (baseline) {base * 1e3:8.1f} ms")
    print(f"   xlkopi portfolio_arrays (øre-exact)  {core * 1e3:8.1f} ms  = {core / base:4.2f}x baseline")
    print(f"   xlkopi portfolio_schedules (from LeaseTerms objects) {from_terms * 1e3:8.1f} ms  "
          f"= {from_terms / base:4.2f}x baseline")
    print(f"   xlkopi build_schedule in a loop      {scalar * 1e3:8.1f} ms  = {scalar / base:4.2f}x baseline")


if __name__ == "__main__":
    main()

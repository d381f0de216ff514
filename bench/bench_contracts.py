"""``xlkopi kontrakter`` at 10^4 and 10^5 contracts, beside the portfolio engine's numpy floor, in one run.

For each size N (synthetic registers with the bundled example's mix, random prices, rates, terms, starts):

* floor: :func:`xlkopi.core.portfolio.portfolio_arrays`, the schedules of all N contracts in numpy
  (øre-exact), the least any exact computation over the register must do;
* computation: :func:`xlkopi.contracts.overview.build` (every contract resolved, its position, its
  amounts per year, its present value, its red flags) on contracts already read;
* read: the register workbook read and parsed (python-calamine, the vocabulary);
* write: Kontraktoversigt.xlsx written (openpyxl);
* memory: the peak traced by tracemalloc during the computation, per contract.

Run: ``python3 bench/bench_contracts.py [N ...]`` (default 10000 100000); on one core: ``taskset -c 0 ...``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from xlkopi.contracts.overview import build
from xlkopi.contracts.register import read_register
from xlkopi.contracts.template import write_register
from xlkopi.contracts.workbook import write_overview
from xlkopi.core.obligations import Contract
from xlkopi.core.portfolio import portfolio_arrays

DAY = dt.date(2026, 12, 1)
KINDS = ("Finansiel leasing", "Operationel leasing", "Lejeaftale")
CODES = {"Finansiel leasing": "finansiel", "Operationel leasing": "operationel", "Lejeaftale": "leje"}


def synthetic(n: int, seed: int = 7) -> list[tuple]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        kind = KINDS[i % 3]
        years = rnd.choice((2, 3, 4, 5, 6))
        ppy = rnd.choice((4, 4, 4, 12, 1))
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randrange(0, 6 * 365))
        start = start.replace(day=1)
        rows.append((f"Leverandør {i % 37}", f"A-{i}", kind, rnd.randrange(20_000, 400_000),
                     Decimal(rnd.randrange(10, 90)) / 1000, None, ppy, years, start, rnd.choice(("forud", "bagud")),
                     rnd.choice((0, 0, 1000, 5000)), rnd.choice((0, 250)), rnd.choice((0, 3, 6, 12)),
                     rnd.choice((0, 3, 6)), rnd.randrange(1, 10), "Hovedkontoret"))
    return rows


def contracts_of(rows) -> list[tuple[int, Contract]]:
    out = []
    for r, row in enumerate(rows, start=2):
        (supplier, number, kind, price, rate, _payment, ppy, years, start, timing, residual, service, secondary,
         notice, machines, location) = row
        out.append((r, Contract(supplier, number, CODES[kind], Decimal(price), Decimal(years), ppy, start,
                                timing == "forud", rate=rate, residual=Decimal(residual),
                                service_per_period=Decimal(service), secondary_months=secondary,
                                notice_months=notice, machines=machines, location=location)))
    return out


def floor(contracts) -> float:
    c = [k for _, k in contracts]
    price = np.array([int(k.price * 100) for k in c], dtype=np.int64)
    fr = [Fraction(k.rate) / k.periods_per_year for k in c]
    num = np.array([f.numerator for f in fr], dtype=np.int64)
    den = np.array([f.denominator for f in fr], dtype=np.int64)
    n = np.array([int(k.years * k.periods_per_year) for k in c], dtype=np.int64)
    ppy = np.array([k.periods_per_year for k in c], dtype=np.int64)
    residual = np.array([int(k.residual * 100) for k in c], dtype=np.int64)
    adv = np.array([k.in_advance for k in c], dtype=bool)
    t = time.perf_counter()
    portfolio_arrays(price, num, den, n, ppy, residual, adv)
    return time.perf_counter() - t


def main(sizes: list[int]) -> None:
    for n in sizes:
        rows = synthetic(n)
        contracts = contracts_of(rows)
        base = floor(contracts)
        tracemalloc.start()
        t = time.perf_counter()
        ov = build(contracts, DAY, Decimal("0.04"))
        compute = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with tempfile.TemporaryDirectory() as tmp:
            register = write_register(Path(tmp) / "Kontrakter.xlsx", rows)
            t = time.perf_counter()
            read = read_register(register)
            reading = time.perf_counter() - t
            assert len(read.contracts) == n and not read.errors
            t = time.perf_counter()
            write_overview(ov, Path(tmp) / "Kontraktoversigt.xlsx")
            writing = time.perf_counter() - t
        print(f"N = {n:_}".replace("_", "."))
        print(f"  gulv: portfolio_arrays (numpy, øre-præcist)   {base:8.3f} s  (baseline)")
        print(f"  beregning: overview.build                   {compute:8.3f} s  ({compute / base:6.1f}x gulvet)")
        print(f"  læsning af registret (.xlsx)                {reading:8.3f} s")
        print(f"  skrivning af Kontraktoversigt.xlsx          {writing:8.3f} s")
        print(f"  hele kommandoen (læs + beregn + skriv)      {reading + compute + writing:8.3f} s")
        print(f"  hukommelse under beregningen: {peak / n:,.0f} byte pr. kontrakt".replace(",", "."))
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])

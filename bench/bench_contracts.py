"""``xlkopi kontrakter`` at 10^4 and 10^5 contracts, beside the portfolio engine's numpy floor, in one run.

For each size N (synthetic registers with the bundled example's mix, random prices, rates, terms, starts):

* floor: :func:`xlkopi.core.portfolio.portfolio_arrays`, the schedules of all N contracts in numpy
  (øre-exact) from ready arrays, the least any exact computation over the register must do;
* conversion: :func:`xlkopi.core.positions.contract_rows`, the register's Contract objects as integer
  matrices (Python, one pass per contract; a contract given by its ydelse gets its basisrente solved here);
* computation: :func:`xlkopi.core.positions.positions_of` on that matrix (every contract's position, its
  amounts per year, its present value, its dates and status);
* build: :func:`xlkopi.contracts.overview.build` (conversion + computation + the lines);
* read: the register workbook read and parsed (python-calamine, the vocabulary);
* write: Kontraktoversigt.xlsx written (:mod:`xlkopi.io.xlsxstream`; the red flags evaluated here);
* command: ``python -m xlkopi kontrakter REGISTER -o OUT`` in a fresh process, start and imports included;
* memory: the peak traced by tracemalloc during build, per contract (a separate run: tracemalloc slows it).

Floor, conversion and computation are the best of 5 alternating runs. One contract in three is entered
by its ydelse only in the second register of each size; the floor then covers the other two.

Run: ``python3 bench/bench_contracts.py [N ...]`` (default 10000 100000); on one core: ``taskset -c 0 ...``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
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
from xlkopi.core.positions import contract_rows, positions_of

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
        (supplier, number, kind, price, rate, payment, ppy, years, start, timing, residual, service, secondary,
         notice, machines, location) = row
        out.append((r, Contract(supplier, number, CODES[kind], Decimal(price), Decimal(years), ppy, start,
                                timing == "forud", rate=rate, payment=payment, residual=Decimal(residual),
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


def _best(fn, k: int = 5) -> float:
    best = float("inf")
    for _ in range(k):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _by_payment(rows: list[tuple]) -> list[tuple]:
    """Every third contract entered by its ydelse only (the rate left empty)."""
    from xlkopi.core.obligations import resolve

    out = []
    for i, row in enumerate(rows):
        if i % 3 == 1:
            r = list(row)
            _, c = contracts_of([row])[0]
            r[4], r[5] = None, resolve(c).payment
            row = tuple(r)
        out.append(row)
    return out


def run(n: int, label: str, rows: list[tuple]) -> None:
    contracts = contracts_of(rows)
    plain = [c for _, c in contracts]
    floors, conversions, computations = [], [], []
    for _ in range(5):   # alternating, best of each: the same machine state for the floor and the work
        floors.append(floor([(r, c) for r, c in contracts if c.rate is not None]))
        t = time.perf_counter()
        rows_ = contract_rows(plain)
        conversions.append(time.perf_counter() - t)
        t = time.perf_counter()
        positions_of(plain, rows_, DAY, Decimal("0.04"))
        computations.append(time.perf_counter() - t)
    base, conversion, compute = min(floors), min(conversions), min(computations)
    building = _best(lambda: build(contracts, DAY, Decimal("0.04")), 3)
    tracemalloc.start()
    ov = build(contracts, DAY, Decimal("0.04"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        register = write_register(Path(tmp) / "Kontrakter.xlsx", rows)
        t = time.perf_counter()
        read = read_register(register)
        reading = time.perf_counter() - t
        assert len(read.contracts) == n and not read.errors, read.errors[:3]
        t = time.perf_counter()
        write_overview(ov, Path(tmp) / "Kontraktoversigt.xlsx")
        writing = time.perf_counter() - t
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "xlkopi", "kontrakter", str(register), "-o",
                               str(Path(tmp) / "Cli.xlsx"), "--dato", DAY.strftime("%d-%m-%Y")],
                              capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"})
        command = time.perf_counter() - t
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        size = (Path(tmp) / "Cli.xlsx").stat().st_size
    fast = len(rows_)
    priced = sum(1 for _, c in contracts if c.rate is not None)
    print(f"N = {n:_} ({label}; {fast:_} ad den hurtige vej, {n - fast:_} ad den skalare)".replace("_", "."))
    print(f"  gulv: portfolio_arrays (numpy, øre-præcist)   {base:8.3f} s  (baseline, de {priced} med rente)")
    print(f"  beregning: positions_of                     {compute:8.3f} s  ({compute / base:6.2f}x gulvet)")
    print(f"  omsætning: contract_rows                    {conversion:8.3f} s  ({conversion / base:6.2f}x gulvet)")
    print(f"  overview.build i alt                        {building:8.3f} s  ({building / base:6.2f}x gulvet)")
    print(f"  læsning af registret (.xlsx)                {reading:8.3f} s")
    print(f"  skrivning af Kontraktoversigt.xlsx          {writing:8.3f} s  ({size / 1e6:.1f} MB)")
    print(f"  hele kommandoen i en ny proces              {command:8.3f} s")
    print(f"  hukommelse under build: {peak / n:,.0f} byte pr. kontrakt".replace(",", "."))


def main(sizes: list[int]) -> None:
    for n in sizes:
        rows = synthetic(n)
        run(n, "rente", rows)
        run(n, "hver tredje med ydelse", _by_payment(rows))
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} kerner, tilladt: {len(os.sched_getaffinity(0))}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])

"""Benchmark ``xlkopi compare``: model and workbook writing against a plain openpyxl baseline.

Run: ``python3 bench/bench_compare.py [offers]`` (default 20, the reader's maximum).

Baseline, measured in the same run: openpyxl writing a workbook with the same
number of cells as plain numbers (no formulas, names, styles or protection),
i.e. the floor any openpyxl-based generator of this size pays. With
LibreOffice installed it also times one recalculation of the generated
workbook (what each test run costs).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from openpyxl import Workbook  # noqa: E402
from test_compare_workbook import random_offers  # noqa: E402

from xlkopi.compare.model import compare  # noqa: E402
from xlkopi.compare.workbook import build_workbook, write_workbook  # noqa: E402


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(count: int = 20) -> None:
    offer_set = random_offers(7, count)
    comp = compare(offer_set)
    wb = build_workbook(comp)
    cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    out = Path(tempfile.mkdtemp(prefix="bench-compare-"))

    def baseline():
        b = Workbook()
        ws = b.active
        per_row = 20
        for i in range(cells // per_row + 1):
            ws.append([float(i + j) for j in range(per_row)])
        b.save(out / "baseline.xlsx")

    n = [0]

    def generate():
        n[0] += 1
        write_workbook(compare(offer_set), out / f"s{n[0]}.xlsx")

    t_model = timed(lambda: compare(offer_set))
    t_base = timed(baseline)
    t_gen = timed(generate)
    print(f"{len(comp.results)} tilbud, {cells} udfyldte celler")
    print(f"{'måling':<44}{'median':>10}")
    print(f"{'model (Python, alle tal)':<44}{t_model * 1000:>8.1f} ms")
    print(f"{'baseline: openpyxl, samme antal talceller':<44}{t_base * 1000:>8.1f} ms")
    print(f"{'compare: model + projektmappe + gem':<44}{t_gen * 1000:>8.1f} ms  "
          f"({t_gen / t_base:.1f} × baseline)")
    from xlkopi.io.libreoffice import find_soffice, recalculate

    if find_soffice():
        t = time.perf_counter()
        recalculate(out / "s1.xlsx", out / "lo")
        print(f"{'LibreOffice-genberegning (1 kørsel)':<44}{(time.perf_counter() - t) * 1000:>8.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

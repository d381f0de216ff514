"""Benchmark ``xlkopi compare``: generating the comparison workbook against XlsxWriter writing the same cells.

Run: ``python3 bench/bench_compare.py [--offers 5 20 50 200] [--repeat 5]`` (``pip install xlsxwriter`` for the
baseline; without it only xlkopi's own figures are printed).

Measured in the same run, alternating, median of ``--repeat``:

* **xlkopi**: the model, the workbook (openpyxl) and the atomic save, for seeded random offers of every kind;
* **XlsxWriter baseline**: XlsxWriter writing the same workbook's cells, read from xlkopi's file before the
  clock starts: every value and formula in its cell, each cell with its number format, font, fill, border,
  alignment and protection (one XlsxWriter format per distinct combination), the same merged ranges, sheet
  protection and column widths; no defined names, charts, validations or conditional formats, so it is the
  cheaper job. The issue's goal: xlkopi within 1.5x of it.

200 offers are above the reader's limit (50) and are built directly from random offers, as a stress figure.
With LibreOffice installed the script also times one recalculation of a generated workbook.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import openpyxl  # noqa: E402
from test_compare_workbook import random_offers  # noqa: E402

from xlkopi.compare.model import compare  # noqa: E402
from xlkopi.compare.workbook import write_workbook  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _colour(c) -> str | None:
    rgb = getattr(c, "rgb", None)
    return f"#{rgb[-6:]}" if isinstance(rgb, str) and len(rgb) >= 6 else None


def snapshot(path: Path) -> list[dict]:
    """Every sheet's cells with their formats, merges and widths, as XlsxWriter needs them."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                fmt = {"num_format": c.number_format, "bold": bool(c.font.b), "italic": bool(c.font.i),
                       "font_color": _colour(c.font.color), "text_wrap": bool(c.alignment.wrap_text),
                       "locked": bool(c.protection.locked)}
                if c.fill is not None and c.fill.fill_type == "solid":
                    fmt["bg_color"] = _colour(c.fill.fgColor)
                if c.border is not None and c.border.left is not None and c.border.left.style:
                    fmt["border"] = 1
                if c.alignment.horizontal:
                    fmt["align"] = c.alignment.horizontal
                cells.append((c.row - 1, c.column - 1, c.value, tuple(sorted((k, v) for k, v in fmt.items()
                                                                                if v not in (None, False)))))
        merges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        widths = {openpyxl.utils.column_index_from_string(k) - 1: d.width for k, d in ws.column_dimensions.items()
                  if d.width}
        sheets.append({"title": ws.title, "cells": cells, "merges": merges, "widths": widths})
    return sheets


def xlsxwriter_write(sheets: list[dict], target: Path) -> None:
    """The baseline: XlsxWriter writing the snapshot."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target))
    formats: dict[tuple, object] = {}
    for sheet in sheets:
        ws = book.add_worksheet(sheet["title"])
        for col, width in sheet["widths"].items():
            ws.set_column(col, col, width)
        for row, col, value, key in sheet["cells"]:
            fmt = formats.get(key)
            if fmt is None:
                fmt = formats[key] = book.add_format(dict(key))
            if isinstance(value, str) and value.startswith("="):
                ws.write_formula(row, col, value, fmt)
            elif isinstance(value, str):
                ws.write_string(row, col, value, fmt)
            elif value is None:
                ws.write_blank(row, col, None, fmt)
            elif hasattr(value, "year"):
                ws.write_datetime(row, col, value, fmt)
            else:
                ws.write_number(row, col, float(value), fmt)
        for r1, c1, r2, c2 in sheet["merges"]:
            ws.merge_range(r1, c1, r2, c2, None)
        ws.protect()
    book.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xlkopi compare mod XlsxWriter, samme celler")
    parser.add_argument("--offers", type=int, nargs="+", default=[5, 20, 50, 200])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        import xlsxwriter  # noqa: F401
        have_baseline = True
    except ImportError:
        have_baseline = False
        print("xlsxwriter er ikke installeret (pip install xlsxwriter): kun xlkopis egne tal")
    out = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    print(f"{'tilbud':>7}{'celler':>9}{'xlkopi ms':>12}{'XlsxWriter ms':>15}{'forhold':>9}")
    for count in args.offers:
        offer_set = random_offers(7, count)
        first = write_workbook(compare(offer_set), out / f"f{count}.xlsx")
        sheets = snapshot(first)
        cells = sum(len(s["cells"]) for s in sheets)
        mine, base = [], []
        for i in range(args.repeat):   # alternate, so that machine load hits both alike
            mine += timed(lambda: write_workbook(compare(offer_set), out / f"s{count}_{i}.xlsx"), 1)  # noqa: B023
            if have_baseline:
                base += timed(lambda: xlsxwriter_write(sheets, out / f"x{count}_{i}.xlsx"), 1)  # noqa: B023
        m = statistics.median(mine) * 1000
        if have_baseline:
            b = statistics.median(base) * 1000
            print(f"{len(offer_set.offers):>7}{cells:>9}{m:>12.1f}{b:>15.1f}{m / b:>8.2f}x")
        else:
            print(f"{len(offer_set.offers):>7}{cells:>9}{m:>12.1f}")
    from xlkopi.io.libreoffice import find_soffice, recalculate

    if find_soffice():
        t = time.perf_counter()
        recalculate(out / "f20.xlsx" if (out / "f20.xlsx").exists() else first, out / "lo")
        print(f"LibreOffice-genberegning (1 kørsel): {(time.perf_counter() - t) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

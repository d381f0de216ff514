"""What a user sees in a generated workbook, independent of how it was zipped and saved (XlsxWriter-style).

Reference files (``tests/golden/``) are compared with fresh output through :func:`workbook_view`: the
sheets in order and whether they are hidden, every non-empty cell's value, type and number format,
merged ranges, tables, sheet protection and defined names. What changes on every save (zip timestamps,
document dates, style ids) is not part of the view; a test that has its own volatile cells passes them in
``ignore`` as (sheet, cell) pairs.
"""

from __future__ import annotations

import openpyxl


def workbook_view(source, ignore: frozenset[tuple[str, str]] = frozenset()) -> dict:
    wb = openpyxl.load_workbook(source)
    view: dict = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
                  "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None or (ws.title, c.coordinate) in ignore:
                    continue
                cells[c.coordinate] = (c.value, c.data_type, c.number_format)
        view[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "tables": sorted((t.name, t.ref) for t in ws.tables.values()),
            "protected": bool(ws.protection.sheet),
        }
    return view

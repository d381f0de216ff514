"""A1 references as templates and field maps write them: ``'Bilag 7'!$C$5``, ``C5``, ``A1:E9``.

Positions are ``(row, column)``, both 1-based, as :mod:`xlkopi.io.a1` counts columns.
"""

from __future__ import annotations

import re

from ..io.a1 import col_index

_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")


def split_ref(ref: str) -> tuple[str | None, str]:
    """``("Bilag 7", "C5")`` from ``'Bilag 7'!$C$5`` (range: its top-left cell)."""
    ref = ref.strip()
    m = _SHEET_REF.match(ref)
    sheet, cell = (None, ref) if not m else ((m.group(1) or "").replace("''", "'") or m.group(2), m.group(3))
    cell = cell.split(":")[0]
    return sheet, cell


def parse_cell(cell: str) -> tuple[int, int] | None:
    """``(row, column)`` of a cell such as ``C5`` or ``$C$5``; None when it is not one."""
    m = _CELL_REF.match(cell.strip())
    if not m:
        return None
    return int(m.group(2)), col_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """``(top row, left column, bottom row, right column)`` of a range such as ``A1:E9`` (or one cell)."""
    a, _, b = ref.partition(":")
    r1, c1 = parse_cell(a) or (1, 1)
    end = parse_cell(b) if b else (r1, c1)
    if end is None:  # a malformed end cell fails as unpacking the None always did
        raise TypeError("cannot unpack non-iterable NoneType object")
    r2, c2 = end
    return r1, c1, r2, c2

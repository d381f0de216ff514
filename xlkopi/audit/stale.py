"""Stale values: cached values against LibreOffice's recalculation.

Pure: compares the cached values of formula cells with the values of a
recalculated copy (both as python-calamine rows). The LibreOffice run
itself lives in :mod:`.engine`.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ..core.vocabulary import shown
from ..dates import to_serial
from ..io.a1 import cell_ref
from .findings import FEJL, INFO, Finding
from .formulas import _EXTERNAL

XLKOPI_FUNCTIONS = ("LEASE_SCHEDULE", "LEASE_PAYMENT", "BUYOUT", "CLICK_PRICE", "LEASE_RATE", "BASE_RATE", "APR",
                    "ALLIN_COST")
"""xlkopi's own worksheet functions (xlwings add-in); LibreOffice does not know them."""

# How a file spells them: classic Excel writes LEASE_PAYMENT (or _xludf.LEASE_PAYMENT when the add-in is not
# loaded); the Office.js runtimes' XLKOPI.LEASE_PAYMENT is stored as _xldudf_XLKOPI_LEASE_PAYMENT (Excel's
# prefix for JavaScript custom functions, the namespace's dot as an underscore).
_OURS = re.compile(r"(?:_XLUDF\.|_XLDUDF_)?(?:XLKOPI[._])?(" + "|".join(XLKOPI_FUNCTIONS) + r")")


def is_xlkopi_function(name: str) -> bool:
    """Whether a function name in a formula is one of xlkopi's worksheet functions, in any runtime's spelling.

    >>> [is_xlkopi_function(n) for n in ("LEASE_PAYMENT", "XLKOPI.BUYOUT", "_XLDUDF_XLKOPI_APR", "PMT")]
    [True, True, True, False]
    """
    return _OURS.fullmatch(name.upper()) is not None
VOLATILE = ("TODAY", "NOW", "RAND", "RANDBETWEEN", "RANDARRAY", "IDAG", "NU", "SLUMP", "SLUMPMELLEM", "INDIRECT",
            "OFFSET", "INFO", "CELL")
_FUNC = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
_ERRORS = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:", "#SPILL!", "#CALC!")


def _functions(formula: str) -> set[str]:
    return {m.group(1).upper() for m in _FUNC.finditer(formula)}


def _norm(v):
    if isinstance(v, dt.datetime):
        return to_serial(v.date()) + (v - dt.datetime.combine(v.date(), dt.time())).total_seconds() / 86400
    if isinstance(v, dt.date):
        return to_serial(v)
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return float(v)
    return v


def _is_error(v) -> bool:
    return isinstance(v, str) and v.startswith(_ERRORS)


def same(a, b) -> bool:
    """Cached ``a`` and recalculated ``b`` agree (numbers to 1e-9 relative, 1e-6 absolute).

    >>> same(0.1 + 0.2, 0.3), same(100.0, 100.01), same("x", "x")
    (True, False, True)
    """
    a, b = _norm(a), _norm(b)
    if isinstance(a, float) and isinstance(b, float):
        if not (math.isfinite(a) and math.isfinite(b)):
            return a == b
        return abs(a - b) <= 1e-6 + 1e-9 * max(abs(a), abs(b))
    if isinstance(a, float) and isinstance(b, bool) or isinstance(a, bool) and isinstance(b, float):
        return float(a) == float(b)
    return a == b


def _show(v) -> str:
    return shown(v if isinstance(v, (dt.date, dt.datetime)) else _norm(v))


def compare(sheet: str, formulas: dict, cached_rows: list, recalc_rows: list,
            cached_errors: dict | None = None, recalc_errors: dict | None = None) -> list[Finding]:
    """Findings for every formula cell whose cached value differs from the recalculated one.

    ``*_errors`` map cells to error values (python-calamine shows an error
    cell as empty, so they come from the sheet scans).
    """
    cached_errors = cached_errors or {}
    recalc_errors = recalc_errors or {}

    def at(rows, r, c, errors=None):
        if errors and (r, c) in errors:
            return errors[(r, c)]
        if 0 < r <= len(rows):
            row = rows[r - 1]
            if 0 < c <= len(row):
                return row[c - 1]
        return ""

    out: list[Finding] = []
    missing = []
    unknown = []
    for (r, c), text in sorted(formulas.items()):
        cached = at(cached_rows, r, c, cached_errors)
        new = at(recalc_rows, r, c, recalc_errors)
        funcs = _functions(text or "")
        if cached == "" or cached is None:
            missing.append((r, c))
            continue
        if same(cached, new):
            continue
        ours = [f for f in funcs if is_xlkopi_function(f) or f.startswith(("_XLUDF.", "_XLDUDF_"))]
        if ours or (isinstance(new, str) and new.startswith(("#NAME?", "Err:5")) and not _is_error(cached)):
            unknown.append(((r, c), ", ".join(sorted(ours)) or "en funktion LibreOffice ikke kender"))
            continue
        if _EXTERNAL.search(text or ""):
            unknown.append(((r, c), "en reference til en anden projektmappe"))
            continue
        if funcs & set(VOLATILE):
            out.append(Finding(sheet, cell_ref(r, c), "kan_ikke_efterproeves", INFO,
                               f"Cellen {cell_ref(r, c)} bruger en flygtig funktion "
                               f"({', '.join(sorted(funcs & set(VOLATILE)))}); "
                               "værdien ændrer sig ved hver beregning", _show(new), _show(cached)))
            continue
        out.append(Finding(sheet, cell_ref(r, c), "foraeldet_vaerdi", FEJL,
                           f"Cellen {cell_ref(r, c)} viser {_show(cached)}, men formlen {text} giver {_show(new)} "
                           "ved genberegning i LibreOffice", _show(new), _show(cached)))
    for (r, c), why in unknown:
        out.append(Finding(sheet, cell_ref(r, c), "kan_ikke_efterproeves", INFO,
                           f"Cellen {cell_ref(r, c)} bruger {why}; værdien kan ikke efterprøves i LibreOffice",
                           "", ""))
    if missing:
        r, c = missing[0]
        out.append(Finding(sheet, cell_ref(r, c), "ingen_gemt_vaerdi", INFO,
                           f"{len(missing)} formelceller har ingen gemt værdi (filen er gemt uden beregning), "
                           f"første er {cell_ref(r, c)}", "", ""))
    return out

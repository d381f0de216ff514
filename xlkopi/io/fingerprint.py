"""A fingerprint of a workbook's formulas, stored by xlkopi's generators.

The generators store :func:`formula_fingerprint` of the workbook they wrote
in a custom document property, ``xlkopi_fingerprint``; the auditor
recomputes it to tell whether formulas changed since generation.

The fingerprint is the SHA-256 of the sorted lines ``sheet!cell=formula``
over every formula cell, so it ignores values, styles and save metadata.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

PROPERTY = "xlkopi_fingerprint"
GENERATOR_PROPERTY = "xlkopi_generator"


def fingerprint_of(entries: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 over ``(sheet, coordinate, formula)`` entries, order-independent."""
    lines = sorted(f"{sheet}!{coord}={formula}" for sheet, coord, formula in entries)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def formula_entries(workbook):
    """``(sheet, coordinate, formula)`` for every formula cell of an openpyxl workbook."""
    from openpyxl.worksheet.formula import ArrayFormula

    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, ArrayFormula):
                    value = value.text
                if isinstance(value, str) and value.startswith("=") and cell.data_type == "f":
                    yield ws.title, cell.coordinate, value


def formula_fingerprint(workbook) -> str:
    """The fingerprint of an openpyxl workbook (loaded with formulas)."""
    return fingerprint_of(formula_entries(workbook))


def stamp(workbook, generator: str) -> str:
    """Store the fingerprint and the generator's name as custom document properties.

    Call it just before saving; returns the fingerprint.
    """
    from openpyxl.packaging.custom import StringProperty

    value = formula_fingerprint(workbook)
    props = workbook.custom_doc_props
    for name in (PROPERTY, GENERATOR_PROPERTY):
        if name in props.names:
            del props[name]
    props.append(StringProperty(name=PROPERTY, value=value))
    props.append(StringProperty(name=GENERATOR_PROPERTY, value=generator))
    return value

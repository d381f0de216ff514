"""Every sheet of an untrusted Excel workbook as rows of plain values, through the one safety policy.

The file is read once (:func:`xlkopi.io.package.read_once`: a FIFO, a device or an oversize file is
refused before a byte is read) and checked by the layer every workbook reader shares
(:func:`xlkopi.io.package.check_workbook`: the container and every sheet's grid bound, since
python-calamine allocates the grid from A1 to the last cell and one stray cell at XFD1048576 would abort
the process); python-calamine then parses those same bytes. Rows keep their absolute positions (row 1 is
index 0), so a message can name the row as Excel shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UntrustedFileError, WorkbookError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")


def read_sheets(path: str | Path, noun: str = "Filen", pronoun: str = "den",
                not_excel: str = "er ikke en Excel-fil (.xlsx)") -> dict[str, list[list[Any]]]:
    """{sheet name: rows of values} of the workbook at ``path``.

    Danish errors name ``noun`` and the file, and refer back to it with ``pronoun`` ("Registret ... gem
    det", "Filen ... gem den"); ``not_excel`` completes the message for a file that is no zip and whose name
    does not end like an Excel file.
    """
    from .package import check_workbook, read_once

    path = Path(path)
    source = read_once(path, noun=noun)
    head = source.data[:8]
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix in (".xlsx", ".xlsm"):
            raise UntrustedFileError(f"{noun} '{path.name}' er krypteret (adgangskodebeskyttet); gem {pronoun} uden "
                                     "adgangskode")
        raise UntrustedFileError(f"{noun} '{path.name}' er i det gamle .xls-format eller krypteret; gem {pronoun} "
                                 "som .xlsx uden adgangskode (et .xls-ark kan ikke kontrolleres, før det læses)")
    if not head.startswith(b"PK"):
        if suffix in EXCEL_SUFFIXES:
            raise WorkbookError(f"{noun} '{path.name}' er ikke en Excel-fil, selv om navnet slutter på {suffix}")
        raise WorkbookError(f"{noun} '{path.name}' {not_excel}")
    checked = check_workbook(source, noun=noun)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(checked.filelike())
        try:
            return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
        finally:
            wb.close()
    except BaseException as exc:  # calamine raises its own error types, and pyo3's PanicException
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise WorkbookError(f"{noun} '{path.name}' kan ikke læses som Excel-fil: {str(exc)[:300]}") from None

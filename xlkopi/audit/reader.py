"""Read an untrusted workbook into plain data for the audit rules.

Order matters for safety: :func:`~.safety.open_package` checks the
container, every small XML part is read with limits and parsed with
defusedxml, every worksheet's bounds are checked by :mod:`.sheetscan`,
and only then does python-calamine read the values.

python-calamine releases the GIL while it parses, so it reads the values
in a worker thread while this thread collects the formulas (and whatever
``on_formulas`` does with them): on two cores the formula work costs no
extra time up to the time calamine takes.
"""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UntrustedFileError, WorkbookError
from ..io import ooxml
from . import safety
from .sheetscan import SheetScan, scan_sheet



@dataclass
class SheetData:
    """One worksheet: name, visibility, values (rows from row 1, column A) and formulas."""

    name: str
    state: str                      # "visible", "hidden" or "veryHidden"
    part: str
    rows: list = field(default_factory=list)   # rows[r-1][c-1]; "" for an empty cell
    scan: SheetScan | None = None

    def value(self, row: int, col: int):
        """The value of 1-based ``(row, col)``; ``""`` when empty or outside."""
        if 0 < row <= len(self.rows):
            r = self.rows[row - 1]
            if 0 < col <= len(r):
                return r[col - 1]
        return ""


@dataclass
class WorkbookData:
    """Everything the rules need, as plain data."""

    path: Path
    sheets: list[SheetData]
    defined_names: list[tuple[str, str, int | None, bool]]   # (name, reference, local sheet index, hidden)
    custom_props: dict[str, str]
    macros: list[str]
    external_links: list[str]

    def sheet(self, name: str) -> SheetData | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None


def _rels(pkg: safety.Package, part: str) -> dict[str, str]:
    name = ooxml.rels_name(part)
    if not pkg.has(name):
        return {}
    return ooxml.targets(safety.parse_xml(pkg.read(name, 16 * safety.MiB), name), part)


def check_small_parts(pkg: safety.Package) -> None:
    """Read every non-worksheet XML part through the limits and the DTD check.

    python-calamine parses shared strings, styles and the workbook part
    itself; this makes sure none of them carries an entity attack or
    inflates past the limits before it does.
    """
    for name in pkg.names:
        low = name.lower()
        if not (low.endswith(".xml") or low.endswith(".rels")):
            continue
        if low.startswith("xl/worksheets/") and not low.startswith("xl/worksheets/_rels/"):
            continue  # scanned by sheetscan
        for _ in pkg.stream(name):
            pass


@contextmanager
def no_gc():
    """Pause the cyclic garbage collector: reading creates 10^5-10^6 small acyclic objects,
    and its repeated passes over them cost more than the reading itself."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_workbook(path, *, values: bool = True, on_formulas=None) -> WorkbookData:
    """Open, check and read ``path``; raises WorkbookError/UntrustedFileError in Danish.

    ``on_formulas(sheet)`` is called for each scanned sheet once its
    formulas are collected, while the values are still being read.
    """
    pkg = safety.open_package(path)
    try:
        with no_gc():
            return _read(pkg, values, on_formulas)
    finally:
        pkg.close()


def _read(pkg: safety.Package, want_values: bool, on_formulas=None) -> WorkbookData:
    check_small_parts(pkg)
    wb_root = safety.parse_xml(pkg.read("xl/workbook.xml", 16 * safety.MiB), "xl/workbook.xml")
    rels = _rels(pkg, "xl/workbook.xml")
    sheets: list[SheetData] = []
    for el in wb_root.iter(f"{ooxml.MAIN}sheet"):
        rid = el.get(f"{ooxml.REL}id", "")
        part = rels.get(rid)
        sheets.append(SheetData(el.get("name", "?"), el.get("state", "visible") or "visible", part or ""))
    if not sheets:
        raise WorkbookError(f"Projektmappen '{pkg.path.name}' har ingen ark")
    names = []
    for el in wb_root.iter(f"{ooxml.MAIN}definedName"):
        local = el.get("localSheetId")
        names.append((el.get("name", ""), (el.text or "").strip(),
                      int(local) if local and local.isdigit() else None, el.get("hidden") in ("1", "true")))
    custom = {}
    if pkg.has("docProps/custom.xml"):
        root = safety.parse_xml(pkg.read("docProps/custom.xml", 16 * safety.MiB), "docProps/custom.xml")
        for prop in root.iter(f"{ooxml.CUSTOM}property"):
            texts = [child.text or "" for child in prop]
            custom[prop.get("name", "")] = texts[0] if texts else ""
    budget = safety.MAX_CELLS
    for sheet in sheets:
        if not sheet.part or not pkg.has(sheet.part):
            continue  # chart sheets and dialog sheets have no cells
        if not sheet.part.startswith("xl/worksheets/"):
            continue
        sheet.scan = scan_sheet(pkg, sheet.part, sheet.name, budget)
        budget -= sheet.scan.area
    data = WorkbookData(pkg.path, sheets, names, custom, list(pkg.macros), list(pkg.external_links))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlkopi-calamine") as pool:
        values = pool.submit(read_values, data) if want_values else None
        for sheet in sheets:
            if sheet.scan is not None:
                sheet.scan.read_formulas()
                if on_formulas is not None:
                    on_formulas(sheet)
        if values is not None:
            values.result()
    return data


def read_values(data: WorkbookData, path: Path | None = None) -> None:
    """Fill each sheet's ``rows`` with python-calamine (cached values only)."""
    import python_calamine as pc

    path = Path(path or data.path)
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error classes and PanicException
        raise WorkbookError(f"Projektmappen '{path.name}' kan ikke læses ({type(exc).__name__}: {exc})") from None
    try:
        available = set(wb.sheet_names)
        for sheet in data.sheets:
            if sheet.scan is None or sheet.name not in available:
                continue
            try:
                ws = wb.get_sheet_by_name(sheet.name)
                sheet.rows = ws.to_python(skip_empty_area=False, nrows=safety.MAX_ROWS)
            except Exception as exc:
                raise WorkbookError(f"Arket '{sheet.name}' kan ikke læses ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()


def read_values_of(path: Path, sheet_names) -> dict[str, list]:
    """Values of the named sheets of another file (the recalculated copy)."""
    import python_calamine as pc

    out = {}
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise WorkbookError(f"Den genberegnede kopi kan ikke læses ({exc})") from None
    try:
        for name in sheet_names:
            if name in wb.sheet_names:
                out[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=safety.MAX_ROWS)
    finally:
        wb.close()
    return out


__all__ = ["SheetData", "WorkbookData", "read_workbook", "read_values", "read_values_of", "UntrustedFileError"]

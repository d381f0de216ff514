"""Read an untrusted workbook into plain data for the audit rules.

Order matters for safety: the file is read once into memory
(:func:`xlkopi.io.package.read_once`), :func:`~.safety.open_package`
checks the container, every small XML part is read with limits and
parsed with defusedxml, every worksheet's bounds are checked by
:mod:`.sheetscan`, and only then does python-calamine read the values,
from the same bytes (never from the path again).

python-calamine releases the GIL while it parses, so it reads the values
in a worker thread while this thread collects the formulas (and whatever
``on_formulas`` does with them): on two cores the formula work costs no
extra time up to the time calamine takes. It converts a parsed sheet to
Python lists (which holds the GIL) once this thread is done with that
sheet's formulas, so the two peaks of memory come one after the other.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..errors import UntrustedFileError, WorkbookError
from ..io import ooxml
from ..io.memory import release_free_memory
from . import safety
from .sheetscan import SheetScan, scan_sheet

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


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
    source: safety.FileBytes | None = field(default=None, repr=False)   # the bytes every finding is about

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


def check_small_parts(pkg: safety.Package, skip=()) -> None:
    """Read every non-worksheet XML part through the limits and the DTD check (:func:`safety.check_xml_parts`)."""
    safety.check_xml_parts(pkg, skip)


class Worker(threading.Thread):
    """``fn(*args)`` in a thread of its own; :meth:`result` waits for it and returns or raises what it did.

    One call, one thread: what :class:`concurrent.futures.ThreadPoolExecutor`
    gives with one worker, without importing concurrent.futures and logging
    (5 ms of every ``xlkopi audit``). Whoever starts one waits for it, on an
    error too (``try``/``finally``: :meth:`result` or :meth:`join`).
    """

    def __init__(self, name: str, fn, *args):
        super().__init__(name=name, daemon=True)
        self._call = (fn, args)
        self._result = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        fn, args = self._call
        try:
            self._result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to result(), as a Future does (PanicException too)
            self._error = exc

    def done(self) -> bool:
        return not self.is_alive()

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._result


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


TRIM_ROWS = 100_000
"""After the formulas of a sheet this long, the C heap's free pages are given back (:mod:`xlkopi.io.memory`):
the decompressed XML the pass dropped (60 MiB at 300,000 formula rows) would otherwise add to the peak. Not
for shorter sheets: the trim costs 3-8 ms and the pages must be faulted in again, for a peak far from any limit."""


def read_workbook(source, *, values: bool = True, on_formulas=None, on_idle=None) -> WorkbookData:
    """Check and read ``source`` (a path, read once, or :class:`~xlkopi.io.package.FileBytes`).

    Raises WorkbookError/UntrustedFileError in Danish. ``on_formulas(sheet)``
    is called for each scanned sheet once its formulas are collected,
    while the values are still being read. ``on_idle()`` is called once
    all of them are, before this thread waits for the values: what the
    caller will need anyway (imports) then runs while python-calamine
    parses with the GIL released.
    """
    pkg = safety.open_package(source)
    try:
        with no_gc():
            return _read(pkg, values, on_formulas, on_idle)
    finally:
        pkg.close()


def _read(pkg: safety.Package, want_values: bool, on_formulas=None, on_idle=None) -> WorkbookData:
    entries, wb_root = safety.workbook_sheets(pkg)
    parts = safety.sheet_parts(pkg, entries)
    check_small_parts(pkg, skip=[p for p, _n in parts])
    sheets: list[SheetData] = [SheetData(e.name, e.state, e.part if _worksheet(e) else "") for e in entries]
    if not sheets:
        raise WorkbookError(f"Projektmappen '{pkg.path.name}' har ingen ark")
    names = []
    # workbook_sheets returns the root parse_xml (defusedxml) parsed, typed there only as object
    for el in cast("Element", wb_root).iter(f"{ooxml.MAIN}definedName"):
        local = el.get("localSheetId")
        names.append((el.get("name", ""), (el.text or "").strip(),
                      int(local) if local and local.isdigit() and len(local) < 6 else None,
                      el.get("hidden") in ("1", "true")))
    custom = {}
    if pkg.has("docProps/custom.xml"):
        root = safety.parse_xml(pkg.read("docProps/custom.xml", 16 * safety.MiB), "docProps/custom.xml")
        for prop in root.iter(f"{ooxml.CUSTOM}property"):
            texts = [child.text or "" for child in prop]
            custom[prop.get("name", "")] = texts[0] if texts else ""
    budget = safety.MAX_CELLS
    scanned = set()
    for sheet in sheets:
        if not sheet.part:
            continue  # chart sheets and dialog sheets have no cells
        sheet.scan = scan_sheet(pkg, sheet.part, sheet.name, budget)
        budget -= sheet.scan.area
        scanned.add(sheet.part)
    # parts no sheet of ours names, which another reader could still take for one: bounded all the same
    from ..io.sheetbounds import scan_bounds

    for part, label in parts:
        if part not in scanned:
            budget -= scan_bounds(pkg, part, label, budget, keep=False, rows=False).area
    data = WorkbookData(pkg.path, sheets, names, custom, list(pkg.macros), list(pkg.external_links), pkg.source)
    # python-calamine copies the bytes through Python read() calls (about 20), each needing the GIL: this
    # thread waits (GIL released) until the worker has opened the workbook, so those calls do not queue
    # behind the formula pass; then the worker parses the sheets with the GIL released.
    opened = threading.Event()
    # python-calamine turns a parsed sheet into Python lists only once this thread is done with that sheet's
    # formulas: the two peaks of memory (its grid and lists, the formula pass's temporaries) then never add up
    # (measured at 300,000 formula rows: up to 360 MiB when they met, 280-320 apart). The conversion holds the GIL
    # anyway, so it is not held back from running in parallel with anything.
    done = {sheet.name: threading.Event() for sheet in sheets}
    values = Worker("xlkopi-calamine", read_values, data, None, None, opened, done) if want_values else None
    try:
        if values is not None:
            opened.wait()
        try:
            for sheet in sheets:
                if sheet.scan is not None:
                    sheet.scan.read_formulas()
                    if on_formulas is not None:
                        on_formulas(sheet)
                    if sheet.scan.max_row >= TRIM_ROWS:
                        release_free_memory()   # before the worker's lists: they cannot reuse this thread's heap
                done[sheet.name].set()
        finally:   # on an error too: the worker must not wait for a sheet this thread will not finish
            for event in done.values():
                event.set()
        if values is not None:
            if on_idle is not None and not values.done():
                on_idle()
            values.result()
    finally:   # the values are read to the end whatever happened here (as a thread pool's shutdown waits)
        if values is not None:
            values.join()
    return data


def _worksheet(entry: safety.SheetEntry) -> bool:
    """A sheet the audit reads: a worksheet (chart, dialog and macro sheets are only bounded)."""
    if not entry.part:
        return False
    return entry.kind == "worksheet" or (not entry.kind and entry.part.startswith("xl/worksheets/"))


def _calamine_failed(exc: BaseException) -> bool:
    """An error python-calamine raised: its own classes, or pyo3's PanicException (a BaseException)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def open_values(data: WorkbookData, path: Path | None = None):
    """python-calamine's workbook over the checked bytes (``path``: another file, the recalculated copy)."""
    import io

    import python_calamine as pc

    name = Path(path or data.path).name
    try:
        if path is None and data.source is not None:
            return pc.CalamineWorkbook.from_filelike(io.BytesIO(data.source.data))
        return pc.CalamineWorkbook.from_path(str(path or data.path))
    except BaseException as exc:  # calamine raises its own error classes and PanicException
        if not _calamine_failed(exc):
            raise
        raise WorkbookError(f"Projektmappen '{name}' kan ikke læses ({type(exc).__name__}: {str(exc)[:300]})") from None


def read_values(data: WorkbookData, path: Path | None = None, book=None, opened=None, ready=None) -> None:
    """Fill each sheet's ``rows`` with python-calamine (cached values only), from the checked bytes.

    ``opened`` (a :class:`threading.Event`) is set once the workbook is open, or failed to open.
    ``ready`` (sheet name -> :class:`threading.Event`): a parsed sheet is turned into lists once its event is set.
    """
    try:
        wb = book if book is not None else open_values(data, path)
    finally:
        if opened is not None:
            opened.set()
    try:
        available = set(wb.sheet_names)
        for sheet in data.sheets:
            if sheet.scan is None or sheet.name not in available:
                continue
            try:
                ws = wb.get_sheet_by_name(sheet.name)
                if ready is not None and sheet.name in ready:
                    ready[sheet.name].wait()
                sheet.rows = ws.to_python(skip_empty_area=False, nrows=safety.MAX_ROWS)
            except BaseException as exc:
                if not _calamine_failed(exc):
                    raise
                raise WorkbookError(f"Arket '{sheet.name}' (delen '{sheet.part}') kan ikke læses "
                                    f"({type(exc).__name__}: {str(exc)[:300]})") from None
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

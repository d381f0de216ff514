"""Two passes over one worksheet's XML: the bounds, then the formulas.

**Bounds** (:func:`scan_sheet`) run before any other parser sees the sheet:
:func:`xlkopi.io.sheetbounds.scan_bounds`, the grid bound every workbook
reader shares (python-calamine allocates a dense grid from A1 to the last
cell, so one cell at ``XFD250000`` in a 1 kB file asks it for 131 GB). The
decompressed blocks are kept (up to :data:`KEEP_BYTES`) so the second
pass does not decompress again.

**Formulas** (:meth:`SheetScan.read_formulas`) are collected a column at a
time, as lists of raw parts from one regular-expression pass per block:
no Python code runs per cell, so the pass can run while python-calamine
reads the values in another thread. Shared-formula children
(``<f t="shared" si="0"/>``) are kept as arrays as well; masters, array
and data-table formulas go through a per-cell path.

Cells are expected in the usual ``<c r="A1" ...>`` form that Excel,
LibreOffice, openpyxl and the OpenXML SDK write. A part that does not
match (a namespace prefix on the cell elements, cells without ``r``) is
bounded by the general pass of :mod:`~xlkopi.io.sheetbounds` and its
formulas are read with openpyxl's sheet parser, which is slower but general.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from ..errors import WorkbookError
from ..io.a1 import col_index, col_letters
from ..io.sheetbounds import KEEP_BYTES, Bounds, _row_blocks, scan_bounds
from . import safety

__all__ = ["KEEP_BYTES", "SheetScan", "scan_sheet", "xml_unescape"]

# Possessive quantifiers (++, *+) wherever what follows cannot match what they would give back (a digit after
# the letters, '"' after the digits, '>' after the attributes): the same matches, without the attempts to give
# back on each of the sheet's other cells (a quarter of the formula pass; tests/test_audit_speed.py).
_PLAIN_F = re.compile(rb'<c r="([A-Z]{1,3}+)([0-9]++)"(?: [a-z]++="[^"]*+")*+><f>([^<]*+)</f>')
_CHILD_F = re.compile(rb'<c r="([A-Z]{1,3}+)([0-9]++)"(?: [a-z]++="[^"]*+")*+><f t="shared" si="([0-9]++)"\s*+/>')
_OTHER_F = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*>'
                      rb'<f ((?!t="shared" si="[0-9]+"\s*/>)(?:[a-zA-Z0-9]+="[^"]*"\s*)*)(?:/>|>([^<]*)</f>)')
_LOOSE_F = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*><f((?: [a-zA-Z0-9]+="[^"]*")*)\s*(?:/>|>([^<]*)</f>)')
_ERR = re.compile(rb'<c r="([A-Z]{1,3}+)([0-9]++)"(?: [a-z]++="[^"]*+")*? t="e"(?: [a-z]++="[^"]*+")*+>'
                  rb'(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_TYPED = re.compile(rb' t="(s|e|inlineStr)"')
_TEXT_CELL = re.compile(rb'<c r="([A-Z]{1,3}+)([0-9]++)"(?: [a-z]++="[^"]*+")*? t="(?:s|inlineStr)"')
_ATTR = re.compile(rb'([a-zA-Z0-9]+)="([^"]*)"')
_F_TAG = re.compile(rb"<f")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)


def xml_unescape(text: str) -> str:
    """Undo XML escaping in a formula's text.

    >>> xml_unescape("IF(A1&lt;&gt;&quot;x&quot;,1,0)&amp;&#65;")
    'IF(A1<>"x",1,0)&A'
    """
    if "&" not in text:
        return text

    def sub(m):
        ent = m.group(1)
        try:
            if ent.startswith("#x"):
                return chr(int(ent[2:], 16))
            if ent.startswith("#"):
                return chr(int(ent[1:]))
        except (ValueError, OverflowError):
            return m.group(0)
        return _NAMED[ent]

    return _ENTITY.sub(sub, text)


@dataclass
class SheetScan:
    """What the passes found in one sheet.

    After :meth:`read_formulas`: plain formulas as parallel sequences
    ``plain_cols`` / ``plain_rows`` (an int array) / ``plain_texts`` (text with a leading
    ``=``, XML-unescaped), shared-formula children as ``shared`` (``(row,
    col) -> group id``) and ``shared_master`` (``si -> (row, col, text)``),
    cached error values as ``errors``. :attr:`formulas` gives the plain
    formulas as a dict, built on first use.
    """

    part: str
    max_row: int = 0
    max_col: int = 0
    area: int = 0
    plain_cols: "Sequence[int]" = field(default_factory=list)
    # an int array, not a list: 10^5-10^6 row numbers past 256 cost 28 bytes more each as int objects
    plain_rows: "Sequence[int]" = field(default_factory=lambda: array("i"))
    plain_texts: list = field(default_factory=list)
    shared: dict = field(default_factory=dict)
    shared_master: dict = field(default_factory=dict)   # si -> (row, col, text)
    arrays: set = field(default_factory=set)
    errors: dict = field(default_factory=dict)
    text_cells: list | None = field(default_factory=list)   # (row, col) of every text cell; None: not known
    _blocks: list | None = None
    _pkg: safety.Package | None = None
    _sheet: str = ""
    _formulas: dict | None = None
    _done: bool = False
    _letters: dict = field(default_factory=dict)   # column letters -> number, for every block of the sheet

    # --- pass 2 -------------------------------------------------------------------------

    def read_formulas(self) -> "SheetScan":
        """Collect the formulas and error cells (once); frees the kept XML."""
        if self._done:
            return self
        raw_cols: list = []
        raw_rows: list = []
        raw_texts: list = []
        # a scan still to be read comes from scan_sheet, which sets the package (cleared below, with _done set)
        assert self._pkg is not None
        kept, self._blocks = self._blocks, None
        for block in _row_blocks(self._pkg, self.part, self._sheet, None if kept is None else _drained(kept)):
            _formulas_in(self, block, raw_cols, raw_rows, raw_texts)
            if raw_texts:   # each block's formulas in their final form at once: the raw ones never pile up
                self._finish_plain(raw_cols, raw_rows, raw_texts)
                raw_cols.clear()
                raw_rows.clear()
                raw_texts.clear()
        self._pkg = None
        self._done = True
        return self

    def _finish_plain(self, raw_cols, raw_rows, raw_texts) -> None:
        if not raw_texts:
            return
        letters = self._letters
        for b in set(raw_cols).difference(letters):
            letters[b] = col_index(b)
        cols, rows = self.plain_cols, self.plain_rows
        assert isinstance(cols, list) and isinstance(rows, array)   # as made above (_scan_openpyxl's are not read)
        cols.extend(map(letters.__getitem__, raw_cols))
        rows.extend(map(int, raw_rows))
        joined = b"\x00".join(raw_texts).decode("utf-8", "replace")
        if "&" in joined:
            joined = xml_unescape(joined)
        texts = ("=" + joined.replace("\x00", "\x00=")).split("\x00")
        if len(texts) != len(raw_texts):   # an escaped NUL in some formula: one by one
            texts = ["=" + xml_unescape(t.decode("utf-8", "replace")) for t in raw_texts]
        self.plain_texts.extend(texts)

    # --- lookups ------------------------------------------------------------------------

    @property
    def formulas(self) -> dict:
        """``{(row, col): "=..."}`` of every formula with its own text (built on first use)."""
        if self._formulas is None:
            self.read_formulas()
            self._formulas = dict(zip(zip(self.plain_rows, self.plain_cols, strict=False), self.plain_texts,
                                      strict=False))
        return self._formulas

    def formula_at(self, row: int, col: int) -> str | None:
        """The formula text of a cell, shared formulas translated from their master."""
        text = self.formulas.get((row, col))
        if text is not None:
            return text
        si = self.shared.get((row, col))
        if si is None or si not in self.shared_master:
            return None
        from openpyxl.formula.translate import Translator

        mrow, mcol, mtext = self.shared_master[si]
        origin = f"{col_letters(mcol)}{mrow}"
        try:
            return Translator(mtext, origin).translate_formula(f"{col_letters(col)}{row}")
        except Exception:  # an untranslatable master: report the master's text
            return mtext

    def formula_cells(self):
        """Every formula cell's ``(row, col)``, plain and shared."""
        yield from self.formulas.keys()
        for key in self.shared:
            if key not in self.formulas:
                yield key


# --- pass 1: bounds -----------------------------------------------------------------------

def scan_sheet(pkg: "safety.Package", part: str, sheet: str, area_budget: int) -> SheetScan:
    """Check worksheet ``part`` of ``pkg`` against the limits (sheet name ``sheet`` for messages).

    Raises :class:`UntrustedFileError` when the sheet passes ``MAX_ROWS``
    rows or its cell grid (highest row x highest column) passes
    ``area_budget``, :class:`WorkbookError` for a cell reference no sheet
    can have (see :func:`xlkopi.io.sheetbounds.scan_bounds`).
    """
    b = scan_bounds(pkg, part, sheet, area_budget, keep=True, rows=False)   # python-calamine reads the values
    if not b.regular:
        return _scan_openpyxl(pkg, part, sheet, b)
    return SheetScan(part, max_row=b.max_row, max_col=b.max_col, area=b.area, _blocks=b.blocks, _pkg=pkg,
                     _sheet=sheet)


# --- pass 2: formulas ---------------------------------------------------------------------

def _drained(chunks: list):
    """``chunks`` one by one, each dropped from the list as it is handed on (the kept XML is freed as it is read)."""
    chunks.reverse()
    while chunks:
        yield chunks.pop()


def _formulas_in(scan: SheetScan, block: bytes, raw_cols: list, raw_rows: list, raw_texts: list) -> None:
    """The formulas, shared-formula children, text cells and error values of ``block`` (:func:`_collect`).

    One byte is found by memchr at memory speed, two (``<f``, `` t="``) by a
    scan about twenty times slower. Sheet XML holds a lowercase ``f`` only in
    formulas and text, and a ``t`` only in typed cells, text and some
    writers' row attributes: a block of numbers costs one or two memchr calls
    here instead of two scans (tests/test_audit_speed.py).
    """
    _collect(scan, block, raw_cols, raw_rows, raw_texts, b"f" in block, b"t" in block)


def _collect(scan: SheetScan, block: bytes, raw_cols: list, raw_rows: list, raw_texts: list,
             maybe_formulas: bool = True, maybe_typed: bool = True) -> None:
    """What :func:`_formulas_in` collects; ``maybe_formulas`` False: the block has no ``<f``, ``maybe_typed``
    False: no `` t="``."""
    if maybe_formulas and _F_TAG.search(block) is not None:   # a compiled search: faster than `b"<f" in block`
        has_plain = b"<f>" in block
        plain = _PLAIN_F.findall(block) if has_plain else []
        if plain and len(plain) == block.count(b"<f"):
            # Every '<f' of the block starts a plain formula the pattern read (each match holds one): the
            # attribute forms below would find nothing. One count instead of two on the usual block.
            n_plain, n_attr, children, others = len(plain), 0, [], []
        else:
            n_plain = block.count(b"<f>") if has_plain else 0
            n_attr = block.count(b"<f ")
            children = _CHILD_F.findall(block) if n_attr else []
            others = _OTHER_F.findall(block) if n_attr else []
        if len(plain) == n_plain and len(children) + len(others) == n_attr:
            if plain:   # itemgetter per field: a third of the time of zip(*plain), which makes an iterator per match
                raw_cols.extend(map(_FIRST, plain))
                raw_rows.extend(map(_SECOND, plain))
                raw_texts.extend(map(_THIRD, plain))
            for letters, rownum, si in children:
                scan.shared[(int(rownum), col_index(letters))] = int(si)
            for letters, rownum, attrs, text in others:
                _attr_formula(scan, letters, rownum, attrs, text, raw_cols, raw_rows, raw_texts)
        else:   # an unusual attribute layout: one cell at a time with a looser pattern
            for letters, rownum, attrs, text in _LOOSE_F.findall(block):
                _attr_formula(scan, letters, rownum, attrs, text, raw_cols, raw_rows, raw_texts)
    typed = set(_TYPED.findall(block)) if maybe_typed else ()   # one findall: faster than `in` tests
    if b"s" in typed or b"inlineStr" in typed:
        assert scan.text_cells is not None   # None only in _scan_openpyxl's scans, which are never read here
        scan.text_cells.extend((int(r), col_index(c)) for c, r in _TEXT_CELL.findall(block))
    if b"e" in typed:
        for letters, rownum, value in _ERR.findall(block):
            scan.errors[(int(rownum), col_index(letters))] = value.decode("utf-8", "replace")


def _attr_formula(scan, letters, rownum, attrs, text, raw_cols, raw_rows, raw_texts) -> None:
    key = (int(rownum), col_index(letters))
    a = dict(_ATTR.findall(attrs)) if attrs else {}
    kind = a.get(b"t")
    if kind == b"shared":
        si = int(a.get(b"si", b"-1") or -1)
        scan.shared[key] = si
        if text:
            scan.shared_master[si] = (key[0], key[1], "=" + xml_unescape(text.decode("utf-8", "replace")))
        else:
            return
    elif kind == b"dataTable":
        return
    elif kind == b"array":
        scan.arrays.add(key)
    if text:
        raw_cols.append(letters)
        raw_rows.append(rownum)
        raw_texts.append(text)


def _scan_openpyxl(pkg: "safety.Package", part: str, sheet: str, bounds: Bounds) -> SheetScan:
    """General fallback: openpyxl's sheet parser over the same part (already bounded by the general pass)."""
    import io

    from openpyxl.worksheet._reader import WorkSheetParser

    scan = SheetScan(part, max_row=bounds.max_row, max_col=bounds.max_col, area=bounds.area, _done=True,
                     text_cells=None)
    data = pkg.read(part)   # the whole part, with the DTD check on every chunk
    parser = WorkSheetParser(io.BytesIO(data), {}, data_only=False)
    cols, rows, texts = [], [], []
    try:
        for _idx, row in parser.parse():
            for cell in row:
                value = cell.get("value")
                r, c = cell["row"], cell["column"]
                if cell.get("data_type") == "f" and isinstance(value, str):
                    cols.append(c)
                    rows.append(r)
                    texts.append(value)
                elif cell.get("data_type") == "f" and value is not None and hasattr(value, "text"):
                    cols.append(c)
                    rows.append(r)
                    texts.append(value.text)
                    scan.arrays.add((r, c))
                elif cell.get("data_type") == "e":
                    scan.errors[(r, c)] = str(value)
    except Exception as exc:  # noqa: BLE001 - ParseError, ValueError ...: the part is damaged
        raise WorkbookError(f"Arket '{sheet}' (delen '{part}') kan ikke læses; filen er beskadiget "
                            f"({type(exc).__name__}: {str(exc)[:200]})") from None
    scan.plain_cols, scan.plain_rows, scan.plain_texts = cols, rows, texts
    return scan

"""Two passes over one worksheet's XML: the bounds, then the formulas.

**Bounds** (:func:`scan_sheet`) run before any other parser sees the sheet.
python-calamine allocates a dense grid from the first to the last cell
reference, so one cell at ``XFD250000`` in a 1 kB file asks it for 131 GB
and the process aborts. The pass finds the highest row and column cheaply:
a regular expression flags only the cells that need a closer look (a
column past Z, a row past 99,999, a cell without ``r``); every other cell
is known to lie inside A1:Z99999. It also refuses a DTD in the prolog
(the only place XML allows one) and namespace-prefixed cells, which send
the sheet to the general reader. The decompressed blocks are kept (up to
:data:`KEEP_BYTES`) so the second pass does not decompress again.

**Formulas** (:meth:`SheetScan.read_formulas`) are collected a column at a
time, as lists of raw parts from one regular-expression pass per block:
no Python code runs per cell, so the pass can run while python-calamine
reads the values in another thread. Shared-formula children
(``<f t="shared" si="0"/>``) are kept as arrays as well; masters, array
and data-table formulas go through a per-cell path.

Cells are expected in the usual ``<c r="A1" ...>`` form that Excel,
LibreOffice, openpyxl and the OpenXML SDK write. A part that does not
match (a namespace prefix on the cell elements, cells without ``r``) is
read with openpyxl's sheet parser instead, which is slower but general.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.vocabulary import format_count
from ..errors import UntrustedFileError
from ..io.a1 import col_index, col_letters
from . import safety

KEEP_BYTES = 128 * safety.MiB
"""Decompressed sheet XML kept between the passes; a larger sheet is decompressed twice."""

_PLAIN_F = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*><f>([^<]*)</f>')
_CHILD_F = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*><f t="shared" si="([0-9]+)"\s*/>')
_OTHER_F = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*>'
                      rb'<f ((?!t="shared" si="[0-9]+"\s*/>)(?:[a-zA-Z0-9]+="[^"]*"\s*)*)(?:/>|>([^<]*)</f>)')
_LOOSE_F = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*><f((?: [a-zA-Z0-9]+="[^"]*")*)\s*(?:/>|>([^<]*)</f>)')
_ERR = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*? t="e"(?: [a-z]+="[^"]*")*>'
                  rb'(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_TYPED = re.compile(rb' t="(s|e|inlineStr)"')
_TEXT_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*? t="(?:s|inlineStr)"')
# A cell that needs a closer look: not `<c r="` + one letter + at most five digits.
_LOOK = re.compile(rb'<c(?! r="[A-Z][0-9]{1,5}")[ >/]')
_SMALL = re.compile(rb'<c r="[A-Z][0-9]{1,5}"')
_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_R = re.compile(rb'<row r="([0-9]+)"')
_PREFIX = re.compile(rb":(?:c|row|f)[ >]")
_ATTR = re.compile(rb'([a-zA-Z0-9]+)="([^"]*)"')
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_OVERLAP = 64           # longer than any start tag the bounds pass reads (<c r="XFD1048576")
_SMALL_ROW = 99_999      # the highest row a cell the look-pattern passes can have
_SMALL_COL = 26


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

    After :meth:`read_formulas`: plain formulas as parallel lists
    ``plain_cols`` / ``plain_rows`` / ``plain_texts`` (text with a leading
    ``=``, XML-unescaped), shared-formula children as ``shared`` (``(row,
    col) -> group id``) and ``shared_master`` (``si -> (row, col, text)``),
    cached error values as ``errors``. :attr:`formulas` gives the plain
    formulas as a dict, built on first use.
    """

    part: str
    max_row: int = 0
    max_col: int = 0
    area: int = 0
    plain_cols: list = field(default_factory=list)
    plain_rows: list = field(default_factory=list)
    plain_texts: list = field(default_factory=list)
    shared: dict = field(default_factory=dict)
    shared_master: dict = field(default_factory=dict)   # si -> (row, col, text)
    arrays: set = field(default_factory=set)
    errors: dict = field(default_factory=dict)
    text_cells: list | None = field(default_factory=list)   # (row, col) of every text cell; None: not known
    _blocks: list | None = None
    _pkg: object = None
    _sheet: str = ""
    _formulas: dict | None = None
    _done: bool = False

    # --- pass 2 -------------------------------------------------------------------------

    def read_formulas(self) -> "SheetScan":
        """Collect the formulas and error cells (once); frees the kept XML."""
        if self._done:
            return self
        raw_cols: list = []
        raw_rows: list = []
        raw_texts: list = []
        for block in _row_blocks(self._pkg, self.part, self._sheet, self._blocks):
            _formulas_in(self, block, raw_cols, raw_rows, raw_texts)
        self._blocks = None
        self._pkg = None
        self._finish_plain(raw_cols, raw_rows, raw_texts)
        self._done = True
        return self

    def _finish_plain(self, raw_cols, raw_rows, raw_texts) -> None:
        if not raw_texts:
            return
        letters = {b: col_index(b) for b in set(raw_cols)}
        self.plain_cols.extend(map(letters.__getitem__, raw_cols))
        self.plain_rows.extend(map(int, raw_rows))
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
            self._formulas = dict(zip(zip(self.plain_rows, self.plain_cols), self.plain_texts))
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

def _row_blocks(pkg: "safety.Package", part: str, sheet: str, chunks=None):
    """The part's bytes in pieces that end at a ``</row>``, so no cell is cut in two."""
    buf = b""
    for chunk in (pkg.stream(part, dtd="head") if chunks is None else chunks):
        buf += chunk
        cut = buf.rfind(b"</row>")
        if cut < 0:
            if len(buf) > 64 * safety.MiB:
                raise UntrustedFileError(f"Arket '{sheet}' har en række over 64 MiB; filen afvises")
            continue
        cut += 6
        yield buf[:cut]
        buf = buf[cut:]
    if buf:
        yield buf


class _Irregular(Exception):
    """The part needs the general reader."""


def scan_sheet(pkg: "safety.Package", part: str, sheet: str, area_budget: int) -> SheetScan:
    """Check worksheet ``part`` of ``pkg`` against the limits (sheet name ``sheet`` for messages).

    Raises :class:`UntrustedFileError` when the sheet passes ``MAX_ROWS``
    rows or its cell grid (highest row x highest column) passes
    ``area_budget``; the pass stops as soon as the row limit is passed, so
    a 10^6-row sheet costs at most one pass over the first rows' bytes.
    """
    scan = SheetScan(part, _pkg=pkg, _sheet=sheet)
    kept: list[bytes] | None = []
    size = 0
    coarse_row = 0   # 99,999 once any cell was passed without a closer look
    tail = b""
    try:
        # raw chunks, each looked at with the end of the one before, so no start tag is missed
        for chunk in pkg.stream(part, dtd="head"):
            block = tail + chunk
            coarse_row = max(coarse_row, _bounds(scan, block, sheet))
            tail = block[-_OVERLAP:]
            if kept is not None:
                size += len(chunk)
                kept.append(chunk)
                if size > KEEP_BYTES:
                    kept = None
        coarse_row = max(coarse_row, _bounds(scan, tail, sheet, final=True))
    except _Irregular:
        return _scan_openpyxl(pkg, part, sheet, area_budget)
    scan.area = max(scan.max_row, min(coarse_row, _SMALL_ROW)) * max(scan.max_col, 1)
    if scan.area > area_budget:
        # the cheap bound is too loose for this sheet: look at every cell reference
        top, right = 0, 0
        for block in _row_blocks(pkg, part, sheet, kept):
            refs = _REF.findall(block)
            if refs:
                top = max(top, max(int(r) for _c, r in refs))
                right = max(right, max(col_index(c) for c in {c for c, _r in refs}))
        scan.max_row, scan.max_col = max(top, scan.max_row), right
        scan.area = scan.max_row * max(scan.max_col, 1)
        _check_area(scan, sheet, area_budget)
    scan._blocks = kept
    return scan


def _bounds(scan: SheetScan, block: bytes, sheet: str, final: bool = False) -> int:
    """Raise the scan's highest row/column from one block; returns 99,999 if a cell was only bounded.

    Unless ``final``, a tag starting in the last ``_OVERLAP`` bytes is left
    for the next block, which starts with those bytes and sees it whole.
    """
    end = len(block) if final else max(0, len(block) - _OVERLAP)
    colon = block.find(b":")   # memchr: most sheet XML has no colon past the root element
    if colon >= 0 and _PREFIX.search(block, colon):
        raise _Irregular
    at = block.rfind(b'<row r="', 0, end)
    m = _ROW_R.match(block, at) if at >= 0 else None
    if m:
        scan.max_row = max(scan.max_row, int(m.group(1)))
    for m in _LOOK.finditer(block):
        if m.start() >= end:
            break
        ref = _REF.match(block, m.start())
        if ref is None:
            raise _Irregular   # a cell without r (or r not first): positions are implicit
        c, r = col_index(ref.group(1)), int(ref.group(2))
        if c > scan.max_col:
            scan.max_col = c
        if r > scan.max_row:
            scan.max_row = r
        if scan.max_row > safety.MAX_ROWS:
            break
    _check_rows(scan, sheet)
    if _SMALL.search(block):   # some cell was only bounded, not looked at
        scan.max_col = max(scan.max_col, _SMALL_COL)
        return _SMALL_ROW
    return 0


def _dk(n: int) -> str:
    """A whole number with Danish thousands separators: 300.000."""
    return format_count(n)


def _check_rows(scan: SheetScan, sheet: str) -> None:
    if scan.max_row > safety.MAX_ROWS:
        raise UntrustedFileError(f"Arket '{sheet}' har mindst {_dk(scan.max_row)} rækker; xlkopi reviderer højst "
                                 f"{_dk(safety.MAX_ROWS)} rækker pr. ark")


def _check_area(scan: SheetScan, sheet: str, budget: int) -> None:
    if scan.area > budget:
        raise UntrustedFileError(
            f"Arket '{sheet}' spænder over {_dk(scan.area)} celler (række 1 til {_dk(scan.max_row)}, "
            f"kolonne 1 til {_dk(scan.max_col)}); xlkopi reviderer højst {_dk(safety.MAX_CELLS)} celler i alt")


# --- pass 2: formulas ---------------------------------------------------------------------

def _formulas_in(scan: SheetScan, block: bytes, raw_cols: list, raw_rows: list, raw_texts: list) -> None:
    if b"<f" in block:
        n_plain = block.count(b"<f>")
        n_attr = block.count(b"<f ")
        plain = _PLAIN_F.findall(block) if n_plain else []
        children = _CHILD_F.findall(block) if n_attr else []
        others = _OTHER_F.findall(block) if n_attr else []
        if len(plain) == n_plain and len(children) + len(others) == n_attr:
            if plain:
                cols, rows, texts = zip(*plain)
                raw_cols.extend(cols)
                raw_rows.extend(rows)
                raw_texts.extend(texts)
            for letters, rownum, si in children:
                scan.shared[(int(rownum), col_index(letters))] = int(si)
            for letters, rownum, attrs, text in others:
                _attr_formula(scan, letters, rownum, attrs, text, raw_cols, raw_rows, raw_texts)
        else:   # an unusual attribute layout: one cell at a time with a looser pattern
            for letters, rownum, attrs, text in _LOOSE_F.findall(block):
                _attr_formula(scan, letters, rownum, attrs, text, raw_cols, raw_rows, raw_texts)
    typed = set(_TYPED.findall(block))   # 't' is rare in sheet XML, so this scans faster than `in` tests
    if b"s" in typed or b"inlineStr" in typed:
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


def _scan_openpyxl(pkg: "safety.Package", part: str, sheet: str, area_budget: int) -> SheetScan:
    """General fallback: openpyxl's sheet parser over the same part (already size-checked)."""
    import io

    from openpyxl.worksheet._reader import WorkSheetParser

    scan = SheetScan(part, _done=True, text_cells=None)
    data = pkg.read(part)   # the whole part, with the DTD check on every chunk
    parser = WorkSheetParser(io.BytesIO(data), {}, data_only=False)
    cols, rows, texts = [], [], []
    for idx, row in parser.parse():
        scan.max_row = max(scan.max_row, idx)
        _check_rows(scan, sheet)
        for cell in row:
            value = cell.get("value")
            r, c = cell["row"], cell["column"]
            scan.max_row = max(scan.max_row, r)
            scan.max_col = max(scan.max_col, c)
            if cell.get("data_type") == "f" and isinstance(value, str):
                cols.append(c), rows.append(r), texts.append(value)
            elif cell.get("data_type") == "f" and value is not None and hasattr(value, "text"):
                cols.append(c), rows.append(r), texts.append(value.text)
                scan.arrays.add((r, c))
            elif cell.get("data_type") == "e":
                scan.errors[(r, c)] = str(value)
        scan.area = scan.max_row * max(scan.max_col, 1)
        _check_area(scan, sheet, area_budget)
    scan.plain_cols, scan.plain_rows, scan.plain_texts = cols, rows, texts
    return scan

"""A streaming scan of one worksheet's XML: formulas, error cells, size.

The scan runs over the part in chunks (never the whole XML in memory at
once, apart from the formulas it keeps) with regular expressions rather
than a DOM or per-element parser: on a 100,000-row schedule it takes a
fraction of python-calamine's read time, where openpyxl's read-only mode
takes several times as long. It also enforces the row and cell limits of
:mod:`.safety` before any other parser sees the sheet.

Cells are expected in the usual ``<c r="A1" ...>`` form that Excel,
LibreOffice, openpyxl and the OpenXML SDK write. A part that does not
match (a namespace prefix on the cell elements, cells without ``r``) is
read with openpyxl read-only instead, which is slower but general.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UntrustedFileError
from . import safety

_CELL_F = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*><f((?: [a-zA-Z0-9]+="[^"]*")*)\s*(?:/>|>([^<]*)</f>)')
_ERR = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*? t="e"(?: [a-z]+="[^"]*")*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_ROW_R = re.compile(rb'<row r="([0-9]+)"')
_ATTR = re.compile(rb'([a-zA-Z0-9]+)="([^"]*)"')
_PREFIXED = re.compile(rb"<[A-Za-z0-9_]+:(?:c|row|f) ")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def xml_unescape(text: str) -> str:
    """Undo XML escaping in a formula's text.

    >>> xml_unescape("IF(A1&lt;&gt;&quot;x&quot;,1,0)&amp;&#65;")
    'IF(A1<>"x",1,0)&A'
    """
    if "&" not in text:
        return text

    def sub(m):
        ent = m.group(1)
        if ent.startswith("#x"):
            return chr(int(ent[2:], 16))
        if ent.startswith("#"):
            return chr(int(ent[1:]))
        return _NAMED[ent]

    return _ENTITY.sub(sub, text)


def col_index(letters: bytes | str) -> int:
    """1-based column number of column letters.

    >>> col_index("A"), col_index(b"AB"), col_index("XFD")
    (1, 28, 16384)
    """
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetScan:
    """What the scan found in one sheet.

    ``formulas`` maps ``(row, col)`` (1-based) to the formula text with a
    leading ``=``; shared-formula children are expanded from their master
    lazily by :meth:`formula_at`. ``shared`` maps ``(row, col)`` of each
    shared cell to its group id; ``errors`` maps cells to error values
    (``#REF!`` ...) cached in the file.
    """

    part: str
    max_row: int = 0
    cells: int = 0
    formulas: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)
    shared_master: dict = field(default_factory=dict)   # si -> (row, col, text)
    arrays: set = field(default_factory=set)
    errors: dict = field(default_factory=dict)

    def formula_at(self, row: int, col: int) -> str | None:
        """The formula text of a cell, shared formulas translated from their master."""
        text = self.formulas.get((row, col))
        if text is not None:
            return text
        si = self.shared.get((row, col))
        if si is None or si not in self.shared_master:
            return None
        from openpyxl.formula.translate import Translator
        from openpyxl.utils import get_column_letter

        mrow, mcol, mtext = self.shared_master[si]
        origin = f"{get_column_letter(mcol)}{mrow}"
        try:
            return Translator(mtext, origin).translate_formula(f"{get_column_letter(col)}{row}")
        except Exception:  # an untranslatable master: report the master's text
            return mtext

    def formula_cells(self):
        """Every formula cell's ``(row, col)``, plain and shared."""
        yield from self.formulas.keys()
        for key in self.shared:
            if key not in self.formulas:
                yield key


def scan_sheet(pkg: "safety.Package", part: str, sheet: str, cells_budget: int) -> SheetScan:
    """Scan worksheet ``part`` of ``pkg`` (sheet name ``sheet`` for messages).

    Raises :class:`UntrustedFileError` when the sheet passes ``MAX_ROWS``
    rows or the workbook ``cells_budget`` cells; the scan stops as soon as
    a limit is passed, so a 10^6-row sheet costs at most one pass over the
    first rows' worth of bytes.
    """
    scan = SheetScan(part)
    buf = b""
    regular = True
    first = True
    for chunk in pkg.stream(part):
        buf += chunk
        cut = buf.rfind(b"</row>")
        if cut < 0:
            if len(buf) > 64 * safety.MiB:
                raise UntrustedFileError(f"Arket '{sheet}' har en række over 64 MiB; filen afvises")
            continue
        cut += 6
        block, buf = buf[:cut], buf[cut:]
        if first:
            first = False
            regular = _is_regular(block)
            if not regular:
                break
        _scan_block(scan, block, sheet, cells_budget)
    if regular:
        if buf:
            if first:
                regular = _is_regular(buf)
            if regular:
                _scan_block(scan, buf, sheet, cells_budget)
    if not regular:
        return _scan_openpyxl(pkg, part, sheet, cells_budget)
    return scan


def _is_regular(block: bytes) -> bool:
    if _PREFIXED.search(block):
        return False
    cells = block.count(b"<c ") + block.count(b"<c>")
    return cells == block.count(b'<c r="')


def _scan_block(scan: SheetScan, block: bytes, sheet: str, cells_budget: int) -> None:
    at = block.rfind(b'<row r="')
    m = _ROW_R.match(block, at) if at >= 0 else None
    if m:
        last = int(m.group(1))
        if last > scan.max_row:
            scan.max_row = last
    scan.cells += block.count(b"<c ")
    if scan.max_row > safety.MAX_ROWS:
        raise UntrustedFileError(
            f"Arket '{sheet}' har mindst {scan.max_row:,} rækker; xlkopi reviderer højst "
            f"{safety.MAX_ROWS:,} rækker pr. ark".replace(",", "."))
    if scan.cells > cells_budget:
        raise UntrustedFileError(
            f"Projektmappen har over {safety.MAX_CELLS:,} celler; xlkopi reviderer højst så mange".replace(",", "."))
    nf = (block.count(b"<f>") + block.count(b"<f ")) if b"<f" in block else 0
    if nf:
        found = _CELL_F.findall(block)
        if len(found) != nf:
            # an unusual attribute layout: fall back to a looser pattern for this block
            found = re.findall(
                rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*><f((?: [a-zA-Z0-9]+="[^"]*")*)\s*(?:/>|>([^<]*)</f>)', block)
        formulas = scan.formulas
        columns: dict = {}   # column letters -> number, computed once per block
        for letters, rownum, attrs, text in found:
            c = columns.get(letters)
            if c is None:
                c = columns[letters] = col_index(letters)
            key = (int(rownum), c)
            if attrs:
                a = dict(_ATTR.findall(attrs))
                kind = a.get(b"t")
                if kind == b"shared":
                    si = int(a.get(b"si", b"-1"))
                    scan.shared[key] = si
                    if text:
                        scan.shared_master[si] = (key[0], key[1], "=" + xml_unescape(text.decode("utf-8")))
                        formulas[key] = "=" + xml_unescape(text.decode("utf-8"))
                    continue
                if kind == b"array":
                    scan.arrays.add(key)
                if kind == b"dataTable":
                    continue
            if text:
                formulas[key] = "=" + (xml_unescape(text.decode("utf-8")) if b"&" in text else text.decode("utf-8"))
    if b't="e"' in block:
        for letters, rownum, value in _ERR.findall(block):
            scan.errors[(int(rownum), col_index(letters))] = value.decode("utf-8", "replace")


def _scan_openpyxl(pkg: "safety.Package", part: str, sheet: str, cells_budget: int) -> SheetScan:
    """General fallback: openpyxl read-only over the same part (already size-checked)."""
    import io

    from openpyxl.worksheet._reader import WorkSheetParser

    scan = SheetScan(part)
    data = pkg.read(part)
    parser = WorkSheetParser(io.BytesIO(data), {}, data_only=False)
    for idx, row in parser.parse():
        if idx > scan.max_row:
            scan.max_row = idx
        if scan.max_row > safety.MAX_ROWS:
            raise UntrustedFileError(f"Arket '{sheet}' har mindst {scan.max_row} rækker; højst {safety.MAX_ROWS} tilladt")
        for cell in row:
            scan.cells += 1
            value = cell.get("value")
            r, c = cell["row"], cell["column"]
            if cell.get("data_type") == "f" and isinstance(value, str):
                scan.formulas[(r, c)] = value
            elif cell.get("data_type") == "f" and value is not None and hasattr(value, "text"):
                scan.formulas[(r, c)] = value.text
                scan.arrays.add((r, c))
            elif cell.get("data_type") == "e":
                scan.errors[(r, c)] = str(value)
        if scan.cells > cells_budget:
            raise UntrustedFileError(f"Projektmappen har over {safety.MAX_CELLS} celler")
    return scan

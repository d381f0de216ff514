"""The grid bound of one worksheet part, counted before any parser sees it.

python-calamine allocates a dense grid from the first to the last cell
reference, and openpyxl's read-only reader walks every row up to the
last one, so one cell at ``XFD1048576`` in a 3 kB file aborts the process
(a Rust allocation failure, which no ``except`` catches) and one at
``ZZ300000`` costs 7.8 GB. :func:`scan_bounds` finds the highest row and
column of a sheet part and refuses the part when the rows pass
:data:`~xlkopi.io.package.MAX_ROWS` or the grid (highest row x highest
column, counted from A1) passes the budget.

**Fast pass.** A regular expression flags only the cells and rows that
need a closer look: a cell that is not ``<c r="`` + one letter + a row of at
most five digits (a column past Z, a row past 99,999, another attribute
first, any other whitespace after the name, no ``r``), a row whose number
has six digits or more. Everything else lies inside A1:Z99999. Flagged
cells must read ``<c r="XFD1048576"`` (1-3 capitals, a row without a
leading zero); a column past XFD or a row past 1,048,576 is refused as a
damaged part, naming the sheet and the reference. When the coarse grid
passes the budget, every cell reference is counted exactly.

**General pass**, for a part the fast pass cannot read (a namespace
prefix on the cell or row elements, cells without ``r`` or with ``r`` not
first, single quotes): every ``c`` and ``row`` start tag, whatever its
prefix, whitespace, quoting or attribute order, with the implicit
positions python-calamine and openpyxl give cells and rows that have no
``r`` (the next column, the next row). It never undercounts what either
parser reads: text that only looks like a tag (in a comment) counts too.

A sheet part that is not UTF-8 (a UTF-16 byte order mark, another
declared encoding) is refused: the patterns read bytes, and a parser that
decodes UTF-16 would see cells they cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.vocabulary import format_count
from ..errors import UntrustedFileError, WorkbookError
from . import package as pk
from .a1 import col_index

KEEP_BYTES = 128 * pk.MiB
"""Decompressed sheet XML kept for a second pass (the auditor's formulas); a larger sheet is decompressed again."""
MAX_COL = 16_384          # XFD
MAX_ROW_NUMBER = 1_048_576
_SMALL_ROW = 99_999        # the highest row a cell or row the fast pass does not look at can have
_SMALL_COL = 26
_OVERLAP = 64              # longer than any start tag the fast pass reads (<c r="XFD1048576")

# fast pass
_LOOK = re.compile(rb'<c(?! r="[A-Z][1-9][0-9]{0,4}")[\s>/]')
_SMALL = re.compile(rb'<c r="[A-Z][1-9][0-9]{0,4}"')
_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_ROW_LOOK = re.compile(rb'<row(?! r="[1-9][0-9]{0,4}")[\s>/]')
_ROW_SMALL = re.compile(rb'<row r="[1-9][0-9]{0,4}"')
_ROW_R = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_PREFIX = re.compile(rb":(?:c|row|f)[\s>/]")
# general pass: any prefix, whitespace, quoting and attribute order
_TAG = re.compile(rb'<(/?)(?:[^\s<>/:!?"\'=]+:)?(row|c)(?=[\s/>])((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_DIGITS = re.compile(r"[1-9][0-9]{0,6}")
_ENCODING = re.compile(rb'^<\?xml[^>]*?\sencoding\s*=\s*["\']([^"\']*)["\']')
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass
class Bounds:
    """What the passes found in one sheet part."""

    part: str
    max_row: int = 0
    max_col: int = 0
    area: int = 0
    regular: bool = True       # every cell in the usual <c r="A1" ...> form (the auditor's formula pass reads it)
    blocks: list | None = field(default=None, repr=False)   # the decompressed bytes, when kept


class _Irregular(Exception):
    """The part needs the general pass."""


def _dk(n: int) -> str:
    return format_count(n)


def _shown(raw: bytes | str, limit: int = 24) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = "".join(ch if ch.isprintable() else "?" for ch in text[:limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


def _bad_cell(sheet: str, part: str, ref) -> WorkbookError:
    return WorkbookError(f"Arket '{sheet}' (delen '{part}') har en celle med en ugyldig reference r=\"{_shown(ref)}\" "
                         "(en celle ligger i A1:XFD1048576); filen er beskadiget")


def _bad_row(sheet: str, part: str, ref) -> WorkbookError:
    return WorkbookError(f"Arket '{sheet}' (delen '{part}') har en række med et ugyldigt rækkenummer "
                         f"r=\"{_shown(ref)}\" (1 til {_dk(MAX_ROW_NUMBER)}); filen er beskadiget")


def check_rows(max_row: int, sheet: str) -> None:
    if max_row > pk.MAX_ROWS:
        raise UntrustedFileError(f"Arket '{sheet}' har mindst {_dk(max_row)} rækker; xlkopi læser højst "
                                 f"{_dk(pk.MAX_ROWS)} rækker pr. ark")


def check_area(b: Bounds, sheet: str, budget: int) -> None:
    if b.area > budget:
        raise UntrustedFileError(
            f"Arket '{sheet}' spænder over {_dk(b.area)} celler (række 1 til {_dk(b.max_row)}, "
            f"kolonne 1 til {_dk(b.max_col)}); xlkopi læser højst {_dk(pk.MAX_CELLS)} celler i alt")


def _check_encoding(first: bytes, part: str) -> None:
    head = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        raise WorkbookError(f"Delen '{part}' er ikke kodet som UTF-8 (UTF-16 eller UTF-32); filen afvises")
    m = _ENCODING.match(head.lstrip())
    if m and m.group(1).strip().lower() not in (b"utf-8", b"utf8"):
        raise WorkbookError(f"Delen '{part}' er ikke kodet som UTF-8 (erklæret: '{_shown(m.group(1))}'); filen afvises")


def scan_bounds(pkg: "pk.Package", part: str, sheet: str, area_budget: int, keep: bool = True,
                rows: bool = True) -> Bounds:
    """The grid bound of sheet ``part`` of ``pkg`` (``sheet``: its name, for messages).

    Raises :class:`UntrustedFileError` when the rows pass ``MAX_ROWS`` or
    the grid passes ``area_budget`` (the pass stops as soon as the row
    limit is passed, so a 10^6-row sheet costs one pass over the first
    rows), :class:`WorkbookError` for a cell or row reference that no
    sheet can have. With ``keep`` the decompressed bytes are kept in
    :attr:`Bounds.blocks` (up to :data:`KEEP_BYTES`).
    """
    b = Bounds(part)
    kept: list[bytes] | None = []
    size = 0
    coarse = 0   # 99,999 once a cell or row was passed without a closer look
    tail = b""
    first = True
    try:
        # raw chunks, each looked at with the end of the one before, so no start tag is missed
        for chunk in pkg.stream(part, dtd="head"):
            if first:
                _check_encoding(chunk[:256], part)
                first = False
            block = tail + chunk
            coarse = max(coarse, _fast(b, block, sheet, part, rows=rows))
            tail = block[-_OVERLAP:]
            if kept is not None:
                size += len(chunk)
                kept.append(chunk)
                if size > KEEP_BYTES:
                    kept = None
        coarse = max(coarse, _fast(b, tail, sheet, part, final=True, rows=rows))
    except _Irregular:
        b = _general(pkg, part, sheet, area_budget)
        b.regular = False
        return b
    b.area = max(b.max_row, min(coarse, _SMALL_ROW)) * max(b.max_col, 1)
    if b.area > area_budget:
        # the cheap bound is too loose for this sheet: look at every cell reference
        top, right = 0, 0
        for block in _row_blocks(pkg, part, sheet, kept):
            refs = _REF.findall(block)
            if refs:
                top = max(top, max(int(r) for _c, r in refs))
                right = max(right, max(col_index(c) for c in {c for c, _r in refs}))
            numbers = _ROW_R.findall(block)
            if numbers:
                top = max(top, max(map(int, numbers)))
        b.max_row, b.max_col = max(top, b.max_row), right
        b.area = b.max_row * max(b.max_col, 1)
        check_area(b, sheet, area_budget)
    b.blocks = kept if keep else None
    return b


def _row_number(b: Bounds, block: bytes, at: int, sheet: str, part: str) -> None:
    row = _ROW_R.match(block, at)
    if row is None:
        raise _Irregular   # no r, r not first, a leading zero or more than 7 digits
    r = int(row.group(1))
    if r > MAX_ROW_NUMBER:
        raise _bad_row(sheet, part, row.group(1))
    if r > b.max_row:
        b.max_row = r


def _fast(b: Bounds, block: bytes, sheet: str, part: str, final: bool = False, rows: bool = True) -> int:
    """Raise the bound from one block; returns 99,999 if some cell or row was only bounded.

    Unless ``final``, a tag starting in the last ``_OVERLAP`` bytes is left
    for the next block, which starts with those bytes and sees it whole.
    """
    end = len(block) if final else max(0, len(block) - _OVERLAP)
    colon = block.find(b":")   # memchr: most sheet XML has no colon past the root element
    if colon >= 0 and _PREFIX.search(block, colon):
        raise _Irregular
    if rows:   # every row number: openpyxl walks every row up to the last
        for m in _ROW_LOOK.finditer(block):
            if m.start() >= end:
                break
            _row_number(b, block, m.start(), sheet, part)
            if b.max_row > pk.MAX_ROWS:
                break
    else:      # python-calamine allocates by cells only: the last row of the block for the row count
        at = block.rfind(b"<row", 0, end)
        if at >= 0 and _ROW_LOOK.match(block, at):
            _row_number(b, block, at, sheet, part)
    for m in _LOOK.finditer(block):
        if m.start() >= end:
            break
        ref = _REF.match(block, m.start())
        if ref is None:
            raise _Irregular   # a cell without r (or r not first): positions are implicit
        c, r = col_index(ref.group(1)), int(ref.group(2))
        if c > MAX_COL or r > MAX_ROW_NUMBER:
            raise _bad_cell(sheet, part, ref.group(1) + ref.group(2))
        if c > b.max_col:
            b.max_col = c
        if r > b.max_row:
            b.max_row = r
        if b.max_row > pk.MAX_ROWS:
            break
    check_rows(b.max_row, sheet)
    if _SMALL.search(block):   # some cell was only bounded, not looked at
        b.max_col = max(b.max_col, _SMALL_COL)
        return _SMALL_ROW
    if _ROW_SMALL.search(block):
        return _SMALL_ROW
    return 0


def _row_blocks(pkg: "pk.Package", part: str, sheet: str, chunks=None):
    """The part's bytes in pieces that end at a ``</row>``, so no cell is cut in two."""
    buf = b""
    for chunk in (pkg.stream(part, dtd="head") if chunks is None else chunks):
        buf += chunk
        cut = buf.rfind(b"</row>")
        if cut < 0:
            if len(buf) > 64 * pk.MiB:
                raise UntrustedFileError(f"Arket '{sheet}' har en række over 64 MiB; filen afvises")
            continue
        cut += 6
        yield buf[:cut]
        buf = buf[cut:]
    if buf:
        yield buf


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def sub(m):
        ent = m.group(1)
        if ent.startswith("#x"):
            code = int(ent[2:], 16)
        elif ent.startswith("#"):
            code = int(ent[1:])
        else:
            return _NAMED[ent]
        return chr(code) if code <= 0x10FFFF else "?"

    return _ENTITY.sub(sub, text)


def _general(pkg: "pk.Package", part: str, sheet: str, area_budget: int) -> Bounds:
    """Every ``c`` and ``row`` start tag, with the implicit positions of cells and rows that have no ``r``.

    The part is read whole (at most ``MAX_PART_BYTES``): a tag may hold a
    quoted ``<`` or ``>`` in a parser as lenient as python-calamine's, so
    there is no place it could safely be cut.
    """
    b = Bounds(part, regular=False)
    data = b"".join(pkg.stream(part, dtd="head"))
    row = 0        # the current row element's number (0 before the first)
    col = 0        # the last cell's column in the current row
    seen = 0
    for m in _TAG.finditer(data):
        closing, name, attrs = m.groups()
        if closing:
            continue
        refs = [(r.group(1) if r.group(1) is not None else r.group(2)) for r in _R_ATTR.finditer(attrs)]
        if name == b"row":
            if refs:
                numbers = []
                for raw in refs:
                    text = _unescape(raw.decode("utf-8", "replace")).strip()
                    if not _DIGITS.fullmatch(text) or int(text) > MAX_ROW_NUMBER:
                        raise _bad_row(sheet, part, raw)
                    numbers.append(int(text))
                row = max(numbers)
            else:
                row += 1
            col = 0
            if row > b.max_row:
                b.max_row = row
        elif refs:
            for raw in refs:
                text = _unescape(raw.decode("utf-8", "replace")).strip()
                a1 = _A1.fullmatch(text)
                if a1 is None:
                    raise _bad_cell(sheet, part, raw)
                c, r = col_index(a1.group(1)), int(a1.group(2))
                if c > MAX_COL or r > MAX_ROW_NUMBER:
                    raise _bad_cell(sheet, part, raw)
                col = c
                b.max_col = max(b.max_col, c)
                b.max_row = max(b.max_row, r)
        else:
            col += 1
            if col > MAX_COL:
                raise WorkbookError(f"Arket '{sheet}' (delen '{part}') har over {_dk(MAX_COL)} celler i "
                                    f"række {_dk(max(row, 1))}; filen er beskadiget")
            b.max_col = max(b.max_col, col)
            b.max_row = max(b.max_row, row, 1)
        seen += 1
        if not seen & 0xFFFF:
            check_rows(b.max_row, sheet)
            b.area = b.max_row * max(b.max_col, 1)
            check_area(b, sheet, area_budget)
    check_rows(b.max_row, sheet)
    b.area = b.max_row * max(b.max_col, 1)
    check_area(b, sheet, area_budget)
    return b

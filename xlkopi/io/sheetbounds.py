"""The grid bound of one worksheet part, counted before any parser sees it.

python-calamine allocates a dense grid from the first to the last cell
reference, and openpyxl's read-only reader walks every row up to the
last one, so one cell at ``XFD1048576`` in a 3 kB file aborts the process
(a Rust allocation failure, which no ``except`` catches) and one at
``ZZ300000`` costs 7.8 GB. :func:`scan_bounds` finds the highest row and
column of a sheet part and refuses the part when the rows pass
:data:`~xlkopi.io.package.MAX_ROWS` or the grid (highest row x highest
column, counted from A1) passes the budget.

**Fast pass.** The part is read in pieces that end after a ``</row>`` (or
another ``>``): none of the patterns below holds a ``>`` before its last
character, so none is cut in two. Each piece costs a few regular-expression
searches and no Python code per cell:

* a cell whose first attribute is not ``r="`` (no ``r``, ``r`` not first,
  other whitespace, single quotes): the general pass;
* the number of the piece's last ``<row r="N">``, which joins the bound
  (rows are written in order, so it bounds the piece's cells); with
  ``rows`` (openpyxl walks every row) a search for a row number past it;
* a reference the bound so far does not cover (:func:`cell_filter`: 1-3
  capitals up to the widest column, a row without a leading zero up to the
  highest row, a closing quote; an ordinary reference fails it within its
  first characters). Each one found raises the bound, so a sheet's first
  row raises it once per column and later pieces find nothing; a piece with
  more than :data:`_RISES` of them has every reference counted. A malformed
  reference goes to the general pass; a column past XFD or a row past
  1,048,576 is refused as a damaged part, naming the sheet and the
  reference.

So the bound is exact at any row and any column (rows past 99,999 and
columns past Z included), in one pass. Only the budget is charged as it
always was, so a workbook of many sheets passes or is refused as before: a
sheet with a cell in A1:Z99999 costs 99,999 x 26 cells when that fits, its
exact grid otherwise.

**General pass**, for a part the fast pass cannot read (a namespace
prefix on the cell or row elements, cells without ``r`` or with ``r`` not
first, single quotes, a malformed reference): every ``c`` and ``row`` start
tag, whatever its prefix, whitespace, quoting or attribute order, with the
implicit positions python-calamine and openpyxl give cells and rows that
have no ``r`` (the next column, the next row). It never undercounts what
either parser reads: text that only looks like a tag (in a comment)
counts too, in both passes.

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
from .a1 import col_index, col_letters

KEEP_BYTES = 32 * pk.MiB
"""Decompressed sheet XML kept for a second pass (the auditor's formulas); a larger sheet is decompressed again.

Not more, because freed XML is not given back: pieces of about a megabyte
come from the C heap, which keeps them once freed (measured: 60 MiB more at
the peak of a 300,000-row sheet kept whole), while inflating again costs
about 1.5 ms a megabyte, off the critical path on two cores (the second
pass runs while python-calamine reads the values). A part whose zip entry
declares more is not kept at all."""
MAX_COL = 16_384          # XFD
MAX_ROW_NUMBER = 1_048_576
_SMALL_ROW = 99_999        # the budget's cheap bound for a sheet with a cell in A1:Z99999
_SMALL_COL = 26
_RISES = 64                # cells looked at one by one in a piece before all of its references are counted
_MAX_CARRY = 16 * pk.MiB   # XML without a '>' for this long is no sheet any writer makes: the general pass reads it

# fast pass
_LOOK = re.compile(rb'<c(?! r=")[\s>/]')                    # a cell whose first attribute is not r="
_ROW_LOOK = re.compile(rb'<row(?! r=")[\s>/]')
_ROW_TAG = re.compile(rb'<row[\s>/]')
_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_ROW_R = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_SMALL = re.compile(rb'<c r="[A-Z][1-9][0-9]{0,4}"')
_ROW_SMALL = re.compile(rb'<row r="[1-9][0-9]{0,4}"')
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
    area: int = 0              # what the part is charged against the workbook's budget
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


# --- the filters: a reference past a bound, as one search -----------------------------------

def _above(text: str, top: str, any_: str) -> str:
    """A pattern for the strings of ``len(text)`` characters that sort after ``text`` (digits or capitals).

    Nested, so a search tries one alternative per character ``text`` shares
    with the string looked at: ``_above("305", "9", "[0-9]")`` is
    ``(?:[4-9][0-9]{2}|3(?:[1-9][0-9]|0[6-9]))``.
    """
    def at(i: int) -> str | None:
        if i == len(text):
            return None      # equal is not above
        ch, rest = text[i], len(text) - i - 1
        alts = []
        if ch < top:
            nxt = chr(ord(ch) + 1)
            alts.append((nxt if nxt == top else f"[{nxt}-{top}]") + (any_ + (f"{{{rest}}}" if rest > 1 else "")
                                                                   if rest else ""))
        deeper = at(i + 1)
        if deeper is not None:
            alts.append(ch + deeper)
        if not alts:
            return None
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return at(0) or "(?!)"


def _number_above(n: int) -> str:
    """After the first digit was checked to be 1-9: a digit run longer than ``n``'s, or as long and greater,
    or one not closed by the quote (a malformed reference)."""
    s = str(n)
    above = _above(s, "9", "[0-9]")
    return f'[0-9]{{1,{len(s)}}}+[^"]' + ("" if above == "(?!)" else "|" + above)


def cell_filter(max_col: int, max_row: int) -> re.Pattern:
    """A search for a cell reference the bound ``(max_row, max_col)`` does not cover, or a malformed one.

    Matches ``<c r="`` followed by anything but 1-3 capitals up to column
    ``max_col`` and a row without a leading zero up to ``max_row``, closed
    by ``"``. Everything it does not match is inside the bound.
    """
    if max_col < 1 or max_row < 1:
        return re.compile(rb'<c r="')
    letters = col_letters(max_col)
    number = _number_above(max_row)
    if len(letters) == 1:
        body = f'[^A-{letters}]|[A-{letters}](?:[^1-9]|{number})'
    else:
        m = len(letters)
        body = (f'[^A-Z]|[A-Z]{{{m + 1}}}|{_above(letters, "Z", "[A-Z]")}'
                f'|[A-Z]++(?:[^1-9]|{number})')
    return re.compile(f'<c r="(?:{body})'.encode())


def row_filter(max_row: int) -> re.Pattern:
    """A search for a ``<row r="N"`` with N past ``max_row``, or a malformed number."""
    if max_row < 1:
        return re.compile(rb'<row r="')
    return re.compile(f'<row r="(?:[^1-9]|{_number_above(max_row)})'.encode())


@dataclass
class _Pass:
    """The fast pass's state between pieces."""

    rows: bool                 # every row element counts (openpyxl), not only the cells (python-calamine)
    small_cell: bool = False   # some cell in A1:Z99999
    small_row: bool = False    # some row element numbered up to 99,999
    cells: re.Pattern | None = None
    cells_for: tuple = ()
    row_pattern: re.Pattern | None = None
    row_for: int = -1


def scan_bounds(pkg: "pk.Package", part: str, sheet: str, area_budget: int, keep: bool = True,
                rows: bool = True) -> Bounds:
    """The grid bound of sheet ``part`` of ``pkg`` (``sheet``: its name, for messages).

    Raises :class:`UntrustedFileError` when the rows pass ``MAX_ROWS`` or
    the grid passes ``area_budget`` (the pass stops as soon as the row
    limit is passed, so a 10^6-row sheet costs one pass over the first
    rows), :class:`WorkbookError` for a cell or row reference that no
    sheet can have. With ``keep`` the decompressed bytes are kept in
    :attr:`Bounds.blocks` (up to :data:`KEEP_BYTES`), in pieces that end
    at a ``</row>`` where the XML has one.
    """
    b = Bounds(part)
    state = _Pass(rows)
    kept: list[bytes] | None = [] if keep and _declared(pkg, part) <= KEEP_BYTES else None
    size = 0
    try:
        for block, end in _pieces(pkg, part):
            _fast(b, state, block, end, sheet, part)
            if kept is not None:
                size += end
                kept.append(block if end == len(block) else block[:end])
                if size > KEEP_BYTES:
                    kept = None
    except _Irregular:
        b = _general(pkg, part, sheet, area_budget)
        b.regular = False
        return b
    exact = b.max_row * max(b.max_col, 1)
    cheap = (max(b.max_row, _SMALL_ROW if state.small_cell or state.small_row else 0)
             * max(b.max_col, _SMALL_COL if state.small_cell else 0, 1))
    b.area = cheap if cheap <= area_budget else exact
    check_area(b, sheet, area_budget)
    b.blocks = kept
    return b


def _declared(pkg, part: str) -> int:
    """The uncompressed size the part's zip entry claims (0 if unknown): a hint only, never a limit."""
    try:
        return pkg.zf.getinfo(part).file_size
    except (AttributeError, KeyError):
        return 0


def _pieces(pkg: "pk.Package", part: str):
    """The part's bytes in pieces ``block[:end]`` that end after ``</row>`` (or, failing that, after some ``>``).

    None of the fast pass's patterns holds a ``>`` before its last
    character, so none is cut in two; a piece that ends at ``</row>`` is
    also whole for the formula pass, which then copies nothing. The piece
    is read in place (``end`` as the patterns' end position), not copied.
    """
    carry = b""
    first = True
    for chunk in pkg.stream(part, dtd="head"):
        if first:
            _check_encoding(chunk[:256], part)
            first = False
        block = carry + chunk if carry else chunk
        cut = block.rfind(b"</row>") + 6
        if cut < 6 or len(block) - cut > pk.CHUNK:   # no row ends here (or a row longer than a chunk)
            cut = block.rfind(b">") + 1
        carry = block[cut:]
        if len(carry) > _MAX_CARRY:
            raise _Irregular
        if cut:
            yield block, cut
    if carry:
        yield carry, len(carry)


def _fast(b: Bounds, st: _Pass, piece: bytes, end: int, sheet: str, part: str) -> None:
    """Raise the bound from ``piece[:end]`` (exactly; see the module's docstring)."""
    colon = piece.find(b":", 0, end)   # memchr: most sheet XML has no colon past the root element
    if colon >= 0 and _PREFIX.search(piece, colon, end):
        raise _Irregular
    if _LOOK.search(piece, 0, end):
        raise _Irregular       # a cell without r (or r not first): positions are implicit
    last = 0                   # the number of the piece's last row element
    if st.rows:                # every row number: openpyxl walks every row up to the last
        if _ROW_LOOK.search(piece, 0, end):
            raise _Irregular
        at = piece.rfind(b'<row r="', 0, end)
        m = _ROW_R.match(piece, at, end) if at >= 0 else None
        if m is not None:   # a malformed one is flagged below
            last = int(m.group(1))
            if last > MAX_ROW_NUMBER:
                raise _bad_row(sheet, part, m.group(1))
        top = max(b.max_row, last)
        if st.row_for != top:
            st.row_pattern, st.row_for = row_filter(top), top
        assert st.row_pattern is not None
        if st.row_pattern.search(piece, 0, end):
            _exact_rows(b, piece, end, sheet, part)
        if not st.small_row and _ROW_SMALL.search(piece, 0, end):
            st.small_row = True
    else:                      # python-calamine allocates by cells only: the last row of the piece for the count
        at = piece.rfind(b"<row", 0, end)
        if at >= 0 and _ROW_TAG.match(piece, at, end):
            m = _ROW_R.match(piece, at, end)
            if m is None:
                raise _Irregular   # no r, r not first, a leading zero or more than 7 digits
            last = int(m.group(1))
            if last > MAX_ROW_NUMBER:
                raise _bad_row(sheet, part, m.group(1))
        if not st.small_row and _ROW_SMALL.search(piece, 0, end):
            st.small_row = True
    if last > b.max_row:
        b.max_row = last
    at = 0
    for _rise in range(_RISES):   # the bound rises cell by cell while few cells pass it (a sheet's first columns)
        key = (b.max_col, b.max_row)
        if st.cells_for != key:
            st.cells, st.cells_for = cell_filter(*key), key
        assert st.cells is not None
        m = st.cells.search(piece, at, end)
        if m is None:
            break
        ref = _REF.match(piece, m.start(), end)
        if ref is None:
            raise _Irregular   # a malformed reference: the general pass names it
        c, r = col_index(ref.group(1)), int(ref.group(2))
        if c > MAX_COL or r > MAX_ROW_NUMBER:
            raise _bad_cell(sheet, part, ref.group(1) + ref.group(2))
        b.max_col, b.max_row = max(b.max_col, c), max(b.max_row, r)
        at = ref.end()
    else:                         # many cells pass it: count every reference of the piece
        _exact_cells(b, piece, end, sheet, part)
    if not st.small_cell and _SMALL.search(piece, 0, end):
        st.small_cell = True
    check_rows(b.max_row, sheet)


def _exact_cells(b: Bounds, piece: bytes, end: int, sheet: str, part: str) -> None:
    """Every cell reference of ``piece[:end]``, for the bound; a malformed one sends the part to the general pass."""
    refs = _REF.findall(piece, 0, end)
    if len(refs) != piece.count(b'<c r="', 0, end):
        raise _Irregular   # a reference that is not 1-3 capitals and 1-7 digits: the general pass names it
    if not refs:
        return
    right = max(map(col_index, {c for c, _r in refs}))
    top = max(map(int, [r for _c, r in refs]))
    if right > MAX_COL or top > MAX_ROW_NUMBER:
        c, r = next((c, r) for c, r in refs if col_index(c) > MAX_COL or int(r) > MAX_ROW_NUMBER)
        raise _bad_cell(sheet, part, c + r)
    if right > b.max_col:
        b.max_col = right
    if top > b.max_row:
        b.max_row = top


def _exact_rows(b: Bounds, piece: bytes, end: int, sheet: str, part: str) -> None:
    """Every row number of ``piece[:end]``; a malformed one sends the part to the general pass."""
    numbers = _ROW_R.findall(piece, 0, end)
    if len(numbers) != piece.count(b'<row r="', 0, end):
        raise _Irregular   # a leading zero, a sign, more than 7 digits: the general pass names it
    if not numbers:
        return
    top = max(map(int, numbers))
    if top > MAX_ROW_NUMBER:
        raise _bad_row(sheet, part, next(n for n in numbers if int(n) > MAX_ROW_NUMBER))
    if top > b.max_row:
        b.max_row = top


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

"""The comparison workbook's look and the cell helpers every sheet uses.

Fills, fonts and borders, and the small functions that write a styled
cell, a header row, a sheet's title and explanation, its print setup and
its protection. Stateless: nothing here knows the comparison.
"""

from __future__ import annotations

import math

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange

FACTOR = "0.000000"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FIXED_FILL = PatternFill("solid", fgColor="EDEDED")
HEAD_FILL = PatternFill("solid", fgColor="1F4E78")
FLAG_FILL = PatternFill("solid", fgColor="F8CBAD")
OK_FILL = PatternFill("solid", fgColor="E2EFDA")
NOTE_FILL = PatternFill("solid", fgColor="DDEBF7")   # a note for the record (info), not a red flag
HEAD_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


# Where each style attribute lives: the workbook's collection and the cell's StyleArray slot (openpyxl's own
# StyleDescriptor does the same, but finds the index by hashing the style object every time: the main cost of a
# styled workbook, most of the comparison's build time).
_SLOTS = {"font": ("_fonts", "fontId"), "fill": ("_fills", "fillId"), "border": ("_borders", "borderId"),
          "alignment": ("_alignments", "alignmentId"), "protection": ("_protections", "protectionId")}


def set_style(cell, **styles) -> None:
    """Set ``font``, ``fill``, ``border``, ``alignment`` or ``protection`` of ``cell`` as openpyxl's setters do,
    finding each style's index in the workbook once per style object (by identity) instead of by hash."""
    wb = cell.parent.parent
    ids = wb.__dict__.setdefault("_xlkopi_style_ids", {})
    if not cell._style:
        cell._style = StyleArray()
    for attr, value in styles.items():
        collection, slot = _SLOTS[attr]
        entry = ids.get((attr, id(value)))
        if entry is None or entry[0] is not value:   # the object is kept in the entry: its id stays its own
            entry = ids[(attr, id(value))] = (value, getattr(wb, collection).add(value))
        setattr(cell._style, slot, entry[1])


def merge(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Merge a range whose cells the caller has already given their borders.

    ``Worksheet.merge_cells`` also replaces every covered cell by a MergedCell and redraws the range's outer
    border from the top-left cell's; the sheets here draw every cell's border themselves, so only the range is
    recorded (the same ``<mergeCell>`` in the file).
    """
    ws.merged_cells.add(MergedCellRange(ws, CellRange(min_col=first_col, min_row=first_row, max_col=last_col,
                                                      max_row=last_row).coord))


def text_cell(cell, value):
    """Write ``value`` as a string cell; input text never becomes a formula."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"
    return cell


def intro(ws, title: str, text: str, last_col: int):
    """The sheet's title in A1 and its explanation in A2, merged across to ``last_col``."""
    ws["A1"] = title
    ws["A1"].font = TITLE
    ws["A2"] = text
    ws["A2"].alignment = WRAP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)


HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def head(ws, row: int, values, col: int = 1):
    """A header row: ``values`` as text from column ``col``, white on dark blue."""
    for j, v in enumerate(values):
        c = ws.cell(row, col + j)
        text_cell(c, v)
        set_style(c, font=HEAD_FONT, fill=HEAD_FILL, border=BOX, alignment=HEAD_ALIGN)


def put(ws, row: int, col: int, value, fmt: str | None = None, bold: bool = False):
    """Write ``value`` (a number or a formula) in a boxed cell with number format ``fmt``; returns the cell."""
    c = ws.cell(row, col)
    c.value = value
    if fmt:
        c.number_format = fmt
    if bold:
        set_style(c, border=BOX, font=BOLD)
    else:
        set_style(c, border=BOX)
    return c


def page(ws, landscape: bool, title_rows: str | None = None, title_cols: str | None = None):
    """A4, fitted to the page width, with the sheet's name and page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Side &P af &N"
    ws.oddHeader.right.text = "xlkopi tilbudssammenligning"


def protect(ws):
    """Protect the sheet without a password: only the unlocked input cells can be changed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 8.43


def fit_row_heights(ws, line_height: float = 13.0) -> None:
    """Give rows with wrapped text the height their text needs.

    LibreOffice and Excel keep a row's stored height on load, so wrapped
    text would be cut on screen and in the PDF; the number of lines is
    estimated from the column width (merged cells: the merged width).
    """
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = sum(_width(ws, c) for c in range(rng.min_col, rng.max_col + 1))
    need: dict[int, int] = {}
    for row in ws.iter_rows():
        for c in row:
            if not (isinstance(c.value, str) and c.data_type == "s" and c.alignment and c.alignment.wrap_text):
                continue
            width = merged.get((c.row, c.column), _width(ws, c.column))
            per_line = max(1, int(width * 1.15))
            lines = sum(max(1, math.ceil(len(part) / per_line)) for part in c.value.split("\n"))
            need[c.row] = max(need.get(c.row, 1), lines)
    for r, lines in need.items():
        if lines > 1:
            current = ws.row_dimensions[r].height or 0
            ws.row_dimensions[r].height = max(current, line_height * lines + 3)

"""A streaming .xlsx writer for the large generated workbooks: rows go straight into the zip as XML.

Why not openpyxl or XlsxWriter: both spend about 30 µs a cell on this machine (measured: 300.000 cells, 10 s
with openpyxl's write-only mode, with and without lxml, and with XlsxWriter's constant-memory mode), and a
register of 10^4 contracts is half a million cells. This writer does only what xlkopi's generated workbooks
need, one cell in about a microsecond:

* cells: numbers, text (inline strings), dates (serial numbers in the 1900 system), booleans and formulas
  (written without a cached value: the spreadsheet calculates them on load);
* styles as a small table of cell formats (number format, bold/italic/size/colour, fill, wrap);
* column widths, row heights, frozen panes, landscape A4 print set-up fitted to N pages across, print titles;
* defined names and custom document properties (the formula fingerprint of :mod:`xlkopi.io.fingerprint`).

Sheets are written one after another (a sheet's rows in order); the file is written through
:func:`xlkopi.io.atomic.atomic_path`. The tests read every generated file back with openpyxl and recalculate
it in LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .a1 import col_letters
from .atomic import atomic_path
from .fingerprint import GENERATOR_PROPERTY, PROPERTY, fingerprint_of

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30).toordinal()
_COLUMNS = [col_letters(j) for j in range(1, 16385)]
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


@dataclass(frozen=True)
class Style:
    """A cell format: number format, font, fill and alignment."""

    number_format: str | None = None
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None        # RRGGBB
    fill: str | None = None         # RRGGBB, solid
    wrap: bool = False


class Formula(str):
    """A formula cell's text, with or without the leading '='."""


_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    if not _SPECIAL.search(value):   # most text: nothing to escape, nothing to refuse
        return value
    if _ILLEGAL.search(value):
        raise ValueError("text with a control character cannot be written to a workbook")
    return escape(value)


class Sheet:
    """One worksheet being written: set-up first, then :meth:`row` in increasing row order, then close."""

    def __init__(self, book: StreamWorkbook, title: str, index: int, out, *, widths: dict[int, float],
                 freeze: str | None, landscape: bool, pages_wide: int, title_rows: str | None,
                 title_cols: str | None) -> None:
        self.book, self.title, self.index, self._out = book, title, index, out
        self._pending: list[str] = []
        self._next = 1
        self._page = (landscape, pages_wide)
        if title_rows or title_cols:
            parts = []
            quoted = "'" + title.replace("'", "''") + "'"
            if title_cols:
                a, b = title_cols.split(":")
                parts.append(f"{quoted}!${a}:${b}")
            if title_rows:
                a, b = title_rows.split(":")
                parts.append(f"{quoted}!${a}:${b}")
            book._local_names.append(("_xlnm.Print_Titles", index, ",".join(parts)))
        head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_R_NS}>',
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>']
        if freeze:
            col, row = _split_ref(freeze)
            pane = ('<pane' + (f' xSplit="{col - 1}"' if col > 1 else '') + (f' ySplit="{row - 1}"' if row > 1 else '')
                    + f' topLeftCell="{freeze}" activePane="bottomRight" state="frozen"/>')
            head.append(f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>')
        head.append('<sheetFormatPr defaultRowHeight="15"/>')
        if widths:
            head.append("<cols>" + "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>'
                                           for j, w in sorted(widths.items())) + "</cols>")
        head.append("<sheetData>")
        self._write("".join(head))

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, kind, value, tb) -> None:
        if not self._out.closed:
            self.close()

    def _write(self, text: str) -> None:
        self._pending.append(text)
        if len(self._pending) >= 512:   # a zip write per 512 rows, not per row
            self._flush()

    def _flush(self) -> None:
        self._out.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()

    def row(self, cells: Sequence, *, at: int | None = None, height: float | None = None) -> int:
        """Write one row of cells from column A; ``None`` leaves a cell empty. Returns the row number.

        A cell is a value, or ``(value, style)`` with ``style`` from :meth:`StreamWorkbook.style`. Text is
        written as text, never as a formula; a formula is a :class:`Formula`.
        """
        r = self._next if at is None else at
        if r < self._next:
            raise ValueError(f"row {r} after row {self._next - 1}: rows must be written in order")
        parts = [f'<row r="{r}"' + (f' ht="{height}" customHeight="1">' if height else ">")]
        formulas = self.book._formulas
        for j, cell in enumerate(cells):
            if cell is None:
                continue
            style = 0
            if type(cell) is tuple:
                cell, style = cell
                if cell is None:
                    if style:
                        parts.append(f'<c r="{_COLUMNS[j]}{r}" s="{style}"/>')
                    continue
            ref = f"{_COLUMNS[j]}{r}"
            s = f' s="{style}"' if style else ""
            kind = type(cell)
            if kind is float or kind is int:
                parts.append(f'<c r="{ref}"{s}><v>{cell!r}</v></c>')
            elif kind is str:
                parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(cell)}</t></is></c>')
            elif kind is Formula:
                text = cell[1:] if cell.startswith("=") else str(cell)
                formulas.append((self.title, ref, "=" + text))
                parts.append(f'<c r="{ref}"{s}><f>{_text(text)}</f></c>')
            elif kind is bool:
                parts.append(f'<c r="{ref}"{s} t="b"><v>{int(cell)}</v></c>')
            elif kind is dt.date:
                parts.append(f'<c r="{ref}"{s}><v>{cell.toordinal() - _EPOCH}</v></c>')
            elif isinstance(cell, Real):   # numpy scalars, int subclasses
                parts.append(f'<c r="{ref}"{s}><v>{float(cell)!r}</v></c>')
            else:
                raise TypeError(f"cannot write {kind.__name__} to a cell")
        parts.append("</row>")
        self._write("".join(parts))
        self._next = r + 1
        return r

    def rows(self, rows: Iterable[Sequence]) -> int:
        """Write many rows; returns the last row number."""
        last = self._next - 1
        for cells in rows:
            last = self.row(cells)
        return last

    @property
    def next_row(self) -> int:
        return self._next

    def close(self) -> None:
        landscape, pages_wide = self._page
        self._write("</sheetData>"
                    '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                    f'<pageSetup paperSize="9" orientation="{"landscape" if landscape else "portrait"}" '
                    f'fitToWidth="{pages_wide}" fitToHeight="0"/></worksheet>')
        self._flush()
        self._out.close()


def _split_ref(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return _COLUMNS.index(m.group(1)) + 1, int(m.group(2))


class StreamWorkbook:
    """A workbook written sheet by sheet into a zip; use as a context manager around the writing.

    >>> import tempfile, openpyxl
    >>> path = Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> with StreamWorkbook(path, generator="doctest") as wb:
    ...     kr = wb.style(Style(number_format="#,##0.00", bold=True))
    ...     with wb.sheet("Ark", widths={1: 12}) as ws:
    ...         _ = ws.row(["Pris", (1234.5, kr), Formula("=B1*2"), "=ikke en formel"])
    >>> ws = openpyxl.load_workbook(path)["Ark"]
    >>> [c.value for c in ws[1]], ws["B1"].number_format, ws["B1"].font.b
    (['Pris', 1234.5, '=B1*2', '=ikke en formel'], '#,##0.00', True)
    >>> ws["D1"].data_type, ws["C1"].data_type
    ('s', 'f')
    """

    def __init__(self, target: str | os.PathLike, *, generator: str, overwrite: bool = False,
                 compresslevel: int = 1) -> None:
        self.target, self.generator, self.overwrite = Path(target), generator, overwrite
        self.compresslevel = compresslevel
        self._styles: dict[Style, int] = {Style(): 0}
        self._sheets: list[str] = []
        self._names: list[tuple[str, str]] = []
        self._local_names: list[tuple[str, int, str]] = []
        self._formulas: list[tuple[str, str, str]] = []
        self._open: Sheet | None = None

    def __enter__(self) -> StreamWorkbook:
        self._atomic = atomic_path(self.target, overwrite=self.overwrite)
        tmp = self._atomic.__enter__()
        self._zip = zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
        return self

    def __exit__(self, kind, value, tb) -> None:
        try:
            if kind is None:
                self._finish()
            self._zip.close()
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        self._atomic.__exit__(kind, value, tb)

    def style(self, style: Style) -> int:
        """The index of ``style`` in the workbook's cell formats (added on first use)."""
        index = self._styles.get(style)
        if index is None:
            index = self._styles[style] = len(self._styles)
        return index

    def define(self, name: str, ref: str) -> None:
        """A workbook-level defined name, e.g. ``define("Referencedato", "Oversigt!$B$4")``."""
        self._names.append((name, ref))

    def sheet(self, title: str, *, widths: dict[int, float] | None = None, freeze: str | None = None,
              landscape: bool = True, pages_wide: int = 1, title_rows: str | None = None,
              title_cols: str | None = None) -> Sheet:
        """Start the next worksheet (the previous one must be closed): landscape A4, ``pages_wide`` pages across."""
        if self._open is not None and not self._open._out.closed:
            raise ValueError(f"sheet {self._open.title!r} is still being written")
        if not 0 < len(title) <= 31 or re.search(r"[\\/*?:\[\]]", title) or title in self._sheets:
            raise ValueError(f"not a usable sheet name: {title!r}")
        self._sheets.append(title)
        index = len(self._sheets)
        out = self._zip.open(f"xl/worksheets/sheet{index}.xml", "w")
        self._open = Sheet(self, title, index - 1, out, widths=widths or {}, freeze=freeze, landscape=landscape,
                           pages_wide=pages_wide, title_rows=title_rows, title_cols=title_cols)
        return self._open

    def _finish(self) -> None:
        if self._open is not None and not self._open._out.closed:
            self._open.close()
        if not self._sheets:
            raise ValueError("a workbook needs a sheet")
        z = self._zip
        n = len(self._sheets)
        z.writestr("[Content_Types].xml", _content_types(n))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/app.xml", _APP)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"   # W3CDTF
        z.writestr("docProps/core.xml", _CORE.format(creator=escape(self.generator), now=now))
        props = ((PROPERTY, fingerprint_of(self._formulas)), (GENERATOR_PROPERTY, self.generator))
        z.writestr("docProps/custom.xml", _custom(props))
        z.writestr("xl/workbook.xml", self._workbook_xml())
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
        z.writestr("xl/styles.xml", _styles_xml(list(self._styles)))

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, t in enumerate(self._sheets, start=1))
        names = [f"<definedName name={quoteattr(name)}>{escape(ref)}</definedName>" for name, ref in self._names]
        names += [f'<definedName name="{name}" localSheetId="{i}">{escape(ref)}</definedName>'
                  for name, i, ref in self._local_names]
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_R_NS}>'
                '<bookViews><workbookView/></bookViews>'
                f"<sheets>{sheets}</sheets>{defined}<calcPr calcId=\"191029\" fullCalcOnLoad=\"1\"/></workbook>")


def _content_types(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                     'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{sheets}"
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            '<Override PartName="/docProps/custom.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
            "</Types>")


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
              'metadata/core-properties" Target="docProps/core.xml"/>'
              f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
              f'<Relationship Id="rId4" Type="{_REL}/custom-properties" Target="docProps/custom.xml"/>'
              "</Relationships>")
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>xlkopi</Application></Properties>")
_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
         "<dc:creator>{creator}</dc:creator>"
         '<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
         '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
         "</cp:coreProperties>")


def _custom(props: Iterable[tuple[str, str]]) -> str:
    items = "".join(f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name={quoteattr(name)}>'
                    f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
                    for pid, (name, value) in enumerate(props, start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{items}</Properties>")


def _workbook_rels(n: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')


def _styles_xml(styles: list[Style]) -> str:
    formats: dict[str, int] = {}
    fonts: dict[tuple, int] = {(False, False, None, None): 0}
    fills: dict[str | None, int] = {None: 0}
    xfs = []
    for s in styles:
        fmt = 0
        if s.number_format:
            fmt = _BUILTIN_FORMATS.get(s.number_format) or formats.setdefault(s.number_format, 164 + len(formats))
        font = fonts.setdefault((s.bold, s.italic, s.size, s.color), len(fonts))
        fill = fills.setdefault(s.fill, len(fills) + 1)   # ids 0 and 1 are the two fills every file has
        align = '<alignment wrapText="1" vertical="top"/>' if s.wrap else ""
        xfs.append(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill if s.fill else 0}" borderId="0" xfId="0"'
                   + (' applyNumberFormat="1"' if fmt else "") + (' applyFont="1"' if font else "")
                   + (' applyFill="1"' if s.fill else "") + (' applyAlignment="1">' + align + "</xf>" if align
                                                             else "/>"))
    num_fmts = "".join(f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
                       for code, i in formats.items())
    font_xml = "".join("<font>" + ("<b/>" if b else "") + ("<i/>" if i else "") + f'<sz val="{size or 11}"/>'
                       + (f'<color rgb="FF{color}"/>' if color else "")
                       + '<name val="Calibri"/><family val="2"/></font>' for (b, i, size, color) in fonts)
    fill_xml = ('<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
                + "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/><bgColor indexed="64"/>'
                          "</patternFill></fill>" for c in fills if c))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
            + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
            + f'<fills count="{len(fills) + 1}">{fill_xml}</fills>'
            + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            + f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            + "</styleSheet>")

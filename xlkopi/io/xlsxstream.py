"""A streaming .xlsx writer for the large generated workbooks: rows go straight into the zip as XML.

Why not openpyxl or XlsxWriter: both spend about 30 µs a cell on this machine (measured: 300.000 cells, 10 s
with openpyxl's write-only mode, with and without lxml, and with XlsxWriter's constant-memory mode), and a
register of 10^4 contracts is half a million cells. This writer does only what xlkopi's generated workbooks
need, one cell in about a microsecond:

* cells: numbers, text (inline strings), dates (serial numbers in the 1900 system), booleans and formulas
  (written without a cached value: the spreadsheet calculates them on load);
* styles as a small table of cell formats (number format, bold/italic/underline/size/colour, fill, wrap);
* column widths, row heights, frozen panes, landscape A4 print set-up fitted to N pages across, print titles,
  printed grid lines and a page footer;
* hyperlinks (:class:`Link`, each with its relationship in the sheet's rels part), data validation with an input
  message (:meth:`Sheet.validate`) and an autofilter (:meth:`Sheet.auto_filter`);
* defined names and custom document properties (the formula fingerprint of :mod:`xlkopi.io.fingerprint`, and
  any marker a generator adds).

Sheets are written one after another (a sheet's rows in order); the file is written through
:func:`xlkopi.io.atomic.atomic_path`, or into memory (target ``None``, then :attr:`StreamWorkbook.data`);
with ``reproducible=True`` it holds no time stamp, so the same rows give the same bytes. The tests read every
generated file back with openpyxl and recalculate it in LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
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
    underline: bool = False         # single, as Excel shows a hyperlink


class Formula(str):
    """A formula cell's text, with or without the leading '='."""


@dataclass(frozen=True)
class Link:
    """A hyperlink cell: ``text`` is shown (as text, never a formula), ``target`` is where it leads.

    ``target`` is a URI as a relationship holds it: absolute (``https://...``) or relative to the workbook's
    folder (``Mappe%20A/fil.xlsx``), already percent-encoded: whitespace and control characters are refused.
    """

    text: str
    target: str
    tooltip: str | None = None


_BAD_TARGET = re.compile(r"[\s\x00-\x1f\x7f]")
_REL_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_VALIDATION_KINDS = ("none", "whole", "decimal", "list", "date", "time", "textLength", "custom")


_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """``value`` escaped for a cell; characters XML 1.0 cannot hold (control characters) are dropped, as in
    every other workbook xlkopi writes (:func:`xlkopi.enrol.cellxml.xml_text`): a report quoting a user's
    text must still open."""
    if not _SPECIAL.search(value):   # most text: nothing to escape
        return value
    return escape(_ILLEGAL.sub("", value))


class Sheet:
    """One worksheet being written: set-up first, then :meth:`row` in increasing row order, then close."""

    def __init__(self, book: StreamWorkbook, title: str, index: int, out, *, widths: dict[int, float],
                 freeze: str | None, landscape: bool, pages_wide: int, title_rows: str | None,
                 title_cols: str | None, print_grid: bool = False, footer: str | None = None) -> None:
        self.book, self.title, self.index, self._out = book, title, index, out
        self._pending: list[str] = []
        self._next = 1
        self._page = (landscape, pages_wide)
        self._print_grid, self._footer = print_grid, footer
        self._links: list[tuple[str, str, str | None]] = []
        self._validations: list[str] = []
        self._filter: str | None = None
        self._quoted = "'" + title.replace("'", "''") + "'"
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
            elif kind is Link:
                self._links.append((ref, cell.target, cell.tooltip))
                text = _text(cell.text)
                parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
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

    def auto_filter(self, ref: str) -> None:
        """Filter buttons on the header row of ``ref`` (``"A1:S40"``), with the hidden name Excel keeps for it."""
        absolute = _absolute(ref)   # refuses what is not a reference
        self._filter = ref
        self.book._hidden_names.append(("_xlnm._FilterDatabase", self.index, f"{self._quoted}!{absolute}"))

    def print_area(self, ref: str) -> None:
        """Print only the cells ``ref`` (``"A1:N40"``), e.g. to leave out columns that are only of use on screen."""
        self.book._local_names.append(("_xlnm.Print_Area", self.index, f"{self._quoted}!{_absolute(ref)}"))

    def validate(self, sqref: str, kind: str = "none", *, operator: str | None = None,
                 formula1: str | None = None, formula2: str | None = None, prompt_title: str | None = None,
                 prompt: str | None = None, error_title: str | None = None, error: str | None = None,
                 error_style: str = "stop", allow_blank: bool = True) -> None:
        """Data validation on the cells ``sqref`` (``"N2:Q40"``; several ranges separated by spaces).

        ``kind`` "none" checks nothing and only shows the input message (``prompt``) when a cell is chosen;
        ``"date"`` with ``operator="between"`` and serial numbers as formulas accepts dates in that range.
        ``error_style`` "warning" or "information" lets the user keep another value after the message.
        Excel refuses a file whose titles exceed 32 or messages 255 characters, so those are refused here.
        """
        if kind not in _VALIDATION_KINDS or error_style not in ("stop", "warning", "information"):
            raise ValueError(f"not a validation: {kind!r}, {error_style!r}")
        for ref in sqref.split():
            for part in ref.split(":"):
                _split_ref(part)
        for text, limit in ((prompt_title, 32), (error_title, 32), (prompt, 255), (error, 255)):
            if text is not None and len(text) > limit:
                raise ValueError(f"a validation text of more than {limit} characters: {text[:40]!r}")
        attrs = [] if kind == "none" else [f'type="{kind}"']
        if error_style != "stop":
            attrs.append(f'errorStyle="{error_style}"')
        if operator:
            attrs.append(f"operator={quoteattr(operator)}")
        if allow_blank:
            attrs.append('allowBlank="1"')
        if prompt or prompt_title:
            attrs.append('showInputMessage="1"')
        if kind != "none":
            attrs.append('showErrorMessage="1"')
        for name, text in (("errorTitle", error_title), ("error", error), ("promptTitle", prompt_title),
                           ("prompt", prompt)):
            if text is not None:
                attrs.append(f"{name}={quoteattr(_text(text))}")
        attrs.append(f"sqref={quoteattr(sqref)}")
        body = "".join(f"<{tag}>{_text(f)}</{tag}>" for tag, f in (("formula1", formula1), ("formula2", formula2))
                       if f is not None)
        self._validations.append(f"<dataValidation {' '.join(attrs)}>{body}</dataValidation>")

    def close(self) -> None:
        landscape, pages_wide = self._page
        tail = ["</sheetData>"]
        if self._filter:
            tail.append(f'<autoFilter ref="{self._filter}"/>')
        if self._validations:
            tail.append(f'<dataValidations count="{len(self._validations)}">{"".join(self._validations)}'
                        "</dataValidations>")
        if self._links:
            tail.append("<hyperlinks>" + "".join(
                f'<hyperlink ref="{ref}" r:id="rId{i}"' + (f" tooltip={quoteattr(_text(tip))}" if tip else "") + "/>"
                for i, (ref, _target, tip) in enumerate(self._links, start=1)) + "</hyperlinks>")
        if self._print_grid:
            tail.append('<printOptions gridLines="1"/>')
        tail.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                    f'<pageSetup paperSize="9" orientation="{"landscape" if landscape else "portrait"}" '
                    f'fitToWidth="{pages_wide}" fitToHeight="0"/>')
        if self._footer:
            tail.append(f"<headerFooter><oddFooter>{_text(self._footer)}</oddFooter></headerFooter>")
        self._write("".join(tail) + "</worksheet>")
        self._flush()
        self._out.close()
        if self._links:
            self.book._write_part(f"xl/worksheets/_rels/sheet{self.index + 1}.xml.rels", _sheet_rels(self._links))


def _sheet_rels(links: list[tuple[str, str, str | None]]) -> str:
    for _ref, target, _tip in links:
        if not target or _BAD_TARGET.search(target):
            raise ValueError(f"a hyperlink target must be a percent-encoded URI: {target[:80]!r}")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_HYPERLINK}" Target={quoteattr(target)} '
                   'TargetMode="External"/>' for i, (_ref, target, _tip) in enumerate(links, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>")


def _absolute(ref: str) -> str:
    """``A1:N40`` as ``$A$1:$N$40``; raises ValueError for what is not a cell or a range."""
    out = []
    for part in ref.split(":"):
        col, row = _split_ref(part)
        out.append(f"${_COLUMNS[col - 1]}${row}")
    if len(out) > 2:
        raise ValueError(f"not a range: {ref!r}")
    return ":".join(out)


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

    def __init__(self, target: str | os.PathLike | None, *, generator: str, overwrite: bool = False,
                 compresslevel: int = 1, reproducible: bool = False,
                 properties: dict[str, str] | None = None) -> None:
        """``target`` None writes into memory (:attr:`data`); ``reproducible`` leaves out every time stamp
        (the zip entries get 1980-01-01, the document properties no dates); ``properties`` are custom document
        properties stored after the fingerprint and the generator, e.g. a marker a reader looks for."""
        self.target = None if target is None else Path(target)
        self.generator, self.overwrite = generator, overwrite
        self.compresslevel, self.reproducible = compresslevel, reproducible
        self.properties = dict(properties or {})
        self._buffer: io.BytesIO | None = None
        self._data: bytes | None = None
        self._styles: dict[Style, int] = {Style(): 0}
        self._sheets: list[str] = []
        self._names: list[tuple[str, str]] = []
        self._local_names: list[tuple[str, int, str]] = []
        self._hidden_names: list[tuple[str, int, str]] = []
        self._formulas: list[tuple[str, str, str]] = []
        self._open: Sheet | None = None

    def __enter__(self) -> StreamWorkbook:
        if self.target is None:
            self._buffer = io.BytesIO()
            self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
            return self
        self._atomic = atomic_path(self.target, overwrite=self.overwrite)
        tmp = self._atomic.__enter__()
        self._zip = zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
        return self

    def __exit__(self, kind, value, tb) -> None:
        if self._buffer is not None:
            try:
                if kind is None:
                    self._finish()
            finally:
                self._zip.close()
            if kind is None:
                self._data = self._buffer.getvalue()
            self._buffer = None
            return
        try:
            if kind is None:
                self._finish()
            self._zip.close()
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        self._atomic.__exit__(kind, value, tb)

    @property
    def data(self) -> bytes:
        """The bytes of a workbook written into memory (target ``None``), once the ``with`` block has ended."""
        if self._data is None:
            raise ValueError("the workbook is not written into memory, or not finished yet")
        return self._data

    def _member(self, name: str) -> str | zipfile.ZipInfo:
        """The zip entry for part ``name``: with the current time, or reproducibly with 1980-01-01."""
        if not self.reproducible:
            return name
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = self.compresslevel   # type: ignore[attr-defined]  # zipfile reads it here (3.11+)
        info.external_attr = 0o600 << 16
        return info

    def _write_part(self, name: str, text: str) -> None:
        self._zip.writestr(self._member(name), text)

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
              title_cols: str | None = None, print_grid: bool = False, footer: str | None = None) -> Sheet:
        """Start the next worksheet (the previous one must be closed): landscape A4, ``pages_wide`` pages across.

        ``print_grid`` prints the cell grid; ``footer`` is the page footer in Excel's codes (``&P`` the page,
        ``&N`` the number of pages, ``&L``/``&C``/``&R`` the left, centre and right part).
        """
        if self._open is not None and not self._open._out.closed:
            raise ValueError(f"sheet {self._open.title!r} is still being written")
        if not 0 < len(title) <= 31 or re.search(r"[\\/*?:\[\]]", title) or title in self._sheets:
            raise ValueError(f"not a usable sheet name: {title!r}")
        self._sheets.append(title)
        index = len(self._sheets)
        out = self._zip.open(self._member(f"xl/worksheets/sheet{index}.xml"), "w")
        self._open = Sheet(self, title, index - 1, out, widths=widths or {}, freeze=freeze, landscape=landscape,
                           pages_wide=pages_wide, title_rows=title_rows, title_cols=title_cols,
                           print_grid=print_grid, footer=footer)
        return self._open

    def _finish(self) -> None:
        if self._open is not None and not self._open._out.closed:
            self._open.close()
        if not self._sheets:
            raise ValueError("a workbook needs a sheet")
        put = self._write_part
        n = len(self._sheets)
        put("[Content_Types].xml", _content_types(n))
        put("_rels/.rels", _ROOT_RELS)
        put("docProps/app.xml", _APP)
        if self.reproducible:
            dates = ""
        else:
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"  # W3CDTF
            dates = _CORE_DATES.format(now=now)
        put("docProps/core.xml", _CORE.format(creator=escape(self.generator), dates=dates))
        props = [(PROPERTY, fingerprint_of(self._formulas)), (GENERATOR_PROPERTY, self.generator)]
        props += [(k, v) for k, v in self.properties.items() if k not in (PROPERTY, GENERATOR_PROPERTY)]
        put("docProps/custom.xml", _custom(props))
        put("xl/workbook.xml", self._workbook_xml())
        put("xl/_rels/workbook.xml.rels", _workbook_rels(n))
        put("xl/styles.xml", _styles_xml(list(self._styles)))

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, t in enumerate(self._sheets, start=1))
        names = [f"<definedName name={quoteattr(name)}>{escape(ref)}</definedName>" for name, ref in self._names]
        names += [f'<definedName name="{name}" localSheetId="{i}">{escape(ref)}</definedName>'
                  for name, i, ref in self._local_names]
        names += [f'<definedName name="{name}" localSheetId="{i}" hidden="1">{escape(ref)}</definedName>'
                  for name, i, ref in self._hidden_names]
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
         "<dc:creator>{creator}</dc:creator>{dates}</cp:coreProperties>")
_CORE_DATES = ('<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
               '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>')


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
    fonts: dict[tuple, int] = {(False, False, None, None, False): 0}
    fills: dict[str | None, int] = {None: 0}
    xfs = []
    for s in styles:
        fmt = 0
        if s.number_format:
            fmt = _BUILTIN_FORMATS.get(s.number_format) or formats.setdefault(s.number_format, 164 + len(formats))
        font = fonts.setdefault((s.bold, s.italic, s.size, s.color, s.underline), len(fonts))
        fill = fills.setdefault(s.fill, len(fills) + 1)   # ids 0 and 1 are the two fills every file has
        align = '<alignment wrapText="1" vertical="top"/>' if s.wrap else ""
        xfs.append(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill if s.fill else 0}" borderId="0" xfId="0"'
                   + (' applyNumberFormat="1"' if fmt else "") + (' applyFont="1"' if font else "")
                   + (' applyFill="1"' if s.fill else "") + (' applyAlignment="1">' + align + "</xf>" if align
                                                             else "/>"))
    num_fmts = "".join(f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
                       for code, i in formats.items())
    font_xml = "".join("<font>" + ("<b/>" if b else "") + ("<i/>" if i else "") + ("<u/>" if u else "")
                       + f'<sz val="{size or 11}"/>' + (f'<color rgb="FF{color}"/>' if color else "")
                       + '<name val="Calibri"/><family val="2"/></font>' for (b, i, size, color, u) in fonts)
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

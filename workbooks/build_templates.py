"""Build the default enrolment template ``workbooks/bilag7_skema.xlsx``.

Run from the repository root::

    python3 workbooks/build_templates.py

It writes ``workbooks/bilag7_skema.xlsx``, the identical package copy
``xlkopi/data/enrol/bilag7_skema.xlsx`` (what an installed xlkopi uses),
the fictitious example register ``xlkopi/data/enrol/eksempel_register.xlsx``
(from :data:`xlkopi.enrol.example.EXAMPLE`) and the fictitious published
party list ``xlkopi/data/enrol/eksempel_partsliste.xlsx``
(:func:`xlkopi.enrol.example.example_party_list`).
The output is deterministic: fixed document dates and zip timestamps, so a
rebuild without changes gives the same bytes (a test checks the two copies).
openpyxl serialises XML with lxml when it is installed and with the standard
library otherwise, and the two differ in bytes; the script always uses the
standard library (``OPENPYXL_LXML=False``), as the committed files were made.

The template: sheet "Bilag 7" (the enrolment form) and sheet "Skema" (the
locations as the Excel table "Lokationer"). Every field cell has a defined
name (``Aftale``, ``CVR``, ``Skema.Aftale`` ...), input cells are unlocked
and both sheets are protected without a password, institution type, CVR,
EAN and P-nummer carry data validation, and a small logo image sits on the
form, so that tests can show that filling keeps all of it.
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zlib
from datetime import datetime
from pathlib import Path

os.environ["OPENPYXL_LXML"] = "False"  # before openpyxl is imported: the same bytes with or without lxml

from openpyxl import Workbook  # noqa: E402
from openpyxl.drawing.image import Image  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side  # noqa: E402
from openpyxl.workbook.defined_name import DefinedName  # noqa: E402
from openpyxl.worksheet.datavalidation import DataValidation  # noqa: E402
from openpyxl.worksheet.properties import PageSetupProperties  # noqa: E402
from openpyxl.worksheet.table import Table, TableStyleInfo  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlkopi.enrol.example import EXAMPLE, example_party_list, register_workbook, workbook_bytes  # noqa: E402
from xlkopi.enrol.rules import VOLUNTARY_KINDS  # noqa: E402

FIXED = datetime(2024, 1, 1, 0, 0, 0)
EXAMPLE_REGISTER = ROOT / "xlkopi" / "data" / "enrol" / "eksempel_register.xlsx"
EXAMPLE_PARTY_LIST = ROOT / "xlkopi" / "data" / "enrol" / "eksempel_partsliste.xlsx"
OUTPUTS = (ROOT / "workbooks" / "bilag7_skema.xlsx", ROOT / "xlkopi" / "data" / "enrol" / "bilag7_skema.xlsx")

BLUE = "1F4E79"
thin = Side(style="thin", color="7F7F7F")
BOX = Border(left=thin, right=thin, top=thin, bottom=thin)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)


def png_logo(width: int = 160, height: int = 40) -> bytes:
    """A small PNG (blue bar with a light stripe) made without Pillow."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            stripe = height // 3 <= y < 2 * height // 3 and 10 <= x < width - 10
            row += bytes((0xDD, 0xEB, 0xF7) if stripe else (0x1F, 0x4E, 0x79))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


class PngImage(Image):
    """openpyxl's Image without Pillow: the PNG bytes and size are given."""

    def __init__(self, data: bytes, width: int, height: int):  # noqa: D107 - no super(): it needs Pillow
        self.ref = io.BytesIO(data)
        self._bytes = data
        self.width, self.height = width, height
        self.format = "png"
        self.anchor = "D1"

    def _data(self) -> bytes:
        return self._bytes


def _label(ws, ref: str, text: str, bold: bool = False) -> None:
    ws[ref] = text
    ws[ref].font = Font(bold=bold)
    ws[ref].alignment = Alignment(vertical="center")


def _input(ws, ref: str, merge_to: str | None = None, number_format: str = "@") -> None:
    cell = ws[ref]
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.protection = UNLOCKED
    cell.number_format = number_format
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")
        for row in ws[f"{ref}:{merge_to}"]:
            for c in row:
                c.border = BOX


def _fit_to_page(ws, orientation: str) -> None:
    """Print one page wide (as many pages tall as the locations need), A4."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _name(wb, name: str, sheet: str, ref: str) -> None:
    col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${row}")


def build_workbook() -> Workbook:
    """The default template as an openpyxl workbook."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bilag 7"
    ws.sheet_view.showGridLines = False
    for col, width in zip("ABCD", (34, 18, 18, 18), strict=True):
        ws.column_dimensions[col].width = width

    ws["A1"] = "Bilag 7 – Tilmelding til aftale"
    ws["A1"].font = Font(bold=True, size=16, color=BLUE)
    ws["A1"].alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells("A1:C1")
    ws["A2"] = "Frivillige kunder i Statens Indkøbsprogram"
    ws["A2"].font = Font(italic=True, color=BLUE)
    ws.merge_cells("A2:D2")

    form = [
        (4, "Aftale", "Aftale", "D", "@"),
        (5, "Fase", "Fase", None, "0"),
        (8, "Institution", "Institution", "D", "@"),
        (9, "Institutionstype", "Institutionstype", "D", "@"),
        (10, "CVR-nummer", "CVR", None, "@"),
        (11, "EAN-nummer (hovedlokation)", "EAN", None, "@"),
        (12, "Adresse", "Adresse", "D", "@"),
        (15, "Kontaktperson", "Kontaktperson", "D", "@"),
        (16, "E-mail", "Email", "D", "@"),
        (17, "Telefon", "Telefon", None, "@"),
        (19, "Antal lokationer (se arket Skema)", "Antal_lokationer", None, "0"),
        (23, "Underskriver (navn)", "Underskriver", "D", "@"),
        (24, "Underskrivers titel", "Titel", "D", "@"),
        (25, "Dato", "Dato", None, "dd-mm-yyyy"),
    ]
    _label(ws, "A3", "Aftalen", bold=True)
    _label(ws, "A7", "Kunden", bold=True)
    _label(ws, "A14", "Kontakt", bold=True)
    _label(ws, "A22", "Underskrift", bold=True)
    for row, label, name, merge_col, fmt in form:
        _label(ws, f"A{row}", label)
        _input(ws, f"B{row}", f"{merge_col}{row}" if merge_col else None, fmt)
        _name(wb, name, "Bilag 7", f"B{row}")
    ws["A21"] = ("Tilmeldingen forpligter ikke institutionen til at købe ind på aftalen. "
                 "Send Bilag 7 og arket Skema pr. e-mail med emnet \"Tilmelding til <aftalens navn>\".")
    ws["A21"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A21:D21")
    ws.row_dimensions[21].height = 32
    _label(ws, "A26", "Underskrift")
    ws["B26"].border = Border(bottom=thin)
    ws.merge_cells("B26:D26")
    ws["B26"].protection = UNLOCKED

    kinds = DataValidation(type="list", formula1='"' + ",".join(VOLUNTARY_KINDS.values()) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="Institutionstype",
                           error="Vælg en af de frivillige kundetyper")
    kinds.add("B9")
    cvr = DataValidation(type="textLength", operator="equal", formula1="8", allow_blank=True,
                         showErrorMessage=True, errorTitle="CVR-nummer", error="Et CVR-nummer har 8 cifre")
    cvr.add("B10")
    ean = DataValidation(type="textLength", operator="equal", formula1="13", allow_blank=True,
                         showErrorMessage=True, errorTitle="EAN-nummer", error="Et EAN-nummer har 13 cifre")
    ean.add("B11")
    for dv in (kinds, cvr, ean):
        ws.add_data_validation(dv)
    ws.add_image(PngImage(png_logo(), 160, 40))
    ws.protection.sheet = True
    _fit_to_page(ws, "portrait")

    sk = wb.create_sheet("Skema")
    sk.sheet_view.showGridLines = False
    for col, width in zip("ABCDE", (30, 18, 14, 40, 24), strict=True):
        sk.column_dimensions[col].width = width
    sk["A1"] = "Skema – lokationer, der tilmeldes"
    sk["A1"].font = Font(bold=True, size=14, color=BLUE)
    for row, label, name in ((3, "Aftale", "Skema.Aftale"), (4, "Institution", "Skema.Institution"),
                             (5, "CVR-nummer", "Skema.CVR")):
        _label(sk, f"A{row}", label)
        _input(sk, f"B{row}", f"D{row}")
        _name(wb, name, "Skema", f"B{row}")
    headers = ["Enhed", "EAN-nummer", "P-nummer", "Leveringsadresse", "Kontaktperson"]
    for i, h in enumerate(headers):
        c = sk.cell(row=7, column=1 + i, value=h)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor=BLUE)
        d = sk.cell(row=8, column=1 + i)
        d.protection = UNLOCKED
        d.number_format = "@"
        d.alignment = Alignment(wrap_text=True, vertical="top")
    table = Table(displayName="Lokationer", ref="A7:E8")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sk.add_table(table)
    ean_col = DataValidation(type="textLength", operator="equal", formula1="13", allow_blank=True,
                             showErrorMessage=True, errorTitle="EAN-nummer", error="Et EAN-nummer har 13 cifre")
    ean_col.add("B8:B1007")
    p_col = DataValidation(type="textLength", operator="equal", formula1="10", allow_blank=True,
                           showErrorMessage=True, errorTitle="P-nummer", error="Et P-nummer har 10 cifre")
    p_col.add("C8:C1007")
    sk.add_data_validation(ean_col)
    sk.add_data_validation(p_col)
    sk.freeze_panes = "A8"
    sk.protection.sheet = True
    _fit_to_page(sk, "landscape")
    sk.print_title_rows = "7:7"

    wb.properties.creator = "xlkopi"
    wb.properties.title = "Bilag 7 og Skema – tilmelding (xlkopi standardskabelon)"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.lastModifiedBy = "xlkopi"
    return wb


def main() -> int:
    data = workbook_bytes(build_workbook())
    for out in OUTPUTS:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"skrev {out.relative_to(ROOT)} ({len(data)} bytes)")
    example = workbook_bytes(register_workbook(EXAMPLE))
    EXAMPLE_REGISTER.write_bytes(example)
    print(f"skrev {EXAMPLE_REGISTER.relative_to(ROOT)} ({len(example)} bytes)")
    party_list = example_party_list()
    EXAMPLE_PARTY_LIST.write_bytes(party_list)
    print(f"skrev {EXAMPLE_PARTY_LIST.relative_to(ROOT)} ({len(party_list)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

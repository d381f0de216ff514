"""The bundled example register (fictitious) and synthetic registers for tests and benchmarks.

EKSEMPELDATA: every institution, person, address, CVR- and EAN-nummer here
is made up (the numbers only carry valid check digits). The bundled files
``xlkopi/data/enrol/eksempel_register.xlsx`` (from :data:`EXAMPLE`) and
``xlkopi/data/enrol/eksempel_partsliste.xlsx`` (:func:`example_party_list`,
a published party list in the agency's grid form, from :data:`PARTY_LIST`)
are built by ``workbooks/build_templates.py``.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from stdnum import ean as _ean
from stdnum.dk import cvr as _cvr

from .zipbuild import Member, build

FIXED = datetime(2024, 1, 1)
NOTICE = ("EKSEMPELDATA – alle institutioner, personer, adresser, CVR- og EAN-numre er opdigtede "
          "(numrene har blot gyldige kontrolcifre). Brug filen som forlæg for jeres eget register.")

HEADERS: dict[str, list[str]] = {
    "Institutioner": ["Navn", "Type", "CVR", "EAN", "Adresse", "Kontaktperson", "E-mail", "Telefon", "Underskriver",
                      "Underskrivers titel"],
    "Lokationer": ["Institution", "Enhed", "EAN", "P-nummer", "Leveringsadresse", "Kontaktperson"],
    "Aftaler": ["Aftale", "Fase", "Fasestatus", "Kræver tilmelding", "Skabelon", "Bilag 7", "Feltkort (Word)"],
    "Parter": ["Institution", "Fase", "Aftale"],
    "Tilmeldinger": ["Institution", "Aftale", "Dato"],
}

EXAMPLE: dict[str, list[list[Any]]] = {
    "Institutioner": [
        ["Eksempelby Kommune", "Kommune", "23043823", "5798179995337", "Rådhuspladsen 1, 9999 Eksempelby",
         "Anne Eksempel", "indkob@eksempelby.example", "99 99 10 00", "Bo Borgmester", "Borgmester"],
        ["Region Eksempel", "Region", "38678574", "5798930820618", "Regionsvej 2, 9998 Regionby",
         "Karl Prøve", "udbud@region-eksempel.example", "99 99 20 00", "Rie Regionsdirektør", "Regionsdirektør"],
        ["Den Selvejende Institution Solsikken", "Selvejende institution", "47384656", "5731234567896",
         "Blomstervej 3, 9997 Havby", "Søs Solsikke", "kontor@solsikken.example", "99 99 30 00", "Åge Formand", ""],
        ["Eksempelstyrelsen", "Statslig institution", "26064171", "5798376433106", "Ministerievej 4, 9996 Statsby",
         "Stig Stat", "post@eksempelstyrelsen.example", "99 99 40 00", "Dorte Direktør", "Direktør"],
        ["Fjordby Kommune", "Kommune", "22106848", "5798766276252", "Torvet 5, 9995 Fjordby",
         "Frida Fjord", "indkob@fjordby.example", "99 99 50 00", "Finn Borgmester", "Borgmester"],
    ],
    "Lokationer": [
        ["Eksempelby Kommune", "Rådhuset", "5798813662830", "1000000001", "Rådhuspladsen 1, 9999 Eksempelby",
         "Anne Eksempel"],
        ["Eksempelby Kommune", "Skoleforvaltningen", "5798673904675", "", "Skolegade 10, 9999 Eksempelby",
         "Per Skole"],
        ["Eksempelby Kommune", "Eksempelby Bibliotek", "5798521641196", "", "Bogvej 7, 9999 Eksempelby",
         "Lis Bog"],
        ["Region Eksempel", "Regionshuset", "5798724920241", "", "Regionsvej 2, 9998 Regionby", "Karl Prøve"],
        ["Region Eksempel", "Eksempel Sygehus, Indkøb", "5798885927820", "", "Sygehusvej 1, 9998 Regionby",
         "Ulla Ugle"],
    ],
    "Aftaler": [
        ["Computeraftalen", 9, "lukket", "", "", "", ""],
        ["Multifunktionsmaskiner", 10, "lukket", "", "", "", ""],
        ["Kontorartikler", 9, "lukket", "", "", "", ""],
        ["Konferenceaftalen", 10, "lukket", "", "", "", ""],
        ["Mobiltelefoni", 11, "lukket", "", "", "", ""],
        ["Rejsebureauydelser", 12, "åben", "", "", "", ""],
    ],
    "Parter": [
        ["Eksempelby Kommune", 9, ""],
        ["Eksempelby Kommune", 10, ""],
        ["Region Eksempel", 10, ""],
        ["Region Eksempel", 11, ""],
        ["Den Selvejende Institution Solsikken", "", "Computeraftalen"],
        ["Fjordby Kommune", 11, ""],
    ],
    "Tilmeldinger": [
        ["Eksempelby Kommune", "Computeraftalen", "01-12-2026"],
        ["Eksempelby Kommune", "Multifunktionsmaskiner", "01-12-2026"],
        ["Eksempelby Kommune", "Kontorartikler", ""],
        ["Region Eksempel", "Multifunktionsmaskiner", ""],
        ["Region Eksempel", "Mobiltelefoni", ""],
        ["Den Selvejende Institution Solsikken", "Computeraftalen", ""],
        ["Eksempelstyrelsen", "Computeraftalen", ""],
        ["Fjordby Kommune", "Computeraftalen", ""],
        ["Eksempelby Kommune", "Computeraftalen", ""],
    ],
}


PARTY_LIST_NOTICE = ("EKSEMPELDATA – alle institutioner og CVR-numre er opdigtede (numrene har blot gyldige "
                     "kontrolcifre). Filen har samme form som Statens Indkøbs oversigt over, hvilke offentlige "
                     "institutioner der er part på hvilke aftaler: institutionerne ned ad, faser og aftaler hen ad, "
                     "x = part. Brug den med xlkopi enrol REGISTER --parter LISTE.xlsx.")
PARTY_LIST_TITLE = ("Oversigt over offentlige institutioner, der er part på aftaler i Statens Indkøbsprogram "
                    "(EKSEMPELDATA)")
PARTY_LIST_HEADER = ["Institution", "CVR", "9. fase", "10. fase", "11. fase", "12. fase", "Computeraftalen"]

#: The example party list: the example register's parties (Solsikken spelled otherwise, found by its
#: CVR-nummer), Fjordby Kommune also party to phase 9, and institutions that are not in the register.
PARTY_LIST: list[list[Any]] = [
    ["Eksempelby Kommune", "23043823", "x", "x", "", "", ""],
    ["Region Eksempel", "38678574", "", "x", "x", "", ""],
    ["Solsikken, selvejende institution", "47384656", "", "", "", "", "x"],
    ["Fjordby Kommune", "22106848", "x", "", "x", "", ""],
    ["Nordby Kommune", "29100004", "x", "x", "x", "x", ""],
    ["Sydby Kommune", "29100012", "", "x", "x", "", ""],
    ["Region Prøve", "29100020", "x", "x", "", "", ""],
    ["Den Selvejende Institution Mælkebøtten", "29100039", "", "", "", "", "x"],
]


def _notice_sheet(wb, notice: str | None) -> bool:
    """Make the new workbook's first sheet the EKSEMPELDATA notice ("Læs mig"); False when there is none."""
    from openpyxl.styles import Font

    if not notice:
        return False
    ws = wb.active
    ws.title = "Læs mig"
    ws["A1"] = notice
    ws["A1"].font = Font(bold=True, color="C00000")
    ws.column_dimensions["A"].width = 120
    return True


def party_list_workbook(rows: list[list[Any]], header: list[str] | None = None, title: str | None = PARTY_LIST_TITLE,
                        notice: str | None = PARTY_LIST_NOTICE, sheet: str = "Partsliste"):
    """An openpyxl workbook shaped like the agency's party list: a notice sheet, then title rows and a grid."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header = header or PARTY_LIST_HEADER
    wb = Workbook()
    ws = wb.create_sheet(sheet) if _notice_sheet(wb, notice) else wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a header is text, even "=..."
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # list text is never a formula, even "=..."
                cell.number_format = "@"
    ws.column_dimensions["A"].width = 40
    wb.properties.creator = "xlkopi"
    wb.properties.created = wb.properties.modified = FIXED
    return wb


def example_party_list() -> bytes:
    """The bundled fictitious party list (``eksempel_partsliste.xlsx``) as deterministic .xlsx bytes."""
    return workbook_bytes(party_list_workbook(PARTY_LIST))


def register_workbook(data: dict[str, list[list[Any]]], headers: dict[str, list[str]] | None = None,
                      notice: str | None = NOTICE):
    """An openpyxl workbook with one sheet per register sheet (and a notice sheet first)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers = headers or HEADERS
    wb = Workbook()
    if not _notice_sheet(wb, notice):
        wb.remove(wb.active)
    for sheet, rows in data.items():
        ws = wb.create_sheet(sheet)
        ws.append(headers[sheet])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # register text is never a formula, even "=..."
                    cell.number_format = "@"
        for i, _ in enumerate(headers[sheet]):
            ws.column_dimensions[chr(65 + i)].width = 28
    wb.properties.creator = "xlkopi"
    wb.properties.created = wb.properties.modified = FIXED
    return wb


def workbook_bytes(wb) -> bytes:
    """Save an openpyxl workbook with fixed timestamps (deterministic bytes)."""
    buf = io.BytesIO()
    wb.save(buf)
    members = []
    with zipfile.ZipFile(buf) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "docProps/core.xml":
                stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            members.append(Member.of(info.filename, data, level=9))
    return build(members)


def _cvr_numbers():
    n = 30000000
    while True:
        n += 1
        if _cvr.checksum(str(n)) == 0:
            yield str(n)


def _ean_numbers(start: int = 10000000):
    n = start
    while True:
        n += 1
        body = f"5798{n:08d}"
        yield body + _ean.calc_check_digit(body)


def synthetic_register(institutions: int, agreements: int = 4, locations_per: int = 3) -> dict[str, list[list[Any]]]:
    """A valid fictitious register with ``institutions * agreements`` requested enrolments.

    Every institution is a Kommune party to phases 8-10 and requests every
    agreement (all phase 8-10, all requiring enrolment).
    """
    cvrs, eans = _cvr_numbers(), _ean_numbers()
    names = [f"Testkommune {i:04d}" for i in range(1, institutions + 1)]
    agrs = [f"Testaftale {j} (fase {8 + j % 3})" for j in range(1, agreements + 1)]
    data: dict[str, list[list[Any]]] = {k: [] for k in HEADERS}
    for i, name in enumerate(names):
        data["Institutioner"].append([name, "Kommune", next(cvrs), next(eans), f"Testvej {i}, 9000 Testby",
                                      f"Kontakt {i}", f"indkob{i}@test.example", "99999999", f"Underskriver {i}"])
        for k in range(locations_per):
            data["Lokationer"].append([name, f"Enhed {k + 1}", next(eans), "", f"Enhedsvej {k}, 9000 Testby",
                                       f"Kontakt {i}-{k}"])
        for phase in (8, 9, 10):
            data["Parter"].append([name, phase, ""])
        for agr in agrs:
            data["Tilmeldinger"].append([name, agr, ""])
    for j, agr in enumerate(agrs, 1):
        data["Aftaler"].append([agr, 8 + j % 3, "lukket", "", ""])
    return data

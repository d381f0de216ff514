"""The enrolment overview (Oversigt.xlsx) and the follow-up typed into it (issue 16, items 4 and 5).

Oracles: openpyxl reads every written file back (headers, links, number formats, fills, validation, print
set-up); a user's typing is openpyxl writing into the file, as Excel would save it; the relative links are
resolved by pathlib against the overview's new place after the folder is moved; LibreOffice prints the sheet
to PDF, and poppler's pdftotext says what is on each page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from xlkopi.enrol.batch import FAILED, GENERATED, SKIPPED, Result
from xlkopi.enrol.followup import (
    DATE_HEADERS,
    HEADERS,
    MARKER,
    MARKER_PROPERTY,
    NOT_IN_RUN,
    OLD_HEADERS,
    FollowUp,
    Previous,
    followup_key,
    read_followup,
)
from xlkopi.enrol.model import ADVARSEL, INFO, MAX_CELL_CHARS, Finding, cell_length
from xlkopi.enrol.overview import layout, link_target, overview_bytes
from xlkopi.errors import WorkbookError
from xlkopi.io.sheets import read_sheets

MARCH_2 = dt.date(2026, 3, 2)
MARCH_15 = dt.date(2026, 3, 15)
SERIAL_MARCH_15 = (MARCH_15 - dt.date(1899, 12, 30)).days


def generated(n: int, institution: str, agreement: str = "Computeraftalen", phase: int = 9, **kw) -> Result:
    """A generated enrolment with its files in the agreement's folder, named as batch.py names them."""
    folder = f"{agreement} (fase {phase})"
    stem = f"Tilmelding til {agreement} - {institution}"
    kw.setdefault("workbook_name", f"{folder}/{stem}.xlsx")
    kw.setdefault("eml_name", f"{folder}/{stem}.eml")
    kw.setdefault("document_name", f"{folder}/{stem}.docx")
    kw.setdefault("signature", "Underskrives af Bo Borgmester (Borgmester)")
    warnings = kw.pop("warnings", [])
    return Result(n, institution, agreement, phase, GENERATED, "", f"Tilmeldinger række {n + 1}", warnings, **kw)


def results() -> list[Result]:
    return [
        generated(1, "Eksempelby Kommune", warnings=["Lokation 2 mangler EAN-nummer"]),
        generated(2, "Ærø Kommune", "Multifunktionsmaskiner", 11,
                  pdf_name="Multifunktionsmaskiner (fase 11)/Tilmelding til Multifunktionsmaskiner - Ærø Kommune.pdf"),
        Result(3, "Region Eksempel", "Mobiltelefoni", 11, SKIPPED, "Regionen er part på fase 11 og skal ikke "
               "tilmelde sig aftalen særskilt.", "Tilmeldinger række 4"),
        Result(4, "Fjordby Kommune", "Computeraftalen", 9, FAILED, "Ark 'Institutioner', række 5, felt 'CVR': er ikke "
               "et gyldigt CVR-nummer (fik '23043824')", "Tilmeldinger række 5"),
    ]


def write(path: Path, res=None, findings=(), previous: Previous | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(overview_bytes(results() if res is None else res, list(findings), previous))
    return path


def columns(ws) -> dict[str, int]:
    """Header -> column number of a sheet's first row."""
    return {c.value: c.column for c in ws[1] if c.value}


def row_of(ws, institution: str) -> int:
    col = columns(ws)["Institution"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == institution]
    return row


def type_into(path: Path, edits: dict[tuple[int, str], object], new_columns: dict[str, dict] | None = None):
    """Type into the overview as a user in Excel: cells by (row, header); new columns after the last one."""
    new_columns = new_columns or {}
    wb = openpyxl.load_workbook(path)
    ws = wb["Oversigt"]
    col = columns(ws)
    for (row, header), value in edits.items():
        ws.cell(row, col[header]).value = value
        if isinstance(value, str) and value.startswith("="):
            ws.cell(row, col[header]).data_type = "s"   # typed as text (Excel: a leading apostrophe)
    for header, values in new_columns.items():
        j = ws.max_column + 1
        ws.cell(1, j).value = header
        for row, value in values.items():
            ws.cell(row, j).value = value
    wb.save(path)


# ---------------------------------------------------------------------------------------------- layout

def test_headers_links_formats_and_print_setup(tmp_path):
    path = write(tmp_path / "Oversigt.xlsx", findings=[Finding(ADVARSEL, "Institutioner", 4, "EAN", "mangler")])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Oversigt", "Fejl og advarsler"]
    ws = wb["Oversigt"]
    col = columns(ws)
    assert [c.value for c in ws[1]] == list(HEADERS) == layout()
    assert [ws.cell(r, col["Status"]).value for r in range(2, 6)] == [GENERATED, GENERATED, SKIPPED, FAILED]
    # the file columns: the file's name, linked relative to the overview, percent-encoded per segment
    r1, r2 = results()[:2]
    skema = ws.cell(2, col["Skema"])
    assert skema.value == "Tilmelding til Computeraftalen - Eksempelby Kommune.xlsx"
    assert skema.hyperlink.target == ("Computeraftalen%20%28fase%209%29/"
                                      "Tilmelding%20til%20Computeraftalen%20-%20Eksempelby%20Kommune.xlsx")
    assert ws.cell(2, col["Bilag 7"]).hyperlink.target == link_target(r1.document_name)
    assert ws.cell(2, col["PDF"]).value is None and ws.cell(3, col["PDF"]).hyperlink is not None
    assert "%C3%86r%C3%B8" in ws.cell(3, col["E-mailkladde"]).hyperlink.target   # Ærø, UTF-8 percent-encoded
    links = [c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink]
    assert len(links) == 3 + 4   # Bilag 7, Skema and draft of the first; those and the PDF of the second
    for target in links:
        assert "://" not in target and not target.startswith("/") and " " not in target
    rels = zipfile.ZipFile(path).read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert rels.count('TargetMode="External"') == len(links)
    assert {unquote(t) for t in links} == {getattr(r, a) for r in (r1, r2) for a in
                                           ("workbook_name", "eml_name", "document_name", "pdf_name") if getattr(r, a)}
    assert ws.cell(2, col["Skema"]).font.u == "single" and ws.cell(2, col["Skema"]).font.color.rgb == "FF0563C1"
    # the follow-up columns: yellow input cells, dates as dd-mm-åååå, validated, with an input message
    for header in DATE_HEADERS:
        for r in range(2, 6):
            c = ws.cell(r, col[header])
            assert c.number_format == "dd-mm-yyyy" and c.fill.fgColor.rgb == "FFFFF2CC", (header, r)
    assert ws.cell(2, col["Bemærkning"]).fill.fgColor.rgb == "FFFFF2CC"
    assert ws.cell(1, col["Sendt"]).fill.fgColor.rgb != ws.cell(1, col["Institution"]).fill.fgColor.rgb
    (dates,) = [v for v in ws.data_validations.dataValidation if v.type == "date"]
    assert str(dates.sqref) == "I2:L5" and dates.showInputMessage and "dd-mm-åååå" in dates.prompt
    assert dates.errorStyle == "warning"   # a user may keep a text; it is kept and reported
    assert {ws.cell(r, col["Status"]).fill.fgColor.rgb for r in range(2, 6)} == {"FFC6EFCE", "FFFFEB9C", "FFFFC7CE"}
    # printing: landscape A4, one page wide, header row on every page, grid, the file columns left out
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1" and ws.print_options.gridLines
    assert ws.print_area == f"'Oversigt'!$A$1:${openpyxl.utils.get_column_letter(col['Kilde'])}$5"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:S5"
    assert "Side &P af &N" in ws.oddFooter.right.text
    assert all(ws.cell(r, col["Begrundelse"]).alignment.wrap_text for r in range(2, 6))
    assert ws.row_dimensions[5].height >= 3 * 15   # the failed row's reason wraps to three lines at least
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[MARKER_PROPERTY] == MARKER
    fs = wb["Fejl og advarsler"]
    assert [c.value for c in fs[1]] == ["Niveau", "Ark", "Række", "Felt", "Besked"]
    assert [c.value for c in fs[2]] == [ADVARSEL, "Institutioner", 4, "EAN", "mangler"]
    assert fs.page_setup.orientation == "landscape" and fs.auto_filter.ref == "A1:E2"


def test_same_inputs_give_the_same_bytes():
    first = overview_bytes(results(), [Finding(INFO, "Aftaler", 3, None, "x")])
    assert first == overview_bytes(results(), [Finding(INFO, "Aftaler", 3, None, "x")])
    zf = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert b"dcterms:created" not in zf.read("docProps/core.xml")


def test_an_empty_run_still_gives_a_workbook(tmp_path):
    ws = openpyxl.load_workbook(write(tmp_path / "Oversigt.xlsx", res=[]))["Oversigt"]
    assert [c.value for c in ws[1]] == list(HEADERS) and ws.max_row == 1
    assert read_followup(tmp_path / "Oversigt.xlsx").is_ours


# ---------------------------------------------------------------------------------------------- the follow-up

def test_a_rerun_keeps_what_was_typed_and_carries_rows_over(tmp_path):
    path = write(tmp_path / "ud" / "Oversigt.xlsx")
    type_into(path, {
        (2, "Sendt"): dt.datetime(2026, 3, 2),   # a date cell: what Excel stores for a typed date
        (2, "Bekræftet"): "05-03-2026",          # text, as openpyxl or a text-formatted cell keeps it
        (3, "Sendt"): "2.3.2026",
        (3, "Underskrevet"): SERIAL_MARCH_15,    # a serial number (the cell lost its date format)
        (3, "Bemærkning"): "Ringet til Bo; venter på underskrift",
    }, new_columns={"Ansvarlig": {2: "Kim", 3: "Lis"}})
    prev = read_followup(path)
    assert prev.is_ours and prev.exists and not prev.findings
    eks = prev.by_key[followup_key("Eksempelby Kommune", "Computeraftalen", 9)]
    assert (eks.sent, eks.confirmed, eks.login_requested, eks.signed) == (MARCH_2, dt.date(2026, 3, 5), None, None)
    assert eks.wants_login and eks.extra == (("Ansvarlig", "Kim"),)
    aero = prev.by_key[followup_key("ærø kommune", "multifunktionsmaskiner", 11)]   # the register's name matching
    assert (aero.sent, aero.signed, aero.comment) == (MARCH_2, MARCH_15, "Ringet til Bo; venter på underskrift")
    assert prev.extra_headers == ["Ansvarlig"]

    # the next run: Ærø is no longer requested, Eksempelby's follow-up comes back into its row
    rerun = [r for r in results() if r.institution != "Ærø Kommune"]
    write(path, rerun, previous=prev)
    ws = openpyxl.load_workbook(path)["Oversigt"]
    col = columns(ws)
    assert list(col) == layout(["Ansvarlig"])   # the user's column, after Bemærkning
    r = row_of(ws, "Eksempelby Kommune")
    assert ws.cell(r, col["Sendt"]).value == dt.datetime(2026, 3, 2)
    assert ws.cell(r, col["Bekræftet"]).value == dt.datetime(2026, 3, 5)
    assert ws.cell(r, col["Sendt"]).number_format == "dd-mm-yyyy" and ws.cell(r, col["Ansvarlig"]).value == "Kim"
    carried = row_of(ws, "Ærø Kommune")
    assert carried == ws.max_row   # after this run's rows
    assert ws.cell(carried, col["Status"]).value == NOT_IN_RUN and ws.cell(carried, col["Nr."]).value is None
    assert ws.cell(carried, col["Status"]).fill.fgColor.rgb == "FFD9D9D9"
    assert "ikke med i denne kørsel" in ws.cell(carried, col["Begrundelse"]).value
    assert ws.cell(carried, col["Sendt"]).value == dt.datetime(2026, 3, 2)
    assert ws.cell(carried, col["Underskrevet"]).value == dt.datetime(2026, 3, 15)
    assert ws.cell(carried, col["Bemærkning"]).value == "Ringet til Bo; venter på underskrift"
    assert ws.cell(carried, col["Ansvarlig"]).value == "Lis" and ws.cell(carried, col["Fase"]).value == 11
    assert ws.cell(carried, col["Skema"]).value.endswith("Ærø Kommune.xlsx")   # the name, no longer a link
    assert ws.cell(carried, col["Skema"]).hyperlink is None
    assert [ws.cell(r, col["Institution"]).value for r in range(2, ws.max_row)] == [x.institution for x in rerun]

    # and once more without typing: the same bytes, so batch.py leaves the file alone
    again = read_followup(path)
    assert overview_bytes(rerun, [], again) == path.read_bytes()
    # when the enrolment is requested again, its row comes back with the typed values and fresh links
    write(path, results(), previous=again)
    ws = openpyxl.load_workbook(path)["Oversigt"]
    r = row_of(ws, "Ærø Kommune")
    assert ws.cell(r, col["Status"]).value == GENERATED and ws.cell(r, col["Underskrevet"]).value.day == 15
    assert ws.cell(r, col["Skema"]).hyperlink is not None and ws.max_row == 5


def test_rows_nobody_typed_in_are_not_carried_over(tmp_path):
    path = write(tmp_path / "Oversigt.xlsx")
    write(path, results()[:1], previous=read_followup(path))
    ws = openpyxl.load_workbook(path)["Oversigt"]
    assert ws.max_row == 2 and ws["B2"].value == "Eksempelby Kommune"


def test_the_results_own_followup_wins_over_the_previous_file(tmp_path):
    path = write(tmp_path / "Oversigt.xlsx")
    type_into(path, {(2, "Sendt"): "01-03-2026"})
    res = results()
    res[0].followup = FollowUp(sent=MARCH_15, login_requested=MARCH_15, comment="fra batch")
    write(path, res, previous=read_followup(path))
    ws = openpyxl.load_workbook(path)["Oversigt"]
    col = columns(ws)
    assert ws.cell(2, col["Sendt"]).value == dt.datetime(2026, 3, 15)
    assert ws.cell(2, col["Log-in anmodet"]).value == dt.datetime(2026, 3, 15)
    assert ws.cell(2, col["Bemærkning"]).value == "fra batch"


@pytest.mark.parametrize("typed", ["15-03-2026", "15.03.2026", "15/3-2026", "2026-03-15", "15. marts 2026",
                                   " 15-03-2026 ", SERIAL_MARCH_15, float(SERIAL_MARCH_15) + 0.5,
                                   dt.datetime(2026, 3, 15), dt.datetime(2026, 3, 15, 14, 30)],
                         ids=["dash", "dot", "slash-dash", "iso", "month-name", "spaces", "serial", "serial-time",
                              "date-cell", "date-time-cell"])
def test_dates_as_danish_users_type_them(tmp_path, typed):
    path = write(tmp_path / "Oversigt.xlsx")
    type_into(path, {(2, "Underskrevet"): typed})
    prev = read_followup(path)
    assert prev.by_key[followup_key("Eksempelby Kommune", "Computeraftalen", 9)].signed == MARCH_15
    assert not prev.findings


def test_a_typed_value_that_is_no_date_is_kept_and_reported(tmp_path):
    path = write(tmp_path / "Oversigt.xlsx")
    type_into(path, {(2, "Sendt"): "ja", (3, "Bekræftet"): "31-02-2026", (4, "Underskrevet"): "1-3-26",
                     (5, "Bekræftet"): "afventer", (5, "Log-in anmodet"): True})
    prev = read_followup(path)
    found = {(f.level, f.sheet, f.row, f.field): f.message for f in prev.findings}
    assert set(found) == {(ADVARSEL, "Oversigt", 2, "Sendt"), (ADVARSEL, "Oversigt", 3, "Bekræftet"),
                          (ADVARSEL, "Oversigt", 4, "Underskrevet"), (ADVARSEL, "Oversigt", 5, "Bekræftet"),
                          (ADVARSEL, "Oversigt", 5, "Log-in anmodet")}
    assert "'ja'" in found[(ADVARSEL, "Oversigt", 2, "Sendt")] and "celle I2" in found[(ADVARSEL, "Oversigt", 2,
                                                                                          "Sendt")]
    assert "kalenderen" in found[(ADVARSEL, "Oversigt", 3, "Bekræftet")]
    assert "firecifret årstal" in found[(ADVARSEL, "Oversigt", 4, "Underskrevet")]
    fjordby = prev.by_key[followup_key("Fjordby Kommune", "Computeraftalen", 9)]
    assert fjordby.confirmed == "afventer" and fjordby.login_requested == "SAND" and not fjordby.wants_login
    assert not prev.by_key[followup_key("Region Eksempel", "Mobiltelefoni", 11)].wants_login   # "31-02-2026"
    write(path, results(), previous=prev)   # batch.py adds prev.findings to the run's; here the overview does
    wb = openpyxl.load_workbook(path)
    ws, col = wb["Oversigt"], columns(wb["Oversigt"])
    assert ws.cell(2, col["Sendt"]).value == "ja" and ws.cell(2, col["Sendt"]).data_type == "s"
    assert ws.cell(4, col["Underskrevet"]).value == "1-3-26"
    listed = [tuple(c.value for c in row[:4]) for row in wb["Fejl og advarsler"].iter_rows(min_row=2)]
    assert (ADVARSEL, "Oversigt", 2, "Sendt") in listed and len(listed) == 5
    again = read_followup(path)   # the text is still there, and still reported
    assert [(f.row, f.field) for f in again.findings] == [(f.row, f.field) for f in prev.findings]


def test_columns_are_found_by_name_wherever_the_user_moved_them(tmp_path):
    """The user moved columns, put a title above the header, added a column without a header, renamed the sheet."""
    path = write(tmp_path / "Oversigt.xlsx")
    type_into(path, {(2, "Sendt"): "02-03-2026", (2, "Bemærkning"): "ok"})
    rows = [list(r) for r in openpyxl.load_workbook(path)["Oversigt"].iter_rows(values_only=True)]
    wb = openpyxl.Workbook()
    wb.active.title = "Noter"
    ws = wb.create_sheet("Mine tilmeldinger")
    ws.append(["Tilmeldinger 2026, opfølgning"])
    for i, row in enumerate(rows):   # every column reversed; a value in a column without a header
        ws.append(list(reversed(row)) + [None, None if i == 0 else "noget"])
    moved = tmp_path / "flyttet.xlsx"
    wb.save(moved)   # no marker property: all of the overview's headers say it is one
    prev = read_followup(moved)
    assert prev.is_ours
    fu = prev.by_key[followup_key("Eksempelby Kommune", "Computeraftalen", 9)]
    assert fu.sent == MARCH_2 and fu.comment == "ok"
    assert [(f.level, f.field) for f in prev.findings] == [(INFO, "U")]   # noted once, not once per row
    assert "ingen overskrift" in prev.findings[0].message


def test_the_overview_before_the_followup_columns_is_recognised(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Oversigt"
    ws.append(list(OLD_HEADERS))
    ws.append([1, "Eksempelby Kommune", "Computeraftalen", 9, GENERATED, "", "", "Tilmelding ... .xlsx", "", "Kilde"])
    wb.save(tmp_path / "Oversigt.xlsx")
    prev = read_followup(tmp_path / "Oversigt.xlsx")
    assert prev.is_ours and not prev.by_key[followup_key("Eksempelby Kommune", "Computeraftalen", 9)].wants_login
    assert prev.rows[0].files == {"Skema": "Tilmelding ... .xlsx"} and not prev.extra_headers and not prev.findings


def test_a_missing_file_and_someone_elses_file(tmp_path):
    empty = read_followup(tmp_path / "Oversigt.xlsx")
    assert empty == Previous() and not empty.exists and not empty.is_ours
    wb = openpyxl.Workbook()
    wb.active.title = "Oversigt"
    wb.active.append(["Institution", "Aftale", "Sendt", "Noter"])
    wb.active.append(["Eksempelby Kommune", "Computeraftalen", "02-03-2026", "x"])
    wb.save(tmp_path / "egen.xlsx")
    other = read_followup(tmp_path / "egen.xlsx")
    assert other.exists and not other.is_ours and not other.by_key and not other.rows
    ours = openpyxl.load_workbook(write(tmp_path / "Oversigt.xlsx"))
    ours["Oversigt"].delete_rows(1)   # the header row is gone: what was typed could not be carried over
    ours.save(tmp_path / "uden overskrift.xlsx")
    headless = read_followup(tmp_path / "uden overskrift.xlsx")
    assert headless.exists and not headless.is_ours
    register = openpyxl.Workbook()
    register.active.title = "Institutioner"
    register.save(tmp_path / "register.xlsx")
    assert not read_followup(tmp_path / "register.xlsx").is_ours


def _with_part(data: bytes, name: str, text: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, text if info.filename == name else src.read(info.filename))
    return out.getvalue()


def test_an_unreadable_or_hostile_file_raises_a_danish_workbook_error(tmp_path):
    ours = overview_bytes(results(), [])
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Properties>&b;</Properties>'
    cases = {
        "tekst.xlsx": b"not a workbook at all",
        "afkortet.xlsx": ours[: len(ours) // 2],
        "entiteter.xlsx": _with_part(ours, "docProps/custom.xml", bomb),
        "krypteret.xlsx": bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504,
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(WorkbookError) as err:
            read_followup(tmp_path / name)
        assert name in str(err.value) or "Delen" in str(err.value), (name, str(err.value))
    (tmp_path / "mappe.xlsx").mkdir()
    with pytest.raises(WorkbookError, match="mappe"):
        read_followup(tmp_path / "mappe.xlsx")


# ---------------------------------------------------------------------------------------------- hostile text

HOSTILE = ['=HYPERLINK("http://x.invalid","klik")', "@SUM(A1:A9)", "+45 1234", "-1+1", "=cmd|' /C calc'!A0",
           "kontrol\x01\x07\x1b tegn", "bidi \u202egnp.exe\u202c", "Vej _x0041_ 1", "a\r\nb"]


def test_hostile_texts_stay_plain_text_everywhere(tmp_path):
    long = "Ærø " * 10_000   # 40,000 characters
    res = [Result(i + 1, text, text + " aftale", 9, FAILED, text, "Tilmeldinger række 2", [text])
           for i, text in enumerate(HOSTILE)]
    res.append(Result(99, long, "Aftale", None, FAILED, long, long, [long]))
    res.append(generated(100, "Kommune #1 100%", "Aftale?", 9))
    findings = [Finding(ADVARSEL, "Institutioner", 2, t, t) for t in HOSTILE]
    path = write(tmp_path / "Oversigt.xlsx", res, findings)
    type_into(path, {(2, "Bemærkning"): HOSTILE[0], (3, "Sendt"): "@SUM(A1)"})
    write(path, res, findings, previous=read_followup(path))
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml and "\x01" not in xml
    wb = openpyxl.load_workbook(path)
    ws, col = wb["Oversigt"], columns(wb["Oversigt"])
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                assert c.data_type == "s" and cell_length(c.value) <= MAX_CELL_CHARS, c.coordinate
    assert ws.cell(2, col["Institution"]).value == HOSTILE[0] and ws.cell(2, col["Bemærkning"]).value == HOSTILE[0]
    assert ws.cell(3, col["Sendt"]).value == "@SUM(A1)"
    assert ws.cell(7, col["Institution"]).value == "kontrol tegn"         # control characters dropped
    assert ws.cell(8, col["Institution"]).value == HOSTILE[6]             # bidi controls are text, kept as given
    # literally, not "Vej A 1": escaped as Excel expects; openpyxl does not undo that escape in an inline string,
    # python-calamine (as Excel and LibreOffice) does
    assert ws.cell(9, col["Institution"]).value == "Vej _x005F_x0041_ 1"
    assert read_sheets(path)["Oversigt"][8][col["Institution"] - 1] == "Vej _x0041_ 1"
    assert ws.cell(10, col["Institution"]).value == "a\nb"
    cut = ws.cell(11, col["Begrundelse"]).value
    assert cut.endswith("(forkortet; 40.000 tegn i alt)") and ws.row_dimensions[11].height == 409
    link = ws.cell(12, col["Skema"]).hyperlink.target
    assert link == "Aftale%3F%20%28fase%209%29/Tilmelding%20til%20Aftale%3F%20-%20Kommune%20%231%20100%25.xlsx"
    messages = [c.value for c in wb["Fejl og advarsler"]["E"]][1:]
    shown = {"kontrol\x01\x07\x1b tegn": "kontrol tegn", "a\r\nb": "a\nb", "Vej _x0041_ 1": "Vej _x005F_x0041_ 1"}
    assert messages[:-1] == [shown.get(t, t) for t in HOSTILE]
    assert "'@SUM(A1)' i celle I3" in messages[-1]   # the previous overview's finding, after the register's


# ---------------------------------------------------------------------------------------------- moving the folder

def test_links_still_resolve_after_the_folder_is_moved(tmp_path):
    out = tmp_path / "ud"
    res = results()[:2] + [generated(3, "Kommune #2 (50% ejet)", "Printere & kopi", 12)]
    for r in res:
        for attr in ("workbook_name", "eml_name", "document_name", "pdf_name"):
            name = getattr(r, attr)
            if name:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
                (out / name).write_text(name, encoding="utf-8")
    write(out / "Oversigt.xlsx", res)
    moved = tmp_path / "et andet sted" / "Tilmeldinger 2026"
    moved.parent.mkdir()
    shutil.move(str(out), str(moved))
    ws = openpyxl.load_workbook(moved / "Oversigt.xlsx")["Oversigt"]
    seen = 0
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.hyperlink:
                target = moved.joinpath(*(unquote(s) for s in c.hyperlink.target.split("/")))
                assert target.is_file(), c.hyperlink.target
                assert target.name == c.value and target.read_text(encoding="utf-8") in {
                    getattr(r, a) for r in res for a in ("workbook_name", "eml_name", "document_name", "pdf_name")}
                seen += 1
    assert seen == 10
    assert not out.exists()


# ---------------------------------------------------------------------------------------------- LibreOffice

def _many_results(n: int) -> list[Result]:
    """A run of ``n`` enrolments with long names, reasons and warnings: wrapped text on every page."""
    out = []
    for i in range(n):
        inst = ["Eksempelby Kommune", "Den Selvejende Institution Solsikken", "Styrelsen for Indkøb og Kopi",
                "Ærø Kommune"][i % 4] + f" {i + 1}"
        if i % 3 == 0:
            out.append(generated(i + 1, inst, "Multifunktionsmaskiner", 11, warnings=[
                f"Lokation {i} mangler EAN-nummer, så fakturaer ikke kan sendes elektronisk; slutord{i}"]))
        elif i % 3 == 1:
            out.append(Result(i + 1, inst, "Computeraftalen", 9, SKIPPED, "Institutionen er allerede part på fase 11 "
                              f"(Parter række 4) og skal ikke tilmelde sig aftalen særskilt; slutord{i}",
                              f"Tilmeldinger række {i + 2}"))
        else:
            out.append(Result(i + 1, inst, "Computeraftalen", 9, FAILED, "Ark 'Institutioner', række 2, felt 'CVR': "
                              "er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke) (fik '23043824'); "
                              f"slutord{i}", f"Tilmeldinger række {i + 2}"))
    return out


@pytest.mark.libreoffice
def test_libreoffice_prints_it_landscape_one_page_wide_with_wrapped_text(soffice, tmp_path):
    from xlkopi.io.libreoffice import convert

    res = _many_results(60)
    prev = Previous(by_key={followup_key(res[0].institution, res[0].agreement, 11): FollowUp(
        sent=MARCH_2, confirmed="afventer svar fra leverandøren", comment="Ringet til Bo; venter på underskrift")})
    path = write(tmp_path / "Oversigt.xlsx", res, [Finding(ADVARSEL, "Institutioner", 4, "EAN", "mangler " * 40)],
                 previous=prev)
    pdf = convert(path, tmp_path / "pdf", "pdf")
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 842) < 2 and abs(float(h) - 595) < 2 for w, h in boxes), boxes  # A4 across
    if shutil.which("pdftoppm"):   # the pages as pictures, for a person to look at (tmp_path/pdf/side-N.png)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "pdf" / "side")], check=True)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed; the pages' text is not checked")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    overview = [p for p in pages if "Niveau" not in p]
    assert len(overview) >= 2
    for page in overview:   # one page wide: every page has the first and the last printed column, and the header
        assert "Nr." in page and "Kilde" in page and "Bemærkning" in page and "Side" in page
    assert "E-mailkladde" not in text and ".eml" not in text   # the file columns are not printed
    flat = re.sub(r"\s+", " ", text)
    for i in range(len(res)):   # every wrapped text is printed to its last word: the row is high enough
        assert f"slutord{i}" in flat, i
    assert "leverandøren" in flat and "underskrift" in flat and "02-03-2026" in flat   # the typed ones too


def test_the_stream_writer_refuses_what_excel_would_call_damaged():
    from xlkopi.io.xlsxstream import Link, StreamWorkbook

    with pytest.raises(ValueError, match="percent-encoded"):
        with StreamWorkbook(None, generator="t") as wb:
            with wb.sheet("Ark") as ws:
                ws.row([Link("fil", "mappe med mellemrum/fil.xlsx")])
    with pytest.raises(ValueError, match="255"):
        with StreamWorkbook(None, generator="t") as wb:
            with wb.sheet("Ark") as ws:
                ws.validate("A1:A2", prompt="x" * 256)
    with pytest.raises(ValueError, match="not a cell reference"):
        with StreamWorkbook(None, generator="t") as wb:
            with wb.sheet("Ark") as ws:
                ws.auto_filter("A1:B")


def test_the_users_own_columns_are_written_as_plain_text_too():
    """A previous file's header and values are the user's text: control characters and formulas stay harmless."""
    key = followup_key("Eksempelby Kommune", "Computeraftalen", 9)
    header = "Egen\x01 kolonne =1+1 " + "x" * 40_000
    prev = Previous(by_key={key: FollowUp(comment="=1+1", extra=((header, "@SUM(A1)\x07"),))}, extra_headers=[header],
                    is_ours=True, exists=True)
    ws = openpyxl.load_workbook(io.BytesIO(overview_bytes(results(), [], prev)))["Oversigt"]
    col = {c.value[:20] if c.value else None: c.column for c in ws[1]}
    own = col["Egen kolonne =1+1 xx"]
    assert own == columns(ws)["Bemærkning"] + 1 and ws.cell(1, own).data_type == "s"
    assert "forkortet" in ws.cell(1, own).value and ws.cell(2, own).value == "@SUM(A1)"
    assert ws.cell(2, columns(ws)["Bemærkning"]).value == "=1+1" and ws.cell(2, own).data_type == "s"


@pytest.mark.libreoffice
def test_an_overview_saved_by_libreoffice_is_still_read_as_ours(soffice, tmp_path):
    """Users with LibreOffice: the marker property, the typed values and the links survive its saving."""
    from xlkopi.io.libreoffice import recalculate

    path = write(tmp_path / "ud" / "Oversigt.xlsx")
    type_into(path, {(2, "Sendt"): dt.datetime(2026, 3, 2), (3, "Bemærkning"): "hej"}, {"Ansvarlig": {2: "Kim"}})
    saved = recalculate(path, tmp_path / "ud" / "gemt")   # LibreOffice's own save, one folder down
    prev = read_followup(saved)
    assert prev.is_ours and not prev.findings and prev.extra_headers == ["Ansvarlig"]
    fu = prev.by_key[followup_key("Eksempelby Kommune", "Computeraftalen", 9)]
    assert fu.sent == MARCH_2 and fu.extra == (("Ansvarlig", "Kim"),)
    assert prev.by_key[followup_key("Ærø Kommune", "Multifunktionsmaskiner", 11)].comment == "hej"
    ws = openpyxl.load_workbook(saved)["Oversigt"]
    # LibreOffice took the link as relative to the overview's folder: saved one folder down, it points up
    assert ws.cell(2, columns(ws)["Skema"]).hyperlink.target == "../" + link_target(results()[0].workbook_name)

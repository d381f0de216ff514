"""The XML template filler keeps the template intact outside the filled cells."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkopi.enrol.batch import default_template
from xlkopi.enrol.template import FIELDS, Mapping, Template, cell_xml, template_summary
from xlkopi.errors import UntrustedFileError, WorkbookError

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbooks" / "bilag7_skema.xlsx"

VALUES = {
    "aftale": "Computeraftalen", "fase": 9, "institution": "=HYPERLINK(\"http://x\",\"klik\")",
    "institutionstype": "Kommune", "cvr": "23043823", "ean": "5798179995337",
    "adresse": "Rådhuspladsen 1\n9999 Eksempelby", "kontaktperson": "+45 Åse Ørsted", "email": "a@b.dk",
    "telefon": "-99 99 10 00", "underskriver": "@Bo Borgmester & <søn>", "titel": "=Borgmester",
    "dato": date(2024, 3, 1),
    "antal_lokationer": 3,
}
ROWS = [{"enhed": f"Enhed {i}", "ean": "5798813662830", "p_nummer": "1000000001" if i == 0 else "",
         "leveringsadresse": f"Vej {i}", "kontaktperson": "K"} for i in range(3)]


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.load(TEMPLATE)


@pytest.fixture(scope="module")
def filled(template) -> bytes:
    return template.fill(VALUES, ROWS)


def test_bundled_copy_is_the_committed_template():
    assert default_template().read_bytes() == TEMPLATE.read_bytes()


def test_every_field_has_a_defined_name(template):
    assert set(template.located) == set(FIELDS)
    assert "tabellen 'Lokationer'" in template_summary(template)


def test_other_members_are_copied_byte_for_byte(filled):
    before, after = _members(TEMPLATE.read_bytes()), _members(filled)
    assert list(before) == list(after)  # same members, same order
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/tables/table1.xml"}
    assert "xl/media/image1.png" in after and "xl/drawings/drawing1.xml" in after


def _outside_sheet_data(xml: bytes) -> bytes:
    return re.sub(rb"<sheetData>.*</sheetData>", b"", re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", xml), flags=re.S)


def _rows(xml: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(rb'<row r="(\d+)".*?</row>', xml, re.S)}


def test_patched_sheets_unchanged_outside_the_filled_cells(filled):
    before, after = _members(TEMPLATE.read_bytes()), _members(filled)
    for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        # protection, merged cells, data validation, drawing, table parts, columns, views: identical
        assert _outside_sheet_data(before[part]) == _outside_sheet_data(after[part])
    # Bilag 7: rows without a field are byte-identical
    b, a = _rows(before["xl/worksheets/sheet1.xml"]), _rows(after["xl/worksheets/sheet1.xml"])
    # ... 23 Underskriver, 24 Titel, 25 Dato (workbooks/build_templates.py); 26, the signature line, has none
    field_rows = {4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 19, 23, 24, 25}
    assert 26 in b
    for r in b:
        if r not in field_rows:
            assert a[r] == b[r], f"row {r} changed"
    # the table part only changes its ranges
    t_before = before["xl/tables/table1.xml"].replace(b"A7:E8", b"REF")
    t_after = after["xl/tables/table1.xml"].replace(b"A7:E10", b"REF")
    assert t_before == t_after


def test_reopens_in_openpyxl_with_everything_in_place(filled, tmp_path):
    path = tmp_path / "udfyldt.xlsx"
    path.write_bytes(filled)
    wb = openpyxl.load_workbook(path)
    tpl = openpyxl.load_workbook(TEMPLATE)
    for name in ("Bilag 7", "Skema"):
        ws, wt = wb[name], tpl[name]
        assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in wt.merged_cells.ranges}
        assert [(dv.type, str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation] == \
               [(dv.type, str(dv.sqref), dv.formula1) for dv in wt.data_validations.dataValidation]
        assert ws.protection.sheet and ws.protection.sheet == wt.protection.sheet
    assert sorted(wb.defined_names) == sorted(tpl.defined_names)
    # every field through its defined name; text stays text even when it looks like a formula
    for key, value in VALUES.items():
        for name in (n for n in wb.defined_names if n.casefold() == key or n.casefold().endswith("." + key)):
            for sheet, ref in wb.defined_names[name].destinations:
                cell = wb[sheet][ref.replace("$", "")]
                got = cell.value.date() if isinstance(value, date) else cell.value
                assert got == value, (name, cell.value)
                if isinstance(value, str):
                    assert cell.data_type == "s"
                # the template's style (fill, unlocked protection) is kept
                assert cell.protection.locked is False
    sk = wb["Skema"]
    assert sk.tables["Lokationer"].ref == "A7:E10"
    got = [[c.value for c in row] for row in sk["A8:E10"]]
    assert got == [[r["enhed"], r["ean"], r["p_nummer"] or None, r["leveringsadresse"], r["kontaktperson"]]
                   for r in ROWS]
    assert sk["A8"].protection.locked is False and sk["E10"].protection.locked is False
    assert wb["Bilag 7"]["B25"].number_format == "dd-mm-yyyy"


def test_fill_is_deterministic_and_zero_rows_keeps_one_table_row(template):
    assert template.fill(VALUES, ROWS) == template.fill(VALUES, ROWS)
    wb = openpyxl.load_workbook(io.BytesIO(template.fill({"aftale": "X"}, [])))
    assert wb["Skema"].tables["Lokationer"].ref == "A7:E8"
    assert wb["Bilag 7"]["B8"].value is None  # unfilled fields stay as in the template


def test_cell_xml_never_writes_a_formula():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0"):
        xml = cell_xml("A1", "", text)
        assert "<f>" not in xml and 't="inlineStr"' in xml


# --------------------------------------------------------------- an agency's own template

def _agency_template(path: Path) -> Path:
    """A differently laid-out form without defined names or tables, as an agency might ship it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tilmelding"
    ws["A1"] = "Tilmeldingsblanket"
    ws.merge_cells("A1:C1")
    ws["A3"], ws["A4"], ws["A5"] = "Aftale:", "Kunde:", "CVR:"
    ws["D3"] = "=LEN(B3)"  # a formula outside the fields survives
    ws2 = wb.create_sheet("Lokationsliste")
    ws2.append(["EAN", "Navn", "Adresse"])
    ws2["E1"] = "note"
    wb.save(path)
    return path


def test_agency_template_with_mapping_file(tmp_path):
    tpl = _agency_template(tmp_path / "styrelsens_skabelon.xlsx")
    mapping = tmp_path / "feltkort.toml"
    mapping.write_text('[felter]\naftale = "Tilmelding!B3"\ninstitution = "\'Tilmelding\'!$B$4"\n'
                       'cvr = ["Tilmelding!B5"]\n\n[lokationer]\nstart = "Lokationsliste!A2"\n'
                       '[lokationer.kolonner]\nean = "A"\nenhed = "B"\nleveringsadresse = "C"\n', encoding="utf-8")
    t = Template.load(tpl, mapping)
    wb = openpyxl.load_workbook(io.BytesIO(t.fill(VALUES, ROWS)))
    ws = wb["Tilmelding"]
    assert (ws["B3"].value, ws["B4"].value, ws["B5"].value) == ("Computeraftalen", VALUES["institution"], "23043823")
    assert ws["D3"].value == "=LEN(B3)" and ws["A1"].value == "Tilmeldingsblanket"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    ls = wb["Lokationsliste"]
    assert [[c.value for c in row] for row in ls["A1:C4"]] == [
        ["EAN", "Navn", "Adresse"], *[[r["ean"], r["enhed"], r["leveringsadresse"]] for r in ROWS]]
    assert ls["E1"].value == "note"


@pytest.mark.parametrize("text, message", [
    ('[felter]\nukendt = "A1"\n', "ukendt felt 'ukendt'"),
    ('[felter]\naftale = "Findesikke!B3"\n', "arket 'Findesikke'"),
    ('[felter]\naftale = "IkkeEtNavn"\n', "IkkeEtNavn"),
    ('[felter]\naftale = "Tilmelding!D3"\n', "formel"),
    ('[felter]\naftale = "Tilmelding!B1"\n', "flettet celle"),
    ("[felter\n", "kan ikke læses"),
    ('[felter]\naftale = "Tilmelding!B3"\n[lokationer]\ntabel = "Findesikke"\n', "ingen tabel"),
])
def test_bad_mapping_gives_a_danish_message(tmp_path, text, message):
    tpl = _agency_template(tmp_path / "s.xlsx")
    mapping = tmp_path / "m.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(WorkbookError, match=re.escape(message)):
        Template.load(tpl, mapping)


def test_template_without_fields_or_not_xlsx(tmp_path):
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(WorkbookError, match="ingen felter"):
        Template.load(plain)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("ikke en arbejdsbog")
    with pytest.raises(WorkbookError, match="ikke en Excel-fil"):
        Template.load(fake)
    ole = tmp_path / "krypteret.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(UntrustedFileError):
        Template.load(ole)


def test_zip_bomb_template_is_refused(tmp_path):
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    with pytest.raises(UntrustedFileError, match="zip-bombe"):
        Template.load(bomb)


def test_mapping_load_json(tmp_path):
    m = tmp_path / "m.json"
    m.write_text('{"felter": {"aftale": ["Aftale", "Skema.Aftale"]}, "lokationer": {"tabel": "Lokationer"}}')
    mapping = Mapping.load(m)
    assert mapping.fields == {"aftale": ["Aftale", "Skema.Aftale"]} and mapping.table == "Lokationer"
    t = Template.load(TEMPLATE, mapping)
    assert set(t.located) == {"aftale"}


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="_"), max_size=60)


@settings(max_examples=40, deadline=None)
@given(name=_TEXT, unit=_TEXT)
def test_any_text_round_trips_as_text(template, name, unit):
    """Whatever the register holds comes back as the same text (never a formula)."""
    wb = openpyxl.load_workbook(io.BytesIO(template.fill({"institution": name}, [{"enhed": unit}])))
    expected = []
    for text in (name, unit):
        text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text.replace("\r\n", "\n").replace("\r", "\n"))
        expected.append(text or None)
    cells = (wb["Bilag 7"]["B8"], wb["Skema"]["A8"])
    assert [c.value for c in cells] == expected
    assert all(c.data_type == "s" for c in cells if c.value is not None)

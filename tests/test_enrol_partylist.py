"""The agency's published party list (issue 16 item 3): long form and grid, matching, marks, hostile files.

Every input is built here: rows in memory for :func:`memberships_from_rows`, workbooks with
:func:`xlkopi.enrol.example.party_list_workbook` / :func:`register_workbook`, CSV files as bytes.
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlkopi.enrol.batch import data_path
from xlkopi.enrol.example import (
    EXAMPLE,
    HEADERS,
    PARTY_LIST,
    example_party_list,
    party_list_workbook,
    register_workbook,
    workbook_bytes,
)
from xlkopi.enrol.model import ADVARSEL, FEJL, INFO, Agreement, Institution
from xlkopi.enrol.partylist import GRID, LONG, find_layout, memberships_from_rows, phase_label, read_party_list
from xlkopi.enrol.plan import GENERATED, SKIPPED, plan
from xlkopi.enrol.register import SHEETS, ColumnMap, read_register
from xlkopi.errors import FieldError, InputError, UntrustedFileError, WorkbookError
from xlkopi.io.sheets import read_sheets

NO_MAP = ColumnMap({}, {})
INSTITUTIONS = [
    Institution(name="Eksempelby Kommune", cvr="23043823"),
    Institution(name="Region Eksempel", cvr="38678574"),
    Institution(name="Den Selvejende Institution Solsikken", cvr="DK 47 38 46 56"),
    Institution(name="Fjordby Kommune", cvr=""),
]
AGREEMENTS = [Agreement(name="Computeraftalen", phase=9), Agreement(name="Multifunktionsmaskiner", phase=10),
              Agreement(name="Mobiltelefoni", phase=11)]


def read(rows, columns=NO_MAP, institutions=INSTITUTIONS, agreements=AGREEMENTS, sheet="Parter"):
    return memberships_from_rows(rows, sheet, columns, institutions, agreements)


def triples(memberships) -> set[tuple[str, int | None, str]]:
    return {(m.institution, m.phase, m.agreement) for m in memberships}


def levels(findings, level):
    return [f for f in findings if f.level == level]


def write_list(path: Path, rows, header=None, **kw) -> Path:
    path.write_bytes(workbook_bytes(party_list_workbook(rows, header, **kw)))
    return path


# ---------------------------------------------------------------- the two shapes

def test_long_form_phases_and_agreements():
    rows = [["Parter på aftaler, januar 2024"], [],
            ["Kunde", "CVR", "Fase", "Aftale", "Bemærkning"],
            ["Eksempelby Kommune", "23043823", "9", "", ""],
            ["Eksempelby Kommune", "", "Fase 10", "", ""],
            ["Region Eksempel", "", 11.0, "", "ny"],
            ["Solsikken", "47384656", "", "computeraftalen", ""],   # by CVR, agreement in another case
            ["Fjordby Kommune", "", 9, "Computeraftalen", ""],      # both: the agreement only
            ["Fjordby Kommune", "", "", "Kaffeaftalen", ""],        # not in Aftaler
            ["Region Eksempel", "", "niende", "", ""],              # not a phase
            ["Region Eksempel", "", "", "", ""],                    # neither
            [None, None, None, None, None]]
    mems, findings = read(rows)
    assert find_layout(rows, NO_MAP, AGREEMENTS).shape == LONG
    assert triples(mems) == {("Eksempelby Kommune", 9, ""), ("Eksempelby Kommune", 10, ""),
                             ("Region Eksempel", 11, ""), ("Den Selvejende Institution Solsikken", None,
                                                           "Computeraftalen"),
                             ("Fjordby Kommune", None, "Computeraftalen")}
    assert [m.row for m in mems] == [4, 5, 6, 7, 8]
    warnings = levels(findings, ADVARSEL)
    assert [(f.row, f.field) for f in warnings] == [(10, "Fase"), (11, "Fase")]
    assert "'niende' er ikke et fasenummer" in warnings[0].message
    infos = [f.message for f in levels(findings, INFO)]
    assert any("'Bemærkning'" in m and "ukendt kolonne" in m for m in infos)
    assert any(m.startswith("1 aftale i partslisten findes ikke i arket Aftaler") and "'Kaffeaftalen'" in m
               for m in infos)
    assert not levels(findings, FEJL)


def test_grid_with_phases_and_agreements_as_columns():
    header = ["Institution", "9. fase", "Fase 10", "fase 11", "12. udbudsrunde", 8, "  computeraftalen ",
              "Multifunktionsmaskiner"]
    rows = [header,
            ["Eksempelby Kommune", "x", "x", None, None, None, None, None],
            ["Region Eksempel", None, None, "x", "x", "x", None, "x"],
            ["Den Selvejende Institution Solsikken", None, None, None, None, None, "x", None]]
    mems, findings = read(rows)
    assert find_layout(rows, NO_MAP, AGREEMENTS).shape == GRID
    assert triples(mems) == {("Eksempelby Kommune", 9, ""), ("Eksempelby Kommune", 10, ""),
                             ("Region Eksempel", 11, ""), ("Region Eksempel", 12, ""), ("Region Eksempel", 8, ""),
                             ("Region Eksempel", None, "Multifunktionsmaskiner"),
                             ("Den Selvejende Institution Solsikken", None, "Computeraftalen")}
    assert not levels(findings, ADVARSEL) and not levels(findings, FEJL)
    assert "partslisten (gitter) gav 7 partsforhold for 3 institutioner i registret" in findings[-1].message


@pytest.mark.parametrize("label,phase", [("9. fase", 9), ("Fase 9", 9), ("fase 10", 10), ("10. udbudsrunde", 10),
                                         ("Udbudsrunde 11", 11), ("9", 9), (9, 9), (9.0, 9), ("9.", 9),
                                         ("FASE  12", 12)])
def test_phase_labels(label, phase):
    assert phase_label(label) == phase


@pytest.mark.parametrize("label", ["Computeraftalen", "9,5", "fase", 0, 100, 2024, True, "", None, "9. fase 10"])
def test_not_phase_labels(label):
    assert phase_label(label) is None


def test_title_rows_above_the_header_are_skipped():
    rows = ([["Oversigt over parter på aftaler i Statens Indkøbsprogram"], ["Fase 9 og 10"], ["Institution"],
             [None, "9. fase"]]  # a lone "Institution" and a lone phase are no header
            + [["Institution", "CVR", "9. fase", "Fase 10"], ["Eksempelby Kommune", "23043823", "x", ""]])
    mems, _ = read(rows)
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    assert mems[0].row == 6


def test_a_header_below_row_30_is_not_found():
    rows = [["titel"]] * 30 + [["Institution", "9. fase"], ["Eksempelby Kommune", "x"]]
    with pytest.raises(FieldError, match="første 30 rækker"):
        read(rows)
    assert triples(read(rows[1:])[0]) == {("Eksempelby Kommune", 9, "")}


# ---------------------------------------------------------------- institutions

def test_cvr_match_uses_the_register_name():
    rows = [["Navn", "CVR-nr.", "9. fase"],
            ["Solsikken (selvejende)", 47384656.0, "x"],      # a number cell; the register's CVR has spaces
            ["REGION  EKSEMPEL", "DK-38678574", "x"],          # CVR and name differently written
            ["Fjordby Kommune", "12345678", "x"]]             # an invalid CVR: found by name
    mems, findings = read(rows)
    assert triples(mems) == {("Den Selvejende Institution Solsikken", 9, ""), ("Region Eksempel", 9, ""),
                             ("Fjordby Kommune", 9, "")}
    assert not levels(findings, ADVARSEL)


def test_a_cvr_that_differs_from_the_registers_warns_and_the_name_decides():
    rows = [["Institution", "CVR", "9. fase"], ["Eksempelby Kommune", "22106848", "x"]]
    mems, findings = read(rows)
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    [w] = levels(findings, ADVARSEL)
    assert (w.row, w.field) == (2, "CVR") and "22106848" in w.message and "23043823" in w.message


def test_units_sharing_a_cvr_are_all_party_unless_one_has_the_name():
    units = [Institution(name="Eksempelby Kommune, Skoler", cvr="23043823"),
             Institution(name="Eksempelby Kommune, Rådhuset", cvr="23043823")]
    rows = [["Institution", "CVR", "9. fase"], ["Eksempelby Kommune", "23043823", "x"]]
    assert {m.institution for m in read(rows, institutions=units)[0]} == {u.name for u in units}
    rows[1][0] = "eksempelby kommune, rådhuset"
    assert {m.institution for m in read(rows, institutions=units)[0]} == {"Eksempelby Kommune, Rådhuset"}


def test_institutions_not_in_the_register_give_one_info():
    rows = [["Institution", "CVR", "9. fase", "Fase 10"]]
    rows += [[f"Kommune {i}", "", "x", "måske"] for i in range(200)]   # odd marks too: not per row
    rows += [["Eksempelby Kommune", "", "x", ""], [None, "41200006", "x", ""]]
    mems, findings = read(rows)
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    assert not levels(findings, ADVARSEL)
    [missing] = [f for f in findings if "findes ikke i registret" in f.message]
    assert missing.level == INFO and missing.row is None
    assert missing.message.startswith("201 institutioner i partslisten findes ikke i registret og springes over")
    assert "'Kommune 0'" in missing.message


# ---------------------------------------------------------------- marks

YES = ["x", "X", " x ", "ja", "Ja", "JA", 1, 1.0, "1", "SAND", "sand", "TRUE", True, "✓", "✔", "part", "Part"]
NO = [None, "", "  ", "nej", "Nej", 0, 0.0, "0", "FALSK", "false", False]


@pytest.mark.parametrize("mark", YES)
def test_every_accepted_mark_makes_a_membership(mark):
    mems, findings = read([["Institution", "9. fase"], ["Eksempelby Kommune", mark]])
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    assert not levels(findings, ADVARSEL)


@pytest.mark.parametrize("mark", NO)
def test_blank_and_no_make_none(mark):
    mems, findings = read([["Institution", "9. fase"], ["Eksempelby Kommune", mark]])
    assert mems == [] and not levels(findings, ADVARSEL)


@pytest.mark.parametrize("mark", ["måske", "ja tak", 2, "xx", "✗", "-"])
def test_an_odd_mark_gives_a_warning_with_row_and_column(mark):
    rows = [["Titel"], ["Institution", "CVR", "9. fase", "Computeraftalen"],
            ["Eksempelby Kommune", "", "x", mark]]
    mems, findings = read(rows)
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    [w] = levels(findings, ADVARSEL)
    assert (w.sheet, w.row, w.field) == ("Parter", 3, "Computeraftalen")
    assert "cellen D3" in w.message and "tages ikke med" in w.message
    assert "Ark 'Parter', række 3, felt 'Computeraftalen'" in str(w)


def test_marks_without_an_institution_warn():
    mems, findings = read([["Institution", "9. fase"], [None, "x"]])
    assert mems == []
    [w] = levels(findings, ADVARSEL)
    assert w.row == 2 and "ingen institution" in w.message


def test_unknown_columns_give_one_info_each():
    rows = [["Institution", "Type", "9. fase", "Kaffeaftalen", None, "Fase 200"],
            ["Eksempelby Kommune", "Kommune", "x", "x", "x", "x"],
            ["Region Eksempel", "Region", "", "x", "", "x"]]
    mems, findings = read(rows)
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    columns = [f for f in findings if "hverken en aftale" in f.message]
    assert [(f.field, f.row) for f in columns] == [("Type", 1), ("Kaffeaftalen", 1), ("Fase 200", 1)]
    assert all(f.level == INFO and f.message.endswith("er hverken en aftale i Aftaler eller en fase og springes "
                                                      "over") for f in columns)
    assert "kolonnen 'Kaffeaftalen' (D)" in columns[1].message


def test_no_header_raises_naming_the_sheet():
    with pytest.raises(FieldError, match="Ark 'Liste'.*overskriftsrække"):
        read([["Institution", "Kaffeaftalen"], ["Eksempelby Kommune", "x"]], sheet="Liste")


# ---------------------------------------------------------------- files

def test_the_bundled_example_party_list(tmp_path):
    bundled = data_path("eksempel_partsliste.xlsx")
    made = write_list(tmp_path / "liste.xlsx", PARTY_LIST)
    assert read_sheets(bundled) == read_sheets(made)  # the same cells (the bytes depend on lxml)
    assert read_sheets(bundled) == read_sheets(_bytes_file(tmp_path / "b.xlsx", example_party_list()))
    assert "EKSEMPELDATA" in read_sheets(bundled)["Læs mig"][0][0]
    reg = read_register(data_path("eksempel_register.xlsx"))
    mems, findings = read_party_list(bundled, NO_MAP, reg.institutions, reg.agreements)
    assert triples(mems) == {("Eksempelby Kommune", 9, ""), ("Eksempelby Kommune", 10, ""),
                             ("Region Eksempel", 10, ""), ("Region Eksempel", 11, ""),
                             ("Den Selvejende Institution Solsikken", None, "Computeraftalen"),
                             ("Fjordby Kommune", 9, ""), ("Fjordby Kommune", 11, "")}
    assert {f.sheet for f in findings} == {"Partsliste (eksempel_partsliste.xlsx)"}
    assert any(f.message.startswith("4 institutioner i partslisten findes ikke i registret") for f in findings)
    assert not levels(findings, ADVARSEL) and not levels(findings, FEJL)


def _bytes_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _verdicts(reg):
    return [(p.status, p.institution_name, p.agreement_name) for p in plan(reg)]


EXPECTED = [
    (GENERATED, "Eksempelby Kommune", "Computeraftalen"),
    (GENERATED, "Eksempelby Kommune", "Multifunktionsmaskiner"),
    (SKIPPED, "Eksempelby Kommune", "Kontorartikler"),
    (GENERATED, "Region Eksempel", "Multifunktionsmaskiner"),
    (SKIPPED, "Region Eksempel", "Mobiltelefoni"),
    (GENERATED, "Den Selvejende Institution Solsikken", "Computeraftalen"),
    (SKIPPED, "Eksempelstyrelsen", "Computeraftalen"),
    (SKIPPED, "Fjordby Kommune", "Computeraftalen"),
    (SKIPPED, "Eksempelby Kommune", "Computeraftalen"),
]


def test_memberships_appended_after_read_register_are_used_by_plan():
    """What ``xlkopi enrol REGISTER --parter LISTE.xlsx`` does: the list's memberships join the register's."""
    reg = read_register(data_path("eksempel_register.xlsx"))
    assert _verdicts(reg) == EXPECTED
    mems, findings = read_party_list(data_path("eksempel_partsliste.xlsx"), NO_MAP, reg.institutions,
                                     reg.agreements)
    reg.memberships.extend(mems)
    reg.findings.extend(findings)
    expected = list(EXPECTED)
    expected[7] = (GENERATED, "Fjordby Kommune", "Computeraftalen")  # the list makes Fjordby party to phase 9
    assert _verdicts(reg) == expected
    assert set(findings) <= set(reg.all_findings())


def test_sheets_are_read_before_parter():
    order = [s.name for s in SHEETS]
    assert order.index("Institutioner") < order.index("Parter") and order.index("Aftaler") < order.index("Parter")


def _grid_register(title: bool = True):
    data = copy.deepcopy(EXAMPLE)
    headers = dict(HEADERS)
    header = ["Institution", "CVR", "9. fase", "10. fase", "Fase 11", "Computeraftalen"]
    grid = [["Eksempelby Kommune", "23043823", "x", "x", "", ""],
            ["Region Eksempel", "38678574", "", "ja", "X", ""],
            ["Solsikken", "47384656", "", "", "", "✓"],           # the register's name through the CVR
            ["Fjordby Kommune", "22106848", "", "", "SAND", ""],
            ["Nordby Kommune", "29100004", "x", "x", "x", "x"]]     # not in the register
    if title:
        headers["Parter"] = ["Partsliste fra Statens Indkøb (indsat)"]
        data["Parter"] = [[], header] + grid
    else:
        headers["Parter"] = header
        data["Parter"] = grid
    return data, headers


@pytest.mark.parametrize("title", [True, False])
def test_a_grid_parter_sheet_in_the_register_end_to_end(tmp_path, title):
    data, headers = _grid_register(title)
    path = tmp_path / "register.xlsx"
    path.write_bytes(workbook_bytes(register_workbook(data, headers)))
    reg = read_register(path)
    assert triples(reg.memberships) == {
        ("Eksempelby Kommune", 9, ""), ("Eksempelby Kommune", 10, ""), ("Region Eksempel", 10, ""),
        ("Region Eksempel", 11, ""), ("Den Selvejende Institution Solsikken", None, "Computeraftalen"),
        ("Fjordby Kommune", 11, "")}
    assert _verdicts(reg) == EXPECTED
    findings = reg.all_findings()
    assert not [f for f in findings if f.sheet == "Parter" and f.level in (FEJL, ADVARSEL)]
    assert any(f.sheet == "Parter" and f.message.startswith("1 institution i partslisten findes ikke") for f in
               findings)
    assert all(m.row >= (4 if title else 2) for m in reg.memberships)


def test_the_long_form_parter_sheet_is_read_as_before():
    reg = read_register(data_path("eksempel_register.xlsx"))
    assert [(m.row, m.institution, m.phase, m.agreement) for m in reg.memberships] == [
        (2, "Eksempelby Kommune", 9, ""), (3, "Eksempelby Kommune", 10, ""), (4, "Region Eksempel", 10, ""),
        (5, "Region Eksempel", 11, ""), (6, "Den Selvejende Institution Solsikken", None, "Computeraftalen"),
        (7, "Fjordby Kommune", 11, "")]
    assert not [f for f in reg.all_findings() if f.sheet == "Parter"]


def test_a_grid_parter_sheet_in_a_csv_register(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    for sheet, rows in EXAMPLE.items():
        if sheet == "Parter":
            lines = ["Partsliste;;", "Institution;9. fase;Fase 10", "Eksempelby Kommune;x;x", "Region Eksempel;;x"]
        else:
            lines = [";".join(HEADERS[sheet])] + [";".join(str(v) for v in r) for r in rows]
        (folder / f"{sheet}.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    reg = read_register(folder)
    assert triples(reg.memberships) == {("Eksempelby Kommune", 9, ""), ("Eksempelby Kommune", 10, ""),
                                        ("Region Eksempel", 10, "")}


def test_danish_column_map_names(tmp_path):
    cmap_file = tmp_path / "kolonner.toml"
    cmap_file.write_text('[ark]\nParter = "Partsoversigt"\n\n[kolonner.Parter]\nInstitution = "Myndighed"\n'
                         'CVR = "Myndighedens CVR-nr."\n', encoding="utf-8")
    cmap = ColumnMap.load(cmap_file)
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "Gammel liste"    # a party list too, but not the sheet the map names
    first.append(["Myndighed", "Institution", "9. fase"])
    first.append(["Eksempelby Kommune", "Eksempelby Kommune", "x"])
    ws = wb.create_sheet("partsoversigt")
    ws.append(["Statens Indkøb"])
    ws.append(["Myndighed", "Myndighedens CVR-nr.", "Institution", "Fase 10"])
    ws.append(["Solsikken", "47384656", "ignoreret", "x"])
    path = tmp_path / "liste.xlsx"
    wb.save(path)
    mems, findings = read_party_list(path, cmap, INSTITUTIONS, AGREEMENTS)
    assert triples(mems) == {("Den Selvejende Institution Solsikken", 10, "")}
    assert {f.sheet for f in findings} == {"partsoversigt (liste.xlsx)"}
    assert any(f.field == "Institution" and "hverken en aftale" in f.message for f in findings)
    # without the map the sheet named there is not needed: the first party list is read
    mems, _ = read_party_list(path, NO_MAP, INSTITUTIONS, AGREEMENTS)
    assert triples(mems) == {("Eksempelby Kommune", 9, "")}
    # the map names a sheet the list does not have (it may be the register's name): the first party list
    other = ColumnMap({"Parter": "Findes ikke"}, {})
    assert triples(read_party_list(path, other, INSTITUTIONS, AGREEMENTS)[0]) == {("Eksempelby Kommune", 9, "")}


def test_a_cp1252_csv_party_list(tmp_path):
    institutions = INSTITUTIONS + [Institution(name="Ærø Kommune", cvr="29100012"),
                                   Institution(name="Region Prøve", cvr="")]
    text = ("Partsliste – Statens Indkøbsprogram\r\n\r\n"
            "Institution;CVR-nummer;9. fase;Fase 10;Multifunktionsmaskiner\r\n"
            "Ærø Kommune;29100012;x;;\r\n"
            "Region Prøve;;;ja;\r\n"
            "Søby Kommune;;x;x;x\r\n"
            "Eksempelby Kommune;23 04 38 23;;;SAND\r\n")
    path = tmp_path / "partsliste.csv"
    path.write_bytes(text.encode("cp1252"))
    mems, findings = read_party_list(path, NO_MAP, institutions, AGREEMENTS)
    assert triples(mems) == {("Ærø Kommune", 9, ""), ("Region Prøve", 10, ""),
                             ("Eksempelby Kommune", None, "Multifunktionsmaskiner")}
    assert {f.sheet for f in findings} == {"partsliste.csv"}
    assert any("'Søby Kommune'" in f.message for f in findings)
    assert mems[0].row == 4


# ---------------------------------------------------------------- hostile input

def test_hostile_text(tmp_path):
    long_header = "Æ" * 10_000
    header = ["Institution", "9. fase", '=HYPERLINK("http://x.example","klik")', long_header, "Fase\u202e 10"]
    rows = [["Eksempelby\u202e Kommune\u200b", "x", "x", "x", "=1+1"],   # bidi and zero-width: dropped
            ["Region\nEksempel", "x", "", "", ""],                        # a line break: a space (wrapped cell)
            ['=HYPERLINK("http://x.example")', "x", "", "", ""],
            ["Region Eksempel", "x\x85", "", "", "nej\r"],              # the vocabulary folds the marks
            ["Fjordby Kommune", "=SUM(A1:A9)", "", "", "\u202ex"]]
    path = write_list(tmp_path / "liste.xlsx", rows, header)
    mems, findings = read_party_list(path, NO_MAP, INSTITUTIONS, AGREEMENTS)
    assert triples(mems) == {("Eksempelby Kommune", 9, ""), ("Region Eksempel", 9, ""), ("Fjordby Kommune", 10, "")}
    texts = [str(f) for f in findings]
    assert all(not any(ch in t for ch in "\n\r\x85\u202e") for t in texts)
    assert all(len(t) < 600 for t in texts)
    warns = levels(findings, ADVARSEL)
    assert {(w.row, w.field) for w in warns} == {(4, "Fase 10"), (8, "9. fase")}
    assert any("'=1+1'" in w.message for w in warns) and any("'=SUM(A1:A9)'" in w.message for w in warns)
    assert any("=HYPERLINK" in f.message and "hverken en aftale" in f.message for f in findings)
    [missing] = [f for f in findings if "findes ikke i registret" in f.message]
    assert missing.message.startswith("1 institution ")  # only the formula-looking name is not in the register


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "liste.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 ** 3)
    with pytest.raises(UntrustedFileError, match="Partslisten 'liste.xlsx' fylder"):
        read_party_list(big, NO_MAP, INSTITUTIONS, AGREEMENTS)


def test_a_stray_far_cell_is_refused_by_the_safety_layer(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Institution", "9. fase"])
    ws.append(["Eksempelby Kommune", "x"])
    ws["XFD1048576"] = "x"
    path = tmp_path / "liste.xlsx"
    wb.save(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(UntrustedFileError, match="liste.xlsx"):
        read_party_list(path, NO_MAP, INSTITUTIONS, AGREEMENTS)


def test_a_zip_bomb_sheet_is_refused(tmp_path):
    path = write_list(tmp_path / "liste.xlsx", [["Eksempelby Kommune", "x"]], ["Institution", "9. fase"])
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", b"</sheetData>" + b" " * (300 * 1024 * 1024))
            dst.writestr(info.filename, data)
    with pytest.raises(UntrustedFileError):
        read_party_list(bomb, NO_MAP, INSTITUTIONS, AGREEMENTS)


@pytest.mark.parametrize("name,content,words", [
    ("liste.xlsx", b"Institution;9. fase\n", "Partslisten 'liste.xlsx' er ikke en Excel-fil"),
    ("liste.txt", b"Institution;9. fase\n", "Partslisten 'liste.txt' er hverken en Excel-fil"),
    ("liste.xlsx", b"", "Partslisten 'liste.xlsx' er en tom fil"),
    ("liste.csv", b"\r\n;;\r\n", "Partslisten 'liste.csv' er tom"),
    ("liste.csv", b"Navn;Adresse\r\nEksempelby Kommune;Vej 1\r\n", "Partslisten 'liste.csv' har intet ark"),
    ("liste.csv", b"Institution;9. fase\x00\r\n", "ikke en tekstfil"),
])
def test_unreadable_files_raise_naming_the_file(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises((WorkbookError, InputError), match=words):
        read_party_list(path, NO_MAP, INSTITUTIONS, AGREEMENTS)


def test_a_missing_file_and_a_folder(tmp_path):
    with pytest.raises(WorkbookError, match="findes ikke"):
        read_party_list(tmp_path / "mangler.xlsx", NO_MAP, INSTITUTIONS, AGREEMENTS)
    with pytest.raises(WorkbookError, match="mappe"):
        read_party_list(tmp_path, NO_MAP, INSTITUTIONS, AGREEMENTS)


# ---------------------------------------------------------------- property: a random grid round-trips

PHASE_SPELLINGS = (lambda p: f"{p}. fase", lambda p: f"Fase {p}", lambda p: f"fase {p}", lambda p: p,
                   lambda p: f"{p}. udbudsrunde", lambda p: str(p))
AGREEMENT_NAMES = ("Computeraftalen", "Multifunktionsmaskiner", "Mobiltelefoni", "Rejsebureauydelser")
YES_FORMS = ("x", "X", "ja", 1, "SAND", True, "✓", "part")
NO_FORMS = (None, "", "nej", 0, "FALSK", False)


@st.composite
def grids(draw):
    n = draw(st.integers(1, 6))
    names = [f"Testkommune {i}" for i in range(n)]
    columns: list[tuple[object, int | None, str]] = []   # (header, phase, agreement)
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            phase = draw(st.integers(1, 99))
            columns.append((draw(st.sampled_from(PHASE_SPELLINGS))(phase), phase, ""))
        else:
            name = draw(st.sampled_from(AGREEMENT_NAMES))
            columns.append((draw(st.sampled_from((name, name.upper(), f" {name.lower()} "))), None, name))
    body = []
    expected = set()
    for name in names + ["Ukendt Kommune"]:
        row: list[object] = [name]
        for _, phase, agreement in columns:
            yes = draw(st.booleans())
            row.append(draw(st.sampled_from(YES_FORMS if yes else NO_FORMS)))
            if yes and name in names:
                expected.add((name, phase, agreement))
        body.append(row)
    titles = draw(st.lists(st.sampled_from([["Partsliste"], [], ["Institution"], [None, "Statens Indkøb"]]),
                           max_size=3))
    rows = titles + [["Institution"] + [c[0] for c in columns]] + draw(st.permutations(body))
    return names, rows, expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_a_random_grid_round_trips_into_its_memberships(case):
    names, rows, expected = case
    institutions = [Institution(name=n) for n in names]
    agreements = [Agreement(name=a) for a in AGREEMENT_NAMES]
    mems, findings = memberships_from_rows(rows, "Parter", NO_MAP, institutions, agreements)
    assert triples(mems) == expected
    assert len(mems) == len(expected)    # each membership once, however many columns name it
    assert not levels(findings, ADVARSEL) and not levels(findings, FEJL)

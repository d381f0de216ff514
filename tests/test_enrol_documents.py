"""A whole enrolment run with the agency's documents: Word Bilag 7 + Skema in one draft, folders per
agreement, signing, the published party list, follow-up kept across reruns, the log-in request, --pdf.

The register is the bundled example (fictitious); the Word Bilag 7 the bundled agency-style form.
"""

from __future__ import annotations

import email
import email.policy
import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from xlkopi.cli import main
from xlkopi.enrol.batch import FAILED, GENERATED, data_path, example_document, run
from xlkopi.enrol.example import EXAMPLE, register_workbook, workbook_bytes
from xlkopi.enrol.followup import CONFIRMED, SENT
from xlkopi.enrol.overview import layout

REGISTER = data_path("eksempel_register.xlsx")


def _run(out: Path, **kw):
    document, mapping = example_document()
    return run(REGISTER, out, document=document, document_mapping=mapping, **kw)


def _generated(report):
    return [r for r in report.results if r.status == GENERATED]


def test_each_enrolment_gets_bilag7_and_skema_in_one_draft(tmp_path):
    report = _run(tmp_path / "ud")
    made = _generated(report)
    assert len(made) == 4 and report.exit_code == 0
    for r in made:
        folder = r.workbook_name.split("/")[0]
        assert folder in ("Computeraftalen (fase 9)", "Multifunktionsmaskiner (fase 10)")
        assert r.document_name == r.workbook_name[:-5] + ".docx"
        msg = email.message_from_bytes((tmp_path / "ud" / r.eml_name).read_bytes(), policy=email.policy.default)
        atts = list(msg.iter_attachments())
        assert [a.get_filename() for a in atts] == [Path(r.document_name).name, Path(r.workbook_name).name]
        assert atts[0].get_content_type().endswith("wordprocessingml.document")
        assert atts[0].get_content() == (tmp_path / "ud" / r.document_name).read_bytes()
        assert atts[1].get_content() == (tmp_path / "ud" / r.workbook_name).read_bytes()
        assert "Vedhæftet er det udfyldte Bilag 7 og det tilhørende Excel-ark Skema" in msg.get_body().get_content()
        d = docx.Document(tmp_path / "ud" / r.document_name)
        info = {row.cells[0].text: row.cells[1].text for row in d.tables[0].rows}
        assert info["Institutionens navn"] == r.institution
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == [
        "Computeraftalen (fase 9)", "Multifunktionsmaskiner (fase 10)", "Oversigt.xlsx"]


def test_signing_state_from_the_register(tmp_path):
    report = _run(tmp_path / "ud")
    by = {(r.institution, r.agreement): r for r in _generated(report)}
    ready = by[("Eksempelby Kommune", "Computeraftalen")]  # name, title and a date in Tilmeldinger
    assert ready.signature_ready
    assert ready.signature == "Klar til underskrift af Bo Borgmester (Borgmester), dateret 01-12-2026"
    sign = {row.cells[0].text: row.cells[1].text
            for row in docx.Document(tmp_path / "ud" / ready.document_name).tables[-1].rows}
    assert sign == {"Dato:": "01-12-2026", "Navn:": "Bo Borgmester", "Titel:": "Borgmester", "Underskrift:": ""}
    solsikken = by[("Den Selvejende Institution Solsikken", "Computeraftalen")]  # no title, no date
    assert not solsikken.signature_ready
    assert solsikken.signature == "Skal underskrives af Åge Formand; mangler i registret: titel, dato"
    sheet = openpyxl.load_workbook(tmp_path / "ud" / "Oversigt.xlsx")["Oversigt"]
    header = [c.value for c in sheet[1]]
    col = header.index("Underskrift")
    shown = {sheet.cell(row=i, column=2).value: sheet.cell(row=i, column=col + 1).value
             for i in range(2, sheet.max_row + 1) if sheet.cell(row=i, column=3).value == "Computeraftalen"}
    assert shown["Den Selvejende Institution Solsikken"].startswith("Skal underskrives")


def _type_followup(overview: Path, institution: str, agreement: str, values: dict[str, object]) -> None:
    """What a user does: open Oversigt.xlsx in Excel, type dates into the yellow columns, save."""
    wb = openpyxl.load_workbook(overview)
    ws = wb["Oversigt"]
    header = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=2).value == institution and ws.cell(row=row, column=3).value == agreement:
            for name, value in values.items():
                ws.cell(row=row, column=header.index(name) + 1, value=value)
    wb.save(overview)


def test_rerun_keeps_followup_and_drafts_the_login_request(tmp_path):
    out = tmp_path / "ud"
    _run(out)
    overview = out / "Oversigt.xlsx"
    _type_followup(overview, "Eksempelby Kommune", "Computeraftalen",
                   {SENT: date(2026, 12, 2), CONFIRMED: "09-12-2026", "Bemærkning": "ring til Anne"})
    _type_followup(overview, "Region Eksempel", "Multifunktionsmaskiner", {SENT: "2/12-2026"})
    report = _run(out)  # no --force: the overview is xlkopi's own and what was typed is carried over
    assert report.exit_code == 0 and not report.overview_problem
    by = {(r.institution, r.agreement): r for r in _generated(report)}  # the example also has a duplicate row
    confirmed = by[("Eksempelby Kommune", "Computeraftalen")]
    assert confirmed.followup.sent == date(2026, 12, 2) and confirmed.followup.confirmed == date(2026, 12, 9)
    assert confirmed.login_name == ("Computeraftalen (fase 9)/"
                                    "Anmodning om log-in - Eksempelby Kommune - Computeraftalen.eml")
    msg = email.message_from_bytes((out / confirmed.login_name).read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Anmodning om log-in til Computeraftalen"
    body = msg.get_body().get_content()
    assert "er tilmeldt Computeraftalen (fase 9) som frivillig kunde (bekræftet 09-12-2026)" in body
    assert "anmoder om log-in" in body and not list(msg.iter_attachments())
    assert not by[("Region Eksempel", "Multifunktionsmaskiner")].login_name  # sent, not confirmed yet
    ws = openpyxl.load_workbook(overview)["Oversigt"]
    header = [c.value for c in ws[1]]
    rows = {(ws.cell(row=i, column=2).value, ws.cell(row=i, column=3).value): i for i in range(2, ws.max_row + 1)}
    row = rows[("Eksempelby Kommune", "Computeraftalen")]
    assert ws.cell(row=row, column=header.index(SENT) + 1).value.date() == date(2026, 12, 2)
    assert ws.cell(row=row, column=header.index("Bemærkning") + 1).value == "ring til Anne"
    assert ws.cell(row=rows[("Region Eksempel", "Multifunktionsmaskiner")],
                   column=header.index(SENT) + 1).value.date() == date(2026, 12, 2)
    assert header == layout()
    third = _run(out)  # a third run changes nothing
    assert third.files("uændret") == sum(len(r.file_states) for r in third.results) + 1


def test_an_overview_that_is_not_ours_is_not_overwritten(tmp_path):
    out = tmp_path / "ud"
    out.mkdir()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Mit eget regneark"
    wb.save(out / "Oversigt.xlsx")
    before = (out / "Oversigt.xlsx").read_bytes()
    report = _run(out)
    assert report.overview_problem and (out / "Oversigt.xlsx").read_bytes() == before
    assert report.exit_code == 1
    assert _run(out, force=True).overview_problem == ""


def test_party_list_as_second_input(tmp_path):
    register = tmp_path / "register.xlsx"
    data = {k: [list(r) for r in v] for k, v in EXAMPLE.items()}
    data["Parter"] = []  # the memberships come only from the agency's list
    data["Tilmeldinger"].append(["Fjordby Kommune", "Multifunktionsmaskiner", ""])
    register.write_bytes(workbook_bytes(register_workbook(data)))
    without = run(register, tmp_path / "uden")
    assert all(r.status != GENERATED for r in without.results)
    shutil.copy(data_path("eksempel_partsliste.xlsx"), tmp_path / "partsliste.xlsx")
    report = run(register, tmp_path / "med", party_list=tmp_path / "partsliste.xlsx")
    made = {(r.institution, r.agreement) for r in _generated(report)}
    assert ("Eksempelby Kommune", "Computeraftalen") in made
    assert ("Den Selvejende Institution Solsikken", "Computeraftalen") in made  # found by CVR
    assert any("partslisten" in f.message for f in report.findings)


def test_cli_flags(tmp_path, capsys):
    document, mapping = example_document()
    code = main(["enrol", str(REGISTER), "--out", str(tmp_path / "ud"), "--bilag7", str(document),
                 "--bilag7-feltkort", str(mapping), "--parter", str(data_path("eksempel_partsliste.xlsx"))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert len(list((tmp_path / "ud").rglob("*.docx"))) == 5  # Fjordby is party to phase 9 by the list
    assert "Skal underskrives" in out
    code = main(["enrol", str(REGISTER), "--out", str(tmp_path / "ud2"), "--bilag7", str(tmp_path / "mangler.docx")])
    assert code == 2 and "mangler.docx" in capsys.readouterr().out


def test_agreement_names_its_own_word_bilag7(tmp_path):
    data = {k: [list(r) for r in v] for k, v in EXAMPLE.items()}
    for row in data["Aftaler"]:
        if row[0] == "Computeraftalen":
            row[5:7] = ["bilag7.docx", "bilag7.toml"]
    register = tmp_path / "register.xlsx"
    register.write_bytes(workbook_bytes(register_workbook(data)))
    document, mapping = example_document()
    shutil.copy(document, tmp_path / "bilag7.docx")
    shutil.copy(mapping, tmp_path / "bilag7.toml")
    report = run(register, tmp_path / "ud")
    for r in _generated(report):
        assert bool(r.document_name) == (r.agreement == "Computeraftalen"), r
    missing = {k: [list(r) for r in v] for k, v in data.items()}
    for row in missing["Aftaler"]:
        if row[0] == "Computeraftalen":
            row[5] = "findes_ikke.docx"
    register.write_bytes(workbook_bytes(register_workbook(missing)))
    report = run(register, tmp_path / "ud2")
    failed = [r for r in report.results if r.agreement == "Computeraftalen" and r.status == FAILED]
    assert failed and all("findes_ikke.docx" in r.reason for r in failed)
    assert any(r.status == GENERATED for r in report.results)  # the other agreements are still made


@pytest.mark.libreoffice
def test_pdf_for_signing(tmp_path, soffice):
    import subprocess

    report = _run(tmp_path / "ud", pdf=True)
    made = _generated(report)
    for r in made:
        assert r.pdf_name == r.document_name[:-5] + ".pdf"
        pdf = tmp_path / "ud" / r.pdf_name
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
            assert r.institution.split()[0] in text and "Bilag 7" in text
    again = _run(tmp_path / "ud", pdf=True)  # unchanged documents keep their PDFs: no --force needed
    assert again.exit_code == 0 and all(s == "uændret" for r in _generated(again) for s in r.file_states)


def test_a_broken_bilag7_option_is_an_input_error(tmp_path):
    from xlkopi.errors import WorkbookError

    bad = tmp_path / "bad.docx"
    d = docx.Document()
    d.add_paragraph("{{Ukendt}}")
    d.save(bad)
    with pytest.raises(WorkbookError, match=r"\{\{Ukendt\}\}"):
        run(REGISTER, tmp_path / "ud", document=bad)
    assert not (tmp_path / "ud").exists() or not any((tmp_path / "ud").iterdir())

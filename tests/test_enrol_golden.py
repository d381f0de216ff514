"""Golden files and LibreOffice for the enrolment generator.

``tests/golden/enrol/`` holds the approved output of the bundled example
(the four workbooks, the four Word Bilag 7, their e-mail drafts, one folder
per agreement, and Oversigt.xlsx). The comparison is cell by cell (value and
type) plus the parts of a workbook a user sees (merged cells, tables, defined
names); a Word document by its canonicalised document XML (C14N 2.0); for
drafts the headers and the text, with the attachments compared the same way. What may change on every save
(zip timestamps, document dates, Message-ID and MIME boundary, which depend
on the attachment's bytes) is ignored.

To approve a changed output after reviewing it::

    XLKOPI_APPROVE_GOLDEN=1 python3 -m pytest -q tests/test_enrol_golden.py
"""

from __future__ import annotations

import email
import email.policy
import io
import os
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from golden_view import workbook_view

from xlkopi.enrol.batch import data_path, default_template, example_document, run
from xlkopi.enrol.template import FIELDS, Template

GOLDEN = Path(__file__).parent / "golden" / "enrol"
APPROVE = os.environ.get("XLKOPI_APPROVE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden-run")
    document, mapping = example_document()
    report = run(data_path("eksempel_register.xlsx"), out, document=document, document_mapping=mapping)
    assert report.exit_code == 0
    if APPROVE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    return out


def document_view(data: bytes) -> str:
    """A Word document as its canonicalised main part (zip timestamps and member order ignored)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.canonicalize(etree.fromstring(zf.read("word/document.xml")))


def _view(path_or_data, name: str):
    data = path_or_data if isinstance(path_or_data, bytes) else path_or_data.read_bytes()
    return document_view(data) if name.endswith(".docx") else workbook_view(io.BytesIO(data))


def eml_view(raw: bytes) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return {
        "headers": {k: str(msg[k]) for k in ("To", "From", "Subject", "X-Unsent", "Date")},
        "body": msg.get_body().get_content(),
        "attachments": [(att.get_filename(), att.get_content_type(), _view(att.get_content(), att.get_filename()))
                        for att in msg.iter_attachments()],
    }


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_golden_files_exist():
    assert GOLDEN.is_dir(), "run with XLKOPI_APPROVE_GOLDEN=1 once to create the approved output"
    assert sorted(Path(p).suffix for p in _files(GOLDEN)) == [".docx"] * 4 + [".eml"] * 4 + [".xlsx"] * 5
    assert sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) == ["Computeraftalen (fase 9)",
                                                                      "Multifunktionsmaskiner (fase 10)"]


def test_same_files_as_golden(generated):
    assert _files(generated) == _files(GOLDEN)


@pytest.mark.parametrize("name", [n for n in _files(GOLDEN) if n.endswith((".xlsx", ".docx"))]
                         if GOLDEN.is_dir() else [])
def test_workbook_matches_golden_cell_by_cell(generated, name):
    assert _view(generated / name, name) == _view(GOLDEN / name, name)


@pytest.mark.parametrize("name", [n for n in _files(GOLDEN) if n.endswith(".eml")] if GOLDEN.is_dir() else [])
def test_draft_matches_golden(generated, name):
    assert eml_view((generated / name).read_bytes()) == eml_view((GOLDEN / name).read_bytes())


# --------------------------------------------------------------- LibreOffice

HOSTILE = {
    "aftale": "Computeraftalen", "fase": 9, "institution": '=HYPERLINK("http://x.invalid";"klik")',
    "institutionstype": "Selvejende institution", "cvr": "47384656", "ean": "5731234567896",
    "adresse": "Blomstervej 3\n9997 Havby", "kontaktperson": "+45 Søs Solsikke", "email": "kontor@solsikken.example",
    "telefon": "-99 99 30 00", "underskriver": "@Åge & <Formand>", "dato": date(2024, 3, 1), "antal_lokationer": 2,
}
HOSTILE_ROWS = [
    {"enhed": "=1+1", "ean": "5798813662830", "p_nummer": "1000000001", "leveringsadresse": "Vej _x0041_ 1",
     "kontaktperson": "Æ Ø Å"},
    {"enhed": "Enhed 2", "ean": "5798673904675", "p_nummer": "", "leveringsadresse": "Vej 2", "kontaktperson": ""},
]


@pytest.mark.libreoffice
def test_libreoffice_reopens_filled_workbook_and_overview(recalc, generated, tmp_path):
    """One conversion each: the hostile-filled template and the overview come back with every field."""
    filled = tmp_path / "udfyldt.xlsx"
    filled.write_bytes(Template.load(default_template()).fill(HOSTILE, HOSTILE_ROWS))
    back = openpyxl.load_workbook(recalc(filled))
    for key, value in HOSTILE.items():
        name = {"email": "Email", "antal_lokationer": "Antal_lokationer"}.get(key, key.capitalize())
        name = {"Cvr": "CVR", "Ean": "EAN"}.get(name, name)
        dn = back.defined_names[name]  # LibreOffice keeps the defined names
        ((sheet, ref),) = list(dn.destinations)
        cell = back[sheet][ref.replace("$", "")]
        got = cell.value.date() if isinstance(value, date) else cell.value
        assert got == value, (key, cell.value)
        if isinstance(value, str):
            assert cell.data_type == "s", key  # formula-looking text stayed text in LibreOffice too
    sk = back["Skema"]
    assert sk.tables["Lokationer"].ref == "A7:E9"
    assert sk["A8"].value == "=1+1" and sk["A8"].data_type == "s"
    assert sk["D8"].value == "Vej _x0041_ 1"  # the literal text, not "Vej A 1"
    assert back["Bilag 7"].protection.sheet and back["Skema"].protection.sheet
    assert "B4:D4" in {str(r) for r in back["Bilag 7"].merged_cells.ranges}

    overview = openpyxl.load_workbook(recalc(generated / "Oversigt.xlsx"))
    assert overview.sheetnames == ["Oversigt", "Fejl og advarsler"]
    assert [r[4] for r in overview["Oversigt"].iter_rows(min_row=2, values_only=True)].count("genereret") == 4


def test_all_fields_in_default_template():
    assert set(Template.load(default_template()).located) == set(FIELDS)

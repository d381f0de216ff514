"""The Bilag 7 in Word: the three ways of marking fields, what filling keeps, hostile values, LibreOffice.

Templates are made here with python-docx the way Word and the agency make them: content controls
(``w:sdt`` with a tag or a title), ``{{Feltnavn}}`` placeholders split over runs (as Word splits them
after an edit or a spell check), and the bundled form that marks nothing and is filled through the
labels of its field map. Golden files (``tests/golden/enrol_word/``) hold the approved
``word/document.xml`` of each, canonicalised (C14N 2.0); approve a reviewed change with
``XLKOPI_APPROVE_GOLDEN=1``.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from lxml import etree

from xlkopi.enrol.batch import example_document
from xlkopi.enrol.mapping import Mapping
from xlkopi.enrol.wordtemplate import WordTemplate
from xlkopi.errors import UntrustedFileError, WorkbookError

GOLDEN = Path(__file__).parent / "golden" / "enrol_word"
APPROVE = os.environ.get("XLKOPI_APPROVE_GOLDEN") == "1"

VALUES = {"aftale": "Computeraftalen", "fase": 9, "institution": "Eksempelby Kommune",
          "institutionstype": "Kommune", "cvr": "23043823", "ean": "5798179995337",
          "adresse": "Rådhuspladsen 1, 9999 Eksempelby", "kontaktperson": "Anne Eksempel",
          "email": "indkob@eksempelby.example", "telefon": "99 99 10 00", "underskriver": "Bo Borgmester",
          "titel": "Borgmester", "dato": date(2026, 12, 2), "antal_lokationer": 3}
ROWS = [{"enhed": f"Enhed {i}", "ean": "5798813662830", "p_nummer": "100000000" + str(i),
         "leveringsadresse": f"Skolegade {i}, 9999 Eksempelby", "kontaktperson": f"Person {i}"} for i in range(3)]


def _save(document, path: Path) -> Path:
    document.save(path)
    return path


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _canonical(xml: bytes) -> str:
    return etree.canonicalize(etree.fromstring(xml))


def _texts(data: bytes) -> str:
    """Every paragraph's text of the document body, tables included, one per line."""
    d = docx.Document(io.BytesIO(data))
    body = d.element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def _skeleton(xml: bytes, drop_rows_after: int | None = None) -> str:
    """The document without its text: what must be the same before and after filling.

    Text goes, runs left without text go (the filling adds a run to an empty cell), ``xml:space``
    goes, and the location table's rows beyond the template's count go (the table grows).
    """
    root = etree.fromstring(xml)
    if drop_rows_after is not None:  # before the text goes: the table is found by its header text
        for tbl in list(root.iter(qn("w:tbl"))):
            rows = tbl.findall(qn("w:tr"))
            if len(rows) > drop_rows_after and "Enhed" in "".join(rows[0].itertext()):
                for tr in rows[drop_rows_after:]:
                    tbl.remove(tr)
    for t in root.iter(qn("w:t")):
        t.text = None
        t.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
    for r in list(root.iter(qn("w:r"))):
        if all(c.tag in (qn("w:t"), qn("w:rPr")) for c in r):
            r.getparent().remove(r)
    for pr in list(root.iter(qn("w:sdtPr"))):
        for child in pr.findall(qn("w:showingPlcHdr")):
            pr.remove(child)
    for style in list(root.iter(qn("w:rStyle"))):
        if style.get(qn("w:val")) == "PlaceholderText":
            style.getparent().remove(style)
    for rpr in list(root.iter(qn("w:rPr"))):
        if len(rpr) == 0:   # emptied by the line above
            rpr.getparent().remove(rpr)
    return etree.canonicalize(root)


def _golden(name: str, data: bytes) -> None:
    got = _canonical(_members(data)["word/document.xml"])
    path = GOLDEN / f"{name}.xml"
    if APPROVE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"run with XLKOPI_APPROVE_GOLDEN=1 once to approve {path.name}"
    assert got == path.read_text(encoding="utf-8"), f"word/document.xml differs from {path}"


def _untouched_parts_identical(template: Path, filled: bytes, touched: set[str]) -> None:
    before, after = _members(template.read_bytes()), _members(filled)
    assert set(before) == set(after)
    for name in before:
        if name not in touched:
            assert after[name] == before[name], name


# -- the three ways of marking fields ------------------------------------------------------------------

def placeholder_template(path: Path) -> Path:
    """Placeholders in the body, a table, the header and the footer, split over runs as Word splits them."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Bilag 7 for {{Institution}}"
    foot = d.sections[0].footer.paragraphs[0]
    foot.add_run("CVR ")
    foot.add_run("{{CV")
    foot.add_run("R}}")
    d.add_heading("Tilmelding til {{Aftale}}", level=1)
    p = d.add_paragraph()
    p.add_run("Institution: ")
    first = p.add_run("{{Insti")
    first.bold = True
    p._p.append(parse_xml(f'<w:proofErr {nsdecls("w")} w:type="spellStart"/>'))
    p.add_run("tution}}").italic = True
    p.add_run(" (CVR {{ CVR }}), fase {{Fase}}, {{Antal lokationer}} lokationer")
    d.add_paragraph("Kontakt: {{Kontaktperson}} · {{Email}} · {{Telefon}}")
    table = d.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Enhed", "EAN", "Adresse"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["{{Enhed}}", "{{EAN}}", "{{Leveringsadresse}}"], strict=True):
        cell.text = text
    d.add_paragraph("Dato: {{Dato}}  Underskrift: ________  {{Underskriver}}, {{Titel}}")
    return _save(d, path)


def _control(tag: str, prompt: str, *, inline: bool = True, alias: bool = False) -> str:
    name = f'<w:alias w:val="{tag}"/>' if alias else f'<w:tag w:val="{tag}"/>'
    run = (f'<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>{prompt}</w:t></w:r>')
    content = run if inline else f"<w:p>{run}</w:p>"
    return (f'<w:sdt {nsdecls("w")}><w:sdtPr>{name}<w:showingPlcHdr/></w:sdtPr>'
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>")


def control_template(path: Path) -> Path:
    """Content controls: inline with a tag, block-level with a title, in a table cell, and a check box."""
    d = docx.Document()
    d.add_heading("Bilag 7", level=1)
    p = d.add_paragraph("Aftale: ")
    p._p.append(parse_xml(_control("Aftale", "Klik her for at skrive aftalen")))
    p = d.add_paragraph("CVR: ")
    p._p.append(parse_xml(_control("CVR", "CVR-nummer")))
    d.element.body.insert(len(d.element.body) - 1, parse_xml(_control("Institution", "Institutionens navn",
                                                                      inline=False, alias=True)))
    table = d.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "E-mail"
    table.rows[1].cells[0].text = "Underskriver"
    for row, tag in ((0, "Email"), (1, "Underskriver")):
        par = table.rows[row].cells[1].paragraphs[0]
        par._p.append(parse_xml(_control(tag, "Skriv her")))
    box = (f'<w:sdt {nsdecls("w")} xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
           '<w:sdtPr><w:tag w:val="Dato"/><w14:checkbox/></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r>'
           "</w:sdtContent></w:sdt>")
    p = d.add_paragraph("Afkrydsning (ikke et felt): ")
    p._p.append(parse_xml(box))
    p = d.add_paragraph("Dato: ")
    p._p.append(parse_xml(_control("Dato", "Vælg en dato")))
    return _save(d, path)


def test_labels_fill_the_bundled_agency_form():
    template, mapping = example_document()
    filled = WordTemplate.load(template, mapping).fill(VALUES, ROWS)
    d = docx.Document(io.BytesIO(filled))
    cells = {t.rows[0].cells[0].text: t for t in d.tables}
    info = {r.cells[0].text: r.cells[1].text for r in cells["Institutionens navn"].rows}
    assert info == {"Institutionens navn": "Eksempelby Kommune", "Institutionstype": "Kommune",
                    "CVR-nr.:": "23043823", "EAN-nr. (hovedkonto):": "5798179995337",
                    "Adresse:": "Rådhuspladsen 1, 9999 Eksempelby", "Kontaktperson:": "Anne Eksempel",
                    "E-mail:": "indkob@eksempelby.example", "Telefon:": "99 99 10 00"}
    sign = {r.cells[0].text: r.cells[1].text for r in cells["Dato:"].rows}
    assert sign == {"Dato:": "02-12-2026", "Navn:": "Bo Borgmester", "Titel:": "Borgmester", "Underskrift:": ""}
    locations = [[c.text for c in r.cells] for r in cells["Enhed"].rows]
    assert locations[0] == ["Enhed", "EAN-nummer", "P-nummer", "Leveringsadresse", "Kontaktperson"]
    assert locations[1:] == [[r["enhed"], r["ean"], r["p_nummer"], r["leveringsadresse"], r["kontaktperson"]]
                             for r in ROWS]
    line = next(p for p in d.paragraphs if p.text.startswith("Aftale:"))
    assert line.text == "Aftale: Computeraftalen    Fase: 9"
    value = next(r for r in line.runs if "Computeraftalen" in r.text)
    assert not value.bold  # the value takes the line's formatting, not the bold label's
    assert "Antal leveringssteder: 3" in [p.text for p in d.paragraphs]
    _golden("etiketter", filled)
    _untouched_parts_identical(template, filled, {"word/document.xml"})


def test_locations_table_uses_the_template_rows_first_then_grows():
    template, mapping = example_document()
    word = WordTemplate.load(template, mapping)
    for n, rows in ((0, 3), (1, 3), (3, 3), (7, 7)):  # the form has three empty rows
        d = docx.Document(io.BytesIO(word.fill(VALUES, ROWS[:1] * n)))
        table = next(t for t in d.tables if t.rows[0].cells[0].text == "Enhed")
        assert len(table.rows) == 1 + rows
        assert [r.cells[0].text for r in table.rows[1:]] == ["Enhed 0"] * n + [""] * (rows - n)


@pytest.mark.parametrize("kind", ["etiketter", "pladsholdere", "kontrolelementer"])
def test_only_the_filled_runs_differ(kind, tmp_path):
    """In each part the filling touches, the canonicalised XML without the text is the template's: only runs
    changed (the locations table has more rows; a content control loses its grey-prompt marks)."""
    if kind == "etiketter":
        template, mapping = example_document()
        rows_kept = 4
    elif kind == "pladsholdere":
        template, mapping, rows_kept = placeholder_template(tmp_path / "p.docx"), None, 2
    else:
        template, mapping, rows_kept = control_template(tmp_path / "k.docx"), None, None
    word = WordTemplate.load(template, mapping)
    filled = word.fill(VALUES, ROWS)
    for part in word.patched:
        before = _members(template.read_bytes())[part]
        after = _members(filled)[part]
        assert _skeleton(before) == _skeleton(after, drop_rows_after=rows_kept), part
    # and the template's own text is all still there, in order, with the values between
    prompts = ("Klik her", "CVR-nummer", "Institutionens navn", "Skriv her", "Vælg en dato") \
        if kind == "kontrolelementer" else ()   # the controls' grey prompts are replaced, as they are meant to be
    kept = [t for t in _texts(template.read_bytes()).split("\n")
            if t and "_" not in t and "{{" not in t and not any(x in t for x in prompts)]
    got = _texts(filled)
    pos = 0
    for text in kept:
        pos = got.index(text, pos)


def test_placeholders_split_over_runs(tmp_path):
    template = placeholder_template(tmp_path / "pladsholdere.docx")
    word = WordTemplate.load(template)
    filled = word.fill(VALUES, ROWS)
    text = _texts(filled)
    assert "{{" not in text and "}}" not in text
    assert "Institution: Eksempelby Kommune (CVR 23043823), fase 9, 3 lokationer" in text
    assert "Kontakt: Anne Eksempel · indkob@eksempelby.example · 99 99 10 00" in text
    assert "Dato: 02-12-2026  Underskrift: ________  Bo Borgmester, Borgmester" in text
    d = docx.Document(io.BytesIO(filled))
    run = next(r for p in d.paragraphs for r in p.runs if r.text.startswith("Eksempelby"))
    assert run.bold  # the run where the placeholder started keeps its formatting
    assert [[c.text for c in r.cells] for r in d.tables[0].rows][1:] == [
        [r["enhed"], r["ean"], r["leveringsadresse"]] for r in ROWS]
    assert d.sections[0].header.paragraphs[0].text == "Bilag 7 for Eksempelby Kommune"
    assert d.sections[0].footer.paragraphs[0].text == "CVR 23043823"
    touched = {"word/document.xml", "word/header1.xml", "word/footer1.xml"}
    assert set(word.patched) == touched
    _untouched_parts_identical(template, filled, touched)
    _golden("pladsholdere", filled)


def test_content_controls_by_tag_and_title(tmp_path):
    template = control_template(tmp_path / "kontrolelementer.docx")
    filled = WordTemplate.load(template).fill(VALUES, ROWS)
    text = _texts(filled)
    assert "Aftale: Computeraftalen" in text and "CVR: 23043823" in text and "Dato: 02-12-2026" in text
    assert "Eksempelby Kommune" in text and "Klik her" not in text and "Skriv her" not in text
    assert "Afkrydsning (ikke et felt): ☐" in text  # a check box is no text field
    root = etree.fromstring(_members(filled)["word/document.xml"])
    filled_controls = [s for s in root.iter(qn("w:sdt")) if s.find(f"{qn('w:sdtPr')}/{qn('w14:checkbox')}") is None]
    assert len(filled_controls) == 6
    for sdt in filled_controls:
        assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is None  # no longer a grey prompt
        assert not [s for s in sdt.iter(qn("w:rStyle")) if s.get(qn("w:val")) == "PlaceholderText"]
    table = next(root.iter(qn("w:tbl")))  # python-docx's cell.text skips content controls: read the XML
    assert [["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
            for tr in table.iter(qn("w:tr"))] == [["E-mail", "indkob@eksempelby.example"],
                                                  ["Underskriver", "Bo Borgmester"]]
    _untouched_parts_identical(template, filled, {"word/document.xml"})
    _golden("kontrolelementer", filled)


def test_field_map_names_controls_and_placeholders(tmp_path):
    d = docx.Document()
    d.add_paragraph("Kunde: {{Kundens navn}}")
    p = d.add_paragraph("Nr.: ")
    p._p.append(parse_xml(_control("CVRnr", "…")))
    template = _save(d, tmp_path / "egne_navne.docx")
    mapping = tmp_path / "kort.toml"
    mapping.write_text('[felter]\ninstitution = "Kundens navn"\ncvr = ["CVRnr"]\n', encoding="utf-8")
    text = _texts(WordTemplate.load(template, mapping).fill(VALUES))
    assert "Kunde: Eksempelby Kommune" in text and "Nr.: 23043823" in text


def test_template_problems_are_danish_messages(tmp_path):
    d = docx.Document()
    d.add_paragraph("Hej {{Ukendt felt}}")
    with pytest.raises(WorkbookError, match=r"pladsholderen \{\{Ukendt felt\}\}.*ikke er et kendt felt"):
        WordTemplate.load(_save(d, tmp_path / "ukendt.docx"))
    d = docx.Document()
    d.add_paragraph("Ingen felter her")
    with pytest.raises(WorkbookError, match="har ingen felter"):
        WordTemplate.load(_save(d, tmp_path / "tom.docx"))
    template, _ = example_document()
    mapping = tmp_path / "forkert.toml"
    mapping.write_text('[etiketter]\ncvr = "SE-nr.:"\n', encoding="utf-8")
    with pytest.raises(WorkbookError, match="etiketten 'SE-nr.:' til feltet 'cvr' findes ikke"):
        WordTemplate.load(template, mapping)
    mapping.write_text('[etiketter]\ncvr = { tekst = "CVR-nr.:", sted = "venstre" }\n', encoding="utf-8")
    with pytest.raises(WorkbookError, match="'sted' skal være højre, under eller efter"):
        Mapping.load(mapping)
    xlsx = tmp_path / "skema.xlsx"
    xlsx.write_bytes(Path(example_document()[0]).with_name("bilag7_skema.xlsx").read_bytes())
    with pytest.raises(WorkbookError, match="er ikke et Word-dokument"):
        WordTemplate.load(xlsx)
    (tmp_path / "tekst.docx").write_text("ikke et dokument", encoding="utf-8")
    with pytest.raises(WorkbookError, match="er ikke et Word-dokument"):
        WordTemplate.load(tmp_path / "tekst.docx")


def test_label_below_and_repeated_labels(tmp_path):
    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "CVR-nr."
    table.rows[0].cells[1].text = "Institutionens navn"
    d.add_paragraph("Dato: ..........")
    d.add_paragraph("Sted og dato: ______ (dato: ______)")
    template = _save(d, tmp_path / "under.docx")
    mapping = tmp_path / "kort.toml"
    mapping.write_text('[etiketter]\ncvr = { tekst = "CVR-nr.", sted = "under" }\n'
                       'institution = { tekst = "Institutionens navn", sted = "under" }\n'
                       'dato = { tekst = "dato:", sted = "efter" }\n', encoding="utf-8")
    filled = docx.Document(io.BytesIO(WordTemplate.load(template, mapping).fill(VALUES)))
    assert [c.text for c in filled.tables[0].rows[1].cells] == ["23043823", "Eksempelby Kommune"]
    texts = [p.text for p in filled.paragraphs]
    assert texts[0] == "Dato: 02-12-2026"
    # every occurrence, case ignored, but not inside a longer label ("Sted og dato:" is another label)
    assert texts[1] == "Sted og dato: ______ (dato: 02-12-2026)"


def test_protection_styles_and_dotx_kept(tmp_path):
    template, mapping = example_document()
    members = _members(template.read_bytes())
    settings = members["word/settings.xml"].replace(
        b"</w:settings>", b'<w:documentProtection w:edit="forms" w:enforcement="1"/></w:settings>')
    types = members["[Content_Types].xml"].replace(b"wordprocessingml.document.main+xml",
                                                   b"wordprocessingml.template.main+xml")
    dotx = tmp_path / "skabelon.dotx"
    with zipfile.ZipFile(dotx, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, {"word/settings.xml": settings, "[Content_Types].xml": types}.get(name, data))
    filled = _members(WordTemplate.load(dotx, mapping).fill(VALUES, ROWS))
    assert filled["word/settings.xml"] == settings  # the protection, byte for byte
    assert b"wordprocessingml.document.main+xml" in filled["[Content_Types].xml"]  # a .dotx fills a .docx
    assert filled["word/styles.xml"] == members["word/styles.xml"]
    assert filled["word/media/image1.png"] == members["word/media/image1.png"]  # the logo
    assert b"NUMPAGES" in filled["word/footer1.xml"]  # the footer's fields


def test_hostile_templates_are_refused(tmp_path):
    template, _ = example_document()
    members = _members(template.read_bytes())
    dtd = tmp_path / "dtd.docx"
    with zipfile.ZipFile(dtd, "w") as zf:
        for name, data in members.items():
            if name == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x "y">]>', 1)
            zf.writestr(name, data)
    with pytest.raises(UntrustedFileError, match="DTD"):
        WordTemplate.load(dtd)
    macro = tmp_path / "makro.docm"
    with zipfile.ZipFile(macro, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("word/vbaProject.bin", b"\0" * 10)
    with pytest.raises(UntrustedFileError, match="makroer"):
        WordTemplate.load(macro)
    bomb = tmp_path / "bombe.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("word/fyld.xml", b" " * (300 * 1024 * 1024))
    with pytest.raises(UntrustedFileError):
        WordTemplate.load(bomb)


HOSTILE = {
    "institution": "=HYPERLINK(\"http://x.example\";\"klik\")",
    "adresse": "{ MERGEFIELD Adresse } <w:fldSimple w:instr=\"DATE\"/> ]]> &amp;",
    "kontaktperson": "{{CVR}} {{Institution}}",
    "email": "a\x01b\x0bc\x1f@example.com",
    "telefon": "\u202egpj.exe\u202c 99",
    "underskriver": "Bo\nBorgmester\tTab",
    "titel": "X" * 40_000,
}


def test_hostile_register_text_stays_plain_text():
    template, mapping = example_document()
    values = {**VALUES, **HOSTILE}
    filled = WordTemplate.load(template, mapping).fill(values, [{**ROWS[0], "enhed": "@SUM(A1)"}])
    xml = etree.fromstring(_members(filled)["word/document.xml"])  # well-formed
    original = etree.fromstring(_members(template.read_bytes())["word/document.xml"])
    for tag in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink", "w:object", "w:altChunk"):
        assert len(list(xml.iter(qn(tag)))) == len(list(original.iter(qn(tag)))) == 0, tag
    d = docx.Document(io.BytesIO(filled))
    info = {r.cells[0].text: r.cells[1].text for r in d.tables[0].rows}
    assert info["Institutionens navn"] == HOSTILE["institution"]
    assert info["Adresse:"] == HOSTILE["adresse"]
    assert info["Kontaktperson:"] == "{{CVR}} {{Institution}}"  # never filled in again
    assert info["E-mail:"] == "ab\nc@example.com"  # characters XML cannot hold dropped; VT is a line break
    assert info["Telefon:"] == "gpj.exe 99"  # bidi overrides dropped
    sign = {r.cells[0].text: r.cells[1].text for r in d.tables[-1].rows}
    assert sign["Navn:"] == "Bo\nBorgmester\tTab"  # a line break and a tab, as Word writes them
    assert sign["Titel:"] == "X" * 40_000
    assert d.tables[1].rows[1].cells[0].text == "@SUM(A1)"


def test_fill_is_deterministic_and_reads_in_python_docx():
    template, mapping = example_document()
    word = WordTemplate.load(template, mapping)
    assert word.fill(VALUES, ROWS) == word.fill(dict(VALUES), [dict(r) for r in ROWS])
    assert "cvr: cellen ved 'CVR-nr.:'" in word.summary()


@pytest.mark.libreoffice
def test_libreoffice_opens_every_kind_and_makes_a_pdf(tmp_path, soffice):
    from xlkopi.io.libreoffice import convert_many

    template, mapping = example_document()
    kinds = {"etiketter": WordTemplate.load(template, mapping),
             "pladsholdere": WordTemplate.load(placeholder_template(tmp_path / "p.docx")),
             "kontrolelementer": WordTemplate.load(control_template(tmp_path / "k.docx"))}
    sources = []
    for name, word in kinds.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(word.fill({**VALUES, "institution": "Ærø Kommune & <Co>"}, ROWS))
        sources.append(path)
    pdfs = convert_many(sources, tmp_path / "pdf")
    for name, pdf in zip(kinds, pdfs, strict=True):
        assert pdf is not None, name
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout \
            if _has("pdftotext") else pdf.read_bytes().decode("latin-1")
        if _has("pdftotext"):
            assert "Ærø Kommune & <Co>" in text, name
            assert "23043823" in text and "02-12-2026" in text, name
    if _has("pdftotext"):
        first = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
        assert re.search(r"Aftale: Computeraftalen\s+Fase: 9", first)
        assert "side 1 af 1" in first  # the footer's PAGE and NUMPAGES fields, laid out by LibreOffice
        assert "Skolegade 2," in first and "Enhed 2" in first


def _has(tool: str) -> bool:
    from shutil import which

    return which(tool) is not None


def test_document_font_and_size_are_the_templates(tmp_path):
    d = docx.Document()
    run = d.add_paragraph().add_run("{{Institution}}")
    run.font.size = Pt(14)
    run.font.name = "Georgia"
    template = _save(d, tmp_path / "font.docx")
    filled = docx.Document(io.BytesIO(WordTemplate.load(template).fill(VALUES)))
    (got,) = [r for p in filled.paragraphs for r in p.runs if r.text]
    assert got.text == "Eksempelby Kommune" and got.font.size == Pt(14) and got.font.name == "Georgia"

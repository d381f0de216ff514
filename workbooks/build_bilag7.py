"""Build the bundled fictitious Word Bilag 7 ``xlkopi/data/enrol/bilag7_eksempel.docx``.

Run from the repository root::

    python3 workbooks/build_bilag7.py

The document imitates the agency's own forms: it marks no fields at all (no content controls, no
placeholders), only prints labels ("CVR-nr.:" in a table cell, "Aftale: ____" on a line) and a
locations table with empty rows; ``xlkopi/data/enrol/bilag7_feltkort.toml`` is its field map. It has
what filling must keep: styles, a header with a logo image, a footer with PAGE/NUMPAGES fields, a
numbered section layout, table borders. EKSEMPEL: the agency named here and the text are made up.

The output is deterministic (fixed document dates and zip timestamps): a rebuild without changes
gives the same bytes.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "workbooks"))

from build_templates import png_logo  # noqa: E402

from xlkopi.enrol.zipbuild import Member, build  # noqa: E402

FIXED = datetime(2024, 1, 1, 0, 0, 0)
OUTPUT = ROOT / "xlkopi" / "data" / "enrol" / "bilag7_eksempel.docx"
BLUE = RGBColor(0x1F, 0x4E, 0x79)
FIELD_LINE = "_" * 28


def _field(paragraph, code: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out the page."""
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" {code} "><w:r><w:t>1</w:t></w:r>'
                                  "</w:fldSimple>"))


def _shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                                                f'w:fill="{fill}"/>'))


def _label_table(document, labels: list[str], label_width: float = 6.0, value_width: float = 10.5):
    table = document.add_table(rows=len(labels), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.columns[0].width, table.columns[1].width = Cm(label_width), Cm(value_width)
    for row, text in zip(table.rows, labels, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(label_width), Cm(value_width)
        run = row.cells[0].paragraphs[0].add_run(text)
        run.bold = True
        _shade(row.cells[0], "DDEBF7")
    return table


def build_document() -> docx.document.Document:
    """The fictitious Bilag 7 as a python-docx document."""
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(10.5)
    for name in ("Heading 1", "Heading 2"):
        document.styles[name].font.color.rgb = BLUE
        document.styles[name].font.name = "Calibri"

    header = section.header.paragraphs[0]
    header.add_run().add_picture(io.BytesIO(png_logo(160, 40)), width=Cm(3.2))
    header.add_run("\tStatens Indkøb (EKSEMPEL)").font.color.rgb = BLUE
    note = section.header.add_paragraph("EKSEMPEL – fiktivt dokument, kun til afprøvning af xlkopi")
    note.runs[0].font.size = Pt(8)
    note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Bilag 7 – Tilmeldingsskema for frivillige kunder · side ")
    _field(footer, "PAGE")
    footer.add_run(" af ")
    _field(footer, "NUMPAGES")

    document.add_heading("Bilag 7 – Tilmeldingsskema for frivillige kunder", level=1)
    line = document.add_paragraph()
    line.add_run("Aftale: ").bold = True
    line.add_run(FIELD_LINE + "    ")
    line.add_run("Fase: ").bold = True
    line.add_run("______")
    document.add_paragraph(
        "Som frivillig kunde i Statens Indkøbsprogram tilmelder institutionen sig ovenstående aftale ved at "
        "udfylde dette bilag og det tilhørende Excel-ark Skema. Tilmeldingen forpligter ikke: det er frivilligt "
        "for institutionen at købe ind på aftalen. Institutionen skal være part på aftalen gennem aftalens fase.")

    document.add_heading("1. Oplysninger om institutionen", level=2)
    _label_table(document, ["Institutionens navn", "Institutionstype", "CVR-nr.:", "EAN-nr. (hovedkonto):",
                            "Adresse:", "Kontaktperson:", "E-mail:", "Telefon:"])

    document.add_heading("2. Leveringssteder", level=2)
    count = document.add_paragraph()
    count.add_run("Antal leveringssteder: ").bold = True
    count.add_run("______")
    headers = ["Enhed", "EAN-nummer", "P-nummer", "Leveringsadresse", "Kontaktperson"]
    widths = [2.8, 3.7, 3.1, 3.8, 3.2]  # 13 digits fit a line also in DejaVu Sans (no Calibri)
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for j, (text, width) in enumerate(zip(headers, widths, strict=True)):
        table.columns[j].width = Cm(width)
        for row in table.rows:
            row.cells[j].width = Cm(width)
        cell = table.rows[0].cells[j]
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell, "DDEBF7")
    document.add_paragraph("Leveringsstederne opføres også i Excel-arket Skema, som sendes sammen med dette bilag. "
                           "Brug flere rækker efter behov.").runs[0].italic = True

    document.add_heading("3. Underskrift", level=2)
    document.add_paragraph("Undertegnede bekræfter på institutionens vegne, at oplysningerne er korrekte, og at "
                           "institutionen er frivillig kunde på aftalen.")
    _label_table(document, ["Dato:", "Navn:", "Titel:", "Underskrift:"], 4.0, 12.5)
    document.tables[-1].rows[-1].height = Cm(1.6)
    document.add_paragraph()
    document.add_paragraph("Bilaget og Skema sendes pr. e-mail til Statens Indkøb med emnet "
                           "\u201dTilmelding til <aftalens navn>\u201d.").runs[0].font.size = Pt(9)

    props = document.core_properties
    props.author = props.last_modified_by = "Statens Indkøb (EKSEMPEL)"
    props.title = "Bilag 7 – Tilmeldingsskema for frivillige kunder"
    props.created = props.modified = FIXED
    props.revision = 1
    return document


def document_bytes(document) -> bytes:
    """The document's package with fixed zip timestamps (python-docx stamps the current time)."""
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        return build([Member.of(info.filename, zf.read(info), level=9) for info in zf.infolist()])


def main() -> int:
    OUTPUT.write_bytes(document_bytes(build_document()))
    print(f"skrev {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

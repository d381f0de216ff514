"""The run's overview workbook (Oversigt), written directly as SpreadsheetML.

Two sheets: "Oversigt" (one row per requested enrolment: status genereret /
sprunget over / fejl, the reason, the output files, where the request came
from) and "Fejl og advarsler" (every finding in the register with sheet,
row and field). Every text is an inline string, never a formula, and at
most Excel's 32,767 characters (:func:`fit_cell`); the file is
deterministic (no timestamps), so a rerun leaves it unchanged.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..core.vocabulary import format_number
from ..io.a1 import col_letters
from .cellxml import cell_xml, xml_text
from .model import MAX_CELL_CHARS, cell_length
from .zipbuild import Member, build

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.styles+xml"/>{sheets}</Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>'
           '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
           '</fill><fill><patternFill patternType="solid"><fgColor rgb="FF1F4E79"/></patternFill></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
           '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
           '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

OVERVIEW_HEADERS = ("Nr.", "Institution", "Aftale", "Fase", "Status", "Begrundelse", "Advarsler",
                    "Arbejdsbog", "E-mailkladde", "Kilde")
FINDING_HEADERS = ("Niveau", "Ark", "Række", "Felt", "Besked")


def fit_cell(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` cut to fit one Excel cell, ending with a note of how long it was.

    The note ("… (forkortet; N tegn i alt)") is inside the limit, and a cut
    never splits a character.

    >>> fit_cell("kort")
    'kort'
    >>> fit_cell("x" * 50, limit=40)
    'xxxxxxxxxxx … (forkortet; 50 tegn i alt)'
    """
    if 2 * len(text) <= limit or cell_length(text) <= limit:  # the first test: fits whatever the characters
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    note = f" … (forkortet; {format_number(len(text))} tegn i alt)"
    keep = max(limit - len(note), 0)  # the note is ASCII apart from "…" (one UTF-16 unit)
    return data[:2 * keep].decode("utf-16-le", "ignore") + note


def _sheet_xml(headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> str:
    last = col_letters(len(headers))
    n = len(rows) + 1
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<dimension ref="A1:{last}{n}"/>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>']
    for i, w in enumerate(widths, 1):
        out.append(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>')
    out.append('</cols><sheetData><row r="1">')
    for i, h in enumerate(headers, 1):
        out.append(cell_xml(f"{col_letters(i)}1", ' s="1"', fit_cell(h)))
    out.append("</row>")
    for r, row in enumerate(rows, 2):
        out.append(f'<row r="{r}">')
        for i, v in enumerate(row, 1):
            style = "" if isinstance(v, int) else ' s="2"'
            out.append(cell_xml(f"{col_letters(i)}{r}", style, fit_cell(v) if isinstance(v, str) else v))
        out.append("</row>")
    out.append(f'</sheetData><autoFilter ref="A1:{last}{n}"/>'
               '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
               '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
    return "".join(out)


def build_workbook(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]], Sequence[float]]]) -> bytes:
    """An xlsx with one sheet per ``(name, headers, rows, column widths)``; cells are text or integers."""
    wb = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>']
    rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    ct = []
    members = []
    names = []
    for i, (name, headers, rows, widths) in enumerate(sheets, 1):
        wb.append(f'<sheet name="{xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>')
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        members.append(Member.of(f"xl/worksheets/sheet{i}.xml", _sheet_xml(headers, rows, widths).encode("utf-8")))
        names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i - 1}" hidden="1">'
                     f"'{xml_text(name)}'!$A$1:${col_letters(len(headers))}${len(rows) + 1}</definedName>")
    wb.append("</sheets><definedNames>" + "".join(names) + "</definedNames></workbook>")
    n = len(sheets) + 1
    rels.append(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/styles" Target="styles.xml"/></Relationships>')
    head = [Member.of("[Content_Types].xml", _CT.format(sheets="".join(ct)).encode("utf-8")),
            Member.of("_rels/.rels", _ROOT_RELS.encode("utf-8")),
            Member.of("xl/workbook.xml", "".join(wb).encode("utf-8")),
            Member.of("xl/_rels/workbook.xml.rels", "".join(rels).encode("utf-8")),
            Member.of("xl/styles.xml", _STYLES.encode("utf-8"))]
    return build(head + members)


def overview_bytes(results, findings) -> bytes:
    """The Oversigt workbook for ``results`` (:class:`~xlkopi.enrol.batch.Result`) and register findings."""
    rows = [(r.number, r.institution, r.agreement, r.phase if r.phase is not None else "", r.status, r.reason,
             "\n".join(r.warnings), r.workbook_name, r.eml_name, r.source) for r in results]
    frows = [(f.level, f.sheet, f.row if f.row is not None else "", f.field or "", f.message) for f in findings]
    return build_workbook([
        ("Oversigt", OVERVIEW_HEADERS, rows, (6, 32, 30, 6, 14, 70, 50, 50, 50, 22)),
        ("Fejl og advarsler", FINDING_HEADERS, frows, (10, 16, 8, 20, 90)),
    ])

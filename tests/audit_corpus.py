"""Builds the auditor's test workbooks at test time (no committed binaries needed).

A minimal xlsx writer that, unlike openpyxl, stores formulas *with* cached
values (as Excel and LibreOffice save them), error cells, hidden and very
hidden sheets, defined names, custom document properties, macros and
external-link parts, plus hostile containers (zip bombs, entity attacks,
encrypted/OLE files, corrupt zips, million-row sheets).

Also regenerates the bundled example of ``xlkopi audit``'s demo:
``python3 tests/audit_corpus.py --example xlkopi/data/audit/Leasingtilbud_eksempel.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from xlkopi.dates import edate, to_serial
from xlkopi.money import round_half_away


@dataclass
class F:
    """A formula with its cached value (``None``: no cached value, as openpyxl writes)."""

    text: str
    cached: object = None


@dataclass
class E:
    """A cached error value such as ``#REF!`` (optionally from a formula)."""

    error: str
    formula: str | None = None


@dataclass
class Sheet:
    name: str
    cells: dict = field(default_factory=dict)      # "A1" -> value | F | E
    state: str = "visible"

    def put_rows(self, top: int, left: int, rows):
        from openpyxl.utils import get_column_letter

        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    continue
                self.cells[f"{get_column_letter(left + j)}{top + i}"] = v


def _split(ref: str):
    import re

    m = re.match(r"([A-Z]+)(\d+)$", ref)
    from openpyxl.utils import column_index_from_string

    return int(m.group(2)), column_index_from_string(m.group(1))


def _value_xml(ref: str, v, date_style: int) -> str:
    if isinstance(v, F):
        f = f"<f>{escape(v.text.lstrip('='))}</f>"
        c = v.cached
        if c is None:
            return f'<c r="{ref}">{f}<v></v></c>'
        if isinstance(c, str):
            return f'<c r="{ref}" t="str">{f}<v>{escape(c)}</v></c>'
        if isinstance(c, bool):
            return f'<c r="{ref}" t="b">{f}<v>{int(c)}</v></c>'
        if isinstance(c, dt.date):
            return f'<c r="{ref}" s="{date_style}">{f}<v>{to_serial(c)}</v></c>'
        return f'<c r="{ref}">{f}<v>{_num(c)}</v></c>'
    if isinstance(v, E):
        f = f"<f>{escape(v.formula.lstrip('='))}</f>" if v.formula else ""
        return f'<c r="{ref}" t="e">{f}<v>{escape(v.error)}</v></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, dt.date):
        return f'<c r="{ref}" s="{date_style}"><v>{to_serial(v)}</v></c>'
    if isinstance(v, (int, float, Decimal)):
        return f'<c r="{ref}"><v>{_num(v)}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def _num(v) -> str:
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return repr(v)
    return str(v)


def sheet_xml(sheet: Sheet) -> str:
    rows: dict[int, list] = {}
    for ref, v in sheet.cells.items():
        r, c = _split(ref)
        rows.setdefault(r, []).append((c, ref, v))
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>']
    for r in sorted(rows):
        out.append(f'<row r="{r}">')
        for _c, ref, v in sorted(rows[r], key=lambda t: t[0]):
            out.append(_value_xml(ref, v, 1))
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd-mm-yyyy"/></numFmts>'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '</styleSheet>')


def write_xlsx(path, sheets: list[Sheet], names: dict | None = None, custom: dict | None = None,
               macros: bool = False, external_link: bool = False, extra: dict | None = None) -> Path:
    """Write a small but complete xlsx (or xlsm when ``macros``) workbook."""
    path = Path(path)
    names = names or {}
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
          + ("ms-excel.sheet.macroEnabled.main+xml" if macros else
             "openxmlformats-officedocument.spreadsheetml.sheet.main+xml") + '"/>'
          '<Override PartName="/xl/styles.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>']
    for i, _ in enumerate(sheets, start=1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    if custom:
        ct.append('<Override PartName="/docProps/custom.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>')
    ct.append("</Types>")
    rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/>']
    if custom:
        rels.append('<Relationship Id="rId2" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
                    'Target="docProps/custom.xml"/>')
    rels.append("</Relationships>")
    wb = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>']
    wbrels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    for i, s in enumerate(sheets, start=1):
        state = "" if s.state == "visible" else f' state="{s.state}"'
        wb.append(f'<sheet name={quoteattr(s.name)} sheetId="{i}"{state} r:id="rId{i}"/>')
        wbrels.append(f'<Relationship Id="rId{i}" '
                      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>')
    n = len(sheets)
    wbrels.append(f'<Relationship Id="rId{n + 1}" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
                  'Target="styles.xml"/>')
    if macros:
        wbrels.append(f'<Relationship Id="rId{n + 2}" '
                      'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                      'Target="vbaProject.bin"/>')
    wb.append("</sheets>")
    if names:
        wb.append("<definedNames>")
        for name, ref in names.items():
            wb.append(f"<definedName name={quoteattr(name)}>{escape(ref)}</definedName>")
        wb.append("</definedNames>")
    wb.append("</workbook>")
    wbrels.append("</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "".join(ct))
        z.writestr("_rels/.rels", "".join(rels))
        z.writestr("xl/workbook.xml", "".join(wb))
        z.writestr("xl/_rels/workbook.xml.rels", "".join(wbrels))
        z.writestr("xl/styles.xml", _STYLES)
        for i, s in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(s))
        if custom:
            props = "".join(
                f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{k}" name={quoteattr(name)}>'
                f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
                for k, (name, value) in enumerate(custom.items(), start=2))
            z.writestr("docProps/custom.xml",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                       'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                       + props + "</Properties>")
        if macros:
            z.writestr("xl/vbaProject.bin",
                       b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Attribute VB_Name = \"Modul1\"")
        if external_link:
            z.writestr("xl/externalLinks/externalLink1.xml",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook/></externalLink>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


# --- reference schedules (LEASE_SCHEDULE convention, plain Python) ---------------------

def reference_schedule(price_ore: int, annual_rate: Fraction, n: int, ppy: int, residual_ore: int,
                       in_advance: bool, start: dt.date | None):
    """Rows ``(term, date, balance, payment, principal, interest)`` in øre, the xlkopi convention.

    Regular payment rounded to øre (PMT in exact fractions), interest =
    ROUND(balance × i, 2), the last regular payment settles the remainder,
    the residual is its own final row (forud: one period later with
    interest ROUND(RV × i/(1+i), 2); bagud: on the last date, interest 0).
    """
    i = annual_rate / ppy
    months = 12 // ppy
    if i == 0:
        pay = round_half_away(price_ore - residual_ore, n)
    else:
        v = 1 / (1 + i) ** n
        annuity = (1 - v) / i
        if in_advance:
            annuity *= 1 + i
        exact = (price_ore - residual_ore * v) / annuity
        pay = round_half_away(exact.numerator, exact.denominator)
    rv_int = (round_half_away(residual_ore * i.numerator, i.denominator + i.numerator)
              if (in_advance and residual_ore) else 0)
    target = residual_ore - rv_int
    rows = []
    bal = price_ore
    for k in range(n):
        interest = 0 if (in_advance and k == 0) else round_half_away(bal * i.numerator, i.denominator)
        if k == n - 1:
            principal = bal - target
            payment = principal + interest
        else:
            payment = pay
            principal = pay - interest
        bal -= principal
        period = k if in_advance else k + 1
        rows.append((k + 1, edate(start, period * months) if start else None, bal, payment, principal, interest))
    if residual_ore:
        period = n
        rows.append(("Restværdi", edate(start, period * months) if start else None, 0, residual_ore, target, rv_int))
    return rows


HEADER = ["Termin", "Dato", "Restforpligtelse", "Ydelse", "Afdrag", "Renter"]


def schedule_block(rows, top: int, left: int = 1, header=HEADER, formulas: bool = False):
    """Cells of a schedule table; with ``formulas`` the balance and afdrag are formulas with cached values."""
    from openpyxl.utils import get_column_letter as L

    cells = {}
    for j, h in enumerate(header):
        cells[f"{L(left + j)}{top}"] = h
    for k, (term, due, bal, pay, prin, intr) in enumerate(rows):
        r = top + 1 + k
        vals = [term, due, bal / 100, pay / 100, prin / 100, intr / 100]
        if formulas and k > 0:
            c, d, e, f = (L(left + 2), L(left + 3), L(left + 4), L(left + 5))
            vals[2] = F(f"={c}{r - 1}-{e}{r}", bal / 100)
            vals[4] = F(f"={d}{r}-{f}{r}", prin / 100)
        for j, v in enumerate(vals):
            if v is not None:
                cells[f"{L(left + j)}{r}"] = v
    return cells


# --- the bundled example with planted faults ------------------------------------------

EXAMPLE_FAULTS = {
    # (sheet, cell): rule code the auditor must report there
    ("Ydelsesplan", "F12"): "rentesats",
    ("Ydelsesplan", "D12"): "ydelse_sum",
    ("Ydelsesplan", "C18"): "saldo_fremfoering",
    ("Ydelsesplan", "B20"): "datoer",
    ("Beregning", "C6"): "konstant_i_formelblok",
    ("Beregning", "C9"): "inkonsistent_formel",
    ("Beregning", "D4:D11"): "hardkodet_tal",
    ("Beregning", "E4"): "fejlvaerdi",
    ("Beregning", "F4"): "ekstern_reference",
    ("Beregning", "B13"): "tal_som_tekst",
    ("Tilbud", "B5"): "rødt_flag:restvaerdi",
    ("Tilbud", "B6"): "rødt_flag:finansiel_loebetid",
    ("Tilbud", "B8"): "rødt_flag:sekundaer_periode",
    ("Skjult", None): "meget_skjult_ark",
}


def build_example(path) -> Path:
    """The demo's example: a supplier's offer with planted faults (fictitious data)."""
    start = dt.date(2006, 1, 1)
    rows = reference_schedule(10_000_000, Fraction(51, 1000), 20, 4, 500_000, True, start)
    rows = [list(r) for r in rows]
    # planted: row 12 (k=9) interest 50 kr too high, payment not adjusted -> rate + sum faults
    rows[9][5] += 5000
    # planted: row 18 (k=15) balance typed 1,000 kr wrong (next row rolls from the typed value)
    rows[15][2] -= 100_000
    for k in range(16, len(rows)):
        rows[k][2] -= 100_000 if rows[k][0] != "Restværdi" else 0
    rows[-1][2] = 0
    rows[-2][2] = rows[-1][3] - rows[-1][5]
    # planted: a date a day off in row 20 (k=17)
    rows[17][1] = rows[17][1] + dt.timedelta(days=1)
    plan = Sheet("Ydelsesplan")
    plan.cells["A1"] = "Leasingtilbud fra Eksempel Leasing A/S (fiktive eksempeldata)"
    plan.cells.update(schedule_block([tuple(r) for r in rows], top=2))
    calc = Sheet("Beregning")
    calc.cells.update({"A1": "Årlig omkostning pr. maskine (eksempel)", "A3": "Maskine", "B3": "Pris",
                       "C3": "Pris inkl. moms", "D3": "Årlig ydelse", "E3": "Pr. tryk", "F3": "Kurs"})
    for k in range(8):
        r = 4 + k
        price = 20000 + 1000 * k
        calc.cells[f"A{r}"] = f"Maskine {k + 1}"
        calc.cells[f"B{r}"] = price
        calc.cells[f"C{r}"] = F(f"=B{r}*(1+$H$2)", price * 1.25)
        calc.cells[f"D{r}"] = F(f"=ROUND(C{r}*0.2256,2)", round(price * 1.25 * 0.2256, 2))
        calc.cells[f"F{r}"] = F(f"=D{r}*[1]Kurser!$B$2", price * 0.3)
        calc.cells[f"E{r}"] = F(f"=D{r}/$H$3", round(price * 1.25 * 0.2256 / 60000, 4))
    calc.cells["H1"] = "Moms"
    calc.cells["H2"] = 0.25
    calc.cells["H3"] = 60000
    calc.cells["C6"] = 27500  # planted: a typed number in the formula column
    calc.cells["C9"] = F("=B9*(1+$H$2)+B8", 58750.0)  # planted: an inconsistent formula
    calc.cells["E4"] = E("#DIV/0!", "=D4/$H$4")   # planted: an error value
    calc.cells["F4"] = F("=D4*[1]Kurser!$B$2", 6000.0)
    calc.cells["A13"] = "Tryk pr. år"
    calc.cells["B13"] = "60.000"  # planted: a number stored as text
    offer = Sheet("Tilbud")
    offer.cells.update({"A1": "Tilbudsoplysninger", "A3": "Leasingform", "B3": "Finansiel leasing",
                        "A4": "Anskaffelsespris", "B4": 100000, "A5": "Restværdi", "B5": 8000,
                        "A6": "Løbetid (år)", "B6": 6, "A7": "Serviceaftalens løbetid", "B7": 6,
                        "A8": "Sekundær periode (måneder)", "B8": 12})
    hidden = Sheet("Skjult", {"A1": "Skjulte beregninger", "A2": 1}, state="veryHidden")
    return write_xlsx(path, [plan, calc, offer, hidden])


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "--example":
        print(build_example(sys.argv[2]))
    else:
        print(__doc__)

"""Write the comparison workbook with native formulas (openpyxl).

Every figure is a formula over workbook-scoped defined names, so the
workbook recalculates in any Excel or LibreOffice without the add-in, and
a finance controller can follow each number back to its inputs. The
formulas reproduce :mod:`xlkopi.compare.model` (and through it the lease
engine's rounding convention) exactly; the tests hold the two together.

Sheets: Forudsætninger (inputs), one sheet per offer, Sammenligning,
Indfrielse, Tjekliste. Naming scheme of the defined names: see
``docs/compare.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from ..core.vocabulary import format_number
from ..io.atomic import save_workbook_atomic
from ..io.fingerprint import stamp
from .fields import DATE, INT, KR, KR4, NEED_FIELDS, NUM, OFFER_FIELDS, PCT, PCT4
from .model import NOT_BEFORE_24, Comparison, OfferResult
from .offers import KIND_LABELS

GENERATOR = "xlkopi compare"

FACTOR = "0.000000"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FIXED_FILL = PatternFill("solid", fgColor="EDEDED")
HEAD_FILL = PatternFill("solid", fgColor="1F4E78")
SUB_FILL = PatternFill("solid", fgColor="DDEBF7")
FLAG_FILL = PatternFill("solid", fgColor="F8CBAD")
OK_FILL = PatternFill("solid", fgColor="E2EFDA")
HEAD_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)

_FORMULA_START = ("=", "+", "-", "@")


def text_cell(cell, value):
    """Write ``value`` as a string cell; input text never becomes a formula."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"
    return cell


def safe_sheet_title(key: str, supplier: str, taken: set[str]) -> str:
    """``"T1 Supplier"`` without the characters Excel forbids, at most 31 characters, unique."""
    clean = re.sub(r"[\[\]:*?/\\']", "", supplier).strip()
    clean = re.sub(r"\s+", " ", clean)
    title = f"{key} {clean}".strip()[:31].rstrip()
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


class _Writer:
    def __init__(self, comp: Comparison):
        self.comp = comp
        self.wb = Workbook()
        self.names: dict[str, str] = {}
        self.sheet_of: dict[str, str] = {}
        # Where each sheet put what later sheets refer to, filled as the sheets are written (write_workbook's order).
        self.layout: dict[str, dict[str, int]] = {}            # per offer sheet: its year and plan blocks
        self.summary_rows: dict[str, int] = {}                 # Sammenligning: row per label
        self.buyout_rows: dict[tuple[str, str], int] = {}      # Indfrielse: row per (offer, buyout label)
        self.checklist_rows: dict[str, int] = {}               # Tjekliste: row per red-flag rule
        self.flag_count_row: int | None = None                 # Tjekliste: the row counting each offer's flags

    # ------------------------------------------------------------------ helpers
    def name(self, name: str, ws, ref: str):
        """Define workbook-scoped ``name`` for ``ref`` (e.g. ``$C$5`` or ``$B$10:$B$30``) on ``ws``."""
        target = f"{quote_sheetname(ws.title)}!{ref}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)
        self.names[name] = target

    @staticmethod
    def intro(ws, title: str, text: str, last_col: int):
        """The sheet's title in A1 and its explanation in A2, merged across to ``last_col``."""
        ws["A1"] = title
        ws["A1"].font = TITLE
        ws["A2"] = text
        ws["A2"].alignment = WRAP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)

    @staticmethod
    def head(ws, row: int, values, col: int = 1):
        for j, v in enumerate(values):
            c = ws.cell(row, col + j)
            text_cell(c, v)
            c.font, c.fill, c.border = HEAD_FONT, HEAD_FILL, BOX
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    @staticmethod
    def put(ws, row: int, col: int, value, fmt: str | None = None, bold: bool = False):
        c = ws.cell(row, col)
        c.value = value
        if fmt:
            c.number_format = fmt
        c.border = BOX
        if bold:
            c.font = BOLD
        return c

    def block(self, ws, top: int, col: int, span: int, title: str, items, k: str):
        """A block of ``label | value | name`` rows; the label spans ``span`` merged columns."""
        self.head(ws, top, [title] + [""] * (span - 1) + ["Værdi", "Navn"], col=col)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + span - 1)
        for i, (label, formula, fmt, suffix) in enumerate(items):
            row = top + 1 + i
            for j in range(span + 2):
                ws.cell(row, col + j).border = BOX
            text_cell(ws.cell(row, col), label).alignment = WRAP
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
            if formula is not None:
                self.put(ws, row, col + span, formula, fmt, bold=suffix in ("Total", "NV"))
            if suffix:
                text_cell(ws.cell(row, col + span + 1), f"{k}_{suffix}")
                ref = f"${get_column_letter(col + span)}${row}"
                self.name(f"{k}_{suffix}", ws, ref)

    @staticmethod
    def page(ws, landscape: bool, title_rows: str | None = None, title_cols: str | None = None):
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.7
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.print_options.gridLines = False
        if title_rows:
            ws.print_title_rows = title_rows
        if title_cols:
            ws.print_title_cols = title_cols
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.right.text = "Side &P af &N"
        ws.oddHeader.right.text = "xlkopi tilbudssammenligning"

    @staticmethod
    def protect(ws):
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    # ------------------------------------------------------------------ sheets
    def build(self) -> Workbook:
        ws = self.wb.active
        ws.title = "Forudsætninger"
        self.inputs(ws)
        taken = {"forudsætninger", "sammenligning", "indfrielse", "tjekliste"}
        for r in self.comp.results:
            sheet = self.wb.create_sheet(safe_sheet_title(r.key, r.offer.supplier, taken))
            self.sheet_of[r.key] = sheet.title
            self.offer_sheet(sheet, r)
        summary = self.wb.create_sheet("Sammenligning")
        buy = self.wb.create_sheet("Indfrielse")
        check = self.wb.create_sheet("Tjekliste")
        self.checklist(check)
        self.summary(summary)
        self.buyouts(buy)
        for sheet in self.wb.worksheets:
            fit_row_heights(sheet)
            self.protect(sheet)
        self.wb.active = self.wb.sheetnames.index("Sammenligning")
        return self.wb

    def inputs(self, ws):
        comp = self.comp
        self.intro(ws, "Forudsætninger",
                   "Gule celler er input og kan ændres; alle andre celler er formler. Kolonne B viser cellens "
                   "definerede navn (Tn = tilbud n). Grå felter bestemmer arkenes opbygning: ændres de, skal "
                   "projektmappen dannes igen med xlkopi compare.",
                   2 + len(comp.results))
        self.head(ws, 4, ["Behov", "Navn", "Værdi"])
        for i, (name, label, attr, fmt) in enumerate(NEED_FIELDS):
            row = 5 + i
            text_cell(ws.cell(row, 1), label).border = BOX
            text_cell(ws.cell(row, 2), name).border = BOX
            value = getattr(comp.needs, attr)
            if attr in ("colour_growth", "discount_rate"):
                value = float(value)
            c = self.put(ws, row, 3, value, fmt)
            c.fill, c.protection = INPUT_FILL, UNLOCKED
            self.name(name, ws, f"$C${row}")
        top = 5 + len(NEED_FIELDS) + 1
        self.head(ws, top, ["Tilbud", "Navn"] + [r.key for r in comp.results])
        forud = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=False,
                               error="Skriv 1 for forud eller 0 for bagud", errorTitle="Forud/bagud")
        flag = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True,
                              error="Skriv 1 for ja eller 0 for nej", errorTitle="Ja/nej")
        ws.add_data_validation(forud)
        ws.add_data_validation(flag)
        for i, (suffix, label, attr, fmt, kind) in enumerate(OFFER_FIELDS):
            row = top + 1 + i
            text_cell(ws.cell(row, 1), label).border = BOX
            text_cell(ws.cell(row, 2), f"Tn_{suffix}").border = BOX
            ws.cell(row, 1).alignment = ws.cell(row, 2).alignment = Alignment(vertical="top")
            for j, r in enumerate(comp.results):
                col = 3 + j
                c = ws.cell(row, col)
                c.border = BOX
                o = r.offer
                applies = kind != "lease" or o.has_schedule
                if attr == "service_term":
                    value = float(r.service_term)
                elif attr == "kind":
                    value = KIND_LABELS[o.kind]
                elif attr in ("years", "periods_per_year", "in_advance", "rate", "leasingsats") and not o.has_schedule:
                    value = None
                else:
                    value = getattr(o, attr)
                if isinstance(value, bool):
                    value = int(value)
                if kind in ("text", "fixed") and value is not None and fmt == "@":
                    text_cell(c, value)
                    c.alignment = Alignment(wrap_text=True, vertical="top")
                elif value is not None:
                    c.value = float(value) if not isinstance(value, int) else value
                    c.number_format = fmt
                if attr == "in_advance" and applies:
                    forud.add(c)
                if attr == "index_financing" and applies:
                    flag.add(c)
                if kind == "fixed" or not applies or (o.kind == "allin" and attr == "service_term"):
                    c.fill = FIXED_FILL
                else:
                    c.fill, c.protection = INPUT_FILL, UNLOCKED
                self.name(f"{r.key}_{suffix}", ws, f"${get_column_letter(col)}${row}")
        ws.column_dimensions["A"].width = 36
        ws.column_dimensions["B"].width = 22
        for j in range(len(comp.results)):
            ws.column_dimensions[get_column_letter(3 + j)].width = 20
        ws.freeze_panes = ws.cell(top + 1, 3)
        self.page(ws, landscape=len(comp.results) > 4, title_cols="A:B")

    def offer_sheet(self, ws, r: OfferResult):
        o, k = r.offer, r.key
        comp = self.comp
        n = o.n
        text_cell(ws["A1"], f"{k}: {o.supplier}" + (f" – {o.machine}" if o.machine else ""))
        ws["A1"].font = TITLE
        text_cell(ws["A2"], f"{KIND_LABELS[o.kind]}. Beløb i kr; formlerne bruger de definerede navne fra arket "
                            f"Forudsætninger ({k}_...).")
        # Layout rows
        calc_top = 4
        year_top = 21                                  # header row of the year table
        y_first, y_last = year_top + 1, year_top + comp.year_rows
        y_total = y_last + 1
        plan_top = y_total + 3                         # header row of the schedule
        p_first = plan_top + 1
        p_reg_last = plan_top + n
        p_res = p_reg_last + 1                         # residual row
        p_total = p_res + 1
        has_plan = o.has_schedule
        allin = o.kind == "allin"

        # ---- derived quantities (Beregning)
        calc: list[tuple[str, str | None, str | None, str | None]] = []  # (label, formula, format, name suffix)
        if has_plan:
            calc = [
                ("Antal terminer", f"=ROUND({k}_Loebetid*{k}_Terminer,0)", "0", "Antal"),
                ("Rente (anvendt)", f"=IF(ISNUMBER({k}_Rente),{k}_Rente,RATE({k}_Antal,"
                                    f"-{k}_Leasingsats*{k}_Kontantpris,"
                                    f"{k}_Kontantpris,-{k}_Restvaerdi,{k}_Forud)*{k}_Terminer)", PCT4, "RenteAnvendt"),
                ("Periodens rente", f"={k}_RenteAnvendt/{k}_Terminer", PCT4, "i"),
                ("Måneder pr. termin", f"=12/{k}_Terminer", "0", "Mdr"),
                ("Terminsydelse", f"=ROUND(PMT({k}_i,{k}_Antal,-{k}_Kontantpris,{k}_Restvaerdi,{k}_Forud),2)", KR,
                 "Ydelse"),
                ("Renter i restværdiens termin", f"=IF({k}_Forud=1,ROUND({k}_Restvaerdi*{k}_i/(1+{k}_i),2),0)", KR,
                 "RVRenter"),
            ]
            if allin:
                calc.append(("Klikpris s/h (ydelse × terminer / minimum + service)",
                             f"={k}_Ydelse*{k}_Terminer/{k}_Minimumsvolumen+{k}_ServiceSH", KR4, "Klikpris"))
            calc.append(("Kontrol af planens længde",
                         f'=IF({k}_Antal={n},"OK","Løbetid eller terminer ændret: dan projektmappen igen")', None,
                         None))
        else:
            calc = [("Kontant køb: prisen betales ved start; service efter særskilt aftale.", None, None, None)]
        self.block(ws, calc_top, 1, 4, "Beregning", calc, k)

        # ---- schedule (Ydelsesplan)
        if has_plan:
            text_cell(ws.cell(plan_top - 1, 1),
                      "Ydelsesplan (betalinger på forfaldsdatoen regnes som betalt)").font = BOLD
            self.head(ws, plan_top, ["Termin", "Dato", "År", "Måned", "Ydelse", "Afdrag", "Renter",
                                     "Restforpligtelse", "Fakturagebyr", "Nutidsværdi", "Strøm til ÅOP"])
            fin = f"IF({k}_IndeksFinansiering=1,(1+{k}_Indeksering)^(C{{r}}-1),1)"
            for kk in range(1, n + 1):
                rr = plan_top + kk
                prev = f"{k}_Kontantpris" if kk == 1 else f"H{rr - 1}"
                self.put(ws, rr, 1, kk)
                self.put(ws, rr, 2, f"=EDATE(Startdato,D{rr})", DATE)
                self.put(ws, rr, 3, f"=INT((A{rr}-1)/{k}_Terminer)+1")
                self.put(ws, rr, 4, f"=(A{rr}-{k}_Forud)*{k}_Mdr")
                self.put(ws, rr, 5, f"=IF(A{rr}={k}_Antal,ROUND({prev}-({k}_Restvaerdi-{k}_RVRenter)+G{rr},2),"
                                    f"{k}_Ydelse)", KR)
                self.put(ws, rr, 6, f"=ROUND(E{rr}-G{rr},2)", KR)
                self.put(ws, rr, 7, f"=IF(AND(A{rr}=1,{k}_Forud=1),0,ROUND({prev}*{k}_i,2))", KR)
                self.put(ws, rr, 8, f"=ROUND({prev}-F{rr},2)", KR)
                self.put(ws, rr, 9, f"={k}_Fakturagebyr", KR)
                pay = "0" if allin else f"E{rr}*{fin.format(r=rr)}"
                self.put(ws, rr, 10, f"=({pay}+I{rr})*(1+Diskonteringsrente)^(-D{rr}/12)", KR)
            rr = p_res
            text_cell(self.put(ws, rr, 1, None), "Restværdi")
            self.put(ws, rr, 2, f"=EDATE(Startdato,D{rr})", DATE)
            self.put(ws, rr, 3, f"=ROUNDUP({k}_Antal/{k}_Terminer,0)")
            self.put(ws, rr, 4, f"={k}_Antal*{k}_Mdr")
            self.put(ws, rr, 5, f"={k}_Restvaerdi", KR)
            self.put(ws, rr, 6, f"=ROUND(E{rr}-G{rr},2)", KR)
            self.put(ws, rr, 7, f"={k}_RVRenter", KR)
            self.put(ws, rr, 8, f"=ROUND(H{rr - 1}-F{rr},2)", KR)
            self.put(ws, rr, 9, 0, KR)
            pay = "0" if allin else f"E{rr}*{fin.format(r=rr)}"
            self.put(ws, rr, 10, f"=({pay}+I{rr})*(1+Diskonteringsrente)^(-D{rr}/12)", KR)
            text_cell(self.put(ws, p_total, 1, None, bold=True), "I alt")
            for col in (5, 6, 7, 9, 10):
                L = get_column_letter(col)
                self.put(ws, p_total, col, f"=SUM({L}{p_first}:{L}{p_res})", KR, bold=True)
            for suffix, letter in (("PlanAar", "C"), ("PlanMaaned", "D"), ("PlanDato", "B"), ("PlanYdelse", "E"),
                                   ("PlanRestgaeld", "H"), ("PlanGebyr", "I"), ("PlanNV", "J")):
                self.name(f"{k}_{suffix}", ws, f"${letter}${p_first}:${letter}${p_res}")
            # Cash flow per period 0..n for ÅOP: every flow falls on a whole period, so the
            # periodic IRR compounds to the EU CCD Annex I rate (years of 12 equal months).
            for p in range(n + 1):
                rr = p_first + p
                start_flow = f"-{k}_Kontantpris+{k}_Etableringsgebyr+" if p == 0 else ""
                period = f"(A{rr}-1)" if p < n else f"{k}_Antal"  # the residual row: period n
                self.put(ws, rr, 11, f"={start_flow}SUMIF({k}_PlanMaaned,{period}*{k}_Mdr,{k}_PlanYdelse)"
                                     f"+SUMIF({k}_PlanMaaned,{period}*{k}_Mdr,{k}_PlanGebyr)", KR)
            self.name(f"{k}_Betalingsstroem", ws, f"$K${p_first}:$K${p_res}")

        # ---- year table
        text_cell(ws.cell(year_top - 1, 1), "Omkostninger pr. år (service indeksreguleres årligt)").font = BOLD
        self.head(ws, year_top, ["År", "Fra dato", "I horisont", "Indeksfaktor", "S/h tryk", "Farvetryk",
                                 "Finansiering", "Gebyrer", "Service s/h", "Service farve", "I alt",
                                 "Nutidsværdi", "Kumuleret"])
        in_service = f"(A{{r}}-1<{k}_Serviceloebetid)"
        for y in range(1, comp.year_rows + 1):
            rr = year_top + y
            svc = in_service.format(r=rr)
            self.put(ws, rr, 1, y)
            self.put(ws, rr, 2, f"=EDATE(Startdato,12*(A{rr}-1))", DATE)
            self.put(ws, rr, 3, f"=IF(A{rr}<=Horisont,1,0)")
            self.put(ws, rr, 4, f"=(1+{k}_Indeksering)^(A{rr}-1)", FACTOR)
            self.put(ws, rr, 5, "=Behov_SH", INT)
            self.put(ws, rr, 6, f"=ROUND(Behov_Farve*(1+Farvevaekst)^(A{rr}-1),0)", INT)
            if o.kind == "kontant":
                self.put(ws, rr, 7, f"=IF(A{rr}=1,{k}_Kontantpris,0)", KR)
            elif allin:
                self.put(ws, rr, 7, 0, KR)
            else:
                self.put(ws, rr, 7, f"=ROUND(SUMIF({k}_PlanAar,A{rr},{k}_PlanYdelse)"
                                    f"*IF({k}_IndeksFinansiering=1,D{rr},1),2)", KR)
            plan_fee = f"SUMIF({k}_PlanAar,A{rr},{k}_PlanGebyr)+" if has_plan else ""
            self.put(ws, rr, 8, f"={plan_fee}IF(A{rr}=1,{k}_Etableringsgebyr,0)+IF({svc},{k}_Miljoegebyr,0)", KR)
            if allin:
                self.put(ws, rr, 9, f"=IF({svc},ROUND({k}_Klikpris*{k}_Minimumsvolumen,2)"
                                    f"+ROUND(MAX(E{rr}-{k}_Minimumsvolumen,0)*IF(ISNUMBER({k}_PrisOverskydende),"
                                    f"{k}_PrisOverskydende,{k}_Klikpris),2)"
                                    f"-ROUND(MAX({k}_Minimumsvolumen-E{rr},0)*N({k}_Kreditering),2),0)", KR)
            else:
                self.put(ws, rr, 9, f"=IF({svc},ROUND((MAX(E{rr},{k}_Minimumsvolumen)*{k}_ServiceSH"
                                    f"-MAX({k}_Minimumsvolumen-E{rr},0)*N({k}_Kreditering))*D{rr},2),0)", KR)
            self.put(ws, rr, 10, f"=IF({svc},ROUND(F{rr}*{k}_ServiceFarve*D{rr},2),0)", KR)
            self.put(ws, rr, 11, f"=G{rr}+H{rr}+I{rr}+J{rr}", KR)
            plan_pv = f"SUMIF({k}_PlanAar,A{rr},{k}_PlanNV)" if has_plan else "0"
            at_start = f"{k}_Etableringsgebyr" + (f"+{k}_Kontantpris" if o.kind == "kontant" else "")
            self.put(ws, rr, 12, f"=ROUND({plan_pv}+IF(A{rr}=1,{at_start},0)"
                                 f"+(I{rr}+J{rr}+IF({svc},{k}_Miljoegebyr,0))*(1+Diskonteringsrente)^(-A{rr}),2)", KR)
            prev = f"+M{rr - 1}" if y > 1 else ""
            self.put(ws, rr, 13, f"=IF(C{rr}=1,K{rr}{prev},0)", KR)
        text_cell(self.put(ws, y_total, 1, None, bold=True), "I horisonten")
        for col in (5, 6, 7, 8, 9, 10, 11, 12):
            L = get_column_letter(col)
            self.put(ws, y_total, col, f"=SUMPRODUCT($C${y_first}:$C${y_last},{L}{y_first}:{L}{y_last})",
                     INT if col in (5, 6) else KR, bold=True)
        for suffix, letter in (("AarNr", "A"), ("AarHorisont", "C"), ("AarServiceSH", "I"), ("AarServiceFarve", "J"),
                               ("AarKumuleret", "M")):
            self.name(f"{k}_{suffix}", ws, f"${letter}${y_first}:${letter}${y_last}")

        # ---- results (Resultater), beside the derived quantities
        tot = lambda col: f"{col}{y_total}"  # noqa: E731
        results = [
            ("Samlede omkostninger i horisonten", f"={tot('K')}", KR, "Total"),
            ("Nutidsværdi af omkostningerne", f"={tot('L')}", KR, "NV"),
            ("Heraf finansiering", f"={tot('G')}", KR, "Finansiering"),
            ("Heraf gebyrer", f"={tot('H')}", KR, "Gebyrer"),
            ("Heraf service og tryk", f"={tot('I')}+{tot('J')}", KR, "Service"),
            ("Ydelser forfaldne efter horisonten",
             f'=SUMIF({k}_PlanAar,">"&Horisont,{k}_PlanYdelse)' if has_plan else "=0", KR, "EfterHorisont"),
            ("S/h sider i horisonten", f"={tot('E')}", INT, "SiderSH"),
            ("Farvesider i horisonten", f"={tot('F')}", INT, "SiderFarve"),
            ("Pris pr. s/h side", f'=IF({k}_SiderSH=0,"–",ROUND(({k}_Finansiering+{k}_Gebyrer)'
                                  f'/({k}_SiderSH+{k}_SiderFarve)'
                                  f"+{tot('I')}/{k}_SiderSH,4))", KR4, "PrisSH"),
            ("Pris pr. farveside", f'=IF({k}_SiderFarve=0,"–",ROUND(({k}_Finansiering+{k}_Gebyrer)'
                                   f'/({k}_SiderSH+{k}_SiderFarve)'
                                   f"+{tot('J')}/{k}_SiderFarve,4))", KR4, "PrisFarve"),
            ("Udnyttelse (gns. volumen / kapacitet)",
             f'=IF(ISNUMBER({k}_Kapacitet),({k}_SiderSH+{k}_SiderFarve)/Horisont/{k}_Kapacitet,"–")', PCT,
             "Udnyttelse"),
        ]
        if has_plan:
            results += [
                ("Leasingsats (ydelse / kontantpris)", f"={k}_Ydelse/{k}_Kontantpris", PCT4, "BeregnetSats"),
                ("Basisrente", f'=IF({k}_BeregnetSats>=1,"–",IFERROR(RATE({k}_Antal,-{k}_Ydelse,{k}_Kontantpris,'
                               f'-{k}_Restvaerdi,{k}_Forud)*{k}_Terminer,"–"))', PCT4, "Basisrente"),
                ("ÅOP (inkl. etablerings- og fakturagebyr)",
                 f'=IFERROR((1+IRR({k}_Betalingsstroem,IF(ISNUMBER({k}_Basisrente),{k}_Basisrente/{k}_Terminer,'
                 f'0.01)))^{k}_Terminer-1,"–")', PCT4, "AOP"),
            ]
        self.block(ws, calc_top, 7, 3, "Resultat", results, k)
        widths = {"A": 10, "B": 12, "C": 10, "D": 12, "E": 14, "F": 15, "G": 14, "H": 16, "I": 14, "J": 15,
                  "K": 17, "L": 15, "M": 15}
        for letter, w in widths.items():
            ws.column_dimensions[letter].width = w
        ws.freeze_panes = "A3"
        self.page(ws, landscape=True, title_rows="1:2")
        self.layout[k] = {"year_top": year_top, "plan_top": plan_top, "y_first": y_first, "y_last": y_last}

    def summary(self, ws):
        comp = self.comp
        assert self.flag_count_row is not None, "the Tjekliste sheet is written before Sammenligning refers to it"
        results = comp.results
        self.intro(ws, "Sammenligning af tilbud",
                   "Samme behov og horisont for alle tilbud. Rang efter nutidsværdi (1 = billigst). "
                   "Leasingsatsen sammenligner kun ved ens løbetid og restværdi; basisrenten kan sammenlignes "
                   "med et banklån; ÅOP medregner gebyrer.",
                   1 + len(results))
        self.head(ws, 4, ["Nøgletal"] + [r.key for r in results])
        rows = [
            ("Leverandør", "{k}_Leverandoer", "@"),
            ("Maskine", "{k}_Maskine", "@"),
            ("Finansieringsform", "{k}_Leasingform", "@"),
            ("Løbetid (år)", "IF(ISNUMBER({k}_Loebetid),{k}_Loebetid,\"–\")", NUM),
            ("Terminsydelse", "{k}_Ydelse", KR),
            ("Samlede omkostninger i horisonten", "{k}_Total", KR),
            ("Nutidsværdi af omkostningerne", "{k}_NV", KR),
            ("Rang (nutidsværdi)", None, "0"),
            ("Heraf finansiering", "{k}_Finansiering", KR),
            ("Heraf gebyrer", "{k}_Gebyrer", KR),
            ("Heraf service og tryk", "{k}_Service", KR),
            ("Ydelser forfaldne efter horisonten", "{k}_EfterHorisont", KR),
            ("Pris pr. s/h side", "{k}_PrisSH", KR4),
            ("Pris pr. farveside", "{k}_PrisFarve", KR4),
            ("Leasingsats", "{k}_BeregnetSats", PCT4),
            ("Basisrente", "{k}_Basisrente", PCT4),
            ("ÅOP", "{k}_AOP", PCT4),
            ("Udnyttelse (mindst 50 %)", "{k}_Udnyttelse", PCT),
            ("Røde flag (se Tjekliste)", None, "0"),
            ("Bemærkning", None, None),
        ]
        nv_row = 5 + [label for label, *_ in rows].index("Nutidsværdi af omkostningerne")
        last_col = get_column_letter(1 + len(results))
        for i, (label, expr, fmt) in enumerate(rows):
            row = 5 + i
            self.summary_rows[label] = row
            text_cell(ws.cell(row, 1), label).border = BOX
            ws.cell(row, 1).alignment = Alignment(vertical="top")
            ws.cell(row, 1).font = BOLD if label in ("Samlede omkostninger i horisonten",
                                                      "Nutidsværdi af omkostningerne",
                                                      "Rang (nutidsværdi)") else Font()
            for j, r in enumerate(results):
                col = 2 + j
                L = get_column_letter(col)
                if label == "Rang (nutidsværdi)":
                    value = f"=RANK({L}{nv_row},$B${nv_row}:${last_col}${nv_row},1)"
                elif label == "Røde flag (se Tjekliste)":
                    value = f"={quote_sheetname('Tjekliste')}!{get_column_letter(3 + j)}{self.flag_count_row}"
                elif label == "Bemærkning":
                    c = text_cell(self.put(ws, row, col, None), remark(r, comp))
                    c.alignment = WRAP
                    continue
                elif not r.offer.has_schedule and label in ("Terminsydelse", "Leasingsats", "Basisrente", "ÅOP"):
                    text_cell(self.put(ws, row, col, None), "–").alignment = Alignment(horizontal="right")
                    continue
                else:
                    # only the three rows handled above have no expression
                    value = "=" + cast(str, expr).format(k=r.key)
                c = self.put(ws, row, col, value, fmt if fmt != "@" else None)
                if label in ("Samlede omkostninger i horisonten", "Nutidsværdi af omkostningerne",
                             "Rang (nutidsværdi)"):
                    c.font = BOLD
                if fmt == "@":
                    c.alignment = Alignment(wrap_text=True, vertical="top")
                else:
                    c.alignment = Alignment(horizontal="right")
        for label in ("Leverandør", "Maskine"):
            # the cells hold formulas; size the rows for the text they show
            longest = max(len(getattr(r.offer, "supplier" if label == "Leverandør" else "machine")) for r in results)
            ws.row_dimensions[self.summary_rows[label]].height = 13 * max(1, -(-longest // 21)) + 3
        # Cumulative cost by year (the chart's data)
        top = 5 + len(rows) + 2
        ws.cell(top - 1, 1, "Kumulerede omkostninger pr. år (nominelt, i horisonten)").font = BOLD
        self.head(ws, top, ["År"] + [f"{r.key} {r.offer.supplier}"[:40] for r in results])
        horizon = comp.needs.horizon
        for y in range(1, horizon + 1):
            row = top + y
            self.put(ws, row, 1, y)
            for j, r in enumerate(results):
                cell = f"{quote_sheetname(self.sheet_of[r.key])}!M{self.layout[r.key]['y_first'] + y - 1}"
                self.put(ws, row, 2 + j, f"={cell}", KR)
        chart = LineChart()
        chart.title = "Kumulerede omkostninger pr. tilbud"
        chart.y_axis.title = "kr"
        chart.x_axis.title = "År"
        chart.y_axis.number_format = '#,##0'
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.height, chart.width = 10, 30
        data = Reference(ws, min_col=2, max_col=1 + len(results), min_row=top, max_row=top + horizon)
        chart.add_data(data, titles_from_data=True)
        for series in chart.series:
            series.smooth = False  # straight segments: the costs are yearly sums, not a curve
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + horizon))
        ws.add_chart(chart, f"A{top + horizon + 2}")
        ws.column_dimensions["A"].width = 36
        for j in range(len(results)):
            ws.column_dimensions[get_column_letter(2 + j)].width = 19
        ws.freeze_panes = "B5"
        self.page(ws, landscape=True, title_cols="A:A")
        # The key figures on page 1, the cumulative costs and the chart together on page 2
        ws.row_breaks.append(Break(id=top - 3))

    def buyouts(self, ws):
        comp = self.comp
        K = comp.buyout_years
        self.intro(ws, "Indfrielse",
                   "Indfrielsespris på hver årsdag efter start. Betalinger, der forfalder på datoen, regnes som "
                   "betalt. Finansiel leasing og all-in: alle resterende ydelser inkl. restværdi. Operationel "
                   "leasing: nutidsværdien af de resterende ydelser inkl. restværdi (tidligst efter 24 måneder). "
                   "Lejeaftale: restgæld hos nuværende leverandør; ved skift også den resterende service. "
                   "Banklån: restgælden.",
                   2 + max(K, 3))
        self.head(ws, 4, ["Tilbud", "Indfrielse"] + [y for y in range(1, K + 1)])
        text_cell(ws.cell(5, 1), "Dato").border = BOX
        text_cell(ws.cell(5, 2), "").border = BOX
        for y in range(1, K + 1):
            L = get_column_letter(2 + y)
            ws.cell(4, 2 + y).value = y  # the year number, shown as "År n"; the formulas use it
            ws.cell(4, 2 + y).number_format = '"År "0'
            self.put(ws, 5, 2 + y, f"=EDATE(Startdato,12*{L}$4)", DATE)
        row = 6
        for r in comp.results:
            k = r.key
            for b in r.buyouts:
                text_cell(ws.cell(row, 1), f"{k} {r.offer.supplier}").border = BOX
                text_cell(ws.cell(row, 2), b.label).border = BOX
                ws.cell(row, 1).alignment = Alignment(vertical="top")
                ws.cell(row, 2).alignment = WRAP
                for y in range(1, K + 1):
                    col = 2 + y
                    D = f"{get_column_letter(col)}$5"
                    if y > len(b.values):
                        text_cell(self.put(ws, row, col, None), "–").alignment = Alignment(horizontal="right")
                        continue
                    remaining = f"SUMPRODUCT(({k}_PlanDato>{D})*{k}_PlanYdelse)"
                    paid = f"SUMPRODUCT(--({k}_PlanDato<={D}))"
                    balance = f"IF({paid}=0,{k}_Kontantpris,INDEX({k}_PlanRestgaeld,{paid}))"
                    if b.method == "finansiel":
                        f = f"={remaining}"
                    elif b.method == "operationel":
                        f = (f'=IF({D}<EDATE(Startdato,24),"{NOT_BEFORE_24}",'
                             f"IF({k}_RenteAnvendt>=0,MIN({balance},{remaining}),{balance}))")
                    elif b.method == "skift":
                        f = (f"={balance}+SUMPRODUCT(({k}_AarNr>{get_column_letter(col)}$4)"
                             f"*({k}_AarNr-1<{k}_Serviceloebetid)"
                             f"*({k}_AarServiceSH+{k}_AarServiceFarve+{k}_Miljoegebyr))")
                    else:
                        f = f"={balance}"
                    c = self.put(ws, row, col, f, KR)
                    c.alignment = Alignment(horizontal="right")
                self.buyout_rows[(k, b.label)] = row
                row += 1
        if row == 6:
            text_cell(ws.cell(6, 1), "Ingen af tilbuddene har en finansiering, der kan indfries.")
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 34
        for y in range(1, K + 1):
            ws.column_dimensions[get_column_letter(2 + y)].width = 18
        ws.freeze_panes = "C6"
        self.page(ws, landscape=K > 3, title_rows="4:5")

    def checklist(self, ws):
        from ..core.redflags import RULES

        comp = self.comp
        results = comp.results
        self.intro(ws, "Tjekliste: vejledningens røde flag",
                   "Reglerne fra Undervisningsministeriets vejledning om køb, leje og leasing af kopimaskiner og "
                   "printere. Fundet ved dannelsen ud fra tilbuddene; OK = reglen slår ikke ud.",
                   2 + len(results))
        self.head(ws, 4, ["Regel", "Begrundelse (vejledningen)"]
                  + [f"{r.key} {r.offer.supplier}"[:40] for r in results])
        ws.row_dimensions[4].height = 30
        for i, rule in enumerate(RULES):
            row = 5 + i
            self.checklist_rows[rule.code] = row
            text_cell(ws.cell(row, 1), rule.title).border = BOX
            ws.cell(row, 1).alignment = WRAP
            ws.cell(row, 1).font = BOLD
            text_cell(ws.cell(row, 2), rule.reason).border = BOX
            ws.cell(row, 2).alignment = WRAP
            for j, r in enumerate(results):
                c = ws.cell(row, 3 + j)
                text_cell(c, checklist_text(r, rule.code))
                c.border, c.alignment = BOX, WRAP
                c.fill = OK_FILL if c.value == "OK" else FLAG_FILL
        count_row = 5 + len(RULES)
        self.flag_count_row = count_row
        text_cell(ws.cell(count_row, 1), "Antal røde flag").font = BOLD
        ws.cell(count_row, 1).border = BOX
        for j in range(len(results)):
            L = get_column_letter(3 + j)
            self.put(ws, count_row, 3 + j, f'=COUNTIF({L}5:{L}{count_row - 1},"<>OK")', "0", bold=True)
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 52
        for j in range(len(results)):
            ws.column_dimensions[get_column_letter(3 + j)].width = 22
        ws.freeze_panes = "C5"
        self.page(ws, landscape=True, title_rows="4:4", title_cols="A:A")


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 8.43


def fit_row_heights(ws, line_height: float = 13.0) -> None:
    """Give rows with wrapped text the height their text needs.

    LibreOffice and Excel keep a row's stored height on load, so wrapped
    text would be cut on screen and in the PDF; the number of lines is
    estimated from the column width (merged cells: the merged width).
    """
    import math

    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = sum(_width(ws, c) for c in range(rng.min_col, rng.max_col + 1))
    need: dict[int, int] = {}
    for row in ws.iter_rows():
        for c in row:
            if not (isinstance(c.value, str) and c.data_type == "s" and c.alignment and c.alignment.wrap_text):
                continue
            width = merged.get((c.row, c.column), _width(ws, c.column))
            per_line = max(1, int(width * 1.15))
            lines = sum(max(1, math.ceil(len(part) / per_line)) for part in c.value.split("\n"))
            need[c.row] = max(need.get(c.row, 1), lines)
    for r, lines in need.items():
        if lines > 1:
            current = ws.row_dimensions[r].height or 0
            ws.row_dimensions[r].height = max(current, line_height * lines + 3)


def checklist_text(r: OfferResult, code: str) -> str:
    """The Tjekliste cell of offer ``r`` for rule ``code``: ``OK`` or what was found and expected."""
    for flag in r.flags:
        if flag.code == code:
            return f"{flag.found} (bør være: {flag.expected})"
    return "OK"


def remark(r: OfferResult, comp: Comparison) -> str:
    """A short Danish note where an offer is not on the same basis as the horizon."""
    notes = []
    o = r.offer
    if o.years is not None and o.years != comp.needs.horizon:
        notes.append(f"Løbetid {format_number(o.years)} år ≠ horisont {comp.needs.horizon} år")
    if r.after_horizon:
        notes.append("ydelser forfalder efter horisonten")
    if r.flags:
        notes.append(f"{len(r.flags)} røde flag")
    return "; ".join(notes) if notes else "–"


def build_workbook(comp: Comparison) -> Workbook:
    """The comparison workbook for ``comp`` (an openpyxl Workbook, not yet saved)."""
    return _Writer(comp).build()


def write_workbook(comp: Comparison, target: str | Path, *, overwrite: bool = False) -> Path:
    """Build, fingerprint and save the workbook atomically; returns the path."""
    wb = build_workbook(comp)
    stamp(wb, GENERATOR)
    return save_workbook_atomic(wb, target, overwrite=overwrite)

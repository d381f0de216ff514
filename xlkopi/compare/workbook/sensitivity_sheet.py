"""The Følsomhed sheet: present value and rank at -30 % to +30 % b/w and colour volume, as live formulas.

The same rule as :mod:`xlkopi.compare.sensitivity` (the tests hold the two together in LibreOffice):
each step's volumes are ``ROUND(Behov_SH*(1+f);0)`` and ``ROUND(Behov_Farve*(1+f);0)``, and each offer's
present value is the sum over the horizon of its year-table rows recomputed at those volumes: the year's
payments and start items (column P of the offer sheet, which does not depend on the volume) plus the
service at the scaled volume and the environmental fee, discounted to the year's end, rounded per year as
the year table rounds. The rank block ranks the offers that cover the horizon at each step, and
conditional formatting marks a rank, and the cheapest offer, that differ from the needs as given (0 %).
The steps are inputs: a user can type other percentages.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, quote_sheetname

from ..fields import INT, KR, PCT
from ..model import OfferResult
from ..sensitivity import FACTORS
from .offer_sheet import service_bw, service_colour
from .state import Writer
from .style import BOLD, FLAG_FILL, HEAD_FONT, INPUT_FILL, UNLOCKED, head, intro, page, put, text_cell

BASE = FACTORS.index(0)


def write_sensitivity(w: Writer, ws) -> None:
    """Write the Følsomhed sheet ``ws`` (after the offer sheets, whose year tables it reads)."""
    results = w.comp.results
    n = len(FACTORS)
    first_col, last_col = 3, 2 + n
    intro(ws, "Følsomhed: nutidsværdi og rang ved andre tryk-mængder",
          "Sort/hvid- og farvevolumen ganget med (1 + ændringen); alle andre forudsætninger som på "
          "Forudsætninger. Rang blandt de tilbud, der dækker horisonten; markeret, hvor rangen eller det "
          "billigste tilbud er et andet end ved behovet som angivet (0 %). Ændringerne kan rettes.", last_col)
    head(ws, 4, ["Ændring af volumen", ""] + [""] * n)
    for j, f in enumerate(FACTORS):
        c = put(ws, 4, first_col + j, float(f), PCT)
        c.fill, c.protection, c.font = INPUT_FILL, UNLOCKED, BOLD
    bw_row, col_row = 5, 6
    text_cell(ws.cell(bw_row, 1), "Sort/hvid tryk pr. år")
    text_cell(ws.cell(col_row, 1), "Farvetryk pr. år (år 1)")
    for j in range(n):
        L = get_column_letter(first_col + j)
        put(ws, bw_row, first_col + j, f"=ROUND(Behov_SH*(1+{L}$4),0)", INT)
        put(ws, col_row, first_col + j, f"=ROUND(Behov_Farve*(1+{L}$4),0)", INT)

    pv_top = 8
    rank_top = pv_top + len(results) + 3
    detail = rank_top + len(results) + 4   # the per-year blocks, below the two tables and the cheapest row
    head(ws, pv_top, ["Nutidsværdi", "Rangeres"] + [""] * n)
    head(ws, rank_top, ["Rang", ""] + [""] * n)
    for top in (pv_top, rank_top):
        for j in range(n):
            L = get_column_letter(first_col + j)
            put(ws, top, first_col + j, f"={L}$4", PCT).font = HEAD_FONT   # white on the header's blue
    block_rows = {}
    row = detail
    for r in results:
        block_rows[r.key] = row
        row = _detail_block(w, ws, r, row, first_col, bw_row, col_row) + 2
    for i, r in enumerate(results):
        pr, rr = pv_top + 1 + i, rank_top + 1 + i
        label = f"{r.key} {r.offer.supplier}"[:40]
        text_cell(ws.cell(pr, 1), label)
        text_cell(ws.cell(rr, 1), label)
        put(ws, pr, 2, f'=IF({r.key}_Rangeres=1,"ja","nej")').alignment = Alignment(horizontal="center")
        years = w.comp.year_rows
        for j in range(n):
            L = get_column_letter(first_col + j)
            top = block_rows[r.key] + 1
            put(ws, pr, first_col + j, f"=SUM({L}{top}:{L}{top + years - 1})", KR)
            pvs = f"{L}${pv_top + 1}:{L}${pv_top + len(results)}"
            ranked = f"$B${pv_top + 1}:$B${pv_top + len(results)}"
            put(ws, rr, first_col + j, f'=IF($B{pr}="ja",COUNTIFS({pvs},"<"&{L}{pr},{ranked},"ja")+1,"–")', "0")
    end = rank_top + len(results)
    cheap = end + 1
    text_cell(ws.cell(cheap, 1), "Billigste tilbud").font = BOLD
    keys = ",".join(f'"{r.key}"' for r in results)
    for j in range(n):
        L = get_column_letter(first_col + j)
        put(ws, cheap, first_col + j, f'=IFERROR(CHOOSE(MATCH(1,{L}{rank_top + 1}:{L}{end},0),{keys}),"–")')
    base = get_column_letter(first_col + BASE)
    span = f"{get_column_letter(first_col)}{rank_top + 1}:{get_column_letter(last_col)}{cheap}"
    ws.conditional_formatting.add(span, FormulaRule(formula=[f"{get_column_letter(first_col)}{rank_top + 1}"
                                                             f"<>${base}{rank_top + 1}"], fill=FLAG_FILL))
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 10
    for j in range(n):
        ws.column_dimensions[get_column_letter(first_col + j)].width = 16
    ws.freeze_panes = "C5"
    page(ws, landscape=True, title_cols="A:B")


def _detail_block(w: Writer, ws, r: OfferResult, top: int, first_col: int, bw_row: int, col_row: int) -> int:
    """The offer's present value per year at each step; returns its last row."""
    k, o = r.key, r.offer
    sheet = quote_sheetname(w.sheet_of[k])
    y_first = w.layout[k]["y_first"]
    text_cell(ws.cell(top, 1), f"{k}: nutidsværdi pr. år ved ændret volumen").font = BOLD
    for y in range(1, w.comp.year_rows + 1):
        row = top + y
        yr = y_first + y - 1
        put(ws, row, 1, y)
        svc = f"OR({k}_FornyService=1,{y - 1}<{k}_Serviceloebetid)"
        index = f"{sheet}!$D${yr}"
        for j in range(len(FACTORS)):
            L = get_column_letter(first_col + j)
            bw = f"{L}${bw_row}"
            colour = f"ROUND({L}${col_row}*(1+Farvevaekst)^{y - 1},0)"
            cost = f"{service_bw(o, k, bw, index)}+{service_colour(o, k, colour, index)}"
            formula = (f"=IF({sheet}!$C${yr}=1,ROUND({sheet}!$P${yr}+IF({svc},{cost}"
                       f"+{k}_Miljoegebyr,0)*(1+Diskonteringsrente)^(-{y}),2),0)")
            put(ws, row, first_col + j, formula, KR)
    return top + w.comp.year_rows

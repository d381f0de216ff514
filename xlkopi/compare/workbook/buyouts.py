"""The Indfrielse sheet: each offer's buyout price on every anniversary of the start.

One row per buyout of :attr:`OfferResult.buyouts <xlkopi.compare.model.OfferResult.buyouts>`;
the formula is chosen by the buyout's ``method`` and reads the offer
sheet's schedule (``T1_PlanDato``, ``T1_PlanYdelse``, ``T1_PlanRestgaeld``)
and year table (``T1_AarNr``, ``T1_AarServiceSH``, ...).
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..fields import DATE, KR
from ..model import NOT_BEFORE_24, Buyout
from .state import Writer
from .style import BOX, WRAP, head, intro, page, put, text_cell


def write_buyouts(w: Writer, ws) -> None:
    """Write the Indfrielse sheet ``ws`` and record each buyout's row in ``w.buyout_rows``."""
    comp = w.comp
    K = comp.buyout_years
    intro(ws, "Indfrielse",
          "Indfrielsespris på hver årsdag efter start. Betalinger, der forfalder på datoen, regnes som "
          "betalt. Finansiel leasing og all-in: alle resterende ydelser inkl. restværdi. Operationel "
          "leasing: nutidsværdien af de resterende ydelser inkl. restværdi (tidligst efter 24 måneder). "
          "Lejeaftale: restgæld hos nuværende leverandør; ved skift også den resterende service. "
          "Banklån: restgælden.",
          2 + max(K, 3))
    head(ws, 4, ["Tilbud", "Indfrielse"] + [y for y in range(1, K + 1)])
    text_cell(ws.cell(5, 1), "Dato").border = BOX
    text_cell(ws.cell(5, 2), "").border = BOX
    for y in range(1, K + 1):
        L = get_column_letter(2 + y)
        ws.cell(4, 2 + y).value = y  # the year number, shown as "År n"; the formulas use it
        ws.cell(4, 2 + y).number_format = '"År "0'
        put(ws, 5, 2 + y, f"=EDATE(Startdato,12*{L}$4)", DATE)
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
                if y > len(b.values):
                    text_cell(put(ws, row, col, None), "–").alignment = Alignment(horizontal="right")
                    continue
                c = put(ws, row, col, _price(k, b, get_column_letter(col)), KR)
                c.alignment = Alignment(horizontal="right")
            w.buyout_rows[(k, b.label)] = row
            row += 1
    if row == 6:
        text_cell(ws.cell(6, 1), "Ingen af tilbuddene har en finansiering, der kan indfries.")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 34
    for y in range(1, K + 1):
        ws.column_dimensions[get_column_letter(2 + y)].width = 18
    ws.freeze_panes = "C6"
    page(ws, landscape=K > 3, title_rows="4:5")


def _price(k: str, b: Buyout, letter: str) -> str:
    """The formula of offer ``k``'s buyout ``b`` on the date in row 5 of column ``letter`` (year in row 4)."""
    D = f"{letter}$5"
    remaining = f"SUMPRODUCT(({k}_PlanDato>{D})*{k}_PlanYdelse)"
    paid = f"SUMPRODUCT(--({k}_PlanDato<={D}))"
    balance = f"IF({paid}=0,{k}_Kontantpris,INDEX({k}_PlanRestgaeld,{paid}))"
    if b.method == "finansiel":
        return f"={remaining}"
    if b.method == "operationel":
        return (f'=IF({D}<EDATE(Startdato,24),"{NOT_BEFORE_24}",'
                f"IF({k}_RenteAnvendt>=0,MIN({balance},{remaining}),{balance}))")
    if b.method == "skift":
        return (f"={balance}+SUMPRODUCT(({k}_AarNr>{letter}$4)"
                f"*({k}_AarNr-1<{k}_Serviceloebetid)"
                f"*({k}_AarServiceSH+{k}_AarServiceFarve+{k}_Miljoegebyr))")
    return f"={balance}"

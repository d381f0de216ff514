"""The Tjekliste sheet: the guide's red-flag rules, one row each, and what each offer shows for it.

Written before Sammenligning, which refers to the row counting each
offer's flags (:attr:`Writer.flag_count_row <.state.Writer.flag_count_row>`).
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from ...core.redflags import RULES
from ...core.severity import ADVARSEL
from ..model import OfferResult
from .state import Writer
from .style import BOLD, BOX, FLAG_FILL, NOTE_FILL, OK_FILL, WRAP, head, intro, page, put, text_cell


def write_checklist(w: Writer, ws) -> None:
    """Write the Tjekliste sheet ``ws`` and record its rows in ``w.checklist_rows`` and ``w.flag_count_row``."""
    results = w.comp.results
    intro(ws, "Tjekliste: vejledningens røde flag",
          "Reglerne fra Undervisningsministeriets vejledning om køb, leje og leasing af kopimaskiner og "
          "printere. Fundet ved dannelsen ud fra tilbuddene; OK = reglen slår ikke ud.",
          2 + len(results))
    head(ws, 4, ["Regel", "Begrundelse (vejledningen)"]
         + [f"{r.key} {r.offer.supplier}"[:40] for r in results])
    ws.row_dimensions[4].height = 30
    for i, rule in enumerate(RULES):
        row = 5 + i
        w.checklist_rows[rule.code] = row
        text_cell(ws.cell(row, 1), rule.title).border = BOX
        ws.cell(row, 1).alignment = WRAP
        ws.cell(row, 1).font = BOLD
        text_cell(ws.cell(row, 2), rule.reason).border = BOX
        ws.cell(row, 2).alignment = WRAP
        for j, r in enumerate(results):
            c = ws.cell(row, 3 + j)
            text_cell(c, checklist_text(r, rule.code))
            c.border, c.alignment = BOX, WRAP
            if c.value != "OK":
                c.fill = FLAG_FILL if rule.severity == ADVARSEL else NOTE_FILL
            else:
                c.fill = OK_FILL
    count_row = 5 + len(RULES)
    w.flag_count_row = count_row
    text_cell(ws.cell(count_row, 1), "Antal røde flag").font = BOLD
    ws.cell(count_row, 1).border = BOX
    for j in range(len(results)):
        L = get_column_letter(3 + j)
        # the red flags proper: a rule that is a note for the record (info, the fees) is not counted
        notes = "".join(f'-({L}{5 + i}<>"OK")' for i, rule in enumerate(RULES) if rule.severity != ADVARSEL)
        put(ws, count_row, 3 + j, f'=COUNTIF({L}5:{L}{count_row - 1},"<>OK"){notes}', "0", bold=True)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 52
    for j in range(len(results)):
        ws.column_dimensions[get_column_letter(3 + j)].width = 22
    ws.freeze_panes = "C5"
    page(ws, landscape=True, title_rows="4:4", title_cols="A:A")


def checklist_text(r: OfferResult, code: str) -> str:
    """The Tjekliste cell of offer ``r`` for rule ``code``: ``OK`` or what was found and expected."""
    for flag in r.flags:
        if flag.code == code:
            return f"{flag.found} (bør være: {flag.expected})"
    return "OK"

"""The Tjekliste sheet: the guide's red-flag rules, one row each, and what each offer shows for it.

Every offer's cell is a live formula over the inputs and the offer sheets' results
(:mod:`.flag_formulas`): ``OK``, or what was found and what it should be, the text the Python rule gives
(:func:`checklist_text`, the oracle the tests hold the formulas to). Editing an input on Forudsætninger
updates the checklist. The colours are conditional formats, so they follow the values: a red flag
(advarsel) that fires is red, a note for the record (info: the fees, which the comparison counts) is blue,
``OK`` is green. A rule that cannot fire for the offer's financing form (fixed in the workbook) is the
text ``OK``.

Written before Sammenligning, which refers to the row counting each
offer's flags (:attr:`Writer.flag_count_row <.state.Writer.flag_count_row>`).
"""

from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from ...core.redflags import RULES
from ...core.severity import ADVARSEL
from ..model import OfferResult
from .flag_formulas import OK, cell_text, flag_formula
from .state import Writer
from .style import BOLD, BOX, FLAG_FILL, NOTE_FILL, OK_FILL, WRAP, head, intro, page, put, text_cell

_WIDTH = 24
"""Width of an offer's column."""
_LINES = 4
"""Lines a rule's row has room for: the longest texts (about 80 characters) wrap to four in an offer's column."""


def _conditional(fill: PatternFill) -> PatternFill:
    """``fill`` for a conditional format: Excel reads a differential solid fill's colour from bgColor,
    LibreOffice from fgColor, so both are set."""
    return PatternFill("solid", fgColor=fill.fgColor.rgb, bgColor=fill.fgColor.rgb)


def write_checklist(w: Writer, ws) -> None:
    """Write the Tjekliste sheet ``ws`` and record its rows in ``w.checklist_rows`` and ``w.flag_count_row``."""
    results = w.comp.results
    intro(ws, "Tjekliste: vejledningens røde flag",
          "Reglerne fra Undervisningsministeriets vejledning om køb, leje og leasing af kopimaskiner og "
          "printere. Cellerne er formler over forudsætningerne og opdateres, når et input ændres; "
          "OK = reglen slår ikke ud (også når den ikke gælder for tilbuddets finansieringsform). Rød: et "
          "rødt flag; blå: til orientering (gebyrerne er medregnet i sammenligningen).",
          2 + len(results))
    head(ws, 4, ["Regel", "Begrundelse (vejledningen)"]
         + [f"{r.key} {r.offer.supplier}"[:40] for r in results])
    ws.row_dimensions[4].height = 30
    last = get_column_letter(2 + len(results))
    for i, rule in enumerate(RULES):
        row = 5 + i
        w.checklist_rows[rule.code] = row
        text_cell(ws.cell(row, 1), rule.title).border = BOX
        ws.cell(row, 1).alignment = WRAP
        ws.cell(row, 1).font = BOLD
        text_cell(ws.cell(row, 2), rule.reason).border = BOX
        ws.cell(row, 2).alignment = WRAP
        for j, r in enumerate(results):
            formula = flag_formula(rule.code, r.key, r.offer.kind)
            c = put(ws, row, 3 + j, None)
            if formula is None:
                text_cell(c, OK)
            else:
                c.value = formula
            c.alignment = WRAP
        ws.row_dimensions[row].height = 13.0 * _LINES + 3
        if results:
            cells = f"C{row}:{last}{row}"
            fired = FLAG_FILL if rule.severity == ADVARSEL else NOTE_FILL
            ws.conditional_formatting.add(cells, CellIsRule(operator="equal", formula=[f'"{OK}"'],
                                                            fill=_conditional(OK_FILL)))
            ws.conditional_formatting.add(cells, CellIsRule(operator="notEqual", formula=[f'"{OK}"'],
                                                            fill=_conditional(fired)))
    count_row = 5 + len(RULES)
    w.flag_count_row = count_row
    text_cell(ws.cell(count_row, 1), "Antal røde flag").font = BOLD
    ws.cell(count_row, 1).border = BOX
    for j in range(len(results)):
        L = get_column_letter(3 + j)
        # the red flags proper: a rule that is a note for the record (info, the fees) is not counted
        notes = "".join(f'-({L}{5 + i}<>"{OK}")' for i, rule in enumerate(RULES) if rule.severity != ADVARSEL)
        put(ws, count_row, 3 + j, f'=COUNTIF({L}5:{L}{count_row - 1},"<>{OK}"){notes}', "0", bold=True)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 52
    for j in range(len(results)):
        ws.column_dimensions[get_column_letter(3 + j)].width = _WIDTH
    ws.freeze_panes = "C5"
    page(ws, landscape=True, title_rows="4:4", title_cols="A:A")


def checklist_text(r: OfferResult, code: str) -> str:
    """The Tjekliste cell of offer ``r`` for rule ``code``, as the model's flags give it: ``OK`` or what was
    found and expected. The sheet's formulas evaluate to this text (the tests hold them to it)."""
    for flag in r.flags:
        if flag.code == code:
            return cell_text(flag.found, flag.expected)
    return OK

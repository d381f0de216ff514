"""The Sammenligning sheet: the offers' key figures side by side, their rank and the cumulative-cost chart.

Every figure refers to a name an offer sheet defined (``T1_Total``,
``T1_NV``, ...), the flag count to the Tjekliste sheet, which is
therefore written first.
"""

from __future__ import annotations

from typing import cast

from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.pagebreak import Break

from ..fields import KR, KR4, NUM, PCT, PCT4
from ..model import Comparison, OfferResult
from .state import Writer
from .style import BOLD, BOX, WRAP, head, intro, page, put, text_cell

# (label, expression over the offer's names with {k} for its key, number format); None: written below
_ROWS: list[tuple[str, str | None, str | None]] = [
    ("Leverandør", "{k}_Leverandoer", "@"),
    ("Maskine", "{k}_Maskine", "@"),
    ("Finansieringsform", "{k}_Leasingform", "@"),
    ("Løbetid (år)", "IF(ISNUMBER({k}_Loebetid),{k}_Loebetid,\"–\")", NUM),
    ("Terminsydelse", "{k}_Ydelse", KR),
    ("Samlede omkostninger i horisonten", "{k}_Total", KR),
    ("Nutidsværdi af omkostningerne", "{k}_NV", KR),
    ("Rang (nutidsværdi)", None, "0"),
    ("Rangeres (dækker horisonten)", 'IF({k}_Rangeres=1,"ja","nej")', "@"),
    ("Antagelse om dækning", None, None),
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
_BOLD_ROWS = ("Samlede omkostninger i horisonten", "Nutidsværdi af omkostningerne", "Rang (nutidsværdi)")
_SCHEDULE_ROWS = ("Terminsydelse", "Leasingsats", "Basisrente", "ÅOP")   # "–" for a cash purchase


def write_summary(w: Writer, ws) -> None:
    """Write the Sammenligning sheet ``ws``: the key figures, then the cumulative costs and their chart."""
    comp = w.comp
    assert w.flag_count_row is not None, "the Tjekliste sheet is written before Sammenligning refers to it"
    results = comp.results
    intro(ws, "Sammenligning af tilbud",
          "Samme behov og horisont for alle tilbud. Rang efter nutidsværdi (1 = billigst). "
          "Leasingsatsen sammenligner kun ved ens løbetid og restværdi; basisrenten kan sammenlignes "
          "med et banklån; ÅOP medregner gebyrer.",
          1 + len(results))
    head(ws, 4, ["Nøgletal"] + [r.key for r in results])
    labels = [label for label, *_ in _ROWS]
    nv_row = 5 + labels.index("Nutidsværdi af omkostningerne")
    ranked_row = 5 + labels.index("Rangeres (dækker horisonten)")
    last_col = get_column_letter(1 + len(results))
    for i, (label, expr, fmt) in enumerate(_ROWS):
        row = 5 + i
        w.summary_rows[label] = row
        text_cell(ws.cell(row, 1), label).border = BOX
        ws.cell(row, 1).alignment = Alignment(vertical="top")
        ws.cell(row, 1).font = BOLD if label in _BOLD_ROWS else Font()
        for j, r in enumerate(results):
            col = 2 + j
            L = get_column_letter(col)
            if label == "Rang (nutidsværdi)":
                # the offers that cover the horizon (renewed where assumed) are ranked; the others show "–"
                value = (f'=IF({L}{ranked_row}="ja",COUNTIFS($B${nv_row}:${last_col}${nv_row},"<"&{L}{nv_row},'
                         f'$B${ranked_row}:${last_col}${ranked_row},"ja")+1,"–")')
            elif label == "Antagelse om dækning":
                c = text_cell(put(ws, row, col, None), coverage_text(r))
                c.alignment = WRAP
                continue
            elif label == "Røde flag (se Tjekliste)":
                value = f"={quote_sheetname('Tjekliste')}!{get_column_letter(3 + j)}{w.flag_count_row}"
            elif label == "Bemærkning":
                c = text_cell(put(ws, row, col, None), remark(r, comp))
                c.alignment = WRAP
                continue
            elif not r.offer.has_schedule and label in _SCHEDULE_ROWS:
                text_cell(put(ws, row, col, None), "–").alignment = Alignment(horizontal="right")
                continue
            else:
                # only the three rows handled above have no expression
                value = "=" + cast(str, expr).format(k=r.key)
            c = put(ws, row, col, value, fmt if fmt != "@" else None)
            if label in _BOLD_ROWS:
                c.font = BOLD
            if fmt == "@":
                c.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                c.alignment = Alignment(horizontal="right")
    for label in ("Leverandør", "Maskine"):
        # the cells hold formulas; size the rows for the text they show
        longest = max(len(getattr(r.offer, "supplier" if label == "Leverandør" else "machine")) for r in results)
        ws.row_dimensions[w.summary_rows[label]].height = 13 * max(1, -(-longest // 21)) + 3
    top = 5 + len(_ROWS) + 2
    _cumulative(w, ws, top)
    ws.column_dimensions["A"].width = 36
    for j in range(len(results)):
        ws.column_dimensions[get_column_letter(2 + j)].width = 19
    ws.freeze_panes = "B5"
    page(ws, landscape=True, title_cols="A:A")
    # The key figures on page 1, the cumulative costs and the chart together on page 2
    ws.row_breaks.append(Break(id=top - 3))


def danish_numbers(chart) -> None:
    """Make ``chart``'s axis numbers read in Danish (350.000): its chart space names the language da-DK.

    Without it LibreOffice reads a chart's number format as en-US and prints 350,000 under a Danish profile,
    while the cells beside it read 350.000; Excel shows the user's own separators either way. openpyxl has no
    setting for it, so the chart's own writer is wrapped (a subclass would not do: openpyxl's plot area writes
    only the chart classes it knows).
    """
    write = chart._write

    def _write():
        tree = write()
        # openpyxl writes the chart's elements without a namespace under a default xmlns on the root, so lang is
        # written the same way (a prefixed one makes LibreOffice drop the chart); no date1904 is written: lang is
        # the first element, as the schema orders them
        tree.insert(0, tree.makeelement("lang", {"val": "da-DK"}))
        return tree

    chart._write = _write


def _cumulative(w: Writer, ws, top: int) -> None:
    """Cumulative cost by year (the chart's data, from each offer sheet's year table) and the line chart."""
    results = w.comp.results
    ws.cell(top - 1, 1, "Kumulerede omkostninger pr. år (nominelt, i horisonten)").font = BOLD
    # the chart's legend: key, supplier and financing form
    head(ws, top, ["År"] + [f"{r.key} {r.offer.supplier}"[:32] + f" ({r.offer.kind_label})" for r in results])
    ws.row_dimensions[top].height = 45   # supplier and financing form on up to three lines
    horizon = w.comp.needs.horizon
    for y in range(1, horizon + 1):
        row = top + y
        put(ws, row, 1, y)
        for j, r in enumerate(results):
            cell = f"{quote_sheetname(w.sheet_of[r.key])}!M{w.layout[r.key]['y_first'] + y - 1}"
            put(ws, row, 2 + j, f"={cell}", KR)
    chart = LineChart()
    danish_numbers(chart)
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


def coverage_text(r: OfferResult) -> str:
    """What the comparison assumes for the offer's coverage of the horizon (Danish)."""
    return r.coverage.assumption if r.coverage is not None else "–"


def remark(r: OfferResult, comp: Comparison) -> str:
    """A short Danish note where an offer is not on the same basis as the horizon."""
    notes = []
    if r.coverage is not None and not r.coverage.ranked:
        notes.append("rangeres ikke (se Antagelse om dækning)")
    if r.after_horizon:
        notes.append("ydelser forfalder efter horisonten")
    red = [f for f in r.flags if f.is_red]
    if red:
        notes.append(f"{len(red)} røde flag")
    return "; ".join(notes) if notes else "–"

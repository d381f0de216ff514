"""The Beslutning sheet, the workbook's first: the recommendation and what it rests on, on one A4 page.

What a procurement officer puts in front of a committee: the ranking on equal coverage
(:mod:`xlkopi.compare.coverage`), the recommended offer and why in plain Danish, each offer's key
figures (total and present value, cost per b/w and colour page in øre, leasingsats, basisrente, ÅOP,
utilisation), its red flags counted with a link to the Tjekliste, the non-price facts (response time,
capacity), and the assumptions (horizon, discount rate, volumes, the renewal rule).

Every figure is a formula over the names the other sheets define (``T1_NV``, ``T1_PrisSH`` ...) and the
Sammenligning sheet's rank row, so the page follows an edited input like every other figure; the
recommendation's text is built by formulas too (``FIXED`` writes numbers with the spreadsheet's own
separators: 5.624,49 in a Danish Excel or LibreOffice). Conditional formatting marks what needs
attention: the recommended offer, red flags, utilisation below 50 %, an offer that is not ranked.
Written last (it refers to Sammenligning and Tjekliste); :func:`~xlkopi.compare.workbook.build_workbook`
moves it to the front.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname

from ..fields import DATE, INT, KR, PCT, PCT4
from ..needs import PAGE_COST_BW, PAGE_COST_COLOUR
from .state import Writer
from .style import BOLD, BOX, FLAG_FILL, OK_FILL, TITLE, WRAP, head, page, put, text_cell

ORE = '#,##0.00 "øre"'
GREY_FILL = PatternFill("solid", fgColor="EDEDED")
RENEWAL_RULE = ("Et tilbud, der dækker færre år end horisonten, fornyes på samme vilkår og til samme pris, "
                "indeksreguleret (Fornyelse = 1), eller rangeres ikke (Fornyelse = 0); se hvert tilbuds "
                "Antagelse om dækning på arket Sammenligning.")

# (header, formula over {k} and the Sammenligning column {s}, number format, width)
_COLUMNS: list[tuple[str, str, str | None, float]] = [
    ("Rang", "{rank}", "0", 6),
    ("Tilbud", '{k}_Leverandoer&" – "&{k}_Leasingform', None, 30),
    ("Nutidsværdi", "{k}_NV", KR, 15),
    ("I alt i horisonten", "{k}_Total", KR, 15),
    ("Pris pr. s/h side", 'IF(ISNUMBER({k}_PrisSH),{k}_PrisSH*100,"–")', ORE, 11),
    ("Pris pr. farveside", 'IF(ISNUMBER({k}_PrisFarve),{k}_PrisFarve*100,"–")', ORE, 11),
    ("Leasingsats", 'IFERROR({k}_BeregnetSats,"–")', PCT4, 11),
    ("Basisrente", 'IFERROR({k}_Basisrente,"–")', PCT4, 10),
    ("ÅOP", 'IFERROR({k}_AOP,"–")', PCT4, 10),
    ("Udnyttelse", "{k}_Udnyttelse", PCT, 10),
    ("Røde flag", "{flags}", "0", 8),
    ("Responstid (timer)", 'IF(ISNUMBER({k}_Responstid),{k}_Responstid,"–")', "0", 11),
    ("Kapacitet (tryk pr. år)", 'IF(ISNUMBER({k}_Kapacitet),{k}_Kapacitet,"–")', INT, 12),
    ("Minimum over behovet", 'IF(N({k}_Minimumsvolumen)>Behov_SH,"ja","nej")', None, 10),
]


def write_decision(w: Writer, ws) -> None:
    """Write the Beslutning sheet ``ws`` (after Sammenligning and Tjekliste, which it refers to)."""
    comp = w.comp
    results = comp.results
    assert w.flag_count_row is not None and w.summary_rows, "Tjekliste and Sammenligning are written first"
    last = len(_COLUMNS)
    ws["A1"] = "Beslutningsgrundlag: tilbud på kopi- og printløsning"
    ws["A1"].font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    summary = quote_sheetname("Sammenligning")
    rank_row = w.summary_rows["Rang (nutidsværdi)"]
    last_col = get_column_letter(1 + len(results))
    ranks = f"{summary}!$B${rank_row}:${last_col}${rank_row}"
    keys = [r.key for r in results]

    # The recommendation, in words, by formulas (it follows the inputs)
    top = 3
    text_cell(ws.cell(top, 1), "Anbefaling").font = BOLD
    best = f"MATCH(1,{ranks},0)"
    second = f"MATCH(2,{ranks},0)"

    def pick(expr: str, which: str) -> str:
        return "CHOOSE(" + which + "," + ",".join(expr.format(k=k) for k in keys) + ")"

    name = pick('"{k} "&{k}_Leverandoer&" ("&{k}_Leasingform&")"', best)
    nv1, nv2 = pick("{k}_NV", best), pick("{k}_NV", second)
    runner_up = pick('"{k} "&{k}_Leverandoer', second)
    flags1 = "CHOOSE(" + best + "," + ",".join(
        f"{quote_sheetname('Tjekliste')}!{get_column_letter(3 + j)}{w.flag_count_row}" for j in range(len(results))
    ) + ")"
    sentence = (f'=IFERROR("Vælg "&{name}&": laveste nutidsværdi af omkostningerne over "&Horisont&" år, "'
                f'&FIXED({nv1},2)&" kr, blandt de tilbud, der dækker hele horisonten"'
                f'&IFERROR(", "&FIXED({nv2}-{nv1},2)&" kr under nr. 2, "&{runner_up},"")'
                f'&". "&IF({flags1}=0,"Tilbuddet har ingen røde flag.","Tilbuddet har "&{flags1}'
                f'&" røde flag; se Tjekliste, før der besluttes."),'
                f'"Intet tilbud dækker horisonten: ingen anbefaling (se Antagelse om dækning på Sammenligning).")')
    c = ws.cell(top + 1, 1, sentence)
    c.alignment = WRAP
    c.font = Font(bold=True, size=12)
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=last)
    ws.row_dimensions[top + 1].height = 48
    note = ("Rangeret efter nutidsværdi (1 = billigst) på samme behov og horisont for alle tilbud; prisen er ikke "
            "alt: se røde flag, responstid og kapacitet. Markeret: udnyttelse under 50 %, røde flag, "
            "minimumsvolumen over behovet og pris pr. side uden for vejledningens spænd (s/h ca. 8-50 øre, farve "
            "ca. 0,50-3,50 kr efter dækflade).")
    text_cell(ws.cell(top + 2, 1), note).alignment = WRAP
    ws.merge_cells(start_row=top + 2, start_column=1, end_row=top + 2, end_column=last)

    # The offers' key figures
    table = top + 4
    head(ws, table, [h for h, *_ in _COLUMNS])
    ws.row_dimensions[table].height = 42   # three lines of the narrowest headers
    first = table + 1
    for j, r in enumerate(results):
        row = first + j
        s_col = get_column_letter(2 + j)
        flag_cell = f"{quote_sheetname('Tjekliste')}!{get_column_letter(3 + j)}{w.flag_count_row}"
        for i, (header, expr, fmt, _) in enumerate(_COLUMNS):
            if header == "Rang":
                formula = f"={summary}!{s_col}{rank_row}"
            elif header == "Røde flag":
                formula = f'=HYPERLINK("#{quote_sheetname("Tjekliste")}!{get_column_letter(3 + j)}5",{flag_cell})'
            else:
                formula = "=" + expr.format(k=r.key)
            cell = put(ws, row, 1 + i, formula, fmt)
            cell.alignment = WRAP if header == "Tilbud" else Alignment(horizontal="right", vertical="top")
            if header == "Røde flag":
                cell.font = Font(color="0563C1", underline="single")
        ws.row_dimensions[row].height = 28
    end = first + len(results) - 1
    span = f"A{first}:{get_column_letter(last)}{end}"
    ws.conditional_formatting.add(span, FormulaRule(formula=[f"$A{first}=1"], fill=OK_FILL, font=BOLD))
    ws.conditional_formatting.add(span, FormulaRule(formula=[f'$A{first}="–"'], fill=GREY_FILL))
    util = get_column_letter(1 + [h for h, *_ in _COLUMNS].index("Udnyttelse"))
    ws.conditional_formatting.add(f"{util}{first}:{util}{end}",
                                  FormulaRule(formula=[f"AND(ISNUMBER({util}{first}),{util}{first}<0.5)"],
                                              fill=FLAG_FILL))
    heads = [h for h, *_ in _COLUMNS]
    for header, (low, high) in (("Pris pr. s/h side", PAGE_COST_BW), ("Pris pr. farveside", PAGE_COST_COLOUR)):
        L = get_column_letter(1 + heads.index(header))   # øre: the guide's range by coverage (needs.py)
        ws.conditional_formatting.add(f"{L}{first}:{L}{end}", FormulaRule(
            formula=[f"AND(ISNUMBER({L}{first}),OR({L}{first}<{low * 100},{L}{first}>{high * 100}))"],
            fill=FLAG_FILL))
    above = get_column_letter(1 + heads.index("Minimum over behovet"))
    ws.conditional_formatting.add(f"{above}{first}:{above}{end}",
                                  FormulaRule(formula=[f'{above}{first}="ja"'], fill=FLAG_FILL))
    red = get_column_letter(1 + [h for h, *_ in _COLUMNS].index("Røde flag"))
    ws.conditional_formatting.add(f"{red}{first}:{red}{end}",
                                  FormulaRule(formula=[f"{red}{first}>0"], fill=FLAG_FILL))

    # The assumptions
    block = end + 2
    text_cell(ws.cell(block, 1), "Forudsætninger").font = BOLD
    facts = [("Horisont (år)", "=Horisont", "0"), ("Diskonteringsrente", "=Diskonteringsrente", PCT),
             ("Sort/hvid tryk pr. år", "=Behov_SH", INT), ("Farvetryk pr. år (år 1)", "=Behov_Farve", INT),
             ("Farvevækst pr. år", "=Farvevaekst", PCT), ("Startdato", "=Startdato", DATE)]
    for i, (label, formula, fmt) in enumerate(facts):
        row = block + 1 + i
        text_cell(ws.cell(row, 1), label).border = BOX
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        put(ws, row, 3, formula, fmt).alignment = Alignment(horizontal="right")
    rule_row = block + 1 + len(facts)
    text_cell(ws.cell(rule_row, 1), f"Fornyelse: {RENEWAL_RULE}").alignment = WRAP
    ws.merge_cells(start_row=rule_row, start_column=1, end_row=rule_row, end_column=last)
    ws.row_dimensions[rule_row].height = 30
    for i, (_, _, _, width) in enumerate(_COLUMNS):
        ws.column_dimensions[get_column_letter(1 + i)].width = width
    page(ws, landscape=True)
    ws.page_setup.fitToHeight = 1   # one page

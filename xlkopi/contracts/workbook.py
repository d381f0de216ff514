"""Kontraktoversigt.xlsx: the register's figures at the reference date, for the institution and its auditor.

Sheets: Oversigt (reference date, totals, counts per status, the deadlines soonest first, refused rows),
Kontrakter (one row per contract, every figure), Forfald pr. år (what falls due per calendar year, the
figures an institution discloses about its leasing obligations), Røde flag, and one Tilkøb sheet per
top-up calculation asked for.

Live formulas where the figure is a spreadsheet formula over the register's inputs, so that a controller
can follow it: the primary end (EDATE), the last day to give notice, the end of the secondary period, the
price of missing the notice (ROUND), the status against the reference date, the days to the deadline and
every total (SUM, COUNTIF). Computed by xlkopi's engine and written as values (the schedule behind them
is not in the workbook): payments left, restforpligtelse, restgæld, the buyout prices, the present value
and the amounts per year. The Kontrakter sheet's second header row says which is which.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ..core.kinds import LABELS
from ..core.obligations import ENDED, NOTICE_PASSED, NOTICE_SOON, RUNNING, SECONDARY, SOON_DAYS, STATUSES
from ..core.vocabulary import format_amount, format_percent
from ..errors import FieldError
from ..io.atomic import save_workbook_atomic
from ..io.fingerprint import stamp
from .overview import Overview

GENERATOR = "xlkopi kontrakter"
KR = "#,##0.00"
PCT = "0.0000%"
DATE = "dd-mm-yyyy"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
STATUS_FILL = {NOTICE_PASSED: "F4C7C3", NOTICE_SOON: "FCE8B2", SECONDARY: "F4C7C3", RUNNING: "D9EAD3", ENDED: "EEEEEE"}
WRAP = Alignment(wrap_text=True, vertical="top")

FORMULA, VALUE, INPUT = "formel", "beregnet", "registret"

# (header, width, number format, source) of the Kontrakter sheet, in order.
CONTRACT_COLUMNS = (
    ("Aftalenummer", 14, None, INPUT), ("Leverandør", 20, None, INPUT), ("Finansieringsform", 18, None, INPUT),
    ("Placering", 16, None, INPUT), ("Maskiner", 9, "0", INPUT), ("Anskaffelsespris", 16, KR, INPUT),
    ("Rente", 10, PCT, INPUT), ("Ydelse pr. termin", 13, KR, INPUT), ("Terminer pr. år", 9, "0", INPUT),
    ("Løbetid (år)", 9, "0.##", INPUT), ("Startdato", 11, DATE, INPUT), ("Forud/bagud", 9, None, INPUT),
    ("Restværdi", 12, KR, INPUT), ("Serviceydelse pr. termin", 13, KR, INPUT),
    ("Sekundær periode (måneder)", 11, "0", INPUT), ("Opsigelsesvarsel (måneder)", 11, "0", INPUT),
    ("Primær slutdato", 11, DATE, FORMULA), ("Sidste dag for opsigelse", 11, DATE, FORMULA),
    ("Sekundær periode slutter", 11, DATE, FORMULA), ("Pris for at misse fristen", 13, KR, FORMULA),
    ("Status", 18, None, FORMULA), ("Dage til fristen", 9, "0", FORMULA),
    ("Ydelser tilbage", 9, "0", VALUE), ("Restforpligtelse", 14, KR, VALUE), ("Restgæld", 14, KR, VALUE),
    ("Operationel indfrielse", 14, KR, VALUE), ("Leje: indfrielse, nuværende leverandør", 15, KR, VALUE),
    ("Leje: indfrielse ved skift af leverandør", 15, KR, VALUE), ("Nutidsværdi af resten", 14, KR, VALUE),
    ("Bemærkning", 40, None, VALUE),
)
_INDEX = {header: j for j, (header, *_rest) in enumerate(CONTRACT_COLUMNS, start=1)}
_COL = {header: get_column_letter(j) for header, j in _INDEX.items()}


def _n(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _head(ws, row: int, headers, fill=HEAD_FILL, height: float = 45) -> None:
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row, j, h)
        c.font, c.fill, c.alignment = BOLD, fill, WRAP
    ws.row_dimensions[row].height = height   # room for the wrapped headers (LibreOffice does not grow it)


def _page(ws, title_rows: str, pages_wide: int = 1, title_cols: str | None = None) -> None:
    """Landscape A4, ``pages_wide`` pages across (the rest flows down), titles repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols


def _status_formula(r: int) -> str:
    c = _COL
    ref, end, deadline, last, sec = ("Referencedato", f"{c['Primær slutdato']}{r}",
                                     f"{c['Sidste dag for opsigelse']}{r}", f"{c['Sekundær periode slutter']}{r}",
                                     f"{c['Sekundær periode (måneder)']}{r}")
    return (f'=IF({ref}>{last},"{ENDED}",IF({ref}>{end},"{SECONDARY}",IF(AND({sec}>0,{ref}>{deadline}),'
            f'"{NOTICE_PASSED}",IF(AND({sec}>0,{deadline}-{ref}<={SOON_DAYS}),"{NOTICE_SOON}","{RUNNING}"))))')


def _contracts_sheet(ws, ov: Overview) -> tuple[int, int]:
    ws.cell(1, 1, "Kontrakter").font = TITLE
    _head(ws, 3, [h for h, *_ in CONTRACT_COLUMNS])
    for j, (_h, width, _fmt, source) in enumerate(CONTRACT_COLUMNS, start=1):
        ws.cell(4, j, source).font = Font(italic=True, color="666666")
        ws.column_dimensions[get_column_letter(j)].width = width
    c = _COL
    first = 5
    for i, line in enumerate(ov.lines):
        r = first + i
        k, p, res = line.contract, line.position, line.resolved
        note = []
        if res.rate_derived and res.payment_difference is None:
            note.append("Renten er beregnet ud fra ydelsen (basisrente)")
        if res.payment_derived:
            note.append("Ydelsen er beregnet ud fra renten")
        if res.payment_difference is not None:
            more = "over" if res.payment_difference > 0 else "under"
            note.append(f"Ydelsen i registret ligger {format_amount(abs(res.payment_difference))} {more} "
                        f"ydelsen ved den angivne rente ({format_percent(k.rate)}); beregnet med ydelsen og "
                        "dens rente")
        values = {
            "Aftalenummer": k.number, "Leverandør": k.supplier, "Finansieringsform": LABELS[k.kind],
            "Placering": k.location or None, "Maskiner": k.machines, "Anskaffelsespris": _n(k.price),
            "Rente": float(res.rate), "Ydelse pr. termin": _n(k.payment if k.payment is not None else res.payment),
            "Terminer pr. år": k.periods_per_year, "Løbetid (år)": float(k.years), "Startdato": k.start,
            "Forud/bagud": "forud" if k.in_advance else "bagud", "Restværdi": _n(k.residual),
            "Serviceydelse pr. termin": _n(k.service_per_period), "Sekundær periode (måneder)": k.secondary_months,
            "Opsigelsesvarsel (måneder)": k.notice_months,
            "Primær slutdato": f"=EDATE({c['Startdato']}{r},{c['Løbetid (år)']}{r}*12)-1",
            "Sidste dag for opsigelse": (f"=IF({c['Opsigelsesvarsel (måneder)']}{r}>0,EDATE({c['Primær slutdato']}{r},"
                                         f"-{c['Opsigelsesvarsel (måneder)']}{r}),{c['Primær slutdato']}{r})"),
            "Sekundær periode slutter": (f"=IF({c['Sekundær periode (måneder)']}{r}>0,"
                                         f"EDATE({c['Primær slutdato']}{r}+1,{c['Sekundær periode (måneder)']}{r})-1,"
                                         f"{c['Primær slutdato']}{r})"),
            "Pris for at misse fristen": (f"=ROUND(({c['Ydelse pr. termin']}{r}+{c['Serviceydelse pr. termin']}{r})"
                                          f"*{c['Sekundær periode (måneder)']}{r}*{c['Terminer pr. år']}{r}/12,2)"),
            "Status": _status_formula(r),
            "Dage til fristen": f"={c['Sidste dag for opsigelse']}{r}-Referencedato",
            "Ydelser tilbage": p.payments_left, "Restforpligtelse": _n(p.remaining_obligation),
            "Restgæld": _n(p.restgaeld), "Operationel indfrielse": _n(p.operational_buyout),
            "Leje: indfrielse, nuværende leverandør": _n(p.rental_current),
            "Leje: indfrielse ved skift af leverandør": _n(p.rental_switch),
            "Nutidsværdi af resten": _n(line.present_value), "Bemærkning": "; ".join(note) or None,
        }
        for j, (header, _w, fmt, _s) in enumerate(CONTRACT_COLUMNS, start=1):
            cell = ws.cell(r, j, values[header])
            if fmt:
                cell.number_format = fmt
        ws.cell(r, _INDEX["Status"]).fill = PatternFill(
            "solid", fgColor=STATUS_FILL[p.status])
    last = first + len(ov.lines) - 1
    total = last + 1
    ws.cell(total, 1, "I alt").font = BOLD
    for header in ("Restforpligtelse", "Restgæld", "Nutidsværdi af resten", "Pris for at misse fristen"):
        col = c[header]
        cell = ws.cell(total, _INDEX[header],
                       f"=SUM({col}{first}:{col}{last})" if ov.lines else 0)
        cell.number_format, cell.font = KR, BOLD
    ws.freeze_panes = "C5"
    # 30 columns: three readable pages across, with the number and the supplier on each
    _page(ws, "3:4", pages_wide=3, title_cols="A:B")
    return first, last


def _overview_sheet(ws, ov: Overview, first: int, last: int, errors: list[FieldError], source: str) -> None:
    ws.cell(1, 1, "Kontraktoversigt").font = TITLE
    ws.cell(2, 1, f"Register: {source}")
    rows = [("Referencedato", ov.day, DATE), ("Diskonteringsrente (nutidsværdi)", float(ov.discount_rate), PCT),
            ("Kontrakter", len(ov.lines), "0")]
    for i, (label, value, fmt) in enumerate(rows, start=4):
        ws.cell(i, 1, label).font = BOLD
        ws.cell(i, 2, value).number_format = fmt
    status_col = f"Kontrakter!${_COL['Status']}${first}:${_COL['Status']}${last}"
    r = 8
    ws.cell(r, 1, "Status").font = BOLD
    ws.cell(r, 2, "Antal").font = BOLD
    for i, s in enumerate(STATUSES, start=1):
        ws.cell(r + i, 1, s).fill = PatternFill("solid", fgColor=STATUS_FILL[s])
        ws.cell(r + i, 2, f'=COUNTIF({status_col},"{s}")' if ov.lines else 0)
    r += len(STATUSES) + 2
    totals = (("Restforpligtelse i alt", "Restforpligtelse"), ("Restgæld i alt", "Restgæld"),
              ("Nutidsværdi af restforpligtelsen", "Nutidsværdi af resten"))
    for label, header in totals:
        ws.cell(r, 1, label).font = BOLD
        col = _COL[header]
        ws.cell(r, 2, f"=Kontrakter!{col}{last + 1}").number_format = KR
        r += 1
    # What the deadlines still ahead would cost if missed (the ones already passed are in the obligation).
    price_col = f"Kontrakter!${_COL['Pris for at misse fristen']}${first}:${_COL['Pris for at misse fristen']}${last}"
    ws.cell(r, 1, "Pris for at misse de kommende frister").font = BOLD
    ws.cell(r, 2, (f'=SUMIFS({price_col},{status_col},"{RUNNING}")+SUMIFS({price_col},{status_col},"{NOTICE_SOON}")'
                   if ov.lines else 0)).number_format = KR
    r += 1
    r += 1
    ws.cell(r, 1, "Frister, de nærmeste først").font = Font(bold=True, size=12)
    r += 1
    _head(ws, r, ["Aftalenummer", "Leverandør", "Status", "Sidste dag for opsigelse", "Dage til fristen",
                  "Primær slutdato", "Pris for at misse fristen", "Restforpligtelse"])
    for line in ov.by_urgency():
        r += 1
        k, p = line.contract, line.position
        vals = (k.number, k.supplier, p.status, p.notice_deadline, p.days_to_deadline, p.primary_end,
                _n(p.secondary_cost), _n(p.remaining_obligation))
        for j, v in enumerate(vals, start=1):
            ws.cell(r, j, v)
        ws.cell(r, 3).fill = PatternFill("solid", fgColor=STATUS_FILL[p.status])
        for j, fmt in ((4, DATE), (6, DATE), (7, KR), (8, KR)):
            ws.cell(r, j).number_format = fmt
    if errors:
        r += 2
        ws.cell(r, 1, f"Afviste rækker i registret ({len(errors)}); de er ikke regnet med").font = Font(
            bold=True, color="C00000")
        for e in errors:
            r += 1
            ws.cell(r, 1, str(e)).alignment = Alignment(wrap_text=False)
    for col, w in zip("ABCDEFGH", (34, 20, 20, 14, 10, 14, 14, 16), strict=True):
        ws.column_dimensions[col].width = w
    _page(ws, "1:2")


def _due_sheet(ws, ov: Overview) -> None:
    ws.cell(1, 1, "Forfald pr. år").font = TITLE
    ws.cell(2, 1, "Ydelser og restværdier, der forfalder efter referencedatoen, pr. kalenderår (beregnet af xlkopi); "
                  "totaler som formler.")
    years = ov.years
    headers = ["Aftalenummer", "Leverandør", *[str(y) for y in years], "I alt (nominelt)", "Nutidsværdi"]
    _head(ws, 4, headers)
    first = 5
    n = len(years)
    for i, line in enumerate(ov.lines):
        r = first + i
        ws.cell(r, 1, line.contract.number)
        ws.cell(r, 2, line.contract.supplier)
        for j, y in enumerate(years, start=3):
            amount = line.due.get(y)
            ws.cell(r, j, _n(amount) if amount is not None else None).number_format = KR
        ws.cell(r, 3 + n, f"=SUM({get_column_letter(3)}{r}:{get_column_letter(2 + n)}{r})" if n else 0
                ).number_format = KR
        ws.cell(r, 4 + n, _n(line.present_value)).number_format = KR
    last = first + len(ov.lines) - 1
    total = last + 1
    ws.cell(total, 1, "I alt").font = BOLD
    for j in range(3, 5 + n):
        letter = get_column_letter(j)
        cell = ws.cell(total, j, f"=SUM({letter}{first}:{letter}{last})" if ov.lines else 0)
        cell.number_format, cell.font = KR, BOLD
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 20
    for j in range(3, 5 + n):
        ws.column_dimensions[get_column_letter(j)].width = 14
    ws.freeze_panes = "C5"
    _page(ws, "4:4")


def _flags_sheet(ws, ov: Overview) -> None:
    ws.cell(1, 1, "Røde flag").font = TITLE
    _head(ws, 3, ["Aftalenummer", "Leverandør", "Røde flag", "Fundet", "Vejledningens grænse", "Hvorfor"])
    r = 3
    for line in ov.lines:
        for f in line.flags:
            r += 1
            for j, v in enumerate((line.contract.number, line.contract.supplier, f.title, f.found, f.expected,
                                   f.reason), start=1):
                ws.cell(r, j, v).alignment = WRAP
    if r == 3:
        ws.cell(4, 1, "Ingen af kontrakterne har vejledningens røde flag.")
    for col, w in zip("ABCDEF", (14, 20, 34, 18, 22, 60), strict=True):
        ws.column_dimensions[col].width = w
    _page(ws, "3:3")


def _topup_sheet(ws, ov: Overview, index: int) -> None:
    line, t = ov.topups[index]
    k = line.contract
    ws.cell(1, 1, f"Tilkøb ved {k.number} ({k.supplier}): refinansiering eller parallel aftale").font = TITLE
    rows = [
        ("Referencedato", t.day, DATE), ("Nyt udstyr, anskaffelsespris", _n(t.new_price), KR),
        ("Ny løbetid (år)", float(t.new_years), "0.##"), ("Ny rente", float(t.new_rate), PCT),
        ("Restgæld på den gamle aftale", _n(t.restgaeld), KR), (None, None, None),
        ("(a) Refinansiering: restgæld + nyt udstyr i én ny aftale, ydelser i alt", _n(t.refinance_total), KR),
        ("(a) Nutidsværdi", _n(t.refinance_pv), KR),
        ("(b) Parallelt: den gamle aftale løber ud + ny aftale for det nye udstyr, i alt", _n(t.parallel_total), KR),
        ("(b) Nutidsværdi", _n(t.parallel_pv), KR), (None, None, None),
        ("Merpris ved refinansiering (nominelt)", "=B9-B11", KR),
        ("Merpris ved refinansiering (nutidsværdi)", "=B10-B12", KR),
    ]
    for i, (label, value, fmt) in enumerate(rows, start=3):
        if label is None:
            continue
        ws.cell(i, 1, label).alignment = WRAP
        cell = ws.cell(i, 2, value)
        if fmt:
            cell.number_format = fmt
    ws.cell(3 + len(rows) + 1, 1, t.reasoning).alignment = WRAP
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 18
    _page(ws, "1:1")


def write_overview(ov: Overview, target: str | Path, *, errors: list[FieldError] | None = None, source: str = "",
                   overwrite: bool = False) -> Path:
    """Write Kontraktoversigt.xlsx atomically; refuses an existing file unless ``overwrite``."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Oversigt"
    contracts = wb.create_sheet("Kontrakter")
    first, last = _contracts_sheet(contracts, ov)
    wb.defined_names["Referencedato"] = DefinedName("Referencedato", attr_text="Oversigt!$B$4")
    _overview_sheet(summary, ov, first, last, errors or [], source)
    _due_sheet(wb.create_sheet("Forfald pr. år"), ov)
    _flags_sheet(wb.create_sheet("Røde flag"), ov)
    for i in range(len(ov.topups)):
        _topup_sheet(wb.create_sheet(f"Tilkøb {i + 1}"), ov, i)
    stamp(wb, GENERATOR)
    return save_workbook_atomic(wb, target, overwrite=overwrite)

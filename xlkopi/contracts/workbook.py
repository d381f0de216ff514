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

Written with :mod:`xlkopi.io.xlsxstream` (a register of 10^4 contracts is half a million cells).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from ..core.kinds import LABELS
from ..core.obligations import ENDED, GIVEN, NOTICE_PASSED, NOTICE_SOON, RUNNING, SECONDARY, SOON_DAYS, STATUSES
from ..core.vocabulary import format_amount, format_percent
from ..errors import FieldError
from ..io.a1 import col_letters
from ..io.xlsxstream import Formula, Sheet, StreamWorkbook, Style
from .overview import Overview

GENERATOR = "xlkopi kontrakter"
KR = "#,##0.00"
PCT = "0.0000%"
DATE = "dd-mm-yyyy"
HEAD_FILL = "DDE5F0"
STATUS_FILL = {NOTICE_PASSED: "F4C7C3", NOTICE_SOON: "FCE8B2", SECONDARY: "F4C7C3", RUNNING: "D9EAD3", GIVEN: "DDE5F0",
               ENDED: "EEEEEE"}

FORMULA, VALUE, INPUT = "formel", "beregnet", "registret"

# (header, width, number format, source) of the Kontrakter sheet, in order.
CONTRACT_COLUMNS = (
    ("Aftalenummer", 14, None, INPUT), ("Leverandør", 20, None, INPUT), ("Finansieringsform", 18, None, INPUT),
    ("Placering", 16, None, INPUT), ("Maskiner", 9, "0", INPUT), ("Anskaffelsespris", 16, KR, INPUT),
    ("Rente", 10, PCT, INPUT), ("Ydelse pr. termin", 13, KR, INPUT), ("Terminer pr. år", 9, "0", INPUT),
    ("Løbetid (år)", 9, "0.##", INPUT), ("Startdato", 11, DATE, INPUT), ("Forud/bagud", 9, None, INPUT),
    ("Restværdi", 12, KR, INPUT), ("Serviceydelse pr. termin", 13, KR, INPUT),
    ("Sekundær periode (måneder)", 11, "0", INPUT), ("Opsigelsesvarsel (måneder)", 11, "0", INPUT),
    ("Opsagt den", 11, DATE, INPUT),
    ("Primær slutdato", 11, DATE, FORMULA), ("Sidste dag for opsigelse", 11, DATE, FORMULA),
    ("Sekundær periode slutter", 11, DATE, FORMULA), ("Pris for at misse fristen", 13, KR, FORMULA),
    ("Status", 18, None, FORMULA), ("Dage til fristen", 9, "0", FORMULA),
    ("Ydelser tilbage", 9, "0", VALUE), ("Restforpligtelse", 14, KR, VALUE), ("Restgæld", 14, KR, VALUE),
    ("Operationel indfrielse", 14, KR, VALUE), ("Leje: indfrielse, nuværende leverandør", 15, KR, VALUE),
    ("Leje: indfrielse ved skift af leverandør", 15, KR, VALUE), ("Nutidsværdi af resten", 14, KR, VALUE),
    ("Bemærkning", 40, None, VALUE),
)
_INDEX = {header: j for j, (header, *_rest) in enumerate(CONTRACT_COLUMNS, start=1)}
_COL = {header: col_letters(j) for header, j in _INDEX.items()}
FIRST = 5   # the Kontrakter sheet's first contract row


class _Styles:
    """The cell formats of the overview, registered once per workbook."""

    def __init__(self, wb: StreamWorkbook) -> None:
        self.title = wb.style(Style(bold=True, size=14))
        self.subtitle = wb.style(Style(bold=True, size=12))
        self.bold = wb.style(Style(bold=True))
        self.head = wb.style(Style(bold=True, fill=HEAD_FILL, wrap=True))
        self.source = wb.style(Style(italic=True, color="666666"))
        self.wrap = wb.style(Style(wrap=True))
        self.error = wb.style(Style(bold=True, color="C00000"))
        self.fmt = {f: wb.style(Style(number_format=f)) for f in (KR, PCT, DATE, "0", "0.##")}
        self.total = wb.style(Style(number_format=KR, bold=True))
        self.status = {s: wb.style(Style(fill=c)) for s, c in STATUS_FILL.items()}


def _head(ws: Sheet, st: _Styles, headers, at: int | None = None) -> int:
    # room for the wrapped headers (LibreOffice does not grow the row)
    return ws.row([(h, st.head) for h in headers], at=at, height=45)


def _status_formula(r: int | str) -> str:
    c = _COL
    ref = "Referencedato"
    end, deadline, last = (f"{c[h]}{r}" for h in ("Primær slutdato", "Sidste dag for opsigelse",
                                                   "Sekundær periode slutter"))
    sec, given = f"{c['Sekundær periode (måneder)']}{r}", f"{c['Opsagt den']}{r}"
    # notice given by the reference date and by the deadline: opsagt until the primary end, then udløbet
    in_time = f"AND(ISNUMBER({given}),{given}<={ref},{given}<={deadline})"
    return (f'=IF({in_time},IF({ref}>{end},"{ENDED}","{GIVEN}"),'
            f'IF({ref}>{last},"{ENDED}",IF({ref}>{end},"{SECONDARY}",IF(AND({sec}>0,{ref}>{deadline}),'
            f'"{NOTICE_PASSED}",IF(AND({sec}>0,{deadline}-{ref}<={SOON_DAYS}),"{NOTICE_SOON}","{RUNNING}")))))')


def _row_formulas() -> list[str]:
    """The Kontrakter sheet's formulas with ``{r}`` for the row (formatted once per row)."""
    c = {h: f"{letter}{{r}}" for h, letter in _COL.items()}
    return [
        f"=EDATE({c['Startdato']},{c['Løbetid (år)']}*12)-1",
        (f"=IF({c['Opsigelsesvarsel (måneder)']}>0,EDATE({c['Primær slutdato']},"
         f"-{c['Opsigelsesvarsel (måneder)']}),{c['Primær slutdato']})"),
        (f"=IF({c['Sekundær periode (måneder)']}>0,EDATE({c['Primær slutdato']}+1,{c['Sekundær periode (måneder)']})-1,"
         f"{c['Primær slutdato']})"),
        (f"=ROUND(({c['Ydelse pr. termin']}+{c['Serviceydelse pr. termin']})*{c['Sekundær periode (måneder)']}"
         f"*{c['Terminer pr. år']}/12,2)"),
        _status_formula("{r}"),
        f"={c['Sidste dag for opsigelse']}-Referencedato",
    ]


def _note(line) -> str | None:
    note = []
    difference = line.payment_difference
    if line.rate_derived and difference is None:
        note.append("Renten er beregnet ud fra ydelsen (basisrente)")
    if line.payment_derived:
        note.append("Ydelsen er beregnet ud fra renten")
    if difference is not None:
        more = "over" if difference > 0 else "under"
        note.append(f"Ydelsen i registret ligger {format_amount(abs(difference))} {more} "
                    f"ydelsen ved den angivne rente ({format_percent(line.contract.rate)}); beregnet med ydelsen og "
                    "dens rente")
    return "; ".join(note) or None


def _kr_or_none(ore: list[int], mask: list[bool] | None = None) -> list[float | None]:
    if mask is None:
        return [v / 100 for v in ore]
    return [v / 100 if m else None for v, m in zip(ore, mask, strict=True)]


def _contracts_sheet(ws: Sheet, st: _Styles, ov: Overview) -> int:
    ws.row([("Kontrakter", st.title)])
    _head(ws, st, [h for h, *_ in CONTRACT_COLUMNS], at=3)
    ws.row([(source, st.source) for *_, source in CONTRACT_COLUMNS])
    f = ov.figures
    fmt = [st.fmt[x] if x else 0 for _h, _w, x, _s in CONTRACT_COLUMNS]
    templates = _row_formulas()
    if f is not None and ov.lines:
        left, remaining, rest = f.payments_left.tolist(), _kr_or_none(f.remaining_ore.tolist()), \
            _kr_or_none(f.restgaeld_ore.tolist())
        operational = _kr_or_none(f.operational_ore.tolist(), f.has_operational.tolist())
        rental = f.is_rental.tolist()
        current = _kr_or_none(f.rental_current_ore.tolist(), rental)
        switch = _kr_or_none(f.rental_switch_ore.tolist(), rental)
        pv = _kr_or_none(f.pv_ore.tolist())
        payment = _kr_or_none(f.payment_ore.tolist())
        status = f.status.tolist()
        quiet = ~(f.rate_derived | f.payment_derived | f.has_difference)
        quiet_list = quiet.tolist()
        for i, line in enumerate(ov.lines):
            r = FIRST + i
            k = line.contract
            formulas = [Formula(t.format(r=r)) for t in templates]
            values = [
                k.number, k.supplier, LABELS[k.kind], k.location or None, k.machines, float(k.price),
                float(f.rate[i]), float(k.payment) if k.payment is not None else payment[i], k.periods_per_year,
                float(k.years), k.start, "forud" if k.in_advance else "bagud", float(k.residual),
                float(k.service_per_period), k.secondary_months, k.notice_months, k.notice_given, *formulas,
                left[i], remaining[i], rest[i], operational[i], current[i], switch[i], pv[i],
                None if quiet_list[i] else _note(line),
            ]
            cells = [(v, s) if s else v for v, s in zip(values, fmt, strict=True)]
            cells[_INDEX["Status"] - 1] = (formulas[4], st.status[STATUSES[status[i]]])
            ws.row(cells)
    last = FIRST + len(ov.lines) - 1
    totals: list = [None] * len(CONTRACT_COLUMNS)
    totals[0] = ("I alt", st.bold)
    for header in ("Restforpligtelse", "Restgæld", "Nutidsværdi af resten", "Pris for at misse fristen"):
        col = _COL[header]
        totals[_INDEX[header] - 1] = (Formula(f"=SUM({col}{FIRST}:{col}{last})") if ov.lines else 0, st.total)
    ws.row(totals, at=last + 1)
    return last


def _overview_sheet(ws: Sheet, st: _Styles, ov: Overview, last: int, errors: list[FieldError],
                    source: str) -> None:
    first = FIRST
    ws.row([("Kontraktoversigt", st.title)])
    ws.row([f"Register: {source}"])
    rows = [("Referencedato", ov.day, DATE), ("Diskonteringsrente (nutidsværdi)", float(ov.discount_rate), PCT),
            ("Kontrakter", len(ov.lines), "0")]
    for i, (label, value, fmt) in enumerate(rows, start=4):
        ws.row([(label, st.bold), (value, st.fmt[fmt])], at=i)
    status_col = f"Kontrakter!${_COL['Status']}${first}:${_COL['Status']}${last}"
    r = 8
    ws.row([("Status", st.bold), ("Antal", st.bold)], at=r)
    for s in STATUSES:
        ws.row([(s, st.status[s]), Formula(f'=COUNTIF({status_col},"{s}")') if ov.lines else 0])
    r = ws.next_row + 1
    totals = (("Restforpligtelse i alt", "Restforpligtelse"), ("Restgæld i alt", "Restgæld"),
              ("Nutidsværdi af restforpligtelsen", "Nutidsværdi af resten"))
    for label, header in totals:
        ws.row([(label, st.bold), (Formula(f"=Kontrakter!{_COL[header]}{last + 1}"), st.fmt[KR])], at=r)
        r += 1
    # What the deadlines still ahead would cost if missed (the ones already passed are in the obligation).
    price_col = f"Kontrakter!${_COL['Pris for at misse fristen']}${first}:${_COL['Pris for at misse fristen']}${last}"
    ws.row([("Pris for at misse de kommende frister", st.bold),
            (Formula(f'=SUMIFS({price_col},{status_col},"{RUNNING}")+SUMIFS({price_col},{status_col},'
                     f'"{NOTICE_SOON}")') if ov.lines else 0, st.fmt[KR])], at=r)
    r += 2
    ws.row([("Frister, de nærmeste først", st.subtitle)], at=r)
    _head(ws, st, ["Aftalenummer", "Leverandør", "Status", "Sidste dag for opsigelse", "Dage til fristen",
                   "Primær slutdato", "Pris for at misse fristen", "Restforpligtelse"])
    f = ov.figures
    if f is not None and ov.lines:
        status, days = f.status.tolist(), f.days_to_deadline.tolist()
        deadline, end = _dates(f.notice_deadline), _dates(f.primary_end)
        cost, remaining = _kr_or_none(f.secondary_cost_ore.tolist()), _kr_or_none(f.remaining_ore.tolist())
        d, kr = st.fmt[DATE], st.fmt[KR]
        for i in ov.urgency_order().tolist():
            k = ov.lines[i].contract
            ws.row([k.number, k.supplier, (STATUSES[status[i]], st.status[STATUSES[status[i]]]), (deadline[i], d),
                    days[i], (end[i], d), (cost[i], kr), (remaining[i], kr)])
    if errors:
        ws.row([(f"Afviste rækker i registret ({len(errors)}); de er ikke regnet med", st.error)],
               at=ws.next_row + 1)
        for e in errors:
            ws.row([str(e)])


def _dates(values: np.ndarray) -> list[dt.date]:
    return values.astype(object).tolist()


def _due_sheet(ws: Sheet, st: _Styles, ov: Overview) -> None:
    ws.row([("Forfald pr. år", st.title)])
    ws.row(["Ydelser og restværdier, der forfalder efter referencedatoen, pr. kalenderår (beregnet af xlkopi); "
            "totaler som formler."])
    years = ov.years
    n = len(years)
    _head(ws, st, ["Aftalenummer", "Leverandør", *[str(y) for y in years], "I alt (nominelt)", "Nutidsværdi"], at=4)
    kr = st.fmt[KR]
    f = ov.figures
    if f is not None and ov.lines:
        due = f.due_ore.tolist()
        pv = _kr_or_none(f.pv_ore.tolist())
        a, b = col_letters(3), col_letters(2 + n)
        for i, line in enumerate(ov.lines):
            r = FIRST + i
            amounts = [(v / 100 if v else None, kr) for v in due[i]]
            total = Formula(f"=SUM({a}{r}:{b}{r})") if n else 0
            ws.row([line.contract.number, line.contract.supplier, *amounts, (total, kr), (pv[i], kr)])
    last = FIRST + len(ov.lines) - 1
    totals: list = [("I alt", st.bold), None]
    for j in range(3, 5 + n):
        letter = col_letters(j)
        totals.append((Formula(f"=SUM({letter}{FIRST}:{letter}{last})") if ov.lines else 0, st.total))
    ws.row(totals, at=last + 1)


def _flags_sheet(ws: Sheet, st: _Styles, ov: Overview) -> None:
    ws.row([("Røde flag", st.title)])
    _head(ws, st, ["Aftalenummer", "Leverandør", "Røde flag", "Fundet", "Vejledningens grænse", "Hvorfor"], at=3)
    for line in ov.lines:
        for flag in line.flags:
            ws.row([(v, st.wrap) for v in (line.contract.number, line.contract.supplier, flag.title, flag.found,
                                            flag.expected, flag.reason)])
    if ws.next_row == 4:
        ws.row(["Ingen af kontrakterne har vejledningens røde flag."])


def _topup_sheet(ws: Sheet, st: _Styles, ov: Overview, index: int) -> None:
    line, t = ov.topups[index]
    k = line.contract
    ws.row([(f"Tilkøb ved {k.number} ({k.supplier}): refinansiering eller parallel aftale", st.title)])
    rows = [
        ("Referencedato", t.day, DATE), ("Nyt udstyr, anskaffelsespris", float(t.new_price), KR),
        ("Ny løbetid (år)", float(t.new_years), "0.##"), ("Ny rente", float(t.new_rate), PCT),
        ("Restgæld på den gamle aftale", float(t.restgaeld), KR), (None, None, None),
        ("(a) Refinansiering: restgæld + nyt udstyr i én ny aftale, ydelser i alt", float(t.refinance_total), KR),
        ("(a) Nutidsværdi", float(t.refinance_pv), KR),
        ("(b) Parallelt: den gamle aftale løber ud + ny aftale for det nye udstyr, i alt", float(t.parallel_total),
         KR),
        ("(b) Nutidsværdi", float(t.parallel_pv), KR), (None, None, None),
        ("Merpris ved refinansiering (nominelt)", Formula("=B9-B11"), KR),
        ("Merpris ved refinansiering (nutidsværdi)", Formula("=B10-B12"), KR),
    ]
    for i, (label, value, fmt) in enumerate(rows, start=3):
        if label is not None and fmt is not None:
            ws.row([(label, st.wrap), (value, st.fmt[fmt])], at=i)
    ws.row([(t.reasoning, st.wrap)], at=3 + len(rows) + 1)


def write_overview(ov: Overview, target: str | Path, *, errors: list[FieldError] | None = None, source: str = "",
                   overwrite: bool = False) -> Path:
    """Write Kontraktoversigt.xlsx atomically; refuses an existing file unless ``overwrite``."""
    last = FIRST + len(ov.lines) - 1
    n = len(ov.years)
    with StreamWorkbook(target, generator=GENERATOR, overwrite=overwrite) as wb:
        st = _Styles(wb)
        wb.define("Referencedato", "Oversigt!$B$4")
        with wb.sheet("Oversigt", widths=dict(zip(range(1, 9), (34, 20, 20, 14, 10, 14, 14, 16), strict=True)),
                      title_rows="1:2") as ws:
            _overview_sheet(ws, st, ov, last, errors or [], source)
        # 30 columns: three readable pages across, with the number and the supplier on each
        with wb.sheet("Kontrakter", widths={j: w for j, (_h, w, _f, _s) in enumerate(CONTRACT_COLUMNS, start=1)},
                      freeze="C5", pages_wide=3, title_rows="3:4", title_cols="A:B") as ws:
            _contracts_sheet(ws, st, ov)
        with wb.sheet("Forfald pr. år", widths={1: 14, 2: 20, **{j: 14 for j in range(3, 5 + n)}}, freeze="C5",
                      title_rows="4:4") as ws:
            _due_sheet(ws, st, ov)
        with wb.sheet("Røde flag", widths=dict(zip(range(1, 7), (14, 20, 34, 18, 22, 60), strict=True)),
                      title_rows="3:3") as ws:
            _flags_sheet(ws, st, ov)
        for i in range(len(ov.topups)):
            with wb.sheet(f"Tilkøb {i + 1}", widths={1: 70, 2: 18}, title_rows="1:1") as ws:
                _topup_sheet(ws, st, ov, i)
    return Path(target)

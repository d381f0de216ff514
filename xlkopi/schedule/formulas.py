"""Lease schedules written as native spreadsheet formulas.

A schedule block holds its inputs as cells and computes every amount with
the spreadsheet's own functions (PMT, ROUND, EDATE, SUMIF, COUNTIF,
INDEX, RATE, IRR), following the rounding convention documented in
:mod:`xlkopi.core.schedule`:

1. Regular payment ``=ROUND(PMT(i; n; -price; residual; forud); 2)`` with
   ``i = annual rate / periods per year``.
2. Interest ``=ROUND(previous balance × i; 2)``; paid in advance (forud)
   the first row carries none.
3. The last regular row settles the remainder: its afdrag brings the
   balance to what the residual row needs.
4. The residual row (only written when the residual is above 0) pays the
   residual; in advance it carries ``ROUND(residual × i / (1 + i); 2)`` of
   interest, in arrears none.

Any spreadsheet engine (Excel, LibreOffice) recalculates such a block on
its own, so the block serves as an independent check of the core and as a
transparent schedule in generated workbooks. The writer handles a fixed
rate; the number of rows is fixed when the block is written (from
``years × periods_per_year``), everything else follows the input cells.

Labels are Danish; the title, the only free text, is always written as a
string cell, never as a formula.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ..core.schedule import HEADER
from ..money import to_decimal

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD-MM-YYYY"
RATE_FORMAT = "0.000000%"

# Input labels (Danish: staff read them) and their keys.
INPUT_LABELS = (
    ("price", "Anskaffelsespris"),
    ("annual_rate", "Årlig rente"),
    ("years", "Løbetid (år)"),
    ("periods_per_year", "Terminer pr. år"),
    ("residual", "Restværdi"),
    ("start_date", "Startdato"),
    ("in_advance", "Forud (1) / bagud (0)"),
)
DERIVED_LABELS = (
    ("n", "Antal terminer"),
    ("i", "Periodisk rente"),
    ("payment", "Terminsydelse"),
    ("residual_interest", "Renter i restværdirækken"),
    ("target", "Restgæld før restværdirækken"),
)
COLUMN_KEYS = ("termin", "dato", "restforpligtelse", "ydelse", "afdrag", "renter")


def _text(ws, ref: str, value: str) -> None:
    """Write ``value`` as a plain string cell (never a formula)."""
    cell = ws[ref]
    cell.value = value
    cell.data_type = "s"


@dataclass
class ScheduleBlock:
    """Where a written schedule lives on its worksheet.

    ``cells`` maps input and derived names (``price``, ``annual_rate``,
    ``years``, ``periods_per_year``, ``residual``, ``start_date``,
    ``in_advance``, ``n``, ``i``, ``payment``, ``residual_interest``,
    ``target``) to absolute references such as ``$B$3``; ``columns`` maps
    the table's keys (``termin`` ... ``renter``) to column letters; table
    rows run from ``first_row`` to ``last_row`` (the residual row, when
    written, is last). ``next_row`` is the first free row below the block.
    """

    title_row: int
    cells: dict[str, str]
    columns: dict[str, str]
    first_row: int
    last_row: int
    has_residual_row: bool
    next_row: int
    extra: dict[str, str] = field(default_factory=dict)

    def column_range(self, key: str) -> str:
        """Absolute range of one table column, e.g. ``$D$12:$D$31``."""
        c = self.columns[key]
        return f"${c}${self.first_row}:${c}${self.last_row}"

    def cell(self, key: str, row: int) -> str:
        """Reference of the table cell in column ``key`` on sheet row ``row``."""
        return f"{self.columns[key]}{row}"


def write_lease_schedule(ws, top: int, left: int, *, price, annual_rate, years, periods_per_year=4,
                         residual=0, start_date: dt.date, in_advance=True, title: str | None = None
                         ) -> ScheduleBlock:
    """Write one lease's inputs and its schedule as formulas, from cell (``top``, ``left``).

    Parameters
    ----------
    ws : openpyxl worksheet
    top, left : int
        1-based row and column of the block's top-left cell.
    price, annual_rate, years, periods_per_year, residual, start_date, in_advance
        The lease's terms as for :func:`xlkopi.core.schedule.lease_schedule`
        (fixed rate only); amounts in kr.
    title : str, optional
        A heading written as text above the block.

    Returns
    -------
    ScheduleBlock
        The references of the inputs, the derived cells and the table.
    """
    col_label = get_column_letter(left)
    col_value = get_column_letter(left + 1)
    row = top
    if title is not None:
        _text(ws, f"{col_label}{row}", str(title))
    row += 1
    cells: dict[str, str] = {}
    values = {
        "price": float(to_decimal(price, "price")),
        "annual_rate": annual_rate,
        "years": years,
        "periods_per_year": periods_per_year,
        "residual": float(to_decimal(residual or 0, "residual")),
        "start_date": start_date,
        "in_advance": 1 if in_advance else 0,
    }
    for key, label in INPUT_LABELS:
        _text(ws, f"{col_label}{row}", label)
        ref = f"{col_value}{row}"
        ws[ref] = values[key]
        if key == "start_date":
            ws[ref].number_format = DATE_FORMAT
        elif key in ("price", "residual"):
            ws[ref].number_format = MONEY_FORMAT
        cells[key] = f"${col_value}${row}"
        row += 1
    c = cells
    derived = {
        "n": f"={c['years']}*{c['periods_per_year']}",
        "i": f"={c['annual_rate']}/{c['periods_per_year']}",
        "payment": f"=ROUND(PMT({{i}},{{n}},-{c['price']},{c['residual']},{c['in_advance']}),2)",
        "residual_interest": f"=IF({c['in_advance']}=1,ROUND({c['residual']}*{{i}}/(1+{{i}}),2),0)",
        "target": f"={c['residual']}-{{residual_interest}}",
    }
    for key, label in DERIVED_LABELS:
        _text(ws, f"{col_label}{row}", label)
        cells[key] = f"${col_value}${row}"
        row += 1
    row_of = {key: int(ref.split("$")[2]) for key, ref in cells.items()}
    for key, _ in DERIVED_LABELS:
        formula = derived[key].format(**cells)
        ref = f"{col_value}{row_of[key]}"
        ws[ref] = formula
        if key in ("payment", "residual_interest", "target"):
            ws[ref].number_format = MONEY_FORMAT
        elif key == "i":
            ws[ref].number_format = RATE_FORMAT

    # The table: the guide's columns (HEADER), one row per payment.
    columns = {key: get_column_letter(left + j) for j, key in enumerate(COLUMN_KEYS)}
    row += 1
    for key, label in zip(COLUMN_KEYS, HEADER, strict=True):
        _text(ws, f"{columns[key]}{row}", label)
    row += 1
    n = int(to_decimal(years, "years") * int(periods_per_year))
    has_residual = to_decimal(residual or 0, "residual") > 0
    first = row
    months = f"12/{c['periods_per_year']}"
    T, D, B, Y, A, R = (columns[k] for k in COLUMN_KEYS)
    for k in range(1, n + 1):
        r = first + k - 1
        prev = c["price"] if k == 1 else f"{B}{r - 1}"
        ws[f"{T}{r}"] = k
        ws[f"{D}{r}"] = f"=EDATE({c['start_date']},({k}-{c['in_advance']})*{months})"
        if k == 1:
            ws[f"{R}{r}"] = f"=IF({c['in_advance']}=1,0,ROUND({prev}*{c['i']},2))"
        else:
            ws[f"{R}{r}"] = f"=ROUND({prev}*{c['i']},2)"
        if k == n:
            # The last regular row settles the rounding remainder.
            ws[f"{A}{r}"] = f"={prev}-{c['target']}"
            ws[f"{Y}{r}"] = f"={A}{r}+{R}{r}"
        else:
            ws[f"{Y}{r}"] = f"={c['payment']}"
            ws[f"{A}{r}"] = f"={Y}{r}-{R}{r}"
        ws[f"{B}{r}"] = f"={prev}-{A}{r}"
    last = first + n - 1
    if has_residual:
        r = last + 1
        ws[f"{T}{r}"] = n + 1
        ws[f"{D}{r}"] = f"=EDATE({c['start_date']},{n}*{months})"
        ws[f"{Y}{r}"] = f"={c['residual']}"
        ws[f"{R}{r}"] = f"={c['residual_interest']}"
        ws[f"{A}{r}"] = f"={c['target']}"
        ws[f"{B}{r}"] = f"={B}{r - 1}-{A}{r}"
        last = r
    for r in range(first, last + 1):
        ws[f"{D}{r}"].number_format = DATE_FORMAT
        for col in (B, Y, A, R):
            ws[f"{col}{r}"].number_format = MONEY_FORMAT
    return ScheduleBlock(top, cells, columns, first, last, has_residual, last + 2)


def write_buyout_formulas(ws, block: ScheduleBlock, row: int, left: int, buyout_date: dt.date
                          ) -> dict[str, str]:
    """Write a buyout date and two buyout prices for ``block`` as formulas.

    ``finansiel`` is every payment due after the date, ``=SUMIF(dates;
    ">"&date; payments)``; ``restgaeld`` is the restforpligtelse after the
    last row due on or before the date (the price when none is), found with
    COUNTIF on the ascending due dates. Returns the cells (``date``,
    ``finansiel``, ``restgaeld``).
    """
    lab, val = get_column_letter(left), get_column_letter(left + 1)
    dates, pays, bals = (block.column_range(k) for k in ("dato", "ydelse", "restforpligtelse"))
    _text(ws, f"{lab}{row}", "Indfrielsesdato")
    ws[f"{val}{row}"] = buyout_date
    ws[f"{val}{row}"].number_format = DATE_FORMAT
    d = f"${val}${row}"
    _text(ws, f"{lab}{row + 1}", "Indfrielse, finansiel")
    ws[f"{val}{row + 1}"] = f'=SUMIF({dates},">"&{d},{pays})'
    _text(ws, f"{lab}{row + 2}", "Indfrielse, restgæld")
    ws[f"{val}{row + 2}"] = (f'=IF(COUNTIF({dates},"<="&{d})=0,{block.cells["price"]},'
                             f'INDEX({bals},COUNTIF({dates},"<="&{d})))')
    for r in (row + 1, row + 2):
        ws[f"{val}{r}"].number_format = MONEY_FORMAT
    return {"date": f"{val}{row}", "finansiel": f"{val}{row + 1}", "restgaeld": f"{val}{row + 2}"}


def write_rate_formulas(ws, block: ScheduleBlock, row: int, left: int, *, with_apr: bool = True
                        ) -> dict[str, str]:
    """Write leasingsats, basisrente and (optionally) ÅOP for ``block`` as formulas.

    * leasingsats ``= payment / price``;
    * basisrente ``= RATE(n; leasingsats; -1; residual/price; forud) × periods_per_year``;
    * ÅOP from the net cash flow per period (price out at period 0, every
      row's ydelse at its period) by ``IRR`` (guess: the periodic contract
      rate), compounded over a year of 12 equal months:
      ``(1 + IRR)^periods_per_year - 1`` (no fees).

    Returns the cells (``leasingsats``, ``basisrente`` and ``aop``).
    """
    c = block.cells
    lab, val = get_column_letter(left), get_column_letter(left + 1)
    out = {}
    _text(ws, f"{lab}{row}", "Leasingsats")
    ws[f"{val}{row}"] = f"={c['payment']}/{c['price']}"
    out["leasingsats"] = f"{val}{row}"
    _text(ws, f"{lab}{row + 1}", "Basisrente")
    ws[f"{val}{row + 1}"] = (f"=RATE({c['n']},${val}${row},-1,{c['residual']}/{c['price']},"
                             f"{c['in_advance']})*{c['periods_per_year']}")
    out["basisrente"] = f"{val}{row + 1}"
    for r in (row, row + 1):
        ws[f"{val}{r}"].number_format = RATE_FORMAT
    if with_apr:
        # Net flow per period p = 0..n in a helper column right of the inputs.
        flow_col = get_column_letter(left + 2)
        n = block.last_row - block.first_row + (0 if block.has_residual_row else 1)
        _text(ws, f"{flow_col}{row}", "Nettobetaling pr. termin")
        dates, pays = block.column_range("dato"), block.column_range("ydelse")
        first = row + 1
        for p in range(n + 1):
            r = first + p
            due = f"EDATE({c['start_date']},{p}*12/{c['periods_per_year']})"
            price_out = f"-{c['price']}" if p == 0 else ""
            ws[f"{flow_col}{r}"] = f'=SUMIF({dates},"="&{due},{pays}){price_out}'
            ws[f"{flow_col}{r}"].number_format = MONEY_FORMAT
        flows = f"${flow_col}${first}:${flow_col}${first + n}"
        _text(ws, f"{lab}{row + 2}", "ÅOP")
        # The periodic contract rate as IRR's guess: LibreOffice's IRR gives up (#N/A) after
        # a few Newton steps from its default 10 % guess, e.g. on a long 0 % lease.
        ws[f"{val}{row + 2}"] = f"=(1+IRR({flows},{c['i']}))^{c['periods_per_year']}-1"
        ws[f"{val}{row + 2}"].number_format = RATE_FORMAT
        out["aop"] = f"{val}{row + 2}"
    return out

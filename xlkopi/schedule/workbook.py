"""Write lease schedules and buyout tables to a workbook (values, Danish labels)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..core.buyout_table import BuyoutRow
from ..core.schedule import HEADER, Schedule
from ..io.atomic import save_workbook_atomic
from ..io.fingerprint import stamp

KR = '#,##0.00 "kr"'
DATE = "dd-mm-yyyy"
_HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
_BOLD = Font(bold=True)
_RULE = Border(bottom=Side(style="thin"))


def _text(cell, value: str) -> None:
    """A text cell that stays text even if it looks like a formula."""
    cell.value = value
    cell.data_type = "s"


def _terms_block(ws, schedule: Schedule, title: str) -> int:
    t = schedule.terms
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    facts = [
        ("Anskaffelsespris", t.price_ore / 100, KR),
        ("Årlig rente", float(t.annual_rate), "0.00%"),
        ("Løbetid (år)", t.n / t.periods_per_year, "0.##"),
        ("Terminer pr. år", t.periods_per_year, "0"),
        ("Restværdi", t.residual_ore / 100, KR),
        ("Betaling", "forud" if t.in_advance else "bagud", None),
        ("Terminsydelse", float(schedule.payment), KR),
        ("Samlede renter", float(schedule.total_interest), KR),
    ]
    for i, (label, value, fmt) in enumerate(facts, start=3):
        ws.cell(i, 1, label)
        c = ws.cell(i, 2, value)
        if fmt:
            c.number_format = fmt
    return 3 + len(facts) + 1


def write_schedule_sheet(ws, schedule: Schedule, title: str) -> None:
    """Terms on top, then the schedule with the guide's columns and a total row."""
    top = _terms_block(ws, schedule, title)
    for j, name in enumerate(HEADER, start=1):
        c = ws.cell(top, j, name)
        c.font, c.fill, c.border = _BOLD, _HEAD_FILL, _RULE
        c.alignment = Alignment(horizontal="center")
    r = top
    for r, row in enumerate(schedule.rows, start=top + 1):
        ws.cell(r, 1, "Restværdi" if row.is_residual else row.term)
        d = ws.cell(r, 2, row.due)
        d.number_format = DATE
        for j, value in enumerate((row.balance, row.payment, row.principal, row.interest), start=3):
            ws.cell(r, j, float(value)).number_format = KR
    total = r + 1
    ws.cell(total, 1, "Total").font = _BOLD
    for j, value in enumerate((schedule.total_payments, schedule.total_principal, schedule.total_interest), start=4):
        c = ws.cell(total, j, float(value))
        c.number_format, c.font = KR, _BOLD
    for j, width in enumerate((18, 12, 18, 14, 14, 14), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(top + 1, 1)


def write_buyout_sheet(ws, rows: list[BuyoutRow], title: str) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    head = ("Dato", "Måneder", "Finansiel leasing", "Operationel leasing", "Restgæld (samme leasinggiver)",
            "Skift af leverandør")
    for j, name in enumerate(head, start=1):
        c = ws.cell(3, j, name)
        c.font, c.fill, c.border = _BOLD, _HEAD_FILL, _RULE
    for i, row in enumerate(rows, start=4):
        ws.cell(i, 1, row.date).number_format = DATE
        ws.cell(i, 2, row.months)
        ws.cell(i, 3, float(row.financial)).number_format = KR
        if row.operational is None:
            _text(ws.cell(i, 4), "først efter 24 mdr.")
        else:
            ws.cell(i, 4, float(row.operational)).number_format = KR
        ws.cell(i, 5, float(row.balance)).number_format = KR
        if row.switching is not None:
            ws.cell(i, 6, float(row.switching)).number_format = KR
    for j, width in enumerate((12, 10, 18, 20, 28, 20), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def write_lease_workbook(path: str | Path, sheets: list[tuple[str, Schedule, str]],
                         buyouts: list[tuple[str, list[BuyoutRow], str]], *, overwrite: bool = False) -> Path:
    """Write schedule sheets and buyout sheets to ``path`` atomically."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, schedule, title in sheets:
        write_schedule_sheet(wb.create_sheet(name), schedule, title)
    for name, rows, title in buyouts:
        write_buyout_sheet(wb.create_sheet(name), rows, title)
    wb.properties.creator = "xlkopi"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    stamp(wb, "xlkopi schedule")
    return save_workbook_atomic(wb, path, overwrite=overwrite)

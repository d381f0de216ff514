"""``xlkopi schedule``: a lease's schedule and buyout prices in the terminal and a workbook.

Only the parser's needs are imported at the top (the vocabulary, for the flags); the engine, rich and
openpyxl are imported when the command runs, so that ``xlkopi --help`` stays an argparse-sized process.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..cliparse import quantity, value
from ..core.vocabulary import (
    AMOUNT,
    PRICE,
    RATE,
    TERM,
    format_date,
    format_number,
    parse_date,
    read_periods_per_year,
)

if TYPE_CHECKING:
    from ..core.schedule import Schedule


def _fmt(value) -> str:
    return format_number(value, 2)


def render_schedule(console, schedule: Schedule, title: str) -> None:
    from rich.table import Table

    from ..core.schedule import HEADER

    table = Table(title=title, title_justify="left")
    for name in HEADER:
        table.add_column(name, justify="right")
    for row in schedule.rows:
        table.add_row("Restværdi" if row.is_residual else str(row.term),
                      format_date(row.due) if row.due else "",
                      _fmt(row.balance), _fmt(row.payment), _fmt(row.principal), _fmt(row.interest))
    table.add_row("Total", "", "", _fmt(schedule.total_payments), _fmt(schedule.total_principal),
                  _fmt(schedule.total_interest), style="bold")
    console.print(table)


def render_buyouts(console, rows, title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for name in ("Dato", "Finansiel", "Operationel", "Restgæld", "Skift af leverandør"):
        table.add_column(name, justify="right")
    for r in rows:
        table.add_row(format_date(r.date), _fmt(r.financial),
                      _fmt(r.operational) if r.operational is not None else "først efter 24 mdr.",
                      _fmt(r.balance), _fmt(r.switching) if r.switching is not None else "")
    console.print(table)


def _run(args) -> int:
    from rich.text import Text

    from ..core.buyout_table import buyout_table
    from ..core.schedule import lease_schedule
    from ..terminal import console as make_console

    console = make_console()
    schedule = lease_schedule(args.price, args.rate, args.years, args.periods, args.residual, args.start,
                              not args.bagud)
    render_schedule(console, schedule, "Leasingforløb")
    rows = buyout_table(schedule, service_per_period=args.service) if args.start else []
    if rows:
        render_buyouts(console, rows, "Indfrielsespriser")
    if args.output:
        from .workbook import write_lease_workbook  # openpyxl only when a workbook is asked for

        path = write_lease_workbook(args.output, [("Leasingforløb", schedule, "Leasingforløb")],
                                    [("Indfrielse", rows, "Indfrielsespriser")] if rows else [],
                                    overwrite=args.force)
        console.print(Text(f"Skrevet: {path}"))
    return 0


def register(sub) -> None:
    p = sub.add_parser("schedule", help="Vis et leasingforløb og indfrielsespriser",
                       description="Beregner et øre-præcist leasingforløb (annuitet) og indfrielsespriser "
                                   "pr. år, viser dem og skriver dem eventuelt til et regneark. Tal skrives som "
                                   "i dansk Excel (100.000 eller 100.000,00; 5,1 %); løbetiden i år eller "
                                   "måneder ('60 mdr.'). De danske og de engelske navne på tilvalgene virker ens.")
    value(p, "--pris", "--price", dest="price", required=True, metavar="KR", reader=quantity(PRICE),
          help="Anskaffelsespris i kr, fx 100.000")
    value(p, "--rente", "--rate", dest="rate", required=True, metavar="RENTE", reader=quantity(RATE),
          help="Årlig rente i procent (5,1 %%) eller som decimaltal (0,051)")
    value(p, "--løbetid", "--loebetid", "--years", dest="years", required=True, metavar="LØBETID",
          reader=quantity(TERM), help="Løbetid i år (5) eller måneder ('60 mdr.')")
    value(p, "--terminer", "--periods", dest="periods", default=4, metavar="N",
          reader=lambda text, flag: read_periods_per_year(text, flag),
          help="Terminer pr. år: 1, 2, 4 eller 12, eller årlig/halvårlig/kvartalsvis/månedlig (standard 4)")
    value(p, "--restværdi", "--restvaerdi", "--residual", dest="residual", default=Decimal(0), metavar="KR",
          reader=quantity(AMOUNT), help="Restværdi i kr (standard 0)")
    value(p, "--start", "--startdato", dest="start", default=None, metavar="DATO",
          reader=lambda text, flag: parse_date(text, flag), help="Startdato (dd-mm-åååå eller åååå-mm-dd)")
    p.add_argument("--bagud", action="store_true", help="Ydelser betales bagud (standard: forud)")
    value(p, "--service", "--serviceydelse", dest="service", default=Decimal(0), metavar="KR",
          reader=quantity(AMOUNT), help="Serviceydelse pr. termin i kr (til indfrielse ved skift af leverandør)")
    p.add_argument("-o", "--output", "--ud", dest="output", metavar="FIL.xlsx",
                   help="Skriv forløbet til dette regneark (.xlsx)")
    p.add_argument("--force", "--overskriv", dest="force", action="store_true", help="Overskriv en eksisterende fil")
    p.set_defaults(func=_run)


def demo(out_dir: Path, console, force: bool) -> int:
    """The guide's example lease: Tabel 1 and 2 and a buyout table, shown and written."""
    from rich.text import Text

    from ..core.buyout_table import buyout_table
    from ..core.schedule import lease_schedule
    from ..terminal import styled
    from .workbook import write_lease_workbook

    out = Path(out_dir) / "leasing"
    price, rate, start = 100000, "0.051", "2006-01-01"
    t1 = lease_schedule(price, rate, 5, 4, 0, start)
    t2 = lease_schedule(price, rate, 5, 4, 5000, start)
    console.rule(styled("Leasing: vejledningens eksempel (5,1 %, 5 år, kvartalsvis forud, 100.000 kr)", "bold"))
    render_schedule(console, t1, "Tabel 1: uden restværdi")
    render_schedule(console, t2, "Tabel 2: med restværdi 5 % (5.000 kr)")
    # As the guide's Tabel 3: the same lease as a rental with service (example: 1,500 kr a quarter).
    rows = buyout_table(t2, service_per_period=1500)
    render_buyouts(console, rows, "Indfrielsespriser for Tabel 2 (som lejeaftale med service 1.500 kr pr. kvartal)")
    path = write_lease_workbook(out / "Leasingeksempel.xlsx",
                                [("Tabel 1", t1, "Tabel 1: uden restværdi"),
                                 ("Tabel 2", t2, "Tabel 2: med restværdi 5 %")],
                                [("Indfrielse", rows,
                                  "Indfrielsespriser (Tabel 2, lejeaftale med service 1.500 kr pr. kvartal)")],
                                overwrite=force)
    console.print(Text(f"Skrevet: {path}"))
    return 0

"""``xlkopi kontrakter``: the register of existing contracts at a reference date.

    xlkopi kontrakter REGISTER.xlsx -o Kontraktoversigt.xlsx [--dato dd-mm-åååå] [--ics Frister.ics] [--pdf]
    xlkopi kontrakter --skabelon Kontrakter.xlsx

Exit codes: 0 every row read, 1 some rows were refused (reported; the others are computed), 2 the
register could not be read or an output not written. The engine, numpy and rich are imported when the
command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from pathlib import Path

from ..cliparse import quantity, value
from ..core.vocabulary import PRICE, RATE, TERM, parse_date, read
from ..errors import ArgumentError

EXAMPLE_NAME = "Kontrakter_eksempel.xlsx"
SHOWN = 20
"""Contracts shown in the terminal, the nearest deadlines first; the workbook has them all."""


def _topup(text: str, flag: str):
    """AFTALENR:PRIS:LØBETID:RENTE, e.g. ``NF-4471:50.000:5:6 %`` (the parts read by the vocabulary)."""
    from .overview import TopUpRequest

    parts = text.split(":")
    if len(parts) != 4 or not parts[0].strip():
        raise ArgumentError(flag, "skal være AFTALENR:PRIS:LØBETID:RENTE, fx NF-4471:50.000:5:6 %", text)
    number, price, years, rate = (p.strip() for p in parts)
    return TopUpRequest(number, read(PRICE, price, f"{flag} (pris)"), Decimal(read(TERM, years, f"{flag} (løbetid)")),
                        read(RATE, rate, f"{flag} (rente)"))


def run(register: Path, output: Path, *, day: dt.date | None = None, discount_rate: Decimal = Decimal("0.04"),
        ics: Path | None = None, pdf: bool = False, topups=(), force: bool = False, console=None) -> int:
    """Read ``register``, write the overview (and the calendar, the PDF); returns the exit code."""
    from rich.table import Table
    from rich.text import Text

    from ..core.vocabulary import format_amount, format_date
    from ..errors import WorkbookError
    from ..io.atomic import check_not_input, write_bytes_atomic
    from ..terminal import console as make_console
    from ..terminal import say, styled
    from .overview import build
    from .register import read_register
    from .workbook import write_overview

    console = console or make_console()
    check_not_input(output, register)
    if ics:
        check_not_input(ics, register, output)
    read = read_register(register)
    for note in read.notes:
        console.print(say("Info:", "cyan", note), soft_wrap=True)
    for err in read.errors:
        console.print(say("Afvist:", "red", err), soft_wrap=True)
    if not read.contracts:
        raise WorkbookError(f"Ingen gyldige kontrakter i '{register}'")
    day = day or dt.date.today()
    ov = build(read.contracts, day, discount_rate, topups)
    path = write_overview(ov, output, errors=read.errors, source=register.name, overwrite=force)
    console.print(Text(f"Skrev {path} ({len(ov.lines)} kontrakter pr. {format_date(day)})"))
    table = Table(title=Text(f"Kontrakter pr. {format_date(day)}, de nærmeste frister først"))
    for head in ("Aftale", "Leverandør", "Status"):
        table.add_column(head, justify="left")
    for head in ("Opsigelsesfrist", "Restforpligtelse", "Restgæld"):
        table.add_column(head, justify="right")
    style = {"frist overskredet": "bold red", "i sekundær periode": "red", "frist inden 90 dage": "yellow"}
    order = ov.by_urgency()
    for line in order[:SHOWN]:
        p = line.position
        table.add_row(Text(line.contract.number), Text(line.contract.supplier),
                      styled(p.status, style.get(p.status, "")), format_date(p.notice_deadline),
                      format_amount(p.remaining_obligation), format_amount(p.restgaeld))
    table.add_row("I alt", "", "", "", format_amount(ov.remaining_obligation), format_amount(ov.restgaeld),
                  style="bold")
    console.print(table)
    if len(order) > SHOWN:
        console.print(Text(f"… og {len(order) - SHOWN} kontrakter mere i {path.name}; totalerne gælder dem alle."))
    for line, t in ov.topups:
        console.print(Text(f"Tilkøb ved {line.contract.number}: refinansiering koster {format_amount(t.difference)} "
                           f"mere end en parallel aftale (nutidsværdi {format_amount(t.difference_pv)})."))
    if ics:
        from .calendar import deadline_calendar

        write_bytes_atomic(ics, deadline_calendar(ov), overwrite=force)
        console.print(Text(f"Skrev {ics}"))
    if pdf:
        _pdf(path, force, console)
    return 1 if read.errors else 0


def _pdf(path: Path, force: bool, console) -> None:
    from rich.text import Text

    from ..io.libreoffice import pdf_beside
    from ..terminal import styled

    made = pdf_beside(path, overwrite=force)
    console.print(Text(f"Skrev {made}") if made else
                  styled("LibreOffice er ikke installeret; PDF springes over.", "yellow"))


def _command(args: argparse.Namespace) -> int:
    from rich.text import Text

    from ..terminal import console

    if args.skabelon:
        from .template import write_register

        path = write_register(Path(args.skabelon), overwrite=args.force)
        console().print(Text(f"Skrev {path}: et tomt kontraktregister (arket Kontrakter; vejledning i arket "
                             "Vejledning)"))
        return 0
    if not args.register:
        raise ArgumentError("REGISTER", "mangler: angiv registret (.xlsx eller .csv), eller --skabelon FIL")
    return run(Path(args.register), Path(args.output), day=args.dato, discount_rate=args.rente,
               ics=Path(args.ics) if args.ics else None, pdf=args.pdf,
               topups=[_topup(t, "--tilkoeb") for t in args.tilkoeb or ()], force=args.force)


def register(subparsers) -> None:
    """Add ``xlkopi kontrakter``."""
    p = subparsers.add_parser(
        "kontrakter", help="Overblik over eksisterende kontrakter: restforpligtelse, frister og røde flag",
        description="Læser institutionens register over eksisterende leasing- og lejeaftaler og beregner pr. "
                    "kontrakt og i alt på en referencedato: ydelser tilbage, restforpligtelse, restgæld, "
                    "indfrielsespriser, sidste dag for opsigelse, prisen for at misse den, status, forfald pr. "
                    "kalenderår (nominelt og nutidsværdi) og vejledningens røde flag. Slutkode 0: alle rækker "
                    "læst; 1: nogle rækker afvist (de øvrige er beregnet); 2: registret kunne ikke læses.")
    p.add_argument("register", nargs="?", metavar="REGISTER", help="Registret (.xlsx med arket Kontrakter, eller .csv)")
    p.add_argument("-o", "--output", "--ud", dest="output", default="Kontraktoversigt.xlsx", metavar="FIL.xlsx",
                   help="Oversigten der dannes (standard: Kontraktoversigt.xlsx)")
    value(p, "--dato", dest="dato", default=None, metavar="DATO", reader=lambda text, flag: parse_date(text, flag),
          help="Referencedato (dd-mm-åååå; standard: i dag)")
    value(p, "--rente", dest="rente", default=Decimal("0.04"), metavar="RENTE", reader=quantity(RATE),
          help="Diskonteringsrente til nutidsværdier (standard 4 %%)")
    p.add_argument("--ics", metavar="FRISTER.ics", help="Skriv opsigelsesfristerne som kalenderaftaler (Outlook)")
    p.add_argument("--pdf", action="store_true", help="Dan også en PDF via LibreOffice (hvis installeret)")
    p.add_argument("--tilkoeb", "--tilkøb", dest="tilkoeb", action="append", metavar="AFTALENR:PRIS:LØBETID:RENTE",
                   help="Regn tilkøb af nyt udstyr ved en aftale, fx NF-4471:50.000:5:6 %%: refinansiering mod "
                        "parallel aftale (kan gentages)")
    p.add_argument("--skabelon", metavar="FIL.xlsx", help="Skriv et tomt register med vejledning og rullelister")
    p.add_argument("--force", "--overskriv", dest="force", action="store_true", help="Overskriv eksisterende filer")
    p.set_defaults(func=_command)


def demo(out_dir: Path, console, force: bool) -> int:
    """The bundled example register, written beside its overview in ``out_dir/kontrakter/``."""
    from .template import EXAMPLE, write_register

    console.rule("Kontraktregister (xlkopi kontrakter)")
    folder = Path(out_dir) / "kontrakter"
    register = write_register(folder / EXAMPLE_NAME, EXAMPLE, overwrite=force)
    from ..io.libreoffice import find_soffice

    return run(register, folder / "Kontraktoversigt.xlsx", ics=folder / "Frister.ics",
               pdf=find_soffice() is not None, force=force, console=console,
               topups=[_topup("NF-4471:50.000:5:6 %", "--tilkoeb")])

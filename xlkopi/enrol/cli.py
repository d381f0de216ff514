"""``xlkopi enrol``: enrolment paperwork (Bilag 7, Skema, e-mail drafts) for voluntary customers.

A thin front end over :func:`xlkopi.enrol.batch.run`: parses the
arguments, shows a progress bar and a summary table, returns the exit code
(0 every requested enrolment generated or validly skipped, 1 any failed,
2 the inputs could not be read).

The generator (openpyxl, calamine, the template compiler) and rich are imported when the command runs,
not when the parser is built.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .batch import Report

EXAMPLE_REGISTER = "eksempel_register.xlsx"
MAX_TABLE_ROWS = 40


def register(subparsers) -> None:
    """Add the ``enrol`` subcommand to the ``xlkopi`` parser."""
    p = subparsers.add_parser(
        "enrol",
        help="Lav tilmeldinger (Bilag 7 og Skema) og e-mailkladder for frivillige kunder",
        description="Læser et register over institutioner, lokationer, aftaler, parter og ønskede "
                    "tilmeldinger og laver for hver tilmelding en udfyldt arbejdsbog (Bilag 7 og Skema), det "
                    "udfyldte Bilag 7 i Word, når aftalen har et, og en e-mailkladde (.eml) med begge vedhæftet "
                    "og emnet \"Tilmelding til <aftalenavn>\"; filerne lægges i én mappe pr. aftale. Oversigten "
                    "(Oversigt.xlsx) har kolonner til opfølgning (Sendt, Bekræftet, Log-in anmodet, Underskrevet), "
                    "som bevares ved næste kørsel. Slutkode 0: alt lavet eller med god grund sprunget over; 1: "
                    "mindst én tilmelding fejlede (de gode er stadig lavet); 2: inddata kunne ikke læses.",
    )
    p.add_argument("register", metavar="REGISTER",
                   help="Registret: en Excel-fil (.xlsx) eller en mappe med CSV-filer (Institutioner.csv ...)")
    p.add_argument("--out", "--ud", dest="out", required=True, metavar="MAPPE",
                   help="Mappe til arbejdsbøger, e-mailkladder og oversigt")
    p.add_argument("--template", "--skabelon", dest="template", metavar="SKABELON",
                   help="Egen skabelon (.xlsx) i stedet for standardskabelonen workbooks/bilag7_skema.xlsx")
    p.add_argument("--mapping", "--feltkort", dest="mapping", metavar="FELTKORT",
                   help="Feltkort (.toml/.json) der fortæller, hvor felterne står i skabelonen")
    p.add_argument("--bilag7", dest="document", metavar="DOCX",
                   help="Aftalens Bilag 7 i Word (.docx) til de aftaler, der ikke selv angiver et i arket Aftaler "
                        "(kolonnen 'Bilag 7'); hver tilmelding får så både Bilag 7 (.docx) og Skema (.xlsx)")
    p.add_argument("--bilag7-feltkort", dest="document_mapping", metavar="FELTKORT",
                   help="Feltkort (.toml) til --bilag7: etiketter, pladsholdere og indholdskontrolelementer")
    p.add_argument("--parter", "--partsliste", dest="party_list", metavar="LISTE",
                   help="Statens Indkøbs oversigt over, hvem der er part på hvilke aftaler (.xlsx eller .csv; "
                        "også som gitter med et x pr. aftale eller fase); lægges til registrets ark Parter")
    p.add_argument("--pdf", action="store_true",
                   help="Lav også en PDF af hvert Bilag 7 til underskrift (kræver LibreOffice)")
    p.add_argument("--mail-to", "--modtager", dest="mail_to", metavar="ADRESSE",
                   help="Modtageradresse for e-mailkladderne (standard: modtager i indstillinger.toml)")
    p.add_argument("--columns", "--kolonnekort", dest="columns", metavar="KOLONNEKORT",
                   help="Kolonnekort (.toml/.json) for registre med andre ark- og kolonnenavne")
    p.add_argument("--all-eligible", "--alle", dest="all_eligible", action="store_true",
                   help="Lav alle tilmeldinger, institutionerne kan og skal lave (arket Tilmeldinger ignoreres)")
    p.add_argument("--force", "--overskriv", dest="force", action="store_true",
                   help="Overskriv eksisterende filer med andet indhold")
    p.set_defaults(func=_run_args)


def _run_args(args: argparse.Namespace) -> int:
    from ..terminal import console as make_console

    console = make_console()
    return run_with_progress(console, Path(args.register), Path(args.out), template=args.template,
                             mapping=args.mapping, mail_to=args.mail_to, force=args.force,
                             all_eligible=args.all_eligible, columns=args.columns, document=args.document,
                             document_mapping=args.document_mapping, party_list=args.party_list, pdf=args.pdf)


def run_with_progress(console, register: Path, out: Path, **options) -> int:
    """Run a batch with a rich progress bar, print the summary and return the exit code."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from ..errors import XlkopiError
    from ..terminal import say
    from .batch import run

    progress = Progress(TextColumn("[bold]Tilmeldinger"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True)
    task = progress.add_task("tilmeldinger", total=None)
    try:
        with progress:
            report = run(register, out, on_plan=lambda n: progress.update(task, total=n),
                         progress=lambda _res: progress.advance(task), **options)
    except XlkopiError as exc:
        console.print(say("Fejl:", "bold red", exc), soft_wrap=True)
        return 2
    show_report(console, report)
    return report.exit_code


def show_report(console, report: Report) -> None:
    """The summary table and the counts (Danish)."""
    from rich.table import Table
    from rich.text import Text

    from ..terminal import say, styled
    from .batch import FAILED, GENERATED, OVERWRITTEN, SKIPPED, UNCHANGED, WRITTEN
    from .model import INFO

    status_style = {GENERATED: "green", SKIPPED: "yellow", FAILED: "bold red"}

    table = Table(title="Tilmeldinger", show_lines=False, expand=True)
    table.add_column("Nr.", no_wrap=True, justify="right")
    table.add_column("Institution", ratio=2, overflow="fold")
    table.add_column("Aftale", ratio=2, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Begrundelse / arbejdsbog", ratio=5, overflow="fold")
    shown = report.results
    if len(shown) > MAX_TABLE_ROWS:  # a big run: the table shows the problems, Oversigt.xlsx has it all
        shown = [r for r in shown if r.status == FAILED or r.warnings][:MAX_TABLE_ROWS]
        table.title = f"Tilmeldinger med fejl eller advarsler (højst {MAX_TABLE_ROWS}; alle står i oversigten)"
    for r in shown:
        note = Text(r.reason if r.status != GENERATED else r.workbook_name.rsplit("/", 1)[0] + "/")
        if r.status == GENERATED and r.signature and not r.signature_ready:
            note.append(f"\n{r.signature}", style="yellow")
        if r.warnings:
            note.append("\n" + "\n".join(f"Advarsel: {w}" for w in r.warnings), style="yellow")
        table.add_row(str(r.number), Text(r.institution), Text(r.agreement), styled(r.status, status_style[r.status]),
                      note)
    console.print(table)
    for f in report.findings:
        if f.level == INFO:
            console.print(Text(f"Info: {f}"))
    console.print(f"{report.count(GENERATED)} genereret, {report.count(SKIPPED)} sprunget over, "
                  f"{report.count(FAILED)} fejl. Filer: {report.files(WRITTEN)} skrevet, "
                  f"{report.files(OVERWRITTEN)} overskrevet, {report.files(UNCHANGED)} uændret.")
    if report.overview_problem:
        console.print(say("Oversigten blev ikke skrevet:", "bold red", report.overview_problem))
    else:
        console.print(Text(f"Oversigt: {report.overview}"))


def demo(out_dir: Path, console, force: bool) -> int:
    """Run the bundled fictitious example register into ``out_dir/tilmelding``."""
    from ..terminal import styled
    from .batch import data_path, example_document

    console.rule(styled("Tilmelding for frivillige kunder (eksempeldata)", "bold"))
    from ..io.libreoffice import find_soffice

    document, mapping = example_document()
    return run_with_progress(console, data_path(EXAMPLE_REGISTER), Path(out_dir) / "tilmelding", force=force,
                             document=document, document_mapping=mapping, pdf=find_soffice() is not None)

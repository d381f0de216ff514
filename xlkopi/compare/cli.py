"""``xlkopi compare``: the contract-comparison workbook from an offers file.

    xlkopi compare TILBUD.xlsx -o Sammenligning.xlsx [--pdf] [--force]
    xlkopi compare --skabelon Tilbud.xlsx [--force]      # the blank offers file to fill in

The reader, the model, the workbook writer and rich are imported when the command runs.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # rich is imported when the command runs
    from rich.console import JustifyMethod

EXAMPLE = "Tilbud_eksempel.xlsx"


def example_offers() -> Path:
    """Path of the bundled example offers workbook."""
    return Path(str(resources.files("xlkopi") / "data" / "compare" / EXAMPLE))


def run(offers: Path, output: Path, *, pdf: bool = False, force: bool = False, needs: Path | None = None,
        console=None) -> int:
    """Read ``offers``, write the comparison workbook to ``output`` (and a PDF beside it).

    Returns 0 when every offer row was read, 1 when some rows were rejected
    (they are reported; the others are compared). Raises
    :class:`~xlkopi.errors.XlkopiError` when nothing can be compared.
    """
    from rich.text import Text

    from ..errors import WorkbookError
    from ..io.atomic import check_not_input
    from ..terminal import say, styled
    from .model import compare
    from .offers import read_offers
    from .workbook import write_workbook

    if console is None:
        from ..terminal import console as make_console

        console = make_console()
    check_not_input(output, offers, needs)
    if pdf:
        check_not_input(Path(output).with_suffix(".pdf"), offers, needs)
    offer_set = read_offers(offers, needs)
    for note in offer_set.notes:
        console.print(say("Info:", "cyan", note))
    for err in offer_set.errors:
        console.print(say("Afvist:", "red", err))
    if not offer_set.offers:
        hint = (f" (de {offer_set.examples} rækker markeret EKSEMPEL er eksempler og springes over; skriv "
                "tilbuddene i nye rækker, eller slet ordet EKSEMPEL)" if offer_set.examples else "")
        raise WorkbookError(f"Ingen gyldige tilbud i '{offers}'{hint}")
    comp = compare(offer_set)
    for err in comp.rejected:
        console.print(say("Afvist:", "red", err))
    if not comp.results:
        raise WorkbookError(f"Ingen gyldige tilbud i '{offers}'")
    path = write_workbook(comp, output, overwrite=force)
    console.print(Text(f"Skrev {path} ({len(comp.results)} tilbud)"))
    _print_ranking(console, comp)
    if pdf:
        from ..io.libreoffice import pdf_beside

        made = pdf_beside(path, overwrite=force)
        console.print(Text(f"Skrev {made}") if made else
                      styled("LibreOffice er ikke installeret; PDF springes over.", "yellow"))
    return 1 if (offer_set.errors or comp.rejected) else 0


def _print_ranking(console, comp) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"Tilbud over {comp.needs.horizon} år (rang efter nutidsværdi)"))
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Rang", "right"), ("Tilbud", "left"), ("Form", "left"), ("I alt", "right"),
        ("Nutidsværdi", "right"), ("Røde flag", "right"))
    for head, justify in columns:
        table.add_column(head, justify=justify)
    for r in sorted(comp.results, key=lambda r: (r.rank == 0, r.rank, r.key)):   # not ranked (0): last, "–"
        table.add_row(str(r.rank or "–"), Text(f"{r.key} {r.offer.supplier}"), r.offer.kind_label, _kr(r.total),
                      _kr(r.present_value), str(sum(1 for f in r.flags if f.is_red)))
    console.print(table)


def _kr(d) -> str:
    from ..core.vocabulary import format_amount

    return format_amount(d)


def write_blank(target: Path, *, force: bool = False, console=None) -> int:
    """Write the blank offers file (:mod:`.template`) to ``target``; never over a file without ``force``."""
    from rich.text import Text

    from .template import write_template

    if console is None:
        from ..terminal import console as make_console

        console = make_console()
    path = write_template(target, overwrite=force)
    console.print(Text(f"Skrev {path}: en tom tilbudsfil (arkene Tilbud, Behov og Maskiner; vejledning i arket "
                       "Vejledning). Rækkerne markeret EKSEMPEL springes over, når filen sammenlignes."))
    return 0


def _command(args) -> int:
    from ..errors import ArgumentError

    if args.skabelon:
        return write_blank(Path(args.skabelon), force=args.force)
    if not args.offers:
        raise ArgumentError("TILBUD", "mangler: angiv tilbudsfilen (.xlsx eller .csv), eller --skabelon FIL "
                                      "for at få en tom tilbudsfil")
    return run(Path(args.offers), Path(args.output), pdf=args.pdf, force=args.force,
               needs=Path(args.behov) if args.behov else None)


def register(subparsers) -> None:
    """Add ``xlkopi compare``."""
    p = subparsers.add_parser(
        "compare", help="Sammenlign tilbud på kopimaskiner/printere i en projektmappe med formler",
        description="Læser tilbud (arkene Tilbud og Behov i en .xlsx, eller en CSV med --behov) og danner en "
                    "sammenligningsprojektmappe med ydelsesplaner, totaler, nutidsværdi, pris pr. side, "
                    "leasingsats, basisrente, ÅOP, indfrielsespriser og vejledningens tjekliste - som "
                    "formler, der kan efterregnes i Excel og LibreOffice.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("offers", nargs="?", metavar="TILBUD",
                   help="Tilbudsfil (.xlsx med arkene Tilbud og Behov og evt. Maskiner, eller .csv)")
    p.add_argument("-o", "--output", "--ud", dest="output", default="Sammenligning.xlsx", metavar="FIL.xlsx",
                   help="Projektmappen der dannes (standard: Sammenligning.xlsx)")
    p.add_argument("--behov", metavar="BEHOV.csv",
                   help="Behovet som CSV (Felt;Værdi), når tilbuddene er en CSV-fil")
    p.add_argument("--pdf", action="store_true", help="Dan også en PDF via LibreOffice (hvis installeret)")
    p.add_argument("--skabelon", metavar="FIL.xlsx",
                   help="Skriv en tom tilbudsfil med vejledning, rullelister og eksempler (TILBUD kan udelades)")
    p.add_argument("--force", "--overskriv", dest="force", action="store_true", help="Overskriv eksisterende filer")
    p.set_defaults(func=_command)


def demo(out_dir: Path, console, force: bool) -> int:
    """Compare the bundled example offers into ``out_dir/sammenligning/``."""
    from ..io.atomic import OutputExistsError, write_bytes_atomic
    from ..io.libreoffice import find_soffice

    console.rule("Tilbudssammenligning (xlkopi compare)")
    target = Path(out_dir) / "sammenligning" / "Sammenligning.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    # the example's input beside its output: the file to copy and fill in for one's own offers
    copy = target.parent / EXAMPLE
    data = example_offers().read_bytes()
    if not copy.exists() or copy.read_bytes() != data:
        if copy.exists() and not force:
            raise OutputExistsError(copy)
        write_bytes_atomic(copy, data, overwrite=copy.exists())
    console.print(f"Eksemplets tilbudsfil: {copy}")
    return run(copy, target, pdf=find_soffice() is not None, force=force, console=console)

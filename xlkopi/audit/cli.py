"""``xlkopi audit``: audit a workbook and report the findings.

Exit codes: 0 nothing at advarsel level or above, 1 something was found,
2 the file could not be audited (unreadable, refused as unsafe, or the
report could not be written).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import WorkbookError, XlkopiError
from ..io.atomic import OutputExistsError, check_not_input

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "audit" / "Leasingtilbud_eksempel.xlsx"
SHOWN = 25


def register(subparsers) -> None:
    """Add the ``audit`` subcommand."""
    p = subparsers.add_parser(
        "audit", help="Revidér en projektmappe (ydelsesplaner, formler, røde flag)",
        description="Gennemgår en xlsx- eller xlsm-projektmappe uden at køre noget i den og uden at ændre den: "
                    "ydelsesplaner efterregnes, formlernes integritet kontrolleres, vejledningens røde flag "
                    "findes, og med --recalc sammenlignes de gemte værdier med en genberegning i LibreOffice. "
                    "Afslutningskode 0: intet på advarselsniveau eller derover; 1: fund; 2: filen kunne ikke "
                    "revideres.")
    p.add_argument("workbook", metavar="PROJEKTMAPPE", help="Projektmappen der skal revideres (.xlsx eller .xlsm)")
    p.add_argument("-o", "--output", "--ud", dest="output", metavar="REVISION.xlsx",
                   help="Skriv fundene til denne projektmappe (ark 'Fund' og 'Oversigt')")
    p.add_argument("--recalc", "--genberegn", dest="recalc", action="store_true",
                   help="Genberegn en kopi i LibreOffice og rapportér forældede gemte værdier")
    p.add_argument("--force", "--overskriv", dest="force", action="store_true",
                   help="Overskriv en eksisterende rapport")
    p.set_defaults(func=_run)


def _console():
    from ..terminal import console

    return console()


def _t(text: object, style: str = ""):
    """Untrusted ``text`` (a sheet name, a formula, a file name) as rich Text, control characters escaped.

    Text is never read as markup or emoji codes, whatever console it is
    printed on (``demo`` may be handed a plain rich Console).
    """
    from rich.text import Text

    from .findings import visible

    return Text(visible(text), style=style)


def _error(label: str, text: object):
    """``label`` in red, then ``text`` verbatim (control characters escaped)."""
    from ..terminal import say
    from .findings import visible

    return say(label, "red", visible(text))


def render(result, console, shown: int = SHOWN) -> None:
    """Print the summary by rule and severity and the first findings."""
    from rich.table import Table
    from rich.text import Text

    from .findings import ADVARSEL, FEJL, INFO, SEVERITIES, rule_title

    style = {FEJL: "bold red", ADVARSEL: "yellow", INFO: "dim"}
    table = Table(title=_t(f"Revision af {result.path.name}"), show_lines=False)
    table.add_column("Regel")
    for s in SEVERITIES:
        table.add_column(s, justify="right", style=style[s])
    order = {s: i for i, s in enumerate(SEVERITIES)}
    counts = result.by_rule()
    for code, per in sorted(counts.items(), key=lambda kv: (min(order[s] for s, n in kv[1].items() if n), kv[0])):
        table.add_row(_t(rule_title(code)), *[_t(per[s] or "") for s in SEVERITIES])
    table.add_row(_t("I alt", "bold"), *[_t(result.count(s), "bold") for s in SEVERITIES])
    console.print(table)
    important = [f for f in result.findings if f.severity != INFO]
    important.sort(key=lambda f: order[f.severity])
    for f in important[:shown]:
        where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "filen")
        line = Text(f"{f.severity:>8}", style=style[f.severity])
        line.append(" ")
        line.append_text(_t(f"{where}: {f.message}"))
        console.print(line, soft_wrap=True)
    if len(important) > shown:
        console.print(_t(f"… og {len(important) - shown} fund mere (se rapporten med -o)"))


def run_audit(workbook, output, recalc: bool, force: bool, console) -> int:
    """Audit ``workbook``, write ``output`` if given, print the summary; returns the exit code."""
    from .engine import audit_workbook
    from .report import write_report

    out = Path(output) if output else None
    if out is not None:
        if out.exists() and not force:
            console.print(_error("Fejl:", OutputExistsError(out)))
            return 2
        try:
            check_not_input(out, workbook)   # the same file by any path, a hard link too
        except WorkbookError:
            console.print(_error("Fejl:", "Rapporten må ikke overskrive den reviderede fil"))
            return 2
    try:
        result = audit_workbook(workbook, recalc=recalc)
    except XlkopiError as exc:
        console.print(_error("Filen kan ikke revideres:", exc))
        return 2
    except MemoryError:
        console.print(_error("Filen kan ikke revideres:", "der var ikke hukommelse nok"))
        return 2
    render(result, console)
    if out is not None:
        try:
            write_report(result, out, overwrite=force)
        except XlkopiError as exc:
            console.print(_error("Fejl:", exc))
            return 2
        except OSError as exc:
            console.print(_error("Fejl:", f"Rapporten '{out}' kunne ikke skrives ({exc.strerror})"))
            return 2
        console.print(_t(f"Rapport: {out}"))
    return result.exit_code


def _run(args) -> int:
    return run_audit(args.workbook, args.output, args.recalc, args.force, _console())


def demo(out_dir: Path, console, force: bool) -> int:
    """Audit the bundled example (with planted faults) and the compare demo's workbook if present."""
    folder = Path(out_dir) / "revision"
    console.rule(_t("Revision af projektmapper", "bold"))
    console.print(_t(f"Eksemplet {EXAMPLE.name} har bevidst indlagte fejl (fiktive data); revisionen skal finde dem."))
    code = run_audit(EXAMPLE, folder / "Revision_Leasingtilbud_eksempel.xlsx", False, force, console)
    worst = 0 if code in (0, 1) else code
    comparison = Path(out_dir) / "sammenligning" / "Sammenligning.xlsx"
    if comparison.exists():
        console.print()
        console.print(_t(f"Revision af sammenligningen fra eksemplet: {comparison}"))
        code = run_audit(comparison, folder / "Revision_Sammenligning.xlsx", False, force, console)
        worst = max(worst, 0 if code in (0, 1) else code)
    return worst

"""``xlkopi audit``: audit workbooks (files and folders) and report the findings.

Exit codes: 0 nothing at advarsel level or above, 1 something was found, 2 a file could not be audited
(unreadable, refused as unsafe) or the report could not be written. In a batch, one file that cannot be
audited is listed with its reason and the others are audited.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import WorkbookError, XlkopiError

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "audit" / "Leasingtilbud_eksempel.xlsx"
SHOWN = 25


def register(subparsers) -> None:
    """Add the ``audit`` subcommand."""
    p = subparsers.add_parser(
        "audit", help="Revidér projektmapper (ydelsesplaner, formler, røde flag), også hele mapper",
        description="Gennemgår xlsx- og xlsm-projektmapper uden at køre noget i dem og uden at ændre dem: "
                    "ydelsesplaner efterregnes, formlernes integritet kontrolleres, vejledningens røde flag "
                    "findes, og med --recalc sammenlignes de gemte værdier med en genberegning i LibreOffice. "
                    "En mappe gennemgås med undermapper. Afslutningskode 0: intet på advarselsniveau eller "
                    "derover; 1: fund; 2: en fil kunne ikke revideres.")
    p.add_argument("workbooks", nargs="+", metavar="FIL|MAPPE",
                   help="Projektmapper (.xlsx, .xlsm) eller mapper med projektmapper")
    p.add_argument("-o", "--output", "--ud", dest="output", metavar="REVISION.xlsx",
                   help="Skriv rapporten til denne projektmappe (ark 'Oversigt' og 'Fund')")
    p.add_argument("--pdf", dest="pdf", metavar="REVISION.pdf",
                   help="Skriv rapporten som PDF (A4 liggende, dansk talformat; kræver LibreOffice)")
    p.add_argument("--revisor", dest="reviewer", metavar="NAVN", default="",
                   help="Revisorens navn i rapportens felt 'Revisor'")
    p.add_argument("--recalc", "--genberegn", dest="recalc", action="store_true",
                   help="Genberegn en kopi i LibreOffice og rapportér forældede gemte værdier")
    p.add_argument("--force", "--overskriv", dest="force", action="store_true",
                   help="Overskriv en eksisterende rapport")
    p.set_defaults(func=_run)


def _console():
    from ..terminal import console

    return console()


class _LaterConsole:
    """The terminal's console, made on first use or by :meth:`warm`.

    ``xlkopi audit`` prints nothing before the first file is read (unless an
    argument is wrong), so rich is imported while python-calamine reads the
    values (``on_idle``), on a second core at no cost, not before the audit.
    """

    def __init__(self):
        self._console = None

    def warm(self) -> None:
        if self._console is None:
            from rich.table import Table  # noqa: F401 - what render() prints with

            self._console = _console()

    def __getattr__(self, name: str):
        self.warm()
        return getattr(self._console, name)


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


def render_batch(items, console) -> None:
    """One row per file: the verdict, the counts, the amount at stake; then the first findings of each file."""
    from rich.table import Table

    from .findings import ADVARSEL, FEJL, INFO

    table = Table(title=_t(f"Revision af {len(items)} filer"))
    for head, justify in (("Fil", "left"), ("Dom", "left"), (FEJL, "right"), (ADVARSEL, "right"), (INFO, "right"),
                          ("Beløb i spil", "right")):
        table.add_column(head, justify=justify)  # type: ignore[arg-type]
    style = {"Godkendes ikke": "bold red", "Godkendes med bemærkninger": "yellow", "Kan ikke revideres": "red"}
    for item in items:
        res = item.result
        counts = [_t(res.count(s) or "") for s in (FEJL, ADVARSEL, INFO)] if res else [_t("")] * 3
        table.add_row(_t(item.path), _t(item.verdict, style.get(item.kind, "")), *counts, _t(item.at_stake_text))
    console.print(table)


def run_audit(workbook, output, recalc: bool, force: bool, console, *, pdf=None, reviewer: str = "") -> int:
    """Audit ``workbook`` (a file, a folder or a list of them), write the report if asked; returns the exit code."""
    from .batch import audit_files, exit_code, expand

    inputs = list(workbook) if isinstance(workbook, (list, tuple)) else [workbook]
    outputs = [Path(x) for x in (output, pdf) if x]
    if outputs:   # the report's modules only for a report
        from ..io.atomic import OutputExistsError, check_not_input
        from .report import write_report
    for out in outputs:
        if out.exists() and not force:
            console.print(_error("Fejl:", OutputExistsError(out)))
            return 2
    if pdf is not None and Path(pdf).suffix.lower() != ".pdf":
        console.print(_error("Fejl:", f"--pdf skal være en .pdf-fil (fik '{pdf}')"))
        return 2
    paths = expand(inputs, skip=outputs)
    for out in outputs:
        try:
            check_not_input(out, *paths)   # the same file by any path, a hard link too
        except WorkbookError:
            console.print(_error("Fejl:", "Rapporten må ikke overskrive den reviderede fil" if len(paths) == 1
                                 else "Rapporten må ikke overskrive en af de reviderede filer"))
            return 2
    if not paths:
        console.print(_error("Fejl:", "Ingen projektmapper at revidere (.xlsx, .xlsm, .xls eller .ods) i "
                                      + ", ".join(str(p) for p in inputs)))
        return 2
    items = audit_files(paths, recalc=recalc, on_idle=getattr(console, "warm", None))
    if len(items) == 1:
        item = items[0]
        if item.result is None:
            console.print(_error("Filen kan ikke revideres:", item.reason))
        else:
            render(item.result, console)
            console.print(_t(item.verdict, "bold"))
    else:
        render_batch(items, console)
    code = exit_code(items)
    if not outputs or (len(items) == 1 and items[0].result is None):
        return code
    try:
        if output:
            write_report(items, output, overwrite=force, reviewer=reviewer)
            console.print(_t(f"Rapport: {output}"))
        if pdf:
            _pdf(items, Path(pdf), output, force, reviewer, console)
    except XlkopiError as exc:
        console.print(_error("Fejl:", exc))
        return 2
    except OSError as exc:
        console.print(_error("Fejl:", f"Rapporten kunne ikke skrives ({exc.strerror})"))
        return 2
    return code


def _pdf(items, pdf: Path, output, force: bool, reviewer: str, console) -> None:
    """The report as a PDF: the workbook rendered by LibreOffice (Danish locale)."""
    import tempfile

    from ..io.libreoffice import render_pdf
    from .report import write_report

    with tempfile.TemporaryDirectory(prefix="xlkopi-revision-") as tmp:
        book = Path(output) if output else write_report(items, Path(tmp) / (pdf.stem + ".xlsx"), reviewer=reviewer)
        made = render_pdf(book, pdf, overwrite=force)
    if made is None:
        console.print(_error("Fejl:", "LibreOffice er ikke installeret; PDF'en kan ikke dannes"))
        raise WorkbookError("LibreOffice mangler")
    console.print(_t(f"PDF: {made}"))


def _run(args) -> int:
    return run_audit(args.workbooks, args.output, args.recalc, args.force, _LaterConsole(), pdf=args.pdf,
                     reviewer=args.reviewer)


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

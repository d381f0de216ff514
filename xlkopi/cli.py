"""The ``xlkopi`` command line: parses, calls the library, renders.

Each feature package contributes a module with two functions:

``register(subparsers)``
    adds its subcommand(s); each parser's ``func`` returns the exit code.
``demo(out_dir: pathlib.Path, console: rich.console.Console, force: bool) -> int``
    runs the feature on the bundled example data (used by ``xlkopi demo``).

Exit codes: 0 success, 1 the job ran but found problems (a failed row, an
audit finding), 2 the inputs could not be read.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from . import __version__
from .cliparse import DanishArgumentParser, parse
from .errors import XlkopiError

# Feature module -> its subcommands. Order matters for ``xlkopi demo``: later demos may use earlier outputs.
FEATURE_MODULES = {
    "xlkopi.schedule.cli": ("schedule",),
    "xlkopi.enrol.cli": ("enrol",),
    "xlkopi.compare.cli": ("compare",),
    "xlkopi.audit.cli": ("audit",),
    "xlkopi.contracts.cli": ("kontrakter",),
    "xlkopi.addin.cli": ("excel",),
}

TOOLS_HINT = 'pip install "xlkopi[tools]"'


class MissingTools:
    """A feature whose third-party packages are not installed (the base wheel is the worksheet functions only)."""

    def __init__(self, commands: tuple[str, ...], module: str):
        self.commands, self.module = commands, module

    def message(self, command: str) -> str:
        return (f"Kommandoen '{command}' kræver tilvalget xlkopi[tools] (modulet {self.module} mangler); "
                f"installér det med: {TOOLS_HINT}")

    def register(self, sub) -> None:
        for command in self.commands:
            p = sub.add_parser(command, help=f"(kræver {TOOLS_HINT})", add_help=False)
            p.add_argument("rest", nargs="*", help="")
            p.set_defaults(func=lambda args, c=command: self._refuse(c))

    def _refuse(self, command: str) -> int:
        print(f"Fejl: {self.message(command)}", file=sys.stderr)
        return 2


def _features():
    for name, commands in FEATURE_MODULES.items():
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if name.startswith(missing):
                continue  # feature not built yet
            if missing.split(".")[0] == "xlkopi":
                raise
            yield MissingTools(commands, missing)


def _console():
    from .terminal import console

    return console()


def _run_demo(args) -> int:
    from .terminal import say

    console = _console()
    out = Path(args.out)
    worst = 0
    for feature in _features():
        if isinstance(feature, MissingTools):
            print(f"Fejl: {feature.message('demo')}", file=sys.stderr)
            return 2
        if hasattr(feature, "demo"):
            worst = max(worst, feature.demo(out, console, args.force))
    console.print()
    console.print(say("Eksempelkørsel færdig.", "bold", f"Filerne ligger i {out.resolve()}"))
    return worst


def build_parser() -> DanishArgumentParser:
    parser = DanishArgumentParser(
        prog="xlkopi",
        description="Leasingberegning, tilmeldingsskemaer, tilbudssammenligning og revision af regneark "
                    "for offentlige indkøb af kopimaskiner og printere.",
    )
    parser.add_argument("--version", action="version", version=f"xlkopi {__version__}",
                        help="vis programmets version og afslut")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    demo = sub.add_parser("demo", help="Kør hele eksemplet på de medfølgende eksempeldata",
                          description="Kører alle xlkopi's funktioner på de medfølgende eksempeldata "
                                      "og skriver resultaterne i en mappe.")
    demo.add_argument("--out", "--ud", default="demo-output", metavar="MAPPE",
                      help="Mappe til resultaterne (standard: demo-output)")
    demo.add_argument("--force", "--overskriv", action="store_true", help="Overskriv eksisterende filer")
    demo.set_defaults(func=_run_demo)
    for feature in _features():
        feature.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, code = parse(parser, argv)
    if args is None:
        return code
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except XlkopiError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        if (exc.name or "xlkopi").split(".")[0] == "xlkopi":
            raise
        print(f"Fejl: modulet {exc.name} mangler; installér xlkopi's værktøjer med: {TOOLS_HINT}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

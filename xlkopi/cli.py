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

# Order matters for ``xlkopi demo``: later demos may use earlier outputs. Each module imports no
# third-party package at its top (tests/test_docs.py checks it), so building the parser works on the base
# wheel; a command whose packages are missing fails when it runs, with the hint main() prints.
FEATURE_MODULES = (
    "xlkopi.schedule.cli",
    "xlkopi.enrol.cli",
    "xlkopi.compare.cli",
    "xlkopi.audit.cli",
    "xlkopi.contracts.cli",
    "xlkopi.addin.cli",
)

# The command each feature module adds (tests/test_audit_speed.py checks it against the modules' parsers):
# ``xlkopi KOMMANDO ...`` builds that command's parser only, so a command loads no other feature's modules.
COMMANDS = {
    "schedule": "xlkopi.schedule.cli",
    "enrol": "xlkopi.enrol.cli",
    "compare": "xlkopi.compare.cli",
    "audit": "xlkopi.audit.cli",
    "kontrakter": "xlkopi.contracts.cli",
    "excel": "xlkopi.addin.cli",
}

TOOLS_HINT = 'pip install "xlkopi[tools]"'


def _features(names=FEATURE_MODULES):
    return [importlib.import_module(name) for name in names]


def _console():
    from .terminal import console

    return console()


def _run_demo(args) -> int:
    from .terminal import say

    console = _console()
    out = Path(args.out)
    worst = 0
    for feature in _features():
        if hasattr(feature, "demo"):
            worst = max(worst, feature.demo(out, console, args.force))
    console.print()
    console.print(say("Eksempelkørsel færdig.", "bold", f"Filerne ligger i {out.resolve()}"))
    return worst


def build_parser(command: str | None = None) -> DanishArgumentParser:
    """The ``xlkopi`` parser; with ``command`` (one of :data:`COMMANDS`) only that subcommand besides ``demo``."""
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
    for feature in _features((COMMANDS[command],) if command in COMMANDS else FEATURE_MODULES):
        feature.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(words[0] if words else None)
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

"""``xlkopi excel``: set up the worksheet functions in the classic add-in, xlwings Lite or xlwings Server."""

from __future__ import annotations

import sys
from pathlib import Path


def _classic(args) -> int:
    from ..terminal import console, say
    from .classic import user_conf_path, write_classic_conf

    out = console()
    path = Path(args.folder) / "xlwings.conf" if args.folder else user_conf_path()
    interpreter = args.interpreter or (sys.executable if sys.platform.startswith("win") else None)
    changes = write_classic_conf(path, interpreter, overwrite=args.force)
    if changes:
        out.print(say("Skrevet:", "green", path), soft_wrap=True)
        for change in changes:
            out.print(f"  {change}", markup=False, soft_wrap=True)
    else:
        out.print(say("Uændret:", "green", f"{path} har allerede xlkopi's indstillinger"))
    if interpreter is None:
        out.print(say("Bemærk:", "yellow", "INTERPRETER_WIN er ikke sat (ikke Windows); angiv --python "
                                           "med stien til python.exe på den pc, der kører Excel"))
    out.print()
    out.print("Tilbage i Excel (én gang pr. pc):", markup=False, soft_wrap=True)
    for step in (
        "1. pip install \"xlkopi[excel]\" i den Python, som INTERPRETER_WIN peger på, og kør: xlwings addin install",
        "2. Filer → Indstillinger → Center for sikkerhed og rettighedsadministration → Indstillinger for makroer: "
        "sæt flueben ved 'Hav tillid til adgang til VBA-projektobjektmodellen'",
        "3. Gem projektmappen som .xlsm, åbn VBA-editoren (Alt+F11) → Tools → References → sæt flueben ved xlwings",
        "4. Fanen xlwings → Import Functions. Funktionerne ligger derefter under kategorien xlkopi: "
        "=LEASE_SCHEDULE(...), =BUYOUT(...), ...",
    ):
        out.print(f"  {step}", markup=False, soft_wrap=True)
    return 0


def _lite(args) -> int:
    from ..terminal import console
    from .lite import MAIN_PY, requirements_line

    out = console()
    out.print("xlwings Lite: åbn Lite-editoren i projektmappen.", markup=False, soft_wrap=True)
    out.print()
    out.print("Fanen requirements.txt, tilføj linjen:", markup=False, soft_wrap=True)
    out.print(f"  {requirements_line(args.wheel_url)}", markup=False, soft_wrap=True)
    out.print()
    out.print("Fanen main.py, tilføj linjerne:", markup=False, soft_wrap=True)
    for line in MAIN_PY.splitlines():
        out.print(f"  {line}", markup=False, soft_wrap=True)
    out.print()
    out.print("Genstart Lite (menuen → Restart). Funktionerne hedder derefter =XLKOPI.LEASE_SCHEDULE(...) osv.",
              markup=False, soft_wrap=True)
    return 0


def _server(args) -> int:
    from ..terminal import console, say
    from .server import scaffold

    out = console()
    folder = Path(args.folder)
    for path in scaffold(folder, xlkopi_requirement=args.requirement, overwrite=args.force):
        out.print(say("Skrevet:", "green", path), soft_wrap=True)
    out.print()
    out.print(f"Næste skridt står i {folder / 'README.md'}: installér, start (også med flere processer), HTTPS og "
              "licens.", markup=False, soft_wrap=True)
    return 0


def register(sub) -> None:
    excel = sub.add_parser("excel", help="Sæt regnearksfunktionerne op i Excel (klassisk, Lite eller Server)",
                           description="Skriver det, som hver af xlwings' måder at køre Excel-funktionerne på "
                                       "skal bruge, og fortæller de resterende trin.")
    routes = excel.add_subparsers(dest="route", metavar="VEJ", help="klassisk, lite eller server")
    excel.set_defaults(func=lambda args: excel.print_help() or 2)

    classic = routes.add_parser("klassisk", aliases=["classic"],
                                help="Windows-Excel med xlwings' tilføjelsesprogram: skriv xlwings.conf",
                                description="Fletter xlkopi's indstillinger (UDF MODULES = xlkopi.udfs og Python-"
                                            "fortolkeren) ind i brugerens xlwings.conf eller i en mappes.")
    classic.add_argument("--mappe", "--folder", dest="folder", metavar="MAPPE",
                         help="skriv MAPPE/xlwings.conf (ved projektmapperne) i stedet for ~/.xlwings/xlwings.conf")
    classic.add_argument("--python", dest="interpreter", metavar="STI",
                         help="python.exe, som Excel skal bruge (standard: denne Python på Windows)")
    classic.add_argument("--overskriv", "--force", dest="force", action="store_true",
                         help="skift en INTERPRETER_WIN, der allerede peger på en anden Python")
    classic.set_defaults(func=_classic)

    lite = routes.add_parser("lite", help="xlwings Lite: vis linjerne til requirements.txt og main.py",
                             description="Viser, hvad der skal stå i xlwings Lite's requirements.txt og main.py.")
    lite.add_argument("--wheel-url", metavar="URL",
                      help="adressen på en xlkopi-wheel, som institutionen selv stiller til rådighed")
    lite.set_defaults(func=_lite)

    server = routes.add_parser("server", help="xlwings Server: skriv et serverprojekt med xlkopi's funktioner",
                               description="Skriver et xlwings Server-projekt, hvis funktioner kommer fra den "
                                           "installerede xlkopi-pakke.")
    server.add_argument("folder", metavar="MAPPE", help="projektmappen (oprettes)")
    server.add_argument("--krav", "--requirement", dest="requirement", metavar="LINJE",
                        help="xlkopi-linjen i requirements.txt (standard: xlkopi[excel]==VERSION)")
    server.add_argument("--overskriv", "--force", dest="force", action="store_true",
                        help="overskriv filer, der allerede findes i mappen")
    server.set_defaults(func=_server)

"""Generators for the parts of the docs that would otherwise drift (run by cog; checked by tests/test_docs.py).

Regenerate after changing a worksheet function or a command's flags::

    cog -r -I docs docs/excel.md docs/cli.md

``tests/test_docs.py`` runs ``cog --check`` and fails when a generated block differs from what the
code says now.
"""

from __future__ import annotations

import inspect
import io
import os
from contextlib import redirect_stdout

WIDTH = "100"   # argparse wraps help text at $COLUMNS; fixed so the output is the same on every machine


def _default(value) -> str:
    if value is True:
        return "SAND"
    if value is False:
        return "FALSK"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def function_signatures() -> str:
    """One row per worksheet function: its arguments in Excel's order, optional ones in brackets, and the
    Danish description Excel shows (the function's docstring)."""
    from xlkopi.udfs import FUNCTIONS

    rows = ["| function | arguments ([optional = default]) | description in Excel |", "|---|---|---|"]
    for name, f in FUNCTIONS.items():
        args = []
        for p in inspect.signature(f).parameters.values():
            if p.default is inspect.Parameter.empty:
                args.append(p.name)
            elif p.default is None:
                args.append(f"[{p.name}]")
            else:
                args.append(f"[{p.name}={_default(p.default)}]")
        rows.append(f"| `{name}` | {', '.join(args)} | {inspect.getdoc(f)} |")
    return "\n".join(rows) + "\n"


def argument_descriptions() -> str:
    """Every argument's Danish description (the function wizard's and Office.js' tooltip) and its functions."""
    from xlkopi.udfs import DOCS, FUNCTIONS

    used: dict[str, list[str]] = {}
    for name, f in FUNCTIONS.items():
        for p in inspect.signature(f).parameters:
            used.setdefault(p, []).append(name)
    rows = ["| argument | description in Excel | used by |", "|---|---|---|"]
    for arg, functions in used.items():
        rows.append(f"| `{arg}` | {DOCS[arg]} | {', '.join(functions)} |")
    return "\n".join(rows) + "\n"


def cli_reference() -> str:
    """``xlkopi --help`` and every command's (and sub-route's) ``--help``, as the parsers print them."""
    from xlkopi.cli import build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parser = build_parser()
        parts = [("xlkopi", parser)]
        seen = {id(parser)}

        def walk(p, title):
            for action in p._actions:
                if action.__class__.__name__ != "_SubParsersAction":
                    continue
                for name, q in action.choices.items():
                    if id(q) in seen:
                        continue   # an alias (klassisk / classic) of a parser already shown
                    seen.add(id(q))
                    parts.append((f"{title} {name}", q))
                    walk(q, f"{title} {name}")

        walk(parser, "xlkopi")
        out = []
        for title, p in parts:
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                p.print_help()
            out.append(f"### `{title}`\n\n```\n{buffer.getvalue().rstrip()}\n```\n")
        return "\n".join(out)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old

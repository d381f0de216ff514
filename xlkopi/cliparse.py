"""The command line in Danish: argparse's own texts translated, flags read by the vocabulary.

argparse looks every text it prints up through ``gettext`` (its designed
hook for translation), but gettext picks the language from the
environment, and CI, cron jobs and many Windows terminals run with an
English or C locale. :class:`DanishArgumentParser` therefore looks the
texts up in :data:`DANISH` while its own methods run, whatever the locale,
and puts argparse's lookup back afterwards, so other parsers in the same
process are not affected.

:func:`value` makes an argument whose text is read by
:mod:`xlkopi.core.vocabulary` at parse time; a bad value is a usage error
that names the flag exactly as the user typed it (``--rente`` or
``--rate``), never the Python parameter behind it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from typing import Any, Callable

from .core.vocabulary import read, shown
from .errors import ArgumentError

DANISH: dict[str, str] = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "optional arguments": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "show program's version number and exit": "vis programmets version og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "the following arguments are required: %s": "følgende skal angives: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ukendt valg: %(value)r (vælg mellem %(choices)s)",
    "invalid choice: %(value)r, maybe you meant %(closest)r?": "ukendt valg: %(value)r; mente du %(closest)r?",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "expected one argument": "mangler en værdi",
    "expected at most one argument": "tager højst én værdi",
    "expected at least one argument": "mangler mindst én værdi",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "ignored explicit argument %r": "værdien %r ignoreres",
    "one of the arguments %s is required": "et af argumenterne %s skal angives",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "ukendt kommando %(parser_name)r (vælg mellem %(choices)s)",
    "can't open '%(filename)s': %(error)s": "kan ikke åbne '%(filename)s': %(error)s",
    " (default: %(default)s)": " (standard: %(default)s)",
    "subcommands": "kommandoer",
}
"""argparse's texts (Python 3.10-3.14) and their Danish wording."""

_PLURALS: dict[str, tuple[str, str]] = {
    "expected %s argument": ("mangler %s værdi", "mangler %s værdier"),
}


def _gettext(message: str) -> str:
    return DANISH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _PLURALS:
        one, many = _PLURALS[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


_depth = 0


@contextlib.contextmanager
def _danish():
    global _depth
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    _depth += 1
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _in_danish(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _danish():
            return method(*args, **kwargs)

    return wrapper


class DanishArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage, help and errors are in Danish (its subparsers too)."""

    __init__ = _in_danish(argparse.ArgumentParser.__init__)
    parse_known_args = _in_danish(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_danish(argparse.ArgumentParser.format_usage)
    format_help = _in_danish(argparse.ArgumentParser.format_help)
    error = _in_danish(argparse.ArgumentParser.error)
    add_argument = _in_danish(argparse.ArgumentParser.add_argument)
    add_subparsers = _in_danish(argparse.ArgumentParser.add_subparsers)


class _ReadValue(argparse.Action):
    """Store the value as ``reader`` reads it; a refusal is a usage error naming the flag typed."""

    def __init__(self, option_strings, dest, reader: Callable[[str, str], Any] | None = None, **kwargs):
        self.reader = reader
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if option_string:
            name = option_string
        else:
            # A positional argument. A tuple metavar names the values of nargs > 1; a reader reads one text.
            assert not isinstance(self.metavar, tuple)
            name = self.metavar or self.dest
        assert self.reader is not None
        try:
            setattr(namespace, self.dest, self.reader(values, name))
        except ArgumentError as err:
            got = "" if err.got is ... else f" (fik {shown(err.got)})"
            parser.error(f"{name} {err.problem}{got}")


def value(parser: argparse.ArgumentParser, *flags: str, reader: Callable[[str, str], Any], **kwargs: Any):
    """Add an argument whose text ``reader(text, flag)`` turns into a value (see :mod:`xlkopi.core.vocabulary`)."""
    return parser.add_argument(*flags, action=_ReadValue, reader=reader, **kwargs)


def quantity(q) -> Callable[[str, str], Any]:
    """A reader for a :class:`~xlkopi.core.vocabulary.Quantity`."""
    return lambda text, flag: read(q, text, flag)


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> tuple[argparse.Namespace | None, int]:
    """``parser.parse_args(argv)``, with argparse's exits (help, version, usage errors) as an exit code."""
    try:
        return parser.parse_args(argv), 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        sys.stdout.flush()
        return None, code

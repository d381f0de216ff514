"""The terminal: where xlkopi prints text it did not write (names, sheet names, formulas, file names).

Every command prints through :func:`console`, whose markup, emoji codes
and highlighting are off, so a text such as ``Kommune [/x]``,
``Skole [afd. nord]`` or ``:warning:`` appears exactly as typed in a
register or a workbook and can neither raise rich's ``MarkupError`` nor
restyle the screen. Styles that xlkopi itself adds are built as
:class:`rich.text.Text` with :func:`say`, never as markup strings, so there
is nothing in a message that rich would interpret.

>>> from io import StringIO
>>> out = StringIO()
>>> c = console(file=out, width=60)
>>> c.print(say("Fejl:", "red", "Kommune [/x] :smile:"))
>>> out.getvalue()
'Fejl: Kommune [/x] :smile:\\n'
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text


def console(**options: Any) -> Console:
    """A rich console that interprets nothing it prints (no markup, no emoji codes, no highlighting)."""
    options.setdefault("highlight", False)
    return Console(markup=False, emoji=False, **options)


def say(label: str, style: str, text: object = "") -> Text:
    """``label`` in ``style`` followed by ``text`` verbatim (``Fejl:`` in red, then the message)."""
    out = Text(label, style=style)
    if text != "":
        out.append(" ")
        out.append(str(text))
    return out


def styled(text: object, style: str) -> Text:
    """``text`` verbatim in ``style`` (a table cell, a status word)."""
    return Text(str(text), style=style)

"""The follow-up the user types into Oversigt.xlsx, read back so that a rerun keeps it.

The overview (:mod:`xlkopi.enrol.overview`) has, per enrolment, four date columns the user fills in as the
enrolment goes along (``Sendt``, ``Bekræftet``, ``Log-in anmodet``, ``Underskrevet``) and a free text
(``Bemærkning``). The next run rewrites the overview, so before it does, :func:`read_followup` reads what was
typed, keyed by institution, agreement and phase (:func:`followup_key`), and the new overview writes it back:
into the enrolment's row when the enrolment is in the run again, else in a row carried over with status
"ikke med i denne kørsel". Nothing the user typed is lost, also not a date Excel did not understand: that is
kept as the text it was and reported as an advarsel.

The file is untrusted input (anybody may have edited or replaced it): it is read through the project's one
safety layer (:func:`xlkopi.io.sheets.read_sheets`), never by openpyxl, and headers are found by name, since
the user may move columns or add his own (which are kept too).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from ..core.vocabulary import PHASE as PHASE_NUMBER
from ..core.vocabulary import format_number, parse_date, read, shown
from ..errors import ArgumentError
from ..io.a1 import col_letters
from .model import ADVARSEL, INFO, Finding
from .rules import normalise

# --- the overview's layout, shared by its writer (overview.py) and the reader here ---------------------------

OVERVIEW_SHEET = "Oversigt"
FINDINGS_SHEET = "Fejl og advarsler"
GENERATOR = "xlkopi tilmelding"
MARKER_PROPERTY = "xlkopi_oversigt"   # a custom document property: the file is an xlkopi enrolment overview
MARKER = "tilmeldingsoversigt 2"      # ... in this layout (2: with follow-up columns and links)

NUMBER, INSTITUTION, AGREEMENT, PHASE, STATUS = "Nr.", "Institution", "Aftale", "Fase", "Status"
REASON, WARNINGS, SIGNATURE = "Begrundelse", "Advarsler", "Underskrift"
SENT, CONFIRMED, LOGIN_REQUESTED, SIGNED, COMMENT = "Sendt", "Bekræftet", "Log-in anmodet", "Underskrevet", "Bemærkning"
SOURCE = "Kilde"
DOCUMENT, WORKBOOK, EML, PDF, LOGIN = "Bilag 7", "Skema", "E-mailkladde", "PDF", "Log-in-kladde"

DATE_HEADERS = (SENT, CONFIRMED, LOGIN_REQUESTED, SIGNED)
FILE_HEADERS = (DOCUMENT, WORKBOOK, EML, PDF, LOGIN)
# The columns in the order written; the user's own columns go after Bemærkning.
HEADERS = (NUMBER, INSTITUTION, AGREEMENT, PHASE, STATUS, REASON, WARNINGS, SIGNATURE, *DATE_HEADERS, COMMENT,
           SOURCE, *FILE_HEADERS)
# The overview before the follow-up columns (no marker property yet); "Arbejdsbog" is now "Skema".
OLD_HEADERS = (NUMBER, INSTITUTION, AGREEMENT, PHASE, STATUS, REASON, WARNINGS, "Arbejdsbog", EML, SOURCE)
_ALIASES = {"Arbejdsbog": WORKBOOK}

NOT_IN_RUN = "ikke med i denne kørsel"
MAX_EXTRA_COLUMNS = 50   # the user's own columns kept; a file with thousands of headers is not a follow-up sheet
_HEADER_SEARCH = 10      # rows searched for the header row (the user may have put a title above it)

Typed = Union[dt.date, str, None]   # a date, or the user's text when it is not one, or nothing


@dataclass(frozen=True)
class FollowUp:
    """What the user typed for one enrolment.

    A date column holds a :class:`datetime.date`, or the text typed when it is not a date (kept, and
    reported), or None. ``extra`` holds the user's own columns as ``(header, value)``, values as read.
    """

    sent: Typed = None
    confirmed: Typed = None
    login_requested: Typed = None
    signed: Typed = None
    comment: str = ""
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def wants_login(self) -> bool:
        """Confirmed (a date in Bekræftet) and no log-in asked for yet: the run makes the log-in draft.

        Only a date confirms: a text such as "afventer" in Bekræftet is kept and reported, but must not make
        a draft. Anything in Log-in anmodet, text too, says the log-in has been asked for.

        >>> FollowUp(confirmed=dt.date(2026, 3, 2)).wants_login, FollowUp(confirmed="afventer").wants_login
        (True, False)
        >>> FollowUp(confirmed=dt.date(2026, 3, 2), login_requested="x").wants_login
        False
        """
        return isinstance(self.confirmed, dt.date) and self.login_requested is None

    @property
    def empty(self) -> bool:
        """Nothing typed at all."""
        return self == _EMPTY

    def value(self, header: str) -> Typed:
        """The value of one of the date columns, by its header."""
        return getattr(self, _ATTRS[header])


_EMPTY = FollowUp()
_ATTRS = {SENT: "sent", CONFIRMED: "confirmed", LOGIN_REQUESTED: "login_requested", SIGNED: "signed"}


def followup_key(institution: str, agreement: str, phase: int | None) -> tuple:
    """The key that finds an enrolment's follow-up again: the names as the register matches them, and the phase.

    >>> followup_key(" Eksempelby  Kommune", "AIA/ADK-aftalen", 9)
    ('eksempelby kommune', 'aia/adk aftalen', 9)
    """
    return (normalise(institution), normalise(agreement), phase)


@dataclass
class PreviousRow:
    """One enrolment row of the previous overview: its basic columns as text, and the follow-up typed."""

    row: int                      # the row in the previous file, as Excel numbers it
    key: tuple
    institution: str
    agreement: str
    phase: int | None
    status: str = ""
    reason: str = ""
    warnings: str = ""
    signature: str = ""
    source: str = ""
    files: dict[str, str] = field(default_factory=dict)   # file column -> the file name shown
    followup: FollowUp = _EMPTY


@dataclass
class Previous:
    """What the previous overview held; empty when there was none.

    ``is_ours``: the file is an overview xlkopi wrote (its marker property, the header row of the layout before
    the marker, or all of the overview's headers) and its follow-up columns were found, so a run may replace
    it, carrying the follow-up over; another file named Oversigt.xlsx is not (and nothing of it is read), nor is
    an overview whose header row the user removed (replacing it would lose what was typed). ``findings`` are
    about the previous file (a typed value that is not a date, a column that is not kept); they belong in the
    new overview's "Fejl og advarsler" (:func:`~xlkopi.enrol.overview.overview_bytes` adds them).
    """

    by_key: dict[tuple, FollowUp] = field(default_factory=dict)
    rows: list[PreviousRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    is_ours: bool = False
    exists: bool = False
    extra_headers: list[str] = field(default_factory=list)   # the user's own columns, in their order

    def carried(self, keys) -> list[PreviousRow]:
        """The previous rows to carry over into a run whose enrolments have ``keys``: not in the run, and with
        something typed (a row nobody typed in has nothing to keep), each key once."""
        out, seen = [], set(keys)
        for row in self.rows:
            if row.key in seen or row.followup.empty:
                continue
            seen.add(row.key)
            out.append(row)
        return out


# --- reading ----------------------------------------------------------------------------------------------

def read_followup(path: str | os.PathLike) -> Previous:
    """The follow-up typed into the overview at ``path`` (an empty :class:`Previous` when there is none).

    Raises :class:`~xlkopi.errors.WorkbookError` (Danish message) when the file is there but cannot be read
    or is refused by the safety layer (not a workbook, encrypted, a zip bomb, ...).
    """
    from ..io.sheets import read_sheets

    path = Path(path)
    if not os.path.lexists(path):
        return Previous()
    book = read_sheets(path, noun="Oversigten", pronoun="den")
    marked = _marker(path) == MARKER
    # the sheet Oversigt, or (renamed by the user) the first sheet with the overview's header row
    names = sorted(book, key=lambda name: normalise(name) != normalise(OVERVIEW_SHEET))
    found = next(((name, head) for name in names if (head := _header_row(book[name])) is not None), None)
    if found is None:   # nothing to carry over: the file is not to be replaced as if it were an overview
        return Previous(exists=True)
    sheet, head = found
    rows = book[sheet]
    header = [_text(v) for v in rows[head]]
    named = {normalise(h) for h in header}
    ours = marked or tuple(h for h in header if h) == OLD_HEADERS or {normalise(h) for h in HEADERS} <= named
    if not ours:
        return Previous(exists=True)
    prev = Previous(exists=True, is_ours=True)
    cols, extra = _columns(header, head + 1, sheet, prev)
    used = {j for j, name in enumerate(header) if name}   # a named column is read, kept or already reported
    unnamed: set[int] = set()
    for i in range(head + 1, len(rows)):
        _read_row(rows[i], i + 1, sheet, cols, extra, prev)
        _unnamed(rows[i], i + 1, sheet, used, unnamed, prev)
    return prev


def _marker(path: Path) -> str | None:
    """The marker property of the workbook at ``path`` (None without one), through the safety layer."""
    from ..io.package import MiB, open_package, parse_xml

    pkg = open_package(path, "Oversigten")
    try:
        part = pkg.member("docProps/custom.xml")
        if part is None:
            return None
        root = parse_xml(pkg.read(part, MiB), part)
    finally:
        pkg.close()
    for prop in root.iter():
        if prop.tag.rsplit("}", 1)[-1] == "property" and prop.get("name") == MARKER_PROPERTY:
            return "".join(prop.itertext()).strip()
    return None


def _header_row(rows: list[list[Any]]) -> int | None:
    """The index of the header row: the first of the top rows naming both Institution and Aftale."""
    need = {normalise(INSTITUTION), normalise(AGREEMENT)}
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        if need <= {normalise(_text(v)) for v in row}:
            return i
    return None


def _columns(header: list[str], row: int, sheet: str, prev: Previous) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Our columns by header (the first of a name), and the user's own columns to keep, with INFO findings for
    columns that are not kept."""
    known = {normalise(h): h for h in HEADERS}
    known.update({normalise(old): new for old, new in _ALIASES.items()})
    cols: dict[str, int] = {}
    extra: list[tuple[int, str]] = []
    taken: set[str] = set()
    for j, name in enumerate(header):
        key = normalise(name)
        letter = col_letters(j + 1)
        if key in known and known[key] not in cols:
            cols[known[key]] = j
        elif not name:
            continue   # an empty header: a value under it is reported where it is found
        elif key in known or key in taken:
            prev.findings.append(Finding(INFO, sheet, row - 1, name, f"kolonne {letter} står to gange i den forrige "
                                         "oversigt; kun den første er bevaret"))
        elif len(extra) >= MAX_EXTRA_COLUMNS:
            prev.findings.append(Finding(INFO, sheet, row - 1, name, f"kolonne {letter} er ikke bevaret: højst "
                                         f"{MAX_EXTRA_COLUMNS} egne kolonner føres videre"))
        else:
            taken.add(key)
            extra.append((j, name))
    prev.extra_headers = [name for _j, name in extra]
    return cols, extra


def _read_row(cells: list[Any], row: int, sheet: str, cols: dict[str, int], extra: list[tuple[int, str]],
              prev: Previous) -> None:
    """One data row of the previous overview into ``prev``: its basic columns and what was typed."""
    def cell(header: str) -> Any:
        j = cols.get(header)
        return cells[j] if j is not None and j < len(cells) else None

    institution, agreement = _text(cell(INSTITUTION)), _text(cell(AGREEMENT))
    dates = {}
    for header in DATE_HEADERS:
        dates[_ATTRS[header]] = _typed(cell(header), row, header, cols.get(header, 0), sheet, prev.findings)
    kept = tuple((name, cells[j]) for j, name in extra if j < len(cells) and not _blank(cells[j]))
    fu = FollowUp(comment=_text(cell(COMMENT)), extra=kept, **dates)
    if not institution and not agreement:
        if not fu.empty:
            prev.findings.append(Finding(ADVARSEL, sheet, row, None, "rækken i den forrige oversigt har opfølgning, "
                                         "men hverken institution eller aftale; den kan ikke føres videre"))
        return
    key = followup_key(institution, agreement, _phase(cell(PHASE)))
    prev.rows.append(PreviousRow(row, key, institution, agreement, key[2], _text(cell(STATUS)),
                                 _text(cell(REASON)), _text(cell(WARNINGS)), _text(cell(SIGNATURE)),
                                 _text(cell(SOURCE)), {h: _text(cell(h)) for h in FILE_HEADERS if _text(cell(h))},
                                 fu))
    had = prev.by_key.get(key)
    if had is None or (had.empty and not fu.empty):
        prev.by_key[key] = fu
    elif not fu.empty and fu != had:
        prev.findings.append(Finding(ADVARSEL, sheet, row, None, f"{institution} / {agreement} står flere gange i "
                                     "den forrige oversigt med forskellig opfølgning; den første række er bevaret"))


def _unnamed(cells: list[Any], row: int, sheet: str, used: set[int], reported: set[int], prev: Previous) -> None:
    """INFO, once per column, for a value in a column without a header: it cannot be kept (nothing says what it
    is). ``used``: the columns read; ``reported``: the columns already told of."""
    for j, value in enumerate(cells):
        if j not in used and j not in reported and not _blank(value):
            reported.add(j)
            prev.findings.append(Finding(INFO, sheet, row, col_letters(j + 1), f"kolonne {col_letters(j + 1)} har "
                                         "ingen overskrift i den forrige oversigt, så dens værdier er ikke bevaret; "
                                         "giv kolonnen en overskrift"))


def _typed(value: Any, row: int, header: str, j: int, sheet: str, findings: list[Finding]) -> Typed:
    """A date column's cell: the date, or (with an advarsel naming the cell) the text typed when it is none."""
    if _blank(value):
        return None
    try:
        return parse_date(value, header)   # the one date parser: dd-mm-åååå, dd.mm.åååå, date cells, serials
    except ArgumentError as err:
        raw = _text(value)
        findings.append(Finding(ADVARSEL, sheet, row, header,
                                f"{err.problem} (fik {shown(raw)} i celle {col_letters(j + 1)}{row}); værdien er "
                                "bevaret som tekst, men tæller ikke som en dato"))
        return raw


def _phase(value: Any) -> int | None:
    """The phase column as a number (a cell holds 9.0 or "9"), read by the vocabulary; None when it is empty or
    not a phase number."""
    if isinstance(value, bool) or _blank(value):
        return None
    try:
        return int(read(PHASE_NUMBER, value, "Fase"))
    except ArgumentError:
        return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as the text it shows: numbers in Danish form, dates dd-mm-åååå, text stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "SAND" if value else "FALSK"
    if isinstance(value, (int, float, dt.date)):
        return shown(value) if isinstance(value, dt.date) else format_number(value)
    return str(value)


__all__ = ["FollowUp", "Previous", "PreviousRow", "followup_key", "read_followup", "HEADERS", "DATE_HEADERS",
           "FILE_HEADERS", "NOT_IN_RUN", "OVERVIEW_SHEET", "FINDINGS_SHEET", "MARKER", "MARKER_PROPERTY"]

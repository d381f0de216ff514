"""Import the agency's published list of who is party to which agreement (partslisten).

Statens Indkøb publishes "Se hvilke offentlige institutioner der er part på
hvilke aftaler" as an .xlsx. Two shapes are read, each with title rows above
the header allowed (the header is looked for among the first 30 rows):

**Long form**, like the register's own Parter sheet: an institution column
(Institution, Kunde or Navn), an optional CVR column and Fase and/or Aftale::

    Institution                  CVR        Fase   Aftale
    Eksempelby Kommune           23043823   9
    Solsikken                    47384656          Computeraftalen

**Grid**: institutions down, agreements or phases across, a mark in each
cell where the institution is party. A column header is an agreement of the
register's Aftaler (matched by :func:`xlkopi.enrol.rules.normalise`) or a
phase label (``9. fase``, ``Fase 9``, ``10. udbudsrunde``, a bare ``9``)::

    Parter på aftaler i Statens Indkøbsprogram          <- title rows are skipped
    Institution          CVR        9. fase   Fase 10   Computeraftalen
    Eksempelby Kommune   23043823   x         x
    Region Eksempel      38678574             ja

A mark is x, ja, 1, SAND/TRUE, ✓/✔ or "part"; blank, nej, 0 and FALSK mean
no. Any other text gets an ADVARSEL naming the sheet, row and column, and
the cell is not taken. A column whose header is neither an agreement nor a
phase gets one INFO and is skipped.

Institutions are matched to the register's Institutioner by CVR-nummer when
the list has a CVR column and the number is found (the membership then
carries the register's name, however the list spells it), else by name. The
list holds far more institutions than a register: those not in the register
get one INFO with their number, never one finding per row. A row that names
both a phase and an agreement in the long form makes the institution party
to that agreement only (the phase column then just tells where it belongs).

Every returned membership is clean (no findings of its own); everything the
reader has to say is in the returned findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..core.vocabulary import PHASE, clean_text, fold, is_blank, parse_yes_no, read, shown
from ..errors import ArgumentError, FieldError, WorkbookError
from ..io.a1 import col_letters
from .model import ADVARSEL, INFO, Agreement, Finding, Institution, Membership
from .register import ColumnMap, _text
from .rules import normalise
from .validate import compact_digits, cvr_problem

LONG = "lang form"
GRID = "gitter"
HEADER_ROWS = 30  # the header is among the first 30 rows, as in the register

# Canonical Danish column -> accepted headers; a column map (``[kolonner.Parter]``) replaces them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Institution": ("Institution", "Kunde", "Navn", "Kundenavn", "Institutionsnavn"),
    "CVR": ("CVR", "CVR-nummer", "CVR-nr", "CVR nr"),
    "Fase": ("Fase", "Udbudsrunde"),
    "Aftale": ("Aftale", "Aftalenavn"),
}

MARKS = ("✓", "✔", "☑", "✅")
"""Check marks that mean "party" besides the vocabulary's yes-words (x, ja, 1, SAND ...)."""
_MARK_WORDS = {"part": True}
_MARK_HINT = "x, ja, 1, SAND, ✓ eller part; tom, nej, 0 eller FALSK betyder ikke part"
_PHASE_LABEL = re.compile(r"^(?:(?:fase|udbudsrunde)\s*)?([0-9]+)\s*\.?\s*(?:fase|udbudsrunde)?$")
_SHOWN_CHARS = 60  # a user's text quoted in a finding is cut to this many characters


# ----------------------------------------------------------------------------- cells


def _quote(value: Any) -> str:
    """A user's cell as a finding quotes it: cut to a readable length, control characters escaped."""
    text = _text(value) if not isinstance(value, str) else clean_text(value)
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return shown(text)


def phase_label(value: Any) -> int | None:
    """The phase a header or cell names (``9``, ``9. fase``, ``Fase 9``, ``10. udbudsrunde``), else None.

    >>> [phase_label(v) for v in ("9. fase", "Fase 10", "11", 12.0, "10. udbudsrunde", "Computeraftalen", 2024)]
    [9, 10, 11, 12, 10, None, None]
    """
    if is_blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, str):
        match = _PHASE_LABEL.match(clean_text(value).casefold())
        if not match:
            return None
        value = match.group(1)
    try:
        return int(read(PHASE, value, "Fase"))
    except ArgumentError:
        return None


def read_mark(value: Any) -> bool | None:
    """True for a mark, False for blank or a no; None for a text that is neither.

    >>> [read_mark(v) for v in ("x", "X", "ja", 1, "SAND", True, "✓", "Part", None, "nej", 0, "FALSK", "måske")]
    [True, True, True, True, True, True, True, True, False, False, False, False, None]
    """
    if isinstance(value, str) and clean_text(value) in MARKS:
        return True
    try:
        return bool(parse_yes_no(value, "Markering", _MARK_WORDS))
    except ArgumentError:
        return None


# ----------------------------------------------------------------------------- the header


@dataclass
class Layout:
    """Where a party list's header is and what each column means."""

    shape: str                      # LONG or GRID
    head: int                       # index of the header row (row head + 1 as Excel shows it)
    institution: int
    cvr: int | None = None
    phase: int | None = None        # long form
    agreement: int | None = None    # long form
    targets: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # grid: column -> (phase, agreement)
    unknown: list[int] = field(default_factory=list)
    header: list[Any] = field(default_factory=list, repr=False)  # the header row's values

    def name(self, j: int | None) -> str | None:
        """Column ``j``'s header as the user wrote it (cut), or its letter when the header is blank."""
        if j is None:
            return None
        text = _text(_cell(self.header, j))
        return text[:_SHOWN_CHARS] if text else col_letters(j + 1)

    def score(self) -> int:
        """How much of the row was recognised (the best row is the header)."""
        return sum(i is not None for i in (self.cvr, self.phase, self.agreement)) + len(self.targets)


def _aliases(columns: ColumnMap) -> dict[str, list[str]]:
    user = columns.columns.get("Parter", {})
    return {canon: [fold(user[canon])] if canon in user else [fold(n) for n in names]
            for canon, names in COLUMNS.items()}


def _index(keys: list[str], aliases: list[str], taken: Iterable[int | None] = ()) -> int | None:
    skip = set(taken)
    for alias in aliases:
        for j, key in enumerate(keys):
            if key == alias and j not in skip:
                return j
    return None


def _target(header: Any, agreements: dict[str, str]) -> tuple[int | None, str] | None:
    """(phase, "") or (None, agreement name) for a grid column's header, None when it is neither."""
    name = agreements.get(normalise(_text(header)))
    if name:
        return None, name
    phase = phase_label(header)
    return (phase, "") if phase is not None else None


def _layout(row: list[Any], i: int, aliases: dict[str, list[str]], agreements: dict[str, str]) -> Layout | None:
    keys = [fold(_text(v)) for v in row]
    inst = _index(keys, aliases["Institution"])
    if inst is None:
        return None
    lay = Layout(GRID, i, inst, cvr=_index(keys, aliases["CVR"], (inst,)), header=row)
    lay.phase = _index(keys, aliases["Fase"], (inst, lay.cvr))
    lay.agreement = _index(keys, aliases["Aftale"], (inst, lay.cvr, lay.phase))
    used = {inst, lay.cvr, lay.phase, lay.agreement}
    if lay.phase is not None or lay.agreement is not None:
        lay.shape = LONG
    for j, header in enumerate(row):
        if j in used or not keys[j]:
            continue
        target = None if lay.shape == LONG else _target(header, agreements)
        if target is None:
            lay.unknown.append(j)
        else:
            lay.targets[j] = target
    return lay if lay.shape == LONG or lay.targets else None


def _agreement_names(agreements: Iterable[Agreement]) -> dict[str, str]:
    out: dict[str, str] = {}
    for agr in agreements:
        if agr.name and agr.duplicate_of is None:
            out.setdefault(normalise(agr.name), agr.name)
    return out


def find_layout(rows: list[list[Any]], columns: ColumnMap, agreements: Iterable[Agreement]) -> Layout | None:
    """The header among the first 30 rows: the long form if a row has one, else the grid with most columns."""
    aliases, names = _aliases(columns), _agreement_names(agreements)
    found = [lay for i, row in enumerate(rows[:HEADER_ROWS]) if (lay := _layout(row, i, aliases, names))]
    for shape in (LONG, GRID):
        candidates = [lay for lay in found if lay.shape == shape]
        if candidates:
            return max(candidates, key=lambda lay: (lay.score(), -lay.head))
    return None


# ----------------------------------------------------------------------------- institutions


class _Register:
    """The register's Institutioner by CVR-nummer and by name."""

    def __init__(self, institutions: Iterable[Institution]):
        self.by_name: dict[str, Institution] = {}
        self.by_cvr: dict[str, list[Institution]] = {}
        for inst in institutions:
            if not inst.name or inst.duplicate_of is not None:
                continue
            self.by_name.setdefault(normalise(inst.name), inst)
            cvr = _cvr(inst.cvr)
            if cvr:
                self.by_cvr.setdefault(cvr, []).append(inst)

    def match(self, name: str, cvr: str) -> tuple[list[Institution], str | None]:
        """The register's institutions the list's row means, and a warning when name and CVR disagree.

        A CVR found in the register wins over the name; several institutions of the
        register with that CVR (units of one legal entity) are all meant, unless
        one of them also has the name. Without a CVR match the name decides.
        """
        key = normalise(name)
        number = _cvr(cvr)
        if number in self.by_cvr:
            same = self.by_cvr[number]
            named = [inst for inst in same if normalise(inst.name) == key]
            return (named or same), None
        inst = self.by_name.get(key)
        if inst is None:
            return [], None
        theirs = _cvr(inst.cvr)
        if number and theirs and number != theirs:
            return [inst], (f"CVR-nummeret {number} i partslisten er ikke registrets {theirs} for "
                            f"{_quote(inst.name)}; institutionen er fundet på navnet")
        return [inst], None


def _cvr(value: str) -> str:
    """A valid CVR-nummer in its compact form, else ""."""
    if not value.strip() or cvr_problem(value):
        return ""
    return compact_digits(value)


# ----------------------------------------------------------------------------- rows


@dataclass
class _Reading:
    sheet: str
    register: _Register
    memberships: list[Membership] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seen: set[tuple[str, int | None, str]] = field(default_factory=set)
    missing: dict[str, str] = field(default_factory=dict)  # the list's institutions not in the register
    matched: set[str] = field(default_factory=set)

    def add(self, inst: Institution, row: int, phase: int | None, agreement: str) -> None:
        key = (normalise(inst.name), phase, normalise(agreement))
        self.matched.add(key[0])
        if key not in self.seen:
            self.seen.add(key)
            self.memberships.append(Membership(sheet=self.sheet, row=row, institution=inst.name, phase=phase,
                                               agreement=agreement))

    def who(self, row: list[Any], lay: Layout, row_no: int) -> list[Institution]:
        """The register's institutions the row names; a name not found is counted (not reported per row)."""
        name = _text(_cell(row, lay.institution))
        cvr = _text(_cell(row, lay.cvr)) if lay.cvr is not None else ""
        found, warning = self.register.match(name, cvr)
        if warning:
            self.findings.append(Finding(ADVARSEL, self.sheet, row_no, lay.name(lay.cvr), warning))
        if not found and (name or cvr):
            self.missing.setdefault(normalise(name) or cvr, name or cvr)
        return found


def _cell(row: list[Any], j: int | None) -> Any:
    return row[j] if j is not None and j < len(row) else None


def _long_rows(rows: list[list[Any]], lay: Layout, rd: _Reading, agreements: dict[str, str]) -> None:
    unknown_agreements: dict[str, str] = {}
    for i in range(lay.head + 1, len(rows)):
        row, row_no = rows[i], i + 1
        raw_phase, agreement = _cell(row, lay.phase), _text(_cell(row, lay.agreement))
        if not any(_text(_cell(row, j)) for j in (lay.institution, lay.cvr, lay.phase, lay.agreement)):
            continue
        found = rd.who(row, lay, row_no)
        if not found:
            continue
        if agreement:
            name = agreements.get(normalise(agreement))
            if name is None:
                unknown_agreements.setdefault(normalise(agreement), agreement)
                continue
            for inst in found:
                rd.add(inst, row_no, None, name)
            continue
        if is_blank(raw_phase):
            rd.findings.append(Finding(ADVARSEL, rd.sheet, row_no, lay.name(lay.phase),
                                       "hverken fase eller aftale er udfyldt; rækken springes over"))
            continue
        phase = phase_label(raw_phase)
        if phase is None:
            rd.findings.append(Finding(ADVARSEL, rd.sheet, row_no, lay.name(lay.phase),
                                       f"{_quote(raw_phase)} er ikke et fasenummer (fx 9); rækken springes over"))
            continue
        for inst in found:
            rd.add(inst, row_no, phase, "")
    if unknown_agreements:
        n = len(unknown_agreements)
        rd.findings.append(Finding(INFO, rd.sheet, None, lay.name(lay.agreement),
                                   f"{_count(n, 'aftale', 'aftaler')} i partslisten findes ikke i arket Aftaler og "
                                   f"springes over{_examples(unknown_agreements)}"))


def _grid_rows(rows: list[list[Any]], lay: Layout, rd: _Reading) -> None:
    for i in range(lay.head + 1, len(rows)):
        row, row_no = rows[i], i + 1
        name_cells = (_cell(row, lay.institution), _cell(row, lay.cvr))
        if not any(_text(v) for v in name_cells):
            if any(not is_blank(_cell(row, j)) for j in lay.targets):
                rd.findings.append(Finding(ADVARSEL, rd.sheet, row_no, lay.name(lay.institution),
                                           "rækken har markeringer, men ingen institution; den springes over"))
            continue
        found = rd.who(row, lay, row_no)
        if not found:
            continue
        for j, (phase, agreement) in lay.targets.items():
            value = _cell(row, j)
            mark = read_mark(value)
            if mark is None:
                rd.findings.append(Finding(ADVARSEL, rd.sheet, row_no, lay.name(j),
                                           f"cellen {col_letters(j + 1)}{row_no} ({_quote(value)}) er ikke en "
                                           f"markering ({_MARK_HINT}); den tages ikke med"))
            elif mark:
                for inst in found:
                    rd.add(inst, row_no, phase, agreement)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _examples(names: dict[str, str]) -> str:
    shown_names = [_quote(n) for n in list(names.values())[:3]]
    more = ", ..." if len(names) > 3 else ""
    return f" (fx {', '.join(shown_names)}{more})"


def _column_findings(lay: Layout, sheet: str) -> list[Finding]:
    out = []
    for j in lay.unknown:
        header = lay.name(j)
        if lay.shape == GRID:
            message = (f"kolonnen {_quote(header)} ({col_letters(j + 1)}) er hverken en aftale i Aftaler eller "
                       "en fase og springes over")
        else:
            message = f"kolonnen {_quote(header)} ({col_letters(j + 1)}) er en ukendt kolonne og springes over"
        out.append(Finding(INFO, sheet, lay.head + 1, header, message))
    return out


def memberships_from_rows(rows: list[list[Any]], sheet: str, columns: ColumnMap, institutions: Iterable[Institution],
                          agreements: Iterable[Agreement]) -> tuple[list[Membership], list[Finding]]:
    """The memberships a party list's rows give (long form or grid, found from the header) and the findings.

    ``rows`` keep their absolute positions (index 0 is row 1), as
    :func:`xlkopi.io.sheets.read_sheets` gives them; ``sheet`` names them in
    the findings. Raises :class:`~xlkopi.errors.FieldError` when no header
    row is found among the first 30 rows.
    """
    agreements = list(agreements)
    lay = find_layout(rows, columns, agreements)
    if lay is None:
        raise FieldError(sheet, None, None, "ingen overskriftsrække med en kolonne 'Institution' og kolonner med "
                         "faser eller aftaler (eller 'Fase'/'Aftale') blandt de første 30 rækker")
    rd = _Reading(sheet, _Register(institutions))
    rd.findings.extend(_column_findings(lay, sheet))
    if lay.shape == LONG:
        _long_rows(rows, lay, rd, _agreement_names(agreements))
    else:
        _grid_rows(rows, lay, rd)
    if rd.missing:
        n = len(rd.missing)
        rd.findings.append(Finding(INFO, sheet, None, None, f"{_count(n, 'institution', 'institutioner')} i "
                                   f"partslisten findes ikke i registret og springes over{_examples(rd.missing)}"))
    rd.findings.append(Finding(INFO, sheet, None, None, f"partslisten ({lay.shape}) gav "
                               f"{_count(len(rd.memberships), 'partsforhold', 'partsforhold')} for "
                               f"{_count(len(rd.matched), 'institution', 'institutioner')} i registret"))
    return rd.memberships, rd.findings


# ----------------------------------------------------------------------------- the file


def _book(path: Path) -> dict[str, list[list[Any]]]:
    """The party list's sheets: an Excel workbook through the safety layer, or one CSV file as one sheet."""
    if path.suffix.lower() == ".csv":
        from ..io.csvtext import read_rows

        numbered = read_rows(path, "Partslisten")
        rows: list[list[Any]] = [[] for _ in range(numbered[-1][0] if numbered else 0)]
        for number, values in numbered:
            rows[number - 1] = values
        return {path.stem: rows}
    from ..io.sheets import read_sheets

    try:
        return read_sheets(path, noun="Partslisten", pronoun="den",
                           not_excel="er hverken en Excel-fil (.xlsx) eller en CSV-fil (.csv)")
    except WorkbookError as exc:  # the grid bound names the sheet, not the file
        if path.name in str(exc):
            raise
        raise type(exc)(f"Partslisten '{path.name}': {exc}") from None


def _pick_sheet(book: dict[str, list[list[Any]]], columns: ColumnMap, agreements: list[Agreement],
                path: Path) -> str:
    """The sheet the column map names for Parter when the file has it, else the first that is a party list."""
    wanted = columns.sheets.get("Parter")
    if wanted:
        for name in book:
            if fold(name) == fold(wanted):
                return name
    for name, rows in book.items():
        if find_layout(rows, columns, agreements) is not None:
            return name
    sheets = ", ".join(shown(n) for n in book) or "ingen"
    raise WorkbookError(f"Partslisten '{path.name}' har intet ark med en partsliste (ark: {sheets}): der skal være "
                        "en overskriftsrække med en kolonne 'Institution' (eller 'Kunde', 'Navn') og enten "
                        "kolonnerne 'Fase'/'Aftale' eller en kolonne pr. fase eller aftale (fx '9. fase', "
                        "'Computeraftalen') blandt de første 30 rækker")


def read_party_list(path: str | Path, columns: ColumnMap, institutions: Iterable[Institution],
                    agreements: Iterable[Agreement]) -> tuple[list[Membership], list[Finding]]:
    """Read the agency's party list (.xlsx, or .csv) against a register's Institutioner and Aftaler.

    The sheet is the one the column map names for Parter (``[ark]``) when the
    file has it, else the first sheet that parses as a party list; findings
    name it with the file (``Parter (partsliste.xlsx)``). A file that cannot
    be read, or has no party list, raises :class:`~xlkopi.errors.WorkbookError`
    (or :class:`~xlkopi.errors.InputError`) with a Danish message naming it.
    """
    path = Path(path)
    agreements = list(agreements)
    book = _book(path)
    if not any(any(_text(v) for v in row) for rows in book.values() for row in rows):
        raise WorkbookError(f"Partslisten '{path.name}' er tom")
    sheet = _pick_sheet(book, columns, agreements, path)
    label = path.name if path.suffix.lower() == ".csv" else f"{sheet} ({path.name})"
    return memberships_from_rows(book[sheet], label, columns, institutions, agreements)

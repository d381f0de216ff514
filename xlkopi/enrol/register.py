"""Read an enrolment register: an Excel workbook (python-calamine) or a folder of CSV files.

Sheets and Danish column headers (case, spaces and punctuation ignored;
common variants accepted; a column mapping file maps other names):

========================  =====================================================
Institutioner             Navn, Type, CVR, EAN, Adresse, Kontaktperson, E-mail,
                          Telefon (valgfri), Underskriver, Underskrivers titel
                          (valgfri)
Lokationer (valgfri)      Institution, Enhed, EAN, P-nummer (valgfri),
                          Leveringsadresse, Kontaktperson (valgfri)
Aftaler                   Aftale, Fase, Fasestatus (åben/lukket, valgfri),
                          Kræver tilmelding (ja/nej/tom = reglerne),
                          Skabelon (valgfri), Feltkort (valgfri), Bilag 7
                          (Word, valgfri), Feltkort (Word) (valgfri)
Parter                    Institution, Fase og/eller Aftale; or the agency's
                          grid (institutions down, phases and agreements
                          across, x = part), see :mod:`.partylist`
Tilmeldinger              Institution, Aftale, Dato (valgfri); not needed
                          with ``--all-eligible``
========================  =====================================================

A register that cannot be read at all (not an Excel file, a required sheet
or column missing) raises :class:`~xlkopi.errors.InputError` /
:class:`~xlkopi.errors.WorkbookError`; a bad row only gets findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core.vocabulary import PHASE, PHASE_STATUS, clean_text, fold, is_blank, parse_date, parse_yes_no, read, shown
from ..errors import ArgumentError, FieldError, InputError, WorkbookError
from ..io.csvtext import read_rows
from ..io.settings import as_table, read_settings, table
from .model import FEJL, INFO, Agreement, Finding, Institution, Location, Membership, Register, Request
from .rules import default_requires_enrolment
from .validate import check_register


@dataclass(frozen=True)
class Column:
    attr: str
    headers: tuple[str, ...]  # first one is the canonical Danish header
    required: bool = True


@dataclass(frozen=True)
class SheetSpec:
    name: str
    attr: str
    columns: tuple[Column, ...]
    required: bool = True


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Institutioner", "institutions", (
        Column("name", ("Navn", "Institution", "Institutionsnavn", "Kundenavn")),
        Column("kind", ("Type", "Institutionstype", "Kundetype")),
        Column("cvr", ("CVR", "CVR-nummer", "CVR-nr", "CVR nr")),
        Column("ean", ("EAN", "EAN-nummer", "Hoved-EAN", "EAN-nr", "GLN")),
        Column("address", ("Adresse", "Postadresse")),
        Column("contact", ("Kontaktperson", "Kontakt")),
        Column("email", ("E-mail", "Email", "Mail", "E-mailadresse")),
        Column("phone", ("Telefon", "Tlf", "Telefonnummer"), required=False),
        Column("signatory", ("Underskriver", "Tegningsberettiget")),
        Column("signatory_title", ("Underskrivers titel", "Titel", "Stilling", "Underskrivers stilling"),
               required=False),
    )),
    SheetSpec("Lokationer", "locations", (
        Column("institution", ("Institution", "Navn")),
        Column("unit", ("Enhed", "Enhedsnavn", "Lokation")),
        Column("ean", ("EAN", "EAN-nummer", "EAN-nr", "GLN")),
        Column("p_number", ("P-nummer", "P-nr", "Produktionsenhed"), required=False),
        Column("address", ("Leveringsadresse", "Adresse")),
        Column("contact", ("Kontaktperson", "Kontakt"), required=False),
    ), required=False),
    SheetSpec("Aftaler", "agreements", (
        Column("name", ("Aftale", "Aftalenavn", "Navn")),
        Column("phase", ("Fase",)),
        Column("phase_open", ("Fasestatus", "Fase åben", "Status"), required=False),
        Column("requires", ("Kræver tilmelding", "Tilmelding påkrævet", "Tilmelding"), required=False),
        Column("template", ("Skabelon",), required=False),
        Column("mapping", ("Feltkort",), required=False),
        Column("document", ("Bilag 7", "Bilag 7 (Word)", "Word-skabelon", "Bilag 7-skabelon"), required=False),
        Column("document_mapping", ("Feltkort (Word)", "Word-feltkort", "Feltkort Bilag 7"), required=False),
    )),
    SheetSpec("Parter", "memberships", (
        Column("institution", ("Institution", "Navn", "Kunde")),
        Column("phase", ("Fase",), required=False),
        Column("agreement", ("Aftale",), required=False),
    )),
    SheetSpec("Tilmeldinger", "requests", (
        Column("institution", ("Institution", "Navn")),
        Column("agreement", ("Aftale", "Aftalenavn")),
        Column("date", ("Dato",), required=False),
    )),
)

def _text(value: Any) -> str:
    """A cell value as text: whole floats without ``.0``, dates in ISO form, booleans as ja/nej."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    return clean_text(value)


@dataclass
class ColumnMap:
    """A user's names for sheets and columns: canonical Danish name -> their name."""

    sheets: dict[str, str]
    columns: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: str | Path | None) -> "ColumnMap":
        """Read ``[ark]`` and ``[kolonner.<Ark>]`` from a TOML or JSON file (None: empty map)."""
        if path is None:
            return cls({}, {})
        path = Path(path)
        data = read_settings(path, "Kolonnekortet", InputError)
        known = {s.name for s in SHEETS}
        sheets = {str(k): str(v) for k, v in table(data, "ark", "Kolonnekortet", path.name, InputError).items()}
        columns = {str(k): {str(a): str(b) for a, b in as_table(v, k, "Kolonnekortet", path.name, InputError).items()}
                   for k, v in table(data, "kolonner", "Kolonnekortet", path.name, InputError).items()}
        for name in list(sheets) + list(columns):
            if name not in known:
                raise InputError(f"Kolonnekortet '{path.name}': ukendt ark '{name}'; kendte ark: "
                                 f"{', '.join(sorted(known))}")
        return cls(sheets, columns)


def _excel_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet of an Excel workbook as rows of values (absolute positions kept), through the shared
    safety layer (:func:`xlkopi.io.sheets.read_sheets`)."""
    from ..io.sheets import read_sheets

    return read_sheets(path, noun="Registret", pronoun="det",
                       not_excel="er hverken en Excel-fil (.xlsx) eller en mappe med CSV-filer")


def _csv_sheets(folder: Path) -> dict[str, list[list[Any]]]:
    """A folder of CSV files, one per sheet (``Institutioner.csv`` ...); ; or , separated, UTF-8, cp1252 or cp850."""
    out = {}
    for file in sorted(folder.glob("*.csv")):
        if not file.is_file():
            continue
        numbered = read_rows(file, "Registerfilen")
        rows: list[list[Any]] = [[] for _ in range(numbered[-1][0] if numbered else 0)]
        for number, values in numbered:
            rows[number - 1] = values
        out[file.stem] = rows
    if not out:
        raise WorkbookError(f"Mappen '{folder}' indeholder ingen CSV-filer (fx Institutioner.csv, Aftaler.csv)")
    return out


def _find_sheet(book: dict[str, list[list[Any]]], spec: SheetSpec, cmap: ColumnMap) -> str | None:
    wanted = cmap.sheets.get(spec.name, spec.name)
    for name in book:
        if fold(name) == fold(wanted):
            return name
    return None


def _header(rows: list[list[Any]], spec: SheetSpec, sheet: str, cmap: ColumnMap) -> tuple[int, dict[str, int]]:
    """Index of the header row and attr -> column index; raises on missing required columns."""
    user = cmap.columns.get(spec.name, {})
    aliases = {}
    for col in spec.columns:
        names = (user[col.headers[0]],) if col.headers[0] in user else col.headers
        aliases[col.attr] = [fold(n) for n in names]
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:30]):  # the header is the row matching most columns (titles may precede it)
        keys = [fold(v) for v in row]
        found = {}
        for col in spec.columns:
            for alias in aliases[col.attr]:
                if alias in keys:
                    found[col.attr] = keys.index(alias)
                    break
        if found and (best is None or len(found) > len(best[1])):
            best = (i, found)
    if best is not None:
        i, found = best
        missing = [c for c in spec.columns if c.required and c.attr not in found]
        if missing:
            listed = ", ".join(f"'{user.get(c.headers[0], c.headers[0])}'" for c in missing)
            raise FieldError(sheet, i + 1, None, f"kolonne {listed} mangler i overskriftsrækken")
        return i, found
    raise FieldError(sheet, None, None, "ingen overskriftsrække med de forventede kolonner ("
                     + ", ".join(c.headers[0] for c in spec.columns if c.required) + ") blandt de første 30 rækker")


def _phase(value: Any, rec, label: str) -> int | None:
    """A phase number: ``9``, ``9.`` or ``fase 9`` (the word and the ordinal dot are the domain's)."""
    if is_blank(value):
        return None
    bare = re.sub(r"(?i)^\s*fase\s*|\s*\.?\s*(fase)?\s*$", "", value) if isinstance(value, str) else value
    try:
        return int(read(PHASE, bare, label))
    except ArgumentError:
        rec.findings.append(Finding(FEJL, rec.sheet, rec.row, label,
                                    f"{shown(_text(value))} er ikke et fasenummer (fx 9)"))
        return None


def _yes_no(value: Any, rec, label: str, extra: dict[str, bool] | None = None) -> bool | None:
    try:
        return parse_yes_no(value, label, extra)
    except ArgumentError as err:
        rec.findings.append(Finding(FEJL, rec.sheet, rec.row, label, f"{shown(_text(value))} {err.problem}"))
        return None


def _build(spec: SheetSpec, sheet: str, row_no: int, cells: dict[str, Any]):
    t = {k: _text(v) for k, v in cells.items()}
    if spec.attr == "institutions":
        return Institution(sheet=sheet, row=row_no, name=t.get("name", ""), kind=t.get("kind", ""),
                           cvr=t.get("cvr", ""), ean=t.get("ean", ""), address=t.get("address", ""),
                           contact=t.get("contact", ""), email=t.get("email", ""), phone=t.get("phone", ""),
                           signatory=t.get("signatory", ""), signatory_title=t.get("signatory_title", ""))
    if spec.attr == "locations":
        return Location(sheet=sheet, row=row_no, institution=t.get("institution", ""), unit=t.get("unit", ""),
                        ean=t.get("ean", ""), p_number=t.get("p_number", ""), address=t.get("address", ""),
                        contact=t.get("contact", ""))
    if spec.attr == "agreements":
        agr = Agreement(sheet=sheet, row=row_no, name=t.get("name", ""), template=t.get("template", ""),
                        mapping=t.get("mapping", ""), document=t.get("document", ""),
                        document_mapping=t.get("document_mapping", ""))
        agr.phase = _phase(cells.get("phase"), agr, "Fase")
        agr.phase_open = _yes_no(cells.get("phase_open"), agr, "Fasestatus", PHASE_STATUS)
        given = _yes_no(cells.get("requires"), agr, "Kræver tilmelding")
        agr.requires_enrolment_given = given is not None
        agr.requires_enrolment = given if given is not None else default_requires_enrolment(agr.name, agr.phase)
        return agr
    if spec.attr == "memberships":
        mem = Membership(sheet=sheet, row=row_no, institution=t.get("institution", ""),
                         agreement=t.get("agreement", ""))
        mem.phase = _phase(cells.get("phase"), mem, "Fase")
        return mem
    req = Request(sheet=sheet, row=row_no, institution=t.get("institution", ""), agreement=t.get("agreement", ""))
    raw = cells.get("date")
    if not is_blank(raw):
        try:
            req.date = parse_date(raw, "Dato")
        except ArgumentError as err:
            req.findings.append(Finding(FEJL, sheet, row_no, "Dato", f"{shown(_text(raw))} er ikke en dato: "
                                                                      f"{err.problem}"))
    return req


def _grid_parties(reg: Register, rows: list[list[Any]], sheet: str, cmap: ColumnMap) -> bool:
    """Read a Parter sheet shaped as the agency's grid (its party list pasted in); False for the long form.

    The grid's columns are the register's agreements and phases, and its rows are
    matched to the register's institutions: :data:`SHEETS` lists Institutioner and
    Aftaler before Parter, so both are read by now.
    """
    from .partylist import GRID, find_layout, memberships_from_rows

    layout = find_layout(rows, cmap, reg.agreements)
    if layout is None or layout.shape != GRID:
        return False
    memberships, findings = memberships_from_rows(rows, sheet, cmap, reg.institutions, reg.agreements)
    reg.memberships.extend(memberships)
    reg.findings.extend(findings)
    return True


def read_register(path: str | Path, columns: ColumnMap | None = None, need_requests: bool = True) -> Register:
    """Read and check a register; rows carry findings, unreadable inputs raise.

    ``path`` is an Excel workbook or a folder of CSV files. With
    ``need_requests=False`` (``--all-eligible``) the Tilmeldinger sheet may
    be missing.
    """
    path = Path(path)
    cmap = columns or ColumnMap({}, {})
    if path.is_dir():
        book = _csv_sheets(path)
    elif not path.exists():
        raise WorkbookError(f"Registret '{path}' findes ikke")
    elif path.suffix.lower() == ".csv":
        raise WorkbookError(f"Angiv mappen med CSV-filerne (Institutioner.csv, Aftaler.csv ...), ikke filen "
                            f"'{path.name}' alene")
    else:
        book = _excel_sheets(path)
    reg = Register(source=path.name)
    for spec in SHEETS:
        sheet = _find_sheet(book, spec, cmap)
        required = spec.required and (need_requests or spec.attr != "requests")
        if sheet is None:
            if required:
                wanted = cmap.sheets.get(spec.name, spec.name)
                raise FieldError(wanted, None, None, f"arket mangler i registret '{path.name}' (har: "
                                 + ", ".join(book) + ")")
            continue
        rows = book[sheet]
        if not any(any(_text(v) for v in r) for r in rows):
            if required:
                raise FieldError(sheet, None, None, "arket er tomt")
            continue
        if spec.attr == "memberships" and _grid_parties(reg, rows, sheet, cmap):
            continue
        head, cols = _header(rows, spec, sheet, cmap)
        used = set(cols.values())
        for j, name in enumerate(rows[head]):
            if j not in used and _text(name):
                reg.findings.append(Finding(INFO, sheet, head + 1, _text(name),
                                            "er en ukendt kolonne og springes over"))
        records = getattr(reg, spec.attr)
        for i in range(head + 1, len(rows)):
            row = rows[i]
            cells = {attr: (row[idx] if idx < len(row) else None) for attr, idx in cols.items()}
            if not any(_text(v) for v in cells.values()):
                continue
            records.append(_build(spec, sheet, i + 1, cells))
    check_register(reg)
    return reg

"""Read the institution's register of existing contracts: an Excel workbook (sheet Kontrakter) or a CSV file.

One row per contract, headers in DOMAIN.md's terms (:data:`COLUMNS`), matched by
:func:`~xlkopi.core.vocabulary.split_unit` so that case, spacing, æøå and a unit in the header
(``Løbetid (mdr.)``, ``Rente (%)``) do not matter. Every value is read by the vocabulary: ``180.000``,
``5,1 %``, ``01-01-2006``, ``forud``/``bagud``, ``60 mdr.``. A bad row is reported with sheet, row and
field and skipped; the rest is read. Unknown columns are noted and skipped. The register is never
modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.kinds import LABELS, LEASE_KINDS, parse_kind
from ..core.obligations import Contract
from ..core.positions import check
from ..core.vocabulary import (
    AMOUNT,
    CONTROL_CHARS,
    COUNT,
    MONTHS,
    PRICE,
    RATE,
    TERM,
    TIMING,
    Quantity,
    clean_text,
    is_blank,
    parse_date,
    parse_yes_no,
    read,
    read_periods_per_year,
    shown,
    split_unit,
)
from ..errors import FieldError, InputError, WorkbookError, XlkopiError

SHEET = "Kontrakter"

# (attribute, Danish header as the blank register writes it, how a cell is read, required)
COLUMNS: tuple[tuple[str, str, str, bool], ...] = (
    ("supplier", "Leverandør", "text", True),
    ("number", "Aftalenummer", "text", True),
    ("kind", "Finansieringsform", "kind", True),
    ("price", "Anskaffelsespris", "price", True),
    ("rate", "Rente", "rate", False),
    ("payment", "Ydelse pr. termin", "amount", False),
    ("periods_per_year", "Terminer pr. år", "periods", False),
    ("years", "Løbetid", "term", True),
    ("start", "Startdato", "date", True),
    ("in_advance", "Forud/bagud", "timing", False),
    ("residual", "Restværdi", "amount", False),
    ("service_per_period", "Serviceydelse pr. termin", "amount", False),
    ("secondary_months", "Sekundær periode (måneder)", "months", False),
    ("notice_months", "Opsigelsesvarsel (måneder)", "months", False),
    ("machines", "Maskiner", "count", False),
    ("location", "Placering", "text", False),
    ("notice_given", "Opsagt den", "date", False),
)
HEADERS = {attr: header for attr, header, _, _ in COLUMNS}
_KEYS = {split_unit(header)[0]: attr for attr, header, _, _ in COLUMNS}
_QUANTITY: dict[str, Quantity] = {"price": PRICE, "rate": RATE, "amount": AMOUNT, "term": TERM, "months": MONTHS,
                                  "count": COUNT}


@dataclass
class RegisterRead:
    """The contracts read (with their row numbers), the rows refused and the notes on skipped columns."""

    contracts: list[tuple[int, Contract]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    notes: list[FieldError] = field(default_factory=list)
    source: str = ""


def _header_map(header: list[Any], sheet: str, row: int) -> tuple[dict[int, tuple[str, str | None]],
                                                                  list[FieldError]]:
    """Column index → (attribute, unit in the header); unknown and repeated columns as notes."""
    out: dict[int, tuple[str, str | None]] = {}
    notes = []
    seen: set[str] = set()
    for j, cell in enumerate(header):
        if is_blank(cell):
            continue
        key, unit = split_unit(clean_text(cell))
        attr = _KEYS.get(key)
        if attr is None:
            notes.append(FieldError(sheet, row, clean_text(cell), "ukendt kolonne; den springes over"))
        elif attr in seen:
            notes.append(FieldError(sheet, row, clean_text(cell), "kolonnen står to gange; den første bruges"))
        else:
            seen.add(attr)
            out[j] = (attr, unit)
    missing = [HEADERS[a] for a, _, _, required in COLUMNS if required and a not in seen]
    if missing:
        raise WorkbookError(f"Ark '{sheet}', række {row}: kolonnerne {', '.join(missing)} mangler i overskriften")
    return out, notes


def _value(how: str, raw: Any, header: str, unit: str | None) -> Any:
    if how == "text":
        text = clean_text(raw)
        if CONTROL_CHARS.search(text):
            # A control character cannot stand in a worksheet cell (Excel reports the file as damaged) nor
            # in a calendar line: the row is refused, the rest proceeds.
            raise InputError("indeholder et styretegn (fx et linjeskift eller tegn fra en kopi af en anden fil); "
                             "ret teksten")
        return text
    if how == "kind":
        kind = parse_kind(raw)
        if kind is None:
            raise InputError("skal være en af " + ", ".join(LABELS.values()) + f" (fik {shown(raw)})")
        return kind
    if how == "periods":
        return read_periods_per_year(raw, header)
    if how == "date":
        return parse_date(raw, header)
    if how == "timing":
        flag = parse_yes_no(raw, header, TIMING)
        if flag is None:
            raise InputError(f"skal være forud eller bagud (fik '{clean_text(raw)}')")
        return flag
    value = read(_QUANTITY[how], raw, header, unit=unit)
    return int(value) if how in ("months", "count") else value


def parse_row(cells: dict[str, tuple[Any, str | None]], sheet: str, row: int) -> Contract:
    """One register row as a :class:`Contract`; raises :class:`FieldError` naming the first bad field."""
    values: dict[str, Any] = {}
    for attr, header, how, required in COLUMNS:
        raw, unit = cells.get(attr, (None, None))
        if is_blank(raw):
            if required:
                raise FieldError(sheet, row, header, "skal udfyldes")
            continue
        try:
            values[attr] = _value(how, raw, header, unit)
        except XlkopiError as exc:
            problem = exc.problem if isinstance(exc, FieldError) else str(exc)
            raise FieldError(sheet, row, header, problem) from None
    if values["kind"] not in LEASE_KINDS:
        raise FieldError(sheet, row, HEADERS["kind"], f"{LABELS[values['kind']]} har ingen ydelser at følge "
                                                       "(registret er til aftaler med ydelser)")
    if "rate" not in values and "payment" not in values:
        raise FieldError(sheet, row, "Rente / Ydelse pr. termin", "mindst én af dem skal udfyldes")
    contract = Contract(
        supplier=values["supplier"], number=values["number"], kind=values["kind"], price=values["price"],
        years=Decimal(values["years"]), periods_per_year=values.get("periods_per_year", 4), start=values["start"],
        in_advance=values.get("in_advance", True), rate=values.get("rate"), payment=values.get("payment"),
        residual=values.get("residual", Decimal(0)), service_per_period=values.get("service_per_period", Decimal(0)),
        secondary_months=values.get("secondary_months", 0), notice_months=values.get("notice_months", 0),
        machines=values.get("machines"), location=values.get("location", ""),
        notice_given=values.get("notice_given"))
    try:
        check(contract)   # the terms fit together (a whole number of terms, a rate the payment fits...)
    except XlkopiError as exc:
        problem = exc.problem if hasattr(exc, "problem") else str(exc)
        where = getattr(exc, "argument", None)
        raise FieldError(sheet, row, _field_of(where), problem) from None
    return contract


def _field_of(argument: str | None) -> str | None:
    names = {"years": HEADERS["years"], "periods_per_year": HEADERS["periods_per_year"],
             "residual": HEADERS["residual"], "price": HEADERS["price"], "annual_rate": HEADERS["rate"],
             "start_date": HEADERS["start"]}
    return names.get(argument or "", argument)


def contracts_from_rows(rows: list[tuple[int, list[Any]]], sheet: str, source: str) -> RegisterRead:
    """Rows as (row number, cells): the first non-empty row is the header."""
    out = RegisterRead(source=source)
    body = [(n, cells) for n, cells in rows if not all(is_blank(c) for c in cells)]
    if not body:
        raise WorkbookError(f"Ark '{sheet}' i '{source}' er tomt: ingen overskrift og ingen kontrakter")
    header_row, header = body[0]
    columns, out.notes = _header_map(list(header), sheet, header_row)
    for n, cells in body[1:]:
        row_cells = {attr: (cells[j] if j < len(cells) else None, unit) for j, (attr, unit) in columns.items()}
        try:
            out.contracts.append((n, parse_row(row_cells, sheet, n)))
        except FieldError as exc:
            out.errors.append(exc)
    return out


def read_register(path: str | Path) -> RegisterRead:
    """The register at ``path``: .xlsx/.xlsm (sheet Kontrakter, or the only sheet) or .csv (; or , separated)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        from ..io.csvtext import read_rows

        return contracts_from_rows(read_rows(path, "Registret"), path.name, path.name)
    from ..io.sheets import read_sheets

    sheets = read_sheets(path, noun="Registret", pronoun="det",
                         not_excel="er hverken en Excel-fil (.xlsx) eller en CSV-fil (.csv)")
    name = SHEET if SHEET in sheets else (next(iter(sheets)) if len(sheets) == 1 else None)
    if name is None:
        raise WorkbookError(f"Registret '{path.name}' har intet ark '{SHEET}' (arkene er {', '.join(sheets)})")
    rows = [(i + 1, row) for i, row in enumerate(sheets[name])]
    return contracts_from_rows(rows, name, path.name)



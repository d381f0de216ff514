"""Read an offers workbook (or CSV) into plain dataclasses.

The offers workbook has two sheets:

``Tilbud``
    One row per offer under a header row; the columns are listed in
    :data:`COLUMNS` (Danish headers, matched without regard to case,
    spaces or the unit in parentheses).
``Behov``
    The institution's needs as ``Felt | Værdi`` rows (:data:`NEEDS`).
``Maskiner`` (optional)
    The existing machines with two meter readings each
    (:data:`~xlkopi.compare.needs.MACHINE_COLUMNS`): their annual volumes
    (:mod:`xlkopi.compare.needs`) fill a blank ``Sort/hvid tryk pr. år`` or
    ``Farvetryk pr. år`` of ``Behov``, and are compared with a given one
    (a note). A bad machine row is reported; the others are read.

A row whose ``Leverandør`` (in ``Maskiner``: ``Placering``) starts with the
word ``EKSEMPEL`` in capitals is an example of the blank offers file
(:mod:`xlkopi.compare.template`): it is skipped with a note, never compared.

A CSV file holds the ``Tilbud`` table alone (``;`` or ``,`` separated;
UTF-8, cp1252 or cp850); its needs come from a second CSV of ``Felt;Værdi``
rows. Every value is read by :mod:`xlkopi.core.vocabulary` (``180.000`` is
180000 kr), a unit in a header converts its column (``Løbetid (mdr.)``,
``Rente (%)``, ``Servicepris (øre pr. tryk)``), and a column the reader
does not know is noted once and skipped (so is a column with values but
no header). Every problem is a :class:`~xlkopi.errors.FieldError` naming the
sheet, the row and the field; a bad offer row is reported and the other
rows are still read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast, overload

from ..core import kinds as _kinds
from ..core.vocabulary import (
    AMOUNT,
    CONTROL_CHARS,
    COUNT,
    HORIZON,
    HOURS,
    LEASINGSATS,
    MONTHS,
    PER_PRINT,
    PRICE,
    RATE,
    SHARE,
    SIGNED_SHARE,
    TERM,
    TIMING,
    Quantity,
    clean_text,
    fold,
    format_count,
    format_percent,
    is_blank,
    parse_date,
    parse_yes_no,
    read,
    read_periods_per_year,
    shown,
    split_unit,
)
from ..errors import ArgumentError, FieldError, WorkbookError
from ..io.csvtext import read_rows
from .fields import NEED_FIELDS, OFFER_FIELDS
from .needs import MACHINE_COLUMNS, MACHINE_LABEL, MACHINES_SHEET, SHORT_PERIOD_DAYS, Machine, measured, verdict

OFFERS_SHEET = "Tilbud"
NEEDS_SHEET = "Behov"

# The financing forms are the core's one table (xlkopi.core.kinds); these names are kept for the modules
# and tests that import them from here.
KIND_LABELS = _kinds.LABELS
LEASE_KINDS = _kinds.LEASE_KINDS

COLUMNS: tuple[tuple[str, str], ...] = tuple((f.column, f.header) for f in OFFER_FIELDS)
"""``(attribute, Danish header)`` of each column, in the order of the Tilbud sheet (from :mod:`.fields`)."""
FIELD_LABEL = {attr: label for attr, label in COLUMNS}

NEEDS: tuple[tuple[str, str], ...] = tuple((f.attr, f.header) for f in NEED_FIELDS)
"""``(attribute, Danish label)`` of each need, in the order of the Behov sheet (from :mod:`.fields`)."""
NEED_LABEL = {attr: label for attr, label in NEEDS}

#: The words of the Fornyelse column besides ja/nej (blank: renewed, the default).
RENEWAL = {"forny": True, "fornyes": True, "sammevilkaar": True, "rangeresikke": False, "ikke": False,
           "ingen": False, "ingenfornyelse": False}   # folded (vocabulary.fold): "Rangeres ikke", "samme vilkår"

MAX_HORIZON = 15
MAX_OFFERS = 50
"""Offers one comparison workbook holds. Nothing in the workbook breaks above it (one column per offer on
Forudsætninger, Sammenligning and Tjekliste, one sheet and about 60 defined names per offer, one chart
series per offer); it is where the side-by-side sheets, printed fitted to the page width, and the chart's
legend stop being readable."""
MAX_MACHINES = 500
"""Rows of the ``Maskiner`` sheet read (an institution's machines; more is not an inventory)."""

EXAMPLE_MARK = "EKSEMPEL"
"""The word that marks an example row of the blank offers file (:func:`is_example`)."""
_EXAMPLE = re.compile(rf"^{EXAMPLE_MARK}(?![A-Za-zÆØÅæøå0-9])")


def is_example(value) -> bool:
    """Whether a cell marks its row as an example: its text starts with the word ``EKSEMPEL`` in capitals.

    >>> is_example("EKSEMPEL Nordlys Finans"), is_example("EKSEMPEL: Rådhuset"), is_example("Eksempelby Kopi")
    (True, True, False)
    """
    return isinstance(value, str) and bool(_EXAMPLE.match(clean_text(value)))


@dataclass(frozen=True)
class Needs:
    """The institution's needs: the common basis every offer is compared on."""

    bw: int                   # expected b/w prints a year
    colour: int               # expected colour prints in year 1
    colour_growth: Decimal    # growth of the colour volume a year, 0.10 for 10 %
    horizon: int              # years compared
    discount_rate: Decimal    # annual rate for present values, 0.04 for 4 %
    start: dt.date            # start date of every offer


@dataclass(frozen=True)
class Offer:
    """One offer, validated; amounts in kr as Decimal, rates as fractions."""

    row: int | None                # row in the source sheet (for messages); None: not from a row
    supplier: str
    machine: str
    kind: str                      # a key of KIND_LABELS
    price: Decimal
    rate: Decimal | None = None    # nominal annual rate, 0.051 for 5.1 %
    leasingsats: Decimal | None = None  # periodic payment / price, when the rate is not given
    years: Decimal | None = None
    periods_per_year: int = 4
    in_advance: bool = True
    residual: Decimal = Decimal(0)
    establishment_fee: Decimal = Decimal(0)
    invoice_fee: Decimal = Decimal(0)
    environmental_fee: Decimal = Decimal(0)
    service_bw: Decimal = Decimal(0)
    service_colour: Decimal = Decimal(0)
    service_years: Decimal | None = None
    min_volume: int = 0
    excess_price: Decimal | None = None
    unused_credit: Decimal | None = None
    indexation: Decimal = Decimal(0)
    index_financing: bool = False
    secondary_months: int = 0
    renew: bool = True             # shorter than the horizon: renewed on the same terms (indexed); False: not ranked
    response_hours: int | None = None
    rated_volume: int | None = None
    click_bw: Decimal | None = None      # an all-in offer's click price as quoted (b/w), kr per print
    click_colour: Decimal | None = None  # ... and its colour click price (None: Servicepris farve)
    settlement_months: int = 12          # how often the minimum volume is settled (the guide: yearly)
    sheet: str = OFFERS_SHEET      # source sheet (the CSV file's name for CSV input)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def has_schedule(self) -> bool:
        """A payment schedule: every financing form but a cash purchase, and an all-in offer quoted as click
        prices alone (no rate nor leasingsats: its financing is inside the click price)."""
        return self.kind in LEASE_KINDS and not (self.kind == "allin" and self.rate is None
                                                 and self.leasingsats is None)

    @property
    def n(self) -> int:
        """Number of regular payments (0 for a cash purchase)."""
        # years is set whenever has_schedule: parse_offer requires a term for every kind with a schedule
        return int(cast(Decimal, self.years) * self.periods_per_year) if self.has_schedule else 0

    @property
    def service_term(self) -> Decimal | None:
        """Years the service agreement runs: its own term, else the financing term."""
        if self.service_years is not None:
            return self.service_years
        return self.years


@dataclass
class OfferSet:
    """What was read: the needs, the valid offers and one error per rejected row."""

    needs: Needs
    offers: list[Offer]
    errors: list[FieldError] = field(default_factory=list)
    source: str = ""
    notes: list[FieldError] = field(default_factory=list)  # info: skipped columns and example rows, the needs
    machines: list[Machine] = field(default_factory=list)   # the Maskiner sheet's measured machines
    examples: int = 0                                        # EKSEMPEL rows skipped (Tilbud)


# ----------------------------------------------------------------------------- parsing


QUANTITIES: dict[str, Quantity] = {
    "price": PRICE, "rate": RATE, "leasingsats": LEASINGSATS, "years": TERM, "residual": AMOUNT,
    "establishment_fee": AMOUNT, "invoice_fee": AMOUNT, "environmental_fee": AMOUNT,
    "service_bw": PER_PRINT, "service_colour": PER_PRINT, "service_years": TERM, "min_volume": COUNT,
    "excess_price": PER_PRINT, "unused_credit": PER_PRINT, "indexation": SHARE, "secondary_months": MONTHS,
    "response_hours": HOURS, "rated_volume": COUNT, "click_bw": PER_PRINT, "click_colour": PER_PRINT,
    "settlement_months": MONTHS,
    "bw": COUNT, "colour": COUNT, "colour_growth": SIGNED_SHARE, "horizon": HORIZON, "discount_rate": RATE,
}
"""What each numeric field holds (its plausible range and units), for offers and needs alike."""


def _key(text) -> str:
    """Header/alias key: the vocabulary's fold, without a unit in parentheses."""
    return split_unit(text)[0]


_HEADER_KEYS = {_key(label): attr for attr, label in COLUMNS}
_HEADER_KEYS.update({_key(attr): attr for attr, _ in COLUMNS})
_NEED_KEYS = {_key(label): attr for attr, label in NEEDS}
_NEED_KEYS.update({_key(attr): attr for attr, _ in NEEDS})


@dataclass(frozen=True)
class _Cells:
    """One row's raw values by attribute, with the units its headers name and its percent-formatted cells."""

    values: dict
    units: dict
    percent: frozenset

    def get(self, attr):
        return self.values.get(attr)


def _cells(raw) -> _Cells:
    return raw if isinstance(raw, _Cells) else _Cells(dict(raw), {}, frozenset())


def _read(cells: _Cells, attr: str, where: tuple[str, int | None, str]) -> Decimal | None:
    """A numeric field in its canonical unit (None when blank); a FieldError naming the field otherwise."""
    value = cells.get(attr)
    if is_blank(value):
        return None
    try:
        return read(QUANTITIES[attr], value, where[2], unit=cells.units.get(attr), percent_cell=attr in cells.percent)
    except ArgumentError as err:
        raise FieldError.from_argument(err, *where) from None


@overload
def _amount(d: Decimal) -> Decimal: ...
@overload
def _amount(d: None) -> None: ...
def _amount(d: Decimal | None) -> Decimal | None:
    return None if d is None else d.quantize(Decimal("0.01"))


def _whole(d: Decimal | None) -> int | None:
    return None if d is None else int(d)


def _flag(cells: _Cells, attr: str, where: tuple[str, int | None, str], extra=None) -> bool | None:
    try:
        return parse_yes_no(cells.get(attr), where[2], extra)
    except ArgumentError as err:
        raise FieldError.from_argument(err, *where) from None


def _text(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def parse_offer(raw, row: int | None, sheet: str = OFFERS_SHEET) -> Offer:
    """Validate one offer row (``raw`` maps attribute names to cell values)."""
    cells = _cells(raw)

    def at(attr: str) -> tuple[str, int | None, str]:
        return (sheet, row, FIELD_LABEL[attr])

    @overload
    def num(attr: str) -> Decimal | None: ...
    @overload
    def num(attr: str, default: Decimal) -> Decimal: ...
    def num(attr: str, default: Decimal | None = None) -> Decimal | None:
        d = _read(cells, attr, at(attr))
        return default if d is None else d

    supplier = _text(cells.get("supplier"))
    if not supplier:
        raise FieldError(*at("supplier"), "mangler")
    for attr in ("supplier", "machine"):
        if CONTROL_CHARS.search(_text(cells.get(attr))):
            # A spreadsheet cell cannot hold them (Excel refuses the file), and nobody types them.
            raise FieldError(*at(attr), f"indeholder kontroltegn (fik {shown(cells.get(attr))}); skriv teksten "
                                        "uden linjeskift og usynlige tegn")
    kind_raw = cells.get("kind")
    if is_blank(kind_raw):
        raise FieldError(*at("kind"), "mangler (" + ", ".join(KIND_LABELS.values()) + ")")
    kind = _kinds.parse_kind(kind_raw)
    if kind is None:
        raise FieldError(*at("kind"), f"er ukendt (fik {shown(kind_raw)}); brug en af: "
                         + ", ".join(KIND_LABELS.values()))
    click_bw = num("click_bw")
    quoted = kind == "allin" and click_bw is not None and is_blank(cells.get("rate")) \
        and is_blank(cells.get("leasingsats"))
    if quoted and (is_blank(cells.get("price")) or cells.get("price") in (0, "0")):
        price: Decimal | None = Decimal(0)   # an all-in offer as quoted: the machine's price is inside the click price
    else:
        price = num("price")
    if price is None:
        raise FieldError(*at("price"), "mangler" + (" (eller, for all-in: Klikpris s/h)" if kind == "allin" else ""))
    price = price.quantize(Decimal("0.01"))
    v: dict = {}
    for attr in ("establishment_fee", "invoice_fee", "environmental_fee"):
        v[attr] = _amount(num(attr, Decimal(0)))
    for attr in ("service_bw", "service_colour"):
        v[attr] = num(attr, Decimal(0))
    v["excess_price"] = num("excess_price")
    v["unused_credit"] = num("unused_credit")
    v["indexation"] = num("indexation", Decimal(0))
    v["index_financing"] = bool(_flag(cells, "index_financing", at("index_financing")))
    renew = _flag(cells, "renew", at("renew"), RENEWAL)
    v["renew"] = True if renew is None else renew
    v["min_volume"] = _whole(num("min_volume", Decimal(0)))
    v["secondary_months"] = _whole(num("secondary_months", Decimal(0)))
    v["response_hours"] = _whole(num("response_hours"))
    rated = num("rated_volume")
    if rated is not None and rated == 0:
        raise FieldError(*at("rated_volume"), "skal være større end 0")
    v["rated_volume"] = _whole(rated)
    v["service_years"] = num("service_years")
    v["click_bw"], v["click_colour"] = click_bw, num("click_colour")
    settlement = _whole(num("settlement_months"))
    if settlement is not None and not 1 <= settlement <= 12:
        raise FieldError(*at("settlement_months"), f"skal være mellem 1 og 12 måneder (fik "
                                                   f"{shown(cells.get('settlement_months'))})")
    v["settlement_months"] = 12 if settlement is None else settlement

    if quoted:   # the term and the periods are the contract's; no schedule: the financing is in the click price
        years = num("years")
        if years is None:
            raise FieldError(*at("years"), "mangler")
        if not v["min_volume"]:
            raise FieldError(*at("min_volume"), "mangler: en all-in kontrakt har en minimumsvolumen")
        return Offer(row, supplier, _text(cells.get("machine")), kind, price, None, None, years, sheet=sheet, **v)
    if kind in LEASE_KINDS:
        rate, sats = num("rate"), num("leasingsats")
        if rate is None and sats is None:
            raise FieldError(*at("rate"), "mangler: angiv renten eller leasingsatsen")
        if rate is not None and sats is not None:
            raise FieldError(*at("leasingsats"), "angiv enten renten eller leasingsatsen, ikke begge")
        if sats is not None and not sats < 1:
            raise FieldError(*at("leasingsats"), f"skal ligge mellem 0 og 100 % af kontantprisen "
                                                 f"(fik {shown(cells.get('leasingsats'))})")
        years = num("years")
        if years is None:
            raise FieldError(*at("years"), "mangler")
        ppy_raw = cells.get("periods_per_year")
        try:
            ppy = 4 if is_blank(ppy_raw) else read_periods_per_year(ppy_raw, FIELD_LABEL["periods_per_year"])
        except ArgumentError as err:
            raise FieldError.from_argument(err, *at("periods_per_year")) from None
        if years * ppy != (years * ppy).to_integral_value():
            raise FieldError(*at("years"), f"giver ikke et helt antal terminer med {ppy} terminer pr. år")
        timing = _flag(cells, "timing", at("timing"), TIMING)
        in_advance = kind != "banklaan" if timing is None else timing
        residual = _amount(num("residual", Decimal(0)))
        if residual >= price:
            raise FieldError(*at("residual"), "skal være mindre end kontantprisen")
        if kind == "allin" and not v["min_volume"]:
            raise FieldError(*at("min_volume"), "mangler: en all-in kontrakt har en minimumsvolumen")
        return Offer(row, supplier, _text(cells.get("machine")), kind, price, rate, sats, years, ppy, in_advance,
                     residual, sheet=sheet, **v)
    # Cash purchase: the financing fields do not apply.
    return Offer(row, supplier, _text(cells.get("machine")), kind, price, sheet=sheet, **v)


def parse_needs(raw: Mapping[str, tuple[object, int | None]], sheet: str = NEEDS_SHEET,
                units: dict[str, str | None] | None = None) -> Needs:
    """Validate the needs; ``raw`` maps attributes to ``(value, row)``, ``units`` to the unit their label names."""
    units = units or {}

    def get(attr: str) -> tuple[object, tuple[str, int | None, str]]:
        value, row = raw.get(attr, (None, None))
        where = (sheet, row, NEED_LABEL[attr])
        return value, where

    def num(attr, required=True):
        value, where = get(attr)
        if is_blank(value):
            if required:
                raise FieldError(*where, "mangler")
            return None
        return _read(_Cells({attr: value}, {attr: units.get(attr)}, frozenset()), attr, where)

    out: dict = {"bw": _whole(num("bw")), "colour": _whole(num("colour"))}
    growth = num("colour_growth", required=False)
    out["colour_growth"] = Decimal(0) if growth is None else growth
    horizon = num("horizon")
    value, where = get("horizon")
    if horizon != horizon.to_integral_value():
        raise FieldError(*where, f"skal være et helt antal år (fik {shown(value)})")
    out["horizon"] = int(horizon)
    if out["horizon"] > MAX_HORIZON:
        raise FieldError(*where, f"må højst være {MAX_HORIZON} år (fik {shown(value)})")
    out["discount_rate"] = num("discount_rate")
    value, where = get("start")
    if is_blank(value):
        raise FieldError(*where, "mangler")
    try:
        out["start"] = parse_date(value, NEED_LABEL["start"])
    except ArgumentError as err:
        raise FieldError.from_argument(err, *where) from None
    return Needs(**out)


def _offers_from_rows(rows: list[tuple[int, list]], sheet: str, source: str, needs: Needs,
                      percent_cells: frozenset = frozenset()) -> OfferSet:
    """Map the header row, then parse each data row (collecting errors).

    Unknown columns are noted once each and ignored, and so is a column with values under a blank
    header; an EKSEMPEL row (:func:`is_example`) is noted and skipped.
    """
    if not rows:
        raise FieldError(sheet, None, None, "er tomt; der skal være en overskriftsrække og mindst ét tilbud")
    header_row, header = rows[0]
    columns: dict[int, str] = {}
    units: dict[str, str | None] = {}
    notes: list[FieldError] = []
    unknown: set[str] = set()
    for j, name in enumerate(header):
        if is_blank(name):
            continue
        key, unit = split_unit(name)
        attr = _HEADER_KEYS.get(key)
        if attr is None:
            if fold(name) not in unknown:   # one note per column name, however often it repeats
                unknown.add(fold(name))
                notes.append(FieldError(sheet, header_row, _text(name), "er en ukendt kolonne og springes over"))
            continue
        if attr in columns.values():
            raise FieldError(sheet, header_row, _text(name), "forekommer to gange")
        columns[j] = attr
        units[attr] = _header_unit(unit, attr, (sheet, header_row, _text(name)))
    for attr in ("supplier", "kind", "price"):
        if attr not in columns.values():
            raise FieldError(sheet, header_row, FIELD_LABEL[attr], "kolonnen mangler")
    offers, errors = [], []
    examples: list[int] = []
    unnamed: set[int] = set()
    for row, values in rows[1:]:
        unnamed.update(j for j, v in enumerate(values)
                       if (j >= len(header) or is_blank(header[j])) and not is_blank(v))
        raw = {attr: (values[j] if j < len(values) else None) for j, attr in columns.items()}
        if all(is_blank(v) for v in raw.values()):
            continue
        if is_example(raw["supplier"]):
            examples.append(row)
            continue
        pct = frozenset(attr for j, attr in columns.items() if (row, j) in percent_cells)
        try:
            offers.append(parse_offer(_Cells(raw, units, pct), row, sheet))
        except FieldError as exc:
            errors.append(exc)
    notes.extend(_unnamed_note(sheet, header_row, j) for j in sorted(unnamed))
    if examples:
        notes.append(_example_note(sheet, examples, FIELD_LABEL["supplier"],
                                   f"slet ordet {EXAMPLE_MARK} for at sammenligne et af dem"))
    if len(offers) > MAX_OFFERS:
        raise FieldError(sheet, None, None,
                         f"har {len(offers)} tilbud; højst {MAX_OFFERS} kan sammenlignes i én projektmappe "
                         "(flere gør arkene Sammenligning og Tjekliste og grafen ulæselige); del tilbuddene i "
                         "flere filer, fx én pr. finansieringsform, eller fjern dem, der ikke er med i "
                         "det endelige valg")
    return OfferSet(needs, offers, errors, source, notes, examples=len(examples))


def _example_note(sheet: str, rows: list[int], label: str, hint: str) -> FieldError:
    """One note for a sheet's example rows: ``rækkerne 2, 3 og 4 er markeret EKSEMPEL ...``."""
    where = (f"række {rows[0]} er" if len(rows) == 1 else
             "rækkerne " + ", ".join(map(str, rows[:-1])) + f" og {rows[-1]} er")
    return FieldError(sheet, None, label, f"{where} markeret {EXAMPLE_MARK}: eksempler, der springes over ({hint})")


def _letter(j: int) -> str:
    """The spreadsheet letter of 0-based column ``j``: 0 is A, 26 is AA.

    >>> _letter(0), _letter(25), _letter(26), _letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _unnamed_note(sheet: str, header_row: int, j: int) -> FieldError:
    return FieldError(sheet, header_row, f"kolonne {_letter(j)}",
                      "har værdier, men ingen overskrift, og springes over; giv kolonnen en af de kendte "
                      "overskrifter, hvis den skal læses")


def _header_unit(unit: str | None, attr: str, where: tuple[str, int | None, str]) -> str | None:
    """The unit a header names for its field; "(år)" beside a rate or a count means "a year" and converts nothing."""
    q = QUANTITIES.get(attr)
    if unit is None or q is None or unit in q.units:
        return unit
    if unit == "år":
        return None
    raise FieldError(*where, f"angiver enheden '{unit}', der ikke passer til feltet '{FIELD_LABEL.get(attr, attr)}'")


def _needs_from_rows(rows: list[tuple[int, list]], sheet: str, machines: list[Machine] | None = None,
                     notes: list[FieldError] | None = None) -> Needs:
    """The needs of a ``Felt | Værdi`` table.

    With ``machines`` (the ``Maskiner`` sheet was there; possibly no row of it valid), a blank
    ``Sort/hvid tryk pr. år`` or ``Farvetryk pr. år`` is the sum of the machines' measured volumes and a
    given one is compared with it; either way a note is appended to ``notes``.
    """
    raw: dict[str, tuple[object, int | None]] = {}
    units: dict[str, str | None] = {}
    for row, values in rows:
        if not values or is_blank(values[0]):
            continue
        key, unit = split_unit(values[0])
        attr = _NEED_KEYS.get(key)
        if attr is None:
            if key in ("felt", "behov"):
                continue  # the header row
            raise FieldError(sheet, row, _text(values[0]), "er et ukendt felt; kendte felter: "
                             + ", ".join(label for _, label in NEEDS))
        raw[attr] = (values[1] if len(values) > 1 else None, row)
        units[attr] = _header_unit(unit, attr, (sheet, row, _text(values[0])))
    if machines is None:
        return parse_needs(raw, sheet, units)
    totals = dict(zip(("bw", "colour"), measured(machines), strict=True))
    filled = []
    for attr in ("bw", "colour"):
        value, at_row = raw.get(attr, (None, None))
        if not is_blank(value):
            continue
        if not machines:
            raise FieldError(sheet, at_row, NEED_LABEL[attr], f"mangler, og arket '{MACHINES_SHEET}' har ingen "
                                                              "gyldige målinger at sætte det til")
        raw[attr] = (totals[attr], at_row)
        units[attr] = None
        filled.append(attr)
    needs = parse_needs(raw, sheet, units)
    if not machines:
        return needs
    out = notes if notes is not None else []
    n = len(machines)
    where = f"{'den målte maskine' if n == 1 else f'de {n} målte maskiner'} i arket '{MACHINES_SHEET}'"
    for attr in ("bw", "colour"):
        at_row = raw[attr][1]
        total = totals[attr]
        if attr in filled:
            out.append(FieldError(sheet, at_row, NEED_LABEL[attr], f"er tom; behovet er sat til summen af {where}: "
                                                                f"{format_count(total)} tryk pr. år"))
            continue
        need = getattr(needs, attr)
        if not total:
            how = "giver 0 (ingen måling)"
        else:
            text = verdict(need, total)
            size = ("det samme" if need == total else
                    f"{format_percent(Decimal(abs(need - total)) / total, 0)} {'højere' if need > total else 'lavere'}")
            how = f"giver {format_count(total)}, så behovet er {size}: {text[0].lower() + text[1:]}"
        out.append(FieldError(sheet, at_row, NEED_LABEL[attr], f"er {format_count(need)} tryk pr. år; {where} {how}"))
    return needs


# ----------------------------------------------------------------------------- the Maskiner sheet


def _machine_keys() -> dict[str, str]:
    """Header keys of the Maskiner sheet: the whole header folded (its "(dato 1)" tells the readings apart),
    with "Tællerstand" for "Målerstand", and the header without parentheses where that names one column."""
    keys: dict[str, set[str]] = {}
    for attr, label in MACHINE_COLUMNS:
        for text in (label, label.replace("Målerstand", "Tællerstand"), attr):
            keys.setdefault(fold(text), set()).add(attr)
        keys.setdefault(split_unit(label)[0], set()).add(attr)
    return {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}


_MACHINE_KEYS = _machine_keys()


def _machine_attr(header) -> str | None:
    return _MACHINE_KEYS.get(fold(header)) or _MACHINE_KEYS.get(split_unit(header)[0])


def parse_machine(raw: Mapping[str, object], row: int | None, sheet: str = MACHINES_SHEET) -> Machine:
    """Validate one row of the Maskiner sheet (``raw`` maps :data:`~.needs.MACHINE_COLUMNS` attributes to cells).

    Both b/w readings and both dates are required, the colour readings both or neither; the second
    reading may not be below the first (a meter that was reset or a replaced machine: two rows), the
    second date must come after the first. Every value is read by the vocabulary.
    """
    def at(attr: str) -> tuple[str, int | None, str]:
        return (sheet, row, MACHINE_LABEL[attr])

    def count(attr: str) -> int | None:
        value = raw.get(attr)
        if is_blank(value):
            return None
        try:
            return int(read(COUNT, value, MACHINE_LABEL[attr]))
        except ArgumentError as err:
            raise FieldError.from_argument(err, *at(attr)) from None

    def date(attr: str) -> dt.date:
        value = raw.get(attr)
        if is_blank(value):
            raise FieldError(*at(attr), "mangler")
        try:
            return parse_date(value, MACHINE_LABEL[attr])
        except ArgumentError as err:
            raise FieldError.from_argument(err, *at(attr)) from None

    texts = {}
    for attr in ("location", "model"):
        texts[attr] = _text(raw.get(attr))
        if CONTROL_CHARS.search(texts[attr]):
            raise FieldError(*at(attr), f"indeholder kontroltegn (fik {shown(raw.get(attr))}); skriv teksten "
                                        "uden linjeskift og usynlige tegn")
    readings = {attr: count(attr) for attr in ("bw_first", "bw_second", "colour_first", "colour_second")}
    for attr in ("bw_first", "bw_second"):
        if readings[attr] is None:
            raise FieldError(*at(attr), "mangler")
    for attr, other in (("colour_first", "colour_second"), ("colour_second", "colour_first")):
        if readings[attr] is None and readings[other] is not None:
            raise FieldError(*at(attr), f"mangler, når '{MACHINE_LABEL[other]}' er udfyldt (en maskine uden "
                                        "farvetæller har begge felter tomme)")
    first, second = date("first"), date("second")
    if second <= first:
        raise FieldError(*at("second"), f"skal ligge efter '{MACHINE_LABEL['first']}' (fik {shown(second)}, "
                                        f"dato 1 er {shown(first)})")
    for a, b in (("bw_first", "bw_second"), ("colour_first", "colour_second")):
        lo, hi = readings[a], readings[b]
        if lo is not None and hi is not None and hi < lo:
            raise FieldError(*at(b), f"er mindre end '{MACHINE_LABEL[a]}' (fik {format_count(hi)} mod "
                                     f"{format_count(lo)}); er tælleren nulstillet eller maskinen skiftet, så "
                                     "skriv to rækker med aflæsninger fra samme tæller")
    rated = count("rated_volume")
    if rated == 0:
        raise FieldError(*at("rated_volume"), "skal være større end 0 (tom: ikke oplyst)")
    return Machine(row, texts["location"], texts["model"], cast(int, readings["bw_first"]), readings["colour_first"],
                   first, cast(int, readings["bw_second"]), readings["colour_second"], second, rated, sheet)


def _machines_from_rows(rows: list[tuple[int, list]], sheet: str
                        ) -> tuple[list[Machine], list[FieldError], list[FieldError]]:
    """The Maskiner sheet's machines, its rejected rows and its notes (unknown columns, examples, the 50 % rule)."""
    machines: list[Machine] = []
    errors: list[FieldError] = []
    notes: list[FieldError] = []
    if not rows:
        return machines, errors, notes
    header_row, header = rows[0]
    columns: dict[int, str] = {}
    for j, name in enumerate(header):
        if is_blank(name):
            continue
        attr = _machine_attr(name)
        if attr is None:
            notes.append(FieldError(sheet, header_row, _text(name), "er en ukendt kolonne og springes over"))
        elif attr in columns.values():
            errors.append(FieldError(sheet, header_row, _text(name), "forekommer to gange; arket springes over"))
            return [], errors, notes
        else:
            columns[j] = attr
    examples: list[int] = []
    missing = [MACHINE_LABEL[a] for a in ("bw_first", "first", "bw_second", "second") if a not in columns.values()]
    if missing:
        errors.append(FieldError(sheet, header_row, missing[0], "kolonnen mangler; arket springes over (kolonnerne: "
                                 + ", ".join(label for _, label in MACHINE_COLUMNS) + ")"))
        return [], errors, notes
    for row, values in rows[1:]:
        raw = {attr: (values[j] if j < len(values) else None) for j, attr in columns.items()}
        if all(is_blank(v) for v in raw.values()):
            continue
        if is_example(raw.get("location")):
            examples.append(row)
            continue
        try:
            m = parse_machine(raw, row, sheet)
        except FieldError as exc:
            errors.append(exc)
            continue
        machines.append(m)
        if m.days < SHORT_PERIOD_DAYS:
            notes.append(FieldError(sheet, row, MACHINE_LABEL["second"],
                                    f"kun {m.days} dage efter dato 1; årsvolumen er usikker (ferier og "
                                    "sæsoner): aflæs tællerne med et års mellemrum, hvis det er muligt"))
        u = m.utilisation
        if u is not None and m.assessment != "OK":
            notes.append(FieldError(sheet, row, MACHINE_LABEL["rated_volume"],
                                    f"maskinen kører på {format_percent(Decimal(u.numerator) / u.denominator, 0)} af "
                                    "kapaciteten (vejledningen: ikke under 50 % af den angivne volumen)"))
    if examples:
        notes.append(_example_note(sheet, examples, MACHINE_LABEL["location"],
                                   f"slet ordet {EXAMPLE_MARK} for at medregne en af dem"))
    if len(machines) > MAX_MACHINES:
        raise FieldError(sheet, None, None, f"har {len(machines)} maskiner; højst {MAX_MACHINES} kan læses")
    return machines, errors, notes


def _sheet_rows(ws) -> tuple[list[tuple[int, list]], frozenset]:
    """A sheet's non-empty rows, and the (row, column index) of its percent-formatted number cells."""
    try:
        return _rows_of(ws)
    except Exception as exc:  # openpyxl parses lazily: a malformed sheet fails here, in many kinds
        raise WorkbookError(f"Arket '{ws.title}' kan ikke læses (beskadiget regneark: "
                            f"{type(exc).__name__})") from None


def _rows_of(ws) -> tuple[list[tuple[int, list]], frozenset]:
    rows = []
    percent = set()
    for i, cells in enumerate(ws.iter_rows(), start=1):
        values = [getattr(c, "value", None) for c in cells]
        for j, c in enumerate(cells):
            if isinstance(values[j], (int, float)) and "%" in (getattr(c, "number_format", None) or ""):
                percent.add((i, j))
        while values and is_blank(values[-1]):
            values.pop()
        if values:
            rows.append((i, values))
    return rows, frozenset(percent)


def read_workbook(path: str | Path) -> OfferSet:
    """Read an offers workbook (sheets ``Tilbud`` and ``Behov``, and ``Maskiner`` when it is there).

    The file is read once and checked by the safety layer every workbook
    reader shares (:func:`xlkopi.io.package.check_workbook`: size, zip
    limits, DTDs, unique part names, every sheet's grid bound) before
    openpyxl parses those same bytes. Each sheet's ``<dimension>`` is
    ignored (``reset_dimensions``): openpyxl would otherwise pad every row
    to whatever width the file claims.
    """
    from openpyxl import load_workbook

    from ..io.package import check_workbook

    path = Path(path)
    checked = check_workbook(path, noun="Tilbudsfilen")
    try:
        wb = load_workbook(checked.filelike(), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise WorkbookError(f"'{path.name}' kan ikke læses som en Excel-projektmappe (.xlsx): "
                            f"{str(exc)[:300]}") from None
    try:
        names = {_key(n): n for n in wb.sheetnames}
        for wanted in (OFFERS_SHEET, NEEDS_SHEET):
            if _key(wanted) not in names:
                raise FieldError(wanted, None, None,
                                 f"mangler i '{path.name}' (arkene hedder: {', '.join(wb.sheetnames)})")
        needs_ws, offers_ws = wb[names[_key(NEEDS_SHEET)]], wb[names[_key(OFFERS_SHEET)]]
        machines_ws = wb[names[_key(MACHINES_SHEET)]] if _key(MACHINES_SHEET) in names else None
        for ws in (needs_ws, offers_ws, machines_ws):
            if ws is not None and hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
        machines: list[Machine] | None = None
        machine_errors: list[FieldError] = []
        notes: list[FieldError] = []
        if machines_ws is not None:
            machines, machine_errors, notes = _machines_from_rows(_sheet_rows(machines_ws)[0], MACHINES_SHEET)
        needs_rows, _ = _sheet_rows(needs_ws)
        needs = _needs_from_rows(needs_rows, NEEDS_SHEET, machines, notes)
        offer_rows, percent = _sheet_rows(offers_ws)
        got = _offers_from_rows(offer_rows, OFFERS_SHEET, str(path), needs, percent)
        got.errors[:0] = machine_errors
        got.notes[:0] = notes
        got.machines = machines or []
        return got
    finally:
        wb.close()


def read_csv(path: str | Path, needs_path: str | Path) -> OfferSet:
    """Read the ``Tilbud`` table from a CSV file and the needs from ``needs_path``."""
    path, needs_path = Path(path), Path(needs_path)
    needs = _needs_from_rows(read_rows(needs_path, "Behovsfilen"), needs_path.name)
    return _offers_from_rows(read_rows(path, "Tilbudsfilen"), path.name, str(path), needs)


def read_offers(path: str | Path, needs_path: str | Path | None = None) -> OfferSet:
    """Read offers from ``.xlsx`` (with its ``Behov`` sheet) or ``.csv`` (needs from ``needs_path``)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        if needs_path is None:
            raise ArgumentError("--behov", "skal angives, når tilbuddene er en CSV-fil (en CSV med Felt;Værdi-rækker)")
        return read_csv(path, needs_path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ArgumentError("OFFERS", "skal være en .xlsx- eller .csv-fil", str(path))
    return read_workbook(path)

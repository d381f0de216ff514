"""Read an offers workbook (or CSV) into plain dataclasses.

The offers workbook has two sheets:

``Tilbud``
    One row per offer under a header row; the columns are listed in
    :data:`COLUMNS` (Danish headers, matched without regard to case,
    spaces or the unit in parentheses).
``Behov``
    The institution's needs as ``Felt | Værdi`` rows (:data:`NEEDS`).

A CSV file holds the ``Tilbud`` table alone (``;`` or ``,`` separated,
decimal comma accepted); its needs come from a second CSV of ``Felt;Værdi``
rows. Every problem is a :class:`~xlkopi.errors.FieldError` naming the
sheet, the row and the field; a bad offer row is reported and the other
rows are still read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..dates import to_date
from ..errors import ArgumentError, FieldError, WorkbookError

OFFERS_SHEET = "Tilbud"
NEEDS_SHEET = "Behov"

KIND_LABELS = {
    "kontant": "Kontant køb",
    "banklaan": "Banklån",
    "operationel": "Operationel leasing",
    "finansiel": "Finansiel leasing",
    "leje": "Lejeaftale",
    "allin": "All-in",
}
"""The financing forms (codes of :data:`xlkopi.core.redflags.KINDS`) and their Danish labels."""

LEASE_KINDS = ("banklaan", "operationel", "finansiel", "leje", "allin")
"""Kinds financed by an annuity schedule (a bank loan is one too)."""

_KIND_ALIASES = {
    "kontant": "kontant", "kontantkob": "kontant", "kob": "kontant",
    "banklan": "banklaan", "lan": "banklaan", "eksterntfinansieretkob": "banklaan",
    "operationel": "operationel", "operationelleasing": "operationel",
    "finansiel": "finansiel", "finansielleasing": "finansiel",
    "leje": "leje", "lejeaftale": "leje", "lejekontrakt": "leje",
    "allin": "allin", "allinkontrakt": "allin",
}

# (attribute, Danish header) in the order of the Tilbud sheet.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("supplier", "Leverandør"),
    ("machine", "Maskine"),
    ("kind", "Finansieringsform"),
    ("price", "Kontantpris (kr)"),
    ("rate", "Rente (år)"),
    ("leasingsats", "Leasingsats"),
    ("years", "Løbetid (år)"),
    ("periods_per_year", "Terminer pr. år"),
    ("timing", "Forud/bagud"),
    ("residual", "Restværdi (kr)"),
    ("establishment_fee", "Etableringsgebyr (kr)"),
    ("invoice_fee", "Fakturagebyr pr. termin (kr)"),
    ("environmental_fee", "Miljøgebyr pr. år (kr)"),
    ("service_bw", "Servicepris s/h (kr pr. tryk)"),
    ("service_colour", "Servicepris farve (kr pr. tryk)"),
    ("service_years", "Serviceaftalens løbetid (år)"),
    ("min_volume", "Minimumsvolumen (s/h tryk pr. år)"),
    ("excess_price", "Pris overskydende tryk (kr)"),
    ("unused_credit", "Kreditering pr. ubrugt tryk (kr)"),
    ("indexation", "Indeksregulering pr. år"),
    ("index_financing", "Indeksregulering af finansiering"),
    ("secondary_months", "Sekundær periode (måneder)"),
    ("response_hours", "Responstid (timer)"),
    ("rated_volume", "Kapacitet (tryk pr. år)"),
)
FIELD_LABEL = {attr: label for attr, label in COLUMNS}

NEEDS: tuple[tuple[str, str], ...] = (
    ("bw", "Sort/hvid tryk pr. år"),
    ("colour", "Farvetryk pr. år"),
    ("colour_growth", "Farvevækst pr. år"),
    ("horizon", "Horisont (år)"),
    ("discount_rate", "Diskonteringsrente"),
    ("start", "Startdato"),
)
NEED_LABEL = {attr: label for attr, label in NEEDS}

MAX_HORIZON = 15
MAX_OFFERS = 20


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
    response_hours: int | None = None
    rated_volume: int | None = None
    sheet: str = OFFERS_SHEET      # source sheet (the CSV file's name for CSV input)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def has_schedule(self) -> bool:
        return self.kind in LEASE_KINDS

    @property
    def n(self) -> int:
        """Number of regular payments (0 for a cash purchase)."""
        return int(self.years * self.periods_per_year) if self.has_schedule else 0

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


# ----------------------------------------------------------------------------- parsing

def _key(text) -> str:
    """Header/alias key: lower case, no unit in parentheses, ASCII letters only."""
    s = str(text).strip().lower()
    s = re.sub(r"\(.*?\)", "", s)
    s = s.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]", "", s)


def _kind_key(text: str) -> str:
    s = str(text).strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z]", "", s)


_HEADER_KEYS = {_key(label): attr for attr, label in COLUMNS}
_HEADER_KEYS.update({_key(attr): attr for attr, _ in COLUMNS})
_NEED_KEYS = {_key(label): attr for attr, label in NEEDS}
_NEED_KEYS.update({_key(attr): attr for attr, _ in NEEDS})


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value, where: tuple, *, percent: bool = False) -> Decimal:
    """A Decimal from a cell: numbers, or text with decimal comma / thousands dots / %."""
    sheet, row, name = where
    if isinstance(value, bool):
        raise FieldError(sheet, row, name, f"skal være et tal (fik {value!r})")
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        text = re.sub(r"(?i)(kr\.?|dkk)$", "", text)
        scale = 1
        if text.endswith("%"):
            text, scale = text[:-1], 100
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            d = Decimal(text) / scale
        except InvalidOperation:
            raise FieldError(sheet, row, name, f"skal være et tal (fik {value!r})") from None
    else:
        raise FieldError(sheet, row, name, f"skal være et tal (fik {value!r})")
    if not d.is_finite() or abs(d) > Decimal("1e12"):
        raise FieldError(sheet, row, name, f"skal være et endeligt tal (fik {value!r})")
    return d


def _nonneg(value, where, *, default=None, percent=False):
    if _blank(value):
        return default
    d = _number(value, where, percent=percent)
    if d < 0:
        raise FieldError(*where, f"må ikke være negativ (fik {value!r})")
    return d


def _required_positive(value, where) -> Decimal:
    if _blank(value):
        raise FieldError(*where, "mangler")
    d = _number(value, where)
    if d <= 0:
        raise FieldError(*where, f"skal være større end 0 (fik {value!r})")
    return d


def _whole(d: Decimal | None, where, value) -> int | None:
    if d is None:
        return None
    if d != d.to_integral_value():
        raise FieldError(*where, f"skal være et helt tal (fik {value!r})")
    return int(d)


def _amount(d: Decimal | None) -> Decimal | None:
    return None if d is None else d.quantize(Decimal("0.01"))


def _yes_no(value, where) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    s = _key(value)
    if s in ("ja", "j", "yes", "sand", "true", "x"):
        return True
    if s in ("nej", "n", "no", "falsk", "false"):
        return False
    raise FieldError(*where, f"skal være ja eller nej (fik {value!r})")


def _text(value) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()


def parse_offer(raw: dict, row: int, sheet: str = OFFERS_SHEET) -> Offer:
    """Validate one offer row (``raw`` maps attribute names to cell values)."""

    def at(attr):
        return (sheet, row, FIELD_LABEL[attr])

    supplier = _text(raw.get("supplier"))
    if not supplier:
        raise FieldError(*at("supplier"), "mangler")
    kind_raw = raw.get("kind")
    if _blank(kind_raw):
        raise FieldError(*at("kind"), "mangler (" + ", ".join(KIND_LABELS.values()) + ")")
    kind = _KIND_ALIASES.get(_kind_key(kind_raw))
    if kind is None:
        raise FieldError(*at("kind"), f"er ukendt (fik {kind_raw!r}); brug en af: " + ", ".join(KIND_LABELS.values()))
    price = _required_positive(raw.get("price"), at("price")).quantize(Decimal("0.01"))
    v = {}
    for attr in ("establishment_fee", "invoice_fee", "environmental_fee"):
        v[attr] = _amount(_nonneg(raw.get(attr), at(attr), default=Decimal(0)))
    for attr in ("service_bw", "service_colour"):
        v[attr] = _nonneg(raw.get(attr), at(attr), default=Decimal(0))
    v["excess_price"] = _nonneg(raw.get("excess_price"), at("excess_price"))
    v["unused_credit"] = _nonneg(raw.get("unused_credit"), at("unused_credit"))
    v["indexation"] = _nonneg(raw.get("indexation"), at("indexation"), default=Decimal(0))
    if v["indexation"] > 1:
        raise FieldError(*at("indexation"), f"skal angives som decimaltal eller procent, fx 0,02 eller 2 % "
                                            f"(fik {raw.get('indexation')!r})")
    v["index_financing"] = _yes_no(raw.get("index_financing"), at("index_financing"))
    v["min_volume"] = _whole(_nonneg(raw.get("min_volume"), at("min_volume"), default=Decimal(0)),
                             at("min_volume"), raw.get("min_volume"))
    v["secondary_months"] = _whole(_nonneg(raw.get("secondary_months"), at("secondary_months"), default=Decimal(0)),
                                   at("secondary_months"), raw.get("secondary_months"))
    v["response_hours"] = _whole(_nonneg(raw.get("response_hours"), at("response_hours")),
                                 at("response_hours"), raw.get("response_hours"))
    rated = _nonneg(raw.get("rated_volume"), at("rated_volume"))
    if rated is not None and rated == 0:
        raise FieldError(*at("rated_volume"), "skal være større end 0")
    v["rated_volume"] = _whole(rated, at("rated_volume"), raw.get("rated_volume"))
    sy = raw.get("service_years")
    v["service_years"] = None if _blank(sy) else _required_positive(sy, at("service_years"))

    if kind in LEASE_KINDS:
        rate_raw, sats_raw = raw.get("rate"), raw.get("leasingsats")
        rate = None if _blank(rate_raw) else _number(rate_raw, at("rate"))
        sats = None if _blank(sats_raw) else _number(sats_raw, at("leasingsats"))
        if rate is None and sats is None:
            raise FieldError(*at("rate"), "mangler: angiv renten eller leasingsatsen")
        if rate is not None and sats is not None:
            raise FieldError(*at("leasingsats"), "angiv enten renten eller leasingsatsen, ikke begge")
        if rate is not None and not (-1 < rate <= 1):
            raise FieldError(*at("rate"), f"skal være en årlig rente som decimaltal eller procent, fx 0,051 eller "
                                          f"5,1 % (fik {rate_raw!r})")
        if sats is not None and not (0 < sats < 1):
            raise FieldError(*at("leasingsats"), f"skal ligge mellem 0 og 100 % af kontantprisen (fik {sats_raw!r})")
        years = _required_positive(raw.get("years"), at("years"))
        if years > 30:
            raise FieldError(*at("years"), f"er urealistisk lang (fik {raw.get('years')!r})")
        ppy_raw = raw.get("periods_per_year")
        ppy = 4 if _blank(ppy_raw) else _whole(_number(ppy_raw, at("periods_per_year")), at("periods_per_year"), ppy_raw)
        if ppy not in (1, 2, 4, 12):
            raise FieldError(*at("periods_per_year"), f"skal være 1, 2, 4 eller 12 (fik {ppy_raw!r})")
        if years * ppy != (years * ppy).to_integral_value():
            raise FieldError(*at("years"), f"giver ikke et helt antal terminer med {ppy} terminer pr. år")
        timing = raw.get("timing")
        if _blank(timing):
            in_advance = kind != "banklaan"
        else:
            t = _key(timing)
            if t in ("forud", "1", "advance"):
                in_advance = True
            elif t in ("bagud", "0", "arrears"):
                in_advance = False
            else:
                raise FieldError(*at("timing"), f"skal være forud eller bagud (fik {timing!r})")
        residual = _amount(_nonneg(raw.get("residual"), at("residual"), default=Decimal(0)))
        if residual >= price:
            raise FieldError(*at("residual"), "skal være mindre end kontantprisen")
        if kind == "allin" and not v["min_volume"]:
            raise FieldError(*at("min_volume"), "mangler: en all-in kontrakt har en minimumsvolumen")
        return Offer(row, supplier, _text(raw.get("machine")), kind, price, rate, sats, years, ppy, in_advance,
                     residual, sheet=sheet, **v)
    # Cash purchase: the financing fields do not apply.
    return Offer(row, supplier, _text(raw.get("machine")), kind, price, sheet=sheet, **v)


def parse_needs(raw: dict[str, tuple[object, int]], sheet: str = NEEDS_SHEET) -> Needs:
    """Validate the needs; ``raw`` maps attributes to ``(value, row)``."""

    def get(attr):
        value, row = raw.get(attr, (None, None))
        return value, (sheet, row, NEED_LABEL[attr])

    out = {}
    for attr in ("bw", "colour"):
        value, where = get(attr)
        if _blank(value):
            raise FieldError(*where, "mangler")
        d = _nonneg(value, where)
        out[attr] = _whole(d, where, value)
    value, where = get("colour_growth")
    out["colour_growth"] = _number(value, where) if not _blank(value) else Decimal(0)
    if not -1 < out["colour_growth"] <= 1:
        raise FieldError(*where, f"skal være en årlig vækst som decimaltal eller procent, fx 0,10 eller 10 % "
                                 f"(fik {value!r})")
    value, where = get("horizon")
    h = _whole(_required_positive(value, where), where, value)
    if h > MAX_HORIZON:
        raise FieldError(*where, f"må højst være {MAX_HORIZON} år (fik {value!r})")
    out["horizon"] = h
    value, where = get("discount_rate")
    if _blank(value):
        raise FieldError(*where, "mangler")
    out["discount_rate"] = _number(value, where)
    if not -1 < out["discount_rate"] <= 1:
        raise FieldError(*where, f"skal være en årlig rente som decimaltal eller procent, fx 0,04 eller 4 % "
                                 f"(fik {value!r})")
    value, where = get("start")
    if _blank(value):
        raise FieldError(*where, "mangler")
    try:
        out["start"] = to_date(value, "Startdato")
    except ArgumentError:
        raise FieldError(*where, f"skal være en dato som dd-mm-åååå (fik {value!r})") from None
    return Needs(**out)


def _offers_from_rows(rows: list[tuple[int, list]], sheet: str, source: str, needs: Needs) -> OfferSet:
    """Map the header row, then parse each data row (collecting errors)."""
    if not rows:
        raise FieldError(sheet, None, None, "er tomt; der skal være en overskriftsrække og mindst ét tilbud")
    header_row, header = rows[0]
    columns: dict[int, str] = {}
    for j, name in enumerate(header):
        if _blank(name):
            continue
        attr = _HEADER_KEYS.get(_key(name))
        if attr is None:
            raise FieldError(sheet, header_row, str(name), "er en ukendt kolonne; kendte kolonner: "
                             + ", ".join(label for _, label in COLUMNS))
        if attr in columns.values():
            raise FieldError(sheet, header_row, str(name), "forekommer to gange")
        columns[j] = attr
    for attr in ("supplier", "kind", "price"):
        if attr not in columns.values():
            raise FieldError(sheet, header_row, FIELD_LABEL[attr], "kolonnen mangler")
    offers, errors = [], []
    for row, values in rows[1:]:
        raw = {attr: (values[j] if j < len(values) else None) for j, attr in columns.items()}
        if all(_blank(v) for v in raw.values()):
            continue
        try:
            offers.append(parse_offer(raw, row, sheet))
        except FieldError as exc:
            errors.append(exc)
    if len(offers) > MAX_OFFERS:
        raise FieldError(sheet, None, None, f"har {len(offers)} tilbud; højst {MAX_OFFERS} kan sammenlignes ad gangen")
    return OfferSet(needs, offers, errors, source)


def _needs_from_rows(rows: list[tuple[int, list]], sheet: str) -> Needs:
    raw = {}
    for row, values in rows:
        if not values or _blank(values[0]):
            continue
        attr = _NEED_KEYS.get(_key(values[0]))
        if attr is None:
            if _key(values[0]) in ("felt", "behov"):
                continue  # the header row
            raise FieldError(sheet, row, str(values[0]), "er et ukendt felt; kendte felter: "
                             + ", ".join(label for _, label in NEEDS))
        raw[attr] = (values[1] if len(values) > 1 else None, row)
    return parse_needs(raw, sheet)


def _sheet_rows(ws) -> list[tuple[int, list]]:
    rows = []
    for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
        values = list(values)
        while values and _blank(values[-1]):
            values.pop()
        if values:
            rows.append((i, values))
    return rows


def read_workbook(path: str | Path) -> OfferSet:
    """Read an offers workbook (sheets ``Tilbud`` and ``Behov``)."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise WorkbookError(f"Filen '{path}' findes ikke") from None
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise WorkbookError(f"'{path.name}' kan ikke læses som en Excel-projektmappe (.xlsx): {exc}") from None
    try:
        names = {_key(n): n for n in wb.sheetnames}
        for wanted in (OFFERS_SHEET, NEEDS_SHEET):
            if _key(wanted) not in names:
                raise FieldError(wanted, None, None, f"mangler i '{path.name}' (arkene hedder: {', '.join(wb.sheetnames)})")
        needs = _needs_from_rows(_sheet_rows(wb[names[_key(NEEDS_SHEET)]]), NEEDS_SHEET)
        return _offers_from_rows(_sheet_rows(wb[names[_key(OFFERS_SHEET)]]), OFFERS_SHEET, str(path), needs)
    finally:
        wb.close()


def _csv_rows(path: Path) -> list[tuple[int, list]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise WorkbookError(f"Filen '{path}' findes ikke") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = []
    for i, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        values = [v if v.strip() else None for v in values]
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append((i, values))
    return rows


def read_csv(path: str | Path, needs_path: str | Path) -> OfferSet:
    """Read the ``Tilbud`` table from a CSV file and the needs from ``needs_path``."""
    path, needs_path = Path(path), Path(needs_path)
    needs = _needs_from_rows(_csv_rows(needs_path), needs_path.name)
    return _offers_from_rows(_csv_rows(path), path.name, str(path), needs)


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

"""The vocabulary: how Danish users write numbers, amounts, rates, terms, dates and yes/no.

Every reader (offers, enrolment register, the auditor's labels), every CLI
flag and every worksheet function's text argument reads user input through
this module, and every message and terminal table formats through it, so
that one text means one thing everywhere in xlkopi. Nothing else parses or
formats these.

The number rule
---------------
Danish first (``../shared/DOMAIN.md``, "How Danish users write numbers"):

* ``,`` is the decimal mark; ``.`` and a space (also U+00A0 and U+202F)
  separate thousands: ``1.234,56``, ``1 234,56``.
* A dot followed by groups of exactly three digits, after a first group
  of one to three digits that does not start with 0, is a thousands
  separator: ``180.000`` = 180000, ``1.250.000`` = 1250000.
* Every other dot is a decimal point (machine forms): ``0.051``, ``5.1``,
  ``1234.56``; so is the dot of ``1,234.56`` (comma-grouped thousands).
* ``−`` (U+2212) and ``-`` are minus; ``kr``, ``kr.`` and ``DKK`` may stand
  before or after an amount, ``,-`` after whole kroner; ``%`` divides by
  100; ``øre`` divides an amount in kr by 100; ``t.kr.`` multiplies by 1000.
* A text with one dot and three digits after it (``1.250``) also has a
  machine reading (1,25). The Danish reading is taken when it is plausible
  for the field (:class:`Quantity`); when only the machine reading is, the
  text is refused with a message naming both, never guessed.

===================  =========================  ==========================
text                 reading                    why
===================  =========================  ==========================
``180.000``          180000                     dot + three digits
``1.250.000``        1250000                    dot + three digits, twice
``1.234,56``         1234.56                    Danish
``1 234,56``         1234.56                    space groups
``5,1 %``            0.051                      percent
``0.051``            0.051                      first group starts with 0
``5.1``              5.1                        dot + one digit
``1234.56``          1234.56                    machine form
``1,234.56``         1234.56                    comma groups, decimal dot
``kr. 180.000,-``    180000                     currency, whole kroner
``8 øre``            0.08 (kr)                  øre in a kr field
``−1.500``           -1500                      U+2212 minus
===================  =========================  ==========================

>>> [str(parse_number(t)) for t in ("180.000", "1.250.000", "1.234,56", "1\u00a0234,56", "0.051", "5.1")]
['180000', '1250000', '1234.56', '1234.56', '0.051', '5.1']
>>> [str(parse_number(t)) for t in ("1234.56", "1,234.56", "kr. 180.000,-", "\u22121.500", "5,1 %", "8 øre")]
['1234.56', '1234.56', '180000', '-1500', '0.051', '0.08']

Plausibility
------------
A :class:`Quantity` is a kind of field (an acquisition price, a rate, a
term, prints a year) with the range a real value lies in. A reading that is
possible but outside it is refused with both readings named:

>>> read(PER_PRINT, "1.250", "Servicepris")
Traceback (most recent call last):
...
xlkopi.errors.ArgumentError: Argumentet 'Servicepris' kan læses som 1.250 kr (punktum som tusindtalsseparator) \
eller 1,25 kr (punktum som decimaltegn); 1.250 kr er urealistisk for en pris pr. tryk (højst 20 kr), så skriv \
1,25 hvis det er det, der menes (fik '1.250')
>>> read(RATE, "5,1", "Rente")
Traceback (most recent call last):
...
xlkopi.errors.ArgumentError: Argumentet 'Rente' skal være en årlig rente som decimaltal eller procent: 5,1 læst \
som decimaltal er 510 %, hvilket er over 100 %; skriv 5,1 % eller 0,051, hvis det er 5,1 %, der menes (fik '5,1')
>>> read(TERM, 24, "Løbetid (år)")
Traceback (most recent call last):
...
xlkopi.errors.ArgumentError: Argumentet 'Løbetid (år)' er 24 år, hvilket er urealistisk langt (højst 15 år); \
hvis det er 24 måneder (2 år), så skriv '24 mdr.' eller brug kolonnen 'Løbetid (mdr.)' (fik 24)
>>> read(TERM, "36 mdr."), read(TERM, 24, unit="mdr")
(Decimal('3'), Decimal('2'))
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from ..dates import from_serial
from ..errors import ArgumentError

__all__ = [
    "Quantity", "PRICE", "AMOUNT", "PER_PRINT", "RATE", "SIGNED_SHARE", "SHARE", "LEASINGSATS", "TERM",
    "HORIZON", "MONTHS", "COUNT", "HOURS", "PHASE", "ANY_AMOUNT", "ANY_RATE",
    "parse_number", "read", "read_periods_per_year", "parse_date", "parse_yes_no",
    "TIMING", "PHASE_STATUS", "CONTROL_CHARS", "fold", "name_key", "split_unit", "unit_of", "clean_text", "is_blank",
    "format_number", "format_token", "format_amount", "format_percent", "format_date", "format_count", "shown",
]

# ----------------------------------------------------------------------------- text

_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007\u2002\u2003\t"), " ")
_MAYBE_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
"""A superset of Unicode's format characters (category Cf); a test checks that it covers every one."""
_MINUS = dict.fromkeys(map(ord, "\u2212\u2013\u2012\ufe63\uff0d"), "-")


def clean_text(value) -> str:
    """A cell's or argument's text with Unicode compatibility forms folded and outer space removed.

    Format characters (zero-width spaces, bidi controls) are dropped: they
    are invisible to the person who typed the text.

    >>> clean_text("\u200b 180\u00a0000 kr \u202e")
    '180 000 kr'
    """
    text = str(value)
    if text.isascii():  # ASCII is NFKC already and holds no format characters: the common case, kept cheap
        text = text.replace("\t", " ")
    else:
        text = unicodedata.normalize("NFKC", text).translate(_SPACES)
        if _MAYBE_FORMAT.search(text):   # "Leverandør" has none: the per-character test only when one may be there
            text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r" {2,}", " ", text).strip() if "  " in text else text.strip()


CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters and line separators (C0, DEL, C1, U+2028/2029): never part of a name anybody typed."""


def is_blank(value) -> bool:
    """An empty cell: None or text of only spaces.

    >>> is_blank(None), is_blank(" \u00a0"), is_blank(0)
    (True, True, False)
    """
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if value.isascii():
        return not value.strip()
    return not clean_text(value)


def fold(text) -> str:
    """The matching key of a header, label, sheet name or word: case and accents folded, letters and digits only.

    æ, ø and å fold to ae, oe and aa, as Danish writes them without the
    letters (``Loebetid``), so both spellings give one key.

    >>> fold("Løbetid (år)"), fold("Loebetid_aar"), fold("  E-mail "), fold("Kontantkøb")
    ('loebetidaar', 'loebetidaar', 'email', 'kontantkoeb')
    """
    t = clean_text(text).casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in t if not unicodedata.combining(ch)))


def name_key(text) -> str:
    """The matching key of a name (an institution, an agreement): case, hyphens and spacing ignored.

    Unlike :func:`fold`, punctuation and letters stay: ``Region: Eksempel?`` and
    ``Region/ Eksempel`` are two names. A line break is a space (a name wrapped in a cell).

    >>> name_key("  AIA/ADK-aftalen ") == name_key("aia/adk  aftalen"), name_key("Region: Eksempel?")
    (True, 'region: eksempel?')
    """
    return re.sub(r"\s+", " ", clean_text(text).casefold().replace("-", " ")).strip()


# Units as headers and values write them; each maps to one unit code.
_UNIT_WORDS = {
    "kr": "kr", "kr.": "kr", "dkk": "kr", "kroner": "kr", ",-": "kr",
    "øre": "øre",
    "t.kr.": "tkr", "t.kr": "tkr", "tkr.": "tkr", "tkr": "tkr", "1000 kr": "tkr", "1.000 kr": "tkr",
    "%": "%", "pct.": "%", "pct": "%", "procent": "%",
    "år": "år", "år.": "år", "aar": "år",
    "mdr.": "mdr", "mdr": "mdr", "md.": "mdr", "måned": "mdr", "måneder": "mdr", "mnd.": "mdr", "mnd": "mdr",
}


def unit_of(text) -> str | None:
    """The unit code (``kr``, ``øre``, ``tkr``, ``%``, ``år``, ``mdr``) a unit text names, else None.

    A unit followed by a per-something (``kr pr. tryk``, ``øre pr. tryk``) is that unit.

    >>> unit_of("mdr."), unit_of("Måneder"), unit_of("øre pr. tryk"), unit_of("s/h tryk pr. år")
    ('mdr', 'mdr', 'øre', None)
    """
    t = clean_text(text).casefold()
    t = re.sub(r"\s+pr\.?\s.*$", "", t)
    return _UNIT_WORDS.get(t)


def split_unit(header) -> tuple[str, str | None]:
    """A header's matching key without its unit, and the unit code its parentheses name.

    Parentheses that name no unit (``(s/h tryk pr. år)``) are dropped from the key too.

    >>> split_unit("Løbetid (mdr.)"), split_unit("Kontantpris (kr)"), split_unit("Rente")
    (('loebetid', 'mdr'), ('kontantpris', 'kr'), ('rente', None))
    >>> split_unit("Servicepris s/h (øre pr. tryk)"), split_unit("Minimumsvolumen (s/h tryk pr. år)")
    (('serviceprissh', 'øre'), ('minimumsvolumen', None))
    """
    text = clean_text(header)
    unit = None
    for inner in re.findall(r"\(([^)]*)\)", text):
        unit = unit or unit_of(inner)
    return fold(re.sub(r"\(.*?\)", "", text)), unit


# ----------------------------------------------------------------------------- numbers

_NUMBER_FORMS = (
    # (pattern, how to read it); the first that matches the whole text wins
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d*)?"), "danish"),     # 180.000, 1.234,56
    (re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:,\d+)?"), "danish"),      # 180 000, 1 234,56
    (re.compile(r"[1-9]\d{0,2}(?: \d{3})+\.\d+"), "machine_spaced"),  # 1 234.56
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3})+\.\d+"), "english"),         # 1,234.56
    (re.compile(r"\d*,\d+|\d+,"), "danish"),                          # 5,1  ,5  180,
    (re.compile(r"\d*\.\d+|\d+"), "machine"),                         # 0.051  5.1  1234
    (re.compile(r"(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+"), "machine"),      # 1e-05 (a float's repr)
)
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}\.\d{3}")  # 1.250: thousands (Danish) or decimals (machine)
_ENGLISH = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+")  # 175,000: decimals (Danish) or thousands (English)
_PREFIX = re.compile(r"(?i)^(kr\.?|dkk)\s*")
_SUFFIX = re.compile(r"(?i)\s*(t\.?\s?kr\.?|tkr\.?|kr\.?|dkk|kroner|,-|%|pct\.?|procent|øre|mdr\.?|md\.|mnd\.?"
                     r"|måneder|måned|år)$")
_SCALE = {"%": Decimal("0.01"), "øre": Decimal("0.01"), "tkr": Decimal(1000)}
"""What a number in each unit is multiplied by to give the canonical unit (a fraction, kr)."""
MAX_MAGNITUDE = Decimal("1e13")
_TOO_LARGE = "er urealistisk stort (skal være et endeligt tal under 10.000.000.000.000)"


@dataclass(frozen=True)
class _Reading:
    value: Decimal                 # the Danish (or only) reading, units applied
    unit: str | None               # the unit written with the number, as a code
    machine: Decimal | None = None  # the other reading of an ambiguous text (1.250 as 1,25)
    english: Decimal | None = None  # 175,000 read with English grouping (175000): an amount's third decimal


def _not_a_number(argument: str, value, q: Quantity | None = None) -> ArgumentError:
    return ArgumentError(argument, f"skal være {_EXAMPLES.get(q.unit if q else '', _EXAMPLES[''])}", value)


_EXAMPLES = {"kr": "et tal (et beløb i kr, fx 1.234,56)",
             "%": "et tal (en rentesats eller andel, fx 5,1 % eller 0,051)",
             "år": "et tal (en løbetid i år eller måneder, fx 5 eller 60 mdr.)", "mdr": "et tal (måneder, fx 6)",
             "timer": "et tal (timer, fx 8)", "": "et tal, fx 1.234,56"}


def _read_text(text: str, argument: str, original, q: Quantity | None) -> _Reading:
    t = clean_text(text).translate(_MINUS)
    sign = 1
    units: list[str] = []
    signed = False
    for _ in range(2):  # a sign and a currency in either order, then units at the end
        if t[:1] in "-+" and t and not signed:
            sign, t, signed = (-1 if t[0] == "-" else 1), t[1:].strip(), True
        m = _PREFIX.match(t)
        if m:
            units.append("kr")
            t = t[m.end():]
    while True:
        m = _SUFFIX.search(t)
        if not m or m.start() == 0:
            break
        units.append(_UNIT_WORDS.get(re.sub(r"\s", "", m.group(1).casefold()), "tkr"))
        t = t[:m.start()].rstrip()
    if t[:1] in "-+" and t and not signed:  # kr -500
        sign, t = (-1 if t[0] == "-" else 1), t[1:].strip()
    kinds = set(units) - {"kr"} if len(set(units)) > 1 else set(units)
    if len(kinds) > 1:
        raise ArgumentError(argument, "har flere enheder på én gang", original)
    unit = next(iter(kinds), None)
    form = next((f for pattern, f in _NUMBER_FORMS if pattern.fullmatch(t)), None)
    if form is None:
        raise _not_a_number(argument, original, q)
    if form == "danish":
        digits = t.replace(".", "").replace(" ", "").replace(",", ".")
    elif form == "english":
        digits = t.replace(",", "")
    else:
        digits = t.replace(" ", "")
    if digits.endswith("."):
        digits += "0"
    if digits.startswith("."):
        digits = "0" + digits
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the patterns admit only decimal digits
        raise _not_a_number(argument, original) from None
    machine = Decimal(t) if _AMBIGUOUS.fullmatch(t) else None
    english = Decimal(t.replace(",", "")) if _ENGLISH.fullmatch(t) else None
    scale = _SCALE.get(unit or "", Decimal(1))
    value = sign * value * scale
    if machine is not None:
        machine = sign * machine * scale
    if english is not None:
        english = sign * english * scale
    return _Reading(value, unit, machine, english)


def _plain(value):
    """numpy's and other libraries' numbers as Python's own (a calamine or numpy cell value)."""
    if isinstance(value, (bool, int, float, Decimal, str)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def _reading(value, argument: str, q: Quantity | None = None) -> _Reading:
    value = _plain(value)
    if isinstance(value, bool) or value is None:
        raise _not_a_number(argument, value, q)
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ArgumentError(argument, "skal være et endeligt tal", value)
        d = Decimal(float.__repr__(value))  # the shortest decimal that gives the float: 0.1, not its binary neighbour
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ArgumentError(argument, "skal være et endeligt tal", value)
        d = value
    elif isinstance(value, str):
        if len(value) > 200:
            raise _not_a_number(argument, value[:40] + "…", q)
        return _read_text(value, argument, value, q)
    else:
        raise _not_a_number(argument, value, q)
    return _Reading(d, None)


def parse_number(value, argument: str = "tal") -> Decimal:
    """A number from a cell or text by the rule above, its unit applied (``%`` ÷ 100, ``øre`` ÷ 100).

    No range is checked: use :func:`read` with a :class:`Quantity` for a
    field. A time unit (``36 mdr.``) is refused here, since only a field
    knows what to convert it to.

    >>> parse_number(0.1), parse_number(" 2,5 "), parse_number("12 %"), parse_number("180 000 kr.")
    (Decimal('0.1'), Decimal('2.5'), Decimal('0.12'), Decimal('180000'))
    """
    r = _reading(value, argument)
    if r.unit in ("år", "mdr"):
        raise ArgumentError(argument, f"skal være et tal uden enheden {_UNIT_NAMES[r.unit]}", value)
    if abs(r.value) > MAX_MAGNITUDE:
        raise ArgumentError(argument, _TOO_LARGE, value)
    return r.value


# ----------------------------------------------------------------------------- quantities

@dataclass(frozen=True)
class Quantity:
    """A kind of field and the range a real value lies in.

    ``unit`` is the canonical unit (``kr``, ``%`` for a fraction, ``år``,
    ``mdr``, ``""`` for a count); ``low``/``high`` bound the plausible
    values (``None``: unbounded), ``low_open`` makes the low bound
    exclusive; ``whole`` asks for an integer.
    """

    noun: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    low_open: bool = False
    whole: bool = False
    units: frozenset[str] = frozenset()  # units a value or header may name

    def contains(self, d: Decimal) -> bool:
        if self.low is not None and (d < self.low or (self.low_open and d == self.low)):
            return False
        return self.high is None or d <= self.high


_MONEY_UNITS = frozenset({"kr", "øre", "tkr"})
PRICE = Quantity("en anskaffelsespris", "kr", Decimal(0), Decimal(100_000_000), low_open=True, units=_MONEY_UNITS)
"""Anskaffelsespris, kontantpris: above 0, at most 100 mio. kr."""
AMOUNT = Quantity("et beløb", "kr", Decimal(0), Decimal(100_000_000), units=_MONEY_UNITS)
"""Restværdi, gebyrer, serviceydelse pr. termin, årlig ydelse: 0 to 100 mio. kr."""
PER_PRINT = Quantity("en pris pr. tryk", "kr", Decimal(0), Decimal(20), units=_MONEY_UNITS)
"""Klikpris, servicepris, overskydende tryk, kreditering: 0 to 20 kr (the guide: colour up to about 3,50 kr)."""
RATE = Quantity("en årlig rente", "%", Decimal(-1), Decimal(1), low_open=True, units=frozenset({"%"}))
"""Nominal annual rate, diskonteringsrente: above -100 %, at most 100 %."""
SIGNED_SHARE = Quantity("en årlig vækst", "%", Decimal(-1), Decimal(1), low_open=True, units=frozenset({"%"}))
"""Farvevækst: above -100 %, at most 100 % a year."""
SHARE = Quantity("en andel", "%", Decimal(0), Decimal(1), units=frozenset({"%"}))
"""Indeksregulering, restværdi som andel: 0 to 100 %."""
LEASINGSATS = Quantity("en leasingsats", "%", Decimal(0), Decimal(2), low_open=True, units=frozenset({"%"}))
"""Payment ÷ price: above 0, at most 200 % (one payment in arrears at 100 % a year is 200 %)."""
TERM = Quantity("en løbetid", "år", Decimal(0), Decimal(15), low_open=True, units=frozenset({"år", "mdr"}))
"""Løbetid in years: above 0, at most 15 years (the guide: financial leases at most 5)."""
HORIZON = Quantity("en horisont", "år", Decimal(0), None, low_open=True, units=frozenset({"år", "mdr"}))
"""A comparison's horizon in years, above 0 (the comparison bounds it itself)."""
MONTHS = Quantity("et antal måneder", "mdr", Decimal(0), Decimal(120), whole=True, units=frozenset({"år", "mdr"}))
"""Sekundær periode, opsigelsesvarsel: 0 to 120 whole months."""
COUNT = Quantity("et antal tryk", "", Decimal(0), Decimal(100_000_000), whole=True)
"""Prints a year, minimumsvolumen, kapacitet: 0 to 100 mio., whole."""
HOURS = Quantity("et antal timer", "timer", Decimal(0), Decimal(720), whole=True)
"""Responstid: 0 to 720 whole hours."""
PHASE = Quantity("et fasenummer", "", Decimal(1), Decimal(99), whole=True)
"""A tender phase of the state procurement programme: 1 to 99."""
ANY_AMOUNT = Quantity("et beløb", "kr", None, None, units=_MONEY_UNITS)
"""Any amount in kr (the core's own arguments: no plausibility range)."""
ANY_RATE = Quantity("en rentesats", "%", None, None, units=frozenset({"%"}))
"""Any rate or share (the core's own arguments: no plausibility range)."""

_UNIT_NAMES = {"kr": "kr", "øre": "øre", "tkr": "t.kr.", "%": "%", "år": "år", "mdr": "mdr."}


def _show(q: Quantity, d: Decimal) -> str:
    if q.unit == "%":
        return format_percent(d)
    if q.unit == "kr":
        return format_amount(d, decimals=None)
    if q.unit == "":
        return format_number(d)
    return f"{format_number(d)} {q.unit}"


def _convert(q: Quantity, d: Decimal, unit: str | None, argument: str, original) -> Decimal:
    """``d`` in unit ``unit`` as the quantity's canonical unit."""
    if unit in (None, q.unit) or (q.unit == "kr" and unit in _MONEY_UNITS):
        return d
    if unit == "%" and q.unit in ("", "kr"):
        raise ArgumentError(argument, f"skal være {q.noun} ({_UNIT_NAMES.get(q.unit, q.unit) or 'et tal'}), "
                                      "ikke en procentsats", original)
    if q.unit == "år" and unit == "mdr":
        if d % 3:
            raise ArgumentError(argument, f"er {format_number(d)} måneder, som ikke er et helt antal kvartaler; "
                                          "angiv løbetiden i hele kvartaler (3, 6, 9, ... måneder) eller i år",
                                original)
        return d / 12
    if q.unit == "mdr" and unit == "år":
        return d * 12
    raise ArgumentError(argument, f"skal være {q.noun}, ikke angivet i {_UNIT_NAMES.get(unit, unit)}", original)


def read(q: Quantity, value, argument: str = "værdi", *, unit: str | None = None,
         percent_cell: bool = False) -> Decimal:
    """A field's value in the quantity's canonical unit, refused when implausible.

    Parameters
    ----------
    q : Quantity
        What the field holds.
    value : number, Decimal or str
        The cell's value or the typed text.
    argument : str
        The argument, flag or field named in a message.
    unit : str, optional
        The unit the column header or flag names (:func:`split_unit`): a
        bare number in a ``Løbetid (mdr.)`` column is months, in a
        ``Rente (%)`` column percent, in an ``(øre)`` column øre.
    percent_cell : bool
        The cell is formatted as a percentage, so its number is already a
        fraction whatever the header says (Excel stores 5,1 % as 0.051).

    >>> read(PRICE, "180.000"), read(RATE, "5,1 %"), read(RATE, 5.1, unit="%"), read(PER_PRINT, "8 øre")
    (Decimal('180000'), Decimal('0.051'), Decimal('0.051'), Decimal('0.08'))
    >>> read(COUNT, "350.000"), read(TERM, "5 år"), read(MONTHS, "1 år")
    (Decimal('350000'), Decimal('5'), Decimal('12'))
    """
    r = _reading(value, argument, q)
    if r.unit is not None and r.unit not in q.units and not (r.unit == "kr" and q.unit == "kr"):
        raise ArgumentError(argument, f"skal være {q.noun}"
                            + (f" i {_UNIT_NAMES[q.unit]}" if q.unit in _UNIT_NAMES else "")
                            + f", ikke i {_UNIT_NAMES.get(r.unit, r.unit)}", value)
    given: str | None   # the unit the number is given in (None: the quantity's own)
    if r.unit is None and unit is not None and not (percent_cell and unit == "%"):
        given, scale = unit, _SCALE.get(unit, Decimal(1))   # a bare number in a column whose header names a unit
    else:
        given, scale = r.unit, Decimal(1)                   # the value's own unit, already applied

    def canonical(x: Decimal | None) -> Decimal | None:
        return None if x is None else _convert(q, x * scale, given, argument, value)

    d = canonical(r.value)
    assert d is not None
    machine = canonical(r.machine)
    if abs(d) > MAX_MAGNITUDE:
        raise ArgumentError(argument, _TOO_LARGE, value)
    english = canonical(r.english) if q.unit == "kr" and (r.unit or unit) in (None, "kr") else None
    if english is not None and q.contains(english) and q.contains(d):
        # Three decimals are no way to write kroner: 175,000 is 175 kr only if nobody meant 175.000 kr.
        raise ArgumentError(
            argument, f"kan læses som {_show(q, d)} (komma som decimaltegn) eller {_show(q, english)} (komma som "
                      f"tusindtalsseparator); skriv {format_number(d)} eller {format_number(english)}", value)
    if q.contains(d) and (not q.whole or d == d.to_integral_value()):
        return d
    if machine is not None and q.contains(machine) and not q.whole:
        raise ArgumentError(
            argument, f"kan læses som {_show(q, d)} (punktum som tusindtalsseparator) eller {_show(q, machine)} "
                      f"(punktum som decimaltegn); {_show(q, d)} er urealistisk for {q.noun} "
                      f"({_bound_text(q, d)}), så skriv {format_number(machine)} hvis det er det, der menes", value)
    if q.low is not None and (d < q.low or (q.low_open and d == q.low)):
        if q.low == 0 and q.low_open:
            raise ArgumentError(argument, "skal være større end 0", value)
        if q.low == 0:
            raise ArgumentError(argument, "må ikke være negativ", value)
        raise ArgumentError(argument, f"er urealistisk for {q.noun} ({_bound_text(q, d)})", value)
    if not q.contains(d):
        hint = _other_unit_hint(q, d, r.unit or unit)
        if hint:
            raise ArgumentError(argument, hint, value)
        raise ArgumentError(argument, f"er urealistisk for {q.noun} ({_bound_text(q, d)})", value)
    raise ArgumentError(argument, "skal være et helt tal", value)


def _bound_text(q: Quantity, d: Decimal) -> str:
    if q.high is not None and d > q.high:
        return f"højst {_show(q, q.high)}"
    assert q.low is not None   # an unbounded quantity refuses nothing
    return ("over " if q.low_open else "mindst ") + _show(q, q.low)


def _other_unit_hint(q: Quantity, d: Decimal, unit: str | None) -> str | None:
    """A message naming the reading in the other unit, when that one is plausible."""
    if q.unit == "%" and unit is None and q.contains(d / 100):
        n = format_number(d)
        return (f"skal være {q.noun} som decimaltal eller procent: {n} læst som decimaltal er {format_percent(d)}, "
                f"hvilket er over {format_percent(q.high)}; skriv {n} % eller {format_number(d / 100)}, "
                f"hvis det er {n} %, der menes")
    if q.unit == "år" and unit in (None, "år") and d == d.to_integral_value() and not d % 3 and q.contains(d / 12):
        assert q.high is not None   # only asked about a value above the high bound
        n = format_number(d)
        return (f"er {n} år, hvilket er urealistisk langt (højst {_show(q, q.high)}); hvis det er {n} måneder "
                f"({format_number(d / 12)} år), så skriv '{n} mdr.' eller brug kolonnen 'Løbetid (mdr.)'")
    return None


_FREQUENCIES = {"aarlig": 1, "aarligt": 1, "helaarlig": 1, "helaarligt": 1, "halvaarlig": 2, "halvaarligt": 2,
                "kvartal": 4, "kvartalsvis": 4, "kvartalvis": 4, "maanedlig": 12, "maanedligt": 12,
                "maaned": 12, "maanedsvis": 12}


def read_periods_per_year(value, argument: str = "periods_per_year") -> int:
    """Terminer pr. år: 1, 2, 4 or 12, or the Danish word (årlig, halvårlig, kvartalsvis, månedlig).

    >>> read_periods_per_year(4.0), read_periods_per_year("kvartalsvis"), read_periods_per_year("12")
    (4, 4, 12)
    """
    if isinstance(value, str) and fold(value) in _FREQUENCIES:
        return _FREQUENCIES[fold(value)]
    try:
        d = _reading(value, argument).value
    except ArgumentError:
        d = None
    if d is None or d not in (1, 2, 4, 12):
        raise ArgumentError(argument, "skal være 1, 2, 4 eller 12 (årlig, halvårlig, kvartalsvis, månedlig)", value)
    return int(d)


# ----------------------------------------------------------------------------- yes/no

_YES_NO = {"ja": True, "j": True, "sand": True, "true": True, "yes": True, "x": True, "1": True,
           "nej": False, "n": False, "falsk": False, "false": False, "no": False, "0": False}
TIMING = {"forud": True, "bagud": False, "advance": True, "arrears": False}
"""Forud/bagud as a flag: paid in advance."""
PHASE_STATUS = {"aaben": True, "open": True, "aktiv": True, "lukket": False, "afsluttet": False, "closed": False}
"""Fasestatus: the phase is open."""


def parse_yes_no(value, argument: str = "ja/nej", extra: dict[str, bool] | None = None) -> bool | None:
    """Ja/nej as a bool; ``None`` for an empty cell (the caller's default: an empty grid cell is "nej").

    Accepts ja/nej, j/n, sand/falsk (Danish Excel's booleans), true/false,
    x (a mark), 1/0 and booleans; ``extra`` adds words (:data:`TIMING`,
    :data:`PHASE_STATUS`).

    >>> parse_yes_no("Ja"), parse_yes_no("FALSK"), parse_yes_no("x"), parse_yes_no(""), parse_yes_no(1.0)
    (True, False, True, None, True)
    >>> parse_yes_no("forud", extra=TIMING), parse_yes_no("Bagud", extra=TIMING)
    (True, False)
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = fold(value)
        if extra and key in extra:
            return extra[key]
        if key in _YES_NO:
            return _YES_NO[key]
    # The words to suggest: the extra words' first yes and first no, each falling back to ja / nej (an
    # extra set may hold only one side, e.g. {"ingen": False}).
    yes = next((k for k, v in (extra or {}).items() if v), "ja")
    no = next((k for k, v in (extra or {}).items() if not v), "nej")
    words = f"{yes} eller {no}"
    raise ArgumentError(argument, f"skal være {words.replace('aa', 'å')}", value)


# ----------------------------------------------------------------------------- dates

_MONTHS = {"januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
           "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
           "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
_DATE_FORMS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"), "ymd"),
    (re.compile(r"(\d{1,2})[-.](\d{1,2})[-.](\d{4})"), "dmy"),          # 01-01-2006, 1.1.2006
    (re.compile(r"(\d{1,2})/(\d{1,2})[-/](\d{4})"), "dmy"),             # 1/1-2006, 01/01/2006
    (re.compile(r"(\d{1,2})\.? ?([a-zæøå]+)\.? (\d{4})", re.I), "dMy"),  # 1. januar 2006
    (re.compile(r"(\d{1,2})-([a-zæøå]+)-(\d{4})", re.I), "dMy"),        # 01-jan-2006
)
_DATE_HINT = "skal være en dato som dd-mm-åååå (fx 01-01-2026) eller åååå-mm-dd"


def parse_date(value, argument: str = "start_date") -> dt.date:
    """A date from a date cell, an Excel serial number (1900 system) or text.

    Text: ``dd-mm-åååå``, ``dd.mm.åååå``, ``d/m-åååå``, ``åååå-mm-dd``
    (a time part is ignored) and ``1. januar 2026``. A two-digit year is
    refused: its century is a guess.

    >>> [parse_date(v).isoformat() for v in (38718, "01-01-2006", "1.1.2006", "1/1-2006", "2006-01-01")]
    ['2006-01-01', '2006-01-01', '2006-01-01', '2006-01-01', '2006-01-01']
    >>> parse_date("1. marts 2026"), parse_date(dt.datetime(2026, 3, 1, 12, 0))
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise ArgumentError(argument, "skal være en dato", value)
    if isinstance(value, Decimal):
        value = float(value) if value.is_finite() else math.nan
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ArgumentError(argument, "skal være en dato", value)
        try:
            return from_serial(value)
        except ValueError:
            raise ArgumentError(argument, "skal være en gyldig dato (Excel-serienummer 1-2958465)", value) from None
    if not isinstance(value, str):
        raise ArgumentError(argument, "skal være en dato", value)
    text = clean_text(value).translate(_MINUS)
    for pattern, order in _DATE_FORMS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "ymd":
            y, mo, d = int(a), int(b), int(c)
        elif order == "dmy":
            d, mo, y = int(a), int(b), int(c)
        else:
            month = _MONTHS.get(b.casefold().rstrip("."))
            if month is None:
                break
            d, mo, y = int(a), month, int(c)
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise ArgumentError(argument, "skal være en dato, der findes i kalenderen", value) from None
    if re.fullmatch(r"\d{1,2}[-./]\d{1,2}[-./]\d{2}", text):
        raise ArgumentError(argument, "skal have et firecifret årstal (dd-mm-åååå)", value)
    raise ArgumentError(argument, _DATE_HINT, value)


# ----------------------------------------------------------------------------- formatting

def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return ".".join(reversed(out))


def format_number(value, decimals: int | None = None, max_decimals: int | None = None) -> str:
    """A number as Danish writes it: thousands dots, decimal comma.

    ``decimals=None`` shows as many decimals as the number has (none for a
    whole number); ``max_decimals`` rounds to at most that many and drops
    trailing zeros.

    >>> format_number(58750), format_number(Decimal("0.2964196"), 4), format_number(1234.5, 2), format_number(-0.5)
    ('58.750', '0,2964', '1.234,50', '-0,5')
    >>> format_number(0.0127500001, max_decimals=6), format_number(12.0, max_decimals=6)
    ('0,01275', '12')
    >>> format_number(1e30, 2)   # a number a hostile cell can hold: no InvalidOperation
    '1.000.000.000.000.000.000.000.000.000.000,00'
    """
    value = _plain(value)
    if isinstance(value, bool):
        return "SAND" if value else "FALSK"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        d = Decimal(float.__repr__(value))  # also numpy's float64, whose repr names its type
    else:
        d = value if isinstance(value, Decimal) else Decimal(value)
    if not d.is_finite():
        return str(d)
    with localcontext() as ctx:   # room for every digit: 1e30 with 2 decimals needs 33, the default context 28
        ctx.prec = max(ctx.prec, d.adjusted() + max(decimals or 0, max_decimals or 0) + 3)
        if max_decimals is not None and decimals is None:
            d = d.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
        if decimals is None:
            d = d.to_integral_value() if d == d.to_integral_value() else d.normalize()
        else:
            d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        sign = "-" if d < 0 else ""
        whole, _, frac = f"{abs(d):f}".partition(".")
    if whole == "0" and not frac.strip("0"):
        sign = ""
    return sign + _group(whole) + ("," + frac if frac else "")


def format_token(token: str) -> str:
    """A number written in a formula (always in Excel's machine form, ``0.051``) as Danish shows it.

    >>> format_token("0.01275"), format_token("1000"), format_token("1E-3")
    ('0,01275', '1.000', '0,001')
    """
    try:
        return format_number(Decimal(token))
    except InvalidOperation:
        return token


def format_amount(value, unit: str = "kr", decimals: int | None = 2) -> str:
    """An amount as ``3.700,00 kr``.

    >>> format_amount(Decimal("3700")), format_amount(0.2964196, decimals=4), format_amount(1500, decimals=None)
    ('3.700,00 kr', '0,2964 kr', '1.500 kr')
    """
    return f"{format_number(value, decimals)} {unit}".rstrip()


def format_count(value) -> str:
    """A whole count with thousands dots: ``350.000``.

    >>> format_count(350000)
    '350.000'
    """
    return format_number(value, 0)


def format_percent(fraction, decimals: int | None = None) -> str:
    """A fraction as a Danish percentage: 0.051 is ``5,1 %``.

    >>> format_percent(0.051), format_percent(Decimal("0.0562449"), 2), format_percent(5.1)
    ('5,1 %', '5,62 %', '510 %')
    """
    d = Decimal(float.__repr__(fraction)) if isinstance(fraction, float) else Decimal(fraction)
    return f"{format_number(d * 100, decimals)} %"


def format_date(day: dt.date) -> str:
    """A date as ``dd-mm-åååå``.

    >>> format_date(dt.date(2006, 1, 1))
    '01-01-2006'
    """
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def shown(value) -> str:
    """A user's value as a message quotes it: text in quotes, numbers and dates in Danish form.

    >>> shown("1.250"), shown(0.5), shown(Decimal("180000")), shown(dt.date(2026, 1, 2)), shown(None)
    ("'1.250'", '0,5', '180.000', '02-01-2026', 'tom')
    """
    if value is None:
        return "tom"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (bool, int, float, Decimal)):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    return repr(value)

"""Contract terms found in a workbook, checked against the guide's red flags.

Pure: works on defined names already resolved to values and on a sheet's
rows of values. Two sources, in this order:

1. **Defined names** (xlkopi's comparison workbooks name every input). A
   name is matched by the words it contains, after folding æ/ø/å and
   dropping separators: ``Tilbud1_Restvaerdi``, ``restværdi_2``,
   ``T3.Loebetid`` all give the field *restværdi* or *løbetid*; what is left
   of the name (``Tilbud1``, ``2``, ``T3``) groups the fields per offer.
2. **Labelled cells** (any other workbook): a text cell whose text is one of
   the labels in :data:`LABELS` (``Restværdi``, ``Anskaffelsespris``,
   ``Løbetid``, ``Leasingform``, ``Sekundær periode``, ``Overskydende tryk``,
   ``Indeksregulering`` ...) with its value in the cells to its right (one
   offer per column, so a label column beside several offer columns works)
   or, when the row is empty to the right, in the cell below.

Each offer's fields become a :class:`~xlkopi.core.redflags.ContractTerms`
and go through :func:`~xlkopi.core.redflags.red_flags`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..core.redflags import ContractTerms, RedFlag, red_flags
from ..core.vocabulary import (
    TERM,
    clean_text,
    fold,
    is_blank,
    parse_number,
    parse_yes_no,
    read,
    split_unit,
    unit_of,
)
from ..errors import ArgumentError
from ..io.a1 import col_letters
from .findings import Finding

# field -> (label texts, folded keywords for defined names)
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "price": (("anskaffelsespris", "kontantpris", "købspris", "pris"), ("anskaffelsespris", "kontantpris", "kobspris")),
    "residual": (("restværdi", "scrapværdi", "restværdi kr"), ("restvaerdi", "scrapvaerdi")),
    "years": (("løbetid", "løbetid år", "løbetid (år)", "løbetid måneder", "løbetid (måneder)", "løbetid mdr",
               "finansieringens løbetid", "leasingperiode"),
              ("loebetid", "lobetid", "lobetid_aar", "leasingperiode")),
    "service_years": (("serviceaftalens løbetid", "serviceløbetid", "løbetid service", "serviceaftale løbetid",
                       "serviceaftalens løbetid (år)"), ("serviceloebetid", "servicelobetid")),
    "kind": (("leasingform", "finansieringsform", "aftaletype", "kontrakttype"),
             ("leasingform", "finansieringsform", "aftaletype")),
    "secondary_months": (("sekundær periode", "sekundær periode (måneder)", "sekundær periode mdr", "sekundærperiode"),
                         ("sekundaerperiode",)),
    "excess_price": (("overskydende tryk", "pris for overskydende tryk", "pris overskydende tryk",
                      "overskydende tryk pris"), ("overskydendetryk", "overskydende")),
    "click_price": (("klikpris", "klikpris pr. tryk", "klikpris kr"), ("klikpris",)),
    "service_price": (("servicepris pr. tryk", "servicepris", "serviceprisen pr. tryk", "servicepris pr tryk"),
                      ("serviceprisprtryk", "servicepris")),
    "financing_indexed": (("indeksregulering af finansiering", "indeksregulering omfatter finansiering",
                           "finansiering indeksreguleres", "indeksregulering finansiering", "indeksregulering"),
                          ("indeksfinansiering", "finansieringindekseret", "indeksreguleringfinansiering",
                           "indeksregulering")),
    "unused_credited": (("kreditering af underskydende forbrug", "underskydende forbrug krediteres",
                         "kreditering af ubrugte tryk", "kreditering"),
                        ("kreditering", "underskydende")),
    "minimum_volume": (("minimumsvolumen", "minimumsvolumen pr. år"), ("minimumsvolumen",)),
    "fees": (("gebyrer", "gebyrer i alt"), ("gebyrer",)),
}




_LABELS: dict[str, str] = {}
for _field, (_labels, _) in FIELDS.items():
    for _l in _labels:
        _LABELS.setdefault(fold(_l), _field)
LABELS = tuple(sorted(_LABELS))
"""Every label recognised, as the vocabulary folds it (case, spacing, punctuation and a trailing colon ignored)."""


def label_field(text) -> str | None:
    """The ContractTerms field a label names, or None.

    >>> label_field("Restværdi:"), label_field("Løbetid (år)"), label_field("Renter")
    ('residual', 'years', None)
    """
    if not isinstance(text, str) or len(text) > 60:
        return None
    key = fold(text)
    if key in _LABELS:
        return _LABELS[key]
    return _LABELS.get(split_unit(text)[0])


def label_unit(text: str) -> str | None:
    """The unit a label names (``Løbetid (mdr.)``, ``Løbetid måneder``), as the vocabulary's unit code.

    >>> label_unit("Løbetid (mdr.)"), label_unit("løbetid måneder"), label_unit("Løbetid")
    ('mdr', 'mdr', None)
    """
    unit = split_unit(text)[1]
    if unit is None:
        words = clean_text(text).rstrip(":").split()
        unit = unit_of(words[-1]) if len(words) > 1 else None
    return unit


def name_field(name: str) -> tuple[str, str] | None:
    """``(field, offer key)`` of a defined name, or None.

    >>> name_field("Tilbud1_Restvaerdi"), name_field("restværdi_2"), name_field("Rente")
    (('residual', 'tilbud1'), ('residual', '2'), None)
    """
    f = fold(name)
    best = None
    for fld, (_, keys) in FIELDS.items():
        for k in keys:
            if k in f and (best is None or len(k) > len(best[1])):
                best = (fld, k)
    if best is None:
        return None
    fld, k = best
    offer = f.replace(k, "", 1)
    offer = re.sub(r"(aar|maaneder|mdr|kr)$", "", offer)
    return fld, offer


@dataclass
class Offer:
    """The fields found for one offer, each with the cell it came from."""

    key: str
    values: dict = field(default_factory=dict)   # field -> (value, sheet, cell, label text)


def _num(v) -> Decimal | None:
    """A cell's number by the vocabulary's rule (``60.000`` is 60000), or None when it holds none."""
    if isinstance(v, bool) or is_blank(v):
        return None
    try:
        return parse_number(v)
    except ArgumentError:
        return None


_NO_WORDS = {"ingen": False, "": False}


def _truthy(v) -> bool | None:
    """Ja/nej as the vocabulary reads it ("ingen" is nej); a text about the financing counts as ja."""
    try:
        return parse_yes_no(v, "ja/nej", _NO_WORDS) if not is_blank(v) else False
    except ArgumentError:
        pass
    if isinstance(v, (int, float, Decimal)):
        return v != 0
    if isinstance(v, str):
        t = v.casefold()
        if "finansier" in t or "hele" in t:
            return True
        n = _num(v)
        if n is not None:
            return n != 0
    return None


def _years(value, label: str) -> Decimal | None:
    """A term in years; the label's unit converts months, and a value plausible only as months is months."""
    for unit in (label_unit(label), "mdr"):
        try:
            return read(TERM, value, label, unit=unit)
        except ArgumentError:
            continue
    return None


_KINDS = (("operation", "operationel"), ("finansiel", "finansiel"), ("leje", "leje"), ("all-in", "allin"),
          ("allin", "allin"), ("all in", "allin"), ("kontant", "kontant"), ("bank", "banklaan"))


def to_terms(offer: Offer) -> ContractTerms:
    """Map an offer's raw fields to ContractTerms (unknown or unreadable fields stay None)."""
    kw: dict[str, Any] = {}   # ContractTerms keyword -> value; each field has its own type
    for fld, (value, _sheet, _cell, label) in offer.values.items():
        if fld == "kind":
            if isinstance(value, str):
                low = value.lower()
                kw["kind"] = next((k for needle, k in _KINDS if needle in low), None)
        elif fld in ("years", "service_years"):
            years = _years(value, label)
            if years is not None:
                kw[fld] = years
        elif fld == "secondary_months":
            if isinstance(value, str) and _num(value) is None:
                t = _truthy(value)
                kw[fld] = None if t is None else (1 if t else 0)
            else:
                n = _num(value)
                kw[fld] = int(n) if n is not None else None
        elif fld == "financing_indexed":
            if "finansier" in label.lower() or isinstance(value, str):
                kw[fld] = (_truthy(value) if ("finansier" in label.lower() or "finansier" in str(value).lower())
                           else None)
        elif fld == "unused_credited":
            kw[fld] = _truthy(value)
        elif fld == "minimum_volume":
            n = _num(value)
            kw["has_minimum_volume"] = None if n is None else n > 0
        else:
            kw[fld] = _num(value)
    return ContractTerms(**{k: v for k, v in kw.items() if v is not None})


_FIELD_FOR_FLAG = {"restvaerdi": "residual", "finansiel_loebetid": "years", "operationel_loebetid": "years",
                   "service_loebetid": "service_years", "fuld_klikpris": "excess_price",
                   "indekseret_finansiering": "financing_indexed", "sekundaer_periode": "secondary_months",
                   "gebyrer": "fees", "ingen_kreditering": "unused_credited", "udnyttelse": "price"}


def flag_finding(flag: RedFlag, sheet: str, cell: str, who: str, source: str) -> Finding:
    """One red flag as a finding at ``sheet!cell``; ``who`` names the offer, ``source`` where its terms came from."""
    return Finding(sheet, cell, f"rødt_flag:{flag.code}", flag.severity,   # the rule table's severity
                   f"{flag.title} ({who}, {source}): fundet {flag.found}, forventet {flag.expected}. {flag.reason}",
                   flag.expected, flag.found)


def flag_findings(offers: list[Offer], source: str) -> list[Finding]:
    """Red-flag findings for ``offers`` (``source`` names where the inputs came from)."""
    out = []
    for offer in offers:
        terms = to_terms(offer)
        for flag in red_flags(terms):
            fld = _FIELD_FOR_FLAG.get(flag.code)
            where = offer.values.get(fld) or next(iter(offer.values.values()))
            _, sheet, cell, _label = where
            who = f"tilbud '{offer.key.upper() if len(offer.key) <= 4 else offer.key}'" if offer.key else "aftalen"
            out.append(flag_finding(flag, sheet, cell, who, f"fundet via {source}"))
    return out


def offers_from_names(resolved: list[tuple[str, object, str, str]]) -> list[Offer]:
    """Offers from defined names resolved to ``(name, value, sheet, cell)``."""
    offers: dict[str, Offer] = {}
    for name, value, sheet, cell in resolved:
        hit = name_field(name)
        if hit is None:
            continue
        fld, key = hit
        offer = offers.setdefault(key, Offer(key))
        offer.values.setdefault(fld, (value, sheet, cell, name))
    return [o for o in offers.values() if len(o.values) >= 2 or "kind" in o.values]


LABEL_ROWS = 2000
"""Labelled cells are looked for in a sheet's first rows only."""


def offers_from_labels(sheet: str, rows: list, skip_rows: set | None = None, max_rows: int = LABEL_ROWS) -> list[Offer]:
    """Offers from labelled cells in one sheet's rows (see the module notes)."""
    skip_rows = skip_rows or set()
    offers: dict[int, Offer] = {}
    for r, row in enumerate(rows[:max_rows], start=1):
        if r in skip_rows:
            continue
        for c, v in enumerate(row, start=1):
            fld = label_field(v)
            if fld is None:
                continue
            right: list[tuple[int, object]] = []
            cc = c
            while cc < len(row) and len(right) < 20:
                x = row[cc]
                cc += 1
                if x == "" or x is None:
                    if right:
                        break
                    if cc - c > 2:
                        break
                    continue
                if label_field(x) is not None:
                    break
                right.append((cc, x))
            if not right and r < len(rows):
                below = rows[r][c - 1] if c - 1 < len(rows[r]) else ""
                if below != "" and below is not None and label_field(below) is None:
                    right = [(c, below)]
                    rr = r + 1
                else:
                    rr = r
            else:
                rr = r
            for col, x in right:
                offer = offers.setdefault(col, Offer("" if len(offers) == 0 else col_letters(col)))
                offer.values.setdefault(fld, (x, sheet, f"{col_letters(col)}{rr}", str(v)))
    result = [o for o in offers.values() if o.values]
    if len(result) > 1:
        for col, o in offers.items():
            o.key = f"kolonne {col_letters(col)}"
    return result

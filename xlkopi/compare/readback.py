"""An xlkopi comparison workbook's inputs, read back through its defined names.

Pure: takes the values of the workbook's names (as a spreadsheet reader
returns the cells they point at) and gives the
:class:`~xlkopi.compare.offers.Needs` and :class:`~xlkopi.compare.offers.Offer`
objects the workbook describes, validated by the same parsers as an offers
file, so a value typed over in the workbook is checked as if it had been
typed into the offers file. The names are those of
:mod:`xlkopi.compare.fields`: ``Behov_SH``, ``Horisont``, ... for the
needs and ``T<n>_<field>`` (``T1_Kontantpris``) for each offer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..errors import FieldError
from .fields import NEED_FIELDS, OFFER_FIELDS

if TYPE_CHECKING:   # the parsers are imported when a workbook is read back, not by every audit
    from .offers import Needs, Offer

SHEET = "Forudsætninger"
"""The sheet the inputs are on (named in messages)."""

_KEY = re.compile(r"^(T[1-9][0-9]*)_Kontantpris$")


def offer_keys(names: Iterable[str]) -> list[str]:
    """The offer keys (``T1``, ``T2``, ...) that have a ``Kontantpris`` name, in number order.

    >>> offer_keys(["T10_Kontantpris", "T2_Kontantpris", "T2_Restvaerdi", "Horisont"])
    ['T2', 'T10']
    """
    keys = {m.group(1) for n in names if (m := _KEY.match(n))}
    return sorted(keys, key=lambda k: int(k[1:]))


def is_comparison(names: Iterable[str]) -> bool:
    """Whether ``names`` hold every needs input and at least one offer, as ``xlkopi compare`` writes them."""
    names = set(names)
    return all(f.name in names for f in NEED_FIELDS) and bool(offer_keys(names))


def input_name(key: str, attr: str) -> str:
    """The defined name of offer ``key``'s input ``attr`` (an :class:`Offer` attribute).

    >>> input_name("T3", "excess_price"), input_name("T3", "service_years")
    ('T3_PrisOverskydende', 'T3_Serviceloebetid')
    """
    for f in OFFER_FIELDS:
        if f.column == attr:
            return f"{key}_{f.suffix}"
    raise KeyError(attr)


def read_needs(values: Mapping[str, object]) -> Needs:
    """The needs; raises :class:`~xlkopi.errors.FieldError` naming the field."""
    from .offers import parse_needs

    return parse_needs({f.attr: (values.get(f.name), None) for f in NEED_FIELDS}, SHEET)


def read_offer(values: Mapping[str, object], key: str) -> Offer:
    """Offer ``key``; raises :class:`~xlkopi.errors.FieldError` naming the field."""
    from .offers import parse_offer

    raw = {f.column: values.get(f"{key}_{f.suffix}") for f in OFFER_FIELDS}
    timing = raw["timing"]
    if timing.__class__ in (int, float) and timing in (0, 1):   # the sheet's 1 (forud) / 0 (bagud)
        raw["timing"] = "forud" if timing == 1 else "bagud"
    return parse_offer(raw, None, f"{SHEET} ({key})")


def name_of(error: FieldError, key: str | None = None) -> str | None:
    """The defined name of the input a :class:`FieldError` from :func:`read_needs` (``key`` None) or
    :func:`read_offer` (offer ``key``) is about, or None.

    >>> name_of(FieldError(SHEET, None, "Horisont (år)", "mangler"))
    'Horisont'
    >>> name_of(FieldError(SHEET, None, "Restværdi (kr)", "skal være mindre end kontantprisen"), "T2")
    'T2_Restvaerdi'
    """
    # the parsers' messages name a field by its label in the offers file
    if key is None:
        need = next((f for f in NEED_FIELDS if f.header == error.field), None)
        return None if need is None else need.name
    offer = next((f for f in OFFER_FIELDS if f.header == error.field), None)
    return None if offer is None else f"{key}_{offer.suffix}"

"""The Forudsætninger sheet: the needs and every offer's inputs, each cell a defined name.

Needs in rows 5-10 (``Behov_SH``, ``Horisont``, ...); below them one row
per offer field (:data:`~xlkopi.compare.fields.OFFER_FIELDS`) and one
column per offer (``T1_Kontantpris``, ...). Yellow cells are inputs and
unlocked; grey cells fix the layout of the other sheets.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..fields import NEED_FIELDS, OFFER_FIELDS, OfferField
from ..model import OfferResult
from ..offers import KIND_LABELS
from .state import Writer
from .style import BOX, FIXED_FILL, INPUT_FILL, UNLOCKED, head, intro, page, put, text_cell

_SCHEDULE_ONLY = ("years", "periods_per_year", "in_advance", "rate", "leasingsats")
_ALLIN_TERMS = ("years", "periods_per_year")   # an all-in offer as quoted has no schedule, but a term
"""Inputs a cash purchase leaves blank."""


def write_assumptions(w: Writer, ws) -> None:
    """Write the inputs sheet ``ws`` and define a name for every input cell."""
    comp = w.comp
    intro(ws, "Forudsætninger",
          "Gule celler er input og kan ændres; alle andre celler er formler. Kolonne B viser cellens "
          "definerede navn (Tn = tilbud n). Grå felter bestemmer arkenes opbygning: ændres de, skal "
          "projektmappen dannes igen med xlkopi compare.",
          2 + len(comp.results))
    head(ws, 4, ["Behov", "Navn", "Værdi"])
    for i, (name, label, attr, fmt, _header) in enumerate(NEED_FIELDS):
        row = 5 + i
        text_cell(ws.cell(row, 1), label).border = BOX
        text_cell(ws.cell(row, 2), name).border = BOX
        value = getattr(comp.needs, attr)
        if attr in ("colour_growth", "discount_rate"):
            value = float(value)
        c = put(ws, row, 3, value, fmt)
        c.fill, c.protection = INPUT_FILL, UNLOCKED
        w.name(name, ws, f"$C${row}")
    top = 5 + len(NEED_FIELDS) + 1
    head(ws, top, ["Tilbud", "Navn"] + [r.key for r in comp.results])
    forud = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=False,
                           error="Skriv 1 for forud eller 0 for bagud", errorTitle="Forud/bagud")
    flag = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True,
                          error="Skriv 1 for ja eller 0 for nej", errorTitle="Ja/nej")
    ws.add_data_validation(forud)
    ws.add_data_validation(flag)
    for i, f in enumerate(OFFER_FIELDS):
        row = top + 1 + i
        text_cell(ws.cell(row, 1), f.label).border = BOX
        text_cell(ws.cell(row, 2), f"Tn_{f.suffix}").border = BOX
        ws.cell(row, 1).alignment = ws.cell(row, 2).alignment = Alignment(vertical="top")
        for j, r in enumerate(comp.results):
            col = 3 + j
            c = ws.cell(row, col)
            c.border = BOX
            applies = f.kind != "lease" or r.offer.has_schedule
            _input(c, f, r)
            if f.attr == "in_advance" and applies:
                forud.add(c)
            if f.attr == "index_financing" and applies:
                flag.add(c)
            if f.kind == "fixed" or not applies or (r.offer.kind == "allin" and f.attr == "service_term"):
                c.fill = FIXED_FILL
            else:
                c.fill, c.protection = INPUT_FILL, UNLOCKED
            w.name(f"{r.key}_{f.suffix}", ws, f"${get_column_letter(col)}${row}")
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 22
    for j in range(len(comp.results)):
        ws.column_dimensions[get_column_letter(3 + j)].width = 20
    ws.freeze_panes = ws.cell(top + 1, 3)
    page(ws, landscape=len(comp.results) > 4, title_cols="A:B")


def _input(c, f: OfferField, r: OfferResult) -> None:
    """The value of offer ``r``'s input ``f`` in cell ``c`` (blank where it does not apply)."""
    o = r.offer
    value: Any   # a number, a text or None, by field
    if f.attr == "service_term":
        value = float(r.service_term)
    elif f.attr == "kind":
        value = KIND_LABELS[o.kind]
    elif f.attr in _SCHEDULE_ONLY and not o.has_schedule and not (o.kind == "allin" and f.attr in _ALLIN_TERMS):
        value = None
    else:
        value = getattr(o, f.attr)
    if isinstance(value, bool):
        value = int(value)
    if f.kind in ("text", "fixed") and value is not None and f.fmt == "@":
        text_cell(c, value)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    elif value is not None:
        c.value = float(value) if not isinstance(value, int) else value
        c.number_format = f.fmt

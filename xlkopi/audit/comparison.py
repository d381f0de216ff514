"""Red flags of a comparison workbook written by ``xlkopi compare``, recomputed from its inputs.

The workbook's derived figures (click price, fees, utilisation) are
formulas, and a workbook that was never opened in a spreadsheet program
holds no cached values for them, so reading the cells misses the flags
that depend on them. When the defined names are those ``xlkopi compare``
writes, the inputs are read back (:mod:`xlkopi.compare.readback`), the
offers are recomputed with the comparison model and checked with the same
rules as the generator's *Tjekliste*. Each finding points at the input
cell the rule depends on.

Unequal coverage (``ulige_daekning``, advarsel): an offer whose term is
shorter than the horizon costs nothing in the years after it, although the
prints are still needed, so it ranks as cheaper than it is; one whose
payments fall due after the horizon leaves them out. Either way the offers
are not compared on the same terms.
"""

from __future__ import annotations

from ..compare import readback
from ..core.vocabulary import format_amount, format_number
from ..errors import FieldError
from .findings import ADVARSEL, INFO, Finding
from .terms import flag_finding

# the input (Offer attribute) each rule is about; the first non-zero one of several
_INPUTS = {"restvaerdi": ("residual",), "finansiel_loebetid": ("years",), "operationel_loebetid": ("years",),
           "service_loebetid": ("service_years",), "fuld_klikpris": ("excess_price",),
           "indekseret_finansiering": ("index_financing",), "sekundaer_periode": ("secondary_months",),
           "gebyrer": ("establishment_fee", "invoice_fee", "environmental_fee"),
           "ingen_kreditering": ("unused_credit",), "udnyttelse": ("rated_volume",)}
SOURCE = "genberegnet fra forudsætningerne"


def comparison_flags(resolved: list[tuple[str, object, str, str]]) -> tuple[list[Finding], set[str]] | None:
    """``(findings, offer keys handled)`` for an xlkopi comparison workbook, or None for any other.

    ``resolved`` holds the defined names that point at one cell, as
    ``(name, value, sheet, cell)``. An offer that cannot be read back or
    recomputed gets an info finding and is left out of the keys, so the
    caller can still look at its names one by one.
    """
    values = {name: value for name, value, _sheet, _cell in resolved}
    if not readback.is_comparison(values):
        return None
    from ..compare.model import compare  # the lease engine: imported only when needed
    from ..compare.offers import OfferSet

    where = {name: (sheet, cell) for name, _value, sheet, cell in resolved}
    findings: list[Finding] = []

    def cant(key: str | None, exc: FieldError) -> None:
        sheet, cell = where.get(readback.name_of(exc, key) or "", (None, None))
        who = f"Tilbud {key}" if key else "Behovet"
        findings.append(Finding(sheet, cell, "kan_ikke_efterproeves", INFO,
                                f"{who} kan ikke genberegnes fra forudsætningerne: {exc}", "", ""))

    try:
        needs = readback.read_needs(values)
    except FieldError as exc:
        cant(None, exc)
        return findings, set()
    handled = set()
    for key in readback.offer_keys(values):
        try:
            offer = readback.read_offer(values, key)
            # one offer at a time: its flags do not depend on the others, and one that cannot be
            # computed leaves the rest alone; compare() builds its schedule once and says why it cannot
            done = compare(OfferSet(needs, [offer]))
            if done.rejected:
                raise done.rejected[0]
            res, = done.results
        except FieldError as exc:
            cant(key, exc)
            continue
        except (ArithmeticError, ValueError) as exc:   # values no offers file would pass (XlkopiError is a ValueError)
            cant(key, FieldError(readback.SHEET, None, None, f"{key} kan ikke beregnes ({exc})"))
            continue
        handled.add(key)
        findings.extend(_coverage(key, res, needs.horizon, where))
        for flag in res.flags:
            attrs = _INPUTS.get(flag.code, ("price",))
            attr = next((a for a in attrs if getattr(res.offer, a, None)), attrs[0])
            sheet, cell = where.get(readback.input_name(key, attr), where[f"{key}_Kontantpris"])
            findings.append(flag_finding(flag, sheet, cell, f"tilbud '{key}'", SOURCE))
    return findings, handled


def _coverage(key: str, res, horizon: int, where: dict) -> list[Finding]:
    """``ulige_daekning`` for an offer that does not cover the horizon exactly."""
    years = res.offer.years
    sheet, cell = where.get(readback.input_name(key, "years"), where.get(f"{key}_Kontantpris", (None, None)))
    out = []
    if years is not None and years < horizon:
        out.append(Finding(sheet, cell, "ulige_daekning", ADVARSEL,
                           f"Tilbud '{key}' løber {format_number(years)} år, men sammenligningen gælder {horizon} år: "
                           f"årene efter løbetiden koster 0 kr, selv om tryk stadig skal tages, så tilbuddet ser "
                           "billigere ud, end det er; forlæng det med en antagelse (fornyelse) eller forkort "
                           "horisonten", f"{horizon} år", f"{format_number(years)} år"))
    if res.after_horizon:
        out.append(Finding(sheet, cell, "ulige_daekning", ADVARSEL,
                           f"Tilbud '{key}' har ydelser for {format_amount(res.after_horizon)} efter horisonten på "
                           f"{horizon} år; de er ikke med i sammenligningen", f"{horizon} år",
                           f"{format_number(years)} år" if years is not None else "længere end horisonten",
                           float(res.after_horizon)))
    return out

"""Red flags of a comparison workbook written by ``xlkopi compare``, recomputed from its inputs.

The workbook's derived figures (click price, fees, utilisation) are
formulas, and a workbook that was never opened in a spreadsheet program
holds no cached values for them, so reading the cells misses the flags
that depend on them. When the defined names are those ``xlkopi compare``
writes, the inputs are read back (:mod:`xlkopi.compare.readback`), the
offers are recomputed with the comparison model and checked with the same
rules as the generator's *Tjekliste*. Each finding points at the input
cell the rule depends on.

Unequal coverage (``ulige_daekning``): an offer whose term is shorter than
the horizon costs nothing in the years after it, although the prints are
still needed, so it ranks as cheaper than it is; one whose payments fall
due after the horizon leaves them out. In a workbook without the
equal-coverage inputs that is an advarsel; xlkopi's own workbooks renew
such an offer or leave it out of the ranking (xlkopi/compare/coverage.py),
which is noted (info).
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
           "ingen_kreditering": ("unused_credit",), "udnyttelse": ("rated_volume",),
           "afregning": ("settlement_months",)}
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
    """``ulige_daekning`` for an offer that does not cover the horizon on the same terms as the others.

    A workbook with the equal-coverage inputs (``Tn_Fornyelse``, xlkopi's own since the decision
    document) renews a short offer or leaves it out of the ranking, and says so: a renewal is a note for
    the record (info), an offer left out of the ranking too; what falls due after the horizon is info.
    In a workbook without them a short offer costs 0 kr after its term and ranks as cheaper than it is
    (advarsel), and payments after the horizon are left out unremarked (advarsel).
    """
    years = res.offer.years
    sheet, cell = where.get(readback.input_name(key, "years"), where.get(f"{key}_Kontantpris", (None, None)))
    modelled = readback.input_name(key, "renew") in where
    cov = res.coverage
    out = []
    if modelled and cov is not None and cov.covered is not None and cov.covered < horizon:
        renew_sheet, renew_cell = where[readback.input_name(key, "renew")]
        note = (f"Tilbud '{key}' dækker {format_number(cov.covered)} af horisontens {horizon} år: "
                + (cov.assumption[0].lower() + cov.assumption[1:] if cov.ranked else
                   f"det rangeres ikke ({cov.reason})"))
        out.append(Finding(renew_sheet, renew_cell, "ulige_daekning", INFO, note, f"{horizon} år",
                           f"{format_number(cov.covered)} år"))
    elif not modelled and years is not None and years < horizon:
        out.append(Finding(sheet, cell, "ulige_daekning", ADVARSEL,
                           f"Tilbud '{key}' løber {format_number(years)} år, men sammenligningen gælder {horizon} år: "
                           f"årene efter løbetiden koster 0 kr, selv om tryk stadig skal tages, så tilbuddet ser "
                           "billigere ud, end det er; forlæng det med en antagelse (fornyelse) eller forkort "
                           "horisonten", f"{horizon} år", f"{format_number(years)} år"))
    if res.after_horizon:
        out.append(Finding(sheet, cell, "ulige_daekning", INFO if modelled else ADVARSEL,
                           f"Tilbud '{key}' har ydelser for {format_amount(res.after_horizon)} efter horisonten på "
                           f"{horizon} år; de er ikke med i sammenligningen", f"{horizon} år",
                           f"{format_number(years)} år" if years is not None else "længere end horisonten",
                           float(res.after_horizon)))
    return out

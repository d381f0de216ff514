"""The comparison's input fields: one table for the offers file and the workbook.

Pure data. Each need and each offer input is one row: its defined name,
its label and number format in the workbook, the attribute it is read
into and the header (or ``Behov`` label) it has in the offers file. The
reader (:mod:`xlkopi.compare.offers`: :data:`~xlkopi.compare.offers.COLUMNS`,
:data:`~xlkopi.compare.offers.NEEDS`), the writer (:mod:`xlkopi.compare.workbook`)
and the auditor, which reads the inputs of an xlkopi comparison workbook
back through the same names (:mod:`xlkopi.compare.readback`), all read it.
"""

from __future__ import annotations

from typing import NamedTuple

KR = '#,##0.00 "kr"'
KR4 = '#,##0.0000 "kr"'
DATE = "dd-mm-yyyy"
PCT = "0.00%"
PCT4 = "0.0000%"
INT = "#,##0"
NUM = "0.##"


class NeedField(NamedTuple):
    """One need: a ``Felt | Værdi`` row of the offers file's ``Behov`` sheet and an input of the workbook."""

    name: str       # defined name
    label: str      # label in the workbook
    attr: str       # attribute of :class:`~xlkopi.compare.offers.Needs`
    fmt: str        # number format in the workbook
    header: str     # label of the row in the offers file's Behov sheet


class OfferField(NamedTuple):
    """One offer input: a column of the offers file's ``Tilbud`` sheet and a row of the workbook's inputs.

    ``kind`` is the kind of cell in the workbook: ``"text"`` a text input, ``"input"`` a number input,
    ``"lease"`` a number input of an offer with a schedule (fixed for a cash purchase), ``"fixed"`` shown
    and locked (the sheet's layout depends on it).
    """

    suffix: str     # defined name T<n>_<suffix>
    label: str      # label in the workbook
    attr: str       # what the workbook shows: the Offer's attribute (service_term: the computed result's)
    fmt: str        # number format in the workbook
    kind: str       # "text", "input", "lease" or "fixed"
    column: str     # the offers file's attribute for the column (what parse_offer reads)
    header: str     # the column's header in the offers file


NEED_FIELDS: tuple[NeedField, ...] = (
    NeedField("Behov_SH", "Sort/hvid tryk pr. år", "bw", INT, "Sort/hvid tryk pr. år"),
    NeedField("Behov_Farve", "Farvetryk pr. år (år 1)", "colour", INT, "Farvetryk pr. år"),
    NeedField("Farvevaekst", "Farvevækst pr. år", "colour_growth", PCT, "Farvevækst pr. år"),
    NeedField("Horisont", "Horisont (år)", "horizon", "0", "Horisont (år)"),
    NeedField("Diskonteringsrente", "Diskonteringsrente (år)", "discount_rate", PCT, "Diskonteringsrente"),
    NeedField("Startdato", "Startdato", "start", DATE, "Startdato"),
)
"""The needs, in the order of the workbook's inputs and of the offers file's ``Behov`` sheet."""

OFFER_FIELDS: tuple[OfferField, ...] = (
    OfferField("Leverandoer", "Leverandør", "supplier", "@", "text", "supplier", "Leverandør"),
    OfferField("Maskine", "Maskine", "machine", "@", "text", "machine", "Maskine"),
    OfferField("Leasingform", "Finansieringsform", "kind", "@", "fixed", "kind", "Finansieringsform"),
    OfferField("Kontantpris", "Kontantpris", "price", KR, "input", "price", "Kontantpris (kr)"),
    OfferField("Rente", "Rente (år)", "rate", PCT4, "lease", "rate", "Rente (år)"),
    OfferField("Leasingsats", "Leasingsats (ydelse / kontantpris)", "leasingsats", PCT4, "lease",
               "leasingsats", "Leasingsats"),
    OfferField("Loebetid", "Løbetid (år)", "years", NUM, "fixed", "years", "Løbetid (år)"),
    OfferField("Terminer", "Terminer pr. år", "periods_per_year", "0", "fixed", "periods_per_year",
               "Terminer pr. år"),
    OfferField("Forud", "Forud (1) / bagud (0)", "in_advance", "0", "lease", "timing", "Forud/bagud"),
    OfferField("Restvaerdi", "Restværdi", "residual", KR, "lease", "residual", "Restværdi (kr)"),
    OfferField("Etableringsgebyr", "Etableringsgebyr", "establishment_fee", KR, "input", "establishment_fee",
               "Etableringsgebyr (kr)"),
    OfferField("Fakturagebyr", "Fakturagebyr pr. termin", "invoice_fee", KR, "lease", "invoice_fee",
               "Fakturagebyr pr. termin (kr)"),
    OfferField("Miljoegebyr", "Miljøgebyr pr. år", "environmental_fee", KR, "input", "environmental_fee",
               "Miljøgebyr pr. år (kr)"),
    OfferField("ServiceSH", "Servicepris s/h pr. tryk", "service_bw", KR4, "input", "service_bw",
               "Servicepris s/h (kr pr. tryk)"),
    OfferField("ServiceFarve", "Servicepris farve pr. tryk", "service_colour", KR4, "input", "service_colour",
               "Servicepris farve (kr pr. tryk)"),
    OfferField("Serviceloebetid", "Serviceaftalens løbetid (år)", "service_term", NUM, "input", "service_years",
               "Serviceaftalens løbetid (år)"),
    OfferField("Minimumsvolumen", "Minimumsvolumen (s/h tryk pr. år)", "min_volume", INT, "input", "min_volume",
               "Minimumsvolumen (s/h tryk pr. år)"),
    OfferField("PrisOverskydende", "Pris pr. overskydende tryk", "excess_price", KR4, "input", "excess_price",
               "Pris overskydende tryk (kr)"),
    OfferField("Kreditering", "Kreditering pr. ubrugt tryk", "unused_credit", KR4, "input", "unused_credit",
               "Kreditering pr. ubrugt tryk (kr)"),
    OfferField("Indeksering", "Indeksregulering pr. år", "indexation", PCT, "input", "indexation",
               "Indeksregulering pr. år"),
    OfferField("IndeksFinansiering", "Indeksregulering af finansiering (1 = ja)", "index_financing", "0", "lease",
               "index_financing", "Indeksregulering af finansiering"),
    OfferField("SekundaerPeriode", "Sekundær periode (måneder)", "secondary_months", "0", "input",
               "secondary_months", "Sekundær periode (måneder)"),
    OfferField("Fornyelse", "Fornyes til horisonten (1 = ja, 0 = rangeres ikke)", "renew", "0", "input", "renew",
               "Fornyelse"),
    OfferField("Responstid", "Responstid (timer)", "response_hours", "0", "input", "response_hours",
               "Responstid (timer)"),
    OfferField("Kapacitet", "Kapacitet (tryk pr. år)", "rated_volume", INT, "input", "rated_volume",
               "Kapacitet (tryk pr. år)"),
    OfferField("KlikprisSH", "Klikpris s/h (kr pr. tryk, all-in som tilbudt)", "click_bw", KR4, "input", "click_bw",
               "Klikpris s/h (kr pr. tryk)"),
    OfferField("KlikprisFarve", "Klikpris farve (kr pr. tryk, all-in som tilbudt)", "click_colour", KR4, "input",
               "click_colour", "Klikpris farve (kr pr. tryk)"),
    OfferField("Afregning", "Afregningsperiode (måneder)", "settlement_months", "0", "input", "settlement_months",
               "Afregningsperiode (måneder)"),
)
"""The offer inputs, in the order of the workbook's inputs and of the offers file's ``Tilbud`` columns."""

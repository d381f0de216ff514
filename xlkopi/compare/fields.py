"""The comparison workbook's input cells: their defined names, labels and number formats.

Pure data, shared by the writer (:mod:`xlkopi.compare.workbook`) and the
auditor, which reads the inputs of an xlkopi comparison workbook back
through the same names (:mod:`xlkopi.compare.readback`).
"""

from __future__ import annotations

KR = '#,##0.00 "kr"'
KR4 = '#,##0.0000 "kr"'
DATE = "dd-mm-yyyy"
PCT = "0.00%"
PCT4 = "0.0000%"
INT = "#,##0"
NUM = "0.##"

# Needs: (defined name, label, attribute, number format)
NEED_FIELDS = (
    ("Behov_SH", "Sort/hvid tryk pr. år", "bw", INT),
    ("Behov_Farve", "Farvetryk pr. år (år 1)", "colour", INT),
    ("Farvevaekst", "Farvevækst pr. år", "colour_growth", PCT),
    ("Horisont", "Horisont (år)", "horizon", "0"),
    ("Diskonteringsrente", "Diskonteringsrente (år)", "discount_rate", PCT),
    ("Startdato", "Startdato", "start", DATE),
)

# Offer inputs: (name suffix, label, attribute, format, kind of cell)
#   "text": text input; "input": number input; "fixed": shown, locked (the sheet's layout depends on it)
OFFER_FIELDS = (
    ("Leverandoer", "Leverandør", "supplier", "@", "text"),
    ("Maskine", "Maskine", "machine", "@", "text"),
    ("Leasingform", "Finansieringsform", "kind", "@", "fixed"),
    ("Kontantpris", "Kontantpris", "price", KR, "input"),
    ("Rente", "Rente (år)", "rate", PCT4, "lease"),
    ("Leasingsats", "Leasingsats (ydelse / kontantpris)", "leasingsats", PCT4, "lease"),
    ("Loebetid", "Løbetid (år)", "years", NUM, "fixed"),
    ("Terminer", "Terminer pr. år", "periods_per_year", "0", "fixed"),
    ("Forud", "Forud (1) / bagud (0)", "in_advance", "0", "lease"),
    ("Restvaerdi", "Restværdi", "residual", KR, "lease"),
    ("Etableringsgebyr", "Etableringsgebyr", "establishment_fee", KR, "input"),
    ("Fakturagebyr", "Fakturagebyr pr. termin", "invoice_fee", KR, "lease"),
    ("Miljoegebyr", "Miljøgebyr pr. år", "environmental_fee", KR, "input"),
    ("ServiceSH", "Servicepris s/h pr. tryk", "service_bw", KR4, "input"),
    ("ServiceFarve", "Servicepris farve pr. tryk", "service_colour", KR4, "input"),
    ("Serviceloebetid", "Serviceaftalens løbetid (år)", "service_term", NUM, "input"),
    ("Minimumsvolumen", "Minimumsvolumen (s/h tryk pr. år)", "min_volume", INT, "input"),
    ("PrisOverskydende", "Pris pr. overskydende tryk", "excess_price", KR4, "input"),
    ("Kreditering", "Kreditering pr. ubrugt tryk", "unused_credit", KR4, "input"),
    ("Indeksering", "Indeksregulering pr. år", "indexation", PCT, "input"),
    ("IndeksFinansiering", "Indeksregulering af finansiering (1 = ja)", "index_financing", "0", "lease"),
    ("SekundaerPeriode", "Sekundær periode (måneder)", "secondary_months", "0", "input"),
    ("Responstid", "Responstid (timer)", "response_hours", "0", "input"),
    ("Kapacitet", "Kapacitet (tryk pr. år)", "rated_volume", INT, "input"),
)

"""Build the bundled example offers workbook for ``xlkopi compare``.

Run from the repository root::

    python3 workbooks/build_example_offers.py

It writes ``xlkopi/data/compare/Tilbud_eksempel.xlsx``: six offers modelled
on the Ministry of Education's guide (2005) to copier and printer
procurement. The guide's numbers were lost in the transcript, so the price
(100,000 kr) and volumes are illustrative; the terms follow the guide: the
5.1 % five-year quarterly lease with and without a 5 % residual, a
three-year operational lease, a rental with indexed service (the financing
indexed too), an all-in contract with a minimum volume and a cash purchase
with a separate service agreement.

The sheet ``Maskiner`` is the needs analysis (the guide's section 3.3): three fictitious machines with
their meters read a year apart (03-01-2005 and 03-01-2006). They measure 114.500 b/w and 11.000 colour
prints a year, against the 120.000 and 15.000 of ``Behov`` (the reader notes both: the b/w need matches
the measurement within 10 %, the colour need is above it), and two of them run below the guide's 50 % of
their rated volume.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlkopi.compare.needs import MACHINE_COLUMNS  # noqa: E402
from xlkopi.compare.offers import COLUMNS, NEEDS  # noqa: E402
from xlkopi.io.fingerprint import stamp  # noqa: E402

TARGET = ROOT / "xlkopi" / "data" / "compare" / "Tilbud_eksempel.xlsx"

OFFERS = [
    dict(supplier="Nordlys Finans", machine="MFP 45 farve", kind="Finansiel leasing", price=100000,
         rate=0.051, years=5, periods_per_year=4, timing="forud", residual=0,
         service_bw=0.08, service_colour=0.60, service_years=5, indexation=0.02, index_financing="nej",
         response_hours=4, rated_volume=250000),
    dict(supplier="Nordlys Finans", machine="MFP 45 farve (5 % restværdi)", kind="Finansiel leasing", price=100000,
         rate=0.051, years=5, periods_per_year=4, timing="forud", residual=5000,
         service_bw=0.08, service_colour=0.60, service_years=5, indexation=0.02, index_financing="nej",
         response_hours=4, rated_volume=250000),
    dict(supplier="Statens Leasing", machine="MFP 45 farve", kind="Operationel leasing", price=100000,
         rate=0.048, years=3, periods_per_year=4, timing="forud", residual=5000, invoice_fee=25,
         service_bw=0.08, service_colour=0.60, service_years=3, indexation=0.02, index_financing="nej",
         response_hours=4, rated_volume=250000),
    dict(supplier="Kopi-Centret", machine="Farvekopi 5000", kind="Lejeaftale", price=98000,
         leasingsats=0.058, years=5, periods_per_year=4, timing="forud", residual=0, invoice_fee=35,
         environmental_fee=600, service_bw=0.085, service_colour=0.65, service_years=5, indexation=0.03,
         index_financing="ja", secondary_months=6, response_hours=8, rated_volume=250000),
    dict(supplier="PrintPartner", machine="All-in 60 farve", kind="All-in", price=110000,
         rate=0.06, years=6, periods_per_year=4, timing="forud", residual=0,
         service_bw=0.08, service_colour=0.60, min_volume=100000, indexation=0.02, index_financing="nej",
         response_hours=8, rated_volume=400000),
    dict(supplier="Kontorhuset", machine="MFP 45 farve (kontant)", kind="Kontant køb", price=92000,
         establishment_fee=1500, service_bw=0.09, service_colour=0.65, service_years=5, min_volume=100000,
         unused_credit=0.05, indexation=0.02, response_hours=4, rated_volume=250000),
]

NEEDS_VALUES = {
    "bw": 120000,
    "colour": 15000,
    "colour_growth": 0.10,
    "horizon": 5,
    "discount_rate": 0.04,
    "start": dt.date(2006, 1, 1),
}


READ_1, READ_2 = dt.date(2005, 1, 3), dt.date(2006, 1, 3)
MACHINES = [
    dict(location="Kontoret", model="MFP 35 farve", bw_first=412300, colour_first=21400, first=READ_1,
         bw_second=470800, colour_second=32400, second=READ_2, rated_volume=120000),
    dict(location="Lærerværelset", model="Kopi 50 s/h", bw_first=1204000, first=READ_1, bw_second=1251500,
         second=READ_2, rated_volume=120000),
    dict(location="Biblioteket", model="Laser 20 s/h", bw_first=88000, first=READ_1, bw_second=96500,
         second=READ_2, rated_volume=30000),
]


def build(target: Path = TARGET) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilbud"
    for j, (_, label) in enumerate(COLUMNS, start=1):
        c = ws.cell(1, j, label)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[c.column_letter].width = max(12, min(len(label) + 2, 30))
    for i, offer in enumerate(OFFERS, start=2):
        for j, (attr, _) in enumerate(COLUMNS, start=1):
            value = offer.get(attr)
            if value is not None:
                cell = ws.cell(i, j, value)
                if isinstance(value, str):
                    cell.data_type = "s"
    needs = wb.create_sheet("Behov")
    needs.append(["Felt", "Værdi"])
    needs["A1"].font = needs["B1"].font = Font(bold=True)
    for attr, label in NEEDS:
        needs.append([label, NEEDS_VALUES[attr]])
    needs["B7"].number_format = "dd-mm-yyyy"
    needs.column_dimensions["A"].width = 26
    needs.column_dimensions["B"].width = 14
    machines = wb.create_sheet("Maskiner")
    machines.append([label for _, label in MACHINE_COLUMNS])
    for j, (_, label) in enumerate(MACHINE_COLUMNS, start=1):
        c = machines.cell(1, j)
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        machines.column_dimensions[c.column_letter].width = max(14, min(len(label) + 2, 26))
    for m in MACHINES:
        machines.append([m.get(attr) for attr, _ in MACHINE_COLUMNS])
        for c in machines[machines.max_row]:
            if isinstance(c.value, dt.date):
                c.number_format = "dd-mm-yyyy"
            elif isinstance(c.value, int):
                c.number_format = "#,##0"
    stamp(wb, "xlkopi build_example_offers")
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


if __name__ == "__main__":
    print(build())

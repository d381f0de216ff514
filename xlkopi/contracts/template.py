"""The blank register of existing contracts (``xlkopi kontrakter --skabelon``) and the bundled example.

Sheet Vejledning says what each column holds and how to write it; sheet Kontrakter has the headers
(DOMAIN.md's terms, as :data:`xlkopi.contracts.register.COLUMNS`), drop-downs for the financing form,
the terms per year and forud/bagud, Danish number and date formats, and room for 500 contracts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.kinds import LABELS, LEASE_KINDS
from ..io.atomic import save_workbook_atomic
from .register import COLUMNS, SHEET

ROWS = 500
KR = "#,##0.00"
HELP = {
    "supplier": "Leasinggiver eller udlejer, fx Nordlys Finans.",
    "number": "Aftalens nummer hos leverandøren; bruges også ved --tilkoeb.",
    "kind": "Vælg på listen: " + ", ".join(LABELS[k] for k in LEASE_KINDS) + ".",
    "price": "Udstyrets kontantpris i kr, fx 100.000.",
    "rate": "Nominel årlig rente, fx 5,1 %. Kan udelades, hvis ydelsen er udfyldt: så beregnes renten.",
    "payment": "Ydelsen pr. termin i kr uden service, fx 5.406,21. Kan udelades, hvis renten er udfyldt.",
    "periods_per_year": "1, 2, 4 (kvartalsvis, standard) eller 12.",
    "years": "Den primære løbetid i år (5) eller måneder ('60 mdr.').",
    "start": "Datoen for første termin, dd-mm-åååå.",
    "in_advance": "forud (standard) eller bagud.",
    "residual": "Restværdi i kr, der betales ved udløb (standard 0).",
    "service_per_period": "Lejeaftaler: serviceydelsen pr. termin i kr (standard 0).",
    "secondary_months": "Antal måneder, aftalen automatisk forlænges, hvis den ikke opsiges skriftligt (0 = ingen).",
    "notice_months": "Opsigelsesvarslet i måneder før udløb (0 = kan opsiges til udløbsdagen).",
    "machines": "Antal maskiner på aftalen.",
    "location": "Hvor maskinerne står.",
    "notice_given": "Datoen for den skriftlige opsigelse, dd-mm-åååå, når aftalen er opsagt (tom = ikke opsagt). "
                    "Opsagt senest på sidste dag for opsigelse slutter aftalen ved udløb; senere opsigelse stopper "
                    "ikke den sekundære periode.",
}
_FORMATS = {"price": KR, "payment": KR, "residual": KR, "service_per_period": KR, "rate": "0.00%",
            "start": "dd-mm-yyyy", "notice_given": "dd-mm-yyyy", "periods_per_year": "0", "secondary_months": "0",
            "notice_months": "0", "machines": "0"}

# The bundled example: fictitious suppliers, contracts that show every status and red flag at the end of 2026.
EXAMPLE = (
    ("Nordlys Finans", "NF-4471", "Finansiel leasing", 100000, Decimal("0.051"), None, 4, 5,
     dt.date(2023, 1, 1), "forud", 5000, 0, 6, 3, 4, "Rådhuset"),
    ("Statens Leasing", "SL-2024-118", "Operationel leasing", 60000, None, Decimal("5450.00"), 4, 3,
     dt.date(2024, 4, 1), "forud", 0, 0, 3, 3, 2, "Skolen"),
    ("Kopi-Centret", "KC-77", "Lejeaftale", 45000, Decimal("0.06"), None, 12, 4,
     dt.date(2022, 2, 1), "bagud", 0, 650, 12, 6, 3, "Biblioteket"),
    ("PrintPartner", "PP-1203", "Finansiel leasing", 250000, Decimal("0.045"), None, 4, 6,
     dt.date(2021, 7, 1), "forud", 25000, 0, 12, 3, 10, "Forvaltningen"),
    ("Kontorhuset", "KH-9", "Finansiel leasing", 80000, Decimal("0.05"), Decimal("4590.00"), 4, 5,
     dt.date(2022, 3, 1), "forud", 4000, 0, 12, 3, 3, "Børnehuset Solsikken"),
    ("Nordlys Finans", "NF-3310", "Finansiel leasing", 70000, Decimal("0.049"), None, 4, 4,
     dt.date(2023, 6, 1), "forud", 0, 0, 6, 3, 2, "Ungdomsskolen", dt.date(2026, 10, 15)),
)


def register_workbook(rows=()) -> Workbook:
    """The register as a workbook: instructions, headers, drop-downs, formats, and ``rows`` filled in."""
    wb = Workbook()
    guide = wb.active
    guide.title = "Vejledning"
    guide["A1"] = "Register over eksisterende kontrakter"
    guide["A1"].font = Font(bold=True, size=14)
    guide["A2"] = ("Én række pr. kontrakt i arket Kontrakter. Tal skrives som i dansk Excel (100.000,00; 5,1 %), "
                   "datoer som dd-mm-åååå. Kør derefter: xlkopi kontrakter Kontrakter.xlsx -o Kontraktoversigt.xlsx")
    guide["A2"].alignment = Alignment(wrap_text=True)
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 90
    for i, (attr, header, _how, required) in enumerate(COLUMNS, start=4):
        guide.cell(i, 1, header).font = Font(bold=True)
        guide.cell(i, 2, ("Skal udfyldes. " if required else "") + HELP[attr]).alignment = Alignment(wrap_text=True)

    ws = wb.create_sheet(SHEET)
    fill = PatternFill("solid", fgColor="DDE5F0")
    for j, (attr, header, _how, required) in enumerate(COLUMNS, start=1):
        c = ws.cell(1, j, header)
        c.font, c.fill, c.alignment = Font(bold=True, color="000000" if required else "444444"), fill, Alignment(
            wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = max(11, min(24, len(header) + 2))
        fmt = _FORMATS.get(attr)
        if fmt:
            for r in range(2, ROWS + 2):
                ws.cell(r, j).number_format = fmt
    ws.freeze_panes = "C2"
    letter = {attr: get_column_letter(j) for j, (attr, *_rest) in enumerate(COLUMNS, start=1)}
    kinds = ",".join(LABELS[k] for k in LEASE_KINDS)
    for attr, values, error in (("kind", kinds, "Vælg en finansieringsform på listen"),
                                ("periods_per_year", "1,2,4,12", "Terminer pr. år: 1, 2, 4 eller 12"),
                                ("in_advance", "forud,bagud", "Skriv forud eller bagud")):
        dv = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True, showErrorMessage=True,
                            errorTitle="Ugyldig værdi", error=error)
        dv.add(f"{letter[attr]}2:{letter[attr]}{ROWS + 1}")
        ws.add_data_validation(dv)
    for r, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(r, j, float(value) if isinstance(value, Decimal) else value)
    wb.active = 1
    return wb


def write_register(target: str | Path, rows=(), *, overwrite: bool = False) -> Path:
    """Write the blank register (or one with ``rows``) atomically."""
    return save_workbook_atomic(register_workbook(rows), target, overwrite=overwrite)

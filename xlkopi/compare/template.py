"""The blank offers file (``xlkopi compare --skabelon Tilbud.xlsx``): the workbook a buyer fills in.

Sheets:

``Vejledning``
    What each sheet holds, how each financing form the guide names is entered (which columns apply),
    the units, and how numbers, dates and answers may be written.
``Tilbud``
    The headers of :data:`~xlkopi.compare.fields.OFFER_FIELDS` and one example row per financing form,
    with drop-downs (Finansieringsform, Forud/bagud, Terminer pr. år, the ja/nej columns), number formats,
    a Danish input and error message on every validated cell, a comment on every header, print setup.
``Behov``
    The needs (:data:`~xlkopi.compare.fields.NEED_FIELDS`) as ``Felt | Værdi | Forklaring`` rows with
    example values.
``Maskiner``
    The existing machines' meter readings for the needs analysis (:mod:`xlkopi.compare.needs`).

The examples are fictitious. Their rows are marked: ``Leverandør`` (``Placering`` in Maskiner) starts
with the word ``EKSEMPEL``, and the reader (:func:`xlkopi.compare.offers.is_example`) skips such a row
with a note, so an example left in the file is never compared as if it were an offer. Deleting the word
makes the row a real one; every example row is a valid offer then (the tests hold it so).

Cell validation in the numeric and date columns warns (the user may keep the value: the reader also
accepts ``8 øre``, ``60 mdr.`` or ``5,1 %`` written as text); the drop-downs refuse other values. Every
text comes from the tables here, never from a formula: a value starting with ``=`` is written as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.kinds import KINDS, LABELS
from ..core.vocabulary import COUNT, Quantity, format_number
from ..io.atomic import save_workbook_atomic
from .fields import DATE, INT, KR, KR4, NEED_FIELDS, OFFER_FIELDS
from .needs import MACHINE_COLUMNS, MACHINES_SHEET
from .offers import EXAMPLE_MARK, MAX_MACHINES, MAX_OFFERS, NEEDS_SHEET, OFFERS_SHEET, QUANTITIES

GUIDE_SHEET = "Vejledning"
ROWS = 2 * MAX_OFFERS
"""Rows of the Tilbud sheet under the header that carry the formats and the validation."""
MACHINE_ROWS = MAX_MACHINES
AUTHOR = "xlkopi"

PCT = "0.00##%"
TEXT = "@"
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
EXAMPLE_FILL = PatternFill("solid", fgColor="F2F2F2")
EXAMPLE_FONT = Font(italic=True, color="595959")

ALL = "alle former"
FINANCED = "alle undtagen kontant køb"

# Per column of Tilbud: (the input message, which financing forms it applies to). The message is the
# cell's input message (at most 255 characters); the header's comment adds where it applies.
COLUMN_HELP: dict[str, tuple[str, str]] = {
    "supplier": ("Leverandørens navn, fx Nordlys Finans. Rækker, hvis leverandør begynder med EKSEMPEL, "
                 "springes over.", ALL),
    "machine": ("Maskinens model eller konfiguration, fx MFP 45 farve med efterbehandling.", ALL),
    "kind": ("Vælg på listen: " + ", ".join(LABELS[k] for k in KINDS) + ".", ALL),
    "price": ("Anskaffelsespris (kontantpris) i kr, fx 100.000. I t.kr.: omdøb overskriften til "
              "'Kontantpris (t.kr.)'.", ALL),
    "rate": ("Nominel årlig rente, fx 5,1 %. Udfyld renten eller leasingsatsen, ikke begge.", FINANCED),
    "leasingsats": ("Ydelse pr. termin / kontantpris, fx 5,62 %. Udfyld leasingsatsen eller renten, ikke begge.",
                    FINANCED),
    "years": ("Løbetid i år, fx 5 (eller '60 mdr.'; i måneder: omdøb overskriften til 'Løbetid (mdr.)'). "
              "Vejledningen: finansiel leasing højst 5 år, operationel højst 3 år.", FINANCED),
    "periods_per_year": ("Terminer pr. år: 1, 2, 4 (kvartalsvis, standard) eller 12.", FINANCED),
    "timing": ("forud (standard) eller bagud (standard for banklån).", FINANCED),
    "residual": ("Restværdi i kr, der betales ved udløb (standard 0). Vejledningen: højst 5 % af kontantprisen.",
                 FINANCED),
    "establishment_fee": ("Etableringsgebyr i kr, betales ved start (standard 0).", ALL),
    "invoice_fee": ("Fakturagebyr i kr pr. termin (standard 0).", FINANCED),
    "environmental_fee": ("Miljøgebyr i kr pr. år i serviceaftalens løbetid (standard 0).", ALL),
    "service_bw": ("Servicepris pr. sort/hvid tryk i kr, fx 0,08 (= 8 øre). I øre: skriv '8 øre' eller omdøb "
                   "overskriften til 'Servicepris s/h (øre pr. tryk)'.", ALL),
    "service_colour": ("Servicepris pr. farvetryk i kr, fx 0,60 (= 60 øre). I øre: skriv '60 øre'.", ALL),
    "service_years": ("Serviceaftalens løbetid i år. Tom: finansieringens løbetid (kontant køb: horisonten).",
                      "alle (all-in: finansieringens løbetid)"),
    "min_volume": ("Minimumsvolumen i s/h tryk pr. år, der betales for, også hvis de ikke bruges.",
                   "all-in (kræves) og serviceaftaler med minimum"),
    "excess_price": ("Pris pr. tryk over minimumsvolumen i kr. Tom: fuld klikpris. Vejledningen: den bør kun "
                     "afspejle serviceprisen.", "all-in og serviceaftaler med minimum"),
    "unused_credit": ("Kreditering pr. ubrugt tryk under minimumsvolumen i kr. Tom: ingen kreditering.",
                      "all-in og serviceaftaler med minimum"),
    "indexation": ("Årlig indeksregulering af serviceprisen, fx 2 % (nettoprisindekset).", ALL),
    "index_financing": ("ja, hvis også finansieringen indeksreguleres (ses i lejeaftaler); tom eller nej ellers.",
                        FINANCED),
    "secondary_months": ("Måneder, aftalen forlænges automatisk, hvis den ikke opsiges skriftligt (0 = ingen).",
                         FINANCED),
    "renew": ("Er løbetiden kortere end horisonten: ja (standard) = fornyes på samme vilkår til horisonten; "
              "nej = tilbuddet rangeres ikke.", "alle med kortere løbetid end horisonten"),
    "response_hours": ("Serviceaftalens responstid i timer, fx 4 eller 8. Vejledningen: 4 timer ved én maskine.",
                       ALL),
    "rated_volume": ("Maskinens kapacitet i tryk pr. år efter leverandøren. Vejledningen: maskinen bør ikke køre "
                     "under 50 % af den.", ALL),
    "click_bw": ("All-in som tilbudt: prisen pr. s/h tryk, der dækker finansiering og service. Med klikpris kan "
                 "Kontantpris, Rente og Leasingsats stå tomme; finansieringen i klikprisen beregnes "
                 "((klikpris − servicepris) × minimumsvolumen).", "all-in"),
    "click_colour": ("All-in som tilbudt: prisen pr. farvetryk (tom: Servicepris farve).", "all-in"),
    "settlement_months": ("Hvor ofte minimumsvolumen afregnes, i måneder (tom: 12 = helårligt). Vejledningen: ved "
                          "sæsonudsving er helårlig afregning vigtig, især uden kreditering.",
                          "aftaler med minimumsvolumen"),
}

LISTS: dict[str, str] = {
    "kind": ",".join(LABELS[k] for k in KINDS),
    "timing": "forud,bagud",
    "index_financing": "ja,nej",
    "renew": "ja,nej",
    "periods_per_year": "1,2,4,12",
}
"""The drop-down columns and their values, as a list validation holds them (Terminer pr. år only warns:
'kvartalsvis' is read too). What the reader accepts is the vocabulary's (these words and more)."""

_FORMS = {
    "kontant": "Kontantpris; Rente, Leasingsats, Løbetid, Terminer, Forud/bagud og Restværdi står tomme. Service "
               "som en særskilt serviceaftale: Servicepris s/h og farve, Serviceaftalens løbetid (tom: horisonten), "
               "evt. Minimumsvolumen og Kreditering pr. ubrugt tryk.",
    "banklaan": "Eksternt finansieret køb: Kontantpris (lånebeløbet), Rente (år), Løbetid, Terminer pr. år, "
                "Forud/bagud (tom: bagud). Service som ved kontant køb.",
    "finansiel": "Rente eller Leasingsats (ikke begge), Løbetid (vejledningen: højst 5 år), Terminer, Forud/bagud "
                 "(tom: forud), Restværdi i kr (højst 5 % af kontantprisen), Sekundær periode, hvis aftalen "
                 "forlænges automatisk. Uopsigelig.",
    "operationel": "Som finansiel leasing; vejledningen: højst 3 år, kan opsiges efter 24 måneder. Er løbetiden "
                   "kortere end horisonten, så angiv Fornyelse.",
    "leje": "Finansiel leasing + service: Rente eller Leasingsats for finansieringen, Servicepris for servicen, "
            "Indeksregulering pr. år, og Indeksregulering af finansiering = ja, hvis også ydelsen reguleres.",
    "allin": "Én pris pr. tryk, som tilbudt: Klikpris s/h og farve, Minimumsvolumen (kræves), Afregningsperiode, "
             "Pris overskydende tryk (bør kun være serviceprisen), Kreditering pr. ubrugt tryk, Løbetid og "
             "Servicepris s/h (serviceandelen af klikprisen). Kontantpris, Rente eller Leasingsats kan angives i "
             "stedet for eller ud over klikprisen; klikprisen = årlig ydelse / minimumsvolumen + servicepris.",
}

# The fictitious examples, one per financing form (attribute -> cell value); every one a valid offer.
EXAMPLE_OFFERS: tuple[dict[str, object], ...] = (
    dict(supplier=f"{EXAMPLE_MARK} Kontorhuset", machine="MFP 45 farve", kind="Kontant køb", price=92000,
         establishment_fee=1500, service_bw=0.09, service_colour=0.65, service_years=5, min_volume=100000,
         unused_credit=0.05, indexation=0.02, response_hours=4, rated_volume=250000),
    dict(supplier=f"{EXAMPLE_MARK} Andelsbanken Midt", machine="MFP 45 farve", kind="Banklån", price=95000,
         rate=0.045, years=5, periods_per_year=12, timing="bagud", service_bw=0.085, service_colour=0.62,
         service_years=5, indexation=0.02, response_hours=4, rated_volume=250000),
    dict(supplier=f"{EXAMPLE_MARK} Nordlys Finans", machine="MFP 45 farve", kind="Finansiel leasing", price=100000,
         rate=0.051, years=5, periods_per_year=4, timing="forud", residual=5000, invoice_fee=25, service_bw=0.08,
         service_colour=0.60, indexation=0.02, index_financing="nej", secondary_months=6, response_hours=4,
         rated_volume=250000),
    dict(supplier=f"{EXAMPLE_MARK} Leasing Øst", machine="MFP 45 farve", kind="Operationel leasing", price=100000,
         rate=0.048, years=3, periods_per_year=4, timing="forud", residual=5000, service_bw=0.08,
         service_colour=0.60, indexation=0.02, renew="ja", response_hours=4, rated_volume=250000),
    dict(supplier=f"{EXAMPLE_MARK} Kopi-Centret", machine="Farvekopi 5000", kind="Lejeaftale", price=98000,
         leasingsats=0.058, years=5, periods_per_year=4, timing="forud", invoice_fee=35, environmental_fee=600,
         service_bw=0.085, service_colour=0.65, indexation=0.03, index_financing="ja", secondary_months=6,
         response_hours=8, rated_volume=250000),
    dict(supplier=f"{EXAMPLE_MARK} PrintPartner", machine="All-in 60 farve", kind="All-in", years=5,
         periods_per_year=4, service_bw=0.08, click_bw=0.33, click_colour=0.95, min_volume=100000,
         excess_price=0.08, unused_credit=0.05, settlement_months=12, indexation=0.02, response_hours=8,
         rated_volume=400000),
)
EXAMPLE_NEEDS: dict[str, object] = {
    "bw": 120000, "colour": 15000, "colour_growth": 0.10, "horizon": 5, "discount_rate": 0.04,
    "start": dt.date(2027, 1, 1),
}
NEED_HELP = {
    "bw": "Forventede sort/hvid tryk pr. år. Tom: summen af de målte maskiner i arket Maskiner.",
    "colour": "Forventede farvetryk i år 1. Tom: summen af de målte maskiner i arket Maskiner.",
    "colour_growth": "Farvevolumenens årlige vækst, fx 10 % (vejledningen: farveforbruget stiger, når det er muligt).",
    "horizon": "Antal år, tilbuddene sammenlignes over (helt tal, højst 15). Sammenlign ved ens løbetid.",
    "discount_rate": "Årlig rente til nutidsværdier, fx 4 %.",
    "start": "Startdato for alle tilbud, dd-mm-åååå.",
}
EXAMPLE_MACHINES: tuple[dict[str, object], ...] = (
    dict(location=f"{EXAMPLE_MARK} Administrationen", model="MFP 30 farve", bw_first=120000, colour_first=8000,
         first=dt.date(2025, 1, 6), bw_second=190000, colour_second=20000, second=dt.date(2026, 1, 6),
         rated_volume=100000),
    dict(location=f"{EXAMPLE_MARK} Lærerværelset", model="Laser 40 s/h", bw_first=310000, first=dt.date(2025, 1, 6),
         bw_second=360000, second=dt.date(2026, 1, 6), rated_volume=150000),
)
"""Two machines a year apart: 70.000 + 50.000 s/h and 12.000 farvetryk a year; the second at 33 % of its capacity."""
MACHINE_HELP = {
    "location": "Hvor maskinen står. Rækker, hvis placering begynder med EKSEMPEL, springes over.",
    "model": "Maskinens model.",
    "bw_first": "Tællerens sort/hvid-stand ved første aflæsning.",
    "colour_first": "Farvetællerens stand ved første aflæsning (tom: ingen farvetæller).",
    "first": "Datoen for første aflæsning, dd-mm-åååå.",
    "bw_second": "Sort/hvid-stand ved anden aflæsning (helst et år efter den første).",
    "colour_second": "Farvetællerens stand ved anden aflæsning.",
    "second": "Datoen for anden aflæsning, dd-mm-åååå (efter dato 1).",
    "rated_volume": "Den volumen, leverandøren angiver maskinen til, i tryk pr. år. Vejledningen: ikke under 50 %.",
}


# ----------------------------------------------------------------------------- cells

def _value(cell, value) -> None:
    """A value in a cell: text always as text (never a formula), a Decimal as a number."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.value = float(value)
    else:
        cell.value = value


def _format(attr: str, q: Quantity | None) -> str:
    """The number format of a column: kr (4 decimals per print), percent, whole prints, text for the lists."""
    if attr == "periods_per_year":
        return "0"
    if q is None:
        return TEXT
    if q.unit == "kr":
        return KR4 if q.high is not None and q.high <= 20 else KR
    if q.unit == "%":
        return PCT
    if q.unit == "år":
        return "General"
    return INT if q is COUNT else "0"


def _range_text(q: Quantity) -> str:
    """`` mellem 0 og 20 kr``: the plausible range as a message names it ('' when unbounded)."""
    if q.low is None or q.high is None:
        return ""
    if q.unit == "%":
        return f" mellem {format_number(q.low * 100)} % og {format_number(q.high * 100)} %"
    unit = f" {q.unit}" if q.unit in ("kr", "år") else ""
    return f" mellem {format_number(q.low)} og {format_number(q.high)}{unit}"


def _validation(attr: str, q: Quantity | None, title: str, prompt: str) -> DataValidation:
    """The cell validation of a column: a drop-down, a number range or a text length, with its messages."""
    if attr in LISTS:
        words = LISTS[attr]
        dv = DataValidation(type="list", formula1=f'"{words}"',
                            errorStyle="warning" if attr == "periods_per_year" else "stop",
                            error="Vælg en værdi på listen: " + words.replace(",", ", ") + ".")
    elif q is None:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", error="Højst 200 tegn.")
    else:
        low = "-1000000000000" if q.low is None else format(q.low, "f")
        high = "1000000000000" if q.high is None else format(q.high, "f")
        dv = DataValidation(type="whole" if q.whole else "decimal", operator="between", formula1=low, formula2=high,
                            errorStyle="warning",
                            error=f"Skal være {q.noun}{' (et helt tal)' if q.whole else ''}{_range_text(q)}. "
                                  "Er værdien skrevet som tekst, fx '8 øre' eller '60 mdr.', så vælg Ja for at "
                                  "beholde den.")
    dv.showInputMessage = dv.showErrorMessage = True
    dv.allow_blank = True
    dv.promptTitle, dv.prompt = title[:32], prompt
    dv.errorTitle = "Ugyldig værdi"
    return dv


def _header(ws, col: int, text: str, note: str, width: float) -> None:
    c = ws.cell(1, col)
    _value(c, text)
    c.font, c.fill = Font(bold=True), HEAD_FILL
    c.alignment = Alignment(wrap_text=True, vertical="top")
    comment = Comment(note, AUTHOR)
    comment.width, comment.height = 320, 140
    c.comment = comment
    ws.column_dimensions[get_column_letter(col)].width = width


def _page(ws, title_rows: str, pages_wide: int = 1, title_cols: str | None = None) -> None:
    """Landscape A4, fitted to ``pages_wide`` pages' width, the header row (and ``title_cols``) on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Side &P af &N"


def _rows(ws, rows: Iterable[Mapping[str, object]], attrs: list[str]) -> None:
    for r, data in enumerate(rows, start=2):
        example = any(isinstance(v, str) and v.startswith(EXAMPLE_MARK) for v in data.values())
        for j, attr in enumerate(attrs, start=1):
            c = ws.cell(r, j)
            if data.get(attr) is not None:
                _value(c, data[attr])
            if example:
                c.fill, c.font = EXAMPLE_FILL, EXAMPLE_FONT


# ----------------------------------------------------------------------------- sheets

def _offers_sheet(ws, offers: Iterable[Mapping[str, object]]) -> None:
    attrs = [f.column for f in OFFER_FIELDS]
    for j, f in enumerate(OFFER_FIELDS, start=1):
        prompt, applies = COLUMN_HELP[f.column]
        q = QUANTITIES.get(f.column)
        _header(ws, j, f.header, f"{prompt}\nGælder: {applies}.",
                max(13 if q is not None or j > 3 else 20, 3 + 1.1 * max(map(len, f.header.split()))))
        fmt = _format(f.column, q)
        letter = get_column_letter(j)
        for r in range(2, ROWS + 2):
            ws.cell(r, j).number_format = fmt
        dv = _validation(f.column, q, f.header, prompt)
        dv.add(f"{letter}2:{letter}{ROWS + 1}")
        ws.add_data_validation(dv)
    ws.column_dimensions["A"].width = 28
    ws.row_dimensions[1].height = 58
    _rows(ws, offers, attrs)
    ws.freeze_panes = "C2"
    _page(ws, "1:1", pages_wide=2, title_cols="A:A")   # 25 columns on one page would print at a third of the size


_NEED_FORMATS = {"bw": INT, "colour": INT, "colour_growth": PCT, "horizon": "0", "discount_rate": PCT,
                 "start": DATE}


def _needs_sheet(ws, needs: Mapping[str, object]) -> None:
    for j, (text, note, width) in enumerate((
            ("Felt", "Behovets felter; lad navnene stå.", 30),
            ("Værdi", "Institutionens behov: det fælles grundlag, alle tilbud sammenlignes på.", 16),
            ("Forklaring", "Læses ikke af xlkopi.", 80)), start=1):
        _header(ws, j, text, note, width)
    for i, f in enumerate(NEED_FIELDS, start=2):
        _value(ws.cell(i, 1, None), f.header)
        ws.cell(i, 1).font = Font(bold=True)
        c = ws.cell(i, 2)
        if needs.get(f.attr) is not None:
            _value(c, needs[f.attr])
        c.number_format = _NEED_FORMATS.get(f.attr, "General")
        _value(ws.cell(i, 3), NEED_HELP[f.attr])
        ws.cell(i, 3).alignment = Alignment(wrap_text=True, vertical="top")
        if f.attr == "start":
            dv = _date_validation(f.header, NEED_HELP[f.attr])
        else:
            dv = _validation(f.attr, QUANTITIES[f.attr], f.header, NEED_HELP[f.attr])
            if f.attr == "horizon":
                dv.formula1, dv.formula2 = "1", "15"
                dv.type = "whole"
                dv.error = "Horisonten skal være et helt antal år mellem 1 og 15."
        dv.add(f"B{i}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    _page(ws, "1:1")
    ws.page_setup.orientation = "portrait"


def _date_validation(title: str, prompt: str) -> DataValidation:
    dv = DataValidation(type="date", operator="between", formula1="36526", formula2="73050", errorStyle="warning",
                        error="Skal være en dato mellem 01-01-2000 og 31-12-2099, skrevet dd-mm-åååå.")
    dv.showInputMessage = dv.showErrorMessage = True
    dv.allow_blank = True
    dv.promptTitle, dv.prompt, dv.errorTitle = title[:32], prompt, "Ugyldig dato"
    return dv


def _machines_sheet(ws, machines: Iterable[Mapping[str, object]]) -> None:
    attrs = [attr for attr, _ in MACHINE_COLUMNS]
    for j, (attr, header) in enumerate(MACHINE_COLUMNS, start=1):
        _header(ws, j, header, MACHINE_HELP[attr], 26 if attr in ("location", "model") else 16)
        letter = get_column_letter(j)
        span = f"{letter}2:{letter}{MACHINE_ROWS + 1}"
        if attr in ("first", "second"):
            fmt, dv = DATE, _date_validation(header, MACHINE_HELP[attr])
        elif attr in ("location", "model"):
            fmt, dv = TEXT, _validation(attr, None, header, MACHINE_HELP[attr])
        else:
            fmt, dv = INT, _validation(attr, COUNT, header, MACHINE_HELP[attr])
        for r in range(2, MACHINE_ROWS + 2):
            ws.cell(r, j).number_format = fmt
        dv.add(span)
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 45
    _rows(ws, machines, attrs)
    ws.freeze_panes = "B2"
    _page(ws, "1:1")


def _guide_sheet(ws) -> None:
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    lines: list[tuple[str, str]] = [
        ("Tilbud på kopimaskiner og printere", ""),
        ("", "Udfyld arkene Tilbud og Behov (og evt. Maskiner), og kør derefter: "
             "xlkopi compare Tilbud.xlsx -o Sammenligning.xlsx. Sammenligningen regner alle tilbud på samme "
             "behov og horisont (Undervisningsministeriets vejledning om køb, leje og leasing af kopimaskiner og "
             "printere: sammenlign ved ens løbetid og restværdi)."),
        ("Arkene", ""),
        (OFFERS_SHEET, "Én række pr. tilbud under overskrifterne. Kolonner, xlkopi ikke kender (fx Bemærkninger), "
                       "springes over med en bemærkning. Højst " + str(MAX_OFFERS) + " tilbud pr. fil."),
        (NEEDS_SHEET, "Institutionens behov (Felt | Værdi): volumen, farvevækst, horisont, diskonteringsrente og "
                      "startdato. Felterne er udfyldt med eksempler: ret dem."),
        (MACHINES_SHEET, "Valgfrit: behovsanalysen. Én række pr. eksisterende maskine med to aflæsninger af "
                         "tællerne. Årsvolumen = (målerstand 2 − målerstand 1) × 365 / dage mellem aflæsningerne, "
                         "afrundet til hele tryk. Står Sort/hvid tryk pr. år eller Farvetryk pr. år tom i Behov, "
                         "bruges summen af de målte maskiner; ellers sammenlignes de. En maskine bør ikke køre "
                         "under 50 % af sin kapacitet."),
        ("Eksempler", f"Rækker, hvis Leverandør (i Maskiner: Placering) begynder med ordet {EXAMPLE_MARK}, er "
                      "opdigtede eksempler, der viser hver finansieringsform. De springes over med en bemærkning "
                      f"og sammenlignes aldrig. Slet rækkerne, eller slet ordet {EXAMPLE_MARK} for at bruge dem."),
        ("Tal, datoer og svar", ""),
        ("Beløb", "I kr som i dansk Excel: 180.000 eller 180.000,00 (også '180.000 kr'). En enhed i overskriften "
                  "omregner kolonnen: 'Kontantpris (t.kr.)' = 180 er 180.000 kr."),
        ("Pris pr. tryk", "I kr med op til 4 decimaler: 0,0800 kr. Må angives i øre: skriv '8 øre', eller omdøb "
                          "overskriften til fx 'Servicepris s/h (øre pr. tryk)' og skriv 8."),
        ("Procent", "5,1 % eller 0,051. Cellerne er formateret som procent: skriv 5,1, så bliver det 5,1 %."),
        ("Løbetid", "I år (5) eller måneder som tekst ('60 mdr.'), eller omdøb overskriften til 'Løbetid (mdr.)'."),
        ("Antal tryk", "Hele tal: 120.000."),
        ("Datoer", "dd-mm-åååå (01-01-2027), også dd.mm.åååå, d/m-åååå og åååå-mm-dd."),
        ("Ja/nej", "ja eller nej (også x, SAND og FALSK)."),
        ("Finansieringsformerne", "Hvad der udfyldes for hver form (vælg formen i kolonnen Finansieringsform)."),
    ]
    lines += [(LABELS[k], _FORMS[k]) for k in KINDS]
    lines.append(("Kolonnerne i Tilbud", "Hvad hver kolonne betyder, og hvilke former den gælder for (se også "
                                         "kommentaren på overskriften)."))
    lines += [(f.header, f"{COLUMN_HELP[f.column][0]} Gælder: {COLUMN_HELP[f.column][1]}.") for f in OFFER_FIELDS]
    for i, (a, b) in enumerate(lines, start=1):
        ca, cb = ws.cell(i, 1), ws.cell(i, 2)
        for cell, text in ((ca, a), (cb, b)):
            if text:
                _value(cell, text)
        ca.alignment = cb.alignment = Alignment(wrap_text=i > 1, vertical="top")
        if not b or a in ("Arkene", "Tal, datoer og svar", "Finansieringsformerne", "Kolonnerne i Tilbud"):
            ca.font = Font(bold=True, size=14 if i == 1 else 12)
        else:
            ca.font = Font(bold=True)
        if b:
            ws.row_dimensions[i].height = 15 * max(1, -(-len(b) // 95))
    _page(ws, "1:1")
    ws.page_setup.orientation = "portrait"


def template_workbook(offers: Iterable[Mapping[str, object]] = EXAMPLE_OFFERS,
                      needs: Mapping[str, object] = EXAMPLE_NEEDS,
                      machines: Iterable[Mapping[str, object]] = EXAMPLE_MACHINES) -> Workbook:
    """The offers workbook to fill in; ``offers``, ``needs`` and ``machines`` (attribute -> value) filled in."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    _guide_sheet(guide)
    _offers_sheet(wb.create_sheet(OFFERS_SHEET), offers)
    _needs_sheet(wb.create_sheet(NEEDS_SHEET), needs)
    _machines_sheet(wb.create_sheet(MACHINES_SHEET), machines)
    wb.active = 1
    return wb


def write_template(target: str | Path, *, overwrite: bool = False, **rows) -> Path:
    """Write the blank offers file atomically; never over an existing file unless ``overwrite``.

    ``rows`` are :func:`template_workbook`'s ``offers``, ``needs`` and ``machines`` (default: the examples).
    """
    return save_workbook_atomic(template_workbook(**rows), target, overwrite=overwrite)

"""One sheet per offer: derived quantities, results, the payment schedule and the year table.

Layout (rows): the Beregning block (columns A-F) and the Resultat block
(G-K) from row 4, the year table from row 21 (one row per year of
:attr:`Comparison.year_rows <xlkopi.compare.model.Comparison.year_rows>`),
the schedule (Ydelsesplan) three rows below the year table's total.
Every figure is a formula over the Forudsætninger names and the names
the sheet defines itself (``T1_Ydelse``, ``T1_PlanYdelse``, ``T1_AarNr``, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..coverage import OWNED
from ..fields import DATE, INT, KR, KR4, NUM, PCT, PCT4
from ..model import OfferResult
from ..offers import KIND_LABELS, Offer
from .state import Writer
from .style import BOLD, BOX, FACTOR, TITLE, WRAP, head, merge, page, put, set_style, text_cell

# (label, formula, number format, name suffix): a row of the Beregning and Resultat blocks
_Item = tuple[str, str | None, str | None, str | None]

_WIDTHS = {"A": 10, "B": 12, "C": 10, "D": 12, "E": 14, "F": 15, "G": 14, "H": 16, "I": 14, "J": 15,
           "K": 17, "L": 15, "M": 15, "N": 11, "O": 12, "P": 15}


def safe_sheet_title(key: str, supplier: str, taken: set[str]) -> str:
    """``"T1 Supplier"`` without the characters Excel forbids, at most 31 characters, unique."""
    clean = re.sub(r"[\[\]:*?/\\']", "", supplier).strip()
    clean = re.sub(r"\s+", " ", clean)
    title = f"{key} {clean}".strip()[:31].rstrip()
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


@dataclass(frozen=True)
class _Rows:
    """Where the blocks of one offer sheet are (row numbers)."""

    calc_top: int   # header row of the Beregning and Resultat blocks
    year_top: int   # header row of the year table
    y_first: int    # its first and last year
    y_last: int
    y_total: int    # its totals over the horizon
    plan_top: int   # header row of the schedule
    p_first: int    # its first payment
    p_res: int      # its residual row
    p_total: int    # its totals

    @classmethod
    def of(cls, n: int, year_rows: int) -> _Rows:
        """The layout of a sheet with ``n`` regular payments and ``year_rows`` years."""
        year_top = 21
        y_first, y_last = year_top + 1, year_top + year_rows
        y_total = y_last + 1
        plan_top = y_total + 3
        p_reg_last = plan_top + n
        p_res = p_reg_last + 1
        return cls(calc_top=4, year_top=year_top, y_first=y_first, y_last=y_last, y_total=y_total,
                   plan_top=plan_top, p_first=plan_top + 1, p_res=p_res, p_total=p_res + 1)


def write_offer_sheet(w: Writer, ws, r: OfferResult) -> None:
    """Write offer ``r``'s sheet ``ws`` and record its layout in ``w.layout``."""
    o, k = r.offer, r.key
    rows = _Rows.of(o.n, w.comp.year_rows)
    text_cell(ws["A1"], f"{k}: {o.supplier}" + (f" – {o.machine}" if o.machine else ""))
    ws["A1"].font = TITLE
    text_cell(ws["A2"], f"{KIND_LABELS[o.kind]}. Beløb i kr; formlerne bruger de definerede navne fra arket "
                        f"Forudsætninger ({k}_...).")
    _block(w, ws, rows.calc_top, 1, 4, "Beregning", _calculation(o, k) + _coverage(o, k), k)
    if o.has_schedule:
        _schedule(w, ws, o, k, rows)
    _year_table(w, ws, o, k, rows)
    _block(w, ws, rows.calc_top, 7, 3, "Resultat", _results(k, o.has_schedule, rows.y_total), k)
    for letter, width in _WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    page(ws, landscape=True, title_rows="1:2")
    w.layout[k] = {"year_top": rows.year_top, "plan_top": rows.plan_top, "y_first": rows.y_first,
                   "y_last": rows.y_last}


def _block(w: Writer, ws, top: int, col: int, span: int, title: str, items: list[_Item], k: str) -> None:
    """A block of ``label | value | name`` rows; the label spans ``span`` merged columns."""
    head(ws, top, [title] + [""] * (span - 1) + ["Værdi", "Navn"], col=col)
    merge(ws, top, col, top, col + span - 1)
    for i, (label, formula, fmt, suffix) in enumerate(items):
        row = top + 1 + i
        for j in range(span + 2):
            set_style(ws.cell(row, col + j), border=BOX)
        set_style(text_cell(ws.cell(row, col), label), alignment=WRAP)
        merge(ws, row, col, row, col + span - 1)
        if formula is not None:
            put(ws, row, col + span, formula, fmt, bold=suffix in ("Total", "NV"))
        if suffix:
            text_cell(ws.cell(row, col + span + 1), f"{k}_{suffix}")
            ref = f"${get_column_letter(col + span)}${row}"
            w.name(f"{k}_{suffix}", ws, ref)


def _calculation(o: Offer, k: str) -> list[_Item]:
    """The derived quantities (Beregning): the schedule's terms, rate and payment."""
    if o.kind == "allin" and not o.has_schedule:   # as quoted: click prices, no schedule
        return [("All-in som tilbudt: klikprisen dækker finansiering og service; ingen ydelsesplan.", None, None,
                 None),
                ("Klikpris s/h (som tilbudt)", f"={k}_KlikprisSH", KR4, "Klikpris"),
                _implied(k)]
    if not o.has_schedule:
        return [("Kontant køb: prisen betales ved start; service efter særskilt aftale.", None, None, None)]
    n = o.n
    calc: list[_Item] = [
        ("Antal terminer", f"=ROUND({k}_Loebetid*{k}_Terminer,0)", "0", "Antal"),
        ("Rente (anvendt)", f"=IF(ISNUMBER({k}_Rente),{k}_Rente,RATE({k}_Antal,"
                            f"-{k}_Leasingsats*{k}_Kontantpris,"
                            f"{k}_Kontantpris,-{k}_Restvaerdi,{k}_Forud)*{k}_Terminer)", PCT4, "RenteAnvendt"),
        ("Periodens rente", f"={k}_RenteAnvendt/{k}_Terminer", PCT4, "i"),
        ("Måneder pr. termin", f"=12/{k}_Terminer", "0", "Mdr"),
        ("Terminsydelse", f"=ROUND(PMT({k}_i,{k}_Antal,-{k}_Kontantpris,{k}_Restvaerdi,{k}_Forud),2)", KR,
         "Ydelse"),
        ("Renter i restværdiens termin", f"=IF({k}_Forud=1,ROUND({k}_Restvaerdi*{k}_i/(1+{k}_i),2),0)", KR,
         "RVRenter"),
    ]
    if o.kind == "allin":
        calc.append(("Klikpris s/h ud fra finansieringen (ydelse × terminer / minimum + service)",
                     f"={k}_Ydelse*{k}_Terminer/{k}_Minimumsvolumen+{k}_ServiceSH", KR4, "KlikprisBeregnet"))
        calc.append(("Klikpris s/h (som tilbudt, ellers ud fra finansieringen)",
                     f"=IF(ISNUMBER({k}_KlikprisSH),{k}_KlikprisSH,{k}_KlikprisBeregnet)", KR4, "Klikpris"))
        calc.append(_implied(k))
    calc.append(("Kontrol af planens længde",
                 f'=IF({k}_Antal={n},"OK","Løbetid eller terminer ændret: dan projektmappen igen")', None,
                 None))
    return calc


def _implied(k: str) -> _Item:
    """The financing inside an all-in click price, by the guide's formula turned round (kr a year)."""
    return ("Finansiering i klikprisen pr. år ((klikpris − servicepris) × minimum)",
            f"=ROUND(({k}_Klikpris-{k}_ServiceSH)*{k}_Minimumsvolumen,2)", KR, "ImplicitFinansiering")


def colour_price(o: Offer, k: str) -> str:
    """The price of a colour print: an all-in offer's colour click price when quoted, else the service price."""
    if o.kind == "allin":
        return f"IF(ISNUMBER({k}_KlikprisFarve),{k}_KlikprisFarve,{k}_ServiceFarve)"
    return f"{k}_ServiceFarve"


def service_bw(o: Offer, k: str, prints: str, index: str) -> str:
    """A service year's b/w cost for ``prints`` b/w prints at the year's ``index`` factor (formula text).

    All-in: the minimum at the click price, the prints above it at the excess price (blank: the click price),
    less the credit for unused prints; the click price is not indexed. Otherwise the service price on the
    larger of prints and minimum, less the credit, indexed. The year table and Følsomhed both use it.
    """
    if o.kind == "allin":
        return (f"ROUND({k}_Klikpris*{k}_Minimumsvolumen,2)"
                f"+ROUND(MAX({prints}-{k}_Minimumsvolumen,0)*IF(ISNUMBER({k}_PrisOverskydende),"
                f"{k}_PrisOverskydende,{k}_Klikpris),2)"
                f"-ROUND(MAX({k}_Minimumsvolumen-{prints},0)*N({k}_Kreditering),2)")
    return (f"ROUND((MAX({prints},{k}_Minimumsvolumen)*{k}_ServiceSH"
            f"-MAX({k}_Minimumsvolumen-{prints},0)*N({k}_Kreditering))*{index},2)")


def service_colour(o: Offer, k: str, prints: str, index: str) -> str:
    """A service year's colour cost for ``prints`` colour prints (formula text), indexed."""
    return f"ROUND({prints}*{colour_price(o, k)}*{index},2)"


def _service_any(o: Offer, k: str) -> str:
    """The offer has service to cover (as :func:`xlkopi.compare.model.has_service`)."""
    if o.kind == "allin":
        return "TRUE"
    return f"OR({k}_ServiceSH>0,{k}_ServiceFarve>0,{k}_Minimumsvolumen>0,{k}_Miljoegebyr>0)"


def _coverage(o: Offer, k: str) -> list[_Item]:
    """Equal coverage (:mod:`xlkopi.compare.coverage`): the years covered, the renewals, whether it is ranked."""
    svc = _service_any(o, k)
    leased = o.kind not in OWNED
    if leased:
        covered = f"=IF({svc},MIN({k}_Loebetid,{k}_Serviceloebetid),{k}_Loebetid)"
        whole = f"IF(AND({k}_Loebetid<Horisont,MOD({k}_Loebetid,1)<>0),0,1)"
        renew_fin = f"=IF(AND({k}_Rangeres=1,{k}_Fornyelse=1,{k}_Loebetid<Horisont),1,0)"
    else:
        covered = f"=IF({svc},{k}_Serviceloebetid,Horisont)"
        whole = "1"
        renew_fin = "=0"
    return [
        ("Dækning uden fornyelse (år)", covered, NUM, "Daekning"),
        ("Rangeres (1 = dækker horisonten, evt. fornyet)",
         f"=IF({k}_Daekning>=Horisont,1,IF({k}_Fornyelse<>1,0,{whole}))", "0", "Rangeres"),
        ("Kontrakten fornyes (1 = ja)", renew_fin, "0", "FornyFin"),
        ("Servicen fortsætter (1 = ja)",
         f"=IF(AND({k}_Rangeres=1,{k}_Fornyelse=1,{svc},{k}_Serviceloebetid<Horisont),1,0)", "0", "FornyService"),
    ]


def _schedule(w: Writer, ws, o: Offer, k: str, rows: _Rows) -> None:
    """The payment schedule (Ydelsesplan): ``n`` regular rows, the residual row, the totals and the ÅOP flows."""
    n, plan_top = o.n, rows.plan_top
    allin = o.kind == "allin"
    text_cell(ws.cell(plan_top - 1, 1),
              "Ydelsesplan (betalinger på forfaldsdatoen regnes som betalt)").font = BOLD
    head(ws, plan_top, ["Termin", "Dato", "År", "Måned", "Ydelse", "Afdrag", "Renter",
                        "Restforpligtelse", "Fakturagebyr", "Nutidsværdi", "Strøm til ÅOP"])
    for kk in range(1, n + 1):
        _payment_row(ws, k, plan_top + kk, kk, allin)
    _residual_row(ws, k, rows.p_res, allin)
    text_cell(put(ws, rows.p_total, 1, None, bold=True), "I alt")
    for col in (5, 6, 7, 9, 10):
        L = get_column_letter(col)
        put(ws, rows.p_total, col, f"=SUM({L}{rows.p_first}:{L}{rows.p_res})", KR, bold=True)
    for suffix, letter in (("PlanAar", "C"), ("PlanMaaned", "D"), ("PlanDato", "B"), ("PlanYdelse", "E"),
                           ("PlanRestgaeld", "H"), ("PlanGebyr", "I"), ("PlanNV", "J")):
        w.name(f"{k}_{suffix}", ws, f"${letter}${rows.p_first}:${letter}${rows.p_res}")
    _cash_flow(w, ws, k, n, rows)


def _present_value(k: str, rr: int, allin: bool) -> str:
    """Column J of schedule row ``rr``: the payment (indexed when the financing is; none in an all-in
    contract, whose payments are in the click price) and the invoice fee, discounted to the start."""
    fin = f"IF({k}_IndeksFinansiering=1,(1+{k}_Indeksering)^(C{rr}-1),1)"
    pay = "0" if allin else f"E{rr}*{fin}"
    return f"=({pay}+I{rr})*(1+Diskonteringsrente)^(-D{rr}/12)"


def _payment_row(ws, k: str, rr: int, kk: int, allin: bool) -> None:
    """Row ``rr`` of the schedule: regular payment ``kk`` (the last one settles the balance to the residual)."""
    prev = f"{k}_Kontantpris" if kk == 1 else f"H{rr - 1}"
    put(ws, rr, 1, kk)
    put(ws, rr, 2, f"=EDATE(Startdato,D{rr})", DATE)
    put(ws, rr, 3, f"=INT((A{rr}-1)/{k}_Terminer)+1")
    put(ws, rr, 4, f"=(A{rr}-{k}_Forud)*{k}_Mdr")
    put(ws, rr, 5, f"=IF(A{rr}={k}_Antal,ROUND({prev}-({k}_Restvaerdi-{k}_RVRenter)+G{rr},2),"
                   f"{k}_Ydelse)", KR)
    put(ws, rr, 6, f"=ROUND(E{rr}-G{rr},2)", KR)
    put(ws, rr, 7, f"=IF(AND(A{rr}=1,{k}_Forud=1),0,ROUND({prev}*{k}_i,2))", KR)
    put(ws, rr, 8, f"=ROUND({prev}-F{rr},2)", KR)
    put(ws, rr, 9, f"={k}_Fakturagebyr", KR)
    put(ws, rr, 10, _present_value(k, rr, allin), KR)


def _residual_row(ws, k: str, rr: int, allin: bool) -> None:
    """Row ``rr`` of the schedule: the residual value, due at the end of the term (month ``n`` × months per term)."""
    text_cell(put(ws, rr, 1, None), "Restværdi")
    put(ws, rr, 2, f"=EDATE(Startdato,D{rr})", DATE)
    put(ws, rr, 3, f"=ROUNDUP({k}_Antal/{k}_Terminer,0)")
    put(ws, rr, 4, f"={k}_Antal*{k}_Mdr")
    put(ws, rr, 5, f"={k}_Restvaerdi", KR)
    put(ws, rr, 6, f"=ROUND(E{rr}-G{rr},2)", KR)
    put(ws, rr, 7, f"={k}_RVRenter", KR)
    put(ws, rr, 8, f"=ROUND(H{rr - 1}-F{rr},2)", KR)
    put(ws, rr, 9, 0, KR)
    put(ws, rr, 10, _present_value(k, rr, allin), KR)


def _cash_flow(w: Writer, ws, k: str, n: int, rows: _Rows) -> None:
    """Column K of the schedule: the cash flow of periods 0..n, named ``<k>_Betalingsstroem``."""
    # Cash flow per period 0..n for ÅOP: every flow falls on a whole period, so the
    # periodic IRR compounds to the EU CCD Annex I rate (years of 12 equal months).
    for p in range(n + 1):
        rr = rows.p_first + p
        start_flow = f"-{k}_Kontantpris+{k}_Etableringsgebyr+" if p == 0 else ""
        period = f"(A{rr}-1)" if p < n else f"{k}_Antal"  # the residual row: period n
        put(ws, rr, 11, f"={start_flow}SUMIF({k}_PlanMaaned,{period}*{k}_Mdr,{k}_PlanYdelse)"
                        f"+SUMIF({k}_PlanMaaned,{period}*{k}_Mdr,{k}_PlanGebyr)", KR)
    w.name(f"{k}_Betalingsstroem", ws, f"$K${rows.p_first}:$K${rows.p_res}")


def _year_table(w: Writer, ws, o: Offer, k: str, rows: _Rows) -> None:
    """The costs per year (one row per year, the horizon's totals below) and its named columns."""
    year_top, y_first, y_last, y_total = rows.year_top, rows.y_first, rows.y_last, rows.y_total
    text_cell(ws.cell(year_top - 1, 1), "Omkostninger pr. år (service indeksreguleres årligt)").font = BOLD
    head(ws, year_top, ["År", "Fra dato", "I horisont", "Indeksfaktor", "S/h tryk", "Farvetryk",
                        "Finansiering", "Gebyrer", "Service s/h", "Service farve", "I alt",
                        "Nutidsværdi", "Kumuleret", "Kontraktår", "Prisfaktor (fornyelse)",
                        "Nutidsværdi før service"])
    for y in range(1, w.comp.year_rows + 1):
        _year_row(ws, o, k, year_top + y, y)
    text_cell(put(ws, y_total, 1, None, bold=True), "I horisonten")
    for col in (5, 6, 7, 8, 9, 10, 11, 12):
        L = get_column_letter(col)
        put(ws, y_total, col, f"=SUMPRODUCT($C${y_first}:$C${y_last},{L}{y_first}:{L}{y_last})",
            INT if col in (5, 6) else KR, bold=True)
    for suffix, letter in (("AarNr", "A"), ("AarHorisont", "C"), ("AarServiceSH", "I"), ("AarServiceFarve", "J"),
                           ("AarKumuleret", "M"), ("AarIndeks", "D"), ("AarNVFoerService", "P")):
        w.name(f"{k}_{suffix}", ws, f"${letter}${y_first}:${letter}${y_last}")


def _year_row(ws, o: Offer, k: str, rr: int, y: int) -> None:
    """Row ``rr`` of the year table: year ``y``'s prints, costs, present value and running total."""
    has_plan = o.has_schedule
    allin = o.kind == "allin"
    svc = f"OR({k}_FornyService=1,A{rr}-1<{k}_Serviceloebetid)"
    if o.kind in OWNED:
        put(ws, rr, 14, f"=A{rr}")
    else:
        put(ws, rr, 14, f"=IF({k}_FornyFin=1,MOD(A{rr}-1,{k}_Loebetid)+1,A{rr})")
    put(ws, rr, 15, f"=(1+{k}_Indeksering)^(A{rr}-N{rr})", FACTOR)
    put(ws, rr, 1, y)
    put(ws, rr, 2, f"=EDATE(Startdato,12*(A{rr}-1))", DATE)
    put(ws, rr, 3, f"=IF(A{rr}<=Horisont,1,0)")
    put(ws, rr, 4, f"=(1+{k}_Indeksering)^(A{rr}-1)", FACTOR)
    put(ws, rr, 5, "=Behov_SH", INT)
    put(ws, rr, 6, f"=ROUND(Behov_Farve*(1+Farvevaekst)^(A{rr}-1),0)", INT)
    if o.kind == "kontant":
        put(ws, rr, 7, f"=IF(A{rr}=1,{k}_Kontantpris,0)", KR)
    elif allin:
        put(ws, rr, 7, 0, KR)
    else:
        put(ws, rr, 7, f"=ROUND(SUMIF({k}_PlanAar,N{rr},{k}_PlanYdelse)"
                       f"*IF({k}_IndeksFinansiering=1,D{rr},O{rr}),2)", KR)
    plan_fee = f"SUMIF({k}_PlanAar,N{rr},{k}_PlanGebyr)+" if has_plan else ""
    put(ws, rr, 8, f"=ROUND(({plan_fee}IF(N{rr}=1,{k}_Etableringsgebyr,0))*O{rr},2)"
                   f"+IF({svc},{k}_Miljoegebyr,0)", KR)
    put(ws, rr, 9, f"=IF({svc},{service_bw(o, k, f'E{rr}', f'D{rr}')},0)", KR)
    put(ws, rr, 10, f"=IF({svc},{service_colour(o, k, f'F{rr}', f'D{rr}')},0)", KR)
    put(ws, rr, 11, f"=G{rr}+H{rr}+I{rr}+J{rr}", KR)
    plan_pv = f"SUMIF({k}_PlanAar,N{rr},{k}_PlanNV)" if has_plan else "0"
    at_start = f"{k}_Etableringsgebyr" + (f"+{k}_Kontantpris" if o.kind == "kontant" else "")
    # P: the present value of the year's payments and start items (a renewed contract's: the original's at its
    # price factor, moved by its start); L adds the service at the year's end (Følsomhed reuses P)
    put(ws, rr, 16, f"=({plan_pv}+IF(N{rr}=1,{at_start},0))*O{rr}*(1+Diskonteringsrente)^(-(A{rr}-N{rr}))", KR)
    put(ws, rr, 12, f"=ROUND(P{rr}+(I{rr}+J{rr}+IF({svc},{k}_Miljoegebyr,0))*(1+Diskonteringsrente)^(-A{rr}),2)",
        KR)
    prev = f"+M{rr - 1}" if y > 1 else ""
    put(ws, rr, 13, f"=IF(C{rr}=1,K{rr}{prev},0)", KR)


def _after_horizon(k: str) -> str:
    """The rest of the contract running at the horizon (a renewal's at its price factor)."""
    h_cy = f"(MOD(Horisont-1,{k}_Loebetid)+1)"
    return (f'=IF({k}_FornyFin=1,ROUND(SUMIF({k}_PlanAar,">"&{h_cy},{k}_PlanYdelse)'
            f'*(1+{k}_Indeksering)^(Horisont-{h_cy}),2),SUMIF({k}_PlanAar,">"&Horisont,{k}_PlanYdelse))')


def _results(k: str, has_plan: bool, y_total: int) -> list[_Item]:
    """The results (Resultat), beside the derived quantities: the horizon's totals, prices per page, rates."""
    def tot(col: str) -> str:
        return f"{col}{y_total}"

    results: list[_Item] = [
        ("Samlede omkostninger i horisonten", f"={tot('K')}", KR, "Total"),
        ("Nutidsværdi af omkostningerne", f"={tot('L')}", KR, "NV"),
        ("Heraf finansiering", f"={tot('G')}", KR, "Finansiering"),
        ("Heraf gebyrer", f"={tot('H')}", KR, "Gebyrer"),
        ("Heraf service og tryk", f"={tot('I')}+{tot('J')}", KR, "Service"),
        ("Ydelser forfaldne efter horisonten", _after_horizon(k) if has_plan else "=0", KR, "EfterHorisont"),
        ("S/h sider i horisonten", f"={tot('E')}", INT, "SiderSH"),
        ("Farvesider i horisonten", f"={tot('F')}", INT, "SiderFarve"),
        ("Pris pr. s/h side", f'=IF({k}_SiderSH=0,"–",ROUND(({k}_Finansiering+{k}_Gebyrer)'
                              f'/({k}_SiderSH+{k}_SiderFarve)'
                              f"+{tot('I')}/{k}_SiderSH,4))", KR4, "PrisSH"),
        ("Pris pr. farveside", f'=IF({k}_SiderFarve=0,"–",ROUND(({k}_Finansiering+{k}_Gebyrer)'
                               f'/({k}_SiderSH+{k}_SiderFarve)'
                               f"+{tot('J')}/{k}_SiderFarve,4))", KR4, "PrisFarve"),
        ("Udnyttelse (gns. volumen / kapacitet)",
         f'=IF(ISNUMBER({k}_Kapacitet),({k}_SiderSH+{k}_SiderFarve)/Horisont/{k}_Kapacitet,"–")', PCT,
         "Udnyttelse"),
    ]
    if has_plan:
        results += [
            ("Leasingsats (ydelse / kontantpris)", f"={k}_Ydelse/{k}_Kontantpris", PCT4, "BeregnetSats"),
            ("Basisrente", f'=IF({k}_BeregnetSats>=1,"–",IFERROR(RATE({k}_Antal,-{k}_Ydelse,{k}_Kontantpris,'
                           f'-{k}_Restvaerdi,{k}_Forud)*{k}_Terminer,"–"))', PCT4, "Basisrente"),
            ("ÅOP (inkl. etablerings- og fakturagebyr)",
             f'=IFERROR((1+IRR({k}_Betalingsstroem,IF(ISNUMBER({k}_Basisrente),{k}_Basisrente/{k}_Terminer,'
             f'0.01)))^{k}_Terminer-1,"–")', PCT4, "AOP"),
        ]
    return results

"""The comparison workbook recalculated by LibreOffice equals xlkopi's Python model.

Every figure is read back from LibreOffice's recalculated copy (openpyxl,
``data_only=True``) through the workbook's defined names and compared with
:mod:`xlkopi.compare.model`: amounts to the øre, prints exactly, per-page
prices to four decimals, rates to 1e-9 (they come out of iterative RATE/IRR).
Expected values therefore come from two independent engines: LibreOffice
recalculating the native formulas, and the lease engine in ``xlkopi.core``.
Three workbooks (three LibreOffice runs) cover the bundled example, a set of
edge cases and 16 seeded random offers.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from xlkopi.compare.cli import example_offers
from xlkopi.compare.model import NOT_BEFORE_24, Comparison, compare, row_years, xround
from xlkopi.compare.offers import Needs, OfferSet, parse_offer, read_offers
from xlkopi.compare.sensitivity import sensitivity
from xlkopi.compare.workbook import build_workbook, checklist_text, write_workbook
from xlkopi.core.redflags import RULES

RATE_TOL = 1e-9


class Reader:
    """Cells of a recalculated workbook by defined name."""

    def __init__(self, path):
        self.wb = load_workbook(path, data_only=True)

    def _dest(self, name):
        dn = self.wb.defined_names[name]
        (sheet, ref), = list(dn.destinations)
        return self.wb[sheet], ref.replace("$", "")

    def value(self, name):
        ws, ref = self._dest(name)
        return ws[ref].value

    def column(self, name):
        ws, ref = self._dest(name)
        return [row[0].value for row in ws[ref]]


def _kr(v) -> Decimal:
    assert isinstance(v, (int, float)), f"expected a number, got {v!r}"
    return xround(float(v), 2)


def check(comp: Comparison, path) -> list[str]:
    """Every mismatch between the recalculated workbook at ``path`` and ``comp``."""
    rd = Reader(path)
    bad: list[str] = []

    def same(where, got, want, kind="kr"):
        if want is None:
            ok = got in ("–", None)
        elif isinstance(want, str):
            ok = got == want
        elif kind == "rate":
            ok = isinstance(got, (int, float)) and abs(float(got) - float(want)) < RATE_TOL
        elif kind == "int":
            ok = isinstance(got, (int, float)) and got == want
        elif kind == "kr4":
            ok = isinstance(got, (int, float)) and xround(float(got), 4) == want
        elif kind == "date":
            ok = isinstance(got, dt.datetime) and got.date() == want
        else:
            ok = isinstance(got, (int, float)) and _kr(got) == Decimal(want)
        if not ok:
            bad.append(f"{where}: workbook {got!r} != model {want!r}")

    for r in comp.results:
        k, o, s = r.key, r.offer, r.schedule
        # Schedule, row by row (the workbook always has a residual row; zero when there is none)
        if s is not None:
            same(f"{k}_Ydelse", rd.value(f"{k}_Ydelse"), s.payment)
            same(f"{k}_Antal", rd.value(f"{k}_Antal"), s.terms.n, "int")
            same(f"{k}_RenteAnvendt", rd.value(f"{k}_RenteAnvendt"), r.rate, "rate")
            cols = {c: rd.column(f"{k}_Plan{c}") for c in ("Dato", "Aar", "Maaned", "Ydelse", "Restgaeld", "Gebyr")}
            rows = s.rows
            years = row_years(s)
            expected = [(row.due, y, p * s.terms.months_per_period, row.payment, row.balance,
                         Decimal(0) if row.is_residual else o.invoice_fee)
                        for row, y, p in zip(rows, years, s.period, strict=True)]
            if not s.has_residual_row:
                expected.append((s.dates[-1] if False else None, None, None, Decimal(0), Decimal(0), Decimal(0)))
            assert len(cols["Ydelse"]) == len(expected), k
            for i, (due, y, month, pay, bal, fee) in enumerate(expected):
                where = f"{k} plan række {i + 1}"
                if due is not None:
                    same(where + " dato", cols["Dato"][i], due, "date")
                    same(where + " år", cols["Aar"][i], y, "int")
                    same(where + " måned", cols["Maaned"][i], month, "int")
                same(where + " ydelse", cols["Ydelse"][i], pay)
                same(where + " restforpligtelse", cols["Restgaeld"][i], bal)
                same(where + " gebyr", cols["Gebyr"][i], fee)
            # afdrag and renter are not named ranges: read them beside the payments
            ws, ref = rd._dest(f"{k}_PlanYdelse")
            first = ws[ref][0][0].row
            for i, row in enumerate(rows):
                same(f"{k} plan række {i + 1} afdrag", ws.cell(first + i, 6).value, row.principal)
                same(f"{k} plan række {i + 1} renter", ws.cell(first + i, 7).value, row.interest)
            if r.click_from_financing is not None:
                same(f"{k}_KlikprisBeregnet", rd.value(f"{k}_KlikprisBeregnet"), float(r.click_from_financing),
                     "rate")
        if r.click is not None:
            same(f"{k}_Klikpris", rd.value(f"{k}_Klikpris"), float(r.click), "rate")
            same(f"{k}_ImplicitFinansiering", rd.value(f"{k}_ImplicitFinansiering"), r.implied_financing)
        # Year table
        ws, ref = rd._dest(f"{k}_AarNr")
        first = ws[ref][0][0].row
        for i, yr in enumerate(r.years):
            row = first + i
            where = f"{k} år {yr.year}"
            same(where + " nr", ws.cell(row, 1).value, yr.year, "int")
            same(where + " horisont", ws.cell(row, 3).value, int(yr.in_horizon), "int")
            same(where + " indeks", ws.cell(row, 4).value, yr.index, "rate")
            same(where + " s/h", ws.cell(row, 5).value, yr.bw, "int")
            same(where + " farve", ws.cell(row, 6).value, yr.colour, "int")
            same(where + " finansiering", ws.cell(row, 7).value, yr.financing)
            same(where + " gebyrer", ws.cell(row, 8).value, yr.fees)
            same(where + " service s/h", ws.cell(row, 9).value, yr.service_bw)
            same(where + " service farve", ws.cell(row, 10).value, yr.service_colour)
            same(where + " i alt", ws.cell(row, 11).value, yr.total)
            same(where + " nutidsværdi", ws.cell(row, 12).value, yr.present_value)
            same(where + " kumuleret", ws.cell(row, 13).value, yr.cumulative)
            same(where + " kontraktår", ws.cell(row, 14).value, yr.contract_year, "int")
            same(where + " prisfaktor", ws.cell(row, 15).value, yr.renewal, "rate")
        # Equal coverage (coverage.py): the names the ranking and the renewals rest on
        cov = r.coverage
        same(f"{k}_Rangeres", rd.value(f"{k}_Rangeres"), int(cov.ranked), "int")
        same(f"{k}_FornyFin", rd.value(f"{k}_FornyFin"), int(cov.renew_financing), "int")
        same(f"{k}_FornyService", rd.value(f"{k}_FornyService"), int(cov.renew_service), "int")
        covered = cov.covered if cov.covered is not None else comp.needs.horizon
        same(f"{k}_Daekning", rd.value(f"{k}_Daekning"), float(covered), "rate")
        # Results
        for name, want, kind in (
            ("Total", r.total, "kr"), ("NV", r.present_value, "kr"), ("Finansiering", r.financing_total, "kr"),
            ("Gebyrer", r.fees_total, "kr"), ("Service", r.service_total, "kr"),
            ("EfterHorisont", r.after_horizon, "kr"), ("SiderSH", r.bw_pages, "int"),
            ("SiderFarve", r.colour_pages, "int"), ("PrisSH", r.cost_bw_page, "kr4"),
            ("PrisFarve", r.cost_colour_page, "kr4"), ("Udnyttelse", r.utilisation, "rate"),
        ):
            same(f"{k}_{name}", rd.value(f"{k}_{name}"), want, kind)
        if s is not None:
            same(f"{k}_BeregnetSats", rd.value(f"{k}_BeregnetSats"), float(r.leasingsats), "rate")
            same(f"{k}_Basisrente", rd.value(f"{k}_Basisrente"), r.basisrente, "rate")
            same(f"{k}_AOP", rd.value(f"{k}_AOP"), r.aop, "rate")

    # Sammenligning: the rank row and the figures it repeats
    ws = rd.wb["Sammenligning"]
    labels = {ws.cell(row, 1).value: row for row in range(5, 40) if ws.cell(row, 1).value}
    for j, r in enumerate(comp.results):
        col = 2 + j
        rank = ws.cell(labels["Rang (nutidsværdi)"], col).value
        if r.rank:
            same(f"Sammenligning {r.key} rang", rank, r.rank, "int")
        else:   # not ranked: it does not cover the horizon (coverage.py)
            same(f"Sammenligning {r.key} rang", rank, "–", "text")
        same(f"Sammenligning {r.key} total", ws.cell(labels["Samlede omkostninger i horisonten"], col).value, r.total)
        same(f"Sammenligning {r.key} nutidsværdi", ws.cell(labels["Nutidsværdi af omkostningerne"], col).value,
             r.present_value)
        same(f"Sammenligning {r.key} ÅOP", ws.cell(labels["ÅOP"], col).value, r.aop, "rate")
        same(f"Sammenligning {r.key} røde flag", ws.cell(labels["Røde flag (se Tjekliste)"], col).value,
             sum(1 for f in r.flags if f.is_red), "int")
        same(f"Sammenligning {r.key} leverandør", ws.cell(labels["Leverandør"], col).value, r.offer.supplier)
        for y in range(1, comp.needs.horizon + 1):
            top = labels["Bemærkning"] + 3
            same(f"Sammenligning {r.key} kumuleret år {y}", ws.cell(top + y, col).value, r.years[y - 1].cumulative)

    # Følsomhed: present value and rank at each volume step (xlkopi/compare/sensitivity.py)
    ws = rd.wb["Følsomhed"]
    rows = {ws.cell(row, 1).value: row for row in range(5, 40) if ws.cell(row, 1).value}
    pv_rows = [row for row in range(8, 40) if ws.cell(row, 1).value == "Nutidsværdi"]
    rank_rows = [row for row in range(8, 80) if ws.cell(row, 1).value == "Rang"]
    for j, step in enumerate(sensitivity(comp)):
        col = 3 + j
        same(f"Følsomhed s/h {step.factor}", ws.cell(rows["Sort/hvid tryk pr. år"], col).value, step.bw, "int")
        same(f"Følsomhed farve {step.factor}", ws.cell(rows["Farvetryk pr. år (år 1)"], col).value, step.colour,
             "int")
        for i, r in enumerate(comp.results):
            same(f"Følsomhed {r.key} {step.factor} nutidsværdi", ws.cell(pv_rows[0] + 1 + i, col).value,
                 step.present_values[r.key])
            rank = ws.cell(rank_rows[0] + 1 + i, col).value
            same(f"Følsomhed {r.key} {step.factor} rang", rank, step.ranks[r.key] or "–",
                 "int" if step.ranks[r.key] else "text")
        cheapest = ws.cell(rank_rows[0] + 1 + len(comp.results), col).value
        same(f"Følsomhed billigste {step.factor}", cheapest, step.cheapest or "–", "text")

    # Indfrielse
    ws = rd.wb["Indfrielse"]
    row = 6
    for y in range(1, comp.buyout_years + 1):
        same(f"Indfrielse dato år {y}", ws.cell(5, 2 + y).value, dt.date(comp.needs.start.year + y,
                                                                         comp.needs.start.month,
                                                                         comp.needs.start.day), "date")
    for r in comp.results:
        for b in r.buyouts:
            assert ws.cell(row, 2).value == b.label
            for y in range(1, comp.buyout_years + 1):
                want = b.values[y - 1] if y <= len(b.values) else None
                same(f"Indfrielse {r.key} {b.label} år {y}", ws.cell(row, 2 + y).value, want)
            row += 1

    # Tjekliste
    ws = rd.wb["Tjekliste"]
    for i, rule in enumerate(RULES):
        for j, r in enumerate(comp.results):
            same(f"Tjekliste {rule.code} {r.key}", ws.cell(5 + i, 3 + j).value, checklist_text(r, rule.code))
    for j, r in enumerate(comp.results):
        same(f"Tjekliste antal {r.key}", ws.cell(5 + len(RULES), 3 + j).value,
             sum(1 for f in r.flags if f.is_red), "int")   # a note for the record (fees: info) is not counted
    return bad


def _offer(row, **raw):
    return parse_offer(raw, row)


def edge_cases() -> OfferSet:
    """Branches the example does not reach: arrears, monthly, leasingsats, 0 %, half years, short horizon."""
    needs = Needs(bw=40000, colour=0, colour_growth=Decimal("0"), horizon=4, discount_rate=Decimal("0.035"),
                  start=dt.date(2024, 1, 31))
    offers = [
        _offer(2, supplier="Bank A", kind="Banklån", price=75000, rate="4,25 %", years=5, periods_per_year=12,
               timing="bagud", residual=3750, invoice_fee=19.5, service_bw=0.07, rated_volume=60000),
        _offer(3, supplier="=HYPERLINK(\"http://x\")", kind="Finansiel leasing", price=123456.78, leasingsats=0.0231,
               years=4, periods_per_year=12, timing="forud", residual=6000, establishment_fee=995,
               service_bw=0.075, service_colour=0.5, indexation="2,5 %", index_financing="ja"),
        _offer(4, supplier="Nul Rente", kind="Operationel leasing", price=36000, rate=0, years=3,
               periods_per_year=4, timing="bagud", service_bw=0.08),
        _offer(5, supplier="Halvår", kind="Lejeaftale", price=50000, rate=0.07, years=2.5, periods_per_year=2,
               timing="forud", residual=2500, service_bw=0.09, service_years=4, min_volume=50000,
               unused_credit=0.04, environmental_fee=250, indexation=0.04),
        _offer(6, supplier="All-in B", kind="All-in", price=60000, rate=0.055, years=4, periods_per_year=1,
               timing="bagud", min_volume=30000, excess_price=0.09, unused_credit=0.2, service_bw=0.06,
               service_colour=0.45, invoice_fee=10, rated_volume=90000),
        _offer(7, supplier="All-in C", kind="All-in", price=60000, rate=0.055, years=3, periods_per_year=4,
               min_volume=60000, service_bw=0.06, rated_volume=50000, renew="nej"),
        _offer(8, supplier="Kontant", kind="Kontant køb", price=41000.5, service_bw=0.1, service_years=6,
               environmental_fee=120, indexation=0.015),
        # all-in as suppliers quote it: click prices, minimum volume, excess price, quarterly settlement
        _offer(9, supplier="All-in tilbudt", kind="All-in", years=4, periods_per_year=4, min_volume=30000,
               click_bw="0,32", click_colour="1,10", service_bw="0,07", excess_price="0,07", settlement_months=3,
               indexation="2 %", rated_volume=80000),
        _offer(10, supplier="All-in begge", kind="All-in", price=60000, rate=0.055, years=4, periods_per_year=4,
               min_volume=30000, service_bw=0.06, click_bw="0,95", unused_credit=0.1, settlement_months=12),
    ]
    return OfferSet(needs, offers)


def random_offers(seed: int = 20061, count: int = 16) -> OfferSet:
    """Seeded random offers of every kind (one LibreOffice run checks them all)."""
    rnd = random.Random(seed)
    needs = Needs(bw=rnd.randrange(5000, 300000), colour=rnd.randrange(0, 60000),
                  colour_growth=Decimal(rnd.randrange(0, 25)) / 100, horizon=rnd.randrange(3, 8),
                  discount_rate=Decimal(rnd.randrange(0, 80)) / 1000, start=dt.date(2025, rnd.randrange(1, 13), 28))
    kinds = ["Kontant køb", "Banklån", "Operationel leasing", "Finansiel leasing", "Lejeaftale", "All-in"]
    offers = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        ppy = rnd.choice([1, 2, 4, 12])
        price = Decimal(rnd.randrange(1000000, 50000000)) / 100
        raw = dict(supplier=f"Lev {i}", kind=kind, price=price, years=rnd.randrange(1, 7) if ppy else 1,
                   periods_per_year=ppy, timing=rnd.choice(["forud", "bagud"]),
                   residual=(price * rnd.choice([0, 0, 1, 5, 10]) / 100).quantize(Decimal("0.01")),
                   establishment_fee=rnd.choice([0, 0, 750]), invoice_fee=rnd.choice([0, 0, 29.75]),
                   environmental_fee=rnd.choice([0, 300]), service_bw=Decimal(rnd.randrange(4, 15)) / 100,
                   service_colour=Decimal(rnd.randrange(30, 90)) / 100, indexation=Decimal(rnd.randrange(0, 5)) / 100,
                   index_financing=rnd.choice(["ja", "nej"]), rated_volume=rnd.randrange(20000, 500000))
        if rnd.random() < 0.3:
            raw["leasingsats"] = Decimal(rnd.randrange(180, 3000)) / 100000 * ppy * 4 / 4
            raw["leasingsats"] = min(raw["leasingsats"], Decimal("0.9"))
        else:
            raw["rate"] = Decimal(rnd.randrange(0, 120)) / 1000
        if kind == "All-in" or rnd.random() < 0.3:
            raw["min_volume"] = rnd.randrange(1000, 300000)
            if rnd.random() < 0.5:
                raw["excess_price"] = Decimal(rnd.randrange(4, 40)) / 100
            if rnd.random() < 0.5:
                raw["unused_credit"] = Decimal(rnd.randrange(1, 10)) / 100
        if rnd.random() < 0.5:
            raw["service_years"] = rnd.randrange(1, 8)
        try:
            offers.append(_offer(i + 2, **raw))
        except Exception:  # a random leasingsats too low for the term: skip, others remain
            continue
    return OfferSet(needs, offers)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, soffice):
    """The three comparisons, written and recalculated in one LibreOffice run each."""
    from xlkopi.io.libreoffice import recalculate

    out = tmp_path_factory.mktemp("compare")
    cases = {"eksempel": read_offers(example_offers()), "kanter": edge_cases(), "tilfaeldige": random_offers()}
    done = {}
    for name, offer_set in cases.items():
        comp = compare(offer_set)
        path = write_workbook(comp, out / f"{name}.xlsx")
        done[name] = (comp, path, recalculate(path, out / f"{name}-lo"))
    return done


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", ["eksempel", "kanter", "tilfaeldige"])
def test_every_figure_equals_the_model(recalculated, case):
    comp, _, lo = recalculated[case]
    bad = check(comp, lo)
    assert not bad, f"{len(bad)} afvigelser, fx:\n" + "\n".join(bad[:25])


@pytest.mark.libreoffice
def test_random_set_covers_every_kind(recalculated):
    comp, _, _ = recalculated["tilfaeldige"]
    assert {r.offer.kind for r in comp.results} == {"kontant", "banklaan", "operationel", "finansiel", "leje", "allin"}
    assert len(comp.results) >= 12


@pytest.mark.libreoffice
def test_formula_looking_supplier_stays_text(recalculated):
    comp, path, lo = recalculated["kanter"]
    for p in (path, lo):
        wb = load_workbook(p)
        cell = wb.defined_names["T2_Leverandoer"]
        (sheet, ref), = list(cell.destinations)
        c = wb[sheet][ref.replace("$", "")]
        assert c.value == '=HYPERLINK("http://x")' and c.data_type == "s"
    assert 'T2 =HYPERLINK("httpx")' in load_workbook(path).sheetnames


def test_operational_buyout_before_month_24_is_refused():
    comp = compare(read_offers(example_offers()))
    op = next(r for r in comp.results if r.offer.kind == "operationel")
    assert op.buyouts[0].values[0] == NOT_BEFORE_24
    # Month 24 (1/1-2008): the schedule's restforpligtelse after the payment due that day (buyout.py)
    assert op.buyouts[0].values[1] == op.schedule.rows[8].balance


def test_guide_lease_figures_in_the_example():
    """T1/T2 are the guide's Tabel 1 and 2 (the lease engine's doctests: 5,624.49 and 5,406.21 kr)."""
    comp = compare(read_offers(example_offers()))
    t1, t2 = comp.results[0], comp.results[1]
    assert t1.payment == Decimal("5624.49") and t2.payment == Decimal("5406.21")
    # Adding the 5 % residual lowers the payment (the guide's rule) and raises total interest
    assert t2.schedule.total_interest > t1.schedule.total_interest
    # Buyout of Tabel 2 after two years = the engine's doctest value (finansiel, 1/1-2008)
    assert t2.buyouts[0].values[1] == Decimal("64468.34")


def test_inputs_unlocked_formulas_locked_and_names_scoped():
    comp = compare(read_offers(example_offers()))
    wb = build_workbook(comp)
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password
    inputs = wb["Forudsætninger"]
    for name in ("Behov_SH", "Horisont", "Diskonteringsrente", "T1_Kontantpris", "T1_Rente", "T4_Leasingsats",
                 "T1_Restvaerdi", "T1_Forud", "T6_ServiceSH"):
        (sheet, ref), = list(wb.defined_names[name].destinations)
        assert sheet == "Forudsætninger"
        assert inputs[ref.replace("$", "")].protection.locked is False, name
    for name in ("T1_Loebetid", "T1_Terminer", "T1_Leasingform"):
        (sheet, ref), = list(wb.defined_names[name].destinations)
        assert inputs[ref.replace("$", "")].protection.locked is True, name
    formulas = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) > 500
    assert all(c.protection.locked for c in formulas)
    assert all(not ws.defined_names for ws in wb.worksheets)  # every name is workbook-scoped


def test_workbook_is_fingerprinted_and_not_overwritten(tmp_path):
    from xlkopi.io.atomic import OutputExistsError
    from xlkopi.io.fingerprint import formula_fingerprint

    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "S.xlsx")
    wb = load_workbook(path)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["xlkopi_generator"] == "xlkopi compare"
    assert props["xlkopi_fingerprint"] == formula_fingerprint(wb)
    with pytest.raises(OutputExistsError):
        write_workbook(comp, path)
    write_workbook(comp, path, overwrite=True)


def test_formats_and_print_setup():
    comp = compare(read_offers(example_offers()))
    wb = build_workbook(comp)
    ws = wb["T1 Nordlys Finans"]
    (sheet, ref), = list(wb.defined_names["T1_Total"].destinations)
    assert wb[sheet][ref.replace("$", "")].number_format == '#,##0.00 "kr"'
    (sheet, ref), = list(wb.defined_names["T1_PlanDato"].destinations)
    first = ref.split(":")[0].replace("$", "")
    assert wb[sheet][first].number_format == "dd-mm-yyyy"
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4 in OOXML's paper size codes
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert wb["Sammenligning"]._charts

"""The needs analysis: the volume rule, the Maskiner sheet of the offers file, and the Behovsanalyse sheet.

Expected volumes are worked by hand from the rule ``(reading 2 − reading 1) × 365 / days``, rounded to
whole prints halves up (each case says how); a second, independent check is LibreOffice recalculating
the Behovsanalyse sheet's formulas, which must give every figure the Python model gives.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from xlkopi.cli import main
from xlkopi.compare.model import compare
from xlkopi.compare.needs import LOW, MACHINE_COLUMNS, NO_CAPACITY, Machine, annual_volume, measured, verdict
from xlkopi.compare.offers import COLUMNS, NEEDS, OfferSet, parse_machine, read_offers
from xlkopi.compare.workbook.assumptions import write_assumptions
from xlkopi.compare.workbook.needs_sheet import HEADERS, write_needs_sheet
from xlkopi.compare.workbook.state import Writer
from xlkopi.errors import FieldError

GOOD = dict(supplier="Nordlys Finans", machine="MFP", kind="Finansiel leasing", price=100000, rate=0.051,
            years=5, periods_per_year=4, timing="forud", service_bw=0.08, service_colour=0.6)
NEEDS_OK = {"bw": 120000, "colour": 15000, "colour_growth": 0.1, "horizon": 5, "discount_rate": 0.04,
            "start": dt.date(2027, 1, 1)}
HEAD = [label for _, label in MACHINE_COLUMNS]
D1, D2 = dt.date(2025, 1, 6), dt.date(2026, 1, 6)   # 365 days apart


def offers_file(path, machines, needs=None, *, header=HEAD):
    """An offers workbook with one offer, the needs and a Maskiner sheet of ``machines`` (lists of cells)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilbud"
    ws.append([label for _, label in COLUMNS])
    ws.append([GOOD.get(attr) for attr, _ in COLUMNS])
    nd = wb.create_sheet("Behov")
    nd.append(["Felt", "Værdi"])
    for attr, label in NEEDS:
        nd.append([label, (NEEDS_OK if needs is None else needs).get(attr)])
    if machines is not None:
        ms = wb.create_sheet("Maskiner")
        ms.append(header)
        for row in machines:
            ms.append(row)
            for c in ms[ms.max_row]:
                if isinstance(c.value, str):
                    c.data_type = "s"
    wb.save(path)
    return path


# --------------------------------------------------------------------------- the rule

# (reading 1, reading 2, days, expected, how the expected value was worked out)
VOLUMES = [
    (0, 36_500, 365, 36_500, "a year apart: the difference itself"),
    (0, 1_000, 73, 5_000, "73 days are a fifth of 365: 1.000 × 5"),
    (0, 36_600, 366, 36_500, "a leap year's 366 days: 36.600 × 365 / 366 = 36.500 exactly (a year is 365 days)"),
    (120_000, 165_000, 334, 49_177, "45.000 × 365 / 334 = 49.176,65 → 49.177"),
    (0, 1, 730, 1, "1 × 365 / 730 = 0,5: a half rounds up, as ROUND(…; 0)"),
    (0, 3, 730, 2, "1,5 → 2"),
    (0, 5, 730, 3, "2,5 → 3 (half up, not to even)"),
    (0, 1, 731, 0, "365 / 731 = 0,4993 → 0"),
    (7_000, 7_000, 30, 0, "an unused machine"),
    (1_000_000, 1_010_000, 91, 40_110, "10.000 × 365 / 91 = 40.109,89 → 40.110"),
]


@pytest.mark.parametrize("first, second, days, want, how", VOLUMES, ids=[v[4] for v in VOLUMES])
def test_volume_rule_table(first, second, days, want, how):
    assert annual_volume(first, second, days) == want, how
    # the same through a different route: the float expression a spreadsheet evaluates, rounded half up
    as_sheet = Decimal(repr((second - first) * 365 / days)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert int(as_sheet) == want


@given(diff=st.integers(0, 10**8), days=st.integers(1, 3650), k=st.integers(1, 50))
def test_volume_rule_scales_and_is_within_half_a_print(diff, days, k):
    v = annual_volume(0, diff, days)
    assert abs(Fraction(v) - Fraction(diff * 365, days)) <= Fraction(1, 2)
    assert annual_volume(0, diff * k, days * k) == v             # the same ratio, the same volume
    assert annual_volume(5_000, 5_000 + diff, days) == v         # only the difference counts
    assert annual_volume(0, diff, 365) == diff


@given(a=st.integers(0, 10**7), b=st.integers(0, 10**7), days=st.integers(1, 3650))
def test_volume_rule_is_linear_in_the_difference_up_to_rounding(a, b, days):
    whole, parts = annual_volume(0, a + b, days), annual_volume(0, a, days) + annual_volume(0, b, days)
    assert abs(whole - parts) <= 1
    assert annual_volume(0, a + b, days) >= annual_volume(0, a, days)   # monotone


def test_verdict_bounds_are_exact():
    assert verdict(110, 100) == verdict(90, 100) == "Svarer til det målte forbrug (±10 %)"
    assert verdict(111, 100) == "Over det målte forbrug" and verdict(89, 100) == "Under det målte forbrug"


# --------------------------------------------------------------------------- the Maskiner sheet

def test_danish_numbers_and_dates_are_read(tmp_path):
    rows = [
        ["Rådhuset", "MFP 30", "120.000", "8 000", "06-01-2025", "190.000", "20.000", "06-01-2026", "100.000"],
        ["Skolen", "Laser", 310000, None, "6.1.2025", "360 000", None, "6/1-2026", 150000],
        ["Biblioteket", "", "1.000", None, 45663, "2.000", None, dt.datetime(2025, 7, 5), None],
    ]
    got = read_offers(offers_file(tmp_path / "t.xlsx", rows))
    assert not got.errors
    a, b, c = got.machines
    assert (a.bw_first, a.colour_first, a.first, a.rated_volume) == (120000, 8000, D1, 100000)
    assert (a.days, a.bw_volume, a.colour_volume) == (365, 70000, 12000)
    assert (b.colour_first, b.colour_volume, b.bw_volume, b.first, b.second) == (None, 0, 50000, D1, D2)
    assert b.assessment == LOW and c.assessment == NO_CAPACITY
    assert c.first == dt.date(2025, 1, 6) and c.days == 180 and c.bw_volume == 2028   # 1.000 × 365 / 180 = 2027,8
    notes = [str(n) for n in got.notes]
    assert any("række 3, felt 'Kapacitet (tryk pr. år)'" in n and "33 %" in n for n in notes), notes
    assert any("felt 'Sort/hvid tryk pr. år'" in n and "122.028" in n for n in notes), notes   # 70.000+50.000+2.028


HOSTILE = [
    ("dato 2 før dato 1", {"second": dt.date(2024, 12, 1)}, "Dato 2", "skal ligge efter"),
    ("samme dato", {"second": D1}, "Dato 2", "skal ligge efter"),
    ("tæller nulstillet", {"bw_second": 1000}, "Målerstand s/h (dato 2)", "er mindre end"),
    ("tekst", {"bw_first": "mange"}, "Målerstand s/h (dato 1)", "skal være et tal"),
    ("negativ", {"bw_first": -5}, "Målerstand s/h (dato 1)", "negativ"),
    ("decimaltal", {"bw_first": "1.234,5"}, "Målerstand s/h (dato 1)", "helt tal"),
    ("mangler", {"bw_second": None}, "Målerstand s/h (dato 2)", "mangler"),
    ("dato mangler", {"first": None}, "Dato 1", "mangler"),
    ("dato tekst", {"first": "i går"}, "Dato 1", "dd-mm-åååå"),
    ("tocifret år", {"first": "06-01-25"}, "Dato 1", "firecifret"),
    ("farve halv", {"colour_second": None}, "Målerstand farve (dato 2)", "mangler, når"),
    ("kapacitet 0", {"rated_volume": 0}, "Kapacitet (tryk pr. år)", "større end 0"),
    ("kontroltegn", {"location": "Rådhus\nKælder"}, "Placering", "kontroltegn"),
]


@pytest.mark.parametrize("case, change, field, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_bad_row_names_sheet_row_and_field_and_the_others_are_read(tmp_path, case, change, field, words):
    good = dict(location="A", model="M", bw_first=100000, colour_first=5000, first=D1, bw_second=130000,
                colour_second=6000, second=D2, rated_volume=80000)
    bad = {**good, **change}
    rows = [[r.get(attr) for attr, _ in MACHINE_COLUMNS] for r in (good, bad, good)]
    got = read_offers(offers_file(tmp_path / "t.xlsx", rows))
    assert [m.row for m in got.machines] == [2, 4]
    (err,) = got.errors
    assert (err.sheet, err.row, err.field) == ("Maskiner", 3, field), err
    assert words in str(err), err
    assert got.offers and got.needs.bw == 120000   # the offers and the stated needs are read as ever


def test_bad_machine_row_makes_the_command_exit_1(tmp_path, capsys):
    rows = [["A", "M", 1000, None, D1, 500, None, D2, None], ["B", "M", 1000, None, D1, 2000, None, D2, None]]
    path = offers_file(tmp_path / "t.xlsx", rows)
    assert main(["compare", str(path), "-o", str(tmp_path / "S.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "Ark 'Maskiner', række 2, felt 'Målerstand s/h (dato 2)'" in " ".join(out.split())


def test_blank_behov_volumes_are_the_measured_sums(tmp_path):
    rows = [["A", "M", 0, 0, D1, 70000, 12000, D2, 100000], ["B", "L", 0, None, D1, 50000, None, D2, 150000]]
    needs = {**NEEDS_OK, "bw": None, "colour": "  "}
    got = read_offers(offers_file(tmp_path / "t.xlsx", rows, needs))
    assert (got.needs.bw, got.needs.colour) == (120000, 12000) == measured(got.machines)
    filled = [n for n in got.notes if n.sheet == "Behov"]
    assert [n.field for n in filled] == ["Sort/hvid tryk pr. år", "Farvetryk pr. år"]
    assert all("er tom; behovet er sat til summen af de 2 målte maskiner" in str(n) for n in filled)
    assert "12.000 tryk pr. år" in str(filled[1])
    # one given, one blank: the given one is compared, the blank one filled
    got = read_offers(offers_file(tmp_path / "u.xlsx", rows, {**NEEDS_OK, "colour": None, "bw": 150000}))
    assert (got.needs.bw, got.needs.colour) == (150000, 12000)
    bw_note = next(str(n) for n in got.notes if n.field == "Sort/hvid tryk pr. år")
    assert "er 150.000 tryk pr. år" in bw_note
    assert "giver 120.000, så behovet er 25 % højere: over det målte forbrug" in bw_note


def test_no_valid_machine_and_a_blank_need_is_an_error(tmp_path):
    rows = [["A", "M", 5000, None, D1, 100, None, D2, None]]
    with pytest.raises(FieldError) as exc:
        read_offers(offers_file(tmp_path / "t.xlsx", rows, {**NEEDS_OK, "bw": None}))
    assert (exc.value.sheet, exc.value.row, exc.value.field) == ("Behov", 2, "Sort/hvid tryk pr. år")
    assert "ingen gyldige målinger" in str(exc.value)
    # without a Maskiner sheet the need is simply missing, as before
    with pytest.raises(FieldError, match="mangler$"):
        read_offers(offers_file(tmp_path / "u.xlsx", None, {**NEEDS_OK, "bw": None}))


def test_headers_unknown_columns_short_periods_and_examples(tmp_path):
    header = ["Placering", "Tællerstand s/h (dato 1)", "Dato 1", "Tællerstand s/h (dato 2)", "Dato 2", "Ansvarlig"]
    rows = [["Kontoret", 1000, D1, 3000, dt.date(2025, 2, 5), "Åse"], ["EKSEMPEL Loftet", 1, D1, 2, D2, ""]]
    got = read_offers(offers_file(tmp_path / "t.xlsx", rows, header=header))
    (m,) = got.machines
    assert (m.location, m.model, m.days, m.bw_volume, m.rated_volume) == ("Kontoret", "", 30, 24333, None)
    notes = {(n.sheet, n.field): str(n) for n in got.notes}
    assert "ukendt kolonne" in notes[("Maskiner", "Ansvarlig")]
    assert "kun 30 dage" in notes[("Maskiner", "Dato 2")]
    assert "række 3 er markeret EKSEMPEL" in notes[("Maskiner", "Placering")]
    # a Maskiner sheet without the reading columns is reported and skipped; the rest is read
    got = read_offers(offers_file(tmp_path / "u.xlsx", [["A", 1]], header=["Placering", "Antal"]))
    (err,) = got.errors
    assert (err.sheet, err.field) == ("Maskiner", "Målerstand s/h (dato 1)") and "kolonnen mangler" in str(err)
    assert got.offers and not got.machines


def test_parse_machine_directly():
    m = parse_machine({"location": "=HYPERLINK(\"x\")", "bw_first": "0", "first": "01-01-2025",
                       "bw_second": "36.500", "second": "2026-01-01"}, None)
    assert m.location == "=HYPERLINK(\"x\")" and m.bw_volume == 36500 and m.colour_volume == 0


# --------------------------------------------------------------------------- the Behovsanalyse sheet

MACHINES = [
    Machine(9, "Rådhuset", "MFP 30 farve", 120000, 8000, D1, 190000, 20000, D2, 100000),
    Machine(10, "Skolen", "Laser 40 s/h", 310000, None, D1, 360000, None, D2, 150000),          # 33 %: low
    Machine(11, "Biblioteket", "", 1000, 0, dt.date(2024, 1, 1), 37600, 3, dt.date(2025, 1, 1), None),  # leap
    Machine(12, "=SUM(A1)", "Halv", 0, 0, dt.date(2025, 1, 1), 1, 5, dt.date(2027, 1, 1), 1),   # halves up
    Machine(13, "Kælderen", "Næsten halv", 0, None, dt.date(2025, 1, 1), 49999, None, dt.date(2026, 1, 1),
            100000),  # 49.999 / 100.000: just below 50 %
]


@pytest.fixture(scope="module")
def needs_workbook(tmp_path_factory, soffice):
    """One offer, the needs (b/w stated above the measured, colour below) and the machines, recalculated."""
    from xlkopi.compare.offers import Needs, parse_offer
    from xlkopi.io.libreoffice import recalculate

    needs = Needs(bw=250000, colour=10000, colour_growth=Decimal("0.1"), horizon=5, discount_rate=Decimal("0.04"),
                  start=dt.date(2027, 1, 1))
    comp = compare(OfferSet(needs, [parse_offer(GOOD, 2)]))
    w = Writer(comp)
    w.wb.active.title = "Forudsætninger"
    write_assumptions(w, w.wb.active)
    write_needs_sheet(w, w.wb.create_sheet("Behovsanalyse"), MACHINES)
    out = tmp_path_factory.mktemp("behov")
    path = out / "Behov.xlsx"
    w.wb.save(path)
    return comp, path, recalculate(path, out / "lo")


def _names(path):
    wb = load_workbook(path, data_only=True)

    def value(name):
        (sheet, ref), = list(wb.defined_names[name].destinations)
        cells = wb[sheet][ref.replace("$", "")]
        return [row[0].value for row in cells] if isinstance(cells, tuple) else cells.value

    return wb["Behovsanalyse"], value


def test_recalculated_sheet_equals_python(needs_workbook):
    comp, _, lo = needs_workbook
    ws, value = _names(lo)
    head = [c.value for c in ws[8]]
    assert head == list(HEADERS)
    for i, m in enumerate(MACHINES):
        r = 9 + i
        got = [ws.cell(r, c).value for c in range(10, 16)]
        want_util = None if m.utilisation is None else float(m.utilisation)
        assert got[:4] == [m.days, m.bw_volume, m.colour_volume, m.volume], (m.location, got)
        if want_util is None:
            assert got[4] == "–"
        else:
            assert got[4] == pytest.approx(want_util, rel=1e-12)
        assert got[5] == m.assessment, (m.location, got)
    assert [m.assessment for m in MACHINES] == ["OK", LOW, NO_CAPACITY, "OK", LOW]
    bw, colour = measured(MACHINES)
    assert (value("Maalt_SH"), value("Maalt_Farve")) == (bw, colour)
    assert value("Maskine_SH") == [m.bw_volume for m in MACHINES]
    assert value("Maskine_Farve") == [m.colour_volume for m in MACHINES]
    # the comparison with the needs the workbook compares on
    top = 9 + len(MACHINES) + 2
    rows = {ws.cell(r, 1).value: (ws.cell(r, 3).value, ws.cell(r, 4).value) for r in range(top + 1, top + 6)}
    need = comp.needs
    assert rows["Målt (sum af maskinerne)"] == (bw, colour)
    assert rows["Behov (Forudsætninger)"] == (need.bw, need.colour)
    assert rows["Forskel (behov − målt)"] == (need.bw - bw, need.colour - colour)
    pct = rows["Forskel i procent af det målte"]
    assert pct == pytest.approx(((need.bw - bw) / bw, (need.colour - colour) / colour), rel=1e-12)
    assert rows["Vurdering"] == (verdict(need.bw, bw), verdict(need.colour, colour))
    assert rows["Vurdering"] == ("Over det målte forbrug", "Under det målte forbrug")


def test_sheet_inputs_are_the_machines_and_formulas_hold_no_typed_numbers(needs_workbook):
    from xlkopi.audit.formulas import hardcoded_numbers

    _, path, _ = needs_workbook
    ws = load_workbook(path)["Behovsanalyse"]
    assert ws.cell(12, 1).value == "=SUM(A1)" and ws.cell(12, 1).data_type == "s"   # a location stays text
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.data_type == "f"]
    assert formulas and all(hardcoded_numbers(f) == [] for f in formulas), [f for f in formulas if hardcoded_numbers(f)]
    assert ws.cell(9, 3).protection.locked is False and ws.cell(9, 11).protection.locked is not False
    assert ws.print_title_rows == "$8:$8" and ws.page_setup.orientation == "landscape"


def test_sheet_without_machines_says_so():
    from xlkopi.compare.offers import Needs, parse_offer

    needs = Needs(bw=1000, colour=0, colour_growth=Decimal(0), horizon=3, discount_rate=Decimal("0.04"),
                  start=dt.date(2027, 1, 1))
    w = Writer(compare(OfferSet(needs, [parse_offer(GOOD, 2)])))
    ws = w.wb.create_sheet("Behovsanalyse")
    write_needs_sheet(w, ws)     # the comparison carries no machines (yet): an empty table
    assert ws.cell(9, 1).value.startswith("Ingen maskiner") and "Maalt_SH" in w.names

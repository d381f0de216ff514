"""The register of existing contracts: figures at a reference date, the register reader, the overview workbook.

Expected values and their sources:
* the guide's contract (100.000 kr, 5,1 %, 5 years, quarterly in advance, 5 % residual, from 01-01-2006)
  at 01-01-2008: remaining obligation 64.468,34 kr (10 × 5.406,21 + 5.406,24 + 5.000, the guide's Tabel 2
  payments from 01-01-2008 on... minus the one paid on the date), restgæld 59.454,37 kr (the Tabel 2
  balance after the payment of 01-01-2008); the same contract entered by its ydelse 5.406,21 gives the same
  figures to the øre's rounding (the issue's test);
* dates by EDATE's rule (Microsoft's EDATE: the same day n months on, the month's last day when shorter).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkopi.cli import main
from xlkopi.contracts.register import COLUMNS, read_register
from xlkopi.contracts.template import EXAMPLE, write_register
from xlkopi.core.buyout import buyout
from xlkopi.core.obligations import (
    ENDED,
    GIVEN,
    NOTICE_PASSED,
    NOTICE_SOON,
    RUNNING,
    SECONDARY,
    Contract,
    due_by_year,
    flags,
    notice_deadline,
    position,
    primary_end,
    resolve,
    status,
    topup_vs_parallel,
)
from xlkopi.core.obligations import (
    secondary_payments as secondary_payments_of,
)

GUIDE = Contract("Nordlys Finans", "NF-1", "finansiel", Decimal(100000), Decimal(5), 4, dt.date(2006, 1, 1),
                 rate=Decimal("0.051"), residual=Decimal(5000), notice_months=3, secondary_months=6)
DAY = dt.date(2008, 1, 1)


def _with(**changes) -> Contract:
    values = {f: getattr(GUIDE, f) for f in GUIDE.__dataclass_fields__}
    values.update(changes)
    return Contract(**values)


# --------------------------------------------------------------------------- the core figures

def test_the_guides_contract_at_01_01_2008():
    p = position(resolve(GUIDE), DAY)
    assert p.remaining_obligation == Decimal("64468.34")
    assert p.restgaeld == Decimal("59454.37")
    assert p.payments_left == 11           # 20 quarterly payments, 9 paid by 01-01-2008 (that day's included)
    assert p.primary_end == dt.date(2010, 12, 31) and p.notice_deadline == dt.date(2010, 9, 30)
    assert p.secondary_cost == Decimal("10812.42")   # 6 months of quarterly payments: 2 × 5.406,21


def test_entered_by_its_payment_gives_the_same_figures_to_the_ores_rounding():
    r = resolve(_with(rate=None, payment=Decimal("5406.21")))
    assert r.rate_derived and r.payment == Decimal("5406.21")
    assert abs(r.rate - 0.051) < 1e-6
    p = position(r, DAY)
    assert abs(p.remaining_obligation - Decimal("64468.34")) <= Decimal("0.01")
    assert abs(p.restgaeld - Decimal("59454.37")) <= Decimal("0.01")


def test_rate_and_payment_that_disagree_are_flagged_and_the_payment_rules():
    assert resolve(_with(payment=Decimal("5406.21"))).payment_difference is None
    assert resolve(_with(payment=Decimal("5406.22"))).payment_difference is None   # an øre's rounding
    r = resolve(_with(payment=Decimal("5500.00")))
    assert r.payment_difference == Decimal("93.79")      # 5.500,00 invoiced against 5.406,21 at 5,1 %
    assert r.payment == Decimal("5500.00") and r.rate_derived and r.rate > 0.051


@pytest.mark.parametrize("day, expected", [
    (dt.date(2010, 6, 30), RUNNING),          # deadline 30-09-2010 is 92 days away
    (dt.date(2010, 7, 2), NOTICE_SOON),       # 90 days before the deadline
    (dt.date(2010, 9, 30), NOTICE_SOON),      # the deadline itself: notice can still be given
    (dt.date(2010, 10, 1), NOTICE_PASSED),
    (dt.date(2010, 12, 31), NOTICE_PASSED),   # the primary term's last day
    (dt.date(2011, 1, 1), SECONDARY),
    (dt.date(2011, 6, 30), SECONDARY),        # 6 months: the secondary period's last day
    (dt.date(2011, 7, 1), ENDED),
])
def test_status_through_the_contracts_life(day, expected):
    assert status(GUIDE, day) == expected


@pytest.mark.parametrize("given, day, expected, secondary_payments", [
    # the guide's contract: deadline 30-09-2010, primary end 31-12-2010, 6 months' secondary period
    (dt.date(2010, 9, 1), dt.date(2010, 8, 1), NOTICE_SOON, 0),    # notice dated after the day: not yet given
    (dt.date(2010, 9, 1), dt.date(2010, 9, 15), GIVEN, 0),         # given in time
    (dt.date(2010, 9, 30), dt.date(2010, 12, 31), GIVEN, 0),       # on the deadline itself: in time
    (dt.date(2010, 9, 30), dt.date(2011, 1, 1), ENDED, 0),         # ends at the primary end, no secondary period
    (dt.date(2010, 10, 1), dt.date(2010, 10, 2), NOTICE_PASSED, 2),  # a day late: the secondary period binds
    (dt.date(2010, 10, 1), dt.date(2011, 2, 1), SECONDARY, 1),
])
def test_notice_given_in_time_ends_the_contract_at_the_primary_end(given, day, expected, secondary_payments):
    c = _with(notice_given=given)
    assert status(c, day) == expected
    r = resolve(c)
    assert len(secondary_payments_of(r, day)) == secondary_payments
    without = position(resolve(_with()), day)
    p = position(r, day)
    if secondary_payments == 0 and status(_with(), day) in (NOTICE_PASSED, SECONDARY):
        assert p.remaining_obligation < without.remaining_obligation   # the secondary payments are not owed


def test_without_a_secondary_period_the_deadline_does_not_matter():
    c = _with(secondary_months=0)
    assert status(c, dt.date(2010, 12, 1)) == RUNNING and status(c, dt.date(2011, 1, 1)) == ENDED


def test_notice_deadline_follows_edate_at_month_ends():
    # 5 years from 01-03-2022 end 28-02-2027; 3 months before is 28-11-2026 (EDATE keeps the day, 28)
    c = _with(start=dt.date(2022, 3, 1))
    assert primary_end(c) == dt.date(2027, 2, 28) and notice_deadline(c) == dt.date(2026, 11, 28)


def test_a_missed_deadline_commits_the_secondary_period():
    r = resolve(GUIDE)
    before, after = position(r, dt.date(2010, 9, 30)), position(r, dt.date(2010, 10, 1))
    # the day after the deadline the last payment (5.406,24, due that day) is paid and the two secondary
    # payments (01-01-2011, 01-04-2011) are owed too
    assert after.remaining_obligation == before.remaining_obligation - Decimal("5406.24") + Decimal("10812.42")
    assert due_by_year(r, dt.date(2010, 10, 1))[2011] == Decimal("5000") + 2 * r.payment


def test_an_operational_contract_without_residual_is_flagged_as_really_financial():
    c = _with(kind="operationel", residual=Decimal(0), years=Decimal(3))
    assert "reelt_finansiel" in {f.code for f in flags(resolve(c))}
    assert "reelt_finansiel" not in {f.code for f in flags(resolve(_with(kind="operationel", years=Decimal(3))))}


def test_red_flags_of_the_guide():
    c = _with(residual=Decimal(10000), years=Decimal(6))
    codes = {f.code for f in flags(resolve(c))}
    assert {"restvaerdi", "finansiel_loebetid", "sekundaer_periode"} <= codes


def test_top_up_vs_parallel_costs_more_nominally():
    t = topup_vs_parallel(resolve(GUIDE), DAY, Decimal(50000), Decimal(5), Decimal("0.051"))
    assert t.restgaeld == Decimal("59454.37")
    # rolling the restgæld into 5 new years pays interest on it for longer: the guide's "renters rente"
    assert t.difference > 0
    assert t.parallel_total == Decimal("64468.34") + t.parallel_new.total_payments
    assert "renter af renterne" in t.reasoning


contracts = st.builds(
    Contract, supplier=st.just("L"), number=st.just("1"), kind=st.sampled_from(["finansiel", "operationel", "leje"]),
    price=st.integers(10_000, 2_000_000).map(Decimal), years=st.sampled_from([Decimal(y) for y in (1, 2, 3, 4, 5, 6)]),
    periods_per_year=st.sampled_from([1, 2, 4, 12]), start=st.dates(dt.date(2015, 1, 1), dt.date(2026, 12, 1)),
    in_advance=st.booleans(), rate=st.integers(0, 120).map(lambda b: Decimal(b) / 1000),
    residual=st.integers(0, 5).map(lambda p: Decimal(p) * 100), service_per_period=st.just(Decimal(150)),
    secondary_months=st.sampled_from([0, 3, 6, 12]), notice_months=st.sampled_from([0, 3, 6]))


@settings(max_examples=200, deadline=None)
@given(c=contracts, offset=st.integers(0, 3000))
def test_figures_equal_the_scalar_engine_and_years_add_up(c, offset):
    day = c.start + dt.timedelta(days=offset)
    r = resolve(c)
    p = position(r, day)
    committed = day > notice_deadline(c) and c.secondary_months > 0
    if not committed and day <= primary_end(c):
        assert p.remaining_obligation == buyout(r.schedule, day, "finansiel")
        assert p.restgaeld == buyout(r.schedule, day, "restgaeld")
    assert sum(due_by_year(r, day).values(), Decimal(0)) == p.remaining_obligation
    assert p.remaining_obligation >= 0 and p.payments_left >= 0


# --------------------------------------------------------------------------- the register

def _register(tmp_path, rows, name="Kontrakter.xlsx"):
    return write_register(tmp_path / name, rows)


def test_the_example_register_reads_every_row(tmp_path):
    path = _register(tmp_path, EXAMPLE)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    read = read_register(path)
    assert not read.errors and len(read.contracts) == len(EXAMPLE)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before   # the register is never modified
    by_number = {c.number: c for _, c in read.contracts}
    assert by_number["SL-2024-118"].rate is None and by_number["SL-2024-118"].payment == Decimal("5450.00")
    assert by_number["KC-77"].in_advance is False and by_number["KC-77"].periods_per_year == 12


def test_danish_csv_with_units_in_the_headers_and_one_bad_row(tmp_path):
    text = ("Leverandør;Aftalenummer;Finansieringsform;Anskaffelsespris;Rente;Løbetid (mdr.);Startdato;"
            "Forud/bagud;Restværdi;Sekundær periode (måneder);Opsigelsesvarsel (måneder);Farve\n"
            "Nordlys Finans;NF-1;finansiel leasing;100.000,00;5,1 %;60;01-01-2006;forud;5.000;6;3;blå\n"
            "Kopi;K-2;lejeaftale;;6 %;48;01-02-2022;bagud;0;12;6;rød\n"
            "Kopi;K-3;Lejeaftale;45.000;6 %;48 mdr.;01-02-2022;Bagud;0;12;6;\n")
    path = tmp_path / "Kontrakter.csv"
    path.write_bytes(text.encode("cp1252"))
    read = read_register(path)
    assert [c.number for _, c in read.contracts] == ["NF-1", "K-3"]
    (err,) = read.errors
    assert (err.row, err.field, err.problem) == (3, "Anskaffelsespris", "skal udfyldes")
    assert [n.field for n in read.notes] == ["Farve"]       # an unknown column is noted and skipped
    nf = read.contracts[0][1]
    assert nf.years == Decimal(5) and nf.price == Decimal(100000) and nf.rate == Decimal("0.051")
    assert position(resolve(nf), DAY).remaining_obligation == Decimal("64468.34")


@pytest.mark.parametrize("field, value, words", [
    ("Finansieringsform", "leasing", "skal være en af"),
    ("Startdato", "31-02-2024", "dato"),
    ("Rente", "51", "over 100 %"),   # 51 read as a fraction is 5.100 %: the vocabulary names it
    ("Løbetid", "5,1", "helt antal"),  # 61,2 months: not a whole number of terms
])
def test_a_bad_field_names_sheet_row_and_field(tmp_path, field, value, words):
    row = list(EXAMPLE[0])
    row[[h for _, h, _, _ in COLUMNS].index(field)] = value
    read = read_register(_register(tmp_path, [EXAMPLE[1], row]))
    assert len(read.contracts) == 1
    (err,) = read.errors
    assert err.sheet == "Kontrakter" and err.row == 3 and err.field == field, err
    assert words in str(err), err


# --------------------------------------------------------------------------- the command and its files

def test_blank_register_has_headers_drop_downs_and_instructions(tmp_path):
    out = tmp_path / "Kontrakter.xlsx"
    assert main(["kontrakter", "--skabelon", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Vejledning", "Kontrakter"]
    assert [c.value for c in wb["Kontrakter"][1]] == [h for _, h, _, _ in COLUMNS]
    lists = [dv.formula1 for dv in wb["Kontrakter"].data_validations.dataValidation]
    assert any("Finansiel leasing" in f for f in lists) and any("forud,bagud" in f for f in lists)
    assert main(["kontrakter", "--skabelon", str(out)]) == 2   # never overwritten without --overskriv


def test_the_command_writes_the_overview_and_the_calendar(tmp_path):
    from icalendar import Calendar

    register = _register(tmp_path, EXAMPLE)
    out, ics = tmp_path / "Kontraktoversigt.xlsx", tmp_path / "Frister.ics"
    code = main(["kontrakter", str(register), "-o", str(out), "--dato", "01-12-2026", "--ics", str(ics),
                 "--tilkoeb", "NF-4471:50.000:5:6 %"])
    assert code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Oversigt", "Kontrakter", "Forfald pr. år", "Røde flag", "Tilkøb 1"]
    cal = Calendar.from_ical(ics.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    # deadlines on or after 01-12-2026 of contracts with a secondary period: SL-2024-118, PP-1203, NF-4471
    assert sorted(str(e["summary"]).split(": ")[1].split(" ")[0] for e in events) == ["NF-4471", "PP-1203",
                                                                                     "SL-2024-118"]
    assert all(e.walk("VALARM") for e in events)
    assert main(["kontrakter", str(register), "-o", str(out), "--dato", "01-12-2026"]) == 2   # exists: refused


def test_the_register_is_never_the_output(tmp_path):
    register = _register(tmp_path, EXAMPLE)
    assert main(["kontrakter", str(register), "-o", str(register), "--force"]) == 2


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_overview_to_the_python_figures(tmp_path, recalc):
    register = _register(tmp_path, EXAMPLE)
    out = tmp_path / "Kontraktoversigt.xlsx"
    assert main(["kontrakter", str(register), "-o", str(out), "--dato", "01-12-2026"]) == 0
    values = openpyxl.load_workbook(recalc(out), data_only=True)
    ws = values["Kontrakter"]
    head = {c.value: c.column for c in ws[3]}
    read = read_register(register)
    for i, (_, c) in enumerate(read.contracts):
        r = 5 + i
        p = position(resolve(c), dt.date(2026, 12, 1))

        def cell(name, r=r):
            v = ws.cell(r, head[name]).value
            return v.date() if isinstance(v, dt.datetime) else v

        assert cell("Aftalenummer") == c.number
        assert cell("Primær slutdato") == p.primary_end
        assert cell("Sidste dag for opsigelse") == p.notice_deadline
        assert cell("Sekundær periode slutter") == p.secondary_end
        assert Decimal(str(cell("Pris for at misse fristen"))).quantize(Decimal("0.01")) == p.secondary_cost
        assert cell("Status") == p.status
        assert cell("Dage til fristen") == p.days_to_deadline
    total_row = 5 + len(read.contracts)
    total = sum(position(resolve(c), dt.date(2026, 12, 1)).remaining_obligation for _, c in read.contracts)
    assert round(ws.cell(total_row, head["Restforpligtelse"]).value, 2) == float(total)
    due = values["Forfald pr. år"]
    last_col = due.max_column - 1   # "I alt (nominelt)"
    assert round(due.cell(5 + len(read.contracts), last_col).value, 2) == float(total)


def test_a_control_character_in_a_text_field_refuses_the_row_not_the_run(tmp_path):
    # Found by the CLI fuzz: openpyxl cannot write a control character into a cell (IllegalCharacterError)
    header = ";".join(h for _, h, _, _ in COLUMNS)
    good = "Statens Leasing;SL-1;Operationel leasing;60.000;;5.450,00;4;3;01-04-2024;forud;0;0;3;3;2;Skolen"
    bad = "Nordlys\x07Finans;NF-1;Finansiel leasing;100.000;5,1 %;;4;5;01-01-2023;forud;5.000;0;6;3;4;Rådhuset"
    path = tmp_path / "Kontrakter.csv"
    path.write_text("\n".join([header, bad, good]) + "\n", encoding="utf-8")
    read = read_register(path)
    assert [c.number for _, c in read.contracts] == ["SL-1"]
    (err,) = read.errors
    assert (err.row, err.field) == (2, "Leverandør") and "styretegn" in err.problem

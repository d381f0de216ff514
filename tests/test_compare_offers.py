"""Reading offers: hostile input answers with sheet, row and field in Danish; the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from xlkopi.cli import main
from xlkopi.compare.cli import example_offers
from xlkopi.compare.model import compare
from xlkopi.compare.offers import COLUMNS, NEEDS, read_offers
from xlkopi.errors import ArgumentError, FieldError, WorkbookError

GOOD = dict(supplier="Nordlys Finans", machine="MFP", kind="Finansiel leasing", price=100000, rate=0.051,
            years=5, periods_per_year=4, timing="forud", service_bw=0.08, service_colour=0.6)
NEEDS_OK = {"bw": 120000, "colour": 15000, "colour_growth": 0.1, "horizon": 5, "discount_rate": 0.04,
            "start": dt.date(2006, 1, 1)}


def offers_book(path, rows, needs=None, *, header=None, as_text=False):
    """An offers workbook with the given rows (dicts of attribute -> value) below the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilbud"
    ws.append(header or [label for _, label in COLUMNS])
    for raw in rows:
        ws.append([raw.get(attr) for attr, _ in COLUMNS])
        if as_text:
            for c in ws[ws.max_row]:
                if isinstance(c.value, str):
                    c.data_type = "s"
    nd = wb.create_sheet("Behov")
    nd.append(["Felt", "Værdi"])
    for attr, label in NEEDS:
        nd.append([label, (needs or NEEDS_OK).get(attr)])
    wb.save(path)
    return path


# (case, changes to a good row, field named in the message, words the message contains)
HOSTILE = [
    ("leverandør mangler", {"supplier": None}, "Leverandør", "mangler"),
    ("leverandør blank", {"supplier": "   "}, "Leverandør", "mangler"),
    ("ukendt form", {"kind": "Afbetaling"}, "Finansieringsform", "ukendt"),
    ("pris mangler", {"price": None}, "Kontantpris (kr)", "mangler"),
    ("pris tekst", {"price": "hundrede tusind"}, "Kontantpris (kr)", "skal være et tal"),
    ("pris negativ", {"price": -5}, "Kontantpris (kr)", "større end 0"),
    ("løbetid negativ", {"years": -5}, "Løbetid (år)", "større end 0"),
    ("løbetid nul", {"years": 0}, "Løbetid (år)", "større end 0"),
    ("løbetid tekst", {"years": "fem"}, "Løbetid (år)", "skal være et tal"),
    ("løbetid ikke hele terminer", {"years": 2.3}, "Løbetid (år)", "helt antal terminer"),
    ("terminer 3", {"periods_per_year": 3}, "Terminer pr. år", "1, 2, 4 eller 12"),
    ("terminer tekst", {"periods_per_year": "hver tredje måned"}, "Terminer pr. år", "1, 2, 4 eller 12"),
    ("rente som procenttal", {"rate": 5.1}, "Rente (år)", "decimaltal eller procent"),
    ("rente tekst", {"rate": "lav"}, "Rente (år)", "skal være et tal"),
    ("rente og sats mangler", {"rate": None}, "Rente (år)", "angiv renten eller leasingsatsen"),
    ("rente og sats begge", {"leasingsats": 0.0562}, "Leasingsats", "ikke begge"),
    ("forud/bagud ukendt", {"timing": "midt"}, "Forud/bagud", "forud eller bagud"),
    ("restværdi negativ", {"residual": -1}, "Restværdi (kr)", "negativ"),
    ("restværdi over pris", {"residual": 100000}, "Restværdi (kr)", "mindre end kontantprisen"),
    ("servicepris tekst", {"service_bw": "otte øre"}, "Servicepris s/h (kr pr. tryk)", "skal være et tal"),
    ("servicepris negativ", {"service_colour": -0.6}, "Servicepris farve (kr pr. tryk)", "negativ"),
    ("gebyr negativ", {"invoice_fee": -25}, "Fakturagebyr pr. termin (kr)", "negativ"),
    ("minimumsvolumen brøk", {"min_volume": 1000.5}, "Minimumsvolumen (s/h tryk pr. år)", "helt tal"),
    ("indeksering 3", {"indexation": 3}, "Indeksregulering pr. år", "decimaltal eller procent"),
    ("indeksering af finansiering", {"index_financing": "måske"}, "Indeksregulering af finansiering", "ja eller nej"),
    ("kapacitet nul", {"rated_volume": 0}, "Kapacitet (tryk pr. år)", "større end 0"),
    ("sekundær periode negativ", {"secondary_months": -6}, "Sekundær periode (måneder)", "negativ"),
    ("all-in uden minimum", {"kind": "All-in"}, "Minimumsvolumen (s/h tryk pr. år)", "minimumsvolumen"),
    ("uendelig", {"price": "1e400"}, "Kontantpris (kr)", "endeligt"),
]


@pytest.mark.parametrize("case,change,field,words", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_offer_row_names_sheet_row_and_field(tmp_path, case, change, field, words):
    """The bad row is rejected with sheet, row and field; the good row around it is still read."""
    bad = {**GOOD, **change}
    path = offers_book(tmp_path / "t.xlsx", [GOOD, bad, {**GOOD, "supplier": "Tredje"}])
    got = read_offers(path)
    assert [o.supplier for o in got.offers] == ["Nordlys Finans", "Tredje"]
    (err,) = got.errors
    assert isinstance(err, FieldError)
    assert (err.sheet, err.row, err.field) == ("Tilbud", 3, field)
    assert str(err).startswith(f"Ark 'Tilbud', række 3, felt '{field}'")
    assert words in str(err)


def test_formula_looking_supplier_is_read_as_text(tmp_path):
    path = offers_book(tmp_path / "t.xlsx", [{**GOOD, "supplier": "=1+1"}, {**GOOD, "supplier": "@SUM(A1)"},
                                               {**GOOD, "supplier": "-2"}, {**GOOD, "supplier": "+45 Kopi"}],
                       as_text=True)
    got = read_offers(path)
    assert [o.supplier for o in got.offers] == ["=1+1", "@SUM(A1)", "-2", "+45 Kopi"]
    assert not got.errors


def test_kind_labels_and_danish_numbers_are_accepted(tmp_path):
    rows = [{**GOOD, "kind": "finansiel leasing", "price": "100.000,00", "rate": "5,1 %"},
            {**GOOD, "kind": "ALL-IN", "min_volume": "100000", "rate": "6%"},
            {**GOOD, "kind": "Kontant køb", "rate": None, "years": None}]
    got = read_offers(offers_book(tmp_path / "t.xlsx", rows))
    assert not got.errors
    a, b, c = got.offers
    assert (a.kind, a.price, a.rate) == ("finansiel", Decimal("100000.00"), Decimal("0.051"))
    assert (b.kind, b.rate, b.min_volume) == ("allin", Decimal("0.06"), 100000)
    assert c.kind == "kontant" and c.years is None


@pytest.mark.parametrize("attr,value,words", [
    ("horizon", None, "mangler"),
    ("horizon", -2, "større end 0"),
    ("horizon", 40, "højst være 15 år"),
    ("bw", "mange", "skal være et tal"),
    ("discount_rate", 4, "decimaltal eller procent"),
    ("start", "i morgen", "dd-mm-åååå"),
    ("colour_growth", "ti procent", "skal være et tal"),
])
def test_bad_needs_name_sheet_row_and_field(tmp_path, attr, value, words):
    needs = {**NEEDS_OK, attr: value}
    path = offers_book(tmp_path / "t.xlsx", [GOOD], needs)
    with pytest.raises(FieldError) as exc:
        read_offers(path)
    label = dict(NEEDS)[attr]
    row = 2 + [a for a, _ in NEEDS].index(attr)
    assert (exc.value.sheet, exc.value.row, exc.value.field) == ("Behov", row, label)
    assert words in str(exc.value)


def test_unknown_column_and_missing_sheet(tmp_path):
    header = [label for _, label in COLUMNS] + ["Farve på maskinen"]
    got = read_offers(offers_book(tmp_path / "a.xlsx", [GOOD], header=header))
    assert [o.supplier for o in got.offers] == ["Nordlys Finans"] and not got.errors
    (note,) = got.notes
    assert str(note) == "Ark 'Tilbud', række 1, felt 'Farve på maskinen': er en ukendt kolonne og springes over"
    wb = Workbook()
    wb.active.title = "Tilbud"
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(FieldError, match="Ark 'Behov'.*mangler"):
        read_offers(tmp_path / "b.xlsx")
    (tmp_path / "c.xlsx").write_bytes(b"not a zip")
    with pytest.raises(WorkbookError, match="kan ikke læses"):
        read_offers(tmp_path / "c.xlsx")
    with pytest.raises(WorkbookError, match="findes ikke"):
        read_offers(tmp_path / "mangler.xlsx")


def test_csv_with_semicolons_and_decimal_comma(tmp_path):
    head = ";".join(label for _, label in COLUMNS)
    values = {**GOOD, "price": "100000,00", "rate": "0,051", "service_bw": "0,08", "service_colour": "0,6"}
    line = ";".join("" if values.get(attr) is None else str(values.get(attr)) for attr, _ in COLUMNS)
    (tmp_path / "t.csv").write_text(head + "\n" + line + "\n" + line.replace("100000,00", "x") + "\n",
                                    encoding="utf-8")
    (tmp_path / "b.csv").write_text("Felt;Værdi\nSort/hvid tryk pr. år;120000\nFarvetryk pr. år;15000\n"
                                    "Farvevækst pr. år;10 %\nHorisont (år);5\nDiskonteringsrente;4 %\n"
                                    "Startdato;01-01-2006\n", encoding="utf-8")
    got = read_offers(tmp_path / "t.csv", tmp_path / "b.csv")
    assert got.offers[0].price == Decimal("100000.00") and got.offers[0].sheet == "t.csv"
    assert got.needs.colour_growth == Decimal("0.1") and got.needs.start == dt.date(2006, 1, 1)
    (err,) = got.errors
    assert str(err).startswith("Ark 't.csv', række 3, felt 'Kontantpris (kr)'")
    with pytest.raises(ArgumentError, match="--behov"):
        read_offers(tmp_path / "t.csv")


def test_unsolvable_leasingsats_is_rejected_by_row(tmp_path):
    """A leasingsats too low to repay the price at any rate above -100 % (the engine's bracket)."""
    rows = [GOOD, {**GOOD, "rate": None, "leasingsats": 0.00001, "years": 1, "periods_per_year": 1}]
    comp = compare(read_offers(offers_book(tmp_path / "t.xlsx", rows)))
    assert len(comp.results) == 1
    (err,) = comp.rejected
    assert (err.sheet, err.row, err.field) == ("Tilbud", 3, "Leasingsats")


def test_cli_compare_reports_bad_rows_and_writes_the_rest(tmp_path, capsys):
    path = offers_book(tmp_path / "t.xlsx", [GOOD, {**GOOD, "years": -5}])
    out = tmp_path / "S.xlsx"
    assert main(["compare", str(path), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert "Ark 'Tilbud', række 3, felt 'Løbetid (år)'" in text
    assert load_workbook(out).sheetnames[2] == "T1 Nordlys Finans"
    # The existing output is not overwritten without --force
    assert main(["compare", str(path), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["compare", str(path), "-o", str(out), "--force"]) == 1


def test_cli_compare_without_valid_offers_exits_2(tmp_path, capsys):
    path = offers_book(tmp_path / "t.xlsx", [{**GOOD, "price": "gratis"}])
    assert main(["compare", str(path), "-o", str(tmp_path / "S.xlsx")]) == 2
    assert "Ingen gyldige tilbud" in capsys.readouterr().err
    assert not (tmp_path / "S.xlsx").exists()


def test_cli_help_is_danish(capsys):
    assert main(["compare", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Sammenlign" in text or "sammenligning" in text
    assert "--pdf" in text and "--force" in text


def test_demo_writes_the_workbook(tmp_path):
    from rich.console import Console

    from xlkopi.compare.cli import demo

    console = Console(file=open(tmp_path / "log.txt", "w"), highlight=False)
    assert demo(tmp_path, console, force=False) == 0
    target = tmp_path / "sammenligning" / "Sammenligning.xlsx"
    wb = load_workbook(target)
    assert wb.sheetnames[:3] == ["Beslutning", "Forudsætninger", "Behovsanalyse"]  # the decision first
    assert wb.sheetnames[-4:] == ["Sammenligning", "Følsomhed", "Indfrielse", "Tjekliste"]
    assert example_offers().exists()
    # the example's input beside its output, to copy for one's own offers; a rerun leaves it alone
    copy = tmp_path / "sammenligning" / "Tilbud_eksempel.xlsx"
    assert copy.read_bytes() == example_offers().read_bytes()
    assert demo(tmp_path, console, force=True) == 0


def test_public_functions_are_documented():
    import inspect

    from xlkopi.compare import cli, model, offers, workbook

    for module in (cli, model, offers, workbook):
        assert module.__doc__
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) == module.__name__:
                assert obj.__doc__, f"{module.__name__}.{name} has no docstring"

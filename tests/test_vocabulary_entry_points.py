"""One text, one meaning: every entry point reads what Danish users type the same way, or refuses it the same way.

The table holds inputs as Danish Excel, LibreOffice (da-DK) and people
write them (DOMAIN.md, "How Danish users write numbers, dates and
answers"); each row goes through every entry point that has the field:

* the offers reader from a semicolon CSV in cp1252 (Danish Excel's export; UTF-8 with a BOM where
  cp1252 has no such character),
* the offers reader from an .xlsx text cell and from a number cell,
* ``xlkopi schedule``'s flags,
* the worksheet functions (LEASE_PAYMENT, CLICK_PRICE),
* the auditor's labelled cells.

Expected values are what the text means in Danish (``180.000`` is one
hundred and eighty thousand): the source of each is the DOMAIN.md rule
named beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

import xlkopi.udfs as udf  # noqa: E402
from xlkopi.audit.terms import offers_from_labels, to_terms
from xlkopi.cli import build_parser, main
from xlkopi.cliparse import parse
from xlkopi.compare.offers import COLUMNS, NEEDS, read_offers
from xlkopi.core.vocabulary import AMOUNT, PER_PRINT, PRICE, RATE, TERM, read

REFUSED = "refused"

# (field, text, expected value in the field's unit or (REFUSED, words of the message), source of the reading)
TABLE = [
    ("price", "180.000", Decimal("180000"), "dot + three digits is thousands (DOMAIN.md: 180.000 = 180000)"),
    ("price", "1.250.000", Decimal("1250000"), "thousands dots, twice"),
    ("price", "100.000,00", Decimal("100000"), "Danish decimal comma"),
    ("price", "1.234,56", Decimal("1234.56"), "DOMAIN.md: 1.234.567,89"),
    ("price", "180 000", Decimal("180000"), "DOMAIN.md: some exports use a space"),
    ("price", "180\u00a0000", Decimal("180000"), "DOMAIN.md: or a no-break space"),
    ("price", "180000", Decimal("180000"), "plain digits"),
    ("price", "180.000 kr.", Decimal("180000"), "DOMAIN.md: kr. after the number"),
    ("price", "kr. 180.000,-", Decimal("180000"), "DOMAIN.md: currency before the number; ,- whole kroner"),
    ("price", "DKK 180.000", Decimal("180000"), "DOMAIN.md: DKK"),
    ("price", "1234.56", Decimal("1234.56"), "machine form: dot + two digits is a decimal"),
    ("price", "1,234.56", Decimal("1234.56"), "machine form with comma-grouped thousands"),
    ("price", "\u22121.500", (REFUSED, "større end 0"), "U+2212 minus: a negative price"),
    ("price", "hundrede tusind", (REFUSED, "skal være et tal"), "no number"),
    ("price", "5 %", (REFUSED, "%"), "a percentage is no price"),
    ("rate", "5,1 %", Decimal("0.051"), "DOMAIN.md: percent with a space"),
    ("rate", "5,1%", Decimal("0.051"), "LibreOffice da-DK's percent format"),
    ("rate", "0,051", Decimal("0.051"), "decimal comma"),
    ("rate", "0.051", Decimal("0.051"), "a first group of 0 is no thousands group"),
    ("rate", "5.1%", Decimal("0.051"), "machine form"),
    ("rate", "\u22120,5 %", Decimal("-0.005"), "negative rates existed (2015-2021)"),
    ("rate", "5,1", (REFUSED, "5,1 %"), "5,1 as a fraction is 510 %: refused, naming 5,1 %"),
    ("rate", "5.1", (REFUSED, "5,1 %"), "same, machine form"),
    ("years", "5", Decimal("5"), "years"),
    ("years", "5 år", Decimal("5"), "years with the unit"),
    ("years", "60 mdr.", Decimal("5"), "DOMAIN.md: terms are given in years or months"),
    ("years", "36 måneder", Decimal("3"), "months spelt out"),
    ("years", "2,5", Decimal("2.5"), "decimal comma"),
    ("years", "24", (REFUSED, "24 måneder"), "24 years is no copier lease; 24 months is named"),
    ("years", "7 mdr.", (REFUSED, "kvartaler"), "7 months is no whole number of quarters"),
    ("residual", "5.000", Decimal("5000"), "thousands dot (the guide's 5 % residual of 100.000 kr)"),
    ("residual", "5.000,00 kr", Decimal("5000"), "Danish with the currency"),
    ("residual", "0", Decimal("0"), "no residual"),
    ("residual", "-1", (REFUSED, "negativ"), "a negative residual"),
    ("service", "0,08", Decimal("0.08"), "the guide: b/w from about 8 øre"),
    ("service", "8 øre", Decimal("0.08"), "DOMAIN.md: small amounts in øre"),
    ("service", "0.08", Decimal("0.08"), "machine form"),
    ("service", "0,60 kr", Decimal("0.60"), "colour price with kr"),
    ("service", "1.250", (REFUSED, "1,25"), "1.250 kr per print is absurd, 1,25 is named"),
]

CSV_COLUMN = {"price": "Kontantpris (kr)", "rate": "Rente (år)", "years": "Løbetid (år)",
              "residual": "Restværdi (kr)", "service": "Servicepris s/h (kr pr. tryk)"}
ATTR = {"price": "price", "rate": "rate", "years": "years", "residual": "residual", "service": "service_bw"}
QUANTITY = {"price": PRICE, "rate": RATE, "years": TERM, "residual": AMOUNT, "service": PER_PRINT}
FLAG = {"price": "--price", "rate": "--rate", "years": "--years", "residual": "--residual"}
BASE = {"supplier": "Nordlys Finans", "machine": "MFP", "kind": "Finansiel leasing", "price": "100.000",
        "rate": "5,1 %", "years": "5", "periods_per_year": "4", "timing": "forud", "residual": "0",
        "service_bw": "0,08", "service_colour": "0,60"}
NEEDS_TEXT = {"bw": "120.000", "colour": "15.000", "colour_growth": "10 %", "horizon": "5",
              "discount_rate": "4 %", "start": "01-01-2006"}
def _cases(keep=lambda row: True):
    """The table's rows that ``keep`` selects, as pytest params named field:text."""
    return [pytest.param(*row, id=f"{row[0]}:{row[1]}") for row in TABLE if keep(row)]


def _accepted(row) -> bool:
    return not isinstance(row[2], tuple)


def _needs_csv(folder: Path) -> Path:
    path = folder / "Behov.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Felt", "Værdi"])
        for attr, label in NEEDS:
            w.writerow([label, NEEDS_TEXT[attr]])
    return path


def _row(field: str, text) -> dict:
    return {**BASE, ATTR[field]: text}


def _via_csv(tmp_path: Path, field: str, text: str):
    path = tmp_path / "Tilbud.csv"
    try:
        text.encode("cp1252")
        encoding = "cp1252"
    except UnicodeEncodeError:  # U+2212: Danish Excel saves such a file as "CSV UTF-8", with a BOM
        encoding = "utf-8-sig"
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS])
        row = _row(field, text)
        w.writerow([row.get(attr, "") for attr, _ in COLUMNS])
    return read_offers(path, _needs_csv(tmp_path))


def _via_xlsx(tmp_path: Path, field: str, value, number_format: str | None = None):
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilbud"
    ws.append([label for _, label in COLUMNS])
    row = _row(field, value)
    ws.append([row.get(attr) for attr, _ in COLUMNS])
    for cell in ws[2]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    if number_format:
        col = [a for a, _ in COLUMNS].index(ATTR[field]) + 1
        ws.cell(2, col).number_format = number_format
    nd = wb.create_sheet("Behov")
    nd.append(["Felt", "Værdi"])
    for attr, label in NEEDS:
        nd.append([label, NEEDS_TEXT[attr]])
    path = tmp_path / "Tilbud.xlsx"
    wb.save(path)
    return read_offers(path)


def _offer_value(got, field):
    if got.offers:
        return getattr(got.offers[0], ATTR[field])
    (err,) = got.errors
    assert err.field == CSV_COLUMN[field], str(err)  # the message names the column the user typed into
    return (REFUSED, str(err))


def _cli_value(field: str, text: str):
    args = {"--price": "100000", "--rate": "0,051", "--years": "5"}
    args[FLAG[field]] = text
    argv = ["schedule"] + [x for kv in args.items() for x in kv]
    ns, code = parse(build_parser(), argv)
    if ns is None:
        return code
    return getattr(ns, ATTR[field] if field != "residual" else "residual")


def _udf_result(field: str, value):
    if field == "service":
        return udf.CLICK_PRICE(22497.96, 100000, value)
    args = {"price": 100000, "rate": 0.051, "years": 5, "residual": 0}
    args[field] = value
    return udf.LEASE_PAYMENT(args["price"], args["rate"], args["years"], 4, args["residual"])


def _matches(got, expected) -> bool:
    if isinstance(expected, tuple):
        return isinstance(got, tuple) and got[0] == REFUSED and expected[1] in got[1]
    return got == expected


@pytest.mark.parametrize("field, text, expected, source", _cases())
def test_the_vocabulary_reads_the_text(field, text, expected, source):
    try:
        got = read(QUANTITY[field], text, CSV_COLUMN[field])
    except ValueError as err:
        got = (REFUSED, str(err))
    assert _matches(got, expected), (source, got)


@pytest.mark.parametrize("field, text, expected, source", _cases())
def test_offers_csv_as_danish_excel_saves_it(tmp_path, field, text, expected, source):
    assert _matches(_offer_value(_via_csv(tmp_path, field, text), field), expected), source


@pytest.mark.parametrize("field, text, expected, source", _cases())
def test_offers_xlsx_text_cell(tmp_path, field, text, expected, source):
    assert _matches(_offer_value(_via_xlsx(tmp_path, field, text), field), expected), source


@pytest.mark.parametrize("field, text, expected, source", _cases(_accepted))
def test_offers_xlsx_number_cell(tmp_path, field, text, expected, source):
    """A number typed in Danish Excel is stored as the number; a percentage as its fraction, formatted %."""
    if field == "years" and ("mdr" in text or "måned" in text):
        pytest.skip("a number cell holds no unit; months are the header's (test_header_units_convert)")
    fmt = "0.0%" if field == "rate" else "#,##0.00"
    assert _offer_value(_via_xlsx(tmp_path, field, float(expected), fmt), field) == expected, source


@pytest.mark.parametrize("field, text, expected, source", _cases(lambda r: r[0] in FLAG))
def test_schedule_flag(capsys, field, text, expected, source):
    got = _cli_value(field, text)
    if isinstance(expected, tuple):
        err = capsys.readouterr().err
        assert got == 2 and FLAG[field] in err and expected[1] in err, err
        assert "Traceback" not in err and "'price'" not in err and "annual_rate" not in err
    else:
        assert got == expected, source


@pytest.mark.parametrize("field, text, expected, source", _cases())
def test_worksheet_function_text_argument(field, text, expected, source):
    got = _udf_result(field, text)
    if isinstance(expected, tuple):
        assert isinstance(got, str) and expected[1] in got, got
        assert f"Argumentet '{ {'service': 'service_price_per_print', 'rate': 'annual_rate'}.get(field, field)}'" in got
    else:
        assert got == _udf_result(field, float(expected)), source


AUDIT_LABEL = {"price": "Anskaffelsespris", "years": "Løbetid", "residual": "Restværdi"}


@pytest.mark.parametrize("field, text, expected, source", _cases(lambda r: r[0] in AUDIT_LABEL and _accepted(r)))
def test_auditor_labelled_cell(field, text, expected, source):
    rows = [["Leasingform", "Finansiel leasing"]] + ([] if field == "price" else [["Anskaffelsespris", "100.000"]])
    rows.append([AUDIT_LABEL[field], text])
    (offer,) = offers_from_labels("Tilbud", rows)
    assert getattr(to_terms(offer), field) == expected, source


# ----------------------------------------------------------------------------- units in headers, extra columns

def test_header_units_convert(tmp_path):
    """Løbetid (mdr.) = 24 is two years; Rente (%) = 5,1 is 5,1 %; Servicepris (øre pr. tryk) = 8 is 0,08 kr."""
    path = tmp_path / "Tilbud.csv"
    header = [label for _, label in COLUMNS]
    header[header.index("Løbetid (år)")] = "Løbetid (mdr.)"
    header[header.index("Rente (år)")] = "Rente (%)"
    header[header.index("Servicepris s/h (kr pr. tryk)")] = "Servicepris s/h (øre pr. tryk)"
    row = {**BASE, "years": "24", "rate": "5,1", "service_bw": "8"}
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header + ["Bemærkninger"])
        w.writerow([row.get(attr, "") for attr, _ in COLUMNS] + ["ring før levering"])
    got = read_offers(path, _needs_csv(tmp_path))
    (offer,) = got.offers
    assert (offer.years, offer.rate, offer.service_bw) == (Decimal(2), Decimal("0.051"), Decimal("0.08"))
    (note,) = got.notes  # the extra column is reported once and ignored
    assert note.field == "Bemærkninger" and "springes over" in str(note)


def test_a_percent_cell_in_a_percent_column_is_not_divided_twice(tmp_path):
    got = _via_xlsx(tmp_path, "rate", 0.051, "0.0%")
    assert got.offers[0].rate == Decimal("0.051")


def test_an_extra_column_never_aborts_the_comparison(tmp_path, capsys):
    path = tmp_path / "Tilbud.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS] + ["Bemærkninger"])
        w.writerow([BASE.get(attr, "") for attr, _ in COLUMNS] + ["ok"])
    code = main(["compare", str(path), "--behov", str(_needs_csv(tmp_path)), "-o", str(tmp_path / "S.xlsx")])
    out = capsys.readouterr().out
    assert code == 0 and "Bemærkninger" in out and "springes over" in out


def test_cp850_csv_with_danish_letters(tmp_path):
    """DOS and console tools write cp850: Ø is 0x9D there and a control character in cp1252."""
    path = tmp_path / "Tilbud.csv"
    with open(path, "w", encoding="cp850", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS])
        w.writerow([{**BASE, "supplier": "Østjysk Kopi ApS"}.get(attr, "") for attr, _ in COLUMNS])
    got = read_offers(path, _needs_csv(tmp_path))
    assert [o.supplier for o in got.offers] == ["Østjysk Kopi ApS"] and not got.errors


# ----------------------------------------------------------------------------- LibreOffice da-DK as the writer

@pytest.mark.libreoffice
def test_libreoffice_da_dk_csv_export_reads_back_through_compare(tmp_path, soffice, capsys):
    """Offers typed as numbers in a da-DK spreadsheet, exported by LibreOffice as Danish Excel's CSV."""
    from xlkopi.io.libreoffice import convert

    src = tmp_path / "src"
    src.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilbud"
    ws.append(["Leverandør", "Finansieringsform", "Kontantpris (kr)", "Rente (år)", "Løbetid (mdr.)",
               "Restværdi (kr)", "Servicepris s/h (kr pr. tryk)", "Servicepris farve (kr pr. tryk)", "Bemærkninger"])
    ws.append(["Østjysk Kopi", "Finansiel leasing", 180000, 0.051, 60, 5000, 0.08, 0.6, "tilbud 12"])
    for ref, fmt in (("C2", "#,##0"), ("D2", "0.0%"), ("F2", "#,##0.00"), ("G2", "0.00"), ("H2", "0.00")):
        ws[ref].number_format = fmt
    wb.save(src / "Tilbud.xlsx")
    nb = Workbook()
    ns = nb.active
    ns.title = "Behov"
    for label, value, fmt in (("Felt", "Værdi", None), ("Sort/hvid tryk pr. år", 350000, "#,##0"),
                              ("Farvetryk pr. år", 15000, "#,##0"), ("Farvevækst pr. år", 0.1, "0%"),
                              ("Horisont (år)", 5, "0"), ("Diskonteringsrente", 0.04, "0.0%"),
                              ("Startdato", dt.datetime(2006, 1, 1), "dd-mm-yyyy")):
        ns.append([label, value])
        if fmt:
            ns.cell(ns.max_row, 2).number_format = fmt
    nb.save(src / "Behov.xlsx")
    offers_csv = convert(src / "Tilbud.xlsx", tmp_path, "csv")
    needs_csv = convert(src / "Behov.xlsx", tmp_path, "csv")
    text = offers_csv.read_bytes().decode("cp1252")
    assert "180.000" in text and "5,1%" in text and "5.000,00" in text and "0,08" in text  # the da-DK forms
    assert "350.000" in needs_csv.read_bytes().decode("cp1252")
    code = main(["compare", str(offers_csv), "--behov", str(needs_csv), "-o", str(tmp_path / "S.xlsx")])
    assert code == 0, capsys.readouterr()
    got = read_offers(offers_csv, needs_csv)
    (offer,) = got.offers
    assert (offer.supplier, offer.price, offer.rate, offer.years, offer.residual, offer.service_bw) == (
        "Østjysk Kopi", Decimal("180000.00"), Decimal("0.051"), Decimal(5), Decimal("5000.00"), Decimal("0.08"))
    assert got.needs.bw == 350000 and got.needs.start == dt.date(2006, 1, 1)


# ----------------------------------------------------------------------------- the bugs found beside it

@pytest.mark.parametrize("price, rate, years, ppy, expected", [
    (1000, 0.05, 1, 1, 0.05),     # the issue: LEASE_RATE(1000;0,05;1;1;0;FALSK) = 1,05 gives back 5 %
    (100000, 0.9, 2, 1, 0.9),     # the issue: LEASE_RATE(100000;0,9;2;1;0;FALSK) = 1,2448276
])
def test_base_rate_takes_the_leasingsats_lease_rate_gives(price, rate, years, ppy, expected):
    sats = udf.LEASE_RATE(price, rate, years, ppy, 0, False)
    assert sats >= 1
    got = udf.BASE_RATE(sats, years, ppy, 0, False)
    # The payment is rounded to the øre, so the rate comes back within what half an øre on it allows.
    payment = udf.LEASE_PAYMENT(price, rate, years, ppy, 0, False)
    low, high = (udf.BASE_RATE((payment + d) / price, years, ppy, 0, False) for d in (-0.005, 0.005))
    assert low <= expected <= high and low <= got <= high, (low, got, high)


def test_a_leasingsats_of_100_percent_in_advance_is_refused_in_danish():
    assert udf.BASE_RATE(1, 1, 1, 0, True).startswith("BASE_RATE: Argumentet 'leasingsats' skal være under 100 %")


def test_schedule_service_zero_leaves_switching_supplier_empty(tmp_path, capsys):
    """The default --service was the text "0", which is truthy: Skift af leverandør showed the restgæld."""
    from openpyxl import load_workbook

    for extra in ([], ["--service", "0"], ["--serviceydelse", "0,00 kr"]):
        out = tmp_path / f"f{len(extra)}{extra[-1] if extra else ''}.xlsx".replace(" ", "")
        code = main(["schedule", "--pris", "100.000", "--rente", "5,1 %", "--løbetid", "5", "--restværdi", "5.000",
                     "--start", "01-01-2006", "-o", str(out)] + extra)
        assert code == 0, capsys.readouterr()
        ws = load_workbook(out)["Indfrielse"]
        header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=10)) if c.value]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        col = next(j for r in rows for j, v in enumerate(r) if v == "Skift af leverandør")
        below = [r[col] for r in rows[[i for i, r in enumerate(rows) if "Skift af leverandør" in r][0] + 1:]]
        assert all(v in (None, "") for v in below), (extra, below, header)
    capsys.readouterr()
    code = main(["schedule", "--pris", "100.000", "--rente", "5,1 %", "--løbetid", "5", "--start", "01-01-2006",
                 "--service", "1.500"])
    assert code == 0 and "Skift af" in capsys.readouterr().out


def test_buyout_table_reads_a_service_of_zero_typed_as_text():
    from xlkopi.core.buyout_table import buyout_table
    from xlkopi.core.schedule import lease_schedule

    s = lease_schedule(100000, 0.051, 5, 4, 5000, "2006-01-01")
    assert all(r.switching is None for r in buyout_table(s, service_per_period="0"))
    assert all(r.switching is not None for r in buyout_table(s, service_per_period="1.500"))


# ----------------------------------------------------------------------------- dates and yes/no, every entry point

DATES = [
    ("01-01-2006", dt.date(2006, 1, 1), "DOMAIN.md: dd-mm-åååå"),
    ("1.1.2006", dt.date(2006, 1, 1), "DOMAIN.md: dd.mm.åååå"),
    ("1/1-2006", dt.date(2006, 1, 1), "DOMAIN.md: d/m-åååå"),
    ("2006-01-01", dt.date(2006, 1, 1), "ISO 8601"),
    ("1. januar 2006", dt.date(2006, 1, 1), "written out"),
    ("31-02-2006", (REFUSED, "findes"), "no such day"),
    ("01-01-06", (REFUSED, "firecifret"), "a two-digit year's century is a guess"),
]


def _register_date(tmp_path: Path, text: str):
    from xlkopi.enrol.example import EXAMPLE, HEADERS
    from xlkopi.enrol.register import read_register

    folder = tmp_path / "register"
    folder.mkdir()
    for sheet, rows in EXAMPLE.items():
        with open(folder / f"{sheet}.csv", "w", encoding="cp1252", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(HEADERS[sheet])
            for i, row in enumerate(rows):
                w.writerow(list(row[:2]) + [text] if sheet == "Tilmeldinger" and i == 0 else row)
    request = read_register(folder).requests[0]
    errors = [str(f) for f in request.findings]
    return (REFUSED, errors[0]) if errors else request.date


@pytest.mark.parametrize("text, expected, source", DATES, ids=[d[0] for d in DATES])
def test_dates_through_every_entry_point(tmp_path, capsys, text, expected, source):
    # the comparison's Startdato (needs, from CSV)
    needs = tmp_path / "Behov.csv"
    with open(needs, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        for attr, label in NEEDS:
            w.writerow([label, text if attr == "start" else NEEDS_TEXT[attr]])
    offers = tmp_path / "Tilbud.csv"
    with open(offers, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS])
        w.writerow([BASE.get(attr, "") for attr, _ in COLUMNS])
    try:
        got = read_offers(offers, needs).needs.start
    except ValueError as err:
        got = (REFUSED, str(err))
    assert _matches(got, expected), ("Behov", source, got)
    # the enrolment register's Tilmeldinger!Dato
    assert _matches(_register_date(tmp_path, text), expected), ("register", source)
    # xlkopi schedule --start
    ns, code = parse(build_parser(), ["schedule", "--pris", "100000", "--rente", "5 %", "--løbetid", "5",
                                      "--start", text])
    err = capsys.readouterr().err
    assert _matches(ns.start if ns else (REFUSED, err), expected), ("--start", source, err)
    # the worksheet functions' start_date
    table = udf.LEASE_SCHEDULE(100000, 0.051, 5, 4, 0, text)
    if isinstance(expected, tuple):
        assert isinstance(table, str) and "start_date" in table and expected[1] in table, table
    else:
        assert table[1][1] == dt.datetime(expected.year, expected.month, expected.day)


YES_NO = [("ja", True), ("JA", True), ("j", True), ("x", True), ("SAND", True), ("1", True),
          ("nej", False), ("n", False), ("FALSK", False), ("0", False), ("måske", REFUSED)]


@pytest.mark.parametrize("text, expected", YES_NO, ids=[y[0] for y in YES_NO])
def test_yes_no_through_every_entry_point(tmp_path, text, expected):
    """Indeksregulering af finansiering (offers), Kræver tilmelding (register), detail (ALLIN_COST)."""
    wb_row = {**BASE, "index_financing": text}
    path = tmp_path / "Flag.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS])
        w.writerow([wb_row.get(attr, "") for attr, _ in COLUMNS])
    got = read_offers(path, _needs_csv(tmp_path))
    offers_value = got.offers[0].index_financing if got.offers else REFUSED
    detail = udf.ALLIN_COST(0.3, 100000, 120000, None, None, None, text)
    udf_value = REFUSED if isinstance(detail, str) else isinstance(detail, list)
    from xlkopi.enrol.model import Agreement
    from xlkopi.enrol.register import _yes_no

    rec = Agreement(sheet="Aftaler", row=2)
    register_value = _yes_no(text, rec, "Kræver tilmelding")
    register_value = REFUSED if rec.findings else register_value
    assert offers_value == udf_value == register_value == expected

"""The blank offers file (``xlkopi compare --skabelon``), and the Tilbud sheet's reader at its edges.

The template: its sheets, drop-downs and every validated cell's Danish messages, the header comments,
the print setup; the round trip through :func:`~xlkopi.compare.offers.read_offers` (the EKSEMPEL rows
are skipped with a note; without the mark each is a valid offer of its financing form, and rows a user
adds are read); it is never written over a file without ``--force``; it holds no formula. The reader:
unknown columns and columns without a header are noted once each; up to :data:`MAX_OFFERS` offers.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from xlkopi.cli import main
from xlkopi.compare.fields import KR, KR4, NEED_FIELDS, OFFER_FIELDS
from xlkopi.compare.model import compare
from xlkopi.compare.needs import MACHINE_COLUMNS
from xlkopi.compare.offers import COLUMNS, MAX_OFFERS, NEEDS, read_offers
from xlkopi.compare.template import (
    COLUMN_HELP,
    EXAMPLE_MACHINES,
    EXAMPLE_OFFERS,
    ROWS,
    template_workbook,
    write_template,
)
from xlkopi.core.kinds import KINDS, LABELS
from xlkopi.errors import FieldError
from xlkopi.io.atomic import OutputExistsError


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("skabelon") / "Tilbud.xlsx")


def _validations(ws):
    """Each validation of ``ws`` with the cells it covers."""
    out = []
    for dv in ws.data_validations.dataValidation:
        cells = set()
        for rng in str(dv.sqref).split():
            c1, r1, c2, r2 = range_boundaries(rng)
            cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        out.append((dv, cells))
    return out


def _strip_examples(path, target, sheets=("Tilbud", "Maskiner")):
    wb = load_workbook(path)
    for name in sheets:
        for (c,) in wb[name].iter_rows(min_row=2, max_col=1):
            if isinstance(c.value, str):
                c.value = c.value.replace("EKSEMPEL ", "")
    wb.save(target)
    return target


# --------------------------------------------------------------------------- content

def test_sheets_headers_and_comments(template):
    wb = load_workbook(template)
    assert wb.sheetnames == ["Vejledning", "Tilbud", "Behov", "Maskiner"]
    assert wb.active.title == "Tilbud"
    ws = wb["Tilbud"]
    assert [c.value for c in ws[1]] == [f.header for f in OFFER_FIELDS]
    assert set(COLUMN_HELP) == {f.column for f in OFFER_FIELDS}
    for c in ws[1]:
        assert c.comment is not None and len(c.comment.text) > 30 and "Gælder:" in c.comment.text, c.value
    assert [c.value for c in wb["Maskiner"][1]] == [h for _, h in MACHINE_COLUMNS]
    assert all(c.comment is not None and c.comment.text for c in wb["Maskiner"][1])
    behov = wb["Behov"]
    assert [behov.cell(r, 1).value for r in range(2, 2 + len(NEED_FIELDS))] == [f.header for f in NEED_FIELDS]


def test_every_validated_cell_has_danish_input_and_error_messages(template):
    wb = load_workbook(template)
    for name in ("Tilbud", "Behov", "Maskiner"):
        for dv, _cells in _validations(wb[name]):
            assert dv.showInputMessage and dv.showErrorMessage, (name, dv.sqref)
            assert dv.prompt and dv.promptTitle and dv.error and dv.errorTitle, (name, dv.sqref)
            # Excel's limits: titles 32 characters, messages 255
            assert len(dv.promptTitle) <= 32 and len(dv.errorTitle) <= 32, (name, dv.promptTitle)
            assert len(dv.prompt) <= 255 and len(dv.error) <= 255, (name, dv.sqref, len(dv.prompt), len(dv.error))
            assert re.search("[æøå]|Skal|Vælg|Højst", dv.error + dv.prompt), dv.error
    # every cell of every Tilbud column, header excluded, is covered by exactly one validation
    ws = wb["Tilbud"]
    covered: dict = {}
    for _dv, cells in _validations(ws):
        for cell in cells:
            covered[cell] = covered.get(cell, 0) + 1
    want = {(r, c) for r in range(2, ROWS + 2) for c in range(1, len(OFFER_FIELDS) + 1)}
    assert set(covered) == want and set(covered.values()) == {1}
    behov = {next(iter(cells)) for _, cells in _validations(wb["Behov"])}
    assert behov == {(r, 2) for r in range(2, 2 + len(NEED_FIELDS))}


def test_drop_downs_and_number_formats(template):
    ws = load_workbook(template)["Tilbud"]
    col = {f.column: j for j, f in enumerate(OFFER_FIELDS, start=1)}
    lists = {}
    for dv, cells in _validations(ws):
        if dv.type == "list":
            (c,) = {c for _, c in cells}
            lists[next(f.column for f in OFFER_FIELDS if col[f.column] == c)] = (dv.formula1, dv.errorStyle)
    assert lists["kind"] == ('"' + ",".join(LABELS[k] for k in KINDS) + '"', "stop")
    assert lists["timing"] == ('"forud,bagud"', "stop")
    assert lists["index_financing"] == lists["renew"] == ('"ja,nej"', "stop")
    assert lists["periods_per_year"] == ('"1,2,4,12"', "warning")   # "kvartalsvis" is read too
    fmt = {attr: ws.cell(ROWS, j).number_format for attr, j in col.items()}
    assert fmt["price"] == fmt["residual"] == KR and fmt["service_bw"] == fmt["excess_price"] == KR4
    assert "%" in fmt["rate"] and "%" in fmt["leasingsats"] and "%" in fmt["indexation"]
    assert fmt["min_volume"] == fmt["rated_volume"] == "#,##0" and fmt["supplier"] == "@"
    numbers = [dv for dv, _ in _validations(ws) if dv.type in ("decimal", "whole")]
    assert numbers and all(dv.errorStyle == "warning" for dv in numbers)   # '8 øre' typed as text may be kept
    ms = load_workbook(template)["Maskiner"]
    assert ms.cell(50, 5).number_format == "dd-mm-yyyy" and ms.cell(50, 3).number_format == "#,##0"


def test_print_setup_freeze_panes_and_widths(template):
    wb = load_workbook(template)
    for name in ("Tilbud", "Maskiner", "Vejledning", "Behov"):
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == 9 and ws.sheet_properties.pageSetUpPr.fitToPage   # A4
        assert ws.print_title_rows == "$1:$1" and ws.page_setup.fitToHeight == 0
    ws = wb["Tilbud"]
    assert ws.page_setup.orientation == "landscape" and ws.freeze_panes == "C2"
    assert ws.page_setup.fitToWidth == 2 and ws.print_title_cols == "$A:$A"
    assert wb["Maskiner"].page_setup.fitToWidth == 1 and wb["Maskiner"].freeze_panes == "B2"
    for j in range(1, len(OFFER_FIELDS) + 1):
        assert ws.column_dimensions[get_column_letter(j)].width >= 13


def test_the_guide_names_every_form_the_units_and_the_examples(template):
    ws = load_workbook(template)["Vejledning"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for k in KINDS:
        assert LABELS[k] in text
    for words in ("EKSEMPEL", "øre", "dd-mm-åååå", "180.000", "5,1 %", "60 mdr.", "kr", "Maskiner",
                  "50 %", "xlkopi compare Tilbud.xlsx"):
        assert words in text, words
    assert all(f.header in text for f in OFFER_FIELDS)
    # one example row per financing form, all marked
    assert sorted(str(o["kind"]) for o in EXAMPLE_OFFERS) == sorted(LABELS.values())
    assert all(str(o["supplier"]).startswith("EKSEMPEL ") for o in EXAMPLE_OFFERS)
    assert all(str(m["location"]).startswith("EKSEMPEL ") for m in EXAMPLE_MACHINES)


# --------------------------------------------------------------------------- round trip

def test_round_trip_the_examples_are_skipped_with_a_note(template):
    got = read_offers(template)
    assert not got.offers and not got.errors and not got.machines and got.examples == len(EXAMPLE_OFFERS)
    notes = {(n.sheet, n.field): str(n) for n in got.notes}
    assert "rækkerne 2, 3, 4, 5, 6 og 7 er markeret EKSEMPEL" in notes[("Tilbud", "Leverandør")]
    assert "rækkerne 2 og 3 er markeret EKSEMPEL" in notes[("Maskiner", "Placering")]
    assert (got.needs.bw, got.needs.horizon, got.needs.start) == (120000, 5, dt.date(2027, 1, 1))


def test_round_trip_without_the_mark_every_example_is_a_valid_offer(template, tmp_path):
    got = read_offers(_strip_examples(template, tmp_path / "t.xlsx"))
    assert not got.errors and got.examples == 0
    assert [o.kind for o in got.offers] == ["kontant", "banklaan", "finansiel", "operationel", "leje", "allin"]
    assert [o.supplier for o in got.offers] == [str(o["supplier"])[9:] for o in EXAMPLE_OFFERS]
    by_kind = {o.kind: o for o in got.offers}
    assert by_kind["finansiel"].rate == Decimal("0.051") and by_kind["finansiel"].residual == Decimal("5000.00")
    assert by_kind["banklaan"].in_advance is False and by_kind["banklaan"].periods_per_year == 12
    assert by_kind["leje"].leasingsats == Decimal("0.058") and by_kind["leje"].index_financing is True
    assert by_kind["allin"].min_volume == 100000 and by_kind["operationel"].renew is True
    comp = compare(got)
    assert not comp.rejected and len(comp.results) == len(EXAMPLE_OFFERS)
    # the machines: 70.000 + 50.000 s/h and 12.000 colour a year (a year apart); the second at 33 %
    assert [(m.bw_volume, m.colour_volume, m.assessment) for m in got.machines] == [
        (70000, 12000, "OK"), (50000, 0, "Under 50 % af kapaciteten")]


def test_rows_a_user_adds_are_read(template, tmp_path):
    wb = load_workbook(template)
    ws = wb["Tilbud"]
    col = {f.column: j for j, f in enumerate(OFFER_FIELDS, start=1)}
    typed = {"supplier": "Kopi & Print A/S", "machine": "MFP 50", "kind": "Finansiel leasing", "price": "180.000",
             "rate": "5,1 %", "years": "60 mdr.", "periods_per_year": "kvartalsvis", "timing": "Forud",
             "residual": "9.000,00 kr", "service_bw": "8 øre", "service_colour": "0,55", "indexation": "2 %",
             "index_financing": "nej", "renew": "nej", "response_hours": "4", "rated_volume": "300.000"}
    for attr, value in typed.items():
        c = ws.cell(8, col[attr], value)
        c.data_type = "s"
    ws.cell(9, col["supplier"], "Banken")
    for attr, value in (("kind", "Banklån"), ("price", 95000), ("rate", 0.045), ("years", 5)):
        ws.cell(9, col[attr], value)
    wb["Behov"]["B2"] = None         # the b/w need from the machines
    wb.save(tmp_path / "udfyldt.xlsx")
    got = read_offers(_strip_examples(tmp_path / "udfyldt.xlsx", tmp_path / "udfyldt.xlsx", ("Maskiner",)))
    assert not got.errors, got.errors
    a, b = got.offers
    assert (a.row, a.supplier, a.price, a.rate, a.years, a.periods_per_year) == (
        8, "Kopi & Print A/S", Decimal("180000.00"), Decimal("0.051"), Decimal(5), 4)
    assert (a.residual, a.service_bw, a.service_colour, a.renew, a.rated_volume) == (
        Decimal("9000.00"), Decimal("0.08"), Decimal("0.55"), False, 300000)
    assert (b.row, b.kind, b.in_advance) == (9, "banklaan", False)
    assert got.needs.bw == 120000 and len(got.machines) == 2   # 70.000 + 50.000 measured


# --------------------------------------------------------------------------- writing

def test_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "Tilbud.xlsx"
    out.write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        write_template(out)
    assert out.read_bytes() == b"mine"
    assert main(["compare", "--skabelon", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == b"mine"
    assert main(["compare", "--skabelon", str(out), "--force"]) == 0
    assert load_workbook(out).sheetnames[1] == "Tilbud"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]   # written atomically, nothing left


def test_cli(tmp_path, capsys):
    out = tmp_path / "ny" / "Tilbud.xlsx"
    out.parent.mkdir()
    assert main(["compare", "--skabelon", str(out)]) == 0     # no offers argument needed
    assert "Skrev" in capsys.readouterr().out and out.is_file()
    assert main(["compare", str(out), "-o", str(tmp_path / "S.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "Ingen gyldige tilbud" in err and "EKSEMPEL" in err
    assert main(["compare"]) == 2
    assert "--skabelon" in capsys.readouterr().err
    assert main(["compare", "--help"]) == 0
    assert "--skabelon" in capsys.readouterr().out
    stripped = _strip_examples(out, tmp_path / "T.xlsx")
    assert main(["compare", str(stripped), "-o", str(tmp_path / "S.xlsx")]) == 0


def _sheet_xml(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")}


def test_hostile_text_never_becomes_a_formula(template, tmp_path):
    for name, xml in _sheet_xml(template).items():
        assert "<f>" not in xml and "<f " not in xml, name
    nasty = ['=HYPERLINK("http://x","klik")', "=1+1", "+SUM(A1:A2)", "@SUM(A1)", "-2+3", "=cmd|' /C calc'!A0"]
    offers = [{**EXAMPLE_OFFERS[2], "supplier": s, "machine": s} for s in nasty]
    machines = [{**EXAMPLE_MACHINES[0], "location": s, "model": s} for s in nasty]
    wb = template_workbook(offers, {"bw": "=2*3", "start": dt.date(2027, 1, 1)}, machines)
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "fjendtlig.xlsx"
    path.write_bytes(buf.getvalue())
    for name, xml in _sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
    back = load_workbook(path)
    assert [back["Tilbud"].cell(r, 1).value for r in range(2, 2 + len(nasty))] == nasty
    assert all(back["Tilbud"].cell(r, 1).data_type == "s" for r in range(2, 2 + len(nasty)))
    assert back["Behov"]["B2"].value == "=2*3" and back["Behov"]["B2"].data_type == "s"
    with pytest.raises(FieldError, match="Behov.*Sort/hvid"):
        read_offers(path)


# --------------------------------------------------------------------------- the Tilbud sheet's reader

GOOD = dict(supplier="Nordlys Finans", machine="MFP", kind="Finansiel leasing", price=100000, rate=0.051,
            years=5, periods_per_year=4, timing="forud", service_bw=0.08, service_colour=0.6)
NEEDS_OK = {"bw": 120000, "colour": 15000, "colour_growth": 0.1, "horizon": 5, "discount_rate": 0.04,
            "start": dt.date(2006, 1, 1)}


def _book(path, rows, header=None, extra=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilbud"
    ws.append((header or [label for _, label in COLUMNS]) + [h for h, _ in extra])
    for i, raw in enumerate(rows):
        ws.append([raw.get(attr) for attr, _ in COLUMNS] + [v(i) for _, v in extra])
    nd = wb.create_sheet("Behov")
    nd.append(["Felt", "Værdi"])
    for attr, label in NEEDS:
        nd.append([label, NEEDS_OK[attr]])
    wb.save(path)
    return path


def test_unknown_and_unnamed_columns_are_noted_once_each(tmp_path):
    extra = (("Bemærkninger", lambda i: f"note {i}"), ("bemærkninger", lambda i: "x"), (None, lambda i: i + 1),
             ("Farve", lambda i: None))
    got = read_offers(_book(tmp_path / "t.xlsx", [GOOD, GOOD, GOOD], extra=extra))
    assert len(got.offers) == 3 and not got.errors
    notes = [str(n) for n in got.notes]
    n = len(COLUMNS)
    assert notes == [
        "Ark 'Tilbud', række 1, felt 'Bemærkninger': er en ukendt kolonne og springes over",
        "Ark 'Tilbud', række 1, felt 'Farve': er en ukendt kolonne og springes over",
        f"Ark 'Tilbud', række 1, felt 'kolonne {get_column_letter(n + 3)}': har værdier, men ingen overskrift, og "
        "springes over; giv kolonnen en af de kendte overskrifter, hvis den skal læses",
    ]


@pytest.mark.parametrize("count", [MAX_OFFERS, MAX_OFFERS + 1])
def test_up_to_max_offers_are_compared(tmp_path, count):
    rows = [{**GOOD, "supplier": f"Leverandør {i}", "price": 50000 + 1000 * i} for i in range(count)]
    path = _book(tmp_path / "t.xlsx", rows)
    if count > MAX_OFFERS:
        with pytest.raises(FieldError) as exc:
            read_offers(path)
        assert f"har {count} tilbud; højst {MAX_OFFERS} kan sammenlignes" in str(exc.value)
        assert "del tilbuddene i flere filer" in str(exc.value)
        return
    assert MAX_OFFERS >= 50
    got = read_offers(path)
    assert len(got.offers) == MAX_OFFERS
    from xlkopi.compare.workbook import build_workbook

    wb = build_workbook(compare(got))
    offer_sheets = [n for n in wb.sheetnames if re.match(r"T\d+ ", n)]
    assert len(offer_sheets) == MAX_OFFERS and offer_sheets[-1] == f"T{MAX_OFFERS} Leverandør {MAX_OFFERS - 1}"
    assert wb["Tjekliste"].max_column == 2 + MAX_OFFERS

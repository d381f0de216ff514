"""The Beslutning sheet: the first page, recalculated by LibreOffice (da-DK), equals the model, and follows
an edited input.

Expected values: the model (xlkopi/compare/model.py), itself held to LibreOffice's recalculation of every
figure by tests/test_compare_workbook.py; the Danish number form is the vocabulary's (DOMAIN.md:
``1.234,56``), which LibreOffice's FIXED writes in the da-DK profile.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest

from xlkopi.compare.cli import example_offers
from xlkopi.compare.model import compare
from xlkopi.compare.offers import OfferSet, read_offers
from xlkopi.compare.workbook import build_workbook, write_workbook
from xlkopi.core.vocabulary import format_number


def _sentence(comp) -> str:
    ranked = sorted((r for r in comp.results if r.rank), key=lambda r: r.rank)
    best = ranked[0]
    text = (f"Vælg {best.key} {best.offer.supplier} ({best.offer.kind_label}): laveste nutidsværdi af omkostningerne "
            f"over {comp.needs.horizon} år, {format_number(best.present_value, 2)} kr, blandt de tilbud, der dækker "
            "hele horisonten")
    if len(ranked) > 1:
        text += (f", {format_number(ranked[1].present_value - best.present_value, 2)} kr under nr. 2, "
                 f"{ranked[1].key} {ranked[1].offer.supplier}")
    red = sum(1 for f in best.flags if f.is_red)
    text += ". " + ("Tilbuddet har ingen røde flag." if red == 0
                    else f"Tilbuddet har {red} røde flag; se Tjekliste, før der besluttes.")
    return text


def test_the_decision_is_the_first_sheet_and_the_active_one():
    wb = build_workbook(compare(read_offers(example_offers())))
    assert wb.sheetnames[0] == "Beslutning" and wb.active.title == "Beslutning"
    ws = wb["Beslutning"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 1
    assert ws.conditional_formatting  # rank 1, not ranked, red flags, utilisation < 50 %


def _rows(ws):
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Rang")
    cols = {ws.cell(header, c).value: c for c in range(1, 20) if ws.cell(header, c).value}
    return header, cols


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_decision_as_the_model(tmp_path, recalc):
    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    ws = openpyxl.load_workbook(recalc(path), data_only=True)["Beslutning"]
    assert ws["A4"].value == _sentence(comp)
    header, cols = _rows(ws)
    for j, r in enumerate(comp.results):
        row = header + 1 + j
        got = {name: ws.cell(row, c).value for name, c in cols.items()}
        assert got["Rang"] == (r.rank or "–"), r.key
        assert got["Tilbud"] == f"{r.offer.supplier} – {r.offer.kind_label}"
        assert Decimal(str(round(got["Nutidsværdi"], 2))) == r.present_value
        assert Decimal(str(round(got["I alt i horisonten"], 2))) == r.total
        assert round(got["Pris pr. s/h side"], 2) == float(r.cost_bw_page * 100)   # øre, from kr to 4 decimals
        assert round(got["Pris pr. farveside"], 2) == float(r.cost_colour_page * 100)
        assert got["Røde flag"] == sum(1 for f in r.flags if f.is_red)
        if r.utilisation is not None:
            assert abs(got["Udnyttelse"] - r.utilisation) < 1e-9
        assert got["Minimum over behovet"] == ("ja" if r.offer.min_volume > comp.needs.bw else "nej")


def test_what_needs_attention_is_marked():
    """The guide's ranges for a page's cost (section 3: b/w about 8-50 øre, colour about 0,50-3,50 kr by coverage)
    and the other marks are conditional formats over the live figures."""
    from xlkopi.compare.needs import PAGE_COST_BW, PAGE_COST_COLOUR, page_cost_outside

    ws = build_workbook(compare(read_offers(example_offers())))["Beslutning"]
    rules = [rule.formula[0] for rng in ws.conditional_formatting for rule in rng.rules]
    assert any("<8" in f and ">50" in f for f in rules) and any("<50" in f and ">350" in f for f in rules)
    assert any('="ja"' in f for f in rules) and any("<0.5" in f for f in rules)
    assert page_cost_outside(Decimal("0.0799"), PAGE_COST_BW)
    assert not page_cost_outside(Decimal("3.5"), PAGE_COST_COLOUR)


@pytest.mark.libreoffice
def test_an_edited_input_changes_the_recommendation(tmp_path, recalc):
    """Raise the cheapest offer's price in the workbook, as a user would: LibreOffice's page then recommends
    what the model recommends for the edited offers."""
    offers = read_offers(example_offers())
    comp = compare(offers)
    best = next(r for r in comp.results if r.rank == 1)
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    wb = openpyxl.load_workbook(path)
    name = wb.defined_names[f"{best.key}_Kontantpris"]
    sheet, ref = next(name.destinations)
    wb[sheet][ref.replace("$", "")].value = float(best.offer.price) * 1.5
    wb.save(path)
    edited = compare(OfferSet(offers.needs, [replace(o, price=o.price * Decimal("1.5"))
                                             if o is best.offer else o for o in offers.offers]))
    ws = openpyxl.load_workbook(recalc(path), data_only=True)["Beslutning"]
    assert ws["A4"].value == _sentence(edited)
    assert not ws["A4"].value.startswith(f"Vælg {best.key} ")


@pytest.mark.libreoffice
def test_the_pdf_starts_with_the_decision_in_danish(tmp_path, soffice):
    from xlkopi.io.libreoffice import render_pdf

    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    pdf = render_pdf(path, tmp_path / "Sammenligning.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                               text=True).stdout
        assert "Beslutningsgrundlag" in first
        best = next(r for r in comp.results if r.rank == 1)
        assert format_number(best.present_value, 2) + " kr" in first   # 197.713,33 kr, not 197,713.33


def test_the_chart_names_its_language_and_keeps_its_series(tmp_path):
    """LibreOffice prints a chart's axis in en-US form (350,000) unless the chart space says da-DK."""
    import zipfile

    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    xml = zipfile.ZipFile(path).read("xl/charts/chart1.xml").decode("utf-8")
    assert '<lang val="da-DK"/><chart>' in xml
    assert xml.count("<ser>") == len(comp.results)
    assert "(Finansiel leasing)" in openpyxl.load_workbook(path)["Sammenligning"].cell(
        next(r for r in range(1, 60) if openpyxl.load_workbook(path)["Sammenligning"].cell(r, 1).value == "År"),
        2).value

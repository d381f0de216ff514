"""The auditor's formula scan against openpyxl's reader, on workbooks three different writers wrote.

The scan collects formulas with regular expressions for speed
(:mod:`xlkopi.audit.sheetscan`); openpyxl's read-only reader, which parses
the XML and translates shared formulas itself, is the oracle: every sheet's
formula cells and texts must be the same. The writers: the hand-written XML
of the planted-fault corpus, openpyxl (xlkopi's comparison workbook) and
LibreOffice (the same workbook recalculated and saved, with shared formulas).
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from test_audit_bounds import _with_sheet

from xlkopi.audit.cli import EXAMPLE
from xlkopi.audit.reader import read_workbook
from xlkopi.compare.cli import example_offers
from xlkopi.compare.model import compare
from xlkopi.compare.offers import read_offers
from xlkopi.compare.workbook import write_workbook
from xlkopi.io import package, sheetbounds

# the corpus's hand-written workbooks have no styles part; openpyxl says so
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def _by_openpyxl(path) -> dict[str, dict[tuple[int, int], str]]:
    wb = load_workbook(path, read_only=True)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f" and cell.value is not None:
                    value = cell.value
                    cells[(cell.row, cell.column)] = value if isinstance(value, str) else value.text
        out[ws.title] = cells
    wb.close()
    return out


def _by_scan(path) -> dict[str, dict[tuple[int, int], str]]:
    data = read_workbook(path)
    return {s.name: {rc: s.scan.formula_at(*rc) for rc in s.scan.formula_cells()}
            for s in data.sheets if s.scan is not None}


def _same(path):
    want, got = _by_openpyxl(path), _by_scan(path)
    assert got.keys() == want.keys()
    for sheet in want:
        assert got[sheet] == want[sheet], sheet
    return sum(len(v) for v in want.values())


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("oracle")
    return write_workbook(compare(read_offers(example_offers())), out / "Sammenligning.xlsx")


def test_corpus_formulas_equal_openpyxls():
    assert _same(EXAMPLE) > 20


def test_openpyxl_written_formulas_equal_openpyxls(comparison):
    assert _same(comparison) > 500


def test_libreoffice_saved_formulas_equal_openpyxls(comparison, soffice, tmp_path):
    from xlkopi.io.libreoffice import recalculate

    assert _same(recalculate(comparison, tmp_path / "lo")) > 500


def test_excel_style_shared_and_array_formulas_equal_openpyxls(tmp_path):
    """Shared formulas (a master and text-less children, as Excel fills a range), an array formula, escapes."""
    rows = ['<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
            '<c r="C1"><f t="shared" ref="C1:C20" si="0">A1*$B$1+SUM($A$1:A1)</f></c>'
            '<c r="D1"><f t="shared" ref="D1:F1" si="1">IF(A1&lt;&gt;"",A1&amp;"x",0)</f></c>'
            '<c r="E1"><f t="shared" si="1"/></c><c r="F1"><f t="shared" si="1"/></c></row>']
    for r in range(2, 21):
        extra = '<c r="G5"><f t="array" ref="G5:G6">SUM(A1:A4*B1:B4)</f><v>0</v></c>' if r == 5 else ""
        rows.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="C{r}"><f t="shared" si="0"/></c>{extra}</row>')
    path = _with_sheet(tmp_path, "".join(rows))
    assert _same(path) == 20 + 3 + 1


# --- block by block (issue 17): formulas cut across many pieces read as openpyxl reads them ------------------------

_KINDS = {
    "plain": '<c r="B{r}"><f>A{r}*2</f><v>1</v></c>',
    "attrs": '<c r="B{r}" s="0"><f>A{r}+$A$1</f><v>1</v></c>',
    "escaped": '<c r="B{r}"><f>IF(A{r}&lt;5,"a&amp;b",A{r})</f><v>1</v></c>',
    "shared": ('<c r="C{r}"><f t="shared" ref="C{r}:E{r}" si="{r}">A{r}*3</f><v>1</v></c>'
               '<c r="D{r}"><f t="shared" si="{r}"/><v>1</v></c><c r="E{r}"><f t="shared" si="{r}"/><v>1</v></c>'),
    "array": '<c r="F{r}"><f t="array" ref="F{r}">SUM(A1:A{r})</f><v>1</v></c>',
    "error": '<c r="B{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "text": '<c r="B{r}" t="inlineStr"><is><t>x&lt;f&gt;</t></is></c>',
    "value": '<c r="B{r}"><v>{r}</v></c>',
    "far": '<c r="AB{r}"><f>A{r}-1</f><v>1</v></c>',
}


@settings(max_examples=30, deadline=None)
@given(kinds=st.lists(st.sampled_from(sorted(_KINDS)), min_size=1, max_size=80), chunk=st.integers(40, 3000),
       keep=st.booleans(), first=st.sampled_from([1, 5_000]))
def test_formulas_read_piece_by_piece_equal_openpyxls(tmp_path_factory, kinds, chunk, keep, first):
    """Small chunks cut the sheet into many pieces (kept, or inflated again), a column past Z among them: every
    formula cell and text is the one openpyxl reads."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c>' + _KINDS[k].format(r=r) + "</row>"
                   for r, k in enumerate(kinds, start=first))
    path = _with_sheet(tmp_path_factory.mktemp("blocks"), rows)
    with mock.patch.object(package, "CHUNK", chunk), \
            mock.patch.object(sheetbounds, "KEEP_BYTES", sheetbounds.KEEP_BYTES if keep else 0):
        _same(path)


_EXPECTED = {"plain": (2, "=A{r}*2"), "attrs": (2, "=A{r}+$A$1"), "escaped": (2, '=IF(A{r}<5,"a&b",A{r})'),
             "array": (6, "=SUM(A1:A{r})"), "error": (2, "=1/0"), "far": (28, "=A{r}-1")}


@pytest.mark.parametrize("keep", [True, False])
def test_formulas_past_row_99999_are_read_in_pieces(tmp_path, keep):
    """Rows 99,990-100,020 and past 200,000, cut into 700-byte pieces: the formulas written (openpyxl would walk
    200,000 empty rows here, so the oracle is the text each cell was given)."""
    kinds = sorted(_EXPECTED)
    numbers = [*range(99_990, 100_021), *range(214_000, 214_031)]   # 214,030 x 28 columns: within the grid limit
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c>' + _KINDS[kinds[i % len(kinds)]].format(r=r) + "</row>"
                   for i, r in enumerate(numbers))
    path = _with_sheet(tmp_path, rows)
    want = {}
    for i, r in enumerate(numbers):
        col, text = _EXPECTED[kinds[i % len(kinds)]]
        want[(r, col)] = text.format(r=r)
    with mock.patch.object(package, "CHUNK", 700), \
            mock.patch.object(sheetbounds, "KEEP_BYTES", sheetbounds.KEEP_BYTES if keep else 0):
        assert _by_scan(path) == {"Ark": want}

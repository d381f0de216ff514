"""The auditor's formula scan against openpyxl's reader, on workbooks three different writers wrote.

The scan collects formulas with regular expressions for speed
(:mod:`xlkopi.audit.sheetscan`); openpyxl's read-only reader, which parses
the XML and translates shared formulas itself, is the oracle: every sheet's
formula cells and texts must be the same. The writers: the hand-written XML
of the planted-fault corpus, openpyxl (xlkopi's comparison workbook) and
LibreOffice (the same workbook recalculated and saved, with shared formulas).
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from xlkopi.audit.cli import EXAMPLE
from xlkopi.audit.reader import read_workbook
from xlkopi.compare.cli import example_offers
from xlkopi.compare.model import compare
from xlkopi.compare.offers import read_offers
from xlkopi.compare.workbook import write_workbook

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
    from test_audit_bounds import _with_sheet

    rows = ['<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
            '<c r="C1"><f t="shared" ref="C1:C20" si="0">A1*$B$1+SUM($A$1:A1)</f></c>'
            '<c r="D1"><f t="shared" ref="D1:F1" si="1">IF(A1&lt;&gt;"",A1&amp;"x",0)</f></c>'
            '<c r="E1"><f t="shared" si="1"/></c><c r="F1"><f t="shared" si="1"/></c></row>']
    for r in range(2, 21):
        extra = '<c r="G5"><f t="array" ref="G5:G6">SUM(A1:A4*B1:B4)</f><v>0</v></c>' if r == 5 else ""
        rows.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="C{r}"><f t="shared" si="0"/></c>{extra}</row>')
    path = _with_sheet(tmp_path, "".join(rows))
    assert _same(path) == 20 + 3 + 1

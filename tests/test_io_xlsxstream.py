"""The streaming .xlsx writer (io/xlsxstream.py), read back by openpyxl and python-calamine.

Oracles: openpyxl's reading of the file (values, types, number formats, fonts, fills, frozen panes, print
set-up, defined names, custom properties) and the fingerprint openpyxl's formulas give
(:func:`xlkopi.io.fingerprint.formula_fingerprint`); LibreOffice recalculates a generated overview in
test_contracts.py.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from xlkopi.io.atomic import OutputExistsError
from xlkopi.io.fingerprint import GENERATOR_PROPERTY, PROPERTY, formula_fingerprint
from xlkopi.io.xlsxstream import Formula, StreamWorkbook, Style


def _write(path, **kw):
    with StreamWorkbook(path, generator="test", **kw) as wb:
        kr = wb.style(Style(number_format="#,##0.00"))
        head = wb.style(Style(bold=True, fill="DDE5F0", wrap=True))
        date = wb.style(Style(number_format="dd-mm-yyyy"))
        wb.define("Referencedato", "Ark!$B$2")
        with wb.sheet("Ark", widths={1: 30, 2: 12}, freeze="B3", pages_wide=2, title_rows="1:2",
                      title_cols="A:A") as ws:
            ws.row([("Overskrift", head), ("Beløb", head)], height=45)
            ws.row(["Dato", (dt.date(2026, 12, 1), date)])
            ws.row(["=SUM(A1:A9)", (1234.5, kr), Formula("=B3*2"), True, 7, None, "<b>&amp;</b>"])
            ws.row(["Senere"], at=10)
        with wb.sheet("Andet ark (2)") as ws:
            ws.row([Formula("='Ark'!B3+Referencedato")])
    return path


def test_values_types_and_styles_read_back_by_openpyxl(tmp_path):
    wb = openpyxl.load_workbook(_write(tmp_path / "a.xlsx"))
    ws = wb["Ark"]
    assert [c.value for c in ws[3]][:5] == ["=SUM(A1:A9)", 1234.5, "=B3*2", True, 7]
    assert ws["A3"].data_type == "s"              # formula-looking text stays text
    assert ws["C3"].data_type == "f"
    assert ws["G3"].value == "<b>&amp;</b>"       # markup is text, escaped in the XML
    assert ws["B2"].value == dt.datetime(2026, 12, 1) and ws["B2"].number_format == "dd-mm-yyyy"
    assert ws["B3"].number_format == "#,##0.00"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDE5F0" and ws["A1"].alignment.wrap_text
    assert ws.row_dimensions[1].height == 45 and ws.column_dimensions["A"].width == 30
    assert ws["A10"].value == "Senere"
    assert ws.freeze_panes == "B3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 2 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2" and ws.print_title_cols == "$A:$A"
    assert wb.defined_names["Referencedato"].attr_text == "Ark!$B$2"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[GENERATOR_PROPERTY] == "test"
    assert props[PROPERTY] == formula_fingerprint(wb)   # the auditor's check of unchanged formulas holds
    assert wb["Andet ark (2)"]["A1"].value == "='Ark'!B3+Referencedato"


def test_calamine_reads_the_inline_strings_and_numbers(tmp_path):
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(_write(tmp_path / "a.xlsx"))).get_sheet_by_name("Ark").to_python()
    assert rows[0][:2] == ["Overskrift", "Beløb"] and rows[2][1] == 1234.5 and rows[2][6] == "<b>&amp;</b>"


def test_an_existing_file_is_kept_without_overwrite_and_a_failed_write_leaves_nothing(tmp_path):
    target = _write(tmp_path / "a.xlsx")
    before = target.read_bytes()
    with pytest.raises(OutputExistsError):
        _write(target)
    assert target.read_bytes() == before
    _write(target, overwrite=True)
    assert zipfile.is_zipfile(target)
    other = tmp_path / "b.xlsx"
    with StreamWorkbook(other, generator="test") as wb:   # a control character cannot be in a cell: dropped
        with wb.sheet("Ark") as ws:
            ws.row(["ok"])
            ws.row(["bad\x01text"])
    assert openpyxl.load_workbook(other)["Ark"]["A2"].value == "badtext"


def test_misuse_is_refused(tmp_path):
    with pytest.raises(ValueError, match="in order"):
        with StreamWorkbook(tmp_path / "a.xlsx", generator="t") as wb:
            with wb.sheet("Ark") as ws:
                ws.row(["a"], at=5)
                ws.row(["b"], at=4)
    for name in ("", "a" * 32, "a/b", "[x]"):
        with pytest.raises(ValueError, match="sheet name"):
            with StreamWorkbook(tmp_path / "b.xlsx", generator="t") as wb:
                wb.sheet(name)
    with pytest.raises(TypeError):
        with StreamWorkbook(tmp_path / "c.xlsx", generator="t") as wb:
            with wb.sheet("Ark") as ws:
                ws.row([object()])

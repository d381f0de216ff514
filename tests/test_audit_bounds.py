"""The sheet bounds that keep python-calamine's grid allocation bounded, and the column-wise formula pass."""

from __future__ import annotations

import zipfile
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from audit_corpus import F, Sheet, write_xlsx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xlkopi.audit import audit_workbook, safety
from xlkopi.audit.reader import read_workbook
from xlkopi.cli import main
from xlkopi.errors import UntrustedFileError, WorkbookError
from xlkopi.io import package, sheetbounds
from xlkopi.io.a1 import col_index, col_letters

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
TAIL = "</sheetData></worksheet>"
SHEET = "xl/worksheets/sheet1.xml"


def _with_sheet(tmp_path: Path, body: str, name: str = "ark.xlsx", head: str = HEAD, tail: str = TAIL) -> Path:
    """A valid workbook whose first sheet's XML is replaced by ``body``."""
    src = write_xlsx(tmp_path / ("base_" + name), [Sheet("Ark", {"A1": 1})])
    dst = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (head + body + tail).encode("utf-8")
            zout.writestr(info.filename, data)
    return dst


def test_two_far_apart_cells_are_refused_before_calamine_allocates_the_grid(tmp_path, capsys):
    # One cell in A1 and one in XFD250000: 4.1 billion grid cells, a 1 kB file. python-calamine
    # aborted the process asking for 131 GB (measured here before the bounds pass existed).
    path = _with_sheet(tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row>'
                                 '<row r="250000"><c r="XFD250000"><v>2</v></c></row>')
    with pytest.raises(UntrustedFileError, match="spænder over 4.096.000.000 celler"):
        audit_workbook(path)
    assert main(["audit", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().out


@pytest.mark.parametrize("body,shape", [
    # 70 columns (past Z): the cheap bound (99,999 rows x 70) is too loose, the exact one passes
    ("".join(f'<c r="{openpyxl.utils.get_column_letter(c)}1"><v>{c}</v></c>' for c in range(1, 71)), (50_000, 70)),
    # a cell in row 250,000 (past 99,999): 250,000 x 26 is too loose, 250,000 x 2 passes
    ('<c r="A1"><v>1</v></c>', (250_000, 2)),
])
def test_wide_or_tall_sheets_within_the_grid_limit_pass(tmp_path, body, shape):
    last, width = shape
    far = "B" if width == 2 else "C"
    path = _with_sheet(tmp_path, f'<row r="1">{body}</row><row r="{last}"><c r="{far}{last}"><v>7</v></c></row>')
    data = read_workbook(path)
    scan = data.sheets[0].scan
    assert (scan.max_row, scan.max_col) == shape
    assert len(data.sheets[0].rows) == last and data.sheets[0].rows[0][0] == 1


def test_dangerous_reference_across_a_chunk_boundary_is_seen(tmp_path):
    # the bounds pass reads 1 MiB chunks; put the far cell's start tag across the first boundary
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 20_000))
    before = HEAD + rows + '<row r="20000"><c r="A20000" t="inlineStr"><is><t>'
    after = '</t></is></c></row><row r="20001">'
    pad = "x" * (package.CHUNK - 5 - len(before) - len(after))
    path = _with_sheet(tmp_path, rows + '<row r="20000"><c r="A20000" t="inlineStr"><is><t>' + pad + after
                       + '<c r="XFD20001"><v>1</v></c></row>')
    raw = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    at = raw.index(b'<c r="XFD')
    assert at == package.CHUNK - 5         # the tag really straddles the boundary
    with pytest.raises(UntrustedFileError, match="spænder over"):
        audit_workbook(path)


def test_prefixed_cells_go_to_the_general_reader_with_the_same_limits(tmp_path):
    # python-calamine matches elements by local name, so <x:c> is a cell to it as well
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><x:sheetData>')
    tail = "</x:sheetData></x:worksheet>"
    ok = _with_sheet(tmp_path, '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1"><x:f>A1+1</x:f>'
                               '<x:v>2</x:v></x:c></x:row>', "ok.xlsx", head, tail)
    result = audit_workbook(ok)
    assert result.formulas == 1
    far = _with_sheet(tmp_path, '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
                                '<x:row r="200000"><x:c r="XFD200000"><x:v>2</x:v></x:c></x:row>',
                      "far.xlsx", head, tail)
    with pytest.raises(UntrustedFileError, match="spænder over"):
        audit_workbook(far)


def test_shared_formula_children_take_their_masters_form(tmp_path):
    # Excel writes a filled-down column as one master and children without text
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Tal</t></is></c></row>']
    for r in range(2, 12):
        if r == 2:
            f = '<f t="shared" ref="C2:C11" si="0">A2*B2</f>'
        elif r == 8:
            f = "<f>A8*B9</f>"                       # one cell typed over
        else:
            f = '<f t="shared" si="0"/>'
        rows.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>2</v></c>'
                    f'<c r="C{r}">{f}<v>{2 * r}</v></c></row>')
    path = _with_sheet(tmp_path, "".join(rows))
    result = audit_workbook(path)
    assert result.formulas == 10
    found = {(f.cell, f.rule): f for f in result.findings}
    assert ("C8", "inkonsistent_formel") in found
    assert found[("C8", "inkonsistent_formel")].expected == "=A8*B8"
    assert not any(f.rule == "inkonsistent_formel" and f.cell != "C8" for f in result.findings)


def test_number_stored_as_shared_string_is_found(tmp_path):
    # Excel and LibreOffice write text as shared strings (t="s"); the formula pass locates those cells
    body = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="0" t="s"><v>2</v></c><c r="C2"><v>5</v></c></row>')
    path = _with_sheet(tmp_path, body, "delt.xlsx")
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           'main" count="3" uniqueCount="3"><si><t>Beløb</t></si><si><t>1.234,50</t></si>'
           '<si><t>12345678</t></si></sst>')
    out = tmp_path / "delte_tekster.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info.filename, data)
        zout.writestr("xl/sharedStrings.xml", sst)
    data = read_workbook(out)
    assert data.sheets[0].rows[1][:2] == ["1.234,50", "12345678"]
    assert sorted(data.sheets[0].scan.text_cells) == [(1, 1), (2, 1), (2, 2)]
    got = {(f.cell, f.rule) for f in audit_workbook(out).findings}
    assert ("A2", "tal_som_tekst") in got
    assert ("B2", "tal_som_tekst") not in got        # an identifier, not an amount


def test_formula_pass_equals_the_dict_path(tmp_path):
    from xlkopi.audit import r1c1 as formulas

    cells = {f"B{r}": F(f"=A{r}*2+$A$1", 1) for r in range(1, 40)}
    cells.update({f"C{r}": F(f'=IF(A{r}>5,"x{r}",B{r - 1})', 1) for r in range(2, 40)})
    path = write_xlsx(tmp_path / "f.xlsx", [Sheet("Ark", cells)])
    scan = read_workbook(path).sheets[0].scan
    table = formulas.FormTable(scan.plain_cols, scan.plain_rows, scan.plain_texts)
    by_cell = {(int(r), int(c)): table.forms[i] for r, c, i in zip(table.rows, table.cols, table.ids, strict=True)}
    assert by_cell == {k: formulas.relative_form(t, *k) for k, t in scan.formulas.items()}


# --- the zip reader -----------------------------------------------------------------------

def _all_parts(path: Path) -> dict[str, bytes]:
    pkg = safety.open_package(path)
    try:
        return {name: pkg.read(name, safety.MAX_PART_BYTES) for name in pkg.names
                if name.endswith((".xml", ".rels"))}
    finally:
        pkg.close()


@pytest.mark.parametrize("inflate", ["isal", "zlib"])
def test_parts_read_as_zipfile_reads_them(tmp_path, monkeypatch, inflate):
    """Deflated and stored members give the bytes zipfile gives, through ISA-L or zlib."""
    import zlib

    if inflate == "zlib":
        monkeypatch.setattr(package, "_deflate", zlib)
    src = write_xlsx(tmp_path / "src.xlsx", [Sheet("Ark", {f"A{r}": r * 1.5 for r in range(1, 3000)})])
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
    for path in (src, stored):
        with zipfile.ZipFile(path) as z:
            expected = {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))}
        assert _all_parts(path) == expected, path.name


@pytest.mark.parametrize("inflate", ["isal", "zlib"])
def test_parts_read_in_small_pieces_are_whole(tmp_path, monkeypatch, inflate):
    """Output capped at a few hundred bytes a call: an inflater may still hold output when the input is all read."""
    import zlib

    if inflate == "zlib":
        monkeypatch.setattr(package, "_deflate", zlib)
    monkeypatch.setattr(package, "CHUNK", 700)
    monkeypatch.setattr(package, "RAW_CHUNK", 300)
    src = write_xlsx(tmp_path / "src.xlsx", [Sheet("Ark", {f"A{r}": r * 1.5 for r in range(1, 3000)})])
    with zipfile.ZipFile(src) as z:
        expected = {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))}
    assert _all_parts(src) == expected
    stored = tmp_path / "stored.xlsx"   # stored members in small pieces too
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
    assert _all_parts(stored) == expected


def _patch_crc(path: Path, member: str) -> None:
    """Change ``member``'s CRC-32 in the local and the central header: the data no longer matches it."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, name_at, crc_at in ((b"PK\x03\x04", 30, 14), (b"PK\x01\x02", 46, 16)):
        at = data.find(sig)
        while at >= 0:
            if data[at + name_at:at + name_at + len(name)] == name:
                data[at + crc_at] ^= 0xFF
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))


def test_a_part_whose_crc_does_not_match_is_refused(tmp_path, capsys):
    path = write_xlsx(tmp_path / "crc.xlsx", [Sheet("Ark", {"A1": 1})])
    _patch_crc(path, "xl/worksheets/sheet1.xml")
    with pytest.raises(WorkbookError, match="beskadiget"):
        audit_workbook(path)
    assert main(["audit", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().out


def test_deflate_data_cut_short_is_refused(tmp_path):
    """The central directory promises more compressed bytes than the deflate stream holds before the next entry."""
    path = write_xlsx(tmp_path / "cut.xlsx", [Sheet("Ark", {f"A{r}": r for r in range(1, 2000)})])
    data = bytearray(path.read_bytes())
    at = data.find(b"xl/worksheets/sheet1.xml", data.find(b"PK\x01\x02"))
    start = at - 46
    size = int.from_bytes(data[start + 20:start + 24], "little")   # compressed size
    data[start + 20:start + 24] = (size // 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match="beskadiget"):
        audit_workbook(path)


# --- the fast pass at any row and column (issue 17): exact, on the fast path, equal to the general pass ----------


class _OnePart:
    """A stand-in package holding one sheet part, streamed in chunks of the given sizes (cycled)."""

    def __init__(self, xml: str | bytes, sizes=(package.CHUNK,)):
        self.xml = xml.encode("utf-8") if isinstance(xml, str) else xml
        self.sizes = sizes

    def stream(self, part, limit=None, dtd="all"):
        at, i = 0, 0
        while at < len(self.xml):
            n = self.sizes[i % len(self.sizes)]
            yield self.xml[at:at + n]
            at, i = at + n, i + 1


def _every_reference(xml: str) -> tuple[int, int, int]:
    """(highest cell row, highest cell column, highest row element), counted from every reference."""
    import re

    cells = [(int(r), col_index(c)) for c, r in re.findall(r'<c r="([A-Z]+)([0-9]+)"', xml)]
    rows = [int(r) for r in re.findall(r'<row r="([0-9]+)"', xml)]
    return (max((r for r, _c in cells), default=0), max((c for _r, c in cells), default=0), max(rows, default=0))


def _sheet_xml(rows) -> str:
    """``rows``: ``(row element number, [(cell row, cell column), ...])``."""
    body = "".join(f'<row r="{n}">' + "".join(f'<c r="{col_letters(c)}{r}" s="1"><v>{r}</v></c>' for r, c in cells)
                   + "</row>" for n, cells in rows)
    return HEAD + body + TAIL


_ROW = st.one_of(st.integers(1, 99_999), st.integers(99_999, 1_048_576), st.sampled_from([1, 99_999, 100_000,
                                                                                          300_000, 1_048_576]))
_COL = st.one_of(st.integers(1, 26), st.integers(27, 702), st.integers(703, 16_384), st.sampled_from([26, 27, 16_384]))


@settings(max_examples=300, deadline=None)
@given(col=_COL, row=_ROW, max_col=_COL, max_row=_ROW)
@example(col=27, row=1, max_col=26, max_row=1)
@example(col=16_384, row=1_048_576, max_col=16_383, max_row=1_048_576)
@example(col=1, row=100_000, max_col=1, max_row=99_999)
def test_the_filter_finds_exactly_the_references_past_the_bound(col, row, max_col, max_row):
    ref = f'<c r="{col_letters(col)}{row}"'.encode()
    found = sheetbounds.cell_filter(max_col, max_row).search(ref) is not None
    assert found == (col > max_col or row > max_row)
    assert (sheetbounds.row_filter(max_row).search(f'<row r="{row}"'.encode()) is not None) == (row > max_row)


@pytest.mark.parametrize("ref", ["A01", "a1", "Aa1", "AAAA1", "A12345678", "A1x", "1", "", "A", "$A$1", "A 1"])
def test_the_filter_finds_every_malformed_reference(ref):
    for bound in ((1, 1), (26, 300_000), (702, 99_999), (16_384, 1_048_576)):
        assert sheetbounds.cell_filter(*bound).search(f'<c r="{ref}"'.encode()), (ref, bound)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(_ROW, st.lists(st.tuples(_ROW, _COL), max_size=5)), max_size=30),
       ordered=st.booleans(), own_rows=st.booleans(),
       sizes=st.lists(st.integers(1, 300), min_size=1, max_size=4))
def test_the_fast_pass_is_exact_and_equals_the_general_pass(rows, ordered, own_rows, sizes):
    """Cells past Z and past row 99,999, in order or not, cut anywhere: the bound every reference gives."""
    if ordered:
        rows = sorted(rows)
    if own_rows:   # as every writer does: a row's cells carry its number
        rows = [(n, [(n, c) for _r, c in cells]) for n, cells in rows]
    xml = _sheet_xml(rows)
    cell_row, cell_col, row_max = _every_reference(xml)
    with mock.patch.object(package, "MAX_ROWS", sheetbounds.MAX_ROW_NUMBER):   # no refusal: the bound itself
        general = sheetbounds._general(_OnePart(xml), SHEET, "Ark", 10**12)
        for rows_too in (True, False):
            fast = sheetbounds.scan_bounds(_OnePart(xml, sizes), SHEET, "Ark", 10**12, rows=rows_too)
            assert fast.regular
            assert fast.max_col == cell_col == general.max_col
            if rows_too:   # openpyxl: every row element counts
                assert fast.max_row == max(cell_row, row_max) == general.max_row
            else:          # python-calamine: the cells (and the last row element of a piece, never less)
                assert cell_row <= fast.max_row <= max(cell_row, row_max)
            assert fast.area >= fast.max_row * max(fast.max_col, 1)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(_ROW, st.lists(st.tuples(_ROW, _COL), max_size=4)), max_size=20),
       sizes=st.lists(st.integers(1, 200), min_size=1, max_size=3))
def test_the_fast_pass_refuses_what_the_general_pass_refuses(rows, sizes):
    """The real limits (300,000 rows, 6,000,000 cells): refused by both, or by neither (rows counted as openpyxl)."""
    xml = _sheet_xml(sorted(rows))

    def outcome(fn):
        try:
            b = fn()
        except UntrustedFileError:
            return "refused"
        return b.max_row * max(b.max_col, 1)

    fast = outcome(lambda: sheetbounds.scan_bounds(_OnePart(xml, sizes), SHEET, "Ark", package.MAX_CELLS))
    general = outcome(lambda: sheetbounds._general(_OnePart(xml), SHEET, "Ark", package.MAX_CELLS))
    assert fast == general
    cell_row, cell_col, row_max = _every_reference(xml)
    assert (fast == "refused") == (max(cell_row, row_max) > package.MAX_ROWS
                                   or max(cell_row, row_max) * max(cell_col, 1) > package.MAX_CELLS)


@pytest.mark.parametrize("ref,row", [("XFE5", 5), ("ZZZ5", 5), ("A1048577", 1_048_577), ("AAAA1", 1)])
def test_a_reference_no_sheet_can_have_is_refused_wherever_it_is(ref, row):
    """Past XFD or row 1,048,576: a damaged part, also after many ordinary rows (not only in the first piece)."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="AB{r}"><v>2</v></c></row>' for r in range(1, 40_000))
    xml = HEAD + rows + f'<row r="{min(row, 40_000)}"><c r="{ref}"><v>1</v></c></row>' + TAIL
    with pytest.raises(WorkbookError, match="ugyldig reference") as err:
        sheetbounds.scan_bounds(_OnePart(xml), SHEET, "Ark", package.MAX_CELLS, rows=False)
    assert ref in str(err.value)


def test_rows_past_99999_and_columns_past_z_stay_on_the_fast_path(monkeypatch):
    """The defect of issue 17: such cells went to a per-cell loop and a second full pass. Now one piece is counted
    reference by reference (the first, which sets the columns) and every later one only searched."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="Z{r}"><v>1</v></c><c r="AD{r}"><f>A{r}*2</f>'
                   f"<v>2</v></c></row>" for r in range(1, 150_001))
    xml = HEAD + rows + TAIL
    exact = []
    monkeypatch.setattr(sheetbounds, "_exact_cells", lambda *a: exact.append(1))
    b = sheetbounds.scan_bounds(_OnePart(xml), SHEET, "Ark", package.MAX_CELLS, rows=False)
    assert (b.max_row, b.max_col, b.regular) == (150_000, 30, True)
    assert len(xml) > 8 * package.CHUNK and exact == []   # every raise of the bound was a single cell


def test_many_rises_in_one_piece_count_every_reference():
    """A staircase (each cell further right and lower than the last) raises the bound at every cell: past a few
    dozen the piece is counted reference by reference, with the same bound."""
    cells = [(r, c) for r, c in zip(range(1, 5_000, 7), range(1, 16_000, 23), strict=False)]
    xml = _sheet_xml([(r, [(r, c)]) for r, c in cells])
    b = sheetbounds.scan_bounds(_OnePart(xml), SHEET, "Ark", 10**12, rows=False)
    assert (b.max_row, b.max_col) == cells[-1]


@pytest.mark.parametrize("last,refused", [(300_000, False), (300_001, True), (300_003, True)])
def test_the_row_limit_is_exact_and_refused_in_the_fast_pass(tmp_path, monkeypatch, last, refused):
    """At the limit the sheet is read; one row past it is refused, before python-calamine sees the file."""
    import python_calamine

    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, last + 1))
    path = _with_sheet(tmp_path, body, f"r{last}.xlsx")
    if refused:
        def never(*_a, **_k):
            raise AssertionError("python-calamine must not see a refused file")

        monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
        with pytest.raises(UntrustedFileError, match=f"mindst {last:,} rækker".replace(",", ".")):
            read_workbook(path)
    else:
        scan = read_workbook(path, values=False).sheets[0].scan
        assert (scan.max_row, scan.max_col) == (last, 1)


def test_an_error_in_the_formula_work_does_not_leave_the_values_thread_waiting(tmp_path):
    """python-calamine waits for each sheet's formula work before it makes its lists; when that work fails, the
    error is raised, and no thread is left waiting (the read would hang)."""
    import threading

    path = write_xlsx(tmp_path / "to.xlsx", [Sheet("A", {"A1": F("=1+1", 2)}), Sheet("B", {"A1": 3})])

    def boom(sheet):
        raise RuntimeError(f"formelarbejdet fejlede i {sheet.name}")

    out: dict = {}

    def run():
        try:
            read_workbook(path, on_formulas=boom)
        except RuntimeError as exc:
            out["error"] = str(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(30)
    assert not t.is_alive(), "read_workbook hung"
    assert out == {"error": "formelarbejdet fejlede i A"}
    data = read_workbook(path, on_formulas=lambda sheet: None)   # and without the error: both sheets' values
    assert [s.rows for s in data.sheets] == [[[2.0]], [[3.0]]]

"""The sheet bounds that keep python-calamine's grid allocation bounded, and the column-wise formula pass."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from audit_corpus import F, Sheet, write_xlsx

from xlkopi.audit import audit_workbook, safety
from xlkopi.audit.reader import read_workbook
from xlkopi.cli import main
from xlkopi.errors import UntrustedFileError, WorkbookError
from xlkopi.io import package

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
TAIL = "</sheetData></worksheet>"


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

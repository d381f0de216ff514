"""The safety layer every workbook reader shares (xlkopi.io.package, xlkopi.io.sheetbounds), issue 11.

Every input is built here: a tiny valid xlsx written by openpyxl (or the
enrolment example register, or the bundled offers example), then patched
inside the zip. Cells far out in the grid are the attack that matters:
python-calamine allocates the dense grid from A1 to the last cell, and
an allocation failure aborts the process (no ``except`` sees it), so those
tests run the readers in a subprocess and require that it survives.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlkopi.errors import UntrustedFileError, WorkbookError
from xlkopi.io import package
from xlkopi.io.package import check_workbook, open_package, read_once

ROOT = Path(__file__).resolve().parent.parent
SHEET1 = "xl/worksheets/sheet1.xml"
FAR = {"XFD1048576": ("XFD", 1_048_576), "ZZ300000": ("ZZ", 300_000)}


def _tiny(path: Path, title: str = "Ark") -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = title
    wb.active["A1"] = 1
    wb.save(path)
    return path


def _patched(src: Path, dst: Path, edit=None, extra=(), rename=None) -> Path:
    """``src`` rewritten as ``dst``: ``edit(name, bytes) -> bytes`` per part, ``extra`` entries appended."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if edit is not None:
                data = edit(info.filename, data)
            zout.writestr((rename or {}).get(info.filename, info.filename), data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # zipfile warns about a duplicate name: that is the point
            for name, data in extra:
                zout.writestr(name, data)
    return dst


def _add_rows(src: Path, dst: Path, rows_xml: str, part: str = SHEET1) -> Path:
    def edit(name, data):
        if name == part:
            if b"<sheetData/>" in data:
                data = data.replace(b"<sheetData/>", b"<sheetData></sheetData>")
            data = data.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
        return data
    return _patched(src, dst, edit)


def _far_cell(src: Path, dst: Path, ref: str, part: str = SHEET1) -> Path:
    letters, row = FAR[ref]
    return _add_rows(src, dst, f'<row r="{row}"><c r="{letters}{row}"><v>7</v></c></row>', part)


def _bounds(path: Path):
    return check_workbook(path).bounds


# --- the file, opened once ----------------------------------------------------------------

def _in_thread(fn, timeout: float = 10):
    """``fn()`` in a daemon thread; fails (instead of hanging the suite) if it does not return in time."""
    import threading

    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"{fn} did not return within {timeout} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "tilbud.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(WorkbookError, match="navngivet rør"):
        _in_thread(lambda: read_once(fifo))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_symlink_to_a_device_is_refused_before_a_byte_is_read(tmp_path):
    link = tmp_path / "tilbud.xlsx"
    link.symlink_to("/dev/zero")
    with pytest.raises(WorkbookError, match="enhed, ikke en almindelig fil"):
        _in_thread(lambda: read_once(link))


def test_a_sparse_20_gib_file_is_refused_at_once(tmp_path):
    big = tmp_path / "stor.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 ** 3)
    t0 = time.perf_counter()
    with pytest.raises(UntrustedFileError, match="20.480 MiB"):
        read_once(big)
    assert time.perf_counter() - t0 < 0.5


def test_missing_empty_and_folder(tmp_path):
    with pytest.raises(WorkbookError, match="findes ikke"):
        read_once(tmp_path / "mangler.xlsx")
    (tmp_path / "tom.xlsx").write_bytes(b"")
    with pytest.raises(WorkbookError, match="tom fil"):
        read_once(tmp_path / "tom.xlsx")
    with pytest.raises(WorkbookError, match="mappe"):
        read_once(tmp_path)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    path = _tiny(tmp_path / "a.xlsx")
    monkeypatch.setattr(package, "MAX_FILE_BYTES", path.stat().st_size + 10)
    real = os.read
    calls = []

    def growing(fd, n):   # the first read returns the file, then the file has grown
        calls.append(n)
        if len(calls) == 2:
            with open(path, "ab") as fh:
                fh.write(b"\0" * 100)
        return real(fd, n)

    monkeypatch.setattr(package.os, "read", growing)
    with pytest.raises(UntrustedFileError, match="fylder over"):
        read_once(path, max_bytes=path.stat().st_size + 10)


# --- the container: ambiguous part names ----------------------------------------------------

def test_a_duplicate_part_name_is_refused(tmp_path):
    src = _tiny(tmp_path / "a.xlsx")
    evil = _add_rows(src, tmp_path / "evil.xlsx", '<row r="2"><c r="B2"><v>2</v></c></row>')
    dup = _patched(src, tmp_path / "dup.xlsx", extra=[(SHEET1, _patched_sheet(evil))])
    assert [i.filename for i in zipfile.ZipFile(dup).infolist()].count(SHEET1) == 2
    with pytest.raises(UntrustedFileError, match=f"delen '{SHEET1}' to gange"):
        open_package(dup)


def _patched_sheet(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(SHEET1)


def test_part_names_that_differ_only_in_case_are_refused(tmp_path):
    src = _tiny(tmp_path / "a.xlsx")
    dup = _patched(src, tmp_path / "dup.xlsx", extra=[("XL/Worksheets/Sheet1.xml", _patched_sheet(src))])
    with pytest.raises(UntrustedFileError, match="store og små bogstaver"):
        open_package(dup)


@pytest.mark.parametrize("name", ["xl\\worksheets\\sheet9.xml", "xl/worksheets/../evil.xml", "/xl/evil.xml"])
def test_part_names_no_package_can_have_are_refused(tmp_path, name):
    bad = _patched(_tiny(tmp_path / "a.xlsx"), tmp_path / "bad.xlsx", extra=[(name, b"<x/>")])
    with pytest.raises(WorkbookError, match="ugyldigt navn"):
        open_package(bad)


def test_a_main_part_elsewhere_is_refused(tmp_path):
    """python-calamine finds the workbook through _rels/.rels: pointing it elsewhere would hide the sheets read."""
    def edit(name, data):
        return (data.replace(b'Target="xl/workbook.xml"', b'Target="evil/workbook.xml"')
                if name == "_rels/.rels" else data)

    bad = _patched(_tiny(tmp_path / "a.xlsx"), tmp_path / "bad.xlsx", edit)
    with pytest.raises(UntrustedFileError, match="evil/workbook.xml"):
        open_package(bad)


# --- the grid bound ---------------------------------------------------------------------------

@pytest.mark.parametrize("rows,shape", [
    ('<row r="9"><c r="C9"><v>1</v></c></row>', None),                                   # fast pass, coarse
    ('<row r="250000"><c r="B250000"><v>1</v></c></row>', (250_000, 2)),                 # a row past 99,999: exact
    ('<row r="4"><c\tr="XFD4"><v>1</v></c></row>', (4, 16_384)),                        # a tab after <c
    ('<row r="5"><c s="0" r="K5"><v>1</v></c></row>', (5, 11)),                          # r not first
    ("<row r='6'><c r='M6'><v>1</v></c></row>", (6, 13)),                                # single quotes
    ('<row r="7"><y:c xmlns:y="urn:other" r="AB7"><y:v>1</y:v></y:c></row>', (7, 28)),  # a foreign prefix
    ('<row r="8"><c r="C8"/><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (9, 5)),  # implicit
    ('<row r="3"><c r="&#68;3"><v>1</v></c></row>', (3, 4)),                              # a character reference
])
def test_the_bound_sees_every_cell_a_parser_reads(tmp_path, rows, shape):
    path = _add_rows(_tiny(tmp_path / "a.xlsx"), tmp_path / "b.xlsx", rows)
    (b,) = _bounds(path).values()
    if shape is None:
        assert b.regular and b.area == 99_999 * 26
    else:
        assert (b.max_row, b.max_col) == shape


@pytest.mark.parametrize("ref", ["A-5", "A" * 24 + "5", "A" + "9" * 100_000, "A0", "XFE1", "a1", "$A$1"])
def test_malformed_cell_references_are_refused_naming_sheet_and_part(tmp_path, ref):
    path = _add_rows(_tiny(tmp_path / "a.xlsx"), tmp_path / "b.xlsx", f'<row r="5"><c r="{ref}"><v>2</v></c></row>')
    with pytest.raises(WorkbookError, match="ugyldig reference") as err:
        check_workbook(path)
    message = str(err.value)
    assert "Arket 'Ark'" in message and f"delen '{SHEET1}'" in message and ref[:10] in message
    assert len(message) < 300


@pytest.mark.parametrize("row", ["9" * 100_000, "0", "-3", "1048577"])
def test_malformed_row_numbers_are_refused(tmp_path, row):
    path = _add_rows(_tiny(tmp_path / "a.xlsx"), tmp_path / "b.xlsx", f'<row r="{row}"><c r="A5"><v>2</v></c></row>')
    with pytest.raises(WorkbookError, match="ugyldigt rækkenummer"):
        check_workbook(path)


def test_a_utf16_sheet_is_refused(tmp_path):
    def edit(name, data):
        return data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16") \
            if name == SHEET1 else data

    path = _patched(_tiny(tmp_path / "a.xlsx"), tmp_path / "b.xlsx", edit)
    with pytest.raises(WorkbookError, match="UTF-8"):
        check_workbook(path)


def test_a_sheet_part_outside_the_usual_folder_is_bounded(tmp_path):
    """A worksheet relationship may point anywhere in the package; python-calamine follows it."""
    src = _tiny(tmp_path / "a.xlsx")
    moved = _patched(src, tmp_path / "moved.xlsx", lambda n, d: d.replace(b"worksheets/sheet1.xml", b"data/ark.xml"),
                     rename={SHEET1: "xl/data/ark.xml"})
    far = _far_cell(moved, tmp_path / "far.xlsx", "ZZ300000", part="xl/data/ark.xml")
    with pytest.raises(UntrustedFileError, match="spænder over"):
        check_workbook(far)


@pytest.mark.parametrize("ref", list(FAR))
def test_one_far_cell_is_refused_by_the_layer(tmp_path, ref):
    path = _far_cell(_tiny(tmp_path / "a.xlsx"), tmp_path / "far.xlsx", ref)
    assert path.stat().st_size < 10_000
    with pytest.raises(UntrustedFileError, match="rækker|spænder over"):
        check_workbook(path)


# --- the readers that use the layer: the enrolment register and the offers ---------------------

def _cli(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``xlkopi ARGS`` in its own process: a Rust abort in there cannot take the test run with it."""
    return subprocess.run([sys.executable, "-m", "xlkopi", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "COLUMNS": "200"})


def _register(tmp_path: Path) -> Path:
    from xlkopi.enrol.example import EXAMPLE, register_workbook, workbook_bytes

    path = tmp_path / "register_ok.xlsx"
    path.write_bytes(workbook_bytes(register_workbook(EXAMPLE)))
    return path


def _first_sheet_part(path: Path, title: str) -> str:
    pkg = open_package(path)
    try:
        from xlkopi.io.package import workbook_sheets

        sheets, _root = workbook_sheets(pkg)
        return next(s.part for s in sheets if s.name == title)
    finally:
        pkg.close()


@pytest.mark.parametrize("ref", list(FAR))
def test_register_with_one_far_cell_is_refused_and_the_process_survives(tmp_path, ref):
    src = _register(tmp_path)
    part = _first_sheet_part(src, "Institutioner")
    reg = _far_cell(src, tmp_path / "register.xlsx", ref, part=part)
    done = _cli(["enrol", str(reg), "--out", str(tmp_path / "ud")])
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out and "panicked" not in out
    assert "Arket 'Institutioner'" in out and ("rækker" in out or "spænder over" in out)


def test_register_in_process_is_refused_before_calamine(tmp_path, monkeypatch):
    from xlkopi.enrol.register import read_register

    src = _register(tmp_path)
    reg = _far_cell(src, tmp_path / "register.xlsx", "ZZ300000", part=_first_sheet_part(src, "Institutioner"))
    import python_calamine

    def never(*_a, **_k):
        raise AssertionError("python-calamine must not see a refused file")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    with pytest.raises(UntrustedFileError, match="spænder over"):
        read_register(reg)


def test_the_register_is_read_from_the_bytes_checked(tmp_path, monkeypatch):
    """The path is opened once; what python-calamine reads is what the layer checked."""
    from xlkopi.enrol.register import read_register

    src = _register(tmp_path)
    far = _far_cell(src, tmp_path / "far.xlsx", "ZZ300000", part=_first_sheet_part(src, "Institutioner"))
    reg = tmp_path / "register.xlsx"
    reg.write_bytes(src.read_bytes())
    real = package.read_once

    def swap_after(path, *a, **k):
        got = real(path, *a, **k)
        Path(path).write_bytes(far.read_bytes())   # swapped on disk right after the one read
        return got

    monkeypatch.setattr(package, "read_once", swap_after)
    register = read_register(reg)
    assert register.institutions


def _offers(tmp_path: Path) -> Path:
    from xlkopi.compare.cli import example_offers

    path = tmp_path / "tilbud_ok.xlsx"
    path.write_bytes(example_offers().read_bytes())
    return path


@pytest.mark.parametrize("ref", list(FAR))
def test_offers_with_one_far_cell_are_refused_and_the_process_survives(tmp_path, ref):
    src = _offers(tmp_path)
    offers = _far_cell(src, tmp_path / "T.xlsx", ref, part=_first_sheet_part(src, "Tilbud"))
    done = _cli(["compare", str(offers), "-o", str(tmp_path / "S.xlsx")])
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out and "Arket 'Tilbud'" in out
    assert not (tmp_path / "S.xlsx").exists()


def test_offers_ignore_a_dimension_that_claims_the_whole_sheet(tmp_path):
    """openpyxl's read-only rows, empty ones too, are padded to the <dimension> width unless it is reset.

    A1 to A200000 is within the grid bound; 200,000 rows of 16,384 cells each
    would not finish.
    """
    from xlkopi.compare.offers import read_offers

    src = _offers(tmp_path)
    part = _first_sheet_part(src, "Tilbud")

    def edit(name, data):
        if name != part:
            return data
        import re

        data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", data)
        data = data.replace(b"</sheetData>", b'<row r="200000"><c r="A200000"><v>1</v></c></row></sheetData>')
        return data.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)

    offers = _patched(src, tmp_path / "T.xlsx", edit)
    assert b"XFD1048576" in zipfile.ZipFile(offers).read(part)
    got = _in_thread(lambda: read_offers(offers), timeout=20)
    assert got.offers

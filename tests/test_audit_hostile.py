"""Hostile input and faults in ``xlkopi audit`` (issue 11): every input is built here, no binary blobs.

Each test builds a small valid workbook and then changes the bytes a
hostile file would change: names and formulas with rich markup, a file
swapped during the audit, FIFOs and devices, malformed cell references,
duplicate zip entries, long formulas.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from audit_corpus import F, Sheet, write_xlsx
from openpyxl import load_workbook

from xlkopi.audit import audit_workbook
from xlkopi.cli import main
from xlkopi.errors import UntrustedFileError, WorkbookError

ROOT = Path(__file__).resolve().parent.parent
MARKUP = "[/x] [bold] :smile:"
FILE_MARKUP = "[bold] :smile: [red]"   # a file name cannot hold the slash of [/x]


def _rezip(src: Path, dst: Path, replace: dict[str, bytes] | None = None, extra=()) -> Path:
    """``src`` written again as ``dst`` with some parts replaced and ``extra`` (name, bytes) entries appended."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in extra:
            zout.writestr(name, data)
    return dst


def _sheet_xml(path: Path, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(part)


def _with_rows(tmp_path: Path, rows_xml: str, name: str = "ark.xlsx") -> Path:
    """A valid one-sheet workbook (A1 = 1) with ``rows_xml`` added at the end of its sheetData."""
    src = write_xlsx(tmp_path / ("base_" + name), [Sheet("Ark", {"A1": 1})])
    xml = _sheet_xml(src).replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
    return _rezip(src, tmp_path / name, {"xl/worksheets/sheet1.xml": xml})


def _run_cli(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlkopi", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "COLUMNS": "200"})


# --- 1. terminal markup -------------------------------------------------------------------

def _markup_workbook(tmp_path: Path) -> Path:
    sheet = f"Skole [afd. nord] {MARKUP}"
    return write_xlsx(tmp_path / f"Tilbud {FILE_MARKUP}.xlsx", [
        Sheet(sheet, {"A1": f"Restværdi {MARKUP}", "B1": 5000,
                      "C1": F(f'=B1*1.0375&"{MARKUP}"', "5187.5[/x] [bold] :smile:")}),
    ])


def test_markup_in_names_and_formulas_is_printed_verbatim_and_the_report_written(tmp_path):
    path = _markup_workbook(tmp_path)
    out = tmp_path / f"Revision {FILE_MARKUP}.xlsx"
    done = _run_cli(["audit", str(path), "-o", str(out)])
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "MarkupError" not in done.stderr
    assert out.exists()
    text = done.stdout
    assert f"Skole [afd. nord] {MARKUP}!C1" in text                 # the sheet name, whole
    assert f'=B1*1.0375&"{MARKUP}"' in text                        # the formula, whole
    assert f"Revision af Tilbud {FILE_MARKUP}.xlsx" in text             # the file name
    assert f"Rapport: {out}" in text
    ws = load_workbook(out)["Fund"]
    assert any(ws.cell(r, 4).value == f"Skole [afd. nord] {MARKUP}" for r in range(2, ws.max_row + 1))


def test_markup_on_a_plain_rich_console_is_not_interpreted(tmp_path):
    """``demo`` hands in whatever console it has; a rich Console with markup on must not read workbook text."""
    from rich.console import Console

    from xlkopi.audit.cli import run_audit

    console = Console(record=True, width=200, markup=True, emoji=True, highlight=True)
    code = run_audit(_markup_workbook(tmp_path), tmp_path / "r.xlsx", False, False, console)
    assert code in (0, 1)
    text = console.export_text()
    assert f"Skole [afd. nord] {MARKUP}!C1" in text and f'"{MARKUP}"' in text
    assert "😄" not in text


def test_control_characters_in_a_formula_are_escaped_on_the_terminal_and_in_the_report(tmp_path):
    # &#27; (ESC) would start a terminal control sequence; &#1; cannot be written to an xlsx cell
    path = _with_rows(tmp_path, '<row r="2"><c r="B2"><f>1.0375*A1&amp;"&#27;[2J&#1;"</f><v>1</v></c></row>')
    out = tmp_path / "r.xlsx"
    done = _run_cli(["audit", str(path), "-o", str(out)])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "\x1b" not in done.stdout and "\\x1b[2J\\x01" in done.stdout
    ws = load_workbook(out)["Fund"]
    messages = [ws.cell(r, 6).value or "" for r in range(2, ws.max_row + 1)]   # a file's section row has none
    assert any("\\x1b[2J\\x01" in m for m in messages)
    summary = ws.parent["Oversigt"]
    notes = [str(summary.cell(r, 2).value) for r in range(1, summary.max_row + 1)]
    assert any("styretegn" in n for n in notes)


# --- 2. one file opened, hashed and parsed ---------------------------------------------------

_OPENED: list[str] | None = None


def _count_opens(event, args):
    """Every open of a path for reading (the test's own write that swaps the file is not counted)."""
    if _OPENED is not None and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        mode = args[1] if len(args) > 1 else None
        if not (isinstance(mode, str) and ("w" in mode or "a" in mode)):
            _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_count_opens)


def test_a_file_swapped_during_the_audit_changes_nothing(tmp_path, monkeypatch):
    """The hash and the findings are about the bytes read first, whatever the path holds afterwards."""
    global _OPENED
    from xlkopi.io import package

    path = write_xlsx(tmp_path / "tilbud.xlsx", [Sheet("Original", {"A1": 100, "B1": F("=A1*1.0375", 103.75)})])
    original = path.read_bytes()
    other = write_xlsx(tmp_path / "andet.xlsx", [Sheet("Andet", {"A1": 1, "B1": F("=A1+1", 2),
                                                                 "C1": F("=B1*7.5", 15)})]).read_bytes()
    real = package._read_fd

    def read_then_swap(*args):
        got = real(*args)
        path.write_bytes(other)          # the file is replaced right after the one read
        return got

    monkeypatch.setattr(package, "_read_fd", read_then_swap)
    _OPENED = []
    try:
        result = audit_workbook(path)
    finally:
        opened, _OPENED = _OPENED, None
    assert result.sha256 == hashlib.sha256(original).hexdigest() != hashlib.sha256(other).hexdigest()
    assert {f.sheet for f in result.findings} == {"Original"}
    assert [f.cell for f in result.findings if f.rule == "hardkodet_tal"] == ["B1"]
    assert opened.count(str(path)) == 1, opened


def test_the_recalculated_copy_is_made_from_the_bytes_audited(tmp_path, monkeypatch):
    from xlkopi.audit import engine
    from xlkopi.audit.reader import read_workbook

    path = write_xlsx(tmp_path / "tilbud.xlsx", [Sheet("Original", {"A1": 100})])
    data = read_workbook(path)
    path.write_bytes(b"changed")
    copies = []
    monkeypatch.setattr("xlkopi.io.libreoffice.find_soffice", lambda: "soffice")

    def recalculate(copy, out_dir, timeout):
        copies.append(Path(copy).read_bytes())
        raise WorkbookError("ikke kørt i testen")

    monkeypatch.setattr("xlkopi.io.libreoffice.recalculate", recalculate)
    engine._recalc(data, 10)
    assert copies == [data.source.data] and copies[0].startswith(b"PK")


# --- 3. no unbounded work before the checks --------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_quickly(tmp_path):
    fifo = tmp_path / "tilbud.xlsx"
    os.mkfifo(fifo)
    done = _run_cli(["audit", str(fifo)], timeout=30)   # a regression blocks on open: the timeout fails the test
    assert done.returncode == 2
    assert "navngivet rør" in done.stdout and "kan ikke revideres" in done.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_symlink_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "tilbud.xlsx"
    link.symlink_to("/dev/zero")
    done = _run_cli(["audit", str(link)], timeout=30)
    assert done.returncode == 2 and "ikke en almindelig fil" in done.stdout


def test_a_sparse_20_gib_file_is_refused_in_well_under_a_second(tmp_path, capsys):
    big = tmp_path / "stor.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 ** 3)
    t0 = time.perf_counter()
    assert main(["audit", str(big)]) == 2
    assert time.perf_counter() - t0 < 0.5
    assert "20.480 MiB" in capsys.readouterr().out


# --- 5. malformed sheet XML: exit 2, a Danish message naming the part and the cell --------------

@pytest.mark.parametrize("row_xml,words", [
    ('<row r="5"><c r="A-5"><v>2</v></c></row>', 'r="A-5"'),
    ('<row r="5"><c r="' + "A" * 24 + '5"><v>2</v></c></row>', 'r="AAAAAAAAAAAA'),
    ('<row r="5"><c r="A' + "9" * 100_000 + '"><v>2</v></c></row>', 'r="A99999999'),
    ('<row r="' + "9" * 100_000 + '"><c r="B5"><v>2</v></c></row>', "ugyldigt rækkenummer"),
    ('<row r="5"><x:c xmlns:x="urn:x" r="A-5"><x:v>2</x:v></x:c></row>', 'r="A-5"'),
])
def test_malformed_cell_references_exit_2_naming_part_and_cell(tmp_path, capsys, row_xml, words):
    path = _with_rows(tmp_path, row_xml)
    with pytest.raises(WorkbookError) as err:
        audit_workbook(path)
    assert "xl/worksheets/sheet1.xml" in str(err.value) and "Arket 'Ark'" in str(err.value)
    assert main(["audit", str(path), "-o", str(tmp_path / "r.xlsx")]) == 2
    out = capsys.readouterr().out.replace("\n", " ")
    assert "kan ikke revideres" in out and words in out and "Traceback" not in out
    assert len(out) < 600   # a 100,000-digit number is not printed whole
    assert not (tmp_path / "r.xlsx").exists()


def test_a_damaged_sheet_read_by_the_general_reader_exits_2(tmp_path, capsys):
    # prefixed cells go to openpyxl's parser; a number cell that is not a number must not be a traceback
    path = _with_rows(tmp_path, '<row r="5"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                                ' r="B5"><x:v>ikke et tal</x:v></x:c></row>')
    code = main(["audit", str(path)])
    out = capsys.readouterr().out
    assert code in (0, 1, 2) and "Traceback" not in out
    if code == 2:
        assert "xl/worksheets/sheet1.xml" in out.replace("\n", "")


# --- 6. duplicate part names -----------------------------------------------------------------

def test_duplicate_part_names_are_refused(tmp_path, capsys):
    import warnings

    clean = write_xlsx(tmp_path / "ren.xlsx", [Sheet("Ark", {"A1": 1})])
    evil = write_xlsx(tmp_path / "ond.xlsx", [Sheet("Ark", {"A1": 1, "B1": F("=A1*7.5", 7.5)})])
    dup = tmp_path / "dobbelt.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _rezip(clean, dup, extra=[("xl/worksheets/sheet1.xml", _sheet_xml(evil))])
    assert zipfile.ZipFile(dup).namelist().count("xl/worksheets/sheet1.xml") == 2
    with pytest.raises(UntrustedFileError, match="'xl/worksheets/sheet1.xml' to gange"):
        audit_workbook(dup)
    assert main(["audit", str(dup)]) == 2
    assert "to gange" in capsys.readouterr().out


# --- 7. long formulas: bounded work ----------------------------------------------------------

def _long_formulas(tmp_path: Path, n: int, refs: int, seed: int = 1, name: str = "lange.xlsx") -> Path:
    """``n`` formulas in column A, each the sum of ``refs`` scattered references: no two alike."""
    import random

    from openpyxl.utils import get_column_letter

    rnd = random.Random(seed)
    rows = []
    for r in range(1, n + 1):
        body = "+".join(f"{get_column_letter(rnd.randint(2, 60))}{rnd.randint(1, 20_000)}" for _ in range(refs))
        rows.append(f'<row r="{r + 1}"><c r="A{r + 1}"><f>{body}</f><v>0</v></c></row>')
    return _with_rows(tmp_path, "".join(rows), name)


def test_long_formulas_cost_bounded_time_and_say_what_was_skipped(tmp_path):
    # 2,000 formulas of 1,000 references (12 million characters): 65 s before the budget, 3-5 s now
    path = _long_formulas(tmp_path, 2_000, 1_000)
    t0 = time.perf_counter()
    result = audit_workbook(path)
    seconds = time.perf_counter() - t0
    assert seconds < 30, seconds
    (limited,) = [f for f in result.findings if f.rule == "begraenset"]
    assert limited.severity == "info" and limited.sheet == "Ark"
    assert "ikke sammenlignet med nabocellerne" in limited.message and "10.000.000 tegn" in limited.message
    assert result.exit_code == 0     # nothing invented about the formulas that were skipped


def test_formulas_past_the_budget_are_left_alone_but_checked_for_errors(tmp_path, monkeypatch):
    from xlkopi.audit import budget as formulas

    # a column of equal relative formulas with one odd one out: found with budget, not guessed at without
    rows = "".join(f'<row r="{r}"><c r="B{r}"><f>A{r}*2</f><v>0</v></c></row>' for r in range(2, 12))
    rows = rows.replace("<f>A6*2</f>", "<f>A7*2</f>")
    rows += '<row r="12"><c r="B12"><f>#REF!*2</f><v>0</v></c></row>'
    path = _with_rows(tmp_path, rows)
    found = {(f.rule, f.cell) for f in audit_workbook(path).findings}
    assert ("inkonsistent_formel", "B6") in found and ("fejlvaerdi", "B12") in found
    monkeypatch.setattr(formulas, "FORMULA_BUDGET", 4)   # less than one formula
    result = audit_workbook(path)
    found = {(f.rule, f.cell) for f in result.findings}
    assert ("inkonsistent_formel", "B6") not in found          # its form is unknown: no guess
    assert ("fejlvaerdi", "B12") in found                       # #REF! is read from every formula
    assert any(f.rule == "begraenset" for f in result.findings)


@pytest.mark.parametrize("group_min, at_once", [(1, 65_536), (8, 65_536), (8, 97), (1, 1)])
def test_the_array_path_gives_exactly_the_per_cell_forms(monkeypatch, group_min, at_once):
    import random

    from xlkopi.audit import r1c1 as formulas

    monkeypatch.setattr(formulas, "GROUP_MIN", group_min)
    monkeypatch.setattr(formulas, "_SHAPES_AT_ONCE", at_once)   # shapes in slices: a group spans several
    rnd = random.Random(7)
    cols, rows, texts = [], [], []
    for col in (2, 3, 30):
        for r in range(1, 400):
            a, b = rnd.choice([(r - 1, r + 5), (r, r), (9, 10), (r * 3, 7)])
            texts.append(rnd.choice([f"=A{a}+$B${b}*1.5", f"=SUM(A{a}:A{b})-C{r}", f'=A{a}&"B{b}"', f"=XFE{a}+A{b}"]))
            cols.append(col)
            rows.append(r)
    ids, forms = formulas.form_ids(cols, rows, texts)
    assert [forms[i] for i in ids.tolist()] == [formulas.relative_form(t, r, c)
                                                for c, r, t in zip(cols, rows, texts, strict=True)]
    # a character the shapes use as a mark, in the last slice only: every cell by itself, still exact
    texts[-1] = "=A1&\"\x01\""
    ids, forms = formulas.form_ids(cols, rows, texts)
    assert [forms[i] for i in ids.tolist()] == [formulas.relative_form(t, r, c)
                                                for c, r, t in zip(cols, rows, texts, strict=True)]

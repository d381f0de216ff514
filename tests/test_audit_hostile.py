"""Hostile input and faults in ``xlkopi audit`` (issue 11): every input is built here, no binary blobs.

Each test builds a small valid workbook and then changes the bytes a
hostile file would change: names and formulas with rich markup, a file
swapped during the audit, FIFOs and devices, malformed cell references,
duplicate zip entries, long formulas.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit_corpus import F, Sheet, write_xlsx
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
    messages = [ws.cell(r, 6).value for r in range(2, ws.max_row + 1)]
    assert any("\\x1b[2J\\x01" in m for m in messages)
    notes = [str(ws.parent["Oversigt"].cell(r, 2).value) for r in range(1, 30)]
    assert any("styretegn" in n for n in notes)

"""``xlkopi audit FOLDER ...``: many files in one run, one report a controller files.

Expected values: the planted faults of the corpus (tests/audit_corpus.py, the same faults test_audit_rules.py
finds one table at a time) at their cells; the verdict wording of the issue ("Godkendes ikke: 4 fejl",
"Godkendes med bemærkninger", "Ingen fund"); the bundled example's four planted errors.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from audit_corpus import EXAMPLE_FAULTS, Sheet, reference_schedule, schedule_block, write_xlsx

from xlkopi.audit.batch import CLEAN, NOT_APPROVED, REMARKS, audit_files, exit_code, expand
from xlkopi.cli import main

START = dt.date(2006, 1, 1)
EXAMPLE = Path(__file__).resolve().parents[1] / "xlkopi" / "data" / "audit" / "Leasingtilbud_eksempel.xlsx"


def _schedule(path: Path, mutate=None) -> Path:
    rows = [list(r) for r in reference_schedule(10_000_000, Fraction(51, 1000), 20, 4, 0, True, START)]
    if mutate:
        mutate(rows)
    return write_xlsx(path, [Sheet("Plan", schedule_block([tuple(r) for r in rows], 1))])


def _payment_fault(rows):
    rows[5][3] += 200     # sheet row 7: the payment 2 kr too high (ydelse_sum and fast_ydelse at D7)


def _folder(tmp_path: Path) -> Path:
    """Clean, faulty, hostile and unreadable files, in a folder with a subfolder and things to skip."""
    root = tmp_path / "aftaler"
    (root / "2026" / ".skjult").mkdir(parents=True)
    _schedule(root / "ren.xlsx")
    _schedule(root / "2026" / "fejl i ydelse.xlsx", _payment_fault)
    shutil.copyfile(EXAMPLE, root / "2026" / "Leasingtilbud_eksempel.xlsx")
    (root / "2026" / "ikke en projektmappe.xlsx").write_text("Termin;Ydelse\n1;100\n", encoding="utf-8")
    write_xlsx(root / "markup [bold]red[reset] =SUM(A1).xlsx", [Sheet("Ark \x1b[2J", {"A1": "=1+1"})])
    _schedule(root / "2026" / ".skjult" / "skjult.xlsx", _payment_fault)     # hidden folder: skipped
    _schedule(root / "~$ren.xlsx")                                            # Office's lock file: skipped
    (root / "noter.txt").write_text("ikke en projektmappe", encoding="utf-8")  # not a workbook name: skipped
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "rør.xlsx")                                           # a FIFO named like a workbook
    return root


def test_a_folder_is_searched_recursively_and_skips_what_is_not_a_workbook(tmp_path):
    root = _folder(tmp_path)
    names = [p.relative_to(root).as_posix() for p in expand([root])]
    assert "2026/.skjult/skjult.xlsx" not in names and "~$ren.xlsx" not in names and "noter.txt" not in names
    assert {"ren.xlsx", "2026/fejl i ydelse.xlsx", "2026/Leasingtilbud_eksempel.xlsx",
            "2026/ikke en projektmappe.xlsx"} <= set(names)
    # the same file named twice, and by a folder, is audited once
    assert len(expand([root, root / "ren.xlsx"])) == len(names)


def test_every_fault_at_its_cell_and_one_verdict_per_file(tmp_path):
    root = _folder(tmp_path)
    items = {p.path.name: p for p in audit_files(expand([root]))}
    faulty = items["fejl i ydelse.xlsx"]
    assert faulty.verdict.startswith(NOT_APPROVED + ": ")
    got = {(f.cell, f.rule) for f in faulty.result.findings}
    assert ("D7", "ydelse_sum") in got and ("D7", "fast_ydelse") in got
    assert faulty.at_stake == 2.0 + 2.0     # 2 kr in ydelse = afdrag + renter, 2 kr off the fixed payment
    example = items["Leasingtilbud_eksempel.xlsx"]
    assert example.verdict == "Godkendes ikke: 4 fejl"
    found = {(f.sheet, f.cell, f.rule) for f in example.result.findings}
    found |= {(f.sheet, f.cell.split(":")[0], f.rule) for f in example.result.findings if f.cell}   # F4:F11
    for (sheet, cell), rule in EXAMPLE_FAULTS.items():   # the planted-fault corpus, every fault at its cell
        assert (sheet, cell, rule) in found, (sheet, cell, rule)
    assert items["ren.xlsx"].verdict == CLEAN
    unreadable = items["ikke en projektmappe.xlsx"]
    assert unreadable.result is None and unreadable.verdict.startswith("Kan ikke revideres: ")
    if "rør.xlsx" in items:
        assert items["rør.xlsx"].result is None and "rør" in items["rør.xlsx"].reason
    assert exit_code(list(items.values())) == 2


def test_the_command_writes_one_report_for_the_folder_and_its_links_survive_a_move(tmp_path, capsys):
    root = _folder(tmp_path)
    out = tmp_path / "rapport" / "Revision.xlsx"
    assert main(["audit", str(root), str(EXAMPLE), "-o", str(out), "--revisor", "K. Controller"]) == 2
    shown = capsys.readouterr().out
    flat = " ".join(shown.split())   # the table wraps long cells at the terminal's width
    assert "Godkendes ikke" in flat and "Kan ikke" in flat and "\x1b[2J" not in shown
    moved = tmp_path / "arkiv" / "sag 17" / "Revision.xlsx"
    moved.parent.mkdir(parents=True)
    out.rename(moved)
    wb = openpyxl.load_workbook(moved)
    ov, fund = wb["Oversigt"], wb["Fund"]
    values = [[c.value for c in row] for row in ov.iter_rows()]
    assert ["Revisor", "K. Controller"] in [v[:2] for v in values]
    names = {p.name for p in expand([root, EXAMPLE])}
    files = [row for row in values if row[0] in names and isinstance(row[2], str)]
    assert len(files) == len(expand([root, EXAMPLE]))
    verdicts = {r[0]: r[2] for r in files}
    assert verdicts["fejl i ydelse.xlsx"].startswith(NOT_APPROVED) and verdicts["ren.xlsx"] == CLEAN
    links = [c.hyperlink.target for row in fund.iter_rows() for c in row if c.hyperlink is not None]
    assert links, "the findings link to their cells"
    for target in links:   # absolute file links: they still point at the audited files after the move
        path = target.split("#", 1)[0]
        assert path.startswith("file:///")
        from urllib.parse import unquote, urlparse

        assert Path(unquote(urlparse(path).path)).exists(), target
    sections = [r[1].value for r in fund.iter_rows(min_row=2) if r[0].value is None and r[1].value]
    assert any(s.endswith(": Godkendes ikke: 4 fejl") for s in sections)
    assert all(ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 for ws in (ov, fund))


def test_remarks_only_gives_approved_with_remarks(tmp_path):
    path = write_xlsx(tmp_path / "skjult.xlsx", [Sheet("Ark", {"A1": 1}), Sheet("Gemt", {"A1": 2}, state="veryHidden")])
    (item,) = audit_files([path])
    assert item.verdict.startswith(REMARKS), item.verdict


def test_no_workbooks_in_the_folder_is_a_clear_message(tmp_path, capsys):
    (tmp_path / "tom").mkdir()
    assert main(["audit", str(tmp_path / "tom")]) == 2
    assert "Ingen projektmapper at revidere" in capsys.readouterr().out


@pytest.mark.libreoffice
def test_the_pdf_report_is_written_in_danish_on_landscape_a4(tmp_path, soffice):
    root = _folder(tmp_path)
    pdf = tmp_path / "Revision.pdf"
    main(["audit", str(root), "--pdf", str(pdf)])
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    if shutil.which("pdftotext"):
        import subprocess

        from xlkopi.core.vocabulary import format_amount

        total = format_amount(sum(i.at_stake for i in audit_files(expand([root]))))   # Danish: 2.155,00 kr
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Revisionsrapport" in text and "Godkendes ikke: 4 fejl" in text
        assert total.replace(" kr", "") in text, (total, text[:2000])

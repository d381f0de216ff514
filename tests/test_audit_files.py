"""The auditor on whole files: planted faults, clean workbooks, hostile files, CLI and report."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from audit_corpus import EXAMPLE_FAULTS, E, F, Sheet, build_example, reference_schedule, schedule_block, write_xlsx

from xlkopi.audit import audit_workbook
from xlkopi.audit.cli import EXAMPLE
from xlkopi.audit.findings import ADVARSEL, FEJL
from xlkopi.cli import main
from xlkopi.errors import UntrustedFileError, WorkbookError

START = dt.date(2006, 1, 1)


def _bad(result):
    return [f for f in result.findings if f.severity in (FEJL, ADVARSEL)]


def _state(path: Path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


# --- planted faults ----------------------------------------------------------------------

@pytest.mark.parametrize("source", ["bundled", "generated"])
def test_every_planted_fault_found_at_its_cell(source, tmp_path):
    path = EXAMPLE if source == "bundled" else build_example(tmp_path / "eksempel.xlsx")
    result = audit_workbook(path)
    got = {(f.sheet, f.cell, f.rule) for f in result.findings}
    for (sheet, cell), rule in EXAMPLE_FAULTS.items():
        if rule in ("hardkodet_tal",):
            assert (sheet, cell, rule) in got, (sheet, cell, rule)
        elif rule == "ekstern_reference":
            assert (sheet, "F4:F11", rule) in got
        else:
            assert (sheet, cell, rule) in got, (sheet, cell, rule)
    assert result.exit_code == 1


# --- clean workbooks ---------------------------------------------------------------------

def test_xlkopi_lease_workbook_is_clean(tmp_path):
    """xlkopi's own schedules, written by its lease workbook writer, give no fejl or advarsel."""
    from xlkopi.core.schedule import lease_schedule
    from xlkopi.schedule.workbook import write_lease_workbook

    sheets = [(f"Plan {i}", lease_schedule(100000, 0.051, 5, 4, rv, "2006-01-01", in_advance=adv), "Ydelsesplan")
              for i, (rv, adv) in enumerate([(0, True), (5000, True), (0, False), (5000, False)], start=1)]
    path = write_lease_workbook(tmp_path / "plan.xlsx", sheets, [])
    result = audit_workbook(path)
    assert result.tables == 4
    assert _bad(result) == []
    assert any(f.rule == "fingeraftryk_ok" for f in result.findings)


def test_formula_schedule_with_cached_values_is_clean(tmp_path):
    rows = reference_schedule(10_000_000, Fraction(51, 1000), 20, 4, 500_000, False, START)
    plan = Sheet("Ydelsesplan", schedule_block(rows, top=4, formulas=True))
    plan.cells["A1"] = "Leasing, bagud, restværdi 5 %"
    result = audit_workbook(write_xlsx(tmp_path / "f.xlsx", [plan]))
    assert result.tables == 1 and result.formulas == 2 * 20
    assert _bad(result) == []


def test_fingerprint_detects_changed_formula(tmp_path):
    from openpyxl import Workbook

    from xlkopi.io.fingerprint import stamp

    wb = Workbook()
    ws = wb.active
    ws.title = "Ark"
    for r in range(1, 6):
        ws.cell(r, 1, r)
        ws.cell(r, 2, f"=A{r}*3")
    stamp(wb, "xlkopi test")
    wb.save(tmp_path / "ok.xlsx")
    assert any(f.rule == "fingeraftryk_ok" for f in audit_workbook(tmp_path / "ok.xlsx").findings)
    ws["B3"] = "=A3*4"   # changed after generation, fingerprint not renewed
    wb.save(tmp_path / "changed.xlsx")
    hits = [f for f in audit_workbook(tmp_path / "changed.xlsx").findings if f.rule == "fingeraftryk"]
    assert len(hits) == 1 and hits[0].severity == ADVARSEL


# --- untrusted files ---------------------------------------------------------------------

def _plain(tmp_path, name="ok.xlsx"):
    return write_xlsx(tmp_path / name, [Sheet("Ark", {"A1": 1, "B1": F("=A1+1", 2)})])


def _rezip(src: Path, dst: Path, replace: dict):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return dst


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
          '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
          '<si><t>&lol3;</t></si></sst>')
XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/>&x;</workbook>')


def _hostile(kind: str, tmp_path: Path) -> Path:
    ok = _plain(tmp_path)
    p = tmp_path / f"{kind}.xlsx"
    if kind == "zipbomb":
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for info in zipfile.ZipFile(ok).infolist():
                z.writestr(info.filename, zipfile.ZipFile(ok).read(info.filename))
            z.writestr("xl/media/image1.bin", b"\0" * (30 * 1024 * 1024))  # ~1000:1
    elif kind == "billion_laughs":
        _rezip(ok, p, {"xl/sharedStrings.xml": LAUGHS})
    elif kind == "xxe":
        _rezip(ok, p, {"xl/workbook.xml": XXE})
    elif kind == "dtd_in_sheet":
        data = zipfile.ZipFile(ok).read("xl/worksheets/sheet1.xml").decode()
        data = data.replace("?>\n", '?>\n<!DOCTYPE worksheet [<!ENTITY e "x">]>', 1)
        _rezip(ok, p, {"xl/worksheets/sheet1.xml": data})
    elif kind == "encrypted":
        p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4000)  # OLE/CFB: EncryptedPackage or .xls
    elif kind == "corrupt":
        p.write_bytes(ok.read_bytes()[: ok.stat().st_size // 2])
    elif kind == "not_zip":
        p.write_text("Termin;Ydelse\n1;100\n", encoding="utf-8")
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "no_workbook":
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("hello.txt", "hej")
    elif kind == "bad_xml":
        _rezip(ok, p, {"xl/workbook.xml": "<workbook><sheets>"})
    elif kind == "million_rows":
        with zipfile.ZipFile(ok) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for info in zin.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    z.writestr(info.filename, zin.read(info.filename))
            with z.open("xl/worksheets/sheet1.xml", "w") as fh:
                fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><sheetData>')
                block = []
                for r in range(1, 1_000_001):
                    block.append(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r))
                    if len(block) == 50_000:
                        fh.write(b"".join(block))
                        block = []
                fh.write(b"".join(block) + b"</sheetData></worksheet>")
    return p


@pytest.mark.parametrize("kind,error,words", [
    ("zipbomb", UntrustedFileError, "zip-bombe"),
    ("billion_laughs", UntrustedFileError, "XML-angreb"),
    ("xxe", UntrustedFileError, "XML-angreb"),
    ("dtd_in_sheet", UntrustedFileError, "XML-angreb"),
    ("encrypted", UntrustedFileError, "krypteret"),
    ("corrupt", WorkbookError, "beskadiget"),
    ("not_zip", WorkbookError, "ikke et zip-arkiv"),
    ("empty", WorkbookError, "tom"),
    ("no_workbook", WorkbookError, "mangler xl/workbook.xml"),
    ("bad_xml", WorkbookError, "ikke gyldig XML"),
    ("million_rows", UntrustedFileError, "300.000 rækker"),
])
def test_hostile_files_refused_with_danish_message(kind, error, words, tmp_path, capsys):
    path = _hostile(kind, tmp_path)
    before = _state(path)
    with pytest.raises(error) as exc:
        audit_workbook(path)
    assert words in str(exc.value)
    assert main(["audit", str(path)]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "kan ikke revideres" in out.out
    assert _state(path) == before


def test_macros_reported_never_run(tmp_path):
    path = write_xlsx(tmp_path / "makro.xlsm", [Sheet("Ark", {"A1": 1})], macros=True, external_link=True)
    before = _state(path)
    result = audit_workbook(path)
    rules = {f.rule: f for f in result.findings}
    assert rules["makroer"].severity == ADVARSEL and "vbaProject.bin" in rules["makroer"].message
    assert "eksterne_links" in rules
    assert _state(path) == before


def test_hidden_sheets_and_errors(tmp_path):
    path = write_xlsx(tmp_path / "skjult.xlsx", [
        Sheet("Synlig", {"A1": 1, "B1": E("#REF!", "=#REF!*2"), "C1": E("#NAME?", "=FOO(A1)")}),
        Sheet("Skjult", {"A1": 2}, state="hidden"),
        Sheet("MegetSkjult", {"A1": 3}, state="veryHidden")])
    got = {(f.sheet, f.cell, f.rule, f.severity) for f in audit_workbook(path).findings}
    assert ("Skjult", None, "skjult_ark", "info") in got
    assert ("MegetSkjult", None, "meget_skjult_ark", "advarsel") in got
    assert ("Synlig", "B1", "fejlvaerdi", "fejl") in got
    assert ("Synlig", "C1", "fejlvaerdi", "fejl") in got


# --- CLI and report ----------------------------------------------------------------------

def test_cli_exit_codes_and_report(tmp_path, capsys):
    clean = _plain(tmp_path, "ren.xlsx")
    assert main(["audit", str(clean)]) == 0
    out = tmp_path / "ud" / "Revision.xlsx"
    assert main(["audit", str(EXAMPLE), "-o", str(out)]) == 1
    assert main(["audit", str(EXAMPLE), "-o", str(out)]) == 2          # exists, no --force
    assert "--force" in capsys.readouterr().out
    assert main(["audit", str(EXAMPLE), "-o", str(out), "--force"]) == 1

    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["Oversigt", "Fund"]
    ws = wb["Fund"]
    cells = {(ws.cell(r, 4).value, ws.cell(r, 5).value): ws.cell(r, 5) for r in range(2, ws.max_row + 1)}
    link = cells[("Ydelsesplan", "F12")]
    # absolute: the link still opens the cell when the report is moved
    assert link.hyperlink.target == f"{EXAMPLE.resolve().as_uri()}#'Ydelsesplan'!F12"
    ov = wb["Oversigt"]
    labels = [ov.cell(r, 2).value for r in range(1, ov.max_row + 1)]
    assert "rentesats" in labels and "meget_skjult_ark" in labels


def test_report_text_never_becomes_formula(tmp_path):
    from openpyxl import load_workbook

    from xlkopi.audit.engine import AuditResult
    from xlkopi.audit.findings import Finding
    from xlkopi.audit.report import write_report

    result = AuditResult(tmp_path / "x.xlsx", "0" * 64,
                         [Finding("=HYPERLINK(\"http://x\")", "A1", "tal_som_tekst", ADVARSEL,
                                  "=1+1", "+2", "@SUM(A1)")])
    out = write_report(result, tmp_path / "r.xlsx")
    ws = load_workbook(out)["Fund"]
    for r in (2, 3):   # the file's section row, then its finding
        for c in range(1, 12):
            assert ws.cell(r, c).data_type in ("s", "n")
    assert ws.cell(3, 6).value == "=1+1" and ws.cell(3, 6).data_type == "s"
    assert ws.cell(3, 4).value == '=HYPERLINK("http://x")' and ws.cell(3, 4).data_type == "s"


def test_demo_runs_and_skips_missing_comparison(tmp_path):
    from rich.console import Console

    from xlkopi.audit.cli import demo

    console = Console(record=True, width=120)
    assert demo(tmp_path, console, True) == 0
    assert (tmp_path / "revision" / "Revision_Leasingtilbud_eksempel.xlsx").exists()
    assert not (tmp_path / "revision" / "Revision_Sammenligning.xlsx").exists()


# --- stale values through LibreOffice ----------------------------------------------------

@pytest.mark.libreoffice
def test_recalc_reports_stale_values_and_unverifiable(soffice, tmp_path):
    path = write_xlsx(tmp_path / "gammel.xlsx", [Sheet("Ark", {
        "A1": 100, "A2": 200,
        "B1": F("=A1*2", 200),                     # right
        "B2": F("=A2*2", 300),                     # stale: LibreOffice gives 400
        "C1": F("=LEASE_PAYMENT(100000,0.051,5)", 5624.49),   # xlkopi function: not verifiable
        "C2": F("=_xludf.CLICK_PRICE(1,2,3)", 0.5),
        "C3": F("=_xldudf_XLKOPI_LEASE_PAYMENT(100000,0.051,5)", 5624.49),   # as Excel stores =XLKOPI.…
        "D1": F("=A1+A2"),                          # no cached value
    })])
    before = _state(path)
    result = audit_workbook(path, recalc=True)
    got = {(f.cell, f.rule, f.severity) for f in result.findings}
    assert ("B2", "foraeldet_vaerdi", "fejl") in got
    assert ("B1", "foraeldet_vaerdi", "fejl") not in got
    assert ("C1", "kan_ikke_efterproeves", "info") in got
    assert ("C2", "kan_ikke_efterproeves", "info") in got
    assert ("C3", "kan_ikke_efterproeves", "info") in got
    assert ("D1", "ingen_gemt_vaerdi", "info") in got
    stale = next(f for f in result.findings if f.rule == "foraeldet_vaerdi")
    assert stale.expected == "400" and stale.found == "300"   # A2*2 = 400 (LibreOffice recalculation)
    assert _state(path) == before

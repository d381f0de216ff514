"""The enrolment batch end to end: the example, reruns, hostile registers, CLI exit codes."""

from __future__ import annotations

import copy
import csv
import email
import email.policy
import hashlib
import importlib
import inspect
import io
import pkgutil
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from rich.console import Console

import xlkopi.enrol
from xlkopi.cli import main
from xlkopi.enrol.batch import FAILED, GENERATED, SKIPPED, data_path, run
from xlkopi.enrol.cli import demo
from xlkopi.enrol.eml import build_eml
from xlkopi.enrol.example import EXAMPLE, HEADERS, register_workbook, workbook_bytes

EXAMPLE_REGISTER = data_path("eksempel_register.xlsx")
EXPECTED = [  # (status, institution, agreement) of the example's nine requests, see example.py
    (GENERATED, "Eksempelby Kommune", "Computeraftalen"),
    (GENERATED, "Eksempelby Kommune", "Multifunktionsmaskiner"),
    (SKIPPED, "Eksempelby Kommune", "Kontorartikler"),          # exempt agreement
    (GENERATED, "Region Eksempel", "Multifunktionsmaskiner"),
    (SKIPPED, "Region Eksempel", "Mobiltelefoni"),              # phase 11
    (GENERATED, "Den Selvejende Institution Solsikken", "Computeraftalen"),  # party by agreement
    (SKIPPED, "Eksempelstyrelsen", "Computeraftalen"),          # state institution
    (SKIPPED, "Fjordby Kommune", "Computeraftalen"),            # not party, closed phase
    (SKIPPED, "Eksempelby Kommune", "Computeraftalen"),         # duplicate request
]


def first_by(report) -> dict:
    """Results by (institution, agreement); the first request wins (the example repeats one)."""
    out = {}
    for r in report.results:
        out.setdefault((r.institution, r.agreement), r)
    return out


def write_register(path: Path, data=None) -> Path:
    path.write_bytes(workbook_bytes(register_workbook(data or EXAMPLE)))
    return path


def data_copy():
    return copy.deepcopy(EXAMPLE)


def digests(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` (in the agreement folders too), by its path relative to ``folder``."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def folder_of(agreement: str, phase: int | None) -> str:
    """The agreement's folder inside the output folder (batch._Folders)."""
    return agreement if phase is None else f"{agreement} (fase {phase})"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tilmelding")
    return run(EXAMPLE_REGISTER, out), out


def test_example_statuses(example_run):
    report, out = example_run
    assert [(r.status, r.institution, r.agreement) for r in report.results] == EXPECTED
    assert report.exit_code == 0
    assert "koncernindkøber" in report.results[7].reason
    assert "forpligtet kunde" in report.results[6].reason
    assert any("5798" in w for w in report.results[5].warnings)
    phases = {"Computeraftalen": 9, "Multifunktionsmaskiner": 10}   # example.py
    # one folder per agreement, the overview at the top
    top = sorted(p.name for p in out.iterdir())
    assert top == sorted(["Oversigt.xlsx"] + [folder_of(a, f) for a, f in phases.items()])
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = [f"{folder_of(a, phases[a])}/Tilmelding til {a} - {i}.{ext}" for s, i, a in EXPECTED[:6]
                if s == GENERATED for ext in ("xlsx", "eml")]
    assert names == sorted(["Oversigt.xlsx"] + expected)
    made = [r for r in report.results if r.status == GENERATED]
    assert sorted(n for r in made for n in (r.workbook_name, r.eml_name)) == sorted(expected)  # the results' names
    assert all(r.phase == phases[r.agreement] for r in made)


def test_overview_workbook(example_run):
    report, out = example_run
    wb = openpyxl.load_workbook(out / "Oversigt.xlsx")
    assert wb.sheetnames == ["Oversigt", "Fejl og advarsler"]
    rows = list(wb["Oversigt"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Nr.", "Institution", "Aftale", "Fase", "Status", "Begrundelse")
    assert [(r[4], r[1], r[2]) for r in rows[1:]] == EXPECTED
    col = {h: j for j, h in enumerate(rows[0])}   # the later columns by name (test_enrol_overview.py: the layout)
    assert rows[1][col["Skema"]] == "Tilmelding til Computeraftalen - Eksempelby Kommune.xlsx"   # the link's text
    assert rows[1][col["Kilde"]] == "Tilmeldinger række 2"
    findings = list(wb["Fejl og advarsler"].iter_rows(values_only=True))
    assert findings[1][:4] == ("advarsel", "Institutioner", 4, "EAN")


def test_eml_draft(example_run):
    report, out = example_run
    r = report.results[0]
    msg = email.message_from_bytes((out / r.eml_name).read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Tilmelding til Computeraftalen"
    assert msg["To"] == "tilmelding@statens-indkob.invalid"  # indstillinger.toml
    assert msg["X-Unsent"] == "1" and msg["Date"] is None
    assert "Hermed tilmelder Eksempelby Kommune (CVR 23043823) sig Computeraftalen" in msg.get_body().get_content()
    (att,) = list(msg.iter_attachments())
    assert r.workbook_name == "Computeraftalen (fase 9)/Tilmelding til Computeraftalen - Eksempelby Kommune.xlsx"
    assert att.get_filename() == PurePosixPath(r.workbook_name).name   # the bare file name, no folder
    assert att.get_content() == (out / r.workbook_name).read_bytes()


def test_rerun_is_byte_identical_and_leaves_files_alone(tmp_path):
    out = tmp_path / "ud"
    first = run(EXAMPLE_REGISTER, out)
    before = digests(out)
    second = run(EXAMPLE_REGISTER, out)
    assert digests(out) == before  # same bytes, same modification times: nothing rewritten
    assert second.exit_code == 0 and second.files("uændret") == 9 and second.files("skrevet") == 0
    assert first.files("skrevet") == 9


def test_changed_output_needs_force(tmp_path):
    out = tmp_path / "ud"
    run(EXAMPLE_REGISTER, out)
    before = digests(out)
    first_overview = (out / "Oversigt.xlsx").read_bytes()
    changed = run(EXAMPLE_REGISTER, out, mail_to="andet@eksempel.example")
    assert changed.exit_code == 1
    made = [r for r in changed.results if r.workbook_name]
    assert len(made) == 4 and all(r.status == FAILED and "--force" in r.reason for r in made)
    after = digests(out)
    # the overview is xlkopi's own: it is replaced without --force and reports the refusals ...
    assert changed.overview_state == "overskrevet" and not changed.overview_problem
    statuses = [row[4] for row in openpyxl.load_workbook(out / "Oversigt.xlsx")["Oversigt"].iter_rows(
        min_row=2, values_only=True)]
    assert statuses == [r.status for r in changed.results]
    # ... but no enrolment's file is overwritten
    del before["Oversigt.xlsx"], after["Oversigt.xlsx"]
    assert len(before) == 8 and after == before
    forced = run(EXAMPLE_REGISTER, out, mail_to="andet@eksempel.example", force=True)
    # the four .eml drafts, and the overview back to the first run's (all generated again)
    assert forced.exit_code == 0 and forced.files("overskrevet") == 4 + 1 and forced.overview_state == "overskrevet"
    assert forced.files("uændret") == 4  # the workbooks did not change
    assert (out / "Oversigt.xlsx").read_bytes() == first_overview


def test_all_eligible(tmp_path):
    report = run(EXAMPLE_REGISTER, tmp_path, all_eligible=True)
    assert [(r.institution, r.agreement) for r in report.results] == [
        ("Eksempelby Kommune", "Computeraftalen"), ("Eksempelby Kommune", "Multifunktionsmaskiner"),
        ("Region Eksempel", "Multifunktionsmaskiner"), ("Den Selvejende Institution Solsikken", "Computeraftalen")]
    assert all(r.status == GENERATED for r in report.results)


# --------------------------------------------------------------- hostile registers

def _run_data(tmp_path, data, **kw):
    reg = write_register(tmp_path / "register.xlsx", data)
    return run(reg, tmp_path / "ud", **kw)


def test_formula_looking_names_stay_text(tmp_path):
    data = data_copy()
    evil = '=HYPERLINK("http://x.invalid","klik")'
    data["Institutioner"][0][0] = evil
    for table in ("Lokationer", "Parter", "Tilmeldinger"):
        for row in data[table]:
            if row[0] == "Eksempelby Kommune":
                row[0] = evil
    data["Lokationer"][0][1] = "+45 -Rådhuset @x"
    report = _run_data(tmp_path, data)
    r = report.results[0]
    assert r.status == GENERATED and any("ligner en formel" in w for w in r.warnings)
    wb = openpyxl.load_workbook(tmp_path / "ud" / r.workbook_name)
    assert wb["Bilag 7"]["B8"].value == evil and wb["Bilag 7"]["B8"].data_type == "s"
    assert wb["Skema"]["A8"].value == "+45 -Rådhuset @x" and wb["Skema"]["A8"].data_type == "s"
    ov = openpyxl.load_workbook(tmp_path / "ud" / "Oversigt.xlsx")["Oversigt"]
    assert ov["B2"].value == evil and ov["B2"].data_type == "s"
    # the relative name is "folder/file": neither part holds a character Windows refuses
    *folders, name = r.workbook_name.split("/")
    assert folders == ["Computeraftalen (fase 9)"]
    for part in (*folders, name):
        assert not any(c in part for c in '<>:"/\\|?*')


def test_newlines_never_reach_a_header(tmp_path):
    data = data_copy()
    data["Institutioner"][1][0] = "Region Eksempel\r\nBcc: alle@eksempel.example"   # row 3
    data["Aftaler"][1][0] = "Multifunktionsmaskiner\nBcc: x@y.example"             # row 3
    report = _run_data(tmp_path, data)
    statuses = first_by(report)
    assert report.exit_code == 1
    assert statuses[("Eksempelby Kommune", "Computeraftalen")].status == GENERATED  # the others proceed
    failing = [r for r in report.results if r.status == FAILED]
    assert failing and all("findes ikke" in r.reason or "linjeskift" in r.reason for r in failing)
    emls = list((tmp_path / "ud").rglob("*.eml"))
    assert len(emls) == sum(r.status == GENERATED for r in report.results) > 0
    for eml in emls:
        headers = eml.read_bytes().split(b"\r\n\r\n", 1)[0]
        assert b"Bcc" not in headers


def test_build_eml_strips_injection_even_without_validation():
    raw = build_eml(to="a@b.example", subject="Tilmelding til X\r\nBcc: c@d.example", body="tekst\n",
                    attachment=b"PK", filename="f\n.xlsx", sender="k@l.example", sender_name="Navn\r\nCc: e@f.g")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Bcc"] is None and msg["Cc"] is None
    assert msg["Subject"] == "Tilmelding til X Bcc: c@d.example"


def test_invalid_cvr_and_ean_are_reported_with_sheet_and_row(tmp_path):
    data = data_copy()
    data["Institutioner"][0][2] = "23043824"          # Eksempelby: bad CVR check digit (row 2)
    data["Lokationer"][3][2] = "5798724920242"        # Region Eksempel's first location (row 5): bad GS1 digit
    data["Institutioner"][2][6] = "kontor(at)solsikken"  # Solsikken: bad e-mail (row 4)
    report = _run_data(tmp_path, data)
    assert report.exit_code == 1
    by = first_by(report)
    assert "Ark 'Institutioner', række 2, felt 'CVR'" in by[("Eksempelby Kommune", "Computeraftalen")].reason
    assert "Ark 'Lokationer', række 5, felt 'EAN'" in by[("Region Eksempel", "Multifunktionsmaskiner")].reason
    assert "felt 'E-mail'" in by[("Den Selvejende Institution Solsikken", "Computeraftalen")].reason
    assert all(r.status != GENERATED for r in report.results)
    levels = [(f.level, f.sheet, f.row, f.field) for f in report.findings]
    assert ("fejl", "Institutioner", 2, "CVR") in levels and ("fejl", "Lokationer", 5, "EAN") in levels
    ov = openpyxl.load_workbook(tmp_path / "ud" / "Oversigt.xlsx")["Fejl og advarsler"]
    assert ("fejl", "Institutioner", 2, "CVR") in [r[:4] for r in ov.iter_rows(values_only=True)]


def test_duplicate_rows(tmp_path):
    data = data_copy()
    data["Institutioner"].append(list(data["Institutioner"][0]))     # identical duplicate: warning
    data["Lokationer"].append(list(data["Lokationer"][0]))           # identical duplicate location
    data["Institutioner"].append(list(data["Institutioner"][1]))
    data["Institutioner"][-1][2] = "38937057"                         # Region with another CVR: ambiguous
    report = _run_data(tmp_path, data)
    by = first_by(report)
    assert by[("Eksempelby Kommune", "Computeraftalen")].status == GENERATED
    assert "flere gange" in by[("Region Eksempel", "Multifunktionsmaskiner")].reason
    name = "Computeraftalen (fase 9)/Tilmelding til Computeraftalen - Eksempelby Kommune.xlsx"
    assert by[("Eksempelby Kommune", "Computeraftalen")].workbook_name == name
    wb = openpyxl.load_workbook(tmp_path / "ud" / name)
    assert wb["Skema"].tables["Lokationer"].ref == "A7:E10"  # the duplicate location is not listed twice
    assert any("dublet" in f.message for f in report.findings)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("Institutioner"), "Ark 'Institutioner': arket mangler"),
    (lambda d: d.pop("Tilmeldinger"), "Ark 'Tilmeldinger': arket mangler"),
    (lambda d: d.update(Aftaler=[]), None),
])
def test_missing_sheets_exit_2(tmp_path, mutate, message, capsys):
    data = data_copy()
    headers = copy.deepcopy(HEADERS)
    mutate(data)
    reg = tmp_path / "r.xlsx"
    reg.write_bytes(workbook_bytes(register_workbook(data, headers)))
    code = main(["enrol", str(reg), "--out", str(tmp_path / "ud")])
    out = capsys.readouterr().out
    if message is None:  # an empty catalogue still has its header row: nothing to enrol in
        assert code == 1 and "findes ikke i arket Aftaler" in out
    else:
        assert code == 2 and message in out.replace("\n", " ")


def test_missing_column_exit_2(tmp_path, capsys):
    headers = copy.deepcopy(HEADERS)
    headers["Institutioner"][2] = "Momsnummer"
    reg = tmp_path / "r.xlsx"
    reg.write_bytes(workbook_bytes(register_workbook(EXAMPLE, headers)))
    assert main(["enrol", str(reg), "--out", str(tmp_path / "ud")]) == 2
    assert "kolonne 'CVR' mangler" in capsys.readouterr().out.replace("\n", " ")


@pytest.mark.parametrize("content, message", [
    (b"", "tom fil"),
    (b"Navn;Type\nEksempelby;Kommune\n", "ikke en Excel-fil"),
    (b"PK\x03\x04 not really a zip", "ødelagt zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "krypteret"),
])
def test_unreadable_register_exit_2(tmp_path, capsys, content, message):
    reg = tmp_path / "register.xlsx"
    reg.write_bytes(content)
    assert main(["enrol", str(reg), "--out", str(tmp_path / "ud")]) == 2
    out = capsys.readouterr().out.replace("\n", " ")
    assert message in out and "Traceback" not in out
    assert not (tmp_path / "ud").exists() or not any((tmp_path / "ud").iterdir())


def test_bad_mail_to_exit_2(tmp_path, capsys):
    assert main(["enrol", str(EXAMPLE_REGISTER), "--out", str(tmp_path), "--mail-to", "x@y\nBcc: z@w.dk"]) == 2
    assert "--mail-to" in capsys.readouterr().out


def test_cli_exit_codes_and_summary(tmp_path, capsys):
    assert main(["enrol", str(EXAMPLE_REGISTER), "--out", str(tmp_path / "ud")]) == 0
    out = capsys.readouterr().out
    assert "4 genereret, 5 sprunget over, 0 fejl" in out.replace("\n", " ")
    data = data_copy()
    data["Institutioner"][0][2] = "12345678"
    reg = write_register(tmp_path / "r.xlsx", data)
    assert main(["enrol", str(reg), "--out", str(tmp_path / "ud2")]) == 1
    assert (tmp_path / "ud2" / "Multifunktionsmaskiner (fase 10)"
            / "Tilmelding til Multifunktionsmaskiner - Region Eksempel.xlsx").exists()


def test_windows_unsafe_and_colliding_names(tmp_path):
    data = data_copy()
    data["Institutioner"][0][0] = "CON"
    data["Institutioner"][1][0] = "Region: Eksempel?"
    data["Institutioner"].append(list(data["Institutioner"][1]))
    data["Institutioner"][-1][0] = "Region/ Eksempel"
    for table in ("Lokationer", "Parter", "Tilmeldinger"):
        for row in data[table]:
            row[0] = {"Eksempelby Kommune": "CON", "Region Eksempel": "Region: Eksempel?"}.get(row[0], row[0])
    data["Parter"].append(["Region/ Eksempel", 10, ""])
    data["Tilmeldinger"].append(["Region/ Eksempel", "Multifunktionsmaskiner", ""])
    report = _run_data(tmp_path, data)
    names = [r.workbook_name for r in report.results if r.status == GENERATED]
    # "CON" is only reserved as the whole name
    assert "Computeraftalen (fase 9)/Tilmelding til Computeraftalen - CON.xlsx" in names
    assert "Multifunktionsmaskiner (fase 10)/Tilmelding til Multifunktionsmaskiner - Region Eksempel.xlsx" in names
    assert "Multifunktionsmaskiner (fase 10)/Tilmelding til Multifunktionsmaskiner - Region Eksempel (2).xlsx" in names
    for name in names:
        assert (tmp_path / "ud" / name).is_file()


def test_csv_folder_and_column_mapping(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    renamed = {"Institutioner": "Kunder"}
    for sheet, rows in EXAMPLE.items():
        headers = list(HEADERS[sheet])
        if sheet == "Institutioner":
            headers[2] = "CVR-nr. (kunde)"
        with open(folder / f"{renamed.get(sheet, sheet)}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(headers)
            w.writerows(rows)
    cols = tmp_path / "kolonner.toml"
    cols.write_text('[ark]\nInstitutioner = "Kunder"\n\n[kolonner.Institutioner]\nCVR = "CVR-nr. (kunde)"\n',
                    encoding="utf-8")
    report = run(folder, tmp_path / "ud", columns=cols)
    assert [(r.status, r.institution, r.agreement) for r in report.results] == EXPECTED
    # the same register through CSV gives the same workbook bytes as through Excel
    excel = run(EXAMPLE_REGISTER, tmp_path / "ud_excel")
    for a, b in zip(report.results, excel.results, strict=True):
        if a.workbook_name:
            assert ((tmp_path / "ud" / a.workbook_name).read_bytes()
                    == (tmp_path / "ud_excel" / b.workbook_name).read_bytes())


def test_agency_template_via_cli(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blanket"
    wb.create_sheet("Lok").append(["Enhed", "EAN"])
    wb.save(tmp_path / "agency.xlsx")
    (tmp_path / "kort.toml").write_text('[felter]\naftale = "Blanket!B2"\ncvr = "Blanket!B3"\n'
                                        '[lokationer]\nstart = "Lok!A2"\n[lokationer.kolonner]\n'
                                        'enhed = "A"\nean = "B"\n', encoding="utf-8")
    code = main(["enrol", str(EXAMPLE_REGISTER), "--out", str(tmp_path / "ud"), "--template",
                 str(tmp_path / "agency.xlsx"), "--mapping", str(tmp_path / "kort.toml")])
    assert code == 0
    got = openpyxl.load_workbook(tmp_path / "ud" / "Computeraftalen (fase 9)"
                                 / "Tilmelding til Computeraftalen - Eksempelby Kommune.xlsx")
    assert got["Blanket"]["B2"].value == "Computeraftalen" and got["Blanket"]["B3"].value == "23043823"
    assert [c.value for c in got["Lok"]["A"]] == ["Enhed", "Rådhuset", "Skoleforvaltningen", "Eksempelby Bibliotek"]
    assert main(["enrol", str(EXAMPLE_REGISTER), "--out", str(tmp_path / "ud2"), "--template",
                 str(tmp_path / "agency.xlsx")]) == 2  # no defined names and no mapping: unreadable input


def test_demo_runs_the_bundled_example(tmp_path):
    console = Console(file=io.StringIO(), width=120)
    assert demo(tmp_path, console, False) == 0
    assert (tmp_path / "tilmelding" / "Oversigt.xlsx").exists()
    assert demo(tmp_path, console, False) == 0  # rerun: unchanged files are fine without --force
    assert "eksempeldata" in console.file.getvalue().lower()


def test_example_register_is_marked_and_valid():
    wb = openpyxl.load_workbook(EXAMPLE_REGISTER)
    assert wb.sheetnames[0] == "Læs mig" and "EKSEMPELDATA" in wb["Læs mig"]["A1"].value
    from xlkopi.enrol.register import read_register
    reg = read_register(EXAMPLE_REGISTER)
    assert not [f for f in reg.all_findings() if f.level == "fejl"]


def test_every_public_function_is_documented():
    for info in pkgutil.iter_modules(xlkopi.enrol.__path__):
        module = importlib.import_module(f"xlkopi.enrol.{info.name}")
        assert module.__doc__, info.name
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert obj.__doc__, f"{info.name}.{name}"


def test_per_agreement_template_and_request_date(tmp_path):
    import datetime

    tpl = openpyxl.Workbook()
    tpl.active.title = "Form"
    tpl.save(tmp_path / "computer.xlsx")
    (tmp_path / "computer.toml").write_text('[felter]\naftale = "Form!A1"\ndato = "Form!A2"\n', encoding="utf-8")
    data = data_copy()
    data["Aftaler"][0][4] = "computer.xlsx"
    headers = copy.deepcopy(HEADERS)
    headers["Aftaler"].append("Feltkort")
    for row in data["Aftaler"]:
        row.append("computer.toml" if row[4] else "")
    data["Tilmeldinger"][0][2] = datetime.date(2024, 3, 1)
    reg = tmp_path / "register.xlsx"
    reg.write_bytes(workbook_bytes(register_workbook(data, headers)))
    report = run(reg, tmp_path / "ud")
    assert report.exit_code == 0
    got = openpyxl.load_workbook(tmp_path / "ud" / report.results[0].workbook_name)
    assert got.sheetnames == ["Form"] and got["Form"]["A1"].value == "Computeraftalen"
    assert got["Form"]["A2"].value == "01-03-2024"  # no date format in that cell: Danish date text
    other = openpyxl.load_workbook(tmp_path / "ud" / report.results[1].workbook_name)
    assert other.sheetnames == ["Bilag 7", "Skema"]  # the default template for the others


def test_title_rows_above_the_header(tmp_path):
    wb = register_workbook(EXAMPLE)
    for name in ("Institutioner", "Tilmeldinger"):
        wb[name].insert_rows(1, 2)
        wb[name]["A1"] = "Institution"  # a title that happens to be a column name
    reg = tmp_path / "r.xlsx"
    reg.write_bytes(workbook_bytes(wb))
    report = run(reg, tmp_path / "ud")
    assert [(r.status, r.institution, r.agreement) for r in report.results] == EXPECTED
    assert report.results[0].source == "Tilmeldinger række 4"


def test_zip_bomb_register_is_refused(tmp_path, capsys):
    import zipfile

    reg = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(reg, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 120_000_000)
    assert main(["enrol", str(reg), "--out", str(tmp_path / "ud")]) == 2
    assert "zip-bombe" in capsys.readouterr().out


def test_unwritable_outputs_give_danish_messages(tmp_path, capsys):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    assert main(["enrol", str(EXAMPLE_REGISTER), "--out", str(blocker / "ud")]) == 2
    assert "kan ikke oprettes" in capsys.readouterr().out
    out = tmp_path / "ud"
    # a folder in the way, where the first enrolment's workbook goes (in its agreement's folder)
    (out / "Computeraftalen (fase 9)" / "Tilmelding til Computeraftalen - Eksempelby Kommune.xlsx").mkdir(parents=True)
    report = run(EXAMPLE_REGISTER, out)
    assert report.exit_code == 1
    assert report.results[0].status == FAILED and "ikke en almindelig fil" in report.results[0].reason
    assert report.results[1].status == GENERATED
    # a file where an agreement's folder goes fails that agreement's enrolments, not the others
    out = tmp_path / "ud3"
    out.mkdir()
    (out / "Computeraftalen (fase 9)").write_text("x")
    report = run(EXAMPLE_REGISTER, out)
    assert report.exit_code == 1 and not report.overview_problem
    by = first_by(report)
    for who in ("Eksempelby Kommune", "Den Selvejende Institution Solsikken"):
        r = by[(who, "Computeraftalen")]
        assert r.status == FAILED and "Computeraftalen (fase 9)" in r.reason
        assert "kan ikke oprettes: der ligger allerede en fil" in r.reason
        assert r.workbook_name == r.eml_name == ""
    assert (out / "Computeraftalen (fase 9)").read_text() == "x"
    assert by[("Region Eksempel", "Multifunktionsmaskiner")].status == GENERATED

"""Hostile input and faults in the enrolment generator (issue 11).

Every input is built here (no committed blobs): registers with
:func:`xlkopi.enrol.example.register_workbook` or as CSV folders.
"""

from __future__ import annotations

import copy
import csv
import email
import email.policy
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import openpyxl
import pytest

from xlkopi.cli import main
from xlkopi.enrol import batch
from xlkopi.enrol.batch import FAILED, GENERATED, Result, run
from xlkopi.enrol.eml import build_eml
from xlkopi.enrol.example import EXAMPLE, HEADERS, register_workbook, synthetic_register, workbook_bytes
from xlkopi.enrol.model import MAX_CELL_CHARS, Finding, cell_length
from xlkopi.enrol.names import MAX_NAME_BYTES, one_line, safe_filename, unique_stem
from xlkopi.enrol.overview import fit_cell, overview_bytes
from xlkopi.enrol.validate import ascii_email, email_problem

IDN = "ærø-kommune.dk"
IDN_ASCII = "xn--r-kommune-f3a3r.dk"
TOO_LONG_IDN = "æ" * 60 + ".dk"  # 60 letters pass the syntax check, but its IDNA label exceeds 63


def write_register(path: Path, data) -> Path:
    path.write_bytes(workbook_bytes(register_workbook(data)))
    return path


def write_csv_register(folder: Path, data) -> Path:
    """The register as a folder of CSV files (';'-separated, UTF-8): any character survives."""
    folder.mkdir()
    for sheet, rows in data.items():
        with open(folder / f"{sheet}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(HEADERS[sheet])
            w.writerows(rows)
    return folder


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


# ---------------------------------------------------------- 1. e-mail domains, one row never stops a batch

def test_idn_address_is_accepted_and_encoded_consistently():
    assert email_problem(f"indkob@{IDN}") is None
    assert ascii_email(f"indkob@{IDN}") == f"indkob@{IDN_ASCII}"
    assert "IDNA" in email_problem(f"indkob@{TOO_LONG_IDN}")
    assert email_problem("indkøb@aarhus.dk")  # the local part stays ASCII (no SMTPUTF8)
    raw = build_eml(to=f"tilmelding@indkøb.{IDN}", subject="Tilmelding til X", body="tekst\n", attachment=b"PK",
                    filename="X.xlsx", sender=f"indkob@{IDN}", sender_name="Anne Ærø, Ærø Kommune")
    assert header_block(raw).isascii()
    msg = parse(raw)
    assert msg["To"].addresses[0].domain == "xn--indkb-yua.xn--r-kommune-f3a3r.dk"
    assert msg["From"].addresses[0].addr_spec == f"indkob@{IDN_ASCII}"
    assert msg["From"].addresses[0].display_name == "Anne Ærø, Ærø Kommune"


def _hundred_rows():
    data = synthetic_register(100, agreements=1, locations_per=1)
    for i, row in enumerate(data["Institutioner"]):
        if i % 2:
            row[6] = f"indkob{i}@{IDN}"               # every other row: a Danish IDN domain, generated
        if i % 10 == 9:
            row[6] = f"indkob{i}@{TOO_LONG_IDN}"      # every tenth: cannot be encoded, refused at validation
    return data


def test_hundred_rows_with_idn_addresses(tmp_path):
    data = _hundred_rows()
    report = run(write_register(tmp_path / "register.xlsx", data), tmp_path / "ud")
    assert len(report.results) == 100
    refused = {i for i in range(100) if i % 10 == 9}
    for i, r in enumerate(report.results):
        if i in refused:
            assert r.status == FAILED and "felt 'E-mail'" in r.reason and "IDNA" in r.reason, r.reason
            assert "Ark 'Institutioner', række" in r.reason
        else:
            assert r.status == GENERATED, r.reason
    assert report.exit_code == 1  # documented: at least one failed, the good ones are written
    assert not report.overview_problem
    ov = openpyxl.load_workbook(tmp_path / "ud" / "Oversigt.xlsx")["Oversigt"]
    assert ov.max_row == 101
    r = report.results[1]
    raw = (tmp_path / "ud" / r.eml_name).read_bytes()
    assert header_block(raw).isascii()
    assert parse(raw)["From"].addresses[0].addr_spec == f"indkob1@{IDN_ASCII}"
    assert f"indkob1@{IDN}" in parse(raw).get_body().get_content()  # the text shows it as written
    emls = sorted((tmp_path / "ud").rglob("*.eml"))
    assert len(emls) == 90
    assert [e.relative_to(tmp_path / "ud").as_posix() for e in emls] == sorted(
        r.eml_name for r in report.results if r.status == GENERATED)


def test_idn_rows_only_exit_0(tmp_path):
    data = synthetic_register(6, agreements=1, locations_per=0)
    for row in data["Institutioner"][::2]:
        row[6] = f"indkob@{IDN}"
    assert main(["enrol", str(write_register(tmp_path / "r.xlsx", data)), "--out", str(tmp_path / "ud"),
                 "--mail-to", f"tilmelding@{IDN}"]) == 0
    emls = list((tmp_path / "ud").rglob("*.eml"))
    assert len(emls) == 6
    for eml in emls:
        assert parse(eml.read_bytes())["To"].addresses[0].addr_spec == f"tilmelding@{IDN_ASCII}"


@pytest.mark.parametrize("address", [f"tilmelding@{TOO_LONG_IDN}", "tilmelding@indkøb", "tilmøld@x.dk",
                                     "a@b.dk\r\nBcc: c@d.dk"])
def test_mail_to_goes_through_the_same_validation(tmp_path, capsys, address):
    data = synthetic_register(2, agreements=1, locations_per=0)
    reg = write_register(tmp_path / "r.xlsx", data)
    with pytest.raises(batch.ArgumentError, match="--mail-to"):
        run(reg, tmp_path / "ud", mail_to=address)
    assert main(["enrol", str(reg), "--out", str(tmp_path / "ud2"), "--mail-to", address]) == 2
    assert "--mail-to" in capsys.readouterr().out


def test_mail_to_is_cleaned_like_register_text(tmp_path):
    data = synthetic_register(1, agreements=1, locations_per=0)
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud", mail_to=" \u200btilmelding@x.dk\u202e ")
    assert report.exit_code == 0
    raw = (tmp_path / "ud" / report.results[0].eml_name).read_bytes()
    assert parse(raw)["To"] == "tilmelding@x.dk"


def test_a_failure_while_writing_one_enrolment_never_stops_the_batch(tmp_path, monkeypatch):
    data = synthetic_register(10, agreements=1, locations_per=0)
    real = batch.build_eml

    def flaky(**kw):
        if "Testkommune 0004" in kw["sender_name"]:
            raise UnicodeEncodeError("ascii", "ø", 0, 1, "ordinal not in range(128)")
        if "Testkommune 0007" in kw["sender_name"]:
            raise RuntimeError("noget helt uventet")
        return real(**kw)

    monkeypatch.setattr(batch, "build_eml", flaky)
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    statuses = [r.status for r in report.results]
    assert statuses == [GENERATED] * 3 + [FAILED] + [GENERATED] * 2 + [FAILED] + [GENERATED] * 3
    for i in (3, 6):
        r = report.results[i]
        assert "uventet fejl" in r.reason and "de andre tilmeldinger er lavet" in r.reason
        assert r.workbook_name == r.eml_name == ""  # nothing was written for it
    assert "UnicodeEncodeError" in report.results[3].reason
    assert report.exit_code == 1 and not report.overview_problem
    rows = list(openpyxl.load_workbook(tmp_path / "ud" / "Oversigt.xlsx")["Oversigt"].iter_rows(values_only=True))
    assert [row[4] for row in rows[1:]] == statuses
    assert len(list((tmp_path / "ud").rglob("*.xlsx"))) == 8 + 1  # eight workbooks and the overview
    assert (tmp_path / "ud" / "Oversigt.xlsx").is_file()


def test_the_overview_failing_is_reported_not_raised(tmp_path, monkeypatch):
    data = synthetic_register(2, agreements=1, locations_per=0)

    def broken(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(batch, "overview_bytes", broken)
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    assert report.count(GENERATED) == 2
    assert "uventet fejl" in report.overview_problem and report.exit_code == 1
    assert "RuntimeError: kaput" in report.overview_problem   # the intended failure, not a wrong call


# ---------------------------------------------------------- 2. file names: bytes, not characters; no format characters


EMOJI = "\U0001F5A8\uFE0F"   # printer + variation selector (a combining-class mark, category Mn)
CJK = "复印机租赁"            # 3 bytes each in UTF-8


@pytest.mark.parametrize("stem", [EMOJI * 80, CJK * 40, "æ" * 300, "e\u0301" * 200, "a" * 300,
                                  "\U0001F600" * 100 + ".exe"],
                         ids=["emoji", "cjk", "danish", "decomposed", "ascii", "emoji-exe"])
@pytest.mark.parametrize("copy", [1, 2, 10])
def test_safe_filename_cuts_by_bytes_at_character_boundaries(stem, copy):
    name = safe_filename(stem, ".xlsx", copy=copy)
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.endswith(f" ({copy}).xlsx" if copy > 1 else ".xlsx")
    base = name[:-len(".xlsx")].removesuffix(f" ({copy})")
    assert base and one_line(stem).startswith(base)  # a prefix of the NFKC text: nothing split or invented
    assert len(base) <= 120


def test_a_cut_never_leaves_a_letter_without_its_accent():
    name = safe_filename("e\u0301" * 200, ".eml")  # decomposed é: NFKC composes it to one character
    assert set(name[:-4]) == {"é"}
    name = safe_filename("q\u0301" * 200, ".eml")  # no composed form: letter + combining mark pairs
    base = name[:-4]
    assert base.endswith("q\u0301") and len(base) % 2 == 0


def test_unique_stem_keeps_copies_inside_the_limit():
    used: set[str] = set()
    long_a, long_b = CJK * 40 + "甲", CJK * 40 + "乙"  # equal once cut
    a, b = unique_stem(long_a, used), unique_stem(long_b, used)
    assert b.endswith(" (2)") and a != b
    for stem in (a, b):
        for suffix in (".xlsx", ".eml"):
            assert len(f"{stem}{suffix}".encode()) <= MAX_NAME_BYTES


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200f", "\u2069", "\ufeff"])
def test_format_characters_never_reach_file_or_attachment_names(char):
    stem = f"Kopi {char}gpj.exe"
    name = safe_filename(stem, ".xlsx")
    assert name == "Kopi gpj.exe.xlsx"
    raw = build_eml(to="a@b.example", subject=f"Tilmelding til {char}X", body="tekst\n", attachment=b"PK",
                    filename=f"Kopi {char}gpj.exe.xlsx", sender="k@l.example", sender_name=f"Anne {char}A")
    msg = parse(raw)
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "Kopi gpj.exe.xlsx"
    assert msg["Subject"] == "Tilmelding til X"
    assert msg["From"].addresses[0].display_name == "Anne A"
    decoded = str(msg["Subject"]) + att.get_filename() + str(msg["From"])
    assert char not in decoded


def _one_institution(name: str, agreement: str = "Computeraftalen"):
    data = copy.deepcopy(EXAMPLE)
    old = data["Institutioner"][0][0]
    for table in ("Institutioner", "Lokationer", "Parter", "Tilmeldinger"):
        for row in data[table]:
            if row[0] == old:
                row[0] = name
    for table, col in (("Aftaler", 0), ("Tilmeldinger", 1)):
        for row in data[table]:
            if row[col] == "Computeraftalen":
                row[col] = agreement
    return data


@pytest.mark.parametrize("name", [EMOJI * 80, CJK * 40, "\U0001F600" * 80, "Kommune " + "ø" * 150],
                         ids=["80-printer-emoji", "200-cjk", "80-emoji", "danish"])
def test_long_non_latin_names_generate_files(tmp_path, name):
    report = run(write_register(tmp_path / "r.xlsx", _one_institution(name)), tmp_path / "ud")
    mine = [r for r in report.results if r.institution == name and r.status == GENERATED]
    assert len(mine) == 2, [r.reason for r in report.results if r.status == FAILED]
    assert report.exit_code == 0
    for r in mine:
        for file in (r.workbook_name, r.eml_name):
            folder, name = file.split("/")   # "agreement folder/file name"
            assert len(name.encode()) <= MAX_NAME_BYTES   # the limit is on the file's name
            assert 0 < len(folder) <= 60
            assert (tmp_path / "ud" / file).is_file()
        (att,) = list(parse((tmp_path / "ud" / r.eml_name).read_bytes()).iter_attachments())
        assert att.get_filename() == PurePosixPath(r.workbook_name).name   # the bare file name


def test_bidi_override_in_register_names_never_reaches_file_names(tmp_path):
    data = _one_institution("Kopi \u202egpj.exe\u2066 \u200bKommune", agreement="Computer\u202eaftalen")
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    assert report.exit_code == 0
    made = [r for r in report.results if r.status == GENERATED]
    assert made
    for r in made:
        assert r.workbook_name.isprintable()
        assert not any(c in r.workbook_name + r.eml_name for c in "\u202e\u2066\u200b")
    paths = list((tmp_path / "ud").rglob("*"))
    assert sum(path.suffix == ".eml" for path in paths) == len(made)
    for path in paths:   # the agreement folders and the files in them
        assert not any(c in path.name for c in "\u202e\u2066\u200b")
        if path.suffix == ".eml":
            msg = parse(path.read_bytes())
            (att,) = list(msg.iter_attachments())
            assert not any(c in att.get_filename() + str(msg["Subject"]) for c in "\u202e\u2066\u200b")
    assert ("Computeraftalen (fase 9)/Tilmelding til Computeraftalen - Kopi gpj.exe Kommune.xlsx"
            in {r.workbook_name for r in made})


# ---------------------------------------------------------- 3. no overview cell over Excel's 32,767 characters


def _all_cells(path: Path):
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _raw_cell_texts(path: Path) -> list[str]:
    """The cell texts as stored in the sheets' XML, without openpyxl in between."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                for t in ET.fromstring(zf.read(name)).iter(f"{ns}t"):
                    out.append(t.text or "")
    return out


@pytest.mark.parametrize("text", ["x" * 100_000, "Ærø " * 25_000, "\U0001F5A8" * 20_000, "a\r\nb" * 30_000],
                         ids=["ascii", "danish", "emoji", "crlf"])
def test_long_reason_and_finding_are_cut_with_a_note(tmp_path, text):
    res = Result(1, text, "Aftale", 9, FAILED, text, "Tilmeldinger række 2", [text, "kort"])
    path = tmp_path / "Oversigt.xlsx"
    path.write_bytes(overview_bytes([res], [Finding("fejl", "Institutioner", 2, "Type", text)]))
    cells = _all_cells(path)  # the workbook opens
    assert max(cell_length(c.value) for c in cells) <= MAX_CELL_CHARS
    assert max(cell_length(t) for t in _raw_cell_texts(path)) <= MAX_CELL_CHARS
    long = [c.value for c in cells if "forkortet" in c.value]
    assert len(long) == 4  # institution, reason, warnings, finding message
    notes = sorted(v[v.rindex(" … (forkortet; "):] for v in long)
    shown = [f"{n:,}".replace(",", ".") for n in (len(text), len(text), len(text), len(text) + len("\nkort"))]
    assert notes == sorted(f" … (forkortet; {n} tegn i alt)" for n in shown)
    assert res.reason == text  # only the cell is cut, not the result


def test_fit_cell_never_splits_a_character():
    out = fit_cell("\U0001F5A8" * 20_000)
    assert cell_length(out) <= MAX_CELL_CHARS and "\ud83d" not in out
    assert fit_cell("y" * MAX_CELL_CHARS) == "y" * MAX_CELL_CHARS
    assert "forkortet" in fit_cell("y" * (MAX_CELL_CHARS + 1))


def test_register_with_huge_fields_gives_an_overview_excel_can_open(tmp_path):
    """Three 32,000-character fields make a reason of about 96,000 characters (the issue's 95,894)."""
    data = copy.deepcopy(EXAMPLE)
    data["Institutioner"][0][1] = "K" * 32_000   # Type
    data["Institutioner"][0][2] = "C" * 32_000   # CVR
    data["Institutioner"][0][3] = "E" * 32_000   # EAN
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    r = report.results[0]
    assert r.status == FAILED and len(r.reason) > 95_000
    assert report.count(GENERATED) == 2 and not report.overview_problem
    cells = _all_cells(tmp_path / "ud" / "Oversigt.xlsx")
    assert max(cell_length(c.value) for c in cells) <= MAX_CELL_CHARS
    assert any("forkortet" in c.value for c in cells)


def test_csv_field_longer_than_a_cell_is_refused(tmp_path):
    """A CSV register can hold 100,000 characters in a field; the filled workbook could not."""
    data = copy.deepcopy(EXAMPLE)
    data["Institutioner"][0][4] = "Rådhuspladsen " + "1" * 99_986  # Adresse: 100,000 characters
    data["Institutioner"][1][1] = "Region" + "x" * 100_000         # Type: the reason quotes it
    report = run(write_csv_register(tmp_path / "csv", data), tmp_path / "ud")
    by = {(r.institution, r.agreement): r for r in reversed(report.results)}
    eks = by[("Eksempelby Kommune", "Computeraftalen")]
    assert eks.status == FAILED and "felt 'Adresse': er for lang (100.000 tegn" in eks.reason
    reg = by[("Region Eksempel", "Multifunktionsmaskiner")]
    assert reg.status == FAILED and len(reg.reason) > 100_000
    cells = _all_cells(tmp_path / "ud" / "Oversigt.xlsx")
    assert max(cell_length(c.value) for c in cells) <= MAX_CELL_CHARS
    workbooks = list((tmp_path / "ud").rglob("Tilmelding*.xlsx"))
    assert len(workbooks) == report.count(GENERATED) > 0
    for made in workbooks:
        assert max(cell_length(c.value) for c in _all_cells(made)) <= MAX_CELL_CHARS


# ---------------------------------------------------------- 4. register text is never interpreted

FORMULAS = ["=1+1", "+45 1234", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x.invalid","klik")']


def _rename(data, old: str, new: str) -> None:
    for table in ("Institutioner", "Lokationer", "Parter", "Tilmeldinger"):
        for row in data[table]:
            if row[0] == old:
                row[0] = new


@pytest.mark.parametrize("evil", FORMULAS, ids=["eq", "plus", "minus", "at", "dde", "hyperlink"])
def test_formula_looking_text_stays_text_in_every_overview_cell(tmp_path, evil):
    data = copy.deepcopy(EXAMPLE)
    _rename(data, "Eksempelby Kommune", evil)
    for row in data["Aftaler"]:
        if row[0] == "Multifunktionsmaskiner":
            row[0] = evil + " aftale"
    for row in data["Tilmeldinger"]:
        if row[1] == "Multifunktionsmaskiner":
            row[1] = evil + " aftale"
    data["Tilmeldinger"].append([evil + " ukendt", evil, ""])        # fails: both quoted in the reason
    data["Institutioner"][1][7] = evil                               # Telefon: a warning quoting it
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    assert report.results[0].status == GENERATED
    path = tmp_path / "ud" / "Oversigt.xlsx"
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                xml = zf.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml
    wb = openpyxl.load_workbook(path)
    seen = []
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.lstrip().startswith(("=", "+", "-", "@")):
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                    seen.append(c.value)
                if isinstance(c.value, str) and evil in c.value:
                    assert c.data_type == "s"
    assert evil in seen  # the institution's name itself, as written
    ov = wb["Oversigt"]
    assert ov["B2"].value == evil and ov["C3"].value == evil + " aftale"
    assert any(evil in (c.value or "") for c in ov["F"])              # the failed request's reason quotes it
    assert any(evil in (c.value or "") for c in wb["Fejl og advarsler"]["E"])


@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c"],
                         ids=["crlf", "lf", "cr", "nel", "ls", "ps", "vt", "ff"])
@pytest.mark.parametrize("column, label", [(0, "Navn"), (5, "Kontaktperson"), (8, "Underskriver"),
                                           (7, "Telefon")])
def test_a_line_break_in_a_name_is_refused_and_never_becomes_a_header(tmp_path, breaker, column, label):
    data = copy.deepcopy(EXAMPLE)
    evil = f"Region Eksempel{breaker}Bcc: alle@eksempel.example"
    if column == 0:
        _rename(data, "Region Eksempel", evil)
    else:
        data["Institutioner"][1][column] = evil
    report = run(write_csv_register(tmp_path / "csv", data), tmp_path / "ud")  # CSV holds any character
    region = [r for r in report.results if r.institution.startswith("Region Eksempel")]
    assert region[0].status == FAILED and "må ikke indeholde linjeskift" in region[0].reason
    assert ("fejl", "Institutioner", 3, label) in [(f.level, f.sheet, f.row, f.field) for f in report.findings]
    assert report.count(GENERATED) == 3  # the others are still made
    emls = list((tmp_path / "ud").rglob("*.eml"))
    assert len(emls) == 3
    for eml in emls:
        raw = eml.read_bytes()
        assert b"Bcc" not in header_block(raw)
        assert parse(raw)["Bcc"] is None


@pytest.mark.parametrize("contact", ['Karl" <evil@x.example>, "Bcc: y@z.example', "Karl <evil@x.example>",
                                     "Karl\u202e, Bcc: y@z.example", "=Karl; evil@x.example"])
def test_display_names_never_add_recipients(tmp_path, contact):
    data = copy.deepcopy(EXAMPLE)
    data["Institutioner"][1][5] = contact
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    r = next(r for r in report.results if r.institution == "Region Eksempel" and r.status == GENERATED)
    msg = parse((tmp_path / "ud" / r.eml_name).read_bytes())
    (sender,) = msg["From"].addresses
    assert sender.addr_spec == "udbud@region-eksempel.example"
    assert [a.addr_spec for a in msg["To"].addresses] == ["tilmelding@statens-indkob.invalid"]
    assert msg["Bcc"] is None and msg["Cc"] is None and msg["Reply-To"] is None


@pytest.mark.parametrize("text", ["A\r\nBcc: x@y.example", "A\u2028Bcc: x@y.example", "A\x85Bcc: x@y.example",
                                  "A\u202e\r\n\r\nBody", "A\nContent-Type: text/html"])
def test_build_eml_never_lets_a_value_start_a_header(text):
    raw = build_eml(to="a@b.example", subject=f"Tilmelding til {text}", body=f"{text}\n", attachment=b"PK",
                    filename=f"{text}.xlsx", sender="k@l.example", sender_name=text)
    head = header_block(raw)
    names = [line.split(b":", 1)[0] for line in head.split(b"\r\n") if line and not line[:1].isspace()]
    assert names == [b"Content-Type", b"MIME-Version", b"To", b"From", b"Subject", b"X-Unsent", b"Message-ID"]
    msg = parse(raw)
    assert msg.get_content_type() == "multipart/mixed" and msg["Bcc"] is None
    (att,) = list(msg.iter_attachments())
    assert "\n" not in att.get_filename() and "\u202e" not in att.get_filename()

"""A bounded fuzz harness: mutated workbooks, CSVs and register rows fed to every command.

For each command (``audit``, ``compare``, ``enrol``, ``schedule``) hypothesis mutates a real input
(xlkopi's bundled examples) at the zip level (cut, flipped bytes, a part dropped, doubled or replaced),
at the XML level (text inserted into a sheet, a cell reference or number replaced by junk, a tag cut)
and at the text level (CSV cells and flags replaced by hostile text: markup, formula and control
characters, bidi controls, Danish numbers, huge numbers). Every run must

* exit with 0, 1 or 2 (never raise: an exception out of ``main`` is the traceback a user would see),
* leave no file outside the output folder,
* leave the input's bytes and modification time unchanged.

CI runs a bounded number of examples per command (``XLKOPI_HYPOTHESIS=ci`` draws the same ones every
run); a long run by hand: ``XLKOPI_FUZZ_EXAMPLES=2000 python3 -m pytest -q tests/test_fuzz_cli.py``.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlkopi.cli import main

DATA = Path(__file__).resolve().parent.parent / "xlkopi" / "data"
EXAMPLES = int(os.environ.get("XLKOPI_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

HOSTILE_TEXT = ["[/x]", "[bold]", ":smile:", "=1+1", "+45", "-2", "@SUM(A1)", "\u202e", "\u2066", "\u200b",
                "\x00", "\x01", "\r\n", "Bcc: a@b.dk", "180.000", "1.250", "5,1 %", "−0,5", "1e400", "9" * 400,
                "ærø-kommune.dk", "💥" * 50, "&#1;", "<x/>", "]]>", "'", '"', ";", ",", "\t", ""]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(tmp_path: Path, argv_for, inputs: dict[str, bytes]) -> int:
    """Write ``inputs`` under in/, run the command, check the exit code, the inputs and where files went."""
    import shutil

    work = tmp_path / "w"
    if work.exists():
        shutil.rmtree(work)
    (work / "in").mkdir(parents=True)
    for name, data in inputs.items():
        (work / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "in" / name).write_bytes(data)
    before = _snapshot(work / "in")
    code = main(argv_for(work / "in", work / "out"))
    assert code in (0, 1, 2), code
    assert _snapshot(work / "in") == before, "an input was changed"
    stray = [p for p in work.iterdir() if p.name not in ("in", "out")]
    assert not stray, f"files outside the output folder: {stray}"
    return code


# ----------------------------------------------------------------------------- mutations

def _zip_parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    import warnings

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")   # a doubled part name is one of the mutations
        for name, data in parts:
            zf.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


@st.composite
def mutated_workbook(draw, source: Path) -> bytes:
    data = source.read_bytes()
    kind = draw(st.sampled_from(["cut", "flip", "drop", "double", "xml_insert", "xml_ref", "xml_number",
                                 "xml_cut", "far_cell"]))
    if kind == "cut":
        return data[:draw(st.integers(0, len(data) - 1))]
    if kind == "flip":
        b = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            b[draw(st.integers(0, len(b) - 1))] = draw(st.integers(0, 255))
        return bytes(b)
    parts = _zip_parts(data)
    names = [n for n, _ in parts]
    if kind == "drop":
        k = draw(st.integers(0, len(parts) - 1))
        return _zip(parts[:k] + parts[k + 1:])
    if kind == "double":
        k = draw(st.integers(0, len(parts) - 1))
        return _zip(parts + [parts[k]])
    sheets = [i for i, n in enumerate(names) if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    k = draw(st.sampled_from(sheets))
    name, xml = parts[k]
    text = xml.decode("utf-8", "replace")
    if kind == "xml_insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(HOSTILE_TEXT)) + text[at:]
    elif kind == "xml_ref":
        junk = draw(st.sampled_from(['A-5', 'ABCDEFGHIJKLMNOPQRSTUVWX1', 'A' + '9' * 2000, '', 'XFD1048576',
                                     'ZZ300000', '&#1;', 'A1:B2']))
        text = text.replace(' r="', f' r="{junk}" x="', 1) if draw(st.booleans()) else text.replace(
            'r="B2"', f'r="{junk}"', 1)
    elif kind == "xml_number":
        text = text.replace("<v>", f"<v>{draw(st.sampled_from(HOSTILE_TEXT))}", 1)
    elif kind == "xml_cut":
        text = text[:draw(st.integers(0, len(text)))]
    else:  # one far cell: calamine allocates the grid between the extreme cells
        cell = draw(st.sampled_from(["XFD1048576", "ZZ300000", "A300001"]))
        text = text.replace("</sheetData>", f'<row r="{cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                                            f'<c r="{cell}"><v>1</v></c></row></sheetData>', 1)
    parts[k] = (name, text.encode("utf-8", "replace"))
    return _zip(parts)


# ----------------------------------------------------------------------------- the commands

def _contracts_example() -> Path:
    """The contract register's bundled example, written once for the mutations (it is built from code)."""
    import tempfile

    from xlkopi.contracts.template import EXAMPLE, write_register

    return write_register(Path(tempfile.mkdtemp(prefix="xlkopi-fuzz-")) / "Kontrakter.xlsx", EXAMPLE)


WORKBOOK_COMMANDS = {
    "audit": (DATA / "audit" / "Leasingtilbud_eksempel.xlsx",
              lambda i, o: ["audit", str(i / "t.xlsx"), "-o", str(o / "Revision.xlsx")]),
    "compare": (DATA / "compare" / "Tilbud_eksempel.xlsx", lambda i, o: ["compare", str(i / "t.xlsx"), "-o",
                                                                         str(o / "S.xlsx")]),
    "enrol": (DATA / "enrol" / "eksempel_register.xlsx", lambda i, o: ["enrol", str(i / "t.xlsx"), "--out", str(o)]),
    "kontrakter": (_contracts_example(), lambda i, o: ["kontrakter", str(i / "t.xlsx"), "-o", str(o / "K.xlsx"),
                                                       "--dato", "01-12-2026", "--ics", str(o / "F.ics")]),
}


@pytest.mark.parametrize("command", sorted(WORKBOOK_COMMANDS))
def test_commands_survive_mutated_workbooks(tmp_path, capsys, command):
    source, argv_for = WORKBOOK_COMMANDS[command]

    @FUZZ
    @given(book=mutated_workbook(source))
    def check(book):
        _run(tmp_path, argv_for, {"t.xlsx": book})
        assert "Traceback" not in capsys.readouterr().err

    check()


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode(encoding, "replace")


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "cp850"]))
def test_compare_survives_hostile_csv_cells(tmp_path, capsys, data, encoding):
    from xlkopi.compare.offers import COLUMNS

    good = {"supplier": "Nordlys", "kind": "Finansiel leasing", "price": "100.000", "rate": "5,1 %", "years": "5"}
    rows = [[label for _, label in COLUMNS]]
    for _ in range(data.draw(st.integers(1, 4))):
        row = [good.get(attr, "") for attr, _ in COLUMNS]
        for _ in range(data.draw(st.integers(0, 4))):
            row[data.draw(st.integers(0, len(row) - 1))] = data.draw(st.sampled_from(HOSTILE_TEXT))
        rows.append(row)
    needs = [["Sort/hvid tryk pr. år", "120.000"], ["Farvetryk pr. år", "15.000"], ["Horisont (år)", "5"],
             ["Diskonteringsrente", "4 %"], ["Startdato", data.draw(st.sampled_from(["01-01-2006", "31-02-2006",
                                                                                     "[/x]", "38718"]))]]
    _run(tmp_path, lambda i, o: ["compare", str(i / "T.csv"), "--behov", str(i / "B.csv"), "-o", str(o / "S.xlsx")],
         {"T.csv": _csv(rows, encoding), "B.csv": _csv(needs, encoding)})
    assert "Traceback" not in capsys.readouterr().err


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "cp850"]))
def test_kontrakter_survives_hostile_csv_cells(tmp_path, capsys, data, encoding):
    from xlkopi.contracts.register import COLUMNS
    from xlkopi.contracts.template import EXAMPLE

    rows = [[header for _, header, _, _ in COLUMNS]]
    for example in EXAMPLE[: data.draw(st.integers(1, len(EXAMPLE)))]:
        row = ["" if v is None else str(v) for v in example]
        for _ in range(data.draw(st.integers(0, 4))):
            row[data.draw(st.integers(0, len(row) - 1))] = data.draw(st.sampled_from(HOSTILE_TEXT))
        rows.append(row)
    _run(tmp_path, lambda i, o: ["kontrakter", str(i / "K.csv"), "-o", str(o / "K.xlsx"), "--dato", "01-12-2026",
                                 "--ics", str(o / "F.ics")], {"K.csv": _csv(rows, encoding)})
    assert "Traceback" not in capsys.readouterr().err


@FUZZ
@given(data=st.data())
def test_enrol_survives_hostile_register_rows(tmp_path, capsys, data):
    from xlkopi.enrol.example import EXAMPLE, HEADERS

    files = {}
    for sheet, rows in EXAMPLE.items():
        rows = [list(map(str, r)) for r in rows]
        for _ in range(data.draw(st.integers(0, 3))):
            r = data.draw(st.integers(0, len(rows) - 1))
            c = data.draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = data.draw(st.sampled_from(HOSTILE_TEXT)) + data.draw(st.sampled_from(["", rows[r][c]]))
        files[f"reg/{sheet}.csv"] = _csv([HEADERS[sheet]] + rows, data.draw(st.sampled_from(["utf-8", "cp1252"])))
    _run(tmp_path, lambda i, o: ["enrol", str(i / "reg"), "--out", str(o)], files)
    assert "Traceback" not in capsys.readouterr().err


@FUZZ
@given(flags=st.lists(st.tuples(st.sampled_from(["--pris", "--rente", "--løbetid", "--terminer", "--restværdi",
                                                 "--start", "--service"]),
                                st.sampled_from(HOSTILE_TEXT + ["100.000", "5 %", "5", "4", "01-01-2006"])),
                      max_size=8))
def test_schedule_survives_hostile_flags(tmp_path, capsys, flags):
    argv = ["schedule", "--pris", "100.000", "--rente", "5 %", "--løbetid", "5"]
    for flag, value in flags:
        argv += [flag, value]
    _run(tmp_path, lambda i, o: argv + ["-o", str(o / "f.xlsx")], {})
    assert "Traceback" not in capsys.readouterr().err

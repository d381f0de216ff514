"""Where the commands write: never over an input, and a Danish message naming the target when it fails."""

from __future__ import annotations

import hashlib

from xlkopi.cli import main
from xlkopi.compare.cli import example_offers


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_compare_never_overwrites_its_offers_even_with_force(tmp_path, capsys):
    offers = tmp_path / "t.xlsx"
    offers.write_bytes(example_offers().read_bytes())
    before = _digest(offers)
    for out in (offers, tmp_path / "." / "t.xlsx"):
        assert main(["compare", str(offers), "-o", str(out), "--force"]) == 2
        err = capsys.readouterr().err
        assert "inddatafil" in err and "Traceback" not in err
    assert _digest(offers) == before


def test_compare_output_under_a_file_is_a_danish_error(tmp_path, capsys):
    (tmp_path / "fil").write_bytes(b"")
    code = main(["compare", str(example_offers()), "-o", str(tmp_path / "fil" / "S.xlsx")])
    captured = capsys.readouterr()
    assert code == 2 and "Traceback" not in captured.err
    assert f"Filen '{tmp_path / 'fil' / 'S.xlsx'}' kunne ikke skrives: en del af stien er en fil" in captured.err
    assert ".tmp" not in captured.err


def test_schedule_output_under_a_file_is_a_danish_error(tmp_path, capsys):
    (tmp_path / "fil").write_bytes(b"")
    code = main(["schedule", "--pris", "100.000", "--rente", "5 %", "--løbetid", "5", "-o",
                 str(tmp_path / "fil" / "f.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and "kunne ikke skrives: en del af stien er en fil" in err and "Traceback" not in err


def test_enrol_never_overwrites_its_register_even_with_force(tmp_path, capsys):
    """A register saved as Oversigt.xlsx in the output folder is an input, not the overview to replace."""
    from xlkopi.enrol.batch import data_path

    out = tmp_path / "ud"
    out.mkdir()
    register = out / "Oversigt.xlsx"
    register.write_bytes(data_path("eksempel_register.xlsx").read_bytes())
    before = _digest(register)
    code = main(["enrol", str(register), "--out", str(out), "--force"])
    text = capsys.readouterr().out
    assert code == 1 and "inddatafil" in " ".join(text.split())
    assert _digest(register) == before


def test_audit_refuses_a_report_that_is_its_workbook_by_another_path(tmp_path, capsys):
    import os
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "xlkopi" / "data" / "audit" / "Leasingtilbud_eksempel.xlsx"
    book = tmp_path / "a.xlsx"
    book.write_bytes(source.read_bytes())
    os.link(book, tmp_path / "b.xlsx")
    before = _digest(book)
    for out in (tmp_path / "b.xlsx", tmp_path / "." / "a.xlsx"):
        assert main(["audit", str(book), "-o", str(out), "--force"]) == 2
        assert "må ikke overskrive den reviderede fil" in capsys.readouterr().out
    assert _digest(book) == before

"""The lease front end: ``xlkopi schedule`` and the lease part of ``xlkopi demo``."""

from __future__ import annotations

import openpyxl

from xlkopi.cli import main


def test_schedule_command_writes_workbook(tmp_path, capsys):
    out = tmp_path / "forloeb.xlsx"
    code = main(["schedule", "--price", "100000", "--rate", "5,1%", "--years", "5", "--residual", "5000",
                 "--start", "01-01-2006", "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "5.406,21" in text  # the guide's payment with a 5 % residual (DOMAIN.md rule 1)
    wb = openpyxl.load_workbook(out)
    ws = wb["Leasingforløb"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Restværdi" in values and 5000.0 in values
    assert "Indfrielse" in wb.sheetnames
    # Nothing is overwritten without --force
    assert main(["schedule", "--price", "1000", "--rate", "0", "--years", "1", "-o", str(out)]) == 2
    assert "findes allerede" in capsys.readouterr().err


def test_schedule_command_bad_input_is_a_danish_message(capsys):
    assert main(["schedule", "--price", "100000", "--rate", "5.1", "--years", "5"]) == 2
    err = capsys.readouterr().err
    assert "--rate" in err and "annual_rate" not in err and "0,051" in err and "Traceback" not in err
    assert main(["schedule", "--price", "100000", "--rate", "0.05", "--years", "0"]) == 2
    assert "--years skal være større end 0" in capsys.readouterr().err


def test_lease_demo_writes_the_guides_tables(tmp_path, capsys):
    from rich.console import Console

    from xlkopi.schedule.cli import demo

    assert demo(tmp_path, Console(file=open(tmp_path / "log.txt", "w")), False) == 0
    wb = openpyxl.load_workbook(tmp_path / "leasing" / "Leasingeksempel.xlsx")
    assert wb.sheetnames == ["Tabel 1", "Tabel 2", "Indfrielse"]
    assert wb.custom_doc_props["xlkopi_fingerprint"].value

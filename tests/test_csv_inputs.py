"""CSV inputs as Danish offices produce them: cp1252 from Excel, cp850 from DOS tools, UTF-8 with a BOM.

Issue 11: a cp850 CSV crashed enrol (UnicodeDecodeError) and compare (UnboundLocalError), and a folder
named ``x.csv`` crashed both.
"""

from __future__ import annotations

import copy
import csv

import pytest

from xlkopi.cli import main
from xlkopi.compare.offers import COLUMNS
from xlkopi.io.csvtext import decode


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "cp850"])
def test_danish_letters_survive_each_encoding(encoding):
    text = "Navn;By\nØstjysk Kopi;Århus\nFærøernes Hjemmestyre;Tórshavn\n"
    got, used = decode(text.encode(encoding))
    assert got == text and used == encoding


def _register_folder(tmp_path, encoding):
    from xlkopi.enrol.example import EXAMPLE, HEADERS

    data = copy.deepcopy(EXAMPLE)
    data["Institutioner"][0][0] = data["Institutioner"][0][0].replace("Eksempelby", "Ærøskøbing")
    for rows in data.values():
        for row in rows:
            if row and row[0] == "Eksempelby Kommune":
                row[0] = "Ærøskøbing Kommune"
    folder = tmp_path / "register"
    folder.mkdir()
    for sheet, rows in data.items():
        with open(folder / f"{sheet}.csv", "w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(HEADERS[sheet])
            w.writerows(rows)
    return folder


@pytest.mark.parametrize("encoding", ["cp850", "cp1252", "utf-8-sig"])
def test_enrol_reads_a_register_folder_in(tmp_path, capsys, encoding):
    folder = _register_folder(tmp_path, encoding)
    (folder / "Gammel.csv").mkdir()   # a folder named like a CSV file is no sheet
    code = main(["enrol", str(folder), "--out", str(tmp_path / "ud")])
    out = capsys.readouterr()
    assert code == 0, out
    assert any("Ærøskøbing" in p.name for p in (tmp_path / "ud").rglob("*.xlsx"))


def test_compare_reads_cp850_and_refuses_a_folder(tmp_path, capsys):
    offers = tmp_path / "Tilbud.csv"
    with open(offers, "w", encoding="cp850", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS])
        row = {"supplier": "Østjysk Kopi", "kind": "Finansiel leasing", "price": "100.000", "rate": "5,1 %",
               "years": "5"}
        w.writerow([row.get(attr, "") for attr, _ in COLUMNS])
    needs = tmp_path / "Behov.csv"
    needs.write_bytes("Sort/hvid tryk pr. år;120.000\nFarvetryk pr. år;15.000\nHorisont (år);5\n"
                      "Diskonteringsrente;4 %\nStartdato;01-01-2006\n".encode("cp850"))
    assert main(["compare", str(offers), "--behov", str(needs), "-o", str(tmp_path / "S.xlsx")]) == 0
    assert "Østjysk" in capsys.readouterr().out   # the table may wrap the name
    folder = tmp_path / "x.csv"
    folder.mkdir()
    assert main(["compare", str(folder), "--behov", str(needs), "-o", str(tmp_path / "T.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "er en mappe, ikke en fil" in err and "Traceback" not in err
    assert main(["compare", str(offers), "--behov", str(folder), "-o", str(tmp_path / "U.xlsx")]) == 2
    assert "er en mappe" in capsys.readouterr().err

"""Untrusted text on the terminal: every command prints names, sheet names and messages verbatim.

Rich reads ``[...]`` as markup and ``:name:`` as emoji codes; a register or an offers file is written by
somebody else, so ``Kommune [/x]`` must neither crash a command (rich's MarkupError) nor lose text
(``Skole [afd. nord]`` shown as ``Skole``). Each command is run on input that carries such text.
"""

from __future__ import annotations

import copy
import csv

import pytest

from xlkopi.cli import main
from xlkopi.compare.offers import COLUMNS


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")   # rich wraps at the terminal's width; no wrapping inside names here

HOSTILE = ["Kommune [/x]", "Skole [afd. nord]", "Kopi [bold red]A/S[/bold red]", "Print :smile: ApS", "[link=x]y"]
BASE = {"machine": "MFP", "kind": "Finansiel leasing", "price": "100.000", "rate": "5,1 %", "years": "5",
        "timing": "forud", "service_bw": "0,08", "service_colour": "0,60"}


def _needs(tmp_path):
    path = tmp_path / "Behov.csv"
    rows = [["Sort/hvid tryk pr. år", "120.000"], ["Farvetryk pr. år", "15.000"], ["Farvevækst pr. år", "10 %"],
            ["Horisont (år)", "5"], ["Diskonteringsrente", "4 %"], ["Startdato", "01-01-2006"]]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def _offers(tmp_path, rows):
    path = tmp_path / "Tilbud.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([label for _, label in COLUMNS] + ["Bemærk [/x]"])
        for row in rows:
            w.writerow([row.get(attr, "") for attr, _ in COLUMNS] + ["[red]"])
    return path


def test_compare_prints_supplier_names_and_messages_verbatim(tmp_path, capsys):
    rows = [{**BASE, "supplier": name} for name in HOSTILE]
    rows.append({**BASE, "supplier": "Afvist [/x]", "price": "mange [/penge]"})   # a rejected row's message
    code = main(["compare", str(_offers(tmp_path, rows)), "--behov", str(_needs(tmp_path)), "-o",
                 str(tmp_path / "S.xlsx")])
    out = capsys.readouterr()
    assert code == 1, out   # one row rejected, the others compared
    text = " ".join(out.out.split())   # the table wraps long names; compare word by word
    for name in HOSTILE:
        for word in name.split():
            assert word in text, (word, out.out)
    assert "'mange [/penge]'" in out.out and "Bemærk [/x]" in out.out
    assert "Traceback" not in out.err


def test_one_offer_at_one_ore_is_reported_and_the_rest_compared(tmp_path, capsys):
    """Issue 11: one offer at 0,01 kr aborted the whole comparison."""
    rows = [{**BASE, "supplier": "Rigtig"}, {**BASE, "supplier": "Ørebasse", "price": "0,01"}]
    code = main(["compare", str(_offers(tmp_path, rows)), "--behov", str(_needs(tmp_path)), "-o",
                 str(tmp_path / "S.xlsx")])
    out = capsys.readouterr().out
    assert code == 1 and (tmp_path / "S.xlsx").exists()
    assert "række 3" in out and "kan ikke beregnes" in out and "Rigtig" in out


def test_enrol_prints_institution_names_verbatim(tmp_path, capsys):
    from xlkopi.enrol.example import EXAMPLE, HEADERS

    data = copy.deepcopy(EXAMPLE)
    renames = {"Eksempelby Kommune": HOSTILE[0], "Region Eksempel": HOSTILE[1]}
    for rows in data.values():
        for row in rows:
            if row and row[0] in renames:
                row[0] = renames[row[0]]
    folder = tmp_path / "register"
    folder.mkdir()
    for sheet, rows in data.items():
        with open(folder / f"{sheet}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(HEADERS[sheet] + (["Note [/x]"] if sheet == "Institutioner" else []))
            w.writerows(rows)
    code = main(["enrol", str(folder), "--out", str(tmp_path / "ud")])
    out = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in out.err
    text = " ".join(out.out.split())
    for name in HOSTILE[:2]:
        assert name.split()[-1] in text and name.split()[0] in text, out.out
    assert "[afd." in text and "nord]" in text and "[/x]" in text


def test_schedule_prints_the_file_name_verbatim(tmp_path, capsys):
    target = tmp_path / "forløb [/x] :smile:.xlsx"
    assert main(["schedule", "--pris", "100.000", "--rente", "5 %", "--løbetid", "5", "-o", str(target)]) == 0
    assert str(target) in " ".join(capsys.readouterr().out.split()).replace(" \n", "")


def test_a_control_character_in_a_supplier_name_rejects_that_row_only(tmp_path, capsys):
    """Found by the fuzz harness: openpyxl refused to write the comparison (IllegalCharacterError)."""
    rows = [{**BASE, "supplier": "Rigtig"}, {**BASE, "supplier": "Skjult\x01tegn"}, {**BASE, "supplier": "OK",
                                                                                      "machine": "a\x1bb"}]
    code = main(["compare", str(_offers(tmp_path, rows)), "--behov", str(_needs(tmp_path)), "-o",
                 str(tmp_path / "S.xlsx")])
    out = capsys.readouterr().out
    assert code == 1 and (tmp_path / "S.xlsx").exists()
    assert out.count("kontroltegn") == 2 and "række 3" in out and "række 4" in out

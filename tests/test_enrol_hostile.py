"""Hostile input and faults in the enrolment generator (issue 11).

Every input is built here (no committed blobs): registers with
:func:`xlkopi.enrol.example.register_workbook` or as CSV folders.
"""

from __future__ import annotations

import copy
import email
import email.policy
from pathlib import Path

import openpyxl
import pytest

from xlkopi.cli import main
from xlkopi.enrol import batch
from xlkopi.enrol.batch import FAILED, GENERATED, run
from xlkopi.enrol.eml import build_eml
from xlkopi.enrol.example import EXAMPLE, register_workbook, synthetic_register, workbook_bytes
from xlkopi.enrol.validate import ascii_email, email_problem

IDN = "ærø-kommune.dk"
IDN_ASCII = "xn--r-kommune-f3a3r.dk"
TOO_LONG_IDN = "æ" * 60 + ".dk"  # 60 letters pass the syntax check, but its IDNA label exceeds 63


def write_register(path: Path, data) -> Path:
    path.write_bytes(workbook_bytes(register_workbook(data)))
    return path


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


# --------------------------------------------------------------- 1. e-mail domains, one row never stops a batch

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
    assert len(list((tmp_path / "ud").glob("*.eml"))) == 90


def test_idn_rows_only_exit_0(tmp_path):
    data = synthetic_register(6, agreements=1, locations_per=0)
    for row in data["Institutioner"][::2]:
        row[6] = f"indkob@{IDN}"
    assert main(["enrol", str(write_register(tmp_path / "r.xlsx", data)), "--out", str(tmp_path / "ud"),
                 "--mail-to", f"tilmelding@{IDN}"]) == 0
    for eml in (tmp_path / "ud").glob("*.eml"):
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
    assert len(list((tmp_path / "ud").glob("*.xlsx"))) == 8 + 1  # eight workbooks and the overview


def test_the_overview_failing_is_reported_not_raised(tmp_path, monkeypatch):
    data = synthetic_register(2, agreements=1, locations_per=0)

    def broken(results, findings):
        raise RuntimeError("kaput")

    monkeypatch.setattr(batch, "overview_bytes", broken)
    report = run(write_register(tmp_path / "r.xlsx", data), tmp_path / "ud")
    assert report.count(GENERATED) == 2
    assert "uventet fejl" in report.overview_problem and report.exit_code == 1

"""Reference files for the comparison workbook and the audit report, compared cell by cell.

``tests/golden/compare/Sammenligning.xlsx`` is the approved comparison of the bundled example offers,
``tests/golden/audit/Revision.xlsx`` the approved report on the bundled example workbook (audited under
its own name, so that the cell references in the report are stable). The comparison is the view of
``tests/golden_view.py``: sheets, values and types, number formats, merged ranges, tables, names. The
volatile cells are the report's time of audit and the audited folder (it says where the test ran), Oversigt
B3 and B4, and the audited file's modification time in its row of the file table (Oversigt I18).

A change to what these workbooks contain is a change to the product: review the difference, then
approve it with::

    XLKOPI_APPROVE_GOLDEN=1 python3 -m pytest -q tests/test_reference_files.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from golden_view import workbook_view

from xlkopi.cli import main

GOLDEN = Path(__file__).parent / "golden"
APPROVE = os.environ.get("XLKOPI_APPROVE_GOLDEN") == "1"
DATA = Path(__file__).resolve().parents[1] / "xlkopi" / "data"


def _approve_or_compare(made: Path, golden: Path, ignore=frozenset()):
    if APPROVE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, golden)
    assert golden.is_file(), f"no reference file {golden}; create it with XLKOPI_APPROVE_GOLDEN=1"
    ours, approved = workbook_view(made, ignore), workbook_view(golden, ignore)
    assert ours["sheets"] == approved["sheets"]
    assert ours["names"] == approved["names"]
    for sheet, _state in approved["sheets"]:
        for key in ("merged", "tables", "protected"):
            assert ours[sheet][key] == approved[sheet][key], (sheet, key)
        cells, ref = ours[sheet]["cells"], approved[sheet]["cells"]
        differ = sorted(set(cells) ^ set(ref)) + sorted(k for k in set(cells) & set(ref) if cells[k] != ref[k])
        assert not differ, (sheet, [(k, ref.get(k), cells.get(k)) for k in differ[:10]])


def test_comparison_workbook_matches_its_reference_file(tmp_path):
    out = tmp_path / "Sammenligning.xlsx"
    assert main(["compare", str(DATA / "compare" / "Tilbud_eksempel.xlsx"), "-o", str(out)]) == 0
    _approve_or_compare(out, GOLDEN / "compare" / "Sammenligning.xlsx")


def test_audit_report_matches_its_reference_file(tmp_path):
    audited = tmp_path / "Leasingtilbud_eksempel.xlsx"
    shutil.copyfile(DATA / "audit" / "Leasingtilbud_eksempel.xlsx", audited)
    report = tmp_path / "Revision.xlsx"
    assert main(["audit", str(audited), "-o", str(report)]) == 1   # the example has findings on purpose
    _approve_or_compare(report, GOLDEN / "audit" / "Revision.xlsx",
                        ignore=frozenset({("Oversigt", "B3"), ("Oversigt", "B4"), ("Oversigt", "I18")}))


@pytest.mark.parametrize("name", ["compare/Sammenligning.xlsx", "audit/Revision.xlsx"])
def test_reference_files_are_in_the_repository(name):
    assert (GOLDEN / name).is_file()

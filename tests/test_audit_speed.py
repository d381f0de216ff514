"""The audit's shortcuts for speed (issue 17, item 4) give what the general paths give.

* the formula pass skips a block's searches when one memchr shows they cannot find anything
  (:func:`xlkopi.audit.sheetscan._formulas_in`);
* a sheet without formulas gets an empty :class:`~xlkopi.audit.r1c1.FormTable` without numpy;
* ``xlkopi audit FILE`` builds only the audit's parser and loads only the modules the file needs (numpy
  once a lease table or a formula needs it; no other feature, no report writer without ``-o``).
"""

from __future__ import annotations

import subprocess
import sys
from array import array
from fractions import Fraction
from pathlib import Path

import numpy as np
from audit_corpus import F, Sheet, reference_schedule, schedule_block, write_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkopi import cli
from xlkopi.audit import formulas, sheetscan
from xlkopi.audit.r1c1 import FormTable

ROOT = Path(__file__).resolve().parents[1]

# --- the formula pass's memchr shortcuts ----------------------------------------------------------------------

_REF = st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "B", "F", "Z", "AB", "XFD"]), st.integers(1, 300_000))
_TEXT = st.text(alphabet="ftsexyz <>&;\"'=0123456789ABC", max_size=12)


def _attrs(draw) -> str:
    return draw(st.sampled_from(["", ' s="1"', ' s="12" cm="1"', ' t="str"', ' t="b"', ' t="n"', ' vm="2"']))


@st.composite
def _cell(draw) -> str:
    ref = draw(_REF)
    kind = draw(st.sampled_from(["number", "text", "shared_string", "error", "error_formula", "error_child",
                                 "error_attrs", "formula",
                                 "formula_attrs", "shared_master", "shared_child", "array", "data_table",
                                 "empty_formula", "loose", "garbage"]))
    text = draw(_TEXT).replace("<", "&lt;").replace("&", "&amp;") if kind != "garbage" else draw(_TEXT)
    formula = draw(st.sampled_from(["C4-E5", "SUM(A1:A9)*1.25", "IF(B2=20,\"ok\",B2)", "'Ark f'!A1+1", "D5-F5"]))
    si = draw(st.integers(0, 3))
    return {
        "number": f'<c r="{ref}"{_attrs(draw)}><v>{draw(st.integers(-5, 10**6))}</v></c>',
        "text": f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>',
        "shared_string": f'<c r="{ref}" s="2" t="s"><v>{si}</v></c>',
        "error": f'<c r="{ref}" t="e"><v>#REF!</v></c>',
        "error_formula": f'<c r="{ref}" t="e"><f>{formula}</f><v>#DIV/0!</v></c>',
        "error_child": f'<c r="{ref}" t="e"><f t="shared" si="{si}"/><v>#N/A</v></c>',
        "error_attrs": f'<c r="{ref}" s="3" t="e" cm="1"><f t="array" ref="{ref}">{formula}</f><v>#VALUE!</v></c>',
        "formula": f'<c r="{ref}"><f>{formula}</f><v>1</v></c>',
        "formula_attrs": f'<c r="{ref}"{_attrs(draw)}><f>{formula}</f><v>1</v></c>',
        "shared_master": f'<c r="{ref}"><f t="shared" ref="{ref}:{ref}" si="{si}">{formula}</f><v>1</v></c>',
        "shared_child": f'<c r="{ref}"><f t="shared" si="{si}"/><v>1</v></c>',
        "array": f'<c r="{ref}"><f t="array" ref="{ref}">{formula}</f><v>1</v></c>',
        "data_table": f'<c r="{ref}"><f t="dataTable" ref="{ref}" dt2D="1"/><v>1</v></c>',
        "empty_formula": f'<c r="{ref}"><f></f><v>1</v></c>',
        "loose": f'<c r="{ref}" s="1"><f aca="false">{formula}</f><v>1</v></c>',
        "garbage": text,
    }[kind]


def _scan_of(fn, block: bytes):
    scan = sheetscan.SheetScan("xl/worksheets/sheet1.xml")
    raw_cols, raw_rows, raw_texts = [], [], []
    fn(scan, block, raw_cols, raw_rows, raw_texts)
    return (raw_cols, raw_rows, raw_texts, scan.shared, scan.shared_master, scan.arrays, scan.errors,
            scan.text_cells)


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(st.lists(_cell(), max_size=6), max_size=12), spans=st.booleans())
def test_the_formula_pass_with_its_shortcuts_equals_the_pass_without(rows, spans):
    """Blocks with and without 'f' and 't' anywhere (formulas, typed cells, text, attributes): the same result."""
    row_attr = ' spans="1:6" x14ac:dyDescent="0.25"' if spans else ""
    block = "".join(f'<row r="{i}"{row_attr}>{"".join(cells)}</row>' for i, cells in enumerate(rows, 1)).encode()
    assert _scan_of(sheetscan._formulas_in, block) == _scan_of(sheetscan._collect, block)


# the patterns before their quantifiers were made possessive: the same matches on any block
_GREEDY = {
    "_PLAIN_F": rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*><f>([^<]*)</f>',
    "_CHILD_F": rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*><f t="shared" si="([0-9]+)"\s*/>',
    "_ERR": rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*? t="e"(?: [a-z]+="[^"]*")*>'
            rb'(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>',
    "_TEXT_CELL": rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [a-z]+="[^"]*")*? t="(?:s|inlineStr)"',
}


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(_cell(), max_size=6), max_size=10),
       noise=st.lists(st.sampled_from(['"', " ", "<", ">", "=", "a", "A1", ' t="s"', "<f>", "</f>", ' s="']),
                      max_size=8))
def test_the_possessive_patterns_match_what_the_greedy_ones_matched(rows, noise):
    import random
    import re

    cells = [c for row in rows for c in row]
    random.Random(len(cells)).shuffle(noise)
    block = "".join(c + (noise[i] if i < len(noise) else "") for i, c in enumerate(cells)).encode()
    for name, greedy in _GREEDY.items():
        assert getattr(sheetscan, name).findall(block) == re.compile(greedy).findall(block), name


def test_a_block_of_numbers_is_not_searched(monkeypatch):
    """No 'f' and no 't': neither the formula patterns nor the typed-cell pattern runs."""
    block = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" s="1"><v>2.5</v></c></row>' % (i, i, i, i)
                     for i in range(1, 500))

    class Refuse:
        def __getattr__(self, name):
            raise AssertionError(f"searched: {name}")

    for name in ("_F_TAG", "_PLAIN_F", "_TYPED", "_TEXT_CELL", "_ERR"):
        monkeypatch.setattr(sheetscan, name, Refuse())
    assert _scan_of(sheetscan._formulas_in, block) == ([], [], [], {}, {}, set(), {}, [])


# --- a sheet without formulas: an empty form table without numpy ----------------------------------------------

_VALUE = st.one_of(st.sampled_from(["", "1.234,50", "12345678", "007", " 12 ", "x", "2.5"]),
                   st.integers(-10, 10), st.floats(allow_nan=False, allow_infinity=False), st.booleans())


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.lists(_VALUE, min_size=1, max_size=5), max_size=8), text_cells=st.booleans())
def test_an_empty_form_table_checks_as_one_of_numpy_arrays(rows, text_cells):
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    cells = [(r, c) for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if isinstance(v, str)]
    plain = FormTable([], array("i"), [])
    assert isinstance(plain.ids, array)
    with_numpy = FormTable([], array("i"), [])
    with_numpy.rows = with_numpy.cols = with_numpy.ids = np.empty(0, dtype=np.int64)

    def found(table):
        return [(f.sheet, f.cell, f.rule, f.severity, f.message, f.expected, f.found)
                for f in formulas.check_forms("Ark", table, {}, rows, cells if text_cells else None)]

    assert found(plain) == found(with_numpy)
    assert len(plain) == 0 and list(plain.per_form()) == [] and list(plain.unknown_texts()) == []


# --- the command loads what the file needs --------------------------------------------------------------------

def test_every_command_is_added_by_the_module_the_table_names():
    full = cli.build_parser()
    commands = next(a for a in full._actions if a.dest == "command").choices
    assert set(commands) == set(cli.COMMANDS) | {"demo"}
    for name, module in cli.COMMANDS.items():
        assert module in cli.FEATURE_MODULES
        one = next(a for a in cli.build_parser(name)._actions if a.dest == "command").choices
        assert set(one) == {"demo", name}, module


_PROBE = """
import sys
from xlkopi.cli import main
code = main(["audit", *sys.argv[1:]])
print(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "openpyxl", "xlkopi")))
sys.exit(0 if code in (0, 1) else code)
"""


def _loaded(*paths) -> set[str]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *map(str, paths)], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return set(eval(out.stdout.strip().splitlines()[-1]))   # noqa: S307 - our own probe's list of names


_NOT_FOR_AUDIT = ("xlkopi.compare.", "xlkopi.enrol.", "xlkopi.contracts.", "xlkopi.schedule.", "xlkopi.addin.",
                  "xlkopi.audit.report", "xlkopi.audit.stale", "xlkopi.audit.comparison", "xlkopi.io.atomic",
                  "xlkopi.io.libreoffice", "openpyxl")


def test_xlkopi_audit_loads_no_other_feature_and_numpy_only_when_needed(tmp_path):
    plain = Sheet("Ark")
    plain.cells.update({"A1": "Leverandør", "B1": "Eksempel A/S", "A2": "Pris", "B2": 125_000, "C5": 3.5})
    loaded = _loaded(write_xlsx(tmp_path / "plain.xlsx", [plain]))
    assert not [m for m in loaded if m.startswith(_NOT_FOR_AUDIT) or m == "numpy"], sorted(loaded)

    rows = reference_schedule(10_000_000, Fraction(51, 1000), 12, 4, 0, False, None)
    schedule = Sheet("Plan", schedule_block(rows, top=1))
    loaded = _loaded(write_xlsx(tmp_path / "table.xlsx", [schedule]))
    assert "numpy" in loaded and "xlkopi.audit.lease" in loaded
    assert not [m for m in loaded if m.startswith(_NOT_FOR_AUDIT)], sorted(loaded)

    sums = Sheet("Ark")
    sums.cells.update({f"A{r}": r for r in range(1, 6)})
    sums.cells.update({f"B{r}": F(f"=A{r}+C{r}", float(r)) for r in range(1, 6)})   # no number: no tokenizer
    loaded = _loaded(write_xlsx(tmp_path / "formulas.xlsx", [sums]))
    assert "numpy" in loaded
    assert not [m for m in loaded if m.startswith(_NOT_FOR_AUDIT)], sorted(loaded)

"""The vocabulary (``xlkopi.core.vocabulary``): its rule, its round trips, and that nothing else parses.

Expected readings come from DOMAIN.md's "How Danish users write numbers,
dates and answers" and from Danish Excel's and LibreOffice da-DK's
number formats (``#.##0,00``, ``0,0 %``, ``dd-mm-åååå``); the source is
beside each row.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from xlkopi.core.vocabulary import (
    ANY_AMOUNT,
    ANY_RATE,
    COUNT,
    PRICE,
    TIMING,
    fold,
    format_amount,
    format_count,
    format_date,
    format_number,
    format_percent,
    parse_date,
    parse_number,
    parse_yes_no,
    read,
    split_unit,
)
from xlkopi.errors import ArgumentError

ROOT = Path(__file__).resolve().parent.parent

NUMBERS = [
    ("180.000", "180000", "DOMAIN.md: whole amounts often without decimals: 180.000 (= 180000)"),
    ("1.234.567,89", "1234567.89", "DOMAIN.md: decimal comma and thousands dot"),
    ("180 000", "180000", "DOMAIN.md: some exports use a space"),
    ("180\u00a0000", "180000", "DOMAIN.md: or a no-break space"),
    ("180\u202f000", "180000", "narrow no-break space (LibreOffice's French-style grouping)"),
    ("5,1 %", "0.051", "DOMAIN.md: percent with a space"),
    ("8 øre", "0.08", "DOMAIN.md: small amounts in øre"),
    ("kr. 1.500", "1500", "DOMAIN.md: currency before the number"),
    ("1.500 DKK", "1500", "DOMAIN.md: or after, as DKK"),
    ("1.500,-", "1500", "Danish price tags: ,- for whole kroner"),
    ("\u22125,5", "-5.5", "U+2212 minus sign (LibreOffice's and typesetters' minus)"),
    ("0.051", "0.051", "machine form: a first group of 0 is no thousands group"),
    ("5.1", "5.1", "machine form: one digit after the dot"),
    ("1234.56", "1234.56", "machine form: two digits after the dot"),
    ("1,234.56", "1234.56", "English grouping with a decimal dot"),
    ("1e-05", "0.00001", "a float's repr"),
    ("5 t.kr.", "5000", "tusinde kroner, as finance staff write it"),
]


@pytest.mark.parametrize("text, value, source", NUMBERS, ids=[n[0] for n in NUMBERS])
def test_the_number_rule(text, value, source):
    assert parse_number(text) == Decimal(value), source


@pytest.mark.parametrize("text", ["12.34.56", "1,2,3", "1.2.3", "abc", "", "--5", "5-", "1 23", "½", "1.000.00"])
def test_what_is_no_number(text):
    with pytest.raises(ArgumentError, match="skal være et tal"):
        parse_number(text)


@pytest.mark.parametrize("text, value", [
    ("ja", True), ("Ja", True), ("j", True), ("nej", False), ("N", False), ("SAND", True), ("falsk", False),
    ("TRUE", True), ("false", False), ("x", True), ("X", True), ("1", True), ("0", False), (1, True), (0.0, False),
    (True, True), ("", None), (None, None), ("  ", None),
])
def test_yes_no(text, value):
    """DOMAIN.md: ja/nej, x for a mark in a grid, Danish Excel's SAND/FALSK; an empty cell is the caller's default."""
    assert parse_yes_no(text) is value


@pytest.mark.parametrize("text", ["måske", "2", "jaja", "forud"])
def test_yes_no_refusals(text):
    with pytest.raises(ArgumentError, match="ja eller nej"):
        parse_yes_no(text)


def test_context_words():
    assert (parse_yes_no("forud", extra=TIMING), parse_yes_no("BAGUD", extra=TIMING)) == (True, False)


@pytest.mark.parametrize("text, day", [
    ("01-01-2006", dt.date(2006, 1, 1)), ("1-1-2006", dt.date(2006, 1, 1)), ("01.01.2006", dt.date(2006, 1, 1)),
    ("1/1-2006", dt.date(2006, 1, 1)), ("2006-01-01", dt.date(2006, 1, 1)),
    ("2006-01-01 00:00:00", dt.date(2006, 1, 1)),
    ("31-12-2026", dt.date(2026, 12, 31)), ("1. marts 2026", dt.date(2026, 3, 1)), ("29-02-2024", dt.date(2024, 2, 29)),
    (38718, dt.date(2006, 1, 1)), (38718.75, dt.date(2006, 1, 1)),
])
def test_dates(text, day):
    """DOMAIN.md: dd-mm-åååå (also dd.mm.åååå, d/m-åååå); Excel serial 38718 is 1-1-2006 (Excel's 1900 system)."""
    assert parse_date(text) == day


@pytest.mark.parametrize("text, words", [("31-02-2026", "findes"), ("29-02-2025", "findes"),
                                         ("01-01-26", "firecifret"), ("i morgen", "dd-mm-åååå"), (0, "serienummer")])
def test_date_refusals(text, words):
    with pytest.raises(ArgumentError, match=words):
        parse_date(text)


def test_headers_fold_alike():
    assert fold("Løbetid") == fold("Loebetid") == fold("LØBETID ") == fold("Løbe-tid")
    assert split_unit("Løbetid (måneder)") == ("loebetid", "mdr")
    assert split_unit("Rente (%)") == ("rente", "%")


# ----------------------------------------------------------------------------- round trips (hypothesis)

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False)


@given(amounts)
@example(Decimal("180000"))
@example(Decimal("1250.00"))
@example(Decimal("-0.01"))
def test_a_formatted_amount_reads_back(d):
    assert read(ANY_AMOUNT, format_amount(d)) == d
    assert read(ANY_AMOUNT, format_number(d, 2)) == d


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False))
def test_a_formatted_number_reads_back(d):
    assert parse_number(format_number(d)) == d


@given(st.decimals(min_value=Decimal("-0.99"), max_value=Decimal("1"), places=5, allow_nan=False))
@example(Decimal("0.051"))
def test_a_formatted_percent_reads_back(f):
    assert read(ANY_RATE, format_percent(f)) == f


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_a_formatted_date_reads_back(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}") == day
    assert parse_date(f"{day.day}/{day.month}-{day.year}") == day


def _written(d: Decimal) -> list[str]:
    """The ways people and programs write the amount ``d`` (two decimals at most)."""
    danish = format_number(d)
    forms = [danish, format_number(d, 2), danish + " kr", "kr. " + danish, danish.replace(".", " "),
             danish.replace(".", "\u00a0"), danish.replace(".", ""), f"{d:f}", f"{d:,.2f}"]
    if d == d.to_integral_value():
        forms.append(format_number(d) + ",-")
    return forms


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1e10"), places=2, allow_nan=False))
@example(Decimal("180000"))
@example(Decimal("175000"))
@example(Decimal("1.25"))
def test_an_amount_is_never_read_a_thousand_times_off(d):
    """The defect this module exists for: 180.000 read as 180."""
    for text in _written(d):
        got = read(ANY_AMOUNT, text)
        assert got == d, (text, got)


@pytest.mark.parametrize("text, words", [
    ("175,000", "175 kr (komma som decimaltegn) eller 175.000 kr"),
    ("1,250", "1,25 kr (komma som decimaltegn) eller 1.250 kr"),
])
def test_an_amount_with_three_decimals_is_refused_naming_both_readings(text, words):
    """175,000 is 175 kr in Danish and 175.000 kr in English; kroner have two decimals, so neither is guessed."""
    with pytest.raises(ArgumentError, match=re.escape(words)):
        read(PRICE, text)
    assert read(ANY_RATE, "0,125") == Decimal("0.125")  # a rate's third decimal is real


@given(st.integers(min_value=1000, max_value=99_999_999))
def test_a_thousands_dot_is_never_a_decimal_point_in_a_count(n):
    assert read(COUNT, format_count(n)) == n
    assert read(PRICE, format_count(n)) == n


# ----------------------------------------------------------------------------- nothing else parses

VOCABULARY = ROOT / "xlkopi" / "core" / "vocabulary.py"
ALLOWED_TEXT_CONVERSIONS = {
    # (module, function): why a float/Decimal of text is not user input there
    ("xlkopi/money.py", "float_to_ore"): "Excel's ROUND: a float shown to 15 digits, then rounded",
    ("xlkopi/compare/model.py", "xround"): "Excel's ROUND: a float shown to 15 digits, then rounded",
}
ALLOWED_DATE_FORMATS = {
    ("xlkopi/audit/report.py", "write_report"): "a time stamp with hours, not a date a user typed",
    ("xlkopi/enrol/example.py", "workbook_bytes"): "a fixed zip time stamp in ISO form",
}
YES_NO_WORDS = {"ja", "nej", "sand", "falsk", "true", "false", "forud", "bagud"}


def _sources():
    for folder in ("xlkopi", "udf"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != VOCABULARY:
                yield path, path.relative_to(ROOT).as_posix()


def _textual(node: ast.AST) -> bool:
    """An expression that is text: str(...), a str method's result, an f-string, or a text literal."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in ("str", "repr"):
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr in (
                "strip", "replace", "lower", "upper", "casefold", "group", "split", "rstrip", "lstrip", "decode"):
            return True
    return False


class _Scan(ast.NodeVisitor):
    def __init__(self, where: str):
        self.where, self.stack, self.found = where, ["<module>"], []

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _at(self, node, what):
        self.found.append((self.where, self.stack[-1], node.lineno, what))

    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("float", "Decimal", "Fraction") and node.args:
            if _textual(node.args[0]) and (self.where, self.stack[-1]) not in ALLOWED_TEXT_CONVERSIONS:
                self._at(node, f"{f.id}() of text")
        if isinstance(f, ast.Attribute) and f.attr == "replace" and len(node.args) == 2:
            pair = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if pair in ([",", "."], [".", ","], [".", ""], [" ", ""]):
                self._at(node, f"replace{tuple(pair)}: a number parsed or formatted by hand")
        if isinstance(f, ast.Attribute) and f.attr in ("strptime", "strftime"):
            if (self.where, self.stack[-1]) not in ALLOWED_DATE_FORMATS:
                self._at(node, f"{f.attr}: a date parsed or formatted by hand")
        self.generic_visit(node)

    def _words(self, node):
        elts = node.elts if isinstance(node, (ast.Set, ast.Tuple, ast.List)) else node.keys
        words = {e.value.casefold() for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        if len(words & YES_NO_WORDS) >= 2:
            self._at(node, f"a yes/no word list {sorted(words & YES_NO_WORDS)}")

    def visit_Set(self, node):
        self._words(node)
        self.generic_visit(node)

    visit_Tuple = visit_List = visit_Dict = visit_Set


def test_no_module_but_the_vocabulary_parses_user_text():
    """The issue's rule: look for float(/Decimal( on input text, hand-made decimal swaps, dates and yes/no lists."""
    found = []
    for path, where in _sources():
        scan = _Scan(where)
        scan.visit(ast.parse(path.read_text(encoding="utf-8")))
        found.extend(scan.found)
    assert not found, "\n".join(f"{w}:{line} in {fn}: {what}" for w, fn, line, what in found)


def test_the_guard_finds_a_local_parser():
    """The scan itself works: each kind of hand-written parser in a snippet is found."""
    snippet = '''
def parse(v):
    a = float(v.strip().replace(",", "."))
    b = Decimal(str(v))
    c = dt.datetime.strptime(v, "%d-%m-%Y")
    if v in ("ja", "nej"):
        return a
'''
    scan = _Scan("x.py")
    scan.visit(ast.parse(snippet))
    kinds = {what.split(":")[0].split("(")[0] for *_, what in scan.found}
    assert {"float", "Decimal", "replace", "strptime", "a yes/no word list ['ja', 'nej']"} <= kinds, kinds


def test_yes_no_with_one_sided_extra_words_refuses_with_a_message():
    # The auditor's label reader passes only "no" words ({"ingen": False}); an unknown answer must be a
    # Danish message, not a StopIteration out of the message building (seen auditing Tilbud_eksempel.xlsx).
    with pytest.raises(ArgumentError, match="skal være ja eller ingen"):
        parse_yes_no("måske", "Gebyrer", {"ingen": False})


def test_auditing_the_bundled_offers_file_runs_to_the_end():
    from xlkopi.audit import audit_workbook
    from xlkopi.compare.cli import example_offers

    result = audit_workbook(example_offers())
    assert result.sheets >= 2


def test_the_format_character_prefilter_covers_every_format_character_of_this_unicode():
    """clean_text tests characters one by one only where _MAYBE_FORMAT matches: it must match every Cf."""
    import sys
    import unicodedata

    from xlkopi.core.vocabulary import _MAYBE_FORMAT, clean_text

    missed = [hex(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) == "Cf" and not _MAYBE_FORMAT.match(chr(c))]
    assert missed == [], f"Unicode {unicodedata.unidata_version}: add {missed} to _MAYBE_FORMAT"
    assert clean_text("Leverandør\u200b\u202e") == "Leverandør" and clean_text("\u00adLøbetid") == "Løbetid"

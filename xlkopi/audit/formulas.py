"""Formula integrity rules, as spreadsheet-risk tools check them.

Pure: works on a sheet's formulas (a :class:`FormTable`, built from the
scan's column lists or from a ``{(row, col): "=..."}`` map), its cached
error cells and its rows of values.

* ``fejlvaerdi``: a cell holding #REF!, #VALUE!, #DIV/0!, #NAME?, #N/A,
  #NUM! or #NULL!, or a formula that contains #REF!.
* ``hardkodet_tal``: a number typed into a formula. Not reported:
  :data:`IGNORED_NUMBERS` (0, 1, 2, 12, 100), the digits argument of
  ROUND/ROUNDUP/ROUNDDOWN/TRUNC/FIXED (and their Danish names), the guess
  of IRR/RATE/XIRR, and a whole number of at most four digits compared
  with ``=``, ``<>``, ``<``, ``>``, ``<=``, ``>=`` (a count or a flag:
  ``=IF(Antal=20, …)``). Reported once per block of identical (relative)
  formulas. In a workbook xlkopi generated whose formulas are unchanged
  (the fingerprint holds) none is reported: they are the generator's.
* ``konstant_i_formelblok``: a constant where the formulas above and below
  (or left and right) have the same relative (R1C1) form.
* ``inkonsistent_formel``: one or two formulas whose relative form differs
  from the formulas on both sides, which agree with each other.
* ``ekstern_reference``: a reference to another workbook (``[1]Ark!A1``,
  ``'[fil.xlsx]Ark'!A1``).
* ``tal_som_tekst``: text that reads as a number (``"1.234,50"``), except
  identifiers (8 or more digits without separators, or a leading 0).

Relative forms (``C5-E6`` in F6 becomes ``R[-1]C[-3]-R[0]C[-1]``),
:class:`~.r1c1.FormTable` and the expected formula in a message (openpyxl's
``Translator``) come from :mod:`.r1c1`; the formula text analysed is
limited by the workbook's :class:`~.budget.Budget`.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..core.vocabulary import format_count, format_token, shown
from ..io.a1 import cell_ref
from .budget import TOKEN_WEIGHT
from .findings import ADVARSEL, FEJL, INFO, Finding
from .r1c1 import _STRING, NOT_COMPUTED, FormTable, _expected_formula
from .r1c1 import relative_form as relative_form  # re-exported: the rule tests reach the form through here
from .r1c1 import relative_forms as relative_forms  # re-exported, as relative_form

IGNORED_NUMBERS = frozenset({0.0, 1.0, 2.0, 12.0, 100.0})
ROUND_FUNCTIONS = frozenset({"ROUND", "ROUNDUP", "ROUNDDOWN", "TRUNC", "FIXED", "AFRUND", "RUND.OP", "RUND.NED",
                             "AFKORT", "FAST", "MROUND"})
GUESS_FUNCTIONS = {"IRR": 1, "RATE": 5, "XIRR": 2, "IA": 1, "RENTE": 5, "INTERN.RENTE": 2}
"""The argument (0-based) that is the root finder's starting guess, not an assumption of the model."""
COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
ERROR_VALUES = ("#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
MAX_PER_RULE = 200
"""At most this many findings per rule and sheet; the rest are counted in one info finding."""

_EXTERNAL = re.compile(r"\[[^\[\]]+\][^!\[\]()]*!|\[[0-9]+\]!")
_NUMBER_TEXT = re.compile(r"^\s*[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*$|^\s*[-+]?\d+\.\d+\s*$")


def _range(cells: list[tuple[int, int]]) -> str:
    if len(cells) == 1:
        return cell_ref(*cells[0])
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    return f"{cell_ref(min(rows), min(cols))}:{cell_ref(max(rows), max(cols))}"


_R1C1_PART = re.compile(r"R\[-?[0-9]+\]|C\[-?[0-9]+\]|R[0-9]+|C[0-9]+")
_DIGIT = re.compile(r"\d")


def may_hold_numbers(form: str) -> bool:
    """False when a relative form has no digits outside its R1C1 references (so no typed numbers).

    A typed number follows an operator, a bracket or a comma, never a
    letter, so removing the reference parts cannot remove one.

    >>> may_hold_numbers("=R[-1]C[0]-R[0]C[2]"), may_hold_numbers("=R[0]C[-1]*0.5")
    (False, True)
    """
    return _DIGIT.search(_R1C1_PART.sub("", form)) is not None


def hardcoded_numbers(formula: str) -> list[str]:
    """Numbers typed into ``formula`` that are not in the ignore list.

    >>> hardcoded_numbers("=ROUND(C5*0.01275,2)+12"), hardcoded_numbers("=B4*(1+B3)^2/100")
    (['0.01275'], [])
    >>> hardcoded_numbers('=IF(T1_Antal=20,"OK",B2*1.25)'), hardcoded_numbers("=IRR(A1:A9,0.01)")
    (['1.25'], [])
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        tokens = Tokenizer(formula).items
    except Exception:
        return []
    out = []
    stack: list[list] = []
    for i, tok in enumerate(tokens):
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            stack.append([tok.value[:-1].upper().replace("_XLFN.", ""), 0])
        elif tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            if stack:
                stack.pop()
        elif tok.type == Token.PAREN and tok.subtype == Token.OPEN:
            stack.append(["(", 0])
        elif tok.type == Token.PAREN and tok.subtype == Token.CLOSE:
            if stack:
                stack.pop()
        elif tok.type == Token.SEP and tok.subtype == Token.ARG:
            if stack:
                stack[-1][1] += 1
        elif tok.type == Token.OPERAND and tok.subtype == Token.NUMBER:
            try:
                value = float(tok.value)
            except ValueError:
                continue
            if value in IGNORED_NUMBERS:
                continue
            if stack and stack[-1][0] in ROUND_FUNCTIONS and stack[-1][1] == 1:
                continue
            if stack and stack[-1][0] in GUESS_FUNCTIONS and stack[-1][1] == GUESS_FUNCTIONS[stack[-1][0]]:
                continue
            if value.is_integer() and abs(value) < 10_000 and _compared(tokens, i):
                continue
            out.append(tok.value)
    return out


def _compared(tokens, i: int) -> bool:
    """The operand ``tokens[i]`` stands next to a comparison operator."""
    from openpyxl.formula.tokenizer import Token

    def op(j: int) -> bool:
        return 0 <= j < len(tokens) and tokens[j].type == Token.OP_IN and tokens[j].value in COMPARISONS

    return op(i - 1) or op(i + 1)


def _number_text(v: str) -> bool:
    """Text that reads as an amount; identifiers (CVR, EAN, phone numbers, postcodes) do not count."""
    if not v or v[0] not in "+-0123456789 " or not _NUMBER_TEXT.match(v):
        return False
    digits = v.strip().lstrip("+-")
    return not (digits.isdigit() and (len(digits) >= 8 or (digits.startswith("0") and len(digits) > 1)))


def _text_cells(rows: list):
    """The cells of ``rows`` holding text that reads as a number, found at C speed.

    The distinct texts are collected without Python code per cell; rows are
    visited only when some text reads as a number.
    """
    from functools import partial
    from itertools import chain, compress
    from operator import is_

    cells = chain.from_iterable(rows)
    kinds = map(type, chain.from_iterable(rows))
    texts = {v for v in set(compress(cells, map(partial(is_, str), kinds))) if _number_text(v)}
    if not texts:
        return
    for r, row in enumerate(rows, start=1):
        if texts.isdisjoint(row):
            continue
        for c, v in enumerate(row, start=1):
            if v.__class__ is str and v in texts:
                yield r, c


def _capped(findings: list[Finding], sheet: str) -> list[Finding]:
    per_rule: dict[str, int] = defaultdict(int)
    out: list[Finding] = []
    dropped: dict[str, int] = defaultdict(int)
    for f in findings:
        per_rule[f.rule] += 1
        if per_rule[f.rule] <= MAX_PER_RULE:
            out.append(f)
        else:
            dropped[f.rule] += 1
    for rule, n in dropped.items():
        out.append(Finding(sheet, None, rule, INFO,
                           f"{n} yderligere fund af samme slags i arket er ikke vist "
                           f"(højst {MAX_PER_RULE} pr. regel og ark)"))
    return out


def _show(v) -> str:
    return shown(v)


def _is_constant(v) -> bool:
    return v is not None and v != "" and not isinstance(v, bool)


def check_sheet(sheet: str, formulas: dict, errors: dict, rows: list, shared: dict | None = None,
                shared_master: dict | None = None) -> list[Finding]:
    """Every formula-integrity finding of one sheet, from a ``{(row, col): "=..."}`` map."""
    return check_forms(sheet, FormTable.from_dict(formulas, shared, shared_master), errors, rows)


def check_forms(sheet: str, table: FormTable, errors: dict, rows: list,
                text_cells: list | None = None) -> list[Finding]:
    """Every formula-integrity finding of one sheet, from its :class:`FormTable`.

    ``text_cells`` lists the ``(row, col)`` of the sheet's text cells when
    the scan knows them; otherwise every cell is looked at.
    """
    return FormChecks(sheet, table, errors).finish(rows, text_cells)


class FormChecks:
    """One sheet's formula-integrity checks, in two stages.

    Construction does all that the formulas alone decide: error values,
    ``#REF!``, external references, hard-coded numbers, and the runs of
    equal forms down the columns and along the rows. The engine builds it
    while python-calamine is still reading the values. :meth:`finish` adds
    what needs the values: inconsistent formulas and constants between two
    runs, and numbers stored as text. The table's :class:`Budget` (if any)
    pays for the tokenizer and the Translator too; what it could not pay
    for is told in one ``begraenset`` info finding.
    """

    def __init__(self, sheet: str, table: FormTable, errors: dict):
        self.sheet, self.table = sheet, table
        budget = table.budget
        self.untokenized = 0     # forms not looked at for hard-coded numbers (budget)
        self.untranslated = 0    # expected formulas not computed (budget)
        found: list[Finding] = []
        # error values, as cached in the sheet XML
        for (r, c), err in sorted(errors.items()):
            found.append(Finding(sheet, cell_ref(r, c), "fejlvaerdi", FEJL,
                                 f"Cellen {cell_ref(r, c)} viser fejlværdien {err}", "en værdi", err))
        # per distinct relative form: #REF!, hard-coded numbers, external references
        for form, _first, where, text in table.per_form():
            self._per_text(found, where, text)
            if not may_hold_numbers(form):
                continue
            if budget is not None and not budget.take(len(text) * TOKEN_WEIGHT):
                self.untokenized += 1
                continue
            nums = hardcoded_numbers(text)
            if nums:
                shown = ", ".join(format_token(n) for n in dict.fromkeys(nums))
                found.append(Finding(sheet, where, "hardkodet_tal", ADVARSEL,
                                     f"Formlen i {where} indeholder det hårdkodede tal {shown}: {text}; "
                                     "læg antagelser i en navngiven inputcelle",
                                     "tal i inputceller", shown))
        # formulas past the budget: the checks that cost no more than reading them, cell by cell
        for (r, c), text in table.unknown_texts():
            self._per_text(found, cell_ref(r, c), text)
        self.findings = found
        # uniform runs down columns and along rows, on arrays of (row, col, form id)
        self.down = _run_lines(table.rows, table.cols, table.ids)
        self.along = _run_lines(table.cols, table.rows, table.ids)

    def _per_text(self, found: list, where: str, text: str) -> None:
        sheet = self.sheet
        if "#REF!" in text.upper():
            found.append(Finding(sheet, where, "fejlvaerdi", FEJL,
                                 f"Formlen i {where} henviser til en slettet celle (#REF!): {text}",
                                 "en gyldig reference", text))
        if _EXTERNAL.search(_STRING.sub('""', text)):
            found.append(Finding(sheet, where, "ekstern_reference", ADVARSEL,
                                 f"Formlen i {where} henter værdier fra en anden projektmappe: {text}",
                                 "kun referencer i denne projektmappe", text))

    def expected(self, src_text: str, src: tuple[int, int], dst: tuple[int, int]) -> str:
        """``src_text`` moved from ``src`` to ``dst`` (openpyxl's Translator), within the budget."""
        got = _expected_formula(src_text, src, dst, self.table.budget, None)
        if got is None:
            self.untranslated += 1
            return NOT_COMPUTED
        return got

    def finish(self, rows: list, text_cells: list | None = None) -> list[Finding]:
        """All findings, with the value checks on ``rows`` (python-calamine's, row 1 first)."""
        sheet, table = self.sheet, self.table

        def value(r, c):
            if 0 < r <= len(rows):
                row = rows[r - 1]
                if 0 < c <= len(row):
                    return row[c - 1]
            return ""

        findings = list(self.findings)
        counts: dict[str, int] = defaultdict(int)
        findings.extend(_runs(sheet, self.down, table.text_at, value, vertical=True, expected=self.expected,
                              counts=counts))
        findings.extend(_runs(sheet, self.along, table.text_at, value, vertical=False, expected=self.expected,
                              counts=counts))
        # numbers stored as text
        for r, c in (_text_cells(rows) if text_cells is None else sorted(text_cells)):
            v = value(r, c)
            if v.__class__ is str and _number_text(v) and table.text_at((r, c)) is None:
                findings.append(Finding(sheet, cell_ref(r, c), "tal_som_tekst", ADVARSEL,
                                        f"Cellen {cell_ref(r, c)} indeholder tallet '{v}' som tekst; det tæller "
                                        "ikke med i beregninger", "et tal", repr(v)))
        limited = self.limited()
        return _capped(findings, sheet) + ([limited] if limited else [])

    def limited(self) -> Finding | None:
        """The ``begraenset`` info finding: what the budget left out in this sheet (None: nothing)."""
        parts = []
        if self.table.unknown:
            parts.append(f"{format_count(self.table.unknown)} formler er ikke sammenlignet med nabocellerne "
                         "(inkonsistente formler, konstanter i formelblokke) og ikke undersøgt for hårdkodede tal")
        if self.untokenized:
            parts.append(f"{format_count(self.untokenized)} forskellige formler er ikke undersøgt for hårdkodede tal")
        if self.untranslated:
            parts.append(f"{format_count(self.untranslated)} forventede formler er ikke beregnet")
        if not parts:
            return None
        total = self.table.budget.total if self.table.budget is not None else 0
        return Finding(self.sheet, None, "begraenset", INFO,
                       "Formelgennemgangen i arket er begrænset: " + "; ".join(parts)
                       + f". xlkopi gennemgår højst {format_count(total)} tegn formeltekst pr. projektmappe "
                         "(lange formler tæller mest); fejlværdier og eksterne referencer er kontrolleret i alle "
                         "formler", "alle formler gennemgået", "begrænset")


def _run_lines(pos, line, ids):
    """Per line (column or row) with at least 3 cells and 2 runs: its runs ``[start, end, form id]``."""

    n = len(ids)
    if n < 3:
        return {}
    import numpy as np  # here, not at the top: a workbook without formulas does not load numpy

    order = np.lexsort((pos, line))
    L, P, G = line[order], pos[order], ids[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (L[1:] != L[:-1]) | (G[1:] != G[:-1]) | (P[1:] != P[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n) - 1
    run_line = L[starts]
    # lines: where the line changes among runs
    first = np.ones(len(starts), dtype=bool)
    first[1:] = run_line[1:] != run_line[:-1]
    line_starts = np.flatnonzero(first)
    line_ends = np.append(line_starts[1:], len(starts))
    items = np.append(starts, n)
    sizes = items[line_ends] - items[line_starts]
    keep = np.flatnonzero((line_ends - line_starts >= 2) & (sizes >= 3))
    out: dict[int, list[list[int]]] = {}
    if len(keep) == 0:
        return out
    rs, re_, rf = P[starts].tolist(), P[ends].tolist(), G[starts].tolist()
    for j in keep.tolist():
        a, b = int(line_starts[j]), int(line_ends[j])
        out[int(run_line[a])] = [[rs[i], re_[i], rf[i]] for i in range(a, b)]
    return out


def _runs(sheet, lines: dict, text_at, value, vertical: bool, expected=None, counts=None) -> list[Finding]:
    """Inconsistent formulas and interrupting constants along columns (or rows), from :func:`_run_lines`.

    A run of an unknown form (negative id: past the budget) is never called
    inconsistent. Past :data:`MAX_PER_RULE` findings of a rule (``counts``,
    shared by the calls for one sheet) the expected formula is not
    computed: :func:`_capped` only counts those findings.
    """
    if expected is None:
        def expected(src_text, src, cell):
            return _expected_formula(src_text, src, cell)
    counts = defaultdict(int) if counts is None else counts
    side = "over og under" if vertical else "til venstre og højre"
    out = []
    for line, runs in lines.items():
        for i in range(1, len(runs) - 1):
            prev, cur, nxt = runs[i - 1], runs[i], runs[i + 1]
            if prev[2] != nxt[2] or cur[2] < 0 or (prev[1] - prev[0] + 1) + (nxt[1] - nxt[0] + 1) < 3:
                continue
            gap_before = cur[0] - prev[1] - 1
            gap_after = nxt[0] - cur[1] - 1
            if gap_before == 0 and gap_after == 0 and cur[1] - cur[0] < 2:
                for pos in range(cur[0], cur[1] + 1):
                    cell = (pos, line) if vertical else (line, pos)
                    counts["inkonsistent_formel"] += 1
                    if counts["inkonsistent_formel"] > MAX_PER_RULE:
                        out.append(Finding(sheet, cell_ref(*cell), "inkonsistent_formel", ADVARSEL, ""))
                        continue
                    src = (prev[1], line) if vertical else (line, prev[1])
                    src_text = text_at(src) or ""
                    got = text_at(cell) or ""
                    exp = expected(src_text, src, cell)
                    out.append(Finding(sheet, cell_ref(*cell), "inkonsistent_formel", ADVARSEL,
                                       f"Formlen i {cell_ref(*cell)} afviger fra formlerne {side}: forventet {exp}, "
                                       f"fundet {got}", exp, got))
        # constants in a gap between two runs of the same form
        for i in range(len(runs) - 1):
            a, b = runs[i], runs[i + 1]
            gap = b[0] - a[1] - 1
            if a[2] != b[2] or gap < 1 or gap > 2 or (a[1] - a[0] + 1) + (b[1] - b[0] + 1) < 2:
                continue
            for pos in range(a[1] + 1, b[0]):
                cell = (pos, line) if vertical else (line, pos)
                v = value(*cell)
                if not _is_constant(v):
                    continue
                counts["konstant_i_formelblok"] += 1
                if counts["konstant_i_formelblok"] > MAX_PER_RULE:
                    out.append(Finding(sheet, cell_ref(*cell), "konstant_i_formelblok", ADVARSEL, ""))
                    continue
                src = (a[1], line) if vertical else (line, a[1])
                src_text = text_at(src) or ""
                exp = expected(src_text, src, cell)
                out.append(Finding(sheet, cell_ref(*cell), "konstant_i_formelblok", ADVARSEL,
                                   f"Cellen {cell_ref(*cell)} indeholder konstanten {_show(v)}, men cellerne {side} "
                                   f"har samme formel; forventet {exp}", exp, _show(v)))
    return out

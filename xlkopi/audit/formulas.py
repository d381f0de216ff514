"""Formula integrity rules, as spreadsheet-risk tools check them.

Pure: works on a sheet's formulas (a :class:`FormTable`, built from the
scan's column lists or from a ``{(row, col): "=..."}`` map), its cached
error cells and its rows of values.

* ``fejlvaerdi``: a cell holding #REF!, #VALUE!, #DIV/0!, #NAME?, #N/A,
  #NUM! or #NULL!, or a formula that contains #REF!.
* ``hardkodet_tal``: a number typed into a formula. Not reported:
  :data:`IGNORED_NUMBERS` (0, 1, 2, 12, 100) and the digits argument of
  ROUND/ROUNDUP/ROUNDDOWN/TRUNC/FIXED (and their Danish names). Reported
  once per block of identical (relative) formulas.
* ``konstant_i_formelblok``: a constant where the formulas above and below
  (or left and right) have the same relative (R1C1) form.
* ``inkonsistent_formel``: one or two formulas whose relative form differs
  from the formulas on both sides, which agree with each other.
* ``ekstern_reference``: a reference to another workbook (``[1]Ark!A1``,
  ``'[fil.xlsx]Ark'!A1``).
* ``tal_som_tekst``: text that reads as a number (``"1.234,50"``), except
  identifiers (8 or more digits without separators, or a leading 0).

Relative forms (``C5-E6`` in F6 becomes ``R[-1]C[-3]-R[0]C[-1]``) are
computed a column and shape at a time by :func:`form_ids`, with no Python
code per cell; :func:`relative_form` is the per-cell definition they are
tested against. The expected formula in a message is produced with
openpyxl's ``Translator``.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..core.vocabulary import format_count, format_token, shown
from ..io.a1 import cell_ref, col_index
from .findings import ADVARSEL, FEJL, INFO, Finding

IGNORED_NUMBERS = frozenset({0.0, 1.0, 2.0, 12.0, 100.0})
ROUND_FUNCTIONS = frozenset({"ROUND", "ROUNDUP", "ROUNDDOWN", "TRUNC", "FIXED", "AFRUND", "RUND.OP", "RUND.NED",
                             "AFKORT", "FAST", "MROUND"})
ERROR_VALUES = ("#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
MAX_PER_RULE = 200
"""At most this many findings per rule and sheet; the rest are counted in one info finding."""

_STRING = re.compile(r'"(?:[^"]|"")*"')
_REF = re.compile(r"(?<![A-Za-z0-9_.$\[])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![0-9A-Za-z_(!.\[])")
_EXTERNAL = re.compile(r"\[[^\[\]]+\][^!\[\]()]*!|\[[0-9]+\]!")
_NUMBER_TEXT = re.compile(r"^\s*[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*$|^\s*[-+]?\d+\.\d+\s*$")


def relative_form(formula: str, row: int, col: int) -> str:
    """The formula with every relative A1 reference as an offset (R1C1 style).

    >>> relative_form("=C5-E6", 6, 6), relative_form("=C6-E7", 7, 6)
    ('=R[-1]C[-3]-R[0]C[-1]', '=R[-1]C[-3]-R[0]C[-1]')
    >>> relative_form('=$B$2*A3&"A1"', 3, 2)
    '=R2C2*R[0]C[-1]&"A1"'
    """
    if '"' in formula:
        parts = []
        pos = 0
        for m in _STRING.finditer(formula):
            parts.append(_rel(formula[pos:m.start()], row, col))
            parts.append(m.group(0))
            pos = m.end()
        parts.append(_rel(formula[pos:], row, col))
        return "".join(parts)
    return _rel(formula, row, col)


_COLS: dict[str, int] = {}   # column letters -> number, filled as met (at most 18,278 entries)


def _col(letters: str) -> int:
    c = _COLS.get(letters)
    if c is None:
        c = _COLS[letters] = col_index(letters)
    return c


def _rel(text: str, row: int, col: int) -> str:
    # one C-level split gives every reference's four parts; the loop only formats them
    parts = _REF.split(text)
    if len(parts) == 1:
        return text
    cols = _COLS
    for i in range(1, len(parts), 5):
        cabs, letters, rabs, digits = parts[i], parts[i + 1], parts[i + 2], parts[i + 3]
        c = cols.get(letters) or _col(letters)
        if c > 16384:
            parts[i] = cabs + letters + rabs + digits
        else:
            parts[i] = (f"R{int(digits)}" if rabs else f"R[{int(digits) - row}]") + \
                (f"C{c}" if cabs else f"C[{c - col}]")
        parts[i + 1] = parts[i + 2] = parts[i + 3] = ""
    return "".join(parts)


_MARK = str.maketrans("0123456789", "\x01" * 10)   # every digit as \x01, which no formula holds
_RUNS = re.compile("\x01+")
_RUNS_B = re.compile(b"\x01+")


def _template(pieces: list[str], col: int):
    """Literals and slots of a formula *shape*, given as the text between its digit runs.

    Which digit runs belong to a cell reference depends only on the
    characters around them (letters, ``$``, quotes), never on the digits
    themselves, as long as no run is longer than the 7 digits ``_REF``
    allows: so one pass of ``_REF`` over the shape (each run as ``1``)
    tells every formula of that shape which runs are row numbers. Returns
    ``(literals, slots)`` with ``len(literals) == len(slots) + 1``; a slot
    is ``None`` (keep the digits as written), ``("rel", colpart)`` or
    ``("abs", colpart)``.
    """
    canon = "1".join(pieces)
    starts = []   # position of each digit run in canon
    pos = -1
    for p in pieces[:-1]:
        pos += len(p) + 1
        starts.append(pos)
    run_at = {p: i for i, p in enumerate(starts)}
    slots: list[tuple[str, str] | None] = [None] * len(starts)
    cut = [0] * len(pieces)   # characters to drop from the end of each literal piece
    segments = []
    at = 0
    if '"' in canon:
        for m in _STRING.finditer(canon):
            segments.append((at, m.start()))
            at = m.end()
    segments.append((at, len(canon)))
    for a, b in segments:
        for m in _REF.finditer(canon[a:b]):
            cabs, letters, rabs, _digits = m.groups()
            c = _col(letters)
            if c > 16384:
                continue
            i = run_at[a + m.start(4)]
            slots[i] = ("abs" if rabs else "rel", f"C{c}" if cabs else f"C[{c - col}]")
            cut[i] = m.start(4) - m.start()
    literals = [p[:len(p) - k] if k else p for p, k in zip(pieces, cut, strict=True)]
    return literals, slots


def _render(literals, slots, values, widths) -> str:
    out = [literals[0]]
    for lit, slot, v, w in zip(literals[1:], slots, values, widths, strict=True):
        if slot is None:
            out.append(str(int(v)).zfill(w))   # a number, not a row: exactly as written
        elif slot[0] == "rel":
            out.append(f"R[{int(v)}]{slot[1]}")
        else:
            out.append(f"R{int(v)}{slot[1]}")
        out.append(lit)
    return "".join(out)


GROUP_MIN = 8
"""Groups (same column and shape) smaller than this take the per-cell path: the array path's fixed cost
per group is that of about eight cells."""
FORMULA_BUDGET = 10_000_000
"""Characters of formula text one workbook may cost the formula rules (:class:`Budget`): two to three seconds
(about 0.2 µs a character in the per-cell relative form, 1.5 µs in openpyxl's tokenizer)."""
_ROWS_AT_ONCE = 4096
_FEW_SLOTS = 16   # up to this many numbers in a shape, one numpy pass per number is faster
TOKEN_WEIGHT = 6
"""What one character costs in openpyxl's tokenizer or Translator, in units of the relative-form engine."""


class Budget:
    """How much formula text is still analysed in this workbook; shared by all its sheets.

    Every path is charged by the characters it handles: the per-cell
    relative form by the formula's length, the array path by the shape's
    length per distinct form, the tokenizer (hard-coded numbers) and the
    Translator (expected formulas) by :data:`TOKEN_WEIGHT` per character.
    What does not fit is skipped and told as a ``begraenset`` info finding,
    so a 30 MB file of long formulas costs seconds, not minutes.
    """

    def __init__(self, units: int | None = None):
        self.total = FORMULA_BUDGET if units is None else units
        self.left = self.total

    def take(self, units: int) -> bool:
        """Pay for ``units``; False (and nothing more from then on) when they do not fit."""
        if units > self.left:
            self.left = -1   # once short, stay short: the skipped part is one tail, not scattered cells
            return False
        self.left -= units
        return True

    @property
    def short(self) -> bool:
        return self.left < 0


def form_ids(cols, rows, texts, budget: Budget | None = None):
    """The relative form of every formula, as ``(ids, forms)``:
    ``forms[ids[j]] == relative_form(texts[j], rows[j], cols[j])``.

    Formulas in a column usually differ only in their row numbers, so the
    cells are grouped by column and *shape* (the text with every digit
    marked); each shape is tokenised once. Members of a group have the same
    length, so their digits sit at the same places: the numbers are read
    for the whole group at once from a byte matrix (row references minus
    the cell's row, absolute rows and other numbers as written), and only
    distinct number vectors are rendered. No Python code runs per cell.
    Small groups and groups with a digit run longer than a row number go
    through :func:`relative_form` itself.

    With a ``budget``, a formula it cannot pay for gets a negative id of
    its own (-1 - j): an unknown form, which the rules leave alone.
    """
    from itertools import count
    from operator import itemgetter

    n = len(texts)
    forms: list[str] = []
    index: dict[str, int] = {}

    def fid(form: str) -> int:
        i = index.get(form)
        if i is None:
            i = index[form] = len(forms)
            forms.append(form)
        return i

    def per_cell(js) -> None:
        for j in js:
            t = texts[j]
            if budget is None or budget.take(len(t)):
                ids[j] = fid(relative_form(t, int(rows[j]), int(cols[j])))
            else:
                ids[j] = -1 - j

    ids = np.empty(n, dtype=np.int64)
    if n == 0:
        return ids, forms
    joined = "\x00".join(texts)
    if "\x01" in joined or joined.count("\x00") != n - 1:   # unusual characters: one cell at a time
        per_cell(range(n))
        return ids, forms
    shapes = joined.translate(_MARK).split("\x00")
    keymap: dict = defaultdict(count().__next__)
    gid = np.fromiter(map(keymap.__getitem__, zip(cols, shapes, strict=False)), dtype=np.int64, count=n)
    order = np.argsort(gid, kind="stable")
    cuts = (np.flatnonzero(np.diff(gid[order])) + 1).tolist()
    rows_a = np.asarray(rows, dtype=np.int64)
    for (col, shape), a, b in zip(keymap, [0, *cuts], [*cuts, n], strict=True):
        idx = order[a:b]
        if "\x01" not in shape:    # no digits, so no references: the text is its own form
            if budget is None or budget.take(len(shape)):
                ids[idx] = fid(shape)
            else:
                ids[idx] = -1 - idx
            continue
        if len(idx) < GROUP_MIN:
            per_cell(idx.tolist())
            continue
        pieces = _RUNS.split(shape)
        widths = [len(run) for run in _RUNS.findall(shape)]
        group = itemgetter(*idx.tolist())(texts)
        raw = "".join(group).encode("utf-8")
        bshape = shape.encode("utf-8")
        if max(widths) > 7 or len(raw) != len(bshape) * len(idx):
            per_cell(idx.tolist())
            continue
        if budget is not None and not budget.take(len(shape)):
            ids[idx] = -1 - idx
            continue
        literals, slots = _template(pieces, col)
        matrix = np.frombuffer(raw, dtype=np.uint8).reshape(len(idx), len(bshape))
        if len(slots) <= _FEW_SLOTS:   # a few numbers (the usual formula): one column slice per number
            keys = np.empty((len(idx), len(slots)), dtype=np.int64)
            for i, (m, slot) in enumerate(zip(_RUNS_B.finditer(bshape), slots, strict=True)):
                s, e = m.span()
                powers = 10 ** np.arange(e - s - 1, -1, -1, dtype=np.int64)
                v = (matrix[:, s:e].astype(np.int64) - 48) @ powers
                keys[:, i] = v - rows_a[idx] if slot is not None and slot[0] == "rel" else v
        else:                          # many: every digit run in one pass, digits x place values summed per run
            at = np.flatnonzero(np.frombuffer(bshape, dtype=np.uint8) == 1)
            w = np.asarray(widths, dtype=np.int64)
            run_end = np.repeat(np.cumsum(w), w)                   # end of each digit's run, counted in digits
            place = 10 ** (run_end - 1 - np.arange(len(at), dtype=np.int64))
            starts = np.r_[0, np.cumsum(w)[:-1]]
            keys = np.empty((len(idx), len(widths)), dtype=np.int64)
            for lo in range(0, len(idx), _ROWS_AT_ONCE):   # in slices: the int64 temporaries stay small
                part = (matrix[lo:lo + _ROWS_AT_ONCE, at].astype(np.int64) - 48) * place
                keys[lo:lo + _ROWS_AT_ONCE] = np.add.reduceat(part, starts, axis=1)
            rel = np.fromiter((slot is not None and slot[0] == "rel" for slot in slots), dtype=bool,
                              count=len(slots))
            if rel.any():
                keys[:, rel] -= rows_a[idx][:, None]
        if (keys == keys[0]).all():   # the usual case: the whole group shares one form
            ids[idx] = fid(_render(literals, slots, keys[0], widths))
            continue
        uniq, inv = np.unique(keys, axis=0, return_inverse=True)
        if budget is not None and not budget.take(len(shape) * len(uniq)):
            ids[idx] = -1 - idx
            continue
        local = np.array([fid(_render(literals, slots, u, widths)) for u in uniq], dtype=np.int64)
        ids[idx] = local[inv.reshape(-1)]
    return ids, forms


def relative_forms(formulas: dict) -> dict[tuple[int, int], str]:
    """``{(row, col): relative_form(text, row, col)}`` for every formula, computed by :func:`form_ids`."""
    cells = list(formulas)
    ids, forms = form_ids([c for _r, c in cells], [r for r, _c in cells], list(formulas.values()))
    return {cell: forms[i] for cell, i in zip(cells, ids.tolist(), strict=True)}


class FormTable:
    """Every formula cell of a sheet with its relative form, as arrays.

    ``rows``, ``cols`` and ``ids`` have one entry per formula cell (plain
    formulas first, then shared-formula children, which take their
    master's form); ``forms[id]`` is the form's R1C1 text.
    """

    def __init__(self, cols, rows, texts, shared=None, shared_master=None, lookup=None, budget: Budget | None = None):
        shared, shared_master = shared or {}, shared_master or {}
        self.texts = texts
        self.n_plain = len(texts)
        self.shared, self.shared_master = shared, shared_master
        self.budget = budget
        ids, self.forms = form_ids(cols, rows, texts, budget)
        masters = {(mr, mc) for mr, mc, _t in shared_master.values()}
        index = {f: i for i, f in enumerate(self.forms)}
        children, child_ids = [], []
        master_ids = {}
        for si, (mr, mc, mtext) in shared_master.items():
            if budget is not None and not budget.take(len(mtext)):
                continue   # its children get no form: unknown, like a plain formula past the budget
            form = relative_form(mtext, mr, mc)
            if form not in index:
                index[form] = len(self.forms)
                self.forms.append(form)
            master_ids[si] = index[form]
        unknown_child = -1 - len(ids)
        for cell, si in shared.items():
            if cell in masters or si not in shared_master:
                continue
            children.append(cell)
            if si in master_ids:
                child_ids.append(master_ids[si])
            else:
                child_ids.append(unknown_child)
                unknown_child -= 1
        self.rows = np.concatenate([np.asarray(rows, dtype=np.int64),
                                    np.array([r for r, _c in children], dtype=np.int64)])
        self.cols = np.concatenate([np.asarray(cols, dtype=np.int64),
                                    np.array([c for _r, c in children], dtype=np.int64)])
        self.ids = np.concatenate([ids, np.array(child_ids, dtype=np.int64)])
        self.unknown = int((self.ids < 0).sum())   # formulas past the budget: no form, left alone by the rules
        self._lookup = lookup

    @classmethod
    def from_dict(cls, formulas: dict, shared=None, shared_master=None, budget: Budget | None = None) -> "FormTable":
        cells = list(formulas)
        return cls([c for _r, c in cells], [r for r, _c in cells], list(formulas.values()), shared, shared_master,
                   lookup=formulas, budget=budget)

    def __len__(self) -> int:
        return len(self.ids)

    def text_at(self, cell) -> str | None:
        """A cell's own formula text, or its shared master's."""
        if self._lookup is None:
            self._lookup = dict(zip(zip(self.rows[:self.n_plain].tolist(), self.cols[:self.n_plain].tolist(),
                                        strict=False),
                                    self.texts, strict=False))
        text = self._lookup.get(cell)
        if text is None:
            si = self.shared.get(cell)
            if si is not None and si in self.shared_master:
                mr, mc, mtext = self.shared_master[si]
                # the master's formula, moved to this cell (the master's own text past the budget)
                return _expected_formula(mtext, (mr, mc), cell, self.budget, mtext)
        return text

    def unknown_texts(self):
        """``(cell, text)`` of every formula past the budget (shared children: their master's text)."""
        if not self.unknown:
            return
        for j in np.flatnonzero(self.ids < 0).tolist():
            cell = (int(self.rows[j]), int(self.cols[j]))
            if j < self.n_plain:
                yield cell, self.texts[j]
            else:
                si = self.shared.get(cell)
                yield cell, self.shared_master[si][2] if si in self.shared_master else ""

    def per_form(self):
        """Per form: ``(form, first cell, range text, first cell's formula text)``."""
        if not len(self.ids):
            return
        order = np.lexsort((self.cols, self.rows, self.ids))
        if self.unknown:
            order = order[self.ids[order] >= 0]   # forms past the budget are unknown: nothing to check per form
            if not len(order):
                return
        ids, rows, cols = self.ids[order], self.rows[order], self.cols[order]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        ends = np.r_[starts[1:], len(ids)]
        cmin = np.minimum.reduceat(cols, starts).tolist()
        cmax = np.maximum.reduceat(cols, starts).tolist()
        for a, e, c0, c1 in zip(starts.tolist(), ends.tolist(), cmin, cmax, strict=True):
            first = (int(rows[a]), int(cols[a]))
            j = int(order[a])
            form = self.forms[int(ids[a])]
            text = self.texts[j] if j < self.n_plain else self.text_at(first)
            if e - a == 1:
                where = cell_ref(*first)
            else:
                where = f"{cell_ref(first[0], c0)}:{cell_ref(int(rows[e - 1]), c1)}"
            yield form, first, where, text or form


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
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        tokens = Tokenizer(formula).items
    except Exception:
        return []
    out = []
    stack: list[list] = []
    for tok in tokens:
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
            out.append(tok.value)
    return out


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


NOT_COMPUTED = "(ikke beregnet: grænsen for formelgennemgang er nået)"


def _expected_formula(src_text: str, src: tuple[int, int], dst: tuple[int, int], budget: Budget | None = None,
                      short=...) -> str | None:
    """``src_text`` translated from ``src`` to ``dst``; ``short`` (None: return None) when the budget is spent."""
    from openpyxl.formula.translate import Translator

    if budget is not None and not budget.take(len(src_text) * TOKEN_WEIGHT):
        return NOT_COMPUTED if short is ... else short
    try:
        return Translator(src_text, cell_ref(*src)).translate_formula(cell_ref(*dst))
    except Exception:
        return src_text


def _run_lines(pos, line, ids):
    """Per line (column or row) with at least 3 cells and 2 runs: its runs ``[start, end, form id]``."""

    n = len(ids)
    if n < 3:
        return {}
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

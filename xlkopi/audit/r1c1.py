"""The relative (R1C1) form of formulas: the engine the formula rules compare cells with.

A formula's relative form writes every relative A1 reference as an offset
from its cell (``C5-E6`` in F6 becomes ``R[-1]C[-3]-R[0]C[-1]``), so the
formulas of a block filled down or across share one form. Relative forms
are computed a column and shape at a time by :func:`form_ids`, with no
Python code per cell; :func:`relative_form` is the per-cell definition
they are tested against. :class:`FormTable` holds a sheet's formula cells
with their form ids (shared-formula children take their master's form).
A formula moved to another cell (the expected formula in a message) is
produced with openpyxl's ``Translator`` (:func:`_expected_formula`).

Every path pays for the text it handles from the workbook's
:class:`~.budget.Budget`.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from typing import TYPE_CHECKING, cast

from ..io.a1 import cell_ref, col_index
from .budget import TOKEN_WEIGHT, Budget

if TYPE_CHECKING:   # numpy is imported where a sheet's formulas are handled: a workbook without any never loads it
    import numpy as np

_STRING = re.compile(r'"(?:[^"]|"")*"')
_REF = re.compile(r"(?<![A-Za-z0-9_.$\[])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![0-9A-Za-z_(!.\[])")


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
_ROWS_AT_ONCE = 4096
_SHAPES_AT_ONCE = 65_536
_FEW_SLOTS = 16   # up to this many numbers in a shape, one numpy pass per number is faster


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

    import numpy as np

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
    keymap: dict = defaultdict(count().__next__)
    gid = np.empty(n, dtype=np.int64)
    # a slice at a time: the shapes of 600,000 formulas at once are 60 MiB of short strings held together,
    # a slice's 6 MiB (measured: 74-81 ms for 200,000 formulas against 87 ms at once)
    for lo in range(0, n, _SHAPES_AT_ONCE):
        hi = min(n, lo + _SHAPES_AT_ONCE)
        joined = "\x00".join(texts[lo:hi])
        if "\x01" in joined or joined.count("\x00") != hi - lo - 1:   # unusual characters: one cell at a time
            per_cell(range(n))
            return ids, forms
        shapes = joined.translate(_MARK).split("\x00")
        del joined
        gid[lo:hi] = np.fromiter(map(keymap.__getitem__, zip(cols[lo:hi], shapes, strict=True)), dtype=np.int64,
                                 count=hi - lo)
        del shapes
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

    rows: "np.ndarray"
    cols: "np.ndarray"
    ids: "np.ndarray"

    def __init__(self, cols, rows, texts, shared=None, shared_master=None, lookup=None, budget: Budget | None = None):
        shared, shared_master = shared or {}, shared_master or {}
        self.texts = texts
        self.n_plain = len(texts)
        self.shared, self.shared_master = shared, shared_master
        self.budget = budget
        self._lookup = lookup
        if not texts and not shared and not shared_master:   # no formulas: empty columns, and numpy is not loaded
            self.forms = []
            # an empty int array has all that is read of the three when there are no cells: len, slices, tolist
            self.rows = self.cols = self.ids = cast("np.ndarray", array("q"))
            self.unknown = 0
            return
        import numpy as np

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
        import numpy as np

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
        import numpy as np

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

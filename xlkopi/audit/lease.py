"""Lease schedules found in a sheet, recomputed as annuities.

Pure: works on a sheet's rows of values (python-calamine's output) and
returns :class:`~.findings.Finding` objects; no file I/O.

A table is found by its header row: a cell for the balance
(Restforpligtelse, Restgæld, Saldo), Ydelse (Terminsydelse, ...), Afdrag
and Renter (Rente), plus Termin or Dato, in any order and on any row of
the first :data:`HEADER_SCAN_ROWS`. Its data rows follow until the
balance cell is no longer a number (a total row, a blank row).

Each table is recomputed with the convention of xlkopi's
``LEASE_SCHEDULE`` in mind but without assuming it:

* ydelse = afdrag + renter in every row (1 øre tolerance);
* the balance rolls forward, previous balance − afdrag = balance (1 øre);
  a table whose balance column shows the balance *before* the payment is
  recognised and checked the same way;
* one periodic rate explains every row's interest as
  ``ROUND(balance before the payment × rate; 2)``: a row is reported when
  no rate that explains the other rows gives its interest within the øre
  rounding. Paid in advance (forud), the first row has no interest;
* the payment is the same in every row but the last regular row (which
  settles the rounding remainder) and the residual row;
* the balance after the last row is 0 (or the known residual value);
* the dates are whole, equal numbers of months apart, counted with EDATE
  from the first date (a residual row may share the last payment date).

For each check only the **first** departing row is reported, with the
expected and the found value and the difference, and the number of later
rows that depart too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.vocabulary import format_date
from ..dates import from_serial
from ..io.a1 import cell_ref
from .findings import ADVARSEL, FEJL, INFO, Finding, fmt_kr, fmt_num

if TYPE_CHECKING:   # numpy is imported by the checks of a table found: a workbook without one never loads it
    import numpy as np

HEADER_SCAN_ROWS = 2000
TOL_ORE = 1.0 + 1e-6


_UNIT = re.compile(r"\((?:kr|dkk)\.?\)|\bkr\.?$|\bdkk\b")
_SEPARATORS = re.compile(r"[\s.:;,_\-/()]+")


def _norm(text: str) -> str:
    t = _UNIT.sub("", text.lower().strip())
    return _SEPARATORS.sub(" ", t).strip()


def header_role(text) -> str | None:
    """The column role of a header cell's text, or None.

    >>> [header_role(t) for t in ("Terminsdato", "Terminsydelse", "Restgæld primo", "Rente (kr)",
    ...                           "Rentesats", "Termin nr.", "Saldo", "Afdrag")]
    ['dato', 'ydelse', 'saldo', 'renter', None, 'termin', 'saldo', 'afdrag']
    """
    if not isinstance(text, str) or not text.strip() or len(text) > 60:
        return None
    t = _norm(text)
    if "ydelse" in t:
        return "ydelse"
    if "afdrag" in t:
        return "afdrag"
    if t.startswith("rente") or t.startswith("renter"):
        if "sats" in t or "%" in t or "pct" in t or "procent" in t:
            return None
        return "renter"
    if any(k in t for k in ("restforpligtelse", "restgæld", "restgaeld", "saldo", "restbeløb", "gæld")):
        return "saldo"
    if "dato" in t or t in ("forfald", "betalingsdag", "forfaldsdag"):
        return "dato"
    if t.startswith("termin") or t in ("nr", "periode", "terminsnr", "løbenr"):
        return "termin"
    return None


@dataclass
class LeaseTable:
    """A schedule found in a sheet (1-based rows and columns)."""

    sheet: str
    header_row: int
    cols: dict            # role -> column
    first_row: int        # first data row
    last_row: int         # last data row

    @property
    def rows(self) -> range:
        return range(self.first_row, self.last_row + 1)


_NUMBER_TYPES = frozenset({int, float})


def _is_num(v) -> bool:
    # exact type test: fast on 10^5 rows, and bool (a subclass of int) is not a number here
    return v.__class__ in _NUMBER_TYPES and v == v and v not in (math.inf, -math.inf)


class Columns:
    """A sheet's rows as columns, each extracted once on first use (C speed, no Python code per cell)."""

    def __init__(self, rows: list):
        self.rows = rows
        self._cols: dict[int, list] = {}

    def col(self, c: int) -> list:
        """Column ``c`` (0-based) from row 1; empty and missing cells are ``""``."""
        got = self._cols.get(c)
        if got is None:
            from operator import itemgetter

            try:   # python-calamine's rows all have every column; a short row raises
                got = list(map(itemgetter(c), self.rows))
            except IndexError:
                got = [r[c] if c < len(r) else "" for r in self.rows]
            self._cols[c] = got
        return got

    def cells(self, c: int, first: int, stop: int) -> list:
        """Column ``c`` (0-based) for row indexes ``first`` to ``stop - 1`` (0-based)."""
        return self.col(c)[first:stop]


def as_floats(values: list) -> np.ndarray | None:
    """``values`` as a float array, or None when any of them is not an int or a float.

    One C-level pass: :class:`array.array` refuses text, dates and empty
    cells. A bool (an int subclass) would pass as 0.0 or 1.0, so only the
    cells holding exactly those are looked at again.

    >>> as_floats([1, 2.5, -3]).tolist(), as_floats([1.0, "2"]), as_floats([0.0, True])
    ([1.0, 2.5, -3.0], None, None)
    """
    from array import array
    from operator import itemgetter

    import numpy as np

    try:
        out = np.frombuffer(array("d", values), dtype=float)
    except (TypeError, OverflowError):
        return None
    maybe = np.flatnonzero((out == 0.0) | (out == 1.0))
    if maybe.size:
        picked = itemgetter(*maybe.tolist())(values) if maybe.size > 1 else (values[int(maybe[0])],)
        if not set(map(type, picked)) <= _NUMBER_TYPES:
            return None
    return out


def find_tables(sheet: str, rows: list, columns: Columns | None = None) -> list[LeaseTable]:
    """Every schedule table in a sheet's ``rows`` (row 1 first)."""
    columns = columns or Columns(rows)
    tables: list[LeaseTable] = []
    r = 0
    limit = min(len(rows), HEADER_SCAN_ROWS)
    while r < limit:
        found_any = False
        for cols in _header_segments(rows[r]):
            table = _extent(sheet, rows, r + 1, cols, columns)
            if table is not None:
                tables.append(table)
                found_any = True
        if found_any:
            end = max(t.last_row for t in tables)
            limit = min(len(rows), max(limit, end + HEADER_SCAN_ROWS))
            r = max(r + 1, end)  # tables side by side end at different rows; rescan after the longest
            continue
        r += 1
    return tables


def _header_segments(row: list):
    """Role maps of the header row's segments (separated by empty cells)."""
    segments, current = [], {}
    for c, v in enumerate(row, start=1):
        if isinstance(v, str) and v.strip():
            role = header_role(v)
            if role and role not in current:
                current[role] = c
            continue
        if v == "" or v is None:
            if current:
                segments.append(current)
            current = {}
    if current:
        segments.append(current)
    for cols in segments:
        if {"saldo", "ydelse", "afdrag", "renter"} <= cols.keys() and ("termin" in cols or "dato" in cols):
            yield cols


def _extent(sheet: str, rows: list, header_row: int, cols: dict, columns: Columns) -> LeaseTable | None:
    from itertools import compress, count
    from operator import not_

    balance = columns.col(cols["saldo"] - 1)[header_row:]
    # the first row whose balance is not a number, found by C-level iterators
    numbers = map(_NUMBER_TYPES.__contains__, map(type, balance))
    r = next(compress(count(header_row), map(not_, numbers)), len(rows))
    if r - header_row < 2:
        return None
    return LeaseTable(sheet, header_row, dict(cols), header_row + 1, r)


# --- recomputation --------------------------------------------------------------------

def _as_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if _is_num(v) and 1 <= v <= 2958465:
        try:
            return from_serial(v)
        except ValueError:
            return None
    return None


def _dk_date(d: dt.date) -> str:
    return format_date(d)


def _more(n: int) -> str:
    return "" if n <= 0 else (" (og 1 senere række)" if n == 1 else f" (og {n} senere rækker)")


@dataclass
class _Flows:
    """One table's checkable rows in øre, shared by the checks of :func:`check_table` in their order.

    ``B``, ``Y``, ``A``, ``R`` are the balance, ydelse, afdrag and renter
    columns over rows ``0 .. n - 1`` (an opening row pays nothing); the
    checks run on rows ``start .. n - 1``. The balance check settles what
    the later checks read: ``before`` and ``final_balance``; the payment
    check settles ``residual_row`` and ``forud``.
    """

    table: LeaseTable
    rows: list
    known_residual: float | None
    findings: list[Finding]
    start: int
    n: int
    B: np.ndarray
    Y: np.ndarray
    A: np.ndarray
    R: np.ndarray
    idx: np.ndarray = field(init=False)              # the checked rows, start .. n - 1
    before: np.ndarray = field(init=False)           # the balance before each row's payment (check 2)
    final_balance: float = field(init=False)         # the balance after the last row (check 2)
    residual_row: int | None = field(init=False)     # the residual value's row, if any (check 3)
    forud: bool = field(init=False)                  # paid in advance: the first row has no interest (check 3)

    def __post_init__(self) -> None:
        import numpy as np

        self.idx = np.arange(self.start, self.n)

    def row_no(self, k: int) -> int:
        return self.table.first_row + k


def check_table(table: LeaseTable, rows: list, known_residual: float | None = None,
                columns: Columns | None = None) -> list[Finding]:
    """Recompute one table; findings for the first departing row of each check."""
    columns = columns or Columns(rows)
    findings: list[Finding] = []
    s = _flows(table, rows, known_residual, columns, findings)
    if s is None:
        return findings
    _check_sum(s)
    _check_balance(s)
    _check_payments(s)
    _check_rate(s)
    _check_final_balance(s)
    # check 6 (``datoer``): dates whole, equal numbers of months from the first date
    if "dato" in table.cols:
        findings.extend(_check_dates(table, columns, s.start, s.n, s.residual_row))
    return findings


def _flows(table: LeaseTable, rows: list, known_residual: float | None, columns: Columns,
           findings: list[Finding]) -> _Flows | None:
    """The table's flows in øre up to the first flow cell that is not a number (told as an info finding).

    None when fewer than two rows are left to check.
    """
    import numpy as np

    sheet = table.sheet
    cols = table.cols
    r0 = table.first_row - 1

    def column(role):
        return columns.cells(cols[role] - 1, r0, table.last_row)

    Bv, Yv, Av, Rv = column("saldo"), column("ydelse"), column("afdrag"), column("renter")
    # An opening row: a balance but no payment yet ("termin 0").
    start = 0
    if not _is_num(Yv[0]) or (Yv[0] == 0 and (not _is_num(Av[0]) or Av[0] == 0)):
        if (not _is_num(Rv[0]) or Rv[0] == 0):
            start = 1
    # Flow cells must be numbers; a text or empty cell ends the checkable part.
    n = table.last_row - r0
    def in_ore(stop: int) -> np.ndarray:
        """B, Y, A, R in øre as float arrays over rows ``0 .. stop - 1``; an opening row pays nothing."""
        flows = ([0.0] + v[1:stop] if start else v[:stop] for v in (Yv, Av, Rv))
        return np.array((Bv[:stop], *flows), dtype=float) * 100.0

    # fast path: every flow cell an int or float, converted by C loops; NaN/inf take the slow path
    arrays: tuple[np.ndarray, ...] | None = None
    balance = as_floats(Bv)
    flows = [as_floats(v[start:] if start else v) for v in (Yv, Av, Rv)]   # no copy of a whole column
    floats = [f for f in flows if f is not None]
    if balance is not None and len(floats) == len(flows) and all(np.isfinite(f).all() for f in floats):
        head = np.zeros(start)
        arrays = (balance * 100.0, *(np.concatenate((head, f)) * 100.0 if start else f * 100.0 for f in floats))
    for k in ([] if arrays is not None else range(start, n)):
        if not (_is_num(Yv[k]) and _is_num(Av[k]) and _is_num(Rv[k])):
            bad_role = next(role for role, v in (("ydelse", Yv[k]), ("afdrag", Av[k]), ("renter", Rv[k]))
                            if not _is_num(v))
            findings.append(Finding(sheet, cell_ref(table.first_row + k, cols[bad_role]), "tabel_fundet", INFO,
                                    f"Ydelsesplanen i {cell_ref(table.header_row, cols['saldo'])} kan kun efterregnes "
                                    f"til række {table.first_row + k - 1}: cellen er ikke et tal",
                                    "et tal",
                                    repr(Yv[k] if bad_role == "ydelse" else Av[k] if bad_role == "afdrag" else Rv[k])))
            n = k
            break
    if n - start < 2:
        return None
    B, Y, A, R = arrays if arrays is not None else in_ore(n)
    return _Flows(table, rows, known_residual, findings, start, n, B, Y, A, R)


def _check_sum(s: _Flows) -> None:
    """Check 1 (``ydelse_sum``): ydelse = afdrag + renter."""
    import numpy as np

    sheet, cols, row_no, idx = s.table.sheet, s.table.cols, s.row_no, s.idx
    Y, A, R = s.Y, s.A, s.R
    diff = Y[idx] - A[idx] - R[idx]
    bad = idx[np.abs(diff) > TOL_ORE]
    if bad.size:
        k = int(bad[0])
        s.findings.append(Finding(
            sheet, cell_ref(row_no(k), cols["ydelse"]), "ydelse_sum", FEJL,
            f"Række {row_no(k)}: ydelsen er {fmt_kr(Y[k] / 100)}, men afdrag + renter er "
            f"{fmt_kr((A[k] + R[k]) / 100)} (afvigelse {fmt_kr((Y[k] - A[k] - R[k]) / 100)}){_more(bad.size - 1)}",
            fmt_kr((A[k] + R[k]) / 100), fmt_kr(Y[k] / 100), _at_stake(diff[np.abs(diff) > TOL_ORE])))


def _check_balance(s: _Flows) -> None:
    """Check 2 (``saldo_fremfoering``): the balance rolls forward; which convention does the column follow?

    Sets ``s.before`` and ``s.final_balance`` by the convention found.
    """
    import numpy as np

    sheet, cols, row_no = s.table.sheet, s.table.cols, s.row_no
    B, A, start, n = s.B, s.A, s.start, s.n
    after_ok = np.abs(B[:-1] - A[1:] - B[1:]) <= TOL_ORE          # B[k-1] - A[k] = B[k]
    before_ok = np.abs(B[:-1] - A[:-1] - B[1:]) <= TOL_ORE        # B[k] - A[k] = B[k+1]
    if start:
        before_ok = before_ok[1:] if before_ok.size else before_ok
    after_mode = int(after_ok[start:].sum()) >= int(before_ok.sum()) if start == 0 else True
    if after_mode:
        before = np.empty(n)
        before[1:] = B[:-1]
        before[0] = B[0] + A[0]
        bad = np.nonzero(~after_ok)[0] + 1
        bad = bad[bad > start] if start else bad
        final_balance = B[n - 1]
        if bad.size:
            k = int(bad[0])
            exp = B[k - 1] - A[k]
            s.findings.append(Finding(
                sheet, cell_ref(row_no(k), cols["saldo"]), "saldo_fremfoering", FEJL,
                f"Række {row_no(k)}: restforpligtelsen er {fmt_kr(B[k] / 100)}, men forrige restforpligtelse "
                f"{fmt_kr(B[k - 1] / 100)} − afdrag {fmt_kr(A[k] / 100)} giver {fmt_kr(exp / 100)} "
                f"(afvigelse {fmt_kr((B[k] - exp) / 100)}){_more(bad.size - 1)}",
                fmt_kr(exp / 100), fmt_kr(B[k] / 100), _largest(B[bad] - (B[bad - 1] - A[bad]))))
    else:
        before = B.copy()
        bad = np.nonzero(~before_ok)[0]
        final_balance = B[n - 1] - A[n - 1]
        if bad.size:
            k = int(bad[0]) + 1
            exp = B[k - 1] - A[k - 1]
            s.findings.append(Finding(
                sheet, cell_ref(row_no(k), cols["saldo"]), "saldo_fremfoering", FEJL,
                f"Række {row_no(k)}: restforpligtelsen (før betaling) er {fmt_kr(B[k] / 100)}, men forrige "
                f"{fmt_kr(B[k - 1] / 100)} − afdrag {fmt_kr(A[k - 1] / 100)} giver {fmt_kr(exp / 100)} "
                f"(afvigelse {fmt_kr((B[k] - exp) / 100)}){_more(bad.size - 1)}",
                fmt_kr(exp / 100), fmt_kr(B[k] / 100), _largest(B[bad + 1] - (B[bad] - A[bad]))))
    s.before, s.final_balance = before, final_balance


def _check_payments(s: _Flows) -> None:
    """Check 3 (``fast_ydelse``): payments: regular payment, last regular row, residual row.

    Sets ``s.residual_row`` and ``s.forud``.
    """
    import numpy as np

    table, sheet, cols, row_no, idx = s.table, s.table.sheet, s.table.cols, s.row_no, s.idx
    Y, R, start, n = s.Y, s.R, s.start, s.n
    last = n - 1
    ys = Y[start:last] if last > start else Y[idx]
    vals, counts = np.unique(np.round(ys), return_counts=True)
    regular = float(vals[np.argmax(counts)]) if counts.max() > 1 else float(Y[start])
    remainder_tol = max(5.0, 0.5 * (n - start))
    label = _termin_label(table, s.rows, last)
    residual_row = None
    if label or (abs(Y[last] - regular) > remainder_tol and n - start >= 3):
        residual_row = last
    forud = R[start] == 0 and Y[start] > 0
    last_regular = last - 1 if residual_row is not None else last
    check_pay = idx[(idx < last_regular)]
    bad = check_pay[np.abs(Y[check_pay] - regular) > TOL_ORE]
    if bad.size:
        k = int(bad[0])
        s.findings.append(Finding(
            sheet, cell_ref(row_no(k), cols["ydelse"]), "fast_ydelse", ADVARSEL,
            f"Række {row_no(k)}: ydelsen er {fmt_kr(Y[k] / 100)}, men tabellens faste ydelse er "
            f"{fmt_kr(regular / 100)} (afvigelse {fmt_kr((Y[k] - regular) / 100)}){_more(bad.size - 1)}",
            fmt_kr(regular / 100), fmt_kr(Y[k] / 100), _at_stake(Y[bad] - regular)))
    s.residual_row, s.forud = residual_row, forud


def _check_rate(s: _Flows) -> None:
    """Check 4 (``rentesats``): one periodic rate explains every row's interest."""
    import numpy as np

    sheet, cols, row_no, idx = s.table.sheet, s.table.cols, s.row_no, s.idx
    Y, R, start, before = s.Y, s.R, s.start, s.before
    residual_row, forud = s.residual_row, s.forud
    mask = (idx >= start) & (before[idx] > 0.5)
    if forud:
        mask &= idx != start
    # Paid in advance, the residual falls due a period after the last payment with interest
    # ROUND(RV × i/(1+i); 2) (xlkopi's convention): a rounding of the residual, not of the balance
    # before it, so that row is checked on its own once the regular rows have given the rate.
    advance_residual = residual_row is not None and forud and R[residual_row] != 0
    if residual_row is not None and (R[residual_row] == 0 or advance_residual):
        mask &= idx != residual_row
    rate_rows = idx[mask]
    if rate_rows.size >= 2:
        bb, rr = before[rate_rows], R[rate_rows]
        ratios = rr / bb
        mid = len(ratios) // 2   # the (upper) median, by partition: O(n) and no lazy numpy imports
        i_med = float(np.partition(ratios, mid)[mid])
        inl = np.abs(rr - bb * i_med) <= TOL_ORE
        lo = float(np.max((rr[inl] - 0.5) / bb[inl])) if inl.any() else i_med
        hi = float(np.min((rr[inl] + 0.5) / bb[inl])) if inl.any() else i_med
        if lo <= hi + 1e-15:
            rate = (lo + hi) / 2
            off = (rr < bb * lo - 0.5 - 1e-6) | (rr > bb * hi + 0.5 + 1e-6)
        else:
            rate = i_med
            off = np.abs(rr - bb * i_med) > TOL_ORE + 1e-9 * bb
        bad = rate_rows[off]
        if advance_residual:
            assert residual_row is not None   # advance_residual implies it
            k = residual_row
            rv_interest = _round_ore(Y[k] * rate / (1 + rate))
            # either convention passes: interest on the residual discounted a period, or on the balance before
            if min(abs(R[k] - rv_interest), abs(R[k] - _round_ore(before[k] * rate))) > TOL_ORE:
                bad = np.append(bad, k)
        if bad.size:
            k = int(bad[0])
            if advance_residual and k == residual_row:
                exp = rv_interest
                basis = (f"af restværdien {fmt_kr(Y[k] / 100)} diskonteret en termin (RV × i/(1+i), "
                         "restværdien betales forud en termin efter sidste ydelse)")
            else:
                exp = _round_ore(before[k] * rate)
                basis = f"af restforpligtelsen før betalingen ({fmt_kr(before[k] / 100)})"
            s.findings.append(Finding(
                sheet, cell_ref(row_no(k), cols["renter"]), "rentesats", FEJL,
                f"Række {row_no(k)}: renterne er {fmt_kr(R[k] / 100)}, men tabellens faste periodesats "
                f"{fmt_num(rate * 100, 4)} % {basis} giver {fmt_kr(exp / 100)} (afvigelse "
                f"{fmt_kr((R[k] - exp) / 100)}; rækkens egen sats er {fmt_num(R[k] / before[k] * 100, 4)} %)"
                f"{_more(bad.size - 1)}",
                fmt_kr(exp / 100), fmt_kr(R[k] / 100), _at_stake(_interest_off(s, bad, rate))))


def _check_final_balance(s: _Flows) -> None:
    """Check 5 (``slutsaldo``): the final balance against the residual."""
    sheet, cols, row_no = s.table.sheet, s.table.cols, s.row_no
    Y, final_balance, residual_row, known_residual = s.Y, s.final_balance, s.residual_row, s.known_residual
    findings = s.findings
    last = s.n - 1
    kr_final = final_balance / 100
    if (residual_row is not None and known_residual is not None
            and abs(Y[residual_row] - known_residual * 100) > TOL_ORE):
        findings.append(Finding(
            sheet, cell_ref(row_no(residual_row), cols["ydelse"]), "slutsaldo", FEJL,
            f"Restværdirækken {row_no(residual_row)} betaler {fmt_kr(Y[residual_row] / 100)}, men restværdien er "
            f"{fmt_kr(known_residual)} (afvigelse {fmt_kr(Y[residual_row] / 100 - known_residual)})",
            fmt_kr(known_residual), fmt_kr(Y[residual_row] / 100),
            abs(Y[residual_row] / 100 - known_residual)))
    if abs(final_balance) > TOL_ORE:
        cell = cell_ref(row_no(last), cols["saldo"])
        if residual_row is not None:
            findings.append(Finding(
                sheet, cell, "slutsaldo", FEJL,
                f"Restforpligtelsen efter restværdirækken {row_no(last)} er {fmt_kr(kr_final)}, men skal være 0,00 kr",
                fmt_kr(0), fmt_kr(kr_final), abs(kr_final)))
        elif known_residual is not None:
            if abs(final_balance - known_residual * 100) > TOL_ORE:
                findings.append(Finding(
                    sheet, cell, "slutsaldo", FEJL,
                    f"Restforpligtelsen efter sidste termin (række {row_no(last)}) er {fmt_kr(kr_final)}, men "
                    f"restværdien er {fmt_kr(known_residual)} (afvigelse {fmt_kr(kr_final - known_residual)})",
                    fmt_kr(known_residual), fmt_kr(kr_final), abs(kr_final - known_residual)))
        else:
            findings.append(Finding(
                sheet, cell, "slutsaldo", INFO,
                f"Restforpligtelsen efter sidste termin (række {row_no(last)}) er {fmt_kr(kr_final)}; tabellen har "
                "ingen restværdirække, så beløbet er en restværdi eller en manglende betaling",
                "0,00 kr eller restværdien", fmt_kr(kr_final)))


def _at_stake(differences_ore) -> float:
    """The differences of the bad rows (øre), as kr at stake: their absolute values summed, to the øre."""
    import numpy as np

    return round(float(np.abs(np.asarray(differences_ore, dtype=float)).sum()) / 100, 2)


def _largest(differences_ore) -> float:
    """A balance that is off in one row is off against the row before and the row after: the largest
    difference is what is at stake, not their sum."""
    import numpy as np

    return round(float(np.abs(np.asarray(differences_ore, dtype=float)).max()) / 100, 2)


def _interest_off(s: _Flows, bad, rate: float):
    """The bad rows' interest minus what the table's periodic rate gives (øre)."""
    import numpy as np

    out = []
    for k in np.asarray(bad).tolist():
        if s.residual_row is not None and s.forud and k == s.residual_row and s.R[k] != 0:
            exp = _round_ore(s.Y[k] * rate / (1 + rate))
        else:
            exp = _round_ore(s.before[k] * rate)
        out.append(s.R[k] - exp)
    return out


def _round_ore(x: float) -> float:
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def _termin_label(table: LeaseTable, rows: list, k: int) -> bool:
    if "termin" not in table.cols:
        return False
    c = table.cols["termin"] - 1
    row = rows[table.first_row - 1 + k]
    v = row[c] if c < len(row) else ""
    return isinstance(v, str) and ("rest" in v.lower() or "scrap" in v.lower())


def _check_dates(table: LeaseTable, columns: Columns, start: int, n: int, residual_row) -> list[Finding]:
    """Dates whole months apart: month ``m0 + step·j`` on the anchor day, clamped to the month's end.

    The anchor day is the day of month most of the first dates use (EDATE
    from 31 January gives 29 February, then 31 March).
    """
    from itertools import compress, repeat
    from operator import is_

    import numpy as np

    base = table.first_row - 1
    day = dt.date
    raw = columns.cells(table.cols["dato"] - 1, base, base + n)
    types = list(map(type, raw))   # the one pass over the cells; the rest reads only this list
    if set(types) <= {day, str, type(None)}:   # the usual column: dates, blanks and labels
        ks = list(compress(range(n), map(is_, types, repeat(day))))
        dates = dict(zip(ks, (raw[k] for k in ks), strict=True))
    else:
        converted = [v if v.__class__ is day else (None if v == "" else _as_date(v)) for v in raw]
        ks = [k for k in range(n) if converted[k] is not None]
        dates = {k: converted[k] for k in ks}
    if len(ks) < 2:
        return []
    k0, k1 = ks[0], ks[1]
    d0, d1 = dates[k0], dates[k1]
    if d1 == d0 and k1 == residual_row:
        return []  # a one-payment table in arrears: the residual shares the payment date
    months = (d1.year - d0.year) * 12 + (d1.month - d0.month)
    step = months // max(k1 - k0, 1)
    if step <= 0 or months != step * (k1 - k0):
        return [Finding(table.sheet, cell_ref(table.first_row + k1, table.cols["dato"]), "datoer", ADVARSEL,
                        f"Række {table.first_row + k1}: datoen {_dk_date(d1)} ligger ikke et helt antal måneder "
                        f"efter {_dk_date(d0)}", "et helt antal måneder", _dk_date(d1))]
    days = [dates[k].day for k in ks[:13]]
    anchor = max(set(days), key=lambda d: (days.count(d), d))
    kk = np.array(ks)
    got = np.array(list(dates.values()), dtype="datetime64[D]")   # in the order of ks
    m0 = np.datetime64(f"{d0.year:04d}-{d0.month:02d}", "M")
    month = m0 + step * (kk - k0)
    first = month.astype("datetime64[D]")
    last_day = ((month + 1).astype("datetime64[D]") - first).astype(int)
    expected = first + (np.minimum(anchor, last_day) - 1)
    off = got != expected
    if residual_row is not None and residual_row in ks:
        j = ks.index(residual_row)
        if off[j] and j > 0 and dates[ks[j]] == dates[ks[j - 1]]:
            off[j] = False  # paid in arrears, the residual falls due on the last payment date
    bad = np.nonzero(off)[0]
    if not bad.size:
        return []
    j = int(bad[0])
    k = ks[j]
    exp = expected[j].astype(dt.date)
    got_d = dates[k]
    diff = (got_d - exp).days
    return [Finding(table.sheet, cell_ref(table.first_row + k, table.cols["dato"]), "datoer", ADVARSEL,
                    f"Række {table.first_row + k}: datoen er {_dk_date(got_d)}, men {step} måneder pr. termin fra "
                    f"{_dk_date(d0)} (EDATE) giver {_dk_date(exp)} (afvigelse {diff} "
                    f"{'dag' if abs(diff) == 1 else 'dage'}){_more(bad.size - 1)}",
                    _dk_date(exp), _dk_date(got_d))]


def audit_lease_tables(sheet: str, rows: list, known_residual: float | None = None):
    """Find and recompute every schedule in a sheet; returns ``(tables, findings)``."""
    columns = Columns(rows)
    tables = find_tables(sheet, rows, columns)
    findings: list[Finding] = []
    for t in tables:
        findings.append(Finding(sheet, f"{cell_ref(t.header_row, min(t.cols.values()))}:"
                                       f"{cell_ref(t.last_row, max(t.cols.values()))}",
                                "tabel_fundet", INFO,
                                f"Ydelsesplan med {t.last_row - t.first_row + 1} rækker genkendt og efterregnet"))
        findings.extend(check_table(t, rows, known_residual, columns))
    return tables, findings

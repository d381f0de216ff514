"""A1 cell addresses: column letters and column numbers.

One pair for every module that writes or reads sheet XML (the enrolment
template filler, the auditor); no openpyxl import, which costs 40-70 ms.
"""

from __future__ import annotations


def col_index(letters: str | bytes) -> int:
    """1-based column number of column letters (either case, str or bytes).

    >>> col_index("A"), col_index("Z"), col_index(b"AB"), col_index("xfd")
    (1, 26, 28, 16384)
    """
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(index: int) -> str:
    """Column letters of a 1-based column number (any size: the auditor reports columns past XFD too).

    >>> col_letters(1), col_letters(28), col_letters(16384)
    ('A', 'AB', 'XFD')
    """
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """The A1 address of a 1-based (row, column), row first as in every (row, col) pair of the package.

    >>> cell_ref(1, 1), cell_ref(12, 28), cell_ref(300001, 16385)
    ('A1', 'AB12', 'XFE300001')
    """
    return f"{col_letters(col)}{row}"

"""CSV files as Danish Excel and DOS tools write them: encoding and separator found, rows numbered.

Danish Excel's "CSV (semikolonsepareret)" is cp1252 with ``;`` between
fields; its "CSV UTF-8" has a byte-order mark; DOS and console tools write
cp850. The three disagree on every byte above 127 (``ø`` is 0xF8 in cp1252
and 0x9B in cp850), so a file that is not UTF-8 is decoded both ways and
the reading with more Danish letters and fewer box-drawing and control
characters wins.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from ..errors import WorkbookError

MAX_CSV_BYTES = 50 * 1024 * 1024
"""A CSV larger than this is refused before it is read (an offers file or register is far smaller)."""

_DANISH = set("æøåÆØÅéÉüÜöÖäÄ")


def _score(text: str) -> int:
    """Higher for a plausible Danish text: letters count for, box drawing and controls against."""
    good = sum(ch in _DANISH for ch in text)
    bad = sum(1 for ch in text if ord(ch) > 127 and (unicodedata.category(ch) in ("So", "Cc", "Co", "Cn")
                                                     or 0x2500 <= ord(ch) <= 0x25FF))
    return good - 3 * bad


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file's bytes and the encoding it was read with.

    >>> decode("Kontantpris;Løbetid".encode("cp1252"))[1], decode("Kontantpris;Løbetid".encode("cp850"))[1]
    ('cp1252', 'cp850')
    >>> decode("\\ufeffNavn;Værdi".encode("utf-8"))
    ('Navn;Værdi', 'utf-8-sig')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; read them as latin-1 would rather than fail.
    as_1252 = data.decode("cp1252", errors="replace")
    as_850 = data.decode("cp850")
    return (as_850, "cp850") if _score(as_850) > _score(as_1252) else (as_1252, "cp1252")


def delimiter(first_line: str) -> str:
    """``;`` (Danish Excel), ``,`` or a tab, whichever the header line holds most of.

    >>> delimiter("Felt;Værdi"), delimiter("a,b"), delimiter("a\\tb")
    (';', ',', '\\t')
    """
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts.values())
    if best == 0:
        return ";"
    return next(sep for sep in (";", "\t", ",") if counts[sep] == best)


def read_rows(path: str | Path, what: str = "CSV-filen") -> list[tuple[int, list[str | None]]]:
    """Non-empty rows of a CSV file as ``(row number, values)``, empty fields as None, trailing ones dropped."""
    from .package import read_once  # a FIFO or a device is refused before any read (no hang)

    path = Path(path)
    if path.is_dir():
        raise WorkbookError(f"{what} '{path}' er en mappe, ikke en fil")
    data = read_once(path, what, MAX_CSV_BYTES).data
    text, _encoding = decode(data)
    if "\x00" in text:
        raise WorkbookError(f"{what} '{path.name}' er ikke en tekstfil (den indeholder NUL-tegn)")
    first = text.split("\n", 1)[0]
    rows = []
    try:
        for i, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(first)), start=1):
            cells: list[str | None] = [v if v.strip() else None for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                rows.append((i, cells))
    except csv.Error as exc:
        raise WorkbookError(f"{what} '{path.name}' kan ikke læses som CSV: {exc}") from None
    return rows

"""File names that are safe on Windows, macOS and Linux (Danish letters kept), and one-line display texts.

:func:`one_line` is the one place where a register text becomes a text a
person sees outside a cell: every file name, attachment name and e-mail
header value is made with it, so bidi controls and other invisible format
characters (U+202E, U+2066, U+200B, ...) can never reach them.
"""

from __future__ import annotations

import re
import unicodedata

from ..core.vocabulary import CONTROL_CHARS, clean_text

# Reserved device names on Windows, also with an extension ("CON.xlsx").
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
             *(f"COM{c}" for c in "¹²³"), *(f"LPT{c}" for c in "¹²³")}
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
# Line breaks and control characters (C0, DEL, C1, the Unicode line and paragraph separators).

# NAME_MAX is 255 *bytes* on Linux and macOS (255 UTF-16 units on NTFS, never fewer than UTF-8 bytes);
# the whole name (stem, " (2)" and suffix) stays below it with room for the lock files office programs
# put beside an open file (LibreOffice ".~lock.<name>#", Excel "~$<name>").
MAX_NAME_BYTES = 240


def one_line(text) -> str:
    """``text`` as one line a reader sees as it is: no line breaks, control or format characters.

    Line breaks and control characters become a space; :func:`~xlkopi.core.vocabulary.clean_text`
    folds compatibility forms (NFKC) and drops format characters (bidi
    controls, zero-width spaces); runs of spaces collapse.

    >>> one_line("Kopi \\u202egpj.exe\\r\\nBcc: x@example.com\\u200b")
    'Kopi gpj.exe Bcc: x@example.com'
    """
    return clean_text(CONTROL_CHARS.sub(" ", str(text)))


def _cut(text: str, max_chars: int, max_bytes: int) -> str:
    """``text`` cut to ``max_chars`` characters and ``max_bytes`` UTF-8 bytes at a character boundary.

    A cut never separates a letter from its combining marks (it goes before the letter).
    """
    text = text[:max_chars]
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    n = len(data[:max(max_bytes, 0)].decode("utf-8", "ignore"))
    while 0 < n < len(text) and unicodedata.category(text[n]).startswith("M"):
        n -= 1
    return text[:n]


def safe_filename(stem: str, suffix: str = "", max_length: int = 120, *, copy: int = 1,
                  max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name made from ``stem`` + ``suffix`` that every common OS accepts.

    The stem is made :func:`one_line` (no format characters such as U+202E),
    characters Windows forbids (``<>:"/\\|?*`` and control characters)
    become spaces, runs of spaces collapse, leading dots/spaces and trailing
    dots/spaces go, reserved device names get an underscore. The stem is cut
    to ``max_length`` characters and so that the whole name, with the
    ``" (copy)"`` marker of a de-duplicated name (``copy`` > 1) and
    ``suffix``, is at most ``max_bytes`` UTF-8 bytes; a cut never splits a
    character. Æ, ø and å are kept.

    >>> safe_filename("Tilmelding til AIA/ADK aftalen - Aarhus Kommune", ".xlsx")
    'Tilmelding til AIA ADK aftalen - Aarhus Kommune.xlsx'
    >>> safe_filename("CON", ".eml")
    'CON_.eml'
    >>> safe_filename("  ..Børnehaven Ærø?  ", ".xlsx", copy=2)
    'Børnehaven Ærø (2).xlsx'
    >>> safe_filename("Kopi \\u202egpj.exe", ".xlsx")
    'Kopi gpj.exe.xlsx'
    """
    text = _BAD.sub(" ", one_line(stem))
    text = re.sub(r"\s+", " ", text).strip(" .")
    marker = f" ({copy})" if copy > 1 else ""
    # one byte stays free for the underscore of a reserved name
    budget = max_bytes - len(f"{marker}{suffix}".encode()) - 1
    text = _cut(text, max_length, budget).rstrip(" .")
    if not text:
        text = "unavngivet"
    head, dot, rest = text.partition(".")
    if head.strip().upper() in _RESERVED:
        text = head.strip() + "_" + dot + rest
    return text + marker + suffix


def unique_stem(title: str, used: set[str], suffixes: tuple[str, ...] = (".xlsx", ".eml")) -> str:
    """The stem of a safe file name for ``title`` whose names with ``suffixes`` are not in ``used``.

    ``used`` holds casefolded names already taken (this run's and any other
    file the run writes); the new names are added to it. Two titles that the
    cleaning or the cut make equal get ``(2)``, ``(3)``, ..., inside the
    length limit. Every name ``stem + suffix`` fits :data:`MAX_NAME_BYTES`.

    >>> used = {"a.xlsx"}
    >>> unique_stem("a", used), unique_stem("A", used), sorted(used)
    ('a (2)', 'A (3)', ['a (2).eml', 'a (2).xlsx', 'a (3).eml', 'a (3).xlsx', 'a.xlsx'])
    """
    longest = max(suffixes, key=lambda s: len(s.encode()))
    n = 1
    while True:
        stem = safe_filename(title, longest, copy=n)[:-len(longest)]
        names = [f"{stem}{s}".casefold() for s in suffixes]
        if not any(name in used for name in names):
            used.update(names)
            return stem
        n += 1

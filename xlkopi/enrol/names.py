"""File names that are safe on Windows, macOS and Linux (Danish letters kept)."""

from __future__ import annotations

import re
import unicodedata

# Reserved device names on Windows, also with an extension ("CON.xlsx").
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
             *(f"COM{c}" for c in "¹²³"), *(f"LPT{c}" for c in "¹²³")}
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_filename(stem: str, suffix: str = "", max_length: int = 120) -> str:
    """A file name made from ``stem`` + ``suffix`` that every common OS accepts.

    Characters Windows forbids (``<>:"/\\|?*`` and control characters) become
    spaces, runs of spaces collapse, leading dots/spaces and trailing
    dots/spaces go, reserved device names get an underscore, and the stem is
    cut to ``max_length`` characters. Æ, ø and å are kept (NFC).

    >>> safe_filename("Tilmelding til AIA/ADK aftalen - Aarhus Kommune", ".xlsx")
    'Tilmelding til AIA ADK aftalen - Aarhus Kommune.xlsx'
    >>> safe_filename("CON", ".eml")
    'CON_.eml'
    >>> safe_filename("  ..Børnehaven Ærø?  ", ".xlsx")
    'Børnehaven Ærø.xlsx'
    """
    text = unicodedata.normalize("NFC", str(stem))
    text = _BAD.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = text[:max_length].rstrip(" .")
    if not text:
        text = "unavngivet"
    head, dot, rest = text.partition(".")
    if head.strip().upper() in _RESERVED:
        text = head.strip() + "_" + dot + rest
    return text + suffix

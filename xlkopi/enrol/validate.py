"""Field checks for register rows: CVR, EAN (GLN), e-mail, required fields.

Pure functions: each returns a Danish problem text (or None), so readers
can turn them into :class:`~xlkopi.enrol.model.Finding` rows that name the
sheet, row and field.
"""

from __future__ import annotations

import re

from stdnum import ean as _ean
from stdnum.dk import cvr as _cvr

PUBLIC_EAN_PREFIX = "5798"

# A pragmatic syntax check (RFC 5322 "dot-atom" local part, a dotted domain
# with a 2+ letter top level); deliverability cannot be checked offline.
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9æøåÆØÅ]([A-Za-z0-9æøåÆØÅ-]{0,61}[A-Za-z0-9æøåÆØÅ])?\.)+[A-Za-z]{2,63}$"
)
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def compact_digits(value: str) -> str:
    """``value`` without spaces, hyphens, dots and a leading ``DK``.

    >>> compact_digits("DK 13 58-50.38")
    '13585038'
    """
    text = re.sub(r"[\s\-.]", "", str(value))
    if text[:2].upper() == "DK":
        text = text[2:]
    return text


def cvr_problem(value: str) -> str | None:
    """Why ``value`` is not a valid CVR-nummer (8 digits, modulus 11), or None.

    >>> cvr_problem("13585032") is None
    True
    >>> cvr_problem("13585038")
    'CVR-nummeret 13585038 er ugyldigt (kontrolcifferet passer ikke, modulus 11)'
    """
    digits = compact_digits(value)
    if not digits.isdigit():
        return f"CVR-nummeret {value!r} må kun indeholde cifre"
    if len(digits) != 8:
        return f"CVR-nummeret {digits} skal have 8 cifre (har {len(digits)})"
    if digits[0] == "0" or _cvr.checksum(digits) != 0:
        return f"CVR-nummeret {digits} er ugyldigt (kontrolcifferet passer ikke, modulus 11)"
    return None


def ean_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 13-digit EAN-nummer (GLN), or None.

    ``stdnum.ean`` also accepts 8-, 12- and 14-digit codes, so the length is
    checked first.

    >>> ean_problem("5798000000001") is None
    True
    >>> ean_problem("5798000000002")
    'EAN-nummeret 5798000000002 er ugyldigt (kontrolcifferet passer ikke, GS1)'
    """
    digits = re.sub(r"[\s\-]", "", str(value))
    if not digits.isdigit():
        return f"EAN-nummeret {value!r} må kun indeholde cifre"
    if len(digits) != 13:
        return f"EAN-nummeret {digits} skal have 13 cifre (har {len(digits)})"
    if not _ean.is_valid(digits):
        return f"EAN-nummeret {digits} er ugyldigt (kontrolcifferet passer ikke, GS1)"
    return None


def ean_warning(value: str) -> str | None:
    """A warning when a public customer's EAN-nummer does not start with 5798."""
    digits = re.sub(r"[\s\-]", "", str(value))
    if digits and not digits.startswith(PUBLIC_EAN_PREFIX):
        return (f"EAN-nummeret {digits} begynder ikke med {PUBLIC_EAN_PREFIX}, som offentlige "
                "institutioners EAN-numre normalt gør")
    return None


def email_problem(value: str) -> str | None:
    """Why ``value`` is not a syntactically valid e-mail address, or None.

    >>> email_problem("indkob@aarhus.dk") is None
    True
    >>> email_problem("indkob@aarhus")
    "E-mailadressen 'indkob@aarhus' er ikke gyldig"
    """
    text = str(value)
    if _CONTROL.search(text) or len(text) > 254 or not _EMAIL.match(text):
        return f"E-mailadressen {text!r} er ikke gyldig"
    return None


def single_line_problem(value: str) -> str | None:
    """Names and addresses used in e-mail headers and file names must be one line."""
    if _CONTROL.search(str(value)):
        return "må ikke indeholde linjeskift eller andre kontroltegn"
    return None


def looks_like_formula(value: str) -> bool:
    """True for text a spreadsheet would take as a formula (it is written as text)."""
    return str(value).lstrip().startswith(_FORMULA_START)


def p_number_problem(value: str) -> str | None:
    """Why ``value`` is not a P-nummer (10 digits), or None; blank is allowed."""
    digits = re.sub(r"\s", "", str(value))
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != 10:
        return f"P-nummeret {value!r} skal have 10 cifre"
    return None

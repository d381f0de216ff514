"""Field checks for register rows: CVR, EAN (GLN), e-mail, required fields.

Pure functions: each returns a Danish problem text (or None), so readers
can turn them into :class:`~xlkopi.enrol.model.Finding` rows that name the
sheet, row and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from stdnum import ean as _ean
from stdnum.dk import cvr as _cvr

from ..core.vocabulary import CONTROL_CHARS, format_number
from ..errors import InputError
from .model import (
    ADVARSEL,
    FEJL,
    MAX_CELL_CHARS,
    Agreement,
    Finding,
    Institution,
    Location,
    Membership,
    Record,
    Register,
    Request,
    cell_length,
)

PUBLIC_EAN_PREFIX = "5798"

# A pragmatic syntax check (RFC 5322 "dot-atom" local part, a dotted domain
# with a 2+ letter top level); deliverability cannot be checked offline.
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9æøåÆØÅ]([A-Za-z0-9æøåÆØÅ-]{0,61}[A-Za-z0-9æøåÆØÅ])?\.)+[A-Za-z]{2,63}$"
)
_FORMULA_START = ("=", "+", "-", "@")
# Line breaks and other control characters: C0, DEL, C1 (with NEL, U+0085) and the Unicode line and
# paragraph separators, which Excel and mail programs also show as a new line.


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


def ascii_email(value: str) -> str:
    """``value`` as e-mail headers carry it: the domain in IDNA (ASCII) form, the local part unchanged.

    The local part must be ASCII (no SMTPUTF8); a domain with æ, ø or å is
    encoded with Python's ``idna`` codec (IDNA 2003, which agrees with IDNA
    2008 for these letters). Raises :class:`~xlkopi.errors.InputError` (a
    ``ValueError``) with a Danish text when the address cannot be written in ASCII.

    >>> ascii_email("indkob@ærø-kommune.dk")
    'indkob@xn--r-kommune-f3a3r.dk'
    >>> ascii_email("indkob@aarhus.dk")
    'indkob@aarhus.dk'
    """
    text = str(value)
    local, at, domain = text.rpartition("@")
    if not at or not local.isascii():
        raise InputError(f"E-mailadressen {text!r} kan ikke skrives i en e-mail (kun a-z, 0-9 og tegnsætning "
                         "før @)")
    if domain.isascii():
        return text
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(f"E-mailadressen {text!r} har et domæne, der ikke kan skrives som IDNA "
                         "(fx et led, der bliver over 63 tegn langt, når det kodes)") from None
    return f"{local}@{encoded}"


def email_problem(value: str) -> str | None:
    """Why ``value`` is not a valid e-mail address that the drafts can carry, or None.

    Syntax (see ``_EMAIL``), at most 254 characters also in the ASCII form
    the headers use, and a domain that :func:`ascii_email` can encode.

    >>> email_problem("indkob@aarhus.dk") is None, email_problem("indkob@ærø-kommune.dk") is None
    (True, True)
    >>> email_problem("indkob@aarhus")
    "E-mailadressen 'indkob@aarhus' er ikke gyldig"
    """
    text = str(value)
    if CONTROL_CHARS.search(text) or len(text) > 254 or not _EMAIL.match(text):
        return f"E-mailadressen {text!r} er ikke gyldig"
    try:
        encoded = ascii_email(text)
    except ValueError as exc:
        return str(exc)
    if len(encoded) > 254:
        return f"E-mailadressen {text!r} er for lang ({len(encoded)} tegn som IDNA; højst 254)"
    return None


def single_line_problem(value: str) -> str | None:
    """Names and addresses used in e-mail headers and file names must be one line."""
    if CONTROL_CHARS.search(str(value)):
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


# ------------------------------------------------------------ row checks
# They append Findings to the records (pure: no I/O), so the overview can
# name the sheet, row and field of every problem.



def _add(rec, level: str, field: str | None, message: str) -> None:
    rec.findings.append(Finding(level, rec.sheet, rec.row, field, message))


def _required(rec, fields: dict[str, str]) -> None:
    for attr, label in fields.items():
        if not str(getattr(rec, attr) or "").strip():
            _add(rec, FEJL, label, "skal udfyldes")


def _single_line(rec, fields: dict[str, str]) -> None:
    for attr, label in fields.items():
        value = str(getattr(rec, attr) or "")
        problem = single_line_problem(value)
        if problem:
            _add(rec, FEJL, label, problem)
        elif looks_like_formula(value):
            _add(rec, ADVARSEL, label, f"værdien {value!r} ligner en formel; den skrives som tekst")


def check_institution(inst: Institution) -> None:
    """Required fields, CVR, EAN (13 digits, GS1; warning without 5798), e-mail, one-line names."""
    from .rules import classify_kind  # local: rules imports model only

    _required(inst, {"name": "Navn", "kind": "Type", "cvr": "CVR", "ean": "EAN", "address": "Adresse",
                     "contact": "Kontaktperson", "email": "E-mail", "signatory": "Underskriver"})
    _single_line(inst, {"name": "Navn", "kind": "Type", "contact": "Kontaktperson", "phone": "Telefon",
                        "signatory": "Underskriver", "signatory_title": "Underskrivers titel"})
    kind_class = inst.kind_class = classify_kind(inst.kind)  # once per institution: plan and the fill use it
    if inst.kind.strip() and kind_class[0] is None:
        _add(inst, FEJL, "Type", f"ukendt institutionstype '{inst.kind}'; brug fx Kommune, Region, Selvejende "
                                  "institution eller Statslig institution")
    if inst.cvr.strip():
        problem = cvr_problem(inst.cvr)
        if problem:
            _add(inst, FEJL, "CVR", problem)
        else:
            inst.cvr = compact_digits(inst.cvr)
    _check_ean(inst, "EAN")
    if inst.email.strip():
        problem = email_problem(inst.email.strip())
        if problem:
            _add(inst, FEJL, "E-mail", problem)


def _check_ean(rec, label: str) -> None:
    if not rec.ean.strip():
        return
    problem = ean_problem(rec.ean)
    if problem:
        _add(rec, FEJL, label, problem)
        return
    rec.ean = re.sub(r"[\s\-]", "", rec.ean)
    warning = ean_warning(rec.ean)
    if warning:
        _add(rec, ADVARSEL, label, warning)


def check_location(loc: Location) -> None:
    """Required fields, EAN, P-nummer."""
    _required(loc, {"institution": "Institution", "unit": "Enhed", "ean": "EAN", "address": "Leveringsadresse"})
    _single_line(loc, {"institution": "Institution", "unit": "Enhed", "contact": "Kontaktperson"})
    _check_ean(loc, "EAN")
    problem = p_number_problem(loc.p_number)
    if problem:
        _add(loc, FEJL, "P-nummer", problem)


def check_agreement(agr: Agreement) -> None:
    """Name and phase present; warn when the explicit value contradicts the rules."""
    from .rules import default_requires_enrolment

    _required(agr, {"name": "Aftale"})
    _single_line(agr, {"name": "Aftale"})
    if agr.requires_enrolment_given:
        default = default_requires_enrolment(agr.name, agr.phase)
        if agr.phase is not None and default != agr.requires_enrolment:
            said = "kræver" if agr.requires_enrolment else "kræver ikke"
            _add(agr, ADVARSEL, "Kræver tilmelding",
                 f"aftalekataloget siger, at aftalen {said} tilmelding, hvilket afviger fra reglerne "
                 "(fase 8-10 og ikke en af de undtagne aftaler); kataloget følges")
    elif agr.phase is None:
        _add(agr, FEJL, "Fase", "skal udfyldes, når 'Kræver tilmelding' er tom")


def check_membership(m: Membership) -> None:
    """Institution and a phase or an agreement."""
    _required(m, {"institution": "Institution"})
    if m.phase is None and not m.agreement.strip():
        _add(m, FEJL, "Fase", "angiv en fase eller en aftale")


def check_request(r: Request) -> None:
    """Institution and agreement present, one line each."""
    _required(r, {"institution": "Institution", "agreement": "Aftale"})
    _single_line(r, {"institution": "Institution", "agreement": "Aftale"})


# The register's column of each text field, per sheet (for the findings).
_LABELS: dict[type, dict[str, str]] = {
    Institution: {"name": "Navn", "kind": "Type", "cvr": "CVR", "ean": "EAN", "address": "Adresse",
                  "contact": "Kontaktperson", "email": "E-mail", "phone": "Telefon", "signatory": "Underskriver",
                  "signatory_title": "Underskrivers titel"},
    Location: {"institution": "Institution", "unit": "Enhed", "ean": "EAN", "p_number": "P-nummer",
               "address": "Leveringsadresse", "contact": "Kontaktperson"},
    Agreement: {"name": "Aftale", "template": "Skabelon", "mapping": "Feltkort", "document": "Bilag 7",
                "document_mapping": "Feltkort (Word)"},
    Membership: {"institution": "Institution", "agreement": "Aftale"},
    Request: {"institution": "Institution", "agreement": "Aftale"},
}


def check_cell_lengths(rec) -> None:
    """Refuse a text longer than an Excel cell holds (32,767 characters): the filled workbook cannot take it."""
    for attr, label in _LABELS.get(type(rec), {}).items():
        value = getattr(rec, attr)
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS // 2 and cell_length(value) > MAX_CELL_CHARS:
            _add(rec, FEJL, label, f"er for lang ({format_number(cell_length(value))} tegn; en Excel-celle "
                                    f"kan højst rumme {format_number(MAX_CELL_CHARS)})")


def check_register(reg: Register) -> None:
    """Run the row checks and flag duplicates (institution names, agreements, location EANs)."""
    from .rules import normalise

    # each sheet's records with the check for that sheet's record type
    row_checks: tuple[tuple[Sequence[Record], Callable[[Any], None]], ...] = (
        (reg.institutions, check_institution), (reg.locations, check_location),
        (reg.agreements, check_agreement), (reg.memberships, check_membership),
        (reg.requests, check_request))
    for rows, check in row_checks:
        for rec in rows:
            check_cell_lengths(rec)
            check(rec)
    for rows, label, key in ((reg.institutions, "Navn", lambda r: normalise(r.name)),
                             (reg.agreements, "Aftale", lambda r: normalise(r.name)),
                             (reg.locations, "EAN", lambda r: (normalise(r.institution), r.ean) if r.ean else None)):
        seen: dict = {}
        for rec in rows:
            k = key(rec)
            if not k:
                continue
            if k in seen:
                first = seen[k]
                if rec.content() == first.content():
                    rec.duplicate_of = first.row
                    _add(rec, ADVARSEL, label, f"dublet af række {first.row} med samme indhold; rækken ignoreres")
                else:
                    _add(rec, FEJL, label, f"findes også i række {first.row} med andet indhold; ret en af dem")
            else:
                seen[k] = rec

"""Findings: the plain data every audit rule returns.

A :class:`Finding` names the sheet and cell (or range), the rule, a
severity and a Danish message with the expected and the found value. The
rules are pure functions over plain data (rows of values, formula maps),
so they can be tested without files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The severities are re-exported: every audit rule imports them from here.
from ..core.severity import ADVARSEL as ADVARSEL
from ..core.severity import FEJL as FEJL
from ..core.severity import INFO as INFO
from ..core.severity import SEVERITIES as SEVERITIES
from ..core.vocabulary import format_amount, format_number

RULES: dict[str, str] = {
    # package / safety
    "makroer": "Makroer (VBA) i filen",
    "eksterne_links": "Eksterne kædede projektmapper",
    "begraenset": "Gennemgang begrænset",
    # lease tables
    "ydelse_sum": "Ydelse ≠ afdrag + renter",
    "saldo_fremfoering": "Restforpligtelsen føres ikke korrekt frem",
    "rentesats": "Renten svarer ikke til en fast periodesats",
    "fast_ydelse": "Ydelsen er ikke fast",
    "slutsaldo": "Slutsaldo passer ikke med restværdien",
    "datoer": "Terminsdatoer med uregelmæssig afstand",
    "tabel_fundet": "Ydelsesplan genkendt",
    # red flags (codes of xlkopi.core.redflags prefixed); the comparison's coverage
    "ulige_daekning": "Tilbuddene dækker ikke samme periode",
    # formula integrity
    "fejlvaerdi": "Fejlværdi i celle",
    "hardkodet_tal": "Hårdkodet tal i formel",
    "konstant_i_formelblok": "Konstant afbryder ensartede formler",
    "inkonsistent_formel": "Formel afviger fra nabocellerne",
    "ekstern_reference": "Reference til anden projektmappe",
    "skjult_ark": "Skjult ark",
    "meget_skjult_ark": "Meget skjult ark",
    "tal_som_tekst": "Tal gemt som tekst",
    # stale values
    "foraeldet_vaerdi": "Gemt værdi afviger fra genberegning",
    "kan_ikke_efterproeves": "Kan ikke efterprøves i LibreOffice",
    "ingen_gemt_vaerdi": "Formler uden gemt værdi",
    # fingerprint
    "fingeraftryk": "Formler ændret siden generering",
    "fingeraftryk_ok": "Formler uændret siden generering",
}


def rule_title(code: str) -> str:
    """The Danish title of a rule code (red flags come from ``xlkopi.core.redflags``)."""
    if code in RULES:
        return RULES[code]
    if code.startswith("rødt_flag:"):
        from ..core.redflags import RULES as FLAGS

        for rule in FLAGS:
            if rule.code == code.split(":", 1)[1]:
                return rule.title
    return code


@dataclass(frozen=True)
class Finding:
    """One audit finding.

    ``sheet`` is ``None`` for findings about the whole file; ``cell`` is an
    A1 cell or range (``"C12"``, ``"E5:E40"``) or ``None``.
    """

    sheet: str | None
    cell: str | None
    rule: str
    severity: str
    message: str
    expected: str = ""
    found: str = ""
    amount: float = 0.0   # kr at stake: the differences a lease check found, summed over its rows (0: none)

    @property
    def title(self) -> str:
        return rule_title(self.rule)


def worst(findings) -> str | None:
    """The worst severity among ``findings`` (None when there are none).

    >>> worst([Finding("A", "A1", "x", INFO, "m"), Finding("A", "A1", "y", ADVARSEL, "m")])
    'advarsel'
    """
    ranks = {s: i for i, s in enumerate(SEVERITIES)}
    best = None
    for f in findings:
        if best is None or ranks[f.severity] < ranks[best]:
            best = f.severity
    return best


# C0/C1 control characters (tab and newline kept), lone surrogates, line/paragraph separators and the
# bidirectional overrides: none is text a reader should see, and on a terminal ESC starts a control sequence.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(m) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    r"""``text`` with every control character written as ``\xNN`` / ``\uNNNN``: safe for a terminal and a cell.

    Workbook text (formulas, sheet names, labels) can carry characters that
    restyle a terminal (ESC), reorder what is shown (U+202E) or cannot be
    written to an xlsx cell at all (``&#1;`` in a formula); they are shown
    as escapes instead.

    >>> visible("Ark\x1b[2J"), visible('="\x01"'), visible("a\u202eb"), visible("plain [/x] :smile:")
    ('Ark\\x1b[2J', '="\\x01"', 'a\\u202eb', 'plain [/x] :smile:')
    """
    text = str(text)
    if not _INVISIBLE.search(text):
        return text
    return _INVISIBLE.sub(_escape, text)


def fmt_kr(value: float) -> str:
    """An amount in kr the Danish way: thousands with '.', decimals with ','.

    >>> fmt_kr(1234567.5), fmt_kr(-0.01)
    ('1.234.567,50 kr', '-0,01 kr')
    """
    return format_amount(value)


def fmt_num(value: float, decimals: int = 6) -> str:
    """A number with a decimal comma and no trailing zeros.

    >>> fmt_num(0.01275), fmt_num(12.0)
    ('0,01275', '12')
    """
    return format_number(value, max_decimals=decimals)

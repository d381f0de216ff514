"""The guide's red flags as live formulas: each rule of :data:`xlkopi.core.redflags.RULES` over the defined names.

The Tjekliste sheet (:mod:`.checklist`) writes, for every rule and offer, a formula that evaluates to ``OK``
or to the text the Python rule gives, ``<found> (bør være: <expected>)``, so editing a yellow input on
Forudsætninger updates the checklist like every other figure. :func:`~.checklist.checklist_text` (the
model's flags) is the oracle; the tests recalculate the workbook in LibreOffice, also after editing inputs,
and require the two to be equal.

The rules, as the comparison model (:func:`xlkopi.compare.model.contract_terms`) feeds them
-----------------------------------------------------------------------------------------
Every threshold is the constant of :mod:`xlkopi.core.redflags` (written into the formula from it); the
expected texts are the rule's own (:func:`expected`, the Python rule run on terms that fire it).

===========================  ==================================================  ============================
rule                         fires when (names ``Tn_...``)                       threshold, source
===========================  ==================================================  ============================
``restvaerdi``               Restvaerdi / Kontantpris > 5 % (a schedule)         MAX_RESIDUAL_SHARE, rule 2
``finansiel_loebetid``       Loebetid > 5 år (finansiel, leje, all-in)           MAX_FINANCIAL_YEARS, rule 3
``operationel_loebetid``     Loebetid > 3 år (operationel)                       MAX_OPERATIONAL_YEARS, rule 3
``service_loebetid``         a service price, Serviceloebetid ≠ Loebetid         (equal terms), rule 10
                             (not cash, not all-in: its service is its term)
``fuld_klikpris``            all-in: the excess price (blank: Klikpris) is       (click price), rule 9
                             ≥ Klikpris and above ServiceSH
``indekseret_finansiering``  IndeksFinansiering = 1 and Indeksering > 0          (none), rule 8
``sekundaer_periode``        SekundaerPeriode ≠ 0                                (none), rule 6
``gebyrer`` (info)           Gebyrer (the horizon's fees) > 0                    (none), rule 10
``ingen_kreditering``        Minimumsvolumen > 0 and Kreditering blank           (none), rules 8 and 10
``afregning``                Minimumsvolumen > 0, Afregning < 12 måneder and     YEARLY_SETTLEMENT, the guide
                             Kreditering blank                                   (Serviceaftalen)
``udnyttelse``               Kapacitet given and Udnyttelse < 50 %               MIN_UTILISATION, rule 11
===========================  ==================================================  ============================

(The rule numbers are those of ``DOMAIN.md``, "Rules the guide states".) The financing form is fixed in
the workbook (grey: the sheets' layout depends on it), so a rule that cannot fire for an offer's form
gets no formula (:func:`flag_formula` gives None and the sheet shows the text ``OK``).

Numbers in the text, in every locale
------------------------------------
``TEXT(x; "#.##0,00")`` is not used: Excel reads TEXT's format string in the user's locale (``"#,##0.00"``
means one thing in English Excel and another in Danish Excel), so no format string is right in both.
The formulas build Danish numbers from functions whose output has no locale-dependent part but the
decimal mark, and replace that mark:

* a fixed number of decimals (amounts, prices per print, percentages; :func:`number_text`):
  ``FIXED(ROUND(ABS(x); d); d; 1)`` gives the digits, the locale's decimal mark and no thousands
  separator (the third argument), ``.`` or ``,`` in every locale Excel and LibreOffice ship;
  ``SUBSTITUTE(…; "."; ",")`` makes it a comma, then ``REPLACE`` inserts a ``.`` before every third
  integer digit from the right (up to 10^15), and ``"-"`` leads when ``ROUND(x; d) < 0``. ROUND rounds
  the number as shown (15 significant digits), halves away from zero, as
  :func:`~xlkopi.core.vocabulary.format_number` (ROUND_HALF_UP) rounds the Decimal: ``1,005`` is
  ``1,01``. LibreOffice's FIXED alone rounds the binary double (``1,00``), hence ROUND first;
* as many decimals as the number has (terms in years; :func:`general_text`): ``x & ""`` is the number
  in the General form (at most 15 significant digits, the locale's decimal mark, never a thousands
  separator), then the mark is made a comma. A term is at most 15 years (the offers reader), so it has no
  thousands to separate;
* whole numbers (months): ``x & ""``, which has no separator at all.

LibreOffice's da-DK profile (the tests' recalculation) and English or Danish Excel give the same text.
A term that is not a terminating decimal (40 months as years: 3,333… år) shows 15 significant digits,
where Python shows the Decimal's 28.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from ...core.kinds import LEASE_KINDS
from ...core.redflags import (
    FINANCIAL_TERM_KINDS,
    MAX_FINANCIAL_YEARS,
    MAX_OPERATIONAL_YEARS,
    MAX_RESIDUAL_SHARE,
    MIN_UTILISATION,
    NO_SERVICE_TERM_KINDS,
    OPERATIONAL_TERM_KINDS,
    RULES,
    YEARLY_SETTLEMENT,
    ContractTerms,
)

OK = "OK"
"""What a cell shows when its rule does not fire."""

GROUPS = 4
"""Thousands separators :func:`number_text` inserts at most: exact below 10^15 (beyond, a double has no øre)."""

# Terms that fire each rule: the expected texts are read from the rule itself, so the wording lives in one place.
_FIRING = {
    "restvaerdi": ContractTerms(price=Decimal(1), residual=Decimal(1)),
    "finansiel_loebetid": ContractTerms(kind=FINANCIAL_TERM_KINDS[0], years=MAX_FINANCIAL_YEARS + 1),
    "operationel_loebetid": ContractTerms(kind=OPERATIONAL_TERM_KINDS[0], years=MAX_OPERATIONAL_YEARS + 1),
    "service_loebetid": ContractTerms(kind=FINANCIAL_TERM_KINDS[0], years=Decimal(1), service_years=Decimal(2)),
    "fuld_klikpris": ContractTerms(excess_price=Decimal(1), click_price=Decimal(1)),
    "indekseret_finansiering": ContractTerms(financing_indexed=True),
    "sekundaer_periode": ContractTerms(secondary_months=1),
    "gebyrer": ContractTerms(fees=Decimal(1)),
    "ingen_kreditering": ContractTerms(unused_credited=False, has_minimum_volume=True),
    "afregning": ContractTerms(settlement_months=1, has_minimum_volume=True, unused_credited=False),
    "udnyttelse": ContractTerms(rated_volume=Decimal(1), expected_volume=Decimal(0)),
}


def cell_text(found: str, expected: str) -> str:
    """A fired rule's cell: ``found (bør være: expected)``."""
    return f"{found} (bør være: {expected})"


def _fired(code: str) -> tuple[str, str]:
    rule = next(r for r in RULES if r.code == code)
    hit = rule.check(_FIRING[code])
    assert hit is not None, f"the sample terms of {code} must fire it"
    return hit


def expected(code: str) -> str:
    """The expected text of rule ``code`` (``højst 5,0 %``), as the Python rule writes it."""
    return _fired(code)[1]


def _literal(text: str) -> str:
    """A text as a formula's string literal."""
    return '"' + text.replace('"', '""') + '"'


def _number(d: Decimal) -> str:
    """A threshold as a formula writes it (machine form, ``0.05``)."""
    return format(d.normalize(), "f")


class _Text(str):
    """A fixed part of a cell's text (becomes a string literal); other parts are formula expressions."""


def number_text(x: str, decimals: int, groups: int = GROUPS) -> str:
    """A formula (without ``=``) giving ``x`` as :func:`~xlkopi.core.vocabulary.format_number` writes it with
    ``decimals`` decimals: ``1.234,50``. ``groups`` thousands separators at most (0 for a value known to be
    below 1000)."""
    fixed = f"FIXED(ROUND(ABS({x}),{decimals}),{decimals},1)"   # ROUND first: it rounds as shown, FIXED does not
    tail = decimals + 1 if decimals else 0   # the decimal mark and the decimals after the integer digits
    text = f'SUBSTITUTE({fixed},".",",")'
    for j in range(1, groups + 1):
        # a dot before the 3j last integer digits, when there are more (rightmost first: the others stay put)
        text = f'REPLACE({text},MAX(1,LEN({fixed})-{tail + 3 * j - 1}),0,IF(LEN({fixed})>{tail + 3 * j},".",""))'
    return f'IF(ROUND({x},{decimals})<0,"-","")&{text}'


def general_text(x: str) -> str:
    """A formula giving ``x`` with as many decimals as it has (15 significant digits), decimal comma: ``2,5``."""
    return f'SUBSTITUTE({x}&"",".",",")'


def _percent(share_times_100: str, groups: int = GROUPS) -> list[str]:
    """A percentage with one decimal, as :func:`~xlkopi.core.vocabulary.format_percent` (``x``, 1): ``5,1 %``."""
    return [number_text(share_times_100, 1, groups), _Text(" %")]


def _years(x: str) -> list[str]:
    return [general_text(x), _Text(" år")]


def _join(parts: list[str]) -> str:
    """The parts joined with ``&``, adjacent fixed texts merged into one literal."""
    merged: list[str] = []
    for part in parts:
        if isinstance(part, _Text) and merged and isinstance(merged[-1], _Text):
            merged[-1] = _Text(merged[-1] + part)
        else:
            merged.append(part)
    return "&".join(_literal(p) if isinstance(p, _Text) else p for p in merged)


def _chain(conditions: list[str], found: list[str], code: str) -> str:
    """``IF(c1,IF(c2,found (bør være: expected),"OK"),"OK")``: each condition guards the next
    (an Excel AND evaluates every argument, so a guard such as a zero price must come first)."""
    formula = _join(found + [_Text(" (bør være: " + expected(code) + ")")])
    for condition in reversed(conditions):
        formula = f'IF({condition},{formula},"{OK}")'
    return formula


def _fires(conditions: list[str], found: list[str], code: str) -> str:
    """The cell's formula: :func:`_chain` after ``=``."""
    return "=" + _chain(conditions, found, code)


def _residual(k: str, kind: str) -> str | None:
    if kind not in LEASE_KINDS:
        return None   # the model passes no residual for a cash purchase
    share = f"{k}_Restvaerdi*100/{k}_Kontantpris"   # one division: halves round as in Python
    return _fires([f"N({k}_Kontantpris)<>0", f"{k}_Restvaerdi/{k}_Kontantpris>{_number(MAX_RESIDUAL_SHARE)}"],
                  _percent(share, groups=1), "restvaerdi")   # below 100.000 %: the reader keeps it below 100 %


def _financial_term(k: str, kind: str) -> str | None:
    if kind not in FINANCIAL_TERM_KINDS:
        return None
    return _fires([f"N({k}_Loebetid)>{_number(MAX_FINANCIAL_YEARS)}"], _years(f"{k}_Loebetid"),
                  "finansiel_loebetid")


def _operational_term(k: str, kind: str) -> str | None:
    if kind not in OPERATIONAL_TERM_KINDS:
        return None
    return _fires([f"N({k}_Loebetid)>{_number(MAX_OPERATIONAL_YEARS)}"], _years(f"{k}_Loebetid"),
                  "operationel_loebetid")


def _service_term(k: str, kind: str) -> str | None:
    if kind in NO_SERVICE_TERM_KINDS or kind == "allin":
        return None   # all-in: the service runs the financing term (model.service_term_of)
    # a blank service term is the financing term (the model), so only a number can differ
    found = [_Text("service "), *_years(f"{k}_Serviceloebetid"), _Text(", finansiering "), *_years(f"{k}_Loebetid")]
    return _fires([f"OR(N({k}_ServiceSH)<>0,N({k}_ServiceFarve)<>0)",
                   f"AND(ISNUMBER({k}_Serviceloebetid),N({k}_Serviceloebetid)<>N({k}_Loebetid))"],
                  found, "service_loebetid")


def _excess_full_click(k: str, kind: str) -> str | None:
    if kind != "allin":
        return None   # the model passes an excess price for an all-in contract only

    def chain(excess: str, at_click: list[str]) -> str:   # below 1.000.000 kr a print: one thousands separator
        return _chain([f"{excess}>N({k}_ServiceSH)", *at_click],
                      [number_text(excess, 4, groups=1), _Text(" kr pr. tryk (= klikprisen)")], "fuld_klikpris")

    stated = chain(f"{k}_PrisOverskydende", [f"{k}_PrisOverskydende>={k}_Klikpris"])
    full = chain(f"{k}_Klikpris", [])   # no excess price stated: the full click price is charged (the model)
    return f"=IF(ISNUMBER({k}_PrisOverskydende),{stated},{full})"


def _indexed_financing(k: str, kind: str) -> str | None:
    if kind not in LEASE_KINDS:
        return None
    return _fires([f"AND(N({k}_IndeksFinansiering)=1,N({k}_Indeksering)>0)"],
                  [_Text(_fired("indekseret_finansiering")[0])], "indekseret_finansiering")


def _secondary(k: str, kind: str) -> str:
    return _fires([f"N({k}_SekundaerPeriode)<>0"], [f"{k}_SekundaerPeriode", _Text(" måneder")], "sekundaer_periode")


def _fees(k: str, kind: str) -> str:
    return _fires([f"N({k}_Gebyrer)>0"], [number_text(f"{k}_Gebyrer", 2), _Text(" kr")], "gebyrer")


def _unused_credit(k: str, kind: str) -> str:
    # a credit of 0 kr is a credit (the model: a stated price); only a blank one is none
    return _fires([f"AND(N({k}_Minimumsvolumen)>0,NOT(ISNUMBER({k}_Kreditering)))"],
                  [_Text(_fired("ingen_kreditering")[0])], "ingen_kreditering")


def _settlement(k: str, kind: str) -> str:
    # a blank period is yearly (the model's default); a blank credit is none, as for ingen_kreditering
    months = f"IF(ISNUMBER({k}_Afregning),{k}_Afregning,{YEARLY_SETTLEMENT})"
    return _fires([f"AND(N({k}_Minimumsvolumen)>0,{months}<{YEARLY_SETTLEMENT},NOT(ISNUMBER({k}_Kreditering)))"],
                  [_Text("afregning hver "), months, _Text(". måned uden kreditering")], "afregning")


def _utilisation(k: str, kind: str) -> str:
    # below 50 %, so no thousands to separate
    return _fires([f"N({k}_Kapacitet)<>0", f"{k}_Udnyttelse<{_number(MIN_UTILISATION)}"],
                  _percent(f"{k}_Udnyttelse*100", groups=0), "udnyttelse")


FORMULAS: dict[str, Callable[[str, str], str | None]] = {
    "restvaerdi": _residual,
    "finansiel_loebetid": _financial_term,
    "operationel_loebetid": _operational_term,
    "service_loebetid": _service_term,
    "fuld_klikpris": _excess_full_click,
    "indekseret_finansiering": _indexed_financing,
    "sekundaer_periode": _secondary,
    "gebyrer": _fees,
    "ingen_kreditering": _unused_credit,
    "afregning": _settlement,
    "udnyttelse": _utilisation,
}
"""Rule code → the formula of offer ``k`` of financing form ``kind`` (None: the rule cannot fire for it)."""

assert set(FORMULAS) == {rule.code for rule in RULES} == set(_FIRING), "one formula per rule of core.redflags"


def flag_formula(code: str, k: str, kind: str) -> str | None:
    """The Tjekliste formula of rule ``code`` for offer ``k`` (``T1``) of financing form ``kind``.

    None when the rule cannot fire for that form (the form is fixed in the workbook).

    >>> flag_formula("sekundaer_periode", "T1", "leje")
    '=IF(N(T1_SekundaerPeriode)<>0,T1_SekundaerPeriode&" måneder (bør være: ingen automatisk forlængelse)","OK")'
    >>> flag_formula("restvaerdi", "T1", "kontant") is None
    True
    """
    return FORMULAS[code](k, kind)

"""The financing forms the guide names, one table: code, Danish label, the words users write for it.

The guide's six forms (DOMAIN.md, "Financing forms"): kontant køb, eksternt finansieret køb (banklån),
operationel leasing, finansiel leasing, lejeaftale (finansiel leasing + service) and all-in. Every
reader (offers, the contract register) and every writer uses these codes and labels.

>>> parse_kind("Finansiel leasing"), parse_kind("lejekontrakt"), parse_kind("All-in"), parse_kind("Leasing")
('finansiel', 'leje', 'allin', None)
>>> LABELS["operationel"]
'Operationel leasing'
"""

from __future__ import annotations

from .vocabulary import fold

LABELS = {
    "kontant": "Kontant køb",
    "banklaan": "Banklån",
    "operationel": "Operationel leasing",
    "finansiel": "Finansiel leasing",
    "leje": "Lejeaftale",
    "allin": "All-in",
}
"""Code → the Danish label workbooks show (the order is the guide's)."""

KINDS = tuple(LABELS)

LEASE_KINDS = ("banklaan", "operationel", "finansiel", "leje", "allin")
"""Forms financed by an annuity schedule (a bank loan is one too); a cash purchase is not."""

WORDS = {
    # with and without the Danish letters: "køb" and "kob", "lån" and "lan" (a keyboard or an export without æøå)
    "kontant": ("kontant", "kontant køb", "kontantkøb", "køb", "kontant kob", "kob"),
    "banklaan": ("banklån", "lån", "eksternt finansieret køb", "banklan", "lan", "eksternt finansieret kob"),
    "operationel": ("operationel", "operationel leasing"),
    "finansiel": ("finansiel", "finansiel leasing"),
    "leje": ("leje", "lejeaftale", "lejekontrakt"),
    "allin": ("all-in", "all in", "allin", "all-in kontrakt", "all-in-kontrakt"),
}
"""What users write for each form; compared by :func:`xlkopi.core.vocabulary.fold` (case, accents, spaces)."""

_BY_WORD = {fold(word): code for code, words in WORDS.items() for word in words}


def parse_kind(text) -> str | None:
    """The code of a financing form written in words, or None when the text names none of them."""
    if text is None:
        return None
    return _BY_WORD.get(fold(str(text)))

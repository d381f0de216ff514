"""How serious a finding is, in the words the users read: fejl, advarsel, info.

One set for every feature that reports findings (the auditor's findings, the enrolment register's
checks), worst first, so that "fejl" means the same everywhere and sorts the same everywhere.

>>> SEVERITIES
('fejl', 'advarsel', 'info')
>>> sorted([INFO, FEJL, ADVARSEL], key=rank)
['fejl', 'advarsel', 'info']
"""

from __future__ import annotations

FEJL = "fejl"
"""Wrong: a number that does not reconcile, a record that cannot be used."""
ADVARSEL = "advarsel"
"""Needs a look: one of the guide's red flags, a value that is unusual but possible."""
INFO = "info"
"""For the record: what was skipped or could not be checked, and why."""

SEVERITIES = (FEJL, ADVARSEL, INFO)
"""Severities, worst first."""


def rank(severity: str) -> int:
    """0 for the worst (fejl), 2 for info; a severity outside the three raises ValueError."""
    return SEVERITIES.index(severity)

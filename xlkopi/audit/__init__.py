"""The workbook auditor (``xlkopi audit``).

Reads an xlsx/xlsm without running anything in it and without modifying
it, and reports findings (sheet, cell, rule, severity fejl/advarsel/info,
a Danish message with expected and found values):

* :mod:`.safety`   checks on the untrusted container before any parser runs;
* :mod:`.reader`   plain data: values (python-calamine) and formulas (:mod:`.sheetscan`);
* :mod:`.lease`    schedule tables recomputed as annuities;
* :mod:`.terms`    the guide's red flags from defined names or labelled cells;
* :mod:`.formulas` formula integrity;
* :mod:`.r1c1`     the relative (R1C1) forms of formulas the formula rules compare;
* :mod:`.budget`   how much formula text one workbook may cost them;
* :mod:`.stale`    cached values against LibreOffice's recalculation (``--recalc``);
* :mod:`.engine`   runs them all (:func:`audit_workbook`);
* :mod:`.report`   the Revision workbook; :mod:`.cli` the command.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["audit_workbook", "AuditResult", "Finding", "FEJL", "ADVARSEL", "INFO"]

# Imported on first use (PEP 562), so that ``xlkopi audit --help`` and the other commands do not load
# numpy and calamine through this package.
_LAZY = {"audit_workbook": ".engine", "AuditResult": ".engine", "Finding": ".findings", "FEJL": ".findings",
         "ADVARSEL": ".findings", "INFO": ".findings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

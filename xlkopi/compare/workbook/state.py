"""The comparison workbook being written: the workbook, its defined names and what each sheet leaves for the next.

One :class:`Writer` is made per workbook; every sheet module
(:mod:`.assumptions`, :mod:`.offer_sheet`, :mod:`.checklist`,
:mod:`.summary`, :mod:`.buyouts`) writes into it and records where it put
what later sheets refer to.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from ..model import Comparison


class Writer:
    """The workbook under construction for ``comp``."""

    def __init__(self, comp: Comparison):
        self.comp = comp
        self.wb = Workbook()
        self.names: dict[str, str] = {}
        self.sheet_of: dict[str, str] = {}
        # Where each sheet put what later sheets refer to, filled as the sheets are written (build_workbook's order).
        self.layout: dict[str, dict[str, int]] = {}            # per offer sheet: its year and plan blocks
        self.summary_rows: dict[str, int] = {}                 # Sammenligning: row per label
        self.buyout_rows: dict[tuple[str, str], int] = {}      # Indfrielse: row per (offer, buyout label)
        self.checklist_rows: dict[str, int] = {}               # Tjekliste: row per red-flag rule
        self.flag_count_row: int | None = None                 # Tjekliste: the row counting each offer's flags

    def name(self, name: str, ws, ref: str):
        """Define workbook-scoped ``name`` for ``ref`` (e.g. ``$C$5`` or ``$B$10:$B$30``) on ``ws``."""
        target = f"{quote_sheetname(ws.title)}!{ref}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)
        self.names[name] = target

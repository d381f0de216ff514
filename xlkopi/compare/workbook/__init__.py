"""Write the comparison workbook with native formulas (openpyxl).

Every figure is a formula over workbook-scoped defined names, so the
workbook recalculates in any Excel or LibreOffice without the add-in, and
a finance controller can follow each number back to its inputs. The
formulas reproduce :mod:`xlkopi.compare.model` (and through it the lease
engine's rounding convention) exactly; the tests hold the two together.

Sheets: Beslutning (the decision, first), Forudsætninger (inputs), one sheet
per offer, Sammenligning, Følsomhed (volume sensitivity), Indfrielse, Tjekliste. Naming scheme of the defined names: see
``docs/compare.md``.

One module per sheet (:mod:`.assumptions`, :mod:`.offer_sheet`,
:mod:`.summary`, :mod:`.buyouts`, :mod:`.checklist`), the workbook being
written and what one sheet leaves for the next in :mod:`.state`, the
styles and cell helpers in :mod:`.style`.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ...io.atomic import save_workbook_atomic
from ...io.fingerprint import stamp
from ..model import Comparison
from .assumptions import write_assumptions
from .buyouts import write_buyouts
from .checklist import checklist_text, write_checklist
from .decision import write_decision
from .needs_sheet import write_needs_sheet
from .offer_sheet import safe_sheet_title, write_offer_sheet
from .sensitivity_sheet import write_sensitivity
from .state import Writer
from .style import fit_row_heights, protect, text_cell
from .summary import remark, write_summary

__all__ = ["GENERATOR", "build_workbook", "checklist_text", "fit_row_heights", "remark", "safe_sheet_title",
           "text_cell", "write_workbook"]

GENERATOR = "xlkopi compare"


def build_workbook(comp: Comparison) -> Workbook:
    """The comparison workbook for ``comp`` (an openpyxl Workbook, not yet saved).

    The sheets are written in the order their references need: the inputs and the offer sheets, then
    Tjekliste (whose flag counts Sammenligning shows), Sammenligning, Indfrielse, Følsomhed, Beslutning; the
    tabs are in the order Beslutning, Forudsætninger, offers, Sammenligning, Følsomhed, Indfrielse, Tjekliste.
    """
    w = Writer(comp)
    ws = w.wb.active
    ws.title = "Forudsætninger"
    write_assumptions(w, ws)
    taken = {"forudsætninger", "sammenligning", "indfrielse", "tjekliste", "beslutning", "følsomhed", "behovsanalyse"}
    for r in comp.results:
        sheet = w.wb.create_sheet(safe_sheet_title(r.key, r.offer.supplier, taken))
        w.sheet_of[r.key] = sheet.title
        write_offer_sheet(w, sheet, r)
    summary = w.wb.create_sheet("Sammenligning")
    buy = w.wb.create_sheet("Indfrielse")
    check = w.wb.create_sheet("Tjekliste")
    write_checklist(w, check)
    write_summary(w, summary)
    write_buyouts(w, buy)
    write_sensitivity(w, w.wb.create_sheet("Følsomhed", index=w.wb.sheetnames.index("Indfrielse")))
    if comp.machines:
        write_needs_sheet(w, w.wb.create_sheet("Behovsanalyse", index=w.wb.sheetnames.index("Forudsætninger") + 1))
    decision = w.wb.create_sheet("Beslutning")
    write_decision(w, decision)
    w.wb.move_sheet(decision, offset=-(len(w.wb.sheetnames) - 1))   # the decision is the first page
    for sheet in w.wb.worksheets:
        fit_row_heights(sheet)
        protect(sheet)
    w.wb.active = 0
    return w.wb


def write_workbook(comp: Comparison, target: str | Path, *, overwrite: bool = False) -> Path:
    """Build, fingerprint and save the workbook atomically; returns the path."""
    wb = build_workbook(comp)
    stamp(wb, GENERATOR)
    return save_workbook_atomic(wb, target, overwrite=overwrite)

"""The Revision workbook: the findings and a summary by rule and severity.

Sheet ``Fund``: one row per finding, the cell as a hyperlink into the
audited file (``'[fil.xlsx]Ark'!A1`` shown, the link itself a relative
file link ``fil.xlsx#'Ark'!A1`` that works when the two files lie side by
side as they were written). Sheet ``Oversigt``: the file, its SHA-256,
the bounds of the audit and a table of counts by rule and severity.

Every text from the audited file is written as a string cell, never as a
formula; the file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..core.vocabulary import format_count
from ..io.atomic import save_workbook_atomic
from . import safety
from .engine import AuditResult
from .findings import ADVARSEL, FEJL, INFO, SEVERITIES, rule_title, visible

_FILL = {FEJL: "F4C7C3", ADVARSEL: "FCE8B2", INFO: "DDE5F0"}
MAX_CELL_TEXT = 32_767
"""Excel's limit on the characters of one cell; longer texts are cut and end with an ellipsis."""


class _Writer:
    """Writes texts from the audited file as string cells, and counts what it had to change."""

    def __init__(self):
        self.escaped = 0     # texts with control characters, written as \xNN
        self.cut = 0         # texts cut at MAX_CELL_TEXT
        self.failed = 0      # texts that could not be written at all

    def text(self, cell, value) -> None:
        """A string cell that stays a string even if it looks like a formula."""
        text = "" if value is None else str(value)
        shown = visible(text)
        if shown != text:
            self.escaped += 1
        if len(shown) > MAX_CELL_TEXT:
            self.cut += 1
            shown = shown[:MAX_CELL_TEXT - 1] + "…"
        try:
            cell.value = shown
        except Exception:  # noqa: BLE001 - one text must not cost the whole report
            self.failed += 1
            cell.value = "(teksten kan ikke skrives i en celle)"
        cell.data_type = "s"

    def notes(self) -> list[tuple[str, str]]:
        out = []
        if self.escaped:
            out.append(("Styretegn", f"{format_count(self.escaped)} tekster fra filen indeholdt styretegn, "
                                     "som ikke kan stå i en celle; de er skrevet som \\xNN (fx \\x01)"))
        if self.cut:
            out.append(("Afkortet", f"{format_count(self.cut)} tekster var længere end {format_count(MAX_CELL_TEXT)} "
                                    "tegn og er afkortet (…)"))
        if self.failed:
            out.append(("Ikke skrevet", f"{format_count(self.failed)} tekster kunne ikke skrives og er erstattet af "
                                        "en bemærkning"))
        return out


def _text(cell, value) -> None:
    """A string cell that stays a string even if it looks like a formula (no bookkeeping)."""
    _Writer().text(cell, value)


def _link_target(audited: Path, report: Path, sheet: str | None, cell: str | None) -> str:
    try:
        rel = os.path.relpath(audited.resolve(), report.resolve().parent)
    except ValueError:  # another drive on Windows
        rel = audited.resolve().as_uri()
    rel = rel.replace(os.sep, "/")
    if not sheet:
        return rel
    first = (cell or "A1").split(":")[0]
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{rel}#{quoted}!{first}"


def shown_reference(file_name: str, sheet: str | None, cell: str | None) -> str:
    """The cell as Excel shows a reference into another workbook.

    >>> shown_reference("tilbud.xlsx", "Ark 1", "B5")
    "'[tilbud.xlsx]Ark 1'!B5"
    """
    if not sheet:
        return f"[{file_name}]"
    name = sheet.replace("'", "''")
    return f"'[{file_name}]{name}'!{cell or 'A1'}"


def write_report(result: AuditResult, target, *, overwrite: bool = False) -> Path:
    """Write the Revision workbook for ``result`` to ``target`` (atomically)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    target = Path(target)
    w = _Writer()
    _text = w.text
    wb = Workbook()
    ws = wb.active
    ws.title = "Fund"
    head = ("Nr.", "Alvor", "Regel", "Ark", "Celle", "Besked", "Forventet", "Fundet")
    for j, h in enumerate(head, start=1):
        c = ws.cell(1, j, h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="C9D3E3")
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows = sorted(result.findings, key=lambda f: (order[f.severity], f.sheet or "", f.rule))
    name = result.path.name
    for i, f in enumerate(rows, start=2):
        ws.cell(i, 1, i - 1)
        _text(ws.cell(i, 2), f.severity)
        ws.cell(i, 2).fill = PatternFill("solid", fgColor=_FILL[f.severity])
        _text(ws.cell(i, 3), f.title)
        _text(ws.cell(i, 4), f.sheet or "(hele filen)")
        ref = ws.cell(i, 5)
        _text(ref, shown_reference(name, f.sheet, f.cell) if f.sheet else "")
        if f.sheet:
            link = visible(_link_target(result.path, target, f.sheet, f.cell))
            ref.hyperlink = Hyperlink(ref=ref.coordinate, target=link[:MAX_CELL_TEXT],
                                      tooltip="Åbn cellen i den reviderede fil")
            ref.font = Font(color="0563C1", underline="single")
        _text(ws.cell(i, 6), f.message)
        ws.cell(i, 6).alignment = Alignment(wrap_text=True, vertical="top")
        _text(ws.cell(i, 7), f.expected)
        _text(ws.cell(i, 8), f.found)
    for col, width in zip("ABCDEFGH", (6, 10, 34, 18, 30, 90, 22, 22), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    if len(rows):
        ws.auto_filter.ref = f"A1:H{len(rows) + 1}"

    ov = wb.create_sheet("Oversigt")
    ov["A1"] = "Revision af projektmappe"
    ov["A1"].font = Font(bold=True, size=13)
    facts = [
        ("Fil", str(result.path)),
        ("SHA-256", result.sha256),
        ("Revideret", dt.datetime.now().strftime("%d-%m-%Y %H:%M")),
        ("Ark", str(result.sheets)),
        ("Formelceller", str(result.formulas)),
        ("Ydelsesplaner genkendt", str(result.tables)),
        ("Genberegnet i LibreOffice", "ja" if result.recalculated else "nej"),
        ("Fejl", str(result.count(FEJL))),
        ("Advarsler", str(result.count(ADVARSEL))),
        ("Info", str(result.count(INFO))),
        ("Grænser", f"højst {format_count(safety.MAX_ROWS)} rækker pr. ark, {format_count(safety.MAX_CELLS)} "
                    f"celler, {safety.MAX_TOTAL_UNCOMPRESSED // safety.MiB} MiB udpakket, pakning højst "
                    f"{safety.MAX_RATIO}:1"),
    ]
    facts.extend(w.notes())
    for i, (k, v) in enumerate(facts, start=3):
        ov.cell(i, 1, k).font = Font(bold=True)
        _text(ov.cell(i, 2), v)
    top = 3 + len(facts) + 1
    for j, h in enumerate(("Regel", "Kode", *SEVERITIES, "I alt"), start=1):
        c = ov.cell(top, j, h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="C9D3E3")
    counts = result.by_rule()
    r = top
    for r, (code, per) in enumerate(sorted(counts.items(), key=lambda kv: (min(order[s] for s, n in kv[1].items() if n),
                                                                          kv[0])), start=top + 1):
        _text(ov.cell(r, 1), rule_title(code))
        _text(ov.cell(r, 2), code)
        for j, s in enumerate(SEVERITIES, start=3):
            ov.cell(r, j, per[s])
        ov.cell(r, 6, sum(per.values()))
    total = r + 1
    ov.cell(total, 1, "I alt").font = Font(bold=True)
    for j, s in enumerate(SEVERITIES, start=3):
        ov.cell(total, j, result.count(s)).font = Font(bold=True)
    ov.cell(total, 6, len(result.findings)).font = Font(bold=True)
    ov.column_dimensions["A"].width = 44
    ov.column_dimensions["B"].width = 70
    return save_workbook_atomic(wb, target, overwrite=overwrite)

"""The Revision workbook (and its PDF): what a controller files, for one audited workbook or many.

Sheet ``Oversigt``: when and by whom (fields for the reviewer, the date, the conclusion and comments, to
fill in), the verdicts counted, then one row per file: its verdict in one line ("Godkendes ikke: 4 fejl"),
the findings counted by severity, the amount at stake (the differences the lease checks found, summed),
its SHA-256, size and modification time, and a column for the controller's comment; then the findings
counted by rule. Sheet ``Fund``: a section per file, its findings ranked fejl > advarsel > info with the
expected and the found value, the amount, the cell as a link, and a comment column.

Links are **absolute** (``file:///…/fil.xlsx#'Ark'!A1``): the report can be moved or mailed within the
machine's file system and its links still open the audited cell, as long as the audited files stay where
they were audited.

Printing: landscape A4, one page wide, the header rows repeated, wrapped texts with row heights that fit
them (LibreOffice does not grow a row for wrapped text when it renders the PDF).

Every text from the audited file is written as a string cell, never as a formula; the file is written
atomically.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.vocabulary import format_amount, format_count
from ..io.atomic import save_workbook_atomic
from . import safety
from .engine import AuditResult
from .findings import ADVARSEL, FEJL, INFO, SEVERITIES, rule_title, visible

if TYPE_CHECKING:
    from .batch import FileAudit

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


def _file_link(path: Path, sheet: str | None = None, cell: str | None = None) -> str:
    """An absolute link to the file (and a cell in it): works wherever the report is moved."""
    try:
        target = path.resolve().as_uri()
    except ValueError:
        target = str(path.resolve())
    if not sheet:
        return target
    first = (cell or "A1").split(":")[0]
    return f"{target}#'{sheet.replace(chr(39), chr(39) * 2)}'!{first}"


def _height(texts_and_widths, line: float = 15.0) -> float | None:
    """A row height that fits the wrapped texts (a character per unit of column width, erring on the tall side:
    a clipped text is worse than some white space)."""
    lines = 1
    for text, width in texts_and_widths:
        per_line = max(1, int(width) - 1)
        n = sum(max(1, -(-len(part) // per_line)) for part in str(text or "").split("\n"))
        lines = max(lines, n)
    return None if lines == 1 else min(409.0, lines * line)


FILE_HEAD = ("Fil", "Mappe", "Dom", "Fejl", "Advarsler", "Info", "Beløb i spil (kr)", "Størrelse (byte)",
             "Ændret", "SHA-256", "Revisors kommentar")
FILE_WIDTHS = (30, 24, 30, 7, 9, 7, 13, 11, 16, 24, 34)
FINDING_HEAD = ("Nr.", "Alvor", "Regel", "Ark", "Celle", "Besked", "Forventet", "Fundet", "Beløb (kr)", "Fil",
                "Kommentar")
FINDING_WIDTHS = (6, 9, 22, 14, 9, 60, 18, 18, 12, 20, 30)


def _common_folder(paths: list[Path]) -> Path:
    """The deepest folder that holds every audited file (the report names the others relative to it)."""
    folders = [str(p.absolute().parent) for p in paths]
    if not folders:
        return Path(".")
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:   # different drives
        return Path(Path(folders[0]).anchor or ".")


def _relative_folder(path: Path, base: Path) -> str:
    try:
        rel = path.absolute().parent.relative_to(base)
    except ValueError:
        return str(path.absolute().parent)
    return "." if str(rel) == "." else rel.as_posix()


def write_report(result: AuditResult | Sequence[FileAudit], target, *, overwrite: bool = False,
                 reviewer: str = "") -> Path:
    """Write the Revision workbook for one result or a batch (:mod:`xlkopi.audit.batch`) atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    from .batch import CLEAN, NOT_APPROVED, REMARKS, UNREADABLE, FileAudit

    items = [FileAudit(result.path, result)] if isinstance(result, AuditResult) else list(result)
    for item in items:
        if item.result is not None and item.size is None:
            try:
                st = item.path.stat()
                item.size, item.modified = st.st_size, dt.datetime.fromtimestamp(st.st_mtime)
            except OSError:
                pass
    target = Path(target)
    w = _Writer()
    _text = w.text
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="C9D3E3")
    wrap = Alignment(wrap_text=True, vertical="top")
    link_font = Font(color="0563C1", underline="single")
    verdict_fill = {NOT_APPROVED: "F4C7C3", REMARKS: "FCE8B2", CLEAN: "D9EAD3", UNREADABLE: "EEEEEE"}
    wb = Workbook()
    ov = wb.active
    ov.title = "Oversigt"
    ov["A1"] = "Revisionsrapport"
    ov["A1"].font = Font(bold=True, size=14)
    kinds = [i.kind for i in items]
    base = _common_folder([i.path for i in items])
    facts = [
        ("Revideret", dt.datetime.now().strftime("%d-%m-%Y %H:%M")),
        ("Mappe", str(base)),
        ("Filer", format_count(len(items))),
        (NOT_APPROVED, format_count(kinds.count(NOT_APPROVED))),
        (REMARKS, format_count(kinds.count(REMARKS))),
        (CLEAN, format_count(kinds.count(CLEAN))),
        (UNREADABLE, format_count(kinds.count(UNREADABLE))),
        ("Beløb i spil i alt", format_amount(sum(i.at_stake for i in items))),
    ]
    for r, (k, v) in enumerate(facts, start=3):
        ov.cell(r, 1, k).font = bold
        _text(ov.cell(r, 2), v)
    fill_in = PatternFill("solid", fgColor="FFF2CC")
    sign = 3 + len(facts) + 1
    for r, label in enumerate(("Revisor", "Dato", "Konklusion", "Bemærkninger"), start=sign):
        ov.cell(r, 1, label).font = bold
        c = ov.cell(r, 2)
        c.fill, c.alignment = fill_in, wrap
        if label == "Revisor" and reviewer:
            _text(c, reviewer)
    ov.row_dimensions[sign + 2].height = 45
    ov.row_dimensions[sign + 3].height = 60
    top = sign + 5
    for j, h in enumerate(FILE_HEAD, start=1):
        c = ov.cell(top, j, h)
        c.font, c.fill, c.alignment = bold, head_fill, wrap
    ov.row_dimensions[top].height = 30   # two lines: "Beløb i spil (kr)"
    for n, item in enumerate(items, start=1):
        r = top + n
        res = item.result
        name = ov.cell(r, 1)
        _text(name, item.path.name)
        if item.path.exists():
            name.hyperlink = Hyperlink(ref=name.coordinate, target=visible(_file_link(item.path))[:MAX_CELL_TEXT],
                                       tooltip="Åbn den reviderede fil")
            name.font = link_font
        folder = _relative_folder(item.path, base)
        _text(ov.cell(r, 2), folder)
        _text(ov.cell(r, 3), item.verdict)
        ov.cell(r, 3).fill = PatternFill("solid", fgColor=verdict_fill[item.kind])
        if res is not None:
            for j, sev in enumerate(SEVERITIES, start=4):
                ov.cell(r, j, res.count(sev))
            _text(ov.cell(r, 10), res.sha256)
        if item.at_stake:
            ov.cell(r, 7, item.at_stake).number_format = "#,##0.00"
        if item.size is not None:
            ov.cell(r, 8, item.size).number_format = "#,##0"
        if item.modified is not None:
            ov.cell(r, 9, item.modified).number_format = "dd-mm-yyyy hh:mm"
        for j in range(1, len(FILE_HEAD) + 1):
            ov.cell(r, j).alignment = wrap
        ov.row_dimensions[r].height = _height([(item.path.name, 30), (folder, 24), (item.verdict, 30),
                                               (res.sha256 if res else "", 24)])
    rules_top = top + len(items) + 2
    order = {s: i for i, s in enumerate(SEVERITIES)}
    for j, h in enumerate(("Regel", "Kode", *SEVERITIES, "I alt"), start=1):
        c = ov.cell(rules_top, j, h)
        c.font, c.fill = bold, head_fill
    counts: dict[str, dict[str, int]] = {}
    for item in items:
        if item.result is not None:
            for code, per in item.result.by_rule().items():
                acc = counts.setdefault(code, {s: 0 for s in SEVERITIES})
                for sev, found in per.items():
                    acc[sev] += found
    r = rules_top
    for r, (code, per) in enumerate(sorted(counts.items(), key=lambda kv: (min(order[s] for s, k in kv[1].items() if k),
                                                                          kv[0])), start=rules_top + 1):
        _text(ov.cell(r, 1), rule_title(code))
        _text(ov.cell(r, 2), code)
        ov.cell(r, 1).alignment = wrap
        ov.row_dimensions[r].height = _height([(rule_title(code), 30)])
        for j, sev in enumerate(SEVERITIES, start=3):
            ov.cell(r, j, per[sev])
        ov.cell(r, 6, sum(per.values()))
    total = r + 1
    ov.cell(total, 1, "I alt").font = bold
    for j, sev in enumerate(SEVERITIES, start=3):
        ov.cell(total, j, sum(per[sev] for per in counts.values())).font = bold
    ov.cell(total, 6, sum(sum(per.values()) for per in counts.values())).font = bold
    notes_top = total + 2
    limits = (f"højst {format_count(safety.MAX_ROWS)} rækker pr. ark, {format_count(safety.MAX_CELLS)} celler, "
              f"{safety.MAX_TOTAL_UNCOMPRESSED // safety.MiB} MiB udpakket, pakning højst {safety.MAX_RATIO}:1")
    at_stake = ("Afvigelserne, efterregningen af ydelsesplanerne fandt: ydelser, renter og slutsaldo lagt sammen "
                "over rækkerne; for restforpligtelsen den største afvigelse (en fejl i én række giver en afvigelse "
                "mod rækken før og rækken efter). En fejl kan give fund i flere kontroller, så summen er en øvre "
                "grænse.")
    notes = [("Beløb i spil", at_stake),
             ("Grænser", limits), ("Links", "Absolutte links (file://): de virker, hvor rapporten end flyttes hen, "
                                            "så længe de reviderede filer ligger, hvor de blev revideret")]
    for item in items:
        if item.result is not None and item.result.recalculated:
            notes.append(("Genberegnet i LibreOffice", str(item.path.name)))

    fund = wb.create_sheet("Fund")
    for j, h in enumerate(FINDING_HEAD, start=1):
        c = fund.cell(1, j, h)
        c.font, c.fill, c.alignment = bold, head_fill, wrap
    r = 1
    number = 0
    section_fill = PatternFill("solid", fgColor="EEF2F8")
    for item in items:
        r += 1
        _text(fund.cell(r, 2), f"{item.path.name}: {item.verdict}")
        for j in range(1, len(FINDING_HEAD) + 1):
            fund.cell(r, j).fill = section_fill
        fund.cell(r, 2).font = bold
        if item.result is None:
            continue
        rows = sorted(item.result.findings, key=lambda f: (order[f.severity], f.sheet or "", f.rule))
        name = item.path.name
        for f in rows:
            r += 1
            number += 1
            fund.cell(r, 1, number)
            _text(fund.cell(r, 2), f.severity)
            fund.cell(r, 2).fill = PatternFill("solid", fgColor=_FILL[f.severity])
            _text(fund.cell(r, 3), f.title)
            _text(fund.cell(r, 4), f.sheet or "(hele filen)")
            ref = fund.cell(r, 5)
            _text(ref, f.cell or ("A1" if f.sheet else ""))
            if f.sheet:
                link = visible(_file_link(item.path, f.sheet, f.cell))
                ref.hyperlink = Hyperlink(ref=ref.coordinate, target=link[:MAX_CELL_TEXT],
                                          tooltip="Åbn cellen i den reviderede fil")
                ref.font = link_font
            _text(fund.cell(r, 6), f.message)
            _text(fund.cell(r, 7), f.expected)
            _text(fund.cell(r, 8), f.found)
            if f.amount:
                fund.cell(r, 9, f.amount).number_format = "#,##0.00"
            _text(fund.cell(r, 10), name)
            for j in range(1, len(FINDING_HEAD) + 1):
                fund.cell(r, j).alignment = wrap
            fund.row_dimensions[r].height = _height([(f.message, 60), (f.title, 22), (f.cell, 9), (f.expected, 18),
                                                     (f.found, 18), (f.sheet, 14), (name, 20)])
    fund.freeze_panes = "A2"
    for j, width in enumerate(FINDING_WIDTHS, start=1):
        fund.column_dimensions[get_column_letter(j)].width = width
    for j, width in enumerate(FILE_WIDTHS, start=1):
        ov.column_dimensions[get_column_letter(j)].width = width
    notes.extend(w.notes())
    for i, (k, v) in enumerate(notes, start=notes_top):
        ov.cell(i, 1, k).font = bold
        _text(ov.cell(i, 2), v)
        ov.merge_cells(start_row=i, start_column=2, end_row=i, end_column=len(FILE_HEAD))
        ov.cell(i, 2).alignment = wrap
        ov.row_dimensions[i].height = _height([(v, 150)])
    for ws, rows_ in ((ov, None), (fund, "1:1")):
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if rows_:
            ws.print_title_rows = rows_
        ws.page_margins.left = ws.page_margins.right = 0.4
    return save_workbook_atomic(wb, target, overwrite=overwrite)

"""The run's overview workbook (Oversigt), written with the streaming writer (:mod:`xlkopi.io.xlsxstream`).

Sheet "Oversigt": one row per requested enrolment (status genereret / sprunget over / fejl, the reason, the
warnings, what signing still needs), the follow-up the user types in (the dates Sendt, Bekræftet, Log-in
anmodet, Underskrevet and a Bemærkning; yellow, as input cells are elsewhere in xlkopi), where the request came
from, and links to the generated files. The rows of this run come first, then the rows of the previous overview
whose enrolment is not in this run but that the user typed in (status "ikke med i denne kørsel"), so that
nothing typed is lost (:mod:`xlkopi.enrol.followup` reads them). Sheet "Fejl og advarsler": every finding in
the register and in the previous overview, with sheet, row and field.

The links are relative to the overview (``Aftale%20(fase%209)/Tilmelding....xlsx``), so they still work when
the output folder is moved or copied as a whole. Printing: landscape A4, one page wide, the header row on
every page, the cell grid, rows as high as their wrapped text; the file columns come last and are left out of
the print area (a file name on paper links nowhere), which keeps the printed text readable.

Every text is an inline string, never a formula, and at most Excel's 32,767 characters (:func:`fit_cell`);
the file holds no time stamp, so the same inputs give the same bytes and a rerun leaves the file alone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from ..core.vocabulary import format_number
from ..io.a1 import col_letters
from ..io.xlsxstream import Link, Sheet, StreamWorkbook, Style
from .followup import (
    AGREEMENT,
    COMMENT,
    CONFIRMED,
    DATE_HEADERS,
    DOCUMENT,
    EML,
    FILE_HEADERS,
    FINDINGS_SHEET,
    GENERATOR,
    HEADERS,
    INSTITUTION,
    LOGIN,
    LOGIN_REQUESTED,
    MARKER,
    MARKER_PROPERTY,
    NOT_IN_RUN,
    NUMBER,
    OVERVIEW_SHEET,
    PDF,
    PHASE,
    REASON,
    SENT,
    SIGNATURE,
    SIGNED,
    SOURCE,
    STATUS,
    WARNINGS,
    WORKBOOK,
    FollowUp,
    Previous,
    PreviousRow,
    followup_key,
)
from .model import ADVARSEL, FEJL, MAX_CELL_CHARS, Finding, cell_length
from .plan import FAILED, GENERATED, SKIPPED

OVERVIEW_HEADERS = HEADERS
FINDING_HEADERS = ("Niveau", "Ark", "Række", "Felt", "Besked")
FINDING_WIDTHS = (10, 18, 7, 22, 100)

DATE_FORMAT = "dd-mm-yyyy"
HEAD_FILL = "DDE5F0"         # the headers, as in the other generated workbooks
INPUT_FILL = "FFF2CC"        # cells the user types in (as the auditor's report's reviewer fields)
INPUT_HEAD_FILL = "FFE699"   # ... and their headers, a shade darker
LINK_COLOR = "0563C1"        # Excel's hyperlink blue
STATUS_FILL = {GENERATED: "C6EFCE", SKIPPED: "FFEB9C", FAILED: "FFC7CE", NOT_IN_RUN: "D9D9D9"}
LEVEL_FILL = {FEJL: "FFC7CE", ADVARSEL: "FFEB9C"}

# Column widths (characters of the default font). The printed columns (up to Kilde) fill a landscape A4 page
# at about 70 %; the file columns are wide enough to show a file name in two lines.
WIDTHS = {NUMBER: 5, INSTITUTION: 22, AGREEMENT: 20, PHASE: 5.5, STATUS: 12, REASON: 30, WARNINGS: 26,
          SIGNATURE: 20, SENT: 11, CONFIRMED: 11, LOGIN_REQUESTED: 11, SIGNED: 12.5, COMMENT: 24, SOURCE: 14,
          DOCUMENT: 32, WORKBOOK: 32, EML: 32, PDF: 32, LOGIN: 32}
EXTRA_WIDTH = 16             # the user's own columns
LINE_HEIGHT = 15.0           # points per line of 11 pt text
MAX_ROW_HEIGHT = 409.0       # Excel's highest row

DATE_PROMPT_TITLE = "Dato (dd-mm-åååå)"
DATE_PROMPT = ("Skriv datoen som dd-mm-åååå, fx 15-03-2026. Det, du skriver her, bevares, når oversigten "
               "dannes igen.")
DATE_ERROR = "Det er ikke en dato. Skriv datoen som dd-mm-åååå, fx 15-03-2026."
COMMENT_PROMPT = "Skriv frit. Teksten bevares, når oversigten dannes igen."
FOOTER = "&LOversigt over tilmeldinger&RSide &P af &N"
CARRIED_REASON = ("Tilmeldingen er ikke med i denne kørsel; rækken er ført videre fra den forrige oversigt, så "
                  "opfølgningen ikke går tabt")


def fit_cell(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` cut to fit one Excel cell, ending with a note of how long it was.

    The note ("… (forkortet; N tegn i alt)") is inside the limit, and a cut
    never splits a character.

    >>> fit_cell("kort")
    'kort'
    >>> fit_cell("x" * 50, limit=40)
    'xxxxxxxxxxx … (forkortet; 50 tegn i alt)'
    """
    if 2 * len(text) <= limit or cell_length(text) <= limit:  # the first test: fits whatever the characters
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    note = f" … (forkortet; {format_number(len(text))} tegn i alt)"
    keep = max(limit - len(note), 0)  # the note is ASCII apart from "…" (one UTF-16 unit)
    return data[:2 * keep].decode("utf-16-le", "ignore") + note


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def plain(text: str) -> str:
    """``text`` as one cell shows it literally: what XML cannot hold dropped, CR LF as the cell's line break,
    cut by :func:`fit_cell`, and ``_xHHHH_`` escaped (``_x005F_``) so Excel does not turn it into a character.

    >>> plain("a\\r\\nb\\x01 _x0041_")
    'a\\nb _x005F_x0041_'
    """
    text = fit_cell(text)   # first: the note tells the length of the text as it was given
    if _XML_BAD.search(text) or "\r" in text:
        text = _XML_BAD.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _XML_ESCAPED.sub(r"_x005F_\1", text) if "_x" in text else text


def link_target(path: str) -> str:
    """The hyperlink target of a generated file at ``path`` relative to the output folder (``/`` between
    folders): each segment percent-encoded, still relative, so the link works wherever the folder is moved.

    >>> link_target("Computeraftalen (fase 9)/Tilmelding til Computeraftalen - Køge #2.xlsx")
    'Computeraftalen%20%28fase%209%29/Tilmelding%20til%20Computeraftalen%20-%20K%C3%B8ge%20%232.xlsx'
    """
    if PureWindowsPath(path).drive or PurePosixPath(path).is_absolute():   # not relative: a file URI
        return PureWindowsPath(path).as_uri() if PureWindowsPath(path).drive else PurePosixPath(path).as_uri()
    return "/".join(quote(segment, safe="") for segment in path.replace("\\", "/").split("/") if segment)


def file_label(path: str) -> str:
    """The link text of a generated file: its name without the folders."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass
class _Line:
    """One row of the Oversigt sheet, from this run's result or carried over from the previous overview."""

    number: int | None
    institution: str
    agreement: str
    phase: int | None
    status: str
    reason: str
    warnings: str
    signature: str
    source: str
    files: dict[str, str]            # file column -> path relative to the output folder (or a name shown)
    linked: bool                     # the files are links (this run) or only names (carried over)
    followup: FollowUp = field(default_factory=FollowUp)


def _from_result(r, previous: Previous) -> _Line:
    fu = r.followup if isinstance(getattr(r, "followup", None), FollowUp) else None
    if fu is None:
        fu = previous.by_key.get(followup_key(r.institution, r.agreement, r.phase), FollowUp())
    files = {DOCUMENT: getattr(r, "document_name", ""), WORKBOOK: r.workbook_name, EML: r.eml_name,
             PDF: getattr(r, "pdf_name", ""), LOGIN: getattr(r, "login_name", "")}
    return _Line(r.number, r.institution, r.agreement, r.phase, r.status, r.reason, "\n".join(r.warnings),
                 getattr(r, "signature", ""), r.source, {k: v for k, v in files.items() if v}, True, fu)


def _from_previous(p: PreviousRow) -> _Line:
    reason = p.reason if p.status == NOT_IN_RUN else CARRIED_REASON + (f" (status dengang: {p.status})"
                                                                       if p.status else "")
    return _Line(None, p.institution, p.agreement, p.phase, NOT_IN_RUN, reason, p.warnings, p.signature, p.source,
                 dict(p.files), False, p.followup)


def layout(extra: Sequence[str] = ()) -> list[str]:
    """The Oversigt sheet's columns: ours, with the user's own columns after Bemærkning."""
    at = HEADERS.index(COMMENT) + 1
    return [*HEADERS[:at], *extra, *HEADERS[at:]]


class _Styles:
    """The cell formats of the overview, registered once per workbook."""

    def __init__(self, wb: StreamWorkbook) -> None:
        self.head = wb.style(Style(bold=True, fill=HEAD_FILL, wrap=True))
        self.input_head = wb.style(Style(bold=True, fill=INPUT_HEAD_FILL, wrap=True))
        self.text = wb.style(Style(wrap=True))
        self.date_in = wb.style(Style(number_format=DATE_FORMAT, fill=INPUT_FILL, wrap=True))
        self.stamp_in = wb.style(Style(number_format=DATE_FORMAT + " hh:mm", fill=INPUT_FILL, wrap=True))
        self.text_in = wb.style(Style(fill=INPUT_FILL, wrap=True))
        self.link = wb.style(Style(color=LINK_COLOR, underline=True, wrap=True))
        self.status = {s: wb.style(Style(fill=c, wrap=True)) for s, c in STATUS_FILL.items()}
        self.level = {s: wb.style(Style(fill=c, wrap=True)) for s, c in LEVEL_FILL.items()}


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (words kept whole, as Excel and
    LibreOffice wrap; a word longer than a line is broken). Errs towards one line too many, never too few."""
    # Characters of text in a line: a column of width w shows about 1.25 w characters of Danish text (Calibri
    # in Excel, its substitutes in LibreOffice); 1.15 w - 1 leaves room for wide letters, so none is cut.
    per = max(int(width * 1.15) - 1, 1)
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split(" "):
            n = len(word)
            need = n if used == 0 else used + 1 + n
            if need <= per:
                used = need
                continue
            if used:   # the word goes to the next line
                lines += 1
            more = (n - 1) // per if n else 0   # a word longer than a line is broken over lines
            lines += more
            used = n - more * per
        total += lines
        if total * LINE_HEIGHT > MAX_ROW_HEIGHT:
            break
    return total


def _height(cells: Iterable[tuple[Any, float]]) -> float | None:
    """A row height that shows every wrapped text in full (None: one line, the default height)."""
    most = max((_lines(text, width) for text, width in cells if isinstance(text, str) and text), default=1)
    return None if most <= 1 else min(math.ceil(most * LINE_HEIGHT + 3), MAX_ROW_HEIGHT)


def _user_cell(value: Any, st: _Styles, style: int) -> tuple[Any, int]:
    """A cell the user typed, in ``style`` (a yellow input style): a date as a date (dd-mm-åååå, with the time
    when it has one), text as plain text, numbers and booleans as they were."""
    if value is None or value == "":
        return (None, style)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return (value.date(), st.date_in)
        return ((value - dt.datetime(1899, 12, 30)).total_seconds() / 86400, st.stamp_in)
    if isinstance(value, dt.date):
        return (value, st.date_in)
    if isinstance(value, (bool, int, float)):
        return (value, style)
    return (plain(str(value)), style)


def _row_cells(line: _Line, columns: Sequence[str], st: _Styles) -> tuple[list, float | None]:
    """The cells of one Oversigt row, and its height."""
    fu = line.followup
    extra = dict(fu.extra)
    texts = {INSTITUTION: line.institution, AGREEMENT: line.agreement, STATUS: line.status, REASON: line.reason,
             WARNINGS: line.warnings, SIGNATURE: line.signature, SOURCE: line.source}
    cells: list = []
    sized: list[tuple[Any, float]] = []   # (the text shown, the column's width) for the row's height
    for header in columns:
        width = WIDTHS.get(header, EXTRA_WIDTH)
        if header == NUMBER:
            cell: tuple = (line.number, st.text)
        elif header == PHASE:
            cell = (line.phase, st.text)
        elif header == STATUS:
            cell = (plain(line.status), st.status.get(line.status, st.text))
        elif header in texts:
            cell = (plain(texts[header]) or None, st.text)
        elif header in DATE_HEADERS:   # a text that is no date stays in the date style: a date typed over it fits
            cell = _user_cell(fu.value(header), st, st.date_in)
        elif header == COMMENT:
            cell = (plain(fu.comment) or None, st.text_in)
        elif header in FILE_HEADERS:
            path = line.files.get(header, "")
            if path and line.linked:
                label = plain(file_label(path))
                cell = (Link(label, link_target(path)), st.link)
                sized.append((label, width))
            else:
                cell = (plain(path) or None, st.text)
        else:   # the user's own column
            cell = _user_cell(extra.get(header), st, st.text_in)
        cells.append(cell)
        if isinstance(cell[0], str):
            sized.append((cell[0], width))
    return cells, _height(sized)


def _write_overview(ws: Sheet, lines: list[_Line], columns: list[str], st: _Styles) -> None:
    typed_in = {*DATE_HEADERS, COMMENT}
    heads = [(plain(h), WIDTHS.get(h, EXTRA_WIDTH), h in typed_in or h not in WIDTHS) for h in columns]
    ws.row([(text, st.input_head if typed else st.head) for text, _w, typed in heads],   # plain: the user's own
           height=_height((text, width) for text, width, _t in heads))                   # headers are his text
    for line in lines:
        cells, height = _row_cells(line, columns, st)
        ws.row(cells, height=height)
    last = max(ws.next_row - 1, 1)
    letter = {h: col_letters(j) for j, h in enumerate(columns, start=1)}
    ws.auto_filter(f"A1:{letter[columns[-1]]}{last}")
    ws.print_area(f"A1:{letter[SOURCE]}{last}")
    if last > 1:
        dates = f"{letter[DATE_HEADERS[0]]}2:{letter[DATE_HEADERS[-1]]}{last}"
        ws.validate(dates, "date", operator="between", formula1="36526", formula2="73050",   # 2000-2099
                    prompt_title=DATE_PROMPT_TITLE, prompt=DATE_PROMPT, error_title="Ikke en dato",
                    error=DATE_ERROR, error_style="warning")
        ws.validate(f"{letter[COMMENT]}2:{letter[COMMENT]}{last}", prompt_title=COMMENT, prompt=COMMENT_PROMPT)


def _write_findings(ws: Sheet, findings: Sequence[Finding], st: _Styles) -> None:
    ws.row([(h, st.head) for h in FINDING_HEADERS])
    for f in findings:
        texts = (f.level, f.sheet, f.row, f.field or "", f.message)
        cells = [(plain(v) if isinstance(v, str) else v, st.text) for v in texts]
        cells[0] = (cells[0][0], st.level.get(f.level, st.text))
        ws.row(cells, height=_height((c[0], w) for c, w in zip(cells, FINDING_WIDTHS, strict=True)))
    ws.auto_filter(f"A1:E{max(ws.next_row - 1, 1)}")


def overview_bytes(results, findings: Sequence[Finding], previous: Previous | None = None) -> bytes:
    """The Oversigt workbook for ``results`` (:class:`~xlkopi.enrol.batch.Result`), the register's ``findings``
    and what the user typed into the ``previous`` overview (:func:`xlkopi.enrol.followup.read_followup`).

    A result's follow-up is ``result.followup`` when set, else the previous overview's for its enrolment; the
    previous rows the user typed in whose enrolment is not in ``results`` follow as "ikke med i denne kørsel".
    The previous overview's findings are added to "Fejl og advarsler" unless ``findings`` holds them already.
    """
    previous = previous or Previous()
    lines = [_from_result(r, previous) for r in results]
    keys = {followup_key(r.institution, r.agreement, r.phase) for r in results}
    lines += [_from_previous(p) for p in previous.carried(keys)]
    extra = list(previous.extra_headers)
    for line in lines:
        extra += [h for h, _v in line.followup.extra if h not in extra]
    columns = layout(extra)
    known = set(findings)
    every = list(findings) + [f for f in previous.findings if f not in known]
    widths = {j: WIDTHS.get(h, EXTRA_WIDTH) for j, h in enumerate(columns, start=1)}
    with StreamWorkbook(None, generator=GENERATOR, reproducible=True, properties={MARKER_PROPERTY: MARKER}) as wb:
        st = _Styles(wb)
        with wb.sheet(OVERVIEW_SHEET, widths=widths, freeze="C2", title_rows="1:1", print_grid=True,
                      footer=FOOTER) as ws:
            _write_overview(ws, lines, columns, st)
        with wb.sheet(FINDINGS_SHEET, widths=dict(enumerate(FINDING_WIDTHS, start=1)), freeze="A2",
                      title_rows="1:1", print_grid=True, footer=FOOTER) as ws:
            _write_findings(ws, every, st)
    return wb.data

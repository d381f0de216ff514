"""WordprocessingML pieces the Bilag 7 filler works with: a paragraph's text, spans of it, a cell, a value.

A paragraph's visible text is spread over the ``w:t`` elements of its runs, and Word splits a run where
it pleases (spell checking, an edit, a change of formatting), so ``{{Institution}}`` may be three runs.
:class:`ParagraphText` joins the paragraph's own ``w:t`` texts (not those of a text box inside it, not field
codes, which are ``w:instrText``) and maps a span of the joined text back to the elements, so a span can be
replaced by one marker whatever the runs.

:func:`run_text` is the one way a value becomes document XML: escaped text of a ``w:t``; a line break
becomes ``w:br`` and a tab ``w:tab``; characters XML cannot hold and bidi overrides are dropped. Nothing
else: a value never becomes a field code, a hyperlink or markup.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from docx.oxml.ns import qn

from ..core.vocabulary import format_date

W_P, W_R, W_T, W_TC, W_TR, W_TBL = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tc"), qn("w:tr"), qn("w:tbl")
W_SDT, W_PPR, W_RPR = qn("w:sdt"), qn("w:pPr"), qn("w:rPr")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_XML_BAD = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_SPECIAL = re.compile("[&<>\r\n\t\x00-\x1f\x85\u2028\u2029\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_LINES = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")   # every other way of breaking a line
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


def shown_value(value: Any) -> str:
    """A field's value as the document prints it: dates as dd-mm-åååå, numbers as written, None as nothing.

    >>> shown_value(date(2026, 12, 2)), shown_value(10), shown_value(None)
    ('02-12-2026', '10', '')
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def run_text(value: Any) -> str:
    """``value`` as the content of a ``w:t`` element (which is open around it, with ``xml:space="preserve"``).

    >>> run_text("A & B <w:fldSimple/>")
    'A &amp; B &lt;w:fldSimple/&gt;'
    >>> run_text("Rådhuspladsen 1\\n9999 Eksempelby")
    'Rådhuspladsen 1</w:t><w:br/><w:t xml:space="preserve">9999 Eksempelby'
    """
    text = shown_value(value)
    if not _SPECIAL.search(text):
        return text
    text = _XML_BAD.sub("", _LINES.sub("\n", text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\n", _BREAK).replace("\t", _TAB)


def own_texts(p) -> list:
    """The ``w:t`` elements of paragraph ``p`` itself (a text box's paragraphs inside it are their own)."""
    return [t for t in p.iter(W_T) if next(t.iterancestors(W_P), None) is p]


@dataclass
class ParagraphText:
    """The joined text of a paragraph's own ``w:t`` elements, with each element's start offset."""

    p: Any
    texts: list
    starts: list[int]
    text: str

    @classmethod
    def of(cls, p) -> "ParagraphText":
        texts = own_texts(p)
        starts, pos = [], 0
        for t in texts:
            starts.append(pos)
            pos += len(t.text or "")
        return cls(p, texts, starts, "".join(t.text or "" for t in texts))

    def replace(self, start: int, end: int, marker: str) -> None:
        """Replace ``text[start:end]`` by ``marker``, in the element where the span starts; the rest of the span
        is cut from the elements after it (their runs and formatting stay). An empty span (an insertion)
        at the border of two elements goes at the end of the first.

        Call with spans from right to left: the offsets of the spans before it stay valid.
        """
        placed = False
        for t, s in zip(self.texts, self.starts, strict=True):
            value = t.text or ""
            e = s + len(value)
            if not placed:
                if start > e or (start == e and end > start):  # a span that starts at this element's end
                    continue                                     # starts in the next one (its formatting)
                t.text = value[:start - s] + marker + value[min(end, e) - s:]
                t.set(XML_SPACE, "preserve")
                placed = True
            elif s >= end:
                break
            else:
                t.text = value[min(end, e) - s:]
        if not placed:  # the paragraph has no text at all: a new run, formatted as the paragraph mark
            put_in_empty(self.p, marker)
        self.text = self.text[:start] + marker + self.text[end:]


def put_in_empty(p, marker: str) -> None:
    """Give a paragraph without text a run holding ``marker``, with the paragraph mark's formatting."""
    run = p.makeelement(W_R, {})
    ppr = p.find(W_PPR)
    mark = ppr.find(W_RPR) if ppr is not None else None
    if mark is not None:
        rpr = deepcopy(mark)
        for child in list(rpr):  # a paragraph mark's own revision marks are no run properties
            if child.tag in (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")):
                rpr.remove(child)
        run.append(rpr)
    t = run.makeelement(W_T, {XML_SPACE: "preserve"})
    t.text = marker
    run.append(t)
    p.append(run)


def fill_cell(tc, marker: str) -> None:
    """Put ``marker`` in table cell ``tc``: its first paragraph's text replaced, the others left as they are."""
    p = next(tc.iter(W_P), None)
    if p is None:
        p = tc.makeelement(W_P, {})
        tc.append(p)
    pt = ParagraphText.of(p)
    pt.replace(0, len(pt.text), marker)


def cell_text(tc) -> str:
    """All the text of a table cell, its paragraphs joined by a line break."""
    return "\n".join(ParagraphText.of(p).text for p in tc.iter(W_P))


def row_cells(tr) -> list:
    """The cells of a table row, a cell inside a content control (``w:sdt``) included."""
    return [tc for tc in tr.iter(W_TC) if next(tc.iterancestors(W_TR), None) is tr]


def grid_columns(tr) -> list[tuple[int, Any]]:
    """``(first grid column, cell)`` of each cell of a row, counting ``w:gridSpan`` and ``w:gridBefore``."""
    out, col = [], 0
    trpr = tr.find(qn("w:trPr"))
    before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
    if before is not None:
        col = _count(before.get(qn("w:val")), 0)
    for tc in row_cells(tr):
        out.append((col, tc))
        span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        col += _count(span.get(qn("w:val")), 1) if span is not None else 1
    return out


def _count(value, default: int) -> int:
    """A cell count from the document (``w:gridSpan``, ``w:gridBefore``); nonsense counts as ``default``."""
    try:
        return max(int(value), 0) if value is not None else default
    except ValueError:
        return default

"""Fill an agreement's Bilag 7 in Word (.docx): compiled once with python-docx, filled by joining strings.

:meth:`WordTemplate.load` opens the template with python-docx (after the package safety checks of
:mod:`xlkopi.io.package`) and finds the fields in the document body and in every header and footer,
marked in any of three ways:

1. **content controls** (``w:sdt``) whose tag or title names a field (``Institution``, ``CVR``, ``EAN``,
   ``Adresse``, ``Kontaktperson``, ``Email``, ``Telefon``, ``Underskriver``, ``Titel``, ``Dato``,
   ``Aftale``, ``Fase`` ..., or a name the field map's ``[felter]`` gives);
2. ``{{Feltnavn}}`` **placeholders** in the text, also when Word has split one over several runs;
3. **labels** from the field map's ``[etiketter]`` (:class:`~xlkopi.enrol.mapping.Label`), for forms that mark
   nothing: the table cell to the right of "CVR-nr.:", the cell below it, or the rest of its line.

A table whose header row holds the locations' column headers (Enhed, EAN-nummer, P-nummer,
Leveringsadresse, Kontaktperson, or the names in ``[lokationer.kolonner]``) grows with the locations:
the row under the header is filled once per location, the template's empty rows under it are used
first and more rows are added as needed.

Every field becomes a marker in a ``w:t`` element; each part that holds one is serialised once and cut
at the markers into static text and slots. :meth:`WordTemplate.fill` only joins the static text with
the values (:func:`~xlkopi.enrol.wordxml.run_text`: escaped text, never a field code or markup) and
writes the zip; every part the filling does not touch is copied byte for byte, so styles, numbering,
headers, footers, images, fields and the document protection in ``word/settings.xml`` are the
template's own.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.vocabulary import fold
from ..errors import UntrustedFileError, WorkbookError
from ..io.package import DOCUMENT, open_package
from .mapping import FIELDS, LOCATION_FIELDS, Label, Mapping
from .wordxml import (
    W_P,
    W_R,
    W_SDT,
    W_T,
    W_TBL,
    W_TC,
    W_TR,
    XML_SPACE,
    ParagraphText,
    cell_text,
    fill_cell,
    grid_columns,
    row_cells,
    run_text,
)
from .zipbuild import Member, build

FILL_LEVEL = 1  # zlib level of the parts filled on every enrolment (as the Skema's)

# The names a content control or a placeholder may use for a field, besides the key and its FIELDS text.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "aftale": ("Aftale", "Aftalenavn", "Aftalens navn"),
    "fase": ("Fase",),
    "institution": ("Institution", "Institutionsnavn", "Institutionens navn", "Kunde", "Kundenavn"),
    "institutionstype": ("Institutionstype", "Type", "Kundetype"),
    "cvr": ("CVR", "CVR-nr", "CVR-nummer"),
    "ean": ("EAN", "EAN-nr", "EAN-nummer", "GLN"),
    "adresse": ("Adresse", "Postadresse"),
    "kontaktperson": ("Kontaktperson", "Kontakt"),
    "email": ("Email", "E-mail", "Mail", "E-mailadresse"),
    "telefon": ("Telefon", "Tlf", "Telefonnummer"),
    "underskriver": ("Underskriver", "Navn på underskriver", "Tegningsberettiget"),
    "titel": ("Titel", "Underskrivers titel", "Stilling"),
    "dato": ("Dato", "Underskriftsdato"),
    "antal_lokationer": ("Antal lokationer", "Antal leveringssteder"),
}
LOCATION_NAMES: dict[str, tuple[str, ...]] = {
    "enhed": ("Enhed", "Enhedsnavn", "Lokation", "Leveringssted"),
    "ean": ("EAN-nummer", "EAN", "EAN-nr", "GLN"),
    "p_nummer": ("P-nummer", "P-nr", "Produktionsenhed"),
    "leveringsadresse": ("Leveringsadresse", "Adresse"),
    "kontaktperson": ("Kontaktperson", "Kontakt"),
}
_LOCATION_ONLY = {"enhed", "p_nummer", "leveringsadresse"}
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_SPACE = re.compile(r"[ \u00a0]*")
_LINE = re.compile(r"[_.…]+")
# The parts that hold text a field can be in, by content type (not by name: a header may be called anything)
_TEXT_PARTS = ("wordprocessingml.document.main+xml", "wordprocessingml.header+xml", "wordprocessingml.footer+xml",
               "wordprocessingml.footnotes+xml", "wordprocessingml.endnotes+xml")
# Relationships that make Word fetch something when it opens the document: not copied into every enrolment
_FETCHING = ("/attachedTemplate", "/subDocument", "/oleObject", "/frame", "/aFChunk", "/package")
_RELS_TARGET = re.compile(rb"<Relationship\b[^>]*>")


def _markers(texts) -> str:
    """Five private-use characters that occur nowhere in the template's text: the compiler's markers.

    A template may use private-use characters itself (icon fonts do: U+E002 is a warning sign), so the
    markers are chosen where it has none.
    """
    used: set[str] = set()
    for text in texts:
        used.update(ch for ch in text if "\ue000" <= ch <= "\uf8ff")
    for base in range(0xE000, 0xF8F8, 8):
        chars = "".join(chr(base + i) for i in range(5))
        if not used.intersection(chars):
            return chars
    raise WorkbookError("Bilag 7-skabelonen bruger alle tegn i Unicodes private område; den kan ikke udfyldes")


@dataclass
class _Rows:
    """The locations table's row, repeated: its pieces, and how many rows the template had (used first)."""

    pieces: list
    template_rows: int


class _Compiler:
    """Finds the fields of one template and puts markers where the values go."""

    def __init__(self, name: str, mapping: Mapping | None, markers: str = "\ue000\ue001\ue002\ue003\ue004"):
        self.name = name
        self.m = markers                      # slot start, slot end, row start, row end, row count end
        self.mapping = mapping or Mapping()
        self.slots: list[str] = []            # slot number -> field key (a location key inside a row)
        self.located: dict[str, list[str]] = {}
        self.names = self._names(FIELD_NAMES, self.mapping.fields, FIELDS)
        self.location_names = self._names(LOCATION_NAMES, {k: [v] for k, v in self.mapping.columns.items()},
                                          LOCATION_FIELDS)
        self.table_where = ""
        self.rows: list = []                  # the rows marked for repetition

    @staticmethod
    def _names(base: dict[str, tuple[str, ...]], extra: dict[str, list[str]], texts: dict[str, str]) -> dict:
        names: dict[str, str] = {}
        for key, aliases in base.items():
            for alias in (key, texts.get(key, ""), *aliases, *extra.get(key, [])):
                if alias and fold(alias):
                    names.setdefault(fold(alias), key)
        for key, own in extra.items():  # the map's own names win over the built-in ones
            for alias in own:
                if fold(alias):
                    names[fold(alias)] = key
        return names

    def mark_row(self, tr, template_rows: int) -> None:
        """Put the row's start and end markers in the text around it (element tails, which Word never has)."""
        if tr in self.rows:
            return
        self.rows.append(tr)
        prev = tr.getprevious()
        start = f"{self.m[2]}{template_rows}{self.m[4]}"
        if prev is None:   # the row is its parent's first child (a row inside a content control)
            tr.getparent().text = (tr.getparent().text or "") + start
        else:
            prev.tail = (prev.tail or "") + start
        tr.tail = self.m[3] + (tr.tail or "")

    def slot(self, key: str, where: str) -> str:
        self.slots.append(key)
        self.located.setdefault(key, []).append(where)
        return f"{self.m[0]}{len(self.slots) - 1}{self.m[1]}"

    # -- 1. content controls ---------------------------------------------------------------------------
    def content_controls(self, root, part: str) -> None:
        from docx.oxml.ns import qn

        taken: list = []
        for sdt in root.iter(W_SDT):
            if any(sdt in t.iterdescendants(W_SDT) for t in taken):
                continue  # inside a control already filled
            pr = sdt.find(qn("w:sdtPr"))
            if pr is None or pr.find(qn("w14:checkbox")) is not None:
                continue
            key = None
            for tag in (qn("w:tag"), qn("w:alias")):
                el = pr.find(tag)
                if el is not None and fold(el.get(qn("w:val"), "")) in self.names:
                    key = self.names[fold(el.get(qn("w:val"), ""))]
                    break
            content = sdt.find(qn("w:sdtContent"))
            if key is None or content is None or next(content.iter(W_TBL), None) is not None:
                continue
            placeholder = pr.find(qn("w:showingPlcHdr"))
            if placeholder is not None:
                pr.remove(placeholder)  # the value replaces the grey prompt text
            for style in content.iter(qn("w:rStyle")):
                if style.get(qn("w:val"), "").casefold() in ("placeholdertext", "pladsholdertekst"):
                    style.getparent().remove(style)
            marker = self.slot(key, f"indholdskontrolelement '{key}' ({part})")
            paragraphs = [p for p in content.iter(W_P)]
            if paragraphs:
                first = ParagraphText.of(paragraphs[0])
                first.replace(0, len(first.text), marker)
                for p in paragraphs[1:]:
                    rest = ParagraphText.of(p)
                    rest.replace(0, len(rest.text), "")
            else:  # an inline control: its runs hold the text
                texts = list(content.iter(W_T))
                if texts:
                    texts[0].text = marker
                    texts[0].set(XML_SPACE, "preserve")
                    for t in texts[1:]:
                        t.text = ""
                else:
                    run = content.makeelement(W_R, {})
                    t = run.makeelement(W_T, {XML_SPACE: "preserve"})
                    t.text = marker
                    run.append(t)
                    content.append(run)
            taken.append(sdt)

    # -- the locations table ---------------------------------------------------------------------------
    def locations_table(self, root, part: str) -> tuple[Any, set]:
        """The prototype row of the locations table (or None) and the header cells (no labels there)."""
        for tbl in root.iter(W_TBL):
            rows = [tr for tr in tbl.iter(W_TR) if next(tr.iterancestors(W_TBL), None) is tbl]
            for i, tr in enumerate(rows[:-1]):
                keys = {}
                for col, tc in grid_columns(tr):
                    key = self.location_names.get(fold(cell_text(tc)))
                    if key:
                        keys[col] = key
                if len(keys) >= 2 and any(k in _LOCATION_ONLY for k in keys.values()):
                    proto = rows[i + 1]
                    for col, tc in grid_columns(proto):
                        if col in keys:
                            fill_cell(tc, self.slot(f"row:{keys[col]}", f"tabellen ({part})"))
                    blank = 0
                    for tr2 in rows[i + 2:]:
                        if len(row_cells(tr2)) != len(row_cells(proto)) or any(
                                cell_text(tc).strip(" _.…") for tc in row_cells(tr2)):
                            break
                        tr2.getparent().remove(tr2)
                        blank += 1
                    headers = ", ".join(cell_text(tc) for tc in row_cells(tr))
                    self.table_where = f"tabellen med overskrifterne {headers} ({part})"
                    self.mark_row(proto, blank + 1)
                    return proto, set(row_cells(tr))
        return None, set()

    # -- 2. placeholders -------------------------------------------------------------------------------
    def placeholders(self, root, part: str) -> None:
        for p in root.iter(W_P):
            pt = ParagraphText.of(p)
            if "{{" not in pt.text:
                continue
            in_row = _location_row(p)
            hits = list(_PLACEHOLDER.finditer(pt.text))
            for m in reversed(hits):
                name = fold(m.group(1))
                key = self.names.get(name)
                loc = self.location_names.get(name)
                if in_row is not None and loc is not None and (key is None or _row_is_locations(in_row, self)):
                    marker = self.slot(f"row:{loc}", f"{{{{{m.group(1)}}}}} ({part})")
                    self.mark_row(in_row, 1)
                elif key is not None:
                    marker = self.slot(key, f"{{{{{m.group(1)}}}}} ({part})")
                else:
                    raise WorkbookError(
                        f"Skabelonen '{self.name}' har pladsholderen {{{{{m.group(1)}}}}} ({part}), som ikke er et "
                        "kendt felt; kendte felter: " + ", ".join(sorted(v[0] for v in FIELD_NAMES.values())))
                pt.replace(m.start(), m.end(), marker)

    # -- 3. labels -------------------------------------------------------------------------------------
    def labels(self, root, part: str, skip: set, found: dict[tuple[str, str], int]) -> None:
        cells = [tc for tc in root.iter(W_TC) if tc not in skip]
        for key, labels in self.mapping.labels.items():
            for label in labels:
                hits = self._label_cells(cells, key, label, part) if label.place != "after" else 0
                if not hits and label.place != "right" and label.place != "below":
                    hits = self._label_after(root, key, label, part)
                found[(key, label.text)] = found.get((key, label.text), 0) + hits

    def _label_cells(self, cells: list, key: str, label: Label, part: str) -> int:
        want, hits = fold(label.text), 0
        for tc in cells:
            if fold(cell_text(tc)) != want:
                continue
            target = _neighbour(tc, label.place or "right")
            if target is None:
                where = "til højre for" if (label.place or "right") == "right" else "under"
                raise WorkbookError(f"Skabelonen '{self.name}': der er ingen celle {where} etiketten "
                                    f"'{label.text}' ({part}) til feltet '{key}'")
            fill_cell(target, self.slot(key, f"cellen ved '{label.text}' ({part})"))
            hits += 1
        return hits

    def _label_after(self, root, key: str, label: Label, part: str) -> int:
        pattern = re.compile(r"\s*".join(re.escape(w) for w in label.text.split()), re.IGNORECASE)
        hits = 0
        for p in root.iter(W_P):
            pt = ParagraphText.of(p)
            spans = []
            for m in pattern.finditer(pt.text):
                if not _starts_a_label(pt.text, m.start()):
                    continue   # inside a longer text: "Navn:" in "Institutionens navn:"
                space = _SPACE.match(pt.text, m.end())
                after = space.end() if space else m.end()
                line = _LINE.match(pt.text, after)
                if line and line.end() > after:   # the value takes the line's run (its formatting, not the label's)
                    lead = "" if after > m.end() or pt.text[m.end() - 1:m.end()].isspace() else " "
                    spans.append((after, line.end(), lead, ""))
                else:   # no line to write on: after the label's space, a space before what follows
                    lead = "" if after > m.end() else " "
                    trail = " " if after < len(pt.text) and not pt.text[after].isspace() else ""
                    spans.append((after, after, lead, trail))
            for start, end, lead, trail in reversed(spans):
                pt.replace(start, end, lead + self.slot(key, f"efter '{label.text}' ({part})") + trail)
                hits += 1
        return hits


def _starts_a_label(text: str, at: int) -> bool:
    """A label begins the line, or follows a gap, a line to write on or punctuation; not inside a longer text."""
    before = text[:at]
    kept = before.rstrip(" \u00a0\t")
    return not kept or kept[-1] in "_.…:;()[]" or len(before) - len(kept) >= 2


def _location_row(p):
    return next(p.iterancestors(W_TR), None)


def _row_is_locations(tr, compiler: _Compiler) -> bool:
    """A row whose placeholders name a field only the locations have (Enhed, P-nummer, Leveringsadresse)."""
    text = " ".join(ParagraphText.of(p).text for p in tr.iter(W_P))
    return any(compiler.location_names.get(fold(m.group(1))) in _LOCATION_ONLY
               for m in _PLACEHOLDER.finditer(text))


def _neighbour(tc, place: str):
    """The cell to the right of ``tc`` or the one below it (the same grid column in the next row)."""
    tr = next(tc.iterancestors(W_TR))
    cols = grid_columns(tr)
    index = next(i for i, (_, c) in enumerate(cols) if c is tc)
    if place == "right":
        return cols[index + 1][1] if index + 1 < len(cols) else None
    col = cols[index][0]
    nxt = tr.getnext()
    while nxt is not None and nxt.tag != W_TR:
        nxt = nxt.getnext()
    if nxt is None:
        return None
    return next((c for start, c in grid_columns(nxt) if start == col), None)


def _cut(xml: str, markers: str) -> list:
    """The part's text cut at the markers: static strings, slot numbers and :class:`_Rows` blocks."""
    out: list = []
    stack = [out]
    pos = 0
    m0, m1, m2, m3, m4 = (re.escape(c) for c in markers)
    for m in re.finditer(f"{m0}(\\d+){m1}|{m2}(\\d+){m4}|{m3}", xml):
        stack[-1].append(xml[pos:m.start()])
        if m.group(1) is not None:
            stack[-1].append(int(m.group(1)))
        elif m.group(2) is not None:
            block = _Rows([], int(m.group(2)))
            stack[-1].append(block)
            stack.append(block.pieces)
        else:
            stack.pop()
        pos = m.end()
    stack[-1].append(xml[pos:])
    return [p for p in out if p != ""]


def _render(pieces: list, slots: list[str], values: dict[str, str], rows: list[dict[str, str]],
            row: dict[str, str] | None, out: list[str]) -> None:
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, int):
            key = slots[piece]
            out.append((row or {}).get(key[4:], "") if key.startswith("row:") else values.get(key, ""))
        else:
            for i in range(max(len(rows), piece.template_rows)):
                _render(piece.pieces, slots, values, rows, rows[i] if i < len(rows) else {}, out)


class WordTemplate:
    """A compiled Bilag 7 in Word; :meth:`fill` returns the filled .docx as bytes."""

    def __init__(self, path: Path, members: list, patched: dict[str, list], slots: list[str],
                 located: dict[str, list[str]], table_where: str):
        self.path = path
        self.members = members        # (name, Member | None): None for a part filled on every enrolment
        self.patched = patched        # part name -> pieces
        self.slots = slots
        self.located = located
        self.table_where = table_where

    @classmethod
    def load(cls, path: str | Path, mapping: str | Path | Mapping | None = None) -> "WordTemplate":
        """Compile the Word template at ``path`` with an optional field map (file or :class:`Mapping`)."""
        import docx
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        path = Path(path)
        if mapping is not None and not isinstance(mapping, Mapping):
            mapping = Mapping.load(Path(mapping))
        pkg = open_package(path, noun="Bilag 7-skabelonen", kind=DOCUMENT)
        try:
            raw = {name: pkg.read(name) for name in pkg.names}
        finally:
            pkg.close()
        for name, data in raw.items():
            if name.endswith((".xml", ".rels")) and (b"<!DOCTYPE" in data[:4000] or b"<!ENTITY" in data[:4000]):
                raise UntrustedFileError(f"Bilag 7-skabelonen '{path.name}': delen '{name}' indeholder en DTD og "
                                         "afvises")
        macros = b"macroEnabled" in raw.get("[Content_Types].xml", b"")
        if macros or any(n.lower().endswith("vbaproject.bin") for n in raw):
            raise UntrustedFileError(f"Bilag 7-skabelonen '{path.name}' indeholder makroer; gem den som .docx "
                                     "(Word-dokument uden makroer) og prøv igen")
        for name, data in raw.items():
            if name.endswith(".rels"):
                for rel in _RELS_TARGET.findall(data):
                    if b'TargetMode="External"' in rel and any(t.encode() + b'"' in rel for t in _FETCHING):
                        raise UntrustedFileError(
                            f"Bilag 7-skabelonen '{path.name}' henter noget udefra, når den åbnes (en ekstern "
                            f"skabelon, et underdokument eller et objekt i '{name}'); gem den uden og prøv igen")
        types = raw.get("[Content_Types].xml", b"")
        as_document = types.replace(b"wordprocessingml.template.main+xml", b"wordprocessingml.document.main+xml")
        if as_document != types:  # a .dotx: the filled file is a document
            raw["[Content_Types].xml"] = as_document
        buffer = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(buffer, "w") as zf:
            for name, data in raw.items():
                zf.writestr(name, data)
        try:
            document = docx.Document(io.BytesIO(buffer.getvalue()))
        except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a broken package
            raise WorkbookError(f"Bilag 7-skabelonen '{path.name}' kan ikke læses som Word-dokument: {exc}") from None
        parts = [p for p in document.part.package.iter_parts() if str(p.content_type).endswith(_TEXT_PARTS)]
        parts.sort(key=lambda p: (str(p.partname) != "/word/document.xml", str(p.partname)))
        roots = {str(p.partname).lstrip("/"): (p.element if hasattr(p, "element") else parse_xml(p.blob))
                 for p in parts}
        compiler = _Compiler(path.name, mapping,
                             _markers(serialize_part_xml(r).decode("utf-8") for r in roots.values()))
        found: dict[tuple[str, str], int] = {}
        touched: dict[str, int] = {}
        for name, root in roots.items():
            before = len(compiler.slots)
            compiler.content_controls(root, name)
            _, header_cells = compiler.locations_table(root, name)
            compiler.placeholders(root, name)
            compiler.labels(root, name, header_cells, found)
            if len(compiler.slots) > before:
                touched[name] = before
        for (key, text), hits in found.items():
            if not hits:
                raise WorkbookError(f"Feltkortet: etiketten '{text}' til feltet '{key}' findes ikke i "
                                    f"Bilag 7-skabelonen '{path.name}'")
        if not compiler.slots:
            raise WorkbookError(f"Bilag 7-skabelonen '{path.name}' har ingen felter: brug indholdskontrolelementer "
                                "med feltnavne (Institution, CVR ...), pladsholdere som {{Institution}} eller et "
                                "feltkort med [etiketter]")
        patched = {name: _cut(serialize_part_xml(roots[name]).decode("utf-8"), compiler.m) for name in touched}
        members = [(name, None if name in patched else Member.of(name, data)) for name, data in raw.items()]
        return cls(path, members, patched, compiler.slots, compiler.located, compiler.table_where)

    def fill(self, values: dict[str, Any], rows: list[dict[str, Any]] | None = None) -> bytes:
        """The filled document as .docx bytes (deterministic for equal inputs).

        ``values`` maps field keys (:data:`~xlkopi.enrol.mapping.FIELDS`) to text, numbers or dates; ``rows``
        holds one dict per location keyed by :data:`~xlkopi.enrol.mapping.LOCATION_FIELDS`.
        """
        shown = {k: run_text(v) for k, v in values.items()}
        shown_rows = [{k: run_text(v) for k, v in r.items()} for r in rows or []]
        out = []
        for name, member in self.members:
            if member is not None:
                out.append(member)
                continue
            text: list[str] = []
            _render(self.patched[name], self.slots, shown, shown_rows, None, text)
            out.append(Member.of(name, "".join(text).encode("utf-8"), level=FILL_LEVEL))
        return build(out)

    def summary(self) -> str:
        """Where the fields go, one line per field (Danish)."""
        lines = [f"{k}: {', '.join(v)}" for k, v in self.located.items() if not k.startswith("row:")]
        lines.append(f"lokationer: {self.table_where or 'ingen tabel'}")
        return "\n".join(lines)

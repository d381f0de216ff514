"""Fill an enrolment template by patching its sheet XML inside the zip.

A template is compiled once (:meth:`Template.load`): its workbook part,
defined names and tables are read, every field is located, and each sheet
that receives values is cut into static text and slots. Filling
(:meth:`Template.fill`) then only joins strings, deflates the patched parts
and writes the zip; every other member is copied unchanged, so styles,
merged cells, data validation, defined names, images and sheet protection
survive exactly. Values are written as inline strings or numbers, never as
formulas, and the template must keep its formulas out of the filled cells.

Fields are located through the template's defined names (a name equal to
the field key, or ending in ``.<key>`` such as ``Skema.Aftale``) or through
a mapping file (TOML or JSON) that maps each field to cells or defined names,
and the locations table to an Excel table or a start cell.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from defusedxml import ElementTree as SafeET

from ..core.vocabulary import format_date
from ..errors import UntrustedFileError, WorkbookError
from ..io import ooxml
from ..io.a1 import col_index, col_letters
from ..io.package import open_package
from .zipbuild import Member, build

#: Field keys of an enrolment (the mapping file's keys) and what they hold.
FIELDS: dict[str, str] = {
    "aftale": "Aftalens navn",
    "fase": "Aftalens fase",
    "institution": "Institutionens navn",
    "institutionstype": "Institutionstype",
    "cvr": "CVR-nummer",
    "ean": "Institutionens EAN-nummer",
    "adresse": "Institutionens adresse",
    "kontaktperson": "Kontaktperson",
    "email": "Kontaktpersonens e-mail",
    "telefon": "Telefon",
    "underskriver": "Underskriver",
    "dato": "Dato",
    "antal_lokationer": "Antal lokationer",
}

#: Location columns (key -> the default template's table column header).
LOCATION_FIELDS: dict[str, str] = {
    "enhed": "Enhed",
    "ean": "EAN-nummer",
    "p_nummer": "P-nummer",
    "leveringsadresse": "Leveringsadresse",
    "kontaktperson": "Kontaktperson",
}

# zlib level for the parts patched on every fill: a few kB each, where level 1
# is twice as fast as 6 and nearly as small.
FILL_LEVEL = 1

_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")
_ATTR_R = re.compile(r'(?:^|\s)r="([A-Z]{1,3})(\d+)"')
_ATTR_S = re.compile(r'(?:^|\s)s="(\d+)"')
_SPANS = re.compile(r'\s+spans="[^"]*"')
_ROW_R = re.compile(r'(\s)r="\d+"')
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XML_SPECIAL = re.compile("[&<>_\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = date(1899, 12, 30)


# ---------------------------------------------------------------- helpers

def xml_text(value: str) -> str:
    """``value`` escaped for an XML text node of a cell.

    Characters XML 1.0 cannot hold are dropped, CR and CR LF become LF (the
    cell line break), and ``_xHHHH_`` sequences are escaped as Excel expects
    (``_x005F_``) so that Excel and LibreOffice show them literally.

    >>> xml_text("A&B <c> _x0041_")
    'A&amp;B &lt;c&gt; _x005F_x0041_'
    """
    if not _XML_SPECIAL.search(value):  # the common case: nothing to do
        return value
    # XML parsers turn CR and CR LF into LF anyway; a cell's line break is LF
    value = _XML_BAD.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _XML_ESCAPED.sub(r"_x005F_\1", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(ref: str, style: str, value: Any) -> str:
    """One ``<c>`` element: numbers as ``<v>``, text as an inline string, never a formula.

    ``style`` is the attribute text (``' s="3"'`` or ``''``).

    >>> cell_xml("B2", ' s="1"', "=1+1")
    '<c r="B2" s="1" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c>'
    >>> cell_xml("B3", "", 9)
    '<c r="B3"><v>9</v></c>'
    """
    if value is None or value == "":
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, Decimal)):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}"{style}><v>{(value - _EPOCH).days}</v></c>'
    text = xml_text(str(value))
    if not text:  # only characters XML cannot hold
        return f'<c r="{ref}"{style}/>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _split_ref(ref: str) -> tuple[str | None, str]:
    """``("Bilag 7", "C5")`` from ``'Bilag 7'!$C$5`` (range: its top-left cell)."""
    ref = ref.strip()
    m = _SHEET_REF.match(ref)
    sheet, cell = (None, ref) if not m else ((m.group(1) or "").replace("''", "'") or m.group(2), m.group(3))
    cell = cell.split(":")[0]
    return sheet, cell


def _parse_cell(cell: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(cell.strip())
    if not m:
        return None
    return int(m.group(2)), col_index(m.group(1))


def read_package(path: Path) -> dict[str, bytes]:
    """The members of an xlsx template, read through the package's one safety policy (:mod:`xlkopi.io.package`).

    The same checks as every other workbook xlkopi opens: regular file, size, encrypted/.xls, zip limits
    (members, total, per part, ratio), unique part names, a workbook part; each member inflated with a bound.
    """
    pkg = open_package(path, noun="Skabelonen")
    try:
        return {name: pkg.read(name) for name in pkg.names}
    finally:
        pkg.close()


def _xml(data: bytes, what: str):
    if b"<!DOCTYPE" in data[:2000] or b"<!ENTITY" in data[:2000]:
        raise UntrustedFileError(f"Skabelonens del '{what}' indeholder en DTD og afvises")
    try:
        return SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises several kinds
        raise WorkbookError(f"Skabelonens del '{what}' kan ikke læses som XML: {exc}") from None


_DATE_FORMAT_IDS = set(range(14, 23)) | {45, 46, 47}


def date_styles(members: dict[str, bytes]) -> set[str]:
    """Style attributes (``' s="N"'``) whose number format shows a date."""
    data = members.get("xl/styles.xml")
    if not data:
        return set()
    root = _xml(data, "xl/styles.xml")
    custom = {}
    for fmt in root.iter(f"{ooxml.MAIN}numFmt"):
        code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.get("formatCode", "")).lower()
        custom[int(fmt.get("numFmtId", "0"))] = bool(re.search(r"[dy]", code)) or "mm" in code and "h" not in code
    out = set()
    xfs = root.find(f"{ooxml.MAIN}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0"))
        if fid in _DATE_FORMAT_IDS or custom.get(fid):
            out.add(f' s="{i}"')
    return out


def _rels(members: dict[str, bytes], part: str) -> dict[str, str]:
    """Relationship id -> target part name for ``part``."""
    name = ooxml.rels_name(part)
    if name not in members:
        return {}
    return ooxml.targets(_xml(members[name], name), part)


# ---------------------------------------------------------------- mapping

@dataclass
class Mapping:
    """Where each field goes: field key -> references (cells or defined names)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    table: str | None = None        # Excel table name for the locations
    start: str | None = None        # or the first data cell, e.g. "Skema!A10"
    columns: dict[str, str] = field(default_factory=dict)  # location key -> column header or letter

    @classmethod
    def load(cls, path: Path) -> "Mapping":
        """Read a mapping file (``.toml`` or ``.json``) with ``[felter]`` and ``[lokationer]``."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise WorkbookError(f"Feltkortet '{path}' kan ikke læses: {exc.strerror}") from None
        try:
            data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise WorkbookError(f"Feltkortet '{path.name}' kan ikke læses: {exc}") from None
        unknown = set(data) - {"felter", "lokationer"}
        if unknown:
            raise WorkbookError(f"Feltkortet '{path.name}' har ukendte afsnit: {', '.join(sorted(unknown))} "
                                "(kendte: felter, lokationer)")
        mapping = cls()
        for key, refs in (data.get("felter") or {}).items():
            if key not in FIELDS:
                raise WorkbookError(f"Feltkortet '{path.name}': ukendt felt '{key}'; kendte felter: "
                                    + ", ".join(FIELDS))
            refs = [refs] if isinstance(refs, str) else list(refs)
            if not all(isinstance(r, str) and r.strip() for r in refs):
                raise WorkbookError(f"Feltkortet '{path.name}': feltet '{key}' skal pege på celler eller navne")
            mapping.fields[key] = refs
        loc = data.get("lokationer") or {}
        mapping.table = loc.get("tabel")
        mapping.start = loc.get("start")
        for key, col in (loc.get("kolonner") or {}).items():
            if key not in LOCATION_FIELDS:
                raise WorkbookError(f"Feltkortet '{path.name}': ukendt lokationskolonne '{key}'; kendte: "
                                    + ", ".join(LOCATION_FIELDS))
            mapping.columns[key] = str(col)
        if mapping.start and not mapping.columns:
            raise WorkbookError(f"Feltkortet '{path.name}': med 'start' skal [lokationer.kolonner] angive "
                                "kolonnebogstaverne")
        return mapping


# ---------------------------------------------------------------- sheet plan

@dataclass
class _Cell:
    col: int
    attrs: str
    raw: str | None  # None: inserted, not in the template

    @property
    def style(self) -> str:
        m = _ATTR_S.search(self.attrs)
        return f' s="{m.group(1)}"' if m else ""

    @property
    def has_value(self) -> bool:
        return self.raw is not None and ("<v" in self.raw or "<is" in self.raw or "<f" in self.raw)


@dataclass
class _Row:
    num: int
    attrs: str
    cells: list[_Cell]
    raw: str | None

    def open_tag(self, prefix: str, num: int | None = None) -> str:
        attrs = _SPANS.sub("", self.attrs)
        if num is not None:
            attrs = _ROW_R.sub(rf'\1r="{num}"', attrs, count=1)
        return f"<{prefix}row{attrs}>"


@dataclass
class _TableSpec:
    header_row: int
    first_col: int
    last_col: int
    columns: dict[int, str]  # column number -> location field key
    part: str | None = None  # the table part to patch, None for a plain range
    part_text: str = ""


class _SheetPlan:
    """A sheet cut into static text and slots for the fields (and the table rows)."""

    def __init__(self, part: str, text: str, slots: dict[tuple[int, int], list[str]],
                 table: _TableSpec | None, sheet_name: str, date_styles: set[str] | frozenset[str] = frozenset()):
        self.part = part
        self.date_styles = date_styles
        self._row_tags: dict[int, tuple[str, str]] = {}
        self.table = table
        where = f"arket '{sheet_name}'"
        m = re.search(r"<(\w+:)?sheetData\b[^>]*?(/?)>", text)
        if not m:
            raise WorkbookError(f"Skabelonen: {where} har ingen celledata (sheetData)")
        self.prefix = p = m.group(1) or ""
        if m.group(2):
            body, before, after = "", text[:m.start()] + f"<{p}sheetData>", f"</{p}sheetData>" + text[m.end():]
        else:
            end = text.find(f"</{p}sheetData>", m.end())
            if end < 0:
                raise WorkbookError(f"Skabelonen: {where} er ikke gyldig XML")
            body, before, after = text[m.end():end], text[:m.end()], text[end:]
        rows = self._parse_rows(body, where)
        merged = [self._range(r) for r in re.findall(r'<(?:\w+:)?mergeCell\s+ref="([^"]+)"', after)]
        col_styles = self._col_styles(before)

        # Insert the cells the fields need, keeping rows and cells in order.
        by_num = {r.num: r for r in rows}
        for (rnum, cnum), keys in slots.items():
            ref = f"{col_letters(cnum)}{rnum}"
            for (r1, c1, r2, c2) in merged:
                if r1 <= rnum <= r2 and c1 <= cnum <= c2 and (rnum, cnum) != (r1, c1):
                    raise WorkbookError(f"Skabelonen: feltet '{keys[0]}' peger på {ref} i {where}, som ligger inde "
                                        f"i en flettet celle; brug øverste venstre celle {col_letters(c1)}{r1}")
            row = by_num.get(rnum)
            if row is None:
                row = by_num[rnum] = _Row(rnum, f' r="{rnum}"', [], None)
            cell = next((c for c in row.cells if c.col == cnum), None)
            if cell is None:
                style = col_styles.get(cnum, "")
                row.cells.append(_Cell(cnum, f' r="{ref}"{style}', None))
                row.cells.sort(key=lambda c: c.col)
                row.raw = None
            elif cell.raw and "<f" in cell.raw:
                raise WorkbookError(f"Skabelonen: feltet '{keys[0]}' peger på {ref} i {where}, som indeholder en "
                                    "formel; felter skal være almindelige inddatafelter")
            if table and rnum > table.header_row:
                raise WorkbookError(f"Skabelonen: feltet '{keys[0]}' ({ref}) ligger under lokationstabellen i {where}")
        rows = sorted(by_num.values(), key=lambda r: r.num)

        self.tail: dict[int, _Row] = {}
        head_rows = rows
        if table:
            h = table.header_row
            head_rows = [r for r in rows if r.num <= h]
            self.tail = {r.num: r for r in rows if r.num > h}
            for r in self.tail.values():
                if r.num > h + 1 and any(c.has_value for c in r.cells):
                    raise WorkbookError(f"Skabelonen: under lokationstabellen i {where} må der ikke stå noget "
                                        f"(række {r.num} har indhold)")
            for (r1, _c1, r2, _c2) in merged:
                if r2 > h:
                    raise WorkbookError(f"Skabelonen: {where} har flettede celler under lokationstabellens "
                                        f"overskrift (række {r1}-{r2}); det understøttes ikke")
            self.data_row = self.tail.get(h + 1) or _Row(h + 1, f' r="{h + 1}"', [], None)

        # Segments: str (static) or ("slot", ref, style, raw, keys).
        segs: list[Any] = [before]
        for row in head_rows:
            if row.raw is not None and not any((row.num, c.col) in slots for c in row.cells):
                segs.append(row.raw)
                continue
            segs.append(row.open_tag(p))
            for c in row.cells:
                if (row.num, c.col) in slots:
                    segs.append(("slot", f"{col_letters(c.col)}{row.num}", c.style, c.raw,
                                 slots[(row.num, c.col)]))
                else:
                    segs.append(c.raw if c.raw is not None else f"<{p}c{c.attrs}/>")
            segs.append(f"</{p}row>")
        self.dimension: tuple[int, int, int, int] | None = None
        if table:
            segs.append(("table",))
            dim = re.search(r'(<(?:\w+:)?dimension\s+ref=")([^"]+)("\s*/>)', before)
            if dim:
                self.dimension = self._range(dim.group(2))
                segs[0] = ("dim", before[:dim.start(2)], before[dim.end(2):])
        segs.append(after)
        self.segments = self._merge(segs)

    # -- parsing helpers
    def _parse_rows(self, body: str, where: str) -> list[_Row]:
        p = re.escape(self.prefix)
        row_rx = re.compile(rf"<{p}row\b([^>]*?)(?:/>|>(.*?)</{p}row>)", re.S)
        cell_rx = re.compile(rf"<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c>)", re.S)
        rows, pos = [], 0
        for m in row_rx.finditer(body):
            if body[pos:m.start()].strip():
                raise WorkbookError(f"Skabelonen: {where} har uventet indhold mellem rækkerne")
            pos = m.end()
            rm = re.search(r'(?:^|\s)r="(\d+)"', m.group(1))
            if not rm:
                raise WorkbookError(f"Skabelonen: {where} har rækker uden nummer; gem den igen i Excel")
            cells = []
            for cm in cell_rx.finditer(m.group(2) or ""):
                am = _ATTR_R.search(cm.group(1))
                if not am:
                    raise WorkbookError(f"Skabelonen: {where} har celler uden adresse; gem den igen i Excel")
                cells.append(_Cell(col_index(am.group(1)), cm.group(1), cm.group(0)))
            rows.append(_Row(int(rm.group(1)), m.group(1), cells, m.group(0)))
        if body[pos:].strip():
            raise WorkbookError(f"Skabelonen: {where} har uventet indhold efter rækkerne")
        return rows

    @staticmethod
    def _range(ref: str) -> tuple[int, int, int, int]:
        a, _, b = ref.partition(":")
        r1, c1 = _parse_cell(a) or (1, 1)
        end = _parse_cell(b) if b else (r1, c1)
        if end is None:  # a malformed end cell fails as unpacking the None always did
            raise TypeError("cannot unpack non-iterable NoneType object")
        r2, c2 = end
        return r1, c1, r2, c2

    @staticmethod
    def _col_styles(before: str) -> dict[int, str]:
        out = {}
        for m in re.finditer(r"<(?:\w+:)?col\b([^>]*)/?>", before):
            attrs = m.group(1)
            lo, hi, st = (re.search(rf'\b{k}="(\d+)"', attrs) for k in ("min", "max", "style"))
            if lo and hi and st and int(hi.group(1)) - int(lo.group(1)) < 16384:
                for c in range(int(lo.group(1)), min(int(hi.group(1)), 200) + 1):
                    out[c] = f' s="{st.group(1)}"'
        return out

    @staticmethod
    def _merge(segs: list[Any]) -> list[Any]:
        out: list[Any] = []
        for s in segs:
            if isinstance(s, str) and out and isinstance(out[-1], str):
                out[-1] += s
            else:
                out.append(s)
        return out

    # -- filling
    def render(self, values: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
        out: list[str] = []
        n = max(1, len(rows))
        for s in self.segments:
            if isinstance(s, str):
                out.append(s)
            elif s[0] == "slot":
                _, ref, style, raw, keys = s
                value = next((values[k] for k in keys if values.get(k) not in (None, "")), None)
                if value is None:
                    out.append(raw if raw is not None else f'<{self.prefix}c r="{ref}"{style}/>')
                else:
                    if isinstance(value, date) and style not in self.date_styles:
                        value = format_date(value)  # a serial number would show as 45352
                    out.append(cell_xml(ref, style, value))
            elif s[0] == "table":
                out.append(self._table_rows(rows))
            else:  # ("dim", before, after): the dimension grows with the table
                # a "dim" segment is only made for a sheet with a table and a dimension
                r1, c1, r2, c2 = cast(tuple[int, int, int, int], self.dimension)
                table = cast(_TableSpec, self.table)
                bottom = max(r2, table.header_row + n)
                right = max(c2, table.last_col)
                out.append(s[1] + f"{col_letters(c1)}{r1}:{col_letters(right)}{bottom}" + s[2])
        text = "".join(out)
        if self.prefix:
            text = text.replace("<c r=", f"<{self.prefix}c r=").replace("</c>", f"</{self.prefix}c>")
            text = text.replace("<is><t ", f"<{self.prefix}is><{self.prefix}t ").replace(
                "</t></is>", f"</{self.prefix}t></{self.prefix}is>").replace("<v>", f"<{self.prefix}v>").replace(
                "</v>", f"</{self.prefix}v>")
        return text.encode("utf-8")

    def _row_tag(self, row: _Row, num: int) -> str:
        """``<row r="num" ...>`` with ``row``'s other attributes (cached per template row)."""
        key = id(row)
        parts = self._row_tags.get(key)
        if parts is None:
            before, _, after = row.open_tag(self.prefix, 0).partition('r="0"')
            parts = self._row_tags[key] = (before + 'r="', '"' + after)
        return f"{parts[0]}{num}{parts[1]}"

    def _table_rows(self, rows: list[dict[str, Any]]) -> str:
        # called for the "table" segment, which is only made for a sheet with a table
        t, p = cast(_TableSpec, self.table), self.prefix
        h, n = t.header_row, max(1, len(rows))
        out = []
        base = self.data_row
        base_styles = {c.col: c.style for c in base.cells}
        for i in range(n):
            num = h + 1 + i
            own = self.tail.get(num)
            tpl = own or base
            values = rows[i] if i < len(rows) else None
            if values is None and own is not None and own.raw is not None:
                out.append(own.raw)
                continue
            cells = {c.col: c for c in tpl.cells}
            out.append(self._row_tag(tpl, num))
            for col in sorted(set(cells) | set(t.columns)):
                ref = f"{col_letters(col)}{num}"
                if col in t.columns:
                    style = cells[col].style if col in cells else base_styles.get(col, "")
                    out.append(cell_xml(ref, style, values.get(t.columns[col]) if values else None))
                elif own is not None and (raw := cells[col].raw) is not None:
                    out.append(raw)
                elif cells[col].style:
                    out.append(f'<c r="{ref}"{cells[col].style}/>')
            out.append(f"</{p}row>")
        for num in sorted(self.tail):
            if num > h + n:
                out.append(self.tail[num].raw or "")
        return "".join(out)


# ---------------------------------------------------------------- template

@dataclass
class _Part:
    name: str
    member: Member | None = None          # unchanged, precompressed
    sheet: _SheetPlan | None = None       # patched sheet
    table: _TableSpec | None = None       # patched table part


class Template:
    """A compiled enrolment template; :meth:`fill` returns a filled xlsx as bytes."""

    def __init__(self, path: Path, parts: list[_Part], located: dict[str, list[str]], table_where: str):
        self.path = path
        self.parts = parts
        self.located = located          # field key -> ["'Bilag 7'!C5", ...]
        self.table_where = table_where  # e.g. "tabellen 'Lokationer' på arket 'Skema'"
        self._tables: dict[tuple[str, int], Member] = {}

    @classmethod
    def load(cls, path: str | Path, mapping: str | Path | Mapping | None = None) -> "Template":
        """Compile the template at ``path`` with an optional field mapping (file or :class:`Mapping`)."""
        path = Path(path)
        if mapping is not None and not isinstance(mapping, Mapping):
            mapping = Mapping.load(Path(mapping))
        members = read_package(path)
        if "xl/workbook.xml" not in members:
            raise WorkbookError(f"Skabelonen '{path.name}' er ikke en Excel-projektmappe (mangler xl/workbook.xml)")
        wb = _xml(members["xl/workbook.xml"], "xl/workbook.xml")
        rels = _rels(members, "xl/workbook.xml")
        sheets: dict[str, str] = {}   # name -> part
        order: list[str] = []
        for s in wb.iter(f"{ooxml.MAIN}sheet"):
            part = rels.get(s.get(f"{ooxml.REL}id"))
            if part in members:
                sheets[s.get("name")] = part
                order.append(s.get("name"))
        names: dict[str, str] = {}
        for dn in wb.iter(f"{ooxml.MAIN}definedName"):
            name = dn.get("name", "")
            if dn.text and not name.startswith("_xlnm"):
                local = dn.get("localSheetId")
                text = dn.text
                if local is not None and "!" not in text and local.isdigit() and int(local) < len(order):
                    text = f"'{order[int(local)]}'!{text}"
                names.setdefault(name.casefold(), text)
        lower_sheets = {k.casefold(): k for k in sheets}

        def resolve(ref: str, key: str) -> tuple[str, int, int]:
            text = names.get(ref.strip().casefold(), ref)
            sheet, cell = _split_ref(text)
            pos = _parse_cell(cell)
            if sheet is None or pos is None:
                raise WorkbookError(f"Skabelonen '{path.name}': feltet '{key}' peger på '{ref}', som hverken er et "
                                    "definert navn i skabelonen eller en celle som 'Ark!C5'")
            real = lower_sheets.get(sheet.casefold())
            if real is None:
                raise WorkbookError(f"Skabelonen '{path.name}': feltet '{key}' peger på arket '{sheet}', som ikke "
                                    "findes")
            return real, pos[0], pos[1]

        # Fields: from the mapping, else by the defined-name convention.
        wanted: dict[str, list[str]] = {}
        if mapping and mapping.fields:
            wanted = {k: list(v) for k, v in mapping.fields.items()}
        else:
            for key in FIELDS:
                hits = sorted(n for n in names if n == key or n.endswith("." + key))
                if hits:
                    wanted[key] = hits
        if not wanted:
            raise WorkbookError(f"Skabelonen '{path.name}' har ingen felter: giv cellerne definerede navne som "
                                "'Aftale', 'CVR' ... eller angiv et feltkort (--mapping)")
        slots: dict[str, dict[tuple[int, int], list[str]]] = {}
        located: dict[str, list[str]] = {}
        for key, refs in wanted.items():
            for ref in refs:
                sheet, r, c = resolve(ref, key)
                slots.setdefault(sheet, {}).setdefault((r, c), []).append(key)
                located.setdefault(key, []).append(f"'{sheet}'!{col_letters(c)}{r}")

        dates = date_styles(members)
        table, table_sheet, table_where = cls._locate_table(path, members, sheets, mapping, resolve)
        parts: list[_Part] = []
        plans: dict[str, _SheetPlan] = {}
        for sheet in set(slots) | ({table_sheet} if table_sheet else set()):
            part = sheets[sheet]
            text = members[part].decode("utf-8")
            if "<!DOCTYPE" in text[:2000]:
                raise UntrustedFileError(f"Skabelonens ark '{sheet}' indeholder en DTD og afvises")
            plans[part] = _SheetPlan(part, text, slots.get(sheet, {}), table if sheet == table_sheet else None, sheet,
                                     dates)
        for name in members:
            if name in plans:
                parts.append(_Part(name, sheet=plans[name]))
            elif table is not None and name == table.part:
                parts.append(_Part(name, table=table))
            else:
                parts.append(_Part(name, member=Member.of(name, members[name])))
        return cls(path, parts, located, table_where)

    @staticmethod
    def _locate_table(path, members, sheets, mapping, resolve):
        """The locations range: an Excel table (default "Lokationer") or a mapped start cell."""
        if mapping and mapping.start:
            sheet, r, c = resolve(mapping.start, "lokationer")
            cols = {col_index(v): k for k, v in mapping.columns.items() if re.fullmatch(r"[A-Za-z]{1,3}", v)}
            if len(cols) != len(mapping.columns):
                raise WorkbookError(f"Feltkortet til '{path.name}': med 'start' skal kolonnerne angives som "
                                    "bogstaver (fx enhed = \"A\")")
            spec = _TableSpec(r - 1, min(cols), max(cols), cols)
            return spec, sheet, f"området fra {col_letters(c)}{r} på arket '{sheet}'"
        wanted = (mapping.table if mapping and mapping.table else "Lokationer").casefold()
        for sheet, part in sheets.items():
            for target in _rels(members, part).values():
                if not target.startswith("xl/tables/") or target not in members:
                    continue
                t = _xml(members[target], target)
                if (t.get("name") or "").casefold() != wanted and (t.get("displayName") or "").casefold() != wanted:
                    continue
                if int(t.get("totalsRowCount") or 0):
                    raise WorkbookError(f"Skabelonen '{path.name}': tabellen '{t.get('name')}' har en totalrække; "
                                        "det understøttes ikke")
                if t.get("headerRowCount") == "0":
                    raise WorkbookError(f"Skabelonen '{path.name}': tabellen '{t.get('name')}' skal have en "
                                        "overskriftsrække")
                r1, c1, r2, c2 = _SheetPlan._range(t.get("ref"))
                headers = [tc.get("name", "") for tc in t.iter(f"{ooxml.MAIN}tableColumn")]
                by_header = {h.casefold(): c1 + i for i, h in enumerate(headers)}
                columns = {}
                source = mapping.columns if mapping and mapping.columns else LOCATION_FIELDS
                for key, header in source.items():
                    if header.casefold() in by_header:
                        columns[by_header[header.casefold()]] = key
                    elif mapping and mapping.columns:
                        raise WorkbookError(f"Skabelonen '{path.name}': tabellen '{t.get('name')}' har ingen kolonne "
                                            f"'{header}' (har: {', '.join(headers)})")
                if not columns:
                    raise WorkbookError(f"Skabelonen '{path.name}': tabellen '{t.get('name')}' har ingen af "
                                        "lokationskolonnerne " + ", ".join(LOCATION_FIELDS.values()))
                text = members[target].decode("utf-8")
                spec = _TableSpec(r1, c1, c2, columns, target, text)
                return spec, sheet, f"tabellen '{t.get('name')}' på arket '{sheet}'"
        if mapping and mapping.table:
            raise WorkbookError(f"Skabelonen '{path.name}' har ingen tabel ved navn '{mapping.table}'")
        return None, None, "(ingen lokationstabel)"

    def _table_member(self, part: _Part, n: int) -> Member:
        """The table part with its range grown to ``n`` data rows (cached: it depends on ``n`` only)."""
        key = (part.name, max(1, n))
        member = self._tables.get(key)
        if member is None:
            # fill() asks only for a part that is neither copied nor a sheet: a table part, made with its spec
            t = cast(_TableSpec, part.table)
            ref = f"{col_letters(t.first_col)}{t.header_row}:{col_letters(t.last_col)}{t.header_row + max(1, n)}"
            text = re.sub(r'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")[^"]+(")', rf"\g<1>{ref}\g<2>",
                          t.part_text, count=2)
            member = self._tables[key] = Member.of(part.name, text.encode("utf-8"), level=FILL_LEVEL)
        return member

    def fill(self, values: dict[str, Any], rows: list[dict[str, Any]] | None = None) -> bytes:
        """The filled workbook as xlsx bytes (deterministic for equal inputs).

        ``values`` maps field keys (:data:`FIELDS`) to text, numbers or dates;
        ``rows`` holds one dict per location keyed by :data:`LOCATION_FIELDS`.
        """
        rows = rows or []
        out = []
        for part in self.parts:
            if part.member is not None:
                out.append(part.member)
            elif part.sheet is not None:
                out.append(Member.of(part.name, part.sheet.render(values, rows), level=FILL_LEVEL))
            else:
                out.append(self._table_member(part, len(rows)))
        return build(out)


def template_summary(template: Template) -> str:
    """Where the fields go, one line per field (Danish; used by ``--template`` diagnostics)."""
    lines = [f"{k}: {', '.join(v)}" for k, v in template.located.items()]
    lines.append(f"lokationer: {template.table_where}")
    return "\n".join(lines)

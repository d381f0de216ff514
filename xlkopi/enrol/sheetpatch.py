"""A worksheet's XML cut into static text and slots, and filled by joining strings.

:class:`SheetPlan` parses a sheet's ``sheetData`` once (rows and cells, with
regular expressions: the template's XML is kept byte for byte outside the
filled cells), inserts the cells the fields need, checks that no field is a
formula or inside a merged cell, and keeps the text between the slots.
:meth:`SheetPlan.render` then writes the values into the slots, the
locations table's rows (one per location, styled like the template's first
data row) and the grown dimension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from ..core.vocabulary import format_date
from ..errors import WorkbookError
from ..io.a1 import col_index, col_letters
from .cellxml import cell_xml
from .locations import TableSpec
from .refs import parse_range

_ATTR_R = re.compile(r'(?:^|\s)r="([A-Z]{1,3})(\d+)"')
_ATTR_S = re.compile(r'(?:^|\s)s="(\d+)"')
_SPANS = re.compile(r'\s+spans="[^"]*"')
_ROW_R = re.compile(r'(\s)r="\d+"')


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


class SheetPlan:
    """A sheet cut into static text and slots for the fields (and the table rows)."""

    def __init__(self, part: str, text: str, slots: dict[tuple[int, int], list[str]],
                 table: TableSpec | None, sheet_name: str, date_styles: set[str] | frozenset[str] = frozenset()):
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
        merged = [parse_range(r) for r in re.findall(r'<(?:\w+:)?mergeCell\s+ref="([^"]+)"', after)]
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
                self.dimension = parse_range(dim.group(2))
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
                table = cast(TableSpec, self.table)
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
        t, p = cast(TableSpec, self.table), self.prefix
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

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

This module holds the compiled :class:`Template` (load, fill, summary); the
pieces it is built from have their own modules: :mod:`~xlkopi.enrol.mapping`
(the field keys and the mapping file), :mod:`~xlkopi.enrol.parts` (the
package's members and XML parts), :mod:`~xlkopi.enrol.refs` (A1 references),
:mod:`~xlkopi.enrol.sheetpatch` (a sheet cut into slots and filled),
:mod:`~xlkopi.enrol.locations` (the locations table) and
:mod:`~xlkopi.enrol.cellxml` (the XML of one cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..errors import UntrustedFileError, WorkbookError
from ..io import ooxml
from ..io.a1 import col_letters

# Re-exported: the names other modules and the tests import from here.
from .cellxml import cell_xml as cell_xml
from .cellxml import xml_text as xml_text
from .locations import TableSpec, locate_table
from .mapping import FIELDS as FIELDS
from .mapping import LOCATION_FIELDS as LOCATION_FIELDS
from .mapping import Mapping as Mapping
from .parts import date_styles as date_styles
from .parts import parse_part, part_rels
from .parts import read_package as read_package
from .refs import parse_cell, split_ref
from .sheetpatch import SheetPlan
from .zipbuild import Member, build

# zlib level for the parts patched on every fill: a few kB each, where level 1
# is twice as fast as 6 and nearly as small.
FILL_LEVEL = 1


@dataclass
class _Part:
    name: str
    member: Member | None = None          # unchanged, precompressed
    sheet: SheetPlan | None = None        # patched sheet
    table: TableSpec | None = None        # patched table part


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
        wb = parse_part(members["xl/workbook.xml"], "xl/workbook.xml")
        rels = part_rels(members, "xl/workbook.xml")
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
            sheet, cell = split_ref(text)
            pos = parse_cell(cell)
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
        table, table_sheet, table_where = locate_table(path, members, sheets, mapping, resolve)
        parts: list[_Part] = []
        plans: dict[str, SheetPlan] = {}
        for sheet in set(slots) | ({table_sheet} if table_sheet else set()):
            part = sheets[sheet]
            text = members[part].decode("utf-8")
            if "<!DOCTYPE" in text[:2000]:
                raise UntrustedFileError(f"Skabelonens ark '{sheet}' indeholder en DTD og afvises")
            plans[part] = SheetPlan(part, text, slots.get(sheet, {}), table if sheet == table_sheet else None, sheet,
                                    dates)
        for name in members:
            if name in plans:
                parts.append(_Part(name, sheet=plans[name]))
            elif table is not None and name == table.part:
                parts.append(_Part(name, table=table))
            else:
                parts.append(_Part(name, member=Member.of(name, members[name])))
        return cls(path, parts, located, table_where)

    def _table_member(self, part: _Part, n: int) -> Member:
        """The table part with its range grown to ``n`` data rows (cached: it depends on ``n`` only)."""
        key = (part.name, max(1, n))
        member = self._tables.get(key)
        if member is None:
            # fill() asks only for a part that is neither copied nor a sheet: a table part, made with its spec
            t = cast(TableSpec, part.table)
            member = self._tables[key] = Member.of(part.name, t.grown_part(n), level=FILL_LEVEL)
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

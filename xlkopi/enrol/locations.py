"""The locations table, which grows with the institution's locations.

Where it is (:func:`locate_table`: an Excel table, by default "Lokationer",
or a mapping file's start cell and column letters), which column takes which
location field (:class:`TableSpec`), and the table part with its range grown
to the number of locations (:meth:`TableSpec.grown_part`). The rows
themselves are written into the sheet by :class:`xlkopi.enrol.sheetpatch.SheetPlan`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookError
from ..io import ooxml
from ..io.a1 import col_index, col_letters
from .mapping import LOCATION_FIELDS, Mapping
from .parts import parse_part, part_rels
from .refs import parse_range


@dataclass
class TableSpec:
    """The locations range: its header row, its columns and (for an Excel table) the table part to patch."""

    header_row: int
    first_col: int
    last_col: int
    columns: dict[int, str]  # column number -> location field key
    part: str | None = None  # the table part to patch, None for a plain range
    part_text: str = ""

    def grown_part(self, n: int) -> bytes:
        """The table part with its range (and its autofilter's) grown to ``n`` data rows (at least one)."""
        h = self.header_row
        ref = f"{col_letters(self.first_col)}{h}:{col_letters(self.last_col)}{h + max(1, n)}"
        text = re.sub(r'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")[^"]+(")', rf"\g<1>{ref}\g<2>",
                      self.part_text, count=2)
        return text.encode("utf-8")


def locate_table(path: Path, members: dict[str, bytes], sheets: dict[str, str], mapping: Mapping | None,
                 resolve: Callable[[str, str], tuple[str, int, int]]) -> tuple[TableSpec | None, str | None, str]:
    """The locations range: an Excel table (default "Lokationer") or a mapped start cell.

    Returns the spec (None when the template has no such table), the sheet it is on and where
    it is in Danish for :func:`xlkopi.enrol.template.template_summary`.
    """
    if mapping and mapping.start:
        sheet, r, c = resolve(mapping.start, "lokationer")
        cols = {col_index(v): k for k, v in mapping.columns.items() if re.fullmatch(r"[A-Za-z]{1,3}", v)}
        if len(cols) != len(mapping.columns):
            raise WorkbookError(f"Feltkortet til '{path.name}': med 'start' skal kolonnerne angives som "
                                "bogstaver (fx enhed = \"A\")")
        spec = TableSpec(r - 1, min(cols), max(cols), cols)
        return spec, sheet, f"området fra {col_letters(c)}{r} på arket '{sheet}'"
    wanted = (mapping.table if mapping and mapping.table else "Lokationer").casefold()
    for sheet, part in sheets.items():
        for target in part_rels(members, part).values():
            if not target.startswith("xl/tables/") or target not in members:
                continue
            t = parse_part(members[target], target)
            if (t.get("name") or "").casefold() != wanted and (t.get("displayName") or "").casefold() != wanted:
                continue
            if int(t.get("totalsRowCount") or 0):
                raise WorkbookError(f"Skabelonen '{path.name}': tabellen '{t.get('name')}' har en totalrække; "
                                    "det understøttes ikke")
            if t.get("headerRowCount") == "0":
                raise WorkbookError(f"Skabelonen '{path.name}': tabellen '{t.get('name')}' skal have en "
                                    "overskriftsrække")
            r1, c1, r2, c2 = parse_range(t.get("ref"))
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
            spec = TableSpec(r1, c1, c2, columns, target, text)
            return spec, sheet, f"tabellen '{t.get('name')}' på arket '{sheet}'"
    if mapping and mapping.table:
        raise WorkbookError(f"Skabelonen '{path.name}' har ingen tabel ved navn '{mapping.table}'")
    return None, None, "(ingen lokationstabel)"

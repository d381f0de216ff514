"""The field map: the keys an enrolment fills, and where a template wants each of them.

:data:`FIELDS` and :data:`LOCATION_FIELDS` are the keys (the mapping file's
keys and the values :meth:`xlkopi.enrol.template.Template.fill` takes);
:class:`Mapping` is a mapping file (feltkort, TOML or JSON) read: each field
to cells or defined names, and the locations to an Excel table or a start
cell with column letters.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbookError

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

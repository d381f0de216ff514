"""The field map: the keys an enrolment fills, and where a template wants each of them.

:data:`FIELDS` and :data:`LOCATION_FIELDS` are the keys (the mapping file's
keys and the values :meth:`xlkopi.enrol.template.Template.fill` takes);
:class:`Mapping` is a mapping file (feltkort, TOML or JSON) read: each field
to cells or defined names, and the locations to an Excel table or a start
cell with column letters.

A Word Bilag 7 (:mod:`xlkopi.enrol.wordtemplate`) reads the same file: ``[felter]``
then names the content controls or ``{{placeholders}}`` of each field, and
``[etiketter]`` finds a field by the label text the form prints before it,
for the agency's own forms that mark nothing::

    [etiketter]
    institution = "Institutionens navn"            # the table cell to the right of the label
    cvr = { tekst = "CVR-nr.:", sted = "under" }    # the cell below
    dato = { tekst = "Dato:", sted = "efter" }      # the text after it on the same line

    [lokationer.kolonner]                           # the locations table, by its header texts
    enhed = "Leveringssted"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbookError
from ..io.settings import read_settings, table

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
    "titel": "Underskrivers titel",
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


MAX_LABEL = 200   # characters of a label text: a form's label is a few words

#: Where a label's value goes (``sted`` in ``[etiketter]``): the cell to its right, the cell below, or the
#: rest of its line. ``None``: to the right in a table, after it elsewhere.
PLACES = {"højre": "right", "hojre": "right", "under": "below", "efter": "after"}


@dataclass(frozen=True)
class Label:
    """A field found by the text the form prints before it (``[etiketter]``)."""

    text: str
    place: str | None = None   # "right", "below", "after" or None (right in a table cell, else after)


@dataclass
class Mapping:
    """Where each field goes: field key -> references (cells or defined names)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    table: str | None = None        # Excel table name for the locations
    start: str | None = None        # or the first data cell, e.g. "Skema!A10"
    columns: dict[str, str] = field(default_factory=dict)  # location key -> column header or letter
    labels: dict[str, list[Label]] = field(default_factory=dict)  # field key -> labels (Word templates)

    @classmethod
    def load(cls, path: Path) -> "Mapping":
        """Read a mapping file (``.toml`` or ``.json``) with ``[felter]`` and ``[lokationer]``."""
        data = read_settings(path, "Feltkortet", WorkbookError)
        name = path.name
        unknown = set(data) - {"felter", "lokationer", "etiketter"}
        if unknown:
            raise WorkbookError(f"Feltkortet '{name}' har ukendte afsnit: {', '.join(sorted(map(str, unknown)))} "
                                "(kendte: felter, lokationer, etiketter)")
        mapping = cls()
        for key, refs in table(data, "felter", "Feltkortet", name, WorkbookError).items():
            if key not in FIELDS:
                raise WorkbookError(f"Feltkortet '{name}': ukendt felt '{key}'; kendte felter: " + ", ".join(FIELDS))
            refs = [refs] if isinstance(refs, str) else refs
            if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
                raise WorkbookError(f"Feltkortet '{name}': feltet '{key}' skal pege på celler eller navne (en tekst "
                                    "eller en liste af tekster)")
            mapping.fields[key] = list(refs)
        loc = table(data, "lokationer", "Feltkortet", name, WorkbookError)
        for part in ("tabel", "start"):
            if loc.get(part) is not None and not isinstance(loc.get(part), str):
                raise WorkbookError(f"Feltkortet '{name}': [lokationer] {part} skal være en tekst")
        mapping.table = loc.get("tabel")
        mapping.start = loc.get("start")
        for key, col in table(loc, "kolonner", "Feltkortet", name, WorkbookError).items():
            if key not in LOCATION_FIELDS:
                raise WorkbookError(f"Feltkortet '{name}': ukendt lokationskolonne '{key}'; kendte: "
                                    + ", ".join(LOCATION_FIELDS))
            if not isinstance(col, str) or not col.strip():
                raise WorkbookError(f"Feltkortet '{name}': lokationskolonnen '{key}' skal være en tekst")
            mapping.columns[key] = col
        for key, given in table(data, "etiketter", "Feltkortet", name, WorkbookError).items():
            if key not in FIELDS:
                raise WorkbookError(f"Feltkortet '{name}': ukendt felt '{key}' i [etiketter]; kendte felter: "
                                    + ", ".join(FIELDS))
            mapping.labels[key] = [_label(name, key, g) for g in (given if isinstance(given, list) else [given])]
        if mapping.start and not mapping.columns:
            raise WorkbookError(f"Feltkortet '{path.name}': med 'start' skal [lokationer.kolonner] angive "
                                "kolonnebogstaverne")
        return mapping


def _label(file: str, key: str, given) -> Label:
    """One ``[etiketter]`` entry: a label text, or ``{ tekst = ..., sted = "højre" | "under" | "efter" }``."""
    where = f"Feltkortet '{file}': etiketten for feltet '{key}'"
    if isinstance(given, str):
        given = {"tekst": given}
    if not isinstance(given, dict):
        raise WorkbookError(f"{where} skal være en tekst eller {{ tekst = ..., sted = ... }}")
    unknown = set(given) - {"tekst", "sted"}
    if unknown:
        raise WorkbookError(f"{where} har ukendte nøgler: {', '.join(sorted(unknown))} (kendte: tekst, sted)")
    text, place = given.get("tekst"), given.get("sted")
    if not isinstance(text, str) or not text.strip():
        raise WorkbookError(f"{where} mangler 'tekst' (den tekst, formularen skriver foran feltet)")
    if len(text) > MAX_LABEL:
        raise WorkbookError(f"{where} er {len(text)} tegn lang; en etiket har højst {MAX_LABEL} tegn")
    if place is not None and (not isinstance(place, str) or place.strip().casefold() not in PLACES):
        raise WorkbookError(f"{where}: 'sted' skal være højre, under eller efter, ikke {place!r}")
    return Label(text.strip(), PLACES[place.strip().casefold()] if isinstance(place, str) else None)

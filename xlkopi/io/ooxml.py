"""What the workbook readers share about the OOXML package: namespaces and part relationships.

Used by the enrolment template filler and the auditor, each of which reads
and parses the parts itself (with its own limits).
"""

from __future__ import annotations

import posixpath

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def rels_name(part: str) -> str:
    """The name of the part that holds ``part``'s relationships.

    >>> rels_name("xl/workbook.xml"), rels_name("xl/worksheets/sheet1.xml")
    ('xl/_rels/workbook.xml.rels', 'xl/worksheets/_rels/sheet1.xml.rels')
    """
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def targets(root, part: str) -> dict[str, str]:
    """Relationship id -> target part name, from the parsed relationships ``root`` of ``part``.

    Targets are resolved against ``part``'s folder; external targets (other
    files, web addresses) are left out.

    >>> from xml.etree.ElementTree import fromstring
    >>> root = fromstring('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    ...                   '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
    ...                   '<Relationship Id="rId2" Target="/xl/styles.xml"/>'
    ...                   '<Relationship Id="rId3" Target="../customXml/item1.xml"/>'
    ...                   '<Relationship Id="rId4" Target="http://example.org/" TargetMode="External"/>'
    ...                   '</Relationships>')
    >>> targets(root, "xl/workbook.xml")
    {'rId1': 'xl/worksheets/sheet1.xml', 'rId2': 'xl/styles.xml', 'rId3': 'customXml/item1.xml'}
    """
    folder = posixpath.dirname(part)
    out = {}
    for rel in root.iter(f"{PKG_REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            out[rel.get("Id", "")] = target.lstrip("/")
        else:
            out[rel.get("Id", "")] = posixpath.normpath(posixpath.join(folder, target))
    return out

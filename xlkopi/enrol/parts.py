"""A template's package: its members, and the XML parts compiling it reads (workbook, styles, rels, tables).

Members are read through the package's one safety policy (:mod:`xlkopi.io.package`);
every XML part is parsed with ``defusedxml`` and a DTD is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from defusedxml import ElementTree as SafeET

from ..errors import UntrustedFileError, WorkbookError
from ..io import ooxml
from ..io.package import open_package


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


def parse_part(data: bytes, what: str):
    """The XML part ``what`` parsed (``defusedxml``); a DTD or unreadable XML raises a Danish error."""
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
    root = parse_part(data, "xl/styles.xml")
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


def part_rels(members: dict[str, bytes], part: str) -> dict[str, str]:
    """Relationship id -> target part name for ``part``."""
    name = ooxml.rels_name(part)
    if name not in members:
        return {}
    return ooxml.targets(parse_part(members[name], name), part)

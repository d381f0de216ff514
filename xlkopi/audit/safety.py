"""The auditor's name for the safety layer every workbook reader shares (:mod:`xlkopi.io.package`).

The checks on an untrusted file (open once, regular file, size, zip
limits, encryption, DTDs, unique part names) moved there so that the
enrolment register and the offers reader use them too; the grid bound of
each sheet is :mod:`xlkopi.io.sheetbounds`. The names stay importable
from here. The reader's tunables (``CHUNK``, ``RAW_CHUNK``, the inflater)
are module globals of :mod:`xlkopi.io.package`: set them there.
"""

from __future__ import annotations

from ..io.package import (  # noqa: F401 - re-exported
    CHUNK,
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_MEMBERS,
    MAX_PART_BYTES,
    MAX_RATIO,
    MAX_ROWS,
    MAX_TOTAL_UNCOMPRESSED,
    RATIO_FLOOR,
    RAW_CHUNK,
    CheckedWorkbook,
    FileBytes,
    MiB,
    Package,
    SheetEntry,
    _deflate,
    check_workbook,
    check_xml_parts,
    open_package,
    parse_xml,
    read_once,
    sheet_parts,
    source_of,
    workbook_sheets,
)

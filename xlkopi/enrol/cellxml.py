"""The XML of one worksheet cell: text escaped for a cell, and the ``<c>`` element for a value.

Shared by the template filler (:mod:`xlkopi.enrol.sheetpatch`) and the overview
workbook (:mod:`xlkopi.enrol.overview`): numbers as ``<v>``, dates as serial
numbers, text as an inline string, never a formula.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XML_SPECIAL = re.compile("[&<>_\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = date(1899, 12, 30)


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

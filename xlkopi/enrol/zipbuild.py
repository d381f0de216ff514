"""A small deterministic zip writer for xlsx packages.

``zipfile`` stamps every member with the current time and always compresses
anew; a template's unchanged members only need compressing once. Members
here carry their compressed bytes, and every member gets the same fixed
timestamp (1980-01-01 00:00), so equal contents give byte-identical files.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_UTF8_FLAG = 0x800


@dataclass(frozen=True)
class Member:
    """One zip member with its data already deflated (or stored)."""

    name: str
    data: bytes  # compressed bytes as they go into the archive
    crc: int
    size: int
    method: int  # 8 deflate, 0 stored

    @classmethod
    def of(cls, name: str, raw: bytes, level: int = 6) -> "Member":
        """Deflate ``raw`` (raw deflate stream, as zip wants it)."""
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = comp.compress(raw) + comp.flush()
        return cls(name, data, zlib.crc32(raw) & 0xFFFFFFFF, len(raw), 8)


def build(members: list[Member]) -> bytes:
    """The bytes of a zip archive holding ``members`` in order (no zip64)."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("utf-8")
        flag = 0 if name.isascii() else _UTF8_FLAG
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flag, m.method, _DOS_TIME, _DOS_DATE,
                             m.crc, len(m.data), m.size, len(name), 0)
        local.append(header)
        local.append(name)
        local.append(m.data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flag, m.method, _DOS_TIME,
                                   _DOS_DATE, m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, 0,
                                   offset) + name)
        offset += len(header) + len(name) + len(m.data)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), offset, 0)
    return b"".join(local) + cd + end

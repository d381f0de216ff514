"""Checks on an untrusted workbook file, done before any parser touches it.

Nothing in the file is ever run or written back. The limits below bound
the time and memory an audit can take; a file outside them is refused
with :class:`~xlkopi.errors.UntrustedFileError` and a Danish message.

Limits (documented in ``docs/audit.md``)
----------------------------------------
``MAX_FILE_BYTES``        100 MiB on disk.
``MAX_MEMBERS``           10,000 parts in the zip container.
``MAX_TOTAL_UNCOMPRESSED`` 512 MiB for all parts together (counted while
                          reading, not trusted from the zip headers).
``MAX_PART_BYTES``        256 MiB for one part.
``MAX_RATIO``             100:1 compression ratio for a part larger than
                          ``RATIO_FLOOR`` (1 MiB) uncompressed; real sheet
                          XML compresses about 7-15:1, zip bombs 1000:1.
``MAX_ROWS``              300,000 rows in one sheet (the highest row number).
``MAX_CELLS``             6,000,000 cells in the workbook, counted as each
                          sheet's grid from A1 to its highest row and
                          column (python-calamine allocates that grid).

Every XML part is refused if it carries a document type declaration or
an entity declaration (no legitimate OOXML part does); the parts xlkopi
parses itself go through :mod:`defusedxml` as well.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from ..errors import UntrustedFileError, WorkbookError

try:   # ISA-L inflates about twice as fast as zlib, with zlib's API
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without an isal wheel
    _deflate = zlib

MiB = 1024 * 1024
MAX_FILE_BYTES = 100 * MiB
MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * MiB
MAX_PART_BYTES = 256 * MiB
MAX_RATIO = 100
RATIO_FLOOR = 1 * MiB
MAX_ROWS = 300_000
MAX_CELLS = 6_000_000
CHUNK = 1 * MiB
RAW_CHUNK = 256 * 1024   # compressed bytes read at a time

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_ROOT = re.compile(rb"<[A-Za-z_]")   # the first element start: the end of the prolog


@dataclass
class Package:
    """An opened, structurally checked xlsx/xlsm container."""

    path: Path
    zf: zipfile.ZipFile
    names: list[str]
    macros: list[str] = field(default_factory=list)       # vbaProject.bin and other macro parts
    external_links: list[str] = field(default_factory=list)
    _read: int = 0                                         # uncompressed bytes read so far
    _fh: object = field(default=None, repr=False)          # the file, opened on the first part read

    def has(self, name: str) -> bool:
        return name in self._set

    def __post_init__(self):
        self._set = set(self.names)

    def close(self) -> None:
        self.zf.close()
        if self._fh is not None:
            self._fh.close()

    def _inflated(self, name: str):
        """A part's bytes straight from its local entry, at most ``CHUNK`` at a time; CRC checked at the end.

        zipfile's own reader does the same, with zlib; this one inflates
        with :data:`_deflate` (ISA-L where available).
        """
        info = self.zf.getinfo(name)
        if self._fh is None:
            self._fh = open(self.path, "rb")
        fh = self._fh
        fh.seek(info.header_offset)
        head = fh.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local file header for {name!r}")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        if info.compress_type == zipfile.ZIP_DEFLATED:
            pieces = _inflate(_pieces(fh, info.compress_size, RAW_CHUNK, name), name)
        else:
            pieces = _pieces(fh, info.compress_size, CHUNK, name)
        crc = 0
        for out in pieces:
            crc = _deflate.crc32(out, crc)
            yield out
        if crc != info.CRC:
            raise zipfile.BadZipFile(f"bad CRC-32 for {name!r}")

    def read(self, name: str, limit: int = MAX_PART_BYTES) -> bytes:
        """A part's bytes, read with a running size limit and checked for DTDs."""
        return b"".join(self.stream(name, limit))

    def stream(self, name: str, limit: int = MAX_PART_BYTES, dtd: str = "all"):
        """Yield a part's uncompressed bytes in chunks, enforcing the limits.

        The zip headers are not trusted: bytes are counted as they come.
        With ``dtd="all"`` each chunk is checked for DTD/entity declarations
        (with an overlap, so a declaration split across chunks is seen too).
        With ``dtd="head"`` only the prolog is checked, up to the root
        element: the one place XML allows a DTD. For sheet XML read by
        python-calamine and the regular-expression scan, neither of which
        expands entities; any XML parser rejects a DTD after the root.
        """
        got = 0
        tail = b""
        in_prolog = True
        try:
            packed = max(self.zf.getinfo(name).compress_size, 1)
            for chunk in self._inflated(name):
                got += len(chunk)
                self._read += len(chunk)
                if got > limit:
                    raise UntrustedFileError(
                        f"Delen '{name}' fylder over {limit // MiB} MiB udpakket; filen afvises (mulig zip-bombe)")
                if self._read > MAX_TOTAL_UNCOMPRESSED:
                    raise UntrustedFileError(
                        f"Filen fylder over {MAX_TOTAL_UNCOMPRESSED // MiB} MiB udpakket; den afvises (mulig zip-bombe)")
                if got > RATIO_FLOOR and got > MAX_RATIO * packed:
                    raise UntrustedFileError(
                        f"Delen '{name}' pakkes ud over {MAX_RATIO}:1; filen afvises som mulig zip-bombe")
                if dtd == "all" or in_prolog:
                    region = chunk
                    if dtd != "all":
                        seen = tail + chunk
                        root = _ROOT.search(seen)
                        if root is not None:
                            in_prolog = False
                            region = seen[:root.start()]
                    window = tail + region[:16]
                    if (b"<!" in region or b"<!" in window) and any(tok in region or tok in window
                                                                     for tok in _FORBIDDEN):
                        raise UntrustedFileError(
                            f"Delen '{name}' indeholder en DTD- eller entitetserklæring; filen afvises (XML-angreb)")
                tail = chunk[-16:]
                yield chunk
        except UntrustedFileError:
            raise
        except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, _deflate.error, EOFError, OSError,
                RuntimeError, NotImplementedError, ValueError) as exc:
            raise WorkbookError(f"Delen '{name}' kan ikke læses; filen er beskadiget ({exc})") from None


def _pieces(fh, left: int, size: int, name: str):
    """The next ``left`` bytes of ``fh``, at most ``size`` at a time."""
    while left:
        data = fh.read(min(size, left))
        if not data:
            raise EOFError(f"the file ends inside {name!r}")
        left -= len(data)
        yield data


def _inflate(pieces, name: str):
    """Raw deflate ``pieces`` inflated, at most ``CHUNK`` bytes at a time."""
    inflate = _deflate.decompressobj(-15)
    for data in pieces:
        while data and not inflate.eof:
            out = inflate.decompress(data, CHUNK)
            data = inflate.unconsumed_tail
            if out:
                yield out
        if inflate.eof:
            return
    while not inflate.eof:   # all input read: the inflater may still hold output (ISA-L often does)
        out = inflate.decompress(b"", CHUNK)
        if not out:
            raise EOFError(f"the compressed data of {name!r} ends early")
        yield out


def parse_xml(data: bytes, part: str):
    """Parse a small XML part with defusedxml (no DTDs, no entities)."""
    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UntrustedFileError(f"Delen '{part}' indeholder en DTD- eller entitetserklæring; filen afvises (XML-angreb)") from None
    except ParseError as exc:
        raise WorkbookError(f"Delen '{part}' er ikke gyldig XML ({exc})") from None


def open_package(path: str | os.PathLike) -> Package:
    """Open ``path`` as a zip container after checking what can be checked cheaply.

    Raises :class:`UntrustedFileError` (encrypted, zip bomb) or
    :class:`WorkbookError` (missing, not a workbook, corrupt) with a Danish
    message. Never modifies the file.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Filen '{path}' findes ikke")
    if not path.is_file():
        raise WorkbookError(f"'{path}' er ikke en fil")
    size = path.stat().st_size
    if size == 0:
        raise WorkbookError(f"Filen '{path.name}' er tom")
    if size > MAX_FILE_BYTES:
        raise UntrustedFileError(
            f"Filen '{path.name}' fylder {size / MiB:.0f} MiB; xlkopi reviderer højst {MAX_FILE_BYTES // MiB} MiB")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise UntrustedFileError(
            f"Filen '{path.name}' er krypteret (beskyttet med adgangskode) eller i det gamle .xls-format; "
            "gem den som .xlsx uden adgangskode og prøv igen")
    if not head.startswith(b"PK"):
        raise WorkbookError(f"Filen '{path.name}' er ikke en xlsx- eller xlsm-projektmappe (ikke et zip-arkiv)")
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"Filen '{path.name}' er beskadiget og kan ikke åbnes som zip-arkiv ({exc})") from None
    try:
        _check_members(path, infos)
    except Exception:
        zf.close()
        raise
    pkg = Package(path, zf, [i.filename for i in infos])
    pkg.macros = [n for n in pkg.names if n.lower().endswith("vbaproject.bin") or n.lower().startswith("xl/macrosheets/")]
    pkg.external_links = [n for n in pkg.names if n.lower().startswith("xl/externallinks/") and n.lower().endswith(".xml")]
    if not pkg.has("xl/workbook.xml"):
        zf.close()
        raise WorkbookError(f"Filen '{path.name}' er ikke en xlsx- eller xlsm-projektmappe (mangler xl/workbook.xml)")
    return pkg


def _check_members(path: Path, infos) -> None:
    if len(infos) > MAX_MEMBERS:
        raise UntrustedFileError(f"Filen '{path.name}' har {len(infos)} dele; højst {MAX_MEMBERS} tilladt")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UntrustedFileError(f"Filen '{path.name}' er krypteret (delen '{info.filename}'); "
                                     "gem den uden adgangskode og prøv igen")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookError(f"Delen '{info.filename}' bruger en ukendt komprimering; filen kan ikke revideres")
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise UntrustedFileError(
                f"Delen '{info.filename}' fylder {info.file_size / MiB:.0f} MiB udpakket; højst {MAX_PART_BYTES // MiB} MiB tilladt")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise UntrustedFileError(
                f"Delen '{info.filename}' er pakket {ratio:.0f}:1 (højst {MAX_RATIO}:1 tilladt); filen afvises som mulig zip-bombe")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UntrustedFileError(
            f"Filen '{path.name}' fylder {total / MiB:.0f} MiB udpakket; højst {MAX_TOTAL_UNCOMPRESSED // MiB} MiB tilladt "
            "(mulig zip-bombe)")

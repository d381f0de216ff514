"""One safety layer for every reader of an untrusted workbook file (auditor, register, offers).

The file is opened **once**: ``os.open`` and ``os.fstat`` on the
descriptor say what it is before a byte is read, so a FIFO, a device
(``/dev/zero`` behind a symlink) or a 20 GiB sparse file is refused at
once; a regular file within :data:`MAX_FILE_BYTES` is then read into
memory, and those bytes are what is hashed, checked and parsed. A file
swapped on disk during the work changes nothing: nothing reopens the path.

Then the container (:func:`open_package`): no OLE/CFB (encrypted or .xls),
a readable zip, at most :data:`MAX_MEMBERS` parts, no encrypted parts, no
unknown compression, unique part names (ECMA-376 Part 2: names compare
case-insensitively, so ``xl/worksheets/sheet1.xml`` twice, or once as
``XL/Worksheets/Sheet1.xml``, is refused: one reader would see one copy and
Excel the other), no ``\\``, ``.`` or ``..`` in a name, and the main part in
``xl/workbook.xml`` wherever a reader looks it up (``_rels/.rels`` for
python-calamine, ``[Content_Types].xml`` for openpyxl). Sizes are counted
while the parts are read, never trusted from the zip headers:

``MAX_FILE_BYTES``         100 MiB on disk.
``MAX_MEMBERS``            10,000 parts.
``MAX_TOTAL_UNCOMPRESSED`` 512 MiB for all parts together.
``MAX_PART_BYTES``         256 MiB for one part.
``MAX_RATIO``              100:1 for a part larger than ``RATIO_FLOOR`` (1 MiB);
                           real sheet XML compresses about 7-15:1, zip bombs 1000:1.
``MAX_ROWS``               300,000 rows in one sheet (the highest row number).
``MAX_CELLS``              6,000,000 cells, counted as each sheet's grid from A1 to
                           its highest row and column (python-calamine allocates
                           that grid: one stray cell at XFD1048576 in a 3 kB file
                           aborts the process, one at ZZ300000 costs 7.8 GB).

Every XML part is refused if it carries a DTD or an entity declaration;
the small parts xlkopi parses itself go through :mod:`defusedxml` as well.
The grid bound of each sheet is :mod:`xlkopi.io.sheetbounds`;
:func:`check_workbook` runs all of it for a reader that then hands the
same bytes to python-calamine or openpyxl.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import struct
import types
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from ..core.vocabulary import format_count
from ..errors import UntrustedFileError, WorkbookError
from . import ooxml

_deflate: types.ModuleType   # either module: the two share the API used here
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
RAW_CHUNK = 256 * 1024   # compressed bytes inflated at a time

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_ROOT = re.compile(rb"<[A-Za-z_]")   # the first element start: the end of the prolog
_SHEET_TYPES = ("worksheet", "chartsheet", "dialogsheet", "macrosheet")
_WORKBOOK_TYPES = ("sheet.main+xml", "sheet.macroEnabled.main+xml", "template.main+xml",
                   "template.macroEnabled.main+xml")
_KINDS = ((stat.S_ISDIR, "en mappe"), (stat.S_ISFIFO, "et navngivet rør (FIFO)"), (stat.S_ISCHR, "en enhed"),
          (stat.S_ISBLK, "en blokenhed"), (stat.S_ISSOCK, "en sokkel"))


def _mib(n: int) -> str:
    return format_count(round(n / MiB))


# --- the file, read once ------------------------------------------------------------------

@dataclass(frozen=True)
class FileBytes:
    """The bytes of one file, read once; ``noun`` names it in messages ("Filen", "Registret")."""

    path: Path
    data: bytes
    noun: str = "Filen"

    @property
    def name(self) -> str:
        return self.path.name


def read_once(path: str | os.PathLike, noun: str = "Filen", max_bytes: int = MAX_FILE_BYTES) -> FileBytes:
    """Open ``path`` once, refuse anything but a regular file of at most ``max_bytes``, and read it.

    The descriptor is opened non-blocking (a FIFO without a writer would
    block the open itself) and ``fstat`` decides before any read. The read
    stops one byte past the limit, so a file that grows meanwhile is
    refused as well. Raises :class:`WorkbookError` / :class:`UntrustedFileError`
    with a Danish message.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise WorkbookError(f"{noun} '{path}' findes ikke") from None
    except IsADirectoryError:
        raise WorkbookError(f"'{path}' er en mappe, ikke en fil") from None
    except PermissionError:
        raise WorkbookError(f"{noun} '{path}' kan ikke læses (adgang nægtet)") from None
    except OSError as exc:
        raise WorkbookError(f"{noun} '{path}' kan ikke åbnes ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((what for test, what in _KINDS if test(st.st_mode)), "ikke en almindelig fil")
            raise WorkbookError(f"'{path}' er {kind}, ikke en almindelig fil; den læses ikke")
        if st.st_size == 0:
            raise WorkbookError(f"{noun} '{path.name}' er en tom fil")
        if st.st_size > max_bytes:
            raise UntrustedFileError(f"{noun} '{path.name}' fylder {_mib(st.st_size)} MiB; xlkopi læser højst "
                                     f"{_mib(max_bytes)} MiB")
        data = _read_fd(fd, st.st_size, max_bytes, noun, path)
    finally:
        os.close(fd)
    if not data:
        raise WorkbookError(f"{noun} '{path.name}' er en tom fil")
    return FileBytes(path, data, noun)


def _read_fd(fd: int, size: int, limit: int, noun: str, path: Path) -> bytes:
    pieces = []
    got = 0
    want = size + 1   # one byte more than fstat said: a file that grew is seen
    while True:
        try:
            piece = os.read(fd, min(want, limit + 1 - got))
        except BlockingIOError:   # pragma: no cover - regular files do not block
            continue
        except OSError as exc:
            raise WorkbookError(f"{noun} '{path.name}' kan ikke læses ({exc.strerror or exc})") from None
        if not piece:
            break
        pieces.append(piece)
        got += len(piece)
        if got > limit:
            raise UntrustedFileError(f"{noun} '{path.name}' fylder over {_mib(limit)} MiB; xlkopi læser højst "
                                     f"{_mib(limit)} MiB")
        want = CHUNK * 8
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def source_of(source, noun: str = "Filen") -> FileBytes:
    """``source`` as :class:`FileBytes`: read once if it is a path."""
    return source if isinstance(source, FileBytes) else read_once(source, noun)


# --- the container ------------------------------------------------------------------------

@dataclass
class Package:
    """An opened, structurally checked xlsx/xlsm container, held in memory."""

    source: FileBytes
    zf: zipfile.ZipFile
    names: list[str]
    macros: list[str] = field(default_factory=list)       # vbaProject.bin and other macro parts
    external_links: list[str] = field(default_factory=list)
    _read: int = 0                                         # uncompressed bytes read so far

    def __post_init__(self):
        self._set = set(self.names)
        self._folded = {_fold(n): n for n in self.names}
        self._view = memoryview(self.source.data)

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def noun(self) -> str:
        return self.source.noun

    def has(self, name: str) -> bool:
        return name in self._set

    def member(self, name: str) -> str | None:
        """The stored name of part ``name``, compared as OPC compares part names (case-insensitively)."""
        if name in self._set:
            return name
        return self._folded.get(_fold(name))

    def close(self) -> None:
        self.zf.close()

    def _inflated(self, name: str):
        """A part's bytes straight from its local entry, at most ``CHUNK`` at a time; CRC checked at the end.

        zipfile's own reader does the same, with zlib; this one inflates
        with :data:`_deflate` (ISA-L where available), from memory.
        """
        info = self.zf.getinfo(name)
        view = self._view
        at = info.header_offset
        head = bytes(view[at:at + 30])
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local file header for {name!r}")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        local = bytes(view[at + 30:at + 30 + name_len]).decode("utf-8" if info.flag_bits & 0x800 else "cp437",
                                                               "replace")
        if local != info.orig_filename:
            raise zipfile.BadZipFile(f"the local header of {name!r} names {local!r}")
        start = at + 30 + name_len + extra_len
        end = start + info.compress_size
        if end > len(view):
            raise EOFError(f"the file ends inside {name!r}")
        if info.compress_type == zipfile.ZIP_DEFLATED:
            pieces = _inflate(_slices(view, start, end, RAW_CHUNK), name)
        else:
            pieces = (bytes(piece) for piece in _slices(view, start, end, CHUNK))
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
                        f"Delen '{name}' fylder over {_mib(limit)} MiB udpakket; filen afvises (mulig zip-bombe)")
                if self._read > MAX_TOTAL_UNCOMPRESSED:
                    raise UntrustedFileError(
                        f"{self.noun} '{self.path.name}' fylder over {_mib(MAX_TOTAL_UNCOMPRESSED)} MiB udpakket; "
                        "den afvises (mulig zip-bombe)")
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


def _slices(view: memoryview, start: int, end: int, size: int):
    """``view[start:end]`` in pieces of at most ``size`` bytes (no copies)."""
    while start < end:
        yield view[start:min(start + size, end)]
        start += size


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
        raise UntrustedFileError(
            f"Delen '{part}' indeholder en DTD- eller entitetserklæring; filen afvises (XML-angreb)") from None
    except ParseError as exc:
        raise WorkbookError(f"Delen '{part}' er ikke gyldig XML ({exc})") from None


def _fold(name: str) -> str:
    """A part name as OPC compares it: ASCII case folded, a leading '/' and backslashes as slashes."""
    return name.replace("\\", "/").lstrip("/").lower()


@dataclass(frozen=True)
class PackageKind:
    """What a package must be: its main part, that part's content types, and the Danish words for it."""

    main: str
    types: tuple[str, ...]
    what: str          # "en Excel-fil"
    form: str          # "xlsx- eller xlsm-projektmappe"
    save_as: str       # how to save it without a password: "gem projektmappen som .xlsx"


WORKBOOK = PackageKind("xl/workbook.xml", _WORKBOOK_TYPES, "en Excel-fil", "xlsx- eller xlsm-projektmappe",
                       "gem projektmappen som .xlsx")
#: A Word document (.docx/.docm/.dotx): the agency's Bilag 7.
DOCUMENT = PackageKind("word/document.xml", ("document.main+xml", "document.macroEnabled.main+xml",
                                            "template.main+xml", "template.macroEnabledTemplate.main+xml"),
                       "et Word-dokument", "docx-dokument", "gem dokumentet som .docx")


def open_package(source, noun: str = "Filen", kind: PackageKind = WORKBOOK) -> Package:
    """Open ``source`` (a path or :class:`FileBytes`) as a zip container after the cheap checks.

    Raises :class:`UntrustedFileError` (encrypted, zip bomb, ambiguous part
    names) or :class:`WorkbookError` (missing, not a workbook, corrupt) with
    a Danish message. Never modifies the file. ``kind`` is what the package
    must be: a workbook (default) or a Word document (:data:`DOCUMENT`).
    """
    src = source_of(source, noun)
    noun, name, data = src.noun, src.name, src.data
    head = data[:8]
    if head == _OLE_MAGIC:
        old = ".xls" if kind is WORKBOOK else ".doc"
        raise UntrustedFileError(
            f"{noun} '{name}' er krypteret (beskyttet med adgangskode) eller i det gamle {old}-format; "
            f"{kind.save_as} uden adgangskode og prøv igen")
    if not head.startswith(b"PK"):
        raise WorkbookError(f"{noun} '{name}' er ikke {kind.what}: den kan ikke læses som {kind.form} "
                            "(ikke et zip-arkiv)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError) as exc:
        raise WorkbookError(f"{noun} '{name}' er beskadiget og kan ikke åbnes (ødelagt zip-arkiv: {exc})") from None
    try:
        _check_members(src, infos)
        pkg = Package(src, zf, [i.filename for i in infos])
        pkg.macros = [n for n in pkg.names
                      if n.lower().endswith("vbaproject.bin") or n.lower().startswith("xl/macrosheets/")]
        pkg.external_links = [n for n in pkg.names
                              if n.lower().startswith("xl/externallinks/") and n.lower().endswith(".xml")]
        if not pkg.has(kind.main):
            raise WorkbookError(f"{noun} '{name}' er ikke {kind.what} ({kind.form}; mangler {kind.main})")
        _check_main_part(pkg, kind)
    except Exception:
        zf.close()
        raise
    return pkg


def _check_members(src: FileBytes, infos) -> None:
    noun, name = src.noun, src.name
    if len(infos) > MAX_MEMBERS:
        raise UntrustedFileError(f"{noun} '{name}' har {format_count(len(infos))} dele; højst "
                                 f"{format_count(MAX_MEMBERS)} tilladt")
    total = 0
    seen: dict[str, str] = {}
    for info in infos:
        part = info.filename
        if info.flag_bits & 0x1:
            raise UntrustedFileError(f"{noun} '{name}' er krypteret (delen '{part}'); "
                                     "gem projektmappen uden adgangskode og prøv igen")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookError(f"Delen '{part}' bruger en ukendt komprimering; filen kan ikke læses")
        segments = part.rstrip("/").split("/")
        if "\\" in part or part.startswith("/") or any(s in (".", "..") for s in segments):
            raise WorkbookError(f"{noun} '{name}' har en del med et ugyldigt navn ('{part}'); filen er beskadiget")
        key = _fold(part)
        if key in seen:
            same = seen[key] == part
            raise UntrustedFileError(
                f"{noun} '{name}' indeholder delen '{part}' to gange"
                + ("" if same else f" (også som '{seen[key]}'; store og små bogstaver regnes ens)")
                + "; en OOXML-pakke skal have entydige delnavne (ECMA-376), og to programmer kunne læse hver sin "
                  "udgave. Filen afvises")
        seen[key] = part
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise UntrustedFileError(f"Delen '{part}' fylder {_mib(info.file_size)} MiB udpakket; højst "
                                     f"{_mib(MAX_PART_BYTES)} MiB tilladt")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise UntrustedFileError(
                f"Delen '{part}' er pakket {format_count(round(ratio))}:1 (højst {MAX_RATIO}:1 tilladt); filen afvises "
                "som mulig zip-bombe")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UntrustedFileError(
            f"{noun} '{name}' fylder {_mib(total)} MiB udpakket; højst {_mib(MAX_TOTAL_UNCOMPRESSED)} MiB tilladt "
            "(mulig zip-bombe)")


def _check_main_part(pkg: Package, kind: PackageKind = WORKBOOK) -> None:
    """The workbook part is ``xl/workbook.xml`` (a document's ``word/document.xml``) for every reader.

    python-calamine takes the folder of the main part from ``_rels/.rels``
    and openpyxl the part from ``[Content_Types].xml``; a package that
    points either elsewhere would have them read other sheets than the
    ones checked here.
    """
    where = []
    rels = pkg.member("_rels/.rels")
    if rels is not None:
        root = parse_xml(pkg.read(rels, 16 * MiB), rels)
        for rel in root.iter():
            if _local(rel.tag) == "Relationship" and (rel.get("Type") or "").endswith("/relationships/officeDocument"):
                where.append(("_rels/.rels", rel.get("Target") or ""))
    types = pkg.member("[Content_Types].xml")
    if types is not None:
        root = parse_xml(pkg.read(types, 16 * MiB), types)
        for el in root.iter():
            if _local(el.tag) == "Override" and (el.get("ContentType") or "").endswith(kind.types):
                where.append(("[Content_Types].xml", el.get("PartName") or ""))
    for part, target in where:
        resolved = _fold(posixpath.normpath(posixpath.join("/", target)))
        if resolved != kind.main:
            raise UntrustedFileError(
                f"{pkg.noun} '{pkg.path.name}' angiver hoveddelen som '{target}' i '{part}' i stedet "
                f"for '{kind.main}'; forskellige programmer ville læse forskellige dele. Filen afvises")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def check_xml_parts(pkg: Package, skip=()) -> None:
    """Read every XML part (and every part the workbook refers to) through the limits and the DTD check.

    python-calamine and openpyxl parse shared strings, styles and the
    workbook part themselves; this makes sure none of them carries an
    entity attack or inflates past the limits first. ``skip``: parts that
    are read another way (worksheets, by the grid bound).
    """
    skip = set(skip)
    names = [n for n in pkg.names if n.lower().endswith((".xml", ".rels"))]
    rels = pkg.member("xl/_rels/workbook.xml.rels")
    if rels is not None:
        for target in ooxml.targets(parse_xml(pkg.read(rels, 16 * MiB), rels), "xl/workbook.xml").values():
            member = pkg.member(target)
            if member is not None and member not in names:
                names.append(member)
    for name in names:
        if name in skip or name.endswith("/"):
            continue
        for _ in pkg.stream(name):
            pass


# --- the sheets ---------------------------------------------------------------------------

@dataclass
class SheetEntry:
    """One ``<sheet>`` of the workbook part: its name, state, part (stored name or "") and relationship type."""

    name: str
    state: str
    part: str
    kind: str    # "worksheet", "chartsheet", ... (the last segment of the relationship type); "" if unknown

    @property
    def cells(self) -> bool:
        """A sheet that holds cells (worksheets and macro sheets; chart and dialog sheets hold none)."""
        return bool(self.part) and self.kind in ("worksheet", "macrosheet", "")


def workbook_sheets(pkg: Package) -> tuple[list[SheetEntry], object]:
    """The sheets of ``xl/workbook.xml`` as python-calamine lists them, and the parsed workbook root.

    Elements and the relationship attribute are matched by local name,
    whatever their namespace, as python-calamine does; part names are
    looked up as OPC compares them. Two sheets with the same name (Excel
    compares sheet names case-insensitively) are refused: a reader asking
    for a sheet by name could get the other one.
    """
    wb_root = parse_xml(pkg.read("xl/workbook.xml", 16 * MiB), "xl/workbook.xml")
    rels_part = pkg.member("xl/_rels/workbook.xml.rels")
    rels: dict[str, tuple[str, str]] = {}
    if rels_part is not None:
        root = parse_xml(pkg.read(rels_part, 16 * MiB), rels_part)
        for rel in root.iter():
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            rels[rel.get("Id") or ""] = (part, (rel.get("Type") or "").rsplit("/", 1)[-1])
    sheets: list[SheetEntry] = []
    seen: dict[str, str] = {}
    for el in wb_root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = ""
        for key, value in el.attrib.items():
            if _local(key) == "id":
                rid = value
        name = el.get("name", "?")
        part, kind = rels.get(rid, ("", ""))
        member = pkg.member(part) if part else None
        key = name.casefold()
        if key in seen:
            raise WorkbookError(f"{pkg.noun} '{pkg.path.name}' har to ark med navnet '{name}'"
                                + ("" if seen[key] == name else f" ('{seen[key]}')") + "; filen er beskadiget")
        seen[key] = name
        sheets.append(SheetEntry(name, el.get("state", "visible") or "visible", member or "", kind))
    return sheets, wb_root


def sheet_parts(pkg: Package, sheets: list[SheetEntry]) -> list[tuple[str, str]]:
    """Every part a reader could read cells from, as ``(part, sheet name for messages)``.

    The parts of the workbook's sheets, every other target of the
    workbook's relationships of a sheet type, and every part under
    ``xl/worksheets/``: whatever name a ``<sheet>`` uses, its cells are in
    one of these.
    """
    out: dict[str, str] = {}
    for s in sheets:
        if s.part and s.kind != "chartsheet":
            out.setdefault(s.part, s.name)
    rels_part = pkg.member("xl/_rels/workbook.xml.rels")
    if rels_part is not None:
        root = parse_xml(pkg.read(rels_part, 16 * MiB), rels_part)
        for target, kind in ((rel.get("Target") or "", (rel.get("Type") or "").rsplit("/", 1)[-1])
                             for rel in root.iter() if _local(rel.tag) == "Relationship"):
            if kind in _SHEET_TYPES and kind != "chartsheet" and target:
                part = (target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join("xl", target)))
                member = pkg.member(part)
                if member is not None:
                    out.setdefault(member, member)
    for name in pkg.names:
        low = _fold(name)
        if low.startswith(("xl/worksheets/", "xl/macrosheets/", "xl/dialogsheets/")) and low.endswith(".xml") \
                and "/_rels/" not in low:
            out.setdefault(name, name)
    return list(out.items())


@dataclass
class CheckedWorkbook:
    """What :func:`check_workbook` found: the bytes, the sheets and each sheet part's grid bound."""

    source: FileBytes
    sheets: list[SheetEntry]
    bounds: dict    # part -> sheetbounds.Bounds

    @property
    def data(self) -> bytes:
        return self.source.data

    def filelike(self) -> io.BytesIO:
        """The checked bytes as a file object, for python-calamine or openpyxl."""
        return io.BytesIO(self.source.data)


def check_workbook(source, noun: str = "Filen", max_cells: int = MAX_CELLS) -> CheckedWorkbook:
    """Every check of this layer, for a reader that parses the same bytes afterwards.

    The container, every XML part (DTDs, sizes), and the grid bound of
    every part a reader could read cells from, all sheets together within
    ``max_cells``. Raises :class:`WorkbookError` / :class:`UntrustedFileError`.
    """
    from .sheetbounds import scan_bounds

    pkg = open_package(source, noun)
    try:
        sheets, _root = workbook_sheets(pkg)
        parts = sheet_parts(pkg, sheets)
        check_xml_parts(pkg, skip=[p for p, _n in parts])
        budget = max_cells
        bounds = {}
        for part, sheet in parts:
            b = scan_bounds(pkg, part, sheet, budget, keep=False)
            budget -= b.area
            bounds[part] = b
        return CheckedWorkbook(pkg.source, sheets, bounds)
    finally:
        pkg.close()

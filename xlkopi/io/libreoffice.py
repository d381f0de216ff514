"""LibreOffice headless as an independent spreadsheet engine.

LibreOffice keeps the cached values of an OOXML file by default, so a plain
conversion proves nothing. :func:`recalculate` runs it with a private,
throw-away user profile whose registry sets ``OOXMLRecalcMode`` and
``ODFRecalcMode`` to 0 ("always recalculate on load"), then saves a copy:
the values in the copy are LibreOffice's own. The profile's locale is
da-DK, as the users' Excel: a value shown or exported as text reads
``180.000`` and ``5,1%``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import WorkbookError

_REGISTRY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Common/Misc">'
    '<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Setup/L10N">'
    '<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>da-DK</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Setup/L10N">'
    '<prop oor:name="ooLocale" oor:op="fuse"><value>da-DK</value></prop></item>\n'
    '</oor:items>\n'
)

_FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    # Danish Excel's "CSV (semikolonsepareret)": ';', '"', cp1252 (1), da-DK (1030), cells as shown
    "csv": "csv:Text - txt - csv (StarCalc):59,34,1,1,,1030,false,true,true",
    "pdf": "pdf:calc_pdf_Export",
    "ods": "ods",
}


def find_soffice() -> str | None:
    """Path of the LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None


def _profile(root: Path) -> str:
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    return root.resolve().as_uri()


_WRITER = {".docx", ".docm", ".dotx", ".doc", ".odt", ".rtf"}


def _filter(to: str, source: Path) -> str:
    """The export filter for ``to``: a Word document's PDF comes from Writer, a workbook's from Calc."""
    if to == "pdf" and source.suffix.lower() in _WRITER:
        return "pdf:writer_pdf_Export"
    return _FILTERS.get(to, to)


def _run(sources: list[Path], out_dir: Path, to: str, timeout: float) -> subprocess.CompletedProcess:
    """One LibreOffice run converting ``sources`` into ``out_dir``, with a private da-DK profile."""
    soffice = find_soffice()
    if soffice is None:
        raise WorkbookError("LibreOffice (soffice) er ikke installeret")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlkopi-lo-") as tmp:
        profile = _profile(Path(tmp) / "profile")
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--nodefault", "--convert-to", _filter(to, sources[0]), "--outdir", str(out_dir),
               *[str(s.resolve()) for s in sources]]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise WorkbookError(f"LibreOffice svarede ikke inden for {timeout:.0f} s") from None


def convert_many(sources: list[Path], out_dir: str | os.PathLike, to: str = "pdf",
                 timeout: float = 900) -> list[Path | None]:
    """Convert several files in one LibreOffice run (one start-up for the lot); None for a file that failed.

    The files must be of one kind (all documents or all workbooks) and have distinct names.
    """
    if not sources:
        return []
    out_dir = Path(out_dir).resolve()
    _run([Path(s) for s in sources], out_dir, to, timeout)
    out: list[Path | None] = []
    for s in sources:
        made = out_dir / (Path(s).stem + "." + to.split(":")[0])
        out.append(made if made.exists() else None)
    return out


def convert(source: str | os.PathLike, out_dir: str | os.PathLike, to: str = "xlsx",
            timeout: float = 300) -> Path:
    """Open ``source`` in LibreOffice headless (recalculating on load) and save it as ``to``.

    Returns the path of the converted file in ``out_dir``. Macros are
    disabled in the private profile. Raises :class:`WorkbookError` when
    LibreOffice is missing, fails or times out.
    """
    source = Path(source).resolve()
    out_dir = Path(out_dir).resolve()
    proc = _run([source], out_dir, to, timeout)
    result = out_dir / (source.stem + "." + to.split(":")[0])
    if proc.returncode != 0 or not result.exists():
        raise WorkbookError(f"LibreOffice kunne ikke konvertere '{source.name}': "
                            f"{proc.stderr.strip() or proc.stdout.strip()}")
    return result


def recalculate(source: str | os.PathLike, out_dir: str | os.PathLike | None = None,
                timeout: float = 300) -> Path:
    """A copy of ``source`` whose cached values LibreOffice has recalculated.

    The source file is never modified; the copy lands in ``out_dir`` (a new
    temporary folder when omitted).
    """
    source = Path(source)
    if out_dir is None:
        out_dir = Path(tempfile.mkdtemp(prefix="xlkopi-recalc-"))
    out_dir = Path(out_dir)
    if out_dir.resolve() == source.parent.resolve():
        raise WorkbookError("Genberegningens kopi skal ligge i en anden mappe end originalen")
    return convert(source, out_dir, "xlsx", timeout)


def pdf_beside(workbook: str | os.PathLike, *, overwrite: bool = False) -> Path | None:
    """Render ``workbook`` to a PDF of the same name beside it (Danish locale, via :func:`convert`).

    Returns the PDF's path, or None when LibreOffice is not installed. An existing PDF is refused
    (:class:`~xlkopi.io.atomic.OutputExistsError`) unless ``overwrite``; the PDF is written atomically.
    """
    return render_pdf(workbook, Path(workbook).with_suffix(".pdf"), overwrite=overwrite)


def render_pdf(workbook: str | os.PathLike, target: str | os.PathLike, *, overwrite: bool = False) -> Path | None:
    """Render ``workbook`` to the PDF ``target`` (Danish locale); None when LibreOffice is not installed."""
    import tempfile

    from .atomic import OutputExistsError, write_bytes_atomic

    if find_soffice() is None:
        return None
    target = Path(target)
    if target.exists() and not overwrite:
        raise OutputExistsError(target)
    with tempfile.TemporaryDirectory(prefix="xlkopi-pdf-") as tmp:
        made = convert(workbook, tmp, "pdf")
        write_bytes_atomic(target, made.read_bytes(), overwrite=overwrite)
    return target

"""The classic xlwings add-in's ``xlwings.conf``: which module holds the UDFs and which Python runs them.

The add-in reads ``"KEY","VALUE"`` lines (its VBA takes the first two quoted
strings of each line, as ``xlwings.utils.read_user_config`` does) from the
user's ``%USERPROFILE%\\.xlwings\\xlwings.conf`` or from an ``xlwings.conf``
beside the active workbook. VBA reads the file in the Windows code page, so
it is written in cp1252, which holds every Danish letter.

Merging, not replacing: every other line the user has stays as it is; other
UDF modules in ``UDF MODULES`` (separated by ``;``) are kept; an interpreter
already set to another Python is changed only with ``overwrite``.

>>> text, changes = merged_conf('"LICENSE_KEY","abc"\\n"UDF MODULES","mine"\\n', r"C:\\Python\\python.exe")
>>> print(text, end="")
"LICENSE_KEY","abc"
"UDF MODULES","mine;xlkopi.udfs"
"INTERPRETER_WIN","C:\\Python\\python.exe"
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from ..errors import ArgumentError

UDF_MODULE = "xlkopi.udfs"
ENCODING = "cp1252"

_QUOTED = re.compile(r'"([^"]*)"')


def user_conf_path(home: Path | None = None) -> Path:
    """Where the add-in looks for the user's settings: ``~/.xlwings/xlwings.conf``."""
    return (home or Path.home()) / ".xlwings" / "xlwings.conf"


def _entries(text: str) -> list[tuple[str | None, str]]:
    """Each line as (KEY in upper case or None for a line without one, the line as it was)."""
    out: list[tuple[str | None, str]] = []
    for line in text.splitlines():
        values = _QUOTED.findall(line)
        out.append((values[0].strip().upper() if len(values) >= 2 else None, line))
    return out


def _value(line: str) -> str:
    return _QUOTED.findall(line)[1]


def _line(key: str, value: str) -> str:
    if '"' in value or any(ord(c) < 32 for c in value):
        raise ArgumentError(key, "må ikke indeholde anførselstegn eller styretegn (xlwings.conf kan ikke rumme dem)",
                            value)
    try:
        value.encode(ENCODING)
    except UnicodeEncodeError:
        raise ArgumentError(key, "indeholder tegn, som Excels xlwings-tilføjelsesprogram ikke kan læse fra "
                                 "xlwings.conf (kun Windows-1252)", value) from None
    return f'"{key}","{value}"'


def merged_conf(existing: str, interpreter: str | None, *, overwrite: bool = False) -> tuple[str, list[str]]:
    """``existing`` with xlkopi's settings added; returns the new text and a Danish line per change.

    Raises :class:`~xlkopi.errors.ArgumentError` when the interpreter is set
    to another Python and ``overwrite`` is false.
    """
    entries = _entries(existing)
    changes: list[str] = []
    keys = [k for k, _ in entries]
    lines = [line for _, line in entries]

    if "UDF MODULES" in keys:
        i = keys.index("UDF MODULES")
        modules = [m.strip() for m in _value(lines[i]).split(";") if m.strip()]
        # The pre-package route named the module xlkopi_udfs and put udf/ on PYTHONPATH.
        kept = [m for m in modules if m not in (UDF_MODULE, "xlkopi_udfs")]
        if kept + [UDF_MODULE] != modules:
            lines[i] = _line("UDF MODULES", ";".join(kept + [UDF_MODULE]))
            changes.append(f"UDF MODULES: {';'.join(kept + [UDF_MODULE])}")
    else:
        lines.append(_line("UDF MODULES", UDF_MODULE))
        keys.append("UDF MODULES")
        changes.append(f"UDF MODULES: {UDF_MODULE}")

    if "PYTHONPATH" in keys:
        i = keys.index("PYTHONPATH")
        if "XLKOPI_HOME" in _value(lines[i]).upper():
            # The module is found in the installed package now; a checkout on the path would shadow it.
            del lines[i], keys[i]
            changes.append("PYTHONPATH: fjernet (pegede på en xlkopi-kildemappe, som ikke længere behøves)")

    if interpreter is not None:
        new = _line("INTERPRETER_WIN", interpreter)
        if "INTERPRETER_WIN" in keys:
            i = keys.index("INTERPRETER_WIN")
            current = _value(lines[i])
            if current != interpreter:
                if not overwrite:
                    raise ArgumentError("INTERPRETER_WIN", f"er allerede sat til '{current}'; brug --overskriv for "
                                                           f"at skifte til '{interpreter}'")
                lines[i] = new
                changes.append(f"INTERPRETER_WIN: {interpreter} (var {current})")
        else:
            lines.append(new)
            changes.append(f"INTERPRETER_WIN: {interpreter}")
    return "".join(line + "\n" for line in lines), changes


def read_conf(path: Path) -> str:
    """The config's text, or '' when there is none or it is empty; Danish error when it cannot be read.

    Read through :func:`xlkopi.io.package.read_once`: a directory, a FIFO or a device is refused without
    blocking, and so is a file over 1 MB.
    """
    from ..io.package import read_once

    try:
        st = path.stat()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise ArgumentError("--mappe", f"'{path}' kan ikke læses ({exc.strerror})") from None
    if stat.S_ISREG(st.st_mode) and st.st_size == 0:
        return ""
    data = read_once(path, noun="Indstillingsfilen", max_bytes=1_000_000).data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(ENCODING, errors="replace")


def write_classic_conf(path: Path, interpreter: str | None, *, overwrite: bool = False) -> list[str]:
    """Merge xlkopi's settings into the config at ``path`` (created if absent), atomically; returns the changes."""
    from ..io.atomic import write_bytes_atomic

    text, changes = merged_conf(read_conf(path), interpreter, overwrite=overwrite)
    if changes:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, text.encode(ENCODING), overwrite=True)
    return changes

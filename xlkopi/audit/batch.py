"""Many workbooks in one audit: files and folders, one result per file, a verdict per file (pure but for reading).

A folder is searched recursively for workbooks (.xlsx, .xlsm, .xls, .ods); hidden files and folders, Office's
lock files (``~$Bog.xlsx``), the report's own outputs and links to folders are skipped. Every file gets a
:class:`FileAudit`: its findings, or the reason it could not be audited (refused as unsafe, not a workbook, not
a regular file); one file that cannot be audited never stops the others.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.vocabulary import format_amount, format_count
from ..errors import XlkopiError
from .engine import AuditResult
from .findings import ADVARSEL, FEJL

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
"""What a folder is searched for; a named file is audited whatever its name (the audit says why not)."""

NOT_APPROVED, REMARKS, CLEAN, UNREADABLE = "Godkendes ikke", "Godkendes med bemærkninger", "Ingen fund", \
    "Kan ikke revideres"


@dataclass
class FileAudit:
    """One file of a batch: the result, or why there is none; its size and modification time."""

    path: Path
    result: AuditResult | None = None
    reason: str | None = None
    size: int | None = None
    modified: dt.datetime | None = None

    @property
    def verdict(self) -> str:
        """One line a controller files: "Godkendes ikke: 4 fejl", "Godkendes med bemærkninger: 1 advarsel"…"""
        if self.result is None:
            return f"{UNREADABLE}: {self.reason}"
        errors, warnings = self.result.count(FEJL), self.result.count(ADVARSEL)
        if errors:
            return f"{NOT_APPROVED}: {format_count(errors)} fejl"
        if warnings:
            return f"{REMARKS}: {format_count(warnings)} {'advarsel' if warnings == 1 else 'advarsler'}"
        return CLEAN

    @property
    def kind(self) -> str:
        """The verdict's first part (for counting and colouring)."""
        return self.verdict.split(":")[0]

    @property
    def at_stake(self) -> float:
        """The amounts the findings put at stake (the lease checks' differences), summed, in kr."""
        if self.result is None:
            return 0.0
        return round(sum(f.amount for f in self.result.findings), 2)

    @property
    def at_stake_text(self) -> str:
        return format_amount(self.at_stake) if self.at_stake else ""


def expand(inputs: Sequence[str | os.PathLike], skip: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """The files to audit: each named file, and the workbooks in each named folder (recursively, sorted).

    A name that is neither a file nor a folder is kept, so that its audit reports it. ``skip`` are the
    report's own outputs, skipped when a folder holds them (a named one is kept, for the caller to refuse).
    """
    skipped = {_key(p) for p in skip}
    out: list[Path] = []
    seen: set[str] = set()

    def add(path: Path, found: bool) -> None:
        k = _key(path)
        if k not in seen and not (found and k in skipped):   # a named file is kept: the caller refuses it
            seen.add(k)
            out.append(path)

    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith((".", "~$")) or not name.lower().endswith(SUFFIXES):
                        continue
                    add(Path(root) / name, True)
        else:
            add(path, False)
    return out


def _key(path: str | os.PathLike) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(Path(path).absolute())


def audit_files(paths: Sequence[Path], *, recalc: bool = False, on_done=None, on_idle=None) -> list[FileAudit]:
    """Audit every path; ``on_done(file_audit)`` is called after each (for progress).

    ``on_idle()`` is called while python-calamine reads a file's values (:func:`~.engine.audit_workbook`).
    """
    from .engine import audit_workbook

    out = []
    for path in paths:
        item = FileAudit(path)
        try:
            st = os.stat(path)   # follows a link to a file: the file is what is audited
        except OSError as exc:
            item.reason = f"filen findes ikke eller kan ikke læses ({exc.strerror})"
        else:
            if stat.S_ISREG(st.st_mode):
                item.size = st.st_size
                item.modified = dt.datetime.fromtimestamp(st.st_mtime)
            try:   # the reader refuses what is not a regular file (a FIFO, a device) and says which
                item.result = audit_workbook(path, recalc=recalc, on_idle=on_idle)
            except XlkopiError as exc:
                item.reason = str(exc)
            except MemoryError:
                item.reason = "der var ikke hukommelse nok"
        out.append(item)
        if on_done is not None:
            on_done(item)
    return out


def exit_code(items: Sequence[FileAudit]) -> int:
    """2 when a file could not be audited, else 1 when something at advarsel level or above was found, else 0."""
    if any(i.result is None for i in items):
        return 2
    return max((i.result.exit_code for i in items if i.result is not None), default=0)

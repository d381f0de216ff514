"""Atomic file writes: a temporary file in the target folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkbookError


class OutputExistsError(WorkbookError):
    """The output file exists and overwriting was not allowed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"Filen '{path}' findes allerede; brug --force for at overskrive den")


@contextmanager
def atomic_path(target: str | os.PathLike, *, overwrite: bool = False):
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    The temporary file is removed if the block raises, so a failed write
    never leaves a half-written file under the final name. Without
    ``overwrite`` an existing ``target`` raises :class:`OutputExistsError`
    before anything is written.
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise OutputExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates 0600; give the final file the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        if target.exists() and not overwrite:
            raise OutputExistsError(target)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes_atomic(target: str | os.PathLike, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``target`` atomically; returns the target path."""
    with atomic_path(target, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def save_workbook_atomic(workbook, target: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Save an openpyxl workbook to ``target`` atomically."""
    with atomic_path(target, overwrite=overwrite) as tmp:
        workbook.save(tmp)
    return Path(target)

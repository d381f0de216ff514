"""Atomic file writes: a temporary file in the target folder, then a rename."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkbookError

# O_EXCL: never reuse someone else's file; O_NOFOLLOW: never write through a planted link.
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)


class OutputExistsError(WorkbookError):
    """The output file exists and overwriting was not allowed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"Filen '{path}' findes allerede; brug --force for at overskrive den")


def _create_temp(target: Path) -> tuple[int, Path]:
    """Open a new, uniquely named file beside ``target``.

    Created with mode 0o666 so that the umask gives it the permissions a plain
    ``open()`` would; the rename then needs no chmod. One ``open`` per file
    matters: on some file systems creating a file costs far more than writing it.
    """
    for _ in range(100):
        tmp = target.with_name(f".{target.stem[:40]}.{secrets.token_hex(4)}{target.suffix}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
    raise FileExistsError(f"no free temporary name beside {target}")


@contextmanager
def _temp_beside(target: Path, overwrite: bool):
    if not overwrite and os.path.lexists(target):
        raise OutputExistsError(target)
    fd, tmp = _create_temp(target)
    done = False
    try:
        yield fd, tmp
        if not overwrite and os.path.lexists(target):  # appeared while we wrote
            raise OutputExistsError(target)
        os.replace(tmp, target)
        done = True
    finally:
        if not done:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


@contextmanager
def atomic_path(target: str | os.PathLike, *, overwrite: bool = False):
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    The temporary file is removed if the block raises, so a failed write
    never leaves a half-written file under the final name. Without
    ``overwrite`` an existing ``target`` raises :class:`OutputExistsError`
    before anything is written.
    """
    with _temp_beside(Path(target), overwrite) as (fd, tmp):
        os.close(fd)
        yield tmp


def write_bytes_atomic(target: str | os.PathLike, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``target`` atomically; returns the target path."""
    target = Path(target)
    with _temp_beside(target, overwrite) as (fd, _):
        with open(fd, "wb", closefd=True) as fh:
            fh.write(data)
    return target


def save_workbook_atomic(workbook, target: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Save an openpyxl workbook to ``target`` atomically."""
    with atomic_path(target, overwrite=overwrite) as tmp:
        workbook.save(tmp)
    return Path(target)

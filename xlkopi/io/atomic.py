"""Atomic, durable file writes: a temporary file in the target folder, fsync, rename, fsync of the folder.

A power loss or a SIGKILL at any moment leaves either the old file or the
new one under the final name, never an empty or half-written one: the data
is flushed to disk (``fsync``) before the rename and the folder entry after
it. A temporary file left by a killed run carries the writer's process id
in its name and is removed by the next write into the folder once that
process is gone. :func:`batch` gives many files the same guarantee for one
flush (the enrolment generator writes thousands). Every failure is a :class:`WriteError` with a Danish
message naming the target (never the temporary file), and an input file of
the command is never a target (:func:`check_not_input`).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..errors import WorkbookError

# O_EXCL: never reuse someone else's file; O_NOFOLLOW: never write through a planted link.
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
_TEMP = re.compile(r"^\..*\.xlkopi-(\d+)-[0-9a-f]{8}\.tmp$")
STALE_AFTER_SECONDS = 24 * 3600
"""A temporary file whose writer cannot be checked (another machine's) is removed after this long."""

_REASONS = {
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "diskkvoten er opbrugt",
    errno.EACCES: "der er ikke skriveadgang",
    errno.EPERM: "der er ikke skriveadgang",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.ENOENT: "mappen findes ikke",
    errno.EISDIR: "der ligger en mappe med det navn",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EIO: "der opstod en fejl på disken",
    errno.ELOOP: "stien indeholder en lænke, der ikke følges",
}


class OutputExistsError(WorkbookError):
    """The output file exists and overwriting was not allowed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"Filen '{path}' findes allerede; brug --force for at overskrive den")


class WriteError(WorkbookError):
    """A file could not be written; the message names the target and the reason in Danish.

    >>> str(WriteError("ud/Sammenligning.xlsx", OSError(errno.ENOSPC, "No space left on device")))
    "Filen 'ud/Sammenligning.xlsx' kunne ikke skrives: disken er fuld"
    """

    def __init__(self, target: str | os.PathLike, exc: OSError):
        self.target, self.errno = Path(target), exc.errno
        reason = _REASONS.get(exc.errno or 0) or f"systemfejl {exc.errno}: {exc.strerror or exc}"
        super().__init__(f"Filen '{target}' kunne ikke skrives: {reason}")


def check_not_input(target: str | os.PathLike, *inputs: str | os.PathLike | None) -> None:
    """Refuse ``target`` when it is one of the command's input files (the same file, by any path).

    >>> check_not_input("ud.xlsx", None)
    """
    for source in inputs:
        if source is None:
            continue
        try:
            same = os.path.samefile(target, source)
        except OSError:
            same = Path(target).resolve() == Path(source).resolve()
        if same:
            raise WorkbookError(f"Filen '{target}' er en inddatafil til kommandoen og overskrives aldrig; "
                                "vælg et andet navn til resultatet")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:   # it exists but is not ours (EPERM), or the platform cannot tell
        return True
    return True


_cleaned: set[str] = set()
_batch: ContextVar[list | None] = ContextVar("xlkopi_atomic_batch", default=None)


@contextmanager
def batch():
    """Write many files durably for the price of one flush: renames and syncs happen when the block ends.

    Inside the block every atomic write goes to its temporary file only; at
    the end one ``os.sync()`` (where the platform has it; otherwise an
    ``fsync`` per file) flushes them all, then each is renamed over its
    target and each folder is synced once. A file system's journal commits
    once instead of twice per file, which on ext4 is the whole cost of a
    batch of small files. If the block raises, the temporary files are
    removed and no target is touched.
    """
    pending: list = []
    token = _batch.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _target, _overwrite in pending:
            _unlink(tmp)
        raise
    finally:
        _batch.reset(token)
    _commit(pending)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _commit(pending: list) -> None:
    if not pending:
        return
    first: Exception | None = None
    try:
        if hasattr(os, "sync"):
            os.sync()
        else:  # pragma: no cover - Windows
            for tmp, _target, _overwrite in pending:
                _fsync_path(tmp)
    except OSError as exc:
        for tmp, _target, _overwrite in pending:
            _unlink(tmp)
        raise WriteError(pending[0][1], exc) from None
    folders = set()
    for tmp, target, overwrite in pending:
        try:
            if not overwrite and os.path.lexists(target):  # appeared while the batch ran
                raise OutputExistsError(target)
            os.replace(tmp, target)
            folders.add(target.parent)
        except (OSError, WorkbookError) as exc:
            _unlink(tmp)
            first = first or (exc if isinstance(exc, WorkbookError) else WriteError(target, exc))
    for folder in folders:
        try:
            sync_directory(folder)
        except OSError as exc:
            first = first or WriteError(folder, exc)
    if first is not None:
        raise first


def clean_stale_temps(folder: str | os.PathLike) -> list[str]:
    """Remove temporary files of xlkopi writers that died (once per folder and process); returns their names."""
    folder = Path(folder)
    key = os.path.abspath(folder)
    if key in _cleaned:
        return []
    _cleaned.add(key)
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = _TEMP.match(entry.name)
        if not m or not entry.is_file(follow_symlinks=False):
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if not _alive(int(m.group(1))) or old:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _create_temp(target: Path) -> tuple[int, Path]:
    """Open a new, uniquely named file beside ``target``.

    Created with mode 0o666 so that the umask gives it the permissions a plain
    ``open()`` would; the rename then needs no chmod. One ``open`` per file
    matters: on some file systems creating a file costs far more than writing it.
    """
    for _ in range(100):
        tmp = target.with_name(f".{target.stem[:40]}{target.suffix}.xlkopi-{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


def sync_directory(folder: str | os.PathLike) -> None:
    """Flush a folder's entries to disk (where the platform has directory descriptors)."""
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: NTFS journals the rename itself
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _temp_beside(target: Path, overwrite: bool):
    if not overwrite and os.path.lexists(target):
        raise OutputExistsError(target)
    tmp = None
    done = False
    pending = _batch.get()
    try:
        clean_stale_temps(target.parent)
        fd, tmp = _create_temp(target)
        yield fd, tmp
        if pending is not None:   # batch(): flushed and renamed when the batch ends
            pending.append((tmp, target, overwrite))
            done = True
            return
        if not overwrite and os.path.lexists(target):  # appeared while we wrote
            raise OutputExistsError(target)
        os.replace(tmp, target)
        done = True
        sync_directory(target.parent)
    except OSError as exc:
        raise WriteError(target, exc) from None
    finally:
        if not done and tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: str | os.PathLike, *, overwrite: bool = False):
    """Yield a temporary path beside ``target``; fsync it and rename it over ``target`` on success.

    The temporary file is removed if the block raises, so a failed write
    never leaves a half-written file under the final name. Without
    ``overwrite`` an existing ``target`` raises :class:`OutputExistsError`
    before anything is written.
    """
    with _temp_beside(Path(target), overwrite) as (fd, tmp):
        os.close(fd)
        yield tmp
        if _batch.get() is None:
            _fsync_path(tmp)


def write_bytes_atomic(target: str | os.PathLike, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``target`` atomically and durably; returns the target path."""
    target = Path(target)
    with _temp_beside(target, overwrite) as (fd, _):
        with open(fd, "wb", closefd=True) as fh:
            fh.write(data)
            fh.flush()
            if _batch.get() is None:
                os.fsync(fh.fileno())
    return target


def save_workbook_atomic(workbook, target: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Save an openpyxl workbook to ``target`` atomically and durably."""
    with atomic_path(target, overwrite=overwrite) as tmp:
        workbook.save(tmp)
    return Path(target)

"""The atomic write helper: temp file + rename, no clobbering, nothing left behind."""

from __future__ import annotations

import os
import stat

import pytest

from xlkopi.io.atomic import OutputExistsError, atomic_path, write_bytes_atomic


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_writes_bytes_with_the_permissions_of_a_plain_open(tmp_path):
    target = write_bytes_atomic(tmp_path / "a.xlsx", b"data")
    assert target.read_bytes() == b"data"
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o666 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "plain"]


def test_existing_file_is_kept_without_overwrite(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="--force"):
        write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    write_bytes_atomic(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_failed_write_leaves_no_file_and_no_temporary(tmp_path):
    target = tmp_path / "sub" / "b.xlsx"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert not target.exists()
    assert list((tmp_path / "sub").iterdir()) == []


def test_file_appearing_during_the_write_is_not_clobbered(tmp_path):
    target = tmp_path / "c.xlsx"
    with pytest.raises(OutputExistsError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"ours")
            target.write_bytes(b"theirs")
    assert target.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["c.xlsx"]


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix", reason="symlinks need POSIX here")
def test_dangling_symlink_counts_as_existing(tmp_path):
    target = tmp_path / "d.xlsx"
    os.symlink(tmp_path / "nowhere", target)
    with pytest.raises(OutputExistsError):
        write_bytes_atomic(target, b"x")
    assert not (tmp_path / "nowhere").exists()


# --------------------------------------------------------------- durability, stale temporaries, Danish errors

def test_data_and_folder_are_synced_around_the_rename(tmp_path, monkeypatch):
    """fsync of the file before the rename and of the folder after it (issue 11: 11 renames, 0 fsync calls)."""
    import xlkopi.io.atomic as atomic

    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (calls.append(("fsync", stat.S_ISDIR(os.fstat(fd).st_mode))),
                                                        real_fsync(fd)))
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (calls.append(("replace", None)), real_replace(a, b)))
    write_bytes_atomic(tmp_path / "a.eml", b"data")
    assert calls == [("fsync", False), ("replace", None), ("fsync", True)]
    calls.clear()
    with atomic_path(tmp_path / "b.xlsx") as tmp:
        tmp.write_bytes(b"wb")
    assert calls == [("fsync", False), ("replace", None), ("fsync", True)]


def test_a_killed_writer_leaves_a_temporary_that_the_next_run_removes(tmp_path):
    import signal
    import subprocess
    import sys

    code = ("import os, signal, sys\n"
            "from xlkopi.io.atomic import atomic_path\n"
            "with atomic_path(sys.argv[1]) as tmp:\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "Tilmelding.xlsx")], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].endswith(".tmp") and not (tmp_path / "Tilmelding.xlsx").exists()
    from xlkopi.io import atomic

    atomic._cleaned.discard(os.path.abspath(tmp_path))
    write_bytes_atomic(tmp_path / "Oversigt.xlsx", b"x")   # the rerun writes into the folder
    assert [p.name for p in tmp_path.iterdir()] == ["Oversigt.xlsx"]


def test_a_live_writers_temporary_is_left_alone(tmp_path):
    from xlkopi.io import atomic

    mine = tmp_path / f".a.xlsx.xlkopi-{os.getpid()}-0123abcd.tmp"
    mine.write_bytes(b"")
    other = tmp_path / ".noget.tmp"   # not one of ours
    other.write_bytes(b"")
    atomic._cleaned.discard(os.path.abspath(tmp_path))
    assert atomic.clean_stale_temps(tmp_path) == []
    assert mine.exists() and other.exists()


@pytest.mark.parametrize("errno_, words", [(28, "disken er fuld"), (30, "skrivebeskyttet"), (13, "skriveadgang")])
def test_os_errors_are_danish_and_name_the_target_not_the_temporary(tmp_path, monkeypatch, errno_, words):
    from xlkopi.io import atomic

    def fail(a, b):
        raise OSError(errno_, os.strerror(errno_), str(a))

    monkeypatch.setattr(atomic.os, "replace", fail)
    target = tmp_path / "Sammenligning.xlsx"
    with pytest.raises(atomic.WriteError) as err:
        write_bytes_atomic(target, b"x")
    assert str(err.value) == f"Filen '{target}' kunne ikke skrives: {words}" or words in str(err.value)
    assert ".tmp" not in str(err.value) and str(target) in str(err.value)
    assert list(tmp_path.iterdir()) == []   # the temporary is gone too


def test_a_path_under_a_file_is_a_danish_error(tmp_path):
    from xlkopi.io.atomic import WriteError

    (tmp_path / "fil").write_bytes(b"")
    with pytest.raises(WriteError, match="en del af stien er en fil"):
        write_bytes_atomic(tmp_path / "fil" / "ud.xlsx", b"x")


def test_a_batch_flushes_once_and_renames_at_the_end(tmp_path, monkeypatch):
    from xlkopi.io import atomic

    syncs = []
    monkeypatch.setattr(atomic.os, "sync", lambda: syncs.append("sync"), raising=False)
    fsyncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (fsyncs.append(stat.S_ISDIR(os.fstat(fd).st_mode)),
                                                        real_fsync(fd)))
    with atomic.batch():
        for k in range(5):
            write_bytes_atomic(tmp_path / f"f{k}.eml", b"x" * k)
        with atomic_path(tmp_path / "o.xlsx") as tmp:
            tmp.write_bytes(b"wb")
        assert not any(p.suffix in (".eml", ".xlsx") for p in tmp_path.iterdir())  # nothing renamed yet
    assert syncs == ["sync"] and fsyncs == [True]   # one flush, one folder sync, no fsync per file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f0.eml", "f1.eml", "f2.eml", "f3.eml", "f4.eml", "o.xlsx"]


def test_a_failed_batch_leaves_no_file(tmp_path):
    from xlkopi.io import atomic

    with pytest.raises(RuntimeError):
        with atomic.batch():
            write_bytes_atomic(tmp_path / "a.eml", b"x")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_a_file_appearing_during_a_batch_is_kept_and_the_others_written(tmp_path):
    from xlkopi.io import atomic

    with pytest.raises(OutputExistsError):
        with atomic.batch():
            write_bytes_atomic(tmp_path / "a.eml", b"ours")
            write_bytes_atomic(tmp_path / "b.eml", b"ours")
            (tmp_path / "a.eml").write_bytes(b"theirs")
    assert (tmp_path / "a.eml").read_bytes() == b"theirs" and (tmp_path / "b.eml").read_bytes() == b"ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.eml", "b.eml"]

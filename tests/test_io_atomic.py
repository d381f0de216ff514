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

"""xlkopi.io.memory: freed C-heap memory handed back to the system (glibc), a no-op elsewhere.

What it saves is measured, not asserted here: ``bench/bench_audit.py`` at 300,000 formula rows
(peak RSS 284-343 MiB without it, 267 MiB with it; docs/audit.md, Målinger).
"""

import platform
import sys

import pytest

from xlkopi.io import memory


def test_release_free_memory_runs_anywhere():
    memory.release_free_memory()
    memory.release_free_memory()   # the C function is looked up once


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_on_glibc_malloc_trim_is_found():
    assert memory._trim() is not None


def test_elsewhere_nothing_is_called(monkeypatch):
    memory._trim.cache_clear()
    monkeypatch.setattr(memory.sys, "platform", "win32")
    try:
        assert memory._trim() is None
        memory.release_free_memory()
    finally:
        memory._trim.cache_clear()

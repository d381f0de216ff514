"""Hand freed C-heap memory back to the operating system (glibc), so that a later peak does not add to it.

glibc keeps memory a thread has freed in that thread's heap for the thread to
reuse, and it raises its threshold for using a mapping of its own after the first
large block is freed: the megabyte-sized pieces of sheet XML that the formula
pass decompresses and drops then stay in the main thread's heap once freed. The
thread that reads the values (python-calamine, in a thread of its own) cannot
reuse them, so they add to the peak of its grid and lists. ``malloc_trim(0)``
returns the free pages of every heap (glibc 2.8 and later). Elsewhere (Windows,
macOS, musl) this does nothing.
"""

from __future__ import annotations

import sys
from functools import cache


@cache
def _trim():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # not ctypes.util: find_library starts a subprocess (10 ms)

    try:
        return ctypes.CDLL(None).malloc_trim   # the process's own symbols, the C library's among them
    except (OSError, AttributeError):   # a C library without malloc_trim (musl)
        return None


def release_free_memory() -> None:
    """Return the C heap's free pages to the system where the C library can (glibc); otherwise nothing."""
    trim = _trim()
    if trim is not None:
        trim(0)

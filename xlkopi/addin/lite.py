"""What xlwings Lite needs: a ``requirements.txt`` line and a ``main.py`` line.

Lite installs packages with Pyodide's micropip: pure-Python wheels from PyPI
or from a URL (served with CORS). xlkopi's base wheel has no dependencies
at all (the auditor's and generators' are in the ``tools`` extra), so it
installs there as it is, and Lite brings xlwings itself. The functions
imported into ``main.py`` are registered by Lite like its own, under the
namespace XLKOPI that :mod:`xlkopi.udfs` sets.

>>> print(requirements_line())
xlkopi==0.1.0
>>> print(requirements_line("https://intra.example.dk/py/xlkopi-0.1.0-py3-none-any.whl"))
https://intra.example.dk/py/xlkopi-0.1.0-py3-none-any.whl
"""

from __future__ import annotations

from .. import __version__

MAIN_PY = ("# xlkopi's worksheet functions: =XLKOPI.LEASE_SCHEDULE(...), =XLKOPI.BUYOUT(...), ...\n"
           "from xlkopi.udfs import *  # noqa: F401,F403\n")


def requirements_line(wheel_url: str | None = None) -> str:
    """The requirements.txt line: the published release, or the URL of a wheel the institution hosts."""
    return wheel_url or f"xlkopi=={__version__}"

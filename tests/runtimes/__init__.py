"""Where the Excel runtimes the tests run for real live, and the policy when one is absent.

``.ci/run`` installs them inside the clone, in ``.ci-runtimes/`` (git-ignored):
the npm package ``pyodide`` under ``node/``, a virtual environment with
``xlwings-server`` under ``server-venv/`` and the pure-Python xlwings wheel
under ``wheels/``, and sets ``XLKOPI_REQUIRE_RUNTIMES=1``: there a missing
runtime fails its tests; elsewhere they are skipped with the reason.
``XLKOPI_RUNTIMES_DIR`` points somewhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNTIMES = Path(os.environ.get("XLKOPI_RUNTIMES_DIR") or ROOT / ".ci-runtimes")
REQUIRED = os.environ.get("XLKOPI_REQUIRE_RUNTIMES") == "1"

PYODIDE = RUNTIMES / "node" / "node_modules" / "pyodide"
SERVER_PYTHON = RUNTIMES / "server-venv" / "bin" / "python"
WHEELS = RUNTIMES / "wheels"


def unavailable(reason: str):
    """Skip with ``reason``, or fail where the runtimes are required (CI)."""
    if REQUIRED:
        pytest.fail(f"XLKOPI_REQUIRE_RUNTIMES=1, but {reason}")
    pytest.skip(reason)


def build_wheel(out: Path) -> Path:
    """Build xlkopi's wheel from this checkout into ``out`` (pip's isolated build, as a release would)."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True)
    wheels = sorted(out.glob("xlkopi-*.whl"))
    if done.returncode != 0 or not wheels:
        unavailable(f"the xlkopi wheel could not be built: {done.stderr.strip()[-500:]}")
    return wheels[-1]


def xlwings_wheel() -> Path:
    wheels = sorted(WHEELS.glob("xlwings-*-py3-none-any.whl"))
    if not wheels:
        unavailable(f"no pure-Python xlwings wheel in {WHEELS} (.ci/run downloads it)")
    return wheels[-1]


def node() -> str:
    found = shutil.which("node")
    if not found:
        unavailable("node is not installed (.ci/run installs Debian's nodejs)")
    if not (PYODIDE / "pyodide.mjs").is_file():
        unavailable(f"the npm package pyodide is not in {PYODIDE} (.ci/run installs it)")
    return found


# The start of a program that runs xlwings' classic (Windows) UDF code on Linux: pywin32 stubbed, the classic
# decorators bound as ``import xlwings`` binds them on Windows, and xlkopi.udfs imported by its dotted name
# as the add-in's UDF MODULES does; ``udfs`` (xlwings.udfs), ``module`` and ``Workbook`` are defined for the
# rest of the program. Used by tests/test_udf_classic.py and tests/test_udf_runtimes.py.
CLASSIC_PRELUDE = r"""
import importlib, io, json, sys, types
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
sys.modules["win32com"].client = sys.modules["win32com.client"]
import xlwings
from xlwings import udfs
xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
module = importlib.import_module("xlkopi.udfs")


class Workbook:
    Name = "Leasing.xlsm"
"""

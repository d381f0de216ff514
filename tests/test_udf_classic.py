"""The worksheet functions on the classic xlwings path (Windows Excel with the add-in).

The classic decorators live in ``xlwings.udfs``, which imports pywin32 at the
top; on Linux a subprocess stubs those three modules, binds ``xw.func`` /
``xw.arg`` / ``xw.ret`` to the classic decorators as ``import xlwings`` does
on Windows, imports the module, and reports the registration metadata and
the VBA wrapper code that *Import Functions* would write into the workbook.
The calls themselves are checked with the values pywin32 hands over
(floats, bools, ``datetime`` for date cells, tuples for ranges, error
values as ``"#N/A"`` strings with ``err_to_str``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from runtimes import CLASSIC_PRELUDE

ROOT = Path(__file__).resolve().parents[1]
UDF_DIR = ROOT / "udf"

CLASSIC = CLASSIC_PRELUDE + (r"""
vba = io.StringIO()
udfs.generate_vba_wrapper("xlkopi.udfs", module, vba, Workbook())
meta = {}
for name, f in vars(module).items():
    if hasattr(f, "__xlfunc__"):
        x = f.__xlfunc__
        meta[name] = {"name": x["name"], "category": x["category"], "doc": x["ret"]["doc"],
                      "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a,
                                "default": repr(a.get("optional")), "options": """
           r"""{k: repr(v) for k, v in a["options"].items()}}
                               for a in x["args"]]}
print(json.dumps({"meta": meta, "vba": vba.getvalue()}))
""")


@pytest.fixture(scope="module")
def classic():
    out = subprocess.run([sys.executable, "-c", CLASSIC], capture_output=True, text=True,
                         check=True, env=_python_env())
    return json.loads(out.stdout)


def _python_env():
    import os

    # No XLWINGS_ON_SERVER: the classic decorators must be the ones in use.
    return {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}


@pytest.fixture(scope="module")
def udf():
    """The module as a plain import (xw.func is a no-op here unless another test set it up)."""
    import xlkopi.udfs
    return xlkopi.udfs


def test_classic_registration_metadata(classic):
    meta = classic["meta"]
    assert set(meta) == {"LEASE_SCHEDULE", "LEASE_PAYMENT", "BUYOUT", "CLICK_PRICE", "LEASE_RATE", "BASE_RATE",
                         "APR", "ALLIN_COST", "NOTICE_DEADLINE", "REMAINING_OBLIGATION", "CONTRACT_RATE"}
    for name, m in meta.items():
        assert m["name"] == name and m["category"] == "xlkopi"
        # Excel's MacroOptions takes at most 255 characters per description; xlwings cuts longer ones
        assert 20 < len(m["doc"]) <= 255, name
        for a in m["args"]:
            assert not a["doc"].startswith("Positional argument") and len(a["doc"]) <= 255, (name, a)
            assert a["options"]["err_to_str"] == "True"
    rate = {a["name"]: a for a in meta["LEASE_SCHEDULE"]["args"]}["annual_rate"]
    assert rate["options"]["ndim"] == "2"
    defaults = {a["name"]: a["default"] for a in meta["LEASE_SCHEDULE"]["args"] if a["optional"]}
    assert defaults == {"periods_per_year": "4", "residual": "0", "start_date": "None", "in_advance": "True"}


def test_classic_vba_wrappers_have_the_fixed_signatures(classic):
    vba = classic["vba"]
    assert ("Function LEASE_SCHEDULE(price, annual_rate, years, Optional periods_per_year, Optional residual, "
            "Optional start_date, Optional in_advance)") in vba
    assert ("Function BUYOUT(price, annual_rate, years, periods_per_year, residual, start_date, buyout_date, "
            "Optional kind, Optional in_advance, Optional discount_rate, Optional service_per_period)") in vba
    assert "Function CLICK_PRICE(annual_lease_payment, annual_min_volume, service_price_per_print)" in vba
    assert 'LEASE_PAYMENT = XLPy.CallUDF("xlkopi.udfs", "LEASE_PAYMENT"' in vba
    for name in ("LEASE_RATE", "BASE_RATE", "APR", "ALLIN_COST"):
        assert f"Function {name}(" in vba


def test_classic_values_as_pywin32_delivers_them(udf):
    # date cells arrive as datetime, numbers as floats, TRUE as bool
    table = udf.LEASE_SCHEDULE(100000.0, 0.051, 5.0, 4.0, 5000.0, dt.datetime(2006, 1, 1), True)
    assert table[1][1] == dt.datetime(2006, 1, 1) and table[1][3] == 5406.21  # the guide: 5,406.21 kr
    assert table[-1][1] == dt.datetime(2011, 1, 1) and table[-1][3] == 5000.0
    assert all(isinstance(r[1], dt.datetime) for r in table[1:])
    # a two-column range of dates and rates arrives as a tuple of tuples
    path = ((dt.datetime(2006, 1, 1), 0.051), (dt.datetime(2008, 1, 1), 0.06))
    assert udf.LEASE_SCHEDULE(100000.0, path, 5.0, 4.0, 0.0, dt.datetime(2006, 1, 1))[1][3] == 5624.49
    # 1 and 0 typed for TRUE/FALSE, "forud"/"bagud" in words
    assert udf.LEASE_PAYMENT(100000.0, 0.051, 5.0, 4.0, 0.0, 1.0) == 5624.49
    assert udf.LEASE_PAYMENT(100000.0, 0.051, 5.0, 4.0, 0.0, "forud") == 5624.49
    assert udf.LEASE_PAYMENT(100000.0, 0.051, 5.0, 4.0, 0.0, "bagud") == udf.LEASE_PAYMENT(
        100000.0, 0.051, 5.0, 4.0, 0.0, False)
    assert udf.BUYOUT(100000.0, 0.051, 5.0, 4.0, 5000.0, dt.datetime(2006, 1, 1),
                      dt.datetime(2008, 1, 1)) == 64468.34  # 10 × 5,406.21 + 5,406.24 + 5,000 (the schedule)
    assert udf.BASE_RATE(0.0562449, 5.0, 4.0, 0.0, True) == pytest.approx(0.051, abs=1e-6)


def test_classic_error_cell_and_blank_optional(udf):
    assert udf.LEASE_PAYMENT(100000.0, "#N/A", 5.0) == (
        "LEASE_PAYMENT: Argumentet 'annual_rate' indeholder Excel-fejlen #N/A; ret cellen, der henvises til")
    # an empty referenced cell in an optional argument is the default
    assert udf.LEASE_PAYMENT(100000.0, 0.051, 5.0, None, None, None) == 5624.49
    # BUYOUT: an empty periods_per_year / residual (required positions) is 4 / 0
    assert udf.BUYOUT(100000.0, 0.051, 5.0, None, None, dt.datetime(2006, 1, 1), dt.datetime(2008, 1, 1),
                      "restgaeld") == udf.BUYOUT(100000, 0.051, 5, 4, 0, 38718, 39448, "restgaeld")


def test_xlwings_conf_configures_the_udf_module():
    rows = list(csv.reader((ROOT / "xlwings.conf").read_text(encoding="utf-8").splitlines()))
    conf = {key: value for key, value in rows}
    assert conf == {"UDF MODULES": "xlkopi.udfs"}   # a dotted module of the installed package: no PYTHONPATH
    assert (ROOT / "xlkopi" / "udfs.py").is_file()
    # the keys are the add-in's (upper case, as its reader expects)
    assert all(key == key.upper() for key in conf)


def test_module_needs_no_compiled_packages():
    # xlwings Lite runs Pyodide: the functions must work with only xlwings and xlkopi's pure core
    code = ("import sys\n"
            "for name in ('numpy', 'pandas', 'scipy', 'openpyxl', 'numpy_financial', 'python_calamine'):\n"
            "    sys.modules[name] = None\n"
            "import xlkopi.udfs as u\n"
            "print(u.LEASE_PAYMENT(100000, 0.051, 5), round(u.BASE_RATE(0.0562449, 5), 5),"
            " round(u.APR(100000, 0.051, 5), 6))\n"
            "print(sorted(m for m, v in sys.modules.items() if v is not None"
            " and m.split('.')[0] in ('numpy', 'scipy', 'pandas', 'openpyxl')))\n")
    # (xlwings imports numpy and pandas only when they are there, so blocking them is fair)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_python_env())
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.strip().splitlines()
    # the guide's payment and rate back from its leasingsats; ÅOP of quarterly 5,1 % in advance ≈ (1 + 0,051/4)^4 - 1
    assert first == "5624.49 0.051 0.051984", first
    assert second == "[]"

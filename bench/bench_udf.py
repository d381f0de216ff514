"""Per-call cost of LEASE_SCHEDULE (60 periods) through xlwings' Office.js call path.

Measured in the same run, side by side:

1. the core alone: ``lease_schedule(...).table()`` (the baseline);
2. the worksheet function called as a Python function (what the classic
   add-in's COM server runs after converting the arguments): argument
   checks, the core, floats and datetimes for Excel;
3. the full Office.js path: ``await xlwings.server.custom_functions_call(data,
   module)`` with the request body Excel's xlwings client posts (arguments
   as 2-D arrays, the start date as a serial number), including xlwings'
   argument conversion and its conversion of the 61×6 result (dates to
   date-formatted numbers). The HTTP hop (Server) or the Pyodide bridge
   (Lite) comes on top and is not measured here.

Run: ``python3 bench/bench_udf.py`` (sets ``XLWINGS_ON_SERVER=true`` and the
noncommercial xlwings PRO licence key before importing xlwings).
"""

from __future__ import annotations

import asyncio
import os
import sys
import timeit

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


import xlwings  # noqa: E402
import xlwings.server as server  # noqa: E402

import xlkopi.udfs as xlkopi_udfs  # noqa: E402
from xlkopi.core.schedule import lease_schedule  # noqa: E402

# 60 periods: 5 years monthly, in advance, with a residual (the guide's example made monthly)
PRICE, RATE, YEARS, PPY, RESIDUAL, START = 100000, 0.051, 5, 12, 5000, 38718  # 38718 = 1-1-2006


def request(date_format):
    return {
        "client": "Office.js",
        "func_name": "LEASE_SCHEDULE",
        "args": [[[PRICE]], [[RATE]], [[YEARS]], [[PPY]], [[RESIDUAL]], [[START]], [[True]]],
        "caller_address": "[Bog1.xlsx]Ark1!A1",
        "formula_name": "LEASE_SCHEDULE",
        "session_id": "bench",
        "culture_info_name": "da-DK",
        "date_format": date_format,
        "version": xlwings.__version__,
        "runtime": "1.4",
    }


def per_call_us(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=7)) / number * 1e6


def main() -> None:
    assert xlwings.func is server.func, "XLWINGS_ON_SERVER must be set before xlwings is imported"
    loop = asyncio.new_event_loop()
    plain_data, dated_data = request(None), request("dd-mm-åååå")

    def core():
        return lease_schedule(PRICE, RATE, YEARS, PPY, RESIDUAL, "2006-01-01", True).table()

    def udf_direct():
        return xlkopi_udfs.LEASE_SCHEDULE(PRICE, [[RATE]], YEARS, PPY, RESIDUAL, START, True)

    def officejs_serials():
        return loop.run_until_complete(server.custom_functions_call(plain_data, xlkopi_udfs))

    def officejs_formatted():
        return loop.run_until_complete(server.custom_functions_call(dated_data, xlkopi_udfs))

    # sanity: the same 61 rows everywhere, the guide's schedule made monthly
    table = officejs_formatted()
    assert len(table) == 62 and len(core()) == 62 and table[0][0] == "Termin", table[:2]

    number = 200
    t_core = per_call_us(core, number)
    t_udf = per_call_us(udf_direct, number)
    t_js = per_call_us(officejs_serials, number)
    t_js_fmt = per_call_us(officejs_formatted, number)

    print("LEASE_SCHEDULE, 60 terminer (5 år månedligt, forud, restværdi), pr. kald, bedste af 7:")
    print(f"  kernen: lease_schedule(...).table()            {t_core:8.1f} µs  (baseline)")
    print(f"  arkfunktionen kaldt direkte (klassisk sti)     {t_udf:8.1f} µs  ({t_udf / t_core:4.2f}x, "
          f"+{t_udf - t_core:.1f} µs)")
    print(f"  Office.js: custom_functions_call, serienumre   {t_js:8.1f} µs  ({t_js / t_core:4.2f}x, "
          f"+{t_js - t_core:.1f} µs)")
    print(f"  Office.js: custom_functions_call, datoformat   {t_js_fmt:8.1f} µs  ({t_js_fmt / t_core:4.2f}x, "
          f"+{t_js_fmt - t_core:.1f} µs)")
    print(f"xlwings {xlwings.__version__}, Python {sys.version.split()[0]}")
    loop.close()


if __name__ == "__main__":
    main()

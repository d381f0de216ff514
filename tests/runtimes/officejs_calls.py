"""Calls xlkopi's worksheet functions as Excel's Office.js runtimes do; the same code in CPython and Pyodide.

``run(request_json)`` takes a JSON list of the request bodies the xlwings
JavaScript client posts per formula and returns a JSON object: the
registration metadata, per call ``{"result": ...}`` or ``{"error": text}``
(the #VALUE! text), the seconds the calls took and any compiled extension
module that got imported. ``pyodide_call.mjs`` runs it in Pyodide;
``python officejs_calls.py request.json`` runs it in CPython.
"""

import json
import os
import sys
import time


async def run(request_json: str) -> str:
    # What xlwings Lite and xlwings Server set before xlwings is imported (here, not at import time: pytest's
    # doctest collection imports this file into its own process).
    os.environ["XLWINGS_ON_SERVER"] = "true"
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings
    import xlwings.server as server

    import xlkopi.udfs as module

    replies = []
    started = time.perf_counter()
    for data in json.loads(request_json):
        try:
            replies.append({"result": await server.custom_functions_call(data, module)})
        except xlwings.XlwingsError as e:
            replies.append({"error": str(e)})
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails on it
            replies.append({"exception": f"{type(e).__name__}: {e}"})
    elapsed = time.perf_counter() - started
    compiled = sorted(name for name, m in list(sys.modules.items())
                      if m is not None and str(getattr(m, "__file__", "") or "").endswith((".so", ".pyd")))
    return json.dumps({"python": sys.version.split()[0], "platform": sys.platform, "xlwings": xlwings.__version__,
                       "module_file": module.__file__, "meta": server.custom_functions_meta(module),
                       "replies": replies, "seconds": elapsed, "compiled_modules": compiled})


if __name__ == "__main__" and sys.platform != "emscripten":
    import asyncio

    with open(sys.argv[1], encoding="utf-8") as fh:
        print(asyncio.run(run(fh.read())))

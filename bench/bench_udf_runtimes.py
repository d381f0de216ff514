"""LEASE_PAYMENT ×1.000 through each Excel runtime's real call path, beside the direct call, in one run.

1. direct: ``xlkopi.udfs.LEASE_PAYMENT(...)`` as a Python function (what the
   classic add-in's COM server runs once pywin32 has converted the cells);
   the baseline;
2. Office.js path in CPython (what xlwings Server runs per request, without
   the HTTP hop): ``await custom_functions_call(body, xlkopi.udfs)``, twice:
   as shipped (``xlkopi.udfs`` marks ``pyodide`` as missing in
   ``sys.modules``) and with that marker removed, so that xlwings' failing
   ``from pyodide.ffi import JsNull`` per argument searches ``sys.path`` again
   (the cost before this change);
3. Office.js path in Pyodide under node (xlwings Lite), with only the xlkopi
   and xlwings wheels: the same calls timed inside Pyodide;
4. optional, ``--server PYTHON``: xlwings Server over loopback HTTP, one
   uvicorn worker, 1.000 sequential POSTs (PYTHON is a venv's interpreter with
   xlwings-server and xlkopi installed).

Run: ``python3 bench/bench_udf_runtimes.py [--runtimes .ci-runtimes] [--server PYTHON]``;
on one core: ``taskset -c 0 python3 bench/bench_udf_runtimes.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parents[1]
N = 1000


def body() -> dict:
    import xlwings
    return {"client": "Office.js", "func_name": "LEASE_PAYMENT", "formula_name": "XLKOPI.LEASE_PAYMENT",
            "args": [[[100000]], [[0.051]], [[5]], [[4]], [[5000]], [[True]]], "caller_address": "[Bog1]Ark1!A1",
            "session_id": "bench", "culture_info_name": "da-DK", "date_format": None,
            "version": xlwings.__version__, "runtime": "1.4"}


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def cpython_paths() -> dict[str, float]:
    import xlwings.server as server

    import xlkopi.udfs as udfs

    loop = asyncio.new_event_loop()
    data = body()

    def direct():
        for _ in range(N):
            udfs.LEASE_PAYMENT(100000.0, 0.051, 5.0, 4.0, 5000.0, True)

    def officejs():
        for _ in range(N):
            loop.run_until_complete(server.custom_functions_call(data, udfs))

    assert loop.run_until_complete(server.custom_functions_call(data, udfs)) == [[5406.21]]
    out = {"direct": timed(direct), "officejs": timed(officejs)}
    marker = sys.modules.pop("pyodide", "absent")
    try:
        out["officejs_unmarked"] = timed(officejs)
    finally:
        if marker != "absent":
            sys.modules["pyodide"] = marker
    loop.close()
    return out


def build_wheels(runtimes: Path, folder: Path) -> list[str]:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(ROOT)],
                   check=True, capture_output=True)
    xlwings = sorted((runtimes / "wheels").glob("xlwings-*-py3-none-any.whl"))
    if not xlwings:
        raise SystemExit(f"no xlwings wheel in {runtimes / 'wheels'} (.ci/run downloads it)")
    return [str(sorted(folder.glob("xlkopi-*.whl"))[-1]), str(xlwings[-1])]


def pyodide_path(runtimes: Path, wheels: list[str], folder: Path) -> float:
    request = folder / "request.json"
    request.write_text(json.dumps({"wheels": wheels, "calls": [body()] * N}), encoding="utf-8")
    out = subprocess.run(["node", str(ROOT / "tests" / "runtimes" / "pyodide_call.mjs"),
                          str(runtimes / "node" / "node_modules" / "pyodide"), str(request)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert all(r == {"result": [[5406.21]]} for r in result["replies"]), result["replies"][:3]
    return result["seconds"]


def server_path(python: str, folder: Path) -> float:
    import socket

    from xlkopi.addin.server import scaffold

    project = folder / "server"
    scaffold(project)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, XLWINGS_PROJECT_DIR=str(project))
    env.pop("XLWINGS_ON_SERVER", None)
    proc = subprocess.Popen([python, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/xlwings/custom-functions-call"
    payload = json.dumps(body()).encode()
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/xlwings/custom-functions-meta", timeout=2)
                break
            except OSError:
                time.sleep(0.2)

        def calls():
            for _ in range(N):
                req = urllib.request.Request(url, payload, {"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=10) as r:
                    r.read()

        return timed(calls, repeat=3)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runtimes", default=str(ROOT / ".ci-runtimes"))
    ap.add_argument("--server", metavar="PYTHON", help="a venv's python with xlwings-server and xlkopi")
    args = ap.parse_args()
    runtimes = Path(args.runtimes)

    t = cpython_paths()
    base = t["direct"]

    def line(label: str, seconds: float) -> None:
        print(f"  {label:<52} {seconds * 1000:9.1f} ms  {seconds / N * 1e6:8.1f} µs/kald  ({seconds / base:5.1f}x)")

    count = f"{N:_}".replace("_", ".")
    print(f"LEASE_PAYMENT ×{count} (100.000 kr, 5,1 %, 5 år, kvartalsvis, restværdi 5.000); CPython: bedste af 5, "
          "Pyodide: én kørsel, Server: bedste af 3 (ny forbindelse pr. kald)")
    line("direkte kald (klassisk sti; baseline)", base)
    line("Office.js-stien i CPython (som leveret)", t["officejs"])
    line("Office.js-stien i CPython, uden pyodide-markering", t["officejs_unmarked"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if (runtimes / "node" / "node_modules" / "pyodide").is_dir():
            line("Office.js-stien i Pyodide under node (xlwings Lite)", pyodide_path(runtimes, build_wheels(
                runtimes, folder), folder))
        else:
            print(f"  (Pyodide sprunget over: ingen {runtimes / 'node'})")
        if args.server:
            line("xlwings Server over HTTP på 127.0.0.1, 1 worker", server_path(args.server, folder))
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} kerner synlige, "
          f"affinitet {len(os.sched_getaffinity(0))} kerne(r)")


if __name__ == "__main__":
    main()

"""Benchmark: ``xlkopi audit`` beside python-calamine alone, at 10,000, 100,000 and 300,000 rows.

Run from the repository root::

    python3 bench/bench_audit.py                      # 10k, 100k, 300k rows; the CPUs this process may use
    python3 bench/bench_audit.py --cpus all 0         # the same run on every CPU, then pinned to CPU 0
    taskset -c 0 python3 bench/bench_audit.py         # the same, pinned from outside
    python3 bench/bench_audit.py --rows 20000 --repeat 3 --dir /tmp/xlkopi-bench   # keep the workbooks
    git worktree add /tmp/xlkopi-old HEAD~1 && python3 bench/bench_audit.py --other /tmp/xlkopi-old
                                                      # the previous version's audit in the same run

For every size two workbooks are built (not timed; ``--dir`` keeps them for the
next run): a schedule of values (as suppliers send them and as xlkopi's lease
writer writes them) and the same schedule with the balance and afdrag columns as
formulas with cached values (as Excel or LibreOffice save them). ``--rows N`` is
the sheet's last row: 300,000 is the limit xlkopi reads. One more workbook has
300,003 rows, which the audit refuses.

Every figure comes from a fresh subprocess; calamine and the audit alternate, and
the best of ``--repeat`` runs of each is shown, so both see the same machine
load. Nothing here asserts a time: the baseline of the same run is printed beside
each figure.

* ``calamine``: python-calamine opening the file and reading every sheet to
  Python lists (imports not counted);
* ``audit``: ``xlkopi.audit.audit_workbook`` (safety checks, formula scan,
  values, every rule; no report file, no --recalc), imports not counted (the
  audit loads python-calamine and, once a lease table or a formula needs it,
  numpy on first use: both are imported before the clock starts); peak RSS is
  ``VmHWM`` of that process (Linux);
* ``whole command``: ``python3 -m xlkopi audit FILE`` from process start to exit
  (interpreter, imports, audit, terminal output), against a process that only
  imports python_calamine and reads the file. Bytecode is cached (in a
  temporary ``PYTHONPYCACHEPREFIX``, whatever ``PYTHONDONTWRITEBYTECODE`` says),
  as in an installed package: otherwise every run compiles xlkopi's sources;
* ``refusal``: the audit of the 300,003-row workbook (refused: too many rows),
  against python-calamine reading the 300,000-row one.

Targets (issue 17): audit and whole command within 1.5x of calamine at every
size, on two cores and on one; under 300 MiB at 300,000 rows; a refusal cheaper
than a read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

OVERSIZE = 300_003

CHILD = r"""
import json, sys, time
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "calamine":
    import python_calamine as pc
else:
    # loaded by the audit on first use (python-calamine always, numpy for lease tables and formulas): imports,
    # not counted, as calamine's own import is not
    import numpy  # noqa: F401
    import python_calamine  # noqa: F401
    from xlkopi.audit import audit_workbook
    from xlkopi.errors import XlkopiError
t1 = time.perf_counter()
if mode == "calamine":
    wb = pc.CalamineWorkbook.from_path(path)
    n = sum(len(wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)
    info = {"rows": n}
else:
    try:
        r = audit_workbook(path)
        info = {"findings": len(r.findings), "tables": r.tables, "formulas": r.formulas,
                "bad": sum(1 for f in r.findings if f.severity != "info")}
    except XlkopiError as exc:
        info = {"refused": str(exc)}
t2 = time.perf_counter()
# VmHWM: this process image's peak RSS (ru_maxrss would include the parent's before exec)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"seconds": t2 - t1, "imports": t1 - t0, "mib": hwm, **info}))
"""

# the whole-command baseline: a process that imports python-calamine and reads the file, nothing else
CALAMINE_ONLY = ("import sys, python_calamine as pc; wb = pc.CalamineWorkbook.from_path(sys.argv[1]); "
                 "[wb.get_sheet_by_name(s).to_python() for s in wb.sheet_names]")


def build(path: Path, rows: int, formulas: bool) -> Path:
    """A schedule workbook whose sheet ends at row ``rows`` (title, a blank row, the header, the terms)."""
    from audit_corpus import Sheet, reference_schedule, schedule_block, write_xlsx

    from xlkopi.dates import edate

    # A long, low-rate monthly schedule (the lease engine caps terms at 1,200 periods,
    # so the reference implementation of the same convention builds it). 100,000 months
    # run past year 9999, so the first 1,000 rows carry dates and the rest leave them blank.
    sched = reference_schedule(100_000_000_00, Fraction(12, 10000), rows - 3, 12, 0, False, None)
    sched = [(t, edate(dt.date(2000, 1, 31), k + 1) if k < 1000 else None, *rest)
             for k, (t, _d, *rest) in enumerate(sched)]
    sheet = Sheet("Ydelsesplan", schedule_block(sched, top=3, formulas=formulas))
    sheet.cells["A1"] = "Ydelsesplan (benchmark)"
    return write_xlsx(path, [sheet])


def workbook(folder: Path, rows: int, formulas: bool) -> Path:
    path = folder / f"plan_{rows}_{'formler' if formulas else 'vaerdier'}.xlsx"
    if not path.exists():
        tmp = path.with_suffix(".tmp.xlsx")
        build(tmp, rows, formulas)
        tmp.replace(path)
    return path


ENV = dict(os.environ)   # the children's environment, set in main()


def _pinned(cpus):
    return None if cpus is None else (lambda: os.sched_setaffinity(0, cpus))


OTHER: Path | None = None   # --other: another checkout whose audit runs beside this one's
SITE: list[str] = []        # with --other: this interpreter's site-packages, for the -S children


def _child(mode: str, path: Path, cpus, root: Path = ROOT) -> dict:
    """One measurement in a fresh process. With --other every child starts without ``site`` (``-S``) and imports
    xlkopi from ``root`` through PYTHONPATH, so that both checkouts run alike (an editable install would
    otherwise answer every ``import xlkopi``)."""
    cmd, env = [sys.executable, "-c", CHILD, mode, str(path)], ENV
    if OTHER is not None:
        cmd.insert(1, "-S")
        env = dict(ENV, PYTHONPATH=os.pathsep.join([str(root), *SITE]))
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env=env, check=True,
                         preexec_fn=_pinned(cpus))
    return json.loads(out.stdout.strip().splitlines()[-1])



def _command(args: list[str], cpus) -> float:
    """Wall time of a whole process, from before it is started to after it has exited."""
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                   env=ENV, preexec_fn=_pinned(cpus))
    return time.perf_counter() - t


def best_of(repeat: int, runs: dict) -> dict:
    """``runs``: label -> a function returning a result with ``seconds`` (or a float). Alternating, best of each."""
    best: dict = {}
    for _ in range(repeat):
        for label, run in runs.items():
            res = run()
            res = res if isinstance(res, dict) else {"seconds": res}
            if label not in best or res["seconds"] < best[label]["seconds"]:
                best[label] = res
    return best


def _x(a: float, b: float) -> str:
    return f"{a / b:5.2f}x"


def measure_size(path: Path, rows: int, label: str, repeat: int, cpus) -> None:
    runs = {
        "calamine": lambda: _child("calamine", path, cpus),
        "audit": lambda: _child("audit", path, cpus),
        "calamine process": lambda: _command(["-c", CALAMINE_ONLY, str(path)], cpus),
        "command": lambda: _command(["-m", "xlkopi", "audit", str(path)], cpus),
    }
    if OTHER is not None:
        other = OTHER
        runs["other"] = lambda: _child("audit", path, cpus, other)
    best = best_of(repeat, runs)
    base, aud = best["calamine"], best["audit"]
    proc, cmd = best["calamine process"]["seconds"], best["command"]["seconds"]
    if "refused" in aud:
        raise SystemExit(f"{path.name}: the audit refused it: {aud['refused']}")
    print(f"{rows:>9,}  {label:<8}{path.stat().st_size / 2**20:>6.1f}MB  "
          f"{base['seconds']:>7.3f} s {base['mib']:>4.0f}M  {aud['seconds']:>7.3f} s {aud['mib']:>4.0f}M "
          f"{_x(aud['seconds'], base['seconds'])}   {proc:>6.3f} s {cmd:>6.3f} s {_x(cmd, proc)}"
          f"   {aud['formulas']:>7,} formler, {aud['findings']} fund")
    if "other" in best:
        o = best["other"]
        print(f"{'':>9}  {'--other':<8}{'':>8}  {'':>13}  {o['seconds']:>7.3f} s {o['mib']:>4.0f}M "
              f"{_x(o['seconds'], base['seconds'])}   ({OTHER})")


def measure_refusal(big: Path, limit: Path, label: str, repeat: int, cpus) -> None:
    best = best_of(repeat, {
        "calamine": lambda: _child("calamine", limit, cpus),
        "refusal": lambda: _child("audit", big, cpus),
        "calamine process": lambda: _command(["-c", CALAMINE_ONLY, str(limit)], cpus),
        "command": lambda: _command(["-m", "xlkopi", "audit", str(big)], cpus),
    })
    base, ref = best["calamine"], best["refusal"]
    proc, cmd = best["calamine process"]["seconds"], best["command"]["seconds"]
    if "refused" not in ref:
        raise SystemExit(f"{big.name}: the audit did not refuse it")
    print(f"{OVERSIZE:>9,}  {label:<8}{big.stat().st_size / 2**20:>6.1f}MB  "
          f"{base['seconds']:>7.3f} s {base['mib']:>4.0f}M  {ref['seconds']:>7.3f} s {ref['mib']:>4.0f}M "
          f"{_x(ref['seconds'], base['seconds'])}   {proc:>6.3f} s {cmd:>6.3f} s {_x(cmd, proc)}"
          f"   afvist: {ref['refused'][:60]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 300_000],
                    help="sheet sizes (the last row); default 10000 100000 300000")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best is shown")
    ap.add_argument("--cpus", nargs="+", default=["all"],
                    help="CPU sets to run the children on, one after the other: 'all' (this process's) or "
                         "a comma-separated list such as 0 or 0,1")
    ap.add_argument("--dir", type=Path, help="keep the built workbooks here (and reuse them)")
    ap.add_argument("--no-refusal", action="store_true", help="skip the 300,003-row refusal")
    ap.add_argument("--other", type=Path, help="another checkout (e.g. `git worktree add /tmp/old HEAD~1`): its "
                                              "audit is measured in the same run, both without site (-S)")
    args = ap.parse_args()
    if args.other is not None:
        import site

        global OTHER
        OTHER = args.other.resolve()
        SITE[:] = site.getsitepackages()
    with tempfile.TemporaryDirectory() as tmp:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV.update(COLUMNS="120", PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"))
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        kinds = (("værdier", False), ("formler", True))
        files = {(rows, f): workbook(folder, rows, f) for rows in args.rows for _l, f in kinds}
        if not args.no_refusal:
            files.update({(OVERSIZE, f): workbook(folder, OVERSIZE, f) for _l, f in kinds})
            files.update({(300_000, f): workbook(folder, 300_000, f) for _l, f in kinds})
        for spec in args.cpus:
            cpus = None if spec == "all" else {int(c) for c in spec.split(",")}
            shown = sorted(cpus if cpus is not None else os.sched_getaffinity(0))
            print(f"\nCPU'er {','.join(map(str, shown))}; bedste af {args.repeat}; python-calamine og revisionen "
                  "skiftevis, hver i sin egen proces")
            print(f"{'rækker':>9}  {'art':<8}{'fil':>8}  {'calamine':>13}  {'revision':>13} {'forhold':>6}   "
                  f"{'hel kommando: calamine / xlkopi audit':>37}")
            for rows in args.rows:
                for label, formulas in kinds:
                    measure_size(files[(rows, formulas)], rows, label, args.repeat, cpus)
            if not args.no_refusal:
                for label, formulas in kinds:
                    measure_refusal(files[(OVERSIZE, formulas)], files[(300_000, formulas)], label, args.repeat,
                                    cpus)
            if not args.no_refusal:
                print("afvisning: revisionen af 300.003 rækker mod calamines læsning af 300.000; "
                      "mål: forhold <= 1,5x, < 300 MiB ved 300.000 rækker, afvisning < læsning")


if __name__ == "__main__":
    main()

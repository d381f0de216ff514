"""Start-up cost of the ``xlkopi`` command, beside processes that import only what each command needs.

Each line runs a fresh interpreter ``RUNS`` times and reports the median wall time, next to its
baseline measured in the same run:

* ``xlkopi --help`` against an argparse-only process (the floor: an interpreter that builds a parser);
* ``xlkopi <command> --help`` against the same floor;
* ``xlkopi schedule ...`` (the guide's lease, printed) against a process that imports the modules the
  command itself uses (the engine, rich) and does the same work.

Run: ``python3 bench/bench_cli_startup.py``; on one core: ``taskset -c 0 python3 bench/bench_cli_startup.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15

FLOOR = "import argparse; argparse.ArgumentParser(prog='x').parse_args([])"
SCHEDULE_OWN = ("import argparse, decimal; argparse.ArgumentParser().parse_args([]);"
                "from xlkopi.core.vocabulary import read, PRICE;"
                "from xlkopi.core.schedule import lease_schedule; from xlkopi.core.buyout_table import buyout_table;"
                "from rich.table import Table; from rich.console import Console;"
                "s = lease_schedule(100000, '0.051', 5, 4, 0, None); t = Table();"
                "[t.add_row(str(r.term), str(r.payment)) for r in s.rows];"
                " Console(file=open('/dev/null', 'w')).print(t)")


def median_seconds(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    py = sys.executable
    floor = median_seconds([py, "-c", FLOOR])
    own = median_seconds([py, "-c", SCHEDULE_OWN])
    rows = [
        ("xlkopi --help", [py, "-m", "xlkopi", "--help"], floor, "argparse alene"),
        ("xlkopi audit --help", [py, "-m", "xlkopi", "audit", "--help"], floor, "argparse alene"),
        ("xlkopi compare --help", [py, "-m", "xlkopi", "compare", "--help"], floor, "argparse alene"),
        ("xlkopi schedule (vejledningens leasing)", [py, "-m", "xlkopi", "schedule", "--pris", "100.000", "--rente",
                                                     "5,1 %", "--løbetid", "5"], own, "kommandoens egne imports"),
    ]
    print(f"Median af {RUNS} starter pr. linje (sekunder):")
    print(f"  {'argparse alene (gulv)':<42} {floor:6.3f}")
    print(f"  {'schedule: kun kommandoens egne imports':<42} {own:6.3f}")
    for label, argv, base, base_label in rows:
        t = median_seconds(argv)
        print(f"  {label:<42} {t:6.3f}  ({t / base:4.2f}x {base_label})")
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

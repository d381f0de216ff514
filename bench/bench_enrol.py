"""Benchmark: enrolment files per second, XML patching vs an openpyxl baseline.

Run from the repository root::

    python3 bench/bench_enrol.py [--enrolments 1000] [--baseline 30] [--rounds 3] [--dir DIR]

Measured in the same run, on the same machine and template:

* **xlkopi enrol**: :func:`xlkopi.enrol.batch.run` on a synthetic register
  with ``--enrolments`` requested enrolments (250 institutions x 4
  agreements by default, 3 locations each): reading the register, the rules,
  filling the template by patching its sheet XML, the .eml drafts, the
  overview workbook and the atomic writes. The register is written before
  the clock starts.
* **openpyxl baseline**: load the same template with openpyxl, fill the same
  fields (through the defined names) and the locations table, save;
  ``--baseline`` workbooks per round. No e-mail drafts or overview, so it is
  the cheaper job of the two.

The two alternate for ``--rounds`` rounds so that load from other processes
hits both alike; the best and the median of each are printed.

The main figures are enrolments per second (one filled workbook each, the
baseline's unit); xlkopi also writes one .eml per enrolment, so its files per
second are twice that, printed too. The issue's target is a ratio of at
least 25. The script also measures how fast the chosen folder's file system
creates empty files: on a slow disk that, not the generator, is the limit.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlkopi.enrol.batch import GENERATED, default_template, run  # noqa: E402
from xlkopi.enrol.example import register_workbook, synthetic_register, workbook_bytes  # noqa: E402


def openpyxl_fill(template: Path, out: Path, values: dict, rows: list[list[str]]) -> None:
    """The straightforward way: load, write each defined name's cell and the table rows, save."""
    import openpyxl

    wb = openpyxl.load_workbook(template)
    names = {n.casefold(): dn for n, dn in wb.defined_names.items()}
    for key, value in values.items():
        for name, dn in names.items():
            if name == key or name.endswith("." + key):
                for sheet, ref in dn.destinations:
                    cell = wb[sheet][ref.replace("$", "")]
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"
    ws = wb["Skema"]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(row=8 + i, column=1 + j, value=value).data_type = "s"
    ws.tables["Lokationer"].ref = f"A7:E{7 + max(1, len(rows))}"
    wb.save(out)


def _baseline_inputs():
    values = {"aftale": "Testaftale 1", "fase": 9, "institution": "Testkommune", "institutionstype": "Kommune",
              "cvr": "30000003", "ean": "5798000000001", "adresse": "Testvej 1", "kontaktperson": "Kontakt",
              "email": "a@test.example", "telefon": "99999999", "underskriver": "Underskriver",
              "antal_lokationer": 3}
    rows = [[f"Enhed {k}", "5798000000001", "", f"Enhedsvej {k}", "Kontakt"] for k in range(3)]
    return values, rows


def bench_baseline(n: int, tmp: Path, round_no: int) -> float:
    """Enrolment workbooks per second with openpyxl load-fill-save."""
    template = default_template()
    values, rows = _baseline_inputs()
    start = time.perf_counter()
    for i in range(n):
        openpyxl_fill(template, tmp / f"baseline_{round_no}_{i}.xlsx", values, rows)
    return n / (time.perf_counter() - start)


def bench_xlkopi(register: Path, out: Path) -> tuple[float, int]:
    """Enrolments per second for a whole ``xlkopi enrol`` run into an empty folder."""
    start = time.perf_counter()
    report = run(register, out, mail_to="tilmelding@statens-indkob.invalid")
    elapsed = time.perf_counter() - start
    made = report.count(GENERATED)
    assert made == len(report.results), "every synthetic enrolment should be generated"
    return made / elapsed, made


def bench_rerun(register: Path, out: Path) -> float:
    """Enrolments per second for a rerun in which every file is unchanged (nothing is written)."""
    start = time.perf_counter()
    report = run(register, out, mail_to="tilmelding@statens-indkob.invalid")
    elapsed = time.perf_counter() - start
    assert report.files("uændret") == 2 * report.count(GENERATED) + 1
    return report.count(GENERATED) / elapsed


def bench_creates(folder: Path, n: int = 2000, size: int = 12_000, suffix: str = ".xlsx") -> float:
    """New files of ``size`` bytes per second in ``folder`` (plain writes): the file system's floor under any
    generator (bench_enrol_word.py uses it too)."""
    folder.mkdir()
    data = bytes(size)
    start = time.perf_counter()
    for i in range(n):
        (folder / f"f{i}{suffix}").write_bytes(data)
    return n / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tilmeldinger pr. sekund: xlkopi enrol mod openpyxl")
    parser.add_argument("--enrolments", type=int, default=1000, help="requested enrolments (default 1000)")
    parser.add_argument("--baseline", type=int, default=30, help="openpyxl workbooks per round (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each (default 3)")
    parser.add_argument("--dir", default=str(ROOT / "bench"),
                        help="folder for the temporary files (default: bench/ in the repository). File creation "
                             "speed differs a lot between file systems; on some machines /tmp is slow")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="xlkopi-bench-enrol-", dir=args.dir))
    print(f"midlertidig mappe: {tmp}")
    try:
        agreements = 4
        data = synthetic_register(max(1, args.enrolments // agreements), agreements=agreements)
        register = tmp / "register.xlsx"
        register.write_bytes(workbook_bytes(register_workbook(data)))
        values, rows = _baseline_inputs()
        openpyxl_fill(default_template(), tmp / "warmup.xlsx", values, rows)
        base, ours, made = [], [], 0
        for r in range(args.rounds):  # alternate, so that machine load hits both alike
            base.append(bench_baseline(args.baseline, tmp, r))
            speed, made = bench_xlkopi(register, tmp / f"ud{r}")
            ours.append(speed)
        rerun = bench_rerun(register, tmp / "ud0")
        creates = bench_creates(tmp / "tomme")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    best_base, best_ours = max(base), max(ours)
    med_base, med_ours = statistics.median(base), statistics.median(ours)
    files_per = (2 * made + 1) / made  # xlsx + eml per enrolment, plus the overview
    print(f"{'måling':<60}{'bedste':>10}{'median':>10}")
    print(f"{'openpyxl: indlæs, udfyld, gem (' + str(args.baseline) + ' arbejdsbøger/runde), arbejdsbøger/s':<60}"
          f"{best_base:>10.1f}{med_base:>10.1f}")
    print(f"{'xlkopi enrol, ' + str(made) + ' tilmeldinger, tilmeldinger/s (xlsx + eml)':<60}"
          f"{best_ours:>10.1f}{med_ours:>10.1f}")
    print(f"{'xlkopi enrol, filer/s (xlsx + eml + oversigt)':<60}"
          f"{best_ours * files_per:>10.1f}{med_ours * files_per:>10.1f}")
    print(f"{'xlkopi enrol, genkørsel (alle filer uændrede), tilmeldinger/s':<60}{rerun:>10.1f}")
    print(f"{'filsystemet: nye 12 kB-filer/s i mappen (uden beregning)':<60}{creates:>10.1f}")
    print(f"forhold pr. tilmelding (arbejdsbog): bedste {best_ours / best_base:.1f}x, median "
          f"{med_ours / med_base:.1f}x; pr. fil: median {med_ours * files_per / med_base:.1f}x (mål: mindst 25x)")
    if creates < 20 * med_base * 2:
        print(f"NB: at oprette en fil koster her {1000 / creates:.2f} ms, så to nye filer pr. tilmelding alene "
              f"begrænser til {creates / 2:.0f} tilmeldinger/s; prøv --dir på et hurtigere filsystem (fx /dev/shm)")
    return 0 if med_ours / med_base >= 25 else 1


if __name__ == "__main__":
    sys.exit(main())

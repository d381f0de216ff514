"""Benchmark: enrolments with a Word Bilag 7 (.docx + .xlsx + .eml) per second, against python-docx.

Run from the repository root::

    python3 bench/bench_enrol_word.py [--enrolments 1000] [--baseline 30] [--rounds 3] [--dir DIR]

Measured in the same run, on the same machine:

* **xlkopi enrol --bilag7**: :func:`xlkopi.enrol.batch.run` on a synthetic register with ``--enrolments``
  requested enrolments (3 locations each) and the bundled agency-style Bilag 7
  (``bilag7_eksempel.docx``, filled through the labels of its field map): per enrolment the filled
  Bilag 7 (.docx), the filled Skema (.xlsx) and an .eml with both attached, one folder per agreement,
  the overview, atomic writes.
* **python-docx baseline**: load the same Word template with python-docx, fill the same fields
  (the cell right of each label, the text after each line label, one table row per location), save;
  ``--baseline`` documents per round. Only the Word document: no Skema, no e-mail, so the cheaper job.
* **the folder's file-creation rate**: new 30 kB files per second in the same folder, the floor under
  any generator that writes three files per enrolment.

The two alternate for ``--rounds`` rounds, so that load from other processes hits both alike; best and
median are printed. The register is written before the clock starts.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from copy import deepcopy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlkopi.enrol.batch import GENERATED, example_document, run  # noqa: E402
from xlkopi.enrol.example import register_workbook, synthetic_register, workbook_bytes  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_enrol import bench_creates  # noqa: E402 - the file system's floor, measured as bench_enrol measures it

CELL_LABELS = {"Institutionens navn": "Testkommune", "Institutionstype": "Kommune", "CVR-nr.:": "30000003",
               "EAN-nr. (hovedkonto):": "5798000000001", "Adresse:": "Testvej 1", "Kontaktperson:": "Kontakt",
               "E-mail:": "a@test.example", "Telefon:": "99999999", "Dato:": "02-12-2026", "Navn:": "Underskriver",
               "Titel:": "Direktør"}
LINE_LABELS = {"Aftale:": "Testaftale 1", "Fase:": "9", "Antal leveringssteder:": "3"}
ROWS = [[f"Enhed {k}", "5798000000001", "", f"Enhedsvej {k}", "Kontakt"] for k in range(3)]


def python_docx_fill(template: Path, out: Path) -> None:
    """The straightforward way with python-docx: load, find each label, write the value, add rows, save."""
    import docx

    d = docx.Document(str(template))
    for table in d.tables:
        first = [c.text for c in table.rows[0].cells]
        if first[:2] == ["Enhed", "EAN-nummer"]:
            blank = table.rows[1]._tr
            for i, values in enumerate(ROWS):
                row = table.rows[1 + i] if 1 + i < len(table.rows) else None
                if row is None:
                    new = deepcopy(blank)
                    table._tbl.append(new)
                    row = table.rows[-1]
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
            continue
        for row in table.rows:
            label = row.cells[0].text
            if label in CELL_LABELS:
                row.cells[1].text = CELL_LABELS[label]
    for p in d.paragraphs:
        runs = p.runs
        for i, run_ in enumerate(runs[:-1]):
            value = LINE_LABELS.get(run_.text.strip())
            if value is not None:
                runs[i + 1].text = value + "    "
    buffer = io.BytesIO()
    d.save(buffer)
    out.write_bytes(buffer.getvalue())


def bench_baseline(n: int, tmp: Path, round_no: int) -> float:
    """Bilag 7 documents per second with python-docx load-fill-save."""
    template, _ = example_document()
    start = time.perf_counter()
    for i in range(n):
        python_docx_fill(template, tmp / f"baseline_{round_no}_{i}.docx")
    return n / (time.perf_counter() - start)


def bench_xlkopi(register: Path, out: Path) -> tuple[float, int]:
    """Enrolments per second (docx + xlsx + eml each) for a whole run into an empty folder."""
    template, mapping = example_document()
    start = time.perf_counter()
    report = run(register, out, mail_to="tilmelding@statens-indkob.invalid", document=template,
                 document_mapping=mapping)
    elapsed = time.perf_counter() - start
    made = report.count(GENERATED)
    assert made == len(report.results), "every synthetic enrolment should be generated"
    assert all(r.document_name for r in report.results)
    return made / elapsed, made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tilmeldinger med Bilag 7 i Word pr. sekund: xlkopi mod python-docx")
    parser.add_argument("--enrolments", type=int, default=1000, help="requested enrolments (default 1000)")
    parser.add_argument("--baseline", type=int, default=30, help="python-docx documents per round (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each (default 3)")
    parser.add_argument("--dir", default=str(ROOT / "bench"), help="folder for the temporary files")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="xlkopi-bench-word-", dir=args.dir))
    print(f"midlertidig mappe: {tmp}")
    try:
        agreements = 4
        data = synthetic_register(max(1, args.enrolments // agreements), agreements=agreements)
        register = tmp / "register.xlsx"
        register.write_bytes(workbook_bytes(register_workbook(data)))
        python_docx_fill(example_document()[0], tmp / "warmup.docx")
        base, ours, made = [], [], 0
        for r in range(args.rounds):
            base.append(bench_baseline(args.baseline, tmp, r))
            speed, made = bench_xlkopi(register, tmp / f"ud{r}")
            ours.append(speed)
        creates = bench_creates(tmp / "tomme", 3000, 30_000, ".docx")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    best_base, best_ours = max(base), max(ours)
    med_base, med_ours = statistics.median(base), statistics.median(ours)
    print(f"{'måling':<64}{'bedste':>10}{'median':>10}")
    print(f"{'python-docx: indlæs, udfyld, gem (' + str(args.baseline) + ' dokumenter/runde), dokumenter/s':<64}"
          f"{best_base:>10.1f}{med_base:>10.1f}")
    print(f"{'xlkopi enrol --bilag7, ' + str(made) + ' tilmeldinger (docx + xlsx + eml), tilm./s':<64}"
          f"{best_ours:>10.1f}{med_ours:>10.1f}")
    print(f"{'xlkopi enrol --bilag7, filer/s (3 pr. tilmelding + oversigt)':<64}"
          f"{best_ours * 3:>10.1f}{med_ours * 3:>10.1f}")
    print(f"{'filsystemet: nye 30 kB-filer/s i mappen (uden beregning)':<64}{creates:>10.1f}")
    print(f"forhold pr. tilmelding mod python-docx pr. dokument: bedste {best_ours / best_base:.1f}x, median "
          f"{med_ours / med_base:.1f}x; xlkopis filer/s er {med_ours * 3 / creates:.0%} af filsystemets")
    return 0


if __name__ == "__main__":
    sys.exit(main())

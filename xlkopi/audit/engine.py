"""Run every audit rule over one workbook."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbookError
from ..io.a1 import cell_ref
from ..io.fingerprint import GENERATOR_PROPERTY, PROPERTY, fingerprint_of
from ..io.package import read_once
from . import formulas as formula_rules
from . import lease, terms
from .budget import TOKEN_WEIGHT, Budget
from .findings import ADVARSEL, FEJL, INFO, SEVERITIES, Finding
from .r1c1 import FormTable
from .reader import WorkbookData, Worker, no_gc, read_workbook

# Rules about style rather than correctness: informational in a workbook whose
# formulas are exactly as xlkopi generated them (fingerprint matches).
STYLE_RULES = ("hardkodet_tal",)


@dataclass
class AuditResult:
    """The findings of one audit and what was looked at."""

    path: Path
    sha256: str
    findings: list[Finding] = field(default_factory=list)
    sheets: int = 0
    formulas: int = 0
    tables: int = 0
    seconds: float = 0.0
    recalculated: bool = False

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def exit_code(self) -> int:
        """0: nothing at advarsel level or above; 1: something was found."""
        return 1 if any(f.severity in (FEJL, ADVARSEL) for f in self.findings) else 0

    def by_rule(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for f in self.findings:
            out.setdefault(f.rule, {s: 0 for s in SEVERITIES})[f.severity] += 1
        return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]+)$")


def resolve_names(data: WorkbookData) -> list[tuple[str, object, str, str]]:
    """Defined names that point at one cell, as ``(name, value, sheet, cell)``."""
    from ..io.a1 import col_index

    out = []
    for name, ref, _local, _hidden in data.defined_names:
        if name.startswith("_xlnm."):
            continue
        m = _REF.match(ref.strip())
        if not m:
            continue
        sheet_name = (m.group(1) or "").replace("''", "'") or m.group(2)
        sheet = data.sheet(sheet_name)
        if sheet is None:
            continue
        row, col = int(m.group(4)), col_index(m.group(3))
        out.append((name, sheet.value(row, col), sheet.name, f"{m.group(3)}{row}"))
    return out


# A sheet this long takes python-calamine longer to read than numpy takes to import (about 40 ms), so numpy is
# imported while the values are read (on a second core at no cost); the lease checks of any table there need it.
# A shorter sheet loads numpy only once a table or a formula needs it.
WARM_NUMPY_ROWS = 10_000


def audit_workbook(path, *, recalc: bool = False, timeout: float = 300, on_idle=None) -> AuditResult:
    """Audit ``path``; raises WorkbookError/UntrustedFileError when it cannot be audited.

    The file is only read. With ``recalc`` a copy is recalculated by
    LibreOffice headless in a temporary folder. ``on_idle()`` is called
    while python-calamine reads the values (see :func:`~.reader.read_workbook`).
    """
    with no_gc():
        return _audit(path, recalc, timeout, on_idle)


@dataclass
class _Run:
    """What the steps of one audit share: the workbook as read, the result they fill in, the budget."""

    data: WorkbookData
    result: AuditResult
    budget: Budget                                    # the workbook's formula budget, shared by every sheet
    form_checks: dict[str, formula_rules.FormChecks]  # per sheet, built while python-calamine read the values
    recalc: bool
    timeout: float
    table_rows: dict[str, set] = field(default_factory=dict)   # per sheet: the rows its lease tables cover

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings


def _audit(path, recalc: bool, timeout: float, on_idle=None) -> AuditResult:
    t0 = time.perf_counter()
    run = _read(Path(path), recalc, timeout, on_idle)
    for step in _STEPS:
        step(run)
    run.result.seconds = time.perf_counter() - t0
    return run.result


def _read(path: Path, recalc: bool, timeout: float, on_idle=None) -> _Run:
    """Read the file once: hashed, parsed, and each sheet's formula checks begun as its formulas are scanned."""
    form_checks: dict[str, formula_rules.FormChecks] = {}
    budget = Budget()   # one for the workbook: long formulas cost seconds, not minutes
    longest = [0]

    def forms(sheet) -> None:   # runs while python-calamine reads the values
        scan = sheet.scan
        longest[0] = max(longest[0], scan.max_row)
        table = FormTable(scan.plain_cols, scan.plain_rows, scan.plain_texts,
                          scan.shared, scan.shared_master, budget=budget)
        form_checks[sheet.name] = formula_rules.FormChecks(sheet.name, table, scan.errors)

    def idle() -> None:   # runs while python-calamine reads the values, once every sheet's formulas are in
        if longest[0] >= WARM_NUMPY_ROWS:
            import numpy  # noqa: F401 - imported now, used by the lease checks
        if on_idle is not None:
            on_idle()

    source = read_once(path)   # read once: the hash, the checks and every parser see these bytes
    digest = Worker("xlkopi-sha256", _sha256, source.data)   # hashlib releases the GIL: hashed while the file is read
    try:
        data = read_workbook(source, on_formulas=forms, on_idle=idle)
        result = AuditResult(path, digest.result())
    finally:
        digest.join()
    result.sheets = len(data.sheets)
    return _Run(data, result, budget, form_checks, recalc, timeout)


def _workbook_parts(run: _Run) -> None:
    """Macros and external links in the package."""
    data, findings = run.data, run.findings
    if data.macros:
        findings.append(Finding(None, None, "makroer", ADVARSEL,
                                f"Filen indeholder makroer ({', '.join(data.macros)}); de er ikke kørt og ikke "
                                "gennemgået. Åbn kun filen med makroer slået fra, hvis afsenderen ikke er kendt",
                                "ingen makroer", ", ".join(data.macros)))
    if data.external_links:
        findings.append(Finding(None, None, "eksterne_links", ADVARSEL,
                                f"Filen henter værdier fra {len(data.external_links)} andre projektmapper "
                                "(eksterne kæder); værdierne kan være forældede",
                                "ingen eksterne kæder", str(len(data.external_links))))


def _sheets(run: _Run) -> None:
    """Per sheet, in the workbook's order: its visibility, then (scanned sheets) its lease tables and formulas."""
    for sheet in run.data.sheets:
        _sheet_state(run, sheet)
        if sheet.scan is None:
            continue
        _lease_tables(run, sheet)
        _formulas(run, sheet)


def _sheet_state(run: _Run, sheet) -> None:
    """A hidden or very hidden sheet."""
    if sheet.state == "hidden":
        run.findings.append(Finding(sheet.name, None, "skjult_ark", INFO,
                                    f"Arket '{sheet.name}' er skjult", "synligt", "skjult"))
    elif sheet.state == "veryHidden":
        run.findings.append(Finding(sheet.name, None, "meget_skjult_ark", ADVARSEL,
                                    f"Arket '{sheet.name}' er meget skjult (kan kun vises med VBA eller ved at "
                                    "rette filen); gennemgå dets indhold", "synligt", "meget skjult"))


def _lease_tables(run: _Run, sheet) -> None:
    """The sheet's schedules recomputed (with the residual value its labels give, if one); their rows noted."""
    offers = terms.offers_from_labels(sheet.name, sheet.rows[:200])
    residuals = {o.values["residual"][0] for o in offers if "residual" in o.values}
    known = None
    if len(residuals) == 1:
        v = next(iter(residuals))
        known = float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    tables, lease_findings = lease.audit_lease_tables(sheet.name, sheet.rows, known)
    run.result.tables += len(tables)
    run.findings.extend(lease_findings)
    skip: set[int] = set()
    for t in tables:
        # the label search looks at the first rows only (terms.offers_from_labels' max_rows)
        skip.update(range(t.header_row, min(t.last_row + 2, terms.LABEL_ROWS + 1)))
    run.table_rows[sheet.name] = skip


def _formulas(run: _Run, sheet) -> None:
    """The sheet's formula checks finished with its values."""
    checks = run.form_checks[sheet.name]
    run.result.formulas += len(checks.table)
    run.findings.extend(checks.finish(sheet.rows, sheet.scan.text_cells))


def _red_flags(run: _Run) -> None:
    """Red flags: an xlkopi comparison recomputed, other defined names, labelled cells otherwise."""
    data, findings = run.data, run.findings
    resolved = resolve_names(data)
    recomputed = None
    if resolved:   # a comparison workbook is known by its defined names: without any, its modules are not loaded
        from . import comparison

        recomputed = comparison.comparison_flags(resolved)
    done: set[str] = set()
    if recomputed is not None:
        found, done = recomputed
        findings.extend(found)
    offers = [o for o in terms.offers_from_names(resolved) if o.key.upper() not in done]
    if offers:
        findings.extend(terms.flag_findings(offers, "definerede navne"))
    elif recomputed is None:
        for sheet in data.sheets:
            if sheet.scan is None:
                continue
            labelled = terms.offers_from_labels(sheet.name, sheet.rows, run.table_rows.get(sheet.name))
            findings.extend(terms.flag_findings(labelled, f"etiketter i arket '{sheet.name}'"))


def _fingerprint(run: _Run) -> None:
    """The fingerprint of an xlkopi-generated workbook, checked within the budget.

    When it matches, the :data:`STYLE_RULES` findings so far become information.
    """
    data, result, findings = run.data, run.result, run.findings
    stored = data.custom_props.get(PROPERTY)
    # shared-formula children are translated from their master one by one (openpyxl's Translator)
    cost = sum(len(s.scan.shared_master[si][2]) for s in data.sheets if s.scan is not None
               for si in s.scan.shared.values() if si in s.scan.shared_master) if stored else 0
    if stored and not run.budget.take(cost * TOKEN_WEIGHT):
        findings.append(Finding(None, None, "begraenset", INFO,
                                "Fingeraftrykket (xlkopi_fingerprint) er ikke efterprøvet: de delte formler er for "
                                "mange eller for lange til grænsen for formelgennemgang",
                                "fingeraftryk efterprøvet", "ikke efterprøvet"))
        stored = None
    if not stored:
        return
    actual = fingerprint_of(_fingerprint_entries(data))
    generator = data.custom_props.get(GENERATOR_PROPERTY, "xlkopi")
    if actual != stored.strip():
        findings.append(Finding(None, None, "fingeraftryk", ADVARSEL,
                                f"Formlerne er ændret, siden {generator} genererede projektmappen "
                                "(fingeraftrykket passer ikke)", stored.strip()[:16] + "…", actual[:16] + "…"))
    else:
        findings.append(Finding(None, None, "fingeraftryk_ok", INFO,
                                f"Formlerne er uændrede, siden {generator} genererede projektmappen",
                                stored.strip()[:16] + "…", actual[:16] + "…"))
        # The numbers in xlkopi's own formulas (counts, flags, the month-24 rule, IRR's guess) are the
        # generator's, unchanged: not findings. The other style rules stay, for the record.
        result.findings[:] = [
            Finding(f.sheet, f.cell, f.rule, INFO, f.message + " (genereret af xlkopi, formlerne er uændrede)",
                    f.expected, f.found, f.amount) if f.rule in STYLE_RULES and f.severity == ADVARSEL else f
            for f in result.findings if f.rule != "hardkodet_tal"]


def _fingerprint_entries(data: WorkbookData) -> list[tuple[str, str, str]]:
    """``(sheet, cell, formula)`` of every formula, in the order the fingerprint is computed in."""
    entries = []
    for sheet in data.sheets:
        if sheet.scan is None:
            continue
        for (r, c) in sheet.scan.formula_cells():
            text = sheet.scan.formula_at(r, c)
            if text is not None:
                entries.append((sheet.name, cell_ref(r, c), text))
    return entries


def _recalculation(run: _Run) -> None:
    """With ``--recalc``: cached values against LibreOffice's recalculation of a copy."""
    if run.recalc:
        run.findings.extend(_recalc(run.data, run.timeout))
        run.result.recalculated = True


_STEPS = (_workbook_parts, _sheets, _red_flags, _fingerprint, _recalculation)
"""The steps of :func:`_audit` after reading, in order; each appends its findings to the shared :class:`_Run`."""


def _recalc(data: WorkbookData, timeout: float) -> list[Finding]:
    import tempfile

    from ..io.libreoffice import find_soffice, recalculate
    from . import stale

    if find_soffice() is None:
        return [Finding(None, None, "kan_ikke_efterproeves", INFO,
                        "LibreOffice er ikke installeret; --recalc er sprunget over", "LibreOffice", "mangler")]
    # A workbook with macros is recalculated too: LibreOffice's private profile has macros disabled
    # (io/libreoffice.py), so nothing in it runs.
    out: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="xlkopi-audit-") as tmp_name:
        tmp = Path(tmp_name)
        copy = tmp / "kopi" / ("revision" + data.path.suffix.lower())
        copy.parent.mkdir()
        # the audited bytes, not whatever the path holds now (data built without them: the path)
        copy.write_bytes(data.source.data if data.source is not None else Path(data.path).read_bytes())
        try:
            new = recalculate(copy, tmp / "genberegnet", timeout=timeout)
        except WorkbookError as exc:
            return [Finding(None, None, "kan_ikke_efterproeves", INFO,
                            f"Genberegningen i LibreOffice mislykkedes: {exc}", "", "")]
        try:
            again = read_workbook(new)
        except WorkbookError as exc:
            return [Finding(None, None, "kan_ikke_efterproeves", INFO,
                            f"LibreOffices genberegnede kopi kan ikke læses: {exc}", "", "")]
    recalculated = {s.name: s for s in again.sheets if s.scan is not None}
    for sheet in data.sheets:
        if sheet.scan is None or sheet.name not in recalculated:
            continue
        other = recalculated[sheet.name]
        assert other.scan is not None   # recalculated holds only scanned sheets
        formulas = {}
        for (r, c) in sheet.scan.formula_cells():
            formulas[(r, c)] = sheet.scan.formula_at(r, c) or ""
        if formulas:
            out.extend(stale.compare(sheet.name, formulas, sheet.rows, other.rows,
                                     sheet.scan.errors, other.scan.errors))
    return out

"""Run an enrolment batch: read, plan, fill, write the files and the overview.

:func:`run` is the library entry point behind ``xlkopi enrol``. Inputs that
cannot be read (register, ``--template``, ``--mapping``, recipient) raise an
:class:`~xlkopi.errors.XlkopiError`; a bad row or a file that may not be
overwritten only fails its own enrolment, and the others are still written.

Files are written atomically, and a file whose bytes would not change is
left alone, so a rerun with the same inputs touches nothing.
"""

from __future__ import annotations

import stat
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, cast

from ..core.vocabulary import clean_text
from ..errors import ArgumentError, WorkbookError, XlkopiError
from ..io.atomic import OutputExistsError, batch, check_not_input, write_bytes_atomic
from .eml import body_for, build_eml, subject_for
from .model import Agreement, Institution
from .names import unique_stem
from .overview import overview_bytes
from .plan import FAILED, GENERATED, SKIPPED, Planned, plan
from .register import ColumnMap, read_register
from .template import Template
from .validate import email_problem

OVERVIEW_NAME = "Oversigt.xlsx"
WRITTEN, UNCHANGED, OVERWRITTEN = "skrevet", "uændret", "overskrevet"


def data_path(name: str) -> Path:
    """Path of a bundled file in ``xlkopi/data/enrol``."""
    return Path(str(resources.files("xlkopi") / "data" / "enrol" / name))


def default_template() -> Path:
    """The bundled default template (a copy of ``workbooks/bilag7_skema.xlsx``)."""
    return data_path("bilag7_skema.xlsx")


def default_recipient() -> str:
    """The recipient address from ``xlkopi/data/enrol/indstillinger.toml`` (key ``modtager``)."""
    with open(data_path("indstillinger.toml"), "rb") as fh:
        return str(tomllib.load(fh)["modtager"])


@dataclass
class Result:
    """The outcome of one requested enrolment (a row of the overview)."""

    number: int
    institution: str
    agreement: str
    phase: int | None
    status: str
    reason: str
    source: str
    warnings: list[str] = field(default_factory=list)
    workbook_name: str = ""
    eml_name: str = ""
    file_states: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything a front end needs to show a run."""

    results: list[Result]
    findings: list
    out_dir: Path
    overview: Path
    overview_state: str
    overview_problem: str = ""

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def files(self, state: str) -> int:
        return sum(s == state for r in self.results for s in r.file_states) + (self.overview_state == state)

    @property
    def exit_code(self) -> int:
        """0 all generated or validly skipped, 1 any failed (or the overview could not be written)."""
        return 1 if self.count(FAILED) or self.overview_problem else 0


def write_if_changed(path: Path, data: bytes, force: bool, inputs: tuple = ()) -> str:
    """Write ``data`` atomically unless the file already holds exactly these bytes.

    Returns ``"skrevet"``, ``"uændret"`` or ``"overskrevet"``; a differing
    existing file raises :class:`OutputExistsError` unless ``force``, and
    one of the run's ``inputs`` is never written, with or without ``force``.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        write_bytes_atomic(path, data)
        return WRITTEN
    check_not_input(path, *inputs)
    if not stat.S_ISREG(st.st_mode):
        raise WorkbookError(f"'{path}' findes allerede og er ikke en almindelig fil (fx en mappe); "
                            "den kan ikke overskrives")
    if st.st_size == len(data) and path.read_bytes() == data:
        return UNCHANGED
    if not force:
        raise OutputExistsError(path)
    write_bytes_atomic(path, data, overwrite=True)
    return OVERWRITTEN
    write_bytes_atomic(path, data)
    return WRITTEN


class _Templates:
    """Compiled templates by (template, mapping), so each is compiled once per run."""

    def __init__(self, base: Path, template: Path | None, mapping: Path | None):
        self.base = base
        self.default = (template or default_template(), mapping)
        self.cache: dict[tuple, Template] = {}
        self.get(*self.default)  # a broken --template is an input error (exit 2)

    def get(self, template: Path, mapping: Path | None) -> Template:
        key = (str(template), str(mapping))
        if key not in self.cache:
            self.cache[key] = Template.load(template, mapping)
        return self.cache[key]

    def for_agreement(self, agr: Agreement) -> Template:
        if agr.template:
            tpl = self.base / agr.template
            mapping = self.base / agr.mapping if agr.mapping else None
            return self.get(tpl, mapping)
        return self.get(*self.default)


def _values(p: Planned) -> tuple[dict, list[dict]]:
    # only a GENERATED plan is filled, and plan() sets both before it marks one GENERATED
    inst, agr = cast(Institution, p.institution), cast(Agreement, p.agreement)
    rows = [{"enhed": loc.unit, "ean": loc.ean, "p_nummer": loc.p_number, "leveringsadresse": loc.address,
             "kontaktperson": loc.contact} for loc in p.locations]
    if not rows:
        rows = [{"enhed": inst.name, "ean": inst.ean, "p_nummer": "", "leveringsadresse": inst.address,
                 "kontaktperson": inst.contact}]
    values = {"aftale": agr.name, "fase": agr.phase, "institution": inst.name,
              "institutionstype": p.institution_type, "cvr": inst.cvr, "ean": inst.ean,
              "adresse": inst.address, "kontaktperson": inst.contact, "email": inst.email, "telefon": inst.phone,
              "underskriver": inst.signatory, "dato": p.date, "antal_lokationer": len(rows)}
    return values, rows


def run(register: str | Path, out_dir: str | Path, *, template: str | Path | None = None,
        mapping: str | Path | None = None, mail_to: str | None = None, force: bool = False,
        all_eligible: bool = False, columns: str | Path | None = None,
        progress: Callable[[Result], None] | None = None,
        on_plan: Callable[[int], None] | None = None) -> Report:
    """Generate the enrolment workbooks, e-mail drafts and overview for ``register`` into ``out_dir``.

    ``progress`` is called after each requested enrolment, ``on_plan`` once
    with their number. Raises :class:`~xlkopi.errors.XlkopiError` when the
    inputs cannot be read.
    """
    register = Path(register)
    out_dir = Path(out_dir)
    inputs = tuple(p for p in (register, template, mapping, columns) if p)
    if register.is_dir():
        inputs += tuple(register.glob("*.csv"))
    recipient = _recipient(mail_to)
    reg = read_register(register, ColumnMap.load(columns), need_requests=not all_eligible)
    base = register if register.is_dir() else register.parent
    templates = _Templates(base, Path(template) if template else None, Path(mapping) if mapping else None)
    planned = plan(reg, all_eligible)
    if on_plan:
        on_plan(len(planned))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbookError(f"Mappen '{out_dir}' kan ikke oprettes: {exc.strerror}") from None
    report: Report | None = None
    try:
        with batch():   # every file flushed in one go, renamed when all are written
            used: set[str] = {OVERVIEW_NAME.casefold()}
            results = []
            for p in planned:
                res = Result(p.number, p.institution_name, p.agreement_name,
                             p.agreement.phase if p.agreement else None, p.status, p.reason, p.source, list(p.warnings))
                results.append(res)
                if p.status == GENERATED:
                    try:
                        _generate(p, res, templates, recipient, out_dir, used, force, inputs)
                    except XlkopiError as exc:
                        res.status, res.reason = FAILED, str(exc)
                    except OSError as exc:  # disk full, no permission, a folder in the way ...
                        res.status, res.reason = FAILED, _os_message(exc)
                    except Exception as exc:  # noqa: BLE001 - one enrolment never stops the batch
                        res.status, res.reason = FAILED, _unexpected_message(exc)
                        if not res.file_states:  # nothing written: no file to point to
                            res.workbook_name = res.eml_name = ""
                if progress:
                    progress(res)
            overview = out_dir / OVERVIEW_NAME
            report = Report(results, reg.all_findings(), out_dir, overview, "")
            try:
                report.overview_state = write_if_changed(overview, overview_bytes(results, report.findings), force,
                                                         inputs)
            except XlkopiError as exc:
                report.overview_problem = str(exc)
            except OSError as exc:
                report.overview_problem = _os_message(exc)
            except Exception as exc:  # noqa: BLE001 - the report of the enrolments already made is still returned
                report.overview_problem = _unexpected_message(exc)
    except XlkopiError as exc:   # the final flush or a rename failed: say so, with the report
        if report is None:
            raise
        report.overview_problem = f"Filerne kunne ikke alle gemmes: {exc}"
    return report


def _recipient(mail_to: str | None) -> str:
    """The recipient address (``--mail-to`` or ``modtager`` in indstillinger.toml), checked like the register's."""
    given = mail_to is not None
    recipient = clean_text(mail_to if given else default_recipient())
    problem = email_problem(recipient)
    if problem:
        where = "--mail-to" if given else "modtager (indstillinger.toml)"
        raise ArgumentError(where, f"skal være en gyldig e-mailadresse: {problem}")
    return recipient


def _os_message(exc: OSError) -> str:
    where = f" '{exc.filename}'" if exc.filename else ""
    return f"Filen{where} kunne ikke skrives: {exc.strerror or exc}"


def _unexpected_message(exc: Exception) -> str:
    """A Danish reason for a failure nobody foresaw (a bug): the row is reported, the batch goes on."""
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return (f"Tilmeldingen kunne ikke laves på grund af en uventet fejl ({detail}); de andre tilmeldinger "
            "er lavet. Ret rækken, eller kontakt den, der vedligeholder xlkopi.")


def _generate(p: Planned, res: Result, templates: _Templates, recipient: str, out_dir: Path,
              used: set[str], force: bool, inputs: tuple = ()) -> None:
    # only a GENERATED plan is generated, and plan() sets both before it marks one GENERATED
    inst, agr = cast(Institution, p.institution), cast(Agreement, p.agreement)
    template = templates.for_agreement(agr)
    values, rows = _values(p)
    xlsx = template.fill(values, rows)
    name = unique_stem(f"{subject_for(agr.name)} - {inst.name}", used, (".xlsx", ".eml"))
    res.workbook_name, res.eml_name = f"{name}.xlsx", f"{name}.eml"
    eml = build_eml(to=recipient, subject=subject_for(agr.name),
                    body=body_for(inst.name, inst.cvr, agr.name, agr.phase, len(rows), inst.contact, inst.email,
                                  inst.phone),
                    attachment=xlsx, filename=res.workbook_name, sender=inst.email,
                    sender_name=f"{inst.contact}, {inst.name}")
    res.file_states.append(write_if_changed(out_dir / res.workbook_name, xlsx, force, inputs))
    res.file_states.append(write_if_changed(out_dir / res.eml_name, eml, force, inputs))


__all__ = ["run", "Report", "Result", "write_if_changed", "default_template", "default_recipient",
           "GENERATED", "SKIPPED", "FAILED"]

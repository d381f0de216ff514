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
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, cast

from ..core.vocabulary import clean_text, format_date
from ..errors import ArgumentError, WorkbookError, XlkopiError
from ..io.atomic import OutputExistsError, batch, check_not_input, write_bytes_atomic
from .eml import DOCX_TYPE, Attachment, body_for, build_eml, login_body_for, login_subject_for, subject_for
from .model import Agreement, Institution
from .names import safe_filename, unique_stem
from .overview import overview_bytes
from .plan import FAILED, GENERATED, SKIPPED, Planned, plan
from .register import ColumnMap, read_register
from .template import Template
from .validate import email_problem

if TYPE_CHECKING:
    from .wordtemplate import WordTemplate

OVERVIEW_NAME = "Oversigt.xlsx"
WRITTEN, UNCHANGED, OVERWRITTEN = "skrevet", "uændret", "overskrevet"


def data_path(name: str) -> Path:
    """Path of a bundled file in ``xlkopi/data/enrol``."""
    return Path(str(resources.files("xlkopi") / "data" / "enrol" / name))


def default_template() -> Path:
    """The bundled default template (a copy of ``workbooks/bilag7_skema.xlsx``)."""
    return data_path("bilag7_skema.xlsx")


def example_document() -> tuple[Path, Path]:
    """The bundled fictitious Word Bilag 7 in the agency's style and its field map (the demo uses them)."""
    return data_path("bilag7_eksempel.docx"), data_path("bilag7_feltkort.toml")


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
    # the generated files, as paths relative to the output folder with "/" ("Aftale (fase 9)/Tilmelding ....xlsx")
    workbook_name: str = ""     # the filled Skema (.xlsx)
    eml_name: str = ""          # the e-mail draft with both attached
    document_name: str = ""     # the filled Bilag 7 (.docx); "" when the agreement has no Word Bilag 7
    pdf_name: str = ""          # the Bilag 7 as PDF for signing (--pdf)
    login_name: str = ""        # the draft asking for a log-in, made once the enrolment is confirmed
    signature: str = ""         # what signing still needs, e.g. "Underskrives af Bo Borgmester (Borgmester)"
    signature_ready: bool = False  # name, title and date are filled: only the signature itself is missing
    followup: Any = None        # the follow-up dates the user typed into the previous Oversigt (followup.FollowUp)
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


def _is_word(path: Path) -> bool:
    return path.suffix.lower() in (".docx", ".dotx", ".docm")


class _Templates:
    """Compiled templates by (template, mapping), so each is compiled once per run.

    Per agreement a Skema (.xlsx) and, when the agreement or ``--bilag7`` names one, a Bilag 7 in Word
    (.docx). A .docx in the Aftaler sheet's Skabelon column is taken as the Bilag 7, with its Feltkort.
    """

    def __init__(self, base: Path, template: Path | None, mapping: Path | None,
                 document: Path | None = None, document_mapping: Path | None = None):
        self.base = base
        self.default = (template or default_template(), mapping)
        self.default_document = (document, document_mapping) if document else None
        # compiled templates, or the error compiling one gave (python-docx is imported only for a Word template)
        self.cache: dict[tuple, Template | XlkopiError] = {}
        self.documents: dict[tuple, WordTemplate | XlkopiError] = {}
        self.get(*self.default)  # a broken --template or --bilag7 is an input error (exit 2)
        if self.default_document:
            self.document(*self.default_document)

    def get(self, template: Path, mapping: Path | None) -> Template:
        return self._compiled(self.cache, Template.load, template, mapping)

    def document(self, template: Path, mapping: Path | None):
        from .wordtemplate import WordTemplate

        return self._compiled(self.documents, WordTemplate.load, template, mapping)

    @staticmethod
    def _compiled(cache: dict, load, template: Path, mapping: Path | None):
        """The compiled template, compiled once: a template that cannot be compiled fails once, and every
        enrolment that uses it gets the same error without compiling it again."""
        key = (str(template), str(mapping))
        if key not in cache:
            try:
                cache[key] = load(template, mapping)
            except XlkopiError as exc:
                cache[key] = exc
        found = cache[key]
        if isinstance(found, XlkopiError):
            raise found
        return found

    def for_agreement(self, agr: Agreement) -> Template:
        if agr.template and not _is_word(Path(agr.template)):
            tpl = self.base / agr.template
            mapping = self.base / agr.mapping if agr.mapping else None
            return self.get(tpl, mapping)
        return self.get(*self.default)

    def document_for(self, agr: Agreement):
        """The agreement's Bilag 7 in Word (a compiled WordTemplate), or None when it has none."""
        if agr.document:
            mapping = self.base / agr.document_mapping if agr.document_mapping else None
            return self.document(self.base / agr.document, mapping)
        if agr.template and _is_word(Path(agr.template)):
            mapping = self.base / agr.mapping if agr.mapping else None
            return self.document(self.base / agr.template, mapping)
        if self.default_document:
            return self.document(*self.default_document)
        return None


class _Folders:
    """One folder per agreement (and phase) in the output folder, and the names taken in each."""

    def __init__(self):
        self.by_agreement: dict[int, str] = {}
        self.taken: set[str] = {OVERVIEW_NAME.casefold()}   # no agreement's folder in the overview's place
        self.used: dict[str, set[str]] = {}

    def of(self, agr: Agreement) -> str:
        key = id(agr)
        if key not in self.by_agreement:
            phase = "" if agr.phase is None else f" (fase {agr.phase})"   # kept when a long name is cut
            n = 1
            while (name := safe_filename(agr.name, max_length=60 - len(phase), copy=n) + phase).casefold() \
                    in self.taken:
                n += 1
            self.taken.add(name.casefold())
            self.by_agreement[key] = name
            self.used[name] = set()
        return self.by_agreement[key]


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
              "underskriver": inst.signatory, "titel": inst.signatory_title, "dato": p.date,
              "antal_lokationer": len(rows)}
    return values, rows


def signature_state(inst: Institution, when) -> tuple[str, bool]:
    """What signing the Bilag 7 still needs (Danish), and whether name, title and date are all filled.

    >>> from datetime import date
    >>> signature_state(Institution(signatory="Bo Borgmester", signatory_title="Borgmester"), date(2026, 12, 2))
    ('Klar til underskrift af Bo Borgmester (Borgmester), dateret 02-12-2026', True)
    >>> signature_state(Institution(signatory="Bo Borgmester"), None)
    ('Skal underskrives af Bo Borgmester; mangler i registret: titel, dato', False)
    """
    missing = [what for what, value in (("underskriver", inst.signatory), ("titel", inst.signatory_title),
                                        ("dato", when)) if not value]
    if not missing:
        return (f"Klar til underskrift af {inst.signatory} ({inst.signatory_title}), dateret "
                f"{format_date(when)}", True)
    who = f" af {inst.signatory}" if inst.signatory else ""
    return f"Skal underskrives{who}; mangler i registret: {', '.join(missing)}", False


def run(register: str | Path, out_dir: str | Path, *, template: str | Path | None = None,
        mapping: str | Path | None = None, mail_to: str | None = None, force: bool = False,
        all_eligible: bool = False, columns: str | Path | None = None,
        document: str | Path | None = None, document_mapping: str | Path | None = None,
        party_list: str | Path | None = None, pdf: bool = False,
        progress: Callable[[Result], None] | None = None,
        on_plan: Callable[[int], None] | None = None) -> Report:
    """Generate the enrolment workbooks, Word documents, e-mail drafts and overview for ``register`` into
    ``out_dir`` (one folder per agreement; the overview at the top).

    ``document`` is a Bilag 7 in Word for agreements that name none (``--bilag7``), ``party_list`` the
    agency's published list of parties (``--parter``), ``pdf`` makes a PDF of each Bilag 7 for signing.
    ``progress`` is called after each requested enrolment, ``on_plan`` once with their number. Raises
    :class:`~xlkopi.errors.XlkopiError` when the inputs cannot be read.
    """
    from .followup import Previous, followup_key, read_followup

    register = Path(register)
    out_dir = Path(out_dir)
    inputs = tuple(Path(p) for p in (register, template, mapping, columns, document, document_mapping, party_list)
                   if p)
    if register.is_dir():
        inputs += tuple(register.glob("*.csv"))
    recipient = _recipient(mail_to)
    cmap = ColumnMap.load(columns)
    reg = read_register(register, cmap, need_requests=not all_eligible)
    if party_list:
        from .partylist import read_party_list

        members, found = read_party_list(Path(party_list), cmap, reg.institutions, reg.agreements)
        reg.memberships.extend(members)
        reg.findings.extend(found)
    base = register if register.is_dir() else register.parent
    templates = _Templates(base, Path(template) if template else None, Path(mapping) if mapping else None,
                           Path(document) if document else None, Path(document_mapping) if document_mapping else None)
    planned = plan(reg, all_eligible)
    if on_plan:
        on_plan(len(planned))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbookError(f"Mappen '{out_dir}' kan ikke oprettes: {exc.strerror}") from None
    overview = out_dir / OVERVIEW_NAME
    try:
        previous = read_followup(overview)
    except XlkopiError as exc:  # an overview we cannot read is not carried over, and not overwritten either
        previous = Previous()
        previous.exists, overview_unreadable = True, str(exc)
    else:
        overview_unreadable = ""
    report: Report | None = None
    made: list[tuple[Result, bytes]] = []   # the Bilag 7 documents of this run, for --pdf
    try:
        with batch():   # every file flushed in one go, renamed when all are written
            folders = _Folders()
            results = []
            for p in planned:
                res = Result(p.number, p.institution_name, p.agreement_name,
                             p.agreement.phase if p.agreement else None, p.status, p.reason, p.source, list(p.warnings))
                res.followup = previous.by_key.get(followup_key(res.institution, res.agreement, res.phase))
                results.append(res)
                if p.status == GENERATED:
                    try:
                        docx = _generate(p, res, templates, recipient, out_dir, folders, force, inputs)
                        if docx is not None:
                            made.append((res, docx))
                    except XlkopiError as exc:
                        res.status, res.reason = FAILED, str(exc)
                    except OSError as exc:  # disk full, no permission, a folder in the way ...
                        res.status, res.reason = FAILED, _os_message(exc)
                    except Exception as exc:  # noqa: BLE001 - one enrolment never stops the batch
                        res.status, res.reason = FAILED, _unexpected_message(exc)
                    if res.status == FAILED and not res.file_states:  # nothing written: no file to point to
                        res.workbook_name = res.eml_name = res.document_name = res.login_name = ""
                if progress:
                    progress(res)
            if pdf and made:
                _pdfs(made, out_dir, force, inputs)
            report = Report(results, reg.all_findings() + list(previous.findings), out_dir, overview, "")
            try:
                if overview_unreadable and not force:
                    raise WorkbookError(f"Den tidligere oversigt kan ikke læses, så det, der er skrevet i den, kan "
                                        f"ikke bevares ({overview_unreadable}); brug --force for at erstatte den")
                if previous.exists and not previous.is_ours and not force:
                    raise WorkbookError(
                        f"'{overview}' findes, men er ikke en oversigt, xlkopi kan læse opfølgningen fra (er "
                        "overskriftsrækken slettet, eller er det en anden fil?); ret eller flyt den. Med --force "
                        "erstattes den, og det, der er skrevet i den, går tabt")
                data = overview_bytes(results, report.findings, previous)
                # the overview is xlkopi's own: what the user typed into it is carried over, so it is rewritten
                report.overview_state = write_if_changed(overview, data, force or previous.is_ours, inputs)
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


def _pdfs(made: list[tuple[Result, bytes]], out_dir: Path, force: bool, inputs: tuple) -> None:
    """A PDF of each Bilag 7 made this run, for signing: LibreOffice converts them all in one run (da-DK).

    A PDF is made anew only when its document changed or it is missing: LibreOffice stamps every PDF
    with the time, so an unchanged document keeps the PDF it has. Without LibreOffice each enrolment
    gets a warning and the rest of the run stands.
    """
    import tempfile

    from ..io.libreoffice import convert_many, find_soffice

    wanted = []
    for res, docx in made:
        target = out_dir / Path(res.document_name).with_suffix(".pdf")
        res.pdf_name = Path(res.document_name).with_suffix(".pdf").as_posix()
        if target.exists() and res.file_states and res.file_states[0] == UNCHANGED:
            res.file_states.append(UNCHANGED)
            continue
        wanted.append((res, docx, target))
    if not wanted:
        return
    if find_soffice() is None:
        for res, _, _ in wanted:
            res.pdf_name = ""
            res.warnings.append("PDF til underskrift er ikke lavet: LibreOffice er ikke installeret")
        return
    with tempfile.TemporaryDirectory(prefix="xlkopi-bilag7-") as tmp:
        sources = []
        for i, (_, docx, _) in enumerate(wanted):
            src = Path(tmp) / f"{i}.docx"
            src.write_bytes(docx)
            sources.append(src)
        pdfs = convert_many(sources, Path(tmp) / "pdf", "pdf")
        for (res, _, target), made_pdf in zip(wanted, pdfs, strict=True):
            if made_pdf is None:
                res.pdf_name = ""
                res.warnings.append("PDF til underskrift kunne ikke laves af LibreOffice")
                continue
            try:
                res.file_states.append(write_if_changed(target, made_pdf.read_bytes(), force, inputs))
            except XlkopiError as exc:
                res.pdf_name = ""
                res.warnings.append(f"PDF til underskrift er ikke skrevet: {exc}")


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
              folders: _Folders, force: bool, inputs: tuple = ()) -> bytes | None:
    """Fill and write one enrolment's files; returns the Bilag 7 document's bytes (None: the agreement has none)."""
    # only a GENERATED plan is generated, and plan() sets both before it marks one GENERATED
    inst, agr = cast(Institution, p.institution), cast(Agreement, p.agreement)
    template = templates.for_agreement(agr)
    word = templates.document_for(agr)
    values, rows = _values(p)
    xlsx = template.fill(values, rows)
    docx = word.fill(values, rows) if word is not None else None
    folder = folders.of(agr)
    if not (out_dir / folder).is_dir():
        if (out_dir / folder).exists():
            raise WorkbookError(f"Aftalens mappe '{out_dir / folder}' kan ikke oprettes: der ligger allerede en fil "
                                "med det navn")
        (out_dir / folder).mkdir()
    stem = unique_stem(f"{subject_for(agr.name)} - {inst.name}", folders.used[folder],
                       (".xlsx", ".eml", ".docx", ".pdf"))
    res.workbook_name, res.eml_name = f"{folder}/{stem}.xlsx", f"{folder}/{stem}.eml"
    res.signature, res.signature_ready = signature_state(inst, p.date)
    files = []
    if docx is not None:
        res.document_name = f"{folder}/{stem}.docx"
        files.append(Attachment(f"{stem}.docx", docx, DOCX_TYPE))
    files.append(Attachment(f"{stem}.xlsx", xlsx))
    eml = build_eml(to=recipient, subject=subject_for(agr.name),
                    body=body_for(inst.name, inst.cvr, agr.name, agr.phase, len(rows), inst.contact, inst.email,
                                  inst.phone, word=docx is not None),
                    attachments=files, sender=inst.email, sender_name=f"{inst.contact}, {inst.name}")
    if docx is not None:
        res.file_states.append(write_if_changed(out_dir / res.document_name, docx, force, inputs))
    res.file_states.append(write_if_changed(out_dir / res.workbook_name, xlsx, force, inputs))
    res.file_states.append(write_if_changed(out_dir / res.eml_name, eml, force, inputs))
    followup = res.followup
    if followup is not None and followup.wants_login:
        login = unique_stem(f"Anmodning om log-in - {inst.name} - {agr.name}", folders.used[folder], (".eml",))
        res.login_name = f"{folder}/{login}.eml"
        confirmed = format_date(followup.confirmed) if isinstance(followup.confirmed, date) else ""
        draft = build_eml(to=recipient, subject=login_subject_for(agr.name),
                          body=login_body_for(inst.name, inst.cvr, agr.name, agr.phase, confirmed, inst.contact,
                                              inst.email, inst.phone),
                          sender=inst.email, sender_name=f"{inst.contact}, {inst.name}")
        res.file_states.append(write_if_changed(out_dir / res.login_name, draft, force, inputs))
    return docx


__all__ = ["run", "Report", "Result", "write_if_changed", "default_template", "default_recipient",
           "GENERATED", "SKIPPED", "FAILED"]

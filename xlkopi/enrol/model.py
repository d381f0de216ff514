"""The records of an enrolment register (pure data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

# The severities are re-exported for the register's readers and checks.
from ..core.severity import ADVARSEL as ADVARSEL
from ..core.severity import FEJL as FEJL
from ..core.severity import INFO as INFO

# Excel's limit for the text of one cell, counted in UTF-16 code units (an emoji counts 2); a longer
# cell makes Excel report the file as damaged. The overview cuts longer texts, the register refuses them.
MAX_CELL_CHARS = 32767


def cell_length(text: str) -> int:
    """The length of ``text`` as Excel counts it (UTF-16 code units).

    >>> cell_length("Ærø"), cell_length("\U0001F5A8")
    (3, 2)
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class Finding:
    """A problem found in the register: ``level`` is ``"fejl"``, ``"advarsel"`` or ``"info"``.

    ``row`` is the 1-based row number as Excel shows it (None for a whole sheet).
    """

    level: str
    sheet: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [f"ark '{self.sheet}'"]
        if self.row is not None:
            where.append(f"række {self.row}")
        if self.field:
            where.append(f"felt '{self.field}'")
        text = ", ".join(where)
        return text[0].upper() + text[1:] + f": {self.message}"


@dataclass
class Record:
    """Common part of every register row: where it came from and its problems."""

    sheet: str = ""
    row: int = 0
    findings: list[Finding] = field(default_factory=list)
    duplicate_of: int | None = None  # row of an identical earlier record: this one is ignored

    def content(self) -> tuple:
        """The record's values without its position and findings (to spot duplicates).

        A field worked out from the others (``compare=False``) is not content either.
        """
        skip = {"sheet", "row", "findings", "duplicate_of"}
        return tuple(getattr(self, f.name) for f in fields(self) if f.name not in skip and f.compare)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == FEJL]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ADVARSEL]


@dataclass
class Institution(Record):
    """An institution or unit that may enrol (sheet Institutioner)."""

    name: str = ""
    kind: str = ""
    cvr: str = ""
    ean: str = ""
    address: str = ""
    contact: str = ""
    email: str = ""
    phone: str = ""
    signatory: str = ""
    signatory_title: str = ""   # the signatory's title (Underskrivers titel), printed under the signature
    # classify_kind(kind): (VOLUNTARY | OBLIGED | None, the type's display form), worked out once per
    # institution by the register check (validate.check_institution); read it with rules.institution_kind.
    kind_class: tuple[str | None, str] | None = field(default=None, compare=False, repr=False)


@dataclass
class Location(Record):
    """A delivery location of an institution (sheet Lokationer)."""

    institution: str = ""
    unit: str = ""
    ean: str = ""
    p_number: str = ""
    address: str = ""
    contact: str = ""


@dataclass
class Agreement(Record):
    """An agreement of the catalogue (sheet Aftaler).

    ``requires_enrolment`` is explicit per agreement; the reader defaults a
    blank cell from :func:`xlkopi.enrol.rules.default_requires_enrolment`
    and ``requires_enrolment_given`` tells whether the catalogue said so.
    """

    name: str = ""
    phase: int | None = None
    phase_open: bool | None = None
    requires_enrolment: bool = False
    requires_enrolment_given: bool = False
    template: str = ""          # the Skema template (.xlsx); a .docx here is taken as the Bilag 7
    mapping: str = ""
    document: str = ""          # the agreement's own Bilag 7 (.docx)
    document_mapping: str = ""  # its field map (labels, placeholders, content controls)


@dataclass
class Membership(Record):
    """An institution is a party to a phase or to one agreement (sheet Parter)."""

    institution: str = ""
    phase: int | None = None
    agreement: str = ""


@dataclass
class Request(Record):
    """A requested enrolment (sheet Tilmeldinger)."""

    institution: str = ""
    agreement: str = ""
    date: date | None = None


@dataclass
class Register:
    """Everything read from one register; ``findings`` holds sheet-level problems."""

    institutions: list[Institution] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    source: str = ""

    def all_findings(self) -> list[Finding]:
        """Sheet-level findings followed by every row's findings, in sheet order."""
        out = list(self.findings)
        for rows in (self.institutions, self.locations, self.agreements, self.memberships, self.requests):
            for rec in rows:
                out.extend(rec.findings)
        return out

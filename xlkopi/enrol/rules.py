"""Who enrols in what: the agency's rules for voluntary customers, as data.

Pure functions over :mod:`xlkopi.enrol.model` records; no file I/O.
The rules (see ``DOMAIN.md``, "Rules for voluntary customers"):

* only voluntary customers enrol (:data:`VOLUNTARY_KINDS`); a state
  institution (forpligtet kunde) uses the agreements without enrolling;
* a customer enrols only in agreements whose phase it is party to; a closed
  phase cannot be joined (contact the koncernindkøber for the next one);
* enrolment is needed for phases 8-10 only (:data:`ENROLMENT_PHASES`) and
  never for the named exemptions (:data:`EXEMPT_AGREEMENTS`). The catalogue
  keeps an explicit per-agreement value, defaulted from these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..core.vocabulary import name_key
from .model import Agreement, Institution, Membership

#: Voluntary customers, as the agency lists them (name -> display form; keyed by :func:`normalise` below).
VOLUNTARY_KINDS: dict[str, str] = {
    "kommune": "Kommune",
    "region": "Region",
    "folketinget": "Folketinget",
    "danmarks nationalbank": "Danmarks Nationalbank",
    "dansk institut for internationale studier": "Dansk Institut for Internationale Studier",
    "institut for menneskerettigheder": "Institut for Menneskerettigheder",
    "grønlands selvstyre": "Grønlands Selvstyre",
    "færøernes hjemmestyre": "Færøernes Hjemmestyre",
    "selvejende institution": "Selvejende institution",
}

#: Plural and short spellings seen in registers, mapped to the keys above.
_KIND_ALIASES: dict[str, str] = {
    "kommuner": "kommune",
    "regioner": "region",
    "nationalbanken": "danmarks nationalbank",
    "diis": "dansk institut for internationale studier",
    "selvejende institutioner": "selvejende institution",
    "selvejende": "selvejende institution",
    "selvejer": "selvejende institution",
}

#: State institutions are obliged customers (forpligtede kunder): they never enrol.
OBLIGED_KINDS: dict[str, str] = {
    "statslig institution": "Statslig institution",
    "statslige institutioner": "Statslig institution",
    "statslig": "Statslig institution",
    "forpligtet kunde": "Statslig institution",
    "forpligtede kunder": "Statslig institution",
    "ministerium": "Statslig institution",
    "styrelse": "Statslig institution",
}

#: Agreements that never need enrolment (the agency's list), whatever their phase.
EXEMPT_AGREEMENTS: tuple[str, ...] = (
    "Konferenceaftalen",
    "AIA/ADK aftalen",
    "Flytteydelser",
    "Kontorartikler",
    "Kontormøbler",
    "Kontrolcentral",
    "Netværkskomponenter",
    "Rengørings- og forbrugsartikler",
)

#: Phases whose agreements need enrolment; it was phased out from phase 11.
ENROLMENT_PHASES = range(8, 11)

VOLUNTARY = "frivillig"
OBLIGED = "forpligtet"

ENROL = "tilmeld"
SKIP = "spring over"


def normalise(text: str) -> str:
    """Key for matching names: the vocabulary's name key (case, hyphens and spacing ignored).

    >>> normalise("  AIA/ADK-aftalen ") == normalise("aia/adk aftalen")
    True
    """
    return name_key(text)


_EXEMPT_KEYS = {normalise(n) for n in EXEMPT_AGREEMENTS}
VOLUNTARY_KINDS = {normalise(k): v for k, v in VOLUNTARY_KINDS.items()}
OBLIGED_KINDS = {normalise(k): v for k, v in OBLIGED_KINDS.items()}
_KIND_ALIASES = {normalise(k): normalise(v) for k, v in _KIND_ALIASES.items()}


def classify_kind(kind: str) -> tuple[str | None, str]:
    """``(VOLUNTARY | OBLIGED | None, display form)`` of an institution type.

    >>> classify_kind("kommuner")
    ('frivillig', 'Kommune')
    >>> classify_kind("Styrelse")
    ('forpligtet', 'Statslig institution')
    >>> classify_kind("Forening")
    (None, 'Forening')
    """
    key = normalise(kind)
    key = _KIND_ALIASES.get(key, key)
    if key in VOLUNTARY_KINDS:
        return VOLUNTARY, VOLUNTARY_KINDS[key]
    if key in OBLIGED_KINDS:
        return OBLIGED, OBLIGED_KINDS[key]
    return None, str(kind).strip()


def institution_kind(institution: Institution) -> tuple[str | None, str]:
    """:func:`classify_kind` of ``institution.kind``, as the register check recorded it on the record.

    The check (:func:`xlkopi.enrol.validate.check_institution`) classifies each
    institution once per run; a record that was not checked (built by hand) is
    classified here, each time.
    """
    if institution.kind_class is not None:
        return institution.kind_class
    return classify_kind(institution.kind)


def is_exempt(agreement_name: str) -> bool:
    """True for the agreements the agency names as never needing enrolment."""
    return normalise(agreement_name) in _EXEMPT_KEYS


def default_requires_enrolment(agreement_name: str, phase: int | None) -> bool:
    """The rules' default for the catalogue's "Kræver tilmelding" column.

    >>> default_requires_enrolment("Computeraftalen", 9)
    True
    >>> default_requires_enrolment("Computeraftalen", 11)
    False
    >>> default_requires_enrolment("Kontorartikler", 9)
    False
    """
    if is_exempt(agreement_name):
        return False
    return phase is not None and phase in ENROLMENT_PHASES


def not_required_reason(agreement: Agreement) -> str:
    """Why ``agreement`` needs no enrolment (Danish, for the overview)."""
    if is_exempt(agreement.name):
        return (f"{agreement.name} kræver ikke tilmelding: aftalen er blandt dem, frivillige kunder "
                "kan købe ind på uden tilmelding.")
    if agreement.phase is not None and agreement.phase >= 11:
        return (f"{agreement.name} (fase {agreement.phase}) kræver ikke tilmelding: tilmelding er "
                "udfaset fra og med 11. fase.")
    return f"{agreement.name} kræver ikke tilmelding ifølge aftalekataloget."


class Parties:
    """The party memberships as a lookup: (institution, phase) and (institution, agreement)."""

    def __init__(self, memberships: Iterable[Membership]):
        self.phases: set[tuple[str, int]] = set()
        self.agreements: set[tuple[str, str]] = set()
        for m in memberships:
            if m.errors:
                continue
            who = normalise(m.institution)
            if m.phase is not None:
                self.phases.add((who, m.phase))
            if m.agreement:
                self.agreements.add((who, normalise(m.agreement)))

    def covers(self, institution: Institution, agreement: Agreement) -> bool:
        """True when ``institution`` is party to ``agreement`` (through its phase or by name)."""
        who = normalise(institution.name)
        if (who, normalise(agreement.name)) in self.agreements:
            return True
        return agreement.phase is not None and (who, agreement.phase) in self.phases


def is_party(institution: Institution, agreement: Agreement,
             memberships: "Iterable[Membership] | Parties") -> bool:
    """True when ``institution`` is party to ``agreement`` (through its phase or by name)."""
    parties = memberships if isinstance(memberships, Parties) else Parties(memberships)
    return parties.covers(institution, agreement)


@dataclass(frozen=True)
class Decision:
    """What to do with one (institution, agreement) pair and why (Danish)."""

    action: str  # ENROL or SKIP
    reason: str

    @property
    def enrol(self) -> bool:
        return self.action == ENROL


def decide(institution: Institution, agreement: Agreement,
           memberships: "Iterable[Membership] | Parties") -> Decision:
    """Apply the rules, in the order the agency's page gives them.

    An institution of unknown type is not decided here: the validator
    reports it as an error before this is called.
    """
    status, kind = institution_kind(institution)
    if status == OBLIGED:
        return Decision(SKIP, f"{institution.name} er en statslig institution (forpligtet kunde), ikke en "
                              "frivillig kunde: den bruger aftalerne i Statens Indkøbsprogram uden tilmelding.")
    if status is None:
        return Decision(SKIP, f"Institutionstypen '{kind}' er ikke en frivillig kunde.")
    # Party first: "kræver ikke tilmelding" would tell a customer that is no party that it may buy.
    if not is_party(institution, agreement, memberships):
        phase = f"fase {agreement.phase}" if agreement.phase is not None else "aftalens fase"
        if agreement.phase_open is False:
            return Decision(SKIP, f"{institution.name} er ikke part på {agreement.name} ({phase}), og fasen er "
                                  "afsluttet: det er ikke muligt at blive part på en afsluttet udbudsrunde. "
                                  "Kontakt jeres koncernindkøber for at blive part i næste udbudsrunde.")
        return Decision(SKIP, f"{institution.name} er ikke part på {agreement.name} ({phase}). Kontakt jeres "
                              "koncernindkøber for at blive part.")
    if not agreement.requires_enrolment:
        return Decision(SKIP, not_required_reason(agreement))
    phase = f" (fase {agreement.phase})" if agreement.phase is not None else ""
    return Decision(ENROL, f"Frivillig kunde ({kind}), part på {agreement.name}{phase}, som kræver tilmelding.")

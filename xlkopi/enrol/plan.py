"""Plan a run: which requested enrolments to generate, skip or fail, and why (pure).

Resolves each request's institution and agreement in the register, applies
:func:`xlkopi.enrol.rules.decide` and the validation findings, and returns
one :class:`Planned` per request, in the register's order. No file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .model import Agreement, Finding, Institution, Location, Register, Request
from .rules import Parties, decide, institution_kind, normalise

GENERATED = "genereret"
SKIPPED = "sprunget over"
FAILED = "fejl"


@dataclass
class Planned:
    """One requested enrolment with its verdict; ``status`` is GENERATED when it is to be made."""

    number: int
    institution_name: str
    agreement_name: str
    status: str
    reason: str
    source: str
    institution: Institution | None = None
    agreement: Agreement | None = None
    institution_type: str = ""  # the institution type's display form (rules.classify_kind), set with institution
    locations: list[Location] = field(default_factory=list)
    date: date | None = None
    warnings: list[str] = field(default_factory=list)


def _index(records) -> dict[str, list]:
    out: dict[str, list] = {}
    for rec in records:
        if rec.duplicate_of is None:
            out.setdefault(normalise(rec.name), []).append(rec)
    return out


def _explain(findings: list[Finding]) -> str:
    return "; ".join(str(f) for f in findings)


def _not_unique(found: list, what: str, name: str, sheet: str) -> str:
    """Why ``name`` cannot be used when the register has it not once but ``len(found)`` times; "" if once."""
    if not found:
        return f"{what} '{name}' findes ikke i arket {sheet}."
    if len(found) > 1:
        return (f"{what} '{name}' står flere gange i arket {sheet} (række "
                + ", ".join(str(r.row) for r in found) + ") med forskelligt indhold.")
    return ""


def plan(reg: Register, all_eligible: bool = False) -> list[Planned]:
    """The verdict for every requested enrolment (or every eligible one with ``all_eligible``)."""
    institutions = _index(reg.institutions)
    agreements = _index(reg.agreements)
    parties = Parties(reg.memberships)
    locations: dict[str, list[Location]] = {}
    for loc in reg.locations:
        if loc.duplicate_of is None:
            locations.setdefault(normalise(loc.institution), []).append(loc)

    pairs: list[tuple[str, str, str, Request | None]] = []  # (institution, agreement, source, request)
    if all_eligible:
        for inst in reg.institutions:
            for agr in reg.agreements:
                if inst.duplicate_of is None and agr.duplicate_of is None and decide(inst, agr, parties).enrol:
                    pairs.append((inst.name, agr.name, "alle berettigede", None))
    else:
        pairs = [(r.institution, r.agreement, f"{r.sheet} række {r.row}", r) for r in reg.requests]

    out: list[Planned] = []
    seen: dict[tuple[str, str], str] = {}
    for number, (iname, aname, source, req) in enumerate(pairs, 1):
        p = Planned(number, iname, aname, FAILED, "", source, date=getattr(req, "date", None))
        out.append(p)
        if req is not None and req.errors:
            p.reason = _explain(req.errors)
            continue
        key = (normalise(iname), normalise(aname))
        if key in seen:
            p.status, p.reason = SKIPPED, f"Dublet af {seen[key]}; tilmeldingen laves kun én gang."
            continue
        seen[key] = source
        insts, agrs = institutions.get(key[0], []), agreements.get(key[1], [])
        p.reason = (_not_unique(insts, "Institutionen", iname, "Institutioner")
                    or _not_unique(agrs, "Aftalen", aname, "Aftaler"))
        if p.reason:
            continue
        inst, agr = insts[0], agrs[0]
        kind_status, p.institution_type = institution_kind(inst)
        p.institution, p.agreement = inst, agr
        p.institution_name, p.agreement_name = inst.name, agr.name
        if agr.errors:
            p.reason = _explain(agr.errors)
            continue
        if kind_status is None:
            p.reason = _explain(inst.errors) or f"Ukendt institutionstype '{inst.kind}'."
            continue
        decision = decide(inst, agr, parties)
        if not decision.enrol:
            p.status, p.reason = SKIPPED, decision.reason
            continue
        locs = locations.get(key[0], [])
        errors = inst.errors + [f for loc in locs for f in loc.errors]
        if errors:
            p.reason = _explain(errors)
            continue
        p.locations = locs
        p.warnings = [str(f) for f in inst.warnings + agr.warnings + [w for loc in locs for w in loc.warnings]
                      + (req.warnings if req is not None else [])]
        if not locs:
            p.warnings.append("Ingen lokationer i arket Lokationer: institutionens egne oplysninger bruges i Skema.")
        p.status, p.reason = GENERATED, decision.reason
    return out

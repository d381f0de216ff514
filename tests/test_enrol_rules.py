"""Eligibility rules, field validation and safe names for the enrolment generator (pure functions).

Expected values come from the agency's page for voluntary customers
(``/work/shared/seeds/frivillige_kunder.txt``, summarised in DOMAIN.md):
who is a voluntary customer, phases 8-10 need enrolment, the named
exemptions, a closed phase cannot be joined; CVR modulus 11 and the GS1
check digit as implemented by python-stdnum.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlkopi.enrol.eml import header_safe, subject_for
from xlkopi.enrol.model import Agreement, Institution, Membership
from xlkopi.enrol.names import safe_filename
from xlkopi.enrol.rules import (
    ENROL,
    EXEMPT_AGREEMENTS,
    OBLIGED,
    SKIP,
    VOLUNTARY,
    classify_kind,
    decide,
    default_requires_enrolment,
)
from xlkopi.enrol.validate import cvr_problem, ean_problem, ean_warning, email_problem

# --------------------------------------------------------------- who enrols

@pytest.mark.parametrize("kind, expected", [
    # The agency's list of voluntary customers (frivillige_kunder.txt).
    ("Kommune", VOLUNTARY), ("Kommuner", VOLUNTARY), ("Region", VOLUNTARY), ("Folketinget", VOLUNTARY),
    ("Danmarks Nationalbank", VOLUNTARY), ("Dansk Institut for Internationale Studier", VOLUNTARY),
    ("Institut for Menneskerettigheder", VOLUNTARY), ("Grønlands Selvstyre", VOLUNTARY),
    ("Færøernes Hjemmestyre", VOLUNTARY), ("Selvejende institution", VOLUNTARY),
    ("  selvejende   institutioner ", VOLUNTARY),
    # State institutions are obliged customers (forpligtede kunder).
    ("Statslig institution", OBLIGED), ("Styrelse", OBLIGED), ("Forpligtet kunde", OBLIGED),
    ("Forening", None), ("", None),
])
def test_classify_kind(kind, expected):
    assert classify_kind(kind)[0] == expected


@pytest.mark.parametrize("name, phase, expected", [
    # "tilmelding kun er nødvendig for indkøb på aftaler fra 8.-10. fase" (frivillige_kunder.txt)
    ("Computeraftalen", 7, False), ("Computeraftalen", 8, True), ("Computeraftalen", 9, True),
    ("Computeraftalen", 10, True), ("Computeraftalen", 11, False), ("Computeraftalen", 12, False),
    ("Computeraftalen", None, False),
    # the named exemptions need no enrolment whatever their phase
    *[(name, 9, False) for name in EXEMPT_AGREEMENTS],
    ("AIA/ADK-aftalen", 10, False), ("rengørings- og forbrugsartikler", 8, False),
])
def test_default_requires_enrolment(name, phase, expected):
    assert default_requires_enrolment(name, phase) is expected


def _inst(kind="Kommune", name="Eksempelby Kommune"):
    return Institution(name=name, kind=kind)


def _agr(name="Computeraftalen", phase=9, open_=False, requires=None):
    req = default_requires_enrolment(name, phase) if requires is None else requires
    return Agreement(name=name, phase=phase, phase_open=open_, requires_enrolment=req,
                     requires_enrolment_given=requires is not None)


PARTY_9 = [Membership(institution="Eksempelby Kommune", phase=9)]
PARTY_BY_NAME = [Membership(institution="Eksempelby Kommune", agreement="computeraftalen")]

# (case, institution, agreement, memberships, action, words the Danish answer must contain)
DECISIONS = [
    ("voluntary, party, phase 9", _inst(), _agr(), PARTY_9, ENROL, ["part på Computeraftalen"]),
    ("party by agreement name", _inst(), _agr(), PARTY_BY_NAME, ENROL, []),
    ("party to a closed phase still enrols", _inst(), _agr(open_=False), PARTY_9, ENROL, []),
    ("state institution", _inst("Statslig institution", "Eksempelstyrelsen"), _agr(), PARTY_9, SKIP,
     ["forpligtet kunde", "uden tilmelding"]),
    ("phase 11: phased out", _inst(), _agr(phase=11), [Membership(institution="Eksempelby Kommune", phase=11)],
     SKIP, ["udfaset fra og med 11. fase"]),
    ("exempt agreement", _inst(), _agr("Kontorartikler", 9), PARTY_9, SKIP, ["kræver ikke tilmelding"]),
    ("catalogue says no", _inst(), _agr(requires=False), PARTY_9, SKIP, ["aftalekataloget"]),
    ("catalogue says yes for phase 11", _inst(), _agr(phase=11, requires=True),
     [Membership(institution="Eksempelby Kommune", phase=11)], ENROL, []),
    ("not party, closed phase", _inst(), _agr(open_=False), [], SKIP,
     ["afsluttet", "koncernindkøber", "næste udbudsrunde"]),
    ("not party, open phase", _inst(), _agr(open_=True), [], SKIP, ["koncernindkøber"]),
    ("party to another phase", _inst(), _agr(phase=10), PARTY_9, SKIP, ["ikke part"]),
    ("other institution is party", _inst(name="Fjordby Kommune"), _agr(), PARTY_9, SKIP, ["ikke part"]),
    # Being a party is checked first (issue: a non-party was told "kræver ikke tilmelding", i.e. may buy).
    ("not party, exempt agreement", _inst(), _agr("Kontorartikler", 9), [], SKIP, ["ikke part", "koncernindkøber"]),
    ("not party, phase 11", _inst(), _agr(phase=11), PARTY_9, SKIP, ["ikke part"]),
    ("not party, catalogue says no", _inst(), _agr(requires=False), [], SKIP, ["ikke part"]),
]


@pytest.mark.parametrize("case, inst, agr, members, action, words", DECISIONS, ids=[d[0] for d in DECISIONS])
def test_decide(case, inst, agr, members, action, words):
    decision = decide(inst, agr, members)
    assert decision.action == action, decision.reason
    for word in words:
        assert word in decision.reason
    if "ikke part" in decision.reason:
        assert "kræver ikke tilmelding" not in decision.reason and "uden tilmelding" not in decision.reason


# --------------------------------------------------------------- validation

@pytest.mark.parametrize("value, ok", [
    ("23043823", True),          # weights 2765432 1, sum divisible by 11 (stdnum.dk.cvr.checksum == 0)
    ("DK 23 04 38 23", True),    # spaces and DK prefix are compacted
    ("23043824", False),         # check digit off by one
    ("2304382", False),          # 7 digits
    ("230438230", False),        # 9 digits
    ("2304382A", False),
    ("", False),
])
def test_cvr(value, ok):
    assert (cvr_problem(value) is None) is ok


@pytest.mark.parametrize("value, ok", [
    ("5798179995337", True),     # GS1 check digit (stdnum.ean.calc_check_digit('579817999533') == '7')
    ("5798179995338", False),    # wrong check digit
    ("579817999533", False),     # 12 digits: a valid UPC length for stdnum.ean, but not a GLN
    ("96385074", False),         # a valid EAN-8 is still not a 13-digit GLN
    ("57981799953370", False),   # 14 digits
    ("5798 1799 9533 7", True),
    ("5798I79995337", False),
])
def test_ean(value, ok):
    assert (ean_problem(value) is None) is ok


def test_ean_warning_for_non_public_prefix():
    assert ean_warning("5731234567896") and "5798" in ean_warning("5731234567896")
    assert ean_warning("5798179995337") is None


@pytest.mark.parametrize("value, ok", [
    ("indkob@eksempelby.example", True), ("a.b+c@sub.domæne.dk", True), ("indkob@aarhus", False),
    ("indkob aarhus@x.dk", False), ("a@b.dk\nBcc: c@d.dk", False), ("@x.dk", False), ("a@@x.dk", False),
])
def test_email(value, ok):
    assert (email_problem(value) is None) is ok


# --------------------------------------------------------------- names and headers

@pytest.mark.parametrize("stem, expected", [
    ("Tilmelding til AIA/ADK aftalen - Aarhus Kommune", "Tilmelding til AIA ADK aftalen - Aarhus Kommune.xlsx"),
    ('a<b>c:d"e|f?g*h\\i', "a b c d e f g h i.xlsx"),
    ("CON", "CON_.xlsx"), ("nul", "nul_.xlsx"), ("COM1", "COM1_.xlsx"), ("LPT9.bak", "LPT9_.bak.xlsx"),
    ("Console", "Console.xlsx"),
    ("Børnehuset Ærø på Øen", "Børnehuset Ærø på Øen.xlsx"),
    ("...", "unavngivet.xlsx"), ("navn. ", "navn.xlsx"), ("linje\nskift\ttab", "linje skift tab.xlsx"),
])
def test_safe_filename(stem, expected):
    assert safe_filename(stem, ".xlsx") == expected


_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\..*)?$", re.I)


@given(st.text(max_size=300))
def test_safe_filename_is_always_safe(stem):
    name = safe_filename(stem, ".eml")
    assert not re.search(r'[<>:"/\\|?*\x00-\x1f]', name)
    base = name[:-4]
    assert base and base == base.strip(" .") or base.endswith("_")
    assert not _RESERVED.match(base)
    assert len(base) <= 121


@given(st.text())
def test_header_safe_never_keeps_a_line_break(text):
    out = header_safe(text)
    assert "\r" not in out and "\n" not in out
    assert "\n" not in subject_for(text)

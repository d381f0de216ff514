"""Equal coverage (xlkopi/compare/coverage.py): the rule as a table of cases, and what renewal costs.

The rule is the guide's "compare on the same basis": the issue saw a 3-year operational lease rank first
over a 5-year horizon because years 4-5 cost 0 kr. Expected values here are the rule's own statements
(coverage.py's docstring) and, for the renewal's costs, the original contract's year figures times
(1 + indeksering)^(years since the start), computed from the model's own first-cycle figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest

from xlkopi.compare.cli import example_offers
from xlkopi.compare.coverage import coverage
from xlkopi.compare.model import compare, xround
from xlkopi.compare.offers import Needs, OfferSet, parse_offer, read_offers

# (kind, years, service years, has service, horizon, renew) -> (covered, renew fin., renew service, ranked)
CASES = [
    # shorter than the horizon
    ("operationel", D(3), D(3), True, 5, True, (D(3), True, True, True)),       # renewed: the default
    ("operationel", D(3), D(3), True, 5, False, (D(3), False, False, False)),   # Fornyelse nej: not ranked
    ("finansiel", D("2.5"), D("2.5"), True, 5, True, (D("2.5"), False, False, False)),  # no whole years
    ("leje", D(4), D(2), True, 5, True, (D(2), True, True, True)),              # service shorter than the lease
    ("allin", D(3), D(3), True, 4, True, (D(3), True, True, True)),
    ("finansiel", D(3), D(3), False, 5, True, (D(3), True, False, True)),       # no service: the lease alone
    ("banklaan", D(3), D(3), True, 5, True, (D(3), False, True, True)),         # owned: only the service goes on
    ("kontant", None, D(2), True, 5, True, (D(2), False, True, True)),
    # equal to the horizon
    ("operationel", D(5), D(5), True, 5, True, (D(5), False, False, True)),
    ("operationel", D(5), D(5), True, 5, False, (D(5), False, False, True)),    # nothing to renew: ranked
    # longer than the horizon: costed over the horizon, the rest shown beside it
    ("allin", D(6), D(6), True, 5, True, (D(6), False, False, True)),
    ("finansiel", D(6), D(6), True, 5, False, (D(6), False, False, True)),
    # owned without service: the machine covers the horizon
    ("kontant", None, D(5), False, 5, False, (None, False, False, True)),
    ("banklaan", D(3), D(3), False, 5, False, (None, False, False, True)),
]


@pytest.mark.parametrize("kind, years, service, has_service, horizon, renew, expected", CASES)
def test_coverage_rule(kind, years, service, has_service, horizon, renew, expected):
    c = coverage(kind=kind, years=years, service_years=service, has_service=has_service, horizon=horizon,
                 renew=renew, indexation=D("0.02"))
    assert (c.covered, c.renew_financing, c.renew_service, c.ranked) == expected
    assert c.assumption  # never a silent gap: the summary always says what is assumed
    assert bool(c.reason) == (not c.ranked)


def test_the_issues_example_no_longer_ranks_the_short_lease_first():
    comp = compare(read_offers(example_offers()))
    lease = next(r for r in comp.results if r.offer.kind == "operationel")
    assert lease.offer.years == 3 and comp.needs.horizon == 5
    # before: 167.174,97 kr and rank 1, years 4-5 at 0 kr; now the contract is renewed for years 4-5
    assert all(y.total > 0 for y in lease.years if y.in_horizon)
    first, renewed = lease.years[0], lease.years[3]
    assert (renewed.contract_year, first.contract_year) == (1, 1)
    factor = (1 + float(lease.offer.indexation)) ** 3
    assert renewed.financing == xround(float(first.financing) * factor, 2)
    assert renewed.fees == xround(float(first.fees) * factor, 2)
    assert lease.rank != 1
    assert lease.coverage.assumption.startswith("Fornyes efter 3 år på samme vilkår og til samme pris")


def _needs(horizon=5):
    return Needs(bw=60000, colour=5000, colour_growth=D(0), horizon=horizon, discount_rate=D("0.03"),
                 start=dt.date(2026, 1, 1))


def _lease(**kw):
    raw = dict(supplier="A", kind="Operationel leasing", price=60000, rate="5 %", years=3, periods_per_year=4,
               timing="forud", service_bw="0,08", service_colour="0,60", indexation="2 %")
    raw.update(kw)
    return parse_offer(raw, 2)


def test_not_ranked_offers_are_left_out_of_the_ranking():
    offers = [_lease(supplier="Kort", renew="nej"), _lease(supplier="Lang", years=5),
              _lease(supplier="Fornyet", years=3)]
    comp = compare(OfferSet(_needs(), offers))
    ranks = {r.offer.supplier: r.rank for r in comp.results}
    assert ranks["Kort"] == 0
    assert sorted(ranks[s] for s in ("Lang", "Fornyet")) == [1, 2]
    short = next(r for r in comp.results if r.offer.supplier == "Kort")
    assert short.coverage.assumption == "Rangeres ikke: dækker kun 3 år af horisontens 5 år, og Fornyelse er nej"


def test_renewal_costs_the_same_as_two_contracts_without_indexation():
    """Renewing a 2-year lease over 4 years costs exactly twice the 2-year lease over 2 years (no index,
    no discounting): the second contract is the first again."""
    lease = _lease(years=2, indexation=0)
    over_four = compare(OfferSet(replace(_needs(4), discount_rate=D(0)), [lease])).results[0]
    over_two = compare(OfferSet(replace(_needs(2), discount_rate=D(0)), [lease])).results[0]
    assert over_four.total == 2 * over_two.total
    assert over_four.present_value == 2 * over_two.present_value
    assert [y.contract_year for y in over_four.years[:4]] == [1, 2, 1, 2]


@pytest.mark.parametrize("horizon", [1, 2, 3, 4, 5, 6, 7])
def test_every_horizon_year_of_a_ranked_lease_has_a_machine(horizon):
    comp = compare(OfferSet(_needs(horizon), [_lease(years=3)]))
    r = comp.results[0]
    assert r.rank == 1
    for y in r.years:
        if y.in_horizon:
            assert y.financing > 0 and y.service_bw > 0, y

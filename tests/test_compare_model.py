"""The comparison model: the guide's red flags as a table of cases, and invariants (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlkopi.compare.model import compare, xround
from xlkopi.compare.offers import Needs, OfferSet, parse_offer
from xlkopi.core.schedule import lease_schedule

NEEDS = Needs(bw=120000, colour=15000, colour_growth=Decimal("0.10"), horizon=5, discount_rate=Decimal("0.04"),
              start=dt.date(2006, 1, 1))
BASE = dict(supplier="A", kind="Finansiel leasing", price=100000, rate=0.051, years=5, periods_per_year=4,
            service_bw=0.08, service_colour=0.6, rated_volume=250000)


def flags_of(**change) -> set[str]:
    offer = parse_offer({**BASE, **change}, 2)
    (r,) = compare(OfferSet(NEEDS, [offer])).results
    return {f.code for f in r.flags}


# (case, changes to a clean financial lease, expected flag codes). Thresholds from the guide
# (DOMAIN.md rules 2, 3, 8, 9, 10, 11): residual ≤ 5 %, financial ≤ 5 years, operational ≤ 3 years,
# service term = financing term, excess prints at the service price only, only service indexed,
# no automatic secondary period, fees counted, unused prints credited, utilisation ≥ 50 %.
RED_FLAG_CASES = [
    ("ren finansiel leasing", {}, set()),
    ("restværdi 5 % er tilladt", {"residual": 5000}, set()),
    ("restværdi 6 %", {"residual": 6000}, {"restvaerdi"}),
    ("finansiel 5 år er tilladt", {"years": 5}, set()),
    ("finansiel 6 år", {"years": 6}, {"finansiel_loebetid"}),
    ("lejeaftale 6 år", {"kind": "Lejeaftale", "years": 6}, {"finansiel_loebetid"}),
    ("operationel 3 år", {"kind": "Operationel leasing", "years": 3}, set()),
    ("operationel 4 år", {"kind": "Operationel leasing", "years": 4}, {"operationel_loebetid"}),
    ("service 3 år, finansiering 5 år", {"kind": "Lejeaftale", "service_years": 3}, {"service_loebetid"}),
    ("service = finansiering", {"kind": "Lejeaftale", "service_years": 5}, set()),
    ("all-in uden pris for overskydende tryk", {"kind": "All-in", "min_volume": 100000, "unused_credit": 0.05},
     {"fuld_klikpris"}),
    ("all-in med servicepris for overskydende", {"kind": "All-in", "min_volume": 100000, "excess_price": 0.08,
                                                 "unused_credit": 0.05}, set()),
    ("all-in uden kreditering", {"kind": "All-in", "min_volume": 100000, "excess_price": 0.08},
     {"ingen_kreditering"}),
    ("minimumsvolumen uden kreditering", {"min_volume": 100000}, {"ingen_kreditering"}),
    ("finansiering indeksreguleres", {"kind": "Lejeaftale", "indexation": 0.03, "index_financing": "ja"},
     {"indekseret_finansiering"}),
    ("kun service indeksreguleres", {"kind": "Lejeaftale", "indexation": 0.03, "index_financing": "nej"}, set()),
    ("indeksering af finansiering ved 0 %", {"indexation": 0, "index_financing": "ja"}, set()),
    ("sekundær periode 6 mdr.", {"secondary_months": 6}, {"sekundaer_periode"}),
    ("fakturagebyr", {"invoice_fee": 25}, {"gebyrer"}),
    ("etableringsgebyr", {"establishment_fee": 1000}, {"gebyrer"}),
    ("miljøgebyr", {"environmental_fee": 300}, {"gebyrer"}),
    ("udnyttelse 34 % (kapacitet 400.000)", {"rated_volume": 400000}, {"udnyttelse"}),
    ("udnyttelse 55 %", {"rated_volume": 250000}, set()),
    ("kontant køb med gebyr", {"kind": "Kontant køb", "rate": None, "years": None, "establishment_fee": 1500},
     {"gebyrer"}),
    ("det hele", {"kind": "All-in", "years": 6, "residual": 10000, "min_volume": 100000, "indexation": 0.02,
                  "index_financing": "ja", "secondary_months": 12, "invoice_fee": 10, "rated_volume": 500000},
     {"restvaerdi", "finansiel_loebetid", "fuld_klikpris", "indekseret_finansiering", "sekundaer_periode",
      "gebyrer", "ingen_kreditering", "udnyttelse"}),
]


@pytest.mark.parametrize("case,change,expected", RED_FLAG_CASES, ids=[c[0] for c in RED_FLAG_CASES])
def test_red_flags(case, change, expected):
    assert flags_of(**change) == expected


def test_guide_example_figures():
    """The guide's lease (5.1 %, 5 years, quarterly, in advance, 100,000 kr): the engine's doctests."""
    (r,) = compare(OfferSet(NEEDS, [parse_offer(BASE, 2)])).results
    assert r.payment == Decimal("5624.49")             # schedule.py doctest
    assert r.leasingsats == Decimal("0.0562449")       # rates.py doctest
    assert round(r.basisrente, 5) == 0.051             # rates.py doctest: base_rate(0.0562449, 5, 4)
    assert round(r.aop * 100, 2) == 5.2                # rates.py doctest: 1.275 % a quarter → 5.2 % a year
    # Financing over the 5-year horizon = the whole schedule (20 × 5,624.49 settled to øre)
    assert r.financing_total == lease_schedule(100000, 0.051, 5, 4, 0, "2006-01-01").total_payments
    # Year 1: 120,000 b/w × 0.08 + 15,000 colour × 0.60 = 9,600 + 9,000 kr
    y1 = r.years[0]
    assert (y1.service_bw, y1.service_colour) == (Decimal("9600.00"), Decimal("9000.00"))
    # Year 2: colour +10 % = 16,500 prints; nothing indexed
    assert r.years[1].colour == 16500


def test_allin_year_follows_the_click_price_rule():
    """Guide rule 9: klikpris = annual lease payment / minimum volume + service price per print."""
    offer = parse_offer({**BASE, "kind": "All-in", "min_volume": 100000, "excess_price": 0.08,
                         "unused_credit": 0.05}, 2)
    (r,) = compare(OfferSet(NEEDS, [offer])).results
    assert r.click == Decimal("5624.49") * 4 / 100000 + Decimal("0.08")
    # 120,000 prints: minimum charge 100,000 × click + 20,000 excess × 0.08
    assert r.years[0].service_bw == xround(float(r.click * 100000), 2) + Decimal("1600.00")
    assert r.years[0].financing == 0   # the financing is inside the click price


def test_xround_matches_spreadsheet_round():
    # Microsoft's ROUND documentation: ROUND(2.15, 1) = 2.2, ROUND(-1.475, 2) = -1.48, ROUND(21.5, -1) is 20
    assert xround(2.15, 1) == Decimal("2.2")
    assert xround(-1.475, 2) == Decimal("-1.48")
    assert xround(2.675, 2) == Decimal("2.68")   # LibreOffice rounds the shown 15 digits, not the binary value


offers_strategy = st.fixed_dictionaries({
    "kind": st.sampled_from(["Finansiel leasing", "Operationel leasing", "Lejeaftale", "All-in", "Banklån",
                             "Kontant køb"]),
    "price": st.integers(500_000, 50_000_000).map(lambda o: Decimal(o) / 100),
    "rate": st.integers(0, 150).map(lambda x: Decimal(x) / 1000),
    "years": st.integers(1, 7),
    "periods_per_year": st.sampled_from([1, 2, 4, 12]),
    "timing": st.sampled_from(["forud", "bagud"]),
    "residual_pct": st.sampled_from([0, 0, 5, 10]),
    "service_bw": st.integers(0, 20).map(lambda x: Decimal(x) / 100),
    "service_colour": st.integers(0, 90).map(lambda x: Decimal(x) / 100),
    "indexation": st.integers(0, 5).map(lambda x: Decimal(x) / 100),
    "index_financing": st.sampled_from(["ja", "nej"]),
    "min_volume": st.integers(1000, 200000),
    "invoice_fee": st.sampled_from([0, 25]),
    "establishment_fee": st.sampled_from([0, 995]),
})
needs_strategy = st.builds(
    Needs, bw=st.integers(0, 300000), colour=st.integers(0, 50000),
    colour_growth=st.integers(0, 20).map(lambda x: Decimal(x) / 100), horizon=st.integers(1, 8),
    discount_rate=st.integers(0, 80).map(lambda x: Decimal(x) / 1000),
    start=st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))


def _build(raw):
    raw = dict(raw)
    pct = raw.pop("residual_pct")
    raw["residual"] = (raw["price"] * pct / 100).quantize(Decimal("0.01"))
    raw["supplier"] = "X"
    if raw["kind"] == "Kontant køb":
        for k in ("rate", "years", "periods_per_year", "timing", "residual"):
            raw.pop(k)
    return parse_offer(raw, 2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs_strategy, st.lists(offers_strategy, min_size=1, max_size=4))
def test_invariants(needs, raws):
    comp = compare(OfferSet(needs, [_build(r) for r in raws]))
    ranks = sorted(r.rank for r in comp.results if r.coverage.ranked)
    assert all(r.rank == 0 for r in comp.results if not r.coverage.ranked)
    assert not ranks or (ranks[0] == 1 and all(1 <= x <= len(ranks) for x in ranks))
    for r in comp.results:
        horizon = [y for y in r.years if y.in_horizon]
        assert len(horizon) == needs.horizon
        # Totals add up exactly, in øre
        assert r.total == r.financing_total + r.fees_total + r.service_total
        assert r.total == sum(y.total for y in horizon)
        assert horizon[-1].cumulative == r.total
        # Every cash flow is non-negative and discounted at a non-negative rate: PV ≤ nominal
        assert Decimal(0) <= r.present_value <= r.total + Decimal("0.01") * needs.horizon
        if r.schedule is not None:
            s = r.schedule
            # Engine identities the comparison relies on
            assert s.total_principal == r.offer.price
            assert s.balance_ore[-1] == 0
            if not r.offer.index_financing and r.offer.kind != "allin":
                in_h = sum(y.financing for y in horizon)
                if not r.coverage.renew_financing:
                    assert in_h + r.after_horizon == s.total_payments
                elif r.offer.indexation == 0:   # renewed on the same terms: whole contracts, the last one cut
                    cycles = -(-needs.horizon // r.coverage.cycle)
                    assert in_h + r.after_horizon == s.total_payments * cycles

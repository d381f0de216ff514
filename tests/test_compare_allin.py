"""All-in offers as suppliers quote them: click prices, minimum volume, excess price, credit, settlement period.

The guide (``shared/seeds/vejledning_kopi_print_leasing.txt``, All-in kontrakter): "klik-prisen ... fremkommer
ved, den årlige leasingydelse divideres med det årlige minimumsvolumen, hvortil der lægges serviceprisen pr.
tryk", so the financing inside a quoted click price is (klikpris − servicepris) × minimumsvolumen a year; and
(Serviceaftalen) "Er der store sæsonmæssige udsving ..., er det vigtigt at have helårlig afregning. Dette gælder
naturligvis primært, hvis der ikke krediteres for underskydende forbrug."
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from xlkopi.compare.model import compare, xround
from xlkopi.compare.offers import Needs, OfferSet, parse_offer
from xlkopi.core.redflags import ContractTerms, red_flags
from xlkopi.errors import FieldError

NEEDS = Needs(bw=40000, colour=5000, colour_growth=D(0), horizon=4, discount_rate=D("0.03"), start=dt.date(2027, 1, 1))


def _quoted(**kw):
    raw = dict(supplier="PrintPartner", kind="All-in", years=4, min_volume="30.000", click_bw="32 øre",
               click_colour="1,10 kr", service_bw="0,07", excess_price="0,07")
    raw.update(kw)
    return parse_offer(raw, 2)


def test_a_quoted_all_in_offer_needs_no_price_nor_rate():
    o = _quoted()
    assert o.price == 0 and o.rate is None and o.leasingsats is None and not o.has_schedule
    assert (o.click_bw, o.click_colour, o.settlement_months) == (D("0.32"), D("1.10"), 12)
    r = compare(OfferSet(NEEDS, [o])).results[0]
    assert r.schedule is None and r.click == D("0.32")
    assert r.implied_financing == D("7500.00")   # (0,32 − 0,07) × 30.000, the guide's formula turned round
    year = r.years[0]
    # b/w: the minimum at the click price, the 10.000 prints above it at the excess price; colour at its click price
    assert year.service_bw == xround(0.32 * 30000, 2) + xround(10000 * 0.07, 2)
    assert year.service_colour == xround(5000 * 1.10, 2)
    assert year.financing == 0 and r.rank == 1 and r.coverage.ranked


def test_a_quoted_click_price_is_paid_even_beside_a_schedule():
    o = parse_offer(dict(supplier="B", kind="All-in", price=60000, rate="5,5 %", years=4, periods_per_year=4,
                         min_volume=30000, service_bw="0,06", click_bw="0,95"), 2)
    r = compare(OfferSet(NEEDS, [o])).results[0]
    assert r.click == D("0.95") and r.click_from_financing is not None and r.click_from_financing < r.click
    assert r.implied_financing == xround(float(D("0.95") - D("0.06")) * 30000, 2)


@pytest.mark.parametrize("raw, field, message", [
    (dict(click_bw=None), "Kontantpris", "mangler (eller, for all-in: Klikpris s/h)"),
    (dict(min_volume=None), "Minimumsvolumen", "mangler"),
    (dict(years=None), "Løbetid", "mangler"),
    (dict(settlement_months=0), "Afregningsperiode", "mellem 1 og 12 måneder"),
    (dict(settlement_months="13 mdr."), "Afregningsperiode", "mellem 1 og 12 måneder"),
])
def test_quoted_all_in_mistakes_name_the_field(raw, field, message):
    with pytest.raises(FieldError) as err:
        _quoted(**raw)
    assert field in str(err.value) and message in str(err.value)


@pytest.mark.parametrize("months, credited, fires", [
    (3, False, True), (11, False, True), (12, False, False),   # the guide: yearly settlement
    (3, True, False),                                          # "primært, hvis der ikke krediteres"
])
def test_settlement_rule_at_its_boundary(months, credited, fires):
    terms = ContractTerms(settlement_months=months, has_minimum_volume=True, unused_credited=credited)
    codes = [f.code for f in red_flags(terms) if f.code == "afregning"]
    assert bool(codes) == fires


def test_quarterly_settlement_without_credit_is_a_red_flag_in_the_comparison():
    r = compare(OfferSet(NEEDS, [_quoted(settlement_months=3)])).results[0]
    flag = next(f for f in r.flags if f.code == "afregning")
    assert flag.is_red and flag.found == "afregning hver 3. måned uden kreditering"
    assert flag.expected == "helårlig afregning"

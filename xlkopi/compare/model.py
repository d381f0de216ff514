"""Every figure of the comparison workbook, computed in Python.

Pure: no file I/O. The workbook (:mod:`xlkopi.compare.workbook`) writes the
same figures as native formulas; the tests recalculate it in LibreOffice
and require every cell to equal this module's figure to the øre. Where the
workbook rounds (``ROUND(x; 2)``), this module rounds the same float
expression with :func:`xround`, which rounds as Excel and LibreOffice do.

Definitions (see ``docs/compare.md``)
-------------------------------------
* A schedule row belongs to year ``k // periods_per_year + 1`` (``k`` the
  0-based regular row), the residual row to the last year of the term.
* Year ``y``'s costs: financing (the year's payments; times the index
  factor ``(1 + indexation)^(y-1)`` when the indexation touches the
  financing), fees (establishment fee in year 1, invoice fee with each
  regular payment, environmental fee each service year), service b/w and
  colour (indexed; an all-in contract's b/w prints cost its click price,
  minimum volume and excess price), a cash purchase's price in year 1.
* Present values: schedule rows at their dates, the price and the
  establishment fee at the start, service and environmental fees at the
  end of each year (yearly settlement), all at ``(1 + discount)^-t`` with
  ``t`` in years of 12 months.
* Totals run over the horizon's years; the ranking is by present value.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from ..core.buyout import buyout
from ..core.clickprice import allin_cost, click_price
from ..core.rates import apr, base_rate, leasing_rate
from ..core.redflags import ContractTerms, RedFlag, red_flags
from ..core.schedule import Schedule, lease_schedule
from ..dates import edate
from ..errors import ConvergenceError, FieldError, RuleError, XlkopiError
from .coverage import Coverage, coverage
from .offers import FIELD_LABEL, Needs, Offer, OfferSet

NOT_BEFORE_24 = "Ikke før måned 24"


def xround(value: float, digits: int = 2) -> Decimal:
    """``ROUND(value; digits)`` as Excel and LibreOffice compute it.

    They round the double as shown to 15 significant digits, halves away
    from zero (so ``ROUND(2.675; 2)`` is 2.68).

    >>> xround(2.675), xround(-0.125), xround(1234.5, 0), xround(0.30497961, 4)
    (Decimal('2.68'), Decimal('-0.13'), Decimal('1235'), Decimal('0.3050'))
    """
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Year:
    """One year of an offer's costs (amounts in kr)."""

    year: int
    index: float            # (1 + indexation)^(year - 1)
    in_horizon: bool
    bw: int                 # b/w prints
    colour: int             # colour prints
    financing: Decimal
    fees: Decimal
    service_bw: Decimal
    service_colour: Decimal
    total: Decimal
    present_value: Decimal
    cumulative: Decimal     # running nominal total within the horizon
    contract_year: int = 0  # the year of the (renewed) contract this year is in: ``year`` without renewal
    renewal: float = 1.0    # (1 + indexation)^(year - contract_year): a renewal's prices against the original's


@dataclass(frozen=True)
class Buyout:
    """A buyout row of the Indfrielse sheet: one price per year (or a reason it is not possible).

    ``method`` says how the price is computed, as data for the workbook's formulas: ``"finansiel"`` (all
    remaining payments), ``"operationel"`` (present value, from month 24), ``"restgaeld"`` (the balance) or
    ``"skift"`` (the balance plus the remaining service, switching supplier); the first three are
    :func:`xlkopi.core.buyout.buyout`'s kinds.
    """

    label: str
    values: tuple  # Decimal, str (not possible) or None (after the term), one per year 1..K
    method: str


@dataclass
class OfferResult:
    """Every figure of one offer."""

    key: str                        # "T1", "T2", ... (prefix of the defined names)
    offer: Offer
    schedule: Schedule | None
    rate: float | None              # the contract rate used (given, or implied by the leasingsats)
    service_term: Decimal           # years the service agreement runs
    years: list[Year]
    total: Decimal = Decimal(0)
    present_value: Decimal = Decimal(0)
    financing_total: Decimal = Decimal(0)
    fees_total: Decimal = Decimal(0)
    service_total: Decimal = Decimal(0)
    after_horizon: Decimal = Decimal(0)     # schedule payments due after the horizon
    bw_pages: int = 0
    colour_pages: int = 0
    cost_bw_page: Decimal | None = None
    cost_colour_page: Decimal | None = None
    leasingsats: Decimal | None = None
    basisrente: float | None = None
    aop: float | None = None
    click: Decimal | None = None               # all-in: the click price paid (as quoted, else from the financing)
    click_from_financing: Decimal | None = None  # all-in with a schedule: annual payment / minimum + service price
    implied_financing: Decimal | None = None   # all-in: (click - service price) x minimum volume, kr a year
    utilisation: float | None = None
    rank: int = 0                   # 1 = cheapest; 0: not ranked (coverage.ranked is False)
    coverage: Coverage | None = None
    buyouts: list[Buyout] = field(default_factory=list)
    flags: list[RedFlag] = field(default_factory=list)

    @property
    def payment(self) -> Decimal | None:
        return self.schedule.payment if self.schedule is not None else None


@dataclass
class Comparison:
    """The whole comparison: needs, one result per offer, the buyout years."""

    needs: Needs
    results: list[OfferResult]
    year_rows: int          # rows of every year table (≥ horizon, ≥ every term)
    buyout_years: int       # columns of the Indfrielse sheet
    rejected: list[FieldError] = field(default_factory=list)  # offers whose terms admit no schedule
    machines: list = field(default_factory=list)   # the existing machines measured (needs.Machine), if any

    def result(self, key: str) -> OfferResult:
        return next(r for r in self.results if r.key == key)


def _ceil(d: Decimal) -> int:
    return int(d.to_integral_value(rounding="ROUND_CEILING"))


Plan = tuple[Schedule | None, float | None]
"""An offer's schedule and contract rate, as :func:`schedule_of` gives them (None, None: a cash purchase)."""


def schedule_of(offer: Offer, needs: Needs) -> Plan:
    """The offer's schedule and contract rate (implied by the leasingsats when no rate is given)."""
    if not offer.has_schedule:
        return None, None
    rate: Decimal | float
    if offer.rate is not None:
        rate = offer.rate
    else:
        rate = base_rate(offer.leasingsats, offer.years, offer.periods_per_year,
                         float(offer.residual) / float(offer.price), offer.in_advance)
    s = lease_schedule(offer.price, rate, offer.years, offer.periods_per_year, offer.residual, needs.start,
                       offer.in_advance)
    return s, float(rate)


def row_years(schedule: Schedule) -> list[int]:
    """The year each schedule row belongs to (the residual row: the term's last year)."""
    ppy = schedule.terms.periods_per_year
    n = schedule.terms.n
    years = [k // ppy + 1 for k in range(n)]
    if schedule.has_residual_row:
        years.append(-(-n // ppy))
    return years


def service_term_of(offer: Offer, needs: Needs) -> Decimal:
    """Years the service agreement runs: as given, else the financing term, else the horizon."""
    if offer.kind == "allin":
        # parse_offer requires a term (years) for every kind with a schedule, all-in among them
        return cast(Decimal, offer.years)
    if offer.service_years is not None:
        return offer.service_years
    if offer.years is not None:
        return offer.years
    return Decimal(needs.horizon)


def has_service(offer: Offer) -> bool:
    """The offer has service to cover: prices per print, a minimum volume or an environmental fee (all-in always)."""
    return bool(offer.kind == "allin" or offer.service_bw or offer.service_colour or offer.min_volume
                or offer.environmental_fee)


def coverage_of(offer: Offer, needs: Needs) -> Coverage:
    """How the offer covers the horizon (:func:`xlkopi.compare.coverage.coverage`)."""
    return coverage(kind=offer.kind, years=offer.years if offer.has_schedule else None,
                    service_years=service_term_of(offer, needs), has_service=has_service(offer),
                    horizon=needs.horizon, renew=offer.renew, indexation=offer.indexation)


def compute_offer(offer: Offer, key: str, needs: Needs, year_rows: int,
                  planned: Plan | None = None) -> OfferResult:
    """Every figure of one offer except the ranking.

    ``planned`` is the offer's :func:`schedule_of`, when the caller has it already (:func:`compare` builds
    each schedule once, as it checks the offer); without it the schedule is built here.
    """
    s, rate = schedule_of(offer, needs) if planned is None else planned
    term = service_term_of(offer, needs)
    res = OfferResult(key, offer, s, rate, term, [])
    res.coverage = cover = coverage_of(offer, needs)
    cycle = cover.cycle if cover.renew_financing else None
    d = float(needs.discount_rate)
    idx_rate = float(offer.indexation)
    g = float(needs.colour_growth)
    minv = offer.min_volume
    credit = float(offer.unused_credit or 0)
    sp_bw, sp_col = float(offer.service_bw), float(offer.service_colour)

    rows_by_year: dict[int, list[int]] = {}
    year_of_row: list[int] = []     # the year of each schedule row
    if s is not None:
        year_of_row = row_years(s)
        for k, y in enumerate(year_of_row):
            rows_by_year.setdefault(y, []).append(k)
        months = [p * s.terms.months_per_period for p in s.period]
        res.leasingsats = leasing_rate(s)
        if res.leasingsats < 1:  # a single payment above the price has no leasingsats reading
            try:
                res.basisrente = base_rate(res.leasingsats, offer.years, offer.periods_per_year,
                                           float(offer.residual) / float(offer.price), offer.in_advance)
            except ConvergenceError:
                res.basisrente = None
        try:
            res.aop = apr(s, offer.establishment_fee, offer.invoice_fee)
        except ConvergenceError:
            res.aop = None
        if offer.kind == "allin":
            res.click_from_financing = click_price(s.payment * offer.periods_per_year, minv, offer.service_bw)
            res.click = res.click_from_financing
    if offer.kind == "allin" and offer.click_bw is not None:   # as quoted: the supplier's click price is paid
        res.click = offer.click_bw
    if offer.kind == "allin" and res.click is not None:
        # the guide: klikpris = annual lease payment / minimum volume + service price, so the financing in it is
        # (klikpris - service price) x minimum volume a year (the workbook's Tn_ImplicitFinansiering)
        res.implied_financing = xround(float(res.click - offer.service_bw) * minv, 2)
    if offer.kind == "allin" and offer.click_colour is not None:
        sp_col = float(offer.click_colour)
    last = len(s) - 1 if s is not None else -1
    # rows_by_year has rows only when there is a schedule; without one these are never read
    payment_ore = s.payment_ore if s is not None else []
    has_residual_row = s is not None and s.has_residual_row

    cumulative = Decimal(0)
    for y in range(1, year_rows + 1):
        index = (1.0 + idx_rate) ** (y - 1)
        bw = needs.bw
        colour = int(xround(needs.colour * (1.0 + g) ** (y - 1), 0))
        in_service = cover.renew_service or (y - 1) < term
        # a renewed contract: its year cy, and its prices against the original's (the workbook's N and O columns)
        cy = (y - 1) % cycle + 1 if cycle else y
        renewal = (1.0 + idx_rate) ** (y - cy)
        fin_factor = index if offer.index_financing else renewal
        rows = rows_by_year.get(cy, [])
        # Financing
        if offer.kind == "kontant":
            financing = offer.price if y == 1 else Decimal(0)
        elif offer.kind == "allin" or not rows:
            financing = Decimal(0)
        else:
            pay = Decimal(sum(payment_ore[k] for k in rows)) / 100
            financing = xround(float(pay) * fin_factor, 2)
        # Fees: the plan's and the establishment fee with the (renewed) contract, the environmental fee each year
        row_fee = [Decimal(0) if (has_residual_row and k == last) else offer.invoice_fee for k in rows]
        contract_fees = sum(row_fee, Decimal(0)) + (offer.establishment_fee if cy == 1 else 0)
        fees = (contract_fees if y == cy else xround(float(contract_fees) * renewal, 2)) \
            + (offer.environmental_fee if in_service else 0)
        # Service
        service_bw = service_colour = Decimal(0)
        if in_service:
            service_colour = xround(colour * sp_col * index, 2)
            if offer.kind == "allin":
                c = allin_cost(res.click, minv, bw, offer.excess_price, offer.service_bw, offer.unused_credit)
                service_bw = c.total
            else:
                charged = max(bw, minv)
                unused = max(minv - bw, 0)
                service_bw = xround((charged * sp_bw - unused * credit) * index, 2)
        total = financing + fees + service_bw + service_colour
        # Present value: rows at their dates, the start's items at 0, service at the year's end; a renewed
        # contract's rows and start items as the original's, times its prices' factor, moved by its start
        plan_factor = (1.0 + idx_rate) ** (cy - 1) if offer.index_financing else 1.0   # the schedule's J column
        pv = 0.0
        if offer.kind != "allin":
            for k, fee in zip(rows, row_fee, strict=True):
                pv += ((float(Decimal(payment_ore[k]) / 100) * plan_factor + float(fee))
                       * (1.0 + d) ** (-months[k] / 12))
        else:
            for k, fee in zip(rows, row_fee, strict=True):
                pv += float(fee) * (1.0 + d) ** (-months[k] / 12)
        start_items = (offer.establishment_fee + (offer.price if offer.kind == "kontant" else 0)) if cy == 1 else 0
        year_end = float(service_bw + service_colour + (offer.environmental_fee if in_service else 0))
        before_service = (pv + float(start_items)) * renewal * (1.0 + d) ** (-(y - cy))   # the workbook's P
        pv = before_service + year_end * (1.0 + d) ** (-y)
        present_value = xround(pv, 2)
        in_horizon = y <= needs.horizon
        if in_horizon:
            cumulative += total
        res.years.append(Year(y, index, in_horizon, bw, colour, financing, fees, service_bw, service_colour,
                              total, present_value, cumulative if in_horizon else Decimal(0), cy, renewal))

    horizon = [yr for yr in res.years if yr.in_horizon]
    res.total = sum((yr.total for yr in horizon), Decimal(0))
    res.present_value = sum((yr.present_value for yr in horizon), Decimal(0))
    res.financing_total = sum((yr.financing for yr in horizon), Decimal(0))
    res.fees_total = sum((yr.fees for yr in horizon), Decimal(0))
    res.service_total = sum((yr.service_bw + yr.service_colour for yr in horizon), Decimal(0))
    if s is not None:
        # what falls due after the horizon: the rest of the contract running at the horizon (a renewal's at its
        # prices' factor, as the workbook's EfterHorisont: the plan's payments after the horizon's contract year)
        h_cy = (needs.horizon - 1) % cycle + 1 if cycle else needs.horizon
        after = Decimal(sum(p for p, y in zip(s.payment_ore, year_of_row, strict=True) if y > h_cy)) / 100
        res.after_horizon = after if h_cy == needs.horizon else xround(
            float(after) * (1.0 + idx_rate) ** (needs.horizon - h_cy), 2)
    res.bw_pages = sum(yr.bw for yr in horizon)
    res.colour_pages = sum(yr.colour for yr in horizon)
    machine = float(res.financing_total + res.fees_total)
    pages = res.bw_pages + res.colour_pages
    sbw = float(sum((yr.service_bw for yr in horizon), Decimal(0)))
    scol = float(sum((yr.service_colour for yr in horizon), Decimal(0)))
    if res.bw_pages:
        res.cost_bw_page = xround(machine / pages + sbw / res.bw_pages, 4)
    if res.colour_pages:
        res.cost_colour_page = xround(machine / pages + scol / res.colour_pages, 4)
    if offer.rated_volume:
        res.utilisation = pages / needs.horizon / offer.rated_volume
    res.buyouts = _buyouts(res, needs)
    res.flags = red_flags(contract_terms(res, needs))
    return res


def buyout_dates(needs: Needs, count: int) -> list[dt.date]:
    """The anniversaries at which the Indfrielse sheet prices a buyout."""
    return [edate(needs.start, 12 * y) for y in range(1, count + 1)]


def _buyouts(res: OfferResult, needs: Needs) -> list[Buyout]:
    s, offer = res.schedule, res.offer
    if s is None:
        return []
    # a schedule is only made for an offer with a term (schedule_of passes years to lease_schedule)
    last_year = _ceil(cast(Decimal, offer.years))
    dates = buyout_dates(needs, last_year - 1)

    def series(fn):
        return tuple(fn(y, day) for y, day in enumerate(dates, start=1))

    def operational(y, day):
        try:
            return buyout(s, day, "operationel")
        except RuleError:
            return NOT_BEFORE_24

    def remaining_service(y):
        return sum((yr.service_bw + yr.service_colour
                    + (offer.environmental_fee if (yr.year - 1) < res.service_term else 0)
                    for yr in res.years if yr.year > y and (yr.year - 1) < res.service_term), Decimal(0))

    if offer.kind in ("finansiel", "allin"):
        return [Buyout("Alle resterende ydelser", series(lambda y, day: buyout(s, day, "finansiel")), "finansiel")]
    if offer.kind == "operationel":
        return [Buyout("Nutidsværdi af resterende ydelser", series(operational), "operationel")]
    if offer.kind == "leje":
        return [Buyout("Nuværende leverandør (restgæld)", series(lambda y, day: buyout(s, day, "restgaeld")),
                       "restgaeld"),
                Buyout("Skift af leverandør (restgæld + resterende service)",
                       series(lambda y, day: buyout(s, day, "restgaeld") + remaining_service(y)), "skift")]
    return [Buyout("Restgæld", series(lambda y, day: buyout(s, day, "restgaeld")), "restgaeld")]  # banklån


def contract_terms(res: OfferResult, needs: Needs) -> ContractTerms:
    """The offer as the shared red-flag rules read it."""
    o = res.offer
    has_min = o.min_volume > 0
    excess = o.excess_price
    if o.kind == "allin" and excess is None:
        excess = res.click  # no excess price stated: the full click price is charged
    expected = None
    if o.rated_volume:
        expected = Decimal(res.bw_pages + res.colour_pages) / needs.horizon
    return ContractTerms(
        kind=o.kind,
        price=o.price,
        residual=o.residual if o.has_schedule else None,
        years=o.years,
        service_years=res.service_term if (o.service_bw or o.service_colour) else None,
        click_price=res.click,
        excess_price=excess if o.kind == "allin" else None,
        service_price=o.service_bw if o.kind == "allin" else None,
        financing_indexed=bool(o.index_financing and o.indexation > 0 and o.has_schedule),
        secondary_months=o.secondary_months,
        fees=res.fees_total,
        unused_credited=(o.unused_credit is not None) if has_min else None,
        settlement_months=o.settlement_months if has_min else None,
        has_minimum_volume=has_min,
        expected_volume=expected,
        rated_volume=Decimal(o.rated_volume) if o.rated_volume else None,
    )


def _no_schedule(offer: Offer, exc: XlkopiError) -> FieldError:
    """The error for an offer whose terms admit no schedule, on the field the rate was taken from."""
    name = "leasingsats" if offer.rate is None else "rate"
    return FieldError(offer.sheet, offer.row, FIELD_LABEL[name], str(exc))


def check_offer(offer: Offer, needs: Needs) -> FieldError | None:
    """Why the offer's terms admit no schedule (e.g. a leasingsats no rate explains), or None."""
    try:
        schedule_of(offer, needs)
    except XlkopiError as exc:
        return _no_schedule(offer, exc)
    return None


def _year_rows(offers: list[Offer], needs: Needs) -> int:
    terms = [needs.horizon]
    for o in offers:
        if o.years is not None:
            terms.append(_ceil(o.years))
        if o.service_years is not None:
            terms.append(_ceil(o.service_years))
    return max(terms)


def _computed(planned: list[tuple[Offer, Plan]], needs: Needs, rejected: list[FieldError]
              ) -> tuple[list[OfferResult], int]:
    """Each offer's figures and the rows of the year tables.

    An offer whose figures cannot be computed is reported in ``rejected``, never fatal. The year tables
    have a row for every year of the horizon and of every computed offer's terms: when an offer that
    could not be computed had the longest term, the others' rows beyond the new count are cut off. That
    is what computing them again with fewer rows would give: a year's row depends on its year (and the
    rows before it) alone, and the totals, buyouts and flags read only years within the horizon and the
    offer's own terms.
    """
    year_rows = _year_rows([o for o, _ in planned], needs)
    results: list[OfferResult] = []
    for o, plan in planned:
        try:
            results.append(compute_offer(o, f"T{len(results) + 1}", needs, year_rows, plan))
        except XlkopiError as exc:
            rejected.append(FieldError(o.sheet, o.row, FIELD_LABEL["price"], f"tilbuddet kan ikke beregnes: {exc}"))
    if len(results) < len(planned):  # a rejected offer may have had the longest term: lay out without it
        year_rows = _year_rows([r.offer for r in results], needs)
        for r in results:
            del r.years[year_rows:]
    return results, year_rows


def compare(offer_set: OfferSet) -> Comparison:
    """Compute every offer's figures and rank them by present value (1 = cheapest).

    Offers whose terms admit no schedule are left out and reported in
    ``Comparison.rejected``; the others are compared. Each offer's schedule
    is built once: checking the offer's terms is building it.
    """
    needs = offer_set.needs
    planned: list[tuple[Offer, Plan]] = []
    rejected: list[FieldError] = []
    for o in offer_set.offers:
        try:
            planned.append((o, schedule_of(o, needs)))
        except XlkopiError as exc:
            rejected.append(_no_schedule(o, exc))
    results, year_rows = _computed(planned, needs, rejected)
    ranked = [r for r in results if r.coverage is None or r.coverage.ranked]
    for r in ranked:
        # COUNTIFS(NV; "<"&x; Rangeres; 1) + 1: one more than the number of strictly smaller ranked values.
        r.rank = 1 + sum(1 for other in ranked if other.present_value < r.present_value)
    buyout_years = max([len(b.values) for r in results for b in r.buyouts] or [0])
    return Comparison(needs, results, year_rows, buyout_years, rejected, list(offer_set.machines))

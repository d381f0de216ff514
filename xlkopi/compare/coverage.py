"""Equal coverage: every offer is costed over the same horizon, or it is not ranked (pure).

The guide's central advice is to compare offers on the same basis: the same needs over the same
period. An offer that ends before the horizon (a 3-year operational lease in a 5-year comparison) would
cost nothing in its last years, with no machine and no service while the prints are still needed, and
rank first for it. So an offer's **coverage** is the years it provides a machine and its service:

* a lease, rental or all-in contract (finansiel, operationel, leje, all-in): its term, and the service
  term when the offer has service (prices, a minimum volume or an environmental fee);
* an owned machine (kontant køb, banklån): the whole horizon, or the service term when it has service.

An offer whose coverage is shorter than the horizon is, by its ``Fornyelse`` (default ja):

* **renewed on the same terms at the same price, indexed**: the contract starts again every ``L``
  years (``L`` its term), each renewal's payments and fees being the original's times
  ``(1 + indeksering)^(years since the start)``; the service goes on, indexed every year as before;
* or **not ranked** (Fornyelse = nej), with the reason on the summary.

A contract whose term is not a whole number of years cannot be renewed year by year in the year
table, and is not ranked either (the reason says so: shorten the horizon to the term, or compare on
the term). An offer longer than the horizon is costed over the horizon; what falls due after it is
shown beside the total.

>>> from decimal import Decimal as D
>>> c = coverage(kind="operationel", years=D(3), service_years=D(3), has_service=True, horizon=5, renew=True,
...              indexation=D("0.02"))
>>> c.covered, c.renew_financing, c.renew_service, c.ranked
(Decimal('3'), True, True, True)
>>> c.assumption
'Fornyes efter 3 år på samme vilkår og til samme pris, indeksreguleret 2,00 % om året (år 4-5)'
>>> coverage(kind="operationel", years=D(3), service_years=D(3), has_service=True, horizon=5, renew=False,
...          indexation=D(0)).reason
'dækker kun 3 år af horisontens 5 år, og Fornyelse er nej'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..core.vocabulary import format_number, format_percent

OWNED = frozenset({"kontant", "banklaan"})   # the machine is the institution's: it covers the horizon


@dataclass(frozen=True)
class Coverage:
    """How an offer covers the horizon, and what the comparison assumes for it."""

    covered: Decimal | None     # years with a machine and service without renewal (None: the whole horizon)
    renew_financing: bool       # the contract (payments, fees) starts again every ``cycle`` years
    renew_service: bool         # the service goes on after its term
    ranked: bool
    cycle: int | None           # the renewed contract's length in years
    assumption: str             # what the summary shows (Danish)
    reason: str = ""            # why it is not ranked ("" when ranked)


def coverage(*, kind: str, years: Decimal | None, service_years: Decimal, has_service: bool, horizon: int,
             renew: bool, indexation: Decimal) -> Coverage:
    """The coverage of an offer of ``kind`` with ``years`` of financing and ``service_years`` of service."""
    limits = []
    machine = None if kind in OWNED else years
    if machine is not None:
        limits.append(machine)
    if has_service:
        limits.append(service_years)
    covered = min(limits) if limits else None
    if covered is None or covered >= horizon:
        if machine is not None and machine > horizon:
            note = (f"Løbetid {format_number(machine)} år > horisont {horizon} år: ydelserne efter horisonten "
                    "vises, men indgår ikke i totalen")
            return Coverage(covered, False, False, True, None, note)
        return Coverage(covered, False, False, True, None, f"Dækker horisontens {horizon} år")
    span = f"{format_number(covered)} år af horisontens {horizon} år"
    if not renew:
        reason = f"dækker kun {span}, og Fornyelse er nej"
        return Coverage(covered, False, False, False, None, f"Rangeres ikke: {reason}", reason)
    renew_financing = machine is not None and machine < horizon
    renew_service = has_service and service_years < horizon
    if renew_financing and machine is not None and machine != machine.to_integral_value():
        reason = (f"dækker kun {span}, og løbetiden {format_number(machine)} år er ikke hele år, så en fornyelse "
                  f"kan ikke regnes år for år; sæt horisonten til løbetiden eller Fornyelse til nej")
        return Coverage(covered, False, False, False, None, f"Rangeres ikke: {reason}", reason)
    cycle = int(machine) if renew_financing and machine is not None else None
    parts = []
    if cycle is not None:
        parts.append(f"fornyes efter {cycle} år på samme vilkår og til samme pris")
    if renew_service and (cycle is None or service_years < cycle):
        parts.append(f"servicen fortsætter efter {format_number(service_years)} år med samme priser")
    index = f", indeksreguleret {format_percent(indexation, 2)} om året" if indexation else ", uden indeksregulering"
    first = int(covered.to_integral_value(rounding="ROUND_CEILING")) + 1
    years_text = f"år {first}-{horizon}" if first < horizon else f"år {horizon}"
    text = "; ".join(parts)
    return Coverage(covered, renew_financing, renew_service, True, cycle,
                    f"{text[0].upper()}{text[1:]}{index} ({years_text})")

"""Click prices and the annual cost of all-in contracts (the guide's rule 9).

An all-in contract charges one price per print (the klikpris) covering
financing and service, with a minimum volume paid whether used or not.
The pitfall: prints above the minimum charged at the full click price pay
for the machine again; their price should reflect the service price only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, overload

from ..errors import ArgumentError
from ..money import ORE, Number, to_decimal


# A required amount (the default) is a Decimal; only allow_none lets a blank one through as None.
@overload
def _amount(value: Number | None, argument: str, *, positive: bool = ...,
            allow_none: Literal[False] = ...) -> Decimal: ...


@overload
def _amount(value: Number | None, argument: str, *, positive: bool = ..., allow_none: bool) -> Decimal | None: ...


def _amount(value: Number | None, argument: str, *, positive: bool = False,
            allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise ArgumentError(argument, "skal angives")
    d = to_decimal(value, argument)
    if abs(d) > Decimal("1e13"):
        raise ArgumentError(argument, "skal være et endeligt tal", value)
    if positive and d <= 0:
        raise ArgumentError(argument, "skal være større end 0", value)
    if d < 0:
        raise ArgumentError(argument, "må ikke være negativ", value)
    return d


def _ore(value: Decimal) -> Decimal:
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


def click_price(annual_lease_payment: Number | None, annual_min_volume: Number | None,
                service_price_per_print: Number | None) -> Decimal:
    """Klikpris = annual lease payment / annual minimum volume + service price per print.

    Not rounded: a price per print is a rate, and rounding it to øre would
    move the annual cost by up to half an øre per print.

    >>> click_price(22497.96, 100000, 0.08)  # 4 × 5,624.49 kr over 100,000 prints
    Decimal('0.3049796')
    """
    payment = _amount(annual_lease_payment, "annual_lease_payment")
    volume = _amount(annual_min_volume, "annual_min_volume", positive=True)
    if volume < 1:
        raise ArgumentError("annual_min_volume", "skal være mindst 1 tryk", annual_min_volume)
    service = _amount(service_price_per_print, "service_price_per_print")
    return (payment / volume + service).normalize()


@dataclass(frozen=True)
class AllInCost:
    """A year of an all-in contract at an actual volume (amounts in kr)."""

    minimum_charge: Decimal        # click price × minimum volume
    excess_prints: Decimal         # prints above the minimum
    excess_cost: Decimal           # excess prints × excess price
    machine_overpayment: Decimal | None  # excess prints × (excess price − service price)
    unused_prints: Decimal         # minimum volume not used
    credit: Decimal                # unused prints × credit price
    total: Decimal                 # minimum charge + excess cost − credit


def allin_cost(click_price: Number | None, min_volume: Number | None, actual_volume: Number | None,
               excess_price: Number | None = None, service_price: Number | None = None,
               unused_credit_price: Number | None = None) -> AllInCost:
    """The annual cost of an all-in contract at ``actual_volume`` prints.

    Parameters
    ----------
    click_price : number
        Klikpris in kr per print.
    min_volume, actual_volume : number
        Minimum volume (minimumsvolumen) and the prints actually made a year.
    excess_price : number, optional
        Price per excess print; the full click price when omitted (the pitfall).
    service_price : number, optional
        Service price per print; with it, ``machine_overpayment`` tells what
        the excess prints paid for the machine again.
    unused_credit_price : number, optional
        Credit per unused print of the minimum volume, where the contract gives one.

    Examples
    --------
    Twice the minimum volume at the full click price pays twice for the
    machine (the guide):

    >>> c = allin_cost(Decimal("0.30"), 100000, 200000, service_price=Decimal("0.08"))
    >>> c.total, c.machine_overpayment
    (Decimal('60000.00'), Decimal('22000.00'))
    """
    click = _amount(click_price, "click_price")
    minimum = _amount(min_volume, "min_volume")
    actual = _amount(actual_volume, "actual_volume")
    excess_unit = click if excess_price in (None, "") else _amount(excess_price, "excess_price")
    service = _amount(service_price, "service_price", allow_none=True)
    credit_unit = _amount(unused_credit_price, "unused_credit_price", allow_none=True)
    excess = max(actual - minimum, Decimal(0))
    unused = max(minimum - actual, Decimal(0))
    minimum_charge = _ore(click * minimum)
    excess_cost = _ore(excess * excess_unit)
    overpayment = None if service is None else _ore(excess * (excess_unit - service))
    credit = _ore(unused * credit_unit) if credit_unit is not None else Decimal("0.00")
    return AllInCost(minimum_charge, excess, excess_cost, overpayment, unused, credit,
                     minimum_charge + excess_cost - credit)

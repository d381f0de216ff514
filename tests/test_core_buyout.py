"""Buyout (indfrielse) by contract kind.

Sources
-------
* The guide (DOMAIN.md rules 4, 5, 8): financial lease = all remaining payments
  (the residual included); operational lease (the ministry's concept) = from
  24 months, the present value of the remaining payments plus the residual;
  refinancing with the same lessor = the outstanding balance; switching supplier
  on a rental = the financing plus the remaining service payments.
* The Tabel 2 schedule's rows as recalculated by LibreOffice from native formulas
  (tests/test_libreoffice_schedules.py): row 9 (1 Jan 2008) leaves 59,454.37;
  rows 10-19 pay 5,406.21, row 20 5,406.24, row 21 the residual 5,000.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xlkopi.core.buyout import buyout, buyout_ore
from xlkopi.core.schedule import lease_schedule
from xlkopi.errors import ArgumentError, RuleError


@pytest.fixture(scope="module")
def tabel2():
    return lease_schedule(100000, 0.051, 5, 4, 5000, dt.date(2006, 1, 1))


def test_financial_is_every_remaining_payment(tabel2):
    # LibreOffice rows: 10 × 5,406.21 + 5,406.24 + 5,000.00 (the payment due on the date counts as paid)
    assert buyout(tabel2, "2008-01-01", "finansiel") == 10 * Decimal("5406.21") + Decimal("5406.24") + 5000
    assert buyout(tabel2, "2008-01-01", "finansiel") == Decimal("64468.34")
    # The day after: unchanged until the next due date.
    assert buyout(tabel2, "2008-03-31", "finansiel") == Decimal("64468.34")


def test_refinancing_is_the_outstanding_balance(tabel2):
    # LibreOffice row 9 (1 Jan 2008): restforpligtelse 59,454.37
    assert buyout(tabel2, "2008-01-01", "restgaeld") == Decimal("59454.37")
    assert buyout(tabel2, "2008-01-01", "restgæld") == Decimal("59454.37")  # the Danish spelling


def test_switching_supplier_adds_the_remaining_service(tabel2):
    # 11 regular payments (rows 10-20) remain, each with 1,500 kr of service.
    assert buyout(tabel2, "2008-01-01", "skift", service_per_period=1500) == Decimal("59454.37") + 11 * 1500


def test_operational_on_a_due_date_is_the_balance(tabel2):
    assert buyout(tabel2, "2008-01-01", "operationel") == Decimal("59454.37")
    # LibreOffice row 10 (1 Apr 2008): 54,806.20
    assert buyout(tabel2, "2008-04-01", "operationel") == Decimal("54806.20")


def test_operational_between_due_dates_rolls_by_days(tabel2):
    # 31 Mar 2008: 90 of the 91 days of the quarter have run: ROUND(59,454.37 × 1.01275^(90/91); 2)
    expected = Decimal(str(round(59454.37 * 1.01275 ** (90 / 91), 2)))
    assert buyout(tabel2, "2008-03-31", "operationel") == expected
    values = [buyout_ore(tabel2, dt.date(2008, 1, 1) + dt.timedelta(days=d), "operationel") for d in range(91)]
    assert values == sorted(values)  # interest accrues day by day until the next payment


def test_operational_before_24_months_is_refused_in_danish(tabel2):
    with pytest.raises(RuleError) as err:
        buyout(tabel2, "2007-12-31", "operationel")
    message = str(err.value)
    assert "24 måneder" in message and "01-01-2008" in message and "31-12-2007" in message


def test_operational_discount_rate(tabel2):
    day = "2008-06-15"
    at_contract = buyout_ore(tabel2, day, "operationel")
    at_zero = buyout_ore(tabel2, day, "operationel", 0)
    # At 0 % the present value is the nominal sum, the financial buyout.
    assert at_zero == buyout_ore(tabel2, day, "finansiel")
    values = [buyout_ore(tabel2, day, "operationel", r / 100) for r in range(0, 21)]
    assert values == sorted(values, reverse=True)  # a higher discount rate, a lower price
    assert buyout_ore(tabel2, day, "operationel", 0.10) < at_contract < at_zero


def test_before_the_first_and_after_the_last_payment():
    forud = lease_schedule(12000, 0.06, 1, 4, 0, dt.date(2024, 1, 31))
    # In advance the first payment falls due on the start date and counts as paid.
    assert buyout_ore(forud, "2024-01-31", "finansiel") == sum(forud.payment_ore[1:])
    bagud = lease_schedule(12000, 0.06, 1, 4, 0, dt.date(2024, 1, 31), False)
    assert buyout_ore(bagud, "2024-01-31", "finansiel") == sum(bagud.payment_ore)
    assert buyout_ore(bagud, "2024-01-31", "restgaeld") == 1_200_000
    for s in (forud, bagud):
        for kind in ("finansiel", "restgaeld", "skift"):
            assert buyout_ore(s, "2026-01-01", kind, service_per_period=100) == 0


def test_bagud_residual_due_with_the_last_payment():
    s = lease_schedule(10000, 0.05, 1, 4, 500, dt.date(2024, 1, 1), False)
    last_date = s.dates[-1]
    assert s.dates[-2] == last_date
    assert buyout_ore(s, last_date - dt.timedelta(days=1), "finansiel") == s.payment_ore[-2] + 50000
    assert buyout_ore(s, last_date, "finansiel") == 0


@pytest.mark.parametrize("kwargs, argument", [
    (dict(buyout_date="2008-01-01", kind="leje"), "kind"),
    (dict(buyout_date="2005-12-31"), "buyout_date"),
    (dict(buyout_date="i går"), "buyout_date"),
    (dict(buyout_date="2008-01-01", kind="skift", service_per_period=-1), "service_per_period"),
    (dict(buyout_date="2008-06-01", kind="operationel", discount_rate=-1.5), "discount_rate"),
])
def test_bad_arguments_name_the_argument(tabel2, kwargs, argument):
    with pytest.raises(ArgumentError, match=f"'{argument}'"):
        buyout(tabel2, **kwargs)


def test_buyout_needs_a_start_date():
    s = lease_schedule(10000, 0.05, 1, 4)
    with pytest.raises(ArgumentError, match="'start_date'"):
        buyout(s, "2024-01-01")

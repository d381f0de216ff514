"""The worksheet functions through xlwings' real Office.js call path.

Excel's Office.js runtimes (xlwings Lite, xlwings Server) register the
functions from ``xlwings.server.custom_functions_meta(module)`` and call
them with ``await xlwings.server.custom_functions_call(data, module)``,
where ``data`` is the JSON body the xlwings JavaScript client posts for
each invocation. ``xw.func`` only means ``xlwings.server.func`` when
``XLWINGS_ON_SERVER=true`` is set before xlwings is first imported, and
other test modules may import xlwings earlier in this pytest process; so
the module runs in a fresh Python subprocess (a small JSON-lines server,
below) and these tests talk to it like the Excel client does.
xlwings PRO code is used under its PolyForm Noncommercial licence
(``XLWINGS_LICENSE_KEY=noncommercial``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlkopi.core.schedule import lease_schedule
from xlkopi.dates import to_serial

ROOT = Path(__file__).resolve().parents[1]

# The Office.js side: a fresh interpreter with the environment Excel's runtimes have.
SERVER = r"""
import asyncio, json, sys
import xlwings, xlwings.server as server
import xlkopi.udfs as module
loop = asyncio.new_event_loop()
print(json.dumps({"ready": True, "version": xlwings.__version__,
                  "func_is_server_func": xlwings.func is server.func}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "meta":
        out = {"meta": server.custom_functions_meta(module)}
    else:
        try:
            out = {"result": loop.run_until_complete(server.custom_functions_call(req["data"], module))}
        except xlwings.XlwingsError as e:
            # xlwings Server answers HTTP 400 with this text, xlwings Lite reports it as the call's error; the
            # xlwings client then throws CustomFunctions.Error(invalidValue, text): #VALUE! with the text.
            out = {"excel_error": "#VALUE!", "message": str(e)}
        except BaseException as e:  # reported to the test, which fails on it
            out = {"exception": f"{type(e).__name__}: {e}"}
    print(json.dumps(out), flush=True)
"""

MISSING = object()  # an omitted optional argument (Office.js sends null)


class ExcelError(str):
    """The #VALUE! error value a cell shows, carrying its tooltip text (CustomFunctions.Error's message)."""

    code = "#VALUE!"

FUNCTION_NAMES = {"LEASE_SCHEDULE", "LEASE_PAYMENT", "BUYOUT", "CLICK_PRICE", "LEASE_RATE", "BASE_RATE",
                  "APR", "ALLIN_COST", "NOTICE_DEADLINE", "REMAINING_OBLIGATION", "CONTRACT_RATE"}

# The fixed argument orders (the issue) and the documented designs (docs/excel.md); True = optional.
SIGNATURES = {
    "LEASE_SCHEDULE": [("price", False), ("annual_rate", False), ("years", False), ("periods_per_year", True),
                       ("residual", True), ("start_date", True), ("in_advance", True)],
    "CLICK_PRICE": [("annual_lease_payment", False), ("annual_min_volume", False),
                    ("service_price_per_print", False)],
    "BUYOUT": [("price", False), ("annual_rate", False), ("years", False), ("periods_per_year", False),
               ("residual", False), ("start_date", False), ("buyout_date", False), ("kind", True),
               ("in_advance", True), ("discount_rate", True), ("service_per_period", True)],
    "LEASE_PAYMENT": [("price", False), ("annual_rate", False), ("years", False), ("periods_per_year", True),
                      ("residual", True), ("in_advance", True)],
    "LEASE_RATE": [("price", False), ("annual_rate", False), ("years", False), ("periods_per_year", True),
                   ("residual", True), ("in_advance", True)],
    "BASE_RATE": [("leasingsats", False), ("years", False), ("periods_per_year", True),
                  ("residual_share", True), ("in_advance", True)],
    "APR": [("price", False), ("annual_rate", False), ("years", False), ("periods_per_year", True),
            ("residual", True), ("in_advance", True), ("establishment_fee", True), ("fee_per_payment", True)],
    "ALLIN_COST": [("click_price", False), ("min_volume", False), ("actual_volume", False),
                   ("excess_price", True), ("service_price", True), ("unused_credit_price", True),
                   ("detail", True)],
    "NOTICE_DEADLINE": [("start_date", False), ("years", False), ("notice_months", True)],
    "REMAINING_OBLIGATION": [("price", False), ("annual_rate", False), ("years", False), ("periods_per_year", False),
                             ("residual", False), ("start_date", False), ("date", False), ("in_advance", True),
                             ("notice_months", True), ("secondary_months", True)],
    "CONTRACT_RATE": [("payment", False), ("price", False), ("years", False), ("periods_per_year", True),
                      ("residual", True), ("in_advance", True)],
}

GUIDE_START = 38718  # Excel serial of 1 January 2006, the guide's start date (DATE(2006;1;1) = 38718)


class OfficeJsClient:
    """Plays the xlwings JavaScript client: builds the request body Excel's add-in posts."""

    def __init__(self):
        env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
        self.hello = json.loads(self.proc.stdout.readline())
        self.meta = self._ask({"op": "meta"})["meta"]
        self.params = {f["id"]: f["parameters"] for f in self.meta["functions"]}

    def _ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def raw(self, func, args, runtime="1.4", date_format=None):
        """Call with ``args`` exactly as Excel sends them (each a 2-D array or null)."""
        data = {
            "client": "Office.js",
            "func_name": func,
            "args": args,
            "caller_address": "[Bog1.xlsx]Ark1!A1",
            "formula_name": func,
            "session_id": "pytest",
            "culture_info_name": "da-DK",
            "date_format": date_format,
            "version": self.hello["version"],
            "runtime": runtime,
        }
        reply = self._ask({"op": "call", "data": data})
        assert "exception" not in reply, f"{func} raised through custom_functions_call: {reply['exception']}"
        if "excel_error" in reply:
            return [[ExcelError(reply["message"])]]
        return reply["result"]

    def call(self, func, *values, **kw):
        """Call with cell values: a scalar becomes a 1×1 range, a list of lists stays a range."""
        n = len(self.params[func])
        args = []
        for i in range(n):
            v = values[i] if i < len(values) else MISSING
            if v is MISSING:
                args.append(None)
            elif isinstance(v, list):
                args.append(v)
            else:
                args.append([[v]])
        return self.raw(func, args, **kw)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def excel():
    client = OfficeJsClient()
    yield client
    client.close()


def scalar(result):
    """A 1×1 result as its value."""
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


# --------------------------------------------------------------------------- registration

def test_the_office_js_decorators_are_the_ones_in_use(excel):
    assert excel.hello["func_is_server_func"] is True


def test_metadata_names_and_argument_orders(excel):
    assert {f["id"] for f in excel.meta["functions"]} == FUNCTION_NAMES
    # the namespace: =XLKOPI.LEASE_SCHEDULE(...), no clash with another add-in's APR or BUYOUT
    assert {f["name"] for f in excel.meta["functions"]} == {f"XLKOPI.{n}" for n in FUNCTION_NAMES}
    for f in excel.meta["functions"]:
        got = [(p["name"], bool(p.get("optional"))) for p in f["parameters"]]
        assert got == SIGNATURES[f["id"]], f["id"]
        assert f["result"] == {"dimensionality": "matrix", "type": "any"}


def test_every_function_and_argument_has_a_danish_description(excel):
    danish = set("æøåÆØÅ")
    for f in excel.meta["functions"]:
        desc = f["description"]
        assert desc and "Python function" not in desc and len(desc) <= 255, f["name"]
        for p in f["parameters"]:
            assert p["description"] and not p["description"].startswith("Positional argument"), (f["name"], p)
            assert len(p["description"]) <= 255
    # Danish text: the descriptions use the guide's terms with æ, ø, å
    all_text = " ".join(f["description"] + " ".join(p["description"] for p in f["parameters"])
                        for f in excel.meta["functions"])
    assert danish & set(all_text)
    by_name = {f["id"]: f for f in excel.meta["functions"]}
    assert "Betalingsplan" in by_name["LEASE_SCHEDULE"]["description"]
    assert "Restforpligtelse" in by_name["LEASE_SCHEDULE"]["description"]
    assert "forud" in {p["name"]: p for p in by_name["LEASE_SCHEDULE"]["parameters"]}["in_advance"]["description"]


# --------------------------------------------------------------------------- LEASE_SCHEDULE

def test_guide_example_spills_the_schedule(excel):
    # The guide (DOMAIN.md rule 1): 5.1 %, 5 years, quarterly, in advance, 100,000 kr, start 1-1-2006:
    # regular payment 5,624.49 kr.
    table = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 0, GUIDE_START, True)
    assert table[0] == ["Termin", "Dato", "Restforpligtelse", "Ydelse", "Afdrag", "Renter"]
    rows = table[1:]
    assert len(rows) == 20
    assert [r[0] for r in rows] == list(range(1, 21))
    assert all(r[3] == 5624.49 for r in rows[:-1])  # the guide: 5,624.49 kr
    # forud: the first payment on the start date, no interest in it (the core's rounding convention)
    assert rows[0][1] == GUIDE_START and rows[0][5] == 0 and rows[0][2] == 100000 - 5624.49
    assert rows[-1][2] == 0
    # every quarter by EDATE from 1-1-2006: serials of 1 Apr 2006 and 1 Oct 2010 (DATE() in Excel)
    assert rows[1][1] == to_serial(dt.date(2006, 4, 1)) == 38808
    assert rows[-1][1] == to_serial(dt.date(2010, 10, 1))
    # reconciliation (the issue): sum of afdrag = price, sum of ydelse = afdrag + renter, to the øre
    assert round(sum(r[4] for r in rows), 2) == 100000
    assert round(sum(r[3] for r in rows) - sum(r[4] for r in rows) - sum(r[5] for r in rows), 2) == 0


def test_guide_example_with_residual(excel):
    # The guide: a 5 % residual (5,000 kr) lowers the payment to 5,406.21 kr; the residual is its own last row
    table = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 5000, GUIDE_START)
    rows = table[1:]
    assert len(rows) == 21
    assert all(r[3] == 5406.21 for r in rows[:-2])  # the guide: 5,406.21 kr
    assert rows[-1][3] == 5000 and rows[-1][2] == 0
    # due one period after the last advance payment: 1 January 2011
    assert rows[-1][1] == to_serial(dt.date(2011, 1, 1))


def test_spilled_values_equal_the_core_to_the_ore(excel):
    core = lease_schedule(250000, 0.0725, 3, 12, 7500, "2024-01-31", False).table()
    table = excel.call("LEASE_SCHEDULE", 250000, 0.0725, 3, 12, 7500, to_serial(dt.date(2024, 1, 31)), False)
    assert len(table) == len(core)
    for got, want in zip(table[1:], core[1:], strict=True):
        assert got[0] == want[0]
        assert got[1] == to_serial(want[1])
        assert got[2:] == [float(x) for x in want[2:]]
    # bagud, EDATE from 31 January: the first due date is 29 February 2024
    assert table[1][1] == to_serial(dt.date(2024, 2, 29))


def test_dates_in_as_serials_and_as_text_agree(excel):
    by_serial = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 0, GUIDE_START)
    by_text = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 0, "01-01-2006")
    by_iso = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 0, "2006-01-01")
    assert by_serial == by_text == by_iso


def test_dates_out_are_date_formatted_numbers_when_excel_reports_a_format(excel):
    # The xlwings client sends the workbook's short date pattern (Danish Excel: "dd-mm-åååå");
    # from CustomFunctionsRuntime 1.4 xlwings returns dates as FormattedNumber values.
    table = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 0, GUIDE_START, date_format="dd-mm-åååå")
    first = table[1][1]
    assert first == {"type": "FormattedNumber", "basicValue": float(GUIDE_START), "numberFormat": "dd-mm-yyyy"}
    # Older runtimes (< 1.4) get the plain serial number.
    old = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, 4, 0, GUIDE_START, runtime="1.2",
                     date_format="dd-mm-åååå")
    assert old[1][1] == GUIDE_START


def test_without_start_date_the_date_column_is_blank(excel):
    table = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5)
    assert all(r[1] == "" for r in table[1:])
    assert table[1][3] == 5624.49  # the guide's payment; defaults 4 terms a year, forud


def test_rate_path_as_a_two_column_range(excel):
    # 5.1 % from the start, 6 % from 1-1-2008 (serial 39448), as a 2-column range with a blank row
    path = [[GUIDE_START, 0.051], [39448, 0.06], [None, None]]
    table = excel.call("LEASE_SCHEDULE", 100000, path, 5, 4, 0, GUIDE_START)
    core = lease_schedule(100000, [(dt.date(2006, 1, 1), 0.051), (dt.date(2008, 1, 1), 0.06)], 5, 4, 0,
                          "2006-01-01").table()
    assert [r[2:] for r in table[1:]] == [[float(x) for x in r[2:]] for r in core[1:]]
    assert table[1][3] == 5624.49 and table[10][3] != 5624.49  # re-annuitised at the change


def test_empty_optional_cells_mean_the_defaults(excel):
    # an empty referenced cell arrives as [[""]]: same result as omitting the argument
    a = excel.raw("LEASE_SCHEDULE", [[[100000]], [[0.051]], [[5]], [[""]], [[""]], [[GUIDE_START]], [[""]]])
    b = excel.call("LEASE_SCHEDULE", 100000, 0.051, 5, MISSING, MISSING, GUIDE_START)
    assert a == b
    assert a[1][3] == 5624.49


# --------------------------------------------------------------------------- the other functions

def test_lease_payment(excel):
    assert scalar(excel.call("LEASE_PAYMENT", 100000, 0.051, 5)) == 5624.49  # the guide
    assert scalar(excel.call("LEASE_PAYMENT", 100000, 0.051, 5, 4, 5000)) == 5406.21  # the guide
    assert scalar(excel.call("LEASE_PAYMENT", 1200, 0, 1, 12)) == 100  # 0 %: 1,200 / 12


def test_buyout_by_kind(excel):
    args = (100000, 0.051, 5, 4, 5000, GUIDE_START, to_serial(dt.date(2008, 1, 1)))
    # The guide's Tabel 2 lease after two years, the 1-1-2008 payment counted as paid (the core's
    # reconciled schedule): 10 × 5,406.21 + 5,406.24 (settling payment) + 5,000 residual = 64,468.34
    assert scalar(excel.call("BUYOUT", *args)) == 64468.34
    # restgæld = the schedule's restforpligtelse after row 9 (the core's schedule)
    balance = float(lease_schedule(100000, 0.051, 5, 4, 5000, "2006-01-01").rows[8].balance)
    assert scalar(excel.call("BUYOUT", *args, "restgaeld")) == balance == 59454.37
    # operationel on a due date at the contract rate = that balance (the property)
    assert scalar(excel.call("BUYOUT", *args, "operationel")) == balance
    # skift: the financing balance plus 11 remaining service payments of 1,500 kr
    assert scalar(excel.call("BUYOUT", *args, "skift", True, MISSING, 1500)) == balance + 11 * 1500


def test_click_price(excel):
    # rule 9: 4 × 5,624.49 / 100,000 + 0.08 = 0.3049796 kr per print (hand arithmetic)
    assert scalar(excel.call("CLICK_PRICE", 22497.96, 100000, 0.08)) == 0.3049796


def test_lease_rate_base_rate_and_apr(excel):
    assert scalar(excel.call("LEASE_RATE", 100000, 0.051, 5)) == 0.0562449  # 5,624.49 / 100,000 (the guide)
    # the basisrente behind the guide's leasingsats is the guide's 5.1 % (to the rounding of the payment)
    assert abs(scalar(excel.call("BASE_RATE", 0.0562449, 5)) - 0.051) < 1e-6
    # ÅOP without fees: 1.275 % a quarter compounds to 1.01275^4 - 1 = 5.198 % a year (arithmetic; the
    # payment rounded to øre moves it in the 8th decimal)
    assert abs(scalar(excel.call("APR", 100000, 0.051, 5)) - (1.01275 ** 4 - 1)) < 1e-6
    with_fees = scalar(excel.call("APR", 100000, 0.051, 5, 4, 0, True, 1000, 50))
    assert with_fees > 0.052  # fees raise the ÅOP (the core's doctest: 6.08 %)


def test_allin_cost_total_and_detail(excel):
    # rule 9: twice the minimum volume at the full click price pays twice for the machine:
    # 0.30 × 100,000 + 0.30 × 100,000 = 60,000 kr; the excess paid (0.30 - 0.08) × 100,000 = 22,000 kr again
    assert scalar(excel.call("ALLIN_COST", 0.30, 100000, 200000, MISSING, 0.08)) == 60000
    table = excel.call("ALLIN_COST", 0.30, 100000, 200000, MISSING, 0.08, MISSING, True)
    assert table[0] == ["Post", "Værdi"]
    rows = dict((label, value) for label, value in table[1:])
    assert rows["Heraf betalt for maskinen igen (kr)"] == 22000
    assert rows["Årlig omkostning i alt (kr)"] == 60000
    # with the excess priced at the service price only, and credit for unused prints
    assert scalar(excel.call("ALLIN_COST", 0.30, 100000, 80000, 0.08, 0.08, 0.05)) == 30000 - 20000 * 0.05


# --------------------------------------------------------------------------- error messages

@pytest.mark.parametrize("func, args, expected", [
    ("LEASE_SCHEDULE", (100000, 0.051, 0), "LEASE_SCHEDULE: Argumentet 'years' skal være større end 0 (fik 0)"),
    ("LEASE_SCHEDULE", (100000, 0.051, 5, 3),
     "LEASE_SCHEDULE: Argumentet 'periods_per_year' skal være 1, 2, 4 eller 12"),
    ("LEASE_SCHEDULE", (100000, 5.1, 5), "LEASE_SCHEDULE: Argumentet 'annual_rate' skal være en årlig rente"),
    ("LEASE_SCHEDULE", (100000, 0.051, 5, 4, 0, "31-02-2024"),
     "LEASE_SCHEDULE: Argumentet 'start_date' skal være en dato"),
    ("LEASE_SCHEDULE", (-5, 0.051, 5), "LEASE_SCHEDULE: Argumentet 'price' skal være større end 0"),
    ("LEASE_PAYMENT", (100000, 0.051, 5, 4, 200000), "LEASE_PAYMENT: Argumentet 'residual' skal være mindre end"),
    ("BUYOUT", (100000, 0.051, 5, 4, 0, GUIDE_START, 38000), "BUYOUT: Argumentet 'buyout_date' må ikke ligge før"),
    ("BUYOUT", (100000, 0.051, 5, 4, 0, GUIDE_START, 39000, "leje"), "BUYOUT: Argumentet 'kind' skal være en af"),
    ("BUYOUT", (100000, 0.051, 5, 4, 0, GUIDE_START, 39000, "operationel"),
     "BUYOUT: Operationel leasing kan først indfries 24 måneder"),
    ("CLICK_PRICE", (22497.96, 0, 0.08), "CLICK_PRICE: Argumentet 'annual_min_volume' skal være større end 0"),
    ("BASE_RATE", (1.5, 5),
     "BASE_RATE: Argumentet 'leasingsats' skal være under 100 % af prisen, når ydelsen betales forud"),
    ("APR", (100000, 0.051, 5, 4, 0, True, -1), "APR: Argumentet 'establishment_fee' må ikke være negativ"),
    ("ALLIN_COST", (0.3, 100000, 1000, MISSING, MISSING, MISSING, "måske"),
     "ALLIN_COST: Argumentet 'detail' skal være SAND eller FALSK"),
])
def test_bad_input_answers_with_a_danish_message(excel, func, args, expected):
    message = scalar(excel.call(func, *args))
    assert isinstance(message, ExcelError) and message.startswith(expected), message
    assert "Traceback" not in message


def test_error_cells_and_ranges_in_scalar_arguments(excel):
    # An error cell arrives as Office.js' error object; err_to_str hands it over as "#N/A"
    na = [[{"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}]]
    msg = scalar(excel.raw("LEASE_PAYMENT", [[[100000]], na, [[5]], None, None, None]))
    assert msg == "LEASE_PAYMENT: Argumentet 'annual_rate' indeholder Excel-fejlen #N/A; ret cellen, der henvises til"
    msg = scalar(excel.call("LEASE_PAYMENT", 100000, 0.051, [[5, 6]]))
    assert msg == ("LEASE_PAYMENT: Argumentet 'years' skal være en enkelt celle eller værdi, ikke et område "
                   "(fik 'område 1×2')")
    msg = scalar(excel.call("LEASE_PAYMENT", 100000, [[GUIDE_START, 0.05, 1]], 5))
    assert msg.startswith("LEASE_PAYMENT: Argumentet 'annual_rate' skal være én rentesats "
                          "eller et område med præcis to")


def test_a_missing_required_argument_is_named(excel):
    msg = scalar(excel.call("LEASE_SCHEDULE", MISSING, 0.051, 5))
    assert msg == "LEASE_SCHEDULE: Argumentet 'price' skal angives"


# --------------------------------------------------------------------------- junk sweep (Office.js)

JUNK = [None, "", "tekst", float("nan"), float("inf"), -float("inf"), 1e308, -1e308, -1, -0.5, 0, 3000000,
        "31-02-2024", "#N/A", "#VALUE!", True, False, [[1, 2], [3, 4]],
        [[{"type": "Error", "errorType": "Div0", "basicValue": "#DIV/0!"}]]]

VALID = {
    "LEASE_SCHEDULE": (100000, 0.051, 5, 4, 5000, GUIDE_START, True),
    "LEASE_PAYMENT": (100000, 0.051, 5, 4, 5000, True),
    "BUYOUT": (100000, 0.051, 5, 4, 5000, GUIDE_START, 39448, "operationel", True, 0.04, 100),
    "CLICK_PRICE": (22497.96, 100000, 0.08),
    "LEASE_RATE": (100000, 0.051, 5, 4, 5000, True),
    "BASE_RATE": (0.0562449, 5, 4, 0.05, True),
    "APR": (100000, 0.051, 5, 4, 5000, True, 500, 25),
    "ALLIN_COST": (0.3, 100000, 120000, 0.1, 0.08, 0.05, True),
    "NOTICE_DEADLINE": (GUIDE_START, 5, 3),
    "REMAINING_OBLIGATION": (100000, 0.051, 5, 4, 5000, GUIDE_START, 39448, True, 3, 6),
    "CONTRACT_RATE": (5406.21, 100000, 5, 4, 5000, True),
}


def _encode(value):
    if value is None:
        return None  # an omitted argument
    if isinstance(value, list):
        return value
    return [[value]]


def _check_answer(func, result, argument=None):
    """A value, a table, or a Danish message naming the function (and the argument, when given)."""
    assert isinstance(result, list) and result and all(isinstance(r, list) for r in result), result
    first = result[0][0]
    if isinstance(first, ExcelError):
        assert first.startswith(f"{func}:"), first
        assert len(result) == 1 and len(result[0]) == 1
        assert "Traceback" not in first and "Uventet fejl" not in first, first
        if argument is not None and "Argumentet" in first:
            assert f"'{argument}" in first, (argument, first)
        return "message"
    for row in result:
        for cell in row:
            if isinstance(cell, float):
                assert math.isfinite(cell), result
            elif isinstance(cell, str):
                assert not cell.startswith(func), result
    return "value"


def test_junk_sweep_through_office_js(excel):
    outcomes = {"message": 0, "value": 0}
    for func, valid in VALID.items():
        assert _check_answer(func, excel.call(func, *valid)) == "value", func
        names = [p["name"] for p in excel.params[func]]
        for pos, argument in enumerate(names):
            for junk in JUNK:
                args = [_encode(v) for v in valid]
                args[pos] = _encode(junk)
                outcomes[_check_answer(func, excel.raw(func, args), argument)] += 1
    assert outcomes["message"] > 200 and outcomes["value"] > 20, outcomes


json_cells = st.one_of(
    st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["#N/A", "#VALUE!", "#REF!", "31-02-2024", "2006-01-01", "SAND",
                                           "forud", "finansiel", "skift", "5,1%"]),
)
json_args = st.one_of(st.none(), json_cells.map(lambda v: [[v]]),
                      st.lists(st.lists(json_cells, min_size=1, max_size=3), min_size=1, max_size=3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(func=st.sampled_from(sorted(VALID)), data=st.data())
def test_hypothesis_any_cells_give_a_value_or_a_message(excel, func, data):
    n = len(SIGNATURES[func])
    args = data.draw(st.lists(json_args, min_size=n, max_size=n))
    _check_answer(func, excel.raw(func, args))

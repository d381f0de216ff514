"""xlkopi's Excel worksheet functions (xlwings custom functions), importable as ``xlkopi.udfs``.

One module for every xlwings runtime, inside the installed package, so no
runtime needs a source checkout, ``PYTHONPATH`` or ``XLKOPI_HOME``:

* Windows Excel with the classic xlwings add-in: ``xlwings.conf`` says
  ``"UDF MODULES","xlkopi.udfs"`` (xlwings imports it by its dotted name);
  ``xw.func`` is then ``xlwings.udfs.xlfunc`` and *Import Functions* writes
  a VBA wrapper per function. ``xlkopi excel klassisk`` writes that config.
* The Office.js runtimes, xlwings Lite and xlwings Server
  (``XLWINGS_ON_SERVER=true``): ``xw.func`` is ``xlwings.server.func`` and
  the functions are registered from ``custom_functions_meta`` under the
  namespace ``XLKOPI`` (``=XLKOPI.LEASE_SCHEDULE(...)``), set by this
  module's ``__xlwings_func_namespace__``.

The import chain is the standard library, xlwings and ``xlkopi.core``: no
compiled package, so the functions run in Pyodide (xlwings Lite) as they
are (``tests/test_udf_pyodide.py`` runs them there).

Both decorator families take the function description from the docstring
and an argument's description from ``@xw.arg(name, doc=...)``; that is why
the docstrings of the worksheet functions below are short Danish texts
(the classic add-in cuts them at 255 characters for Excel's function
wizard) and the developer notes live here and in comments.

The Python names are upper case on purpose: the classic add-in names the
VBA wrapper, and so the worksheet function, exactly as the Python function,
while Office.js upper-cases it; upper case gives the same fixed names
(``LEASE_SCHEDULE``, ...) everywhere.

Conventions of every function here
----------------------------------
* Arguments arrive as Excel gives them: numbers as floats, booleans as
  bools, date cells as ``datetime`` (classic) or serial numbers (Office.js),
  empty cells as ``None``, error cells as ``"#N/A"``-style strings
  (``err_to_str=True``), ranges as nested lists. An empty cell in an
  optional argument means the default.
* Bad input never shows a traceback. What the cell shows depends on the
  runtime, chosen with a portfolio total in mind (``docs/excel.md``):

  - Office.js runtimes: a real error value, ``#VALUE!``, whose tooltip is the
    Danish message (the function raises :class:`xlwings.XlwingsError`, which
    xlwings Server answers with HTTP 400 and xlwings Lite reports as an
    error, and the xlwings client turns into ``CustomFunctions.Error``). An
    error value propagates, so ``=SUM(...)`` over a column with one bad
    cell is ``#VALUE!`` instead of a total that silently lacks that row.
  - Classic Excel and direct Python calls: the Danish message string,
    ``"<FUNKTION>: Argumentet '<navn>' ..."``, in the cell (the classic
    add-in has no way to return an error value carrying a message; a raised
    error would show a Python traceback). ``SUM`` skips text, so totals there
    need the check the docs give.
* Amounts are floats of the core's exact øre amounts (two decimals); rates
  and shares are unrounded floats; dates are ``datetime`` objects, which
  xlwings hands to Excel as date serials (Office.js: a date-formatted
  number when the add-in reports the workbook's date format).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.util
import inspect
import math
import os
import sys
from decimal import Decimal

import xlwings as xw

from xlkopi.core.buyout import buyout as _buyout
from xlkopi.core.clickprice import allin_cost as _allin_cost
from xlkopi.core.clickprice import click_price as _click_price
from xlkopi.core.obligations import Contract as _Contract
from xlkopi.core.obligations import notice_day as _notice_day
from xlkopi.core.obligations import position as _position
from xlkopi.core.obligations import resolve as _resolve
from xlkopi.core.rates import apr as _apr
from xlkopi.core.rates import base_rate as _base_rate
from xlkopi.core.rates import leasing_rate as _leasing_rate
from xlkopi.core.schedule import lease_schedule as _lease_schedule
from xlkopi.core.vocabulary import (
    AMOUNT,
    COUNT,
    LEASINGSATS,
    MONTHS,
    PER_PRINT,
    PRICE,
    RATE,
    SHARE,
    TERM,
    TIMING,
    parse_yes_no,
    read,
    read_periods_per_year,
)
from xlkopi.errors import ArgumentError, XlkopiError

__all__ = ["LEASE_SCHEDULE", "LEASE_PAYMENT", "BUYOUT", "CLICK_PRICE", "LEASE_RATE", "BASE_RATE",
           "APR", "ALLIN_COST", "NOTICE_DEADLINE", "REMAINING_OBLIGATION", "CONTRACT_RATE", "FUNCTIONS"]

CATEGORY = "xlkopi"  # the classic add-in's function-wizard category (Office.js ignores it)

# The Office.js runtimes' namespace: =XLKOPI.LEASE_SCHEDULE(...). xlwings reads it from the defining module;
# a namespace in an xlwings Server manifest would be prepended, so the scaffold leaves that one empty.
__xlwings_func_namespace__ = "XLKOPI"

# The same test xlwings makes to choose its decorators (xlwings/__init__.py): on Office.js a bad argument
# becomes an error value, elsewhere a message string.
OFFICE_JS = os.environ.get("XLWINGS_ON_SERVER") == "true"


def _mark_pyodide_missing() -> None:
    """Let xlwings' per-argument ``from pyodide.ffi import JsNull`` fail at once outside Pyodide.

    xlwings' Office.js call path tries that import for every argument of every call; on CPython
    (xlwings Server) each failing import searches the whole ``sys.path`` again, about 90 µs, most
    of a call's cost. A ``None`` entry in ``sys.modules`` is Python's own "known to be missing"
    marker (the import system raises ImportError for it without searching), so the same import
    fails in about 13 µs. xlwings is not changed, and nothing is marked where pyodide exists.
    """
    if sys.platform != "emscripten" and "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
        sys.modules["pyodide"] = None  # type: ignore[assignment]


if OFFICE_JS:
    _mark_pyodide_missing()

# Excel's error values as xlwings hands them over with err_to_str=True.
_EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
})

_MAX_EXACT_INT = 2 ** 53
# Below this, a nonzero annual rate is a typing or reference error, not a rate (and floating
# point cannot annuitise it: (1 + r)^n rounds to exactly 1).
_MIN_NONZERO_RATE = 1e-9

# What each numeric argument holds: text is read by the vocabulary ("180.000" is 180000 kr, "5,1 %" is
# 0,051, "60 mdr." is 5 years) and every value, typed or from a cell, is checked against the same ranges
# as the offers reader and the command line, so one input means one thing everywhere.
_QUANTITIES = {
    "price": PRICE, "years": TERM, "residual": AMOUNT, "discount_rate": RATE, "service_per_period": AMOUNT,
    "annual_lease_payment": AMOUNT, "annual_min_volume": COUNT, "service_price_per_print": PER_PRINT,
    "leasingsats": LEASINGSATS, "residual_share": SHARE, "establishment_fee": AMOUNT, "fee_per_payment": AMOUNT,
    "click_price": PER_PRINT, "min_volume": COUNT, "actual_volume": COUNT, "excess_price": PER_PRINT,
    "service_price": PER_PRINT, "unused_credit_price": PER_PRINT,
    "payment": AMOUNT, "notice_months": MONTHS, "secondary_months": MONTHS,
}

# Descriptions shown in Excel (function wizard, Office.js tooltips); Danish, each < 255 chars.
DOCS = {
    "price": "Anskaffelsespris (kontantpris) i kr, fx 100000.",
    "annual_rate": "Nominel årlig rente som decimaltal (5,1 % = 0,051) - eller et område med to kolonner, "
                   "fra-dato og årlig rente, for en variabel rente.",
    "years": "Løbetid i år, fx 5. År gange terminer pr. år skal give et helt antal terminer.",
    "periods_per_year": "Terminer pr. år: 1, 2, 4 (kvartalsvis, standard) eller 12.",
    "residual": "Restværdi i kr, betales som sin egen sidste række (standard 0).",
    "start_date": "Startdato (dato eller Excel-serienummer). Uden startdato vises ingen datoer.",
    "in_advance": "SAND = betaling forud (standard), FALSK = bagud.",
    "buyout_date": "Indfrielsesdato. Ydelser med forfald på eller før datoen regnes som betalt.",
    "kind": 'Aftaletype: "finansiel" (standard), "operationel", "restgaeld" (refinansiering hos samme '
            'leasinggiver) eller "skift" (lejeaftale, skift af leverandør).',
    "discount_rate": "Kun operationel: årlig diskonteringsrente som decimaltal; tom = kontraktens rente.",
    "service_per_period": "Kun skift: serviceydelse pr. termin i kr, som resten af aftalen skylder (standard 0).",
    "annual_lease_payment": "Årlig leasingydelse i kr (fx 4 gange kvartalsydelsen).",
    "annual_min_volume": "Årlig minimumsvolumen i antal tryk.",
    "service_price_per_print": "Servicepris pr. tryk i kr.",
    "leasingsats": "Leasingsats: terminsydelsen som andel af anskaffelsesprisen (5,62449 % = 0,0562449).",
    "residual_share": "Restværdi som andel af anskaffelsesprisen (5 % = 0,05; standard 0).",
    "establishment_fee": "Etableringsgebyr i kr, betales på startdatoen (standard 0).",
    "fee_per_payment": "Gebyr pr. ydelse i kr, fx faktura- eller miljøgebyr (standard 0).",
    "click_price": "Klikpris i kr pr. tryk.",
    "min_volume": "Minimumsvolumen: tryk pr. år, der betales for, uanset om de bruges.",
    "actual_volume": "Faktisk antal tryk pr. år.",
    "excess_price": "Pris pr. overskydende tryk i kr; tom = den fulde klikpris.",
    "service_price": "Servicepris pr. tryk i kr; viser, hvad de overskydende tryk betaler for maskinen igen.",
    "unused_credit_price": "Kredit pr. ubrugt tryk af minimumsvolumen i kr, hvis kontrakten giver kredit.",
    "detail": "SAND = en tabel med posterne; FALSK = kun den samlede årlige omkostning (standard).",
    "payment": "Ydelsen pr. termin i kr, som leverandøren fakturerer (uden service).",
    "date": "Referencedatoen. Ydelser med forfald på eller før datoen regnes som betalt.",
    "notice_months": "Opsigelsesvarsel i måneder før løbetidens udløb (standard 0).",
    "secondary_months": "Sekundær periode i måneder, som følger, hvis aftalen ikke opsiges i tide (standard 0).",
}

SCHEDULE_HEADER = ("Termin", "Dato", "Restforpligtelse", "Ydelse", "Afdrag", "Renter")
ALLIN_LABELS = ("Minimumsbetaling (kr)", "Overskydende tryk (antal)", "Pris for overskydende tryk (kr)",
                "Heraf betalt for maskinen igen (kr)", "Underskydende forbrug (antal tryk)",
                "Kredit for ubrugte tryk (kr)", "Årlig omkostning i alt (kr)")


# --------------------------------------------------------------------------- input helpers

def _is_range(value) -> bool:
    return isinstance(value, (list, tuple))


def _cell(value, argument: str):
    """One cell's value: a 1×1 range is unwrapped, a larger range refused, error values refused."""
    original = value
    while _is_range(value):
        if len(value) != 1:
            raise ArgumentError(argument, "skal være en enkelt celle eller værdi, ikke et område",
                                _shape(original))
        value = value[0]
    if isinstance(value, str) and value.strip().upper() in _EXCEL_ERRORS:
        raise ArgumentError(argument, f"indeholder Excel-fejlen {value.strip().upper()}; "
                                      "ret cellen, der henvises til")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_EXACT_INT:
        # Excel's numbers are doubles; an integer this large can only come from JSON or Python
        # callers, and as a float it meets the core's "urealistisk stort" checks.
        value = float(value)
    elif isinstance(value, Decimal):
        # Excel's numbers are doubles; a Decimal (a Python caller) is read as one, and a
        # signalling NaN, which cannot even be compared, as NaN.
        value = float(value) if value.is_finite() else float("nan")
    return value


def _shape(value) -> str:
    """A range's size as Excel users say it, rows × columns (a flat list is one row)."""
    if value and _is_range(value[0]):
        return f"område {len(value)}×{len(value[0])}"
    return f"område 1×{len(value)}"


def _flag(value, argument: str, words=None) -> bool:
    """Excel's TRUE/FALSE, also 1/0 and the vocabulary's ja/nej words (and forud/bagud where given)."""
    try:
        flag = parse_yes_no(value, argument, words)
    except ArgumentError:
        flag = None
    if flag is None:
        extra = " (eller \"forud\"/\"bagud\")" if words else ""
        raise ArgumentError(argument, f"skal være SAND eller FALSK{extra}", value)
    return flag


def _quantity(value, argument: str):
    """A numeric argument checked by the vocabulary: text becomes its Decimal, a number stays the number.

    A number from a cell is passed on unchanged so that the core rounds it as Excel's ROUND does (the value
    shown to 15 digits); only text needs reading.
    """
    if argument == "periods_per_year":
        return read_periods_per_year(value, argument) if isinstance(value, str) else value
    q = _QUANTITIES.get(argument)
    if q is None or value is None or isinstance(value, bool):
        return value
    parsed = read(q, value, argument)
    return parsed if isinstance(value, str) else value


def _rate_argument(value):
    """``annual_rate`` as the core takes it: a number, or a list of (date, rate) rows.

    Arrives as a 2-D list (``ndim=2``): 1×1 is a fixed rate, n×2 a rate path.
    """
    if not _is_range(value):
        return _check_rate(_cell(value, "annual_rate"), "annual_rate")
    rows = [list(r) if _is_range(r) else [r] for r in value]
    if len(rows) == 1 and len(rows[0]) == 1:
        return _check_rate(_cell(rows[0][0], "annual_rate"), "annual_rate")
    if any(len(r) != 2 for r in rows):
        raise ArgumentError("annual_rate", "skal være én rentesats eller et område med præcis to kolonner "
                                           "(fra-dato, årlig rente)", _shape(value))
    for i, row in enumerate(rows):
        for cell, what in zip(row, ("dato", "rente"), strict=True):   # every row has two cells (checked above)
            if isinstance(cell, str) and cell.strip().upper() in _EXCEL_ERRORS:
                raise ArgumentError(f"annual_rate (række {i + 1}, {what})",
                                    f"indeholder Excel-fejlen {cell.strip().upper()}")
        row[1] = _check_rate(row[1], f"annual_rate (række {i + 1}, rente)")
    return [tuple(r) for r in rows]


def _check_rate(value, argument: str):
    """A rate read by the vocabulary ("5,1 %"), refused when implausible or too small to be meant."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < abs(value) < _MIN_NONZERO_RATE:
        raise ArgumentError(argument, "er så tæt på 0, at det ikke kan være en rente; skriv 0 for rentefri",
                            value)
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return value  # the core names what is wrong with it
    parsed = read(RATE, value, argument)
    return parsed if isinstance(value, str) else value


def _number(value) -> float:
    """A result as an Excel number; Excel has no infinities, so an overflow is reported instead."""
    x = float(value)
    if not math.isfinite(x):
        raise XlkopiError("Resultatet ligger uden for Excels talområde; kontrollér argumenterne")
    return x


def _money(amount: Decimal | None):
    """A Decimal amount as the float Excel shows (two decimals); None stays empty."""
    return None if amount is None else _number(amount)


def _as_datetime(day: dt.date | None):
    """Dates leave as datetimes, which both xlwings runtimes write as date serials."""
    return None if day is None else dt.datetime(day.year, day.month, day.day)


def _rate_float(value: float, digits: int = 12) -> float:
    """A computed rate, without the last binary digits' noise (0.051000000000000004 → 0.051)."""
    return round(_number(value), digits)


# --------------------------------------------------------------------------- the guard

def _message(function: str, err: BaseException) -> str:
    if isinstance(err, ArgumentError):
        return str(err.in_function(function))
    if isinstance(err, XlkopiError):
        return f"{function}: {err}"
    if isinstance(err, RecursionError):
        return f"{function}: Argumenterne er for dybt indlejrede"
    detail = str(err).strip().splitlines()[0] if str(err).strip() else ""
    detail = f" ({type(err).__name__}: {detail[:120]})" if detail else f" ({type(err).__name__})"
    return f"{function}: Uventet fejl{detail}; kontrollér argumenterne"


def _worksheet_function(blank_defaults: dict | None = None, ranges: tuple = ()):
    """Wrap a worksheet function so that Excel's inputs are normalised and no error escapes.

    Parameters
    ----------
    blank_defaults : dict, optional
        Values used for an empty cell in a *required* argument (BUYOUT's
        ``periods_per_year`` and ``residual``); an empty optional argument
        takes the Python default, an empty other required argument is an error.
    ranges : tuple of str
        Arguments that may be ranges (passed through as nested lists); every
        other argument must be a single cell.
    """
    blank_defaults = blank_defaults or {}

    def decorate(body):
        sig = inspect.signature(body)
        params = list(sig.parameters.values())
        name = body.__name__

        @functools.wraps(body)
        def wrapper(*args):
            try:
                if len(args) > len(params):
                    raise ArgumentError(params[-1].name, f"er det sidste argument; funktionen tager højst "
                                                         f"{len(params)} argumenter")
                values = []
                for i, p in enumerate(params):
                    v = args[i] if i < len(args) else None
                    if p.name not in ranges:
                        v = _cell(v, p.name)
                    if v is None or (isinstance(v, str) and v.strip() == ""):
                        if p.default is not inspect.Parameter.empty:
                            v = p.default
                        elif p.name in blank_defaults:
                            v = blank_defaults[p.name]
                        else:
                            raise ArgumentError(p.name, "skal angives")
                    elif p.name not in ranges:
                        v = _quantity(v, p.name)
                    values.append(v)
                return body(*values)
            except Exception as err:  # noqa: BLE001 - a worksheet cell must never see a traceback
                message = _message(name, err)
                if OFFICE_JS:
                    raise xw.XlwingsError(message) from None
                return message

        return wrapper

    return decorate


def _register(f):
    """Apply xlwings' decorators: the description from the docstring, one ``doc`` per argument.

    Equivalent to writing ``@xw.func`` with an ``@xw.arg(name, doc=..., err_to_str=True)``
    per argument above the function; done in a loop so that no argument can be forgotten.
    """
    for p in inspect.signature(f).parameters:
        options = {"doc": DOCS[p], "err_to_str": True}
        if p == "annual_rate":
            options["ndim"] = 2  # a fixed rate (1×1) or a rate path (n×2)
        f = xw.arg(p, **options)(f)
    return xw.func(category=CATEGORY)(f)


# --------------------------------------------------------------------------- worksheet functions

def _beyond_9999(err: Exception) -> bool:
    """A date computed past 31-12-9999 (Python's and Excel's last day)."""
    return (isinstance(err, (ValueError, OverflowError)) and not isinstance(err, XlkopiError)
            and ("out of range" in str(err) or "overflow" in str(err).lower()))


def _late_start() -> ArgumentError:
    return ArgumentError("start_date", "giver forfaldsdatoer efter 31-12-9999, Excels sidste dato")


@contextlib.contextmanager
def _within_excel_dates():
    """Report a date computed past 31-12-9999 as the start date's problem, not as Python's overflow."""
    try:
        yield
    except Exception as err:
        if _beyond_9999(err):
            raise _late_start() from None
        raise


def _schedule(price, annual_rate, years, periods_per_year, residual, start_date, in_advance, function=None):
    """The core schedule; ``function`` names a worksheet function without a start date.

    A rate path's dates only mean something from a start date, so the
    functions without one (LEASE_PAYMENT, LEASE_RATE, APR) take one rate.
    """
    rate = _rate_argument(annual_rate)
    if function is not None and isinstance(rate, list):
        raise ArgumentError("annual_rate", f"skal være én rentesats i {function}; en variabel rente (område "
                                           "med dato og rente) kræver en startdato - brug LEASE_SCHEDULE",
                            _shape(annual_rate))
    return _lease_schedule(price, rate, years, periods_per_year, residual, start_date,
                           _flag(in_advance, "in_advance", TIMING))


@_register
@_worksheet_function(ranges=("annual_rate",))
def LEASE_SCHEDULE(price, annual_rate, years, periods_per_year=4, residual=0, start_date=None,
                   in_advance=True):
    ("Betalingsplan for en leasingaftale (annuitet) på øre: Termin, Dato, Restforpligtelse, Ydelse, Afdrag og "
     "Renter pr. termin; en restværdi er sidste række.")
    with _within_excel_dates():
        s = _schedule(price, annual_rate, years, periods_per_year, residual, start_date, in_advance)
        rows = s.table()[1:]
    out = [list(SCHEDULE_HEADER)]
    for term, due, balance, payment, principal, interest in rows:
        out.append([term, _as_datetime(due), _money(balance), _money(payment), _money(principal),
                    _money(interest)])
    return out


@_register
@_worksheet_function(ranges=("annual_rate",))
def LEASE_PAYMENT(price, annual_rate, years, periods_per_year=4, residual=0, in_advance=True):
    """Terminsydelsen (den faste ydelse pr. termin) for en leasingaftale i kr, afrundet til øre."""
    return _money(_schedule(price, annual_rate, years, periods_per_year, residual, None, in_advance,
                             "LEASE_PAYMENT").payment)


@_register
@_worksheet_function(blank_defaults={"periods_per_year": 4, "residual": 0}, ranges=("annual_rate",))
def BUYOUT(price, annual_rate, years, periods_per_year, residual, start_date, buyout_date,
           kind="finansiel", in_advance=True, discount_rate=None, service_per_period=0):
    ("Indfrielsespris i kr på en dato efter aftaletype: finansiel, operationel (fra 24 måneder), "
     "restgaeld (refinansiering) eller skift (lejeaftale, skift af leverandør).")
    if start_date is None:
        raise ArgumentError("start_date", "skal angives for at beregne en indfrielsespris")
    with _within_excel_dates():
        s = _schedule(price, annual_rate, years, periods_per_year, residual, start_date, in_advance)
        return _money(_buyout(s, buyout_date, kind, discount_rate, service_per_period))


@_register
@_worksheet_function()
def CLICK_PRICE(annual_lease_payment, annual_min_volume, service_price_per_print):
    """Klikpris pr. tryk i kr = årlig leasingydelse / årlig minimumsvolumen + servicepris pr. tryk (ikke afrundet)."""
    return _number(_click_price(annual_lease_payment, annual_min_volume, service_price_per_print))


@_register
@_worksheet_function(ranges=("annual_rate",))
def LEASE_RATE(price, annual_rate, years, periods_per_year=4, residual=0, in_advance=True):
    ("Leasingsats: terminsydelsen som andel af anskaffelsesprisen (formatér cellen som procent). "
     "Sammenlign kun tilbud med samme løbetid og restværdi.")
    s = _schedule(price, annual_rate, years, periods_per_year, residual, None, in_advance, "LEASE_RATE")
    return _number(_leasing_rate(s))


@_register
@_worksheet_function()
def BASE_RATE(leasingsats, years, periods_per_year=4, residual_share=0, in_advance=True):
    """Basisrente: den nominelle årlige rente bag en leasingsats, sammenlignelig med et banklåns rente."""
    ppy = periods_per_year   # years was checked against TERM's range (at most 15) by the wrapper
    if isinstance(ppy, bool):
        raise ArgumentError("periods_per_year", "skal være 1, 2, 4 eller 12", ppy)
    if isinstance(ppy, float) and ppy.is_integer():
        ppy = int(ppy)  # Excel hands every number over as a float
    return _rate_float(_base_rate(leasingsats, years, ppy, residual_share,
                                  _flag(in_advance, "in_advance", TIMING)))


@_register
@_worksheet_function(ranges=("annual_rate",))
def APR(price, annual_rate, years, periods_per_year=4, residual=0, in_advance=True, establishment_fee=0,
        fee_per_payment=0):
    ("ÅOP (årlige omkostninger i procent) for leasingaftalen inkl. gebyrer efter EU's forbrugerkreditdirektiv; "
     "et sammenligningstal (formatér som procent).")
    s = _schedule(price, annual_rate, years, periods_per_year, residual, None, in_advance, "APR")
    return _rate_float(_apr(s, establishment_fee, fee_per_payment))


@_register
@_worksheet_function()
def ALLIN_COST(click_price, min_volume, actual_volume, excess_price=None, service_price=None,
               unused_credit_price=None, detail=False):
    ("Årlig omkostning i kr ved en all-in kontrakt ved det faktiske antal tryk; med detail = SAND en tabel med "
     "overskydende tryk, merbetaling for maskinen og kredit.")
    show = _flag(detail, "detail")
    c = _allin_cost(click_price, min_volume, actual_volume, excess_price, service_price, unused_credit_price)
    if not show:
        return _money(c.total)
    values = (_money(c.minimum_charge), _number(c.excess_prints), _money(c.excess_cost),
              "ikke beregnet (angiv service_price)" if c.machine_overpayment is None
              else _money(c.machine_overpayment),
              _number(c.unused_prints), _money(c.credit), _money(c.total))
    return [["Post", "Værdi"]] + [[label, value] for label, value in zip(ALLIN_LABELS, values, strict=True)]


@_register
@_worksheet_function()
def NOTICE_DEADLINE(start_date, years, notice_months=0):
    ("""Sidste dag for skriftlig opsigelse: løbetidens sidste dag (dagen før startdato + løbetid) """
     """minus opsigelsesvarslet.""")
    start = _excel_date(start_date, "start_date")
    with _within_excel_dates():
        day = _notice_day(start, _term_years(years), _whole_months(notice_months, "notice_months"))
    return _as_datetime(day)


@_register
@_worksheet_function(blank_defaults={"periods_per_year": 4, "residual": 0})
def REMAINING_OBLIGATION(price, annual_rate, years, periods_per_year, residual, start_date, date, in_advance=True,
                         notice_months=0, secondary_months=0):
    ("""Restforpligtelse i kr på en dato: ydelser med forfald efter datoen + restværdi, og den sekundære """
     """periodes ydelser, når opsigelsesfristen er overskredet.""")
    start = _excel_date(start_date, "start_date")
    contract = _Contract("", "", "finansiel", _decimal(price, "price"), _term_years(years),
                         read_periods_per_year(periods_per_year, "periods_per_year"),
                         start, _flag(in_advance, "in_advance", TIMING),
                         rate=_decimal(_check_rate(_cell(annual_rate, "annual_rate"), "annual_rate"), "annual_rate"),
                         residual=_decimal(residual, "residual"),
                         secondary_months=_whole_months(secondary_months, "secondary_months"),
                         notice_months=_whole_months(notice_months, "notice_months"))
    with _within_excel_dates():
        return _money(_position(_resolve(contract), _excel_date(date, "date")).remaining_obligation)


@_register
@_worksheet_function()
def CONTRACT_RATE(payment, price, years, periods_per_year=4, residual=0, in_advance=True):
    """Den nominelle årlige rente bag en eksisterende aftales ydelse i kr (basisrenten), når kun ydelsen kendes."""
    p, k = _decimal(payment, "payment"), _decimal(price, "price")
    for value, argument in ((p, "payment"), (k, "price")):
        if value <= 0:
            raise ArgumentError(argument, "skal være større end 0", value)
    rv = _decimal(residual, "residual")
    if not 0 <= rv < k:
        raise ArgumentError("residual", "skal ligge fra 0 til under anskaffelsesprisen", rv)
    try:
        return _rate_float(_base_rate(p / k, years, periods_per_year, rv / k, _flag(in_advance, "in_advance", TIMING)))
    except ArgumentError as err:
        # base_rate speaks of shares of the price; this function's arguments are amounts in kr
        names = {"leasingsats": "payment", "residual_share": "residual"}
        if err.argument in names:
            raise ArgumentError(names[err.argument], err.problem.replace("prisen", "anskaffelsesprisen"),
                                err.got) from None
        raise


def _excel_date(value, argument: str) -> dt.date:
    """A date argument (cell, serial or text) within Excel's dates, 01-01-1900 to 31-12-9999."""
    from xlkopi.dates import to_date

    if value is None:
        raise ArgumentError(argument, "skal angives")
    day = to_date(value, argument)
    if day < dt.date(1900, 1, 1):
        raise ArgumentError(argument, "skal ligge fra 01-01-1900 (Excels første dato)", day)
    return day


def _decimal(value, argument: str) -> Decimal:
    """A number or a text, read by the vocabulary as the Decimal the core computes with (range-checked)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ArgumentError(argument, "skal være et tal", value)
    return read(RATE if argument == "annual_rate" else AMOUNT, value, argument)


def _term_years(value) -> Decimal:
    years = read(TERM, value, "years")
    return Decimal(years)


def _whole_months(value, argument: str) -> int:
    months = read(MONTHS, value, argument)
    return int(months)


FUNCTIONS = {f.__name__: f for f in (LEASE_SCHEDULE, LEASE_PAYMENT, BUYOUT, CLICK_PRICE, LEASE_RATE,
                                     BASE_RATE, APR, ALLIN_COST, NOTICE_DEADLINE, REMAINING_OBLIGATION,
                                     CONTRACT_RATE)}

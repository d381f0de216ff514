"""The Tjekliste's red flags are live formulas: recalculated in LibreOffice they equal the Python rules.

The oracle is :func:`xlkopi.compare.workbook.checklist_text`, the model's flags (``core/redflags.py``)
as text. Checked: the bundled example; the example with inputs edited in the workbook (openpyxl) and
recalculated, against the model run on offers with the same edits (``dataclasses.replace``); a table of
boundary cases per rule (just below / at / above each threshold); the Danish number texts in three
locales; and the auditor (``xlkopi audit``), whose recomputation from the inputs must find exactly the
flags the recalculated Tjekliste shows, with the same texts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from xlkopi.audit import audit_workbook
from xlkopi.compare.cli import example_offers
from xlkopi.compare.model import Comparison, compare
from xlkopi.compare.offers import Needs, OfferSet, parse_offer, read_offers
from xlkopi.compare.workbook import build_workbook, checklist_text, write_workbook
from xlkopi.compare.workbook.flag_formulas import FORMULAS, cell_text, flag_formula, general_text, number_text
from xlkopi.core import redflags
from xlkopi.core.kinds import KINDS
from xlkopi.core.redflags import RULES
from xlkopi.core.severity import ADVARSEL
from xlkopi.core.vocabulary import format_number

CODES = [rule.code for rule in RULES]


def _tjekliste(path) -> dict[tuple[str, str], object]:
    """``(offer key, rule code) → value`` of a recalculated workbook's Tjekliste, and ``(key, "antal")``."""
    ws = load_workbook(path, data_only=True)["Tjekliste"]
    out: dict[tuple[str, str], object] = {}
    col = 3
    while ws.cell(4, col).value:
        key = str(ws.cell(4, col).value).split()[0]
        for i, code in enumerate(CODES):
            out[(key, code)] = ws.cell(5 + i, col).value
        out[(key, "antal")] = ws.cell(5 + len(CODES), col).value
        col += 1
    return out


def _mismatches(comp: Comparison, shown: dict) -> list[str]:
    """Every Tjekliste cell (and count) that differs from the model's flags."""
    bad = []
    assert {k for k, _ in shown} == {r.key for r in comp.results}
    for r in comp.results:
        for code in CODES:
            if shown[(r.key, code)] != checklist_text(r, code):
                bad.append(f"{r.key} {code}: workbook {shown[(r.key, code)]!r} != model {checklist_text(r, code)!r}")
        red = sum(1 for f in r.flags if f.is_red)   # the fees are info: not counted
        if shown[(r.key, "antal")] != red:
            bad.append(f"{r.key} antal: workbook {shown[(r.key, 'antal')]!r} != model {red}")
    return bad


def _audit_agrees(path, shown: dict) -> None:
    """The auditor's red flags on ``path`` are exactly the Tjekliste's fired cells, with the same texts."""
    result = audit_workbook(path)
    found = {}
    for f in result.findings:
        if f.rule.startswith("rødt_flag:"):
            key = f.message.split("tilbud '")[1].split("'")[0]
            found[(key, f.rule.split(":", 1)[1])] = f
    fired = {kc: v for kc, v in shown.items() if kc[1] != "antal" and v != "OK"}
    assert set(found) == set(fired)
    for kc, f in found.items():
        assert cell_text(f.found, f.expected) == fired[kc], kc
        assert f.severity == next(rule.severity for rule in RULES if rule.code == kc[1])
    assert not [f for f in result.findings if f.sheet == "Tjekliste"]   # nothing wrong with the sheet itself
    assert any(f.rule == "fingeraftryk_ok" for f in result.findings)  # the formulas are the generator's


# ----------------------------------------------------------------------------- the formulas themselves


def test_every_rule_has_a_formula_and_none_uses_text_format_strings():
    assert list(FORMULAS) == CODES
    for code in CODES:
        for kind in KINDS:
            formula = flag_formula(code, "T3", kind)
            if formula is None:
                continue
            assert formula.startswith("=IF(") and "T3_" in formula and "T1_" not in formula
            assert "TEXT(" not in formula   # TEXT's format string is read in the user's locale
            assert len(formula) < 8192      # Excel's limit on a formula


def test_the_thresholds_are_the_constants_of_core_redflags():
    """Sources: the guide's rules 2, 3 and 11 (DOMAIN.md), as constants in core/redflags.py."""
    assert ">0.05," in flag_formula("restvaerdi", "T1", "finansiel")
    assert redflags.MAX_RESIDUAL_SHARE == Decimal("0.05")
    assert "N(T1_Loebetid)>5," in flag_formula("finansiel_loebetid", "T1", "leje")
    assert redflags.MAX_FINANCIAL_YEARS == 5
    assert "N(T1_Loebetid)>3," in flag_formula("operationel_loebetid", "T1", "operationel")
    assert redflags.MAX_OPERATIONAL_YEARS == 3
    assert "T1_Udnyttelse<0.5," in flag_formula("udnyttelse", "T1", "kontant")
    assert redflags.MIN_UTILISATION == Decimal("0.5")
    # the rules' forms, from the same module
    assert {k for k in KINDS if flag_formula("finansiel_loebetid", "T1", k)} == set(redflags.FINANCIAL_TERM_KINDS)
    assert {k for k in KINDS if flag_formula("operationel_loebetid", "T1", k)} == set(
        redflags.OPERATIONAL_TERM_KINDS)


def test_the_sheet_is_coloured_by_conditional_formats_not_fixed_fills():
    comp = compare(read_offers(example_offers()))
    ws = build_workbook(comp)["Tjekliste"]
    last = chr(ord("C") + len(comp.results) - 1)
    by_range = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
    for i, rule in enumerate(RULES):
        row = 5 + i
        rules = by_range[f"C{row}:{last}{row}"]
        colours = {r.operator: r.dxf.fill.bgColor.rgb[-6:] for r in rules}
        assert colours["equal"] == "E2EFDA"                                            # OK
        assert colours["notEqual"] == ("F8CBAD" if rule.severity == ADVARSEL else "DDEBF7")   # red flag / note
        for j in range(len(comp.results)):
            assert ws.cell(row, 3 + j).fill.fill_type is None
    assert next(r for r in RULES if r.code == "gebyrer").severity != ADVARSEL   # the issue: fees are not a red flag


# ----------------------------------------------------------------------------- the example, as generated


@pytest.mark.libreoffice
def test_the_example_tjekliste_recalculated_equals_the_python_rules(tmp_path, recalc):
    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    shown = _tjekliste(recalc(path))
    assert _mismatches(comp, shown) == []
    assert sum(v != "OK" for (_k, code), v in shown.items() if code != "antal") == 9   # fees x3, T4's and T5's
    _audit_agrees(path, shown)


# ----------------------------------------------------------------------------- edit, then recalculate

# (offer, Forudsætninger name suffix, value typed into the workbook, Offer attribute, value in the model)
EDITS = [
    ("T1", "Minimumsvolumen", 150000, "min_volume", 150000),          # above the need (120.000), nothing credited
    ("T1", "SekundaerPeriode", 12, "secondary_months", 12),
    ("T1", "Etableringsgebyr", 1234567.89, "establishment_fee", Decimal("1234567.89")),
    ("T2", "IndeksFinansiering", 1, "index_financing", True),        # indexation 2 %: the financing is indexed
    ("T2", "Kapacitet", 300000, "rated_volume", 300000),              # utilisation below 50 %
    ("T2", "Restvaerdi", 6000, "residual", Decimal("6000")),          # 6 % of the price
    ("T3", "Serviceloebetid", 4, "service_years", Decimal("4")),      # financing 3 years
    ("T4", "SekundaerPeriode", 0, "secondary_months", 0),             # flags that go away
    ("T4", "IndeksFinansiering", 0, "index_financing", False),
    ("T4", "Fakturagebyr", 0, "invoice_fee", Decimal("0")),
    ("T4", "Miljoegebyr", 0, "environmental_fee", Decimal("0")),
    ("T5", "PrisOverskydende", 0.08, "excess_price", Decimal("0.08")),  # = the service price: not the click price
    ("T5", "Kreditering", 0.05, "unused_credit", Decimal("0.05")),
    ("T5", "Kapacitet", 100000, "rated_volume", 100000),
    ("T6", "Kreditering", None, "unused_credit", None),                # the minimum volume is no longer credited
]


def _edited(comp: Comparison) -> Comparison:
    """The model run on the example's offers with :data:`EDITS` applied."""
    offers = []
    for r in comp.results:
        changes = {attr: value for key, _name, _typed, attr, value in EDITS if key == r.key}
        offers.append(replace(r.offer, **changes))
    return compare(OfferSet(comp.needs, offers))


def _type_edits(path, target):
    wb = load_workbook(path)
    for key, suffix, typed, _attr, _value in EDITS:
        (sheet, ref), = wb.defined_names[f"{key}_{suffix}"].destinations
        wb[sheet][ref.replace("$", "")].value = typed
    wb.save(target)
    return target


@pytest.mark.libreoffice
def test_editing_inputs_updates_the_tjekliste_as_the_rules_say(tmp_path, recalc):
    """The issue's point: a flag appears (or goes away) when an input is edited, without generating again."""
    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    edited_path = _type_edits(path, tmp_path / "Rettet.xlsx")
    recalculated = recalc(edited_path)
    shown = _tjekliste(recalculated)
    edited = _edited(comp)
    assert _mismatches(edited, shown) == []
    # what the edits did, spelt out
    assert shown[("T1", "ingen_kreditering")] == ("underskydende forbrug krediteres ikke "
                                                  "(bør være: kreditering til en aftalt pris)")
    assert shown[("T1", "sekundaer_periode")] == "12 måneder (bør være: ingen automatisk forlængelse)"
    assert shown[("T1", "gebyrer")] == "1.234.567,89 kr (bør være: gebyrer medregnet i sammenligningen)"
    assert shown[("T2", "indekseret_finansiering")].startswith("finansieringsdelen indeksreguleres")
    assert shown[("T2", "udnyttelse")] == "46,1 % (bør være: mindst 50,0 %)"
    assert shown[("T2", "restvaerdi")] == "6,0 % (bør være: højst 5,0 %)"
    assert shown[("T3", "service_loebetid")] == "service 4 år, finansiering 3 år (bør være: samme løbetid)"
    assert [shown[("T4", c)] for c in ("sekundaer_periode", "indekseret_finansiering", "gebyrer")] == ["OK"] * 3
    assert [shown[("T5", c)] for c in ("fuld_klikpris", "ingen_kreditering", "udnyttelse")] == ["OK"] * 3
    assert shown[("T6", "ingen_kreditering")] != "OK"
    assert [shown[(k, "antal")] for k in ("T1", "T2", "T3", "T4", "T5", "T6")] == [2, 3, 1, 0, 1, 1]
    # Sammenligning shows the counts it takes from the Tjekliste's count row
    counts = _summary_counts(edited_path, recalculated)
    assert counts == {k: shown[(k, "antal")] for k in ("T1", "T2", "T3", "T4", "T5", "T6")}
    _audit_agrees(edited_path, shown)


def _summary_counts(path, recalculated) -> dict[str, object]:
    """Offer key → the value of each Sammenligning cell that refers to the Tjekliste's count row."""
    formulas = load_workbook(path)
    values = load_workbook(recalculated, data_only=True)["Sammenligning"]
    check = formulas["Tjekliste"]
    count_row = 5 + len(CODES)
    keys = {f"Tjekliste!{chr(ord('C') + j)}{count_row}": str(check.cell(4, 3 + j).value).split()[0]
            for j in range(check.max_column - 2)}
    out = {}
    for row in formulas["Sammenligning"].iter_rows():
        for c in row:
            ref = c.value.lstrip("=").replace("'", "") if isinstance(c.value, str) else None   # 'Tjekliste'!C15
            if ref in keys:
                out[keys[ref]] = values[c.coordinate].value
    return out


# ----------------------------------------------------------------------------- the thresholds, at the boundary

NEEDS = Needs(bw=100000, colour=0, colour_growth=Decimal(0), horizon=5, discount_rate=Decimal("0.04"),
              start=dt.date(2026, 1, 1))
BASE = dict(supplier="Grænse", kind="Finansiel leasing", price=100000, rate=0.05, years=5, periods_per_year=4,
            timing="forud", service_bw=0.08, rated_volume=150000)
"""An offer no rule fires for (utilisation 66,7 %); each case changes what its rule looks at."""
ALLIN = dict(BASE, kind="All-in", price=60000, rate=0, years=3, min_volume=100000, service_bw=0.05, unused_credit=0.01)
"""0 % over 3 years: 5.000 kr a quarter, so the click price is exactly 20.000 / 100.000 + 0,05 = 0,25 kr."""

# (id, rule, changes to BASE (or an offer of its own), fires?, found text when it fires; source of the threshold)
CASES = [
    # the guide's rule 2 / MAX_RESIDUAL_SHARE: a residual of at most 5 % of the price
    ("restvaerdi-under", "restvaerdi", dict(residual=4999.99), False, None),
    ("restvaerdi-ved", "restvaerdi", dict(residual=5000), False, None),
    ("restvaerdi-over", "restvaerdi", dict(residual=5000.01), True, "5,0 %"),
    ("restvaerdi-halv", "restvaerdi", dict(residual=12250), True, "12,3 %"),          # 12,25 % rounds half up
    ("restvaerdi-halv-binaer", "restvaerdi", dict(residual=5050), True, "5,1 %"),     # 5,05 is 5.0499... as a double
    ("restvaerdi-operationel", "restvaerdi", dict(kind="Operationel leasing", years=3, residual=20000), True,
     "20,0 %"),
    # rule 3 / MAX_FINANCIAL_YEARS: financial leases (rentals, all-in) at most 5 years
    ("finansiel-under", "finansiel_loebetid", dict(kind="Lejeaftale", years=4.75), False, None),
    ("finansiel-ved", "finansiel_loebetid", dict(kind="Lejeaftale", years=5), False, None),
    ("finansiel-over", "finansiel_loebetid", dict(kind="Lejeaftale", years=5.25), True, "5,25 år"),
    ("finansiel-banklaan", "finansiel_loebetid", dict(kind="Banklån", years=7), False, None),   # not a lease
    # rule 3 / MAX_OPERATIONAL_YEARS: operational leases at most 3 years
    ("operationel-under", "operationel_loebetid", dict(kind="Operationel leasing", years=2.75), False, None),
    ("operationel-ved", "operationel_loebetid", dict(kind="Operationel leasing", years=3), False, None),
    ("operationel-over", "operationel_loebetid", dict(kind="Operationel leasing", years=3.25), True, "3,25 år"),
    # rule 10: the service term equal to the financing term
    ("service-kortere", "service_loebetid", dict(service_years=4.5), True, "service 4,5 år, finansiering 5 år"),
    ("service-ens", "service_loebetid", dict(service_years=5), False, None),
    ("service-laengere", "service_loebetid", dict(service_years=5.5), True, "service 5,5 år, finansiering 5 år"),
    ("service-ingen-pris", "service_loebetid", dict(service_years=4, service_bw=0), False, None),
    # rule 9: excess prints at (or above) the click price pay for the machine again; at the service price: fine
    ("klik-tom", "fuld_klikpris", dict(ALLIN), True, "0,2500 kr pr. tryk (= klikprisen)"),
    ("klik-service", "fuld_klikpris", dict(ALLIN, excess_price=0.05), False, None),
    ("klik-under", "fuld_klikpris", dict(ALLIN, excess_price=0.2499), False, None),
    ("klik-ved", "fuld_klikpris", dict(ALLIN, excess_price=0.25), True, "0,2500 kr pr. tryk (= klikprisen)"),
    ("klik-over", "fuld_klikpris", dict(ALLIN, excess_price=0.2501), True, "0,2501 kr pr. tryk (= klikprisen)"),
    ("klik-halv", "fuld_klikpris", dict(ALLIN, excess_price="0,30125"), True, "0,3013 kr pr. tryk (= klikprisen)"),
    # rule 8: indexation of the service only (any indexation above 0 % of the financing fires)
    ("indeks-nul", "indekseret_finansiering", dict(index_financing="ja", indexation=0), False, None),
    ("indeks-over", "indekseret_finansiering", dict(index_financing="ja", indexation=0.001), True,
     "finansieringsdelen indeksreguleres"),
    ("indeks-service", "indekseret_finansiering", dict(index_financing="nej", indexation=0.03), False, None),
    # rule 6: any automatic secondary period
    ("sekundaer-nul", "sekundaer_periode", dict(secondary_months=0), False, None),
    ("sekundaer-en", "sekundaer_periode", dict(secondary_months=1), True, "1 måneder"),
    ("sekundaer-max", "sekundaer_periode", dict(secondary_months=120), True, "120 måneder"),
    # rule 10 (info): any fee above 0 kr is noted
    ("gebyr-nul", "gebyrer", dict(), False, None),
    ("gebyr-oere", "gebyrer", dict(establishment_fee=0.01), True, "0,01 kr"),
    ("gebyr-tusind", "gebyrer", dict(establishment_fee=999.99, invoice_fee=0.01), True, "1.000,19 kr"),
    ("gebyr-mio", "gebyrer", dict(establishment_fee=12345678.9), True, "12.345.678,90 kr"),
    # rules 8 and 10: unused prints of a minimum volume credited at a stated price (0 kr is a stated price)
    ("kredit-uden-minimum", "ingen_kreditering", dict(min_volume=0), False, None),
    ("kredit-mangler", "ingen_kreditering", dict(min_volume=1), True, "underskydende forbrug krediteres ikke"),
    ("kredit-nul-kr", "ingen_kreditering", dict(min_volume=1, unused_credit=0), False, None),
    # rule 11 / MIN_UTILISATION: at least 50 % of the rated volume (100.000 prints a year needed)
    ("udnyttelse-under", "udnyttelse", dict(rated_volume=200001), True, "50,0 %"),    # 49,99975 %
    ("udnyttelse-ved", "udnyttelse", dict(rated_volume=200000), False, None),
    ("udnyttelse-over", "udnyttelse", dict(rated_volume=199999), False, None),
    ("udnyttelse-halv", "udnyttelse", dict(rated_volume=320000), True, "31,3 %"),     # 31,25 % rounds half up
    ("udnyttelse-lav", "udnyttelse", dict(kind="Kontant køb", rated_volume=1000000), True, "10,0 %"),
]


def _case_offer(i: int, changes: dict):
    raw = dict(BASE, **changes)
    if raw["kind"] == "Kontant køb":
        for attr in ("rate", "years", "periods_per_year", "timing"):
            raw.pop(attr)
    return parse_offer(dict(raw, supplier=f"Grænse {i + 1}"), i + 2)


@pytest.fixture(scope="module")
def boundaries(tmp_path_factory, soffice):
    """The cases as one comparison, written and recalculated once."""
    from xlkopi.io.libreoffice import recalculate

    comp = compare(OfferSet(NEEDS, [_case_offer(i, changes) for i, (_id, _code, changes, *_r) in enumerate(CASES)]))
    assert not comp.rejected
    folder = tmp_path_factory.mktemp("graenser")
    path = write_workbook(comp, folder / "Graenser.xlsx")
    return comp, path, _tjekliste(recalculate(path, folder / "recalculated"))


def test_the_base_offer_fires_nothing():
    comp = compare(OfferSet(NEEDS, [_case_offer(0, {})]))
    assert comp.results[0].flags == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("i", range(len(CASES)), ids=[case[0] for case in CASES])
def test_each_threshold_at_the_boundary(boundaries, i):
    comp, _path, shown = boundaries
    _id, code, _changes, fires, found = CASES[i]
    r = comp.results[i]
    text = checklist_text(r, code)
    assert (text != "OK") == fires                  # the table states the rule (the Python oracle agrees)
    if fires:
        assert text.startswith(found + " (bør være: ")
    assert shown[(r.key, code)] == text               # the formula agrees


@pytest.mark.libreoffice
def test_every_cell_and_count_of_the_boundary_workbook(boundaries):
    comp, path, shown = boundaries
    assert _mismatches(comp, shown) == []
    _audit_agrees(path, shown)


# ----------------------------------------------------------------------------- Danish numbers in any locale

FIXED_VALUES = ["0", "0.004", "-0.004", "0.005", "-0.005", "1", "2.675", "1.005", "1.015", "8.345", "5.05", "0.00015",
                "0.30125", "0.2964196", "999.994", "999.995", "1000", "1234.5", "-1234.5", "999999.99", "1000000",
                "-1234567.891", "123456789012.34"]
"""Halves that a binary double holds just below (1,005 is 1.00499999999999989...) round up, as Python's Decimal."""
GENERAL_VALUES = ["5", "6", "5.5", "2.25", "0.75", "14.5", "-0.5", "10", "120"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["da-DK", "en-US", "de-CH"])
def test_number_texts_are_danish_in_every_locale(tmp_path, soffice, monkeypatch, locale):
    """The same text in LibreOffice's Danish, English and Swiss (1'234.5) locales: no format string is read
    in the locale. The control cell shows the locale did take effect."""
    import xlkopi.io.libreoffice as lo

    monkeypatch.setattr(lo, "_REGISTRY", lo._REGISTRY.replace("da-DK", locale))
    wb = Workbook()
    ws = wb.active
    ws["A1"] = 1.5
    ws["B1"] = '=A1&""'
    want = {}
    row = 2
    for value in FIXED_VALUES:
        for decimals in (1, 2, 4):
            ws.cell(row, 1, float(value))
            ws.cell(row, 2, "=" + number_text(f"A{row}", decimals))
            want[row] = format_number(Decimal(value), decimals)
            row += 1
    for value in GENERAL_VALUES:
        ws.cell(row, 1, float(value))
        ws.cell(row, 2, "=" + general_text(f"A{row}"))
        want[row] = format_number(Decimal(value))
        row += 1
    wb.save(tmp_path / "tal.xlsx")
    got = load_workbook(lo.recalculate(tmp_path / "tal.xlsx", tmp_path / "out"), data_only=True).active
    assert got["B1"].value == ("1,5" if locale == "da-DK" else "1.5")
    assert {r: got.cell(r, 2).value for r in want} == want

"""The auditor on xlkopi's own comparison workbooks: inputs read back through the defined names.

Expected values come from the comparison model (:mod:`xlkopi.compare.model`),
which the generator's Tjekliste shows and which tests/test_compare_workbook.py
holds equal to LibreOffice recalculating the workbook's formulas.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_compare_workbook import edge_cases, random_offers

from xlkopi.audit import audit_workbook
from xlkopi.audit.comparison import comparison_flags
from xlkopi.audit.engine import resolve_names
from xlkopi.audit.reader import read_workbook
from xlkopi.compare import readback
from xlkopi.compare.cli import example_offers
from xlkopi.compare.fields import NEED_FIELDS, OFFER_FIELDS
from xlkopi.compare.model import compare
from xlkopi.compare.offers import read_offers
from xlkopi.compare.workbook import write_workbook


def _values(path):
    return {name: value for name, value, _s, _c in resolve_names(read_workbook(path))}


@pytest.mark.parametrize("offer_set", [read_offers(example_offers()), edge_cases(), random_offers()],
                         ids=["eksempel", "kanter", "tilfaeldige"])
def test_inputs_read_back_equal_the_offers_written(tmp_path, offer_set):
    """Invariant: writing a comparison and reading its inputs back gives the same needs and offers."""
    comp = compare(offer_set)
    path = write_workbook(comp, tmp_path / "s.xlsx")
    values = _values(path)
    assert readback.is_comparison(values)
    assert readback.offer_keys(values) == [r.key for r in comp.results]
    assert readback.read_needs(values) == comp.needs
    for r in comp.results:
        back = readback.read_offer(values, r.key)
        # the sheet shows the service term the model used (the offer's own, or the default it implies)
        assert back == replace(r.offer, row=None, sheet=back.sheet, service_years=r.service_term)


def test_every_tjekliste_flag_is_found_at_its_input_cell(tmp_path):
    """The auditor finds each red flag the generator's Tjekliste shows, no more, at the input it is about."""
    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    found = [f for f in audit_workbook(path).findings if f.rule.startswith("rødt_flag:")]
    expected = {(r.key, flag.code) for r in comp.results for flag in r.flags}
    assert len(expected) == 9   # the example's Tjekliste: fees x3, and T4's and T5's flags
    assert {(f.message.split("tilbud '")[1][:2], f.rule.split(":")[1]) for f in found} == expected
    cells = {f.rule.split(":")[1] + "@" + f.message.split("tilbud '")[1][:2]: f.cell for f in found}
    # Forudsætninger: needs in rows 5-10, offers from row 12 (one column each from C): T5 is column G
    assert cells["fuld_klikpris@T5"] == "G30"          # T5_PrisOverskydende
    assert cells["udnyttelse@T5"] == "G37"             # T5_Kapacitet (below Fornyelse)
    assert cells["sekundaer_periode@T4"] == "F34"      # T4_SekundaerPeriode
    severities = {f.rule.split(":")[1]: f.severity for f in found}
    assert severities["fuld_klikpris"] == "advarsel" and severities["gebyrer"] == "info"
    # one rule table: the auditor's severity is the rule's, the one the Tjekliste counts by
    from xlkopi.core.redflags import RULES

    assert severities == {rule.code: rule.severity for rule in RULES if rule.code in severities}
    assert severities["udnyttelse"] == "advarsel"   # the issue: info in the auditor, a red flag in the comparison


def test_unequal_coverage_is_flagged_and_xlkopis_own_numbers_are_not(tmp_path):
    """The issue's example: T3 (3 years) over a 5-year horizon cost 0 kr in years 4-5; T5 runs past it.

    xlkopi's workbook now renews T3 on the same terms (coverage.py), so the auditor notes the assumption
    (info) instead of warning; a workbook without the equal-coverage inputs is still warned about.
    """
    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "Sammenligning.xlsx")
    result = audit_workbook(path)
    coverage = {}
    for f in result.findings:
        if f.rule == "ulige_daekning":
            coverage.setdefault(f.message.split("'")[1], []).append(f)
    assert set(coverage) == {"T3", "T5"}
    (t3,) = [f for f in coverage["T3"] if "dækker" in f.message]
    assert t3.severity == "info" and t3.cell == "E35" and "fornyes efter 3 år på samme vilkår" in t3.message
    (t5,) = coverage["T5"]
    assert t5.severity == "info" and t5.amount == float(next(r for r in comp.results if r.key == "T5").after_horizon)
    # the generator's counts, flags and IRR guesses (=IF(T1_Antal=20,...), IRR(...,0.01)) are not findings
    assert not [f for f in result.findings if f.rule == "hardkodet_tal"]


def test_unequal_coverage_in_a_workbook_without_renewal_is_a_warning():
    from xlkopi.audit.comparison import _coverage
    from xlkopi.compare.model import compare as run_compare

    comp = run_compare(read_offers(example_offers()))
    t3 = next(r for r in comp.results if r.key == "T3")
    where = {"T3_Loebetid": ("Forudsætninger", "E19")}   # no T3_Fornyelse: an older workbook
    found = _coverage("T3", t3, comp.needs.horizon, where)
    assert [f.severity for f in found] == ["advarsel", "advarsel"] and "koster 0 kr" in found[0].message


def _retype(path, dst, cell_xml_from: bytes, cell_xml_to: bytes):
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":   # Forudsætninger (Beslutning is first)
                assert cell_xml_from in data
                data = data.replace(cell_xml_from, cell_xml_to, 1)
            zout.writestr(info, data)
    return dst


def test_an_input_typed_over_with_nonsense_is_reported_and_the_rest_still_checked(tmp_path):
    comp = compare(read_offers(example_offers()))
    path = write_workbook(comp, tmp_path / "s.xlsx")
    # T5's residual (G22) typed over with more than its price
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    start = data.index(b'<c r="G22"')
    old = data[start:data.index(b"</c>", start) + 4]
    bad = _retype(path, tmp_path / "bad.xlsx", old, b'<c r="G22"><v>999999</v></c>')
    found = audit_workbook(bad).findings
    info = [f for f in found if f.rule == "kan_ikke_efterproeves"]
    assert len(info) == 1 and info[0].cell == "G22" and "Tilbud T5" in info[0].message
    assert "Restværdi" in info[0].message
    keys = {f.message.split("tilbud '")[1][:2] for f in found if f.rule.startswith("rødt_flag:")}
    assert {"T3", "T4", "T6"} <= keys          # the other offers are still recomputed
    # T5's own names are still looked at one by one: its 6-year financial term is flagged
    assert any(f.rule == "rødt_flag:finansiel_loebetid" and f.cell == "G19" for f in found)


_INPUT_SUFFIXES = {suffix for suffix, *_ in OFFER_FIELDS}
_NEED_NAMES = {name for name, *_ in NEED_FIELDS}
_JUNK = st.one_of(st.none(), st.just(""), st.booleans(), st.text(max_size=12), st.integers(-10**15, 10**15),
                  st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(),
                  st.sampled_from(["All-in", "Lejeaftale", "Kontant køb", "-1", "1e308", "0,0001", "100 %"]))


@pytest.fixture(scope="module")
def example_names(tmp_path_factory):
    path = write_workbook(compare(read_offers(example_offers())), tmp_path_factory.mktemp("junk") / "s.xlsx")
    return resolve_names(read_workbook(path))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_junk_typed_into_any_input_never_raises(example_names, data):
    """Whatever is typed into the inputs, the read-back gives findings, never an exception."""
    resolved = list(example_names)
    inputs = [i for i, (name, *_rest) in enumerate(resolved) if name.split("_", 1)[-1] in _INPUT_SUFFIXES
              or name in _NEED_NAMES]
    for i in data.draw(st.lists(st.sampled_from(inputs), min_size=1, max_size=6, unique=True)):
        name, _value, sheet, cell = resolved[i]
        resolved[i] = (name, data.draw(_JUNK), sheet, cell)
    found, handled = comparison_flags(resolved)
    assert all(f.severity in ("fejl", "advarsel", "info") for f in found)
    assert handled <= {"T1", "T2", "T3", "T4", "T5", "T6"}

"""The guide's red flags for a lease, rental or all-in offer.

One table of rules shared by the comparison workbook's *Tjekliste*, the
register of existing contracts and the auditor, with one severity per rule
(:mod:`xlkopi.core.severity`): a red flag is *advarsel* everywhere; the
guide's note that fees must be counted is *info* (the comparison counts
them, so they are not a fault of the offer). Each rule reads a
:class:`ContractTerms` (plain data: whatever is known about one contract;
``None`` means unknown and the rule is silent) and returns a
:class:`RedFlag` with the found and the expected value and the guide's
reason in one Danish sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .kinds import KINDS as KINDS  # the financing forms' codes, one table (core/kinds.py)
from .severity import ADVARSEL, INFO
from .vocabulary import format_amount, format_number, format_percent


@dataclass(frozen=True)
class ContractTerms:
    """What is known about one contract; every field is optional."""

    kind: str | None = None                 # one of KINDS
    price: Decimal | None = None            # anskaffelsespris, kr
    residual: Decimal | None = None         # restværdi, kr
    years: Decimal | None = None            # financing term (løbetid), years
    service_years: Decimal | None = None    # service agreement term, years
    click_price: Decimal | None = None      # klikpris, kr per print
    excess_price: Decimal | None = None     # price of prints above the minimum volume, kr
    service_price: Decimal | None = None    # service price per print, kr
    financing_indexed: bool | None = None   # indexation touches the financing part
    secondary_months: int | None = None     # automatic secondary period, months (0 = none)
    fees: Decimal | None = None             # establishment + invoice + environmental fees, kr
    unused_credited: bool | None = None     # unused prints of the minimum volume are credited
    has_minimum_volume: bool | None = None  # the contract has a minimum volume
    expected_volume: Decimal | None = None  # expected prints a year
    rated_volume: Decimal | None = None     # the supplier's rated prints a year
    settlement_months: int | None = None    # the minimum volume is settled every so many months (12: yearly)


@dataclass(frozen=True)
class RedFlag:
    code: str
    title: str
    reason: str
    found: str
    expected: str
    severity: str = ADVARSEL

    @property
    def is_red(self) -> bool:
        """A red flag proper (advarsel), not a note for the record (info)."""
        return self.severity == ADVARSEL


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    reason: str
    check: Callable[[ContractTerms], tuple[str, str] | None] = field(repr=False)
    severity: str = ADVARSEL

    def __call__(self, terms: ContractTerms) -> RedFlag | None:
        hit = self.check(terms)
        if hit is None:
            return None
        found, expected = hit
        return RedFlag(self.code, self.title, self.reason, found, expected, self.severity)


# The thresholds and financing forms of the rules below, one place for every reader of them: the rules here and
# the comparison workbook's live Tjekliste formulas (xlkopi/compare/workbook/flag_formulas.py).
MAX_RESIDUAL_SHARE = Decimal("0.05")
"""The guide (rule 2): a residual value should not exceed 5 % of the acquisition price."""
MAX_FINANCIAL_YEARS = Decimal(5)
"""The guide (rule 3): a financial lease (and so a rental or an all-in contract) should run at most 5 years."""
MAX_OPERATIONAL_YEARS = Decimal(3)
"""The guide (rule 3): an operational lease under the ministry's concept should run at most 3 years."""
MIN_UTILISATION = Decimal("0.5")
"""The guide (rule 11): a machine should not run below 50 % of the volume the supplier rates it for."""
YEARLY_SETTLEMENT = 12
"""The guide (Serviceaftalen): with seasonal volumes, settle the minimum volume over the whole year (months)."""
FINANCIAL_TERM_KINDS = ("finansiel", "leje", "allin")
"""The forms the 5-year limit applies to: a financial lease, a rental (financial lease + service), all-in."""
OPERATIONAL_TERM_KINDS = ("operationel",)
"""The forms the 3-year limit applies to."""
NO_SERVICE_TERM_KINDS = ("kontant",)
"""The forms without a financing term to hold the service term against."""


def _pct(x: Decimal) -> str:
    return format_percent(x, 1)


def _kr4(x) -> str:
    """A price per print as the workbooks show it: 0,2964 kr."""
    return format_amount(x, decimals=4)


def _years(x: Decimal) -> str:
    return f"{format_number(x)} år"


def _residual(t: ContractTerms):
    if t.residual is None or not t.price:
        return None
    share = Decimal(t.residual) / Decimal(t.price)
    return (_pct(share), f"højst {_pct(MAX_RESIDUAL_SHARE)}") if share > MAX_RESIDUAL_SHARE else None


def _financial_term(t: ContractTerms):
    if t.kind not in FINANCIAL_TERM_KINDS or t.years is None:
        return None
    if Decimal(t.years) > MAX_FINANCIAL_YEARS:
        return (_years(t.years), f"højst {_years(MAX_FINANCIAL_YEARS)}")
    return None


def _operational_term(t: ContractTerms):
    if t.kind not in OPERATIONAL_TERM_KINDS or t.years is None:
        return None
    if Decimal(t.years) > MAX_OPERATIONAL_YEARS:
        return (_years(t.years), f"højst {_years(MAX_OPERATIONAL_YEARS)}")
    return None


def _service_term(t: ContractTerms):
    if t.service_years is None or t.years is None or t.kind in NO_SERVICE_TERM_KINDS:
        return None
    if Decimal(t.service_years) == Decimal(t.years):
        return None
    return (f"service {_years(t.service_years)}, finansiering {_years(t.years)}", "samme løbetid")


def _excess_full_click(t: ContractTerms):
    if t.excess_price is None or t.click_price is None:
        return None
    if t.service_price is not None and Decimal(t.excess_price) <= Decimal(t.service_price):
        return None
    if Decimal(t.excess_price) >= Decimal(t.click_price):
        return (f"{_kr4(t.excess_price)} pr. tryk (= klikprisen)", "kun serviceprisen pr. tryk")
    return None


def _indexed_financing(t: ContractTerms):
    return ("finansieringsdelen indeksreguleres", "kun servicedelen indeksreguleres") if t.financing_indexed else None


def _secondary(t: ContractTerms):
    if t.secondary_months:
        return (f"{t.secondary_months} måneder", "ingen automatisk forlængelse")
    return None


def _fees(t: ContractTerms):
    if t.fees is not None and Decimal(t.fees) > 0:
        return (format_amount(t.fees), "gebyrer medregnet i sammenligningen")
    return None


def _unused_credit(t: ContractTerms):
    if t.unused_credited is False and t.has_minimum_volume is not False:
        return ("underskydende forbrug krediteres ikke", "kreditering til en aftalt pris")
    return None


def _settlement(t: ContractTerms):
    # "Er der store sæsonmæssige udsving ..., er det vigtigt at have helårlig afregning. Dette gælder naturligvis
    # primært, hvis der ikke krediteres for underskydende forbrug."
    if (t.settlement_months is not None and t.settlement_months < YEARLY_SETTLEMENT and t.has_minimum_volume
            and t.unused_credited is False):
        return (f"afregning hver {t.settlement_months}. måned uden kreditering", "helårlig afregning")
    return None


def _utilisation(t: ContractTerms):
    if not t.rated_volume or t.expected_volume is None:
        return None
    share = Decimal(t.expected_volume) / Decimal(t.rated_volume)
    return (_pct(share), f"mindst {_pct(MIN_UTILISATION)}") if share < MIN_UTILISATION else None


RULES: tuple[Rule, ...] = (
    Rule("restvaerdi", "Restværdi over 5 %",
         "Restværdien er en ydelse som de andre og skal betales, også hvis aftalen ændres; "
         "den bør ikke overstige 5 % af anskaffelsesprisen.",
         _residual),
    Rule("finansiel_loebetid", "Finansiel leasing over 5 år",
         "Finansielle leasingaftaler bør højst løbe 5 år, så løbetiden svarer til maskinernes levetid.",
         _financial_term),
    Rule("operationel_loebetid", "Operationel leasing over 3 år",
         "Operationelle leasingaftaler under ministeriets koncept bør højst tegnes med 3 års løbetid.",
         _operational_term),
    Rule("service_loebetid", "Serviceaftalens løbetid afviger fra finansieringens",
         "Serviceaftalens løbetid bør svare til finansieringsaftalens, så man ikke bindes på servicen ved et skift.",
         _service_term),
    Rule("fuld_klikpris", "Overskydende tryk til fuld klikpris",
         "Overskydende tryk til fuld klikpris betaler maskinen igen; prisen bør kun afspejle serviceprisen.",
         _excess_full_click),
    Rule("indekseret_finansiering", "Finansieringsdelen indeksreguleres",
         "Finansieringsydelsen bør ligge fast; kun serviceydelsen bør indeksreguleres efter faste rammer.",
         _indexed_financing),
    Rule("sekundaer_periode", "Automatisk sekundær periode",
         "Aftalen fortsætter i en uopsigelig sekundær periode, medmindre den opsiges skriftligt i tide.",
         _secondary),
    Rule("gebyrer", "Gebyrer",
         "Faktura-, miljø- og etableringsgebyrer skal med i sammenligningen; ÅOP medregner dem.",
         _fees, INFO),
    Rule("ingen_kreditering", "Underskydende forbrug krediteres ikke",
         "Insistér på, at underskydende forbrug krediteres til en pris, der står i aftalen.",
         _unused_credit),
    Rule("afregning", "Afregning oftere end årligt",
         "Er der store sæsonmæssige udsving i kopi- og printforbruget, er det vigtigt at have helårlig afregning; "
         "det gælder især, når underskydende forbrug ikke krediteres.", _settlement),
    Rule("udnyttelse", "Udnyttelse under 50 %",
         "En maskine bør ikke køre under 50 % af den volumen, leverandøren oplyser den til.",
         _utilisation),
)


def red_flags(terms: ContractTerms) -> list[RedFlag]:
    """Every rule that fires for ``terms``, in the guide's order.

    >>> [f.code for f in red_flags(ContractTerms(kind="finansiel", price=Decimal(100000),
    ...                                          residual=Decimal(10000), years=Decimal(6)))]
    ['restvaerdi', 'finansiel_loebetid']
    """
    return [flag for rule in RULES if (flag := rule(terms)) is not None]

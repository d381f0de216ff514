"""Volume sensitivity: each offer's present value and rank when the volumes differ from the needs (pure).

Needs are estimates; a ranking that flips when the b/w and colour volume are 10 % lower is worth knowing
before the committee meets. A step scales both volumes by ``1 + f``, rounded to whole prints as the
year table rounds them (``ROUND(Behov_SH*(1+f);0)``, the colour volume before its growth), and
recomputes every offer with the model (:func:`xlkopi.compare.model.compute_offer`): minimum volumes,
all-in excess prints and credits respond as they do in the year table. The rank is the comparison's:
by present value among the offers that cover the horizon.

>>> from decimal import Decimal as D
>>> scaled(120000, D("-0.30")), scaled(15000, D("0.10"))
(84000, 16500)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .model import Comparison, compute_offer, xround

FACTORS: tuple[Decimal, ...] = tuple(Decimal(x) / 100 for x in (-30, -20, -10, 0, 10, 20, 30))
"""The steps the issue asks for: -30 % to +30 % b/w and colour volume, 0 % being the needs as given."""


def scaled(volume: int, factor: Decimal) -> int:
    """``volume`` times ``1 + factor``, to whole prints (halves away from zero, as ROUND)."""
    return int(xround(volume * (1.0 + float(factor)), 0))


@dataclass(frozen=True)
class Step:
    """One volume step: the volumes, each offer's present value and rank (0: not ranked), the cheapest."""

    factor: Decimal
    bw: int
    colour: int
    present_values: dict[str, Decimal]
    ranks: dict[str, int]

    @property
    def cheapest(self) -> str | None:
        return next((k for k, rank in self.ranks.items() if rank == 1), None)


def sensitivity(comp: Comparison, factors: tuple[Decimal, ...] = FACTORS) -> list[Step]:
    """Every offer recomputed at each volume step (the schedules are the comparison's own)."""
    steps = []
    for f in factors:
        needs = replace(comp.needs, bw=scaled(comp.needs.bw, f), colour=scaled(comp.needs.colour, f))
        pvs: dict[str, Decimal] = {}
        ranked: list[str] = []
        for r in comp.results:
            res = compute_offer(r.offer, r.key, needs, comp.year_rows, (r.schedule, r.rate))
            pvs[r.key] = res.present_value
            if res.coverage is not None and res.coverage.ranked:
                ranked.append(r.key)
        ranks = {k: (1 + sum(1 for o in ranked if pvs[o] < pvs[k]) if k in ranked else 0) for k in pvs}
        steps.append(Step(f, needs.bw, needs.colour, pvs, ranks))
    return steps

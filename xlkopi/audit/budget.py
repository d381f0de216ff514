"""The formula budget: how much formula text one workbook may cost the formula rules.

One :class:`Budget` is made per workbook and shared by all its sheets; the
relative-form engine (:mod:`.r1c1`), openpyxl's Translator and tokenizer
and the fingerprint check pay for the characters they handle from it.
"""

from __future__ import annotations

FORMULA_BUDGET = 10_000_000
"""Characters of formula text one workbook may cost the formula rules (:class:`Budget`): two to three seconds
(about 0.2 µs a character in the per-cell relative form, 1.5 µs in openpyxl's tokenizer)."""
TOKEN_WEIGHT = 6
"""What one character costs in openpyxl's tokenizer or Translator, in units of the relative-form engine."""


class Budget:
    """How much formula text is still analysed in this workbook; shared by all its sheets.

    Every path is charged by the characters it handles: the per-cell
    relative form by the formula's length, the array path by the shape's
    length per distinct form, the tokenizer (hard-coded numbers) and the
    Translator (expected formulas) by :data:`TOKEN_WEIGHT` per character.
    What does not fit is skipped and told as a ``begraenset`` info finding,
    so a 30 MB file of long formulas costs seconds, not minutes.
    """

    def __init__(self, units: int | None = None):
        self.total = FORMULA_BUDGET if units is None else units
        self.left = self.total

    def take(self, units: int) -> bool:
        """Pay for ``units``; False (and nothing more from then on) when they do not fit."""
        if units > self.left:
            self.left = -1   # once short, stay short: the skipped part is one tail, not scattered cells
            return False
        self.left -= units
        return True

    @property
    def short(self) -> bool:
        return self.left < 0

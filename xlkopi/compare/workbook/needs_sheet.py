"""The Behovsanalyse sheet: the existing machines, their measured annual volumes and the guide's 50 % rule.

One row per machine of the offers file's ``Maskiner`` sheet (:class:`~xlkopi.compare.needs.Machine`):
the readings, dates and capacity as input cells, and as formulas the days between the readings, the
annual volumes (the rule of :func:`~xlkopi.compare.needs.annual_volume`:
``ROUND((reading 2 − reading 1) × DagePrAar / days; 0)``), the utilisation (volume / capacity) and its
assessment (below ``MinUdnyttelse``, 50 %). Below them the sums, the needs the comparison uses
(``Behov_SH``, ``Behov_Farve`` on Forudsætninger) and how they compare with the measured volume (within
``BehovTolerance``, 10 %: :func:`~xlkopi.compare.needs.verdict`). The rule's constants are locked cells
with defined names, so the formulas hold no typed numbers.

Defined names: ``Maalt_SH``, ``Maalt_Farve`` (the sums), ``Maskine_SH``, ``Maskine_Farve``,
``Maskine_Udnyttelse`` (the columns), ``DagePrAar``, ``MinUdnyttelse``, ``BehovTolerance``.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..fields import DATE, INT, PCT
from ..needs import DAYS_PER_YEAR, LOW, MIN_UTILISATION, NO_CAPACITY, TOLERANCE, Machine
from .state import Writer
from .style import (
    BOLD,
    BOX,
    FIXED_FILL,
    FLAG_FILL,
    INPUT_FILL,
    OK_FILL,
    UNLOCKED,
    WRAP,
    head,
    intro,
    page,
    put,
    text_cell,
)

SHEET = "Behovsanalyse"
TOP = 8
"""The header row of the machine table (the rule's constants are in rows 4-6)."""

HEADERS = ("Placering", "Model", "Målerstand s/h (dato 1)", "Målerstand farve (dato 1)", "Dato 1",
           "Målerstand s/h (dato 2)", "Målerstand farve (dato 2)", "Dato 2", "Kapacitet (tryk pr. år)",
           "Dage", "S/h tryk pr. år", "Farvetryk pr. år", "I alt pr. år", "Udnyttelse", "Vurdering")
_WIDTHS = (24, 18, 13, 13, 12, 13, 13, 12, 13, 8, 13, 13, 13, 11, 26)
MATCH = "Svarer til det målte forbrug (±10 %)"
"""The texts of the comparison's formula (those of :func:`~xlkopi.compare.needs.verdict`)."""


def write_needs_sheet(w: Writer, ws, machines: Sequence[Machine] | None = None) -> None:
    """Write the Behovsanalyse sheet ``ws`` for ``machines`` (default: the comparison's ``machines``).

    The formulas refer to ``Behov_SH`` and ``Behov_Farve``, which the Forudsætninger sheet defines.
    """
    if machines is None:
        machines = list(getattr(w.comp, "machines", ()) or ())
    intro(ws, "Behovsanalyse: de nuværende maskiner",
          "Vejledningen (afsnit 3.3): den årlige volumen findes ved aflæsning af tællerne på de nuværende "
          "maskiner, og en maskine bør ikke køre under 50 % af den volumen, leverandøren angiver. Årsvolumen = "
          "(målerstand 2 − målerstand 1) × dage pr. år / dage mellem aflæsningerne, afrundet til hele tryk. "
          "Gule celler er input; de øvrige er formler.",
          len(HEADERS))
    for row, (label, name, value, fmt) in enumerate((
            ("Dage pr. år", "DagePrAar", DAYS_PER_YEAR, "0"),
            ("Mindste udnyttelse (vejledningen)", "MinUdnyttelse", float(MIN_UTILISATION), PCT),
            ("Behovet svarer til målingen inden for", "BehovTolerance", float(TOLERANCE), PCT)), start=4):
        text_cell(ws.cell(row, 1), label).border = BOX
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        put(ws, row, 3, value, fmt).fill = FIXED_FILL
        w.name(name, ws, f"$C${row}")
    head(ws, TOP, HEADERS)
    ws.row_dimensions[TOP].height = 45
    first = TOP + 1
    last = first + max(len(machines), 1) - 1
    for i, m in enumerate(machines):
        _machine_row(ws, first + i, m)
    if not machines:
        text_cell(ws.cell(first, 1), "Ingen maskiner i tilbudsfilens ark Maskiner.")
    total = last + 1
    text_cell(ws.cell(total, 1), "I alt (målt)").font = BOLD
    for col in (11, 12, 13):
        L = get_column_letter(col)
        put(ws, total, col, f"=SUM({L}{first}:{L}{last})", INT, bold=True)
    for name, col in (("Maskine_SH", 11), ("Maskine_Farve", 12), ("Maskine_Udnyttelse", 14)):
        L = get_column_letter(col)
        w.name(name, ws, f"${L}${first}:${L}${last}")
    w.name("Maalt_SH", ws, f"$K${total}")
    w.name("Maalt_Farve", ws, f"$L${total}")
    _comparison(ws, total + 2, total)
    for j, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(first, 3)
    page(ws, landscape=True, title_rows=f"{TOP}:{TOP}", title_cols="A:B")


def _machine_row(ws, r: int, m: Machine) -> None:
    """One machine: its inputs and the formulas of the volume rule and the 50 % rule."""
    for col, text in enumerate((m.location, m.model), start=1):
        c = text_cell(ws.cell(r, col), text)
        c.border, c.alignment = BOX, WRAP
    inputs: tuple[tuple[int, object, str], ...] = (
        (3, m.bw_first, INT), (4, m.colour_first, INT), (5, m.first, DATE), (6, m.bw_second, INT),
        (7, m.colour_second, INT), (8, m.second, DATE), (9, m.rated_volume, INT))
    for col, value, fmt in inputs:
        c = put(ws, r, col, value, fmt)
        c.fill, c.protection = INPUT_FILL, UNLOCKED
    put(ws, r, 10, f"=H{r}-E{r}", "0")
    put(ws, r, 11, f"=ROUND((F{r}-C{r})*DagePrAar/J{r},0)", INT)
    put(ws, r, 12, f"=ROUND((G{r}-D{r})*DagePrAar/J{r},0)", INT)
    put(ws, r, 13, f"=K{r}+L{r}", INT)
    put(ws, r, 14, f'=IF(ISNUMBER(I{r}),M{r}/I{r},"–")', PCT).alignment = Alignment(horizontal="right")
    c = put(ws, r, 15, f'=IF(ISNUMBER(I{r}),IF(N{r}<MinUdnyttelse,"{LOW}","OK"),"{NO_CAPACITY}")')
    if m.assessment != NO_CAPACITY:
        c.fill = FLAG_FILL if m.assessment == LOW else OK_FILL


def _comparison(ws, top: int, total: int) -> None:
    """The needs the comparison uses beside the measured ones: difference, percent and assessment."""
    head(ws, top, ["Behov og måling", "", "S/h tryk pr. år", "Farvetryk pr. år"])
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=2)
    measured_row, need_row = top + 1, top + 2
    rows = (
        ("Målt (sum af maskinerne)", f"=K{total}", f"=L{total}", INT),
        ("Behov (Forudsætninger)", "=Behov_SH", "=Behov_Farve", INT),
        ("Forskel (behov − målt)", f"=C{need_row}-C{measured_row}", f"=D{need_row}-D{measured_row}", INT),
        ("Forskel i procent af det målte", f'=IF(C{measured_row}=0,"–",C{top + 3}/C{measured_row})',
         f'=IF(D{measured_row}=0,"–",D{top + 3}/D{measured_row})', PCT),
        ("Vurdering", _verdict("C", measured_row, need_row), _verdict("D", measured_row, need_row), None),
    )
    for i, (label, bw, colour, fmt) in enumerate(rows, start=1):
        r = top + i
        text_cell(ws.cell(r, 1), label).border = BOX
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        for col, formula in ((3, bw), (4, colour)):
            c = put(ws, r, col, formula, fmt)
            c.alignment = WRAP if fmt is None else Alignment(horizontal="right")
    ws.row_dimensions[top + 5].height = 44   # three lines of the verdict in the narrow columns


def _verdict(L: str, measured_row: int, need_row: int) -> str:
    """The formula of :func:`~xlkopi.compare.needs.verdict` on column ``L``'s measured and stated need."""
    m, n = f"{L}{measured_row}", f"{L}{need_row}"
    return (f'=IF({m}=0,"Ingen måling",IF(ABS({n}-{m})<=BehovTolerance*{m},"{MATCH}",'
            f'IF({n}>{m},"Over det målte forbrug","Under det målte forbrug")))')

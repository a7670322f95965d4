"""Small-count suppression of indicator cells, so that no published figure identifies a person.

Primary: a cell is published only when its numerator and denominator are both at least
`threshold`. Complementary: when exactly one unit's cell of an indicator is hidden, the
city total minus the published units would give it away, so the next smallest cell (by
denominator, then numerator, then key) is hidden too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Cell:
    key: str
    numerator: int
    denominator: int
    suppressed: bool = False


def primary(cell: Cell, threshold: int) -> Cell:
    hidden = cell.numerator < threshold or cell.denominator < threshold
    return replace(cell, suppressed=cell.suppressed or hidden)


def suppress(cells: Sequence[Cell], threshold: int) -> list[Cell]:
    """The cells of one indicator across the units of one level, with suppression marked."""
    marked = [primary(cell, threshold) for cell in cells]
    hidden = [cell for cell in marked if cell.suppressed]
    shown = [cell for cell in marked if not cell.suppressed]
    if len(hidden) == 1 and shown:
        partner = min(shown, key=lambda c: (c.denominator, c.numerator, c.key))
        marked = [replace(c, suppressed=True) if c is partner else c for c in marked]
    return marked

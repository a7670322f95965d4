"""`?units=2025`: a past period re-expressed on Hanoi's 126 wards and communes of 2025.

Method: each count is placed in the 2025 unit its person or dossier belongs to. Residents,
accounts (through their resident) and dossiers (through their owner) are counted afresh in the
unit the person's address history gives on 2025-07-01 (`REFORM_DAY`), or, where the history has
no 2025 unit, through the crosswalk from the old ward it names on the period's last day (a
dossier: the day it was received) (services/metrics/residence.unit_2025_column). Monthly active
users, and accounts or dossiers whose person has no registry row, carry a unit code, placed
here:
- a 2025 code stays where it is;
- a pre-2025 ward code goes to the crosswalk's default new unit (`is_default`, the unit
  vietnamadminunits places an address of that old ward in when no street is known), so a
  person whose old ward was split is counted once, in one unit, never shared out;
- a 2024 district code cannot be placed in one ward (a district became several): it counts in
  the city row only, so the city total stays the city's and the units may sum to less.
The city row is the same number as in the default table; suppression treats the two as one.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from functools import cache

from services.metrics.residence import REFORM_DAY  # noqa: F401 (the indicators read it here)
from services.metrics.sources import Rows
from services.metrics.units import CITY_CODE
from services.reference.crosswalk_2025 import hanoi_crosswalk

VIEW = "units-2025"  # the third key coordinate of re-expressed cells


@cache
def _default_of_old_ward() -> dict[str, str]:
    return {row["old_ward_code"]: row["new_unit_code"] for row in hanoi_crosswalk() if row["is_default"]}


def placer(new_codes: Collection[str]) -> Callable[[str], str | None]:
    """unit code as counted -> the 2025 unit it is placed in, or None (the city only)."""
    new = frozenset(new_codes)
    defaults = _default_of_old_ward()
    return lambda code: code if code in new else defaults.get(code)


def regrouped(counts: dict[str, int], place: Callable[[str], str | None]) -> dict[str, int]:
    """Counts per 2025 unit; a count given for the city (distinct users) is left out here."""
    found: dict[str, int] = defaultdict(int)
    for code, count in counts.items():
        unit = place(code) if code != CITY_CODE else None
        if unit is not None:
            found[unit] += count
    return dict(found)


def regrouped_rows(rows: Rows, place: Callable[[str], str | None]) -> Rows:
    """A query's rows per 2025 unit, as `regrouped` places them; a code that cannot be placed (a
    district) keeps its own row, which the city row alone reads."""
    found: dict[str, list[int]] = {}
    for code, counts in rows.items():
        unit = place(code) or code
        found[unit] = [a + b for a, b in zip(found.get(unit, [0] * len(counts)), counts)]
    return {unit: tuple(counts) for unit, counts in found.items()}

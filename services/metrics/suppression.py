"""Small-count suppression that survives subtraction across periods and units.

Everything here is pure: plain values in, plain values out, no database, no Flask.

The rule
--------
1. Primary: a cell is hidden when any of its measures (numerator, denominator; requests,
   active users) is under `threshold`.
2. Complementary, the standard "at least two hidden cells in every marginal relation" rule:
   in every relation `total = sum of parts` (across periods AND units, and usage features)
   the number of hidden members is 0 or >= 2. When exactly one is hidden, the smallest
   published member (by the table's `order` - for indicators denominator, then numerator -
   then key) is hidden too; repeated to a fixed point.
3. Its known limit: it guards each relation on its own. Combined relations (a year minus
   three quarters of one unit, then the city minus the other units of that quarter) can
   in rare cases still pin a cell. So the attacker (`attack`) runs on what would be
   published, and while it pins cells, one more partner per pinned cell (the smallest
   published cell sharing a relation with it) is hidden and the rule runs again. The
   result is checked, not assumed.

The attacker
------------
`attack` (services/metrics/attacker.py) sees only the published values and the relations
and solves them exactly (rank test by Gauss-Jordan over the rationals: a hidden cell is
pinned when a reduced equation has it as its only unknown; also hidden cells forced to 0
because their sum is 0). It does not use inequality bounds (numerator <= denominator;
scipy's linprog would be needed): they narrow a hidden cell to a range, not to one value,
except in corner cases this module does not guard. The relations are built by
services/metrics/relations.py.

Which sums an attacker can use, per measure
-------------------------------------------
A relation is listed for a measure only when it holds for that measure; listing one that
does not hold only costs cells, leaving one out that holds leaks. So when unsure: list it.
- Indicator numerators and denominators add up along units (city = its units, at the level
  of that period; unit_tree for more levels). Along periods they either add up (flows:
  dossiers received / finished in the period: `periods="sum"`, year = quarters = months) or
  are the value at the period's end (stocks: verified accounts, certificate holders, health
  records, population, monthly active users of the last month: `periods="last"`, year = Q4 =
  December).
- Usage requests add up along days -> months, units -> city and features -> `any`.
- Usage active users are distinct counts: a month's is NOT the sum of its days', and `any`
  is NOT the sum of the features'. They do add along units -> city (each citizen is counted
  in their one unit, and HyperLogLog is exact at small counts), so that relation is kept.

Wiring (for the integrator)
---------------------------
Input: a `Table` - `values` maps a key to its measures ({"numerator": n, "denominator": d});
`relations` maps each measure to the relations it satisfies; `order` names the measures in
the order the smallest partner is chosen by. Keys are tuples (unit, period, *rest); periods
are labels "2024", "2024-Q3", "2024-11", "2024-11-05"; only published cells appear.
Output: `protect(table, threshold)` -> `Protection` with `primary`, `complementary`,
`hidden` (their union; show a cell iff `key not in protection.hidden`) and `pinned` (what
the attacker still pins - empty unless the relations force a value; the tests assert it).
`cost(table, protection)` -> `Cost` counts for the README.
Speed: one indicator, 126 units + city, a year with its 4 quarters and 12 months (2,159
cells, 42% of them small) takes about 4 s with periods="sum", 0.1 s with "last" (one core):
decide once per indicator and year and keep the hidden set, not per request.

- Indicator export: per indicator, ALL its published periods and levels together:
  `protect(indicator_table({(unit, period): (n, d), ...}, city=CITY_CODE, periods="sum" or
  "last"), threshold)`; the city rows are cells like any other. Decide once over the
  whole table, then filter by period / unit for an answer (same hidden set for every query).
- A running period: pass `empty=` the sub-periods that have not begun (e.g. "2026-12" on
  30 November 2026), else the running year has no relation to its quarters and months.
  Stocks then relate the running year to its last begun month (`Period.last_month`).
- Units that hold different parts of a period (2025: the districts January to June, the
  wards and communes July to December): pass `empty_for=` per (unit, *rest) the periods its
  cells hold nothing of, taken from what the table counts in that unit (not from its kind: a
  commune re-expressed on `?units=2025` does hold January to June). Else a commune's 2025 has
  no relation to its Q3 and Q4, and the year minus one quarter gives the other. A sum over
  units is then written only where every unit's cell covers what the total covers.
- `?units=2025` (a past period re-expressed on the 2025 units) is a second table of the
  same counts: give its keys a third coordinate (unit, period, "units-2025") so that the
  default city = units relation does not mix the two unit sets; the two city cells hold
  the same value, so hide both or neither. A nested level (districts inside the city,
  communes inside districts) goes in `unit_tree` (parent -> children).
- Usage (`GET /metrics/usage`): `protect(usage_table({(unit, period, feature): (requests,
  active_users), ...}, city=CITY_CODE), threshold)` over every day and month that can be
  asked for together (a month and its days), then filter.
- Service index: each published count behind it is a measure; list its relations the same
  way (`relations(...)`) and protect its `Table`; a derived ratio is hidden with its counts.

`Cell`, `primary` and `suppress` keep today's one-table behaviour (one indicator, one
period, one level, the city total published) for existing callers until integration. It is
the degenerate case of `protect` with the single relation city = units (except that
`protect` also covers hidden cells that sum to 0, which `suppress` leaves pinned to 0).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from services.metrics.attacker import attack
from services.metrics.relations import Along, Key, Relation, Values, relations

__all__ = ["Cell", "Cost", "Protection", "Relation", "Table", "attack", "cost", "indicator_table",
           "primary", "protect", "published", "relations", "suppress", "usage_table"]


# --- today's one-table rule (degenerate case, kept for existing callers) -----------------

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


# --- the model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    values: Mapping[Key, Values]
    relations: Mapping[str, tuple[Relation, ...]]
    order: tuple[str, ...]
    # Cells everyone knows whatever their size (usage: the zeros of days with no use, which
    # an answer shows by leaving the row out): never hidden, never a partner, seen by the attacker.
    public: frozenset = frozenset()

    def rank(self, key: Key) -> tuple:
        return (*(self.values[key][measure] for measure in self.order), key)

    def all_relations(self) -> list[Relation]:
        return list(dict.fromkeys(r for measure in self.order for r in self.relations.get(measure, ())))


@dataclass(frozen=True)
class Protection:
    primary: frozenset
    complementary: frozenset
    pinned: Mapping[Key, Mapping[str, Fraction]] = field(default_factory=dict)

    @property
    def hidden(self) -> frozenset:
        return self.primary | self.complementary


@dataclass(frozen=True)
class Cost:
    cells: int
    primary: int
    complementary: int

    @property
    def hidden(self) -> int:
        return self.primary + self.complementary


def indicator_table(counts: Mapping[Key, tuple[int, int]], *, city: str, periods: Along = "sum",
                    unit_tree: Mapping[str, Sequence[str]] | None = None, empty: Iterable[str] = (),
                    empty_for: Mapping[Key, Iterable[str]] | None = None) -> Table:
    """One indicator, all its published periods and levels: (unit, period) -> (n, d);
    `empty`, `empty_for`: the periods that hold nothing, for every unit or per unit (relations)."""
    found = relations(counts, city=city, periods=periods, unit_tree=unit_tree, empty=empty, empty_for=empty_for)
    return Table({key: {"numerator": n, "denominator": d} for key, (n, d) in counts.items()},
                 {"numerator": found, "denominator": found}, ("denominator", "numerator"))


def usage_table(rows: Mapping[Key, tuple[int, int]], *, city: str, any_feature: str = "any",
                empty: Iterable[str] = (), public: Iterable[Key] = ()) -> Table:
    """Usage: (unit, period, feature) -> (requests, active users); see the module docstring.

    public: cells known whatever their size (zeros an answer shows by leaving them out)."""
    features = sorted({key[2] for key in rows} - {any_feature})
    requests = relations(rows, city=city, periods="sum", feature_tree={any_feature: features}, empty=empty)
    active = relations(rows, city=city, periods=None)
    return Table({key: {"requests": r, "active_users": a} for key, (r, a) in rows.items()},
                 {"requests": requests, "active_users": active}, ("active_users", "requests"),
                 frozenset(public))


def _close(table: Table, hidden: set, found: list[Relation]) -> None:
    """Hide partners until no relation has exactly one hidden member."""
    changed = True
    while changed:
        changed = False
        for relation in found:
            shown = [key for key in relation.members if key not in hidden]
            candidates = [key for key in shown if key not in table.public]
            if len(shown) == len(relation.members) - 1 and candidates:
                hidden.add(min(candidates, key=table.rank))
                changed = True


def _partners(table: Table, hidden: set, pinned: Iterable[Key], found: list[Relation]) -> set:
    """For each pinned cell, the smallest published cell sharing a relation with it.

    When none is left next to any pinned cell, the smallest one next to any hidden cell."""
    touching: dict[Hashable, set] = defaultdict(set)
    for relation in found:
        for key in relation.members:
            touching[key].update(relation.members)
    out = hidden | table.public
    partners = {min(near, key=table.rank) for near in (touching[k] - out for k in sorted(pinned)) if near}
    if not partners:
        near = set().union(*(touching[k] for k in hidden)) - out if hidden else set()
        partners = {min(near, key=table.rank)} if near else set()
    return partners


def published(table: Table, hidden: Iterable) -> dict[Key, Values]:
    hidden = set(hidden)
    return {key: values for key, values in table.values.items() if key not in hidden}


def protect(table: Table, threshold: int) -> Protection:
    """Primary threshold, then complementary cells until the attacker pins nothing."""
    first = frozenset(k for k, values in table.values.items()
                      if min(values.values()) < threshold and k not in table.public)
    hidden, found = set(first), table.all_relations()
    while True:
        _close(table, hidden, found)
        pinned = attack(published(table, hidden), table.relations)
        partners = _partners(table, hidden, pinned, found) if pinned else set()
        if not partners:
            return Protection(first, frozenset(hidden - first), pinned)
        hidden |= partners


def cost(table: Table, protection: Protection) -> Cost:
    """Cells published before suppression, hidden by the threshold, hidden as partners."""
    return Cost(len(table.values), len(protection.primary), len(protection.complementary))

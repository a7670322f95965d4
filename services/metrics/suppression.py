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
`attack` sees only the published values and the relations. Per measure it writes every
relation as a linear equation over the hidden cells (published values moved to the right
side) and brings the system to reduced row echelon form, exactly (sparse Gauss-Jordan over
the rationals: Python ints while the pivots divide, `Fraction`s otherwise; measures with
the same relations share one elimination). A hidden cell is pinned exactly when the unit vector of its column lies in
the row space, i.e. when a reduced row has that cell as its only unknown: then its value is
the row's right side. A reduced row whose unknowns all have the same sign and whose right
side is 0 pins them all to 0 (counts are never negative). Bounds beyond that (numerator <=
denominator, non-negativity combined over several rows) would need an LP (scipy is not a
dependency); they narrow a cell to a range but in practice do not pin it.

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
- Usage (`GET /metrics/usage`): `protect(usage_table({(unit, period, feature): (requests,
  active_users), ...}, city=CITY_CODE), threshold)` over every day and month that can be
  asked for together (a month and its days), then filter.
- Service index: each published count behind it is a measure; list its relations the same
  way (`relations(...)`) and protect its `Table`; a derived ratio is hidden with its counts.

`Cell`, `primary` and `suppress` keep today's one-table behaviour (one indicator, one
period, one level, the city total published) for existing callers until integration; it
is the degenerate case of `protect` with the single relation city = units.
"""
from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

Key = tuple[str, ...]  # (unit, period, *rest)
Values = Mapping[str, int]  # measure -> count
Along = Literal["sum", "last"] | None


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
class Relation:
    """total = sum(parts), for the measures it is listed under."""
    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Table:
    values: Mapping[Key, Values]
    relations: Mapping[str, tuple[Relation, ...]]
    order: tuple[str, ...]

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


# --- relations along the hierarchies ------------------------------------------------------

def sub_periods(label: str) -> list[str]:
    """Year -> its quarters, quarter -> its months, month -> its days, day -> none."""
    year, *rest = label.split("-")
    if not rest:
        return [f"{year}-Q{q}" for q in range(1, 5)]
    if rest[0].startswith("Q"):
        last = 3 * int(rest[0][1:])
        return [f"{year}-{month:02d}" for month in range(last - 2, last + 1)]
    if len(rest) == 1:
        days = monthrange(int(year), int(rest[0]))[1]
        return [f"{label}-{day:02d}" for day in range(1, days + 1)]
    return []


def _expanded(label: str, published: set[str]) -> list[str] | None:
    """`label` as published periods: itself, or its parts expanded; None when a gap remains."""
    if label in published:
        return [label]
    parts = [_expanded(child, published) for child in sub_periods(label)]
    if not parts or any(part is None for part in parts):
        return None
    return [period for part in parts for period in part]


def _last_published(label: str, published: set[str]) -> str | None:
    """The published period that ends where `label` ends, `label` itself first (Q4, then December)."""
    while label not in published:
        children = sub_periods(label)
        if not children:
            return None
        label = children[-1]
    return label


def _period_parts(label: str, published: set[str], along: Along) -> list[list[str]]:
    children = sub_periods(label)
    if not children:
        return []
    if along == "last":
        return [[end] for end in [_last_published(children[-1], published)] if end]
    direct = children if all(child in published for child in children) else None
    mixed = [p for child in children for p in (_expanded(child, published) or [None])]
    found = [direct] if direct else []
    if None not in mixed and mixed != direct:
        found.append(mixed)
    return found


def _grouped(keys: Iterable[Key], dim: int) -> dict[Key, set[str]]:
    """Keys grouped by every coordinate but `dim`: the rest -> the values of `dim`."""
    groups: dict[Key, set[str]] = defaultdict(set)
    for key in keys:
        groups[key[:dim] + ("",) + key[dim + 1:]].add(key[dim])
    return groups


def _at(rest: Key, dim: int, value: str) -> Key:
    return rest[:dim] + (value,) + rest[dim + 1:]


def _tree_relations(keys: Iterable[Key], dim: int, tree: Mapping[str, Sequence[str]] | None,
                    root: str) -> list[Relation]:
    found = []
    for rest, present in sorted(_grouped(keys, dim).items()):
        branches = tree or {root: sorted(present - {root})}
        for parent, children in branches.items():
            parts = [c for c in children if c in present]
            if parent in present and parts:
                found.append(Relation(_at(rest, dim, parent), tuple(_at(rest, dim, c) for c in parts)))
    return found


def relations(keys: Iterable[Key], *, city: str, periods: Along, units: bool = True,
              unit_tree: Mapping[str, Sequence[str]] | None = None,
              feature_tree: Mapping[str, Sequence[str]] | None = None) -> tuple[Relation, ...]:
    """Every `total = sum of parts` among `keys` (unit, period, *rest) that holds for a measure.

    units: city = the units present in that period (or `unit_tree` parent -> children);
    periods: "sum" (year = quarters = months = days), "last" (year = Q4 = December) or None;
    feature_tree: parent -> children on the third coordinate (usage: any -> features).
    """
    keys = sorted(set(keys))
    found = _tree_relations(keys, 0, unit_tree, city) if units else []
    if periods:
        for rest, present in sorted(_grouped(keys, 1).items()):
            for label in sorted(present):
                for parts in _period_parts(label, present, periods):
                    found.append(Relation(_at(rest, 1, label), tuple(_at(rest, 1, p) for p in parts)))
    if feature_tree:
        found += _tree_relations(keys, 2, feature_tree, "")
    return tuple(dict.fromkeys(found))


def indicator_table(counts: Mapping[Key, tuple[int, int]], *, city: str, periods: Along = "sum",
                    unit_tree: Mapping[str, Sequence[str]] | None = None) -> Table:
    """One indicator, all its published periods and levels: (unit, period) -> (n, d)."""
    found = relations(counts, city=city, periods=periods, unit_tree=unit_tree)
    return Table({key: {"numerator": n, "denominator": d} for key, (n, d) in counts.items()},
                 {"numerator": found, "denominator": found}, ("denominator", "numerator"))


def usage_table(rows: Mapping[Key, tuple[int, int]], *, city: str, any_feature: str = "any") -> Table:
    """Usage: (unit, period, feature) -> (requests, active users); see the module docstring."""
    features = sorted({key[2] for key in rows} - {any_feature})
    requests = relations(rows, city=city, periods="sum", feature_tree={any_feature: features})
    active = relations(rows, city=city, periods=None)
    return Table({key: {"requests": r, "active_users": a} for key, (r, a) in rows.items()},
                 {"requests": requests, "active_users": active}, ("active_users", "requests"))


# --- the attacker -------------------------------------------------------------------------

Number = int | Fraction
Equation = tuple[dict, list]  # unknown -> coefficient; right side per measure


def _divided(value: Number, by: Number) -> Number:
    """Exact division that stays an int when it can (the relations' pivots are mostly +-1)."""
    if isinstance(value, int) and isinstance(by, int) and value % by == 0:
        return value // by
    return Fraction(value) / by


def _minus(equation: Equation, factor: Number, pivot: Equation) -> Equation:
    """equation - factor * pivot, dropping zero coefficients."""
    row, rhs = dict(equation[0]), list(equation[1])
    for col, value in pivot[0].items():
        row[col] = row.get(col, 0) - factor * value
    return {c: v for c, v in row.items() if v}, [a - factor * b for a, b in zip(rhs, pivot[1])]


def _reduce(basis: dict[Hashable, Equation], equation: Equation) -> None:
    """Add one equation to a fully reduced (Gauss-Jordan) basis: pivot column -> equation."""
    for col in [c for c in equation[0] if c in basis]:
        equation = _minus(equation, equation[0][col], basis[col])
    row, rhs = equation
    if not row:
        return
    pivot = min(row, key=repr)
    scale = row[pivot]
    equation = ({c: _divided(v, scale) for c, v in row.items()}, [_divided(v, scale) for v in rhs])
    for col, other in list(basis.items()):
        if pivot in other[0]:
            basis[col] = _minus(other, other[0][pivot], equation)
    basis[pivot] = equation


def _solve(shown: Mapping[Key, Values], measures: list[str], found: Iterable[Relation]
           ) -> dict[Key, list[Number]]:
    """Hidden cells pinned by `found` (shared by `measures`): key -> value per measure."""
    basis: dict[Hashable, Equation] = {}
    for relation in found:
        row: dict = {}
        rhs = [0] * len(measures)
        for key, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if key in shown:
                rhs = [r - sign * shown[key][m] for r, m in zip(rhs, measures)]
            else:
                row[key] = row.get(key, 0) + sign
        if any(row.values()):
            _reduce(basis, ({c: v for c, v in row.items() if v}, rhs))
    pinned: dict[Key, list[Number]] = {}
    for row, rhs in basis.values():
        if len(row) == 1:
            (key, coefficient), = row.items()
            pinned[key] = [_divided(value, coefficient) for value in rhs]
        elif len({v > 0 for v in row.values()}) == 1:  # same signs: a zero right side pins all
            for key in row:
                pinned.setdefault(key, [0 if value == 0 else None for value in rhs])
    return {key: values for key, values in pinned.items() if any(v is not None for v in values)}


def attack(shown: Mapping[Key, Values], table_relations: Mapping[str, Sequence[Relation]]
           ) -> dict[Key, dict[str, Fraction]]:
    """The hidden cells (in a relation, not in `shown`) pinned to one value, per measure.

    Measures with the same relations share one elimination (the pinning depends on which
    cells are hidden, not on the values)."""
    by_relations: dict[tuple[Relation, ...], list[str]] = defaultdict(list)
    for measure, found in table_relations.items():
        by_relations[tuple(found)].append(measure)
    pinned: dict[Key, dict[str, Fraction]] = defaultdict(dict)
    for found, measures in by_relations.items():
        for key, values in _solve(shown, measures, found).items():
            pinned[key].update({m: Fraction(v) for m, v in zip(measures, values) if v is not None})
    return dict(pinned)


# --- the protection -----------------------------------------------------------------------

def _close(table: Table, hidden: set, found: list[Relation]) -> None:
    """Hide partners until no relation has exactly one hidden member."""
    changed = True
    while changed:
        changed = False
        for relation in found:
            shown = [key for key in relation.members if key not in hidden]
            if len(shown) == len(relation.members) - 1:
                hidden.add(min(shown, key=table.rank))
                changed = True


def _partners(table: Table, hidden: set, pinned: Iterable[Key], found: list[Relation]) -> set:
    """For each pinned cell, the smallest published cell sharing a relation with it.

    When none is left next to any pinned cell, the smallest one next to any hidden cell."""
    touching: dict[Hashable, set] = defaultdict(set)
    for relation in found:
        for key in relation.members:
            touching[key].update(relation.members)
    partners = {min(near, key=table.rank) for near in (touching[k] - hidden for k in sorted(pinned)) if near}
    if not partners:
        near = set().union(*(touching[k] for k in hidden)) - hidden if hidden else set()
        partners = {min(near, key=table.rank)} if near else set()
    return partners


def published(table: Table, hidden: Iterable) -> dict[Key, Values]:
    hidden = set(hidden)
    return {key: values for key, values in table.values.items() if key not in hidden}


def protect(table: Table, threshold: int) -> Protection:
    """Primary threshold, then complementary cells until the attacker pins nothing."""
    first = frozenset(k for k, values in table.values.items() if min(values.values()) < threshold)
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

"""The relations `total = sum of parts` among published cells, along periods, units and features.

Keys are tuples (unit, period, *rest); periods are labels "2024", "2024-Q3", "2024-11",
"2024-11-05". Which relations hold for which measure: see services/metrics/suppression.py.

Empty periods: a sub-period known to hold nothing adds nothing to a sum. `empty` names such
periods for every cell (a running year's months that have not begun); `empty_for` names them
per unit (its key without the period), for a table whose units hold different parts of one
period: a table where the districts hold January to June and the communes July to December
makes a commune's 2025 its Q3 + Q4 (the stocks of 2025 as counted; a flow's straddling year
also counts its first half in the communes, services/metrics/indicators.py). A sum over units
at a period is written only when every unit's cell holds what the total's cell holds there (a
commune's 2025 lacking the first half the city's 2025 has); the sum that does hold then follows
from the period sums written for the city and each unit.
"""
from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Key = tuple[str, ...]  # (unit, period, *rest)
Values = Mapping[str, int]  # measure -> count
Along = Literal["sum", "last"] | None


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), for the measures it is listed under."""
    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


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


def _within(label: str, empty: frozenset[str]) -> list[str]:
    """The sub-periods of `label` that can hold counts (not in `empty`, e.g. not yet begun)."""
    return [child for child in sub_periods(label) if child not in empty]


def _expanded(label: str, published: set[str], empty: frozenset[str]) -> list[str] | None:
    """`label` as published periods: itself, or its parts expanded; None when a gap remains."""
    if label in published:
        return [label]
    if label in empty:
        return []
    parts = [_expanded(child, published, empty) for child in _within(label, empty)]
    if not parts or any(part is None for part in parts):
        return None
    return [period for part in parts for period in part]


def _last_published(label: str, published: set[str], empty: frozenset[str]) -> str | None:
    """The published period that ends where `label` ends, `label` itself first (Q4, then December)."""
    while label not in published:
        children = _within(label, empty)
        if not children:
            return None
        label = children[-1]
    return label


def _period_parts(label: str, published: set[str], along: Along, empty: frozenset[str]) -> list[list[str]]:
    children = _within(label, empty)
    if not children:
        return []
    if along == "last":
        return [[end] for end in [_last_published(children[-1], published, empty)] if end]
    direct = children if all(child in published for child in children) else None
    mixed = [p for child in children for p in (_expanded(child, published, empty) or [None])]
    found = [direct] if direct else []
    if mixed and None not in mixed and mixed != direct:
        found.append(mixed)
    return found


def _parent(label: str) -> str | None:
    """Day -> month -> quarter -> year -> None."""
    year, *rest = label.split("-")
    if not rest:
        return None
    if len(rest) == 2:
        return f"{year}-{rest[0]}"
    if rest[0].startswith("Q"):
        return year
    return f"{year}-Q{(int(rest[0]) - 1) // 3 + 1}"


def _inside(child: str, label: str) -> bool:
    while child is not None and child != label:
        child = _parent(child)
    return child == label


def _missing(label: str, empty: frozenset[str], along: Along) -> frozenset[str]:
    """The parts of `label` a cell lacks: its empty sub-periods (for stocks, only the ones
    that end where `label` ends: a stock is the value at the period's end)."""
    if along != "last":
        return frozenset(e for e in empty if _inside(e, label))
    chain, children = [label], sub_periods(label)
    while children:
        chain.append(children[-1])
        children = sub_periods(children[-1])
    return frozenset(chain) & empty


def _grouped(keys: Iterable[Key], dim: int) -> dict[Key, set[str]]:
    """Keys grouped by every coordinate but `dim`: the rest -> the values of `dim`."""
    groups: dict[Key, set[str]] = defaultdict(set)
    for key in keys:
        groups[key[:dim] + ("",) + key[dim + 1:]].add(key[dim])
    return groups


def _at(rest: Key, dim: int, value: str) -> Key:
    return rest[:dim] + (value,) + rest[dim + 1:]


def _tree_relations(keys: Iterable[Key], dim: int, tree: Mapping[str, Sequence[str]] | None,
                    root: str, holds: Callable[[Key, Key], bool] = lambda total, part: True) -> list[Relation]:
    found = []
    for rest, present in sorted(_grouped(keys, dim).items()):
        branches = tree or {root: sorted(present - {root})}
        for parent, children in branches.items():
            total, parts = _at(rest, dim, parent), [_at(rest, dim, c) for c in children if c in present]
            if parent in present and parts and all(holds(total, part) for part in parts):
                found.append(Relation(total, tuple(parts)))
    return found


def _without_period(key: Key) -> Key:
    return key[:1] + key[2:]


def relations(keys: Iterable[Key], *, city: str, periods: Along, units: bool = True,
              unit_tree: Mapping[str, Sequence[str]] | None = None,
              feature_tree: Mapping[str, Sequence[str]] | None = None,
              empty: Iterable[str] = (), empty_for: Mapping[Key, Iterable[str]] | None = None
              ) -> tuple[Relation, ...]:
    """Every `total = sum of parts` among `keys` (unit, period, *rest) that holds for a measure.

    units: city = the units present in that period (or `unit_tree` parent -> children);
    periods: "sum" (year = quarters = months = days), "last" (year = Q4 = December) or None;
    feature_tree: parent -> children on the third coordinate (usage: any -> features);
    empty: periods known to hold nothing (not begun yet: December while the year runs), so
    that a running year still equals its published quarters and months;
    empty_for: (unit, *rest) -> periods that unit's cells hold nothing of (counted on other
    units then: see the module docstring), added to `empty` for that unit.
    """
    empty = frozenset(empty)
    own = {key: frozenset(labels) for key, labels in (empty_for or {}).items()}

    def empty_of(key: Key) -> frozenset[str]:
        return empty | own.get(_without_period(key), frozenset())

    def holds(total: Key, part: Key) -> bool:
        return _missing(total[1], empty_of(total), periods) == _missing(part[1], empty_of(part), periods)

    keys = sorted(set(keys))
    found = _tree_relations(keys, 0, unit_tree, city, holds) if units else []
    if periods:
        for rest, present in sorted(_grouped(keys, 1).items()):
            for label in sorted(present):
                for parts in _period_parts(label, present, periods, empty_of(rest)):
                    found.append(Relation(_at(rest, 1, label), tuple(_at(rest, 1, p) for p in parts)))
    if feature_tree:
        found += _tree_relations(keys, 2, feature_tree, "")
    return tuple(dict.fromkeys(found))

"""The attacker: from the published values and the relations alone, the hidden cells it pins.

Per measure, every relation becomes a linear equation over the hidden cells (published values
moved to the right side); the system is brought to reduced row echelon form exactly (sparse
Gauss-Jordan over the rationals: Python ints while the pivots divide, `Fraction`s otherwise).
A hidden cell is pinned exactly when the unit vector of its column lies in the row space,
i.e. when a reduced row has that cell as its only unknown; its value is the row's right side.
A reduced row whose unknowns all have the same sign and whose right side is 0 pins them all
to 0 (counts are never negative). Other bounds (numerator <= denominator, non-negativity over
several rows) would need an LP; they narrow a cell to a range and are not checked.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

from services.metrics.relations import Key, Relation, Values

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

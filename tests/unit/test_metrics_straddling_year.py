"""The year 2025 as counted since its January-June dossiers go to the 2025 units: districts
publish January to June, communes July to December, and the communes' first half is published
re-expressed (`?units=2025`); a commune's 2025 is its re-expressed Q1 and Q2 plus Q3 and Q4.
The defender's table (services/metrics/indicators.year_table) must leave no hidden cell that
every sum anyone can write pins."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from services.metrics.attacker import attack
from services.metrics.indicators import year_table
from services.metrics.reexpression import VIEW
from services.metrics.relations import Relation
from services.metrics.suppression import protect

CITY = "01"
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True)
FIRST_HALF, SECOND_HALF = range(1, 7), range(7, 13)


def _quarter(month: int) -> str:
    return f"2025-Q{(month - 1) // 3 + 1}"


def _month(month: int) -> str:
    return f"2025-{month:02d}"


def _pair(draw, count):
    d = draw(count)
    return draw(st.integers(0, d)), d


def _add(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b))


@st.composite
def straddling_years(draw):
    districts = [f"d{i}" for i in range(draw(st.integers(1, 3)))]
    communes = [f"c{i}" for i in range(draw(st.integers(2, 4)))]
    count = st.one_of(st.integers(0, 12), st.integers(0, 12), st.integers(0, 150))
    months: dict[tuple, tuple] = {}  # (unit, month, *view) -> (n, d)
    for month in FIRST_HALF:
        placed = {c: _pair(draw, count) for c in communes}
        months |= {(c, month, VIEW): pair for c, pair in placed.items()}
        total = (0, 0)
        for pair in placed.values():
            total = _add(total, pair)
        left = total  # the same dossiers, as the districts hold them
        for d in districts[:-1]:
            n = draw(st.integers(0, left[0]))
            part = (n, n + draw(st.integers(0, left[1] - left[0])))
            months[(d, month)], left = part, (left[0] - part[0], left[1] - part[1])
        months[(districts[-1], month)] = left
    for month in SECOND_HALF:
        months |= {(c, month): _pair(draw, count) for c in communes}
    counts: dict[tuple, tuple] = {}

    def add(key, pair):
        counts[key] = _add(counts.get(key, (0, 0)), pair)

    for (unit, month, *view), pair in months.items():
        for label in (_month(month), _quarter(month)):
            add((unit, label, *view), pair)
            add((CITY, label, *view), pair) if unit in communes else None
        if unit in communes:
            add((unit, "2025"), pair)
            add((CITY, "2025"), pair)
    for key in [k for k in counts if k[0] == CITY and k[2:] == (VIEW,)]:
        counts[(CITY, key[1])] = counts[key]  # the city is one number in both views
    return counts, districts, communes, draw(st.integers(3, 12))


def _every_true_sum(counts: dict, districts: list, communes: list) -> tuple[Relation, ...]:
    found = []
    for unit, label, *view in counts:
        view = tuple(view)
        if label == "2025" and unit != CITY:
            found.append(Relation((unit, label), ((unit, "2025-Q1", VIEW), (unit, "2025-Q2", VIEW),
                                                   (unit, "2025-Q3"), (unit, "2025-Q4"))))
        elif label == "2025":
            found.append(Relation((unit, label), tuple((unit, f"2025-Q{q}") for q in range(1, 5))))
        elif "Q" in label:
            last = 3 * int(label[-1])
            months = range(last - 2, last + 1)
            found.append(Relation((unit, label, *view), tuple((unit, _month(m), *view) for m in months)))
    for unit, label, *view in [k for k in counts if k[0] == CITY]:
        members = districts if (districts[0], label) in counts and not view else communes
        parts = tuple((u, label, *view) for u in members if (u, label, *view) in counts)
        found.append(Relation((CITY, label, *view), parts))
        if view:
            found.append(Relation((CITY, label), ((CITY, label, *view),)))
    return tuple(found)


@PROPERTY
@given(straddling_years())
def test_no_hidden_cell_of_the_straddling_year_is_pinned_by_every_sum_anyone_can_write(drawn):
    counts, districts, communes, threshold = drawn
    truth = _every_true_sum(counts, districts, communes)
    for relation in truth:  # the generator counts as the service does
        assert all(counts[relation.total][i] == sum(counts[p][i] for p in relation.parts) for i in (0, 1))
    hidden = protect(year_table("online_dossier_share", counts), threshold).hidden
    shown = {k: {"numerator": n, "denominator": d} for k, (n, d) in counts.items() if k not in hidden}
    assert attack(shown, {"numerator": truth, "denominator": truth}) == {}

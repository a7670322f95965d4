"""Suppression across periods and units, checked by an attacker who solves the published tables."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings, strategies as st

from services.metrics.suppression import (
    Cell, Relation, attack, cost, indicator_table, protect, published, relations, suppress, usage_table)

CITY = "01"
QUARTERS = [f"2024-Q{q}" for q in range(1, 5)]
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)


def _per_period_rule(counts: dict, threshold: int) -> set:
    """Today's rule: each (period, level) table on its own, the city row published on its own."""
    hidden = set()
    for period in {p for _, p in counts}:
        units = sorted(u for u, p in counts if p == period and u != CITY)
        cells = suppress([Cell(u, *counts[(u, period)]) for u in units], threshold)
        hidden |= {(c.key, period) for c in cells if c.suppressed}
        n, d = counts[(CITY, period)]
        if n < threshold or d < threshold:
            hidden.add((CITY, period))
    return hidden


def _with_city_and_year(quarters: dict[str, dict[str, tuple[int, int]]]) -> dict:
    """{unit: {quarter: (n, d)}} -> every (unit, period) cell, with the city and the year added."""
    counts = {}
    for unit, by_quarter in quarters.items():
        for quarter, value in by_quarter.items():
            counts[(unit, quarter)] = value
        counts[(unit, "2024")] = tuple(map(sum, zip(*by_quarter.values())))
    for period in [*QUARTERS, "2024"]:
        counts[(CITY, period)] = tuple(map(sum, zip(*(counts[(u, period)] for u in quarters))))
    return counts


def _shown_values(counts: dict, hidden: set) -> dict:
    return {k: {"numerator": n, "denominator": d} for k, (n, d) in counts.items() if k not in hidden}


def test_a_year_minus_three_quarters_no_longer_gives_the_hidden_quarter():
    big = (120, 200)
    counts = _with_city_and_year({
        "003": {"2024-Q1": (40, 60), "2024-Q2": (9, 13), "2024-Q3": (50, 70), "2024-Q4": (45, 66)},
        "004": dict.fromkeys(QUARTERS, big), "005": dict.fromkeys(QUARTERS, (100, 150)),
        "006": {"2024-Q1": big, "2024-Q2": (30, 31), "2024-Q3": big, "2024-Q4": big}})
    table = indicator_table(counts, city=CITY, periods="sum")
    old = _per_period_rule(counts, 10)
    leaked = attack(_shown_values(counts, old), table.relations)
    assert leaked[("003", "2024-Q2")] == {"numerator": 9, "denominator": 13}  # the reproduced leak

    protection = protect(table, 10)
    assert ("003", "2024-Q2") in protection.primary
    assert attack(published(table, protection.hidden), table.relations) == {}
    assert protection.pinned == {}
    partners = protection.hidden & {("003", p) for p in ["2024", "2024-Q1", "2024-Q3", "2024-Q4"]}
    assert partners, "the unit's year or another quarter must be hidden with the small quarter"


def test_the_city_minus_units_no_longer_gives_a_unit_hidden_through_another_period():
    # Q2: unit 010 is small; today's rule hides 011 as its partner in the Q2 table. But 011's
    # year minus its three published quarters gives 011's Q2, then the city minus the rest 010's.
    big = (150, 200)
    counts = _with_city_and_year({
        "010": {"2024-Q1": (60, 90), "2024-Q2": (4, 8), "2024-Q3": (55, 80), "2024-Q4": (70, 99)},
        "011": {"2024-Q1": big, "2024-Q2": (20, 25), "2024-Q3": big, "2024-Q4": big},
        "012": dict.fromkeys(QUARTERS, (300, 400)), "013": dict.fromkeys(QUARTERS, (200, 300))})
    table = indicator_table(counts, city=CITY, periods="sum")
    old = _per_period_rule(counts, 10)
    assert {("010", "2024-Q2"), ("011", "2024-Q2")} <= old
    leaked = attack(_shown_values(counts, old), table.relations)
    assert leaked[("010", "2024-Q2")] == {"numerator": 4, "denominator": 8}

    protection = protect(table, 10)
    assert attack(published(table, protection.hidden), table.relations) == {}
    assert protection.hidden >= {("010", "2024-Q2"), ("011", "2024-Q2")}


def test_stocks_relate_a_year_to_its_last_quarter_and_month():
    found = relations([("u", "2024"), ("u", "2024-Q4"), ("u", "2024-12"), ("u", "2024-Q1")],
                      city=CITY, periods="last", units=False)
    assert set(found) == {Relation(("u", "2024"), (("u", "2024-Q4"),)),
                          Relation(("u", "2024-Q4"), (("u", "2024-12"),))}
    counts = {("u", "2024"): (30, 400), ("u", "2024-Q4"): (30, 400), ("u", "2024-12"): (30, 400),
              ("u", "2024-Q1"): (5, 390)}
    table = indicator_table(counts, city=CITY, periods="last")
    assert protect(table, 10).hidden == {("u", "2024-Q1")}  # Q1 is in no relation with the year
    counts[("u", "2024-12")] = (9, 400)
    hidden = protect(indicator_table(counts, city=CITY, periods="last"), 10).hidden
    assert hidden == {("u", "2024"), ("u", "2024-Q4"), ("u", "2024-12"), ("u", "2024-Q1")}


def test_a_year_published_with_months_but_a_missing_quarter_still_relates():
    keys = [("u", "2024"), *[("u", q) for q in QUARTERS[:3]], *[("u", f"2024-{m}") for m in (10, 11, 12)]]
    found = relations(keys, city=CITY, periods="sum", units=False)
    assert Relation(("u", "2024"), (("u", "2024-Q1"), ("u", "2024-Q2"), ("u", "2024-Q3"),
                                    ("u", "2024-10"), ("u", "2024-11"), ("u", "2024-12"))) in found


def test_usage_requests_add_up_but_distinct_active_users_only_along_units():
    rows = {("a", "2024-11", "any"): (40, 20), ("a", "2024-11", "health"): (25, 12),
            ("a", "2024-11", "dossiers"): (15, 11)}
    rows |= {("a", f"2024-11-{d:02d}", "any"): (1, 1) for d in range(1, 30)}
    rows[("a", "2024-11-30", "any")] = (11, 9)  # the days' requests add up to the month's 40
    table = usage_table(rows, city=CITY)
    assert Relation(("a", "2024-11", "any"), (("a", "2024-11", "dossiers"), ("a", "2024-11", "health"))) \
        in table.relations["requests"]
    assert table.relations["active_users"] == ()  # no city row: distinct users relate nothing here
    protection = protect(table, 10)
    assert all(("a", f"2024-11-{d:02d}", "any") in protection.primary for d in range(1, 31))
    assert ("a", "2024-11", "any") not in protection.hidden  # every day hidden: months stay
    assert attack(published(table, protection.hidden), table.relations) == {}


def test_usage_city_hides_a_partner_unit_for_active_users():
    rows = {("a", "2024-11", "any"): (40, 3), ("b", "2024-11", "any"): (400, 30),
            ("c", "2024-11", "any"): (500, 35), (CITY, "2024-11", "any"): (940, 68)}
    protection = protect(usage_table(rows, city=CITY), 10)
    assert protection.primary == {("a", "2024-11", "any")}
    assert protection.complementary == {("b", "2024-11", "any")}  # smallest by active users


def test_hidden_cells_summing_to_zero_are_pinned_to_zero_and_then_covered():
    counts = {(CITY, "2024"): (100, 200), ("a", "2024"): (0, 0), ("b", "2024"): (0, 0),
              ("c", "2024"): (40, 80), ("d", "2024"): (60, 120)}
    table = indicator_table(counts, city=CITY, periods=None)
    assert attack(published(table, {("a", "2024"), ("b", "2024")}), table.relations) == {
        ("a", "2024"): {"numerator": 0, "denominator": 0}, ("b", "2024"): {"numerator": 0, "denominator": 0}}
    protection = protect(table, 10)
    assert protection.complementary == {("c", "2024")}
    assert cost(table, protection).hidden == 3


@st.composite
def year_tables(draw):
    """Random units (2..8), random published months of 2024, every quarter and the year."""
    units = [f"u{i}" for i in range(draw(st.integers(2, 8)))]
    months = draw(st.sets(st.integers(1, 12), max_size=12))
    small = st.integers(0, 12)
    count = st.one_of(small, small, st.integers(0, 300))
    monthly = {}
    for unit in units:
        for month in range(1, 13):
            d = draw(count)
            monthly[(unit, month)] = (draw(st.integers(0, d)), d)
    counts = {}
    for unit in units:
        for label, months_in in [("2024", range(1, 13)), *[(QUARTERS[q], range(3 * q + 1, 3 * q + 4)) for q in range(4)],
                                 *[(f"2024-{m:02d}", [m]) for m in sorted(months)]]:
            counts[(unit, label)] = tuple(map(sum, zip(*(monthly[(unit, m)] for m in months_in))))
    for label in {p for _, p in counts}:
        counts[(CITY, label)] = tuple(map(sum, zip(*(counts[(u, label)] for u in units))))
    return counts, draw(st.integers(3, 12))


@PROPERTY
@given(year_tables())
def test_the_attacker_pins_no_hidden_cell_and_no_small_cell_is_shown(drawn):
    counts, threshold = drawn
    table = indicator_table(counts, city=CITY, periods="sum")
    protection = protect(table, threshold)
    shown = published(table, protection.hidden)
    assert all(v["numerator"] >= threshold and v["denominator"] >= threshold for v in shown.values())
    assert attack(shown, table.relations) == {}
    assert protection.pinned == {}
    for relation in table.all_relations():  # the marginal rule holds at the end
        assert sum(key in protection.hidden for key in relation.members) != 1


@PROPERTY
@given(year_tables())
def test_stock_tables_are_protected_too(drawn):
    counts, threshold = drawn
    table = indicator_table(counts, city=CITY, periods="last")
    protection = protect(table, threshold)
    assert attack(published(table, protection.hidden), table.relations) == {}


def test_the_attacker_solves_combined_equations_exactly():
    # t = a + b, a = c + d: with t, d published and a, b, c hidden nothing is pinned; publish b too
    # and a = t - b, then c = a - d.
    found = {"n": (Relation("t", ("a", "b")), Relation("a", ("c", "d")))}
    assert attack({"t": {"n": 10}, "d": {"n": 3}}, found) == {}
    assert attack({"t": {"n": 10}, "d": {"n": 3}, "b": {"n": 4}}, found) == {
        "a": {"n": Fraction(6)}, "c": {"n": Fraction(3)}}


def test_two_hidden_cells_per_relation_is_not_enough_and_the_attacker_loop_closes_the_rest():
    # Every relation (unit year = quarters, city quarter = units) has 0 or >= 2 small cells,
    # yet a's row and the Q1 + Q2 columns give d's Q1 + Q2, and d's row then gives d's Q3.
    small = {("a", "2024-Q1"), ("a", "2024-Q2"), ("b", "2024-Q3"), ("b", "2024-Q4"),
             ("c", "2024-Q3"), ("c", "2024-Q4"), ("d", "2024-Q1"), ("d", "2024-Q2"), ("d", "2024-Q3")}
    counts = _with_city_and_year({unit: {q: (3, 5) if (unit, q) in small else (60, 100) for q in QUARTERS}
                                  for unit in "abcde"})
    table = indicator_table(counts, city=CITY, periods="sum")
    assert all(sum(k in small for k in r.members) != 1 for r in table.all_relations())
    assert attack(published(table, small), table.relations) == {("d", "2024-Q3"): {"numerator": 3, "denominator": 5}}

    protection = protect(table, 10)
    assert protection.primary == small and protection.complementary
    assert attack(published(table, protection.hidden), table.relations) == {}


@PROPERTY
@given(st.lists(st.integers(1, 40).flatmap(lambda d: st.tuples(st.integers(1, d), st.just(d))),
                min_size=2, max_size=10), st.integers(2, 20))
def test_one_period_one_level_is_todays_rule(pairs, threshold):
    units = [f"u{i}" for i in range(len(pairs))]
    counts = {(u, "2024"): pair for u, pair in zip(units, pairs)}
    counts[(CITY, "2024")] = tuple(map(sum, zip(*pairs)))
    protection = protect(indicator_table(counts, city=CITY, periods="sum"), threshold)
    today = {(c.key, "2024") for c in suppress([Cell(u, *p) for u, p in zip(units, pairs)], threshold) if c.suppressed}
    if min(counts[(CITY, "2024")]) >= threshold:
        assert protection.hidden == today


def test_a_running_year_relates_to_the_months_that_have_begun():
    counts = {("u", "2026"): (300, 500), ("u", "2026-Q1"): (80, 120), ("u", "2026-Q2"): (90, 140),
              ("u", "2026-Q3"): (100, 150), ("u", "2026-Q4"): (30, 90), ("u", "2026-10"): (26, 60),
              ("u", "2026-11"): (4, 30)}
    running = indicator_table(counts, city=CITY, periods="sum", empty=["2026-12"])
    assert Relation(("u", "2026-Q4"), (("u", "2026-10"), ("u", "2026-11"))) in running.relations["numerator"]
    assert attack(published(running, {("u", "2026-11")}), running.relations) == {
        ("u", "2026-11"): {"numerator": 4, "denominator": 30}}  # Q4 minus October
    protection = protect(running, 10)
    assert protection.hidden >= {("u", "2026-11"), ("u", "2026-10")}
    assert attack(published(running, protection.hidden), running.relations) == {}
    stock = relations(counts, city=CITY, periods="last", units=False, empty=["2026-12"])
    assert Relation(("u", "2026-Q4"), (("u", "2026-11"),)) in stock


def test_across_the_2025_reform_only_the_city_links_district_and_commune_periods():
    keys = [(CITY, p) for p in ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]]
    keys += [(d, p) for d in ("001", "002") for p in ["2025-Q1", "2025-Q2"]]
    keys += [(c, p) for c in ("00004", "00008", "00011") for p in ["2025", "2025-Q3", "2025-Q4"]]
    found = set(relations(keys, city=CITY, periods="sum"))
    assert Relation((CITY, "2025"), tuple((CITY, f"2025-Q{q}") for q in range(1, 5))) in found
    assert Relation((CITY, "2025-Q1"), (("001", "2025-Q1"), ("002", "2025-Q1"))) in found
    assert Relation((CITY, "2025"), (("00004", "2025"), ("00008", "2025"), ("00011", "2025"))) in found
    assert not any(r.total == ("00004", "2025") for r in found)  # its Q1 and Q2 are not published


def test_public_zeros_are_never_hidden_yet_the_attacker_uses_them():
    month, first, second = ("u", "2024-11", "identity"), ("u", "2024-11-01", "identity"), ("u", "2024-11-02", "identity")
    zeros = {("u", f"2024-11-{day:02d}", "identity"): (0, 0) for day in range(3, 31)}
    table = usage_table({month: (25, 12), first: (5, 3), second: (20, 11), **zeros}, city=CITY, public=zeros)
    unguarded = attack(published(table, {first}), table.relations)
    assert unguarded[first]["requests"] == 5  # the month minus the other day minus the known zeros
    protection = protect(table, 10)
    assert first in protection.primary and not protection.hidden & zeros.keys()
    assert protection.hidden & {month, second}
    assert attack(published(table, protection.hidden), table.relations) == {}


FIRST_HALF = ["2025-Q1", "2025-Q2", *(f"2025-{m:02d}" for m in range(1, 7))]
SECOND_HALF = ["2025-Q3", "2025-Q4", *(f"2025-{m:02d}" for m in range(7, 13))]


@st.composite
def reform_year_tables(draw):
    """2025 as counted: districts hold January to June, communes July to December; each unit's
    quarters and year, and the city's, summed from the months; and per unit what it holds nothing of."""
    districts = [f"d{i}" for i in range(draw(st.integers(1, 3)))]
    communes = [f"c{i}" for i in range(draw(st.integers(2, 5)))]
    count = st.one_of(st.integers(0, 12), st.integers(0, 12), st.integers(0, 200))
    months_of = {**{u: range(1, 7) for u in districts}, **{u: range(7, 13) for u in communes}}
    monthly = {}
    for unit, months in months_of.items():
        for month in months:
            d = draw(count)
            monthly[(unit, month)] = (draw(st.integers(0, d)), d)
    counts = {}
    for unit, months in months_of.items():
        quarters = {f"2025-Q{(m - 1) // 3 + 1}" for m in months}
        for label in ["2025", *quarters]:
            counted = [m for m in months if label == "2025" or label == f"2025-Q{(m - 1) // 3 + 1}"]
            counts[(unit, label)] = tuple(map(sum, zip(*(monthly[(unit, m)] for m in counted))))
    for label in {p for _, p in counts}:
        counts[(CITY, label)] = tuple(map(sum, zip(*(v for (u, p), v in counts.items() if p == label))))
    empty_for = {**{(u,): SECOND_HALF for u in districts}, **{(u,): FIRST_HALF for u in communes}}
    return counts, empty_for, draw(st.integers(3, 12))


def _every_true_sum(counts: dict) -> tuple[Relation, ...]:
    """What anyone can add up: each unit's year is its quarters, the city is the units."""
    found = []
    for unit in {u for u, _ in counts}:
        quarters = sorted(p for u, p in counts if u == unit and "-Q" in p)
        found.append(Relation((unit, "2025"), tuple((unit, q) for q in quarters)))
    for label in {p for _, p in counts}:
        found.append(Relation((CITY, label), tuple(sorted(k for k in counts if k[1] == label and k[0] != CITY))))
    return tuple(found)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(reform_year_tables())
def test_no_hidden_cell_of_the_reform_year_is_pinned_by_every_sum_anyone_can_write(drawn):
    counts, empty_for, threshold = drawn
    protection = protect(indicator_table(counts, city=CITY, periods="sum", empty_for=empty_for), threshold)
    truth = _every_true_sum(counts)
    shown = {k: {"numerator": n, "denominator": d} for k, (n, d) in counts.items() if k not in protection.hidden}
    assert all(min(v.values()) >= threshold for v in shown.values())
    assert attack(shown, {"numerator": truth, "denominator": truth}) == {}
    assert protection.pinned == {}


def test_a_communes_2025_is_its_q3_and_q4_and_the_city_sum_waits_for_the_quarters():
    keys = [(CITY, p) for p in ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]]
    keys += [(d, p) for d in ("001", "002") for p in ["2025-Q1", "2025-Q2"]]
    keys += [(c, p) for c in ("00004", "00008") for p in ["2025", "2025-Q3", "2025-Q4"]]
    empty_for = {**dict.fromkeys([("001",), ("002",)], SECOND_HALF), **dict.fromkeys([("00004",), ("00008",)], FIRST_HALF)}
    flows = set(relations(keys, city=CITY, periods="sum", empty_for=empty_for))
    assert Relation(("00004", "2025"), (("00004", "2025-Q3"), ("00004", "2025-Q4"))) in flows
    assert Relation((CITY, "2025-Q1"), (("001", "2025-Q1"), ("002", "2025-Q1"))) in flows
    assert not any(r.total == (CITY, "2025") and ("00004", "2025") in r.parts for r in flows)  # lacks Jan-Jun
    stocks = set(relations(keys, city=CITY, periods="last", empty_for=empty_for))
    assert Relation(("00004", "2025"), (("00004", "2025-Q4"),)) in stocks
    assert Relation((CITY, "2025"), (("00004", "2025"), ("00008", "2025"))) in stocks  # both: the stock at year end


def test_a_commune_holding_january_to_june_in_another_view_is_not_empty_there():
    view = "units-2025"
    keys = [("00004", "2025"), ("00004", "2025-Q3"), ("00004", "2025-Q4"),
            ("00004", "2025-Q1", view), ("00004", "2025-Q2", view), (CITY, "2025-Q1", view), (CITY, "2025-Q2", view)]
    found = set(relations(keys, city=CITY, periods="sum", empty_for={("00004",): FIRST_HALF}))
    assert Relation(("00004", "2025"), (("00004", "2025-Q3"), ("00004", "2025-Q4"))) in found
    assert Relation((CITY, "2025-Q1", view), (("00004", "2025-Q1", view),)) in found

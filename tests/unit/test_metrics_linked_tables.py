"""One count in two published tables: a unit's monthly active users are the `mau_share`
numerator and a `GET /metrics/usage` row. The attacker reads both tables and knows the two
are equal; a cell hidden in one and shown in the other would give the hidden one away."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

from services.metrics.protection import hidden, hidden_together
from services.metrics.suppression import Relation, attack, indicator_table, usage_table
from services.metrics.usage_report import MAU_SHARE, mau_share_links

CITY, MONTH, LABEL = "01", date(2024, 11, 1), "2024-11"
TODAY = date(2025, 3, 1)
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True)


def tables(units: dict[str, tuple[int, int, int]]):
    """{unit: (active users, requests, adult residents)} -> the mau_share table and the usage month."""
    total = tuple(map(sum, zip(*units.values())))
    with_city = {**units, CITY: total}
    mau = indicator_table({(u, LABEL): (a, d) for u, (a, _, d) in with_city.items()}, city=CITY, periods="last")
    usage = usage_table({(u, LABEL, feature): (r, a) for u, (a, r, _) in with_city.items()
                         for feature in ("any", "health")}, city=CITY)
    return mau, {MONTH: usage}


def pinned_from_both(mau, months, secret) -> dict:
    """What an attacker pins from the shown numerators and active users, knowing which are equal."""
    def tagged(name, key):
        return (name, *key)

    usage = months[MONTH]
    shown = {tagged(MAU_SHARE, k): {"n": v["numerator"]} for k, v in mau.values.items() if k not in secret[MAU_SHARE]}
    shown |= {tagged(MONTH, k): {"n": v["active_users"]} for k, v in usage.values.items() if k not in secret[MONTH]}
    found = [Relation(tagged(MAU_SHARE, r.total), tuple(tagged(MAU_SHARE, p) for p in r.parts))
             for r in mau.relations["numerator"]]
    found += [Relation(tagged(MONTH, r.total), tuple(tagged(MONTH, p) for p in r.parts))
              for r in usage.relations["active_users"]]
    found += [Relation(tagged(*one), (tagged(*other),)) for one, other in mau_share_links(mau, months, TODAY)]
    return attack(shown, {"n": found})


UNITS = {"u0": (5, 50, 100), "u1": (20, 400, 300), "u2": (30, 300, 40)}


def test_decided_apart_a_unit_hidden_in_mau_share_is_shown_in_usage_and_solved():
    mau, months = tables(UNITS)
    apart = {MAU_SHARE: hidden(mau, 10), MONTH: hidden(months[MONTH], 10)}
    assert ("u2", LABEL) in apart[MAU_SHARE] and ("u2", LABEL, "any") not in apart[MONTH]
    assert pinned_from_both(mau, months, apart)[(MAU_SHARE, "u2", LABEL)]["n"] == 30


def test_decided_together_a_cell_hidden_in_either_is_hidden_in_both_and_nothing_is_solved():
    mau, months = tables(UNITS)
    together = hidden_together({MAU_SHARE: mau, **months}, mau_share_links(mau, months, TODAY), 10)
    for (_, key), (_, row) in mau_share_links(mau, months, TODAY):
        assert (key in together[MAU_SHARE]) == (row in together[MONTH])
    assert ("u2", LABEL, "any") in together[MONTH]
    assert pinned_from_both(mau, months, together) == {}


@st.composite
def units(draw):
    drawn = {}
    for i in range(draw(st.integers(2, 7))):
        active = draw(st.one_of(st.integers(0, 12), st.integers(0, 200)))
        drawn[f"u{i}"] = (active, active + draw(st.integers(0, 300)), active + draw(st.integers(0, 300)))
    return drawn, draw(st.integers(3, 12))


@PROPERTY
@given(units())
def test_random_units_are_hidden_consistently_and_never_solved_from_both_tables(drawn):
    counts, threshold = drawn
    mau, months = tables(counts)
    links = mau_share_links(mau, months, TODAY)
    together = hidden_together({MAU_SHARE: mau, **months}, links, threshold)
    assert all((key in together[MAU_SHARE]) == (row in together[MONTH]) for (_, key), (_, row) in links)
    assert pinned_from_both(mau, months, together) == {}
    shown = [v for k, v in mau.values.items() if k not in together[MAU_SHARE]]
    assert all(v["numerator"] >= threshold and v["denominator"] >= threshold for v in shown)

"""Pure metrics rules: periods, suppression, the catalogue, the blueprint -> feature table."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given, strategies as st

from services.errors import ValidationFailed
from services.metrics.catalogue import catalogue_for, catalogues
from services.metrics.periods import parse_period, years_before
from services.metrics.sources import FORMULAS
from services.metrics.suppression import Cell, suppress
from services.metrics.usage import FEATURE_OF_BLUEPRINT, FEATURES

API_CODES = {"eid_verified_share", "signature_holder_share", "ehr_share", "online_dossier_share",
             "full_online_dossier_share", "on_time_share", "mau_share"}


@pytest.mark.parametrize("text,first,last", [
    ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-12", date(2024, 12, 1), date(2024, 12, 31)),
])
def test_periods(text, first, last):
    period = parse_period(text)
    assert (period.first_day, period.last_day) == (first, last)


def test_period_bounds_are_hanoi_midnights_in_utc():
    period = parse_period("2024-11")
    assert period.starts_at == datetime(2024, 10, 31, 17, tzinfo=timezone.utc)
    assert period.ends_at == datetime(2024, 11, 30, 17, tzinfo=timezone.utc)


def test_last_month_is_the_current_one_while_the_period_runs():
    assert parse_period("2024").last_month(date(2026, 1, 1)) == date(2024, 12, 1)
    assert parse_period("2024").last_month(date(2024, 5, 20)) == date(2024, 5, 1)
    assert parse_period("2024-Q3").last_month(date(2030, 1, 1)) == date(2024, 9, 1)


@pytest.mark.parametrize("text", ["", "24", "2024-13", "2024-Q5", "2024-Q0", "2024-1", "1999", "2024-11-01",
                                  "2024 ", "2024-q3"])
def test_bad_periods_are_refused_on_the_field(text):
    with pytest.raises(ValidationFailed) as caught:
        parse_period(text)
    assert "period" in caught.value.errors and caught.value.code == "invalid_period"


def test_years_before_handles_29_february():
    assert years_before(date(2024, 2, 29), 14) == date(2010, 2, 28)
    assert years_before(date(2024, 12, 31), 14) == date(2010, 12, 31)


def test_the_2024_catalogue_has_the_seven_codes_of_the_contract_each_with_a_formula():
    catalogue = catalogue_for(date(2024, 12, 31))
    assert catalogue.version == "2024"
    assert {i.code for i in catalogue.indicators} == API_CODES
    for catalogue in catalogues():
        for indicator in catalogue.indicators:
            assert indicator.code in FORMULAS and indicator.name_vi and indicator.name_en
            assert indicator.numerator and indicator.denominator


def test_blueprints_map_to_known_features():
    assert set(FEATURE_OF_BLUEPRINT.values()) <= set(FEATURES)
    assert FEATURE_OF_BLUEPRINT["auth"] == FEATURE_OF_BLUEPRINT["accounts"] == "identity"
    assert "metrics" not in FEATURE_OF_BLUEPRINT


def test_suppression_examples():
    cells = [Cell("a", 50, 100), Cell("b", 5, 100), Cell("c", 20, 30), Cell("d", 40, 80)]
    assert {c.key for c in suppress(cells, 10) if c.suppressed} == {"b", "c"}
    cells = [Cell("a", 50, 100), Cell("b", 5, 100), Cell("c", 9, 300)]
    assert {c.key for c in suppress(cells, 10) if c.suppressed} == {"b", "c"}  # two hidden: enough
    assert not any(c.suppressed for c in suppress([Cell("a", 10, 10)], 10))
    assert [c.suppressed for c in suppress([Cell("a", 9, 10)], 10)] == [True]


cell_lists = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12)


@given(cell_lists, st.integers(1, 20))
def test_suppression_properties(pairs, threshold):
    cells = [Cell(f"u{i}", min(n, d), d) for i, (n, d) in enumerate(pairs)]
    result = suppress(cells, threshold)
    assert [c.key for c in result] == [c.key for c in cells]
    for before, after in zip(cells, result):
        if before.numerator < threshold or before.denominator < threshold:
            assert after.suppressed  # no small count is ever published
        assert (after.numerator, after.denominator) == (before.numerator, before.denominator)
    hidden = sum(c.suppressed for c in result)
    # A lone hidden cell could be derived from the total minus the others.
    assert hidden != 1 or len(result) == 1
    primary = sum(c.numerator < threshold or c.denominator < threshold for c in cells)
    assert hidden - primary <= 1  # at most one extra cell is given up


def _other_values_fit(cell: Cell, hidden: list[Cell]) -> bool:
    """Could `cell` hold another (numerator, denominator) than its own, given what is public:
    every published cell, the total of all cells, and numerator <= denominator everywhere?

    What the hidden cells hold together is the total minus the published cells; a different
    value for `cell` fits when the rest of the hidden cells can absorb the difference. In the
    coordinates (numerator, denominator - numerator) the values that fit form a box, so when
    any other value fits, one a step away does: checking the neighbours is exact.
    """
    others = [c for c in hidden if c is not cell]
    if not others:
        return False  # a lone hidden cell is the total minus the published ones
    left_n = sum(c.numerator for c in hidden)
    left_d = sum(c.denominator for c in hidden)
    for dn, dd in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)):
        n, d = cell.numerator + dn, cell.denominator + dd
        rest_n, rest_d = left_n - n, left_d - d
        if 0 <= n <= d and 0 <= rest_n <= rest_d:
            return True
    return False


@given(cell_lists, st.integers(1, 20))
def test_no_suppressed_cell_can_be_derived_from_the_published_ones_and_the_total(pairs, threshold):
    cells = [Cell(f"u{i}", min(n, d), d) for i, (n, d) in enumerate(pairs)]
    result = suppress(cells, threshold)
    hidden = [c for c in result if c.suppressed]
    if len(result) < 2 or sum(c.denominator for c in hidden) == 0:
        return  # one unit is the total itself; hidden empty units hold nobody to disclose
    for cell in hidden:
        assert _other_values_fit(cell, hidden), (cell, hidden)

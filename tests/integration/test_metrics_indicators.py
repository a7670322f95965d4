"""Each indicator against counts computed here, in plain Python, from the seeded people."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from models.reference import AdministrativeUnit
from services.metrics.indicators import IndicatorQuery, compute_indicators
from services.metrics.sources import FORMULAS
from services.metrics.units import CITY_CODE
from tests.metrics_support import (DISTRICTS, END_2024, END_Q3, TODAY, cells, expected_eid,
                                   monthly_active, population, seed_people, utc)

@pytest.fixture
def people_2024(db_session):
    return seed_people(db_session, population(random.Random(6)))


@pytest.mark.parametrize("period,last_day,end", [("2024", date(2024, 12, 31), END_2024),
                                                 ("2024-Q3", date(2024, 9, 30), END_Q3)])
def test_eid_verified_share_per_district_and_city(db_session, people_2024, period, last_day, end):
    numerators, denominators = expected_eid(people_2024, last_day, end)
    assert all(numerators[d] > 0 for d in DISTRICTS)

    districts = cells(compute_indicators(db_session, IndicatorQuery(period, "district"),
                                          threshold=0, today=TODAY), "eid_verified_share")
    assert len(districts) == 30
    for code in DISTRICTS:
        cell = districts[code]
        assert (cell.numerator, cell.denominator, cell.suppressed) == (numerators[code], denominators[code], False)
        assert cell.value == pytest.approx(numerators[code] / denominators[code], abs=1e-6)  # rounded to 6 places
        assert cell.unit_name and cell.period == period and cell.catalogue_version == "2024"
    assert all((districts[code].numerator, districts[code].denominator, districts[code].value) == (0, 0, None)
               for code in districts if code not in DISTRICTS)  # threshold 0: nothing hidden

    city = cells(compute_indicators(db_session, IndicatorQuery(period, "city"), threshold=10,
                                     today=TODAY), "eid_verified_share")
    assert (city[CITY_CODE].numerator, city[CITY_CODE].denominator) == (
        sum(numerators.values()), sum(denominators.values()))


def test_mau_share_reads_the_last_month_and_the_city_union(db_session, people_2024):
    _, adults = expected_eid(people_2024, date(2024, 12, 31), END_2024)
    monthly_active(db_session, date(2024, 12, 1), {"001": 15, "002": 12, "003": 11, CITY_CODE: 30})
    monthly_active(db_session, date(2024, 11, 1), {"001": 19, "002": 3, "003": 13, CITY_CODE: 35})

    year = cells(compute_indicators(db_session, IndicatorQuery("2024", "district"), threshold=10,
                                     today=TODAY), "mau_share")
    expected = {"001": (15, adults["001"]), "002": (12, adults["002"]), "003": (11, adults["003"])}
    shown = {d: (year[d].numerator, year[d].denominator) for d in DISTRICTS if not year[d].suppressed}
    assert shown == {d: expected[d] for d in shown} and len(shown) >= 2  # 27 empty districts cost a partner
    city = cells(compute_indicators(db_session, IndicatorQuery("2024", "city"), threshold=10,
                                     today=TODAY), "mau_share")[CITY_CODE]
    assert city.numerator == 30  # distinct over the city, not 15 + 12 + 11

    _, adults_nov = expected_eid(people_2024, date(2024, 11, 30), utc(2024, 11, 30, 17))
    november = cells(compute_indicators(db_session, IndicatorQuery("2024-11", "district"), threshold=10,
                                         today=TODAY), "mau_share")
    assert (november["001"].numerator, november["001"].denominator) == (19, adults_nov["001"])
    assert november["002"].suppressed and november["002"].numerator is None  # 3 users


def test_a_lone_small_cell_hides_its_smallest_neighbour_even_when_filtered(db_session):
    codes = sorted(db_session.scalars(select(AdministrativeUnit.code).where(
        AdministrativeUnit.level == "district")))
    sizes = {code: 12 + n for n, code in enumerate(codes, start=1)}
    sizes["004"] = 4  # the one cell under the threshold
    seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 1, 1)}
                             for code, size in sizes.items() for _ in range(size)])

    values = cells(compute_indicators(db_session, IndicatorQuery("2024", "district"), threshold=10,
                                       today=TODAY), "eid_verified_share")
    hidden = {code for code, value in values.items() if value.suppressed}
    assert hidden == {"004", "001"}  # 001 (13 people) is the smallest published cell
    assert all(values[c].numerator == values[c].denominator == sizes[c] for c in values if c not in hidden)

    one = compute_indicators(db_session, IndicatorQuery("2024", unit_code="001"), threshold=10, today=TODAY)
    assert {v.unit_code for v in one} == {"001"} and all(v.suppressed for v in one)
    assert all(v.value is None and v.numerator is None and v.denominator is None for v in one)
    city = cells(compute_indicators(db_session, IndicatorQuery("2024", "city"), threshold=10,
                                     today=TODAY), "eid_verified_share")[CITY_CODE]
    assert city.numerator == sum(sizes.values()) and not city.suppressed


def test_every_indicator_of_the_catalogue_is_answered_for_every_unit(db_session):
    values = compute_indicators(db_session, IndicatorQuery("2024", "district"), threshold=10, today=TODAY)
    assert {v.code for v in values} == set(FORMULAS) and len(FORMULAS) == 7
    assert Counter(v.code for v in values) == dict.fromkeys(FORMULAS, 30)

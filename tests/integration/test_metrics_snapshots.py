"""Per-unit snapshots of the stock counts: taken once, read by closed periods, same numbers as live."""
from __future__ import annotations

import random
from dataclasses import astuple
from datetime import date

import pytest
from sqlalchemy import select, update

from models.metrics import MetricSnapshot
from models.reference import Resident
from services.errors import ValidationFailed
from services.metrics import snapshots
from services.metrics.indicators import IndicatorQuery, compute_indicators
from tests.metrics_support import TODAY, population, seed_people


@pytest.fixture
def people_2024(db_session):
    return seed_people(db_session, population(random.Random(15)))


def _stored(session) -> list[tuple]:
    return sorted(session.execute(select(MetricSnapshot.day, MetricSnapshot.unit_code, MetricSnapshot.measure,
                                         MetricSnapshot.count)).all())


def _answers(session, today=TODAY) -> list[tuple]:
    return [astuple(value) for period in ("2024", "2024-Q3", "2024-11")
            for value in compute_indicators(session, IndicatorQuery(period, "district"), threshold=10, today=today)]


def test_a_snapshot_is_written_once_and_a_rerun_changes_nothing(db_session, app, people_2024):
    kv = app.extensions["runtime"].kv
    first = snapshots.take(db_session, kv, date(2024, 12, 31), TODAY)
    stored = _stored(db_session)
    assert first.rows == len(stored) > 0
    assert {measure for _, _, measure, _ in stored} >= {"residents_age_0_13", "residents_age_60_plus",
                                                         "accounts_adult_citizen", "accounts_with_certificate"}

    db_session.execute(update(Resident).where(Resident.district_code == "001").values(district_code="002"))
    again = snapshots.take(db_session, kv, date(2024, 12, 31), TODAY)
    assert again.rows == 0 and _stored(db_session) == stored


def test_a_day_that_has_not_ended_cannot_be_taken(db_session, app):
    with pytest.raises(ValidationFailed) as refused:
        snapshots.take(db_session, app.extensions["runtime"].kv, TODAY, TODAY)
    assert refused.value.errors.keys() == {"date"}


def test_closed_periods_read_from_snapshots_give_the_live_answer_and_keep_it(db_session, app, people_2024):
    live = _answers(db_session)
    kv = app.extensions["runtime"].kv
    for day in snapshots.month_ends(2024, TODAY):
        snapshots.take(db_session, kv, day, TODAY)
    assert _answers(db_session) == live

    # The registry corrects people afterwards (their address history, not the row's district, places
    # them; a birth date correction makes them children): live counts move, the closed periods keep
    # their snapshot.
    db_session.execute(update(Resident).where(Resident.district_code == "001").values(date_of_birth=date(2015, 1, 1)))
    assert _answers(db_session) == live
    db_session.execute(MetricSnapshot.__table__.delete())
    assert _answers(db_session) != live


def test_an_open_period_is_provisional_and_a_closed_one_is_not(db_session, people_2024):
    today = date(2024, 8, 15)
    running = compute_indicators(db_session, IndicatorQuery("2024-Q3", "district"), threshold=0, today=today)
    ended = compute_indicators(db_session, IndicatorQuery("2024-Q2", "district"), threshold=0, today=today)
    assert running and all(value.provisional for value in running)
    assert ended and not any(value.provisional for value in ended)

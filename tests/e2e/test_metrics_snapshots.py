"""Snapshots and kept yearly counts as an analyst and an operator see them."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from models.reference import Resident
from services.clock import clock
from services.metrics.periods import local_today
from tests.metrics_support import seed_people, utc


@pytest.fixture
def analyst(people):
    return people.staff("analyst")


@pytest.fixture
def population(db_session):
    return seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 3, 1)}
                                    for code, size in (("001", 30), ("002", 20), ("003", 12)) for _ in range(size)])


def _eid(client, analyst, query: str) -> dict[str, dict]:
    answer = client.get(f"/api/v1/metrics/indicators?{query}", headers=analyst.headers)
    assert answer.status_code == 200, answer.json
    return {i["unit_code"]: i for i in answer.json["items"] if i["code"] == "eid_verified_share"}


def test_the_snapshot_command_takes_each_day_once(runner, population):
    first = runner.invoke(args=["metrics", "snapshot", "--year", "2024"])
    assert first.exit_code == 0, first.output
    assert "2024-12-31: " in first.output and "đã chụp từ trước" not in first.output
    again = runner.invoke(args=["metrics", "snapshot", "--year", "2024"])
    assert again.exit_code == 0 and again.output.count("đã chụp từ trước") == 12

    yesterday = local_today() - timedelta(days=1)
    nightly = runner.invoke(args=["metrics", "snapshot"])
    assert nightly.exit_code == 0 and f"{yesterday}: " in nightly.output
    running = runner.invoke(args=["metrics", "snapshot", "--date", local_today().isoformat()])
    assert running.exit_code != 0 and "kết thúc" in running.output


def test_an_ended_year_answers_from_kept_counts_until_a_new_snapshot(client, runner, analyst, population,
                                                                      db_session):
    before = _eid(client, analyst, "period=2024&level=district")
    assert before["002"]["denominator"] == 20 and before["002"]["provisional"] is False

    # A registry correction: the 30 residents of 001 were born in 2015 (children, not in the 14+ denominator).
    db_session.execute(update(Resident).where(Resident.district_code == "001").values(date_of_birth=date(2015, 1, 1)))
    assert _eid(client, analyst, "period=2024&level=district") == before  # kept, not counted again

    assert runner.invoke(args=["metrics", "snapshot", "--date", "2024-12-31"]).exit_code == 0
    after = _eid(client, analyst, "period=2024&level=district")
    assert after["002"]["denominator"] == 20 and after["001"]["suppressed"] is True
    assert before["001"]["suppressed"] is False


def test_a_running_month_is_counted_live_and_marked_provisional(client, analyst, db_session):
    month = local_today().isoformat()[:7]
    created = clock.now() - timedelta(minutes=5)
    seed_people(db_session, [{"district_code": "001", "born": date(1980, 1, 1), "created_at": created}] * 12)
    first = _eid(client, analyst, f"period={month}&level=city")["01"]
    assert first["numerator"] == 12 and first["provisional"] is True

    seed_people(db_session, [{"district_code": "001", "born": date(1980, 1, 1), "created_at": created}] * 3)
    assert _eid(client, analyst, f"period={month}&level=city")["01"]["numerator"] == 15

    answer = client.get(f"/api/v1/metrics/indicators?period={month}&level=city&format=csv", headers=analyst.headers)
    rows = list(csv.DictReader(io.StringIO(answer.get_data().decode("utf-8-sig"))))
    assert rows and {row["provisional"] for row in rows} == {"true"}


def test_the_demo_written_into_an_ended_year_shows_at_once(client, runner, analyst, population):
    before = _eid(client, analyst, "period=2024&level=city")["01"]  # kept for 2024
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    after = _eid(client, analyst, "period=2024&level=city")["01"]
    assert after["denominator"] > before["denominator"]  # the demo's residents, not the kept count

"""The attacker of issue 12.1, through the API: everything published for an indicator (every
period of 2024 and every level) or for a month of usage, solved by subtraction. No hidden cell
may come out as one value."""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date

import pytest

from services.demo.people import ANALYST
from services.metrics.periods import parse_period
from services.metrics.sources import FORMULAS
from services.metrics.suppression import attack, indicator_table, usage_table
from services.metrics.units import CITY_CODE

PERIODS = ["2024", *(f"2024-Q{q}" for q in range(1, 5)), *(f"2024-{m:02d}" for m in range(1, 13))]


@pytest.fixture
def demo(runner, client):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    token = client.post("/api/v1/auth/token", json={"national_id": ANALYST.national_id,
                                                    "password": ANALYST.password}).json["access_token"]
    return lambda path: client.get(path, headers={"Authorization": f"Bearer {token}"})


def _published_indicators(demo) -> dict[str, dict]:
    """indicator code -> (unit, period) -> the published item, hidden ones included."""
    found: dict[str, dict] = defaultdict(dict)
    for period in PERIODS:
        for level in ("city", "district"):
            answer = demo(f"/api/v1/metrics/indicators?period={period}&level={level}")
            assert answer.status_code == 200, answer.json
            for item in answer.json["items"]:
                found[item["code"]][(item["unit_code"], period)] = item
    return found


def test_no_hidden_indicator_cell_can_be_solved_from_everything_published(demo):
    published = _published_indicators(demo)
    assert set(published) == set(FORMULAS)
    hidden_total = 0
    for code, items in published.items():
        keys = {key: (0, 0) for key in items}  # the attacker knows every cell's place, not its value
        relations = indicator_table(keys, city=CITY_CODE, periods=FORMULAS[code].periods).relations
        shown = {key: {"numerator": i["numerator"], "denominator": i["denominator"]}
                 for key, i in items.items() if not i["suppressed"]}
        hidden_total += len(items) - len(shown)
        assert attack(shown, relations) == {}, code
        assert all(i["numerator"] >= 10 and i["denominator"] >= 10 for i in items.values() if not i["suppressed"])
    assert hidden_total > 0  # the demo has small cells: the check above had something to solve


def test_no_hidden_usage_cell_can_be_solved_from_a_month_and_its_days(demo):
    months = demo("/api/v1/metrics/usage?from=2024-01-01&to=2024-12-31&granularity=month").json["items"]
    assert months and any(i["suppressed"] for i in months) and any(not i["suppressed"] for i in months)
    month = max(months, key=lambda i: i["date"])["date"][:7]
    year, number = map(int, month.split("-"))
    last = f"{month}-{calendar.monthrange(year, number)[1]:02d}"
    days = demo(f"/api/v1/metrics/usage?from={month}-01&to={last}").json["items"]
    rows = {(i["unit_code"], i["date"][:7], i["feature"]): i for i in months if i["date"].startswith(month)}
    rows |= {(i["unit_code"], i["date"], i["feature"]): i for i in days}
    zeros = {(unit, f"{month}-{d:02d}", feature): {"requests": 0, "active_users": 0}
             for unit, label, feature in list(rows) if len(label) == 10
             for d in range(1, int(last[-2:]) + 1) if (unit, f"{month}-{d:02d}", feature) not in rows}
    relations = usage_table({**dict.fromkeys(rows, (0, 0)), **dict.fromkeys(zeros, (0, 0))},
                            city=CITY_CODE).relations
    shown = {key: {"requests": i["requests"], "active_users": i["active_users"]}
             for key, i in rows.items() if not i["suppressed"]} | zeros
    assert attack(shown, relations) == {}
    assert all(min(i["requests"], i["active_users"]) >= 10 for i in rows.values() if not i["suppressed"])


def test_a_units_monthly_active_users_are_hidden_in_mau_share_and_usage_alike(demo):
    """The `mau_share` numerator of a period is the unit's active users (any feature) in the
    period's last month, which `GET /metrics/usage` also publishes: hidden in both or in neither."""
    mau_share = {}
    for period in ("2024", "2024-Q2", "2024-06", "2024-11"):  # a year, a quarter and months (each costs seconds)
        for level in ("city", "district"):
            items = demo(f"/api/v1/metrics/indicators?period={period}&level={level}").json["items"]
            mau_share |= {(i["unit_code"], period): i for i in items if i["code"] == "mau_share"}
    usage = demo("/api/v1/metrics/usage?from=2024-01-01&to=2024-12-31&granularity=month").json["items"]
    rows = {(i["unit_code"], i["date"][:7]): i for i in usage if i["feature"] == "any"}
    linked = []
    for (unit, period), item in mau_share.items():
        row = rows.get((unit, parse_period(period).last_month(date(2025, 1, 1)).isoformat()[:7]))
        if row is not None:
            linked.append((unit, period))
            assert item["suppressed"] == row["suppressed"], (unit, period)
            assert item["suppressed"] or item["numerator"] == row["active_users"]
    assert len(linked) > 60  # every unit of every period asked for has its usage row

"""The attacker of issue 12.1, through the API: everything published for an indicator (every
period of 2024 and every level) or for a month of usage, solved by subtraction. No hidden cell
may come out as one value."""
from __future__ import annotations

import calendar
import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from services.demo.people import ANALYST
from services.metrics.periods import parse_period
from services.metrics.sources import FORMULAS
from services.metrics.relations import sub_periods
from services.metrics.suppression import Relation, attack, indicator_table, usage_table
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


# --- 2025: districts hold January to June, the wards and communes July to December ----------

YEAR_2025 = ["2025", *(f"2025-Q{q}" for q in range(1, 5)), *(f"2025-{m:02d}" for m in range(1, 13))]
FIRST_HALF = {"2025-Q1", "2025-Q2", *(f"2025-{m:02d}" for m in range(1, 7))}
DISTRICTS_2025 = ("001", "002", "003", "004")
VIEW = "units-2025"


@pytest.fixture
def reform_year(db_session):
    """Six wards of 2025 from 1 July (the districts closed the day before), people in them and in
    four districts, and dossiers received over 2025: on the districts' people January to June,
    on the wards' people July to December, a few to a dozen per unit and month."""
    from models.dossiers import Dossier, Procedure
    from models.reference import AdministrativeUnit
    from services.dossiers import deadlines
    from services.reference.units_2025 import hanoi_units_2025
    from tests.metrics_support import seed_people, utc

    db_session.execute(update(AdministrativeUnit).where(AdministrativeUnit.level == "district")
                       .values(valid_to=date(2025, 6, 30)))
    wards = [u for u in hanoi_units_2025() if u["code"] != CITY_CODE][:6]
    db_session.add_all(AdministrativeUnit(code=u["code"], name=u["name"], level="commune", kind=u["kind"],
                                          parent_code=CITY_CODE, valid_from=u["valid_from"], valid_to=None)
                       for u in wards)
    db_session.add(Procedure(code="T-2025", name="T-2025", agency_code="000.01.01.H26", online_level="full",
                             processing_days=5, fee=0, form_schema={"type": "object"}, search_text="T-2025",
                             updated_at=utc(2025, 1, 1)))
    rng = random.Random(2025)
    # the first three wards' people also file from January (counted on the wards in 2025 as
    # re-expressed), the other three's only from July
    homes = {**{code: range(1, 7) for code in DISTRICTS_2025},
             **{u["code"]: range(1 if i < 3 else 7, 13) for i, u in enumerate(wards)}}
    people = {code: seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1),
                                              "created_at": utc(2024, 1, 1) if i % 3 else None}
                                             for i in range(rng.choice([6, 12, 30]))])
              for code in homes}
    dossiers = []
    for code, months in homes.items():
        for month in months:
            for n in range(rng.choice([0, 1, 2, 3, 5, 8, 12, 15])):
                owner = rng.choice(people[code])
                received = utc(2025, month, rng.randint(1, 27), 3)
                dossier = Dossier(code=f"R-{code}-{month:02d}-{n}", procedure_code="T-2025",
                                  agency_code="000.01.01.H26", owner_resident_id=owner.resident_id,
                                  district_code=code, channel=rng.choice(["online", "counter"]), status="approved",
                                  form={}, submitted_at=received, due_at=received, original_due_at=received,
                                  updated_at=received)
                deadlines.start_clock(dossier, 5, received)
                deadlines.finish(dossier, received + timedelta(days=rng.choice([1, 2, 20])))
                dossiers.append(dossier)
    db_session.add_all(dossiers)
    db_session.flush()
    return [u["code"] for u in wards]


def _cell_key(item: dict, period: str, view: tuple[str, ...]) -> tuple:
    return (item["unit_code"], period, *view)


def _published_2025(demo) -> dict[str, dict]:
    """indicator code -> key -> published item: every period of 2025 at the city and at its own
    level (wards from July, districts before), and January to June re-expressed on the wards."""
    found: dict[str, dict] = defaultdict(dict)
    asks = [(period, level, "") for period in YEAR_2025 for level in ("city", None)]
    asks += [(period, level, "&units=2025") for period in sorted(FIRST_HALF) for level in ("city", None)]
    for period, level, units in asks:
        answer = demo(f"/api/v1/metrics/indicators?period={period}{'&level=' + level if level else ''}{units}")
        assert answer.status_code == 200, answer.json
        for item in answer.json["items"]:
            found[item["code"]][_cell_key(item, period, (VIEW,) if units else ())] = item
    return found


def _every_sum_one_could_write(keys: set, along: str) -> list[Relation]:
    """Sums anyone reading the docs could write (the caller keeps those that hold): each unit's
    period = all its sub-periods (flows) or its last one (stocks), a sub-period missing from a
    unit's own view taken from its re-expressed one (a ward's 2025 = its Q1 and Q2 re-expressed
    + its Q3 + Q4, docs/metrics.md); the city = the units of a period; the city's 2025 = the
    wards' 2025 and the districts' first half; a re-expressed city = the city. A sum of only
    the sub-periods a unit has in one view (a ward's 2025 = its Q3 + Q4) is not in the docs: it
    holds only where the ward happens to count nothing before July, which no one outside knows."""
    found = []
    by_unit: dict[tuple, set] = defaultdict(set)
    for unit, period, *view in keys:
        by_unit[(unit, *view)].add(period)
    for (unit, *view), periods in by_unit.items():
        for label in periods:
            children = sub_periods(label) if along == "sum" else sub_periods(label)[-1:]
            parts = [next((k for k in ((unit, c, *view), (unit, c, VIEW)) if k in keys), None) for c in children]
            if parts and None not in parts:
                found.append(Relation((unit, label, *view), tuple(parts)))
    by_period: dict[tuple, list] = defaultdict(list)
    for unit, period, *view in keys:
        if unit != CITY_CODE:
            by_period[(period, *view)].append((unit, period, *view))
    for (period, *view), parts in by_period.items():
        found.append(Relation((CITY_CODE, period, *view), tuple(sorted(parts))))
        if view:
            found.append(Relation((CITY_CODE, period), ((CITY_CODE, period, *view),)))
    districts_first_half = [k for k in keys if k[1] in ("2025-Q1", "2025-Q2") and len(k) == 2 and k[0] != CITY_CODE]
    found.append(Relation((CITY_CODE, "2025"), tuple(sorted(by_period[("2025",)] + districts_first_half))))
    return found


def _holds(relation: Relation, truth: dict) -> bool:
    return all(truth[relation.total][i] == sum(truth[p][i] for p in relation.parts) for i in (0, 1))


def _truth_2025(db_session) -> dict[str, dict]:
    """Every cell's true counts, from the service with no threshold (what the attacker wants)."""
    from services.metrics.indicators import IndicatorQuery, compute_indicators
    today = date(2026, 1, 15)
    found: dict[str, dict] = defaultdict(dict)
    asks = [(p, level, None) for p in YEAR_2025 for level in ("city", None)]
    asks += [(p, level, "2025") for p in sorted(FIRST_HALF) for level in ("city", None)]
    for period, level, units in asks:
        for value in compute_indicators(db_session, IndicatorQuery(period, level, units=units), threshold=0,
                                        today=today):
            key = (value.unit_code, period, *((VIEW,) if units else ()))
            found[value.code][key] = (value.numerator, value.denominator)
    return found


def test_no_hidden_cell_of_2025_can_be_solved_from_every_sum_that_holds(client, people, db_session, reform_year):
    analyst = people.staff("analyst")
    published = _published_2025(lambda path: client.get(path, headers=analyst.headers))
    truth = _truth_2025(db_session)
    assert set(published) == set(FORMULAS)
    hidden_total = 0
    for code, items in published.items():
        assert set(items) == set(truth[code]), code
        along = FORMULAS[code].periods
        holding = [r for r in _every_sum_one_could_write(set(items), along) if _holds(r, truth[code])]
        if along == "sum":  # a ward's 2025 is its re-expressed first half + its Q3 + Q4
            for ward in reform_year:
                year = Relation((ward, "2025"), ((ward, "2025-Q1", VIEW), (ward, "2025-Q2", VIEW),
                                                 (ward, "2025-Q3"), (ward, "2025-Q4")))
                assert year in holding, (code, ward)
        shown = {key: {"numerator": i["numerator"], "denominator": i["denominator"]}
                 for key, i in items.items() if not i["suppressed"]}
        hidden_total += len(items) - len(shown)
        assert all(min(v.values()) >= 10 for v in shown.values()), code
        assert attack(shown, {"numerator": holding, "denominator": holding}) == {}, code
    assert hidden_total > 0

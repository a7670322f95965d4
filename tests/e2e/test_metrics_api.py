"""/metrics over HTTP: role rules, JSON and CSV, usage counted from real requests."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from services.metrics.periods import local_today
from services.metrics.usage_report import UsageQuery, usage_items
from tests.metrics_support import seed_people, utc


@pytest.fixture
def analyst(people):
    return people.staff("analyst")


@pytest.fixture
def population(db_session):
    specs = [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 3, 1)}
             for code, size in (("001", 30), ("002", 20), ("003", 12)) for _ in range(size)]
    specs += [{"district_code": code, "born": date(1980, 1, 1)}
              for code, size in (("001", 10), ("002", 20), ("003", 8)) for _ in range(size)]
    return seed_people(db_session, specs)


@pytest.mark.parametrize("path", ["/api/v1/metrics/indicators?period=2024", "/api/v1/metrics/usage"])
def test_only_analysts_and_admins(client, people, path):
    assert client.get(path).status_code == 401
    for person in (people.citizen(), people.staff("officer")):
        answer = client.get(path, headers=person.headers)
        assert answer.status_code == 403 and answer.json["code"] == "forbidden_role"
    for role in ("analyst", "admin"):
        assert client.get(path, headers=people.staff(role).headers).status_code == 200


def test_indicators_as_json(client, analyst, population):
    answer = client.get("/api/v1/metrics/indicators?period=2024&level=district", headers=analyst.headers)
    assert answer.status_code == 200
    items = {(i["code"], i["unit_code"]): i for i in answer.json["items"]}
    ba_dinh = items[("eid_verified_share", "001")]
    assert ba_dinh["unit_name"] == "Ba Đình" and ba_dinh["period"] == "2024"
    assert (ba_dinh["numerator"], ba_dinh["denominator"], ba_dinh["value"]) == (30, 40, 0.75)
    assert ba_dinh["suppressed"] is False and ba_dinh["name"].startswith("Tỷ lệ")
    hidden = items[("eid_verified_share", "004")]
    assert hidden["suppressed"] is True and hidden["numerator"] is hidden["denominator"] is hidden["value"] is None

    city = client.get("/api/v1/metrics/indicators?period=2024&level=city", headers=analyst.headers).json["items"]
    eid = next(i for i in city if i["code"] == "eid_verified_share")
    assert (eid["unit_code"], eid["numerator"], eid["denominator"]) == ("01", 62, 100)

    one = client.get("/api/v1/metrics/indicators?period=2024&unit_code=002", headers=analyst.headers).json
    assert {i["unit_code"] for i in one["items"]} == {"002"}
    assert next(i for i in one["items"] if i["code"] == "eid_verified_share")["value"] == 0.5


def test_indicators_as_csv_with_bom_and_vietnamese_intact(client, analyst, population):
    for answer in (client.get("/api/v1/metrics/indicators?period=2024&format=csv", headers=analyst.headers),
                   client.get("/api/v1/metrics/indicators?period=2024",
                              headers={**analyst.headers, "Accept": "text/csv"})):
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
        body = answer.get_data()
        assert body.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        ba_dinh = next(r for r in rows if r["code"] == "eid_verified_share" and r["unit_code"] == "001")
        assert ba_dinh["unit_name"] == "Ba Đình" and "Tỷ lệ người dân" in ba_dinh["name"]
        assert (ba_dinh["numerator"], ba_dinh["denominator"], ba_dinh["value"], ba_dinh["suppressed"]) == (
            "30", "40", "0.75", "false")
        hidden = next(r for r in rows if r["code"] == "eid_verified_share" and r["unit_code"] == "004")
        assert (hidden["numerator"], hidden["value"], hidden["suppressed"]) == ("", "", "true")
    as_json = client.get("/api/v1/metrics/indicators?period=2024", headers={**analyst.headers, "Accept": "*/*"})
    assert as_json.mimetype == "application/json"


@pytest.mark.parametrize("query,field,code", [
    ("period=2024-13", "period", "invalid_period"),
    ("period=Q3-2024", "period", "invalid_period"),
    ("period=2024&unit_code=999", "unit_code", "unknown_unit"),
    ("period=2024&unit_code=001&level=commune", "level", "level_mismatch"),
    ("period=2024&level=province", "level", "validation_failed"),
    ("", "period", "validation_failed"),
])
def test_bad_indicator_queries_are_422_on_the_field(client, analyst, query, field, code):
    answer = client.get(f"/api/v1/metrics/indicators?{query}", headers=analyst.headers)
    assert answer.status_code == 422 and field in answer.json["errors"] and answer.json["code"] == code


def test_citizen_requests_are_counted_per_feature_and_unit(client, runner, people, analyst, db_session):
    hoa = people.citizen(district_code="005")
    lan = people.citizen(district_code="005")
    for _ in range(3):
        assert client.get("/api/v1/me", headers=hoa.headers).status_code == 200
    client.get("/api/v1/me/notifications", headers=hoa.headers)
    client.get("/api/v1/me", headers=lan.headers)
    gone = client.delete("/api/v1/me/sessions/00000000-0000-0000-0000-000000000000", headers=lan.headers)
    assert gone.status_code == 404                                                              # still a use
    client.get("/api/v1/me", headers=analyst.headers)                                           # staff: not counted
    client.get("/api/v1/me")                                                                    # anonymous: not counted
    client.get("/api/v1/metrics/usage", headers=analyst.headers)

    result = runner.invoke(args=["metrics", "rollup"])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["metrics", "rollup"])  # a second run counts nothing twice

    today = local_today().isoformat()
    items = client.get(f"/api/v1/metrics/usage?from={today}&to={today}", headers=analyst.headers).json["items"]
    assert {(i["unit_code"], i["feature"]): (i["requests"], i["active_users"], i["suppressed"]) for i in items} == {
        ("005", "identity"): (None, None, True), ("005", "notification"): (None, None, True)}  # 2 and 1 users
    monthly = client.get(f"/api/v1/metrics/usage?from={today}&to={today}&granularity=month&unit_code=005",
                         headers=analyst.headers).json["items"]
    assert {i["feature"] for i in monthly} == {"identity", "notification", "any"}
    assert all(i["suppressed"] and i["requests"] is None for i in monthly)
    assert all(i["date"] == local_today().replace(day=1).isoformat() for i in monthly)

    counted = usage_items(db_session, UsageQuery(local_today(), local_today()), today=local_today(), threshold=1)
    assert {(i.unit_code, i.feature): (i.requests, i.active_users) for i in counted} == {
        ("005", "identity"): (5, 2), ("005", "notification"): (1, 1)}
    month = usage_items(db_session, UsageQuery(local_today(), local_today(), unit_code="005", granularity="month"),
                        today=local_today(), threshold=1)
    assert {i.feature: (i.requests, i.active_users) for i in month} == {
        "identity": (5, 2), "notification": (1, 1), "any": (6, 2)}


def test_a_citizen_request_succeeds_when_the_counters_are_down(client, people, app, monkeypatch):
    """The count rides on the denylist read's round trip: when Redis refuses the counting
    commands (out of memory, a read-only replica), the denylist answer still decides and the
    request is served; a Redis that does not answer at all is a 503 from the denylist, not from
    the count (tests/faults/test_redis_outage.py)."""
    import redis

    hoa = people.citizen()
    usage = app.extensions["runtime"].usage
    queue = usage.queue

    def refused(pipe, *args, **kwargs):
        settle = queue(pipe, *args, **kwargs)
        return lambda answers: settle([redis.ResponseError("OOM command not allowed") for _ in answers])

    monkeypatch.setattr(usage, "queue", refused)
    assert client.get("/api/v1/me", headers=hoa.headers).status_code == 200


def test_usage_query_rules(client, analyst):
    answer = client.get("/api/v1/metrics/usage?from=2024-02-01&to=2024-01-01", headers=analyst.headers)
    assert answer.status_code == 422 and "from" in answer.json["errors"]
    answer = client.get("/api/v1/metrics/usage?from=2024-01-01&to=2024-12-31", headers=analyst.headers)
    assert answer.status_code == 422 and answer.json["code"] == "range_too_long"
    answer = client.get("/api/v1/metrics/usage?from=2024-01-01&to=2024-12-31&granularity=month",
                        headers=analyst.headers)
    assert answer.status_code == 200 and answer.json == {"items": []}


def test_cli_export_writes_the_yearly_file(runner, population, tmp_path):
    out = tmp_path / "dti-2024.csv"
    result = runner.invoke(args=["metrics", "export", "--period", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["unit_code"] == "01" and rows[0]["unit_name"] == "Thành phố Hà Nội"
    assert any(r["unit_name"] == "Hoàn Kiếm" for r in rows)
    bad = runner.invoke(args=["metrics", "export", "--period", "2024-Q9", "--out", str(out)])
    assert bad.exit_code != 0 and "quý" in bad.output

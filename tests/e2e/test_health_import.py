"""`facilities import` and `health import`: bad lines reported by number and skipped, re-runs add nothing."""
import json

from sqlalchemy import func, select

from models.health import Encounter, Facility, Observation
from services.health import records
from services.health.batch import ITEM_FIELDS
from tests.health_support import check_up, days_ago


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_facilities_import_reports_bad_rows_and_upserts(runner, db_session, tmp_path):
    csv_file = tmp_path / "facilities.csv"
    csv_file.write_text("code,name,district_code\nBV-TEST,Bệnh viện Thử,005\nBV-BAD,Sai quận,999\n"
                        "bad code,Tên,005\n", encoding="utf-8")
    result = runner.invoke(args=["facilities", "import", str(csv_file)])
    assert result.exit_code == 1 and ":3:" in result.output and ":4:" in result.output
    assert db_session.get(Facility, "BV-TEST").name == "Bệnh viện Thử"
    runner.invoke(args=["facilities", "import", str(csv_file)])
    assert db_session.scalar(select(func.count()).select_from(Facility).where(Facility.code == "BV-TEST")) == 1


def _ndjson(tmp_path, people):
    one, two = people.resident(), people.resident(sex="male")
    lines = [
        json.dumps({"national_id": one.national_id, "facility_code": "TTYT-CAUGIAY", **check_up("imp-1", days_ago(9))}),
        "{not json",
        json.dumps({"national_id": "001190777777", "facility_code": "TTYT-CAUGIAY", **check_up("imp-2", days_ago(9))}),
        json.dumps({"national_id": two.national_id, "facility_code": "NOWHERE", **check_up("imp-3", days_ago(9))}),
        json.dumps({"national_id": two.national_id, "facility_code": "BV-BACHMAI",
                    "observations": [{"code": "8310-5", "value": 95, "unit": "Cel",
                                      "effective_at": days_ago(1).isoformat(), "source_id": "hot"}]}),
        "",
        json.dumps({"national_id": two.national_id, "facility_code": "BV-BACHMAI", **check_up("imp-4", days_ago(5))}),
    ]
    path = tmp_path / "records.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_health_import_skips_bad_lines_and_adds_nothing_twice(runner, db_session, people, tmp_path, facilities):
    path = _ndjson(tmp_path, people)
    before_obs, before_visits = count(db_session, Observation), count(db_session, Encounter)
    result = runner.invoke(args=["health", "import", str(path)])
    assert result.exit_code == 1
    for line, words in ((2, "không phải JSON"), (3, "không có trong Cơ sở dữ liệu quốc gia về dân cư"),
                        (4, "danh mục cơ sở y tế"),
                        (5, "observations.0.value: Nhiệt độ cơ thể 95 Cel không hợp lý")):
        assert f":{line}: " in result.output and words in result.output, (line, result.output)
    assert ":1:" not in result.output and ":7:" not in result.output
    assert "đã nạp 2 dòng" in result.output
    assert count(db_session, Observation) - before_obs == 10  # 2 x (height, weight, BMI, 2 pressures)
    assert count(db_session, Encounter) - before_visits == 2

    again = runner.invoke(args=["health", "import", str(path)])
    assert "20 đã có sẵn" in again.output
    assert count(db_session, Observation) - before_obs == 10


def test_the_copy_path_gives_the_same_result(runner, db_session, people, tmp_path, facilities, monkeypatch):
    """On PostgreSQL large chunks go through COPY; force it for a small file (SQLite ignores it)."""
    monkeypatch.setattr(records, "COPY_THRESHOLD", 1)
    path = _ndjson(tmp_path, people)
    before = count(db_session, Observation)
    runner.invoke(args=["health", "import", str(path)])
    runner.invoke(args=["health", "import", str(path)])
    assert count(db_session, Observation) - before == 10
    visit = db_session.scalars(select(Encounter).where(Encounter.source_id == "imp-4-e")).one()
    assert visit.diagnoses == ["Z00.0", "I10"]


def test_the_import_takes_exactly_the_batch_fields_the_openapi_document_lists(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    documented = {kind: set(schemas[prop["items"]["$ref"].rsplit("/", 1)[-1]]["properties"])
                  for kind, prop in schemas["ProviderBatch"]["properties"].items()}
    assert documented == {kind: set(fields) for kind, fields in ITEM_FIELDS.items()}


def test_deeply_nested_lines_are_reported_by_number_and_skipped(runner, db_session, people, tmp_path, facilities):
    patient = people.resident()
    head = {"national_id": patient.national_id, "facility_code": "TTYT-CAUGIAY"}
    deep_for_the_parser = '{"observations": ' + "[" * 100_000 + "]" * 100_000 + "}"
    deep_for_the_rules = json.dumps({**head, "observations": [{"code": {"x": None}}]}).replace(
        '{"x": null}', '{"x": ' * 900 + "null" + "}" * 900)
    lines = [deep_for_the_parser, deep_for_the_rules,
             json.dumps({**head, **check_up("deep-ok", days_ago(3))})]
    path = tmp_path / "deep.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = count(db_session, Encounter)
    result = runner.invoke(args=["health", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert ":1: " in result.output and ":2: " in result.output, result.output
    assert "đã nạp 1 dòng" in result.output
    assert count(db_session, Encounter) - before == 1

"""The summary is one stored row per record (issue 15.2): every write, correction and import
rewrites it with the next version in the same transaction, it answers exactly what the live
computation gives, and its ETag moves with it."""
import json

from sqlalchemy import delete, select

from api.health.schemas import SummarySchema
from models.health import HealthRecord, HealthSummary, Observation
from models.reference import Resident
from services.health import records, reading, summaries
from tests.health_support import born_on, check_up, days_ago, obs, written

API = "/api/v1/me/health"
QUEUE = "/api/v1/providers/correction-requests"


def record_of(session, national_id: str) -> tuple[Resident, int]:
    session.expire_all()
    return session.execute(select(Resident, HealthRecord.id).join(HealthRecord, HealthRecord.resident_id == Resident.id)
                           .where(Resident.national_id == national_id)).one()


def version_of(session, record_id: int) -> int:
    session.expire_all()
    return session.scalar(select(HealthSummary.version).where(HealthSummary.record_id == record_id))


def live_body(session, national_id: str) -> dict:
    """What the endpoint answered before the summary was stored: computed from the entries."""
    resident, record_id = record_of(session, national_id)
    return json.loads(json.dumps(SummarySchema().dump(reading.summary(session, resident, record_id))))


def summary_of(client, me) -> tuple[dict, str]:
    answer = client.get(f"{API}/summary", headers=me.headers)
    assert answer.status_code == 200
    return answer.get_json(), answer.headers["ETag"]


def test_a_write_a_correction_and_an_import_each_move_the_summary(client, runner, people, clinic_doctor,
                                                                  db_session, tmp_path):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(3), systolic=182))
    _, record_id = record_of(db_session, me.national_id)
    first, first_tag = summary_of(client, me)
    assert version_of(db_session, record_id) == 1
    assert first == live_body(db_session, me.national_id)
    assert {v["code"]: v["value"] for v in first["vital_signs"]}["8480-6"] == 182

    written(client, clinic_doctor, me.national_id, {"observations": [obs("pulse", "8867-4", 66, "/min", days_ago(1))]})
    second, second_tag = summary_of(client, me)
    assert version_of(db_session, record_id) == 2 and second_tag != first_tag
    assert "8867-4" in {v["code"] for v in second["vital_signs"]}
    assert second == live_body(db_session, me.national_id)

    systolic = next(v for v in second["vital_signs"] if v["code"] == "8480-6")
    request = client.post(f"{API}/correction-requests", headers=me.headers,
                          json={"resource_type": "observation", "resource_id": systolic["id"],
                                "reason": "The pressure was 128."}).get_json()
    assert version_of(db_session, record_id) == 2  # a request alone changes no entry
    done = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                       json={"outcome": "corrected", "changes": {"value": 128}})
    assert done.status_code == 200
    third, third_tag = summary_of(client, me)
    assert version_of(db_session, record_id) == 3 and third_tag != second_tag
    corrected = next(v for v in third["vital_signs"] if v["code"] == "8480-6")
    assert corrected["value"] == 128 and corrected["corrected"] is True
    assert third == live_body(db_session, me.national_id)

    other = people.citizen()
    path = tmp_path / "records.ndjson"
    path.write_text("\n".join(json.dumps({"national_id": who.national_id, "facility_code": "BV-BACHMAI",
                                          **check_up(f"imp-{who.national_id}-{n}", days_ago(1 - n / 10),
                                                     systolic=120 + n)})
                              for n in range(3) for who in (me, other)) + "\n", encoding="utf-8")
    assert runner.invoke(args=["health", "import", str(path)]).exit_code == 0
    assert summary_of(client, other)[0] == live_body(db_session, other.national_id)  # computed in one batch
    fourth, fourth_tag = summary_of(client, me)
    assert version_of(db_session, record_id) == 4  # three lines of one record: one refresh
    assert {v["code"]: v["value"] for v in fourth["vital_signs"]}["8480-6"] == 122
    assert fourth == live_body(db_session, me.national_id) and fourth_tag != third_tag

    runner.invoke(args=["health", "import", str(path)])  # all already stored: nothing moves
    assert version_of(db_session, record_id) == 4


def test_the_etag_holds_while_nothing_changes_and_a_matching_one_gets_304(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(3)))
    body, tag = summary_of(client, me)
    assert summary_of(client, me) == (body, tag)
    unchanged = client.get(f"{API}/summary", headers={**me.headers, "If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    written(client, clinic_doctor, me.national_id, {"allergies": [{"substance": "latex", "source_id": "a2"}]})
    moved = client.get(f"{API}/summary", headers={**me.headers, "If-None-Match": tag})
    assert moved.status_code == 200 and "latex" in {a["substance"] for a in moved.get_json()["allergies"]}


def test_a_rolled_back_write_leaves_the_summary_as_it_was(app, client, people, clinic_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(3)))
    before, tag = summary_of(client, me)
    _, record_id = record_of(db_session, me.national_id)
    with app.extensions["runtime"].sessions() as session:
        records.store(session, {"observations": [{
            "record_id": record_id, "facility_code": "TTYT-CAUGIAY", "recorded_at": days_ago(0), "source_id": "lost",
            "code": "8867-4", "value": 70.0, "unit": "/min", "effective_at": days_ago(0), "derived": False}]})
        assert summaries.refresh(session, record_id).version == 2
        session.rollback()  # the write failed after the summary was rewritten
    assert summary_of(client, me) == (before, tag) and version_of(db_session, record_id) == 1
    assert db_session.scalar(select(Observation.id).where(Observation.source_id == "lost")) is None


def test_a_record_stored_before_the_summaries_gets_its_summary_on_first_read(client, people, clinic_doctor,
                                                                             db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(3)))
    _, record_id = record_of(db_session, me.national_id)
    db_session.execute(delete(HealthSummary).where(HealthSummary.record_id == record_id))
    db_session.commit()
    body, _ = summary_of(client, me)
    assert body == live_body(db_session, me.national_id) and body["has_record"] is True
    assert version_of(db_session, record_id) == 1


def test_the_summaries_command_builds_those_missing_once(runner, client, people, clinic_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(3), systolic=151))
    _, record_id = record_of(db_session, me.national_id)
    db_session.execute(delete(HealthSummary).where(HealthSummary.record_id == record_id))
    db_session.commit()

    built = runner.invoke(args=["health", "summaries"])
    assert built.exit_code == 0, built.output
    assert version_of(db_session, record_id) == 1
    stored = db_session.get(HealthSummary, record_id)
    assert {v["code"]: v["value"] for v in stored.document["vital_signs"]}["8480-6"] == 151
    again = runner.invoke(args=["health", "summaries"])
    assert again.exit_code == 0 and "0 hồ sơ" in again.output, again.output
    assert version_of(db_session, record_id) == 1


def test_a_provider_reads_the_stored_summary_with_the_staff_mask(client, people, clinic_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(3)))
    citizen_view, _ = summary_of(client, me)
    emergency = client.get(f"/api/v1/providers/patients/{me.national_id}/summary",
                           query_string={"emergency_reason": "unconscious"},
                           headers={**clinic_doctor.headers, **born_on(client, me.national_id)})
    assert emergency.status_code == 200, emergency.get_json()
    staff_view = emergency.get_json()
    assert staff_view["emergency"] is True and staff_view["facility_code"] == "TTYT-CAUGIAY"
    assert staff_view["subject"]["national_id_masked"].endswith(me.national_id[-4:])
    assert {k: v for k, v in staff_view.items() if k not in ("subject", "facility_code", "emergency")} == \
        {k: v for k, v in citizen_view.items() if k != "subject"}

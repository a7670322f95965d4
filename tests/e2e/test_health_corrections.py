"""A citizen asks for a correction; the writing facility acknowledges and settles it in time;
the original entry is never overwritten."""
import uuid
from datetime import datetime

from sqlalchemy import select

from models.health import HealthAccessLog, HealthCorrection, Observation
from models.notifications import Notification
from services.calendar.business_days import add_business_days
from tests.health_support import check_up, days_ago, written

API = "/api/v1/me/health"
QUEUE = "/api/v1/providers/correction-requests"


def systolic_of(client, me) -> dict:
    return client.get(f"{API}/observations?code=8480-6", headers=me.headers).get_json()["items"][0]


def ask(client, me, resource_type, resource_id, reason="The pressure was 128, not 182."):
    return client.post(f"{API}/correction-requests", headers=me.headers,
                       json={"resource_type": resource_type, "resource_id": resource_id, "reason": reason})


def test_a_request_gets_working_day_deadlines_and_goes_to_the_writing_facility(client, people, clinic_doctor,
                                                                                hospital_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2), systolic=182))
    entry = systolic_of(client, me)
    answer = ask(client, me, "observation", entry["id"])
    assert answer.status_code == 201
    request = answer.get_json()
    created = datetime.fromisoformat(request["created_at"])
    assert datetime.fromisoformat(request["acknowledge_by"]) == add_business_days(created, 2)
    assert datetime.fromisoformat(request["resolve_by"]) == add_business_days(created, 10)
    assert request["status"] == "open" and request["facility_code"] == clinic_doctor.account.facility_code

    queue = client.get(QUEUE, headers=clinic_doctor.headers).get_json()["items"]
    assert [r["id"] for r in queue] == [request["id"]]
    assert queue[0]["patient"]["national_id_masked"].endswith(me.national_id[-4:])
    assert me.national_id not in str(queue) and queue[0]["resource_source_id"] == "v-s"
    assert client.get(QUEUE, headers=hospital_doctor.headers).get_json()["items"] == []
    assert client.post(f"{QUEUE}/{request['id']}/acknowledge", headers=hospital_doctor.headers).status_code == 404
    assert ask(client, me, "observation", entry["id"]).status_code == 409  # one open request per entry
    mine = client.get(f"{API}/correction-requests", headers=me.headers).get_json()["items"]
    assert [r["id"] for r in mine] == [request["id"]]


def test_a_correction_is_appended_and_the_original_kept(client, people, clinic_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2), systolic=182))
    entry = systolic_of(client, me)
    request = ask(client, me, "observation", entry["id"]).get_json()

    ack = client.post(f"{QUEUE}/{request['id']}/acknowledge", headers=clinic_doctor.headers)
    assert ack.status_code == 200 and ack.get_json()["status"] == "acknowledged"
    again = client.post(f"{QUEUE}/{request['id']}/acknowledge", headers=clinic_doctor.headers)
    assert again.status_code == 409 and again.get_json()["current"] == "acknowledged"

    bad = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                      json={"outcome": "corrected", "changes": {"value": 500}})
    assert bad.status_code == 422 and "changes.value" in bad.get_json()["errors"]
    wrong_field = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                              json={"outcome": "corrected", "changes": {"code": "8867-4"}})
    assert wrong_field.status_code == 422

    done = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                       json={"outcome": "corrected", "changes": {"value": 128}, "note": "Typing error."})
    assert done.status_code == 200 and done.get_json()["status"] == "corrected"
    shown = systolic_of(client, me)
    assert shown["value"] == 128 and shown["corrected"] is True
    assert shown["corrections"][0]["previous"] == {"value": 182.0}
    assert shown["corrections"][0]["changes"] == {"value": 128}
    assert shown["corrections"][0]["request_id"] == request["id"]
    original = db_session.scalar(select(Observation).where(Observation.public_id == uuid.UUID(entry["id"])))
    assert original.value == 182  # the original is untouched
    summary = client.get(f"{API}/summary", headers=me.headers).get_json()
    assert {v["code"]: v["value"] for v in summary["vital_signs"]}["8480-6"] == 128
    kinds = db_session.scalars(select(Notification.kind).where(Notification.account_id == me.account.id)).all()
    assert kinds == ["health_correction", "health_correction"]
    finished = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                           json={"outcome": "refused", "note": "no"})
    assert finished.status_code == 409


def test_a_refusal_needs_its_reason(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2)))
    condition = client.get(f"{API}/summary", headers=me.headers).get_json()["active_conditions"][0]
    request = ask(client, me, "condition", condition["id"], reason="I never had hypertension.").get_json()
    no_reason = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                            json={"outcome": "refused"})
    assert no_reason.status_code == 422 and "note" in no_reason.get_json()["errors"]
    refused = client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                          json={"outcome": "refused", "note": "Confirmed by three measurements."})
    assert refused.status_code == 200 and refused.get_json()["resolution_note"] == "Confirmed by three measurements."
    assert client.get(f"{API}/correction-requests", headers=me.headers).get_json()["items"][0]["status"] == "refused"


def test_an_empty_reason_is_422_and_another_persons_entry_404(client, people, clinic_doctor, db_session):
    me, other = people.citizen(), people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2)))
    written(client, clinic_doctor, other.national_id, check_up("w", days_ago(2)))
    entry = systolic_of(client, me)
    foreign = systolic_of(client, other)
    empty = ask(client, me, "observation", entry["id"], reason="   ")
    assert empty.status_code == 422 and "reason" in empty.get_json()["errors"]
    theirs = ask(client, me, "observation", foreign["id"])
    missing = ask(client, me, "observation", str(uuid.uuid4()))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_json() == missing.get_json()
    denied = db_session.scalars(select(HealthAccessLog).where(HealthAccessLog.outcome == "denied")).all()
    assert denied == []  # a probe is counted against the caller, not written to the owner's log
    assert ask(client, me, "prescription", entry["id"]).status_code == 422


def test_a_resource_id_beyond_bigint_is_422_not_a_database_overflow(client, people):
    """Found by the generated requests: the id went to the database and overflowed (500)."""
    me = people.citizen()
    answer = ask(client, me, "condition", 3024358578970077049321340500860469248)
    assert answer.status_code == 422 and "resource_id" in answer.get_json()["errors"]


def test_a_corrections_id_is_opaque_not_its_sequential_key(client, people, clinic_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2), systolic=182))
    request = ask(client, me, "observation", systolic_of(client, me)["id"]).get_json()
    client.post(f"{QUEUE}/{request['id']}/acknowledge", headers=clinic_doctor.headers)
    client.post(f"{QUEUE}/{request['id']}/resolve", headers=clinic_doctor.headers,
                json={"outcome": "corrected", "changes": {"value": 128}})
    [shown] = systolic_of(client, me)["corrections"]
    stored = db_session.scalar(select(HealthCorrection).where(HealthCorrection.public_id == uuid.UUID(shown["id"])))
    assert stored is not None and uuid.UUID(shown["id"]).version == 7
    assert str(stored.id) != shown["id"]

"""A health provider writes entries for a patient from its own facility; replays add nothing."""
from sqlalchemy import func, select

from models.health import HealthRecord, Observation
from models.reference import Resident
from tests.health_support import CLINIC, check_up, days_ago, obs, write, written


def test_a_batch_is_stored_with_a_computed_bmi_and_replays_add_nothing(client, people, clinic_doctor, db_session):
    patient = people.resident()
    batch = check_up("v1", days_ago(3))
    first = written(client, clinic_doctor, patient.national_id, batch)
    assert first == {"created": {"observations": 5, "conditions": 1, "allergies": 1, "risk_factors": 1,
                                 "immunizations": 1, "encounters": 1}, "skipped_duplicates": 0}
    again = written(client, clinic_doctor, patient.national_id, batch)
    assert sum(again["created"].values()) == 0 and again["skipped_duplicates"] == 10
    bmi = db_session.scalars(select(Observation).where(Observation.code == "39156-5",
                                                       Observation.facility_code == CLINIC,
                                                       Observation.source_id == "v1-w#bmi")).one()
    assert bmi.value == 22.9 and bmi.derived and bmi.unit == "kg/m2"
    resident = db_session.scalars(select(Resident).where(Resident.national_id == patient.national_id)).one()
    assert db_session.scalar(select(func.count()).select_from(HealthRecord)
                             .where(HealthRecord.resident_id == resident.id)) == 1


def test_idempotency_key_replays_the_first_answer(client, people, clinic_doctor):
    patient = people.resident()
    batch = {"observations": [obs("k-1", "8867-4", 72, "/min", days_ago(1))]}
    first = write(client, clinic_doctor, patient.national_id, batch, **{"Idempotency-Key": "batch-1"})
    second = write(client, clinic_doctor, patient.national_id, batch, **{"Idempotency-Key": "batch-1"})
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.get_json() == first.get_json()
    other = write(client, clinic_doctor, patient.national_id, {"observations": []}, **{"Idempotency-Key": "batch-1"})
    assert other.status_code == 422


def test_invalid_values_are_422_with_the_field_and_reason(client, people, clinic_doctor):
    patient = people.resident()
    at = days_ago(1)
    answer = write(client, clinic_doctor, patient.national_id, {"observations": [
        obs("t", "8310-5", 95, "Cel", at), obs("w", "29463-7", -4, "kg", at),
        obs("s", "8480-6", 80, "mm[Hg]", at), obs("d", "8462-4", 110, "mm[Hg]", at),
        obs("f", "8867-4", 70, "/min", days_ago(-3))]})
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["code"] in ("invalid_health_entry", "validation_failed")
    for field in ("observations.0.value", "observations.1.value", "observations.3.value",
                  "observations.4.effective_at"):
        assert field in body["errors"], body["errors"]
    assert body["errors"]["observations.0.value"] == ["Nhiệt độ cơ thể 95 Cel không hợp lý (giới hạn từ 25 đến 45)."]
    assert body["errors"]["observations.3.value"] == [
        "Huyết áp tâm trương 110 phải thấp hơn huyết áp tâm thu 80 đo cùng thời điểm."]
    english = write(client, clinic_doctor, patient.national_id, {"observations": [
        obs("t", "8310-5", 95, "Cel", at), obs("f", "8867-4", 70, "/min", days_ago(-3))]},
        **{"Accept-Language": "en"}).get_json()
    assert english["errors"] == {
        "observations.0.value": ["Body temperature of 95 Cel is not plausible (expected 25 to 45)."],
        "observations.1.effective_at": ["Is in the future."]}


def test_the_facility_comes_from_the_account_not_the_body(client, people, clinic_doctor):
    patient = people.resident()
    batch = {"facility_code": "BV-BACHMAI", "observations": [obs("x", "8867-4", 70, "/min", days_ago(1))]}
    answer = write(client, clinic_doctor, patient.national_id, batch)
    assert answer.status_code == 422 and "facility_code" in answer.get_json()["errors"]


def test_a_provider_outside_the_catalogue_is_403(client, people, facilities):
    """(An unknown patient: tests/e2e/test_provider_answers.py.)"""
    ghost = people.staff("health_provider", facility_code="NOT-IN-CATALOGUE")
    batch = {"observations": [obs("x", "8867-4", 70, "/min", days_ago(1))]}
    patient = people.resident()
    answer = write(client, ghost, patient.national_id, batch)
    assert answer.status_code == 403 and answer.get_json()["code"] == "unknown_facility"

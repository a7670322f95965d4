"""A provider reads a patient's summary with consent, or by breaking the glass; both logged."""
from datetime import timedelta

from sqlalchemy import select

from models.health import HealthConsent
from models.notifications import Notification
from services.clock import clock
from tests.health_support import CLINIC, HOSPITAL, born_on, check_up, days_ago, written

API = "/api/v1/me/health"


def read(client, doctor, patient, **query):
    return client.get(f"/api/v1/providers/patients/{patient.national_id}/summary", query_string=query,
                      headers={**doctor.headers, **born_on(client, patient.national_id)})


def test_without_consent_the_read_is_refused_and_logged(client, people, hospital_doctor):
    me = people.citizen()
    answer = read(client, hospital_doctor, me)
    assert answer.status_code == 403 and answer.get_json()["code"] == "consent_required"
    log = client.get(f"{API}/access-log", headers=me.headers).get_json()["items"]
    assert len(log) == 1 and log[0]["outcome"] == "denied" and log[0]["facility_code"] == HOSPITAL
    assert log[0]["accessor_name"] == "Cán bộ health_provider" and log[0]["emergency"] is False


def test_consent_grants_reads_until_revoked_and_every_version_is_kept(client, people, clinic_doctor,
                                                                       hospital_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2)))
    granted = client.put(f"{API}/consents/{HOSPITAL}", json={}, headers=me.headers)
    assert granted.status_code == 200 and granted.get_json()["status"] == "active"
    assert client.put(f"{API}/consents/{HOSPITAL}", json={}, headers=me.headers).get_json()["version"] == 1

    answer = read(client, hospital_doctor, me, purpose="referral")
    assert answer.status_code == 200
    summary = answer.get_json()
    assert summary["subject"]["national_id_masked"] == "********" + me.national_id[-4:]
    assert {v["code"] for v in summary["vital_signs"]} >= {"8480-6", "39156-5"}
    assert read(client, clinic_doctor, me).status_code == 403  # consent is per facility

    assert client.delete(f"{API}/consents/{HOSPITAL}", headers=me.headers).status_code == 204
    refused = read(client, hospital_doctor, me)
    assert refused.status_code == 403 and refused.get_json()["code"] == "consent_required"
    assert client.delete(f"{API}/consents/{HOSPITAL}", headers=me.headers).status_code == 404

    consent = client.get(f"{API}/consents/{HOSPITAL}", headers=me.headers).get_json()
    assert consent["status"] == "revoked"
    assert [(v["version"], v["action"]) for v in consent["history"]] == [(2, "revoke"), (1, "grant")]
    rows = db_session.scalars(select(HealthConsent).order_by(HealthConsent.version)).all()
    assert [(r.version, r.action, r.channel) for r in rows] == [(1, "grant", "app"), (2, "revoke", "app")]
    log = client.get(f"{API}/access-log", headers=me.headers).get_json()["items"]
    assert [(e["outcome"], e["facility_code"], e["action"]) for e in log] == [
        ("denied", HOSPITAL, "read"), ("denied", CLINIC, "read"), ("granted", HOSPITAL, "read"),
        ("granted", CLINIC, "write")]
    assert log[2]["purpose"] == "referral"


def test_an_expired_consent_gives_consent_required(client, people, hospital_doctor, monkeypatch):
    me = people.citizen()
    expires = (clock.now() + timedelta(hours=2)).isoformat()
    answer = client.put(f"{API}/consents/{HOSPITAL}", json={"expires_at": expires}, headers=me.headers)
    assert answer.status_code == 200 and answer.get_json()["expires_at"]
    assert read(client, hospital_doctor, me).status_code == 200
    later = clock.now() + timedelta(hours=3)
    clock.freeze(later)
    expired = read(client, hospital_doctor, me)
    assert expired.status_code == 403 and expired.get_json()["code"] == "consent_required"
    assert client.get(f"{API}/consents/{HOSPITAL}", headers=me.headers).get_json()["status"] == "expired"


def test_consent_input_is_checked(client, people, facilities):
    me = people.citizen()
    past = (clock.now() - timedelta(days=1)).isoformat()
    answer = client.put(f"{API}/consents/{HOSPITAL}", json={"expires_at": past}, headers=me.headers)
    assert answer.status_code == 422 and "expires_at" in answer.get_json()["errors"]
    naive = client.put(f"{API}/consents/{HOSPITAL}", json={"expires_at": "2030-01-01T00:00:00"}, headers=me.headers)
    assert naive.status_code == 422
    assert client.put(f"{API}/consents/NOPE", json={}, headers=me.headers).status_code == 404
    assert client.get(f"{API}/consents/{HOSPITAL}", headers=me.headers).status_code == 404


def test_break_the_glass_is_allowed_logged_and_told_to_the_citizen(client, people, clinic_doctor,
                                                                    hospital_doctor, db_session):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(2)))
    answer = read(client, hospital_doctor, me, emergency_reason="unconscious on arrival at the emergency room")
    assert answer.status_code == 200 and answer.get_json()["emergency"] is True
    assert answer.get_json()["allergies"][0]["substance"] == "penicillin"
    entry = client.get(f"{API}/access-log", headers=me.headers).get_json()["items"][0]
    assert entry["emergency"] is True and entry["outcome"] == "granted" and entry["purpose"] == "emergency"
    assert entry["emergency_reason"] == "unconscious on arrival at the emergency room"
    assert entry["facility_name"] == "Bệnh viện Bạch Mai"
    notes = db_session.scalars(select(Notification).where(Notification.account_id == me.account.id)).all()
    assert [n.kind for n in notes] == ["health_emergency_access"]
    blank = read(client, hospital_doctor, me, emergency_reason="   ")
    assert blank.status_code == 403


def test_a_child_guardian_manages_consent_and_hears_of_emergency_reads(client, people, hospital_doctor, db_session):
    from tests.health_support import born_years_ago

    parent = people.citizen()
    child = people.resident(born=born_years_ago(6), guardian=parent.national_id)
    path = f"{API}/consents/{HOSPITAL}?subject={child.national_id}"
    assert client.put(path, json={}, headers=parent.headers).status_code == 200
    assert read(client, hospital_doctor, child).status_code == 200
    assert client.delete(path, headers=parent.headers).status_code == 204
    assert read(client, hospital_doctor, child, emergency_reason="asthma attack").status_code == 200
    notes = db_session.scalars(select(Notification).where(Notification.account_id == parent.account.id)).all()
    assert [n.kind for n in notes] == ["health_emergency_access"]
